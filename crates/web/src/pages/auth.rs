//! Signing in (password, then the second factor when enrolled), signing out, and choosing
//! the language.

use super::{render, render_status};
use crate::ctx::{Identity, Page, Via, LANG_COOKIE, SESSION_COOKIE};
use crate::error::AppError;
use crate::forms::local_path;
use crate::state::AppState;
use crate::totp;
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use chrono::Duration;
use passerelle_store::audit::{self, Event};
use passerelle_store::db::now;
use passerelle_store::{sessions, users};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    error: Option<String>,
    email: String,
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
}

pub async fn login_form(page: Page, identity: Option<Identity>, Query(q): Query<LoginQuery>) -> Response {
    if identity.is_some_and(|i| matches!(i.via, Via::Session { second_factor_pending: false, .. })) {
        return Redirect::to("/dashboard").into_response();
    }
    render(&LoginPage { page, error: None, email: String::new(), next: q.next })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

/// The client's address, for throttling: the socket's, or the first `X-Forwarded-For` hop when
/// the operator said a reverse proxy sets it.
pub fn client_ip(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    if state.config.trust_forwarded_for {
        if let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
        {
            return ip.trim().to_string();
        }
    }
    peer.ip().to_string()
}

pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(state.config.secure)
        .same_site(SameSite::Lax)
        .build()
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    page: Page,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let tr = page.tr.clone();
    let ip = client_ip(&state, &headers, peer);
    let email = form.email.trim().to_lowercase();
    let fail = |page: Page, key: &str, status: StatusCode| {
        render_status(status, &LoginPage {
            error: Some(tr.t(key)),
            email: form.email.trim().to_string(),
            next: form.next.clone(),
            page,
        })
    };

    // Many failures from one address: refuse for a while, whatever the account.
    {
        let since = now() - Duration::minutes(state.config.throttle_window_minutes);
        let mut tx = state.store.read().await?;
        if users::recent_failures_from(&mut tx, &ip, since).await? >= state.config.throttle_failures_per_ip {
            return Ok(fail(page, "login-throttled", StatusCode::TOO_MANY_REQUESTS));
        }
    }

    let mut tx = state.store.read().await?;
    let user = users::find_by_email(&mut tx, &email).await?;
    let creds = match &user {
        Some(u) => Some(users::credentials(&mut tx, u.id).await?),
        None => None,
    };
    drop(tx);

    let hash = creds.as_ref().and_then(|c| c.password_hash.clone());
    let verified = crate::passwords::verify(form.password.clone(), hash).await?;

    let mut tx = state.store.write().await?;
    let Some(user) = user else {
        users::record_attempt(&mut tx, &email, &ip, false).await?;
        audit::append(&mut tx, Event::new(None, "session.sign_in_failed", "session")
            .detail(json!({"reason": "unknown_account"}))).await?;
        tx.commit().await?;
        return Ok(fail(page, "login-failed", StatusCode::OK));
    };
    if user.is_locked(now()) {
        users::record_attempt(&mut tx, &email, &ip, false).await?;
        audit::append(&mut tx, Event::new(None, "session.sign_in_refused", "user").entity(user.id)
            .detail(json!({"reason": "locked"}))).await?;
        tx.commit().await?;
        return Ok(fail(page, "login-locked", StatusCode::OK));
    }
    if !verified || !user.active {
        users::record_attempt(&mut tx, &email, &ip, false).await?;
        let locked = users::record_failure(&mut tx, user.id).await?;
        let reason = if user.active { "wrong_password" } else { "inactive" };
        audit::append(&mut tx, Event::new(None, "session.sign_in_failed", "user").entity(user.id)
            .detail(json!({"reason": reason}))).await?;
        tx.commit().await?;
        let key = if locked.is_some() { "login-locked" } else { "login-failed" };
        return Ok(fail(page, key, StatusCode::OK));
    }

    users::record_attempt(&mut tx, &email, &ip, true).await?;
    users::record_success(&mut tx, user.id).await?;
    // A new session at every sign-in: a token planted before sign-in is worth nothing.
    let (token, _) = sessions::create(&mut tx, user.id, user.totp_enabled).await?;
    audit::append(&mut tx, Event::new(Some(user.id), "session.sign_in", "user").entity(user.id)
        .detail(json!({"second_factor": user.totp_enabled}))).await?;
    tx.commit().await?;

    let jar = jar.add(session_cookie(&state, token));
    let to = if user.totp_enabled {
        "/login/totp".to_string()
    } else {
        local_path(&form.next, "/dashboard")
    };
    Ok((jar, Redirect::to(&to)).into_response())
}

#[derive(Template)]
#[template(path = "login_totp.html")]
struct TotpPage {
    page: Page,
    error: Option<String>,
}

pub async fn totp_form(page: Page) -> Response {
    render(&TotpPage { page, error: None })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn totp_submit(
    State(state): State<AppState>,
    identity: Identity,
    page: Page,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let Via::Session { token_hash, .. } = &identity.via else { return Err(AppError::Forbidden) };
    let mut tx = state.store.write().await?;
    let user = users::get_user(&mut tx, identity.id()).await?.ok_or(AppError::Unauthorized)?;
    if user.is_locked(now()) {
        sessions::delete(&mut tx, token_hash).await?;
        tx.commit().await?;
        let tr = page.tr.clone();
        return Ok(render_status(StatusCode::OK, &TotpPage { page, error: Some(tr.t("login-locked")) }));
    }
    let creds = users::credentials(&mut tx, user.id).await?;
    let step = creds.totp_secret.as_deref().and_then(|s| totp::matching_step(s, &form.code, now()));
    let accepted = match step {
        Some(step) => users::use_totp_step(&mut tx, user.id, step).await?,
        None => false,
    };
    if !accepted {
        // Wrong codes count towards the same lockout as wrong passwords.
        let locked = users::record_failure(&mut tx, user.id).await?;
        audit::append(&mut tx, Event::new(Some(user.id), "session.second_factor_failed", "user").entity(user.id)).await?;
        if locked.is_some() {
            sessions::delete(&mut tx, token_hash).await?;
        }
        tx.commit().await?;
        let tr = page.tr.clone();
        let key = if locked.is_some() { "login-locked" } else { "totp-wrong" };
        return Ok(render_status(StatusCode::OK, &TotpPage { page, error: Some(tr.t(key)) }));
    }
    users::record_success(&mut tx, user.id).await?;
    sessions::complete_second_factor(&mut tx, token_hash).await?;
    audit::append(&mut tx, Event::new(Some(user.id), "session.second_factor", "user").entity(user.id)).await?;
    tx.commit().await?;
    Ok(Redirect::to("/dashboard").into_response())
}

pub async fn logout(State(state): State<AppState>, identity: Identity, jar: CookieJar) -> Result<Response, AppError> {
    if let Via::Session { token_hash, .. } = &identity.via {
        let mut tx = state.store.write().await?;
        sessions::delete(&mut tx, token_hash).await?;
        audit::append(&mut tx, Event::new(Some(identity.id()), "session.sign_out", "user").entity(identity.id())).await?;
        tx.commit().await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    // Wipe what the browser kept for this session: outreach drafts (IndexedDB), the offline
    // form (service worker and its cache). Cookies are handled above; the language one stays.
    let wipe = [(axum::http::HeaderName::from_static("clear-site-data"), "\"storage\", \"cache\"")];
    Ok((jar, wipe, Redirect::to("/login")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LanguageForm {
    lang: String,
    return_to: String,
}

pub async fn set_language(
    State(state): State<AppState>,
    identity: Option<Identity>,
    jar: CookieJar,
    Form(form): Form<LanguageForm>,
) -> Result<Response, AppError> {
    let lang: passerelle_core::lang::Lang = form.lang.parse().map_err(|_| {
        let mut p = passerelle_core::validate::Problems::default();
        p.add("lang", "unknown-choice");
        AppError::Invalid(p)
    })?;
    if let Some(i) = identity.filter(|i| matches!(i.via, Via::Session { .. })) {
        let mut tx = state.store.write().await?;
        users::set_language(&mut tx, i.id(), lang.code()).await?;
        tx.commit().await?;
    }
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .secure(state.config.secure)
        .same_site(SameSite::Lax)
        .max_age(time_year())
        .build();
    Ok((jar.add(cookie), Redirect::to(&local_path(&form.return_to, "/"))).into_response())
}

fn time_year() -> time::Duration {
    time::Duration::days(365)
}
