//! Staff accounts: create, edit roles/agency/team, deactivate and reactivate, reset a
//! password, unlock after too many failed sign-ins.

use super::agencies::store_problems;
use super::optional_id;
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use passerelle_core::access::{Permission, Role};
use passerelle_core::lang::Lang;
use passerelle_core::validate::Problems;
use passerelle_store::agencies::{self, Agency, Team};
use passerelle_store::users::{self, User, UserFilter, UserInput};
use passerelle_store::StoreError;
use serde::Deserialize;
use uuid::Uuid;

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    agency_id: String,
    role: String,
    inactive: Option<String>,
    page: i64,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    page: Page,
    users: Vec<User>,
    agencies: Vec<Agency>,
    roles: [Role; 8],
    query: ListQuery,
    can_manage: bool,
    next_page: Option<i64>,
}

impl UsersPage {
    fn agency_name(&self, id: &Option<Uuid>) -> String {
        id.and_then(|id| self.agencies.iter().find(|a| a.id == id)).map(|a| a.name.clone()).unwrap_or_default()
    }
    fn next_href(&self, n: &i64) -> String {
        let q = serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("agency_id", self.query.agency_id.as_str()),
            ("role", self.query.role.as_str()),
            ("inactive", self.query.inactive.as_deref().unwrap_or("")),
            ("page", &n.to_string()),
        ])
        .unwrap_or_default();
        format!("/admin/users?{q}")
    }
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page, Query(query): Query<ListQuery>) -> Result<Response, AppError> {
    let mut ignored = Problems::default();
    let filter = UserFilter {
        q: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
        agency_id: optional_id("agency_id", &query.agency_id, &mut ignored),
        role: query.role.parse().ok(),
        include_inactive: query.inactive.is_some(),
        limit: PAGE_SIZE + 1,
        offset: query.page.max(0) * PAGE_SIZE,
    };
    let mut tx = state.store.read().await?;
    let mut list = users::list_users(&mut tx, identity.viewer(Permission::ViewUsers), &filter).await?;
    let next_page = (list.len() as i64 > PAGE_SIZE).then(|| query.page.max(0) + 1);
    list.truncate(PAGE_SIZE as usize);
    let agencies = agencies::list_agencies(&mut tx).await?;
    Ok(render(&UsersPage {
        page,
        users: list,
        agencies,
        roles: Role::ALL,
        can_manage: identity.can(Permission::ManageUsers),
        query,
        next_page,
    }))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserForm {
    email: String,
    display_name: String,
    agency_id: String,
    team_id: String,
    roles: Vec<String>,
    language: String,
    password: String,
}

impl UserForm {
    fn has_role(&self, r: &Role) -> bool {
        self.roles.iter().any(|x| x == r.code())
    }
    fn input(&self, p: &mut Problems) -> UserInput {
        UserInput {
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            agency_id: optional_id("agency_id", &self.agency_id, p),
            team_id: optional_id("team_id", &self.team_id, p),
            roles: self.roles.clone(),
            language: Some(self.language.clone()).filter(|l| !l.is_empty()),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_user_form.html")]
struct UserFormPage {
    page: Page,
    user: Option<User>,
    form: UserForm,
    errors: FormErrors,
    agencies: Vec<Agency>,
    teams: Vec<Team>,
    roles: [Role; 8],
    langs: [Lang; 3],
    notice: Option<String>,
}

impl UserFormPage {
    fn team_label(&self, t: &Team) -> String {
        let agency = self.agencies.iter().find(|a| a.id == t.agency_id).map(|a| a.name.as_str()).unwrap_or("");
        format!("{} — {}", t.name, agency)
    }
}

async fn form_page(state: &AppState, page: Page, user: Option<User>, form: UserForm, errors: FormErrors, notice: Option<String>, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let agencies = agencies::list_agencies(&mut tx).await?;
    let teams = agencies::list_teams(&mut tx, None).await?;
    Ok(render_status(status, &UserFormPage { page, user, form, errors, agencies, teams, roles: Role::ALL, langs: Lang::ALL, notice }))
}

pub async fn new_form(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    form_page(&state, page, None, UserForm::default(), FormErrors::default(), None, StatusCode::OK).await
}


pub async fn create(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<UserForm>) -> Result<Response, AppError> {
    let mut p = Problems::default();
    let input = form.input(&mut p);
    // The administrator gives a temporary password; the person must change it at first sign-in.
    p.new_password("password", &form.password);
    if p.is_empty() {
        let h = crate::passwords::hash(form.password.clone()).await?;
        let mut tx = state.store.write().await?;
        match users::create_user(&mut tx, Some(identity.id()), &input, Some(&h), true).await {
            Ok(u) => {
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/admin/users/{}", u.id)).into_response());
            }
            Err(e) => store_problems(e, &mut p)?,
        }
    }
    let errors = FormErrors::from_problems(&page.tr, &p);
    let form = UserForm { password: String::new(), ..form };
    form_page(&state, page, None, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

fn form_of(u: &User) -> UserForm {
    UserForm {
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        agency_id: u.agency_id.map(|a| a.to_string()).unwrap_or_default(),
        team_id: u.team_id.map(|a| a.to_string()).unwrap_or_default(),
        roles: u.roles.iter().map(|r| r.code().to_string()).collect(),
        language: u.language.clone().unwrap_or_default(),
        password: String::new(),
    }
}

async fn load(state: &AppState, id: Uuid) -> Result<User, AppError> {
    let mut tx = state.store.read().await?;
    users::get_user(&mut tx, id).await?.ok_or(AppError::NotFound)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    done: String,
}

pub async fn show(State(state): State<AppState>, page: Page, Path(id): Path<Uuid>, Query(q): Query<ShowQuery>) -> Result<Response, AppError> {
    let user = load(&state, id).await?;
    let form = form_of(&user);
    let notice = match q.done.as_str() {
        "" => None,
        d => Some(page.tr.code("user-done", d)),
    };
    form_page(&state, page, Some(user), form, FormErrors::default(), notice, StatusCode::OK).await
}

pub async fn update(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<UserForm>) -> Result<Response, AppError> {
    let user = load(&state, id).await?;
    let mut p = Problems::default();
    let input = form.input(&mut p);
    // An administrator cannot take the administrator role from themselves: the instance must
    // never be left without one by a slip of the mouse.
    if id == identity.id() && user.roles.contains(&Role::Administrator) && !form.has_role(&Role::Administrator) {
        p.add("roles", "keep-own-admin");
    }
    if p.is_empty() {
        let mut tx = state.store.write().await?;
        match users::update_user(&mut tx, Some(identity.id()), id, &input).await {
            Ok(_) => {
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/admin/users/{id}?done=saved")).into_response());
            }
            Err(e) => store_problems(e, &mut p)?,
        }
    }
    let errors = FormErrors::from_problems(&page.tr, &p);
    form_page(&state, page, Some(user), form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn deactivate(state: State<AppState>, identity: Identity, id: Path<Uuid>) -> Result<Response, AppError> {
    set_active(state, identity, id, false).await
}

pub async fn reactivate(state: State<AppState>, identity: Identity, id: Path<Uuid>) -> Result<Response, AppError> {
    set_active(state, identity, id, true).await
}

async fn set_active(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, active: bool) -> Result<Response, AppError> {
    if id == identity.id() && !active {
        let mut p = Problems::default();
        p.add("active", "keep-own-admin");
        return Err(AppError::Invalid(p));
    }
    let mut tx = state.store.write().await?;
    users::set_active(&mut tx, Some(identity.id()), id, active).await?;
    tx.commit().await?;
    let done = if active { "reactivated" } else { "deactivated" };
    Ok(Redirect::to(&format!("/admin/users/{id}?done={done}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    password: String,
}

pub async fn reset_password(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<ResetForm>) -> Result<Response, AppError> {
    let user = load(&state, id).await?;
    let mut p = Problems::default();
    p.new_password("password", &form.password);
    if !p.is_empty() {
        let errors = FormErrors::from_problems(&page.tr, &p);
        let f = form_of(&user);
        return form_page(&state, page, Some(user), f, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let h = crate::passwords::hash(form.password).await?;
    let mut tx = state.store.write().await?;
    users::set_password(&mut tx, Some(identity.id()), id, &h, true).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/users/{id}?done=password-reset")).into_response())
}

pub async fn unlock(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    users::get_user(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
    users::unlock(&mut tx, Some(identity.id()), id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/users/{id}?done=unlocked")).into_response())
}
