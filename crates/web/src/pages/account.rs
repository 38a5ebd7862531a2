//! A person's own account: password, second factor, personal API tokens.

use super::{render, render_status};
use crate::ctx::{Identity, Page, Via};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;
use crate::totp;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::CookieJar;
use passerelle_core::validate::Problems;
use passerelle_store::db::now;
use passerelle_store::tokens::{self, ApiToken};
use passerelle_store::users::User;
use passerelle_store::{sessions, users};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    user: User,
}

pub async fn show(identity: Identity, page: Page) -> Response {
    render(&AccountPage { page, user: identity.user })
}

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    page: Page,
    errors: FormErrors,
    forced: bool,
}

pub async fn password_form(identity: Identity, page: Page) -> Response {
    render(&PasswordPage { page, errors: FormErrors::default(), forced: identity.user.must_change_password })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    identity: Identity,
    page: Page,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let mut p = Problems::default();
    p.new_password("new_password", &form.new_password);
    if form.new_password != form.confirm_password {
        p.add("confirm_password", "mismatch");
    }
    if form.new_password == form.current_password {
        p.add("new_password", "same-as-current");
    }
    let mut tx = state.store.read().await?;
    let creds = users::credentials(&mut tx, identity.id()).await?;
    drop(tx);
    let current_ok = crate::passwords::verify(form.current_password.clone(), creds.password_hash.clone()).await?;
    if !current_ok {
        p.add("current_password", "wrong-password");
    }
    if !p.is_empty() {
        let errors = FormErrors::from_problems(&page.tr, &p);
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &PasswordPage {
            page,
            errors,
            forced: identity.user.must_change_password,
        }));
    }
    let hash = crate::passwords::hash(form.new_password.clone()).await?;
    let mut tx = state.store.write().await?;
    // Every session of the account ends, then this one starts afresh.
    users::set_password(&mut tx, Some(identity.id()), identity.id(), &hash, false).await?;
    let (token, _) = sessions::create(&mut tx, identity.id(), false).await?;
    tx.commit().await?;
    let jar = jar.add(super::auth::session_cookie(&state, token));
    Ok((jar, Redirect::to("/account?changed=password")).into_response())
}

#[derive(Template)]
#[template(path = "account_security.html")]
struct SecurityPage {
    page: Page,
    enabled: bool,
    secret: String,
    qr_svg: String,
    errors: FormErrors,
    required: bool,
}

/// Shows the second-factor status; when not enrolled, a fresh secret to enrol with.
pub async fn security(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    security_page(&state, identity, page, FormErrors::default(), StatusCode::OK).await
}

async fn security_page(
    state: &AppState,
    identity: Identity,
    page: Page,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let required_roles = users::totp_required_roles(&mut tx).await?;
    let required = identity.user.roles.iter().any(|r| required_roles.contains(r));
    let user = users::get_user(&mut tx, identity.id()).await?.ok_or(AppError::NotFound)?;
    let (secret, qr_svg) = if user.totp_enabled {
        (String::new(), String::new())
    } else {
        // A pending secret is kept until enrolment succeeds, so reloading shows the same one.
        let creds = users::credentials(&mut tx, user.id).await?;
        let secret = match creds.totp_secret {
            Some(s) => s,
            None => {
                let s = totp::new_secret();
                users::set_totp(&mut tx, user.id, Some(&s), false).await?;
                s
            }
        };
        let svg = totp::provisioning_uri(&secret, &user.email).and_then(|u| totp::qr_svg(&u)).unwrap_or_default();
        (secret, svg)
    };
    tx.commit().await?;
    Ok(render_status(status, &SecurityPage { page, enabled: user.totp_enabled, secret, qr_svg, errors, required }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TotpForm {
    action: String,
    code: String,
    password: String,
}

pub async fn security_submit(
    State(state): State<AppState>,
    identity: Identity,
    page: Page,
    Form(form): Form<TotpForm>,
) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let creds = users::credentials(&mut tx, identity.id()).await?;
    match form.action.as_str() {
        "enable" => {
            let step = creds.totp_secret.as_deref().and_then(|s| totp::matching_step(s, &form.code, now()));
            let Some(step) = step else {
                drop(tx);
                let errors = FormErrors::one(&page.tr, "code", "totp-wrong");
                return security_page(&state, identity, page, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
            };
            users::set_totp(&mut tx, identity.id(), creds.totp_secret.as_deref(), true).await?;
            users::use_totp_step(&mut tx, identity.id(), step).await?;
        }
        "disable" => {
            let required_roles = users::totp_required_roles(&mut tx).await?;
            if identity.user.roles.iter().any(|r| required_roles.contains(r)) {
                return Err(AppError::Forbidden);
            }
            let ok = crate::passwords::verify(form.password.clone(), creds.password_hash.clone()).await?;
            if !ok {
                drop(tx);
                let errors = FormErrors::one(&page.tr, "password", "wrong-password");
                return security_page(&state, identity, page, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
            users::set_totp(&mut tx, identity.id(), None, false).await?;
        }
        _ => {
            let mut p = Problems::default();
            p.add("action", "unknown-choice");
            return Err(AppError::Invalid(p));
        }
    }
    tx.commit().await?;
    Ok(Redirect::to("/account/security").into_response())
}

#[derive(Template)]
#[template(path = "account_tokens.html")]
struct TokensPage {
    page: Page,
    tokens: Vec<ApiToken>,
    new_secret: Option<String>,
    errors: FormErrors,
}

pub async fn tokens_list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let list = tokens::list_for_user(&mut tx, identity.id()).await?;
    Ok(render(&TokensPage { page, tokens: list, new_secret: None, errors: FormErrors::default() }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
}

pub async fn tokens_create(
    State(state): State<AppState>,
    identity: Identity,
    page: Page,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    if !matches!(identity.via, Via::Session { .. }) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.store.write().await?;
    let created = tokens::create(&mut tx, Some(identity.id()), identity.id(), &form.name).await;
    let (secret, errors, status) = match created {
        Ok((secret, _)) => (Some(secret), FormErrors::default(), StatusCode::OK),
        Err(passerelle_store::StoreError::Invalid(p)) => {
            (None, FormErrors::from_problems(&page.tr, &p), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    let mut tx = state.store.read().await?;
    let list = tokens::list_for_user(&mut tx, identity.id()).await?;
    Ok(render_status(status, &TokensPage { page, tokens: list, new_secret: secret, errors }))
}

pub async fn tokens_revoke(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<uuid::Uuid>,
) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    tokens::revoke(&mut tx, Some(identity.id()), identity.id(), id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
