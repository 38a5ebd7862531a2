//! The needs taxonomy, administered: every term (shipped or added, offered or retired) and
//! the form to add one. Adding and retiring are `passerelle_store::need_terms`; this page
//! installs the new taxonomy as soon as the change is committed, so every list of needs (the
//! finder, the service form, coverage, referrals, the HSDS taxonomy) offers it at once.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::render_status;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use passerelle_core::directory::taxonomy::{Labels, LocalTerm, Taxonomy, LOCAL_SOURCE};
use passerelle_core::validate::Problems;
use passerelle_store::need_terms;
use serde::Deserialize;

/// One line of the list: a term, indented under its parent.
pub struct TermLine {
    pub code: String,
    pub label: String,
    pub depth: usize,
    pub added: bool,
    pub retired: bool,
    /// Retired itself or under a retired term: not offered.
    pub offered: bool,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TermForm {
    pub code: String,
    pub parent: String,
    pub label_fr: String,
    pub label_en: String,
    pub label_es: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "directory_needs.html")]
struct NeedsPage {
    page: Page,
    terms: Vec<TermLine>,
    form: TermForm,
    errors: FormErrors,
}

/// Every term, parents before their children, in file order.
fn lines(t: &Taxonomy, lang: passerelle_core::lang::Lang) -> Vec<TermLine> {
    fn walk(t: &Taxonomy, parent: Option<&str>, depth: usize, lang: passerelle_core::lang::Lang, out: &mut Vec<TermLine>) {
        for term in t.terms().iter().filter(|x| x.parent.as_deref() == parent) {
            out.push(TermLine {
                code: term.code.clone(),
                label: term.label.get(lang).to_string(),
                depth,
                added: term.source == LOCAL_SOURCE,
                retired: term.retired,
                offered: t.is_offered(&term.code),
            });
            if depth < 8 {
                walk(t, Some(&term.code), depth + 1, lang, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(t, None, 0, lang, &mut out);
    out
}

async fn needs_page(state: &AppState, page: Page, form: TermForm, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    state.directory_index.fresh_needs(&state.store, true).await?;
    let terms = lines(Taxonomy::needs(), page.tr.lang);
    Ok(render_status(status, &NeedsPage { page, terms, form, errors }))
}

pub async fn list(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    needs_page(&state, page, TermForm::default(), FormErrors::default(), StatusCode::OK).await
}

pub async fn add(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<TermForm>) -> Result<Response, AppError> {
    let term = LocalTerm {
        code: form.code.clone(),
        parent: Some(form.parent.trim().to_string()).filter(|p| !p.is_empty()),
        label: Labels { fr: form.label_fr.clone(), en: form.label_en.clone(), es: form.label_es.clone() },
        description: form.description.clone(),
    };
    let mut p = Problems::default();
    let mut tx = state.store.write().await?;
    match need_terms::add(&mut tx, Some(identity.id()), &term).await {
        Ok(_) => {
            tx.commit().await?;
            state.directory_index.fresh_needs(&state.store, true).await?;
            return Ok(Redirect::to("/directory/needs?added=1").into_response());
        }
        Err(e) => crate::pages::admin::agencies::store_problems(e, &mut p)?,
    }
    drop(tx);
    let errors = FormErrors::from_problems(&page.tr, &p);
    needs_page(&state, page, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn set_offered(state: &AppState, identity: &Identity, code: &str, offer: bool) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    need_terms::set_offered(&mut tx, Some(identity.id()), code, offer).await?;
    tx.commit().await?;
    state.directory_index.fresh_needs(&state.store, true).await?;
    Ok(Redirect::to("/directory/needs").into_response())
}

/// Stops offering the term (and the terms under it); records keep it.
pub async fn retire(State(state): State<AppState>, identity: Identity, Path(id): Path<String>) -> Result<Response, AppError> {
    set_offered(&state, &identity, &id, false).await
}

/// Offers a retired term again.
pub async fn offer(State(state): State<AppState>, identity: Identity, Path(id): Path<String>) -> Result<Response, AppError> {
    set_offered(&state, &identity, &id, true).await
}
