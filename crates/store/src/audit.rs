//! Writing and reading the hash-chained audit log.
//!
//! An entry is appended inside the transaction of the change it records, so a change and its
//! audit entry are committed together or not at all. On PostgreSQL several servers may append
//! at once: a transaction-scoped advisory lock serialises appends so the chain stays linear.
//! On SQLite write transactions are already serialised (`BEGIN IMMEDIATE`).

use crate::db::{now, Backend, Tx};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use passerelle_core::audit::{entry_hash, AuditEntry, BrokenLink, ChainVerifier, GENESIS};
use serde_json::Value;
use uuid::Uuid;

/// The advisory lock key that serialises audit appends on PostgreSQL ("audit" in ASCII).
const AUDIT_LOCK_KEY: i64 = 0x6175_6469_74;

/// What happened, by whom, to what. `detail` must not hold sensitive values.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub detail: Value,
}

impl<'a> Event<'a> {
    pub fn new(actor_id: Option<Uuid>, action: &'a str, entity_type: &'a str) -> Self {
        Event { actor_id, action, entity_type, entity_id: None, detail: Value::Object(Default::default()) }
    }
    pub fn entity(mut self, id: impl ToString) -> Self {
        self.entity_id = Some(id.to_string());
        self
    }
    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl From<Row> for AuditEntry {
    fn from(r: Row) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            detail: r.detail,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "seq, at, actor_id, action, entity_type, entity_id, detail, prev_hash, hash";

/// Appends `event` to the chain within `tx`.
pub async fn append(tx: &mut Tx, event: Event<'_>) -> StoreResult<i64> {
    let (prev_seq, prev_hash) = match tx.audit_tail() {
        // This transaction already holds the right to append (see `db::AuditTail`).
        Some(tail) => tail.clone(),
        None => {
            if tx.backend() == Backend::Postgres {
                exec!(tx, c => sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(AUDIT_LOCK_KEY))?;
            }
            let last: Option<(i64, String)> = on_tx!(tx, c => sqlx::query_as(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).fetch_optional(c).await)?;
            last.unwrap_or((0, GENESIS.to_string()))
        }
    };
    let seq = prev_seq + 1;
    let at = now();
    // serde_json's map is ordered by key, so the same detail always serialises the same way.
    let detail = event.detail.to_string();
    let hash = entry_hash(
        &prev_hash,
        seq,
        at,
        event.actor_id,
        event.action,
        event.entity_type,
        event.entity_id.as_deref(),
        &detail,
    );
    tx.set_audit_tail((seq, hash.clone()));
    tx.pending_audit().push(AuditEntry {
        seq,
        at,
        actor_id: event.actor_id,
        action: event.action.to_string(),
        entity_type: event.entity_type.to_string(),
        entity_id: event.entity_id,
        detail,
        prev_hash,
        hash,
    });
    if tx.pending_audit().len() >= PENDING_MAX {
        flush(tx).await?;
    }
    Ok(seq)
}

/// Entries appended in a transaction and written together, at most this many at once (9
/// values each, well under SQLite's 32,766 bound values per statement). A change appends
/// several (a case opened, its steps completed, a referral sent and answered), an import one
/// per person: one statement for them all instead of one each, which is what a write costs
/// most on SQLite.
const PENDING_MAX: usize = 1000;

/// Writes the entries appended in `tx` and not written yet, in one statement. Called before
/// the transaction commits and before the log is read in it.
pub(crate) async fn flush(tx: &mut Tx) -> StoreResult<()> {
    let pending = std::mem::take(tx.pending_audit());
    if pending.is_empty() {
        return Ok(());
    }
    let values = crate::db::values_rows(tx.backend(), "(?, ?, ?, ?, ?, ?, ?, ?, ?)", pending.len());
    let sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES {values}");
    exec!(tx, c => pending.iter().fold(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), |q, e| q
        .bind(e.seq).bind(e.at).bind(e.actor_id).bind(e.action.as_str()).bind(e.entity_type.as_str())
        .bind(e.entity_id.as_deref()).bind(e.detail.as_str()).bind(e.prev_hash.as_str()).bind(e.hash.as_str())))?;
    Ok(())
}

/// Filters for browsing the log.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub actor_id: Option<Uuid>,
    /// An action prefix: `user.` matches every user action.
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only entries with `seq` below this (for paging backwards from the newest).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// Newest first, at most `filter.limit` entries.
pub async fn list(tx: &mut Tx, f: &Filter) -> StoreResult<Vec<AuditEntry>> {
    flush(tx).await?;
    let action_like = f.action.as_ref().map(|a| format!("{}%", crate::db::like_escape(a)));
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log
         WHERE ($1 IS NULL OR actor_id = $1)
           AND ($2 IS NULL OR action LIKE $2 ESCAPE '\\')
           AND ($3 IS NULL OR entity_type = $3)
           AND ($4 IS NULL OR entity_id = $4)
           AND ($5 IS NULL OR at >= $5)
           AND ($6 IS NULL OR at < $6)
           AND ($7 IS NULL OR seq < $7)
         ORDER BY seq DESC LIMIT $8"
    );
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(f.actor_id).bind(action_like.as_deref()).bind(f.entity_type.as_deref())
        .bind(f.entity_id.as_deref()).bind(f.from).bind(f.until).bind(f.before_seq)
        .bind(f.limit.clamp(1, 1000))
        .fetch_all(c).await)?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// Walks the whole chain in batches and returns how many entries verified, or the first
/// broken link.
pub async fn verify(tx: &mut Tx) -> StoreResult<Result<u64, BrokenLink>> {
    flush(tx).await?;
    let mut chain = ChainVerifier::default();
    let mut after = 0i64;
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000");
    loop {
        let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(after).fetch_all(c).await)?;
        if rows.is_empty() {
            return Ok(Ok(chain.count));
        }
        for r in rows {
            after = r.seq;
            if let Err(broken) = chain.push(&AuditEntry::from(r)) {
                return Ok(Err(broken));
            }
        }
    }
}

pub async fn count(tx: &mut Tx) -> StoreResult<i64> {
    flush(tx).await?;
    let (n,): (i64,) = on_tx!(tx, c => sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(c).await)?;
    Ok(n)
}
