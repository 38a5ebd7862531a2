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

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReferForm {
    sop: String,
    risk: String,
}

/// The "refer" action of a follow-up that wants a referral: referrals are made from a case, so
/// this finds the person's open case the user may act on — or opens one under the SOP and
/// risk chosen, carrying the consent to referral given at the follow-up onto it — and opens
/// the referral form with the need or service wanted and `follow_up=<id>`, which links the
/// referral back to the follow-up when it is made.
pub async fn refer(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<ReferForm>) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::RecordOutreach);
    let sight = crate::pages::cases::sight(&identity);
    let mut tx = state.store.write().await?;
    let fu = follow_ups::visible(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
    if let Some(referral) = fu.referral_id {
        return Ok(Redirect::to(&format!("/referrals/{referral}")).into_response());
    }
    if !fu.referral_wanted() {
        return Err(AppError::BadRequest { key: "outreach-no-referral-wanted", detail: id.to_string() });
    }
    passerelle_store::people::get(&mut tx, &sight, fu.person_id).await?.ok_or(AppError::NotFound)?;
    let filter = passerelle_store::cases::Filter { status: Some("open".into()), person_id: Some(fu.person_id), limit: 50, ..Default::default() };
    let open = passerelle_store::cases::list(&mut tx, &sight, &filter).await?;
    let mine = open.into_iter().find(|c| c.assigned_to == identity.id() || identity.can(P::ApproveCases));
    let case = match mine {
        Some(c) => c.id,
        None => {
            let mut p = Problems::default();
            let risk = passerelle_core::sop::RiskLevel::from_code(&f.risk);
            if risk.is_none() {
                p.add("risk", "unknown-choice");
            }
            let sop = passerelle_store::sops::latest(&mut tx, &f.sop).await?;
            if sop.is_none() {
                p.add("sop", "unknown-choice");
            }
            let (Some(risk), Some(sop)) = (risk, sop) else { return Err(AppError::Invalid(p)) };
            let case = passerelle_store::cases::open(&mut tx, &sight, fu.person_id, &sop.sop, risk, false).await?;
            let scope: Vec<String> = fu.consent_scope.split_whitespace().map(str::to_string).collect();
            passerelle_store::consents::record(&mut tx, identity.id(), case.id, &fu.consent_given_by, &scope, "").await?;
            case.id
        }
    };
    tx.commit().await?;
    let mut query = vec![("follow_up", id.to_string())];
    if let Some(need) = &fu.need_code {
        query.push(("need", need.clone()));
    }
    if let Some(service) = fu.service_id {
        query.push(("service", service.to_string()));
    }
    let q = serde_urlencoded::to_string(&query).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to(&format!("/cases/{case}/referrals/new?{q}")).into_response())
}
