//! Quality assessments of a member agency for a period, against one version of the
//! referential: the assessor rates the qualitative indicators (level, evidence, comment), the
//! quantitative ones are computed from the data and kept when the assessment is submitted, and
//! a validator validates it or returns it with a comment. Every change goes through the
//! assessment's `version` ([`StoreError::Stale`] on a concurrent change) and is audited with
//! indicator ids, never the answers.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::users::Viewer;
use passerelle_core::access::Scope;
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::indicators::{AnswerError, Period, Qualitative, QualitativeAnswer};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

pub const STATUSES: &[&str] = &["draft", "submitted", "validated"];

#[derive(Debug, Clone)]
pub struct Assessment {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub agency_name: String,
    pub referential_id: String,
    pub referential_version: u32,
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    /// The validator's comment when the assessment was last returned or validated.
    pub decision_comment: Option<String>,
    pub version: i64,
    pub answers: BTreeMap<String, Answer>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    pub level: Option<u32>,
    pub figure: Option<f64>,
    pub evidence: String,
    pub comment: String,
}

/// The agency an assessment list or read is limited to: everything for an all-scope viewer,
/// the viewer's own agency otherwise (nil, matching nothing, without one).
fn agency_bind(viewer: &Viewer) -> Option<Uuid> {
    match viewer.scope {
        Scope::All => None,
        _ => Some(viewer.agency_id.unwrap_or(Uuid::nil())),
    }
}

type Row = (Uuid, Uuid, String, String, i64, String, NaiveDate, NaiveDate, String, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<String>, Option<String>, i64, Option<Uuid>);

const SELECT: &str = "SELECT q.id, q.agency_id, g.name, q.referential_id, q.referential_version, q.period, q.period_start,
        q.period_end, q.status, q.created_at, q.submitted_at, q.decided_at, d.display_name, q.decision_comment, q.version, q.submitted_by
     FROM quality_assessments q JOIN agencies g ON g.id = q.agency_id LEFT JOIN users d ON d.id = q.decided_by";

fn from_row(r: Row) -> Assessment {
    Assessment {
        id: r.0,
        agency_id: r.1,
        agency_name: r.2,
        referential_id: r.3,
        referential_version: u32::try_from(r.4).unwrap_or_default(),
        period: r.5,
        period_start: r.6,
        period_end: r.7,
        status: r.8,
        created_at: r.9,
        submitted_at: r.10,
        submitted_by: r.15,
        decided_at: r.11,
        decided_by: r.12,
        decision_comment: r.13,
        version: r.14,
        answers: BTreeMap::new(),
    }
}

/// Opens a draft assessment of `agency_id` for `period`.
pub async fn create(tx: &mut Tx, viewer: &Viewer, agency_id: Uuid, referential: (&str, u32), period: Period) -> StoreResult<Uuid> {
    if agency_bind(viewer).is_some_and(|a| a != agency_id) {
        return Err(StoreError::NotFound);
    }
    let range = period.range().map_err(|e| StoreError::Config(e.to_string()))?;
    let id = Uuid::now_v7();
    let at = now();
    exec!(tx, c => sqlx::query(
        "INSERT INTO quality_assessments (id, agency_id, referential_id, referential_version, period, period_start, period_end,
             status, created_by, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $9, 1)")
        .bind(id).bind(agency_id).bind(referential.0).bind(i64::from(referential.1)).bind(period.to_string())
        .bind(range.start).bind(range.end).bind(viewer.id).bind(at))?;
    audit::append(tx, Event::new(Some(viewer.id), "quality.assessment.create", "quality_assessment").entity(id)
        .detail(json!({"agency": agency_id, "period": period.to_string(), "referential": referential.0, "version": referential.1}))).await?;
    Ok(id)
}

/// The assessments the viewer may see, newest period first; `agency` narrows to one member
/// (its history over periods).
pub async fn list(tx: &mut Tx, viewer: &Viewer, agency: Option<Uuid>) -> StoreResult<Vec<Assessment>> {
    let sql = format!("{SELECT} WHERE ($1 IS NULL OR q.agency_id = $1) AND ($2 IS NULL OR q.agency_id = $2)
         ORDER BY q.period_start DESC, g.name, q.created_at DESC");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(agency_bind(viewer)).bind(agency).fetch_all(c).await)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// One assessment with its answers, if the viewer may see it.
pub async fn get(tx: &mut Tx, viewer: &Viewer, id: Uuid) -> StoreResult<Option<Assessment>> {
    let sql = format!("{SELECT} WHERE ($1 IS NULL OR q.agency_id = $1) AND q.id = $2");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(agency_bind(viewer)).bind(id).fetch_optional(c).await)?;
    let Some(row) = row else { return Ok(None) };
    let mut a = from_row(row);
    let answers: Vec<(String, Option<i64>, Option<f64>, String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT indicator_id, level, figure, evidence, comment FROM quality_answers WHERE assessment_id = $1")
        .bind(id).fetch_all(c).await)?;
    a.answers = answers
        .into_iter()
        .map(|(ind, level, figure, evidence, comment)| {
            (ind, Answer { level: level.and_then(|l| u32::try_from(l).ok()), figure, evidence, comment })
        })
        .collect();
    Ok(Some(a))
}

async fn bump(tx: &mut Tx, id: Uuid, version: i64, from_status: &str, to_status: &str) -> StoreResult<()> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE quality_assessments SET version = version + 1, updated_at = $1, status = $2
         WHERE id = $3 AND version = $4 AND status = $5")
        .bind(now()).bind(to_status).bind(id).bind(version).bind(from_status))?;
    if n == 0 {
        return Err(StoreError::Stale("quality_assessment"));
    }
    Ok(())
}

/// Records the assessor's answer to a qualitative indicator of a draft, checked against the
/// indicator's scale and requirements first (every problem at once; nothing written then).
pub async fn answer(
    tx: &mut Tx,
    actor: Uuid,
    assessment: &Assessment,
    indicator: &str,
    rules: &Qualitative,
    answer: &QualitativeAnswer,
) -> StoreResult<Result<(), Vec<AnswerError>>> {
    if let Err(errors) = rules.check(answer) {
        return Ok(Err(errors));
    }
    bump(tx, assessment.id, assessment.version, "draft", "draft").await?;
    let evidence = answer.evidence.iter().map(|e| e.trim()).filter(|e| !e.is_empty()).collect::<Vec<_>>().join("\n");
    exec!(tx, c => sqlx::query(
        "INSERT INTO quality_answers (assessment_id, indicator_id, level, evidence, comment, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (assessment_id, indicator_id) DO UPDATE SET level = excluded.level, evidence = excluded.evidence,
             comment = excluded.comment, updated_at = excluded.updated_at")
        .bind(assessment.id).bind(indicator).bind(i64::from(answer.level)).bind(&evidence).bind(answer.comment.trim()).bind(now()))?;
    audit::append(tx, Event::new(Some(actor), "quality.assessment.answer", "quality_assessment").entity(assessment.id)
        .detail(json!({"indicator": indicator}))).await?;
    Ok(Ok(()))
}

/// Submits a draft for validation once every qualitative indicator in `qualitative` has an
/// answer (else returns those missing, nothing written), keeping the quantitative `figures`
/// computed for the period (`None`: not computable or suppressed).
pub async fn submit(
    tx: &mut Tx,
    actor: Uuid,
    assessment: &Assessment,
    qualitative: &[&str],
    figures: &[(String, Option<f64>)],
) -> StoreResult<Result<(), Vec<String>>> {
    let missing: Vec<String> = qualitative
        .iter()
        .filter(|i| !assessment.answers.get(**i).is_some_and(|a| a.level.is_some()))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Ok(Err(missing));
    }
    bump(tx, assessment.id, assessment.version, "draft", "submitted").await?;
    let at = now();
    for (ind, figure) in figures {
        exec!(tx, c => sqlx::query(
            "INSERT INTO quality_answers (assessment_id, indicator_id, figure, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (assessment_id, indicator_id) DO UPDATE SET figure = excluded.figure, updated_at = excluded.updated_at")
            .bind(assessment.id).bind(ind).bind(*figure).bind(at))?;
    }
    exec!(tx, c => sqlx::query("UPDATE quality_assessments SET submitted_by = $1, submitted_at = $2 WHERE id = $3")
        .bind(actor).bind(at).bind(assessment.id))?;
    audit::append(tx, Event::new(Some(actor), "quality.assessment.submit", "quality_assessment").entity(assessment.id)).await?;
    Ok(Ok(()))
}

/// Why a decision on a submitted assessment was refused (nothing written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Returning needs a comment: the assessor must know what to change.
    CommentMissing,
    /// Four eyes: the person who submitted an assessment does not validate or return it.
    OwnSubmission,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::CommentMissing => "quality-decision-comment-missing",
            Refusal::OwnSubmission => "quality-decision-own-submission",
        }
    }
}

/// Validates a submitted assessment, or returns it to draft with a comment.
pub async fn decide(tx: &mut Tx, actor: Uuid, assessment: &Assessment, validate: bool, comment: &str) -> StoreResult<Result<(), Refusal>> {
    let comment = comment.trim();
    if assessment.submitted_by == Some(actor) {
        return Ok(Err(Refusal::OwnSubmission));
    }
    if !validate && comment.is_empty() {
        return Ok(Err(Refusal::CommentMissing));
    }
    bump(tx, assessment.id, assessment.version, "submitted", if validate { "validated" } else { "draft" }).await?;
    exec!(tx, c => sqlx::query(
        "UPDATE quality_assessments SET decided_by = $1, decided_at = $2, decision_comment = $3 WHERE id = $4")
        .bind(actor).bind(now()).bind((!comment.is_empty()).then_some(comment)).bind(assessment.id))?;
    audit::append(tx, Event::new(Some(actor), if validate { "quality.assessment.validate" } else { "quality.assessment.return" }, "quality_assessment")
        .entity(assessment.id)).await?;
    Ok(Ok(()))
}
