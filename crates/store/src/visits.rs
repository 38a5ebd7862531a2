//! Follow-up visits on a case: the day, the kind of contact (home visit, office visit, phone
//! call, other), who went, where and what was seen, and when the next visit is planned. Where
//! and what was seen are the body of a case note: kept only sealed, like case notes (see
//! `cases::add_note`). The next visit planned by the latest visit is the case's next visit; once
//! its day has passed without a newer visit recorded, the case is flagged overdue (on the case
//! and in the caseload's "overdue" filter). Recording is audited with field names, never values.

use crate::audit::{self, Event};
use crate::cases::Case;
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

pub const KINDS: &[&str] = &["home_visit", "office_visit", "phone_call", "other"];

#[derive(Debug, Clone)]
pub struct Visit {
    pub id: Uuid,
    pub visited_on: NaiveDate,
    pub kind: String,
    pub who_went: String,
    /// Opened from the sealed body.
    pub place: String,
    pub seen: String,
    pub next_on: Option<NaiveDate>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A visit as a form sends it.
#[derive(Debug, Clone, Default)]
pub struct VisitInput {
    pub visited_on: String,
    pub kind: String,
    pub place: String,
    pub who_went: String,
    pub seen: String,
    pub next_on: String,
}

/// What is sealed: the place and what was seen, together.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Body {
    place: String,
    seen: String,
}

fn place_of(id: Uuid) -> Vec<u8> {
    passerelle_core::privacy::seal::aad("case_visits", "sealed", id.as_bytes())
}

fn date(p: &mut Problems, field: &str, raw: &str, required: bool) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        if required {
            p.add(field, "required");
        }
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            p.add(field, "not-a-date");
            None
        }
    }
}

/// Records a visit on an open case, every problem reported at once; `today` bounds the dates
/// (a visit is not recorded before it happened; the next one is planned after this one).
pub async fn record(tx: &mut Tx, actor: Uuid, case: &Case, input: &VisitInput, today: NaiveDate) -> StoreResult<Uuid> {
    let mut p = Problems::default();
    if !case.is_open() {
        p.add("case", "case-closed");
    }
    let visited_on = date(&mut p, "visited_on", &input.visited_on, true);
    if visited_on.is_some_and(|d| d > today) {
        p.add("visited_on", "visit-in-future");
    }
    let kind = input.kind.trim();
    if !KINDS.contains(&kind) {
        p.add("kind", "unknown-choice");
    }
    let place = p.text("place", &input.place, false, 300);
    let who_went = p.text("who_went", &input.who_went, true, 300);
    let seen = p.text("seen", &input.seen, true, 10_000);
    let next_on = date(&mut p, "next_on", &input.next_on, false);
    if let (Some(v), Some(n)) = (visited_on, next_on) {
        if n <= v {
            p.add("next_on", "visit-next-too-early");
        }
    }
    let Some(visited_on) = visited_on.filter(|_| p.is_empty()) else { return Err(StoreError::Invalid(p)) };
    let id = Uuid::now_v7();
    let body = serde_json::to_string(&Body { place, seen }).map_err(|e| StoreError::Config(e.to_string()))?;
    let sealed = tx.keyring().seal_str(&body, &place_of(id))?;
    let key = tx.keyring().current().map(i64::from);
    exec!(tx, c => sqlx::query(
        "INSERT INTO case_visits (id, case_id, visited_on, kind, who_went, next_on, recorded_by, recorded_at, sealed, seal_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(id).bind(case.id).bind(visited_on).bind(kind).bind(&who_went).bind(next_on).bind(actor).bind(now()).bind(&sealed).bind(key))?;
    audit::append(tx, Event::new(Some(actor), "case.visit", "case").entity(case.id)
        .detail(json!({"visit": id, "kind": kind, "fields": ["visited_on", "kind", "place", "who_went", "seen", "next_on"]}))).await?;
    Ok(id)
}

type Row = (Uuid, NaiveDate, String, String, Option<NaiveDate>, String, DateTime<Utc>, Option<Vec<u8>>);

/// The visits of a case in date order (oldest first), their bodies opened. The caller has
/// checked the case is visible and audited its reading.
pub async fn of_case(tx: &mut Tx, case_id: Uuid) -> StoreResult<Vec<Visit>> {
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT v.id, v.visited_on, v.kind, v.who_went, v.next_on, u.display_name, v.recorded_at, v.sealed
         FROM case_visits v JOIN users u ON u.id = v.recorded_by WHERE v.case_id = $1 ORDER BY v.visited_on, v.recorded_at")
        .bind(case_id).fetch_all(c).await)?;
    rows.into_iter()
        .map(|r| {
            let body: Body = match &r.7 {
                Some(b) => serde_json::from_str(&tx.keyring().open_str(b, &place_of(r.0))?).unwrap_or_default(),
                None => Body::default(),
            };
            Ok(Visit { id: r.0, visited_on: r.1, kind: r.2, who_went: r.3, place: body.place, seen: body.seen, next_on: r.4, recorded_by: r.5, recorded_at: r.6 })
        })
        .collect()
}

/// The next visit planned: the one the latest visit set (a newer visit replaces the plan).
pub fn next_planned(visits: &[Visit]) -> Option<NaiveDate> {
    visits.iter().max_by_key(|v| (v.visited_on, v.recorded_at)).and_then(|v| v.next_on)
}

/// Whether the planned visit's day has passed (the day itself is not late).
pub fn overdue(visits: &[Visit], today: NaiveDate) -> bool {
    next_planned(visits).is_some_and(|d| d < today)
}

/// The next planned visit of each of these cases, for the caseload (one query, not one per case),
/// whatever the case's status: the caseload, which has the cases at hand, flags a passed plan
/// only on an open case (a join with the cases here cost the caseload a look-up of each).
pub async fn next_planned_of(tx: &mut Tx, case_ids: &[Uuid]) -> StoreResult<std::collections::HashMap<Uuid, NaiveDate>> {
    // Latest visit first per case; the first row seen for a case is its plan. Only the cases
    // asked about are read: a caseload must not cost a scan of every visit in the register.
    let rows: Vec<(Uuid, Option<NaiveDate>)> = crate::db::rows_for_ids(tx, |ids| format!(
        "SELECT v.case_id, v.next_on FROM case_visits v WHERE v.case_id IN ({ids})
          ORDER BY v.case_id, v.visited_on DESC, v.recorded_at DESC"), case_ids).await?;
    let mut out = std::collections::HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for (case, next) in rows {
        if let (true, Some(n)) = (seen.insert(case), next) {
            out.insert(case, n);
        }
    }
    Ok(out)
}

/// Seals a visit's body under the current key (key rotation).
pub(crate) async fn reseal(tx: &mut Tx, id: Uuid) -> StoreResult<()> {
    let row: Option<(Option<Vec<u8>>,)> = on_tx!(tx, c => sqlx::query_as("SELECT sealed FROM case_visits WHERE id = $1").bind(id).fetch_optional(c).await)?;
    let Some((Some(sealed),)) = row else { return Ok(()) };
    let body = tx.keyring().open_str(&sealed, &place_of(id))?;
    let sealed = tx.keyring().seal_str(&body, &place_of(id))?;
    let key = tx.keyring().current().map(i64::from);
    exec!(tx, c => sqlx::query("UPDATE case_visits SET sealed = $1, seal_key = $2 WHERE id = $3").bind(&sealed).bind(key).bind(id))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit(on: (i32, u32, u32), next: Option<(i32, u32, u32)>) -> Visit {
        let d = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        Visit {
            id: Uuid::nil(), visited_on: d(on), kind: "home_visit".into(), who_went: String::new(), place: String::new(), seen: String::new(),
            next_on: next.map(d), recorded_by: String::new(), recorded_at: Utc::now(),
        }
    }

    #[test]
    fn the_latest_visit_sets_the_plan_and_a_passed_day_is_overdue() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert!(!overdue(&[], today));
        let old = visit((2026, 10, 1), Some((2026, 10, 15)));
        assert!(overdue(std::slice::from_ref(&old), today));
        // A newer visit without a plan clears the overdue flag; one planning later is not late.
        assert!(!overdue(&[old.clone(), visit((2026, 10, 20), None)], today));
        assert!(!overdue(&[visit((2026, 11, 20), Some((2026, 11, 26))), old], today));
    }
}
