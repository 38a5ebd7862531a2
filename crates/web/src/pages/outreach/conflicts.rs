//! Resolving outreach conflicts: an edit of an activity made from a version someone changed
//! meanwhile is kept (see `passerelle_store::outreach::conflicts`); here the people in scope
//! list the open ones, compare both versions field by field (differences marked in words, not
//! only by colour), and keep the current record or apply the submitted version. Plain forms,
//! POST-redirect-GET; applying is under the version check, so a record changed again while the
//! page was open is shown again rather than overwritten.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::training::Fields;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use passerelle_core::access::Permission as P;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_store::outreach::activities::{self, Activity, ActivityInput};
use passerelle_store::outreach::conflicts::{self, Conflict, Resolution};
use passerelle_store::outreach::campaigns;
use passerelle_store::{agencies, communities, StoreError};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "outreach_conflicts.html")]
struct ListPage {
    page: Page,
    conflicts: Vec<Conflict>,
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::RecordOutreach);
    let mut tx = state.store.read().await?;
    let conflicts = conflicts::list_open(&mut tx, &viewer, 500).await?;
    Ok(render(&ListPage { page, conflicts }))
}

/// One line of the comparison: the field's label, its value in the record as it is now and in
/// the submitted version, and whether they differ.
pub struct Row {
    pub field: &'static str,
    pub label: String,
    pub current: String,
    pub submitted: String,
    pub differs: bool,
}

#[derive(Template)]
#[template(path = "outreach_conflict.html")]
struct ShowPage {
    page: Page,
    k: Conflict,
    current: Activity,
    rows: Vec<Row>,
    /// A message id to show on top: why the page is shown again.
    notice: Option<&'static str>,
}

impl ShowPage {
    fn differing(&self) -> String {
        let n = self.rows.iter().filter(|r| r.differs).count();
        self.page.tr.t_n("outreach-conflict-differing", &[("count", n as i64)])
    }
    fn resolution(&self) -> String {
        self.page.tr.code("outreach-resolution", &self.k.resolution)
    }
}

/// The fields compared, in the form's order, with their labels' ids.
const FIELDS: &[(&str, &str)] = &[
    ("kind", "field-kind"),
    ("setting", "outreach-field-setting"),
    ("held_on", "outreach-field-held-on"),
    ("area_id", "field-area-id"),
    ("community_id", "outreach-field-community-id"),
    ("host_agency_id", "outreach-field-host-agency-id"),
    ("campaign_id", "outreach-field-campaign-id"),
    ("agents", "outreach-field-agents"),
    ("topics", "outreach-field-topics"),
    ("language", "outreach-field-language"),
    ("women_only", "outreach-field-women-only"),
    ("people_reached", "outreach-field-people-reached"),
    ("counts", "outreach-conflict-field-counts"),
    ("nationality_groups", "outreach-field-nationality-groups"),
    ("notes", "outreach-field-notes"),
];

/// A field of a version as a person reads it: names rather than ids, labels rather than codes.
fn shown(page: &Page, names: &[(Uuid, String)], i: &ActivityInput, field: &str) -> String {
    let tr = &page.tr;
    let name = |id: Option<Uuid>| id.map(|u| names.iter().find(|(n, _)| *n == u).map(|(_, s)| s.clone()).unwrap_or_else(|| u.to_string())).unwrap_or_else(|| "—".into());
    match field {
        "kind" => tr.code("outreach-kind", &i.kind),
        "setting" => tr.code("outreach-setting", &i.setting),
        "held_on" => i.held_on.clone(),
        "area_id" => name(i.area_id),
        "community_id" => name(i.community_id),
        "host_agency_id" => name(i.host_agency_id),
        "campaign_id" => name(i.campaign_id),
        "agents" => {
            let mut v: Vec<String> = i.agents.iter().map(|a| name(Some(*a))).collect();
            v.sort();
            v.join(", ")
        }
        "topics" => i.topics.iter().map(|t| Taxonomy::needs().get(t).map(|x| x.label.get(tr.lang).to_string()).unwrap_or_else(|| t.clone())).collect::<Vec<_>>().join(", "),
        "language" => i.language.clone(),
        "women_only" => tr.t(if i.women_only { "outreach-yes" } else { "outreach-no" }),
        "people_reached" => i.people_reached.clone(),
        "counts" => {
            let mut v: Vec<String> = i
                .counts
                .iter()
                .filter(|(_, n)| !matches!(n.trim(), "" | "0"))
                .map(|(k, n)| format!("{}: {n}", super::count_label(tr, k).unwrap_or_else(|| k.clone())))
                .collect();
            v.sort();
            v.join("; ")
        }
        "nationality_groups" => i.nationality_groups.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; "),
        "notes" => i.notes.clone(),
        _ => String::new(),
    }
}

async fn show_page(state: &AppState, identity: &Identity, page: Page, id: Uuid, notice: Option<&'static str>, status: StatusCode) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::RecordOutreach);
    let mut tx = state.store.read().await?;
    let k = conflicts::get(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
    let current = activities::get(&mut tx, &viewer, k.activity_id).await?.ok_or(AppError::NotFound)?;
    let now = activities::as_input(&mut tx, &current).await?;
    let mine = k.input()?;
    let mut names: Vec<(Uuid, String)> = Vec::new();
    names.extend(agencies::list_areas(&mut tx).await?.into_iter().map(|x| (x.id, x.name)));
    names.extend(agencies::list_agencies(&mut tx).await?.into_iter().map(|x| (x.id, x.name)));
    names.extend(communities::list(&mut tx).await?.into_iter().map(|x| (x.id, x.name)));
    names.extend(campaigns::list(&mut tx).await?.into_iter().map(|x| (x.id, x.name)));
    let mut agents = activities::agents(&mut tx, current.id).await?.into_iter().map(|(id, n, _)| (id, n)).collect::<Vec<_>>();
    agents.extend(activities::agent_choices(&mut tx, k.submitted_by).await?);
    names.extend(agents);
    drop(tx);
    let differs = conflicts::differences(&now, &mine);
    let rows = FIELDS
        .iter()
        .map(|(field, label)| Row {
            field,
            label: page.tr.t(label),
            current: shown(&page, &names, &now, field),
            submitted: shown(&page, &names, &mine, field),
            differs: differs.contains(field),
        })
        .collect();
    Ok(render_status(status, &ShowPage { page, k, current, rows, notice }))
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    show_page(&state, &identity, page, id, None, StatusCode::OK).await
}

/// `resolution` is `kept_mine` (apply the submitted version) or `kept_theirs` (keep the current
/// record); `version` is the current record's version as the page showed it.
pub async fn resolve(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = Fields(pairs);
    let how = Resolution::parse(form.get("resolution")).ok_or_else(|| AppError::BadRequest { key: "error-bad-request", detail: "resolution".into() })?;
    let version: i64 = form.get("version").trim().parse().map_err(|_| AppError::BadRequest { key: "error-bad-request", detail: "version".into() })?;
    let viewer = identity.viewer(P::RecordOutreach);
    let mut tx = state.store.write().await?;
    match conflicts::resolve(&mut tx, &viewer, id, how, version).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/outreach/conflicts/{id}")).into_response())
        }
        Err(StoreError::Stale(_)) => {
            drop(tx);
            show_page(&state, &identity, page, id, Some("outreach-conflict-changed-again"), StatusCode::CONFLICT).await
        }
        Err(StoreError::Conflict("resolution")) => {
            drop(tx);
            show_page(&state, &identity, page, id, Some("outreach-conflict-already-resolved"), StatusCode::CONFLICT).await
        }
        // The submitted version no longer passes the checks (a place deleted since, a date now
        // too old): it cannot be applied; the person keeps the current record or edits it.
        Err(StoreError::Invalid(_)) => {
            drop(tx);
            show_page(&state, &identity, page, id, Some("outreach-conflict-cannot-apply"), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
