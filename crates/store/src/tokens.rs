//! Personal API tokens for scripts and integrations.
//!
//! A token acts with its owner's permissions, never more. Only its SHA-256 is stored; the
//! token itself is shown once, at creation. The first characters are kept as a `prefix` so an
//! owner can tell their tokens apart.

use crate::audit::{self, Event};
use crate::db::{now, Store, Tx};
use crate::error::{StoreError, StoreResult};
use crate::secrets::{random_token, token_hash};
use crate::users::{self, User, USER_ROLE_FROM};
use chrono::{DateTime, Utc};
use passerelle_core::validate::Problems;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// Every token starts with this, so secret scanners and people recognise one.
pub const TOKEN_PREFIX: &str = "psl_";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, user_id, name, prefix, created_at, last_used_at, revoked_at";

/// Creates a token for `user_id` and returns it with the secret (shown once).
pub async fn create(tx: &mut Tx, actor: Option<Uuid>, user_id: Uuid, name: &str) -> StoreResult<(String, ApiToken)> {
    let mut p = Problems::default();
    let name = p.text("name", name, true, 100);
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let secret = format!("{TOKEN_PREFIX}{}", random_token());
    let t = ApiToken {
        id: Uuid::now_v7(),
        user_id,
        name,
        prefix: secret.chars().take(10).collect(),
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
    };
    exec!(tx, c => sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    ).bind(t.id).bind(t.user_id).bind(&t.name).bind(token_hash(&secret)).bind(&t.prefix).bind(t.created_at)
    )?;
    audit::append(tx, Event::new(actor, "token.create", "api_token").entity(t.id)
        .detail(json!({"user_id": user_id}))).await?;
    Ok((secret, t))
}

pub async fn list_for_user(tx: &mut Tx, user_id: Uuid) -> StoreResult<Vec<ApiToken>> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(c).await)?)
}

/// Revokes one of `user_id`'s tokens. Another user's token is "not found", not "forbidden",
/// so its existence is not revealed.
pub async fn revoke(tx: &mut Tx, actor: Option<Uuid>, user_id: Uuid, id: Uuid) -> StoreResult<()> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"
    ).bind(id).bind(user_id).bind(now()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(tx, Event::new(actor, "token.revoke", "api_token").entity(id)).await?;
    Ok(())
}

/// A live token found by its secret.
pub struct TokenUse {
    pub id: Uuid,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The live token for `secret`, if any, and its owner (who must be active), in one statement
/// outside a transaction: every request of an API client makes it (see `crate::sessions::find`).
/// Read-only: recording the use is [`mark_used`], done in a write transaction at most once a minute.
pub async fn authenticate(store: &Store, secret: &str) -> StoreResult<Option<(TokenUse, User)>> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    // Written once: every API request runs it.
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT t.id AS token_id, t.last_used_at AS token_last_used_at, {}
             FROM api_tokens t CROSS JOIN {USER_ROLE_FROM}
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND users.id = t.user_id AND users.active = TRUE
             ORDER BY r.role",
            users::user_role_columns()
        )
    });
    let rows: Vec<TokenUserRow> = on_pool!(store, c => sqlx::query_as(sqlx::AssertSqlSafe(SQL.as_str()))
        .bind(token_hash(secret)).fetch_all(c).await)?;
    Ok(users::held_by(rows.into_iter().map(|r| (TokenUse { id: r.token_id, last_used_at: r.token_last_used_at }, r.user)).collect()))
}

#[derive(sqlx::FromRow)]
struct TokenUserRow {
    token_id: Uuid,
    token_last_used_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    user: users::UserRoleRow,
}

pub async fn mark_used(tx: &mut Tx, id: Uuid) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .bind(id).bind(now()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::{create_user, set_active, UserInput};
    use passerelle_core::access::Role;

    /// A token is found with its owner and the owner's roles in one statement; a revoked
    /// token, a deactivated owner's token and an unknown secret find nothing.
    #[tokio::test]
    async fn a_token_opens_its_active_owner_until_revoked() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let mut tx = store.write().await.unwrap();
        let input = |email: &str| UserInput { email: email.into(), display_name: email.into(), roles: vec!["caseworker".into(), "trainer".into()], ..Default::default() };
        let owner = create_user(&mut tx, None, &input("owner@example.org"), None, false).await.unwrap();
        let leaver = create_user(&mut tx, None, &input("leaver@example.org"), None, false).await.unwrap();
        let (live, t) = create(&mut tx, None, owner.id, "sync").await.unwrap();
        let (revoked, r) = create(&mut tx, None, owner.id, "old").await.unwrap();
        revoke(&mut tx, None, owner.id, r.id).await.unwrap();
        let (left, _) = create(&mut tx, None, leaver.id, "sync").await.unwrap();
        set_active(&mut tx, None, leaver.id, false).await.unwrap();
        tx.commit().await.unwrap();

        let (used, user) = authenticate(&store, &live).await.unwrap().expect("a live token");
        assert_eq!((used.id, used.last_used_at), (t.id, None));
        assert_eq!((user.id, user.roles.as_slice()), (owner.id, [Role::Caseworker, Role::Trainer].as_slice()));
        for gone in [revoked.as_str(), left.as_str(), "psl_not-a-token", "no-prefix"] {
            assert!(authenticate(&store, gone).await.unwrap().is_none(), "{gone}");
        }
    }
}
