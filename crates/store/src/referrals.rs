//! Closed-loop referrals: made from a case to a directory service, answered by the agency that
//! keeps the service's entry (or recorded on its behalf when it does not use Passerelle), and
//! followed to their outcome on both sides.
//!
//! Two readers, two views. The referring side reads a referral through its case: whoever may
//! see the case may see its referrals. The receiving side reads only the referral row and its
//! `shared` copy — never the case, the person or their other referrals — so what a service
//! learns is exactly what the referrer chose to send.
//!
//! A referral is sent only with a legal basis: an active consent of the case covering
//! `referral`, or a named legal ground. Every change goes through the row's `version`, is a
//! `referral_events` row and is audited with codes, never with the shared values.

use crate::audit::{self, Event};
use crate::cases::{Case, VISIBLE};
use crate::consents;
use crate::db::{now, Tx};
use crate::directory;
use crate::error::{StoreError, StoreResult};
use crate::narratives::{Fields, REFERRALS, REFERRAL_EVENTS};
use crate::people::{self, Sight};
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::directory::profile;
use passerelle_core::privacy::seal::Keyring;
use passerelle_core::referral::{check_transition, Shared, Side, Status, Urgency, LEGAL_GROUNDS};
use passerelle_core::validate::Problems;
use rand::Rng;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Referral {
    pub id: Uuid,
    pub reference: String,
    pub case_id: Uuid,
    pub from_agency_id: Option<Uuid>,
    pub from_agency_name: Option<String>,
    pub from_name: String,
    pub service_id: Uuid,
    pub service_name: String,
    pub to_agency_id: Option<Uuid>,
    pub to_agency_name: Option<String>,
    pub need: String,
    pub sop_id: String,
    pub sop_step: Option<String>,
    pub urgency: Urgency,
    pub respond_within_hours: Option<i64>,
    pub status: Status,
    pub reason: String,
    pub shared: Shared,
    pub consent_id: Option<Uuid>,
    pub legal_ground: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub assigned_to: Option<Uuid>,
    pub assigned_name: Option<String>,
    pub outcome: Option<String>,
    pub status_reason: Option<String>,
    pub feedback_code: Option<String>,
    pub version: i64,
}

impl Referral {
    /// The receiving service has not answered and its time is up.
    pub fn is_overdue(&self, at: DateTime<Utc>) -> bool {
        self.status.awaits_response() && self.due_at.is_some_and(|d| d < at)
    }
    /// The service does not use Passerelle: the referrer prints the form and records answers.
    pub fn is_external(&self) -> bool {
        self.to_agency_id.is_none()
    }
}

const COLUMNS: &str = "r.id, r.reference, r.case_id, r.from_agency_id, fa.name AS from_agency_name, fu.display_name AS from_name,
     r.service_id, r.service_name, r.to_agency_id, ta.name AS to_agency_name, r.need, r.sop_id, r.sop_step, r.urgency, r.respond_within_hours, r.status,
     r.reason, r.shared, r.consent_id, r.legal_ground, r.created_at, r.sent_at, r.due_at, r.responded_at, r.accepted_at,
     r.completed_at, r.assigned_to, au.display_name AS assigned_name, r.outcome, r.status_reason, r.feedback_code, r.version, r.sealed";
const FROM: &str = "referrals r JOIN users fu ON fu.id = r.from_user LEFT JOIN agencies fa ON fa.id = r.from_agency_id
     LEFT JOIN agencies ta ON ta.id = r.to_agency_id LEFT JOIN users au ON au.id = r.assigned_to";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    reference: String,
    case_id: Uuid,
    from_agency_id: Option<Uuid>,
    from_agency_name: Option<String>,
    from_name: String,
    service_id: Uuid,
    service_name: String,
    to_agency_id: Option<Uuid>,
    to_agency_name: Option<String>,
    need: String,
    sop_id: String,
    sop_step: Option<String>,
    urgency: String,
    respond_within_hours: Option<i64>,
    status: String,
    reason: String,
    shared: String,
    consent_id: Option<Uuid>,
    legal_ground: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    responded_at: Option<DateTime<Utc>>,
    accepted_at: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
    assigned_to: Option<Uuid>,
    assigned_name: Option<String>,
    outcome: Option<String>,
    status_reason: Option<String>,
    feedback_code: Option<String>,
    version: i64,
    sealed: Option<Vec<u8>>,
}

/// The referral with its free text opened (`narratives::REFERRALS`).
fn from_row(ring: &Keyring, r: Row) -> StoreResult<Referral> {
    let bad = |what: &str, v: &str| StoreError::Config(format!("referral {} has unknown {what} {v}", r.id));
    let text = REFERRALS.open(ring, r.id, r.sealed.as_deref(), &[
        ("reason", Some(&r.reason)), ("shared", Some(&r.shared)), ("outcome", r.outcome.as_deref()), ("status_reason", r.status_reason.as_deref()),
    ])?;
    let shared = text.get("shared").unwrap_or_else(|| "{}".to_string());
    Ok(Referral {
        urgency: Urgency::from_code(&r.urgency).ok_or_else(|| bad("urgency", &r.urgency))?,
        status: Status::from_code(&r.status).ok_or_else(|| bad("status", &r.status))?,
        shared: serde_json::from_str(&shared).map_err(|e| StoreError::Config(format!("referral {} shared copy: {e}", r.id)))?,
        respond_within_hours: r.respond_within_hours,
        id: r.id,
        reference: r.reference,
        case_id: r.case_id,
        from_agency_id: r.from_agency_id,
        from_agency_name: r.from_agency_name,
        from_name: r.from_name,
        service_id: r.service_id,
        service_name: r.service_name,
        to_agency_id: r.to_agency_id,
        to_agency_name: r.to_agency_name,
        need: r.need,
        sop_id: r.sop_id,
        sop_step: r.sop_step,
        reason: text.text("reason"),
        consent_id: r.consent_id,
        legal_ground: r.legal_ground,
        created_at: r.created_at,
        sent_at: r.sent_at,
        due_at: r.due_at,
        responded_at: r.responded_at,
        accepted_at: r.accepted_at,
        completed_at: r.completed_at,
        assigned_to: r.assigned_to,
        assigned_name: r.assigned_name,
        outcome: text.get("outcome"),
        status_reason: text.get("status_reason"),
        feedback_code: r.feedback_code,
        version: r.version,
    })
}

/// What a referrer fills in.
#[derive(Debug, Clone, Default)]
pub struct NewReferral {
    pub service_id: Option<Uuid>,
    pub need: String,
    pub sop_step: Option<String>,
    pub urgency: Option<Urgency>,
    /// The response time the SOP sets for this referral, in hours, if it does.
    pub respond_within_hours: Option<i64>,
    pub reason: String,
    /// Codes of [`passerelle_core::referral::SHAREABLE`] the referrer ticked.
    pub shared_fields: Vec<String>,
    pub consent_id: Option<Uuid>,
    pub legal_ground: Option<String>,
    /// Send now (`requested`) rather than keep as a draft.
    pub send: bool,
}

/// A short code a person can type: no 0/O or 1/I to confuse.
fn short_code(len: usize) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..len).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// The values the referrer may share, read from the case and the person when sending.
async fn shareable_values(tx: &mut Tx, sight: &Sight, case: &Case, chosen: &[String]) -> StoreResult<Shared> {
    let person = people::get(tx, sight, case.person_id).await?.ok_or(StoreError::NotFound)?;
    let area: Option<(String,)> = match person.area_id {
        Some(a) => on_tx!(tx, c => sqlx::query_as("SELECT name FROM areas WHERE id = $1").bind(a).fetch_optional(c).await)?,
        None => None,
    };
    let today = Utc::now().date_naive();
    Ok(Shared::build(chosen, |code| match code {
        "name" => Some(format!("{} {}", person.given_names, person.family_names).trim().to_string()),
        "sex" => person.sex.clone(),
        "age" => person.age_on(today).map(|a| a.to_string()),
        "birth_date" => person.birth_date.map(|d| d.to_string()),
        "phone" => person.phone.clone(),
        "languages" => Some(person.languages.clone()),
        "nationality" => person.nationality.clone(),
        "migration_status" => Some(person.migration_status.clone()),
        "area" => area.as_ref().map(|a| a.0.clone()),
        "risk" => Some(case.risk.code().to_string()),
        "case_reference" => Some(case.reference.clone()),
        _ => None,
    }))
}

/// Creates a referral from `case` (the caller has checked the viewer may work on it), as a
/// draft or sent. Refused, with nothing written, without a service, a reason, or a legal basis.
pub async fn create(tx: &mut Tx, sight: &Sight, case: &Case, new: &NewReferral) -> StoreResult<Referral> {
    let mut problems = Problems::default();
    let service = match new.service_id {
        Some(id) => directory::get_service(tx, id).await?,
        None => None,
    };
    if service.is_none() {
        problems.add("service", "referral-service-required");
    }
    if service.as_ref().is_some_and(|s| !profile::is_open(&s.service)) {
        problems.add("service", "referral-service-closed");
    }
    let reason = problems.text("reason", &new.reason, true, 4000);
    if new.need.trim().is_empty() {
        problems.add("need", "referral-need-required");
    }
    if !case.is_open() {
        problems.add("case", "referral-case-closed");
    }
    let legal_ground = new.legal_ground.as_deref().filter(|g| !g.is_empty());
    if legal_ground.is_some_and(|g| !LEGAL_GROUNDS.contains(&g)) {
        problems.add("legal_ground", "referral-legal-ground-unknown");
    }
    if let Some(consent) = new.consent_id {
        let active = consents::of_case(tx, case.id).await?;
        if !active.iter().any(|c| c.id == consent && c.is_active() && c.scope.iter().any(|s| s == "referral")) {
            problems.add("consent", "referral-consent-not-active");
        }
    } else if legal_ground.is_none() && new.send {
        problems.add("consent", "referral-no-legal-basis");
    }
    let Some(service) = service.filter(|_| problems.is_empty()) else {
        return Err(StoreError::Invalid(problems));
    };
    let shared = shareable_values(tx, sight, case, &new.shared_fields).await?;
    let id = Uuid::now_v7();
    let reference = crate::references::fresh(tx, crate::references::Numbered::Referrals, "REF").await?;
    let at = now();
    let status = if new.send { Status::Requested } else { Status::Draft };
    let urgency = new.urgency.unwrap_or_else(|| Urgency::for_risk(case.risk));
    let sent_at = new.send.then_some(at);
    let due_at = sent_at.map(|s| urgency.response_due_within(s, new.respond_within_hours));
    let shared_text = serde_json::to_string(&shared).map_err(|e| StoreError::Config(e.to_string()))?;
    // The reason and the shared copy are kept only sealed.
    let text = Fields::default().with("reason", Some(&reason)).with("shared", Some(&shared_text));
    let (sealed, key) = REFERRALS.seal(tx.keyring(), id, &text)?;
    let viewer = &sight.viewer;
    exec!(tx, c => sqlx::query(
        "INSERT INTO referrals (id, reference, case_id, person_id, from_agency_id, from_team_id, from_user, service_id, service_name,
             to_agency_id, need, sop_id, sop_step, urgency, status, reason, shared, consent_id, legal_ground, created_at, sent_at,
             due_at, feedback_code, updated_at, version, respond_within_hours, sealed, seal_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '', '{}', $16, $17, $18, $19, $20, $21, $18, 1, $22, $23, $24)")
        .bind(id).bind(&reference).bind(case.id).bind(case.person_id).bind(viewer.agency_id).bind(viewer.team_id).bind(viewer.id)
        .bind(new.service_id).bind(&service.service.name).bind(service.agency_id).bind(new.need.trim()).bind(&case.sop_id)
        .bind(new.sop_step.as_deref()).bind(urgency.code()).bind(status.code())
        .bind(new.consent_id).bind(legal_ground).bind(at).bind(sent_at).bind(due_at).bind(short_code(10)).bind(new.respond_within_hours)
        .bind(sealed).bind(key))
        .map_err(StoreError::unique_as("reference"))?;
    event(tx, id, status, Side::Requester, viewer.id, None).await?;
    audit::append(tx, Event::new(Some(viewer.id), "referral.create", "referral").entity(id).detail(json!({
        "case": case.id, "status": status.code(), "urgency": urgency.code(), "need": new.need.trim(),
        "shared_fields": shared.0.keys().collect::<Vec<_>>(), "basis": if new.consent_id.is_some() { "consent" } else { legal_ground.unwrap_or("none") },
    }))).await?;
    get_unaudited(tx, id).await?.ok_or(StoreError::NotFound)
}

async fn event(tx: &mut Tx, referral: Uuid, status: Status, side: Side, actor: Uuid, note: Option<&str>) -> StoreResult<()> {
    let side = match side {
        Side::Requester => "requester",
        Side::Receiver => "receiver",
        Side::OnBehalf => "on-behalf",
    };
    // The note is kept only sealed.
    let id = Uuid::now_v7();
    let (sealed, key) = REFERRAL_EVENTS.seal(tx.keyring(), id, &Fields::default().with("note", note))?;
    exec!(tx, c => sqlx::query("INSERT INTO referral_events (id, referral_id, status, side, actor, at, note, sealed, seal_key) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)")
        .bind(id).bind(referral).bind(status.code()).bind(side).bind(actor).bind(now()).bind(sealed).bind(key))?;
    Ok(())
}

async fn get_unaudited(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Referral>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE r.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)?;
    row.map(|r| from_row(tx.keyring(), r)).transpose()
}

/// How a viewer stands to a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// May see the referral's case: the referring side (on behalf of an outside service too).
    Referrer,
    /// Staff of the receiving agency: sees the shared copy only.
    Receiver,
}

impl Standing {
    /// The side the viewer acts on when changing the status.
    pub fn side(self, referral: &Referral) -> Side {
        match self {
            Standing::Referrer if referral.is_external() => Side::OnBehalf,
            Standing::Referrer => Side::Requester,
            Standing::Receiver => Side::Receiver,
        }
    }
}

/// One referral with the viewer's standing, if they have one; the read is audited. Whoever may
/// see the case is the referrer; else staff of the receiving agency allowed to receive see a
/// sent referral. `sees_cases`: the viewer may read cases at all; `receiver_agency` is the
/// viewer's agency when they may receive referrals.
pub async fn get(tx: &mut Tx, sight: &Sight, sees_cases: bool, receiver_agency: Option<Uuid>, id: Uuid) -> StoreResult<Option<(Referral, Standing)>> {
    let Some(r) = get_unaudited(tx, id).await? else { return Ok(None) };
    let standing = if sees_cases && crate::cases::visible(tx, sight, r.case_id).await?.is_some() {
        Standing::Referrer
    } else if receiver_agency.is_some() && r.to_agency_id == receiver_agency && r.status != Status::Draft {
        Standing::Receiver
    } else {
        return Ok(None);
    };
    let side = match standing {
        Standing::Referrer => "referrer",
        Standing::Receiver => "receiver",
    };
    audit::append(tx, Event::new(Some(sight.viewer.id), "referral.view", "referral").entity(r.id).detail(json!({"as": side}))).await?;
    Ok(Some((r, standing)))
}

/// Which referrals a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub overdue: bool,
    /// Only the ones assigned to the viewer (inbox) or made by the viewer (sent).
    pub mine: bool,
    pub need: Option<String>,
    pub case_id: Option<Uuid>,
    pub limit: i64,
    /// Rows skipped before the first one returned (pages after the first).
    pub offset: i64,
}

/// Referrals of the cases the viewer may see, newest first.
pub async fn sent(tx: &mut Tx, sight: &Sight, f: &Filter) -> StoreResult<Vec<Referral>> {
    let (a, t, o, sup, me) = sight.binds();
    let by_case = crate::db::filter_eq(f.case_id.is_some(), "r.case_id", 11);
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} JOIN cases c ON c.id = r.case_id WHERE {VISIBLE}
           AND ($6 IS NULL OR r.status = $6) AND ($7 = FALSE OR (r.status = 'requested' AND r.due_at < $8))
           AND ($9 = FALSE OR r.from_user = $5) AND ($10 IS NULL OR r.need = $10) AND {by_case}
         ORDER BY r.created_at DESC LIMIT $12 OFFSET $13"
    );
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(sup).bind(me)
        .bind(f.status.as_deref()).bind(f.overdue).bind(now()).bind(f.mine).bind(f.need.as_deref()).bind(f.case_id)
        .bind(f.limit.clamp(1, 1000)).bind(f.offset.max(0)).fetch_all(c).await)?;
    rows.into_iter().map(|r| from_row(tx.keyring(), r)).collect()
}

/// The receiving agency's inbox: sent referrals to its services, most urgent answer first.
pub async fn received(tx: &mut Tx, viewer: Uuid, agency: Uuid, f: &Filter) -> StoreResult<Vec<Referral>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE r.to_agency_id = $1 AND r.status <> 'draft'
           AND ($2 IS NULL OR r.status = $2) AND ($3 = FALSE OR (r.status = 'requested' AND r.due_at < $4))
           AND ($5 = FALSE OR r.assigned_to = $6) AND ($7 IS NULL OR r.need = $7)
         ORDER BY CASE WHEN r.status = 'requested' THEN 0 ELSE 1 END, r.due_at, r.created_at DESC LIMIT $8 OFFSET $9"
    );
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(agency).bind(f.status.as_deref()).bind(f.overdue).bind(now()).bind(f.mine).bind(viewer).bind(f.need.as_deref())
        .bind(f.limit.clamp(1, 1000)).bind(f.offset.max(0)).fetch_all(c).await)?;
    rows.into_iter().map(|r| from_row(tx.keyring(), r)).collect()
}

/// Moves a referral to `to`, from the viewer's `side`. `note` is the rejection reason or a
/// comment; `outcome` the result of the service (completing or failing).
pub async fn change_status(tx: &mut Tx, actor: Uuid, r: &Referral, side: Side, to: Status, note: &str, outcome: &str, version: i64) -> StoreResult<Referral> {
    if let Err(e) = check_transition(r.status, to, side, note, outcome) {
        let field = match e {
            passerelle_core::referral::TransitionError::ReasonRequired => "note",
            passerelle_core::referral::TransitionError::OutcomeRequired => "outcome",
            _ => "status",
        };
        let mut p = Problems::default();
        p.add(field, e.code());
        return Err(StoreError::Invalid(p));
    }
    let at = now();
    let answered = matches!(to, Status::Accepted | Status::Rejected);
    let sent = to == Status::Requested;
    let ends = matches!(to, Status::Completed | Status::Failed);
    let n = exec!(tx, c => sqlx::query(
        "UPDATE referrals SET status = $1, updated_at = $2, version = version + 1,
             responded_at = CASE WHEN $3 THEN $2 ELSE responded_at END,
             accepted_at = CASE WHEN $4 THEN $2 ELSE accepted_at END,
             sent_at = CASE WHEN $5 THEN $2 ELSE sent_at END,
             due_at = CASE WHEN $5 THEN $6 ELSE due_at END,
             completed_at = CASE WHEN $7 THEN $2 ELSE completed_at END
         WHERE id = $8 AND version = $9")
        .bind(to.code()).bind(at).bind(answered).bind(to == Status::Accepted).bind(sent).bind(r.urgency.response_due_within(at, r.respond_within_hours))
        .bind(ends).bind(r.id).bind(version))?;
    if n == 0 {
        return Err(StoreError::Stale("referral"));
    }
    // The outcome (when the service ends) and the note (when there is one) replace the sealed ones.
    let mut changes = Vec::new();
    if ends {
        changes.push(("outcome", Some(outcome.trim())));
    }
    if !note.trim().is_empty() {
        changes.push(("status_reason", Some(note.trim())));
    }
    if !changes.is_empty() {
        REFERRALS.set(tx, r.id, &changes).await?;
    }
    event(tx, r.id, to, side, actor, Some(note.trim())).await?;
    if to == Status::Completed {
        // The loop closed with the service given: it is part of what the case's person received.
        crate::services_provided::record(tx, actor, r.case_id, r.service_id, &r.need, at.date_naive(), outcome.trim(), Some(r.id)).await?;
    }
    audit::append(tx, Event::new(Some(actor), "referral.status", "referral").entity(r.id)
        .detail(json!({"from": r.status.code(), "to": to.code()}))).await?;
    get_unaudited(tx, r.id).await?.ok_or(StoreError::NotFound)
}

/// Gives a received referral to a staff member of the receiving agency.
pub async fn assign(tx: &mut Tx, actor: Uuid, r: &Referral, to_user: Uuid, version: i64) -> StoreResult<bool> {
    let ok: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id FROM users WHERE id = $1 AND active = TRUE AND agency_id = $2").bind(to_user).bind(r.to_agency_id).fetch_optional(c).await)?;
    if ok.is_none() {
        return Ok(false);
    }
    let n = exec!(tx, c => sqlx::query("UPDATE referrals SET assigned_to = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
        .bind(to_user).bind(now()).bind(r.id).bind(version))?;
    if n == 0 {
        return Err(StoreError::Stale("referral"));
    }
    audit::append(tx, Event::new(Some(actor), "referral.assign", "referral").entity(r.id).detail(json!({"to": to_user}))).await?;
    Ok(true)
}

/// Staff of an agency a referral may be given to.
pub async fn agency_staff(tx: &mut Tx, agency: Uuid) -> StoreResult<Vec<(Uuid, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as("SELECT id, display_name FROM users WHERE agency_id = $1 AND active = TRUE ORDER BY display_name")
        .bind(agency).fetch_all(c).await)?)
}

#[derive(Debug, Clone)]
pub struct StatusEvent {
    pub status: Status,
    pub side: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

/// The history of a referral, oldest first: what the referrer sees of every change.
pub async fn events(tx: &mut Tx, id: Uuid) -> StoreResult<Vec<StatusEvent>> {
    type EventRow = (String, String, String, DateTime<Utc>, Option<String>, Uuid, Option<Vec<u8>>);
    let rows: Vec<EventRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT e.status, e.side, u.display_name, e.at, e.note, e.id, e.sealed FROM referral_events e JOIN users u ON u.id = e.actor
         WHERE e.referral_id = $1 ORDER BY e.at, e.id").bind(id).fetch_all(c).await)?;
    let mut out = Vec::new();
    for (s, side, actor, at, note, id, sealed) in rows {
        let note = REFERRAL_EVENTS.open(tx.keyring(), id, sealed.as_deref(), &[("note", note.as_deref())])?.get("note");
        if let Some(status) = Status::from_code(&s) {
            out.push(StatusEvent { status, side, actor, at, note });
        }
    }
    Ok(out)
}

/// Referrals from the cases the viewer sees still unanswered past their deadline (dashboard).
pub async fn overdue_sent(tx: &mut Tx, sight: &Sight) -> StoreResult<i64> {
    let (a, t, o, sup, me) = sight.binds();
    let sql = format!(
        "SELECT COUNT(*) FROM referrals r JOIN cases c ON c.id = r.case_id WHERE {VISIBLE}
           AND r.status = 'requested' AND r.due_at < $6"
    );
    let n: (i64,) = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(sup).bind(me).bind(now()).fetch_one(c).await)?;
    Ok(n.0)
}

/// Referrals to the agency's services still unanswered past their deadline.
pub async fn overdue_received(tx: &mut Tx, agency: Uuid) -> StoreResult<i64> {
    let n: (i64,) = on_tx!(tx, c => sqlx::query_as(
        "SELECT COUNT(*) FROM referrals WHERE to_agency_id = $1 AND status = 'requested' AND due_at < $2")
        .bind(agency).bind(now()).fetch_one(c).await)?;
    Ok(n.0)
}

/// Anonymous feedback from the person referred, with the code on their referral slip.
#[derive(Debug, Clone, Default)]
pub struct Feedback {
    pub received: bool,
    pub quality: Option<i64>,
    pub waiting_days: Option<i64>,
    /// `none`, `distance`, `cost`, `language`, `documents`, `opening_hours`, `refused`, `other`.
    pub difficulty: String,
}

pub const DIFFICULTIES: &[&str] = &["none", "distance", "cost", "language", "documents", "opening_hours", "refused", "other"];

/// Records the feedback if the code belongs to a sent referral that has none yet. The row keeps
/// the service and the day, never the referral: the answer cannot be traced to the person.
pub async fn give_feedback(tx: &mut Tx, code: &str, f: &Feedback) -> StoreResult<bool> {
    let code = code.trim().to_uppercase();
    let found: Option<(Uuid, Uuid)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, service_id FROM referrals WHERE feedback_code = $1 AND feedback_given = FALSE AND status <> 'draft'")
        .bind(&code).fetch_optional(c).await)?;
    let Some((id, service)) = found else { return Ok(false) };
    exec!(tx, c => sqlx::query("UPDATE referrals SET feedback_given = TRUE WHERE id = $1").bind(id))?;
    exec!(tx, c => sqlx::query(
        "INSERT INTO referral_feedback (id, service_id, received, quality, waiting_days, difficulty, given_on) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(Uuid::now_v7()).bind(service).bind(f.received).bind(f.quality).bind(f.waiting_days).bind(&f.difficulty)
        .bind(Utc::now().date_naive()))?;
    audit::append(tx, Event::new(None, "referral.feedback", "service").entity(service)).await?;
    Ok(true)
}

/// What people referred said of a service: answers, share who received it, mean quality,
/// median waiting days, difficulties by code.
#[derive(Debug, Clone, Default)]
pub struct FeedbackSummary {
    pub answers: i64,
    pub received: i64,
    pub mean_quality: Option<f64>,
    pub median_waiting_days: Option<i64>,
    pub difficulties: Vec<(String, i64)>,
}

pub async fn feedback_summary(tx: &mut Tx, service: Uuid) -> StoreResult<FeedbackSummary> {
    let rows: Vec<(bool, Option<i64>, Option<i64>, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT received, quality, waiting_days, difficulty FROM referral_feedback WHERE service_id = $1").bind(service).fetch_all(c).await)?;
    let qualities: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    let mut waits: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
    waits.sort_unstable();
    let mut difficulties: Vec<(String, i64)> = Vec::new();
    for d in DIFFICULTIES.iter().filter(|d| **d != "none") {
        let n = rows.iter().filter(|r| r.3 == *d).count() as i64;
        if n > 0 {
            difficulties.push((d.to_string(), n));
        }
    }
    Ok(FeedbackSummary {
        answers: rows.len() as i64,
        received: rows.iter().filter(|r| r.0).count() as i64,
        mean_quality: (!qualities.is_empty()).then(|| qualities.iter().sum::<i64>() as f64 / qualities.len() as f64),
        median_waiting_days: waits.get(waits.len() / 2).copied(),
        difficulties,
    })
}

/// One referral as the figures see it, with the breakdowns the figures page offers.
#[derive(Debug, Clone)]
pub struct FigureRow {
    pub status: Status,
    pub sent_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub from_agency: String,
    pub to_agency: String,
    pub service: String,
    pub need: String,
    pub sop: String,
    pub sex: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_year_estimated: Option<i64>,
    pub migration_status: String,
}

/// Every referral sent in `[from, to)`, for the figures. Figures are aggregates published with
/// small-cell suppression; the rows never leave the server.
pub async fn figure_rows(tx: &mut Tx, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<FigureRow>> {
    type R = (String, Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<String>, Option<String>, String, String, String, Option<String>, Option<String>, Option<i64>, String, Uuid, Option<Vec<u8>>);
    let rows: Vec<R> = on_tx!(tx, c => sqlx::query_as(
        "SELECT r.status, r.sent_at, r.accepted_at, r.completed_at, fa.name, ta.name, r.service_name, r.need, r.sop_id,
                p.sex, p.birth_date, p.birth_year_estimated, p.migration_status, p.id, p.sealed
         FROM referrals r JOIN people p ON p.id = r.person_id LEFT JOIN agencies fa ON fa.id = r.from_agency_id
         LEFT JOIN agencies ta ON ta.id = r.to_agency_id
         WHERE r.sent_at >= $1 AND r.sent_at < $2").bind(from).bind(to).fetch_all(c).await)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        // The birth date is sealed with the person's names: opened here for the age bands only.
        let birth_date = crate::people::birth_date_of(tx, r.13, r.14.as_deref(), r.10.as_deref())?;
        let Some(status) = Status::from_code(&r.0) else { continue };
        out.push(FigureRow {
            status,
            sent_at: r.1,
            accepted_at: r.2,
            completed_at: r.3,
            from_agency: r.4.unwrap_or_default(),
            to_agency: r.5.unwrap_or_default(),
            service: r.6,
            need: r.7,
            sop: r.8,
            sex: r.9,
            birth_date,
            birth_year_estimated: r.11,
            migration_status: r.12,
        });
    }
    Ok(out)
}

/// One step of an agreed referral pathway.
#[derive(Debug, Clone)]
pub struct PathwayStep {
    pub id: Uuid,
    pub need: String,
    pub area_code: Option<String>,
    pub position: i64,
    pub service_id: Uuid,
    pub service_name: String,
    pub note: String,
}

/// The pathways, by need, area (everywhere first) and position; only one need when given.
pub async fn pathways(tx: &mut Tx, need: Option<&str>) -> StoreResult<Vec<PathwayStep>> {
    type R = (Uuid, String, Option<String>, i64, Uuid, String, String);
    let rows: Vec<R> = on_tx!(tx, c => sqlx::query_as(
        "SELECT p.id, p.need, p.area_code, p.position, p.service_id, s.name, p.note
         FROM referral_pathways p JOIN directory_services s ON s.id = p.service_id
         WHERE ($1 IS NULL OR p.need = $1)
         ORDER BY p.need, CASE WHEN p.area_code IS NULL THEN 0 ELSE 1 END, p.area_code, p.position").bind(need).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|r| PathwayStep { id: r.0, need: r.1, area_code: r.2, position: r.3, service_id: r.4, service_name: r.5, note: r.6 }).collect())
}

/// Adds a step at the end of the pathway for `need` in `area` (None: everywhere).
pub async fn add_pathway_step(tx: &mut Tx, actor: Uuid, need: &str, area: Option<&str>, service: Uuid, note: &str) -> StoreResult<Uuid> {
    let mut p = Problems::default();
    if need.trim().is_empty() {
        p.add("need", "referral-need-required");
    }
    if directory::get_service(tx, service).await?.is_none() {
        p.add("service", "referral-service-required");
    }
    let note = p.text("note", note, false, 500);
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let last: (Option<i64>,) = on_tx!(tx, c => sqlx::query_as(
        "SELECT MAX(position) FROM referral_pathways WHERE need = $1 AND (area_code = $2 OR ($2 IS NULL AND area_code IS NULL))")
        .bind(need).bind(area).fetch_one(c).await)?;
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO referral_pathways (id, need, area_code, position, service_id, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id).bind(need).bind(area).bind(last.0.unwrap_or(0) + 1).bind(service).bind(&note).bind(actor).bind(now()))?;
    audit::append(tx, Event::new(Some(actor), "referral.pathway.add", "pathway").entity(id).detail(json!({"need": need, "area": area}))).await?;
    Ok(id)
}

pub async fn remove_pathway_step(tx: &mut Tx, actor: Uuid, id: Uuid) -> StoreResult<bool> {
    let n = exec!(tx, c => sqlx::query("DELETE FROM referral_pathways WHERE id = $1").bind(id))?;
    if n > 0 {
        audit::append(tx, Event::new(Some(actor), "referral.pathway.remove", "pathway").entity(id)).await?;
    }
    Ok(n > 0)
}

/// Sets whether a service takes referrals now and how many places it has: HSDS 3.1 capacity
/// on the entry, so the finder, the export and the referral form all see it.
pub async fn set_capacity(tx: &mut Tx, actor: Uuid, service: Uuid, taking: bool, places: Option<u32>) -> StoreResult<()> {
    let mut entry = directory::get_service(tx, service).await?.ok_or(StoreError::NotFound)?;
    let updated = now().to_rfc3339();
    profile::set_taking_referrals(&mut entry.service, taking);
    if let Some(n) = places {
        profile::set_capacity(&mut entry.service, "places", n, None, &updated);
    }
    directory::put_service(tx, &entry.service).await?;
    audit::append(tx, Event::new(Some(actor), "directory.service.capacity", "service").entity(service)
        .detail(json!({"taking_referrals": taking, "places": places}))).await?;
    Ok(())
}

/// Moves a sent referral's sending (and so its response deadline) to `sent_at`: for demo data
/// and tests that need referrals of the past, which the app never makes itself.
pub async fn backdate(tx: &mut Tx, id: Uuid, sent_at: DateTime<Utc>) -> StoreResult<()> {
    let r = get_unaudited(tx, id).await?.ok_or(StoreError::NotFound)?;
    exec!(tx, c => sqlx::query("UPDATE referrals SET sent_at = $1, due_at = $2, created_at = $1 WHERE id = $3")
        .bind(sent_at).bind(r.urgency.response_due_within(sent_at, r.respond_within_hours)).bind(id))?;
    Ok(())
}

/// Demo pathways: for a few needs, the first services of the directory that offer them, in
/// order, everywhere. Agreed pathways are a local decision; these only show the shape.
pub async fn demo_pathways(tx: &mut Tx) -> StoreResult<()> {
    for need in ["gbv", "counter_trafficking", "child_protection", "shelter"] {
        let services = directory::list_services(tx, &directory::ServiceFilter { need: Some(need.into()), status: Some("active".into()), ..Default::default() }).await?;
        for (i, s) in services.iter().take(3).enumerate() {
            let Ok(id) = s.id().parse::<Uuid>() else { continue };
            let note = if i == 0 { "First contact" } else { "" };
            let pid = Uuid::now_v7();
            exec!(tx, c => sqlx::query(
                "INSERT INTO referral_pathways (id, need, area_code, position, service_id, note, updated_by, updated_at) VALUES ($1, $2, NULL, $3, $4, $5, NULL, $6)")
                .bind(pid).bind(need).bind(i as i64 + 1).bind(id).bind(note).bind(now()))?;
        }
    }
    Ok(())
}

/// The addresses of the receiving agency's active staff holding one of `roles` (those who may
/// work its referrals), for the notification that one is waiting.
pub async fn receiving_staff_emails(tx: &mut Tx, agency: Uuid, roles: &[&str]) -> StoreResult<Vec<String>> {
    let rows: Vec<(String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT DISTINCT u.email, r.role FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.agency_id = $1 AND u.active = TRUE")
        .bind(agency).fetch_all(c).await)?;
    let mut out: Vec<String> = rows.into_iter().filter(|(_, r)| roles.contains(&r.as_str())).map(|(e, _)| e).collect();
    out.sort();
    out.dedup();
    Ok(out)
}
