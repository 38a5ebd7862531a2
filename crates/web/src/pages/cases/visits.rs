//! Recording a follow-up visit on a case (the list and the overdue flag are on the case page).

use super::{back, for_action};
use crate::ctx::Identity;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use passerelle_store::visits::{self, VisitInput};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VisitForm {
    visited_on: String,
    kind: String,
    place: String,
    who_went: String,
    seen: String,
    next_on: String,
}

/// Records a visit: the case's caseworker or a supervisor, on an open case; every problem of
/// the form is reported at once and nothing is written then.
pub async fn record(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<VisitForm>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, None).await?;
    let input = VisitInput { visited_on: f.visited_on, kind: f.kind, place: f.place, who_went: f.who_went, seen: f.seen, next_on: f.next_on };
    visits::record(&mut tx, identity.id(), &case, &input, Utc::now().date_naive()).await?;
    tx.commit().await?;
    Ok(back(id))
}
