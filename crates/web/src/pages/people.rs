//! People: search, registration with a duplicate check first, and each person's page with
//! their cases and the form to open a new one.

use super::{render, render_status};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::cases::sight;
use crate::state::AppState;
use crate::views::{Reading, Record};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::Query;
use chrono::Utc;
use passerelle_core::access::Permission;
use passerelle_core::matching::Reason;
use passerelle_store::agencies::{self, Area};
use passerelle_store::cases::{self, Case};
use passerelle_store::people::{self, Candidate, Person, PersonInput, MIGRATION_STATUSES, SEXES};
use passerelle_store::sops::{self, Published};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    /// An administrative area id: people living in it or under it.
    area: String,
}

#[derive(Template)]
#[template(path = "people.html")]
struct SearchPage {
    page: Page,
    q: String,
    people: Vec<Person>,
    can_register: bool,
    area: String,
    areas: Vec<Area>,
}

pub async fn search(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<SearchQuery>) -> Result<Response, AppError> {
    let sight = sight(&identity);
    let mut tx = state.store.read().await?;
    let found = people::search_in_area(&mut tx, &sight, &q.q, q.area.parse().ok(), 50).await?;
    let areas = agencies::list_areas(&mut tx).await?;
    Ok(render(&SearchPage { page, q: q.q, people: found, can_register: identity.can(Permission::ManageCases), area: q.area, areas }))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PersonForm {
    given_names: String,
    family_names: String,
    other_names: String,
    sex: String,
    birth_date: String,
    age_estimate: String,
    nationality: String,
    migration_status: String,
    languages: String,
    phone: String,
    area_id: String,
    community: String,
    address: String,
    external_id: String,
    restricted: Option<String>,
    /// Set when the person registering has looked at the possible duplicates and none is them.
    confirm_new: Option<String>,
}

impl PersonForm {
    fn input(&self) -> PersonInput {
        PersonInput {
            given_names: self.given_names.clone(),
            family_names: self.family_names.clone(),
            other_names: self.other_names.clone(),
            sex: self.sex.clone(),
            birth_date: self.birth_date.clone(),
            age_estimate: self.age_estimate.clone(),
            nationality: self.nationality.clone(),
            migration_status: self.migration_status.clone(),
            languages: self.languages.clone(),
            phone: self.phone.clone(),
            area_id: self.area_id.parse().ok(),
            community: self.community.clone(),
            address: self.address.clone(),
            external_id: self.external_id.clone(),
            restricted: self.restricted.is_some(),
        }
    }
}

/// A possible duplicate as shown to the person registering.
pub struct CandidateView {
    pub id: Uuid,
    pub name: String,
    pub birth: String,
    pub score: String,
    pub likely: bool,
    pub reasons: Vec<String>,
}

fn reason_text(page: &Page, r: &Reason) -> String {
    // The reason is translated; the names it compares are shown as written.
    let label = page.tr.code("matching-reason", r.code());
    match r {
        Reason::NameAgrees { left, right, .. } | Reason::NameDiffers { left, right, .. } => format!("{label}: {left} / {right}"),
        Reason::NameMissing { token } => format!("{label}: {token}"),
        _ => label,
    }
}

fn candidate_view(page: &Page, c: &Candidate) -> CandidateView {
    CandidateView {
        id: c.person.id,
        name: c.person.full_name(),
        birth: birth_text(page, &c.person),
        score: format!("{:.0} %", c.score.score * 100.0),
        likely: c.score.band == passerelle_core::matching::MatchBand::Likely,
        reasons: c.score.reasons.iter().map(|r| reason_text(page, r)).collect(),
    }
}

pub fn birth_text(page: &Page, p: &Person) -> String {
    match (p.birth_date, p.birth_year_estimated) {
        (Some(d), _) => page.tr.date(d),
        (None, Some(y)) => page.tr.t1("person-born-about", "year", y),
        _ => page.tr.t("person-birth-unknown"),
    }
}

#[derive(Template)]
#[template(path = "person_new.html")]
struct NewPage {
    page: Page,
    form: PersonForm,
    errors: FormErrors,
    areas: Vec<Area>,
    candidates: Vec<CandidateView>,
}

impl NewPage {
    fn sexes(&self) -> &'static [&'static str] {
        SEXES
    }
    fn statuses(&self) -> &'static [&'static str] {
        MIGRATION_STATUSES
    }
}

pub async fn new_form(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let areas = agencies::list_areas(&mut tx).await?;
    Ok(render(&NewPage { page, form: PersonForm::default(), errors: FormErrors::default(), areas, candidates: vec![] }))
}

pub async fn register(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<PersonForm>) -> Result<Response, AppError> {
    let sight = sight(&identity);
    let checked = people::check(&form.input(), Utc::now().date_naive());
    let mut tx = state.store.write().await?;
    let areas = agencies::list_areas(&mut tx).await?;
    let person = match checked {
        Ok(p) => p,
        Err(problems) => {
            let errors = FormErrors::from_problems(&page.tr, &problems);
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &NewPage { page, form, errors, areas, candidates: vec![] }));
        }
    };
    if form.confirm_new.is_none() {
        let found = people::possible_duplicates(&mut tx, &sight, &person).await?;
        if !found.is_empty() {
            let candidates = found.iter().map(|c| candidate_view(&page, c)).collect();
            return Ok(render(&NewPage { page, form, errors: FormErrors::default(), areas, candidates }));
        }
    }
    let person = people::register(&mut tx, &sight.viewer, person).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/people/{}", person.id)).into_response())
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    page: Page,
    merges: Vec<people::Merge>,
    person: Person,
    birth: String,
    area: String,
    cases: Vec<Case>,
    sops: Vec<Published>,
    can_open: bool,
    /// The latest Washington Group questions asked, and the household links the viewer may see.
    functioning: Option<passerelle_store::functioning::Asking>,
    links: Vec<passerelle_store::households::Link>,
}

impl PersonPage {
    fn sop_title(&self, id: &str) -> String {
        self.sops.iter().find(|p| p.sop.id == id).map(|p| p.sop.title.get(self.page.tr.lang).to_string()).unwrap_or_else(|| id.to_string())
    }
    fn risks(&self) -> [&'static str; 4] {
        ["low", "medium", "high", "critical"]
    }
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let sight = sight(&identity);
    let mut reading = Reading::begin(&state, identity.id(), Record::Person, id).await?;
    let person = people::get(&mut reading.tx, &sight, id).await?.ok_or(AppError::NotFound)?;
    reading.record().await?;
    let tx = &mut reading.tx;
    let list = cases::list(tx, &sight, &cases::Filter { person_id: Some(id), limit: 100, ..Default::default() }).await?;
    let sops = sops::list_latest(tx).await?;
    let merges = people::merges_of(tx, id).await?;
    let area = match person.area_id {
        Some(a) => agencies::get_area(tx, a).await?.map(|a| a.name).unwrap_or_default(),
        None => String::new(),
    };
    let functioning = passerelle_store::functioning::history(tx, id).await?.into_iter().next();
    let links = passerelle_store::households::of_person(tx, &sight, id).await?;
    reading.commit(&state).await?;
    let birth = birth_text(&page, &person);
    Ok(render(&PersonPage { page, merges, person, birth, area, cases: list, sops, can_open: identity.can(Permission::ManageCases), functioning, links }))
}

#[derive(Template)]
#[template(path = "person_duplicates.html")]
struct DuplicatesPage {
    page: Page,
    person: Person,
    candidates: Vec<CandidateView>,
}

/// The on-demand duplicate check for one person.
pub async fn duplicates(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let sight = sight(&identity);
    let mut tx = state.store.read().await?;
    let person = people::get(&mut tx, &sight, id).await?.ok_or(AppError::NotFound)?;
    let found = people::possible_duplicates(&mut tx, &sight, &person).await?;
    let candidates = found.iter().map(|c| candidate_view(&page, c)).collect();
    Ok(render(&DuplicatesPage { page, person, candidates }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PairForm {
    other: String,
}

async fn pair(state: &AppState, identity: &Identity, id: Uuid, other: &str) -> Result<(passerelle_store::Tx, Person, Person), AppError> {
    let other: Uuid = other.parse().map_err(|_| AppError::NotFound)?;
    let sight = sight(identity);
    let mut tx = state.store.write().await?;
    let kept = people::get(&mut tx, &sight, id).await?.ok_or(AppError::NotFound)?;
    let dup = people::get(&mut tx, &sight, other).await?.ok_or(AppError::NotFound)?;
    Ok((tx, kept, dup))
}

/// Merges `other` into this person: a caseworker confirmed they are the same.
pub async fn merge(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<PairForm>) -> Result<Response, AppError> {
    let (mut tx, kept, dup) = pair(&state, &identity, id, &f.other).await?;
    people::merge(&mut tx, identity.id(), &kept, &dup).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}

/// Records that `other` is someone else, so the pair is not proposed again.
pub async fn distinct(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<PairForm>) -> Result<Response, AppError> {
    let (mut tx, a, b) = pair(&state, &identity, id, &f.other).await?;
    people::mark_distinct(&mut tx, identity.id(), a.id, b.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/people/{id}/duplicates")).into_response())
}

pub async fn undo_merge(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let sight = sight(&identity);
    let mut tx = state.store.write().await?;
    let merges = people::merges_by_id(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    // Undoing needs sight of both records, as merging did.
    people::get(&mut tx, &sight, merges.kept_id).await?.ok_or(AppError::NotFound)?;
    people::get(&mut tx, &sight, merges.merged_id).await?.ok_or(AppError::NotFound)?;
    if !people::undo_merge(&mut tx, identity.id(), id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/people/{}", merges.kept_id)).into_response())
}
