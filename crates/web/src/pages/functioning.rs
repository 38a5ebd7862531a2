//! A person's functioning: the Washington Group Short Set asked and recorded, with the history
//! of every asking and the disability status derived by the WG cut-off. The person page shows
//! the latest status; this page shows the answers and the form to ask again.

use super::{render, render_status};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::cases::sight;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use passerelle_core::access::Permission;
use passerelle_core::functioning::{Answer, Domain};
use passerelle_store::audit::{self, Event};
use passerelle_store::functioning::{self, Asking};
use passerelle_store::people::{self, Person};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "person_functioning.html")]
struct FunctioningPage {
    page: Page,
    person: Person,
    history: Vec<Asking>,
    can_record: bool,
    errors: FormErrors,
    /// What was sent, to show it again beside the errors.
    sent: BTreeMap<String, String>,
}

impl FunctioningPage {
    fn domains(&self) -> Vec<&'static str> {
        Domain::ALL.iter().map(|d| d.code()).collect()
    }
    fn answers(&self) -> Vec<&'static str> {
        Answer::ALL.iter().map(|a| a.code()).collect()
    }
    fn answer_of(&self, a: &Asking, domain: &str) -> String {
        let code = Domain::ALL.iter().find(|d| d.code() == domain).map(|d| a.answers.answer(*d).code()).unwrap_or("");
        self.page.tr.code("functioning-answer", code)
    }
    fn sent_value(&self, field: &str) -> String {
        self.sent.get(field).cloned().unwrap_or_default()
    }
    fn asked_on(&self) -> String {
        self.sent.get("asked_on").cloned().unwrap_or_else(|| Utc::now().date_naive().to_string())
    }
}

async fn load(state: &AppState, identity: &Identity, id: Uuid) -> Result<(Person, Vec<Asking>), AppError> {
    let mut tx = state.store.write().await?;
    let person = people::get(&mut tx, &sight(identity), id).await?.ok_or(AppError::NotFound)?;
    let history = functioning::history(&mut tx, id).await?;
    // The answers are health data: reading them is logged.
    audit::append(&mut tx, Event::new(Some(identity.id()), "person.functioning.view", "person").entity(id)).await?;
    tx.commit().await?;
    Ok((person, history))
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (person, history) = load(&state, &identity, id).await?;
    let can_record = identity.can(Permission::ManageCases) && person.merged_into.is_none();
    Ok(render(&FunctioningPage { page, person, history, can_record, errors: FormErrors::default(), sent: BTreeMap::new() }))
}

pub async fn record(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(sent): Form<BTreeMap<String, String>>) -> Result<Response, AppError> {
    let asked_on = sent.get("asked_on").cloned().unwrap_or_default();
    let checked = functioning::check(&asked_on, &sent, Utc::now().date_naive());
    let mut tx = state.store.write().await?;
    let person = people::get(&mut tx, &sight(&identity), id).await?.ok_or(AppError::NotFound)?;
    match checked {
        Ok((on, answers)) => {
            functioning::record(&mut tx, identity.id(), person.id, on, answers).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/people/{id}/functioning")).into_response())
        }
        Err(problems) => {
            drop(tx);
            let (person, history) = load(&state, &identity, id).await?;
            let errors = FormErrors::from_problems(&page.tr, &problems);
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &FunctioningPage { page, person, history, can_record: true, errors, sent }))
        }
    }
}
