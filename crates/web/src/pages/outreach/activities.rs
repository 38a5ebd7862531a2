//! Recording outreach activities: the list, the form (new and edit, plain HTML that the
//! offline script enhances), and an activity's page with its counts and follow-ups.
//!
//! The form carries a submission id chosen when it is shown: sending it twice (a double click,
//! a resend after a lost answer, an offline draft sent again) finds the first record. An edit
//! carries the version it was made from: if the record changed meanwhile, nothing is written
//! over it; the edit is kept as a conflict to resolve (see `conflicts`) and the answer links to it.

use super::{optional_id, rejected_errors, today};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::training::Fields;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use passerelle_core::access::Permission as P;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::outreach::{self as rules, ReachCell};
use passerelle_core::validate::Problems;
use passerelle_store::outreach::activities::{self, Activity, ActivityInput, Rejected, Saved};
use passerelle_store::outreach::{campaigns, conflicts, follow_ups};
use passerelle_store::{agencies, communities, StoreError};
use uuid::Uuid;

/// The choices the form offers, read once per page.
pub struct Choices {
    pub areas: Vec<(Uuid, String)>,
    pub communities: Vec<(Uuid, String)>,
    pub agencies: Vec<(Uuid, String)>,
    pub campaigns: Vec<(Uuid, String)>,
    pub agents: Vec<(Uuid, String)>,
    pub topics: Vec<(String, String)>,
}

pub async fn choices(tx: &mut passerelle_store::Tx, page: &Page, recorder: Uuid) -> Result<Choices, AppError> {
    Ok(Choices {
        areas: agencies::list_areas(tx).await?.into_iter().map(|a| (a.id, a.name)).collect(),
        communities: communities::list(tx).await?.into_iter().filter(|c| c.archived_at.is_none()).map(|c| (c.id, c.name)).collect(),
        agencies: agencies::list_agencies(tx).await?.into_iter().map(|a| (a.id, a.name)).collect(),
        campaigns: campaigns::list(tx).await?.into_iter().map(|c| (c.id, c.name)).collect(),
        agents: activities::agent_choices(tx, recorder).await?,
        topics: Taxonomy::needs().top_level().map(|t| (t.code.clone(), t.label.get(page.tr.lang).to_string())).collect(),
    })
}

#[derive(Template)]
#[template(path = "outreach_activity_form.html")]
struct FormPage {
    page: Page,
    /// `None` for a new activity; the activity and the version edited otherwise.
    editing: Option<(Uuid, i64)>,
    form: Fields,
    errors: FormErrors,
    choices: Choices,
    /// When an edit came too late: the conflict that keeps it, to resolve.
    conflict: Option<Uuid>,
    draft_key: String,
}

impl FormPage {
    fn kinds(&self) -> &'static [&'static str] {
        rules::KINDS
    }
    fn settings(&self) -> &'static [&'static str] {
        rules::SETTINGS
    }
    fn sexes(&self) -> &'static [&'static str] {
        rules::SEXES
    }
    fn bands(&self) -> &'static [&'static str] {
        rules::AGE_BANDS
    }
    fn statuses(&self) -> &'static [&'static str] {
        rules::MIGRATION_STATUSES
    }
    fn disability(&self) -> &'static [&'static str] {
        rules::DISABILITY
    }
    fn cell_name(&self, breakdown: &str, value: &str, band: &str) -> String {
        activities::count_name(breakdown, value, band)
    }
    fn count(&self, name: &str) -> String {
        self.form.get(name).to_string()
    }
    fn selected(&self, field: &str, id: &Uuid) -> bool {
        self.form.get(field) == id.to_string()
    }
    fn agent_checked(&self, id: &Uuid) -> bool {
        self.form.has("agents", &id.to_string())
    }
    fn action(&self) -> String {
        match self.editing {
            Some((id, _)) => format!("/outreach/activities/{id}"),
            None => "/outreach/activities".to_string(),
        }
    }
}

fn new_fields(identity: &Identity) -> Fields {
    Fields(vec![
        ("submission_id".into(), Uuid::new_v4().to_string()),
        ("held_on".into(), today().to_string()),
        ("setting".into(), "community".into()),
        ("agents".into(), identity.id().to_string()),
    ])
}

async fn form_page(state: &AppState, identity: &Identity, page: Page, editing: Option<(Uuid, i64)>, form: Fields, errors: FormErrors, conflict: Option<Uuid>, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let choices = choices(&mut tx, &page, identity.id()).await?;
    let draft_key = super::draft_key(&page.csrf);
    Ok(render_status(status, &FormPage { page, editing, form, errors, choices, conflict, draft_key }))
}

pub async fn new_form(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let form = new_fields(&identity);
    form_page(&state, &identity, page, None, form, FormErrors::default(), None, StatusCode::OK).await
}

/// Reads the posted form into an activity; ids that are not ids are problems of their field.
fn input_of(form: &Fields, p: &mut Problems) -> ActivityInput {
    let mut id = |field: &str| match optional_id(form.get(field)) {
        Ok(v) => v,
        Err(()) => {
            p.add(field, "unknown-choice");
            None
        }
    };
    let area_id = id("area_id");
    let community_id = id("community_id");
    let host_agency_id = id("host_agency_id");
    let campaign_id = id("campaign_id");
    let mut agents = Vec::new();
    for a in form.all("agents") {
        match Uuid::parse_str(a.trim()) {
            Ok(u) => agents.push(u),
            Err(_) => p.add("agents", "unknown-choice"),
        }
    }
    ActivityInput {
        submission_id: form.get("submission_id").to_string(),
        kind: form.get("kind").to_string(),
        setting: form.get("setting").to_string(),
        held_on: form.get("held_on").to_string(),
        area_id,
        community_id,
        host_agency_id,
        campaign_id,
        agents,
        topics: form.all("topics"),
        language: form.get("language").to_string(),
        women_only: form.get("women_only") == "yes",
        people_reached: form.get("people_reached").to_string(),
        counts: form.0.iter().filter(|(k, _)| k.starts_with("n.")).cloned().collect(),
        nationality_groups: form.get("nationality_groups").to_string(),
        notes: form.get("notes").to_string(),
    }
}

/// Checks the form whole; the refusal carries every problem and every sum that is off.
fn checked(form: &Fields) -> Result<activities::Checked, Rejected> {
    let mut p = Problems::default();
    let input = input_of(form, &mut p);
    match activities::check(&input, today(), rules::DEFAULT_REQUIRED) {
        Ok(c) if p.is_empty() => Ok(c),
        Ok(_) => Err(Rejected { problems: p, mismatches: vec![] }),
        Err(mut r) => {
            let later = std::mem::take(&mut r.problems.0);
            r.problems.0 = p.0;
            r.problems.0.extend(later);
            Err(r)
        }
    }
}

/// The offline script asks for JSON; a plain form gets pages and redirects.
fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"))
}

#[derive(serde::Serialize)]
struct SyncAnswer {
    id: Uuid,
    status: &'static str,
    location: String,
}

fn saved_answer(headers: &HeaderMap, saved: Saved) -> Response {
    let location = format!("/outreach/activities/{}", saved.id());
    if wants_json(headers) {
        let (status, word) = match saved {
            Saved::Created(_) => (StatusCode::CREATED, "created"),
            Saved::Existing(_) => (StatusCode::OK, "existing"),
        };
        return (status, Json(SyncAnswer { id: saved.id(), status: word, location })).into_response();
    }
    Redirect::to(&location).into_response()
}

pub async fn create(State(state): State<AppState>, identity: Identity, page: Page, headers: HeaderMap, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = Fields(pairs);
    let viewer = identity.viewer(P::RecordOutreach);
    let problems = match checked(&form) {
        Ok(c) => {
            let mut tx = state.store.write().await?;
            match activities::create(&mut tx, &viewer, &c, if wants_json(&headers) { "offline" } else { "form" }).await {
                Ok(saved) => {
                    tx.commit().await?;
                    return Ok(saved_answer(&headers, saved));
                }
                // Two sends of one submission raced: the other one won; answer with its record.
                Err(StoreError::Conflict(_)) => {
                    drop(tx);
                    let mut tx = state.store.read().await?;
                    let sid = form.get("submission_id").trim().to_string();
                    return match activities::by_submission(&mut tx, &sid).await? {
                        Some((id, by)) if by == identity.id() => Ok(saved_answer(&headers, Saved::Existing(id))),
                        _ => Err(AppError::Conflict("submission_id")),
                    };
                }
                Err(StoreError::Invalid(p)) => Rejected { problems: p, mismatches: vec![] },
                Err(e) => return Err(e.into()),
            }
        }
        Err(r) => r,
    };
    let errors = rejected_errors(&page.tr, &problems);
    form_page(&state, &identity, page, None, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn edit_form(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::RecordOutreach);
    let mut tx = state.store.read().await?;
    let a = activities::get(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
    let mut form = fields_of(&activities::as_input(&mut tx, &a).await?);
    // Each edit gets its own submission id: it names this edit (an offline draft of it, a
    // conflict it makes), not the record's first submission.
    form.0.retain(|(k, _)| k != "submission_id");
    form.0.push(("submission_id".into(), Uuid::new_v4().to_string()));
    drop(tx);
    form_page(&state, &identity, page, Some((id, a.version)), form, FormErrors::default(), None, StatusCode::OK).await
}

/// An activity as the form's fields.
fn fields_of(i: &ActivityInput) -> Fields {
    let opt = |v: Option<Uuid>| v.map(|u| u.to_string()).unwrap_or_default();
    let mut f = vec![
        ("submission_id".to_string(), i.submission_id.clone()),
        ("kind".into(), i.kind.clone()),
        ("setting".into(), i.setting.clone()),
        ("held_on".into(), i.held_on.clone()),
        ("area_id".into(), opt(i.area_id)),
        ("community_id".into(), opt(i.community_id)),
        ("host_agency_id".into(), opt(i.host_agency_id)),
        ("campaign_id".into(), opt(i.campaign_id)),
        ("language".into(), i.language.clone()),
        ("women_only".into(), if i.women_only { "yes".into() } else { String::new() }),
        ("people_reached".into(), i.people_reached.clone()),
        ("nationality_groups".into(), i.nationality_groups.clone()),
        ("notes".into(), i.notes.clone()),
    ];
    f.extend(i.agents.iter().map(|a| ("agents".to_string(), a.to_string())));
    f.extend(i.topics.iter().map(|t| ("topics".to_string(), t.clone())));
    f.extend(i.counts.iter().cloned());
    Fields(f)
}

pub async fn update(State(state): State<AppState>, identity: Identity, page: Page, headers: HeaderMap, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = Fields(pairs);
    let viewer = identity.viewer(P::RecordOutreach);
    let version: i64 = form.get("version").trim().parse().map_err(|_| AppError::BadRequest { key: "error-bad-request", detail: "version".into() })?;
    let rejected = match checked(&form) {
        Ok(c) => {
            let mut tx = state.store.write().await?;
            match activities::update(&mut tx, &viewer, id, version, &c).await {
                Ok(()) => {
                    tx.commit().await?;
                    if wants_json(&headers) {
                        return Ok((StatusCode::OK, Json(SyncAnswer { id, status: "updated", location: format!("/outreach/activities/{id}") })).into_response());
                    }
                    return Ok(Redirect::to(&format!("/outreach/activities/{id}")).into_response());
                }
                Err(StoreError::Stale(_)) => {
                    drop(tx);
                    return stale_edit(&state, &identity, page, &headers, id, version, &c, form).await;
                }
                Err(StoreError::Invalid(p)) => Rejected { problems: p, mismatches: vec![] },
                Err(e) => return Err(e.into()),
            }
        }
        Err(r) => r,
    };
    let errors = rejected_errors(&page.tr, &rejected);
    form_page(&state, &identity, page, Some((id, version)), form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// An edit made from a version someone changed meanwhile. Never written over the other edit,
/// and not lost either: kept as a conflict (the same submission sent again finds it) that the
/// answer links to. If the record already reads as submitted (an answer lost on the way and the
/// edit sent again), there is nothing to resolve and it is answered as done.
#[allow(clippy::too_many_arguments)]
async fn stale_edit(state: &AppState, identity: &Identity, page: Page, headers: &HeaderMap, id: Uuid, version: i64, c: &activities::Checked, form: Fields) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::RecordOutreach);
    let mut tx = state.store.write().await?;
    let now = activities::get(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
    let submitted = c.as_input();
    if conflicts::differences(&activities::as_input(&mut tx, &now).await?, &submitted).is_empty() {
        drop(tx);
        if wants_json(headers) {
            return Ok((StatusCode::OK, Json(SyncAnswer { id, status: "updated", location: format!("/outreach/activities/{id}") })).into_response());
        }
        return Ok(Redirect::to(&format!("/outreach/activities/{id}")).into_response());
    }
    let conflict = conflicts::record(&mut tx, &viewer, id, version, c).await?;
    tx.commit().await?;
    let location = format!("/outreach/conflicts/{conflict}");
    if wants_json(headers) {
        // A problem document (an error answer in JSON is one everywhere), naming the conflict
        // that keeps the edit so the device can drop its draft and point to it.
        let body = serde_json::json!({
            "type": "about:blank", "title": page.tr.t("outreach-conflict"), "status": 409,
            "conflict": conflict, "location": location,
        });
        return Ok((StatusCode::CONFLICT, [(header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response());
    }
    let errors = {
        let mut p = Problems::default();
        p.add("version", "outreach-changed-meanwhile");
        super::field_errors(&page.tr, &p)
    };
    form_page(state, identity, page, Some((id, now.version)), form, errors, Some(conflict), StatusCode::CONFLICT).await
}

#[derive(Template)]
#[template(path = "outreach.html")]
struct ListPage {
    page: Page,
    activities: Vec<Activity>,
    can_campaigns: bool,
    can_figures: bool,
    draft_key: String,
}

impl ListPage {
    fn kind(&self, a: &Activity) -> String {
        self.page.tr.code("outreach-kind", &a.kind)
    }
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::RecordOutreach);
    let mut tx = state.store.read().await?;
    let activities = activities::list(&mut tx, &viewer, None, 200).await?;
    let draft_key = super::draft_key(&page.csrf);
    Ok(render(&ListPage { page, activities, can_campaigns: identity.can(P::ViewOutreach), can_figures: identity.can(P::ViewOutreach), draft_key }))
}

#[derive(Template)]
#[template(path = "outreach_activity.html")]
struct ShowPage {
    page: Page,
    a: Activity,
    agents: Vec<(Uuid, String, Option<String>)>,
    cells: Vec<ReachCell>,
    follow_ups: Vec<follow_ups::FollowUp>,
    names: Vec<(Uuid, String)>,
    form: Fields,
    errors: FormErrors,
    topics: Vec<(String, String)>,
    /// Whether the reader may make referrals (from a case), hence the follow-ups' "refer" action.
    can_refer: bool,
    /// The SOPs a case opened for a referral may follow: (id, title).
    sops: Vec<(String, String)>,
}

impl ShowPage {
    fn risks(&self) -> [&'static str; 4] {
        passerelle_core::sop::RiskLevel::ALL.map(|r| r.code())
    }
    fn name(&self, id: &Option<Uuid>) -> String {
        id.and_then(|i| self.names.iter().find(|(n, _)| *n == i)).map(|(_, s)| s.clone()).unwrap_or_else(|| "—".into())
    }
    fn topic(&self, code: &str) -> String {
        Taxonomy::needs().get(code).map(|t| t.label.get(self.page.tr.lang).to_string()).unwrap_or_else(|| code.to_string())
    }
    fn cell(&self, sex: &str, band: &str) -> u32 {
        self.cells.iter().find(|c| c.breakdown == "sex_age" && c.value == sex && c.age_band == band).map(|c| c.people).unwrap_or(0)
    }
    fn others(&self) -> Vec<&ReachCell> {
        self.cells.iter().filter(|c| c.breakdown != "sex_age").collect()
    }
    fn value_label(&self, c: &ReachCell) -> String {
        match c.breakdown.as_str() {
            "migration_status" => self.page.tr.code("migration-status", &c.value),
            "disability" => self.page.tr.code("outreach-disability", &c.value),
            _ => c.value.clone(),
        }
    }
    fn sexes(&self) -> &'static [&'static str] {
        rules::SEXES
    }
    fn bands(&self) -> &'static [&'static str] {
        rules::AGE_BANDS
    }
    fn givers(&self) -> &'static [&'static str] {
        passerelle_store::consents::GIVERS
    }
    fn statuses(&self) -> &'static [&'static str] {
        passerelle_store::people::MIGRATION_STATUSES
    }
    fn scopes(&self) -> &'static [&'static str] {
        &["registration", "referral", "follow_up_contact"]
    }
    fn person_sexes(&self) -> &'static [&'static str] {
        passerelle_store::people::SEXES
    }
}

pub async fn show_page(state: &AppState, identity: &Identity, page: Page, id: Uuid, form: Fields, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::RecordOutreach);
    let mut tx = state.store.read().await?;
    let a = activities::get(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
    let agents = activities::agents(&mut tx, id).await?;
    let cells = activities::reached(&mut tx, id).await?;
    let follow_ups = follow_ups::of_activity(&mut tx, id).await?;
    let mut names: Vec<(Uuid, String)> = Vec::new();
    names.extend(agencies::list_areas(&mut tx).await?.into_iter().map(|x| (x.id, x.name)));
    names.extend(agencies::list_agencies(&mut tx).await?.into_iter().map(|x| (x.id, x.name)));
    names.extend(communities::list(&mut tx).await?.into_iter().map(|x| (x.id, x.name)));
    names.extend(campaigns::list(&mut tx).await?.into_iter().map(|x| (x.id, x.name)));
    let topics = Taxonomy::needs().top_level().map(|t| (t.code.clone(), t.label.get(page.tr.lang).to_string())).collect();
    let can_refer = identity.can(P::ManageCases);
    let sops = if can_refer && follow_ups.iter().any(|f| f.awaits_referral()) {
        passerelle_store::sops::list_latest(&mut tx).await?.into_iter().map(|p| (p.sop.id.clone(), p.sop.title.get(page.tr.lang).to_string())).collect()
    } else {
        Vec::new()
    };
    Ok(render_status(status, &ShowPage { page, a, agents, cells, follow_ups, names, form, errors, topics, can_refer, sops }))
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let form = Fields(vec![("consent_given_by".into(), "person".into()), ("consent_scope".into(), "registration".into())]);
    show_page(&state, &identity, page, id, form, FormErrors::default(), StatusCode::OK).await
}
