//! Edits of an outreach activity that came too late: made (often offline) from a version that
//! someone else changed meanwhile. The activity is never overwritten behind the other editor's
//! back, and the late edit is not lost either: it is kept here ([`record`]) until someone in
//! scope compares both versions and keeps the current record or applies the submitted one
//! ([`resolve`]), itself under the version check.

use super::activities::{self, ActivityInput, Checked, VISIBLE};
use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::users::Viewer;
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::outreach as rules;
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

/// How a conflict ended: `KeptMine` applied the submitted version, `KeptTheirs` kept the record
/// as it was. The codes are the database's and the audit's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    KeptMine,
    KeptTheirs,
}

impl Resolution {
    pub fn code(self) -> &'static str {
        match self {
            Resolution::KeptMine => "kept_mine",
            Resolution::KeptTheirs => "kept_theirs",
        }
    }

    pub fn parse(code: &str) -> Option<Resolution> {
        match code {
            "kept_mine" => Some(Resolution::KeptMine),
            "kept_theirs" => Some(Resolution::KeptTheirs),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Conflict {
    pub id: Uuid,
    pub activity_id: Uuid,
    pub submission_id: Option<String>,
    pub submitted: String,
    pub base_version: i64,
    pub submitted_by: Uuid,
    pub submitter_name: String,
    pub submitted_at: DateTime<Utc>,
    pub resolution: String,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Of the activity, for lists.
    pub kind: String,
    pub held_on: NaiveDate,
}

impl Conflict {
    pub fn is_open(&self) -> bool {
        self.resolution == "open"
    }

    /// The submitted version. Written by [`record`] from checked input, so it parses; a row
    /// that does not (edited by hand) is refused rather than applied half.
    pub fn input(&self) -> StoreResult<ActivityInput> {
        serde_json::from_str(&self.submitted).map_err(|_| {
            let mut p = Problems::default();
            p.add("submitted", "unknown-choice");
            StoreError::Invalid(p)
        })
    }
}

const COLUMNS: &str = "k.id, k.activity_id, k.submission_id, k.submitted, k.base_version, k.submitted_by,
     u.display_name AS submitter_name, k.submitted_at, k.resolution, k.resolved_by, k.resolved_at, a.kind, a.held_on";

/// Who may see a conflict: whoever may see the activity (the outreach scope); with the `own`
/// scope, only the conflicts they submitted (a fellow agent's late edit is theirs to settle).
fn visible() -> String {
    format!("{VISIBLE} AND ($3 IS NULL OR k.submitted_by = $3)")
}

fn from() -> &'static str {
    "outreach_conflicts k JOIN outreach_activities a ON a.id = k.activity_id JOIN users u ON u.id = k.submitted_by"
}

pub async fn get(tx: &mut Tx, viewer: &Viewer, id: Uuid) -> StoreResult<Option<Conflict>> {
    let (ag, team, own) = viewer.scope_binds();
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE {} AND k.id = $4", from(), visible());
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(ag).bind(team).bind(own).bind(id).fetch_optional(c).await)?)
}

/// The open conflicts the viewer may see, oldest first (the longest waiting first).
pub async fn list_open(tx: &mut Tx, viewer: &Viewer, limit: i64) -> StoreResult<Vec<Conflict>> {
    let (ag, team, own) = viewer.scope_binds();
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE {} AND k.resolution = 'open' ORDER BY k.submitted_at, k.id LIMIT $4", from(), visible());
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(ag).bind(team).bind(own).bind(limit).fetch_all(c).await)?)
}

/// Keeps an edit of `activity_id` made from `base_version` that was refused as stale; the
/// activity itself is not touched. The same submission (same person, same submission id) sent
/// again finds the conflict it already made.
pub async fn record(tx: &mut Tx, viewer: &Viewer, activity_id: Uuid, base_version: i64, a: &Checked) -> StoreResult<Uuid> {
    activities::get(tx, viewer, activity_id).await?.ok_or(StoreError::NotFound)?;
    let sid = a.submission_id();
    if let Some(sid) = sid {
        let found: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(
            "SELECT id FROM outreach_conflicts WHERE submitted_by = $1 AND submission_id = $2")
            .bind(viewer.id).bind(sid).fetch_optional(c).await)?;
        if let Some((id,)) = found {
            return Ok(id);
        }
    }
    let submitted = serde_json::to_string(&a.as_input()).map_err(|e| StoreError::Config(e.to_string()))?;
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO outreach_conflicts (id, activity_id, submission_id, submitted, base_version, submitted_by, submitted_at, resolution)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')")
        .bind(id).bind(activity_id).bind(sid).bind(&submitted).bind(base_version).bind(viewer.id).bind(now()))
        .map_err(StoreError::unique_as("submission_id"))?;
    audit::append(tx, Event::new(Some(viewer.id), "outreach.conflict.record", "outreach_conflict").entity(id)
        .detail(json!({"activity_id": activity_id, "base_version": base_version}))).await?;
    Ok(id)
}

/// Settles an open conflict. `KeptMine` writes the submitted version over the record if the
/// record is still at `version` (the one the resolver saw), else [`StoreError::Stale`] and
/// nothing is written; `KeptTheirs` leaves the record as it is. A conflict already settled is
/// refused ([`StoreError::Conflict`]): two people resolving at once must not both win.
pub async fn resolve(tx: &mut Tx, viewer: &Viewer, id: Uuid, how: Resolution, version: i64) -> StoreResult<()> {
    let k = get(tx, viewer, id).await?.ok_or(StoreError::NotFound)?;
    if !k.is_open() {
        return Err(StoreError::Conflict("resolution"));
    }
    if how == Resolution::KeptMine {
        let input = k.input()?;
        let today = now().date_naive();
        let checked = activities::check(&input, today, rules::DEFAULT_REQUIRED).map_err(|r| StoreError::Invalid(r.problems))?;
        activities::update(tx, viewer, k.activity_id, version, &checked).await?;
    }
    let n = exec!(tx, c => sqlx::query(
        "UPDATE outreach_conflicts SET resolution = $2, resolved_by = $3, resolved_at = $4 WHERE id = $1 AND resolution = 'open'")
        .bind(id).bind(how.code()).bind(viewer.id).bind(now()))?;
    if n == 0 {
        return Err(StoreError::Conflict("resolution"));
    }
    audit::append(tx, Event::new(Some(viewer.id), "outreach.conflict.resolve", "outreach_conflict").entity(id)
        .detail(json!({"activity_id": k.activity_id, "resolution": how.code(), "version": version}))).await?;
    Ok(())
}

/// The fields on which two versions of an activity differ, by form field name (`counts` and
/// `nationality_groups` as wholes). Lists are compared as sets: the order agents or counts were
/// typed in is not a difference.
pub fn differences(a: &ActivityInput, b: &ActivityInput) -> Vec<&'static str> {
    fn sorted<T: Ord + Clone>(v: &[T]) -> Vec<T> {
        let mut v = v.to_vec();
        v.sort();
        v
    }
    fn counts(v: &[(String, String)]) -> Vec<(String, String)> {
        sorted(v).into_iter().filter(|(_, n)| !matches!(n.trim(), "" | "0")).collect()
    }
    fn lines(s: &str) -> Vec<String> {
        sorted(&s.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect::<Vec<_>>())
    }
    let mut d = Vec::new();
    let mut field = |name: &'static str, differs: bool| {
        if differs {
            d.push(name);
        }
    };
    field("kind", a.kind != b.kind);
    field("setting", a.setting != b.setting);
    field("held_on", a.held_on != b.held_on);
    field("area_id", a.area_id != b.area_id);
    field("community_id", a.community_id != b.community_id);
    field("host_agency_id", a.host_agency_id != b.host_agency_id);
    field("campaign_id", a.campaign_id != b.campaign_id);
    field("agents", sorted(&a.agents) != sorted(&b.agents));
    field("topics", sorted(&a.topics) != sorted(&b.topics));
    field("language", a.language.trim() != b.language.trim());
    field("women_only", a.women_only != b.women_only);
    field("people_reached", a.people_reached.trim() != b.people_reached.trim());
    field("counts", counts(&a.counts) != counts(&b.counts));
    field("nationality_groups", lines(&a.nationality_groups) != lines(&b.nationality_groups));
    field("notes", a.notes.trim() != b.notes.trim());
    d
}
