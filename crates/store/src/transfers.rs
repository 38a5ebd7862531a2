//! Moving a case: reassignment to another caseworker of the team by a supervisor, and transfer
//! to another agency, which the receiving side accepts (choosing who takes it) or declines. Until
//! accepted, the receiving agency sees only what it needs to decide: the case reference, the
//! procedure, the risk level and the reason, never the person.

use crate::audit::{self, Event};
use crate::cases::{bump, Case};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::narratives::{Fields, TRANSFERS};
use passerelle_core::privacy::seal::Keyring;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

/// Gives the case to `to_user`, who must be an active caseworker or supervisor of the case's team.
pub async fn reassign(tx: &mut Tx, actor: Uuid, case: &Case, to_user: Uuid, version: i64) -> StoreResult<bool> {
    let ok: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id FROM users u WHERE u.id = $1 AND u.active = TRUE AND u.team_id = $2
           AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('caseworker', 'supervisor'))")
        .bind(to_user).bind(case.team_id).fetch_optional(c).await)?;
    if ok.is_none() {
        return Ok(false);
    }
    bump(tx, case.id, version).await?;
    exec!(tx, c => sqlx::query("UPDATE cases SET assigned_to = $1 WHERE id = $2").bind(to_user).bind(case.id))?;
    audit::append(tx, Event::new(Some(actor), "case.reassign", "case").entity(case.id).detail(json!({"to": to_user}))).await?;
    Ok(true)
}

/// Who in the case's team may take it.
pub async fn team_members(tx: &mut Tx, team: Option<Uuid>) -> StoreResult<Vec<(Uuid, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.display_name FROM users u WHERE u.active = TRUE AND u.team_id = $1
           AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('caseworker', 'supervisor'))
         ORDER BY u.display_name").bind(team).fetch_all(c).await)?)
}

#[derive(Debug, Clone)]
pub struct Transfer {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_reference: String,
    pub sop_id: String,
    pub risk: String,
    pub from_name: String,
    pub to_agency: Uuid,
    pub to_agency_name: String,
    pub to_team: Option<Uuid>,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    pub status: String,
    pub comment: Option<String>,
}

/// Asks another agency (optionally one of its teams) to take the case. One pending transfer at
/// a time.
pub async fn request(tx: &mut Tx, actor: Uuid, case: &Case, to_agency: Uuid, to_team: Option<Uuid>, reason: &str, version: i64) -> StoreResult<bool> {
    let pending: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id FROM case_transfers WHERE case_id = $1 AND status = 'pending'").bind(case.id).fetch_optional(c).await)?;
    if pending.is_some() || !case.is_open() {
        return Ok(false);
    }
    if let Some(team) = to_team {
        match crate::agencies::get_team(tx, team).await? {
            Some(t) if t.agency_id == to_agency => {}
            _ => return Ok(false),
        }
    }
    bump(tx, case.id, version).await?;
    // The reason is kept only sealed.
    let id = Uuid::now_v7();
    let (sealed, key) = TRANSFERS.seal(tx.keyring(), id, &Fields::default().with("reason", Some(reason)))?;
    exec!(tx, c => sqlx::query(
        "INSERT INTO case_transfers (id, case_id, from_user, to_agency, to_team, reason, requested_at, status, sealed, seal_key)
         VALUES ($1, $2, $3, $4, $5, '', $6, 'pending', $7, $8)")
        .bind(id).bind(case.id).bind(actor).bind(to_agency).bind(to_team).bind(now()).bind(sealed).bind(key))?;
    audit::append(tx, Event::new(Some(actor), "case.transfer.request", "case").entity(case.id)
        .detail(json!({"to_agency": to_agency, "to_team": to_team}))).await?;
    Ok(true)
}

const COLUMNS: &str = "t.id, t.case_id, c.reference, c.sop_id, c.risk, u.display_name, t.to_agency, a.name, t.to_team, t.reason,
     t.requested_at, t.status, t.comment, t.sealed";
const FROM: &str = "case_transfers t JOIN cases c ON c.id = t.case_id JOIN users u ON u.id = t.from_user JOIN agencies a ON a.id = t.to_agency";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    case_id: Uuid,
    reference: String,
    sop_id: String,
    risk: String,
    display_name: String,
    to_agency: Uuid,
    name: String,
    to_team: Option<Uuid>,
    reason: String,
    requested_at: DateTime<Utc>,
    status: String,
    comment: Option<String>,
    sealed: Option<Vec<u8>>,
}

/// The transfer with its reason and comment opened.
fn from_row(ring: &Keyring, r: Row) -> StoreResult<Transfer> {
    let text = TRANSFERS.open(ring, r.id, r.sealed.as_deref(), &[("reason", Some(&r.reason)), ("comment", r.comment.as_deref())])?;
    Ok(Transfer {
        id: r.id,
        case_id: r.case_id,
        case_reference: r.reference,
        sop_id: r.sop_id,
        risk: r.risk,
        from_name: r.display_name,
        to_agency: r.to_agency,
        to_agency_name: r.name,
        to_team: r.to_team,
        reason: text.text("reason"),
        requested_at: r.requested_at,
        status: r.status,
        comment: text.get("comment"),
    })
}

/// Transfers waiting for a supervisor of `agency` (and, when the transfer names a team, of
/// that team).
pub async fn incoming(tx: &mut Tx, agency: Option<Uuid>, team: Option<Uuid>) -> StoreResult<Vec<Transfer>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE t.status = 'pending' AND t.to_agency = $1 AND (t.to_team IS NULL OR t.to_team = $2) ORDER BY t.requested_at");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(agency).bind(team).fetch_all(c).await)?;
    rows.into_iter().map(|r| from_row(tx.keyring(), r)).collect()
}

/// Every transfer of a case, newest first.
pub async fn of_case(tx: &mut Tx, case_id: Uuid) -> StoreResult<Vec<Transfer>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE t.case_id = $1 ORDER BY t.requested_at DESC");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(case_id).fetch_all(c).await)?;
    rows.into_iter().map(|r| from_row(tx.keyring(), r)).collect()
}

/// A pending transfer the receiving supervisor may decide on.
pub async fn pending_for(tx: &mut Tx, id: Uuid, agency: Option<Uuid>, team: Option<Uuid>) -> StoreResult<Option<Transfer>> {
    Ok(incoming(tx, agency, team).await?.into_iter().find(|t| t.id == id))
}

/// Accepts a transfer: the case moves to the receiving agency and team, assigned to `assignee`
/// (a caseworker or supervisor of that team).
pub async fn accept(tx: &mut Tx, actor: Uuid, transfer: &Transfer, team: Uuid, assignee: Uuid) -> StoreResult<bool> {
    let ok: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id FROM users u JOIN teams t ON t.id = u.team_id WHERE u.id = $1 AND u.active = TRUE AND u.team_id = $2 AND t.agency_id = $3
           AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('caseworker', 'supervisor'))")
        .bind(assignee).bind(team).bind(transfer.to_agency).fetch_optional(c).await)?;
    if ok.is_none() {
        return Ok(false);
    }
    let n = exec!(tx, c => sqlx::query(
        "UPDATE case_transfers SET status = 'accepted', decided_by = $1, decided_at = $2 WHERE id = $3 AND status = 'pending'")
        .bind(actor).bind(now()).bind(transfer.id))?;
    if n == 0 {
        return Err(StoreError::Stale("transfer"));
    }
    exec!(tx, c => sqlx::query(
        "UPDATE cases SET agency_id = $1, team_id = $2, assigned_to = $3, version = version + 1, updated_at = $4 WHERE id = $5")
        .bind(transfer.to_agency).bind(team).bind(assignee).bind(now()).bind(transfer.case_id))?;
    audit::append(tx, Event::new(Some(actor), "case.transfer.accept", "case").entity(transfer.case_id)
        .detail(json!({"assigned_to": assignee, "team": team}))).await?;
    Ok(true)
}

pub async fn decline(tx: &mut Tx, actor: Uuid, transfer: &Transfer, comment: &str) -> StoreResult<()> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE case_transfers SET status = 'declined', decided_by = $1, decided_at = $2 WHERE id = $3 AND status = 'pending'")
        .bind(actor).bind(now()).bind(transfer.id))?;
    if n == 0 {
        return Err(StoreError::Stale("transfer"));
    }
    // The comment is kept only sealed, with the reason.
    TRANSFERS.set(tx, transfer.id, &[("comment", Some(comment))]).await?;
    audit::append(tx, Event::new(Some(actor), "case.transfer.decline", "case").entity(transfer.case_id)).await?;
    Ok(())
}
