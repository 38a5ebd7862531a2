//! Outreach activities: what was done, where, by whom, on which topics, and how many people it
//! reached, split by breakdown. Checked whole before anything is written ([`check`]), written in
//! one transaction ([`create`], [`update`]); a device's submission id makes a second send of
//! the same form find the first record instead of creating another.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::users::Viewer;
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::outreach::{self as rules, Mismatch, ReachCell};
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

/// An activity as typed in a form, an offline draft or a spreadsheet row. Counts are given as
/// `(name, value)` pairs named `n.<breakdown>.<value>[.<age band>]`, e.g.
/// `n.sex_age.female.18_24` or `n.disability.yes`; nationality groups as `group: count` lines.
/// Serialisable because an edit that came too late is kept as a conflict (see `conflicts`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActivityInput {
    pub submission_id: String,
    pub kind: String,
    pub setting: String,
    pub held_on: String,
    pub area_id: Option<Uuid>,
    pub community_id: Option<Uuid>,
    pub host_agency_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub agents: Vec<Uuid>,
    pub topics: Vec<String>,
    pub language: String,
    pub women_only: bool,
    pub people_reached: String,
    pub counts: Vec<(String, String)>,
    pub nationality_groups: String,
    pub notes: String,
}

/// An activity that passed [`check`]: the only way to get one, so only checked input is written.
#[derive(Debug, Clone)]
pub struct Checked {
    submission_id: Option<String>,
    kind: String,
    setting: String,
    held_on: NaiveDate,
    area_id: Option<Uuid>,
    community_id: Option<Uuid>,
    host_agency_id: Option<Uuid>,
    campaign_id: Option<Uuid>,
    agents: Vec<Uuid>,
    topics: Vec<String>,
    language: String,
    women_only: bool,
    total: u32,
    cells: Vec<ReachCell>,
    notes: String,
}

impl Checked {
    pub fn submission_id(&self) -> Option<&str> {
        self.submission_id.as_deref()
    }

    /// The checked activity back into input, in the same shape as [`as_input`] gives for a
    /// stored one, so the two can be compared field by field.
    pub fn as_input(&self) -> ActivityInput {
        let groups: Vec<(String, u32)> =
            self.cells.iter().filter(|c| c.breakdown == "nationality_group").map(|c| (c.value.clone(), c.people)).collect();
        ActivityInput {
            submission_id: self.submission_id.clone().unwrap_or_default(),
            kind: self.kind.clone(),
            setting: self.setting.clone(),
            held_on: self.held_on.to_string(),
            area_id: self.area_id,
            community_id: self.community_id,
            host_agency_id: self.host_agency_id,
            campaign_id: self.campaign_id,
            agents: self.agents.clone(),
            topics: self.topics.clone(),
            language: self.language.clone(),
            women_only: self.women_only,
            people_reached: self.total.to_string(),
            counts: self
                .cells
                .iter()
                .filter(|c| c.breakdown != "nationality_group")
                .map(|c| (count_name(&c.breakdown, &c.value, &c.age_band), c.people.to_string()))
                .collect(),
            nationality_groups: rules::format_groups(&groups),
            notes: self.notes.clone(),
        }
    }
}

/// Why an activity was refused: field problems, and breakdowns that do not add up (with the
/// numbers, so the message can say by how much).
#[derive(Debug, Clone, Default)]
pub struct Rejected {
    pub problems: Problems,
    pub mismatches: Vec<Mismatch>,
}

/// The most people one activity may count: a radio piece may reach a whole island.
pub const MAX_REACHED: u32 = 10_000_000;

/// The name of the count field of a cell, as forms and spreadsheets use it.
pub fn count_name(breakdown: &str, value: &str, age_band: &str) -> String {
    if age_band.is_empty() { format!("n.{breakdown}.{value}") } else { format!("n.{breakdown}.{value}.{age_band}") }
}

fn parse_count(p: &mut Problems, field: &str, v: &str) -> u32 {
    let v = v.trim();
    if v.is_empty() {
        return 0;
    }
    match v.parse::<u32>() {
        Ok(n) if n <= MAX_REACHED => n,
        Ok(_) => {
            p.add(field, "out-of-range");
            0
        }
        Err(_) => {
            p.add(field, "not-a-number");
            0
        }
    }
}

/// Checks an activity whole; every problem at once. `required` names the breakdowns this
/// instance requires (see `passerelle_core::outreach::DEFAULT_REQUIRED`).
pub fn check(input: &ActivityInput, today: NaiveDate, required: &[&str]) -> Result<Checked, Rejected> {
    let mut p = Problems::default();
    let submission_id = p.text("submission_id", &input.submission_id, false, 64);
    if !submission_id.is_empty() && !submission_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        p.add("submission_id", "unknown-choice");
    }
    let kind = p.text("kind", &input.kind, true, 40);
    if !kind.is_empty() && !rules::KINDS.contains(&kind.as_str()) {
        p.add("kind", "unknown-choice");
    }
    let setting = match p.text("setting", &input.setting, false, 40) {
        s if s.is_empty() => "community".to_string(),
        s if rules::SETTINGS.contains(&s.as_str()) => s,
        s => {
            p.add("setting", "unknown-choice");
            s
        }
    };
    let held = p.text("held_on", &input.held_on, true, 10);
    let held_on = if held.is_empty() {
        None
    } else {
        match NaiveDate::parse_from_str(&held, "%Y-%m-%d") {
            // An activity is recorded after it happened, and not decades late.
            Ok(d) if d <= today && d.signed_duration_since(today).num_days() > -3650 => Some(d),
            Ok(_) => {
                p.add("held_on", "out-of-range");
                None
            }
            Err(_) => {
                p.add("held_on", "not-a-date");
                None
            }
        }
    };
    let mut topics: Vec<String> = Vec::new();
    for t in &input.topics {
        let t = t.trim();
        if t.is_empty() || topics.iter().any(|x| x == t) {
            continue;
        }
        if Taxonomy::needs().get(t).is_none() {
            p.add("topics", "unknown-choice");
            break;
        }
        topics.push(t.to_string());
    }
    let language = p.text("language", &input.language, false, 60);
    let notes = p.text("notes", &input.notes, false, 4000);
    let mut agents = input.agents.clone();
    agents.sort();
    agents.dedup();
    if agents.is_empty() {
        p.add("agents", "required");
    }
    let total_text = p.text("people_reached", &input.people_reached, true, 12);
    let total = if total_text.is_empty() { 0 } else { parse_count(&mut p, "people_reached", &total_text) };

    let mut cells: Vec<ReachCell> = Vec::new();
    for (name, value) in &input.counts {
        let Some(rest) = name.strip_prefix("n.") else { continue };
        let parts: Vec<&str> = rest.split('.').collect();
        let known = match parts.as_slice() {
            ["sex_age", sex, band] => rules::SEXES.contains(sex) && rules::AGE_BANDS.contains(band),
            [b, v] => rules::codes_of(b).is_some_and(|codes| codes.contains(v)),
            _ => false,
        };
        if !known {
            p.add(name, "unknown-choice");
            continue;
        }
        let n = parse_count(&mut p, name, value);
        if n == 0 {
            continue;
        }
        let (breakdown, value, band) = match parts.as_slice() {
            [b, v, band] => (*b, *v, *band),
            [b, v] => (*b, *v, ""),
            _ => continue,
        };
        match cells.iter_mut().find(|c| c.breakdown == breakdown && c.value == value && c.age_band == band) {
            Some(c) => c.people = c.people.saturating_add(n),
            None => cells.push(ReachCell { breakdown: breakdown.into(), value: value.into(), age_band: band.into(), people: n }),
        }
    }
    match rules::parse_groups(&input.nationality_groups) {
        Ok(groups) => cells.extend(groups.into_iter().filter(|(_, n)| *n > 0).map(|(g, n)| ReachCell {
            breakdown: "nationality_group".into(),
            value: g,
            age_band: String::new(),
            people: n,
        })),
        Err(_) => p.add("nationality_groups", "outreach-group-line"),
    }
    // Totals are compared only once every count is a number: otherwise the message would
    // be about a sum the person did not type.
    let mismatches = if p.is_empty() { rules::check_reach(total, &cells, required) } else { Vec::new() };
    if !p.is_empty() || !mismatches.is_empty() {
        return Err(Rejected { problems: p, mismatches });
    }
    let some = |s: String| (!s.is_empty()).then_some(s);
    Ok(Checked {
        submission_id: some(submission_id),
        kind,
        setting,
        held_on: held_on.unwrap_or(today),
        area_id: input.area_id,
        community_id: input.community_id,
        host_agency_id: input.host_agency_id,
        campaign_id: input.campaign_id,
        agents,
        topics,
        language,
        women_only: input.women_only,
        total,
        cells,
        notes,
    })
}

/// Checks that the places, agency, campaign and agents named exist (a stale offline draft may
/// name something deleted since).
async fn exists(tx: &mut Tx, sql: &'static str, id: Uuid) -> StoreResult<bool> {
    let n: (i64,) = on_tx!(tx, c => sqlx::query_as(sql).bind(id).fetch_one(c).await)?;
    Ok(n.0 > 0)
}

async fn check_references(tx: &mut Tx, a: &Checked) -> StoreResult<()> {
    let mut p = Problems::default();
    if let Some(id) = a.area_id {
        if !exists(tx, "SELECT COUNT(*) FROM areas WHERE id = $1", id).await? {
            p.add("area_id", "unknown-choice");
        }
    }
    if let Some(id) = a.community_id {
        if !exists(tx, "SELECT COUNT(*) FROM communities WHERE id = $1", id).await? {
            p.add("community_id", "unknown-choice");
        }
    }
    if let Some(id) = a.host_agency_id {
        if !exists(tx, "SELECT COUNT(*) FROM agencies WHERE id = $1", id).await? {
            p.add("host_agency_id", "unknown-choice");
        }
    }
    if let Some(id) = a.campaign_id {
        if !exists(tx, "SELECT COUNT(*) FROM outreach_campaigns WHERE id = $1", id).await? {
            p.add("campaign_id", "unknown-choice");
        }
    }
    for id in &a.agents {
        if !exists(tx, "SELECT COUNT(*) FROM users WHERE id = $1 AND active = TRUE", *id).await? {
            p.add("agents", "unknown-choice");
            break;
        }
    }
    if p.is_empty() { Ok(()) } else { Err(StoreError::Invalid(p)) }
}

async fn write_parts(tx: &mut Tx, id: Uuid, a: &Checked) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("DELETE FROM outreach_activity_agents WHERE activity_id = $1").bind(id))?;
    exec!(tx, c => sqlx::query("DELETE FROM outreach_reached WHERE activity_id = $1").bind(id))?;
    for u in &a.agents {
        exec!(tx, c => sqlx::query("INSERT INTO outreach_activity_agents (activity_id, user_id) VALUES ($1, $2)").bind(id).bind(*u))?;
    }
    for cell in &a.cells {
        exec!(tx, c => sqlx::query("INSERT INTO outreach_reached (activity_id, breakdown, value, age_band, people) VALUES ($1, $2, $3, $4, $5)")
            .bind(id).bind(&cell.breakdown).bind(&cell.value).bind(&cell.age_band).bind(i64::from(cell.people)))?;
    }
    Ok(())
}

/// What [`create`] did: made a new record, or found the one this submission already made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created(Uuid),
    Existing(Uuid),
}

impl Saved {
    pub fn id(self) -> Uuid {
        match self {
            Saved::Created(id) | Saved::Existing(id) => id,
        }
    }
}

/// The activity a submission id already created, if any.
pub async fn by_submission(tx: &mut Tx, submission_id: &str) -> StoreResult<Option<(Uuid, Uuid)>> {
    Ok(on_tx!(tx, c => sqlx::query_as("SELECT id, recorded_by FROM outreach_activities WHERE submission_id = $1")
        .bind(submission_id).fetch_optional(c).await)?)
}

/// Records a checked activity for `viewer` (their agency and team scope it). A submission id
/// already used by the same person returns that record; used by someone else, it is refused
/// (answering with their record would show it to the wrong person).
pub async fn create(tx: &mut Tx, viewer: &Viewer, a: &Checked, source: &str) -> StoreResult<Saved> {
    if let Some(sid) = &a.submission_id {
        if let Some((id, by)) = by_submission(tx, sid).await? {
            return if by == viewer.id { Ok(Saved::Existing(id)) } else { Err(StoreError::Conflict("submission_id")) };
        }
    }
    check_references(tx, a).await?;
    let id = Uuid::now_v7();
    let at = now();
    exec!(tx, c => sqlx::query(
        "INSERT INTO outreach_activities (id, submission_id, kind, setting, held_on, area_id, community_id, host_agency_id,
             campaign_id, topics, language, women_only, people_reached, notes, recorded_by, agency_id, team_id, source,
             created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, 1)")
        .bind(id).bind(a.submission_id.as_deref()).bind(&a.kind).bind(&a.setting).bind(a.held_on).bind(a.area_id)
        .bind(a.community_id).bind(a.host_agency_id).bind(a.campaign_id).bind(a.topics.join(" ")).bind(&a.language)
        .bind(a.women_only).bind(i64::from(a.total)).bind(&a.notes).bind(viewer.id).bind(viewer.agency_id)
        .bind(viewer.team_id).bind(source).bind(at))
        .map_err(StoreError::unique_as("submission_id"))?;
    write_parts(tx, id, a).await?;
    audit::append(tx, Event::new(Some(viewer.id), "outreach.activity.create", "outreach_activity").entity(id)
        .detail(json!({"kind": a.kind, "people_reached": a.total, "source": source}))).await?;
    Ok(Saved::Created(id))
}

/// Replaces an activity's content if it is still at `version` (the one the editor read);
/// otherwise nothing is written and the caller shows the conflict.
pub async fn update(tx: &mut Tx, viewer: &Viewer, id: Uuid, version: i64, a: &Checked) -> StoreResult<()> {
    get(tx, viewer, id).await?.ok_or(StoreError::NotFound)?;
    check_references(tx, a).await?;
    let n = exec!(tx, c => sqlx::query(
        "UPDATE outreach_activities SET kind = $3, setting = $4, held_on = $5, area_id = $6, community_id = $7,
             host_agency_id = $8, campaign_id = $9, topics = $10, language = $11, women_only = $12, people_reached = $13,
             notes = $14, updated_at = $15, version = version + 1
         WHERE id = $1 AND version = $2")
        .bind(id).bind(version).bind(&a.kind).bind(&a.setting).bind(a.held_on).bind(a.area_id).bind(a.community_id)
        .bind(a.host_agency_id).bind(a.campaign_id).bind(a.topics.join(" ")).bind(&a.language).bind(a.women_only)
        .bind(i64::from(a.total)).bind(&a.notes).bind(now()))?;
    if n == 0 {
        return Err(StoreError::Stale("outreach_activity"));
    }
    write_parts(tx, id, a).await?;
    audit::append(tx, Event::new(Some(viewer.id), "outreach.activity.update", "outreach_activity").entity(id)
        .detail(json!({"from_version": version, "people_reached": a.total}))).await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Activity {
    pub id: Uuid,
    pub submission_id: Option<String>,
    pub kind: String,
    pub setting: String,
    pub held_on: NaiveDate,
    pub area_id: Option<Uuid>,
    pub community_id: Option<Uuid>,
    pub host_agency_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub topics: String,
    pub language: String,
    pub women_only: bool,
    pub people_reached: i64,
    pub notes: String,
    pub recorded_by: Uuid,
    pub agency_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Activity {
    pub fn topic_codes(&self) -> Vec<&str> {
        self.topics.split_whitespace().collect()
    }
}

const COLUMNS: &str = "a.id, a.submission_id, a.kind, a.setting, a.held_on, a.area_id, a.community_id, a.host_agency_id,
     a.campaign_id, a.topics, a.language, a.women_only, a.people_reached, a.notes, a.recorded_by, a.agency_id, a.team_id,
     a.source, a.created_at, a.updated_at, a.version";

/// Who may see an activity: the viewer's scope over whoever recorded it; with the `own` scope,
/// also the activities they ran as one of the agents. `$1..$3` are the scope binds.
pub(crate) const VISIBLE: &str = "($1 IS NULL OR a.agency_id = $1) AND ($2 IS NULL OR a.team_id = $2)
     AND ($3 IS NULL OR a.recorded_by = $3 OR EXISTS (SELECT 1 FROM outreach_activity_agents g WHERE g.activity_id = a.id AND g.user_id = $3))";

pub async fn get(tx: &mut Tx, viewer: &Viewer, id: Uuid) -> StoreResult<Option<Activity>> {
    let (ag, team, own) = viewer.scope_binds();
    let sql = format!("SELECT {COLUMNS} FROM outreach_activities a WHERE {VISIBLE} AND a.id = $4");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(ag).bind(team).bind(own).bind(id).fetch_optional(c).await)?)
}

/// The activities the viewer may see, newest first, optionally of one campaign.
pub async fn list(tx: &mut Tx, viewer: &Viewer, campaign: Option<Uuid>, limit: i64) -> StoreResult<Vec<Activity>> {
    let (ag, team, own) = viewer.scope_binds();
    let sql = format!("SELECT {COLUMNS} FROM outreach_activities a WHERE {VISIBLE} AND ($4 IS NULL OR a.campaign_id = $4)
         ORDER BY a.held_on DESC, a.created_at DESC LIMIT $5");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(ag).bind(team).bind(own).bind(campaign).bind(limit).fetch_all(c).await)?)
}

/// The agents of an activity: id, name and sex (when recorded).
pub async fn agents(tx: &mut Tx, id: Uuid) -> StoreResult<Vec<(Uuid, String, Option<String>)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.display_name, u.sex FROM outreach_activity_agents g JOIN users u ON u.id = g.user_id
         WHERE g.activity_id = $1 ORDER BY u.display_name")
        .bind(id).fetch_all(c).await)?)
}

/// The counts of an activity, as cells.
pub async fn reached(tx: &mut Tx, id: Uuid) -> StoreResult<Vec<ReachCell>> {
    let rows: Vec<(String, String, String, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT breakdown, value, age_band, people FROM outreach_reached WHERE activity_id = $1 ORDER BY breakdown, value, age_band")
        .bind(id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(breakdown, value, age_band, n)| ReachCell { breakdown, value, age_band, people: u32::try_from(n).unwrap_or(0) })
        .collect())
}

/// An activity back into form input, to edit it.
pub async fn as_input(tx: &mut Tx, a: &Activity) -> StoreResult<ActivityInput> {
    let cells = reached(tx, a.id).await?;
    let agents = agents(tx, a.id).await?;
    let groups: Vec<(String, u32)> =
        cells.iter().filter(|c| c.breakdown == "nationality_group").map(|c| (c.value.clone(), c.people)).collect();
    Ok(ActivityInput {
        submission_id: a.submission_id.clone().unwrap_or_default(),
        kind: a.kind.clone(),
        setting: a.setting.clone(),
        held_on: a.held_on.to_string(),
        area_id: a.area_id,
        community_id: a.community_id,
        host_agency_id: a.host_agency_id,
        campaign_id: a.campaign_id,
        agents: agents.into_iter().map(|(id, _, _)| id).collect(),
        topics: a.topic_codes().into_iter().map(str::to_string).collect(),
        language: a.language.clone(),
        women_only: a.women_only,
        people_reached: a.people_reached.to_string(),
        counts: cells
            .iter()
            .filter(|c| c.breakdown != "nationality_group")
            .map(|c| (count_name(&c.breakdown, &c.value, &c.age_band), c.people.to_string()))
            .collect(),
        nationality_groups: rules::format_groups(&groups),
        notes: a.notes.clone(),
    })
}

/// Who may be named as an agent of an activity: active community agents and supervisors, and
/// whoever is recording (an M&E officer typing in a paper form names the agents on it).
pub async fn agent_choices(tx: &mut Tx, recorder: Uuid) -> StoreResult<Vec<(Uuid, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.display_name FROM users u WHERE u.active = TRUE AND (u.id = $1
             OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('community_agent', 'supervisor')))
         ORDER BY u.display_name")
        .bind(recorder).fetch_all(c).await)?)
}
