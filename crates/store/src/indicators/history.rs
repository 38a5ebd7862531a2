//! Past cases recorded as they happened (opened, steps completed and approved, closed, on the
//! dates given), for the figures of the periods before Passerelle: a programme moving from
//! paper or from another system (Primero) brings its history, and the demo and the indicator
//! fixtures are built the same way. Live work goes through `cases` and `people` instead.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

/// The person a past case is about (fictional in the demo and the tests).
#[derive(Debug, Clone, Default)]
pub struct PastPerson {
    pub given_names: String,
    pub family_names: String,
    pub sex: Option<String>,
    /// `YYYY-MM-DD`, or a year alone when estimated.
    pub birth_date: Option<String>,
    pub nationality: Option<String>,
    pub migration_status: String,
    pub area_id: Option<Uuid>,
}

/// A past case: its SOP version, risk, caseworker, dates, the steps completed (step id, when)
/// and the approvals granted (step id, when).
#[derive(Debug, Clone)]
pub struct PastCase {
    pub sop_id: String,
    pub sop_version: u32,
    pub risk: String,
    pub caseworker: Uuid,
    pub agency_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub steps: Vec<(String, DateTime<Utc>)>,
    pub approvals: Vec<(String, DateTime<Utc>)>,
}

/// Records a person and their past case in one go; returns (person id, case id).
pub async fn record(tx: &mut Tx, actor: Option<Uuid>, person: &PastPerson, case: &PastCase) -> StoreResult<(Uuid, Uuid)> {
    let at = now();
    let person_id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO people (id, given_names, family_names, sex, birth_date, nationality, migration_status, area_id,
             registered_by, agency_id, team_id, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1)")
        .bind(person_id).bind(&person.given_names).bind(&person.family_names).bind(&person.sex).bind(&person.birth_date)
        .bind(&person.nationality).bind(&person.migration_status).bind(person.area_id).bind(case.caseworker)
        .bind(case.agency_id).bind(case.team_id).bind(case.opened_at))?;
    // Sealed at once, like any registration (names and birth date never stay in the clear).
    crate::people::reseal(tx, person_id).await?;
    let case_id = Uuid::now_v7();
    let reference = crate::references::fresh(tx, crate::references::Numbered::Cases, "HIST").await?;
    let status = if case.closed_at.is_some() { "closed" } else { "open" };
    exec!(tx, c => sqlx::query(
        "INSERT INTO cases (id, reference, person_id, sop_id, sop_version, risk, status, restricted, time_zone,
             assigned_to, agency_id, team_id, opened_by, opened_at, closed_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, 'UTC', $8, $9, $10, $8, $11, $12, $13, 1)")
        .bind(case_id).bind(&reference).bind(person_id).bind(&case.sop_id).bind(i64::from(case.sop_version)).bind(&case.risk)
        .bind(status).bind(case.caseworker).bind(case.agency_id).bind(case.team_id).bind(case.opened_at).bind(case.closed_at).bind(at))?;
    for (step, when) in &case.steps {
        exec!(tx, c => sqlx::query("INSERT INTO case_steps (case_id, step_id, completed_at, completed_by) VALUES ($1, $2, $3, $4)")
            .bind(case_id).bind(step).bind(*when).bind(case.caseworker))?;
    }
    for (step, when) in &case.approvals {
        exec!(tx, c => sqlx::query(
            "INSERT INTO case_approvals (id, case_id, step_id, requested_by, requested_at, decision, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, 'approved', $4, $5)")
            .bind(Uuid::now_v7()).bind(case_id).bind(step).bind(case.caseworker).bind(*when))?;
    }
    audit::append(tx, Event::new(actor, "case.record_past", "case").entity(case_id)
        .detail(json!({"sop": case.sop_id, "version": case.sop_version, "steps": case.steps.len()}))).await?;
    Ok((person_id, case_id))
}
