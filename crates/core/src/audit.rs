//! The audit chain: every entry carries the hash of the one before it, so that altering or
//! removing any row breaks every link after it.
//!
//! Entries never hold sensitive values: `detail` names what changed (field names, roles,
//! counts), not the personal data itself. The store writes entries; this module only says how
//! an entry is hashed and how a chain is checked.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that stands before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as it is hashed. `seq` starts at 1 and has no gaps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// The user who acted, if any (a failed sign-in has none).
    pub actor_id: Option<uuid::Uuid>,
    /// What happened, e.g. `user.create`, `session.sign_in_failed`, `record.view`.
    pub action: String,
    /// The kind of record acted on, e.g. `user`, `agency`.
    pub entity_type: String,
    pub entity_id: Option<String>,
    /// Non-sensitive detail as JSON text (field names, roles, reasons).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Timestamps are kept to the microsecond, the precision both databases store, so that an
/// entry read back hashes exactly as it was written.
pub fn normalise_time(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// The hash of an entry given the hash of the previous one.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<uuid::Uuid>,
    action: &str,
    entity_type: &str,
    entity_id: Option<&str>,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    // Each field is length-prefixed so that no two different entries serialise alike.
    let at = normalise_time(at).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let actor = actor_id.map(|a| a.to_string()).unwrap_or_default();
    for field in [
        prev_hash,
        &seq.to_string(),
        &at,
        &actor,
        action,
        entity_type,
        entity_id.unwrap_or(""),
        detail,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

impl AuditEntry {
    pub fn computed_hash(&self) -> String {
        entry_hash(
            &self.prev_hash,
            self.seq,
            self.at,
            self.actor_id,
            &self.action,
            &self.entity_type,
            self.entity_id.as_deref(),
            &self.detail,
        )
    }
}

/// Why a chain does not verify, naming the first entry where it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrokenLink {
    #[error("entry {seq}: its content does not match its hash (altered)")]
    Altered { seq: i64 },
    #[error("entry {seq}: expected sequence number {expected} (entries removed or inserted)")]
    Gap { seq: i64, expected: i64 },
    #[error("entry {seq}: does not follow the previous entry's hash (removed or reordered)")]
    Unlinked { seq: i64 },
}

/// Walks `entries` in sequence order and returns how many verified, or the first broken link.
pub fn verify<I: IntoIterator<Item = AuditEntry>>(entries: I) -> Result<u64, BrokenLink> {
    let mut chain = ChainVerifier::default();
    for e in entries {
        chain.push(&e)?;
    }
    Ok(chain.count)
}

/// Verifies a chain one entry at a time, so a long log can be streamed from the database.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev_hash: String,
    next_seq: i64,
    pub count: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { prev_hash: GENESIS.to_string(), next_seq: 1, count: 0 }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, e: &AuditEntry) -> Result<(), BrokenLink> {
        if e.seq != self.next_seq {
            return Err(BrokenLink::Gap { seq: e.seq, expected: self.next_seq });
        }
        if e.prev_hash != self.prev_hash {
            return Err(BrokenLink::Unlinked { seq: e.seq });
        }
        if e.computed_hash() != e.hash {
            return Err(BrokenLink::Altered { seq: e.seq });
        }
        self.prev_hash = e.hash.clone();
        self.next_seq += 1;
        self.count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let at = normalise_time(Utc::now());
                let detail = format!("{{\"n\":{seq}}}");
                let hash = entry_hash(&prev, seq, at, None, "user.create", "user", Some("x"), &detail);
                let e = AuditEntry {
                    seq,
                    at,
                    actor_id: None,
                    action: "user.create".into(),
                    entity_type: "user".into(),
                    entity_id: Some("x".into()),
                    detail,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(chain(5)), Ok(5));
        assert_eq!(verify(Vec::new()), Ok(0));
    }

    #[test]
    fn altered_entry_is_named() {
        let mut c = chain(5);
        c[2].action = "user.delete".into();
        assert_eq!(verify(c), Err(BrokenLink::Altered { seq: 3 }));
    }

    #[test]
    fn removed_entry_is_named() {
        let mut c = chain(5);
        c.remove(3);
        assert_eq!(verify(c), Err(BrokenLink::Gap { seq: 5, expected: 4 }));
    }

    #[test]
    fn removed_and_renumbered_entry_is_caught() {
        let mut c = chain(5);
        c.remove(1);
        for (i, e) in c.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        assert_eq!(verify(c), Err(BrokenLink::Unlinked { seq: 2 }));
    }

    #[test]
    fn rehashed_alteration_still_breaks_the_next_link() {
        let mut c = chain(4);
        c[1].detail = "{}".into();
        c[1].hash = c[1].computed_hash();
        assert_eq!(verify(c), Err(BrokenLink::Unlinked { seq: 3 }));
    }

    #[test]
    fn field_boundaries_matter() {
        let at = Utc::now();
        let a = entry_hash(GENESIS, 1, at, None, "ab", "c", None, "");
        let b = entry_hash(GENESIS, 1, at, None, "a", "bc", None, "");
        assert_ne!(a, b);
    }
}
