//! Cases: a person's case opened under one SOP version, whose steps, deadlines, forms and
//! approvals come from that SOP. Completing a step is refused until its forms are completed and
//! its approvals granted. Every change to a case goes through its `version`, so two people
//! editing at once get a clear conflict instead of a silent overwrite. Restricted cases are seen
//! only by their caseworker, the supervisor of the case's team and named users, in lists and
//! counts as well as one by one; every read of a case is audited.

use crate::audit::{self, Event};
use crate::references::Numbered;
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::narratives::{Fields, APPROVALS, CASES};
use crate::people::Sight;
use chrono::{DateTime, Utc};
use passerelle_core::sop::{RiskLevel, Sop};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// Deadlines are counted in this zone until instances configure their own.
pub const DEFAULT_TIME_ZONE: &str = "UTC";
pub const STATUSES: &[&str] = &["open", "closed"];

#[derive(Debug, Clone)]
pub struct Case {
    pub id: Uuid,
    pub reference: String,
    pub person_id: Uuid,
    pub person_name: String,
    pub sop_id: String,
    pub sop_version: u32,
    pub risk: RiskLevel,
    pub status: String,
    pub restricted: bool,
    pub time_zone: String,
    pub assigned_to: Uuid,
    pub assigned_name: String,
    pub team_id: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closure_reason: Option<String>,
    pub version: i64,
}

impl Case {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

const COLUMNS: &str = "c.id, c.reference, c.person_id, p.given_names, p.family_names, c.sop_id, c.sop_version, c.risk,
     c.status, c.restricted, c.time_zone, c.assigned_to, u.display_name, c.team_id, c.opened_at, c.closed_at,
     c.closure_reason, c.version, p.sealed AS person_sealed, c.sealed AS case_sealed";
const FROM: &str = "cases c JOIN people p ON p.id = c.person_id JOIN users u ON u.id = c.assigned_to";

/// Who may see a restricted case within the scope: its caseworker (`$5`, the viewer) and the
/// supervisor of its team (`$4`). One text for [`VISIBLE`] and [`in_sight`].
macro_rules! restricted_rule {
    () => {
        "(c.restricted = FALSE OR c.assigned_to = $5 OR c.team_id = $4)"
    };
}

/// The cases a viewer may see: scope by assignment, team or agency; restricted ones only by
/// their caseworker and their team's supervisor (`$4`). Users named on a case (`case_members`)
/// see it whatever their scope: naming them is how a case is shared with one more person.
/// `$5` is the viewer.
pub(crate) const VISIBLE: &str = concat!("((($1 IS NULL OR c.agency_id = $1) AND ($2 IS NULL OR c.team_id = $2) AND ($3 IS NULL OR c.assigned_to = $3)
     AND ", restricted_rule!(), ")
     OR EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND m.user_id = $5))");

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    reference: String,
    person_id: Uuid,
    given_names: String,
    family_names: String,
    sop_id: String,
    sop_version: i64,
    risk: String,
    status: String,
    restricted: bool,
    time_zone: String,
    assigned_to: Uuid,
    display_name: String,
    team_id: Option<Uuid>,
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    closure_reason: Option<String>,
    version: i64,
    person_sealed: Option<Vec<u8>>,
    case_sealed: Option<Vec<u8>>,
}

fn from_row(tx: &Tx, r: Row) -> StoreResult<Case> {
    let risk = RiskLevel::from_code(&r.risk).ok_or_else(|| StoreError::Config(format!("case {} has unknown risk {}", r.id, r.risk)))?;
    Ok(Case {
        id: r.id,
        reference: r.reference,
        person_id: r.person_id,
        person_name: crate::people::name_of(tx, r.person_id, r.person_sealed.as_deref(), &r.given_names, &r.family_names)?,
        sop_id: r.sop_id,
        sop_version: u32::try_from(r.sop_version).unwrap_or_default(),
        risk,
        status: r.status,
        restricted: r.restricted,
        time_zone: r.time_zone,
        assigned_to: r.assigned_to,
        assigned_name: r.display_name,
        team_id: r.team_id,
        opened_at: r.opened_at,
        closed_at: r.closed_at,
        closure_reason: CASES.open(tx.keyring(), r.id, r.case_sealed.as_deref(), &[("closure_reason", r.closure_reason.as_deref())])?.get("closure_reason"),
        version: r.version,
    })
}

/// Opens a case for a person under `sop`, assigned to the one opening it.
pub async fn open(tx: &mut Tx, sight: &Sight, person_id: Uuid, sop: &Sop, risk: RiskLevel, restricted: bool) -> StoreResult<Case> {
    let viewer = &sight.viewer;
    let id = Uuid::now_v7();
    let prefix: String = sop.id.to_uppercase().replace('_', "").chars().take(6).collect();
    let reference = crate::references::fresh(tx, Numbered::Cases, &prefix).await?;
    let at = now();
    // No free text yet: sealed (as nothing) under the current key, so start-up has nothing to seal.
    let seal_key = tx.keyring().current().map(i64::from);
    exec!(tx, c => sqlx::query(
        "INSERT INTO cases (id, reference, person_id, sop_id, sop_version, risk, status, restricted, time_zone,
             assigned_to, agency_id, team_id, opened_by, opened_at, updated_at, version, seal_key)
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, $11, $9, $12, $12, 1, $13)"
    ).bind(id).bind(&reference).bind(person_id).bind(&sop.id).bind(i64::from(sop.version)).bind(risk.code())
    .bind(restricted).bind(DEFAULT_TIME_ZONE).bind(viewer.id).bind(viewer.agency_id).bind(viewer.team_id).bind(at).bind(seal_key))
    .map_err(StoreError::unique_as("reference"))?;
    audit::append(tx, Event::new(Some(viewer.id), "case.open", "case").entity(id)
        .detail(json!({"sop": sop.id, "version": sop.version, "risk": risk.code(), "restricted": restricted}))).await?;
    visible(tx, sight, id).await?.ok_or(StoreError::NotFound)
}

/// One case if the viewer may see it, without an audit entry: for checks before an action
/// (the action itself is audited).
pub async fn visible(tx: &mut Tx, sight: &Sight, id: Uuid) -> StoreResult<Option<Case>> {
    let (a, t, o, sup, me) = sight.binds();
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE {VISIBLE} AND c.id = $6");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(sup).bind(me).bind(id).fetch_optional(c).await)?;
    row.map(|r| from_row(tx, r)).transpose()
}

/// One case, if the viewer may see it; the read is audited.
pub async fn get(tx: &mut Tx, sight: &Sight, id: Uuid) -> StoreResult<Option<Case>> {
    let case = visible(tx, sight, id).await?;
    if let Some(c) = &case {
        audit::append(tx, Event::new(Some(sight.viewer.id), "case.view", "case").entity(c.id)).await?;
    }
    Ok(case)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub risk: Option<String>,
    pub sop_id: Option<String>,
    /// Only the viewer's own cases, whatever their scope.
    pub mine: bool,
    pub person_id: Option<Uuid>,
    pub limit: i64,
    /// Only cases of people living in this administrative area or any area under it.
    pub area_id: Option<Uuid>,
    /// A case reference (any case, whole or its start) or a person's external id (whole).
    pub reference: Option<String>,
    /// Only cases after this one in the list's order (the next page starts after the last
    /// case of the one before).
    pub after: Option<Uuid>,
}

/// The list's order, newest first, one page (`$11` rows).
const NEWEST_FIRST: &str = "ORDER BY c.opened_at DESC, c.id DESC LIMIT $11";

/// The cases a list shows: `SELECT {select} FROM {from} WHERE` the viewer's sight and the
/// filter (binds `$1..$15`, `$11` the limit), then `tail` (its order, or its grouping). The list
/// and its tally read the same rows. `from` is [`FROM`], or `cases c` alone when the select and
/// the filter need nothing of the person or the user ([`needs_person`]): every case has both
/// (foreign keys, not null), so the joins never change which cases are read. `sight` is
/// [`VISIBLE`] or [`in_sight`]: the same cases, tested row by row or found through the indexes.
fn listing(select: &str, from: &str, sight: &str, f: &Filter, tail: &str) -> String {
    format!("SELECT {select} FROM {from} WHERE {sight} AND {} AND {} {tail}", case_filters(f), person_filters(f))
}

/// The filter's conditions on the case itself (`$6..$10`, `$15`).
fn case_filters(f: &Filter) -> String {
    let person = crate::db::filter_eq(f.person_id.is_some(), "c.person_id", 10);
    format!(
        "($6 IS NULL OR c.status = $6) AND ($7 IS NULL OR c.risk = $7) AND ($8 IS NULL OR c.sop_id = $8)
           AND ($9 = FALSE OR c.assigned_to = $5) AND {person}
           AND ($15 IS NULL OR c.opened_at < (SELECT opened_at FROM cases WHERE id = $15)
                OR (c.opened_at = (SELECT opened_at FROM cases WHERE id = $15) AND c.id < $15))"
    )
}

/// The filter's conditions on the person (`$12..$14`). Unset filters keep their binds named
/// (`$n IS NULL`) so that both backends accept the same binds, and name no column of the person.
fn person_filters(f: &Filter) -> String {
    let area = match f.area_id {
        Some(_) => "p.area_id IN (
                 WITH RECURSIVE under(id) AS (SELECT id FROM areas WHERE id = $12
                   UNION ALL SELECT a.id FROM areas a JOIN under ON a.parent_id = under.id)
                 SELECT id FROM under)",
        None => "$12 IS NULL",
    };
    let reference = if has_reference(f) {
        "(UPPER(c.reference) LIKE $14 ESCAPE '\\' OR p.external_id = $13)"
    } else {
        "($13 IS NULL AND $14 IS NULL)"
    };
    format!("{area} AND {reference}")
}

/// [`VISIBLE`] as a set the database finds through its indexes: the cases in the viewer's
/// scope (newest first, one page of them when the filter needs nothing of the person), and
/// those shared with the viewer. Tested row by row, a caseworker's list read the whole
/// table newest first until a page of theirs was found: at a million cases, a second for
/// someone with few cases. Each scope has its own statement text, so that the scope's column
/// is an equality its index (`cases_*_newest`) answers in the list's order.
fn in_sight(sight: &Sight, f: &Filter) -> String {
    let scoped = if needs_person(f) {
        scoped_ids(sight)
    } else {
        format!("SELECT id FROM ({} AND {} {NEWEST_FIRST}) page", scoped_ids(sight), case_filters(f))
    };
    scoped_or_shared(&scoped)
}

/// The ids of the cases in the viewer's scope that they may see (restricted ones by their
/// caseworker and team supervisor), through the scope's index.
fn scoped_ids(sight: &Sight) -> String {
    format!("SELECT c.id FROM cases c WHERE {} AND {}", scope_of(sight), restricted_rule!())
}

/// `c` among the cases of `scoped` and those shared with the viewer (`case_members`).
fn scoped_or_shared(scoped: &str) -> String {
    format!("c.id IN ({scoped} UNION ALL SELECT m.case_id FROM case_members m WHERE m.user_id = $5)")
}

/// The cases [`tally`] counts, as a condition on `c`. A viewer who sees every case has them
/// tested row by row ([`VISIBLE`]): counting reads them all anyway. Any narrower scope is read
/// through its index first: a supervisor's team holds a hundredth of a national register, and
/// testing every case of the register for it took 0.3 s warm, 8 s after a start, where the
/// team's 10,000 cases are counted in 20 ms.
fn counted(sight: &Sight) -> String {
    if sight.viewer.scope == passerelle_core::access::Scope::All {
        return VISIBLE.to_string();
    }
    scoped_or_shared(&scoped_ids(sight))
}

/// The viewer's scope as equalities on its column (`$1..$3`), which the cases' indexes answer.
fn scope_of(sight: &Sight) -> String {
    let (a, t, o, _, _) = sight.binds();
    [
        crate::db::filter_eq(a.is_some(), "c.agency_id", 1),
        crate::db::filter_eq(t.is_some(), "c.team_id", 2),
        crate::db::filter_eq(o.is_some(), "c.assigned_to", 3),
    ]
    .join(" AND ")
}

/// The reference (or external id) the filter looks for, trimmed; none when blank.
fn reference_of(f: &Filter) -> Option<String> {
    f.reference.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string)
}

fn has_reference(f: &Filter) -> bool {
    reference_of(f).is_some()
}

/// Whether the filter tests something of the person (their area, their external id).
fn needs_person(f: &Filter) -> bool {
    f.area_id.is_some() || has_reference(f)
}

/// Runs a [`listing`] query with the viewer's and the filter's binds.
macro_rules! listing_query {
    ($tx:expr, $sight:expr, $f:expr, $limit:expr, $sql:expr, $c:ident => $fetch:ident) => {{
        let (a, t, o, sup, me) = $sight.binds();
        // References are written upper-case; people read them out in any case, often only the start.
        let reference = reference_of(&$f);
        let prefix = reference.as_deref().map(|r| format!("{}%", crate::db::like_escape(&r.to_uppercase())));
        on_tx!($tx, $c => sqlx::query_as(sqlx::AssertSqlSafe($sql.as_str()))
            .bind(a).bind(t).bind(o).bind(sup).bind(me)
            .bind($f.status.as_deref()).bind($f.risk.as_deref()).bind($f.sop_id.as_deref()).bind($f.mine).bind($f.person_id)
            .bind($limit).bind($f.area_id).bind(reference.as_deref()).bind(prefix.as_deref()).bind($f.after).$fetch($c).await)
    }};
}

/// The cases the viewer may see, newest first, at most `f.limit` (1 to 1,000).
pub async fn list(tx: &mut Tx, sight: &Sight, f: &Filter) -> StoreResult<Vec<Case>> {
    let sql = listing(COLUMNS, FROM, &in_sight(sight, f), f, NEWEST_FIRST);
    let rows: Vec<Row> = listing_query!(tx, sight, f, f.limit.clamp(1, 1000), sql, c => fetch_all)?;
    rows.into_iter().map(|r| from_row(tx, r)).collect()
}

/// How many cases of the list (all its pages, `f.limit` and `f.after` aside) there are by
/// SOP, risk and status: `(sop, risk, status, count)`.
pub async fn tally(tx: &mut Tx, sight: &Sight, f: &Filter) -> StoreResult<Tally> {
    let f = Filter { after: None, ..f.clone() };
    // Grouped straight, not over the list in its order: sorting every case of a team (or a
    // country) to count it cost more than the counting. `$11` bounds the groups.
    // The person is joined only when the filter asks about them: at a million cases, reading
    // each case's person and user to count it took twelve seconds.
    let from = if needs_person(&f) { "cases c JOIN people p ON p.id = c.person_id" } else { "cases c" };
    let sql = listing("c.sop_id, c.risk, c.status, COUNT(*)", from, &counted(sight), &f, "GROUP BY c.sop_id, c.risk, c.status LIMIT $11");
    Ok(listing_query!(tx, sight, f, i64::MAX, sql, c => fetch_all)?)
}

/// Counts of [`tally`]: `(sop, risk, status, count)`.
pub type Tally = Vec<(String, String, String, i64)>;

/// Supervisors' counts kept a short while (a minute by default) for the same scope and filter:
/// counting a team's or a country's every case at each view of the caseload was most of the
/// page's time (175 ms of the database's time for 100,000 cases, seconds under load). The page
/// says when they were counted.
///
/// One request counts for a scope and filter at a time. While nothing is kept, the others wait
/// for its counts; once counts are past their age, the others are shown them (for
/// [`TALLY_STALE_FOR`]) while it counts again. Without that, every view of a national caseload
/// in the seconds its counting takes, at each expiry, counted a million cases again.
pub struct Tallies {
    kept: crate::kept::Kept<String, (std::sync::Arc<Tally>, DateTime<Utc>)>,
    /// The scopes and filters being counted, with the lock their first viewers wait on.
    counting: std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
    #[cfg(test)]
    counted: std::sync::atomic::AtomicUsize,
}

/// How long a supervisor's counts are kept unless configured.
pub const TALLY_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// How long counts past their age are still shown while they are counted again.
pub const TALLY_STALE_FOR: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// A scope and filter being counted: it leaves `counting` when the count ends, however it ends.
struct Counting<'a> {
    tallies: &'a Tallies,
    key: &'a str,
}

impl Drop for Counting<'_> {
    fn drop(&mut self) {
        self.tallies.counting.lock().unwrap_or_else(|p| p.into_inner()).remove(self.key);
    }
}

impl Tallies {
    pub fn new(max_age: std::time::Duration) -> Tallies {
        Tallies {
            kept: crate::kept::Kept::new(max_age, 1_000).serving_stale(TALLY_STALE_FOR),
            counting: Default::default(),
            #[cfg(test)]
            counted: Default::default(),
        }
    }

    pub fn max_age(&self) -> std::time::Duration {
        self.kept.max_age()
    }

    /// What counts are kept under: the page and its cursor do not change them; everything else does.
    fn key(sight: &Sight, f: &Filter) -> String {
        format!("{:?}|{:?}", sight.binds(), Filter { after: None, limit: 0, ..f.clone() })
    }

    /// [`tally`] for the viewer and filter, and when it was counted: kept counts if fresh, or
    /// if past their age while another request counts them again.
    pub async fn get(&self, tx: &mut Tx, sight: &Sight, f: &Filter) -> StoreResult<(std::sync::Arc<Tally>, DateTime<Utc>)> {
        let key = Self::key(sight, f);
        let kept = self.kept.latest(&key);
        if let Some((counts, true)) = kept {
            return Ok(counts);
        }
        let lock = self.counting.lock().unwrap_or_else(|p| p.into_inner()).entry(key.clone()).or_default().clone();
        let _held = match (kept, lock.try_lock()) {
            (Some((stale, _)), Err(_)) => return Ok(stale),
            (_, Ok(held)) => held,
            (None, Err(_)) => lock.lock().await,
        };
        // Counted meanwhile by the request this one waited for (or one that just ended).
        if let Some((counts, true)) = self.kept.latest(&key) {
            return Ok(counts);
        }
        let _counting = Counting { tallies: self, key: &key };
        #[cfg(test)]
        self.counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let counted = (std::sync::Arc::new(tally(tx, sight, f).await?), now());
        self.kept.keep(key.clone(), counted.clone());
        Ok(counted)
    }
}

/// What has been done in a case: completed steps, completed forms, approvals.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub completed: BTreeMap<String, DateTime<Utc>>,
    /// (step, form) pairs with a completed response.
    pub forms_done: BTreeSet<(String, String)>,
    /// Response ids by (step, form), newest first.
    pub responses: BTreeMap<(String, String), Vec<Uuid>>,
    pub approvals: Vec<Approval>,
}

#[derive(Debug, Clone)]
pub struct Approval {
    pub id: Uuid,
    pub step_id: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    /// `approved`, `rejected`, or `None` while waiting.
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
}

impl Progress {
    /// The latest approval asked for a step.
    pub fn approval(&self, step: &str) -> Option<&Approval> {
        self.approvals.iter().filter(|a| a.step_id == step).max_by_key(|a| a.requested_at)
    }
}

pub async fn progress(tx: &mut Tx, case_id: Uuid) -> StoreResult<Progress> {
    // Steps done, forms filled and approvals asked, in one query: the case page and every step
    // completed read them, and each query is a hand-off to SQLite's worker thread. The kind
    // of row is its first column; columns a kind does not have are empty.
    type ProgressRow = (String, Option<Uuid>, String, Option<String>, DateTime<Utc>, Option<String>, Option<String>, Option<DateTime<Utc>>, Option<String>, Option<Vec<u8>>);
    let rows: Vec<ProgressRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT 'step' AS kind, CAST(NULL AS uuid) AS id, step_id, CAST(NULL AS text) AS name, completed_at AS at,
                CAST(NULL AS text) AS decision, CAST(NULL AS text) AS decider, CAST(NULL AS timestamptz) AS decided_at,
                CAST(NULL AS text) AS comment, CAST(NULL AS bytea) AS sealed
         FROM case_steps WHERE case_id = $1
         UNION ALL
         SELECT 'form', id, step_id, form_id, submitted_at, NULL, NULL, NULL, NULL, NULL
         FROM form_responses WHERE case_id = $1 AND step_id IS NOT NULL
         UNION ALL
         SELECT 'approval', a.id, a.step_id, r.display_name, a.requested_at, a.decision, d.display_name, a.decided_at, a.comment, a.sealed
         FROM case_approvals a JOIN users r ON r.id = a.requested_by LEFT JOIN users d ON d.id = a.decided_by
         WHERE a.case_id = $1").bind(case_id).fetch_all(c).await)?;
    let mut p = Progress::default();
    let mut responses = Vec::new();
    let mut approvals = Vec::new();
    for (kind, id, step, name, at, decision, decider, decided_at, comment, sealed) in rows {
        match (kind.as_str(), id, name) {
            ("step", ..) => {
                p.completed.insert(step, at);
            }
            ("form", Some(id), Some(form)) => responses.push((at, id, step, form)),
            ("approval", Some(id), Some(requested_by)) => {
                let comment = APPROVALS.open(tx.keyring(), id, sealed.as_deref(), &[("comment", comment.as_deref())])?.get("comment");
                approvals.push(Approval { id, step_id: step, requested_by, requested_at: at, decision, decided_by: decider, decided_at, comment });
            }
            _ => {}
        }
    }
    // A step's responses newest first; approvals in the order they were asked.
    responses.sort_by(|a, b| b.0.cmp(&a.0));
    for (_, id, step, form) in responses {
        p.forms_done.insert((step.clone(), form.clone()));
        p.responses.entry((step, form)).or_default().push(id);
    }
    approvals.sort_by_key(|a| a.requested_at);
    p.approvals = approvals;
    Ok(p)
}

/// The steps completed in each of `case_ids` (a case with none is absent): what a list of cases
/// needs for its deadlines, in one query per batch rather than one per case.
pub async fn completed_steps_of(tx: &mut Tx, case_ids: &[Uuid]) -> StoreResult<HashMap<Uuid, BTreeMap<String, DateTime<Utc>>>> {
    let rows: Vec<(Uuid, String, DateTime<Utc>)> =
        crate::db::rows_for_ids(tx, |ids| format!("SELECT case_id, step_id, completed_at FROM case_steps WHERE case_id IN ({ids})"), case_ids).await?;
    let mut out: HashMap<Uuid, BTreeMap<String, DateTime<Utc>>> = HashMap::new();
    for (case, step, at) in rows {
        out.entry(case).or_default().insert(step, at);
    }
    Ok(out)
}

/// Bumps the case's version, failing with [`StoreError::Stale`] if someone changed it since
/// the person read `version`.
pub(crate) async fn bump(tx: &mut Tx, case_id: Uuid, version: i64) -> StoreResult<()> {
    let n = exec!(tx, c => sqlx::query("UPDATE cases SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3")
        .bind(now()).bind(case_id).bind(version))?;
    if n == 0 {
        return Err(StoreError::Stale("case"));
    }
    Ok(())
}

/// Why a step cannot be completed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepBlock {
    Closed,
    UnknownStep,
    AlreadyDone,
    /// These forms of the step have no completed response.
    FormsMissing(Vec<String>),
    /// The step needs a supervisor's approval that is not granted (missing, waiting or refused).
    NotApproved,
}

/// What stands in the way of completing `step` (empty when it can be completed).
pub fn blocks(case: &Case, sop: &Sop, progress: &Progress, step: &str) -> Vec<StepBlock> {
    let mut out = Vec::new();
    if !case.is_open() {
        out.push(StepBlock::Closed);
    }
    let Some(s) = sop.step(step) else {
        out.push(StepBlock::UnknownStep);
        return out;
    };
    if progress.completed.contains_key(step) {
        out.push(StepBlock::AlreadyDone);
    }
    let missing: Vec<String> = s.forms.iter().filter(|f| !progress.forms_done.contains(&(step.to_string(), (*f).clone()))).cloned().collect();
    if !missing.is_empty() {
        out.push(StepBlock::FormsMissing(missing));
    }
    if !s.approvals.is_empty() && progress.approval(step).and_then(|a| a.decision.as_deref()) != Some("approved") {
        out.push(StepBlock::NotApproved);
    }
    out
}

/// Completes a step whose forms and approvals are done.
pub async fn complete_step(tx: &mut Tx, actor: Uuid, case: &Case, sop: &Sop, step: &str, version: i64) -> StoreResult<Result<(), Vec<StepBlock>>> {
    let progress = progress(tx, case.id).await?;
    let blocked = blocks(case, sop, &progress, step);
    if !blocked.is_empty() {
        return Ok(Err(blocked));
    }
    bump(tx, case.id, version).await?;
    exec!(tx, c => sqlx::query("INSERT INTO case_steps (case_id, step_id, completed_at, completed_by) VALUES ($1, $2, $3, $4)")
        .bind(case.id).bind(step).bind(now()).bind(actor))?;
    audit::append(tx, Event::new(Some(actor), "case.step.complete", "case").entity(case.id).detail(json!({"step": step}))).await?;
    Ok(Ok(()))
}

/// Asks for the approval a step needs. Refused while one is waiting or already granted.
pub async fn request_approval(tx: &mut Tx, actor: Uuid, case: &Case, sop: &Sop, step: &str, version: i64) -> StoreResult<bool> {
    let Some(s) = sop.step(step) else { return Ok(false) };
    let progress = progress(tx, case.id).await?;
    let pending_or_granted = progress.approval(step).is_some_and(|a| a.decision.as_deref() != Some("rejected"));
    if s.approvals.is_empty() || pending_or_granted || !case.is_open() {
        return Ok(false);
    }
    bump(tx, case.id, version).await?;
    exec!(tx, c => sqlx::query("INSERT INTO case_approvals (id, case_id, step_id, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(Uuid::now_v7()).bind(case.id).bind(step).bind(actor).bind(now()))?;
    audit::append(tx, Event::new(Some(actor), "case.approval.request", "case").entity(case.id).detail(json!({"step": step}))).await?;
    Ok(true)
}

/// Grants or refuses a waiting approval, with a comment (required to refuse: the caseworker must
/// know what to change).
pub async fn decide_approval(tx: &mut Tx, actor: Uuid, case: &Case, approval: Uuid, approve: bool, comment: &str, version: i64) -> StoreResult<bool> {
    bump(tx, case.id, version).await?;
    let n = exec!(tx, c => sqlx::query(
        "UPDATE case_approvals SET decision = $1, decided_by = $2, decided_at = $3
         WHERE id = $4 AND case_id = $5 AND decision IS NULL")
        .bind(if approve { "approved" } else { "rejected" }).bind(actor).bind(now()).bind(approval).bind(case.id))?;
    if n == 0 {
        return Ok(false);
    }
    // The comment is kept only sealed.
    APPROVALS.write(tx, approval, &Fields::default().with("comment", Some(comment))).await?;
    audit::append(tx, Event::new(Some(actor), if approve { "case.approval.grant" } else { "case.approval.refuse" }, "case")
        .entity(case.id)).await?;
    Ok(true)
}

#[derive(Debug, Clone)]
pub struct Note {
    pub id: Uuid,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

fn note_place(id: Uuid) -> Vec<u8> {
    passerelle_core::privacy::seal::aad("case_notes", "sealed", id.as_bytes())
}

/// Adds a note; its text is kept only sealed (`body` stays empty).
pub async fn add_note(tx: &mut Tx, actor: Uuid, case_id: Uuid, body: &str) -> StoreResult<()> {
    let id = Uuid::now_v7();
    let sealed = tx.keyring().seal_str(body, &note_place(id))?;
    let key = tx.keyring().current().map(i64::from);
    exec!(tx, c => sqlx::query("INSERT INTO case_notes (id, case_id, author, body, created_at, sealed, seal_key) VALUES ($1, $2, $3, '', $4, $5, $6)")
        .bind(id).bind(case_id).bind(actor).bind(now()).bind(&sealed).bind(key))?;
    audit::append(tx, Event::new(Some(actor), "case.note", "case").entity(case_id)).await?;
    Ok(())
}

/// A case's notes, newest first: `limit` of them, after the note `after` (the last of the page
/// before) when given. A case followed for years has thousands; pages read (and open) only the
/// notes they show.
pub async fn notes(tx: &mut Tx, case_id: Uuid, after: Option<Uuid>, limit: i64) -> StoreResult<Vec<Note>> {
    let after_clause = if after.is_some() {
        "AND (n.created_at < (SELECT created_at FROM case_notes WHERE id = $3)
              OR (n.created_at = (SELECT created_at FROM case_notes WHERE id = $3) AND n.id < $3))"
    } else {
        "AND $3 IS NULL"
    };
    let sql = format!(
        "SELECT u.display_name, n.body, n.created_at, n.id, n.sealed FROM case_notes n JOIN users u ON u.id = n.author
         WHERE n.case_id = $1 {after_clause} ORDER BY n.created_at DESC, n.id DESC LIMIT $2"
    );
    let rows: Vec<(String, String, DateTime<Utc>, Uuid, Option<Vec<u8>>)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(case_id).bind(limit).bind(after).fetch_all(c).await)?;
    rows.into_iter()
        .map(|(author, body, created_at, id, sealed)| {
            let body = match sealed {
                Some(b) => tx.keyring().open_str(&b, &note_place(id))?,
                None => body,
            };
            Ok(Note { id, author, body, created_at })
        })
        .collect()
}

/// Seals a note under the current key (start-up sealing of older notes, key rotation).
pub(crate) async fn reseal_note(tx: &mut Tx, id: Uuid) -> StoreResult<()> {
    let row: Option<(String, Option<Vec<u8>>)> = on_tx!(tx, c => sqlx::query_as("SELECT body, sealed FROM case_notes WHERE id = $1").bind(id).fetch_optional(c).await)?;
    let Some((body, sealed)) = row else { return Ok(()) };
    let body = match sealed {
        Some(b) => tx.keyring().open_str(&b, &note_place(id))?,
        None => body,
    };
    let sealed = tx.keyring().seal_str(&body, &note_place(id))?;
    let key = tx.keyring().current().map(i64::from);
    exec!(tx, c => sqlx::query("UPDATE case_notes SET body = '', sealed = $1, seal_key = $2 WHERE id = $3").bind(&sealed).bind(key).bind(id))?;
    Ok(())
}

/// Closes an open case with a reason.
pub async fn close(tx: &mut Tx, actor: Uuid, case: &Case, reason: &str, version: i64) -> StoreResult<()> {
    bump(tx, case.id, version).await?;
    exec!(tx, c => sqlx::query("UPDATE cases SET status = 'closed', closed_at = $1 WHERE id = $2").bind(now()).bind(case.id))?;
    // The reason is kept only sealed.
    CASES.set(tx, case.id, &[("closure_reason", Some(reason))]).await?;
    audit::append(tx, Event::new(Some(actor), "case.close", "case").entity(case.id)).await?;
    Ok(())
}

/// Reopens a closed case: its history stays; the closure step must be done again.
pub async fn reopen(tx: &mut Tx, actor: Uuid, case: &Case, sop: &Sop, version: i64) -> StoreResult<()> {
    bump(tx, case.id, version).await?;
    exec!(tx, c => sqlx::query("UPDATE cases SET status = 'open', closed_at = NULL WHERE id = $1").bind(case.id))?;
    CASES.set(tx, case.id, &[("closure_reason", None)]).await?;
    if let Some(last) = sop.steps.last() {
        exec!(tx, c => sqlx::query("DELETE FROM case_steps WHERE case_id = $1 AND step_id = $2").bind(case.id).bind(&last.id))?;
    }
    audit::append(tx, Event::new(Some(actor), "case.reopen", "case").entity(case.id)).await?;
    Ok(())
}

/// The users named on a case besides its caseworker and supervisor.
pub async fn members(tx: &mut Tx, case_id: Uuid) -> StoreResult<Vec<(Uuid, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.display_name FROM case_members m JOIN users u ON u.id = m.user_id WHERE m.case_id = $1 ORDER BY u.display_name")
        .bind(case_id).fetch_all(c).await)?)
}

/// Names one more user who may see the case: an active caseworker or supervisor of the case's
/// agency. Returns false when the user is not one.
pub async fn add_member(tx: &mut Tx, actor: Uuid, case: &Case, user: Uuid) -> StoreResult<bool> {
    let ok: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id FROM users u JOIN cases k ON k.id = $2 WHERE u.id = $1 AND u.active = TRUE AND u.agency_id = k.agency_id
           AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('caseworker', 'supervisor'))")
        .bind(user).bind(case.id).fetch_optional(c).await)?;
    if ok.is_none() || user == case.assigned_to {
        return Ok(false);
    }
    let already: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as("SELECT user_id FROM case_members WHERE case_id = $1 AND user_id = $2")
        .bind(case.id).bind(user).fetch_optional(c).await)?;
    if already.is_none() {
        exec!(tx, c => sqlx::query("INSERT INTO case_members (case_id, user_id) VALUES ($1, $2)").bind(case.id).bind(user))?;
        audit::append(tx, Event::new(Some(actor), "case.member.add", "case").entity(case.id).detail(json!({"user": user}))).await?;
    }
    Ok(true)
}

pub async fn remove_member(tx: &mut Tx, actor: Uuid, case_id: Uuid, user: Uuid) -> StoreResult<bool> {
    let n = exec!(tx, c => sqlx::query("DELETE FROM case_members WHERE case_id = $1 AND user_id = $2").bind(case_id).bind(user))?;
    if n > 0 {
        audit::append(tx, Event::new(Some(actor), "case.member.remove", "case").entity(case_id).detail(json!({"user": user}))).await?;
    }
    Ok(n > 0)
}

/// Who in the case's agency may be named on it.
pub async fn member_candidates(tx: &mut Tx, case: &Case) -> StoreResult<Vec<(Uuid, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.display_name FROM users u JOIN cases k ON k.id = $1 WHERE u.active = TRUE AND u.agency_id = k.agency_id
           AND u.id <> k.assigned_to
           AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('caseworker', 'supervisor'))
         ORDER BY u.display_name").bind(case.id).fetch_all(c).await)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::Viewer;
    use passerelle_core::access::Scope;

    /// Each scope's list is read through its index in the list's order (no walk over every
    /// case), and the cases shared with the viewer through theirs: SQLite's plan, read back.
    #[tokio::test]
    async fn a_scoped_list_is_found_through_its_index() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let mut tx = store.read().await.unwrap();
        for (scope, index) in [(Scope::Own, "cases_assigned_newest"), (Scope::Team, "cases_team_newest"), (Scope::Agency, "cases_agency_newest")] {
            let viewer = Viewer { id: Uuid::now_v7(), agency_id: Some(Uuid::now_v7()), team_id: Some(Uuid::now_v7()), scope };
            let sight = Sight { viewer, supervises: None };
            let f = Filter { limit: 50, ..Default::default() };
            let sql = format!("EXPLAIN QUERY PLAN {}", listing(COLUMNS, FROM, &in_sight(&sight, &f), &f, NEWEST_FIRST));
            let plan: Vec<(i64, i64, i64, String)> = listing_query!(tx, sight, f, 50_i64, sql, c => fetch_all).unwrap();
            let steps: Vec<&str> = plan.iter().map(|(_, _, _, s)| s.as_str()).collect();
            assert!(steps.iter().any(|s| s.contains(&format!("USING INDEX {index}"))), "{scope:?}: {steps:?}");
            assert!(steps.iter().any(|s| s.contains("case_members_user")), "{scope:?}: {steps:?}");
            assert!(!steps.iter().any(|s| s.starts_with("SCAN c")), "{scope:?}: no walk over every case: {steps:?}");
        }
    }

    fn national() -> Sight {
        Sight { viewer: Viewer { id: Uuid::now_v7(), agency_id: None, team_id: None, scope: Scope::All }, supervises: None }
    }

    /// Viewers who find no counts kept wait for the one who counts: a scope is counted once.
    #[tokio::test]
    async fn first_viewers_wait_for_one_count() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let tallies = Tallies::new(std::time::Duration::from_secs(60));
        let (sight, f) = (national(), Filter::default());
        let (mut a, mut b, mut c) = (store.read().await.unwrap(), store.read().await.unwrap(), store.read().await.unwrap());
        let (x, y, z) = tokio::join!(tallies.get(&mut a, &sight, &f), tallies.get(&mut b, &sight, &f), tallies.get(&mut c, &sight, &f));
        let (x, y, z) = (x.unwrap(), y.unwrap(), z.unwrap());
        assert_eq!(tallies.counted.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(std::sync::Arc::ptr_eq(&x.0, &y.0) && std::sync::Arc::ptr_eq(&x.0, &z.0) && x.1 == y.1, "the same counts, from one count");
        assert!(tallies.counting.lock().unwrap().is_empty(), "nothing left marked as being counted");
    }

    /// Counts past their age are counted again by one viewer; the others are shown the kept ones
    /// (and when they were counted) meanwhile, and the next view after it has the new counts.
    #[tokio::test]
    async fn stale_counts_are_shown_while_one_viewer_counts_again() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let tallies = Tallies::new(std::time::Duration::from_millis(50));
        let (sight, f) = (national(), Filter::default());
        let mut tx = store.read().await.unwrap();
        let first = tallies.get(&mut tx, &sight, &f).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(80)).await;
        // Another viewer is counting again: hold the lock it would hold.
        let lock = tallies.counting.lock().unwrap().entry(Tallies::key(&sight, &f)).or_default().clone();
        let held = lock.lock().await;
        let shown = tallies.get(&mut tx, &sight, &f).await.unwrap();
        assert!(std::sync::Arc::ptr_eq(&first.0, &shown.0) && first.1 == shown.1, "the kept counts, with when they were counted");
        assert_eq!(tallies.counted.load(std::sync::atomic::Ordering::SeqCst), 1);
        drop(held);
        tallies.counting.lock().unwrap().clear();
        let again = tallies.get(&mut tx, &sight, &f).await.unwrap();
        assert_eq!(tallies.counted.load(std::sync::atomic::Ordering::SeqCst), 2, "counted again once no one else is");
        assert!(again.1 > first.1);
        assert_eq!(tallies.get(&mut tx, &sight, &f).await.unwrap().1, again.1, "then fresh again");
    }

    /// A supervisor's counts read their team's cases through its index, and the cases shared
    /// with them, without testing every case of the register; only a viewer who sees them all
    /// reads them all. SQLite's plans, read back.
    #[tokio::test]
    async fn scoped_counts_are_found_through_their_index() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let mut tx = store.read().await.unwrap();
        for (scope, index) in [(Scope::Own, "cases_assigned"), (Scope::Team, "cases_team"), (Scope::Agency, "cases_agency_newest"), (Scope::All, "")] {
            let viewer = Viewer { id: Uuid::now_v7(), agency_id: Some(Uuid::now_v7()), team_id: Some(Uuid::now_v7()), scope };
            let sight = Sight { viewer, supervises: None };
            let f = Filter::default();
            let sql = format!("EXPLAIN QUERY PLAN {}", listing("c.sop_id, c.risk, c.status, COUNT(*)", "cases c", &counted(&sight), &f, "GROUP BY c.sop_id, c.risk, c.status LIMIT $11"));
            let plan: Vec<(i64, i64, i64, String)> = listing_query!(tx, sight, f, i64::MAX, sql, c => fetch_all).unwrap();
            let steps: Vec<&str> = plan.iter().map(|(_, _, _, s)| s.as_str()).collect();
            if scope == Scope::All {
                assert!(steps.iter().any(|s| s.starts_with("SCAN c")), "{steps:?}");
                continue;
            }
            assert!(steps.iter().any(|s| s.contains(&format!("INDEX {index} ("))), "{scope:?}: {steps:?}");
            assert!(steps.iter().any(|s| s.contains("case_members_user")), "{scope:?}: {steps:?}");
            assert!(!steps.iter().any(|s| s.starts_with("SCAN c")), "{scope:?}: no walk over every case: {steps:?}");
        }
    }
}
