//! The signed-in dashboard (the site root is the public service finder).

use super::render;
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use passerelle_core::access::Permission;
use passerelle_store::{agencies, referrals};
use passerelle_store::users::User;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    page: Page,
    user: User,
    agency: Option<String>,
    /// Referrals past their response deadline: sent from the cases one sees, and received by
    /// one's agency (a supervisor sees the team's, a caseworker their own).
    overdue_sent: i64,
    overdue_received: i64,
    /// Case-plan actions past their date in the viewer's own cases or named on them.
    plan_overdue: Vec<passerelle_store::case_plan::Overdue>,
}

pub async fn dashboard(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let agency = match identity.user.agency_id {
        Some(id) => agencies::get_agency(&mut tx, id).await?.map(|a| a.name),
        None => None,
    };
    let sight = identity.can(Permission::ViewCases).then(|| crate::pages::cases::sight(&identity));
    let overdue_sent = match &sight {
        Some(s) => referrals::overdue_sent(&mut tx, s).await?,
        None => 0,
    };
    let overdue_received = match crate::pages::referrals::receiver_agency(&identity) {
        Some(agency) => referrals::overdue_received(&mut tx, agency).await?,
        None => 0,
    };
    let plan_overdue = match &sight {
        Some(s) => passerelle_store::case_plan::overdue_for(&mut tx, s, chrono::Utc::now().date_naive(), 20).await?,
        None => vec![],
    };
    Ok(render(&Dashboard { page, user: identity.user, agency, overdue_sent, overdue_received, plan_overdue }))
}
