//! Sessions of a module (dates, place, trainer, minimum and maximum), the people who take
//! part (staff accounts or external professionals), their enrolment, attendance per day and
//! test scores.
//!
//! Who holds a seat is never stored: [`enrolments`] asks `passerelle_core::training::allocate`
//! each time, from the live requests, so a withdrawal gives the seat to the head of the
//! waiting list without anyone moving rows.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::training::curricula::check_number;
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::training::{allocate, viability, EnrolmentRequest, Viability};
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

/// Session statuses, stored as codes and shown as `training-status-<code>`.
pub const STATUSES: &[&str] = &["planned", "confirmed", "held", "cancelled"];
/// Sex of an external participant, for the disaggregated figures (`training-sex-<code>`).
pub const SEXES: &[&str] = &["female", "male", "other", "not_stated"];
/// Sectors of participants: the same codes as agencies' (`sector-<code>`).
pub use crate::agencies::SECTORS;
/// The tests of an enrolment, each a form (`training-test-<code>`).
pub const TEST_KINDS: &[&str] = &["pre", "post", "evaluation"];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionDay {
    pub id: Uuid,
    pub session_id: Uuid,
    pub day: NaiveDate,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub module_id: Uuid,
    pub status: String,
    pub place: String,
    pub trainer: String,
    pub min_participants: i64,
    pub max_participants: i64,
    pub go_no_go: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub row: SessionRow,
    pub days: Vec<SessionDay>,
}

impl Session {
    pub fn id(&self) -> Uuid {
        self.row.id
    }
    pub fn first_day(&self) -> Option<NaiveDate> {
        self.days.first().map(|d| d.day)
    }
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.days.last().map(|d| d.day)
    }
    /// Whether enough people hold a seat, on `today`. Held and cancelled sessions are past
    /// deciding: they are reported viable so that no warning shows.
    pub fn viability(&self, seated: usize, today: NaiveDate) -> Viability {
        if matches!(self.row.status.as_str(), "held" | "cancelled") {
            return Viability::Viable;
        }
        let min = u32::try_from(self.row.min_participants).unwrap_or(0);
        viability(u32::try_from(seated).unwrap_or(u32::MAX), min, self.row.go_no_go, today)
    }
}

#[derive(Debug, Clone, Default)]
pub struct SessionInput {
    pub place: String,
    pub trainer: String,
    pub min_participants: String,
    pub max_participants: String,
    pub go_no_go: String,
    /// The session's days, `YYYY-MM-DD`, separated by spaces, commas or new lines.
    pub days: String,
}

fn parse_date(p: &mut Problems, field: &str, value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        p.add(field, "required");
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            p.add(field, "not-a-date");
            None
        }
    }
}

pub async fn create_session(tx: &mut Tx, actor: Option<Uuid>, module_id: Uuid, input: &SessionInput) -> StoreResult<Session> {
    crate::training::curricula::get_module(tx, module_id).await?.ok_or(StoreError::NotFound)?;
    let mut p = Problems::default();
    let place = p.text("place", &input.place, true, 200);
    let trainer = p.text("trainer", &input.trainer, true, 200);
    let min = check_number(&mut p, "min_participants", &input.min_participants, 1..=500);
    let max = check_number(&mut p, "max_participants", &input.max_participants, 1..=500);
    if p.for_field("min_participants").is_none() && p.for_field("max_participants").is_none() && max < min {
        p.add("max_participants", "below-minimum");
    }
    let go = parse_date(&mut p, "go_no_go", &input.go_no_go);
    let mut days = Vec::new();
    for part in input.days.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|s| !s.is_empty()) {
        match NaiveDate::parse_from_str(part, "%Y-%m-%d") {
            Ok(d) if !days.contains(&d) => days.push(d),
            Ok(_) => {}
            Err(_) => {
                p.add("days", "not-a-date");
                break;
            }
        }
    }
    days.sort();
    if days.is_empty() && p.for_field("days").is_none() {
        p.add("days", "required");
    }
    if days.len() > 60 {
        p.add("days", "too-many");
    }
    if let (Some(go), Some(first)) = (go, days.first()) {
        // The go/no-go decision is taken before the session starts, never after.
        if go > *first {
            p.add("go_no_go", "after-first-day");
        }
    }
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO training_sessions (id, module_id, status, place, trainer, min_participants, max_participants, go_no_go, created_at)
         VALUES ($1, $2, 'planned', $3, $4, $5, $6, $7, $8)"
    ).bind(id).bind(module_id).bind(&place).bind(&trainer).bind(min).bind(max).bind(go).bind(now()))?;
    for d in &days {
        exec!(tx, c => sqlx::query("INSERT INTO training_session_days (id, session_id, day) VALUES ($1, $2, $3)")
            .bind(Uuid::now_v7()).bind(id).bind(*d))?;
    }
    audit::append(tx, Event::new(actor, "training.session.create", "training_session").entity(id)
        .detail(json!({"module": module_id, "days": days.len()}))).await?;
    get_session(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Changes a session's status. A cancelled session stays cancelled; a session is held only
/// once its first day has come.
pub async fn set_status(tx: &mut Tx, actor: Option<Uuid>, id: Uuid, status: &str, today: NaiveDate) -> StoreResult<()> {
    let s = get_session(tx, id).await?.ok_or(StoreError::NotFound)?;
    let mut p = Problems::default();
    if !STATUSES.contains(&status) {
        p.add("status", "unknown-choice");
    } else if s.row.status == "cancelled" && status != "cancelled" {
        p.add("status", "session-cancelled");
    } else if status == "held" && s.first_day().is_none_or(|d| d > today) {
        p.add("status", "not-started");
    }
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    exec!(tx, c => sqlx::query("UPDATE training_sessions SET status = $2 WHERE id = $1").bind(id).bind(status))?;
    audit::append(tx, Event::new(actor, "training.session.status", "training_session").entity(id)
        .detail(json!({"from": s.row.status, "to": status}))).await?;
    Ok(())
}

const SESSION_COLUMNS: &str = "id, module_id, status, place, trainer, min_participants, max_participants, go_no_go, created_at";

async fn days_of(tx: &mut Tx, session_id: Option<Uuid>) -> StoreResult<Vec<SessionDay>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, session_id, day FROM training_session_days WHERE ($1 IS NULL OR session_id = $1) ORDER BY day"
    ).bind(session_id).fetch_all(c).await)?)
}

pub async fn get_session(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Session>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM training_sessions WHERE id = $1");
    let row: Option<SessionRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?;
    let Some(row) = row else { return Ok(None) };
    let days = days_of(tx, Some(id)).await?;
    Ok(Some(Session { row, days }))
}

/// Sessions of one module, or all, ordered by their first day.
pub async fn list_sessions(tx: &mut Tx, module_id: Option<Uuid>) -> StoreResult<Vec<Session>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM training_sessions WHERE ($1 IS NULL OR module_id = $1)");
    let rows: Vec<SessionRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(module_id).fetch_all(c).await)?;
    let days = days_of(tx, None).await?;
    let mut out: Vec<Session> = rows
        .into_iter()
        .map(|row| {
            let ds = days.iter().filter(|d| d.session_id == row.id).cloned().collect();
            Session { row, days: ds }
        })
        .collect();
    out.sort_by_key(|s| (s.first_day(), s.row.created_at));
    Ok(out)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Participant {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub name: String,
    pub email: Option<String>,
    pub organisation: String,
    pub agency_id: Option<Uuid>,
    pub job_role: String,
    pub sector: String,
    pub sex: Option<String>,
}

const PARTICIPANT_COLUMNS: &str = "id, user_id, name, email, organisation, agency_id, job_role, sector, sex";

pub async fn get_participant(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Participant>> {
    let sql = format!("SELECT {PARTICIPANT_COLUMNS} FROM training_participants WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?)
}

pub async fn list_participants(tx: &mut Tx) -> StoreResult<Vec<Participant>> {
    let sql = format!("SELECT {PARTICIPANT_COLUMNS} FROM training_participants ORDER BY name, id");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await)?)
}

/// The participant record of a staff account, created on first enrolment from the account
/// (name, agency, first role; the agency's sector).
pub async fn participant_for_user(tx: &mut Tx, user_id: Uuid) -> StoreResult<Participant> {
    let sql = format!("SELECT {PARTICIPANT_COLUMNS} FROM training_participants WHERE user_id = $1");
    let found: Option<Participant> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_optional(c).await)?;
    if let Some(p) = found {
        return Ok(p);
    }
    let user = crate::users::get_user(tx, user_id).await?.ok_or(StoreError::NotFound)?;
    let agency = match user.agency_id {
        Some(a) => crate::agencies::get_agency(tx, a).await?,
        None => None,
    };
    let p = Participant {
        id: Uuid::now_v7(),
        user_id: Some(user.id),
        name: user.display_name.clone(),
        email: Some(user.email.clone()),
        organisation: agency.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        agency_id: user.agency_id,
        job_role: user.roles.first().map(|r| r.code().to_string()).unwrap_or_default(),
        sector: agency.as_ref().map(|a| a.sector.clone()).unwrap_or_else(|| "public".into()),
        sex: None,
    };
    insert_participant(tx, &p).await?;
    Ok(p)
}

async fn insert_participant(tx: &mut Tx, p: &Participant) -> StoreResult<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO training_participants (id, user_id, name, email, organisation, agency_id, job_role, sector, sex, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ).bind(p.id).bind(p.user_id).bind(&p.name).bind(&p.email).bind(&p.organisation).bind(p.agency_id)
    .bind(&p.job_role).bind(&p.sector).bind(&p.sex).bind(now()))?;
    Ok(())
}

/// An external professional as the trainer types them.
#[derive(Debug, Clone, Default)]
pub struct ExternalInput {
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub job_role: String,
    pub sector: String,
    pub sex: String,
}

pub async fn create_external(tx: &mut Tx, input: &ExternalInput) -> StoreResult<Participant> {
    let mut p = Problems::default();
    let name = p.text("name", &input.name, true, 120);
    let email = if input.email.trim().is_empty() { None } else { Some(p.email("email", &input.email)) };
    let organisation = p.text("organisation", &input.organisation, true, 200);
    let job_role = p.text("job_role", &input.job_role, true, 120);
    if !SECTORS.contains(&input.sector.as_str()) {
        p.add("sector", "unknown-choice");
    }
    if !SEXES.contains(&input.sex.as_str()) {
        p.add("sex", "unknown-choice");
    }
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let participant = Participant {
        id: Uuid::now_v7(),
        user_id: None,
        name,
        email,
        organisation,
        agency_id: None,
        job_role,
        sector: input.sector.clone(),
        sex: Some(input.sex.clone()),
    };
    insert_participant(tx, &participant).await?;
    Ok(participant)
}

/// Where an enrolment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    Seated,
    /// On the waiting list, 1 for the next to be offered a seat.
    Waiting(usize),
}

#[derive(Debug, Clone)]
pub struct Enrolment {
    pub id: Uuid,
    pub session_id: Uuid,
    pub participant: Participant,
    pub nominated_by_agency: Option<Uuid>,
    pub requested_at: DateTime<Utc>,
    pub seat: Seat,
}

#[derive(sqlx::FromRow)]
struct EnrolmentRow {
    id: Uuid,
    session_id: Uuid,
    participant_id: Uuid,
    nominated_by_agency: Option<Uuid>,
    requested_at: DateTime<Utc>,
}

/// Asks for a seat for `participant_id`. Nominations by a member agency come first. Refused
/// for a session that is held or cancelled, or when the participant already asked.
pub async fn enrol(
    tx: &mut Tx,
    actor: Option<Uuid>,
    session_id: Uuid,
    participant_id: Uuid,
    nominated_by_agency: Option<Uuid>,
) -> StoreResult<Enrolment> {
    let session = get_session(tx, session_id).await?.ok_or(StoreError::NotFound)?;
    if matches!(session.row.status.as_str(), "held" | "cancelled") {
        let mut p = Problems::default();
        p.add("session", "session-closed");
        return Err(StoreError::Invalid(p));
    }
    get_participant(tx, participant_id).await?.ok_or(StoreError::NotFound)?;
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO training_enrolments (id, session_id, participant_id, nominated_by_agency, requested_by, requested_at)
         VALUES ($1, $2, $3, $4, $5, $6)"
    ).bind(id).bind(session_id).bind(participant_id).bind(nominated_by_agency).bind(actor).bind(now()))
    .map_err(StoreError::unique_as("participant"))?;
    audit::append(tx, Event::new(actor, "training.enrol", "training_session").entity(session_id)
        .detail(json!({"enrolment": id, "nominated": nominated_by_agency.is_some()}))).await?;
    enrolments(tx, session_id).await?.into_iter().find(|e| e.id == id).ok_or(StoreError::NotFound)
}

/// Withdraws a request: the seat goes to the head of the waiting list.
pub async fn withdraw(tx: &mut Tx, actor: Option<Uuid>, enrolment_id: Uuid) -> StoreResult<Uuid> {
    let session_id: Option<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT session_id FROM training_enrolments WHERE id = $1 AND withdrawn_at IS NULL"
    ).bind(enrolment_id).fetch_optional(c).await)?;
    let session_id = session_id.ok_or(StoreError::NotFound)?;
    // Once a session is held its participants' attendance stands; a cancelled one is over.
    let session = get_session(tx, session_id).await?.ok_or(StoreError::NotFound)?;
    if matches!(session.row.status.as_str(), "held" | "cancelled") {
        let mut p = Problems::default();
        p.add("session", "session-closed");
        return Err(StoreError::Invalid(p));
    }
    exec!(tx, c => sqlx::query("UPDATE training_enrolments SET withdrawn_at = $2 WHERE id = $1").bind(enrolment_id).bind(now()))?;
    audit::append(tx, Event::new(actor, "training.withdraw", "training_session").entity(session_id)
        .detail(json!({"enrolment": enrolment_id}))).await?;
    Ok(session_id)
}

/// The live enrolments of a session, seated first in priority order, then the waiting list.
pub async fn enrolments(tx: &mut Tx, session_id: Uuid) -> StoreResult<Vec<Enrolment>> {
    let session = get_session(tx, session_id).await?.ok_or(StoreError::NotFound)?;
    let rows: Vec<EnrolmentRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, session_id, participant_id, nominated_by_agency, requested_at FROM training_enrolments
         WHERE session_id = $1 AND withdrawn_at IS NULL"
    ).bind(session_id).fetch_all(c).await)?;
    let sql = format!(
        "SELECT {PARTICIPANT_COLUMNS} FROM training_participants WHERE id IN
         (SELECT participant_id FROM training_enrolments WHERE session_id = $1 AND withdrawn_at IS NULL)"
    );
    let people: Vec<Participant> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(session_id).fetch_all(c).await)?;
    let requests: Vec<EnrolmentRequest> = rows
        .iter()
        .map(|r| EnrolmentRequest {
            participant: r.id.to_string(),
            nominated_by_member: r.nominated_by_agency.is_some(),
            requested_at: r.requested_at.naive_utc(),
        })
        .collect();
    let capacity = u32::try_from(session.row.max_participants).unwrap_or(0);
    // Enrolment ids are unique, so allocation cannot find a duplicate.
    let allocation = allocate(capacity, &requests).map_err(|e| StoreError::Config(e.to_string()))?;
    let mut out = Vec::new();
    let ordered = allocation.enrolled.iter().map(|id| (id, Seat::Seated)).chain(
        allocation.waiting.iter().enumerate().map(|(i, id)| (id, Seat::Waiting(i + 1))),
    );
    for (id, seat) in ordered {
        let Some(r) = rows.iter().find(|r| r.id.to_string() == *id) else { continue };
        let Some(p) = people.iter().find(|p| p.id == r.participant_id) else { continue };
        out.push(Enrolment {
            id: r.id,
            session_id: r.session_id,
            participant: p.clone(),
            nominated_by_agency: r.nominated_by_agency,
            requested_at: r.requested_at,
            seat,
        });
    }
    Ok(out)
}

/// The session an enrolment belongs to (live or withdrawn), for routes keyed by enrolment.
pub async fn enrolment_session(tx: &mut Tx, enrolment_id: Uuid) -> StoreResult<Option<(Uuid, Uuid)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT session_id, participant_id FROM training_enrolments WHERE id = $1 AND withdrawn_at IS NULL"
    ).bind(enrolment_id).fetch_optional(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttendanceMark {
    pub enrolment_id: Uuid,
    pub day_id: Uuid,
    pub present: bool,
}

/// Records who was present on each day of a session: every seated participant × every day,
/// present when listed in `present`. Marks for people without a seat or days of another
/// session are refused, and nothing is written.
pub async fn record_attendance(
    tx: &mut Tx,
    actor: Option<Uuid>,
    session_id: Uuid,
    present: &[(Uuid, Uuid)],
    today: NaiveDate,
) -> StoreResult<usize> {
    let session = get_session(tx, session_id).await?.ok_or(StoreError::NotFound)?;
    let seated: Vec<Uuid> = enrolments(tx, session_id).await?.into_iter().filter(|e| e.seat == Seat::Seated).map(|e| e.id).collect();
    let mut p = Problems::default();
    if session.row.status == "cancelled" {
        p.add("attendance", "session-cancelled");
    }
    for (e, d) in present {
        if !seated.contains(e) {
            p.add("attendance", "not-seated");
            break;
        }
        match session.days.iter().find(|x| x.id == *d) {
            None => {
                p.add("attendance", "unknown-day");
                break;
            }
            // Nobody is present on a day that has not come yet.
            Some(x) if x.day > today => {
                p.add("attendance", "future-day");
                break;
            }
            Some(_) => {}
        }
    }
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let at = now();
    let mut marks = 0;
    for e in &seated {
        for d in session.days.iter().filter(|d| d.day <= today) {
            let is_present = present.contains(&(*e, d.id));
            exec!(tx, c => sqlx::query(
                "INSERT INTO training_attendance (enrolment_id, day_id, present, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (enrolment_id, day_id) DO UPDATE SET present = excluded.present,
                    recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at"
            ).bind(*e).bind(d.id).bind(is_present).bind(actor).bind(at))?;
            marks += 1;
        }
    }
    audit::append(tx, Event::new(actor, "training.attendance", "training_session").entity(session_id)
        .detail(json!({"marks": marks, "present": present.len()}))).await?;
    Ok(marks)
}

/// Attendance marks of one session, or of every session.
pub async fn attendance(tx: &mut Tx, session_id: Option<Uuid>) -> StoreResult<Vec<AttendanceMark>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT a.enrolment_id, a.day_id, a.present FROM training_attendance a
         JOIN training_enrolments e ON e.id = a.enrolment_id
         WHERE ($1 IS NULL OR e.session_id = $1) AND e.withdrawn_at IS NULL"
    ).bind(session_id).fetch_all(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TestResult {
    pub enrolment_id: Uuid,
    pub kind: String,
    pub response_id: Uuid,
    pub score: i64,
}

/// The score a test form calculated (its `score` field), as a whole number of points.
pub fn score_of(answers: &serde_json::Value) -> Option<i64> {
    let x = match answers.get("score")? {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    x.is_finite().then(|| x.round() as i64)
}

/// Links a stored form response to an enrolment as its pre-test, post-test or evaluation,
/// with the score read from its answers. A later one replaces the earlier (a test retaken).
pub async fn record_test(tx: &mut Tx, actor: Option<Uuid>, enrolment_id: Uuid, kind: &str, response_id: Uuid, score: i64) -> StoreResult<()> {
    if !TEST_KINDS.contains(&kind) {
        return Err(StoreError::NotFound);
    }
    exec!(tx, c => sqlx::query(
        "INSERT INTO training_test_results (enrolment_id, kind, response_id, score) VALUES ($1, $2, $3, $4)
         ON CONFLICT (enrolment_id, kind) DO UPDATE SET response_id = excluded.response_id, score = excluded.score"
    ).bind(enrolment_id).bind(kind).bind(response_id).bind(score))?;
    audit::append(tx, Event::new(actor, "training.test", "training_enrolment").entity(enrolment_id)
        .detail(json!({"kind": kind, "response": response_id}))).await?;
    Ok(())
}

/// Test results of one session, or of every session.
pub async fn test_results(tx: &mut Tx, session_id: Option<Uuid>) -> StoreResult<Vec<TestResult>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT t.enrolment_id, t.kind, t.response_id, t.score FROM training_test_results t
         JOIN training_enrolments e ON e.id = t.enrolment_id
         WHERE ($1 IS NULL OR e.session_id = $1) AND e.withdrawn_at IS NULL"
    ).bind(session_id).fetch_all(c).await)?)
}

/// Active staff accounts that may be put forward: of one agency (a supervisor's), or all.
pub async fn staff_choices(tx: &mut Tx, agency: Option<Uuid>) -> StoreResult<Vec<(Uuid, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, display_name FROM users WHERE active = TRUE AND ($1 IS NULL OR agency_id = $1) ORDER BY display_name"
    ).bind(agency).fetch_all(c).await)?)
}
