//! Reading Passerelle's records as the core indicator [`Record`]s, one SQL query per entity
//! (plus the steps and approvals of cases), handed one at a time to a [`Sink`] (the figures'
//! tallies, [`passerelle_core::indicators::Tally`]) and let go, so that computing figures over
//! a national register never holds its records at once. Same semantics on both backends. Only
//! the entities a plan counts are read. Derived fields follow the rules written in `passerelle_core::indicators::schema`;
//! where Passerelle does not record something yet, the field is null (unknown), never guessed.

use crate::db::{AnyRow, Tx};
use crate::error::StoreResult;
use crate::sops;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use passerelle_core::indicators::{AggregatePlan, Aggregation, Dataset, Entity, PeriodAnchor, Predicate, QueryPlan, Record, Term, Value};
use passerelle_core::sop::{deadlines, RiskLevel, Sop, StepStatus};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The entities a plan reads.
pub fn entities(plan: &QueryPlan) -> BTreeSet<Entity> {
    let mut out = BTreeSet::from([plan.numerator.entity]);
    if let Some(d) = &plan.denominator {
        out.insert(d.entity);
    }
    out
}

/// Whether a plan reads a case's steps (`step("id").field`): deadlines are computed per step
/// of each case's SOP, the costly part of reading cases, so only when asked for.
pub fn uses_steps(plan: &QueryPlan) -> bool {
    fn term(t: &Term) -> bool {
        match t {
            Term::Field(f) => f.step.is_some(),
            Term::Literal(_) => false,
            Term::DaysBetween { from, to } => from.step.is_some() || to.step.is_some(),
        }
    }
    fn predicate(p: &Predicate) -> bool {
        match p {
            Predicate::Compare { left, right, .. } => term(left) || term(right),
            Predicate::In { term: t, .. } | Predicate::IsNull { term: t, .. } | Predicate::IsTrue(t) => term(t),
            Predicate::Not(p) => predicate(p),
            Predicate::And(ps) | Predicate::Or(ps) => ps.iter().any(predicate),
        }
    }
    fn aggregate(a: &AggregatePlan) -> bool {
        let agg = match &a.aggregation {
            Aggregation::Count => false,
            Aggregation::CountDistinct(t) | Aggregation::Sum(t) | Aggregation::Mean(t) | Aggregation::Median(t) => term(t),
        };
        let anchor = match &a.anchor {
            PeriodAnchor::At(f) => f.step.is_some(),
            PeriodAnchor::Overlaps { start, end } => start.step.is_some() || end.step.is_some(),
        };
        agg || anchor || a.predicates.iter().any(predicate)
    }
    aggregate(&plan.numerator) || plan.denominator.as_ref().is_some_and(aggregate)
}

/// Where records go as they are read: each is lent once, with its entity.
pub type Sink<'a> = dyn FnMut(Entity, &Record) + Send + 'a;

/// Reads every record of `entities` (all agencies: figures leave through small-cell
/// suppression, never as records) into `sink`. `steps`: whether cases carry their steps (see
/// [`uses_steps`]; case-step records always do). `now` decides whether an open step is overdue.
pub async fn read(tx: &mut Tx, entities: &BTreeSet<Entity>, steps: bool, now: DateTime<Utc>, sink: &mut Sink<'_>) -> StoreResult<()> {
    read_in_pages(tx, entities, steps, now, PAGE, sink).await
}

/// [`read`], the large tables (cases, referrals, people) `page` rows at a time.
pub async fn read_in_pages(tx: &mut Tx, entities: &BTreeSet<Entity>, steps: bool, now: DateTime<Utc>, page: i64, sink: &mut Sink<'_>) -> StoreResult<()> {
    if entities.contains(&Entity::Cases) || entities.contains(&Entity::CaseSteps) {
        cases_and_steps(tx, entities, steps, now, page, sink).await?;
    }
    for e in entities {
        let mut each = |r: Record| sink(*e, &r);
        match e {
            Entity::Cases | Entity::CaseSteps => continue,
            Entity::People => people(tx, page, &mut each).await?,
            Entity::Staff => staff(tx, &mut each).await?,
            Entity::Services => services(tx, &mut each).await?,
            Entity::TrainingParticipants => training_participants(tx, &mut each).await?,
            Entity::Referrals => referrals(tx, page, &mut each).await?,
            Entity::OutreachActivities => outreach_activities(tx, &mut each).await?,
            Entity::PeopleReached => people_reached(tx, &mut each).await?,
        }
    }
    Ok(())
}

/// Every record of `entities` held at once (tests that look at one record's fields).
pub async fn load(tx: &mut Tx, entities: &BTreeSet<Entity>, steps: bool, now: DateTime<Utc>) -> StoreResult<Dataset> {
    let mut data = Dataset::default();
    read(tx, entities, steps, now, &mut |e, r| data.insert(e, r.clone())).await?;
    Ok(data)
}

/// One entity's records, one at a time.
type Each<'a> = dyn FnMut(Record) + Send + 'a;

#[derive(sqlx::FromRow)]
struct ReferralRow {
    id: Uuid,
    case_id: Uuid,
    sop_id: String,
    need: String,
    from_agency: Option<String>,
    to_agency: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    responded_at: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
    status: String,
    urgency: String,
    #[sqlx(flatten)]
    person: PersonRow,
}

/// Referrals sent (drafts are not referrals yet), dated by their sending; the person's
/// characteristics at that date.
pub async fn referrals(tx: &mut Tx, size: i64, each: &mut Each<'_>) -> StoreResult<()> {
    let sql = format!(
        "SELECT r.id, r.case_id, r.sop_id, r.need, fa.name AS from_agency, ta.name AS to_agency, r.sent_at, r.responded_at,
                r.completed_at, r.status, r.urgency, {}
         FROM referrals r LEFT JOIN agencies fa ON fa.id = r.from_agency_id LEFT JOIN agencies ta ON ta.id = r.to_agency_id
         LEFT JOIN people p ON p.id = r.person_id {PERSON_AREA}
         WHERE r.status <> 'draft' AND r.id > $1 ORDER BY r.id LIMIT $2",
        person_columns("r.person_id")
    );
    let mut after = Uuid::nil();
    while let Some(rows) = page::<ReferralRow>(tx, &sql, size, &mut after, |r| r.id).await? {
        let persons = persons(tx, rows.iter().map(|r| &r.person)).await?;
        for (r, person) in rows.into_iter().zip(persons) {
            let on = r.sent_at.map(|s| s.date_naive()).unwrap_or_default();
            let record = Record::new()
                .with("id", Value::Text(r.id.to_string()))
                .with("case_id", Value::Text(r.case_id.to_string()))
                .with("person_id", Value::Text(r.person.person_id.to_string()))
                .with("sop", Value::Text(r.sop_id))
                .with("need", Value::Text(r.need))
                .with("agency", text(r.from_agency))
                .with("to_agency", text(r.to_agency))
                .with("area", text(person.area.clone()))
                .with("referred_at", date(r.sent_at, Tz::UTC))
                .with("responded_at", date(r.responded_at, Tz::UTC))
                .with("completed_at", date(r.completed_at, Tz::UTC))
                .with("status", Value::Text(r.status))
                .with("urgent", Value::Bool(r.urgency != "normal"));
            each(person.dims(record, on));
        }
    }
    Ok(())
}

/// How many rows a paged read takes at once: what computing holds of a large table.
pub const PAGE: i64 = 2_000;

/// The next `size` rows of `sql` after the id `after` (`sql` ends with
/// `WHERE … <id> > $1 ORDER BY <id> LIMIT $2`), moving `after` to its last row's id (`id`);
/// `None` past the last page. A table of a million rows is read [`PAGE`] rows at a time.
async fn page<R: AnyRow>(tx: &mut Tx, sql: &str, size: i64, after: &mut Uuid, id: impl Fn(&R) -> Uuid) -> StoreResult<Option<Vec<R>>> {
    let rows: Vec<R> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(*after).bind(size).fetch_all(c).await)?;
    Ok(rows.last().map(&id).map(|last| {
        *after = last;
        rows
    }))
}

type ActivityRow = (Uuid, String, Option<String>, Option<String>, Option<String>, NaiveDate, DateTime<Utc>, i64);

/// Outreach activities, dated by the day they were held; `recorded_on` is the day they were
/// entered (UTC), for the reporting delay. An activity run by several agents names one of
/// them (the first by id, so the same one every time) as `community_agent_id`.
pub async fn outreach_activities(tx: &mut Tx, each: &mut Each<'_>) -> StoreResult<()> {
    let rows: Vec<ActivityRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.kind, g.name, ar.name, cp.name, a.held_on, a.created_at, a.people_reached
         FROM outreach_activities a LEFT JOIN agencies g ON g.id = a.agency_id LEFT JOIN areas ar ON ar.id = a.area_id
         LEFT JOIN outreach_campaigns cp ON cp.id = a.campaign_id").fetch_all(c).await)?;
    let agents: Vec<(Uuid, Uuid)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT activity_id, user_id FROM outreach_activity_agents").fetch_all(c).await)?;
    let mut first_agent: BTreeMap<Uuid, Uuid> = BTreeMap::new();
    for (activity, user) in agents {
        let e = first_agent.entry(activity).or_insert(user);
        *e = (*e).min(user);
    }
    rows
        .into_iter()
        .map(|(aid, kind, agency, area, campaign, held, created, reached)| {
            Record::new()
                .with("id", Value::Text(aid.to_string()))
                .with("kind", Value::Text(kind))
                .with("agency", text(agency))
                .with("area", text(area))
                .with("campaign", text(campaign))
                .with("community_agent_id", id(first_agent.get(&aid).copied()))
                .with("held_on", Value::Date(held))
                .with("recorded_on", Value::Date(created.date_naive()))
                .with("people_reached", Value::Int(reached))
        })
        .for_each(&mut *each);
    Ok(())
}

/// The person dimensions of one person reached, in the order of [`DIMS`].
pub type ReachDims = [String; 5];
/// `sex`, `age_band`, `nationality_group`, `migration_status`, `disability`.
pub const DIMS: [&str; 5] = ["sex", "age_band", "nationality_group", "migration_status", "disability"];
const UNKNOWN: &str = "unknown";

/// Counts left to hand out, per value (a sex and an age band together for `sex_age`).
struct Pool(Vec<(Vec<String>, u64)>);

impl Pool {
    /// Takes one person out of the first count that agrees with `want` (an `unknown` part
    /// agrees with anything) and returns its values, unknown parts filled in; `None` when no
    /// count agrees (the person keeps their own values, the counts stay as they are).
    fn take(&mut self, want: &[&str]) -> Option<Vec<String>> {
        let fits = |v: &[String]| v.iter().zip(want).all(|(have, w)| *w == UNKNOWN || have == w);
        let (values, n) = self.0.iter_mut().find(|(v, n)| *n > 0 && fits(v))?;
        *n -= 1;
        Some(values.clone())
    }
}

/// One record's dimensions per person an activity reached. Outreach counts people without
/// registering them: each breakdown (sex × age band, nationality group, migration status,
/// disability) is a separate count adding up to `total`. So every person reached becomes a
/// record whose dimensions are drawn from those counts: first the people registered in a
/// follow-up (`known`, their own recorded values kept, an unknown one taken from the counts),
/// then anonymous people for the rest, `unknown` where a breakdown was not given. Any breakdown
/// by ONE dimension therefore gives exactly the counts recorded; how two separately counted
/// dimensions combine (sex × nationality) is not known, and a breakdown crossing them shows an
/// arbitrary pairing — the page allows it, the figures say no more than the counts.
pub fn reached_dims(total: u64, cells: &[(String, String, String, u64)], known: &[ReachDims]) -> Vec<ReachDims> {
    let pool = |breakdown: &str| {
        Pool(cells.iter().filter(|c| c.0 == breakdown).map(|c| {
            let values = if breakdown == "sex_age" { vec![c.1.clone(), c.2.clone()] } else { vec![c.1.clone()] };
            (values, c.3)
        }).collect())
    };
    let mut sex_age = pool("sex_age");
    let mut single = [pool("nationality_group"), pool("migration_status"), pool("disability")];
    let anonymous = usize::try_from(total).unwrap_or(usize::MAX).saturating_sub(known.len());
    let blank: ReachDims = std::array::from_fn(|_| UNKNOWN.to_string());
    let mut out = Vec::with_capacity(known.len() + anonymous);
    for person in known.iter().chain(std::iter::repeat_n(&blank, anonymous)) {
        let mut d = person.clone();
        if let Some(v) = sex_age.take(&[&d[0], &d[1]]) {
            d[0].clone_from(&v[0]);
            d[1].clone_from(&v[1]);
        }
        for (i, p) in single.iter_mut().enumerate() {
            if let Some(v) = p.take(&[&d[i + 2]]) {
                d[i + 2].clone_from(&v[0]);
            }
        }
        out.push(d);
    }
    out
}

type ReachedRow = (Uuid, String, String, String, i64);
type FollowUpRow = (Uuid, Uuid, Uuid, Option<String>);

/// One record per person an activity reached (see [`reached_dims`]), dated by the activity.
/// Registered people (follow-ups) carry their person id, whether they were referred (the
/// referral linked to the follow-up was sent) and whether they registered with a service: a
/// case opened for them, or a referral of theirs completed, on or after the day they were reached.
pub async fn people_reached(tx: &mut Tx, each: &mut Each<'_>) -> StoreResult<()> {
    let rows: Vec<(Uuid, Option<String>, Option<String>, NaiveDate, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, g.name, ar.name, a.held_on, a.people_reached
         FROM outreach_activities a LEFT JOIN agencies g ON g.id = a.agency_id LEFT JOIN areas ar ON ar.id = a.area_id")
        .fetch_all(c).await)?;
    let cells: Vec<ReachedRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT activity_id, breakdown, value, age_band, people FROM outreach_reached ORDER BY activity_id, breakdown, value, age_band")
        .fetch_all(c).await)?;
    let follow_ups: Vec<FollowUpRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT f.id, f.activity_id, f.person_id, r.status FROM outreach_follow_ups f LEFT JOIN referrals r ON r.id = f.referral_id
         ORDER BY f.created_at, f.id").fetch_all(c).await)?;
    let services: Vec<(Uuid, Option<DateTime<Utc>>)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT c.person_id, c.opened_at FROM cases c WHERE c.person_id IN (SELECT person_id FROM outreach_follow_ups)
         UNION ALL
         SELECT r.person_id, r.completed_at FROM referrals r
         WHERE r.status = 'completed' AND r.person_id IN (SELECT person_id FROM outreach_follow_ups)").fetch_all(c).await)?;
    let mut service_dates: BTreeMap<Uuid, Vec<NaiveDate>> = BTreeMap::new();
    for (person, at) in services {
        if let Some(at) = at {
            service_dates.entry(person).or_default().push(at.date_naive());
        }
    }
    let mut cells_of: BTreeMap<Uuid, Vec<(String, String, String, u64)>> = BTreeMap::new();
    for (activity, breakdown, value, band, n) in cells {
        cells_of.entry(activity).or_default().push((breakdown, value, band, u64::try_from(n).unwrap_or(0)));
    }
    // Only the people followed up are registered: their characteristics are read, no one else's.
    let followed: Vec<Uuid> = follow_ups.iter().map(|f| f.2).collect::<BTreeSet<_>>().into_iter().collect();
    let rows_of_people: Vec<PersonRow> = crate::db::rows_for_ids(tx, |ids| format!(
        "SELECT {} FROM people p {PERSON_AREA} WHERE p.id IN ({ids})", person_columns("p.id")), &followed).await?;
    let found = persons(tx, rows_of_people.iter()).await?;
    let persons: BTreeMap<Uuid, Person> = rows_of_people.iter().map(|r| r.person_id).zip(found).collect();
    let mut follow_ups_of: BTreeMap<Uuid, Vec<FollowUpRow>> = BTreeMap::new();
    for f in follow_ups {
        follow_ups_of.entry(f.1).or_default().push(f);
    }
    for (aid, agency, area, held, total) in rows {
        let fus = follow_ups_of.get(&aid).map(Vec::as_slice).unwrap_or(&[]);
        let known: Vec<ReachDims> = fus
            .iter()
            .map(|f| {
                let r = persons.get(&f.2).cloned().unwrap_or_default().dims(Record::new(), held);
                DIMS.map(|d| match r.fields.get(d) {
                    Some(Value::Text(t)) => t.clone(),
                    _ => UNKNOWN.to_string(),
                })
            })
            .collect();
        let dims = reached_dims(u64::try_from(total).unwrap_or(0), cells_of.get(&aid).map(Vec::as_slice).unwrap_or(&[]), &known);
        for (i, d) in dims.into_iter().enumerate() {
            let fu = fus.get(i);
            let registered_on = fu.and_then(|f| service_dates.get(&f.2)).and_then(|ds| ds.iter().filter(|d| **d >= held).min().copied());
            let referred = fu.is_some_and(|f| f.3.as_deref().is_some_and(|s| s != "draft"));
            let mut r = Record::new()
                .with("id", Value::Text(fu.map(|f| f.0.to_string()).unwrap_or_else(|| format!("{aid}:{i}"))))
                .with("activity_id", Value::Text(aid.to_string()))
                .with("person_id", id(fu.map(|f| f.2)))
                .with("agency", text(agency.clone()))
                .with("area", text(area.clone()))
                .with("reached_on", Value::Date(held))
                .with("registered_with_service", Value::Bool(registered_on.is_some()))
                .with("registered_on", registered_on.map(Value::Date).unwrap_or(Value::Null))
                .with("referred", Value::Bool(referred));
            for (name, value) in DIMS.iter().zip(d) {
                r = r.with(*name, Value::Text(value));
            }
            each(r);
        }
    }
    Ok(())
}

fn text(s: Option<String>) -> Value {
    s.filter(|s| !s.is_empty()).map(Value::Text).unwrap_or(Value::Null)
}

fn date(d: Option<DateTime<Utc>>, tz: Tz) -> Value {
    d.map(|d| Value::Date(d.with_timezone(&tz).date_naive())).unwrap_or(Value::Null)
}

fn id(u: Option<Uuid>) -> Value {
    u.map(|u| Value::Text(u.to_string())).unwrap_or(Value::Null)
}

/// A birth date as people record it: a full date, or a year alone when estimated.
fn birth(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
        .ok()
        .or_else(|| s.get(..4)?.parse::<i32>().ok().and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)))
}

/// The age band (schema `AGE_BANDS`) of someone born on `born` at the date `at`.
pub fn age_band(born: Option<NaiveDate>, at: NaiveDate) -> &'static str {
    let Some(born) = born else { return "unknown" };
    let Some(age) = at.years_since(born) else { return "unknown" };
    match age {
        0..=4 => "0_4",
        5..=11 => "5_11",
        12..=17 => "12_17",
        18..=24 => "18_24",
        25..=59 => "25_59",
        _ => "60_plus",
    }
}

/// A person's characteristics, as read from `people`.
#[derive(Clone, Default)]
struct Person {
    sex: Option<String>,
    birth: Option<NaiveDate>,
    nationality: Option<String>,
    migration_status: Option<String>,
    area: Option<String>,
    /// The status derived from the latest Washington Group questions asked, `unknown` if never.
    disability: Option<&'static str>,
}

impl Person {
    /// The person dimensions at `at`.
    fn dims(&self, r: Record, at: NaiveDate) -> Record {
        let sex = self.sex.clone().filter(|s| ["female", "male", "other"].contains(&s.as_str()));
        let status = self.migration_status.clone().filter(|s| {
            passerelle_core::indicators::schema::MIGRATION_STATUS.contains(&s.as_str())
        });
        r.with("sex", Value::Text(sex.unwrap_or_else(|| "unknown".into())))
            .with("age_band", Value::text(age_band(self.birth, at)))
            .with(
                "nationality_group",
                Value::Text(self.nationality.clone().filter(|n| !n.is_empty()).map(|n| n.to_uppercase()).unwrap_or_else(|| "unknown".into())),
            )
            .with("migration_status", Value::Text(status.unwrap_or_else(|| "unknown".into())))
            .with("disability", Value::text(self.disability.unwrap_or("unknown")))
    }
}

/// A person's columns, read with each row that concerns them (see [`person_columns`]).
#[derive(sqlx::FromRow)]
struct PersonRow {
    person_id: Uuid,
    sex: Option<String>,
    birth_date: Option<String>,
    nationality: Option<String>,
    migration_status: Option<String>,
    person_area: Option<String>,
    sealed: Option<Vec<u8>>,
}

/// The columns of [`PersonRow`] for the person whose id is `id`, from the table `people p`
/// joined with [`PERSON_AREA`].
fn person_columns(id: &str) -> String {
    format!("{id} AS person_id, p.sex, p.birth_date, p.nationality, p.migration_status, pa.name AS person_area, p.sealed")
}

const PERSON_AREA: &str = "LEFT JOIN areas pa ON pa.id = p.area_id";

/// The characteristics of the people of a page of rows: birth dates sealed with the names are
/// opened in memory for the age bands, disability read for these people only.
async fn persons<'r>(tx: &mut Tx, rows: impl Iterator<Item = &'r PersonRow>) -> StoreResult<Vec<Person>> {
    let rows: Vec<&PersonRow> = rows.collect();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect::<BTreeSet<_>>().into_iter().collect();
    let disability = crate::functioning::latest_statuses_of(tx, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let born = match &r.sealed {
                Some(_) => crate::people::birth_date_of(tx, r.person_id, r.sealed.as_deref(), None)?.map(|d| d.to_string()),
                None => r.birth_date.clone(),
            };
            Ok(Person {
                sex: r.sex.clone(),
                birth: born.as_deref().and_then(birth),
                nationality: r.nationality.clone(),
                migration_status: r.migration_status.clone(),
                area: r.person_area.clone(),
                disability: disability.get(&r.person_id).map(|s| s.code()),
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: Uuid,
    sop_id: String,
    sop_version: i64,
    status: String,
    risk: String,
    restricted: bool,
    time_zone: String,
    assigned_to: Uuid,
    agency: Option<String>,
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    referrals_made: i64,
    #[sqlx(flatten)]
    person: PersonRow,
}

/// A step is the case plan when its id says so (`case_plan`, `care_plan`, `housing_plan`…).
fn is_plan(step: &str) -> bool {
    step.ends_with("_plan")
}

/// The case records, and the case-step records (one per step of each case's SOP version, each
/// case's after it), of those of the two `entities` asks for. Cases carry their steps with
/// `steps` (see [`uses_steps`]) or when step records are asked for.
async fn cases_and_steps(tx: &mut Tx, entities: &BTreeSet<Entity>, steps: bool, now: DateTime<Utc>, size: i64, sink: &mut Sink<'_>) -> StoreResult<()> {
    let (case_records, step_records) = (entities.contains(&Entity::Cases), entities.contains(&Entity::CaseSteps));
    let with_steps = steps || step_records;
    let sql = format!(
        "SELECT c.id, c.sop_id, c.sop_version, c.status, c.risk, c.restricted, c.time_zone, c.assigned_to, g.name AS agency,
                c.opened_at, c.closed_at,
                (SELECT COUNT(*) FROM referrals r WHERE r.case_id = c.id AND r.status <> 'draft') AS referrals_made, {}
         FROM cases c LEFT JOIN agencies g ON g.id = c.agency_id LEFT JOIN people p ON p.id = c.person_id {PERSON_AREA}
         WHERE c.id > $1 ORDER BY c.id LIMIT $2",
        person_columns("c.person_id")
    );
    let mut sop_cache: BTreeMap<(String, u32), Option<std::sync::Arc<Sop>>> = BTreeMap::new();
    let mut after = Uuid::nil();
    while let Some(rows) = page::<CaseRow>(tx, &sql, size, &mut after, |r| r.id).await? {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let completed = crate::cases::completed_steps_of(tx, &ids).await?;
        let approvals: Vec<(Uuid, String, Option<DateTime<Utc>>)> = crate::db::rows_for_ids(tx, |ids| format!(
            "SELECT case_id, step_id, decided_at FROM case_approvals WHERE decision = 'approved' AND case_id IN ({ids})"), &ids).await?;
        let mut approved: BTreeMap<Uuid, BTreeMap<String, Option<DateTime<Utc>>>> = BTreeMap::new();
        for (case, step, at) in approvals {
            approved.entry(case).or_default().insert(step, at);
        }
        let people = persons(tx, rows.iter().map(|r| &r.person)).await?;
        for (row, person) in rows.into_iter().zip(people) {
            let CaseRow { id: case_id, sop_id, sop_version, status, risk, restricted, time_zone, assigned_to: assigned, agency, opened_at: opened, closed_at: closed, referrals_made, person: PersonRow { person_id, .. } } = row;
            let version = u32::try_from(sop_version).unwrap_or_default();
            let key = (sop_id.clone(), version);
            if with_steps && !sop_cache.contains_key(&key) {
                let sop = sops::get(tx, &sop_id, version).await?.map(|p| p.sop);
                sop_cache.insert(key.clone(), sop);
            }
            let tz: Tz = time_zone.parse().unwrap_or(Tz::UTC);
            let opened_on = opened.with_timezone(&tz).date_naive();
            let no_steps = BTreeMap::new();
            let case_done = completed.get(&case_id).unwrap_or(&no_steps);
            let no_approvals = BTreeMap::new();
            let case_approved = approved.get(&case_id).unwrap_or(&no_approvals);
            let base = Record::new()
                .with("sop", Value::Text(sop_id.clone()))
                .with("risk", Value::Text(risk.clone()))
                .with("opened_at", Value::Date(opened_on))
                .with("caseworker_id", Value::Text(assigned.to_string()))
                .with("agency", text(agency.clone()))
                .with("area", text(person.area.clone()))
                .with("person_id", Value::Text(person_id.to_string()));
            let base = person.dims(base, opened_on);
            let plan_approved = case_approved.iter().filter(|(s, _)| is_plan(s)).filter_map(|(_, at)| *at).min();
            let plan_completed = case_done.keys().any(|s| is_plan(s));
            let follow_ups = case_done.keys().filter(|s| s.starts_with("follow_up")).count();
            let mut case = base
                .clone()
                .with("id", Value::Text(case_id.to_string()))
                .with("sop_version", Value::Int(sop_version))
                .with("status", Value::Text(status))
                .with("closed_at", date(closed, tz))
                .with("supervisor_id", Value::Null)
                .with("plan_approved_at", date(plan_approved, tz))
                .with("plan_completed", Value::Bool(plan_completed))
                .with("follow_ups", Value::Int(i64::try_from(follow_ups).unwrap_or(i64::MAX)))
                .with("referrals_made", Value::Int(referrals_made))
                // Not recorded yet: the closure form has no satisfaction question in the SOP pack.
                .with("satisfaction_score", Value::Null)
                .with("restricted", Value::Bool(restricted));
            let sop = if with_steps { sop_cache.get(&key).and_then(|s| s.as_deref()) } else { None };
            let mut of_steps = Vec::new();
            if let (Some(sop), Some(level)) = (sop, RiskLevel::from_code(&risk)) {
                for due in deadlines(sop, opened, level, case_done, tz) {
                    let met = match due.status(now) {
                        StepStatus::Done => Value::Bool(due.due.is_some()),
                        StepStatus::DoneLate | StepStatus::Overdue => Value::Bool(false),
                        StepStatus::Waiting | StepStatus::Open => Value::Null,
                    };
                    // A step done before its clock started (its anchor step done later) is on time.
                    let met = if due.due.is_none() && due.completed_at.is_some() { Value::Bool(true) } else { met };
                    let fields = [
                        ("due_at", date(due.due, tz)),
                        ("completed_at", date(due.completed_at, tz)),
                        ("completed", Value::Bool(due.completed_at.is_some())),
                        ("met_deadline", met),
                        ("approved", Value::Bool(case_approved.contains_key(&due.step))),
                    ];
                    // A step's own record only when step records are counted.
                    let mut step = step_records.then(|| base.clone().with("case_id", Value::Text(case_id.to_string())).with("step", Value::Text(due.step.clone())));
                    for (name, value) in fields {
                        if let Some(s) = step.take() {
                            step = Some(s.with(name, value.clone()));
                        }
                        case = case.with_step(&due.step, name, value);
                    }
                    of_steps.extend(step);
                }
            }
            if case_records {
                sink(Entity::Cases, &case);
            }
            for step in &of_steps {
                sink(Entity::CaseSteps, step);
            }
        }
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PeopleRow {
    agency: Option<String>,
    created_at: DateTime<Utc>,
    open_cases: i64,
    #[sqlx(flatten)]
    person: PersonRow,
}

/// People registered (not merged into another record), dated by their registration.
async fn people(tx: &mut Tx, size: i64, each: &mut Each<'_>) -> StoreResult<()> {
    let sql = format!(
        "SELECT g.name AS agency, p.created_at,
                (SELECT COUNT(*) FROM cases c WHERE c.person_id = p.id AND c.status = 'open') AS open_cases, {}
         FROM people p LEFT JOIN agencies g ON g.id = p.agency_id {PERSON_AREA}
         WHERE p.merged_into IS NULL AND p.id > $1 ORDER BY p.id LIMIT $2",
        person_columns("p.id")
    );
    let mut after = Uuid::nil();
    while let Some(rows) = page::<PeopleRow>(tx, &sql, size, &mut after, |r| r.person.person_id).await? {
        let persons = persons(tx, rows.iter().map(|r| &r.person)).await?;
        for (r, person) in rows.into_iter().zip(persons) {
            let on = r.created_at.date_naive();
            let record = Record::new()
                .with("id", Value::Text(r.person.person_id.to_string()))
                .with("agency", text(r.agency))
                .with("area", text(person.area.clone()))
                .with("registered_at", Value::Date(on))
                .with("open_cases", Value::Int(r.open_cases));
            each(person.dims(record, on));
        }
    }
    Ok(())
}

/// The staff role an indicator counts, from Passerelle's roles.
fn staff_role(role: &str) -> &'static str {
    match role {
        "caseworker" => "caseworker",
        "supervisor" => "supervisor",
        "service_focal_point" => "focal_point",
        "community_agent" => "community_agent",
        "trainer" => "trainer",
        _ => "other",
    }
}

type StaffRow = (Uuid, String, Option<String>, Option<String>, bool, DateTime<Utc>, DateTime<Utc>);

/// One record per user and role (a user holding two roles counts in each). A deactivated
/// account left on its last update, the only date Passerelle keeps for it.
async fn staff(tx: &mut Tx, each: &mut Each<'_>) -> StoreResult<()> {
    let rows: Vec<StaffRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, r.role, g.name, a.name, u.active, u.created_at, u.updated_at
         FROM users u JOIN user_roles r ON r.user_id = u.id
         LEFT JOIN agencies g ON g.id = u.agency_id LEFT JOIN areas a ON a.id = g.area_id").fetch_all(c).await)?;
    let assigned: Vec<(Uuid, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT DISTINCT assigned_to, sop_id FROM cases").fetch_all(c).await)?;
    // A certificate covers the SOPs of the modules it was issued for (kept on it at issue).
    let certified: Vec<(Uuid, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT p.user_id, t.modules FROM training_certificates t JOIN training_participants p ON p.id = t.participant_id
         WHERE t.revoked_at IS NULL AND p.user_id IS NOT NULL").fetch_all(c).await)?;
    let modules: Vec<(Uuid, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, sop_ids FROM training_modules").fetch_all(c).await)?;
    let module_sops: BTreeMap<String, String> = modules.into_iter().map(|(id, sops)| (id.to_string(), sops)).collect();
    let mut sops_of: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
    for (u, sop) in assigned {
        sops_of.entry(u).or_default().insert(sop);
    }
    let mut certified_on: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
    for (u, list) in certified {
        let ids: Vec<String> = serde_json::from_str(&list).unwrap_or_default();
        let sops = ids.iter().filter_map(|m| module_sops.get(m)).flat_map(|s| s.split_whitespace().map(str::to_string));
        certified_on.entry(u).or_default().extend(sops);
    }
    rows
        .into_iter()
        .map(|(uid, role, agency, area, active, created, updated)| {
            let none = BTreeSet::new();
            let needed = sops_of.get(&uid).unwrap_or(&none);
            let has = certified_on.get(&uid).unwrap_or(&none);
            Record::new()
                .with("id", Value::Text(uid.to_string()))
                .with("role", Value::text(staff_role(&role)))
                .with("agency", text(agency))
                .with("area", text(area))
                .with("sex", Value::text("unknown"))
                .with("active", Value::Bool(active))
                .with("joined_on", Value::Date(created.date_naive()))
                .with("left_on", if active { Value::Null } else { Value::Date(updated.date_naive()) })
                .with("trained_on_assigned_sops", Value::Bool(needed.is_subset(has)))
                .with("supervisor_id", Value::Null)
        })
        .for_each(&mut *each);
    Ok(())
}

type ServiceRow = (Uuid, Option<String>, String, String, String, Option<NaiveDate>, DateTime<Utc>);

/// One record per directory service; its area and need are the first it lists.
async fn services(tx: &mut Tx, each: &mut Each<'_>) -> StoreResult<()> {
    let rows: Vec<ServiceRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT s.id, g.name, s.status, s.need_codes, s.area_codes, s.verified_on, s.created_at
         FROM directory_services s LEFT JOIN directory_organizations o ON o.id = s.organization_id
         LEFT JOIN agencies g ON g.id = o.agency_id").fetch_all(c).await)?;
    rows
        .into_iter()
        .map(|(sid, agency, status, needs, areas, verified, created)| {
            let first = |s: &str| s.split_whitespace().next().map(|w| Value::Text(w.to_string())).unwrap_or(Value::Null);
            Record::new()
                .with("id", Value::Text(sid.to_string()))
                .with("agency", text(agency))
                .with("area", first(&areas))
                .with("need", first(&needs))
                .with("active", Value::Bool(status == "active"))
                .with("listed_on", Value::Date(created.date_naive()))
                .with("reviewed_on", verified.map(Value::Date).unwrap_or(Value::Null))
        })
        .for_each(&mut *each);
    Ok(())
}

type EnrolmentRow = (Uuid, Option<Uuid>, Uuid, String, String, String, Option<String>, Option<String>, Uuid, Uuid);

/// One record per enrolment not withdrawn, with its session's first and last day, whether
/// the participant attended a day / every day, holds a live certificate for the curriculum,
/// and their pre and post test scores.
async fn training_participants(tx: &mut Tx, each: &mut Each<'_>) -> StoreResult<()> {
    let rows: Vec<EnrolmentRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT e.id, p.user_id, e.session_id, m.code, cu.code, m.sop_ids, g.name, p.sex, p.id, cu.id
         FROM training_enrolments e JOIN training_participants p ON p.id = e.participant_id
         JOIN training_sessions s ON s.id = e.session_id JOIN training_modules m ON m.id = s.module_id
         JOIN training_curricula cu ON cu.id = m.curriculum_id LEFT JOIN agencies g ON g.id = p.agency_id
         WHERE e.withdrawn_at IS NULL").fetch_all(c).await)?;
    let days: Vec<(Uuid, NaiveDate)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT session_id, day FROM training_session_days").fetch_all(c).await)?;
    let presence: Vec<(Uuid, bool)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT enrolment_id, present FROM training_attendance").fetch_all(c).await)?;
    let scores: Vec<(Uuid, String, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT enrolment_id, kind, score FROM training_test_results").fetch_all(c).await)?;
    let certs: Vec<(Uuid, Uuid)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT participant_id, curriculum_id FROM training_certificates WHERE revoked_at IS NULL").fetch_all(c).await)?;
    let mut session_days: BTreeMap<Uuid, Vec<NaiveDate>> = BTreeMap::new();
    for (s, d) in days {
        session_days.entry(s).or_default().push(d);
    }
    let mut present: BTreeMap<Uuid, (usize, usize)> = BTreeMap::new();
    for (e, p) in presence {
        let entry = present.entry(e).or_default();
        entry.0 += usize::from(p);
        entry.1 += 1;
    }
    let scores: BTreeMap<(Uuid, String), i64> = scores.into_iter().map(|(e, k, s)| ((e, k), s)).collect();
    let certs: BTreeSet<(Uuid, Uuid)> = certs.into_iter().collect();
    rows
        .into_iter()
        .map(|(eid, user, session, module, curriculum, sop_ids, agency, sex, participant, curriculum_id)| {
            let none = Vec::new();
            let ds = session_days.get(&session).unwrap_or(&none);
            let (attended_days, _) = present.get(&eid).copied().unwrap_or_default();
            let score = |k: &str| scores.get(&(eid, k.to_string())).map(|s| Value::Int(*s)).unwrap_or(Value::Null);
            let sex = sex.filter(|s| ["female", "male", "other"].contains(&s.as_str())).unwrap_or_else(|| "unknown".into());
            Record::new()
                .with("id", Value::Text(eid.to_string()))
                .with("staff_id", id(user))
                .with("session_id", Value::Text(session.to_string()))
                .with("module", Value::Text(module))
                .with("curriculum", Value::Text(curriculum))
                .with("sop", sop_ids.split_whitespace().next().map(|s| Value::Text(s.to_string())).unwrap_or(Value::Null))
                .with("agency", text(agency))
                .with("area", Value::Null)
                .with("sex", Value::Text(sex))
                .with("session_start", ds.iter().min().map(|d| Value::Date(*d)).unwrap_or(Value::Null))
                .with("session_end", ds.iter().max().map(|d| Value::Date(*d)).unwrap_or(Value::Null))
                .with("attended", Value::Bool(attended_days > 0))
                .with("completed", Value::Bool(!ds.is_empty() && attended_days >= ds.len()))
                .with("certified", Value::Bool(certs.contains(&(participant, curriculum_id))))
                .with("pre_test_score", score("pre"))
                .with("post_test_score", score("post"))
        })
        .for_each(&mut *each);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_at_the_record_date() {
        let at = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        assert_eq!(age_band(birth("2021-06-02"), at), "0_4");
        assert_eq!(age_band(birth("2020-06-01"), at), "5_11");
        assert_eq!(age_band(birth("2010"), at), "12_17");
        assert_eq!(age_band(birth("2007-06-01"), at), "18_24");
        assert_eq!(age_band(birth("1965-06-02"), at), "25_59");
        assert_eq!(age_band(birth("1965-06-01"), at), "60_plus");
        assert_eq!(age_band(birth("not a date"), at), "unknown");
        assert_eq!(age_band(None, at), "unknown");
    }

    fn cell(b: &str, v: &str, band: &str, n: u64) -> (String, String, String, u64) {
        (b.into(), v.into(), band.into(), n)
    }

    fn count(dims: &[ReachDims], i: usize, value: &str) -> usize {
        dims.iter().filter(|d| d[i] == value).count()
    }

    #[test]
    fn every_one_dimension_breakdown_gives_the_counts_recorded() {
        let cells = [
            cell("sex_age", "female", "25_59", 12),
            cell("sex_age", "male", "18_24", 8),
            cell("nationality_group", "Haitian", "", 15),
            cell("nationality_group", "Local", "", 5),
            cell("disability", "yes", "", 2),
            cell("disability", "no", "", 18),
        ];
        let mut known: ReachDims = std::array::from_fn(|_| UNKNOWN.to_string());
        known[0] = "female".into();
        known[1] = "25_59".into();
        let dims = reached_dims(20, &cells, &[known.clone(), known]);
        assert_eq!(dims.len(), 20);
        assert_eq!((count(&dims, 0, "female"), count(&dims, 0, "male")), (12, 8));
        assert_eq!((count(&dims, 1, "25_59"), count(&dims, 1, "18_24")), (12, 8));
        assert_eq!((count(&dims, 2, "Haitian"), count(&dims, 2, "Local")), (15, 5));
        assert_eq!((count(&dims, 4, "yes"), count(&dims, 4, "no")), (2, 18));
        // Migration status was not given: unknown for everyone.
        assert_eq!(count(&dims, 3, UNKNOWN), 20);
        // Sex and age band come from the same count, never crossed.
        assert!(dims.iter().all(|d| (d[0] == "female") == (d[1] == "25_59")));
    }

    #[test]
    fn a_registered_person_keeps_what_is_recorded_about_them() {
        // Counted as a woman 25-59, registered as a man 60+: the registry wins for that
        // person, the counts hand out the rest, the total stays.
        let cells = [cell("sex_age", "female", "25_59", 3)];
        let mut known: ReachDims = std::array::from_fn(|_| UNKNOWN.to_string());
        known[0] = "male".into();
        known[1] = "60_plus".into();
        let dims = reached_dims(3, &cells, &[known]);
        assert_eq!(dims.len(), 3);
        assert_eq!(dims[0][0], "male");
        assert_eq!(count(&dims, 0, "female"), 2);
        // More people registered than counted: each still becomes a record.
        assert_eq!(reached_dims(0, &[], &[std::array::from_fn(|_| UNKNOWN.to_string())]).len(), 1);
    }
}
