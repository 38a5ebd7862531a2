//! Server-side sessions, kept in the database so that several app servers share them.
//!
//! The browser holds a random token; the database holds its SHA-256. A session expires after
//! [`IDLE_MINUTES`] without use and, whatever the use, [`ABSOLUTE_HOURS`] after sign-in.

use crate::db::{now, Store, Tx};
use crate::error::StoreResult;
use crate::secrets::{random_token, token_hash};
use crate::users::{self, User, USER_ROLE_FROM};
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
    #[sqlx(rename = "session_created_at")]
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

/// The live session for a cookie token and the account holding it, or `None` when the token is
/// unknown, idle too long or expired. Every signed-in request reads both: one statement, not
/// two, outside a transaction (on SQLite each statement, BEGIN and ROLLBACK included, is a round
/// trip to the connection's thread).
pub async fn find(store: &Store, token: &str) -> StoreResult<Option<(Session, User)>> {
    // CROSS JOIN: the session first (by its key), then its account; SQLite keeps that order.
    // Written once: every signed-in request runs it.
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT s.token_hash, s.user_id, s.csrf_token, s.second_factor_pending, s.created_at AS session_created_at,
                    s.last_seen_at, s.expires_at, {}
             FROM sessions s CROSS JOIN {USER_ROLE_FROM}
             WHERE s.token_hash = $1 AND users.id = s.user_id ORDER BY r.role",
            users::user_role_columns()
        )
    });
    let rows: Vec<SessionUserRow> = on_pool!(store, c => sqlx::query_as(sqlx::AssertSqlSafe(SQL.as_str()))
        .bind(token_hash(token)).fetch_all(c).await)?;
    let at = now();
    Ok(users::held_by(rows.into_iter().map(|r| (r.session, r.user)).collect())
        .filter(|(s, _)| s.expires_at > at && s.last_seen_at + Duration::minutes(IDLE_MINUTES) > at))
}

#[derive(sqlx::FromRow)]
struct SessionUserRow {
    #[sqlx(flatten)]
    session: Session,
    #[sqlx(flatten)]
    user: users::UserRoleRow,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::{create_user, set_totp_required_roles, UserInput};
    use passerelle_core::access::Role;

    /// A session is read with its account, the account's roles and their second-factor policy
    /// in one statement; an unknown, expired or idle session finds nothing.
    #[tokio::test]
    async fn a_session_is_found_with_its_account_while_it_lives() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let mut tx = store.write().await.unwrap();
        let input = UserInput {
            email: "both@example.org".into(),
            display_name: "A Both".into(),
            roles: vec!["supervisor".into(), "caseworker".into()],
            ..Default::default()
        };
        let user = create_user(&mut tx, None, &input, None, false).await.unwrap();
        set_totp_required_roles(&mut tx, None, &[Role::Supervisor]).await.unwrap();
        let (live, created) = create(&mut tx, user.id, true).await.unwrap();
        let (expired, _) = create(&mut tx, user.id, false).await.unwrap();
        let (idle, _) = create(&mut tx, user.id, false).await.unwrap();
        let past = now() - Duration::minutes(IDLE_MINUTES + 1);
        exec!(&mut tx, c => sqlx::query("UPDATE sessions SET expires_at = $2 WHERE token_hash = $1").bind(token_hash(&expired)).bind(past)).unwrap();
        exec!(&mut tx, c => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1").bind(token_hash(&idle)).bind(past)).unwrap();
        exec!(&mut tx, c => sqlx::query("UPDATE users SET created_at = $2 WHERE id = $1").bind(user.id).bind(past - Duration::days(30))).unwrap();
        tx.commit().await.unwrap();

        let (session, found) = find(&store, &live).await.unwrap().expect("a live session");
        assert_eq!((session.token_hash.as_str(), session.csrf_token.as_str()), (created.token_hash.as_str(), created.csrf_token.as_str()));
        assert!(session.second_factor_pending);
        assert_eq!(session.created_at.timestamp(), created.created_at.timestamp(), "the session's time, not the account's");
        assert_eq!((found.id, found.email.as_str()), (user.id, "both@example.org"));
        assert_eq!(found.roles, [Role::Caseworker, Role::Supervisor]);
        assert!(found.second_factor_required, "the supervisor role requires it");
        for gone in [expired.as_str(), idle.as_str(), "not-a-session"] {
            assert!(find(&store, gone).await.unwrap().is_none(), "{gone}");
        }
    }
}
