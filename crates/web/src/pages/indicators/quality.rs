//! The quality referential (principles -> domains -> objectives -> indicators) and the
//! assessments of member agencies: open one for an agency and a period, rate the qualitative
//! indicators (level, evidence, comment; checked, every problem shown at once), see the
//! quantitative ones computed from the agency's records, submit, then a validator validates
//! it or returns it with a comment. The list is each agency's history over periods.

use super::{catalogue, cell_text, Asked, Reckoning};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use passerelle_core::access::Permission as P;
use passerelle_core::indicators::{Indicator, Measure, Period, QualitativeAnswer, Referential};
use passerelle_store::agencies;
use passerelle_store::indicators::assessments::{self, Assessment};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "quality.html")]
struct ReferentialPage {
    page: Page,
    referential: &'static Referential,
    can_assess: bool,
}

impl ReferentialPage {
    fn kind(&self, i: &Indicator) -> String {
        self.page.tr.t(match i.measure {
            Measure::Quantitative(_) => "quality-kind-quantitative",
            Measure::Qualitative(_) => "quality-kind-qualitative",
        })
    }
    fn principle(&self, id: &str) -> String {
        self.referential.principles.iter().find(|p| p.id == id).map(|p| self.page.loc(&p.title).to_string()).unwrap_or_else(|| id.to_string())
    }
}

pub async fn referential(identity: Identity, page: Page) -> Result<Response, AppError> {
    let referential = &catalogue()?.referential;
    Ok(render(&ReferentialPage { page, referential, can_assess: identity.can(P::AssessQuality) }))
}

#[derive(Template)]
#[template(path = "quality_assessments.html")]
struct ListPage {
    page: Page,
    assessments: Vec<Assessment>,
    agencies: Vec<(Uuid, String)>,
    errors: FormErrors,
    agency: String,
    period: String,
}

async fn list_page(state: &AppState, identity: &Identity, page: Page, errors: FormErrors, agency: String, period: String) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::AssessQuality);
    let mut tx = state.store.read().await?;
    let assessments = assessments::list(&mut tx, &viewer, None).await?;
    let all = agencies::list_agencies(&mut tx).await?;
    let narrowed = identity.scope(P::AssessQuality) != Some(passerelle_core::access::Scope::All);
    let agencies = all
        .into_iter()
        .filter(|a| a.active && (!narrowed || Some(a.id) == identity.user.agency_id))
        .map(|a| (a.id, a.name))
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render_status(status, &ListPage { page, assessments, agencies, errors, agency, period }))
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let period = Period::containing(passerelle_core::indicators::PeriodKind::Year, passerelle_store::db::now().date_naive()).to_string();
    list_page(&state, &identity, page, FormErrors::default(), String::new(), period).await
}

fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
}

fn error(tr: &crate::i18n::Tr, field: &str, code: &str) -> (String, String) {
    (field.to_string(), tr.t(code))
}

pub async fn create(State(state): State<AppState>, identity: Identity, page: Page, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let agency = field(&pairs, "agency");
    let period_text = field(&pairs, "period");
    let mut errors = FormErrors::default();
    let agency_id = agency.parse::<Uuid>().ok();
    let mut tx = state.store.write().await?;
    let known = match agency_id {
        Some(id) => agencies::list_agencies(&mut tx).await?.into_iter().any(|a| a.id == id && a.active),
        None => false,
    };
    let narrowed = identity.scope(P::AssessQuality) != Some(passerelle_core::access::Scope::All);
    if !known || (narrowed && agency_id != identity.user.agency_id) {
        errors.items.push(error(&page.tr, "agency", "quality-error-agency"));
    }
    let period = match Period::parse(&period_text) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.items.push(error(&page.tr, "period", e.code()));
            None
        }
    };
    let (Some(agency_id), Some(period), true) = (agency_id, period, errors.is_empty()) else {
        drop(tx);
        return list_page(&state, &identity, page, errors, agency, period_text).await;
    };
    let r = &catalogue()?.referential;
    let id = assessments::create(&mut tx, &identity.viewer(P::AssessQuality), agency_id, (r.id.as_str(), r.version), period).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quality/assessments/{id}")).into_response())
}

/// One indicator on the assessment page.
pub struct Item {
    pub id: String,
    pub title: String,
    pub objective: String,
    pub guidance: String,
    /// Quantitative: the figure for the agency and period (computed now for a draft, as kept
    /// at submission otherwise).
    pub figure: Option<String>,
    /// Qualitative: the scale's labels, numbered from 1.
    pub scale: Vec<(u32, String)>,
    pub level: Option<u32>,
    pub evidence: String,
    pub comment: String,
}

impl Item {
    fn is_level(&self, n: &u32) -> bool {
        self.level == Some(*n)
    }
}

#[derive(Template)]
#[template(path = "quality_assessment.html")]
struct AssessmentPage {
    page: Page,
    a: Assessment,
    items: Vec<Item>,
    errors: FormErrors,
    can_edit: bool,
    can_decide: bool,
    status: String,
    /// When the draft's live figures were computed (empty once submitted).
    figures_note: String,
}

impl AssessmentPage {
    /// The message for `kind` (`level`, `evidence`, `comment`) of indicator `id`.
    fn error_for(&self, kind: &str, id: &str) -> String {
        self.errors.get(&format!("{kind}-{id}")).unwrap_or_default().to_string()
    }
}

/// The agency's quantitative figures for the assessment's period (id, value, text), and what
/// the page says of their age.
async fn figures(mut reckoning: Reckoning<'_>, page: &Page, a: &Assessment) -> Result<(Vec<(String, Option<f64>, String)>, String), AppError> {
    let range = passerelle_core::indicators::DateRange { start: a.period_start, end: a.period_end };
    let quantitative: Vec<(&Indicator, _)> = catalogue()?
        .referential
        .indicators()
        .into_iter()
        .filter_map(|(_, _, _, i)| match &i.measure {
            Measure::Quantitative(q) => Some((i, q)),
            Measure::Qualitative(_) => None,
        })
        .collect();
    let asked: Vec<Asked> = quantitative.iter().map(|(i, _)| Asked { indicator: i, dims: &[], range, agency: Some(&a.agency_name) }).collect();
    // Every figure of the assessment from one reading of the records.
    let figures = reckoning.published(&asked).await?;
    let mut out = Vec::new();
    for ((i, q), results) in quantitative.iter().zip(figures) {
        let (value, text) = match results.first() {
            Some(r) => (r.value, cell_text(&page.tr, q.unit, r)),
            None => (None, "—".to_string()),
        };
        out.push((i.id.clone(), value, text));
    }
    Ok((out, reckoning.note(&page.tr)))
}

async fn assessment_page(state: &AppState, identity: &Identity, page: Page, id: Uuid, errors: FormErrors, typed: Option<(String, QualitativeAnswer)>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let a = assessments::get(&mut tx, &identity.viewer(P::AssessQuality), id).await?.ok_or(AppError::NotFound)?;
    let (live, figures_note) = if a.status == "draft" { figures(Reckoning::new(state), &page, &a).await? } else { Default::default() };
    let mut items = Vec::new();
    for (_, _, so, i) in catalogue()?.referential.indicators() {
        let answer = a.answers.get(&i.id).cloned().unwrap_or_default();
        let mut item = Item {
            id: i.id.clone(),
            title: page.loc(&i.title).to_string(),
            objective: page.loc(&so.title).to_string(),
            guidance: String::new(),
            figure: None,
            scale: Vec::new(),
            level: answer.level,
            evidence: answer.evidence.clone(),
            comment: answer.comment.clone(),
        };
        match &i.measure {
            Measure::Quantitative(q) => {
                item.figure = Some(match live.iter().find(|(x, _, _)| *x == i.id) {
                    Some((_, _, text)) => text.clone(),
                    None => answer.figure.map(|v| super::figure_text(&page.tr, q.unit, v)).unwrap_or_else(|| page.tr.t("indicator-suppressed")),
                });
            }
            Measure::Qualitative(q) => {
                item.scale = q.scale.iter().enumerate().map(|(n, l)| (n as u32 + 1, page.loc(l).to_string())).collect();
                item.guidance = q.guidance.as_ref().map(|g| page.loc(g).to_string()).unwrap_or_default();
                if let Some((ind, ans)) = &typed {
                    if *ind == i.id {
                        item.level = Some(ans.level).filter(|l| *l > 0);
                        item.evidence = ans.evidence.join("\n");
                        item.comment = ans.comment.clone();
                    }
                }
            }
        }
        items.push(item);
    }
    let can_edit = a.status == "draft" && identity.can(P::AssessQuality);
    let can_decide = a.status == "submitted"
        && identity.can(P::ValidateAssessment)
        && (identity.scope(P::ValidateAssessment) == Some(passerelle_core::access::Scope::All) || identity.user.agency_id == Some(a.agency_id));
    let status = page.tr.t(&format!("quality-status-{}", a.status));
    let code = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render_status(code, &AssessmentPage { page, a, items, errors, can_edit, can_decide, status, figures_note }))
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    assessment_page(&state, &identity, page, id, FormErrors::default(), None).await
}

fn version(pairs: &[(String, String)]) -> Result<i64, AppError> {
    field(pairs, "version").parse().map_err(|_| AppError::BadRequest { key: "error-bad-request", detail: "version".into() })
}

pub async fn answer(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let indicator = field(&pairs, "indicator");
    let Some(rules) = catalogue()?.referential.indicator(&indicator).and_then(|i| match &i.measure {
        Measure::Qualitative(q) => Some(q),
        Measure::Quantitative(_) => None,
    }) else {
        return Err(AppError::BadRequest { key: "quality-error-indicator", detail: indicator });
    };
    let level_text = field(&pairs, "level");
    let answer = QualitativeAnswer {
        level: level_text.parse().unwrap_or(0),
        evidence: field(&pairs, "evidence").lines().map(str::to_string).collect(),
        comment: field(&pairs, "comment"),
    };
    let mut tx = state.store.write().await?;
    let a = assessments::get(&mut tx, &identity.viewer(P::AssessQuality), id).await?.ok_or(AppError::NotFound)?;
    if a.status != "draft" {
        return Err(AppError::Stale("quality_assessment"));
    }
    let mut a = a;
    a.version = version(&pairs)?;
    match assessments::answer(&mut tx, identity.id(), &a, &indicator, rules, &answer).await? {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/quality/assessments/{id}#{indicator}")).into_response())
        }
        Err(problems) => {
            drop(tx);
            let mut errors = FormErrors::default();
            for p in problems {
                let f = match p {
                    passerelle_core::indicators::AnswerError::LevelOffScale { .. } => "level",
                    passerelle_core::indicators::AnswerError::EvidenceMissing => "evidence",
                    passerelle_core::indicators::AnswerError::CommentMissing => "comment",
                };
                errors.items.push((format!("{f}-{indicator}"), page.tr.t(p.code())));
            }
            assessment_page(&state, &identity, page, id, errors, Some((indicator, answer))).await
        }
    }
}

pub async fn submit(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::AssessQuality);
    let asked = assessments::get(&mut state.store.read().await?, &viewer, id).await?.ok_or(AppError::NotFound)?;
    // Recorded with the assessment: never a figure past its age. Computed before the write
    // begins, so that no one else's write waits behind a computation over every record.
    let figures: Vec<(String, Option<f64>)> = figures(Reckoning::fresh(&state), &page, &asked).await?.0.into_iter().map(|(i, v, _)| (i, v)).collect();
    let mut tx = state.store.write().await?;
    let mut a = assessments::get(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
    if (a.period_start, a.period_end, &a.agency_name) != (asked.period_start, asked.period_end, &asked.agency_name) {
        // Changed while its figures were computed: they may be another period's.
        return Err(AppError::Stale("assessment"));
    }
    a.version = version(&pairs)?;
    let qualitative: Vec<&str> = catalogue()?
        .referential
        .indicators()
        .into_iter()
        .filter(|x| matches!(x.3.measure, Measure::Qualitative(_)))
        .map(|x| x.3.id.as_str())
        .collect();
    match assessments::submit(&mut tx, identity.id(), &a, &qualitative, &figures).await? {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/quality/assessments/{id}")).into_response())
        }
        Err(missing) => {
            drop(tx);
            let mut errors = FormErrors::default();
            for m in missing {
                errors.items.push((format!("level-{m}"), page.tr.t("quality-error-unanswered")));
            }
            assessment_page(&state, &identity, page, id, errors, None).await
        }
    }
}

pub async fn decide(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let validate = match field(&pairs, "decision").as_str() {
        "validate" => true,
        "return" => false,
        other => return Err(AppError::BadRequest { key: "quality-error-decision", detail: other.to_string() }),
    };
    let mut tx = state.store.write().await?;
    let mut a = assessments::get(&mut tx, &identity.viewer(P::ValidateAssessment), id).await?.ok_or(AppError::NotFound)?;
    a.version = version(&pairs)?;
    match assessments::decide(&mut tx, identity.id(), &a, validate, &field(&pairs, "comment")).await? {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/quality/assessments/{id}")).into_response())
        }
        Err(refusal) => {
            drop(tx);
            let errors = FormErrors { items: vec![("decision-comment".into(), page.tr.t(refusal.code()))] };
            assessment_page(&state, &identity, page, id, errors, None).await
        }
    }
}
