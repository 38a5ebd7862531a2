//! The case plan as structured data: goals, and under each the actions that reach it, with who
//! does them (a user, an agency or a directory service), by when, and their status. Each goal and
//! action carries its own version, so two people editing the same action get a conflict
//! (`Stale`), while edits to different actions do not block each other. An action past its date
//! and still planned or in progress is overdue: flagged on the case and on the dashboard of the
//! caseworker (of the case, or named on the action). Changes are audited with field names only.

use crate::audit::{self, Event};
use crate::cases::{Case, VISIBLE};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::narratives::{Fields, PLAN_ACTIONS, PLAN_GOALS};
use crate::people::Sight;
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

pub const STATUSES: &[&str] = &["planned", "in_progress", "done", "cancelled"];
/// Statuses of an action still to do (overdue when past its date).
const PENDING: &str = "('planned', 'in_progress')";

/// Who does an action. On forms: `user:<id>`, `agency:<id>`, `service:<id>` or empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Who {
    #[default]
    Nobody,
    User(Uuid),
    Agency(Uuid),
    Service(Uuid),
}

impl Who {
    pub fn parse(s: &str) -> Option<Who> {
        let s = s.trim();
        if s.is_empty() {
            return Some(Who::Nobody);
        }
        let (kind, id) = s.split_once(':')?;
        let id: Uuid = id.parse().ok()?;
        match kind {
            "user" => Some(Who::User(id)),
            "agency" => Some(Who::Agency(id)),
            "service" => Some(Who::Service(id)),
            _ => None,
        }
    }

    pub fn code(&self) -> String {
        match self {
            Who::Nobody => String::new(),
            Who::User(id) => format!("user:{id}"),
            Who::Agency(id) => format!("agency:{id}"),
            Who::Service(id) => format!("service:{id}"),
        }
    }

    fn columns(&self) -> (Option<Uuid>, Option<Uuid>, Option<Uuid>) {
        match *self {
            Who::Nobody => (None, None, None),
            Who::User(u) => (Some(u), None, None),
            Who::Agency(a) => (None, Some(a), None),
            Who::Service(s) => (None, None, Some(s)),
        }
    }

    /// Whether the user, agency or service exists (an active user).
    async fn exists(&self, tx: &mut Tx) -> StoreResult<bool> {
        let found: Option<(Uuid,)> = match *self {
            Who::Nobody => return Ok(true),
            Who::User(id) => on_tx!(tx, c => sqlx::query_as("SELECT id FROM users WHERE id = $1 AND active = TRUE").bind(id).fetch_optional(c).await)?,
            Who::Agency(id) => on_tx!(tx, c => sqlx::query_as("SELECT id FROM agencies WHERE id = $1").bind(id).fetch_optional(c).await)?,
            Who::Service(id) => on_tx!(tx, c => sqlx::query_as("SELECT id FROM directory_services WHERE id = $1").bind(id).fetch_optional(c).await)?,
        };
        Ok(found.is_some())
    }
}

#[derive(Debug, Clone)]
pub struct Goal {
    pub id: Uuid,
    pub title: String,
    pub version: i64,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone)]
pub struct Action {
    pub id: Uuid,
    pub goal_id: Uuid,
    pub description: String,
    pub who: Who,
    /// The name of the user, agency or service, as it is now.
    pub who_name: String,
    pub due_on: Option<NaiveDate>,
    pub status: String,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl Action {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        matches!(self.status.as_str(), "planned" | "in_progress") && self.due_on.is_some_and(|d| d < today)
    }
}

/// An action as a form sends it.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub description: String,
    pub who: String,
    pub due_on: String,
    pub status: String,
}

struct Checked {
    description: String,
    who: Who,
    due_on: Option<NaiveDate>,
    status: String,
}

/// Checks an action; every problem at once (the assignee's existence included).
async fn check_action(tx: &mut Tx, input: &ActionInput) -> StoreResult<Checked> {
    let mut p = Problems::default();
    let description = p.text("description", &input.description, true, 1000);
    let who = Who::parse(&input.who);
    match who {
        None => p.add("who", "unknown-choice"),
        Some(w) if !w.exists(tx).await? => p.add("who", "unknown-choice"),
        Some(_) => {}
    }
    let due = input.due_on.trim();
    let due_on = if due.is_empty() {
        None
    } else {
        match NaiveDate::parse_from_str(due, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                p.add("due_on", "not-a-date");
                None
            }
        }
    };
    let status = if input.status.trim().is_empty() { "planned".to_string() } else { input.status.trim().to_string() };
    if !STATUSES.contains(&status.as_str()) {
        p.add("status", "unknown-choice");
    }
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    Ok(Checked { description, who: who.unwrap_or_default(), due_on, status })
}

fn open(case: &Case) -> StoreResult<()> {
    if case.is_open() {
        Ok(())
    } else {
        Err(StoreError::Invalid(Problems(vec![passerelle_core::validate::FieldError::new("case", "case-closed")])))
    }
}

fn goal_title(title: &str) -> StoreResult<String> {
    let mut p = Problems::default();
    let t = p.text("title", title, true, 300);
    if p.is_empty() {
        Ok(t)
    } else {
        Err(StoreError::Invalid(p))
    }
}

/// Adds a goal to the plan of an open case.
pub async fn add_goal(tx: &mut Tx, actor: Uuid, case: &Case, title: &str) -> StoreResult<Uuid> {
    open(case)?;
    let title = goal_title(title)?;
    let id = Uuid::now_v7();
    let at = now();
    // The title is sealed (`narratives`): the clear column only ever holds ''.
    exec!(tx, c => sqlx::query("INSERT INTO case_plan_goals (id, case_id, title, created_by, created_at, updated_at, version) VALUES ($1, $2, '', $3, $4, $4, 1)")
        .bind(id).bind(case.id).bind(actor).bind(at))?;
    PLAN_GOALS.write(tx, id, &Fields::default().with("title", Some(&title))).await?;
    audit::append(tx, Event::new(Some(actor), "case.plan.goal.add", "case").entity(case.id).detail(json!({"goal": id}))).await?;
    Ok(id)
}

/// Renames a goal, if nobody changed it since `version` was read.
pub async fn update_goal(tx: &mut Tx, actor: Uuid, case: &Case, goal: Uuid, version: i64, title: &str) -> StoreResult<()> {
    open(case)?;
    let title = goal_title(title)?;
    let n = exec!(tx, c => sqlx::query("UPDATE case_plan_goals SET updated_at = $1, version = version + 1 WHERE id = $2 AND case_id = $3 AND version = $4")
        .bind(now()).bind(goal).bind(case.id).bind(version))?;
    if n == 0 {
        return Err(goal_gone_or_stale(tx, case.id, goal).await?);
    }
    PLAN_GOALS.write(tx, goal, &Fields::default().with("title", Some(&title))).await?;
    audit::append(tx, Event::new(Some(actor), "case.plan.goal.update", "case").entity(case.id).detail(json!({"goal": goal, "fields": ["title"]}))).await?;
    Ok(())
}

async fn goal_gone_or_stale(tx: &mut Tx, case: Uuid, goal: Uuid) -> StoreResult<StoreError> {
    let found: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM case_plan_goals WHERE id = $1 AND case_id = $2").bind(goal).bind(case).fetch_optional(c).await)?;
    Ok(if found.is_some() { StoreError::Stale("case_plan_goal") } else { StoreError::NotFound })
}

/// Adds an action under a goal of the case.
pub async fn add_action(tx: &mut Tx, actor: Uuid, case: &Case, goal: Uuid, input: &ActionInput) -> StoreResult<Uuid> {
    open(case)?;
    let found: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM case_plan_goals WHERE id = $1 AND case_id = $2").bind(goal).bind(case.id).fetch_optional(c).await)?;
    if found.is_none() {
        return Err(StoreError::NotFound);
    }
    let a = check_action(tx, input).await?;
    let (u, g, s) = a.who.columns();
    let id = Uuid::now_v7();
    let at = now();
    exec!(tx, c => sqlx::query(
        "INSERT INTO case_plan_actions (id, goal_id, case_id, description, assignee_user, assignee_agency, assignee_service, due_on, status,
             created_by, created_at, updated_by, updated_at, version)
         VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, $9, $10, $9, $10, 1)")
        .bind(id).bind(goal).bind(case.id).bind(u).bind(g).bind(s).bind(a.due_on).bind(&a.status).bind(actor).bind(at))?;
    PLAN_ACTIONS.write(tx, id, &Fields::default().with("description", Some(&a.description))).await?;
    audit::append(tx, Event::new(Some(actor), "case.plan.action.add", "case").entity(case.id).detail(json!({"action": id, "status": a.status}))).await?;
    Ok(id)
}

/// Changes an action, if nobody changed it since `version` was read (else `Stale`). The audit
/// entry names the fields that changed.
pub async fn update_action(tx: &mut Tx, actor: Uuid, case: &Case, action: Uuid, version: i64, input: &ActionInput) -> StoreResult<()> {
    open(case)?;
    let before = of_case(tx, case.id).await?.into_iter().flat_map(|g| g.actions).find(|a| a.id == action).ok_or(StoreError::NotFound)?;
    let a = check_action(tx, input).await?;
    let (u, g, s) = a.who.columns();
    let n = exec!(tx, c => sqlx::query(
        "UPDATE case_plan_actions SET assignee_user = $1, assignee_agency = $2, assignee_service = $3, due_on = $4,
             status = $5, updated_by = $6, updated_at = $7, version = version + 1
         WHERE id = $8 AND case_id = $9 AND version = $10")
        .bind(u).bind(g).bind(s).bind(a.due_on).bind(&a.status).bind(actor).bind(now())
        .bind(action).bind(case.id).bind(version))?;
    if n == 0 {
        return Err(StoreError::Stale("case_plan_action"));
    }
    PLAN_ACTIONS.write(tx, action, &Fields::default().with("description", Some(&a.description))).await?;
    let mut fields = Vec::new();
    if before.description != a.description {
        fields.push("description");
    }
    if before.who != a.who {
        fields.push("who");
    }
    if before.due_on != a.due_on {
        fields.push("due_on");
    }
    if before.status != a.status {
        fields.push("status");
    }
    audit::append(tx, Event::new(Some(actor), "case.plan.action.update", "case").entity(case.id)
        .detail(json!({"action": action, "fields": fields, "status": a.status}))).await?;
    Ok(())
}

type ActionRow = (Uuid, Uuid, String, Option<Uuid>, Option<Uuid>, Option<Uuid>, Option<String>, Option<String>, Option<String>,
    Option<NaiveDate>, String, i64, String, DateTime<Utc>, Option<Vec<u8>>);

/// The plan of a case: goals in the order they were set, their actions by date.
pub async fn of_case(tx: &mut Tx, case_id: Uuid) -> StoreResult<Vec<Goal>> {
    let goals: Vec<(Uuid, String, i64, Option<Vec<u8>>)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, title, version, sealed FROM case_plan_goals WHERE case_id = $1 ORDER BY created_at, id").bind(case_id).fetch_all(c).await)?;
    let rows: Vec<ActionRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.goal_id, a.description, a.assignee_user, a.assignee_agency, a.assignee_service, u.display_name, g.name, s.name,
                a.due_on, a.status, a.version, w.display_name, a.updated_at, a.sealed
         FROM case_plan_actions a LEFT JOIN users u ON u.id = a.assignee_user LEFT JOIN agencies g ON g.id = a.assignee_agency
           LEFT JOIN directory_services s ON s.id = a.assignee_service JOIN users w ON w.id = a.updated_by
         WHERE a.case_id = $1 ORDER BY a.due_on IS NULL, a.due_on, a.created_at").bind(case_id).fetch_all(c).await)?;
    let ring = tx.keyring();
    let mut out = Vec::new();
    for (id, title, version, sealed) in goals {
        let title = PLAN_GOALS.open(ring, id, sealed.as_deref(), &[("title", Some(&title))])?.text("title");
        out.push(Goal { id, title, version, actions: vec![] });
    }
    for r in rows {
        let who = match (r.3, r.4, r.5) {
            (Some(u), _, _) => Who::User(u),
            (_, Some(g), _) => Who::Agency(g),
            (_, _, Some(s)) => Who::Service(s),
            _ => Who::Nobody,
        };
        let who_name = r.6.or(r.7).or(r.8).unwrap_or_default();
        let description = PLAN_ACTIONS.open(ring, r.0, r.14.as_deref(), &[("description", Some(&r.2))])?.text("description");
        let action = Action { id: r.0, goal_id: r.1, description, who, who_name, due_on: r.9, status: r.10, version: r.11, updated_by: r.12, updated_at: r.13 };
        if let Some(g) = out.iter_mut().find(|g| g.id == action.goal_id) {
            g.actions.push(action);
        }
    }
    Ok(out)
}

/// The case an action belongs to.
pub async fn case_of_action(tx: &mut Tx, action: Uuid) -> StoreResult<Option<Uuid>> {
    let row: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as("SELECT case_id FROM case_plan_actions WHERE id = $1").bind(action).fetch_optional(c).await)?;
    Ok(row.map(|(c,)| c))
}

/// The number of overdue actions of a case on `today`.
pub async fn overdue_count(tx: &mut Tx, case_id: Uuid, today: NaiveDate) -> StoreResult<i64> {
    let sql = overdue_count_sql();
    let (n,): (i64,) = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(case_id).bind(today).fetch_one(c).await)?;
    Ok(n)
}

fn overdue_count_sql() -> String {
    format!("SELECT COUNT(*) FROM case_plan_actions WHERE case_id = $1 AND status IN {PENDING} AND due_on < $2")
}

/// An overdue action on a caseworker's dashboard.
#[derive(Debug, Clone)]
pub struct Overdue {
    pub case_id: Uuid,
    pub reference: String,
    pub description: String,
    pub due_on: NaiveDate,
}

/// Overdue actions of open cases the viewer may see and is responsible for: their own cases, or
/// actions they are named on. Oldest date first. Two branches, each through its index (the
/// viewer's cases, then their actions; the actions naming the viewer), so that the cost is the
/// viewer's share of the register, never the register's overdue actions.
pub async fn overdue_for(tx: &mut Tx, sight: &Sight, today: NaiveDate, limit: i64) -> StoreResult<Vec<Overdue>> {
    let (a, t, o, sup, me) = sight.binds();
    let sql = overdue_for_sql(tx.backend());
    type Found = (Uuid, String, String, NaiveDate, Uuid, Option<Vec<u8>>, DateTime<Utc>);
    let rows: Vec<Found> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(sup).bind(me).bind(today).bind(limit).fetch_all(c).await)?;
    let ring = tx.keyring();
    rows.into_iter()
        .map(|r| {
            let description = PLAN_ACTIONS.open(ring, r.4, r.5.as_deref(), &[("description", Some(&r.2))])?.text("description");
            Ok(Overdue { case_id: r.0, reference: r.1, description, due_on: r.3 })
        })
        .collect()
}

fn overdue_for_sql(backend: crate::db::Backend) -> String {
    // Without statistics SQLite guesses that walking the register's overdue actions
    // (`case_plan_actions_due`) and looking up each one's case is cheaper than reading the
    // viewer's cases first; it is told which index the actions are read through. PostgreSQL
    // has statistics and chooses it itself.
    let by_case = match backend {
        crate::db::Backend::Sqlite => "case_plan_actions x INDEXED BY case_plan_actions_case",
        crate::db::Backend::Postgres => "case_plan_actions x",
    };
    let columns = "c.id, c.reference, x.description, x.due_on AS due_on, x.id, x.sealed, x.created_at AS created_at";
    let pending = format!("c.status = 'open' AND x.status IN {PENDING} AND x.due_on < $6 AND {VISIBLE}");
    format!(
        "SELECT {columns} FROM cases c JOIN {by_case} ON x.case_id = c.id WHERE c.assigned_to = $5 AND {pending}
         UNION
         SELECT {columns} FROM case_plan_actions x JOIN cases c ON c.id = x.case_id WHERE x.assignee_user = $5 AND {pending}
         ORDER BY due_on, created_at LIMIT $7"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case's and a user's overdue actions are found through the indexes that start with
    /// the case and the assignee — never by walking the register's overdue actions
    /// (`case_plan_actions_due`) or every case: SQLite's plans, read back.
    #[tokio::test]
    async fn overdue_actions_are_found_through_the_case_or_the_assignee() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let mut tx = store.read().await.unwrap();
        let plan = |sql: String| format!("EXPLAIN QUERY PLAN {sql}");
        let id = Uuid::now_v7();
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let count: Vec<(i64, i64, i64, String)> =
            on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(plan(overdue_count_sql()))).bind(id).bind(today).fetch_all(c).await).unwrap();
        let steps: Vec<&str> = count.iter().map(|r| r.3.as_str()).collect();
        assert!(steps.iter().any(|s| s.contains("case_plan_actions_case")), "{steps:?}");
        let listed: Vec<(i64, i64, i64, String)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(plan(overdue_for_sql(crate::db::Backend::Sqlite))))
            .bind(None::<Uuid>).bind(None::<Uuid>).bind(Some(id)).bind(None::<Uuid>).bind(id).bind(today).bind(20_i64).fetch_all(c).await).unwrap();
        let steps: Vec<&str> = listed.iter().map(|r| r.3.as_str()).collect();
        assert!(steps.iter().any(|s| s.contains("cases_assigned_newest") || s.contains("cases_assigned")), "{steps:?}");
        assert!(steps.iter().any(|s| s.contains("case_plan_actions_assignee")), "{steps:?}");
        assert!(!steps.iter().any(|s| s.contains("case_plan_actions_due") || s.starts_with("SCAN")), "no walk: {steps:?}");
    }

    #[test]
    fn who_reads_its_form_codes() {
        let id = Uuid::now_v7();
        for w in [Who::Nobody, Who::User(id), Who::Agency(id), Who::Service(id)] {
            assert_eq!(Who::parse(&w.code()), Some(w));
        }
        assert_eq!(Who::parse("team:x"), None);
        assert_eq!(Who::parse("user:not-an-id"), None);
    }

    #[test]
    fn only_pending_actions_past_their_date_are_overdue() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let mut a = Action {
            id: Uuid::nil(), goal_id: Uuid::nil(), description: String::new(), who: Who::Nobody, who_name: String::new(),
            due_on: NaiveDate::from_ymd_opt(2026, 11, 25), status: "planned".into(), version: 1, updated_by: String::new(), updated_at: Utc::now(),
        };
        assert!(a.overdue(today));
        a.status = "in_progress".into();
        assert!(a.overdue(today));
        a.status = "done".into();
        assert!(!a.overdue(today));
        a.status = "planned".into();
        a.due_on = Some(today);
        assert!(!a.overdue(today));
        a.due_on = None;
        assert!(!a.overdue(today));
    }
}
