//! Signing in and out, lockout, throttling, sessions, CSRF, the second factor, passwords.

mod common;

use common::{location, Backend, Session, TestApp};
use passerelle_store::{demo, users};
use passerelle_web::WebConfig;
use reqwest::StatusCode;

const ADMIN: &str = "admin@demo.passerelle.test";
const CASEWORKER: &str = "caseworker@demo.passerelle.test";

both_backends!(sign_in_and_out, |app| {
    let s = Session::anonymous(&app);
    let res = s.sign_in(CASEWORKER, demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/dashboard");
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let (status, body) = s.text("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Amélie Caseworker"));
    assert_eq!(s.post_form("/dashboard", "/logout", &[]).await.status(), StatusCode::SEE_OTHER);
    let res = s.get("/dashboard").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"));
});

both_backends!(session_cookie_is_useless_after_sign_out, |app| {
    let s = app.signed_in(CASEWORKER).await;
    // Keep a copy of the session cookie, as an attacker who stole it would.
    let res = s.get("/dashboard").await;
    assert_eq!(res.status(), StatusCode::OK);
    let stolen = {
        let r = Session::anonymous(&app);
        let res = r.sign_in(CASEWORKER, demo::DEMO_PASSWORD).await;
        res.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string()
    };
    let replay = || async {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
            .get(app.at("/dashboard")).header("cookie", &stolen).send().await.unwrap().status()
    };
    assert_eq!(replay().await, StatusCode::OK);
    // Sign that session out: the copied cookie no longer opens anything.
    let owner = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = owner.get(app.at("/dashboard")).header("cookie", &stolen).send().await.unwrap().text().await.unwrap();
    let token = common::csrf_in(&page).unwrap();
    let out = owner.post(app.at("/logout")).header("cookie", &stolen).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(replay().await, StatusCode::SEE_OTHER);
});

both_backends!(session_fixation_is_impossible, |app| {
    // A cookie planted before sign-in is not a session, and signing in issues a new token.
    let planted = "passerelle_session=planted-by-attacker";
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = c.get(app.at("/login")).header("cookie", planted).send().await.unwrap();
    let csrf_cookie = page.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let token = common::csrf_in(&page.text().await.unwrap()).unwrap();
    let res = c.post(app.at("/login"))
        .header("cookie", format!("{planted}; {csrf_cookie}"))
        .form(&[("csrf_token", token.as_str()), ("email", CASEWORKER), ("password", demo::DEMO_PASSWORD)])
        .send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let issued = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(!issued.contains("planted-by-attacker"));
    let again = c.get(app.at("/dashboard")).header("cookie", planted).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "the planted cookie must not be signed in");
});

both_backends!(wrong_password_then_lockout, |app| {
    let s = Session::anonymous(&app);
    for i in 1..=5 {
        let res = s.sign_in(CASEWORKER, "not the password").await;
        assert_eq!(res.status(), StatusCode::OK);
        let body = res.text().await.unwrap();
        assert!(body.contains("role=\"alert\""), "attempt {i}");
        if i < 5 {
            assert!(body.contains("The email or the password is wrong."), "attempt {i}");
        } else {
            assert!(body.contains("locked for 15 minutes"), "attempt {i}");
        }
    }
    // Locked: even the right password is refused, and nothing is signed in.
    let res = s.sign_in(CASEWORKER, demo::DEMO_PASSWORD).await;
    assert!(res.text().await.unwrap().contains("locked for 15 minutes"));
    assert_eq!(s.get("/dashboard").await.status(), StatusCode::SEE_OTHER);
    // An administrator unlocks; the person signs in.
    let admin = app.signed_in(ADMIN).await;
    let mut tx = app.store.read().await.unwrap();
    let id = users::find_by_email(&mut tx, CASEWORKER).await.unwrap().unwrap().id;
    drop(tx);
    let page = format!("/admin/users/{id}");
    let res = admin.post_form(&page, &format!("/admin/users/{id}/unlock"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.sign_in(CASEWORKER, demo::DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
});

both_backends!(unknown_account_looks_like_a_wrong_password, |app| {
    let s = Session::anonymous(&app);
    let res = s.sign_in("nobody@demo.passerelle.test", "whatever-password").await;
    let body = res.text().await.unwrap();
    assert!(body.contains("The email or the password is wrong."));
});

async fn throttled(backend: Backend) {
    let config = WebConfig { throttle_failures_per_ip: 3, ..Default::default() };
    let app = TestApp::spawn_with(backend, config).await;
    let s = Session::anonymous(&app);
    // Guessing across different accounts from one address is throttled, too.
    for email in ["a@x.test", "b@x.test", "c@x.test"] {
        assert_eq!(s.sign_in(email, "guess-guess-guess").await.status(), StatusCode::OK);
    }
    let res = s.sign_in(CASEWORKER, demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_by_address_sqlite() {
    throttled(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_by_address_postgres() {
    throttled(Backend::Postgres).await
}

both_backends!(csrf_is_required_on_every_state_change, |app| {
    let s = app.signed_in(CASEWORKER).await;
    // No token.
    let res = s.client.post(app.at("/logout")).form(&[("x", "y")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A wrong token.
    let res = s.client.post(app.at("/language")).form(&[("csrf_token", "forged"), ("lang", "es")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("role=\"alert\""));
    // Still signed in: the forged requests did nothing.
    assert_eq!(s.get("/dashboard").await.status(), StatusCode::OK);
    // Anonymous forms need the double-submit cookie too.
    let anon = reqwest::Client::new();
    let res = anon.post(app.at("/login")).form(&[("csrf_token", "x"), ("email", CASEWORKER), ("password", demo::DEMO_PASSWORD)]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
});

fn totp_code(secret: &str, offset_steps: i64) -> String {
    let at = chrono::Utc::now() + chrono::Duration::seconds(30 * offset_steps);
    passerelle_web::totp::code_at(secret, at).unwrap()
}

both_backends!(totp_enrolment_sign_in_replay_and_brute_force, |app| {
    let s = app.signed_in(CASEWORKER).await;
    let (_, page) = s.text("/account/security").await;
    let start = page.find("id=\"totp-secret\">").unwrap() + "id=\"totp-secret\">".len();
    let secret = page[start..start + page[start..].find('<').unwrap()].to_string();
    assert!(secret.len() >= 16);
    // A wrong code does not enable it.
    let res = s.post_form("/account/security", "/account/security/totp", &[("action", "enable"), ("code", "000000")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = s.post_form("/account/security", "/account/security/totp", &[("action", "enable"), ("code", &totp_code(&secret, 0))]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    s.post_form("/dashboard", "/logout", &[]).await;

    // Sign in: the password alone opens nothing but the code page.
    let res = s.sign_in(CASEWORKER, demo::DEMO_PASSWORD).await;
    assert_eq!(location(&res), "/login/totp");
    let res = s.get("/dashboard").await;
    assert_eq!(location(&res), "/login/totp");
    assert_eq!(s.get("/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
    // The code used at enrolment cannot be replayed; the next step's code works.
    let res = s.post_form("/login/totp", "/login/totp", &[("code", &totp_code(&secret, 0))]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("role=\"alert\""));
    let res = s.post_form("/login/totp", "/login/totp", &[("code", &totp_code(&secret, 1))]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/dashboard");
    assert_eq!(s.get("/dashboard").await.status(), StatusCode::OK);
    s.post_form("/dashboard", "/logout", &[]).await;

    // Guessing codes locks the account like guessing passwords.
    s.sign_in(CASEWORKER, demo::DEMO_PASSWORD).await;
    for _ in 0..5 {
        s.post_form("/login/totp", "/login/totp", &[("code", "123456")]).await;
    }
    let mut tx = app.store.read().await.unwrap();
    let u = users::find_by_email(&mut tx, CASEWORKER).await.unwrap().unwrap();
    assert!(u.is_locked(chrono::Utc::now()));
});

both_backends!(mandatory_second_factor_per_role, |app| {
    let admin = app.signed_in(ADMIN).await;
    let res = admin.post_form("/admin/security", "/admin/security", &[("totp_required", "supervisor")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let s = app.signed_in("supervisor@demo.passerelle.test").await;
    let res = s.get("/dashboard").await;
    assert_eq!(location(&res), "/account/security");
    assert_eq!(s.get("/account/security").await.status(), StatusCode::OK);
    // Other roles are not affected.
    let c = app.signed_in(CASEWORKER).await;
    assert_eq!(c.get("/dashboard").await.status(), StatusCode::OK);
});

both_backends!(password_change_and_admin_reset, |app| {
    let s = app.signed_in(CASEWORKER).await;
    let other = app.signed_in(CASEWORKER).await;
    // Too short, mismatched, wrong current: every problem named at once.
    let res = s.post_form("/account/password", "/account/password", &[
        ("current_password", "wrong"), ("new_password", "short"), ("confirm_password", "other"),
    ]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("use at least 12 characters"));
    assert!(body.contains("the two passwords differ"));
    assert!(body.contains("the password is wrong"));
    let res = s.post_form("/account/password", "/account/password", &[
        ("current_password", demo::DEMO_PASSWORD), ("new_password", "a much longer passphrase"), ("confirm_password", "a much longer passphrase"),
    ]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // This session goes on; the other one ended.
    assert_eq!(s.get("/dashboard").await.status(), StatusCode::OK);
    assert_eq!(other.get("/dashboard").await.status(), StatusCode::SEE_OTHER);

    // An administrator resets it: the person must choose a new one at sign-in.
    let admin = app.signed_in(ADMIN).await;
    let mut tx = app.store.read().await.unwrap();
    let id = users::find_by_email(&mut tx, CASEWORKER).await.unwrap().unwrap().id;
    drop(tx);
    let res = admin.post_form(&format!("/admin/users/{id}"), &format!("/admin/users/{id}/reset-password"), &[("password", "temporary password 1")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.get("/dashboard").await.status(), StatusCode::SEE_OTHER, "reset ends the sessions");
    let fresh = Session::anonymous(&app);
    fresh.sign_in(CASEWORKER, "temporary password 1").await;
    let res = fresh.get("/dashboard").await;
    assert_eq!(location(&res), "/account/password");
});

both_backends!(deactivated_user_cannot_sign_in_and_history_stays, |app| {
    let admin = app.signed_in(ADMIN).await;
    let s = app.signed_in(CASEWORKER).await;
    let mut tx = app.store.read().await.unwrap();
    let id = users::find_by_email(&mut tx, CASEWORKER).await.unwrap().unwrap().id;
    drop(tx);
    let res = admin.post_form(&format!("/admin/users/{id}"), &format!("/admin/users/{id}/deactivate"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.get("/dashboard").await.status(), StatusCode::SEE_OTHER);
    let again = Session::anonymous(&app);
    let body = again.sign_in(CASEWORKER, demo::DEMO_PASSWORD).await.text().await.unwrap();
    assert!(body.contains("role=\"alert\""));
    // Still listed (with deactivated accounts) and its audit history is there.
    let (_, list) = admin.text("/admin/users?inactive=1&q=Amélie").await;
    assert!(list.contains("Deactivated"));
    let (_, audit) = admin.text(&format!("/admin/audit?entity_type=user&entity_id={id}")).await;
    assert!(audit.contains("user.deactivate"));
});

both_backends!(language_follows_choice_then_browser, |app| {
    let s = Session::anonymous(&app);
    let fr = s.client.get(app.at("/login")).header("accept-language", "de,fr;q=0.5").send().await.unwrap().text().await.unwrap();
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Se connecter"));
    let es = s.client.get(app.at("/login")).header("accept-language", "es-MX").send().await.unwrap().text().await.unwrap();
    assert!(es.contains("<html lang=\"es\">") && es.contains("Iniciar sesión"));
    let none = s.client.get(app.at("/login")).header("accept-language", "de").send().await.unwrap().text().await.unwrap();
    assert!(none.contains("<html lang=\"fr\">"), "French when nothing matches");
    // A signed-in choice is kept on the account.
    let c = app.signed_in(CASEWORKER).await;
    let res = c.post_form("/dashboard", "/language", &[("lang", "es"), ("return_to", "/account")]).await;
    assert_eq!(location(&res), "/account");
    let page = c.client.get(app.at("/dashboard")).header("accept-language", "en").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<html lang=\"es\">"));
    // An outside address is never a place to return to.
    let res = c.post_form("/dashboard", "/language", &[("lang", "en"), ("return_to", "//evil.example/")]).await;
    assert_eq!(location(&res), "/");
    let res = c.post_form("/dashboard", "/language", &[("lang", "xx")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
});
