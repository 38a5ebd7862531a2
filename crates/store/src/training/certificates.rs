//! Certificates: issued to a participant who completed a curriculum (every mandatory module
//! and enough optional ones), with a verification code anyone can check on the public page.
//!
//! The code is an HMAC of the certificate id under the instance's key (kept in the database,
//! so every server of an instance issues and verifies the same codes). Verification shows only
//! the one certificate the code belongs to: holder, curriculum, modules and date.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::training::curricula::{completion_rule, get_curriculum, list_modules};
use crate::training::figures::Snapshot;
use chrono::{DateTime, Utc};
use passerelle_core::training::{certificate_code, normalise_code, verify_code, CertificateError};
use passerelle_core::validate::Problems;
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

const KEY_NAME: &str = "certificate_key";

/// The instance's certificate key, created at the first certificate.
async fn signing_key(tx: &mut Tx) -> StoreResult<Vec<u8>> {
    if let Some(k) = existing_key(tx).await? {
        return Ok(k);
    }
    let fresh = crate::secrets::random_token();
    // Two servers issuing their first certificate at once: the first insert wins, both read it.
    exec!(tx, c => sqlx::query("INSERT INTO instance_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(KEY_NAME).bind(&fresh))?;
    existing_key(tx).await?.ok_or(StoreError::NotFound)
}

async fn existing_key(tx: &mut Tx) -> StoreResult<Option<Vec<u8>>> {
    let v: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT value FROM instance_secrets WHERE name = $1")
        .bind(KEY_NAME).fetch_optional(c).await)?;
    Ok(v.map(String::into_bytes))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Certificate {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub curriculum_id: Uuid,
    pub code: String,
    pub holder_name: String,
    /// JSON array of module ids.
    pub modules: String,
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoke_reason: Option<String>,
}

impl Certificate {
    pub fn module_ids(&self) -> Vec<Uuid> {
        serde_json::from_str(&self.modules).unwrap_or_default()
    }
}

const COLUMNS: &str = "id, participant_id, curriculum_id, code, holder_name, modules, issued_at, revoked_at, revoke_reason";

/// Whether `participant_id` completed the curriculum, and the modules they completed in it.
pub async fn completion(
    tx: &mut Tx,
    snap: &Snapshot,
    curriculum_id: Uuid,
    participant_id: Uuid,
) -> StoreResult<(passerelle_core::training::Completion, Vec<Uuid>)> {
    let curriculum = get_curriculum(tx, curriculum_id).await?.ok_or(StoreError::NotFound)?;
    let modules = list_modules(tx, Some(curriculum_id)).await?;
    let rule = completion_rule(&curriculum, &modules);
    let done: Vec<Uuid> = snap
        .completed_by(participant_id)
        .into_keys()
        .filter(|m| modules.iter().any(|x| x.id == *m))
        .collect();
    let set: BTreeSet<String> = done.iter().map(Uuid::to_string).collect();
    let c = rule.completion(&set).map_err(|e| {
        let mut p = Problems::default();
        p.add("curriculum", e.code());
        StoreError::Invalid(p)
    })?;
    Ok((c, done))
}

/// Issues the certificate of a participant who completed the curriculum. Refused when they
/// have not, or already hold a valid certificate for it.
pub async fn issue(tx: &mut Tx, actor: Option<Uuid>, snap: &Snapshot, curriculum_id: Uuid, participant_id: Uuid) -> StoreResult<Certificate> {
    let participant = crate::training::sessions::get_participant(tx, participant_id).await?.ok_or(StoreError::NotFound)?;
    let (c, done) = completion(tx, snap, curriculum_id, participant_id).await?;
    if !c.complete {
        let mut p = Problems::default();
        p.add("participant", "not-completed");
        return Err(StoreError::Invalid(p));
    }
    let id = Uuid::now_v7();
    let key = signing_key(tx).await?;
    let code = certificate_code(&key, &id.to_string()).map_err(|e| StoreError::Config(e.to_string()))?;
    let modules = serde_json::to_string(&done).unwrap_or_else(|_| "[]".into());
    exec!(tx, c => sqlx::query(
        "INSERT INTO training_certificates (id, participant_id, curriculum_id, code, holder_name, modules, issued_at, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ).bind(id).bind(participant_id).bind(curriculum_id).bind(&code).bind(&participant.name).bind(&modules).bind(now()).bind(actor))
    .map_err(StoreError::unique_as("participant"))?;
    audit::append(tx, Event::new(actor, "training.certificate.issue", "training_certificate").entity(id)
        .detail(json!({"curriculum": curriculum_id, "participant": participant_id}))).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn revoke(tx: &mut Tx, actor: Option<Uuid>, id: Uuid, reason: &str) -> StoreResult<()> {
    let mut p = Problems::default();
    let reason = p.text("reason", reason, true, 500);
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let n = exec!(tx, c => sqlx::query(
        "UPDATE training_certificates SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE id = $1 AND revoked_at IS NULL"
    ).bind(id).bind(now()).bind(actor).bind(&reason))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(tx, Event::new(actor, "training.certificate.revoke", "training_certificate").entity(id)).await?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Certificate>> {
    let sql = format!("SELECT {COLUMNS} FROM training_certificates WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?)
}

/// Certificates of a curriculum, newest first.
pub async fn list(tx: &mut Tx, curriculum_id: Uuid) -> StoreResult<Vec<Certificate>> {
    let sql = format!("SELECT {COLUMNS} FROM training_certificates WHERE curriculum_id = $1 ORDER BY issued_at DESC, id");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(curriculum_id).fetch_all(c).await)?)
}

/// What the public verification page may say about a typed code.
#[derive(Debug)]
pub enum Verification {
    /// The code is not well formed (the check character catches typing mistakes).
    Malformed(CertificateError),
    /// Well formed, but no certificate of this instance has it.
    Unknown,
    Revoked { revoked_at: DateTime<Utc> },
    Valid(Certificate),
}

pub async fn verify(tx: &mut Tx, typed: &str) -> StoreResult<Verification> {
    let code = match normalise_code(typed) {
        Ok(c) => c,
        Err(e) => return Ok(Verification::Malformed(e)),
    };
    let sql = format!("SELECT {COLUMNS} FROM training_certificates WHERE code = $1");
    let found: Option<Certificate> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&code).fetch_optional(c).await)?;
    let (Some(cert), Some(key)) = (found, existing_key(tx).await?) else { return Ok(Verification::Unknown) };
    // A row whose code was written into the database by hand, not issued: not valid.
    if verify_code(&key, &cert.id.to_string(), &code).is_err() {
        return Ok(Verification::Unknown);
    }
    Ok(match cert.revoked_at {
        Some(revoked_at) => Verification::Revoked { revoked_at },
        None => Verification::Valid(cert),
    })
}
