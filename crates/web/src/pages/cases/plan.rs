//! The case plan page: goals and their actions (who, by when, status), overdue actions flagged,
//! and the forms to add a goal, add an action and change one. Each change carries the version
//! of the goal or action the person saw: a change made meanwhile gives a conflict (409).

use super::sight;
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{NaiveDate, Utc};
use passerelle_core::access::Permission;
use passerelle_store::case_plan::{self, ActionInput, Goal, STATUSES};
use passerelle_store::cases::{self, Case};
use passerelle_store::{StoreError, Tx};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "case_plan.html")]
struct PlanPage {
    page: Page,
    case: Case,
    goals: Vec<Goal>,
    can_edit: bool,
    today: NaiveDate,
    /// (code, name) of who may do an action: users of the case's team, agencies, services.
    users: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    services: Vec<(String, String)>,
    /// Words to find a service by name (the lists offer those near the case).
    service_q: String,
    errors: FormErrors,
}

impl PlanPage {
    fn statuses(&self) -> &'static [&'static str] {
        STATUSES
    }
    fn overdue(&self) -> usize {
        self.goals.iter().flat_map(|g| &g.actions).filter(|a| a.overdue(self.today)).count()
    }
}

/// Who may change the plan: the case's caseworker, or a supervisor (as for the case's steps).
fn can_edit(identity: &Identity, case: &Case) -> bool {
    identity.can(Permission::ManageCases) && case.assigned_to == identity.id() || identity.can(Permission::ApproveCases)
}

async fn who_choices(tx: &mut Tx, identity: &Identity, case: &Case, service_q: &str) -> Result<(Vec<(String, String)>, Vec<(String, String)>, Vec<(String, String)>), AppError> {
    let mut users = passerelle_store::transfers::team_members(tx, case.team_id).await?;
    if !users.iter().any(|(id, _)| *id == case.assigned_to) {
        users.insert(0, (case.assigned_to, case.assigned_name.clone()));
    }
    let users = users.into_iter().map(|(id, name)| (format!("user:{id}"), name)).collect();
    let agencies = passerelle_store::agencies::list_agencies(tx).await?.into_iter().map(|a| (format!("agency:{}", a.id), a.name)).collect();
    let near = passerelle_store::directory::Near { agency_id: identity.user.agency_id, case_id: Some(case.id), words: Some(service_q.to_string()) };
    let services = passerelle_store::directory::service_choices(tx, &near).await?.into_iter().map(|(id, label)| (format!("service:{id}"), label)).collect();
    Ok((users, agencies, services))
}

async fn plan_page(state: &AppState, identity: &Identity, page: Page, id: Uuid, service_q: String, errors: FormErrors) -> Result<PlanPage, AppError> {
    let mut tx = state.store.write().await?;
    let case = cases::get(&mut tx, &sight(identity), id).await?.ok_or(AppError::NotFound)?;
    let goals = case_plan::of_case(&mut tx, case.id).await?;
    let (users, agencies, services) = who_choices(&mut tx, identity, &case, &service_q).await?;
    tx.commit().await?;
    Ok(PlanPage { can_edit: can_edit(identity, &case) && case.is_open(), page, case, goals, today: Utc::now().date_naive(), users, agencies, services, service_q, errors })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    service_q: String,
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Query(q): Query<ShowQuery>) -> Result<Response, AppError> {
    Ok(render(&plan_page(&state, &identity, page, id, q.service_q, FormErrors::default()).await?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PlanForm {
    goal: String,
    goal_title: String,
    version: i64,
    description: String,
    action_who: String,
    action_due_on: String,
    status: String,
}

impl PlanForm {
    fn action(&self) -> ActionInput {
        ActionInput { description: self.description.clone(), who: self.action_who.clone(), due_on: self.action_due_on.clone(), status: self.status.clone() }
    }
}

/// The store's field names, as the form names them (so errors sit on the right field).
fn form_problems(p: passerelle_core::validate::Problems) -> passerelle_core::validate::Problems {
    let rename = |f: &str| match f {
        "title" => "goal_title",
        "who" => "action_who",
        "due_on" => "action_due_on",
        other => other,
    }
    .to_string();
    passerelle_core::validate::Problems(p.0.into_iter().map(|e| passerelle_core::validate::FieldError { field: rename(&e.field), code: e.code }).collect())
}

/// Runs one change of the plan in a transaction; bad input shows the page again with the errors.
async fn change<F>(state: AppState, identity: Identity, page: Page, id: Uuid, f: F) -> Result<Response, AppError>
where
    F: for<'a> FnOnce(&'a mut Tx, Uuid, &'a Case) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), StoreError>> + Send + 'a>>,
{
    let mut tx = state.store.write().await?;
    let case = cases::visible(&mut tx, &sight(&identity), id).await?.ok_or(AppError::NotFound)?;
    if !can_edit(&identity, &case) {
        return Err(AppError::Forbidden);
    }
    match f(&mut tx, identity.id(), &case).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/cases/{id}/plan")).into_response())
        }
        Err(StoreError::Invalid(p)) => {
            drop(tx);
            let errors = FormErrors::from_problems(&page.tr, &form_problems(p));
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &plan_page(&state, &identity, page, id, String::new(), errors).await?))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_goal(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<PlanForm>) -> Result<Response, AppError> {
    change(state, identity, page, id, move |tx, actor, case| Box::pin(async move { case_plan::add_goal(tx, actor, case, &form.goal_title).await.map(|_| ()) })).await
}

pub async fn add_action(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<PlanForm>) -> Result<Response, AppError> {
    let goal: Uuid = form.goal.parse().map_err(|_| AppError::NotFound)?;
    change(state, identity, page, id, move |tx, actor, case| Box::pin(async move { case_plan::add_action(tx, actor, case, goal, &form.action()).await.map(|_| ()) })).await
}

pub async fn rename_goal(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<PlanForm>) -> Result<Response, AppError> {
    let goal: Uuid = form.goal.parse().map_err(|_| AppError::NotFound)?;
    change(state, identity, page, id, move |tx, actor, case| Box::pin(async move { case_plan::update_goal(tx, actor, case, goal, form.version, &form.goal_title).await })).await
}

/// Changes one action (`{id}` is the action): its case is found from it.
pub async fn update_action(State(state): State<AppState>, identity: Identity, page: Page, Path(action): Path<Uuid>, Form(form): Form<PlanForm>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let case_id = case_plan::case_of_action(&mut tx, action).await?.ok_or(AppError::NotFound)?;
    drop(tx);
    change(state, identity, page, case_id, move |tx, actor, case| Box::pin(async move { case_plan::update_action(tx, actor, case, action, form.version, &form.action()).await })).await
}
