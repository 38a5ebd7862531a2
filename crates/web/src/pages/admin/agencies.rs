//! Agencies, their teams, and the admin areas they work in.

use super::optional_id;
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::render_status;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use passerelle_core::validate::Problems;
use passerelle_store::agencies::{self, Agency, AgencyInput, Area, Team, AGENCY_KINDS, SECTORS};
use passerelle_store::StoreError;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AgencyForm {
    name: String,
    kind: String,
    sector: String,
    area_id: String,
    active: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_agencies.html")]
struct AgenciesPage {
    page: Page,
    agencies: Vec<Agency>,
    areas: Vec<Area>,
    kinds: &'static [&'static str],
    sectors: &'static [&'static str],
    form: AgencyForm,
    errors: FormErrors,
    can_manage: bool,
}

impl AgenciesPage {
    fn area_name(&self, id: &Option<Uuid>) -> String {
        id.and_then(|id| self.areas.iter().find(|a| a.id == id)).map(|a| a.name.clone()).unwrap_or_default()
    }
}

async fn agencies_page(state: &AppState, identity: &Identity, page: Page, form: AgencyForm, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let list = agencies::list_agencies(&mut tx).await?;
    let areas = agencies::list_areas(&mut tx).await?;
    let can_manage = identity.can(passerelle_core::access::Permission::ManageAgencies);
    Ok(render_status(status, &AgenciesPage { page, agencies: list, areas, kinds: AGENCY_KINDS, sectors: SECTORS, form, errors, can_manage }))
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    agencies_page(&state, &identity, page, AgencyForm::default(), FormErrors::default(), StatusCode::OK).await
}

fn input_of(form: &AgencyForm, p: &mut Problems) -> AgencyInput {
    AgencyInput {
        name: form.name.clone(),
        kind: form.kind.clone(),
        sector: form.sector.clone(),
        area_id: optional_id("area_id", &form.area_id, p),
    }
}

/// Turns the store's verdict on a form into either the problems to show or a real error.
pub(crate) fn form_problems(e: StoreError, p: &mut Problems) -> Result<(), AppError> {
    match e {
        StoreError::Invalid(mut q) => {
            p.0.append(&mut q.0);
            Ok(())
        }
        StoreError::Conflict(field) => {
            p.add(field, "taken");
            Ok(())
        }
        other => Err(other.into()),
    }
}

pub async fn create(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<AgencyForm>) -> Result<Response, AppError> {
    let mut p = Problems::default();
    let input = input_of(&form, &mut p);
    if p.is_empty() {
        let mut tx = state.store.write().await?;
        match agencies::create_agency(&mut tx, Some(identity.id()), &input).await {
            Ok(a) => {
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/admin/agencies/{}", a.id)).into_response());
            }
            Err(e) => form_problems(e, &mut p)?,
        }
    }
    let errors = FormErrors::from_problems(&page.tr, &p);
    agencies_page(&state, &identity, page, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Template)]
#[template(path = "admin_agency.html")]
struct AgencyPage {
    page: Page,
    agency: Agency,
    teams: Vec<Team>,
    areas: Vec<Area>,
    kinds: &'static [&'static str],
    sectors: &'static [&'static str],
    form: AgencyForm,
    errors: FormErrors,
    team_errors: FormErrors,
}

async fn agency_page(state: &AppState, page: Page, id: Uuid, form: Option<AgencyForm>, errors: FormErrors, team_errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let agency = agencies::get_agency(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let teams = agencies::list_teams(&mut tx, Some(id)).await?;
    let areas = agencies::list_areas(&mut tx).await?;
    let form = form.unwrap_or_else(|| AgencyForm {
        name: agency.name.clone(),
        kind: agency.kind.clone(),
        sector: agency.sector.clone(),
        area_id: agency.area_id.map(|a| a.to_string()).unwrap_or_default(),
        active: agency.active.then(|| "on".to_string()),
    });
    Ok(render_status(status, &AgencyPage { page, agency, teams, areas, kinds: AGENCY_KINDS, sectors: SECTORS, form, errors, team_errors }))
}

pub async fn show(State(state): State<AppState>, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    agency_page(&state, page, id, None, FormErrors::default(), FormErrors::default(), StatusCode::OK).await
}

pub async fn update(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<AgencyForm>) -> Result<Response, AppError> {
    let mut p = Problems::default();
    let input = input_of(&form, &mut p);
    if p.is_empty() {
        let mut tx = state.store.write().await?;
        match agencies::update_agency(&mut tx, Some(identity.id()), id, &input, form.active.is_some()).await {
            Ok(_) => {
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/admin/agencies/{id}")).into_response());
            }
            Err(e) => form_problems(e, &mut p)?,
        }
    }
    let errors = FormErrors::from_problems(&page.tr, &p);
    agency_page(&state, page, id, Some(form), errors, FormErrors::default(), StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TeamForm {
    name: String,
}

pub async fn create_team(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<TeamForm>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let mut p = Problems::default();
    match agencies::create_team(&mut tx, Some(identity.id()), id, &form.name).await {
        Ok(_) => {
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/admin/agencies/{id}")).into_response());
        }
        Err(e) => form_problems(e, &mut p)?,
    }
    drop(tx);
    let errors = FormErrors::from_problems(&page.tr, &p);
    agency_page(&state, page, id, None, FormErrors::default(), errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AreaForm {
    code: String,
    name: String,
    level: String,
    parent_id: String,
}

#[derive(Template)]
#[template(path = "admin_areas.html")]
struct AreasPage {
    page: Page,
    areas: Vec<Area>,
    form: AreaForm,
    errors: FormErrors,
    can_manage: bool,
}

impl AreasPage {
    fn parent_name(&self, id: &Option<Uuid>) -> String {
        id.and_then(|id| self.areas.iter().find(|a| a.id == id)).map(|a| a.name.clone()).unwrap_or_default()
    }
}

async fn areas_page(state: &AppState, identity: &Identity, page: Page, form: AreaForm, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let areas = agencies::list_areas(&mut tx).await?;
    let can_manage = identity.can(passerelle_core::access::Permission::ManageAgencies);
    Ok(render_status(status, &AreasPage { page, areas, form, errors, can_manage }))
}

pub async fn areas(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    areas_page(&state, &identity, page, AreaForm::default(), FormErrors::default(), StatusCode::OK).await
}

pub async fn create_area(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<AreaForm>) -> Result<Response, AppError> {
    let mut p = Problems::default();
    let parent = optional_id("parent_id", &form.parent_id, &mut p);
    let level = match form.level.trim().parse::<i32>() {
        Ok(l) => l,
        Err(_) => {
            p.add("level", "not-a-number");
            0
        }
    };
    if p.is_empty() {
        let mut tx = state.store.write().await?;
        match agencies::create_area(&mut tx, Some(identity.id()), &form.code, &form.name, level, parent).await {
            Ok(_) => {
                tx.commit().await?;
                return Ok(Redirect::to("/admin/areas").into_response());
            }
            Err(e) => form_problems(e, &mut p)?,
        }
    }
    let errors = FormErrors::from_problems(&page.tr, &p);
    areas_page(&state, &identity, page, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub(crate) use form_problems as store_problems;
