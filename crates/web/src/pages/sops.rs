//! Standard Operating Procedures: the list, each SOP's handbook (printable, in the reader's
//! language, any published version), and publishing a new version after seeing what changes.

use super::{render, render_status};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::Query;
use chrono::{DateTime, Utc};
use passerelle_core::sop::{self, Handbook};
use passerelle_store::sops::{self, PublishRefusal, Published};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sops.html")]
struct ListPage {
    page: Page,
    sops: Vec<Published>,
    can_publish: bool,
}

impl ListPage {
    fn title(&self, p: &Published) -> String {
        p.sop.title.get(self.page.tr.lang).to_string()
    }
    fn area(&self, p: &Published) -> String {
        self.page.tr.code("sop-area", &p.sop.service_area)
    }
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let list = sops::list_latest(&mut tx).await?;
    Ok(render(&ListPage { page, sops: list, can_publish: identity.can(passerelle_core::access::Permission::ManageSops) }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    version: Option<u32>,
}

#[derive(Template)]
#[template(path = "sop_handbook.html")]
struct HandbookPage {
    page: Page,
    book: Handbook,
    versions: Vec<(u32, DateTime<Utc>)>,
    latest: u32,
}

pub async fn handbook(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let versions = sops::versions(&mut tx, &id).await?;
    let latest = versions.first().map(|(v, _)| *v).ok_or(AppError::NotFound)?;
    let published = sops::get(&mut tx, &id, q.version.unwrap_or(latest)).await?.ok_or(AppError::NotFound)?;
    let book = sop::handbook(&published.sop, page.tr.lang);
    Ok(render(&HandbookPage { page, book, versions, latest }))
}

/// A problem of an SOP file, ready to show: where, and what in the reader's language.
pub struct Problem {
    pub line: u32,
    pub field: String,
    pub message: String,
}

/// A change between two versions, ready to show.
pub struct ChangeView {
    pub label: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin_sop_publish.html")]
struct PublishPage {
    page: Page,
    source: String,
    problems: Vec<Problem>,
    refusal: Option<String>,
    changes: Option<Vec<ChangeView>>,
    new_sop: Option<(String, u32)>,
}

pub async fn publish_form(page: Page) -> Response {
    render(&PublishPage { page, source: String::new(), problems: vec![], refusal: None, changes: None, new_sop: None })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SourceForm {
    source: String,
}

const UPLOAD_NAME: &str = "sop.toml";

fn problems_of(page: &Page, diags: &[sop::Diagnostic]) -> Vec<Problem> {
    diags
        .iter()
        .map(|d| {
            let id = format!("sop-error-{}", d.error.code());
            let message = if page.tr.has(&id) { page.tr.t(&id) } else { d.error.to_string() };
            Problem { line: d.line, field: d.field.clone(), message }
        })
        .collect()
}

fn refusal_text(page: &Page, r: &PublishRefusal) -> Option<String> {
    match r {
        PublishRefusal::Invalid(_) => None,
        PublishRefusal::NotNewer { latest } => Some(page.tr.t1("sops-not-newer", "latest", latest)),
        PublishRefusal::NothingChanged { latest } => Some(page.tr.t1("sops-nothing-changed", "latest", latest)),
    }
}

fn change_view(page: &Page, c: &sop::Change) -> ChangeView {
    // The kind is translated; the rest names steps, roles, forms by their codes.
    let mut detail = Vec::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(c) {
        for (k, v) in map.into_iter().filter(|(k, _)| k != "kind") {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            detail.push(format!("{k}: {v}"));
        }
    }
    let id = format!("sop-change-{}", c.code());
    let label = if page.tr.has(&id) { page.tr.t(&id) } else { c.to_string() };
    ChangeView { label, detail: detail.join(" · ") }
}

/// Checks the text and shows either its problems or what publishing it would change.
pub async fn preview(State(state): State<AppState>, page: Page, Form(form): Form<SourceForm>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let prepared = sops::prepare(&mut tx, UPLOAD_NAME, &form.source).await?;
    let (status, problems, refusal, changes, new_sop) = match prepared {
        Ok((sop, latest)) => {
            let changes = match &latest {
                Some(l) => sop::diff(&l.sop, &sop).iter().map(|c| change_view(&page, c)).collect(),
                None => vec![],
            };
            (StatusCode::OK, vec![], None, Some(changes), Some((sop.id.clone(), sop.version)))
        }
        Err(PublishRefusal::Invalid(d)) => (StatusCode::UNPROCESSABLE_ENTITY, problems_of(&page, &d), None, None, None),
        Err(r) => (StatusCode::UNPROCESSABLE_ENTITY, vec![], refusal_text(&page, &r), None, None),
    };
    Ok(render_status(status, &PublishPage { page, source: form.source, problems, refusal, changes, new_sop }))
}

pub async fn publish(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<SourceForm>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    match sops::publish(&mut tx, Some(identity.id()), UPLOAD_NAME, &form.source).await? {
        Ok(sop) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/sops/{}?version={}", sop.id, sop.version)).into_response())
        }
        Err(r) => {
            let problems = match &r {
                PublishRefusal::Invalid(d) => problems_of(&page, d),
                _ => vec![],
            };
            let refusal = refusal_text(&page, &r);
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &PublishPage {
                page, source: form.source, problems, refusal, changes: None, new_sop: None,
            }))
        }
    }
}
