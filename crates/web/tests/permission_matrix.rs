//! Every route x every role (and nobody signed in): allowed or refused exactly as the route
//! table and the permission table say. Removing a check from the guard, or granting a
//! permission by mistake, makes this test fail.

mod common;

use common::{Session, TestApp};
use passerelle_core::access::Role;
use passerelle_store::demo;
use passerelle_web::access::{allows, Access};
use passerelle_web::routes::route_defs;
use reqwest::{Method, StatusCode};

/// A concrete path for a route pattern: ids become a random UUID (the handler answers 404 if
/// allowed), the one asset becomes a real file.
fn concrete(path: &str) -> String {
    path.replace("{id}", &uuid::Uuid::new_v4().to_string()).replace("{file}", "app.css")
}

async fn request(s: &Session, method: &Method, path: &str, csrf: &str) -> reqwest::Response {
    let url = format!("{}{}", s.base, concrete(path));
    let mut req = s.client.request(method.clone(), url).header("accept-language", "en");
    if *method != Method::GET {
        // A valid CSRF token, so that a refusal can only come from the permission check.
        req = req.header("x-csrf-token", csrf).header("content-type", "application/x-www-form-urlencoded").body("");
    }
    req.send().await.expect("request")
}

fn refused(status: StatusCode) -> bool {
    status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED
}

async fn walk(app: TestApp) {
    let defs = route_defs();
    let mut checked = 0;
    for (email, role) in demo::demo_accounts() {
        let mut s = app.signed_in(&email).await;
        let mut csrf = s.csrf("/dashboard").await;
        for def in &defs {
            let res = request(&s, &def.method, def.path, &csrf).await;
            let status = res.status();
            let expect_allowed = allows(def.access, &[role]);
            if def.access == Access::SecondFactor {
                // A fully signed-in user is sent on to the dashboard, never shown the step.
                assert_eq!(status, StatusCode::SEE_OTHER, "{role} {} {}", def.method, def.path);
            } else if expect_allowed {
                assert!(!refused(status), "{role} must be allowed {} {} (got {status})", def.method, def.path);
                // Signing out is the one allowed action that ends at the sign-in page.
                assert!(
                    def.path == "/logout" || !common::location(&res).starts_with("/login"),
                    "{role} sent to sign-in on {} {}", def.method, def.path
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} must be refused {} {}", def.method, def.path);
            }
            checked += 1;
            if def.path == "/logout" && status == StatusCode::SEE_OTHER {
                s = app.signed_in(&email).await;
                csrf = s.csrf("/dashboard").await;
            }
        }
    }
    // Nobody signed in: only public routes answer; pages send to sign-in, the API says 401.
    let anon = Session::anonymous(&app);
    let csrf = anon.csrf("/login").await;
    for def in &defs {
        let res = request(&anon, &def.method, def.path, &csrf).await;
        let status = res.status();
        match def.access {
            Access::Public => assert!(!refused(status), "anonymous must reach {} {} (got {status})", def.method, def.path),
            _ if def.path.starts_with("/api/") || def.method != Method::GET => {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {} {}", def.method, def.path)
            }
            _ => {
                assert_eq!(status, StatusCode::SEE_OTHER, "anonymous {} {}", def.method, def.path);
                assert!(common::location(&res).starts_with("/login"), "anonymous {} {}", def.method, def.path);
            }
        }
        checked += 1;
    }
    assert_eq!(checked, defs.len() * (Role::ALL.len() + 1));
}

both_backends!(every_route_every_role, |app| { walk(app).await });

#[test]
fn every_role_has_a_demo_account() {
    let roles: Vec<Role> = demo::demo_accounts().into_iter().map(|(_, r)| r).collect();
    for r in Role::ALL {
        assert!(roles.contains(&r), "no demo account for {r}");
    }
}

#[test]
fn routes_are_declared_once() {
    let defs = route_defs();
    for (i, a) in defs.iter().enumerate() {
        assert!(
            !defs[i + 1..].iter().any(|b| a.method == b.method && a.path == b.path),
            "{} {} declared twice", a.method, a.path
        );
    }
}
