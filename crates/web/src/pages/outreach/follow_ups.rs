//! Registering someone met during an activity, with their consent, and noting the referral
//! they want. Without consent nothing is written; the referral itself is made by the referral
//! module, which connects it back to the follow-up.

use super::activities::show_page;
use super::{field_errors, today};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::training::Fields;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use passerelle_core::access::Permission as P;
use passerelle_core::validate::Problems;
use passerelle_store::outreach::activities;
use passerelle_store::outreach::follow_ups::{self, FollowUpInput};
use passerelle_store::people::PersonInput;
use passerelle_store::StoreError;
use uuid::Uuid;

pub async fn create(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = Fields(pairs);
    let viewer = identity.viewer(P::RecordOutreach);
    let mut p = Problems::default();
    let service_id = match super::optional_id(form.get("service_id")) {
        Ok(v) => v,
        Err(()) => {
            p.add("service_id", "unknown-choice");
            None
        }
    };
    let input = FollowUpInput {
        person: PersonInput {
            given_names: form.get("given_names").to_string(),
            family_names: form.get("family_names").to_string(),
            sex: form.get("sex").to_string(),
            age_estimate: form.get("age_estimate").to_string(),
            nationality: form.get("nationality").to_string(),
            migration_status: form.get("migration_status").to_string(),
            phone: form.get("phone").to_string(),
            ..Default::default()
        },
        consent: form.get("consent") == "yes",
        consent_given_by: form.get("consent_given_by").to_string(),
        consent_scope: form.all("consent_scope"),
        need_code: form.get("need_code").to_string(),
        service_id,
    };
    if p.is_empty() {
        let mut tx = state.store.write().await?;
        // The activity must be one the agent may see: a follow-up hangs on it.
        activities::get(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
        match follow_ups::create(&mut tx, &viewer, id, &input, today()).await {
            Ok(_) => {
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/outreach/activities/{id}#follow-ups")).into_response());
            }
            Err(StoreError::Invalid(q)) => p = q,
            Err(e) => return Err(e.into()),
        }
    }
    let errors = field_errors(&page.tr, &p);
    show_page(&state, &identity, page, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}
