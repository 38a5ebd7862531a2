//! Server-side sessions, kept in the database so that several app servers share them.
//!
//! The browser holds a random token; the database holds its SHA-256. A session expires after
//! [`IDLE_MINUTES`] without use and, whatever the use, [`ABSOLUTE_HOURS`] after sign-in.

use crate::db::{now, Tx};
use crate::error::StoreResult;
use crate::secrets::{random_token, token_hash};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

pub const IDLE_MINUTES: i64 = 30;
pub const ABSOLUTE_HOURS: i64 = 12;
/// `last_seen_at` is written at most this often, to keep page views from becoming writes.
const TOUCH_EVERY_SECONDS: i64 = 60;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub token_hash: String,
    pub user_id: Uuid,
    pub csrf_token: String,
    /// Signed in with a password; the second factor is still to be given.
    pub second_factor_pending: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Creates a session and returns the token for the cookie (shown once, never stored).
pub async fn create(tx: &mut Tx, user_id: Uuid, second_factor_pending: bool) -> StoreResult<(String, Session)> {
    let token = random_token();
    let at = now();
    let s = Session {
        token_hash: token_hash(&token),
        user_id,
        csrf_token: random_token(),
        second_factor_pending,
        created_at: at,
        last_seen_at: at,
        expires_at: at + Duration::hours(ABSOLUTE_HOURS),
    };
    exec!(tx, c => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor_pending, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ).bind(&s.token_hash).bind(s.user_id).bind(&s.csrf_token).bind(s.second_factor_pending)
    .bind(s.created_at).bind(s.last_seen_at).bind(s.expires_at))?;
    Ok((token, s))
}

/// The live session for a cookie token, or `None` when unknown, idle too long or expired.
pub async fn find(tx: &mut Tx, token: &str) -> StoreResult<Option<Session>> {
    let at = now();
    let s: Option<Session> = on_tx!(tx, c => sqlx::query_as(
        "SELECT token_hash, user_id, csrf_token, second_factor_pending, created_at, last_seen_at, expires_at
         FROM sessions WHERE token_hash = $1"
    ).bind(token_hash(token)).fetch_optional(c).await)?;
    Ok(s.filter(|s| s.expires_at > at && s.last_seen_at + Duration::minutes(IDLE_MINUTES) > at))
}

/// Whether `session` is due a `last_seen_at` update.
pub fn needs_touch(s: &Session) -> bool {
    now() - s.last_seen_at > Duration::seconds(TOUCH_EVERY_SECONDS)
}

pub async fn touch(tx: &mut Tx, token_hash: &str) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
        .bind(token_hash).bind(now()))?;
    Ok(())
}

pub async fn complete_second_factor(tx: &mut Tx, token_hash: &str) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("UPDATE sessions SET second_factor_pending = FALSE WHERE token_hash = $1")
        .bind(token_hash))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, token_hash: &str) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash))?;
    Ok(())
}

pub async fn delete_for_user(tx: &mut Tx, user_id: Uuid) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id))?;
    Ok(())
}

/// Removes expired and idle sessions; run periodically by the server.
pub async fn purge_expired(tx: &mut Tx) -> StoreResult<u64> {
    let at = now();
    let n = exec!(tx, c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(at).bind(at - Duration::minutes(IDLE_MINUTES)))?;
    Ok(n)
}

