//! A person's rights, answered by the administrator: find the person, produce everything held
//! about them (printable page, and JSON in an encrypted archive through `pages::exports`), put or lift legal holds on their cases, and
//! erase them (anonymise or delete) after typing their reference. The store does the work and
//! the auditing (`passerelle_store::rights`).

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::Query;
use passerelle_core::access::Permission;
use passerelle_store::people::{self, Person, Sight};
use passerelle_store::rights::{self, CaseHold, Dossier, Mode};
use passerelle_store::StoreError;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

/// The short reference an administrator types to confirm an erasure: the first eight
/// characters of the person's id, shown on the erase page.
fn reference(id: Uuid) -> String {
    id.simple().to_string()[..8].to_string()
}

/// Renders a dossier value for reading: text as it is, nothing as empty, the rest as JSON.
fn shown(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "rights_people.html")]
struct PeoplePage {
    page: Page,
    q: String,
    found: Vec<Person>,
}

/// Finds a person by name, phone or external id (the people search), across every scope,
/// restricted people included.
pub async fn search(State(state): State<AppState>, identity: Identity, page: Page, Query(query): Query<SearchQuery>) -> Result<Response, AppError> {
    let sight = Sight::data_protection(identity.viewer(Permission::ManagePersonalData));
    let mut tx = state.store.read().await?;
    let found = if query.q.trim().is_empty() { Vec::new() } else { people::search(&mut tx, &sight, &query.q, 50).await? };
    Ok(render(&PeoplePage { page, q: query.q, found }))
}

#[derive(Template)]
#[template(path = "rights_dossier.html")]
struct DossierPage {
    page: Page,
    dossier: Dossier,
}

impl DossierPage {
    fn shown(&self, v: &Value) -> String {
        shown(v)
    }
    fn title(&self, name: &str) -> String {
        self.page.tr.t(&format!("rights-section-{}", name.replace('_', "-")))
    }
}

async fn dossier_of(state: &AppState, identity: &Identity, id: Uuid) -> Result<(Dossier, passerelle_store::Tx), AppError> {
    let mut tx = state.store.write().await?;
    let dossier = rights::subject_access(&mut tx, identity.id(), id).await?.ok_or(AppError::NotFound)?;
    Ok((dossier, tx))
}

/// Everything held about the person, printable.
pub async fn dossier(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (dossier, tx) = dossier_of(&state, &identity, id).await?;
    tx.commit().await?;
    Ok(render(&DossierPage { page, dossier }))
}

#[derive(Template)]
#[template(path = "rights_erase.html")]
struct ErasePage {
    page: Page,
    person: Person,
    reference: String,
    cases: Vec<CaseHold>,
    modes: [Mode; 2],
    mode: String,
    /// Why the erasure was refused (a translation id), if it was.
    refusal: Option<&'static str>,
    erased: bool,
}

async fn erase_page(state: &AppState, page: Page, id: Uuid, mode: String, refusal: Option<&'static str>, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let person = people_get(&mut tx, id).await?;
    let cases = rights::holds(&mut tx, id).await?;
    let erased = person.given_names.is_empty() && person.family_names.is_empty();
    Ok(render_status(status, &ErasePage { page, reference: reference(id), person, cases, modes: Mode::ALL, mode, refusal, erased }))
}

async fn people_get(tx: &mut passerelle_store::Tx, id: Uuid) -> Result<Person, AppError> {
    rights::person(tx, id).await?.ok_or(AppError::NotFound)
}

/// What an erasure will remove, the legal holds, and the form that asks for the mode and the
/// typed reference.
pub async fn erase_form(State(state): State<AppState>, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    erase_page(&state, page, id, String::new(), None, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EraseForm {
    mode: String,
    confirm: String,
}

/// Erases the person: one transaction, the files deleted once it committed.
pub async fn erase(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<EraseForm>) -> Result<Response, AppError> {
    let Some(mode) = Mode::parse(form.mode.trim()) else {
        return erase_page(&state, page, id, form.mode, Some("rights-error-mode"), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if form.confirm.trim() != reference(id) {
        return erase_page(&state, page, id, form.mode, Some("rights-error-confirm"), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let mut tx = state.store.write().await?;
    let erased = match rights::erase(&mut tx, identity.id(), id, mode).await {
        Ok(e) => e,
        Err(StoreError::Conflict("legal_hold")) => {
            drop(tx);
            return erase_page(&state, page, id, form.mode, Some("rights-error-legal-hold"), StatusCode::CONFLICT).await;
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    rights::remove_files(state.store.files_dir(), &erased).await?;
    Ok(match mode {
        Mode::Anonymise => Redirect::to(&format!("/admin/people/{id}/erase")).into_response(),
        Mode::Delete => Redirect::to("/admin/people?erased=1").into_response(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HoldForm {
    case_id: String,
    hold: String,
    reason: String,
}

/// Puts a legal hold on one of the person's cases, or lifts it.
pub async fn hold(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(form): Form<HoldForm>) -> Result<Response, AppError> {
    let case_id: Uuid = form.case_id.trim().parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.store.write().await?;
    // The case must be one of this person's: the form names both.
    if !rights::holds(&mut tx, id).await?.iter().any(|h| h.id == case_id) {
        return Err(AppError::NotFound);
    }
    match rights::set_legal_hold(&mut tx, identity.id(), case_id, form.hold == "on", &form.reason).await {
        Ok(_) => {}
        Err(StoreError::Invalid(p)) => return Err(AppError::Invalid(p)),
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/people/{id}/erase")).into_response())
}
