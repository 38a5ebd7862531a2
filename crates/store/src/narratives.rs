//! Free text written about a person outside case notes — form answers, a referral's reason,
//! shared copy, outcome and status notes, closure and legal-hold reasons, approval and transfer
//! comments, notes on services received, the case plan's goals and actions — sealed the way case notes are (`cases::add_note`):
//! a row's free-text columns are sealed together, as a JSON object column → text, in its
//! `sealed` column under the current data key (`seal_key`), the table, `sealed` and the row id
//! being the associated data (a value moved to another row does not open). The clear columns
//! stay in the schema and hold only an empty value once a row is sealed; codes, dates and
//! statuses stay in the clear, because figures and filters need them. Rows written before
//! (`seal_key` NULL) are sealed at start-up and re-sealed by key rotation (`sealing.rs`).

use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use passerelle_core::privacy::seal::{aad, Keyring};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A table whose free-text columns are sealed together.
pub(crate) struct Narrative {
    pub table: &'static str,
    /// Each sealed column, and the SQL value it holds once the row is sealed.
    pub fields: &'static [(&'static str, &'static str)],
}

/// What a person answered on a form: the whole answers document (the only place form text
/// lives; screenings keep their scored codes).
pub(crate) const FORM_RESPONSES: Narrative = Narrative { table: "form_responses", fields: &[("answers", "'{}'")] };
/// Why the person is referred, the copy shared with the service, the service's outcome and the
/// note of the last status change (a rejection reason, a comment).
pub(crate) const REFERRALS: Narrative =
    Narrative { table: "referrals", fields: &[("reason", "''"), ("shared", "'{}'"), ("outcome", "NULL"), ("status_reason", "NULL")] };
pub(crate) const REFERRAL_EVENTS: Narrative = Narrative { table: "referral_events", fields: &[("note", "NULL")] };
pub(crate) const CASES: Narrative = Narrative { table: "cases", fields: &[("closure_reason", "NULL"), ("legal_hold_reason", "NULL")] };
pub(crate) const APPROVALS: Narrative = Narrative { table: "case_approvals", fields: &[("comment", "NULL")] };
pub(crate) const TRANSFERS: Narrative = Narrative { table: "case_transfers", fields: &[("reason", "''"), ("comment", "NULL")] };
pub(crate) const SERVICES: Narrative = Narrative { table: "case_services", fields: &[("notes", "''")] };
/// The case plan's goals and actions: what the person is working towards, in their words
/// ("leave the shelter before the winter", "see the lawyer about the asylum appeal").
pub(crate) const PLAN_GOALS: Narrative = Narrative { table: "case_plan_goals", fields: &[("title", "''")] };
pub(crate) const PLAN_ACTIONS: Narrative = Narrative { table: "case_plan_actions", fields: &[("description", "''")] };

/// Every table sealed here, in the order start-up sealing and rotation go through them.
pub(crate) const ALL: &[&Narrative] =
    &[&FORM_RESPONSES, &REFERRALS, &REFERRAL_EVENTS, &CASES, &APPROVALS, &TRANSFERS, &SERVICES, &PLAN_GOALS, &PLAN_ACTIONS];

/// A row's free text, opened: column → text (an empty or missing value is absent).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Fields(BTreeMap<String, String>);

impl Fields {
    /// The value of a column, `None` when empty.
    pub fn get(&self, column: &str) -> Option<String> {
        self.0.get(column).cloned()
    }

    /// The value of a column, empty when there is none.
    pub fn text(&self, column: &str) -> String {
        self.0.get(column).cloned().unwrap_or_default()
    }

    /// Sets (or, with `None` or an empty text, removes) a column's value.
    pub fn set(&mut self, column: &str, value: Option<&str>) {
        match value {
            Some(v) if !v.is_empty() => {
                self.0.insert(column.to_string(), v.to_string());
            }
            _ => {
                self.0.remove(column);
            }
        }
    }

    pub fn with(mut self, column: &str, value: Option<&str>) -> Fields {
        self.set(column, value);
        self
    }
}

impl Narrative {
    fn place(&self, id: Uuid) -> Vec<u8> {
        aad(self.table, "sealed", id.as_bytes())
    }

    /// The `sealed` and `seal_key` values of row `id` holding `fields` (`sealed` is NULL when
    /// there is no text: the row is still marked as done under the current key).
    pub fn seal(&self, ring: &Keyring, id: Uuid, fields: &Fields) -> StoreResult<(Option<Vec<u8>>, Option<i64>)> {
        let key = ring.current().map(i64::from);
        if fields.0.is_empty() {
            return Ok((None, key));
        }
        let text = serde_json::to_string(&fields.0).map_err(|e| StoreError::Config(e.to_string()))?;
        Ok((Some(ring.seal_str(&text, &self.place(id))?), key))
    }

    /// Opens the fields of row `id` read with its `sealed` value; a row not sealed yet (written
    /// before, sealed at the next start-up) gives its clear values.
    pub fn open(&self, ring: &Keyring, id: Uuid, sealed: Option<&[u8]>, clear: &[(&str, Option<&str>)]) -> StoreResult<Fields> {
        match sealed {
            Some(b) => {
                let text = ring.open_str(b, &self.place(id))?;
                let map = serde_json::from_str(&text).map_err(|e| StoreError::Config(format!("{} {id}: sealed fields: {e}", self.table)))?;
                Ok(Fields(map))
            }
            None => Ok(clear.iter().fold(Fields::default(), |f, (c, v)| f.with(c, *v))),
        }
    }

    /// The fields of a stored row, opened (or in the clear if it is not sealed yet).
    pub async fn read(&self, tx: &mut Tx, id: Uuid) -> StoreResult<Fields> {
        let sql = format!("SELECT sealed FROM {} WHERE id = $1", self.table);
        let row: Option<(Option<Vec<u8>>,)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)?;
        let Some((sealed,)) = row else { return Ok(Fields::default()) };
        if let Some(b) = sealed {
            return self.open(tx.keyring(), id, Some(&b), &[]);
        }
        let mut fields = Fields::default();
        for (column, _) in self.fields {
            // CAST: the answers are JSONB on PostgreSQL.
            let sql = format!("SELECT CAST({column} AS TEXT) FROM {} WHERE id = $1", self.table);
            let v: Option<(Option<String>,)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)?;
            let v = v.and_then(|v| v.0).filter(|v| v != "{}");
            fields.set(column, v.as_deref());
        }
        Ok(fields)
    }

    /// Stores a row's fields sealed under the current key, emptying its clear columns.
    pub async fn write(&self, tx: &mut Tx, id: Uuid, fields: &Fields) -> StoreResult<()> {
        let (sealed, key) = self.seal(tx.keyring(), id, fields)?;
        let clear: String = self.fields.iter().map(|(c, empty)| format!("{c} = {empty}, ")).collect();
        let sql = format!("UPDATE {} SET {clear}sealed = $1, seal_key = $2 WHERE id = $3", self.table);
        exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(sealed.clone()).bind(key).bind(id))?;
        Ok(())
    }

    /// Changes some columns of a stored row (`None` or empty: no value any more).
    pub async fn set(&self, tx: &mut Tx, id: Uuid, changes: &[(&str, Option<&str>)]) -> StoreResult<()> {
        let fields = changes.iter().fold(self.read(tx, id).await?, |f, (c, v)| f.with(c, *v));
        self.write(tx, id, &fields).await
    }

    /// Seals a row under the current key (rows written before at start-up, key rotation).
    pub async fn reseal(&self, tx: &mut Tx, id: Uuid) -> StoreResult<()> {
        let fields = self.read(tx, id).await?;
        self.write(tx, id, &fields).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_seal_and_open_only_in_their_own_row() {
        let ring = Keyring::with_key(1, &[7; 32]);
        let id = Uuid::now_v7();
        let f = Fields::default().with("reason", Some("Marqueur")).with("outcome", Some("")).with("shared", None);
        assert_eq!(f.get("outcome"), None);
        let (sealed, key) = REFERRALS.seal(&ring, id, &f).unwrap();
        let sealed = sealed.unwrap();
        assert_eq!(key, Some(1));
        assert!(!sealed.windows(8).any(|w| w == b"Marqueur"));
        assert_eq!(REFERRALS.open(&ring, id, Some(&sealed), &[]).unwrap(), f);
        // Another row, or another table, does not open it.
        assert!(REFERRALS.open(&ring, Uuid::now_v7(), Some(&sealed), &[]).is_err());
        assert!(TRANSFERS.open(&ring, id, Some(&sealed), &[]).is_err());
        // Nothing to seal: no sealed value, the row is still marked with the key.
        assert_eq!(CASES.seal(&ring, id, &Fields::default()).unwrap(), (None, Some(1)));
        // A row not sealed yet reads its clear values.
        let clear = CASES.open(&ring, id, None, &[("closure_reason", Some("moved")), ("legal_hold_reason", None)]).unwrap();
        assert_eq!((clear.text("closure_reason"), clear.get("legal_hold_reason")), ("moved".to_string(), None));
    }
}
