//! Consent records of a case: who consented (the person, or a parent or guardian for a child),
//! to which sharing, when; and its withdrawal, which is recorded, never erased, because what
//! was shared while consent stood must remain explainable.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

/// What a person may agree to.
pub const SCOPES: &[&str] = &["registration", "referral", "share_with_agencies", "share_with_authorities", "photos", "follow_up_contact"];
pub const GIVERS: &[&str] = &["person", "parent_or_guardian", "appointed_guardian"];

#[derive(Debug, Clone)]
pub struct Consent {
    pub id: Uuid,
    pub given_by: String,
    pub scope: Vec<String>,
    pub notes: Option<String>,
    pub given_at: DateTime<Utc>,
    pub recorded_by: String,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    pub fn is_active(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

fn place(id: Uuid) -> Vec<u8> {
    passerelle_core::privacy::seal::aad("case_consents", "sealed", id.as_bytes())
}

/// Records a consent; its notes (what the person said) are kept only sealed.
pub async fn record(tx: &mut Tx, actor: Uuid, case_id: Uuid, given_by: &str, scope: &[String], notes: &str) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    let sealed = if notes.is_empty() { None } else { Some(tx.keyring().seal_str(notes, &place(id))?) };
    let key = tx.keyring().current().map(i64::from);
    exec!(tx, c => sqlx::query(
        "INSERT INTO case_consents (id, case_id, given_by, scope, notes, given_at, recorded_by, sealed, seal_key) VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8)")
        .bind(id).bind(case_id).bind(given_by).bind(scope.join(" ")).bind(now()).bind(actor).bind(sealed).bind(key))?;
    audit::append(tx, Event::new(Some(actor), "case.consent.record", "case").entity(case_id)
        .detail(json!({"given_by": given_by, "scope": scope}))).await?;
    Ok(id)
}

/// Records a withdrawal; returns false if there was no active consent with this id in the case.
pub async fn withdraw(tx: &mut Tx, actor: Uuid, case_id: Uuid, id: Uuid) -> StoreResult<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE case_consents SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND case_id = $4 AND withdrawn_at IS NULL")
        .bind(now()).bind(actor).bind(id).bind(case_id))?;
    if n > 0 {
        audit::append(tx, Event::new(Some(actor), "case.consent.withdraw", "case").entity(case_id).detail(json!({"consent": id}))).await?;
    }
    Ok(n > 0)
}

pub async fn of_case(tx: &mut Tx, case_id: Uuid) -> StoreResult<Vec<Consent>> {
    type Row = (Uuid, String, String, Option<String>, DateTime<Utc>, String, Option<DateTime<Utc>>, Option<Vec<u8>>);
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT k.id, k.given_by, k.scope, k.notes, k.given_at, u.display_name, k.withdrawn_at, k.sealed
         FROM case_consents k JOIN users u ON u.id = k.recorded_by WHERE k.case_id = $1 ORDER BY k.given_at DESC")
        .bind(case_id).fetch_all(c).await)?;
    rows.into_iter()
        .map(|r| {
            let notes = match &r.7 {
                Some(b) => Some(tx.keyring().open_str(b, &place(r.0))?),
                None => r.3,
            };
            Ok(Consent { id: r.0, given_by: r.1, scope: r.2.split_whitespace().map(str::to_string).collect(), notes, given_at: r.4, recorded_by: r.5, withdrawn_at: r.6 })
        })
        .collect()
}

/// Seals a consent's notes under the current key (older rows at start-up, key rotation).
pub(crate) async fn reseal(tx: &mut Tx, id: Uuid) -> StoreResult<()> {
    let row: Option<(Option<String>, Option<Vec<u8>>)> = on_tx!(tx, c => sqlx::query_as("SELECT notes, sealed FROM case_consents WHERE id = $1").bind(id).fetch_optional(c).await)?;
    let Some((clear, sealed)) = row else { return Ok(()) };
    let notes = match sealed {
        Some(b) => Some(tx.keyring().open_str(&b, &place(id))?),
        None => clear,
    };
    let sealed = match notes.as_deref() {
        Some(n) if !n.is_empty() => Some(tx.keyring().seal_str(n, &place(id))?),
        _ => None,
    };
    let key = tx.keyring().current().map(i64::from);
    exec!(tx, c => sqlx::query("UPDATE case_consents SET notes = NULL, sealed = $1, seal_key = $2 WHERE id = $3").bind(sealed).bind(key).bind(id))?;
    Ok(())
}

/// Whether an active consent of the case covers `scope` (e.g. `referral` before sharing).
pub fn covers(consents: &[Consent], scope: &str) -> bool {
    consents.iter().any(|c| c.is_active() && c.scope.iter().any(|s| s == scope))
}
