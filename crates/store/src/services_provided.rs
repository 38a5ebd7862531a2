//! Services provided to the person of a case: what they received, from which service of the
//! directory, on which day. A referral completed with its outcome is recorded here too, so the
//! case shows in one list everything the person got, whoever gave it.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::directory;
use crate::error::{StoreError, StoreResult};
use crate::narratives::{Fields, SERVICES};
use chrono::NaiveDate;
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Provided {
    pub id: Uuid,
    pub service_id: Option<Uuid>,
    pub service_name: String,
    pub need: String,
    pub provided_on: NaiveDate,
    pub notes: String,
    pub referral_id: Option<Uuid>,
    pub recorded_by: String,
}

/// Records a service given on `on` (not in the future). `need` is the need it answered, one of
/// the service's own needs.
pub async fn record(tx: &mut Tx, actor: Uuid, case_id: Uuid, service: Uuid, need: &str, on: NaiveDate, notes: &str, referral: Option<Uuid>) -> StoreResult<Uuid> {
    let mut p = Problems::default();
    let entry = directory::get_service(tx, service).await?;
    if entry.is_none() {
        p.add("service", "unknown-choice");
    }
    if on > now().date_naive() {
        p.add("provided_on", "out-of-range");
    }
    let notes = p.text("notes", notes, false, 2000);
    let Some(entry) = entry.filter(|_| p.is_empty()) else { return Err(StoreError::Invalid(p)) };
    let id = Uuid::now_v7();
    // The notes are kept only sealed.
    let (sealed, key) = SERVICES.seal(tx.keyring(), id, &Fields::default().with("notes", Some(&notes)))?;
    exec!(tx, c => sqlx::query(
        "INSERT INTO case_services (id, case_id, service_id, service_name, need, provided_on, notes, referral_id, recorded_by, recorded_at, sealed, seal_key)
         VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10, $11)")
        .bind(id).bind(case_id).bind(service).bind(&entry.service.name).bind(need).bind(on).bind(referral).bind(actor).bind(now()).bind(sealed).bind(key))?;
    audit::append(tx, Event::new(Some(actor), "case.service.record", "case").entity(case_id).detail(json!({"service": service, "need": need}))).await?;
    Ok(id)
}

pub async fn of_case(tx: &mut Tx, case_id: Uuid) -> StoreResult<Vec<Provided>> {
    type R = (Uuid, Option<Uuid>, String, String, NaiveDate, String, Option<Uuid>, String, Option<Vec<u8>>);
    let rows: Vec<R> = on_tx!(tx, c => sqlx::query_as(
        "SELECT s.id, s.service_id, s.service_name, s.need, s.provided_on, s.notes, s.referral_id, u.display_name, s.sealed
         FROM case_services s JOIN users u ON u.id = s.recorded_by WHERE s.case_id = $1 ORDER BY s.provided_on DESC, s.id")
        .bind(case_id).fetch_all(c).await)?;
    rows.into_iter()
        .map(|r| {
            let notes = SERVICES.open(tx.keyring(), r.0, r.8.as_deref(), &[("notes", Some(&r.5))])?.text("notes");
            Ok(Provided { id: r.0, service_id: r.1, service_name: r.2, need: r.3, provided_on: r.4, notes, referral_id: r.6, recorded_by: r.7 })
        })
        .collect()
}
