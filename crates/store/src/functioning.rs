//! Functioning of a person (Washington Group Short Set): each asking is kept with its date and
//! who asked, newest first; the disability status derived from it (`passerelle_core::functioning`)
//! is stored beside the answers, and the latest per person feeds the indicators' `disability`
//! dimension. Callers check that the viewer may see the person first (`people::get`).

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use chrono::NaiveDate;
use passerelle_core::functioning::{Answer, Domain, ShortSet, Status};
use passerelle_core::validate::Problems;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One asking of the six questions.
#[derive(Debug, Clone)]
pub struct Asking {
    pub id: Uuid,
    pub asked_on: NaiveDate,
    pub asked_by: String,
    pub answers: ShortSet,
    pub status: Status,
}

/// Checks a submission: a date (not in the future) and one known answer per domain, given as
/// codes by domain code. Every problem at once.
pub fn check(asked_on: &str, answers: &BTreeMap<String, String>, today: NaiveDate) -> Result<(NaiveDate, ShortSet), Problems> {
    let mut p = Problems::default();
    let date = match NaiveDate::parse_from_str(asked_on.trim(), "%Y-%m-%d") {
        Ok(d) if d <= today => Some(d),
        Ok(_) => {
            p.add("asked_on", "out-of-range");
            None
        }
        Err(_) if asked_on.trim().is_empty() => {
            p.add("asked_on", "required");
            None
        }
        Err(_) => {
            p.add("asked_on", "not-a-date");
            None
        }
    };
    let mut set = [Answer::DontKnow; 6];
    for d in Domain::ALL {
        let field = format!("wg_{}", d.code());
        match answers.get(&field).map(|s| s.trim()).unwrap_or("") {
            "" => p.add(&field, "required"),
            code => match Answer::from_code(code) {
                Some(a) => set[d as usize] = a,
                None => p.add(&field, "unknown-choice"),
            },
        }
    }
    match date {
        Some(d) if p.is_empty() => Ok((d, ShortSet(set))),
        _ => Err(p),
    }
}

/// Records one asking of the questions about `person`, by `actor`.
pub async fn record(tx: &mut Tx, actor: Uuid, person: Uuid, asked_on: NaiveDate, answers: ShortSet) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    let a = |d: Domain| answers.answer(d).code();
    let status = answers.status();
    exec!(tx, c => sqlx::query(
        "INSERT INTO person_functioning (id, person_id, asked_on, asked_by, seeing, hearing, walking, cognition, self_care,
             communication, disability, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .bind(id).bind(person).bind(asked_on).bind(actor).bind(a(Domain::Seeing)).bind(a(Domain::Hearing))
        .bind(a(Domain::Walking)).bind(a(Domain::Cognition)).bind(a(Domain::SelfCare)).bind(a(Domain::Communication))
        .bind(status.code()).bind(now()))?;
    // The answers are health data: the log says the questions were asked, not what was answered.
    audit::append(tx, Event::new(Some(actor), "person.functioning.record", "person").entity(person)
        .detail(json!({"fields": Domain::ALL.map(|d| d.code())}))).await?;
    Ok(id)
}

type Row = (Uuid, NaiveDate, String, String, String, String, String, String, String);

/// Every asking for a person, newest first.
pub async fn history(tx: &mut Tx, person: Uuid) -> StoreResult<Vec<Asking>> {
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT f.id, f.asked_on, u.display_name, f.seeing, f.hearing, f.walking, f.cognition, f.self_care, f.communication
         FROM person_functioning f JOIN users u ON u.id = f.asked_by
         WHERE f.person_id = $1 ORDER BY f.asked_on DESC, f.recorded_at DESC").bind(person).fetch_all(c).await)?;
    rows.into_iter()
        .map(|r| {
            let codes = [&r.3, &r.4, &r.5, &r.6, &r.7, &r.8];
            let mut set = [Answer::DontKnow; 6];
            for (i, code) in codes.iter().enumerate() {
                set[i] = Answer::from_code(code).ok_or_else(|| StoreError::Config(format!("functioning {} has unknown answer {code}", r.0)))?;
            }
            let answers = ShortSet(set);
            Ok(Asking { id: r.0, asked_on: r.1, asked_by: r.2, status: answers.status(), answers })
        })
        .collect()
}

/// The latest derived status of each of `people` asked at least once (the indicators' records).
pub async fn latest_statuses_of(tx: &mut Tx, people: &[Uuid]) -> StoreResult<BTreeMap<Uuid, Status>> {
    let rows: Vec<(Uuid, String)> = crate::db::rows_for_ids(tx, |ids| format!(
        "SELECT person_id, disability FROM person_functioning WHERE person_id IN ({ids}) ORDER BY person_id, asked_on, recorded_at"), people).await?;
    // Ordered oldest first: the last one written for a person is their latest.
    Ok(rows.into_iter().map(|(p, s)| (p, Status::from_code(&s))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    }

    #[test]
    fn a_complete_submission_is_read() {
        let mut a: BTreeMap<String, String> = Domain::ALL.iter().map(|d| (format!("wg_{}", d.code()), "no_difficulty".into())).collect();
        a.insert("wg_hearing".into(), "a_lot_of_difficulty".into());
        let (d, set) = check("2026-10-30", &a, today()).expect("valid");
        assert_eq!(d.to_string(), "2026-10-30");
        assert_eq!(set.status(), Status::Yes);
    }

    #[test]
    fn every_problem_is_named() {
        let mut a = BTreeMap::new();
        a.insert("wg_seeing".to_string(), "perhaps".to_string());
        let p = check("2027-01-01", &a, today()).expect_err("invalid");
        assert_eq!(p.for_field("asked_on"), Some("out-of-range"));
        assert_eq!(p.for_field("wg_seeing"), Some("unknown-choice"));
        assert_eq!(p.for_field("wg_communication"), Some("required"));
        assert_eq!(check("yesterday", &a, today()).expect_err("invalid").for_field("asked_on"), Some("not-a-date"));
    }
}
