//! A person's rights over what is held about them: subject access (everything, as one dossier)
//! and erasure, either anonymisation (the statistical skeleton stays, so the figures still
//! count the person and their cases) or deletion (the person and everything under them).
//!
//! Only the administrator does this (`ManagePersonalData`, checked by the routes), across every
//! scope: a request from the person must be answered whoever registered them. Every dossier and
//! every erasure is audited with ids and codes; the audit log itself is never changed (its hash
//! chain must keep verifying), and after an erasure its entries point to ids that no longer
//! identify anyone.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::{attachments, cases, consents, narratives, people};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{json, Map, Value};
use sqlx::Row;
use std::path::Path;
use uuid::Uuid;

/// How a person is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Identifying data removed, the statistical skeleton kept.
    Anonymise,
    /// The person and everything under them removed.
    Delete,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Anonymise, Mode::Delete];
    pub fn code(self) -> &'static str {
        match self {
            Mode::Anonymise => "anonymise",
            Mode::Delete => "delete",
        }
    }
    pub fn parse(code: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// One part of a dossier: a code naming what it is (`person`, `notes`, `referrals`…), the case
/// it belongs to (its reference) if any, and its rows as field → value.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    pub rows: Vec<Map<String, Value>>,
}

/// Everything held about a person.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub person_id: Uuid,
    pub produced_at: DateTime<Utc>,
    pub sections: Vec<Section>,
}

impl Dossier {
    /// The whole dossier as JSON text (the download).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }
}

/// The section names, in the order a dossier gives them (the pages translate them).
pub const SECTIONS: &[&str] = &[
    "person", "merged_records", "merges", "links", "functioning", "outreach_follow_ups", "case", "steps", "approvals",
    "notes", "consents", "attachments", "plan_goals", "plan_actions", "services", "referrals", "referral_events",
    "form_responses", "trafficking_screenings", "trafficking_record", "transfers", "audit",
];

/// How to read a column into JSON (the same SQL runs on both backends; integers are cast to
/// BIGINT so that both decode them as i64).
#[derive(Clone, Copy)]
enum K {
    Id,
    Text,
    Int,
    Bool,
    At,
    Date,
}

enum Bind {
    Id(Uuid),
    Text(String),
}

/// Runs `sql` (one `$1` bind) and returns its rows as JSON objects named by `cols`.
async fn rows(tx: &mut Tx, sql: &'static str, cols: &[(&'static str, K)], bind: Bind) -> StoreResult<Vec<Map<String, Value>>> {
    Ok(on_tx!(tx, c => {
        let q = sqlx::query(sql);
        let q = match &bind {
            Bind::Id(id) => q.bind(*id),
            Bind::Text(t) => q.bind(t.clone()),
        };
        let found = q.fetch_all(c).await?;
        let mut out = Vec::with_capacity(found.len());
        for r in &found {
            let mut m = Map::new();
            for (i, (name, kind)) in cols.iter().enumerate() {
                let v = match kind {
                    K::Id => json!(r.try_get::<Option<Uuid>, _>(i)?),
                    K::Text => json!(r.try_get::<Option<String>, _>(i)?),
                    K::Int => json!(r.try_get::<Option<i64>, _>(i)?),
                    K::Bool => json!(r.try_get::<Option<bool>, _>(i)?),
                    K::At => json!(r.try_get::<Option<DateTime<Utc>>, _>(i)?),
                    K::Date => json!(r.try_get::<Option<NaiveDate>, _>(i)?),
                };
                m.insert((*name).to_string(), v);
            }
            out.push(m);
        }
        out
    }))
}

/// [`rows`] of a table whose free text is sealed: each row is read with its `id` (then dropped)
/// and its free text opened in place of the emptied clear columns.
async fn sealed_rows(tx: &mut Tx, n: &narratives::Narrative, sql: &'static str, cols: &[(&'static str, K)], bind: Bind) -> StoreResult<Vec<Map<String, Value>>> {
    let mut rows = rows(tx, sql, cols, bind).await?;
    for m in &mut rows {
        let Some(id) = m.remove("id").and_then(|v| v.as_str().and_then(|s| Uuid::parse_str(s).ok())) else { continue };
        let text = n.read(tx, id).await?;
        for (column, _) in n.fields {
            m.insert((*column).to_string(), json!(text.get(column)));
        }
    }
    Ok(rows)
}

async fn ids(tx: &mut Tx, sql: &'static str, id: Uuid) -> StoreResult<Vec<Uuid>> {
    let found: Vec<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(sql).bind(id).fetch_all(c).await)?;
    Ok(found.into_iter().map(|r| r.0).collect())
}

/// The person's own record and the records merged into it (the same person, registered twice).
async fn people_of(tx: &mut Tx, person_id: Uuid) -> StoreResult<Vec<Uuid>> {
    let mut all = vec![person_id];
    all.extend(ids(tx, "SELECT id FROM people WHERE merged_into = $1", person_id).await?);
    Ok(all)
}

async fn cases_of(tx: &mut Tx, people: &[Uuid]) -> StoreResult<Vec<(Uuid, String)>> {
    let mut out = Vec::new();
    for p in people {
        let found: Vec<(Uuid, String)> = on_tx!(tx, c => sqlx::query_as("SELECT id, reference FROM cases WHERE person_id = $1 ORDER BY opened_at").bind(*p).fetch_all(c).await)?;
        out.extend(found);
    }
    Ok(out)
}

async fn referrals_of(tx: &mut Tx, people: &[Uuid], cases: &[(Uuid, String)]) -> StoreResult<Vec<Uuid>> {
    let mut out = Vec::new();
    for (c, _) in cases {
        out.extend(ids(tx, "SELECT id FROM referrals WHERE case_id = $1", *c).await?);
    }
    for p in people {
        out.extend(ids(tx, "SELECT id FROM referrals WHERE person_id = $1", *p).await?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn person_row(p: &people::Person) -> Map<String, Value> {
    let v = json!({
        "id": p.id, "given_names": p.given_names, "family_names": p.family_names, "other_names": p.other_names,
        "sex": p.sex, "birth_date": p.birth_date, "birth_year_estimated": p.birth_year_estimated,
        "nationality": p.nationality, "migration_status": p.migration_status, "languages": p.languages,
        "phone": p.phone, "address": p.address, "area_id": p.area_id, "community": p.community,
        "external_id": p.external_id, "restricted": p.restricted, "created_at": p.created_at,
        "merged_into": p.merged_into,
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Everything held about a person, sealed fields opened. `None` when there is no such person.
/// Audited as `person.subject_access` (a read of personal data) by `actor`.
pub async fn subject_access(tx: &mut Tx, actor: Uuid, person_id: Uuid) -> StoreResult<Option<Dossier>> {
    let Some(person) = people::get_any(tx, person_id).await? else { return Ok(None) };
    let mut sections = vec![Section { name: "person", case: None, rows: vec![person_row(&person)] }];
    let everyone = people_of(tx, person_id).await?;
    let mut merged = Vec::new();
    for id in &everyone[1..] {
        if let Some(p) = people::get_any(tx, *id).await? {
            merged.push(person_row(&p));
        }
    }
    sections.push(Section { name: "merged_records", case: None, rows: merged });
    let mut push = |name: &'static str, case: Option<String>, rows: Vec<Map<String, Value>>| {
        sections.push(Section { name, case, rows });
    };
    push("merges", None, rows(tx,
        "SELECT kept_id, merged_id, merged_at, undone_at FROM person_merges WHERE kept_id = $1 OR merged_id = $1 ORDER BY merged_at",
        &[("kept_id", K::Id), ("merged_id", K::Id), ("merged_at", K::At), ("undone_at", K::At)], Bind::Id(person_id)).await?);
    push("links", None, rows(tx,
        "SELECT person_a, person_b, relation, created_at FROM person_links WHERE person_a = $1 OR person_b = $1 ORDER BY created_at",
        &[("person_a", K::Id), ("person_b", K::Id), ("relation", K::Text), ("created_at", K::At)], Bind::Id(person_id)).await?);
    push("functioning", None, rows(tx,
        "SELECT asked_on, seeing, hearing, walking, cognition, self_care, communication, disability FROM person_functioning
         WHERE person_id = $1 ORDER BY asked_on",
        &[("asked_on", K::Date), ("seeing", K::Text), ("hearing", K::Text), ("walking", K::Text), ("cognition", K::Text),
          ("self_care", K::Text), ("communication", K::Text), ("disability", K::Text)], Bind::Id(person_id)).await?);
    let mut follow_ups = Vec::new();
    for p in &everyone {
        follow_ups.extend(rows(tx,
            "SELECT activity_id, consent_given_by, consent_scope, need_code, referral_id, created_at FROM outreach_follow_ups
             WHERE person_id = $1 ORDER BY created_at",
            &[("activity_id", K::Id), ("consent_given_by", K::Text), ("consent_scope", K::Text), ("need_code", K::Text),
              ("referral_id", K::Id), ("created_at", K::At)], Bind::Id(*p)).await?);
    }
    push("outreach_follow_ups", None, follow_ups);

    let all_cases = cases_of(tx, &everyone).await?;
    for (case_id, reference) in &all_cases {
        let c = Some(reference.clone());
        let id = Bind::Id(*case_id);
        push("case", c.clone(), sealed_rows(tx, &narratives::CASES,
            "SELECT id, reference, sop_id, CAST(sop_version AS BIGINT), risk, status, restricted, opened_at, closed_at, closure_reason,
                 legal_hold, legal_hold_reason FROM cases WHERE id = $1",
            &[("id", K::Id), ("reference", K::Text), ("sop_id", K::Text), ("sop_version", K::Int), ("risk", K::Text), ("status", K::Text),
              ("restricted", K::Bool), ("opened_at", K::At), ("closed_at", K::At), ("closure_reason", K::Text),
              ("legal_hold", K::Bool), ("legal_hold_reason", K::Text)], id).await?);
        push("steps", c.clone(), rows(tx,
            "SELECT s.step_id, s.completed_at, u.display_name FROM case_steps s JOIN users u ON u.id = s.completed_by
             WHERE s.case_id = $1 ORDER BY s.completed_at",
            &[("step_id", K::Text), ("completed_at", K::At), ("completed_by", K::Text)], Bind::Id(*case_id)).await?);
        push("approvals", c.clone(), sealed_rows(tx, &narratives::APPROVALS,
            "SELECT id, step_id, requested_at, decision, decided_at, comment FROM case_approvals WHERE case_id = $1 ORDER BY requested_at",
            &[("id", K::Id), ("step_id", K::Text), ("requested_at", K::At), ("decision", K::Text), ("decided_at", K::At), ("comment", K::Text)],
            Bind::Id(*case_id)).await?);
        let notes = cases::notes(tx, *case_id, None, i64::MAX).await?.into_iter()
            .map(|n| obj(json!({"author": n.author, "body": n.body, "created_at": n.created_at}))).collect();
        push("notes", c.clone(), notes);
        let given = consents::of_case(tx, *case_id).await?.into_iter()
            .map(|k| obj(json!({"given_by": k.given_by, "scope": k.scope.join(" "), "notes": k.notes, "given_at": k.given_at,
                "recorded_by": k.recorded_by, "withdrawn_at": k.withdrawn_at}))).collect();
        push("consents", c.clone(), given);
        let files = attachments::of_case(tx, *case_id).await?.into_iter()
            .map(|a| obj(json!({"file_name": a.file_name, "content_type": a.content_type, "size_bytes": a.size_bytes,
                "uploaded_by": a.uploaded_by, "uploaded_at": a.uploaded_at}))).collect();
        push("attachments", c.clone(), files);
        push("plan_goals", c.clone(), sealed_rows(tx, &narratives::PLAN_GOALS,
            "SELECT id, title, created_at FROM case_plan_goals WHERE case_id = $1 ORDER BY created_at",
            &[("id", K::Id), ("title", K::Text), ("created_at", K::At)], Bind::Id(*case_id)).await?);
        push("plan_actions", c.clone(), sealed_rows(tx, &narratives::PLAN_ACTIONS,
            "SELECT id, description, due_on, status, updated_at FROM case_plan_actions WHERE case_id = $1 ORDER BY created_at",
            &[("id", K::Id), ("description", K::Text), ("due_on", K::Date), ("status", K::Text), ("updated_at", K::At)], Bind::Id(*case_id)).await?);
        push("services", c.clone(), sealed_rows(tx, &narratives::SERVICES,
            "SELECT id, service_name, need, provided_on, notes FROM case_services WHERE case_id = $1 ORDER BY provided_on",
            &[("id", K::Id), ("service_name", K::Text), ("need", K::Text), ("provided_on", K::Date), ("notes", K::Text)], Bind::Id(*case_id)).await?);
        push("referrals", c.clone(), sealed_rows(tx, &narratives::REFERRALS,
            "SELECT id, reference, service_name, need, urgency, status, reason, shared, legal_ground, created_at, sent_at, responded_at,
                 completed_at, outcome, status_reason FROM referrals WHERE case_id = $1 ORDER BY created_at",
            &[("id", K::Id), ("reference", K::Text), ("service_name", K::Text), ("need", K::Text), ("urgency", K::Text), ("status", K::Text),
              ("reason", K::Text), ("shared", K::Text), ("legal_ground", K::Text), ("created_at", K::At), ("sent_at", K::At),
              ("responded_at", K::At), ("completed_at", K::At), ("outcome", K::Text), ("status_reason", K::Text)],
            Bind::Id(*case_id)).await?);
        push("referral_events", c.clone(), sealed_rows(tx, &narratives::REFERRAL_EVENTS,
            "SELECT e.id, r.reference, e.status, e.side, e.at, e.note FROM referral_events e JOIN referrals r ON r.id = e.referral_id
             WHERE r.case_id = $1 ORDER BY e.at",
            &[("id", K::Id), ("referral", K::Text), ("status", K::Text), ("side", K::Text), ("at", K::At), ("note", K::Text)], Bind::Id(*case_id)).await?);
        push("form_responses", c.clone(), sealed_rows(tx, &narratives::FORM_RESPONSES,
            "SELECT id, form_id, form_version, step_id, CAST(answers AS TEXT), submitted_at FROM form_responses WHERE case_id = $1 ORDER BY submitted_at",
            &[("id", K::Id), ("form_id", K::Text), ("form_version", K::Text), ("step_id", K::Text), ("answers", K::Text), ("submitted_at", K::At)],
            Bind::Id(*case_id)).await?);
        push("trafficking_screenings", c.clone(), rows(tx,
            "SELECT channel, age_group, outcome, recommendation, result, screened_at FROM trafficking_screenings
             WHERE case_id = $1 ORDER BY screened_at",
            &[("channel", K::Text), ("age_group", K::Text), ("outcome", K::Text), ("recommendation", K::Text), ("result", K::Text),
              ("screened_at", K::At)], Bind::Id(*case_id)).await?);
        push("trafficking_record", c.clone(), rows(tx,
            "SELECT record, status, updated_at FROM trafficking_records WHERE case_id = $1",
            &[("record", K::Text), ("status", K::Text), ("updated_at", K::At)], Bind::Id(*case_id)).await?);
        push("transfers", c.clone(), sealed_rows(tx, &narratives::TRANSFERS,
            "SELECT id, reason, requested_at, status, decided_at, comment FROM case_transfers WHERE case_id = $1 ORDER BY requested_at",
            &[("id", K::Id), ("reason", K::Text), ("requested_at", K::At), ("status", K::Text), ("decided_at", K::At), ("comment", K::Text)],
            Bind::Id(*case_id)).await?);
    }

    // Who saw or changed what, when: the audit entries naming the person, their cases or their
    // referrals (entries hold ids and codes only, so they can be shown as they are).
    let mut subjects: Vec<Uuid> = everyone.clone();
    subjects.extend(all_cases.iter().map(|c| c.0));
    subjects.extend(referrals_of(tx, &everyone, &all_cases).await?);
    let mut trail = Vec::new();
    crate::audit::flush(tx).await?;
    for s in subjects {
        trail.extend(rows(tx,
            "SELECT a.seq, a.at, u.display_name, a.action, a.entity_type, a.entity_id, a.detail
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE a.entity_id = $1 ORDER BY a.seq",
            &[("seq", K::Int), ("at", K::At), ("actor", K::Text), ("action", K::Text), ("entity_type", K::Text),
              ("entity_id", K::Text), ("detail", K::Text)], Bind::Text(s.to_string())).await?);
    }
    trail.sort_by_key(|r| r.get("seq").and_then(Value::as_i64).unwrap_or(0));
    push("audit", None, trail);

    audit::append(tx, Event::new(Some(actor), "person.subject_access", "person").entity(person_id)).await?;
    Ok(Some(Dossier { person_id, produced_at: now(), sections }))
}

/// Records that a dossier left the system as a file (the JSON download).
pub async fn record_export(tx: &mut Tx, actor: Uuid, person_id: Uuid) -> StoreResult<()> {
    audit::append(tx, Event::new(Some(actor), "person.export", "person").entity(person_id).detail(json!({"format": "json"}))).await?;
    Ok(())
}

/// The person, sealed fields opened, whatever the scope (the erase page); not audited as a read
/// of the dossier, since it shows only what the administrator needs to confirm the erasure.
pub async fn person(tx: &mut Tx, person_id: Uuid) -> StoreResult<Option<people::Person>> {
    people::get_any(tx, person_id).await
}

/// A case of the person, for the erase page: its reference, status and legal hold.
#[derive(Debug, Clone)]
pub struct CaseHold {
    pub id: Uuid,
    pub reference: String,
    pub status: String,
    pub legal_hold: bool,
    pub reason: Option<String>,
}

/// The person's cases (with the records merged into them) and their legal holds.
pub async fn holds(tx: &mut Tx, person_id: Uuid) -> StoreResult<Vec<CaseHold>> {
    let everyone = people_of(tx, person_id).await?;
    let mut out = Vec::new();
    for p in everyone {
        let found: Vec<(Uuid, String, String, bool, Option<String>, Option<Vec<u8>>)> = on_tx!(tx, c => sqlx::query_as(
            "SELECT id, reference, status, legal_hold, legal_hold_reason, sealed FROM cases WHERE person_id = $1 ORDER BY opened_at")
            .bind(p).fetch_all(c).await)?;
        for (id, reference, status, legal_hold, reason, sealed) in found {
            let reason = narratives::CASES.open(tx.keyring(), id, sealed.as_deref(), &[("legal_hold_reason", reason.as_deref())])?.get("legal_hold_reason");
            out.push(CaseHold { id, reference, status, legal_hold, reason });
        }
    }
    Ok(out)
}

/// Puts a legal hold on a case (with its reason) or lifts it. While a hold is on, the person
/// cannot be erased and the retention job leaves the case alone. `false` when no such case.
pub async fn set_legal_hold(tx: &mut Tx, actor: Uuid, case_id: Uuid, on: bool, reason: &str) -> StoreResult<bool> {
    let reason = reason.trim();
    if on && reason.is_empty() {
        let mut p = passerelle_core::validate::Problems::default();
        p.add("reason", "required");
        return Err(StoreError::Invalid(p));
    }
    let n = exec!(tx, c => sqlx::query("UPDATE cases SET legal_hold = $1, updated_at = $2 WHERE id = $3")
        .bind(on).bind(now()).bind(case_id))?;
    if n == 0 {
        return Ok(false);
    }
    // The reason is kept only sealed, with the closure reason.
    narratives::CASES.set(tx, case_id, &[("legal_hold_reason", on.then_some(reason))]).await?;
    // The reason may name a court or an inquiry: kept on the case, not in the log.
    audit::append(tx, Event::new(Some(actor), if on { "case.legal_hold" } else { "case.legal_hold_lift" }, "case").entity(case_id)).await?;
    Ok(true)
}

/// What an erasure removed; the files are deleted by [`remove_files`] once the transaction
/// has committed.
#[derive(Debug, Clone, Default)]
pub struct Erased {
    pub people: usize,
    pub cases: usize,
    pub files: Vec<Uuid>,
}

/// Erases a person in `mode`, in `tx` (commit it, then call [`remove_files`]). Refused with
/// `StoreError::Conflict("legal_hold")` while any of their cases is under a legal hold, and
/// `StoreError::NotFound` when there is no such person.
pub async fn erase(tx: &mut Tx, actor: Uuid, person_id: Uuid, mode: Mode) -> StoreResult<Erased> {
    let erased = erase_unaudited(tx, person_id, mode).await?;
    audit::append(tx, Event::new(Some(actor), "person.erase", "person").entity(person_id)
        .detail(json!({"mode": mode.code(), "people": erased.people, "cases": erased.cases, "files": erased.files.len()}))).await?;
    Ok(erased)
}

/// The one erasure code path, shared by the administrator's erasure ([`erase`]) and the
/// retention job (`crate::retention`), each of which writes its own audit entries.
pub(crate) async fn erase_unaudited(tx: &mut Tx, person_id: Uuid, mode: Mode) -> StoreResult<Erased> {
    if people::get_any(tx, person_id).await?.is_none() {
        return Err(StoreError::NotFound);
    }
    if holds(tx, person_id).await?.iter().any(|h| h.legal_hold) {
        return Err(StoreError::Conflict("legal_hold"));
    }
    let everyone = people_of(tx, person_id).await?;
    let all_cases = cases_of(tx, &everyone).await?;
    let referrals = referrals_of(tx, &everyone, &all_cases).await?;
    let mut files = Vec::new();
    for (c, _) in &all_cases {
        files.extend(ids(tx, "SELECT id FROM case_attachments WHERE case_id = $1", *c).await?);
    }
    match mode {
        Mode::Anonymise => anonymise(tx, &everyone, &all_cases, &referrals).await?,
        Mode::Delete => delete(tx, &everyone, &all_cases, &referrals).await?,
    }
    Ok(Erased { people: everyone.len(), cases: all_cases.len(), files })
}

/// Deletes the files of an erasure (after its commit). A file already gone is fine.
pub async fn remove_files(dir: Option<&Path>, erased: &Erased) -> StoreResult<()> {
    for id in &erased.files {
        attachments::remove_file(dir, *id).await?;
    }
    Ok(())
}

/// Runs a one-bind statement for each id.
async fn each(tx: &mut Tx, sql: &'static str, ids: &[Uuid]) -> StoreResult<()> {
    for id in ids {
        exec!(tx, c => sqlx::query(sql).bind(*id))?;
    }
    Ok(())
}

async fn anonymise(tx: &mut Tx, everyone: &[Uuid], all_cases: &[(Uuid, String)], referrals: &[Uuid]) -> StoreResult<()> {
    for id in everyone {
        if let Some(p) = people::get_any(tx, *id).await? {
            people::anonymise(tx, &p).await?;
        }
    }
    each(tx, "DELETE FROM person_links WHERE person_a = $1 OR person_b = $1", everyone).await?;
    each(tx, "DELETE FROM person_distinct WHERE a = $1 OR b = $1", everyone).await?;
    let c: Vec<Uuid> = all_cases.iter().map(|c| c.0).collect();
    // Free text goes (notes, reasons, comments, answers); codes, dates and statuses stay.
    each(tx, "DELETE FROM case_notes WHERE case_id = $1", &c).await?;
    each(tx, "DELETE FROM case_attachments WHERE case_id = $1", &c).await?;
    let key = tx.keyring().current().map(i64::from);
    for id in c.clone() {
        exec!(tx, c => sqlx::query("UPDATE case_consents SET notes = NULL, sealed = NULL, seal_key = $1 WHERE case_id = $2").bind(key).bind(id))?;
    }
    // The sealed free text goes with its clear columns (`sealed` NULL: nothing left to open).
    each(tx, "UPDATE form_responses SET answers = '{}', sealed = NULL WHERE case_id = $1", &c).await?;
    each(tx, "UPDATE case_plan_goals SET title = '', sealed = NULL WHERE case_id = $1", &c).await?;
    each(tx, "UPDATE case_plan_actions SET description = '', sealed = NULL WHERE case_id = $1", &c).await?;
    each(tx, "UPDATE case_services SET notes = '', sealed = NULL WHERE case_id = $1", &c).await?;
    each(tx, "UPDATE case_transfers SET reason = '', comment = NULL, sealed = NULL WHERE case_id = $1", &c).await?;
    each(tx, "UPDATE case_approvals SET comment = NULL, sealed = NULL WHERE case_id = $1", &c).await?;
    each(tx, "UPDATE cases SET closure_reason = NULL, legal_hold_reason = NULL, sealed = NULL WHERE id = $1", &c).await?;
    // The receiving service's shared copy goes too: it was a copy of the person's data.
    each(tx, "UPDATE referrals SET reason = '', shared = '{}', outcome = NULL, status_reason = NULL, sealed = NULL WHERE id = $1", referrals).await?;
    each(tx, "UPDATE referral_events SET note = NULL, sealed = NULL WHERE referral_id = $1", referrals).await?;
    Ok(())
}

async fn delete(tx: &mut Tx, everyone: &[Uuid], all_cases: &[(Uuid, String)], referrals: &[Uuid]) -> StoreResult<()> {
    each(tx, "DELETE FROM referral_events WHERE referral_id = $1", referrals).await?;
    each(tx, "UPDATE case_services SET referral_id = NULL WHERE referral_id = $1", referrals).await?;
    each(tx, "UPDATE outreach_follow_ups SET referral_id = NULL WHERE referral_id = $1", referrals).await?;
    let c: Vec<Uuid> = all_cases.iter().map(|c| c.0).collect();
    each(tx, "DELETE FROM case_services WHERE case_id = $1", &c).await?;
    let mut responses = Vec::new();
    for id in c.clone() {
        responses.extend(ids(tx, "SELECT response_id FROM trafficking_screenings WHERE case_id = $1", id).await?);
    }
    each(tx, "DELETE FROM trafficking_screenings WHERE case_id = $1", &c).await?;
    each(tx, "DELETE FROM form_responses WHERE id = $1", &responses).await?;
    each(tx, "DELETE FROM form_responses WHERE case_id = $1", &c).await?;
    each(tx, "DELETE FROM referrals WHERE id = $1", referrals).await?;
    for sql in CASE_DELETES {
        each(tx, sql, &c).await?;
    }
    for sql in PERSON_DELETES {
        each(tx, sql, everyone).await?;
    }
    each(tx, "DELETE FROM people WHERE id = $1", everyone).await?;
    Ok(())
}

/// What goes with a deleted case, children before parents.
const CASE_DELETES: &[&str] = &[
        "DELETE FROM case_plan_actions WHERE case_id = $1",
        "DELETE FROM case_plan_goals WHERE case_id = $1",
        "DELETE FROM case_steps WHERE case_id = $1",
        "DELETE FROM case_approvals WHERE case_id = $1",
        "DELETE FROM case_notes WHERE case_id = $1",
        "DELETE FROM case_members WHERE case_id = $1",
        "DELETE FROM case_transfers WHERE case_id = $1",
        "DELETE FROM case_attachments WHERE case_id = $1",
        "DELETE FROM case_consents WHERE case_id = $1",
        "DELETE FROM trafficking_records WHERE case_id = $1",
        "DELETE FROM cases WHERE id = $1",
];

/// What goes with a deleted person (and the records merged into them).
const PERSON_DELETES: &[&str] = &[
        "DELETE FROM person_functioning WHERE person_id = $1",
        "DELETE FROM person_links WHERE person_a = $1 OR person_b = $1",
        "DELETE FROM person_distinct WHERE a = $1 OR b = $1",
        "DELETE FROM person_merges WHERE kept_id = $1 OR merged_id = $1",
        "DELETE FROM outreach_follow_ups WHERE person_id = $1",
        "DELETE FROM person_match_keys WHERE person_id = $1",
        "UPDATE people SET merged_into = NULL WHERE id = $1",
];
