//! What outreach achieved, within the reader's scope: activities, people reached, follow-ups
//! (registered), referrals wanted and made, by agent, agency, area, community, topic, kind and
//! month; women-only activities; female agents; and the funnel reached → registered →
//! referral wanted → referred. Referral outcomes are added by the referral module through
//! `outreach_follow_ups.referral_id`.

use crate::db::Tx;
use crate::error::StoreResult;
use crate::outreach::activities::{Activity, VISIBLE};
use crate::users::Viewer;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One line of a figures table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub activities: usize,
    pub reached: u64,
    pub registered: usize,
    pub referred: usize,
}

/// Lines keyed by what they are about: an agent's, agency's, area's or community's name, or a
/// code (kind, topic, sex) or a month (`YYYY-MM`) the page translates.
pub type Table = BTreeMap<String, Line>;

#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub total: Line,
    pub women_only: Line,
    /// Follow-ups where a referral was asked for.
    pub referral_wanted: usize,
    /// Follow-ups whose referral was completed by the service (the end of the funnel).
    pub referral_completed: usize,
    pub by_agent: Table,
    pub by_agency: Table,
    pub by_area: Table,
    pub by_community: Table,
    pub by_topic: Table,
    pub by_kind: Table,
    pub by_month: Table,
    /// Distinct agents by sex (`unknown` when not recorded), and the activities they ran.
    pub agents_by_sex: Table,
    /// People reached by sex (from the sex × age breakdown), and by age band.
    pub reached_by_sex: BTreeMap<String, u64>,
    pub reached_by_age: BTreeMap<String, u64>,
}

/// The funnel, in order: reached, registered, referral wanted, referred, referral completed.
impl Figures {
    pub fn funnel(&self) -> [(&'static str, u64); 5] {
        [
            ("reached", self.total.reached),
            ("registered", self.total.registered as u64),
            ("referral-wanted", self.referral_wanted as u64),
            ("referred", self.total.referred as u64),
            ("referral-completed", self.referral_completed as u64),
        ]
    }
}

fn add(t: &mut Table, key: &str, l: &Line) {
    let e = t.entry(key.to_string()).or_default();
    e.activities += l.activities;
    e.reached += l.reached;
    e.registered += l.registered;
    e.referred += l.referred;
}

async fn names(tx: &mut Tx, sql: &'static str) -> StoreResult<BTreeMap<Uuid, String>> {
    let rows: Vec<(Uuid, String)> = on_tx!(tx, c => sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(rows.into_iter().collect())
}

/// The figures of the activities `viewer` may see, optionally of one campaign.
pub async fn figures(tx: &mut Tx, viewer: &Viewer, campaign: Option<Uuid>) -> StoreResult<Figures> {
    let activities = crate::outreach::activities::list(tx, viewer, campaign, i64::MAX).await?;
    let (ag, team, own) = viewer.scope_binds();
    let agents_sql = format!(
        "SELECT g.activity_id, u.display_name, u.sex FROM outreach_activity_agents g JOIN users u ON u.id = g.user_id
         JOIN outreach_activities a ON a.id = g.activity_id WHERE {VISIBLE}"
    );
    let agents: Vec<(Uuid, String, Option<String>)> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(agents_sql)).bind(ag).bind(team).bind(own).fetch_all(c).await)?;
    let follow_sql = format!(
        "SELECT f.activity_id, f.need_code, f.service_id, f.referral_id, r.status FROM outreach_follow_ups f
         JOIN outreach_activities a ON a.id = f.activity_id LEFT JOIN referrals r ON r.id = f.referral_id WHERE {VISIBLE}"
    );
    let follow_ups: Vec<(Uuid, Option<String>, Option<Uuid>, Option<Uuid>, Option<String>)> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(follow_sql)).bind(ag).bind(team).bind(own).fetch_all(c).await)?;
    let cells_sql = format!(
        "SELECT r.activity_id, r.value, r.age_band, r.people FROM outreach_reached r
         JOIN outreach_activities a ON a.id = r.activity_id WHERE {VISIBLE} AND r.breakdown = 'sex_age'"
    );
    let cells: Vec<(Uuid, String, String, i64)> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(cells_sql)).bind(ag).bind(team).bind(own).fetch_all(c).await)?;
    let agencies = names(tx, "SELECT id, name FROM agencies").await?;
    let areas = names(tx, "SELECT id, name FROM areas").await?;
    let communities = names(tx, "SELECT id, name FROM communities").await?;

    let ids: std::collections::BTreeSet<Uuid> = activities.iter().map(|a| a.id).collect();
    let mut f = Figures::default();
    let mut agent_sex: BTreeMap<String, String> = BTreeMap::new();
    let mut agent_activities: BTreeMap<String, usize> = BTreeMap::new();
    for a in &activities {
        let mine: Vec<_> = follow_ups.iter().filter(|x| x.0 == a.id).collect();
        let line = Line {
            activities: 1,
            reached: u64::try_from(a.people_reached).unwrap_or(0),
            registered: mine.len(),
            referred: mine.iter().filter(|x| x.3.is_some()).count(),
        };
        f.referral_wanted += mine.iter().filter(|x| x.1.is_some() || x.2.is_some()).count();
        f.referral_completed += mine.iter().filter(|x| x.4.as_deref() == Some("completed")).count();
        add_activity(&mut f, a, &line, &agencies, &areas, &communities);
        for (_, name, sex) in agents.iter().filter(|g| g.0 == a.id) {
            add(&mut f.by_agent, name, &line);
            agent_sex.insert(name.clone(), sex.clone().unwrap_or_else(|| "unknown".into()));
            *agent_activities.entry(name.clone()).or_default() += 1;
        }
    }
    for (name, sex) in &agent_sex {
        let e = f.agents_by_sex.entry(sex.clone()).or_default();
        // Here `registered` counts agents: the table is about who did the outreach.
        e.registered += 1;
        e.activities += agent_activities.get(name).copied().unwrap_or(0);
    }
    for (activity, sex, band, n) in cells.iter().filter(|c| ids.contains(&c.0)) {
        let _ = activity;
        let n = u64::try_from(*n).unwrap_or(0);
        *f.reached_by_sex.entry(sex.clone()).or_default() += n;
        *f.reached_by_age.entry(band.clone()).or_default() += n;
    }
    Ok(f)
}

fn add_activity(
    f: &mut Figures,
    a: &Activity,
    line: &Line,
    agencies: &BTreeMap<Uuid, String>,
    areas: &BTreeMap<Uuid, String>,
    communities: &BTreeMap<Uuid, String>,
) {
    let name = |m: &BTreeMap<Uuid, String>, id: Option<Uuid>| id.and_then(|i| m.get(&i).cloned()).unwrap_or_default();
    add(&mut f.by_agency, &name(agencies, a.agency_id), line);
    add(&mut f.by_area, &name(areas, a.area_id), line);
    add(&mut f.by_community, &name(communities, a.community_id), line);
    add(&mut f.by_kind, &a.kind, line);
    add(&mut f.by_month, &a.held_on.format("%Y-%m").to_string(), line);
    for t in a.topic_codes() {
        add(&mut f.by_topic, t, line);
    }
    let total = &mut f.total;
    total.activities += 1;
    total.reached += line.reached;
    total.registered += line.registered;
    total.referred += line.referred;
    if a.women_only {
        let w = &mut f.women_only;
        w.activities += 1;
        w.reached += line.reached;
        w.registered += line.registered;
        w.referred += line.referred;
    }
}
