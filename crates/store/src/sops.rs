//! Published SOP versions. The text of each version is kept as written (TOML), checked by
//! `passerelle_core::sop` before it is stored, and never changed afterwards.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::parsed::Key;
use chrono::{DateTime, Utc};
use passerelle_core::sop::{self, Diagnostic, Known, Sop};
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Published {
    pub sop: Arc<Sop>,
    pub published_at: DateTime<Utc>,
    pub published_by: Option<Uuid>,
}

/// Why a version could not be published.
#[derive(Debug)]
pub enum PublishRefusal {
    /// The file has problems (every one, with line and field).
    Invalid(Vec<Diagnostic>),
    /// The version number is not above the latest published one.
    NotNewer { latest: u32 },
    /// Same content as the latest version.
    NothingChanged { latest: u32 },
}

/// A published version, without its text.
#[derive(sqlx::FromRow)]
struct Head {
    sop_id: String,
    version: i64,
    published_at: DateTime<Utc>,
    published_by: Option<Uuid>,
}

/// The version `head` names, parsed: from the store's parsed versions, or read and parsed now.
async fn open(tx: &mut Tx, head: Head) -> StoreResult<Published> {
    let key: Key = (head.sop_id, head.version.to_string(), head.published_at);
    let sop = match tx.parsed().sops.get(&key) {
        Some(sop) => sop,
        None => {
            let (source,): (String,) = on_tx!(tx, c => sqlx::query_as("SELECT source FROM sop_versions WHERE sop_id = $1 AND version = $2")
                .bind(&key.0).bind(head.version).fetch_one(c).await)?;
            // A stored version was valid when published; if a later release rejects it, that is
            // a defect to report, not data to hide.
            let sop = sop::load(&format!("{}@{}", key.0, key.1), &source, &Known::default())
                .map_err(|d| StoreError::Config(format!("stored SOP {} v{} no longer loads: {}", key.0, key.1, d.len())))?;
            tx.parsed().sops.keep(key, sop)
        }
    };
    Ok(Published { sop, published_at: head.published_at, published_by: head.published_by })
}

/// Checks `source` and, when `publish`, stores it as a new version. Returns the parsed SOP and
/// the latest version before it (for the diff shown before publishing).
pub async fn prepare(
    tx: &mut Tx,
    file_name: &str,
    source: &str,
) -> StoreResult<Result<(Sop, Option<Published>), PublishRefusal>> {
    let sop = match sop::load(file_name, source, &Known::default()) {
        Ok(s) => s,
        Err(d) => return Ok(Err(PublishRefusal::Invalid(d))),
    };
    let latest = latest(tx, &sop.id).await?;
    if let Some(l) = &latest {
        if sop.version <= l.sop.version {
            return Ok(Err(PublishRefusal::NotNewer { latest: l.sop.version }));
        }
        if sop::diff(&l.sop, &sop).is_empty() {
            return Ok(Err(PublishRefusal::NothingChanged { latest: l.sop.version }));
        }
    }
    Ok(Ok((sop, latest)))
}

pub async fn publish(
    tx: &mut Tx,
    actor: Option<Uuid>,
    file_name: &str,
    source: &str,
) -> StoreResult<Result<Sop, PublishRefusal>> {
    let (sop, _) = match prepare(tx, file_name, source).await? {
        Ok(p) => p,
        Err(refusal) => return Ok(Err(refusal)),
    };
    exec!(tx, c => sqlx::query(
        "INSERT INTO sop_versions (sop_id, version, source, published_at, published_by) VALUES ($1, $2, $3, $4, $5)"
    ).bind(&sop.id).bind(sop.version as i64).bind(source).bind(now()).bind(actor))
    .map_err(StoreError::unique_as("version"))?;
    audit::append(tx, Event::new(actor, "sop.publish", "sop").entity(&sop.id)
        .detail(json!({"version": sop.version}))).await?;
    Ok(Ok(sop))
}

const COLUMNS: &str = "sop_id, version, published_at, published_by";

pub async fn latest(tx: &mut Tx, sop_id: &str) -> StoreResult<Option<Published>> {
    let sql = format!("SELECT {COLUMNS} FROM sop_versions WHERE sop_id = $1 ORDER BY version DESC LIMIT 1");
    let head: Option<Head> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(sop_id).fetch_optional(c).await)?;
    match head {
        Some(h) => open(tx, h).await.map(Some),
        None => Ok(None),
    }
}

/// The exact version a case follows.
pub async fn get(tx: &mut Tx, sop_id: &str, version: u32) -> StoreResult<Option<Published>> {
    Ok(get_many(tx, &[(sop_id, version)]).await?.pop())
}

/// The exact versions `wanted` names (the ones found; repeats read once), in one query: a
/// list of cases under a dozen SOP versions reads them together instead of one by one.
pub async fn get_many(tx: &mut Tx, wanted: &[(&str, u32)]) -> StoreResult<Vec<Published>> {
    let mut pairs: Vec<(&str, u32)> = wanted.to_vec();
    pairs.sort_unstable();
    pairs.dedup();
    let mut out = Vec::with_capacity(pairs.len());
    for batch in pairs.chunks(crate::db::BATCH / 2) {
        let test: Vec<String> = (0..batch.len()).map(|i| format!("(sop_id = ${} AND version = ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("SELECT {COLUMNS} FROM sop_versions WHERE {}", test.join(" OR "));
        let heads: Vec<Head> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
            for (id, version) in batch {
                q = q.bind(*id).bind(i64::from(*version));
            }
            q.fetch_all(c).await
        })?;
        for h in heads {
            out.push(open(tx, h).await?);
        }
    }
    Ok(out)
}

/// The latest version of every SOP, ordered by id.
pub async fn list_latest(tx: &mut Tx) -> StoreResult<Vec<Published>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sop_versions v WHERE version = (SELECT MAX(version) FROM sop_versions w WHERE w.sop_id = v.sop_id) ORDER BY sop_id"
    );
    let heads: Vec<Head> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await)?;
    let mut out = Vec::with_capacity(heads.len());
    for h in heads {
        out.push(open(tx, h).await?);
    }
    Ok(out)
}

/// Every published version number of one SOP, newest first.
pub async fn versions(tx: &mut Tx, sop_id: &str) -> StoreResult<Vec<(u32, DateTime<Utc>)>> {
    let rows: Vec<(i64, DateTime<Utc>)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT version, published_at FROM sop_versions WHERE sop_id = $1 ORDER BY version DESC"
    ).bind(sop_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(v, at)| (v as u32, at)).collect())
}

/// Publishes the default SOP pack shipped with Passerelle for every SOP the instance does
/// not have yet. Returns how many were published.
pub async fn seed_default_pack(tx: &mut Tx) -> StoreResult<usize> {
    let mut n = 0;
    for (file, source) in sop::default_pack() {
        let sop = sop::load(file, source, &Known::default())
            .map_err(|d| StoreError::Config(format!("the shipped SOP {file} does not load ({} problems)", d.len())))?;
        if latest(tx, &sop.id).await?.is_none() {
            if let Err(r) = publish(tx, None, file, source).await? {
                return Err(StoreError::Config(format!("the shipped SOP {file} cannot be published: {r:?}")));
            }
            n += 1;
        }
    }
    Ok(n)
}
