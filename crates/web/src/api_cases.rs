//! The JSON API for people and cases, with the same permissions and the same visibility rules
//! as the pages: what a person may not see on a page, they may not read here either.

use crate::api::ApiJson;
use crate::ctx::Identity;
use crate::error::AppError;
use crate::pages::cases::sight;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Query;
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::sop;
use passerelle_store::cases::{self, Case};
use passerelle_store::people::{self, Person, PersonInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    pub id: Uuid,
    pub given_names: String,
    pub family_names: String,
    pub other_names: Vec<String>,
    pub sex: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_year_estimated: Option<i64>,
    pub nationality: Option<String>,
    pub migration_status: String,
    pub languages: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub external_id: Option<String>,
    pub restricted: bool,
    pub merged_into: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<Person> for PersonOut {
    fn from(p: Person) -> Self {
        PersonOut {
            id: p.id,
            other_names: p.other_names.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect(),
            given_names: p.given_names,
            family_names: p.family_names,
            sex: p.sex,
            birth_date: p.birth_date,
            birth_year_estimated: p.birth_year_estimated,
            nationality: p.nationality,
            migration_status: p.migration_status,
            languages: p.languages,
            phone: p.phone,
            address: p.address,
            external_id: p.external_id,
            restricted: p.restricted,
            merged_into: p.merged_into,
            created_at: p.created_at,
        }
    }
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// A name (typos, accents and order do not matter), a phone or an identity number.
    q: String,
    /// Only people living in this administrative area (id) or an area under it.
    area: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/people", tag = "cases", params(PeopleQuery),
    responses((status = 200, body = Vec<PersonOut>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list_people(State(state): State<AppState>, identity: Identity, Query(q): Query<PeopleQuery>) -> Result<axum::Json<Vec<PersonOut>>, AppError> {
    let mut tx = state.store.read().await?;
    let found = people::search_in_area(&mut tx, &sight(&identity), &q.q, q.area, 100).await?;
    Ok(axum::Json(found.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, body = PersonOut), (status = 404, body = crate::error::Problem)))]
pub async fn get_person(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<axum::Json<PersonOut>, AppError> {
    let mut tx = state.store.write().await?;
    let p = people::get(&mut tx, &sight(&identity), id).await?.ok_or(AppError::NotFound)?;
    passerelle_store::audit::append(&mut tx, passerelle_store::audit::Event::new(Some(identity.id()), "person.view", "person").entity(id)).await?;
    tx.commit().await?;
    Ok(axum::Json(p.into()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct PersonIn {
    given_names: String,
    family_names: String,
    other_names: Vec<String>,
    sex: String,
    /// YYYY-MM-DD
    birth_date: String,
    age_estimate: Option<u32>,
    nationality: String,
    migration_status: String,
    languages: String,
    phone: String,
    address: String,
    external_id: String,
    restricted: bool,
    /// Register even though possible duplicates were found (after looking at them).
    confirm_new: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DuplicateOut {
    pub person: PersonOut,
    pub score: f64,
    /// `likely` or `possible`.
    pub band: String,
}

#[derive(Serialize, ToSchema)]
pub struct PossibleDuplicates {
    /// Nothing was registered: these may be the same person. Send again with `confirm_new`.
    pub candidates: Vec<DuplicateOut>,
}

#[utoipa::path(post, path = "/api/v1/people", tag = "cases", request_body = PersonIn,
    responses((status = 201, body = PersonOut), (status = 300, body = PossibleDuplicates, description = "possible duplicates; nothing registered"),
              (status = 422, body = crate::error::Problem)))]
pub async fn create_person(State(state): State<AppState>, identity: Identity, ApiJson(body): ApiJson<PersonIn>) -> Result<Response, AppError> {
    let input = PersonInput {
        given_names: body.given_names,
        family_names: body.family_names,
        other_names: body.other_names.join("\n"),
        sex: body.sex,
        birth_date: body.birth_date,
        age_estimate: body.age_estimate.map(|a| a.to_string()).unwrap_or_default(),
        nationality: body.nationality,
        migration_status: body.migration_status,
        languages: body.languages,
        phone: body.phone,
        area_id: None,
        community: String::new(),
        address: body.address,
        external_id: body.external_id,
        restricted: body.restricted,
    };
    let person = people::check(&input, Utc::now().date_naive()).map_err(AppError::Invalid)?;
    let sight = sight(&identity);
    let mut tx = state.store.write().await?;
    if !body.confirm_new {
        let found = people::possible_duplicates(&mut tx, &sight, &person).await?;
        if !found.is_empty() {
            let candidates = found
                .into_iter()
                .map(|c| DuplicateOut {
                    score: c.score.score,
                    band: if c.score.band == passerelle_core::matching::MatchBand::Likely { "likely" } else { "possible" }.into(),
                    person: c.person.into(),
                })
                .collect();
            return Ok((StatusCode::MULTIPLE_CHOICES, axum::Json(PossibleDuplicates { candidates })).into_response());
        }
    }
    let p = people::register(&mut tx, &sight.viewer, person).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(PersonOut::from(p))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct StepOut {
    pub id: String,
    /// `done`, `done_late`, `waiting`, `open` or `overdue`.
    pub status: String,
    pub due: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: Uuid,
    pub reference: String,
    pub person_id: Uuid,
    pub sop_id: String,
    pub sop_version: u32,
    pub risk: String,
    pub status: String,
    pub restricted: bool,
    pub assigned_to: Uuid,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Send it back with a change: a change made meanwhile by someone else is refused (409).
    pub version: i64,
    /// Only in a single case's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<StepOut>>,
}

impl From<Case> for CaseOut {
    fn from(c: Case) -> Self {
        CaseOut {
            id: c.id,
            reference: c.reference,
            person_id: c.person_id,
            sop_id: c.sop_id,
            sop_version: c.sop_version,
            risk: c.risk.code().to_string(),
            status: c.status,
            restricted: c.restricted,
            assigned_to: c.assigned_to,
            opened_at: c.opened_at,
            closed_at: c.closed_at,
            version: c.version,
            steps: None,
        }
    }
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// `open` or `closed`; all when left out.
    status: Option<String>,
    risk: Option<String>,
    sop: Option<String>,
    person: Option<Uuid>,
    /// Only the caller's own cases.
    mine: bool,
    /// Only cases of people in this administrative area (id) or an area under it.
    area: Option<Uuid>,
    /// A case reference (whole or its start, any letter case) or a person's external id (whole).
    reference: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CasesQuery),
    responses((status = 200, body = Vec<CaseOut>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list_cases(State(state): State<AppState>, identity: Identity, Query(q): Query<CasesQuery>) -> Result<axum::Json<Vec<CaseOut>>, AppError> {
    let mut tx = state.store.read().await?;
    let filter = cases::Filter { status: q.status, risk: q.risk, sop_id: q.sop, mine: q.mine, person_id: q.person, limit: 1000, area_id: q.area, reference: q.reference, after: None };
    let list = cases::list(&mut tx, &sight(&identity), &filter).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseOut), (status = 404, body = crate::error::Problem)))]
pub async fn get_case(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<axum::Json<CaseOut>, AppError> {
    let mut tx = state.store.write().await?;
    let case = cases::get(&mut tx, &sight(&identity), id).await?.ok_or(AppError::NotFound)?;
    let published = passerelle_store::sops::get(&mut tx, &case.sop_id, case.sop_version).await?.ok_or(AppError::NotFound)?;
    let progress = cases::progress(&mut tx, case.id).await?;
    tx.commit().await?;
    let tz = case.time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
    let now = Utc::now();
    let steps = sop::deadlines(&published.sop, case.opened_at, case.risk, &progress.completed, tz)
        .into_iter()
        .map(|d| StepOut {
            status: serde_json::to_value(d.status(now)).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            id: d.step,
            due: d.due,
            completed_at: d.completed_at,
        })
        .collect();
    let mut out = CaseOut::from(case);
    out.steps = Some(steps);
    Ok(axum::Json(out))
}
