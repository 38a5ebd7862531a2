//! Staff accounts, their roles, sign-in state and second factor.
//!
//! Users are never deleted: deactivating keeps their history and the audit trail readable.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Duration, Utc};
use passerelle_core::access::{Role, Scope};
use passerelle_core::validate::Problems;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub agency_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub language: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub roles: Vec<Role>,
    /// One of the user's roles requires a second factor (the administrators' policy).
    pub second_factor_required: bool,
}

impl User {
    pub fn is_locked(&self, at: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|t| t > at)
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    display_name: String,
    agency_id: Option<Uuid>,
    team_id: Option<Uuid>,
    language: Option<String>,
    active: bool,
    must_change_password: bool,
    totp_enabled: bool,
    locked_until: Option<DateTime<Utc>>,
    last_sign_in_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

/// Qualified, so that they can be read beside a table with columns of the same names (a
/// session's `created_at`).
const USER_COLUMNS: &str = "users.id, users.email, users.display_name, users.agency_id, users.team_id, \
    users.language, users.active, users.must_change_password, users.totp_enabled, users.locked_until, \
    users.last_sign_in_at, users.created_at";

/// A user's row with one of their roles (none: NULL) and whether the policy requires a
/// second factor for that role: an account and its roles are read in one statement.
#[derive(sqlx::FromRow)]
pub(crate) struct UserRoleRow {
    #[sqlx(flatten)]
    user: UserRow,
    role: Option<String>,
    role_needs_second_factor: Option<bool>,
}

/// Where [`UserRoleRow`]'s columns come from: `users`, its roles `r` and their policy `p`.
pub(crate) const USER_ROLE_FROM: &str = "users LEFT JOIN user_roles r ON r.user_id = users.id LEFT JOIN role_policies p ON p.role = r.role";

fn user_role_select() -> String {
    format!("SELECT {} FROM {USER_ROLE_FROM}", user_role_columns())
}

/// The columns of [`UserRoleRow`], from [`USER_ROLE_FROM`].
pub(crate) fn user_role_columns() -> String {
    format!("{USER_COLUMNS}, r.role AS role, p.totp_required AS role_needs_second_factor")
}

/// Users from their rows with roles, grouped by user in the order met.
fn assemble(rows: Vec<UserRoleRow>) -> Vec<User> {
    let mut out: Vec<User> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|u| u.id != r.user.id) {
            out.push(r.user.with_roles(Vec::new()));
        }
        if let (Some(user), Some(code)) = (out.last_mut(), r.role) {
            // A role code this version does not know (written by a newer release) grants nothing.
            if let Ok(role) = code.parse::<Role>() {
                user.roles.push(role);
                user.second_factor_required |= r.role_needs_second_factor.unwrap_or(false);
            }
        }
    }
    out
}

/// What a statement joining a record (a session, an API token) to [`USER_ROLE_FROM`] read,
/// one row per role: the record, from the first row, and the account with all its roles.
pub(crate) fn held_by<T>(rows: Vec<(T, UserRoleRow)>) -> Option<(T, User)> {
    let mut rows = rows.into_iter();
    let (record, first) = rows.next()?;
    let user = assemble(std::iter::once(first).chain(rows.map(|(_, r)| r)).collect()).pop()?;
    Some((record, user))
}

impl UserRow {
    fn with_roles(self, roles: Vec<Role>) -> User {
        User {
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            agency_id: self.agency_id,
            team_id: self.team_id,
            language: self.language,
            active: self.active,
            must_change_password: self.must_change_password,
            totp_enabled: self.totp_enabled,
            locked_until: self.locked_until,
            last_sign_in_at: self.last_sign_in_at,
            created_at: self.created_at,
            roles,
            second_factor_required: false,
        }
    }
}

/// What an administrator enters for an account, before checks.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    pub email: String,
    pub display_name: String,
    pub agency_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub roles: Vec<String>,
    pub language: Option<String>,
}

struct CheckedUser {
    email: String,
    display_name: String,
    agency_id: Option<Uuid>,
    team_id: Option<Uuid>,
    roles: Vec<Role>,
    language: Option<String>,
}

async fn check_input(tx: &mut Tx, input: &UserInput) -> StoreResult<CheckedUser> {
    let mut p = Problems::default();
    let email = p.email("email", &input.email);
    let display_name = p.text("display_name", &input.display_name, true, 120);
    let mut roles = Vec::new();
    for r in &input.roles {
        match r.parse::<Role>() {
            Ok(role) if !roles.contains(&role) => roles.push(role),
            Ok(_) => {}
            Err(_) => p.add("roles", "unknown-choice"),
        }
    }
    if roles.is_empty() && p.for_field("roles").is_none() {
        p.add("roles", "required");
    }
    let language = input.language.as_deref().filter(|l| !l.is_empty());
    if let Some(l) = language {
        if l.parse::<passerelle_core::lang::Lang>().is_err() {
            p.add("language", "unknown-choice");
        }
    }
    if let Some(agency) = input.agency_id {
        if crate::agencies::get_agency(tx, agency).await?.is_none() {
            p.add("agency_id", "unknown-choice");
        }
    }
    if let Some(team) = input.team_id {
        match crate::agencies::get_team(tx, team).await? {
            Some(t) if Some(t.agency_id) == input.agency_id => {}
            Some(_) => p.add("team_id", "team-not-in-agency"),
            None => p.add("team_id", "unknown-choice"),
        }
    }
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    Ok(CheckedUser {
        email,
        display_name,
        agency_id: input.agency_id,
        team_id: input.team_id,
        roles,
        language: language.map(str::to_string),
    })
}

/// Creates an account. `password_hash` is `None` for an account that must be given a password
/// by reset before anyone can sign in with it.
pub async fn create_user(
    tx: &mut Tx,
    actor: Option<Uuid>,
    input: &UserInput,
    password_hash: Option<&str>,
    must_change_password: bool,
) -> StoreResult<User> {
    let u = check_input(tx, input).await?;
    let id = Uuid::now_v7();
    let at = now();
    exec!(tx, c => sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, agency_id, team_id, language,
                            active, must_change_password, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $9, $9)"
    ).bind(id).bind(&u.email).bind(&u.display_name).bind(password_hash).bind(u.agency_id)
    .bind(u.team_id).bind(u.language.as_deref()).bind(must_change_password).bind(at)
    ).map_err(StoreError::unique_as("email"))?;
    write_roles(tx, id, &u.roles).await?;
    let role_codes: Vec<&str> = u.roles.iter().map(|r| r.code()).collect();
    audit::append(tx, Event::new(actor, "user.create", "user").entity(id)
        .detail(json!({"roles": role_codes, "agency_id": u.agency_id}))).await?;
    get_user(tx, id).await?.ok_or(StoreError::NotFound)
}

async fn write_roles(tx: &mut Tx, id: Uuid, roles: &[Role]) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(id))?;
    for role in roles {
        exec!(tx, c => sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(id).bind(role.code()))?;
    }
    Ok(())
}

/// Changes an account's details, roles, agency and team. A change of roles is audited as a
/// permission change of its own.
pub async fn update_user(tx: &mut Tx, actor: Option<Uuid>, id: Uuid, input: &UserInput) -> StoreResult<User> {
    let before = get_user(tx, id).await?.ok_or(StoreError::NotFound)?;
    let u = check_input(tx, input).await?;
    exec!(tx, c => sqlx::query(
        "UPDATE users SET email = $2, display_name = $3, agency_id = $4, team_id = $5, language = $6,
                          updated_at = $7 WHERE id = $1"
    ).bind(id).bind(&u.email).bind(&u.display_name).bind(u.agency_id).bind(u.team_id)
    .bind(u.language.as_deref()).bind(now())).map_err(StoreError::unique_as("email"))?;
    let mut changed = Vec::new();
    if before.email != u.email { changed.push("email"); }
    if before.display_name != u.display_name { changed.push("display_name"); }
    if before.agency_id != u.agency_id { changed.push("agency_id"); }
    if before.team_id != u.team_id { changed.push("team_id"); }
    if before.language != u.language { changed.push("language"); }
    if !changed.is_empty() {
        audit::append(tx, Event::new(actor, "user.update", "user").entity(id)
            .detail(json!({"changed": changed}))).await?;
    }
    let mut old_roles = before.roles.clone();
    let mut new_roles = u.roles.clone();
    old_roles.sort();
    new_roles.sort();
    if old_roles != new_roles {
        write_roles(tx, id, &new_roles).await?;
        let codes = |rs: &[Role]| rs.iter().map(|r| r.code()).collect::<Vec<_>>();
        audit::append(tx, Event::new(actor, "user.roles_change", "user").entity(id)
            .detail(json!({"from": codes(&old_roles), "to": codes(&new_roles)}))).await?;
    }
    get_user(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Deactivating signs the person out everywhere and stops their API tokens; their records stay.
pub async fn set_active(tx: &mut Tx, actor: Option<Uuid>, id: Uuid, active: bool) -> StoreResult<()> {
    let n = exec!(tx, c => sqlx::query("UPDATE users SET active = $2, updated_at = $3 WHERE id = $1")
        .bind(id).bind(active).bind(now()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    if !active {
        crate::sessions::delete_for_user(tx, id).await?;
    }
    let action = if active { "user.reactivate" } else { "user.deactivate" };
    audit::append(tx, Event::new(actor, action, "user").entity(id)).await?;
    Ok(())
}

/// Sets a new password hash and ends every session of the account (an attacker who had one
/// is signed out). `must_change` forces a change at next sign-in (after an admin reset).
pub async fn set_password(
    tx: &mut Tx,
    actor: Option<Uuid>,
    id: Uuid,
    password_hash: &str,
    must_change: bool,
) -> StoreResult<()> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE users SET password_hash = $2, must_change_password = $3, failed_sign_ins = 0,
                          locked_until = NULL, updated_at = $4 WHERE id = $1"
    ).bind(id).bind(password_hash).bind(must_change).bind(now()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    crate::sessions::delete_for_user(tx, id).await?;
    let action = if actor == Some(id) { "user.password_change" } else { "user.password_reset" };
    audit::append(tx, Event::new(actor, action, "user").entity(id)).await?;
    Ok(())
}

pub async fn set_language(tx: &mut Tx, id: Uuid, language: &str) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
        .bind(id).bind(language))?;
    Ok(())
}

pub async fn get_user(tx: &mut Tx, id: Uuid) -> StoreResult<Option<User>> {
    let sql = format!("{} WHERE users.id = $1 ORDER BY r.role", user_role_select());
    let rows: Vec<UserRoleRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(c).await)?;
    Ok(assemble(rows).pop())
}

pub async fn find_by_email(tx: &mut Tx, email: &str) -> StoreResult<Option<User>> {
    let sql = format!("{} WHERE users.email = $1 ORDER BY r.role", user_role_select());
    let rows: Vec<UserRoleRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(email.trim().to_lowercase()).fetch_all(c).await)?;
    Ok(assemble(rows).pop())
}

/// The secrets needed to check a sign-in; kept apart from [`User`] so they never travel further.
pub struct Credentials {
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
}

pub async fn credentials(tx: &mut Tx, id: Uuid) -> StoreResult<Credentials> {
    let row: Option<(Option<String>, Option<String>, Option<i64>)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT password_hash, totp_secret, totp_last_step FROM users WHERE id = $1"
    ).bind(id).fetch_optional(c).await)?;
    let (password_hash, totp_secret, totp_last_step) = row.ok_or(StoreError::NotFound)?;
    Ok(Credentials { password_hash, totp_secret, totp_last_step })
}

/// Who can be listed, and how: the viewer's scope decides which rows exist for them.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub q: Option<String>,
    pub agency_id: Option<Uuid>,
    pub role: Option<Role>,
    pub include_inactive: bool,
    pub limit: i64,
    pub offset: i64,
}

/// The viewer, for scoping lists.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub id: Uuid,
    pub agency_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub scope: Scope,
}

impl Viewer {
    /// The viewer's scope as three binds for a WHERE clause `($a IS NULL OR agency_id = $a) AND
    /// ($t IS NULL OR team_id = $t) AND ($o IS NULL OR <owner> = $o)`: NULL means no limit, so
    /// out-of-scope rows are never read. Without an agency or team, nil matches nothing.
    pub fn scope_binds(&self) -> (Option<Uuid>, Option<Uuid>, Option<Uuid>) {
        match self.scope {
            Scope::All => (None, None, None),
            Scope::Agency => (Some(self.agency_id.unwrap_or(Uuid::nil())), None, None),
            Scope::Team => (None, Some(self.team_id.unwrap_or(Uuid::nil())), None),
            Scope::Own => (None, None, Some(self.id)),
        }
    }
}

pub async fn list_users(tx: &mut Tx, viewer: Viewer, f: &UserFilter) -> StoreResult<Vec<User>> {
    let q = f.q.as_ref().map(|q| format!("%{}%", crate::db::like_escape(&q.trim().to_lowercase())));
    let (scope_agency, scope_team, scope_own) = viewer.scope_binds();
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users
         WHERE ($1 IS NULL OR LOWER(display_name) LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\')
           AND ($2 IS NULL OR agency_id = $2)
           AND ($3 OR active = TRUE)
           AND ($4 IS NULL OR agency_id = $4)
           AND ($5 IS NULL OR team_id = $5)
           AND ($6 IS NULL OR id = $6)
           AND ($7 IS NULL OR id IN (SELECT user_id FROM user_roles WHERE role = $7))
         ORDER BY display_name LIMIT $8 OFFSET $9"
    );
    let rows: Vec<UserRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(q.as_deref()).bind(f.agency_id).bind(f.include_inactive)
        .bind(scope_agency).bind(scope_team).bind(scope_own).bind(f.role.map(|r| r.code()))
        .bind(f.limit.clamp(1, 500)).bind(f.offset.max(0))
        .fetch_all(c).await)?;
    // The page's roles in one statement (a national list holds hundreds of accounts).
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let with_roles: Vec<UserRoleRow> =
        crate::db::rows_for_ids(tx, |list| format!("{} WHERE users.id IN ({list}) ORDER BY users.id, r.role", user_role_select()), &ids).await?;
    let mut by_id: std::collections::HashMap<Uuid, User> = assemble(with_roles).into_iter().map(|u| (u.id, u)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

pub async fn count_users(tx: &mut Tx) -> StoreResult<i64> {
    let (n,): (i64,) = on_tx!(tx, c => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(c).await)?;
    Ok(n)
}

/// Sign-in policy: how many failures lock an account, and for how long.
pub const LOCK_AFTER_FAILURES: i32 = 5;
pub const LOCK_MINUTES: i64 = 15;

/// Counts a failed sign-in; the fifth in a row locks the account for [`LOCK_MINUTES`].
/// Returns the time until which the account is now locked, if it is.
pub async fn record_failure(tx: &mut Tx, id: Uuid) -> StoreResult<Option<DateTime<Utc>>> {
    let at = now();
    let (failures,): (i32,) = on_tx!(tx, c => sqlx::query_as(
        "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1 RETURNING failed_sign_ins"
    ).bind(id).fetch_one(c).await)?;
    if failures >= LOCK_AFTER_FAILURES {
        let until = at + Duration::minutes(LOCK_MINUTES);
        exec!(tx, c => sqlx::query("UPDATE users SET locked_until = $2, failed_sign_ins = 0 WHERE id = $1")
            .bind(id).bind(until))?;
        audit::append(tx, Event::new(None, "user.lock", "user").entity(id)
            .detail(json!({"minutes": LOCK_MINUTES}))).await?;
        return Ok(Some(until));
    }
    Ok(None)
}

pub async fn record_success(tx: &mut Tx, id: Uuid) -> StoreResult<()> {
    exec!(tx, c => sqlx::query(
        "UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $2 WHERE id = $1"
    ).bind(id).bind(now()))?;
    Ok(())
}

pub async fn unlock(tx: &mut Tx, actor: Option<Uuid>, id: Uuid) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1")
        .bind(id))?;
    audit::append(tx, Event::new(actor, "user.unlock", "user").entity(id)).await?;
    Ok(())
}

/// Stores a TOTP secret being set up (not yet enabled), or the enabled one.
pub async fn set_totp(tx: &mut Tx, id: Uuid, secret: Option<&str>, enabled: bool) -> StoreResult<()> {
    exec!(tx, c => sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_enabled = $3, totp_last_step = NULL, updated_at = $4 WHERE id = $1"
    ).bind(id).bind(secret).bind(enabled).bind(now()))?;
    if enabled || secret.is_none() {
        let action = if enabled { "user.totp_enable" } else { "user.totp_disable" };
        audit::append(tx, Event::new(Some(id), action, "user").entity(id)).await?;
    }
    Ok(())
}

/// Records the time step of an accepted TOTP code; a code is accepted only for a later step,
/// so an overheard code cannot be replayed.
pub async fn use_totp_step(tx: &mut Tx, id: Uuid, step: i64) -> StoreResult<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)"
    ).bind(id).bind(step))?;
    Ok(n == 1)
}

/// Roles for which a second factor is mandatory.
pub async fn totp_required_roles(tx: &mut Tx) -> StoreResult<Vec<Role>> {
    let rows: Vec<(String,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT role FROM role_policies WHERE totp_required = TRUE ORDER BY role"
    ).fetch_all(c).await)?;
    Ok(rows.into_iter().filter_map(|(r,)| r.parse().ok()).collect())
}

pub async fn set_totp_required_roles(tx: &mut Tx, actor: Option<Uuid>, roles: &[Role]) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("DELETE FROM role_policies"))?;
    for r in roles {
        exec!(tx, c => sqlx::query("INSERT INTO role_policies (role, totp_required) VALUES ($1, TRUE)")
            .bind(r.code()))?;
    }
    let codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    audit::append(tx, Event::new(actor, "policy.totp_required", "policy")
        .detail(json!({"roles": codes}))).await?;
    Ok(())
}

/// Sign-in attempts by address, for throttling guessing across many accounts.
pub async fn record_attempt(tx: &mut Tx, email: &str, ip: &str, success: bool) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("INSERT INTO sign_in_attempts (email, ip, at, success) VALUES ($1, $2, $3, $4)")
        .bind(email).bind(ip).bind(now()).bind(success))?;
    Ok(())
}

pub async fn recent_failures_from(tx: &mut Tx, ip: &str, since: DateTime<Utc>) -> StoreResult<i64> {
    let (n,): (i64,) = on_tx!(tx, c => sqlx::query_as(
        "SELECT COUNT(*) FROM sign_in_attempts WHERE ip = $1 AND at >= $2 AND success = FALSE"
    ).bind(ip).bind(since).fetch_one(c).await)?;
    Ok(n)
}

/// Whether `viewer` may see `user`: the same rule as the `WHERE` clause of [`list_users`],
/// for reading a single account.
pub fn visible_to(viewer: &Viewer, user: &User) -> bool {
    match viewer.scope {
        Scope::All => true,
        Scope::Agency => viewer.agency_id.is_some() && user.agency_id == viewer.agency_id,
        Scope::Team => viewer.team_id.is_some() && user.team_id == viewer.team_id,
        Scope::Own => user.id == viewer.id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An account is read with its roles and the second-factor policy of those roles in one
    /// statement (every page's access check), and a list reads its page's roles together: the
    /// same accounts either way.
    #[tokio::test]
    async fn accounts_are_read_with_their_roles_and_second_factor_policy() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let mut tx = store.write().await.unwrap();
        let input = |email: &str, name: &str, roles: &[&str]| UserInput {
            email: email.into(),
            display_name: name.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            ..Default::default()
        };
        let both = create_user(&mut tx, None, &input("both@example.org", "A Both", &["supervisor", "caseworker"]), None, false).await.unwrap();
        create_user(&mut tx, None, &input("trainer@example.org", "B Trainer", &["trainer"]), None, false).await.unwrap();
        set_totp_required_roles(&mut tx, None, &[Role::Supervisor]).await.unwrap();
        let both = get_user(&mut tx, both.id).await.unwrap().unwrap();
        assert_eq!(both.roles, [Role::Caseworker, Role::Supervisor]);
        assert!(both.second_factor_required, "the supervisor role requires it");
        let trainer = find_by_email(&mut tx, " Trainer@Example.org").await.unwrap().unwrap();
        assert_eq!(trainer.roles, [Role::Trainer]);
        assert!(!trainer.second_factor_required);
        assert!(get_user(&mut tx, Uuid::now_v7()).await.unwrap().is_none());
        let viewer = Viewer { id: both.id, agency_id: None, team_id: None, scope: Scope::All };
        let listed = list_users(&mut tx, viewer, &UserFilter { limit: 50, ..Default::default() }).await.unwrap();
        let summary = |u: &User| (u.id, u.roles.clone(), u.second_factor_required);
        assert_eq!(listed.iter().map(summary).collect::<Vec<_>>(), [summary(&both), summary(&trainer)], "by display name");
    }
}
