//! Screening results: a trafficking screening form, once stored, is scored on the Delphi
//! indicators in the same transaction; its page shows which indicators and dimensions fired
//! and what to do next. A presumed victim is referred to the national referral mechanism by
//! opening a restricted case under the trafficking SOP for the person.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::cases::sight;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::Query;
use passerelle_core::access::Permission;
use passerelle_core::sop::RiskLevel;
use passerelle_core::trafficking::screening::{Outcome, Stage, Tier};
use passerelle_store::responses::Author;
use passerelle_store::trafficking::{self as store, StoredScreening};
use passerelle_store::{cases, people, sops, Tx};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

/// The SOP a presumed victim's case is opened under.
pub const TRAFFICKING_SOP: &str = "trafficking";

/// Scores a stored response when it is a trafficking screening, and stores the result with it.
/// Returns the screening's id, or `None` for other forms and for interviews the person
/// declined (nothing was asked). Answers that cannot be scored mean the published form and
/// the definition disagree: the whole submission is refused rather than stored unscored.
pub async fn score_response(
    tx: &mut Tx,
    author: &Author,
    response_id: Uuid,
    case_id: Option<Uuid>,
    form_id: &str,
    answers: &Value,
) -> Result<Option<Uuid>, AppError> {
    if form_id != store::SCREENING_FORM {
        return Ok(None);
    }
    let Some(screening) = store::screening_from_answers(answers) else { return Ok(None) };
    let result = super::definition()?.score(&screening).map_err(|e| AppError::BadRequest {
        key: "trafficking-screening-unscorable",
        detail: e.problems.iter().map(|p| p.code()).collect::<Vec<_>>().join(", "),
    })?;
    let id = store::record_screening(tx, author, response_id, case_id, store::channel_of(answers), &screening, &result).await?;
    Ok(Some(id))
}

/// An indicator that fired, in the reader's language.
pub struct FiredView {
    pub label: String,
    pub stage: &'static str,
    pub tier: &'static str,
    pub dimension: &'static str,
}

pub struct DimensionView {
    pub code: &'static str,
    pub strong: u32,
    pub medium: u32,
    pub weak: u32,
    pub positive: bool,
}

#[derive(Template)]
#[template(path = "trafficking_screening.html")]
struct ResultPage {
    page: Page,
    s: StoredScreening,
    outcome: &'static str,
    recommendation: &'static str,
    fired: Vec<FiredView>,
    dimensions: Vec<DimensionView>,
    /// People the viewer may open a case for (most recent first), when they may open cases.
    people: Vec<(Uuid, String)>,
    can_open: bool,
    saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

fn stage_code(s: Stage) -> &'static str {
    s.code()
}

fn tier_code(t: Tier) -> &'static str {
    t.code()
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Query(q): Query<SavedQuery>) -> Result<Response, AppError> {
    let viewer = identity.viewer(Permission::FillForms);
    let mut tx = state.store.write().await?;
    let s = store::screening(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
    let can_open = identity.can(Permission::ManageCases) && s.case_id.is_none() && s.result.outcome == Outcome::PresumedVictim;
    let people = if can_open {
        people::search(&mut tx, &sight(&identity), "", 100).await?.into_iter().map(|p| (p.id, p.full_name())).collect()
    } else {
        Vec::new()
    };
    tx.commit().await?;
    let def = super::definition()?;
    let fired = s
        .result
        .fired
        .iter()
        .map(|f| FiredView {
            label: def.indicator(&f.indicator).map(|i| i.label.get(page.tr.lang).to_string()).unwrap_or_else(|| f.indicator.clone()),
            stage: stage_code(f.stage),
            tier: tier_code(f.tier),
            dimension: f.dimension.code(),
        })
        .collect();
    let dimensions = s
        .result
        .dimensions
        .iter()
        .map(|d| DimensionView { code: d.dimension.code(), strong: d.strong, medium: d.medium, weak: d.weak, positive: d.positive })
        .collect();
    Ok(render(&ResultPage {
        outcome: s.result.outcome.code(),
        recommendation: s.result.recommendation.code(),
        fired,
        dimensions,
        people,
        can_open,
        saved: q.saved.is_some(),
        s,
        page,
    }))
}

#[derive(Template)]
#[template(path = "trafficking_screenings.html")]
struct ListPage {
    page: Page,
    screenings: Vec<StoredScreening>,
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let viewer = identity.viewer(Permission::FillForms);
    let mut tx = state.store.read().await?;
    let screenings = store::screenings(&mut tx, &viewer, 200).await?;
    Ok(render(&ListPage { page, screenings }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpenCaseForm {
    person: String,
}

/// Refers a presumed victim: opens a restricted case under the trafficking SOP for the person
/// chosen, at high risk, and links the screening to it, in one transaction.
pub async fn open_case(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(f): Form<OpenCaseForm>) -> Result<Response, AppError> {
    let viewer = identity.viewer(Permission::FillForms);
    let sight = sight(&identity);
    let mut tx = state.store.write().await?;
    let s = store::screening(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
    if s.case_id.is_some() {
        return Err(AppError::Conflict("screening-case"));
    }
    if s.result.outcome != Outcome::PresumedVictim {
        return Err(AppError::BadRequest { key: "trafficking-not-presumed", detail: s.result.outcome.code().to_string() });
    }
    let person_id: Option<Uuid> = f.person.trim().parse().ok();
    let person = match person_id {
        Some(p) => people::get(&mut tx, &sight, p).await?,
        None => None,
    };
    let Some(person) = person else {
        let mut p = passerelle_core::validate::Problems::default();
        p.add("trafficking_person", if f.person.trim().is_empty() { "required" } else { "unknown-choice" });
        return Err(AppError::Invalid(p));
    };
    let sop = sops::latest(&mut tx, TRAFFICKING_SOP).await?.ok_or(AppError::NotFound)?;
    let case = cases::open(&mut tx, &sight, person.id, &sop.sop, RiskLevel::High, true).await?;
    store::link_case(&mut tx, identity.id(), s.id, case.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response())
}
