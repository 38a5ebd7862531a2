//! Cases under SOPs: the caseload, the case page (where the case stands in its SOP, what is due
//! and overdue and why, the forms of each step, approvals, mandatory referrals, notes) and the
//! actions on it. Every action carries the case version the person saw, so a change made
//! meanwhile by someone else is reported, never overwritten.

pub mod plan;
pub mod visits;

use super::{render, Pager};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{Reading, Record};
use askama::Template;
use std::sync::Arc;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::Query;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use passerelle_core::access::Permission;
use passerelle_core::sop::{self, CaseFacts, RiskLevel, Sop, StepStatus};
use passerelle_store::cases::{self, Case, Progress, StepBlock};
use passerelle_store::{attachments, consents, transfers};
use passerelle_store::people::{self, Sight};
use passerelle_store::responses::CaseStep;
use passerelle_store::sops;
use serde::Deserialize;
use std::collections::BTreeSet;
use uuid::Uuid;

/// What the person may see of people and cases: their scope for cases, and the team they
/// supervise (whose restricted cases they may read) if they approve cases.
pub fn sight(identity: &Identity) -> Sight {
    Sight {
        viewer: identity.viewer(Permission::ViewCases),
        supervises: identity.can(Permission::ApproveCases).then_some(identity.user.team_id).flatten(),
    }
}

fn case_id(raw: &str) -> Result<Uuid, AppError> {
    raw.parse().map_err(|_| AppError::BadRequest { key: "case-not-readable", detail: raw.to_string() })
}

/// Checks that a form filled for `case`/`step` may go there: the case is visible, open, and its
/// SOP step asks for this form.
pub async fn form_link(state: &AppState, identity: &Identity, case: &str, step: &str, form_id: &str) -> Result<CaseStep, AppError> {
    if !identity.can(Permission::ManageCases) {
        return Err(AppError::Forbidden);
    }
    let id = case_id(case)?;
    let mut tx = state.store.read().await?;
    let found = cases::visible(&mut tx, &sight(identity), id).await?.ok_or(AppError::NotFound)?;
    let sop = load_sop(&mut tx, &found).await?;
    let asks = sop.step(step).is_some_and(|s| s.forms.iter().any(|f| f == form_id));
    if !found.is_open() || !asks {
        return Err(AppError::BadRequest { key: "case-form-not-asked", detail: format!("{step}/{form_id}") });
    }
    Ok(CaseStep { case_id: id, step_id: step.to_string() })
}

async fn load_sop(tx: &mut passerelle_store::Tx, case: &Case) -> Result<Arc<Sop>, AppError> {
    Ok(sops::get(tx, &case.sop_id, case.sop_version).await?.ok_or(AppError::NotFound)?.sop)
}

fn tz_of(case: &Case) -> Tz {
    case.time_zone.parse().unwrap_or(Tz::UTC)
}

/// One step of the case as the page shows it.
pub struct StepView {
    pub id: String,
    pub number: usize,
    pub title: String,
    pub action: String,
    pub role: String,
    pub phase: String,
    pub status: &'static str,
    pub status_text: String,
    pub due: String,
    pub completed: String,
    /// (form id, form title, done, response id to read)
    pub forms: Vec<(String, String, bool, Option<Uuid>)>,
    pub needs_approval: bool,
    pub approval: Option<cases::Approval>,
    pub blocks: Vec<String>,
    pub can_complete: bool,
}

pub struct ReferralView {
    pub step: String,
    pub to: String,
    /// The directory need the referral goes to, for the link to the referral form.
    pub need: String,
    pub consent_required: bool,
    /// A referral of this case already went to that need (not cancelled or rejected).
    pub made: bool,
}

fn status_code(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Done => "done",
        StepStatus::DoneLate => "done-late",
        StepStatus::Waiting => "waiting",
        StepStatus::Open => "open",
        StepStatus::Overdue => "overdue",
    }
}

fn block_text(page: &Page, b: &StepBlock) -> String {
    match b {
        StepBlock::Closed => page.tr.t("case-block-closed"),
        StepBlock::UnknownStep => page.tr.t("case-block-unknown-step"),
        StepBlock::AlreadyDone => page.tr.t("case-block-done"),
        StepBlock::FormsMissing(forms) => page.tr.t1("case-block-forms", "forms", forms.join(", ")),
        StepBlock::NotApproved => page.tr.t("case-block-approval"),
    }
}

/// The steps with their deadlines and state, for the page and for the caseload's counts.
fn step_views(page: &Page, case: &Case, sop: &Sop, progress: &Progress, form_titles: &dyn Fn(&str) -> String, now: DateTime<Utc>) -> Vec<StepView> {
    let dues = sop::deadlines(sop, case.opened_at, case.risk, &progress.completed, tz_of(case));
    let lang = page.tr.lang;
    sop.steps
        .iter()
        .zip(dues)
        .enumerate()
        .map(|(i, (step, due))| {
            let status = due.status(now);
            let blocks = cases::blocks(case, sop, progress, &step.id);
            StepView {
                id: step.id.clone(),
                number: i + 1,
                title: step.title.get(lang).to_string(),
                action: step.action.get(lang).to_string(),
                role: sop::labels::role(lang, step.role).to_string(),
                phase: sop::labels::phase(lang, step.phase).to_string(),
                status: status_code(status),
                status_text: page.tr.code("case-step", status_code(status)),
                due: due.due.map(|d| page.tr.datetime(&d)).unwrap_or_default(),
                completed: due.completed_at.map(|d| page.tr.datetime(&d)).unwrap_or_default(),
                forms: step
                    .forms
                    .iter()
                    .map(|f| {
                        let key = (step.id.clone(), f.clone());
                        let response = progress.responses.get(&key).and_then(|r| r.first().copied());
                        (f.clone(), form_titles(f), progress.forms_done.contains(&key), response)
                    })
                    .collect(),
                needs_approval: !step.approvals.is_empty(),
                approval: progress.approval(&step.id).cloned(),
                can_complete: blocks.is_empty(),
                blocks: blocks.iter().filter(|b| **b != StepBlock::AlreadyDone).map(|b| block_text(page, b)).collect(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    page: Page,
    case: Case,
    sop_title: String,
    steps: Vec<StepView>,
    referrals: Vec<ReferralView>,
    made: Vec<passerelle_store::referrals::Referral>,
    /// The newest notes, and whether there are older ones (on the notes' own pages).
    notes: Vec<cases::Note>,
    more_notes: bool,
    can_manage: bool,
    can_approve: bool,
    saved: bool,
    service_q: String,
    overdue: usize,
    consents: Vec<consents::Consent>,
    attachments: Vec<attachments::Attachment>,
    transfers: Vec<transfers::Transfer>,
    members: Vec<(Uuid, String)>,
    agencies: Vec<passerelle_store::agencies::Agency>,
    /// What the person received, and the directory services the form offers.
    provided: Vec<passerelle_store::services_provided::Provided>,
    services: Vec<(String, String)>,
    /// Users named on the case, and who else in its agency could be.
    named: Vec<(Uuid, String)>,
    candidates: Vec<(Uuid, String)>,
    /// Actions of the case plan past their date and not done.
    plan_overdue: i64,
    /// Follow-up visits in date order, the next one planned, and whether its day has passed.
    visits: Vec<passerelle_store::visits::Visit>,
    visit_next: Option<chrono::NaiveDate>,
    visit_overdue: bool,
    today: chrono::NaiveDate,
}

impl CasePage {
    fn givers(&self) -> &'static [&'static str] {
        consents::GIVERS
    }
    fn scopes(&self) -> &'static [&'static str] {
        consents::SCOPES
    }
    fn size(&self, bytes: &i64) -> String {
        if *bytes >= 1024 * 1024 {
            format!("{:.1} MB", *bytes as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KB", (*bytes + 1023) / 1024)
        }
    }
    fn visit_kinds(&self) -> &'static [&'static str] {
        passerelle_store::visits::KINDS
    }
    fn pending_transfer(&self) -> bool {
        self.transfers.iter().any(|t| t.status == "pending")
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
    /// Words to find a service by name (the "services provided" form offers those near the case).
    service_q: String,
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Query(q): Query<ShowQuery>) -> Result<Response, AppError> {
    let sight = sight(&identity);
    let mut reading = Reading::begin(&state, identity.id(), Record::Case, id).await?;
    let case = cases::visible(&mut reading.tx, &sight, id).await?.ok_or(AppError::NotFound)?;
    reading.record().await?;
    let tx = &mut reading.tx;
    let sop = load_sop(tx, &case).await?;
    let progress = cases::progress(tx, case.id).await?;
    let mut notes = cases::notes(tx, case.id, None, NOTES_SHOWN + 1).await?;
    let more_notes = notes.len() > NOTES_SHOWN as usize;
    notes.truncate(NOTES_SHOWN as usize);
    let person = people::get(tx, &sight, case.person_id).await?;
    let forms = passerelle_store::forms::list_latest(tx).await?;
    let consents = consents::of_case(tx, case.id).await?;
    let attachments = attachments::of_case(tx, case.id).await?;
    let transfers = transfers::of_case(tx, case.id).await?;
    let members = transfers::team_members(tx, case.team_id).await?;
    let agencies = passerelle_store::agencies::list_agencies(tx).await?;
    let named = cases::members(tx, case.id).await?;
    let provided = passerelle_store::services_provided::of_case(tx, case.id).await?;
    let near = passerelle_store::directory::Near { agency_id: identity.user.agency_id, case_id: Some(case.id), words: Some(q.service_q.clone()) };
    let services = passerelle_store::directory::service_choices(tx, &near).await?.into_iter().map(|(id, label)| (id.to_string(), label)).collect();
    let candidates = cases::member_candidates(tx, &case).await?.into_iter().filter(|(id, _)| !named.iter().any(|(n, _)| n == id)).collect();
    let made = passerelle_store::referrals::sent(tx, &sight, &passerelle_store::referrals::Filter { case_id: Some(case.id), limit: 200, ..Default::default() }).await?;
    let plan_overdue = passerelle_store::case_plan::overdue_count(tx, case.id, Utc::now().date_naive()).await?;
    let visits = passerelle_store::visits::of_case(tx, case.id).await?;
    reading.commit(&state).await?;
    let today = Utc::now().date_naive();
    let visit_next = passerelle_store::visits::next_planned(&visits);
    let visit_overdue = case.is_open() && passerelle_store::visits::overdue(&visits, today);
    let lang = page.tr.lang.code();
    let titles = |f: &str| {
        forms.iter().find(|p| p.form.id == f).and_then(|p| p.form.title.get(lang, p.form.default_language.as_deref())).unwrap_or(f).to_string()
    };
    let steps = step_views(&page, &case, &sop, &progress, &titles, Utc::now());
    // Referrals the SOP makes compulsory for this case, from its risk and the person's age.
    let facts = CaseFacts {
        risk: case.risk,
        age: person.as_ref().and_then(|p| p.age_on(Utc::now().date_naive())),
        flags: BTreeSet::new(),
    };
    let referrals = sop::mandatory_referrals(&sop, &facts)
        .into_iter()
        .map(|r| {
            let need = passerelle_core::referral::need_of_target(&r.to).to_string();
            let made = made.iter().any(|m| m.need == need && !matches!(m.status, passerelle_core::referral::Status::Cancelled | passerelle_core::referral::Status::Rejected));
            ReferralView { step: r.step, to: sop::labels::target(page.tr.lang, &r.to), need, consent_required: r.consent_required, made }
        })
        .collect();
    let overdue = steps.iter().filter(|s| s.status == "overdue").count();
    Ok(render(&CasePage {
        sop_title: sop.title.get(page.tr.lang).to_string(),
        can_manage: identity.can(Permission::ManageCases) && case.assigned_to == identity.id() || identity.can(Permission::ApproveCases),
        can_approve: identity.can(Permission::ApproveCases),
        saved: q.saved.is_some(),
        service_q: q.service_q,
        case,
        steps,
        referrals,
        made,
        notes,
        more_notes,
        overdue,
        consents,
        attachments,
        transfers,
        members,
        agencies,
        named,
        candidates,
        provided,
        services,
        plan_overdue,
        visits,
        visit_next,
        visit_overdue,
        today,
        page,
    }))
}

/// The newest notes a case page shows; the others are on the notes' own pages.
const NOTES_SHOWN: i64 = 20;
/// Notes per page of a case's notes.
const NOTES_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "case_notes.html")]
struct NotesPage {
    page: Page,
    case: Case,
    notes: Vec<cases::Note>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NotesQuery {
    /// The page starts after this note (the last of the page before); unreadable, the first.
    after: String,
}

/// A case's notes, newest first, page by page: a case followed for years has thousands, and its
/// page shows only the newest.
pub async fn notes(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Query(q): Query<NotesQuery>) -> Result<Response, AppError> {
    let mut reading = Reading::begin(&state, identity.id(), Record::Case, id).await?;
    let case = cases::visible(&mut reading.tx, &sight(&identity), id).await?.ok_or(AppError::NotFound)?;
    reading.record().await?;
    let after: Option<Uuid> = q.after.parse().ok();
    let mut notes = cases::notes(&mut reading.tx, case.id, after, NOTES_PAGE + 1).await?;
    reading.commit(&state).await?;
    let next = (notes.len() > NOTES_PAGE as usize).then(|| {
        notes.truncate(NOTES_PAGE as usize);
        notes.last().map(|n| format!("/cases/{id}/notes?after={}", n.id))
    });
    let pager = Pager::cursor(after.map(|_| format!("/cases/{id}/notes")), next.flatten());
    Ok(render(&NotesPage { page, case, notes, pager }))
}

/// One line of the caseload.
pub struct CaseRow {
    pub case: Case,
    pub sop_title: String,
    pub overdue: usize,
    pub next: String,
    /// The next step not done yet, and its deadline if it has one.
    pub next_step: String,
    pub next_due: Option<DateTime<Utc>>,
    /// The next follow-up visit planned has passed without a newer visit.
    pub visit_overdue: bool,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub risk: String,
    pub sop: String,
    pub mine: Option<String>,
    pub overdue: Option<String>,
    /// High or critical risk with an assessment step of the SOP not yet done.
    pub unassessed: Option<String>,
    /// An administrative area id: cases of people living in it or under it.
    pub area: String,
    /// A case reference or a person's external id.
    pub reference: String,
    /// The page starts after this case (the last of the page before).
    pub after: String,
}

impl ListQuery {
    /// The same list, from its start or after the case `after`.
    fn href(&self, after: Option<&Uuid>) -> String {
        let flag = super::flag;
        let after = after.map(Uuid::to_string).unwrap_or_default();
        super::list_href(
            "/cases",
            &[
                ("status", &self.status),
                ("risk", &self.risk),
                ("sop", &self.sop),
                ("mine", flag(&self.mine)),
                ("overdue", flag(&self.overdue)),
                ("unassessed", flag(&self.unassessed)),
                ("area", &self.area),
                ("reference", &self.reference),
                ("after", &after),
            ],
        )
    }
}

/// Cases on one page of the caseload.
pub const PAGE: usize = 50;
/// For the filters computed here rather than in the database (overdue, not assessed), at most
/// this many cases are read for one page; the page then ends early with a link to go on.
const SCAN: usize = 2_000;

/// One page of the caseload, and the case the next page starts after, if there is more.
pub struct Caseload {
    pub rows: Vec<CaseRow>,
    pub next: Option<Uuid>,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    page: Page,
    rows: Vec<CaseRow>,
    /// Back to the first page, on to the page after the last case shown.
    pager: Pager,
    q: ListQuery,
    sops: Vec<(String, String)>,
    /// (label, count) by SOP, risk and status, for supervisors.
    counts: Vec<(String, Vec<(String, usize)>)>,
    /// When the counts were counted (they are kept a minute).
    counted_at: String,
    can_approve: bool,
    incoming: Vec<transfers::Transfer>,
    team: Vec<(Uuid, String)>,
    areas: Vec<passerelle_store::agencies::Area>,
}

impl ListPage {
    fn risks(&self) -> [&'static str; 4] {
        ["low", "medium", "high", "critical"]
    }
}

/// The caseload as the list page shows it: the person's scope, the page's filters, at most
/// `want` rows from `q.after` on. The case list page and the caseload export both read it
/// here, so an export never holds a case the list would not show, nor misses one it shows.
/// `known`: SOP versions already read (the list page's latest ones, which most cases follow);
/// only the others are read here.
pub async fn caseload(tx: &mut passerelle_store::Tx, identity: &Identity, tr: &crate::i18n::Tr, q: &ListQuery, want: usize, known: &[Arc<Sop>]) -> Result<Caseload, AppError> {
    let sight = sight(identity);
    let mut filter = filter_of(q);
    // One more than wanted, to know whether there is a next page.
    filter.limit = i64::try_from(want + 1).unwrap_or(1000).min(1000);
    let mut rows = Vec::new();
    let now = Utc::now();
    let mut loaded: Vec<Arc<Sop>> = known.to_vec();
    let mut read = 0;
    loop {
        let found = cases::list(tx, &sight, &filter).await?;
        let more = found.len() as i64 == filter.limit;
        let ids: Vec<Uuid> = found.iter().map(|c| c.id).collect();
        let visit_plans = passerelle_store::visits::next_planned_of(tx, &ids).await?;
        let mut completed = cases::completed_steps_of(tx, &ids).await?;
        let wanted: Vec<(&str, u32)> = found
            .iter()
            .filter(|c| !loaded.iter().any(|s| s.id == c.sop_id && s.version == c.sop_version))
            .map(|c| (c.sop_id.as_str(), c.sop_version))
            .collect();
        loaded.extend(sops::get_many(tx, &wanted).await?.into_iter().map(|p| p.sop));
        for case in found {
            if rows.len() == want {
                // A case left over: the next page starts after the last one read.
                return Ok(Caseload { rows, next: filter.after });
            }
            read += 1;
            filter.after = Some(case.id);
            let sop = loaded.iter().find(|s| s.id == case.sop_id && s.version == case.sop_version).ok_or(AppError::NotFound)?;
            let done = completed.remove(&case.id).unwrap_or_default();
            let dues = sop::deadlines(sop, case.opened_at, case.risk, &done, tz_of(&case));
            let overdue = dues.iter().filter(|d| d.status(now) == StepStatus::Overdue).count();
            let visit_overdue = case.is_open() && visit_plans.get(&case.id).is_some_and(|d| *d < now.date_naive());
            if q.overdue.is_some() && overdue == 0 && !visit_overdue {
                continue;
            }
            if q.unassessed.is_some() {
                let assessed = sop.steps.iter().filter(|s| s.phase == sop::Phase::Assessment).all(|s| done.contains_key(&s.id));
                if case.risk < RiskLevel::High || assessed {
                    continue;
                }
            }
            let pending = dues.iter().find(|d| d.completed_at.is_none()).and_then(|d| sop.step(&d.step).map(|s| (s, d)));
            let next_step = pending.map(|(s, _)| s.title.get(tr.lang).to_string()).unwrap_or_default();
            let next_due = pending.and_then(|(_, d)| d.due);
            let next = match next_due {
                Some(due) => format!("{next_step} — {}", tr.datetime(&due)),
                None => next_step.clone(),
            };
            rows.push(CaseRow { sop_title: sop.title.get(tr.lang).to_string(), overdue, next, next_step, next_due, visit_overdue, case });
        }
        if !more {
            return Ok(Caseload { rows, next: None });
        }
        if read >= SCAN && !rows.is_empty() || read >= SCAN * 5 {
            // Filtered here and still short: the page ends where reading stopped.
            return Ok(Caseload { rows, next: filter.after });
        }
    }
}

/// The database's part of the list page's filters.
fn filter_of(q: &ListQuery) -> cases::Filter {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    cases::Filter {
        status: some(if q.status.is_empty() { "open" } else if q.status == "all" { "" } else { &q.status }),
        risk: some(&q.risk),
        sop_id: some(&q.sop),
        mine: q.mine.is_some(),
        person_id: None,
        limit: 1,
        area_id: q.area.parse().ok(),
        reference: some(q.reference.trim()),
        after: q.after.parse().ok(),
    }
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let latest = sops::list_latest(&mut tx).await?;
    let known: Vec<Arc<Sop>> = latest.iter().map(|p| p.sop.clone()).collect();
    let Caseload { rows, next } = caseload(&mut tx, &identity, &page.tr, &q, PAGE, &known).await?;
    let sops: Vec<(String, String)> = latest.iter().map(|p| (p.sop.id.clone(), p.sop.title.get(page.tr.lang).to_string())).collect();
    let mut counts = Vec::new();
    let mut counted_at = String::new();
    if identity.can(Permission::ApproveCases) {
        // Over every page of the list (the database's filters; overdue and not-assessed aside).
        let (tallied, at) = state.tallies.get(&mut tx, &sight(&identity), &filter_of(&q)).await?;
        counted_at = page.tr.kept_note("cases-counted-at", &at, "cases-counted-again-after", state.tallies.max_age());
        let tally = |key: &dyn Fn(&(String, String, String, i64)) -> String| {
            let mut m: std::collections::BTreeMap<String, usize> = Default::default();
            for t in tallied.iter() {
                *m.entry(key(t)).or_default() += usize::try_from(t.3).unwrap_or(0);
            }
            m.into_iter().collect::<Vec<_>>()
        };
        let sop_title = |id: &str| sops.iter().find(|(s, _)| s == id).map(|(_, t)| t.clone()).unwrap_or_else(|| id.to_string());
        counts.push((page.tr.t("cases-by-sop"), tally(&|t| sop_title(&t.0))));
        counts.push((page.tr.t("cases-by-risk"), tally(&|t| page.tr.risk(&t.1))));
        counts.push((page.tr.t("cases-by-status"), tally(&|t| page.tr.code("case-status", &t.2))));
    }
    // Transfers waiting for this supervisor's agency and team: what is needed to decide, no more.
    let (incoming, team) = if identity.can(Permission::ApproveCases) {
        (
            transfers::incoming(&mut tx, identity.user.agency_id, identity.user.team_id).await?,
            transfers::team_members(&mut tx, identity.user.team_id).await?,
        )
    } else {
        (vec![], vec![])
    };
    let areas = passerelle_store::agencies::list_areas(&mut tx).await?;
    let pager = Pager::cursor((!q.after.is_empty()).then(|| q.href(None)), next.map(|after| q.href(Some(&after))));
    Ok(render(&ListPage { page, rows, pager, q, sops, counts, counted_at, can_approve: identity.can(Permission::ApproveCases), incoming, team, areas }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpenForm {
    sop: String,
    risk: String,
    restricted: Option<String>,
}

pub async fn open(State(state): State<AppState>, identity: Identity, Path(person_id): Path<Uuid>, Form(f): Form<OpenForm>) -> Result<Response, AppError> {
    let sight = sight(&identity);
    let mut tx = state.store.write().await?;
    people::get(&mut tx, &sight, person_id).await?.ok_or(AppError::NotFound)?;
    let mut problems = passerelle_core::validate::Problems::default();
    let risk = RiskLevel::from_code(&f.risk);
    if risk.is_none() {
        problems.add("risk", "unknown-choice");
    }
    let sop = sops::latest(&mut tx, &f.sop).await?;
    if sop.is_none() {
        problems.add("sop", "unknown-choice");
    }
    let (Some(risk), Some(sop)) = (risk, sop) else { return Err(AppError::Invalid(problems)) };
    let case = cases::open(&mut tx, &sight, person_id, &sop.sop, risk, f.restricted.is_some()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    version: i64,
    step: String,
    approval: String,
    decision: String,
    comment: String,
    body: String,
    reason: String,
}

/// Loads a case for an action by someone who may manage it (its caseworker, or a supervisor of
/// its team), with its SOP. With `seen`, the version the person acted on: if the case changed
/// since, that is said before anything else (their page no longer shows the case as it is).
pub(crate) async fn for_action(tx: &mut passerelle_store::Tx, identity: &Identity, id: Uuid, seen: Option<i64>) -> Result<(Case, Arc<Sop>), AppError> {
    let case = cases::visible(tx, &sight(identity), id).await?.ok_or(AppError::NotFound)?;
    let may = case.assigned_to == identity.id() || identity.can(Permission::ApproveCases);
    if !may {
        return Err(AppError::Forbidden);
    }
    if seen.is_some_and(|v| v != case.version) {
        return Err(AppError::Stale("case"));
    }
    let sop = load_sop(tx, &case).await?;
    Ok((case, sop))
}

pub(crate) fn back(id: Uuid) -> Response {
    Redirect::to(&format!("/cases/{id}")).into_response()
}

pub async fn complete_step(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<ActionForm>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let (case, sop) = for_action(&mut tx, &identity, id, Some(f.version)).await?;
    match cases::complete_step(&mut tx, identity.id(), &case, &sop, &f.step, f.version).await? {
        Ok(()) => {
            tx.commit().await?;
            Ok(back(id))
        }
        Err(_) => Err(AppError::BadRequest { key: "case-step-blocked", detail: f.step }),
    }
}

pub async fn request_approval(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<ActionForm>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let (case, sop) = for_action(&mut tx, &identity, id, Some(f.version)).await?;
    if !cases::request_approval(&mut tx, identity.id(), &case, &sop, &f.step, f.version).await? {
        return Err(AppError::BadRequest { key: "case-approval-not-needed", detail: f.step });
    }
    tx.commit().await?;
    Ok(back(id))
}

pub async fn decide(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<ActionForm>) -> Result<Response, AppError> {
    let approve = match f.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest { key: "case-decision-unknown", detail: f.decision }),
    };
    let comment = f.comment.trim();
    if !approve && comment.is_empty() {
        let mut p = passerelle_core::validate::Problems::default();
        p.add("comment", "required");
        return Err(AppError::Invalid(p));
    }
    let approval: Uuid = f.approval.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, Some(f.version)).await?;
    if !cases::decide_approval(&mut tx, identity.id(), &case, approval, approve, comment, f.version).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(back(id))
}

pub async fn add_note(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<ActionForm>) -> Result<Response, AppError> {
    let mut p = passerelle_core::validate::Problems::default();
    let body = p.text("body", &f.body, true, 10_000);
    if !p.is_empty() {
        return Err(AppError::Invalid(p));
    }
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, None).await?;
    cases::add_note(&mut tx, identity.id(), case.id, &body).await?;
    tx.commit().await?;
    Ok(back(id))
}

pub async fn close(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<ActionForm>) -> Result<Response, AppError> {
    let mut p = passerelle_core::validate::Problems::default();
    let reason = p.text("reason", &f.reason, true, 2000);
    if !p.is_empty() {
        return Err(AppError::Invalid(p));
    }
    let mut tx = state.store.write().await?;
    let (case, sop) = for_action(&mut tx, &identity, id, Some(f.version)).await?;
    // Closing is the SOP's last step: its forms and approvals must be done first.
    let last = sop.steps.last().map(|s| s.id.clone()).unwrap_or_default();
    match cases::complete_step(&mut tx, identity.id(), &case, &sop, &last, f.version).await? {
        Ok(()) => {}
        Err(_) => return Err(AppError::BadRequest { key: "case-step-blocked", detail: last }),
    }
    cases::close(&mut tx, identity.id(), &case, &reason, f.version + 1).await?;
    tx.commit().await?;
    Ok(back(id))
}

pub async fn reopen(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<ActionForm>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let (case, sop) = for_action(&mut tx, &identity, id, Some(f.version)).await?;
    if case.is_open() {
        return Ok(back(id));
    }
    cases::reopen(&mut tx, identity.id(), &case, &sop, f.version).await?;
    tx.commit().await?;
    Ok(back(id))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReassignForm {
    version: i64,
    user: String,
}

/// A supervisor gives the case to another caseworker of the team.
pub async fn reassign(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<ReassignForm>) -> Result<Response, AppError> {
    let to: Uuid = f.user.parse().map_err(|_| invalid("user", "unknown-choice"))?;
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, Some(f.version)).await?;
    if !transfers::reassign(&mut tx, identity.id(), &case, to, f.version).await? {
        return Err(invalid("user", "unknown-choice"));
    }
    tx.commit().await?;
    Ok(back(id))
}

fn invalid(field: &str, code: &'static str) -> AppError {
    let mut p = passerelle_core::validate::Problems::default();
    p.add(field, code);
    AppError::Invalid(p)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TransferForm {
    version: i64,
    agency: String,
    team: String,
    reason: String,
    assignee: String,
    comment: String,
}

/// Asks another agency to take the case.
pub async fn request_transfer(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<TransferForm>) -> Result<Response, AppError> {
    let mut p = passerelle_core::validate::Problems::default();
    let reason = p.text("reason", &f.reason, true, 2000);
    let agency: Option<Uuid> = f.agency.parse().ok();
    if agency.is_none() {
        p.add("agency", "unknown-choice");
    }
    let (Some(agency), true) = (agency, p.is_empty()) else { return Err(AppError::Invalid(p)) };
    let team = f.team.parse().ok();
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, Some(f.version)).await?;
    if !transfers::request(&mut tx, identity.id(), &case, agency, team, &reason, f.version).await? {
        return Err(AppError::BadRequest { key: "case-transfer-refused", detail: case.reference });
    }
    tx.commit().await?;
    Ok(back(id))
}

/// The receiving supervisor accepts a transfer and says who in their team takes the case.
pub async fn accept_transfer(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<TransferForm>) -> Result<Response, AppError> {
    let assignee: Uuid = f.assignee.parse().map_err(|_| invalid("assignee", "unknown-choice"))?;
    let team = identity.user.team_id.ok_or(AppError::Forbidden)?;
    let mut tx = state.store.write().await?;
    let t = transfers::pending_for(&mut tx, id, identity.user.agency_id, Some(team)).await?.ok_or(AppError::NotFound)?;
    if !transfers::accept(&mut tx, identity.id(), &t, team, assignee).await? {
        return Err(invalid("assignee", "unknown-choice"));
    }
    tx.commit().await?;
    Ok(Redirect::to("/cases").into_response())
}

pub async fn decline_transfer(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<TransferForm>) -> Result<Response, AppError> {
    let mut p = passerelle_core::validate::Problems::default();
    let comment = p.text("comment", &f.comment, true, 2000);
    if !p.is_empty() {
        return Err(AppError::Invalid(p));
    }
    let mut tx = state.store.write().await?;
    let t = transfers::pending_for(&mut tx, id, identity.user.agency_id, identity.user.team_id).await?.ok_or(AppError::NotFound)?;
    transfers::decline(&mut tx, identity.id(), &t, &comment).await?;
    tx.commit().await?;
    Ok(Redirect::to("/cases").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConsentForm {
    given_by: String,
    scope: Vec<String>,
    notes: String,
    consent: String,
}

pub async fn record_consent(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, axum_extra::extract::Form(f): axum_extra::extract::Form<ConsentForm>) -> Result<Response, AppError> {
    let mut p = passerelle_core::validate::Problems::default();
    if !consents::GIVERS.contains(&f.given_by.as_str()) {
        p.add("given_by", "required");
    }
    if f.scope.is_empty() {
        p.add("scope", "required");
    } else if f.scope.iter().any(|s| !consents::SCOPES.contains(&s.as_str())) {
        p.add("scope", "unknown-choice");
    }
    let notes = p.text("notes", &f.notes, false, 2000);
    if !p.is_empty() {
        return Err(AppError::Invalid(p));
    }
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, None).await?;
    consents::record(&mut tx, identity.id(), case.id, &f.given_by, &f.scope, &notes).await?;
    tx.commit().await?;
    Ok(back(id))
}

pub async fn withdraw_consent(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, axum_extra::extract::Form(f): axum_extra::extract::Form<ConsentForm>) -> Result<Response, AppError> {
    let consent: Uuid = f.consent.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, None).await?;
    if !consents::withdraw(&mut tx, identity.id(), case.id, consent).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(back(id))
}

/// Uploads a file to the case (multipart; the CSRF token is in the query string).
pub async fn upload(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, multipart: axum::extract::Multipart) -> Result<Response, AppError> {
    let file = crate::forms::uploaded_file(multipart, "file").await?;
    let (name, bytes) = file.ok_or_else(|| invalid("file", "required"))?;
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, None).await?;
    match attachments::add(&mut tx, state.store.files_dir(), identity.id(), case.id, &name, &bytes).await? {
        Ok(_) => {
            tx.commit().await?;
            Ok(back(id))
        }
        Err(r) => {
            let (key, detail) = match r {
                attachments::Refusal::Empty => ("attachment-empty", name),
                attachments::Refusal::TooLarge => return Err(AppError::TooLarge),
                attachments::Refusal::Kind => ("attachment-kind", attachments::clean_name(&name)),
                attachments::Refusal::NoStorage => ("attachment-no-storage", String::new()),
            };
            Err(AppError::BadRequest { key, detail })
        }
    }
}

/// Serves an attachment to someone who may see its case, as a download, never inline.
pub async fn download(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let a = attachments::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    cases::visible(&mut tx, &sight(&identity), a.case_id).await?.ok_or(AppError::NotFound)?;
    let bytes = attachments::read(&mut tx, state.store.files_dir(), identity.id(), &a).await?;
    tx.commit().await?;
    let disposition = format!("attachment; filename=\"{}\"", a.file_name.replace(|c: char| !c.is_ascii() || c == '"', "_"));
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, a.content_type.clone()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (axum::http::header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    user: String,
}

/// Names one more person who may see the case (a colleague brought in on a restricted case).
pub async fn add_member(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<MemberForm>) -> Result<Response, AppError> {
    let user: Uuid = f.user.parse().map_err(|_| invalid("user", "unknown-choice"))?;
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, None).await?;
    if !cases::add_member(&mut tx, identity.id(), &case, user).await? {
        return Err(invalid("user", "unknown-choice"));
    }
    tx.commit().await?;
    Ok(back(id))
}

pub async fn remove_member(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<MemberForm>) -> Result<Response, AppError> {
    let user: Uuid = f.user.parse().map_err(|_| invalid("user", "unknown-choice"))?;
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, None).await?;
    cases::remove_member(&mut tx, identity.id(), case.id, user).await?;
    tx.commit().await?;
    Ok(back(id))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProvidedForm {
    service: String,
    provided_on: String,
    notes: String,
}

/// Records a service the person received (from the directory), on a day.
pub async fn record_service(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<ProvidedForm>) -> Result<Response, AppError> {
    let service: Uuid = f.service.parse().map_err(|_| invalid("service", "unknown-choice"))?;
    let on = chrono::NaiveDate::parse_from_str(f.provided_on.trim(), "%Y-%m-%d").map_err(|_| invalid("provided_on", "not-a-date"))?;
    let mut tx = state.store.write().await?;
    let (case, _) = for_action(&mut tx, &identity, id, None).await?;
    // The need it answered: the service's first need in the taxonomy (its entry may list several).
    let entry = passerelle_store::directory::get_service(&mut tx, service).await?.ok_or_else(|| invalid("service", "unknown-choice"))?;
    let need = passerelle_core::directory::profile::codes(&entry.service, passerelle_core::directory::taxonomy::Taxonomy::needs()).into_iter().next().unwrap_or_default();
    passerelle_store::services_provided::record(&mut tx, identity.id(), case.id, service, &need, on, &f.notes, None).await?;
    tx.commit().await?;
    Ok(back(id))
}
