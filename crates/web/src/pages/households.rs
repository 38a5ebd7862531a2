//! Household and family links of a person: the links page lists them, finds another registered
//! person to link, and unlinks. Only people the viewer may see appear, as links or as results,
//! and both people must be visible to link or unlink them.

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
use axum_extra::extract::Query;
use passerelle_core::household::CHOICES;
use passerelle_store::households::{self, Link};
use passerelle_store::people::{self, Person};
use passerelle_store::StoreError;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinksQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "person_links.html")]
struct LinksPage {
    page: Page,
    person: Person,
    links: Vec<Link>,
    q: String,
    found: Vec<Person>,
    errors: FormErrors,
}

impl LinksPage {
    fn relations(&self) -> &'static [&'static str] {
        CHOICES
    }
}

async fn page_for(state: &AppState, identity: &Identity, page: Page, id: Uuid, q: String, errors: FormErrors) -> Result<LinksPage, AppError> {
    let sight = sight(identity);
    let mut tx = state.store.read().await?;
    let person = people::get(&mut tx, &sight, id).await?.ok_or(AppError::NotFound)?;
    let links = households::of_person(&mut tx, &sight, id).await?;
    let found = if q.trim().is_empty() {
        vec![]
    } else {
        people::search(&mut tx, &sight, &q, 20)
            .await?
            .into_iter()
            .filter(|p| p.id != id && p.merged_into.is_none() && !links.iter().any(|l| l.other.id == p.id))
            .collect()
    };
    Ok(LinksPage { page, person, links, q, found, errors })
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Query(q): Query<LinksQuery>) -> Result<Response, AppError> {
    Ok(render(&page_for(&state, &identity, page, id, q.q, FormErrors::default()).await?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    /// The other person.
    other: String,
    /// What the other person is to this one (`household::CHOICES`).
    relation: String,
    /// The search that found them, to show the page again as it was.
    q: String,
    /// The link to remove.
    link: String,
}

pub async fn link(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(f): Form<LinkForm>) -> Result<Response, AppError> {
    let sight = sight(&identity);
    let other: Uuid = f.other.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.store.write().await?;
    people::get(&mut tx, &sight, id).await?.ok_or(AppError::NotFound)?;
    people::get(&mut tx, &sight, other).await?.ok_or(AppError::NotFound)?;
    // Stored as what the first person is to the second: here, `other` to this person.
    match households::link(&mut tx, identity.id(), other, id, &f.relation).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/people/{id}/links")).into_response())
        }
        Err(StoreError::Invalid(p)) => {
            drop(tx);
            let errors = FormErrors::from_problems(&page.tr, &p);
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page_for(&state, &identity, page, id, f.q, errors).await?))
        }
        Err(StoreError::Conflict(_)) => {
            drop(tx);
            let errors = FormErrors::one(&page.tr, "relation", "already-linked");
            Ok(render_status(StatusCode::CONFLICT, &page_for(&state, &identity, page, id, f.q, errors).await?))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn unlink(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<LinkForm>) -> Result<Response, AppError> {
    let sight = sight(&identity);
    let link: Uuid = f.link.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.store.write().await?;
    let (a, b) = households::ends(&mut tx, link).await?.ok_or(AppError::NotFound)?;
    // The link must be this person's, and both people visible: no unlinking what one cannot see.
    if a != id && b != id {
        return Err(AppError::NotFound);
    }
    people::get(&mut tx, &sight, a).await?.ok_or(AppError::NotFound)?;
    people::get(&mut tx, &sight, b).await?.ok_or(AppError::NotFound)?;
    households::unlink(&mut tx, identity.id(), link).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/people/{id}/links")).into_response())
}
