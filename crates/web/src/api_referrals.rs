//! The JSON API for referrals, with the pages' permissions and the pages' two views: the
//! referring side reads the referral with its case and legal basis, the receiving side reads
//! exactly what the page shows it — the shared copy, never the case.

use crate::api::ApiJson;
use crate::ctx::Identity;
use crate::error::AppError;
use crate::pages::referrals::{apply_status, load, ListQuery, StatusForm};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum_extra::extract::Query;
use chrono::{DateTime, Utc};
use passerelle_store::referrals::{Referral, Standing};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A referral as its reader may see it. `case_id`, `legal_basis` and `feedback_code` are given
/// to the referring side only.
#[derive(Serialize, ToSchema)]
pub struct ReferralOut {
    pub id: Uuid,
    pub reference: String,
    /// HL7 FHIR Task status: draft, requested, accepted, rejected, in-progress, on-hold,
    /// completed, cancelled, failed.
    pub status: String,
    pub urgency: String,
    pub need: String,
    pub service_id: Uuid,
    pub service_name: String,
    pub to_agency: Option<String>,
    pub from_agency: Option<String>,
    pub reason: String,
    /// The fields the referrer chose to share, by code.
    pub shared: BTreeMap<String, String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub status_reason: Option<String>,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback_code: Option<String>,
}

fn out(r: Referral, standing: Standing) -> ReferralOut {
    let referrer = standing == Standing::Referrer;
    ReferralOut {
        id: r.id,
        status: r.status.code().to_string(),
        urgency: r.urgency.code().to_string(),
        case_id: referrer.then_some(r.case_id),
        legal_basis: referrer.then(|| if r.consent_id.is_some() { "consent".to_string() } else { r.legal_ground.clone().unwrap_or_default() }),
        feedback_code: if referrer { r.feedback_code } else { None },
        reference: r.reference,
        need: r.need,
        service_id: r.service_id,
        service_name: r.service_name,
        to_agency: r.to_agency_name,
        from_agency: r.from_agency_name,
        reason: r.reason,
        shared: r.shared.0,
        sent_at: r.sent_at,
        due_at: r.due_at,
        accepted_at: r.accepted_at,
        completed_at: r.completed_at,
        outcome: r.outcome,
        status_reason: r.status_reason,
        version: r.version,
    }
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ReferralsQuery {
    /// `sent` (the referrals of one's cases) or `received` (one's agency's inbox).
    #[serde(rename = "box")]
    #[param(rename = "box")]
    box_: String,
    status: String,
    /// Only those past their response deadline.
    overdue: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals", params(ReferralsQuery),
    responses((status = 200, body = Vec<ReferralOut>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list(State(state): State<AppState>, identity: Identity, Query(q): Query<ReferralsQuery>) -> Result<axum::Json<Vec<ReferralOut>>, AppError> {
    let mut tx = state.store.read().await?;
    let (standing, found) = ListQuery { box_: q.box_, status: q.status, overdue: q.overdue, mine: None, page: 0 }.fetch(&mut tx, &identity, 500).await?;
    let found = found.into_iter().map(|r| out(r, standing)).collect();
    Ok(axum::Json(found))
}

#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals", params(("id" = Uuid, Path)),
    responses((status = 200, body = ReferralOut), (status = 404, body = crate::error::Problem)))]
pub async fn get_one(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<axum::Json<ReferralOut>, AppError> {
    let mut tx = state.store.write().await?;
    let (r, standing) = load(&mut tx, &identity, id).await?;
    tx.commit().await?;
    Ok(axum::Json(out(r, standing)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// The new status (FHIR Task code).
    pub status: String,
    /// The version read: a change made meanwhile is refused with 409.
    pub version: i64,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub outcome: String,
}

#[utoipa::path(post, path = "/api/v1/referrals/{id}/status", tag = "referrals", params(("id" = Uuid, Path)), request_body = StatusIn,
    responses((status = 200, body = ReferralOut), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn change_status(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, ApiJson(body): ApiJson<StatusIn>) -> Result<axum::Json<ReferralOut>, AppError> {
    let form = StatusForm { version: body.version, to: body.status, note: body.note, outcome: body.outcome };
    apply_status(&state, &identity, id, &form).await?;
    let mut tx = state.store.write().await?;
    let (r, standing) = load(&mut tx, &identity, id).await?;
    tx.commit().await?;
    Ok(axum::Json(out(r, standing)))
}
