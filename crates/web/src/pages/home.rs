//! The signed-in dashboard (the site root is the public service finder).

use super::render;
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use passerelle_store::agencies;
use passerelle_store::users::User;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    page: Page,
    user: User,
    agency: Option<String>,
}

pub async fn dashboard(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let agency = match identity.user.agency_id {
        Some(id) => agencies::get_agency(&mut tx, id).await?.map(|a| a.name),
        None => None,
    };
    Ok(render(&Dashboard { page, user: identity.user, agency }))
}
