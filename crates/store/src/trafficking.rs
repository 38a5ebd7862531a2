//! Counter-trafficking: screening results and the HTCDS record of trafficking cases.
//!
//! A screening is scored by `passerelle_core::trafficking::screening` when its form response
//! is stored, in the same transaction, and the result is kept with the rule version it was
//! scored under. Screenings are read within the reader's forms scope (they are form answers).
//! The HTCDS record of a case is read and written only after the caller checked that the
//! person may see the case (`cases::visible`: restricted cases are for their members), and
//! every read and change is audited with field names, never values.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::responses::Author;
use crate::users::Viewer;
use chrono::{DateTime, Datelike, Utc};
use passerelle_core::privacy::kanon::KAnonError;
use passerelle_core::trafficking::ctdc::{self, CtdcExport, CtdcOptions};
use passerelle_core::trafficking::htcds::{ConsentPurpose, VictimRecord};
use passerelle_core::trafficking::screening::{
    AgeGroup, ExploitationForm, IndicatorList, Observation, Screening, ScreeningResult, Stage,
};
use serde_json::{json, Value};
use sqlx::types::Json;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The form whose responses are scored.
pub const SCREENING_FORM: &str = "trafficking_screening";
/// How the person was met: face to face, a call to the hotline, or by a community agent.
pub const CHANNELS: &[&str] = &["in_person", "hotline", "outreach"];

/// Reads a screening form's answers as a screening to score: the age group, the forms of
/// exploitation and the indicators ticked at each stage, on the lists that apply. `None` when
/// the person did not agree to the interview (nothing was asked, nothing to score).
pub fn screening_from_answers(answers: &Value) -> Option<Screening> {
    let text = |name: &str| answers.get(name).and_then(Value::as_str).unwrap_or("");
    let age_group = match text("age_group") {
        "adult" => AgeGroup::Adult,
        "child" => AgeGroup::Child,
        _ => return None,
    };
    let exploitation: BTreeSet<ExploitationForm> = text("exploitation")
        .split_whitespace()
        .filter_map(|f| match f {
            "labour" => Some(ExploitationForm::Labour),
            "sexual" => Some(ExploitationForm::Sexual),
            _ => None,
        })
        .collect();
    let mut observed = Vec::new();
    for form in &exploitation {
        let list = IndicatorList::new(age_group, *form).code();
        for (suffix, stage) in [("recruitment", Stage::Recruitment), ("destination", Stage::Destination)] {
            for id in text(&format!("{list}_{suffix}")).split_whitespace() {
                observed.push(Observation::at(id, stage));
            }
        }
    }
    observed.sort();
    observed.dedup();
    Some(Screening { age_group, exploitation, observed })
}

/// The channel of a screening: the form's `channel` answer when it is one of [`CHANNELS`];
/// otherwise a screening held during outreach counts as outreach, any other as in person.
pub fn channel_of(answers: &Value) -> &'static str {
    let text = |name: &str| answers.get(name).and_then(Value::as_str).unwrap_or("");
    if let Some(c) = CHANNELS.iter().find(|c| **c == text("channel")) {
        return c;
    }
    if text("screening_place") == "outreach" { "outreach" } else { "in_person" }
}

fn age_code(a: AgeGroup) -> &'static str {
    match a {
        AgeGroup::Adult => "adult",
        AgeGroup::Child => "child",
    }
}

/// Stores a scored screening for the response it came from (and its case, when filled for one).
pub async fn record_screening(
    tx: &mut Tx,
    author: &Author,
    response_id: Uuid,
    case_id: Option<Uuid>,
    channel: &str,
    screening: &Screening,
    result: &ScreeningResult,
) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO trafficking_screenings (id, response_id, case_id, channel, age_group, rule_version, outcome,
             recommendation, result, screened_by, agency_id, team_id, screened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ).bind(id).bind(response_id).bind(case_id).bind(channel).bind(age_code(screening.age_group))
    .bind(&result.rule_version).bind(result.outcome.code()).bind(result.recommendation.code())
    .bind(Json(result)).bind(author.id).bind(author.agency_id).bind(author.team_id).bind(now()))?;
    // The outcome is a code, not a personal value; it lets the audit show a screening led to a
    // referral without reading the answers.
    audit::append(tx, Event::new(Some(author.id), "trafficking.screening.score", "trafficking_screening").entity(id)
        .detail(json!({"response": response_id, "rule_version": result.rule_version, "outcome": result.outcome.code(), "channel": channel}))).await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct StoredScreening {
    pub id: Uuid,
    pub response_id: Uuid,
    pub case_id: Option<Uuid>,
    pub channel: String,
    pub age_group: String,
    pub result: ScreeningResult,
    pub screened_by: Uuid,
    pub screened_by_name: String,
    pub screened_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ScreeningRow {
    id: Uuid,
    response_id: Uuid,
    case_id: Option<Uuid>,
    channel: String,
    age_group: String,
    result: Json<ScreeningResult>,
    screened_by: Uuid,
    display_name: String,
    screened_at: DateTime<Utc>,
}

impl From<ScreeningRow> for StoredScreening {
    fn from(r: ScreeningRow) -> Self {
        StoredScreening {
            id: r.id,
            response_id: r.response_id,
            case_id: r.case_id,
            channel: r.channel,
            age_group: r.age_group,
            result: r.result.0,
            screened_by: r.screened_by,
            screened_by_name: r.display_name,
            screened_at: r.screened_at,
        }
    }
}

const SELECT_SCREENING: &str = "SELECT s.id, s.response_id, s.case_id, s.channel, s.age_group, s.result, s.screened_by, u.display_name, s.screened_at
     FROM trafficking_screenings s JOIN users u ON u.id = s.screened_by
     WHERE ($1 IS NULL OR s.agency_id = $1) AND ($2 IS NULL OR s.team_id = $2) AND ($3 IS NULL OR s.screened_by = $3)";

/// One screening within the viewer's scope; the read is audited.
pub async fn screening(tx: &mut Tx, viewer: &Viewer, id: Uuid) -> StoreResult<Option<StoredScreening>> {
    let (a, t, o) = viewer.scope_binds();
    let sql = format!("{SELECT_SCREENING} AND s.id = $4");
    let row: Option<ScreeningRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(id).fetch_optional(c).await)?;
    if let Some(r) = &row {
        audit::append(tx, Event::new(Some(viewer.id), "trafficking.screening.view", "trafficking_screening").entity(r.id)).await?;
    }
    Ok(row.map(Into::into))
}

/// The screening scored from a response, if any (no audit: the caller only needs its id).
pub async fn screening_of_response(tx: &mut Tx, response_id: Uuid) -> StoreResult<Option<Uuid>> {
    let row: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM trafficking_screenings WHERE response_id = $1")
        .bind(response_id).fetch_optional(c).await)?;
    Ok(row.map(|r| r.0))
}

/// Screenings within the viewer's scope, newest first.
pub async fn screenings(tx: &mut Tx, viewer: &Viewer, limit: i64) -> StoreResult<Vec<StoredScreening>> {
    let (a, t, o) = viewer.scope_binds();
    let sql = format!("{SELECT_SCREENING} ORDER BY s.screened_at DESC, s.id DESC LIMIT $4");
    let rows: Vec<ScreeningRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(limit.clamp(1, 500)).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Links a screening to the case opened from it (a screening leads to one case at most).
pub async fn link_case(tx: &mut Tx, actor: Uuid, screening_id: Uuid, case_id: Uuid) -> StoreResult<()> {
    let n = exec!(tx, c => sqlx::query("UPDATE trafficking_screenings SET case_id = $1 WHERE id = $2 AND case_id IS NULL")
        .bind(case_id).bind(screening_id))?;
    if n == 0 {
        return Err(StoreError::Conflict("screening-case"));
    }
    audit::append(tx, Event::new(Some(actor), "trafficking.screening.link", "trafficking_screening").entity(screening_id)
        .detail(json!({"case": case_id}))).await?;
    Ok(())
}

/// What the person was told when their consent was recorded, as HTCDS asks: the purpose, the
/// uses, research use, the right to see their data, how long it is kept, how to withdraw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Informed {
    pub purpose: bool,
    pub uses: bool,
    pub research: bool,
    pub right_to_see: bool,
    pub retention: bool,
    pub withdrawal: bool,
}

impl Informed {
    pub const FIELDS: [&'static str; 6] = ["purpose", "uses", "research", "right_to_see", "retention", "withdrawal"];

    pub fn get(&self, field: &str) -> bool {
        match field {
            "purpose" => self.purpose,
            "uses" => self.uses,
            "research" => self.research,
            "right_to_see" => self.right_to_see,
            "retention" => self.retention,
            "withdrawal" => self.withdrawal,
            _ => false,
        }
    }
}

/// A case's HTCDS record as stored.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub record: VictimRecord,
    pub informed: Informed,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    record: Json<VictimRecord>,
    told_purpose: bool,
    told_uses: bool,
    told_research: bool,
    told_right_to_see: bool,
    told_retention: bool,
    told_withdrawal: bool,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl From<RecordRow> for StoredRecord {
    fn from(r: RecordRow) -> Self {
        StoredRecord {
            record: r.record.0,
            informed: Informed {
                purpose: r.told_purpose,
                uses: r.told_uses,
                research: r.told_research,
                right_to_see: r.told_right_to_see,
                retention: r.told_retention,
                withdrawal: r.told_withdrawal,
            },
            version: r.version,
            updated_at: r.updated_at,
        }
    }
}

/// The HTCDS record of a case the caller has checked the reader may see; the read is audited.
pub async fn record(tx: &mut Tx, reader: Uuid, case_id: Uuid) -> StoreResult<Option<StoredRecord>> {
    let row: Option<RecordRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT record, told_purpose, told_uses, told_research, told_right_to_see, told_retention, told_withdrawal, version, updated_at
         FROM trafficking_records WHERE case_id = $1").bind(case_id).fetch_optional(c).await)?;
    if row.is_some() {
        audit::append(tx, Event::new(Some(reader), "trafficking.record.view", "case").entity(case_id)).await?;
    }
    Ok(row.map(Into::into))
}

/// Creates (`version` `None`) or replaces (`Some(version read)`) a case's HTCDS record. A
/// record changed meanwhile is [`StoreError::Stale`]; creating one that exists is too.
pub async fn save_record(tx: &mut Tx, actor: Uuid, record: &VictimRecord, informed: Informed, version: Option<i64>) -> StoreResult<()> {
    let at = now();
    let year = i64::from(record.registered_on.year());
    let status = record.status.status.code();
    let n = match version {
        None => exec!(tx, c => sqlx::query(
            "INSERT INTO trafficking_records (case_id, record, status, registration_year, told_purpose, told_uses, told_research,
                 told_right_to_see, told_retention, told_withdrawal, updated_by, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)"
        ).bind(record.case_id).bind(Json(record)).bind(status).bind(year).bind(informed.purpose).bind(informed.uses)
        .bind(informed.research).bind(informed.right_to_see).bind(informed.retention).bind(informed.withdrawal)
        .bind(actor).bind(at))
        .map_err(StoreError::unique_as("trafficking-record"))
        .map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Stale("trafficking-record"),
            e => e,
        })?,
        Some(v) => exec!(tx, c => sqlx::query(
            "UPDATE trafficking_records SET record = $2, status = $3, registration_year = $4, told_purpose = $5, told_uses = $6,
                 told_research = $7, told_right_to_see = $8, told_retention = $9, told_withdrawal = $10, updated_by = $11,
                 updated_at = $12, version = version + 1
             WHERE case_id = $1 AND version = $13"
        ).bind(record.case_id).bind(Json(record)).bind(status).bind(year).bind(informed.purpose).bind(informed.uses)
        .bind(informed.research).bind(informed.right_to_see).bind(informed.retention).bind(informed.withdrawal)
        .bind(actor).bind(at).bind(v))?,
    };
    if n == 0 {
        return Err(StoreError::Stale("trafficking-record"));
    }
    audit::append(tx, Event::new(Some(actor), if version.is_none() { "trafficking.record.create" } else { "trafficking.record.update" }, "case")
        .entity(record.case_id).detail(json!({"fields": RECORD_FIELDS}))).await?;
    Ok(())
}

/// The field groups a record holds, named in the audit log (never their values).
const RECORD_FIELDS: &[&str] = &["status", "gender", "age", "citizenship", "recruitment", "exploitation", "support_plan", "case_status", "consent", "informed"];

/// Every HTCDS record, for the task-force tables and the CTDC export (which aggregate and
/// anonymise them; nothing here leaves unprocessed). The read is audited as one event.
pub async fn all_records(tx: &mut Tx, reader: Option<Uuid>, purpose: &str) -> StoreResult<Vec<VictimRecord>> {
    let rows: Vec<(Json<VictimRecord>,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT record FROM trafficking_records ORDER BY case_id").fetch_all(c).await)?;
    audit::append(tx, Event::new(reader, "trafficking.records.aggregate", "trafficking_record")
        .detail(json!({"purpose": purpose, "records": rows.len()}))).await?;
    Ok(rows.into_iter().map(|r| r.0 .0).collect())
}

/// The SOP steps completed in cases that have an HTCDS record: (case, step). Assistance
/// received and referrals made are counted from them.
pub async fn completed_steps(tx: &mut Tx) -> StoreResult<Vec<(Uuid, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT s.case_id, s.step_id FROM case_steps s JOIN trafficking_records r ON r.case_id = s.case_id ORDER BY s.case_id, s.step_id")
        .fetch_all(c).await)?)
}

/// A CTDC export and what was left out before anonymisation.
#[derive(Debug, Clone)]
pub struct CtdcRun {
    pub export: CtdcExport,
    /// Records left out because no consent covered anonymised statistics on `on`.
    pub without_consent: usize,
}

/// The CTDC export of the stored records. Only records whose HTCDS consent covers
/// `AnonymisedStatistics` on `on` go in (the core `has_consent` rule: given, covering that
/// purpose, recorded by then and not withdrawn by then); then the core maps and k-anonymises them.
pub async fn ctdc(tx: &mut Tx, reader: Option<Uuid>, k: usize, on: chrono::NaiveDate) -> StoreResult<Result<CtdcRun, KAnonError>> {
    let all = all_records(tx, reader, "ctdc_export").await?;
    let total = all.len();
    let consented: Vec<VictimRecord> = all.into_iter().filter(|r| r.has_consent(ConsentPurpose::AnonymisedStatistics, on)).collect();
    let without_consent = total - consented.len();
    let options = CtdcOptions { k, ..CtdcOptions::default() };
    Ok(ctdc::export(&consented, &options).map(|export| CtdcRun { export, without_consent }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_become_a_screening_on_the_lists_that_apply() {
        let answers = json!({
            "age_group": "adult", "exploitation": "labour",
            "adult_labour_recruitment": "deceived_nature_of_job debt_bondage",
            "adult_labour_destination": "confiscation_of_documents",
            "adult_sexual_destination": "ignored_because_not_selected",
        });
        let s = screening_from_answers(&answers).unwrap();
        assert_eq!(s.age_group, AgeGroup::Adult);
        assert_eq!(s.exploitation, [ExploitationForm::Labour].into());
        assert_eq!(s.observed.len(), 3);
        assert!(s.observed.contains(&Observation::at("confiscation_of_documents", Stage::Destination)));
        assert!(screening_from_answers(&json!({"consent": "no"})).is_none());
    }

    #[test]
    fn channel_follows_the_answer_or_the_place() {
        assert_eq!(channel_of(&json!({"channel": "hotline"})), "hotline");
        assert_eq!(channel_of(&json!({"screening_place": "outreach"})), "outreach");
        assert_eq!(channel_of(&json!({"channel": "bogus", "screening_place": "office"})), "in_person");
    }
}
