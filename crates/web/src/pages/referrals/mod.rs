//! Referrals: the two lists (sent from one's cases, received by one's agency), the referral page
//! each side sees, the status changes each side may make, assignment in the receiving agency,
//! the printable referral form for services outside Passerelle, and whether one's services take
//! referrals now.
//!
//! The receiving side's pages are built from the referral row and its shared copy only: the
//! case is never read for them.

pub mod feedback;
pub mod figures;
pub mod new;
pub mod pathways;

use super::{render, Pager};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::Query;
use chrono::Utc;
use passerelle_core::access::Permission;
use passerelle_core::directory::profile;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::lang::Lang;
use passerelle_core::referral::{lifecycle::next_moves, Status};
use passerelle_store::directory::{self, ServiceFilter};
use passerelle_store::people::Sight;
use passerelle_store::referrals::{self, Filter, Referral, Standing, StatusEvent};
use serde::Deserialize;
use uuid::Uuid;

/// A need's name in the reader's language (the code itself when unknown).
pub fn need_label(lang: Lang, code: &str) -> String {
    Taxonomy::needs().get(code).map(|t| t.label.get(lang).to_string()).unwrap_or_else(|| code.to_string())
}

/// The viewer's agency when they may work the referrals it receives.
pub fn receiver_agency(identity: &Identity) -> Option<Uuid> {
    identity.can(Permission::ReceiveReferrals).then_some(identity.user.agency_id).flatten()
}

/// Tells the receiving agency's staff that a referral waits for them, when mail is configured
/// and the referral was just sent to an agency that uses Passerelle.
pub async fn notify_sent(state: &AppState, r: &Referral) -> Result<(), AppError> {
    let (Some(mailer), Some(agency), Status::Requested) = (&state.config.mailer, r.to_agency_id, r.status) else { return Ok(()) };
    let roles: Vec<&str> = passerelle_core::access::GRANTS
        .iter()
        .filter(|(_, p, _)| *p == Permission::ReceiveReferrals)
        .map(|(role, _, _)| role.code())
        .collect();
    let mut tx = state.store.read().await?;
    let to = referrals::receiving_staff_emails(&mut tx, agency, &roles).await?;
    tx.commit().await?;
    mailer.send_referral_waiting(to);
    Ok(())
}

/// The referral and the viewer's standing, or 404: a referral one has no standing on does not
/// exist for them.
pub async fn load(tx: &mut passerelle_store::Tx, identity: &Identity, id: Uuid) -> Result<(Referral, Standing), AppError> {
    let sight = crate::pages::cases::sight(identity);
    referrals::get(tx, &sight, identity.can(Permission::ViewCases), receiver_agency(identity), id).await?.ok_or(AppError::NotFound)
}

fn sight_if_cases(identity: &Identity) -> Option<Sight> {
    identity.can(Permission::ViewCases).then(|| crate::pages::cases::sight(identity))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    #[serde(rename = "box")]
    pub box_: String,
    pub status: String,
    pub overdue: Option<String>,
    pub mine: Option<String>,
    /// Pages of [`PAGE`] after the first (0).
    pub page: i64,
}

/// Referrals on one page of a list.
pub const PAGE: i64 = 50;

impl ListQuery {
    /// At most `limit` referrals from the query's page on.
    pub fn filter(&self, limit: i64) -> Filter {
        Filter {
            status: Status::from_code(&self.status).map(|s| s.code().to_string()),
            overdue: self.overdue.is_some(),
            mine: self.mine.is_some(),
            limit,
            offset: self.page.clamp(0, 100_000) * PAGE,
            ..Default::default()
        }
    }

    /// The same list at page `n`.
    fn href(&self, received: bool, n: i64) -> String {
        let flag = super::flag;
        let page = if n == 0 { String::new() } else { n.to_string() };
        super::list_href(
            "/referrals",
            &[
                ("box", if received { "received" } else { "sent" }),
                ("status", &self.status),
                ("overdue", flag(&self.overdue)),
                ("mine", flag(&self.mine)),
                ("page", &page),
            ],
        )
    }

    /// The list asked for, read with the asker's reach: the `box` named, else the referrals of
    /// one's cases for those who send and the inbox for those who only receive. The pages and
    /// the API both list through here. `Standing::Receiver` marks the inbox.
    pub async fn fetch(&self, tx: &mut passerelle_store::Tx, identity: &Identity, limit: i64) -> Result<(Standing, Vec<Referral>), AppError> {
        let agency = receiver_agency(identity);
        let sight = sight_if_cases(identity);
        let received = match self.box_.as_str() {
            "received" => true,
            "sent" => false,
            _ => sight.is_none(),
        };
        Ok(match (received, agency, sight) {
            (true, Some(a), _) => (Standing::Receiver, referrals::received(tx, identity.id(), a, &self.filter(limit)).await?),
            (true, None, _) => (Standing::Receiver, Vec::new()),
            (false, _, Some(s)) => (Standing::Referrer, referrals::sent(tx, &s, &self.filter(limit)).await?),
            (false, _, None) => (Standing::Referrer, Vec::new()),
        })
    }
}

/// One line of a list.
pub struct Line {
    pub r: Referral,
    pub need: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "referrals.html")]
struct ListPage {
    page: Page,
    q: ListQuery,
    received: bool,
    can_receive: bool,
    can_send: bool,
    lines: Vec<Line>,
    pager: Pager,
}

impl ListPage {
    fn statuses(&self) -> [Status; 9] {
        Status::ALL
    }
}

/// `/referrals`: the inbox of one's agency (`box=received`, the default for those who receive)
/// or the referrals of one's cases (`box=sent`).
pub async fn list(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    // One more than a page, to know whether there is a next one.
    let (standing, mut found) = q.fetch(&mut tx, &identity, PAGE + 1).await?;
    let received = standing == Standing::Receiver;
    tx.commit().await?;
    let more = found.len() as i64 > PAGE;
    found.truncate(PAGE as usize);
    let now = Utc::now();
    let lines = found.into_iter().map(|r| Line { need: need_label(page.tr.lang, &r.need), overdue: r.is_overdue(now), r }).collect();
    let pager = Pager::numbered((q.page > 0).then(|| q.href(received, q.page - 1)), more.then(|| q.href(received, q.page + 1)));
    Ok(render(&ListPage { page, q, received, can_receive: receiver_agency(&identity).is_some(), can_send: identity.can(Permission::ViewCases), lines, pager }))
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ShowPage {
    page: Page,
    r: Referral,
    need: String,
    referrer: bool,
    overdue: bool,
    moves: Vec<Status>,
    events: Vec<StatusEvent>,
    staff: Vec<(Uuid, String)>,
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let (r, standing) = load(&mut tx, &identity, id).await?;
    let events = referrals::events(&mut tx, r.id).await?;
    let staff = match (standing, r.to_agency_id) {
        (Standing::Receiver, Some(a)) => referrals::agency_staff(&mut tx, a).await?,
        _ => Vec::new(),
    };
    tx.commit().await?;
    // Referrers move a case's referral only if they may work on the case; the page shows the
    // moves, the store checks them again.
    let may_move = match standing {
        Standing::Referrer => identity.can(Permission::ManageCases),
        Standing::Receiver => true,
    };
    let moves = if may_move { next_moves(r.status, standing.side(&r)) } else { Vec::new() };
    Ok(render(&ShowPage {
        need: need_label(page.tr.lang, &r.need),
        referrer: standing == Standing::Referrer,
        overdue: r.is_overdue(Utc::now()),
        moves,
        events,
        staff,
        r,
        page,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    pub version: i64,
    pub to: String,
    pub note: String,
    pub outcome: String,
}

/// Moves a referral; the side is the viewer's standing (on behalf of an outside service when
/// the referrer records its answer).
pub async fn change_status(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<StatusForm>) -> Result<Response, AppError> {
    apply_status(&state, &identity, id, &f).await?;
    Ok(Redirect::to(&format!("/referrals/{id}")).into_response())
}

/// The one way a status changes, for the page and the API.
pub async fn apply_status(state: &AppState, identity: &Identity, id: Uuid, f: &StatusForm) -> Result<Referral, AppError> {
    let to = Status::from_code(&f.to).ok_or_else(|| invalid("to", "unknown-choice"))?;
    let mut tx = state.store.write().await?;
    let (r, standing) = load(&mut tx, identity, id).await?;
    if standing == Standing::Referrer && !identity.can(Permission::ManageCases) {
        return Err(AppError::Forbidden);
    }
    if standing == Standing::Referrer {
        // Only those who may work on the case move its referrals.
        crate::pages::cases::for_action(&mut tx, identity, r.case_id, None).await?;
    }
    let changed = referrals::change_status(&mut tx, identity.id(), &r, standing.side(&r), to, &f.note, &f.outcome, f.version).await?;
    tx.commit().await?;
    notify_sent(state, &changed).await?;
    Ok(changed)
}

fn invalid(field: &str, code: &'static str) -> AppError {
    let mut p = passerelle_core::validate::Problems::default();
    p.add(field, code);
    AppError::Invalid(p)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    version: i64,
    user: String,
}

/// The receiving agency gives the referral to one of its staff.
pub async fn assign(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<AssignForm>) -> Result<Response, AppError> {
    let user: Uuid = f.user.parse().map_err(|_| invalid("user", "unknown-choice"))?;
    let mut tx = state.store.write().await?;
    let (r, standing) = load(&mut tx, &identity, id).await?;
    if standing != Standing::Receiver {
        return Err(AppError::Forbidden);
    }
    if !referrals::assign(&mut tx, identity.id(), &r, user, f.version).await? {
        return Err(invalid("user", "unknown-choice"));
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/referrals/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "referral_print.html")]
struct PrintPage {
    page: Page,
    r: Referral,
    need: String,
    referrer: bool,
}

/// The referral form on paper: for a service outside Passerelle, and the slip the person keeps
/// (with the feedback code, on the referrer's copy only).
pub async fn print(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let (r, standing) = load(&mut tx, &identity, id).await?;
    tx.commit().await?;
    Ok(render(&PrintPage { need: need_label(page.tr.lang, &r.need), referrer: standing == Standing::Referrer, r, page }))
}

/// One of the agency's services and whether it takes referrals now.
pub struct CapacityLine {
    pub id: String,
    pub name: String,
    pub taking: Option<bool>,
    pub places: Option<u64>,
    pub feedback: referrals::FeedbackSummary,
}

#[derive(Template)]
#[template(path = "referral_capacity.html")]
struct CapacityPage {
    page: Page,
    lines: Vec<CapacityLine>,
    saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `/referrals/capacity`: the services of one's agency, whether each takes referrals and how many
/// places it has, and what the people referred said of it.
pub async fn capacity(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<SavedQuery>) -> Result<Response, AppError> {
    let agency = receiver_agency(&identity).ok_or(AppError::Forbidden)?;
    let mut tx = state.store.read().await?;
    let entries = directory::list_services(&mut tx, &ServiceFilter { agency_id: Some(agency), ..Default::default() }).await?;
    let mut lines = Vec::new();
    for e in entries {
        let id: Uuid = e.id().parse().map_err(|_| AppError::Internal(format!("service id {}", e.id())))?;
        lines.push(CapacityLine {
            taking: profile::taking_referrals(&e.service),
            places: profile::capacities(&e.service).iter().find(|c| c.unit.name == "places").and_then(|c| c.available.as_u64()),
            feedback: referrals::feedback_summary(&mut tx, id).await?,
            id: e.id().to_string(),
            name: e.service.name.clone(),
        });
    }
    tx.commit().await?;
    Ok(render(&CapacityPage { page, lines, saved: q.saved.is_some() }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CapacityForm {
    service: String,
    taking: String,
    places: String,
}

pub async fn set_capacity(State(state): State<AppState>, identity: Identity, Form(f): Form<CapacityForm>) -> Result<Response, AppError> {
    let agency = receiver_agency(&identity).ok_or(AppError::Forbidden)?;
    let service: Uuid = f.service.parse().map_err(|_| invalid("service", "unknown-choice"))?;
    let places = match f.places.trim() {
        "" => None,
        p => Some(p.parse::<u32>().map_err(|_| invalid("places", "not-a-number"))?),
    };
    let mut tx = state.store.write().await?;
    let entry = directory::get_service(&mut tx, service).await?.ok_or(AppError::NotFound)?;
    // Only the agency keeping the entry says whether it has room.
    if entry.agency_id != Some(agency) {
        return Err(AppError::NotFound);
    }
    referrals::set_capacity(&mut tx, identity.id(), service, f.taking == "yes", places).await?;
    tx.commit().await?;
    Ok(Redirect::to("/referrals/capacity?saved=1").into_response())
}
