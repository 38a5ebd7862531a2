//! Instance-wide security policy: which roles must use a second factor.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use passerelle_core::access::Role;
use passerelle_core::validate::Problems;
use passerelle_store::users;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin_security.html")]
struct PolicyPage {
    page: Page,
    roles: [Role; 8],
    required: Vec<Role>,
}

pub async fn show(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let required = users::totp_required_roles(&mut tx).await?;
    Ok(render(&PolicyPage { page, roles: Role::ALL, required }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PolicyForm {
    totp_required: Vec<String>,
}

pub async fn update(State(state): State<AppState>, identity: Identity, Form(form): Form<PolicyForm>) -> Result<Response, AppError> {
    let mut p = Problems::default();
    let mut roles = Vec::new();
    for r in &form.totp_required {
        match r.parse::<Role>() {
            Ok(role) => roles.push(role),
            Err(_) => p.add("totp_required", "unknown-choice"),
        }
    }
    super::invalid_if_any(p)?;
    let mut tx = state.store.write().await?;
    users::set_totp_required_roles(&mut tx, Some(identity.id()), &roles).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/security").into_response())
}
