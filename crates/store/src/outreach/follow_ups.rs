//! Individual follow-up: someone met during an activity agrees to be registered (minimal data,
//! through `people::check` and `people::register`, so the duplicate check and the record's
//! scope are the same as anywhere else) and may want a referral to a need or a service.
//!
//! Nobody is registered without consent: the consent (who gave it, covering at least
//! `registration`, and `referral` when a referral is wanted) is checked before anything is
//! written, and kept with the follow-up. The referral itself belongs to the referral module:
//! it fills `referral_id` through [`link_referral`] when the referral is made.

use crate::audit::{self, Event};
use crate::consents::{GIVERS, SCOPES};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::outreach::activities::VISIBLE;
use crate::people::{self, PersonInput};
use crate::users::Viewer;
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct FollowUpInput {
    pub person: PersonInput,
    /// The person (or their guardian) agreed; without it nothing is written.
    pub consent: bool,
    pub consent_given_by: String,
    pub consent_scope: Vec<String>,
    /// The need the person wants to be referred for (a code of the needs taxonomy), if any.
    pub need_code: String,
    pub service_id: Option<Uuid>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FollowUp {
    pub id: Uuid,
    pub activity_id: Uuid,
    pub person_id: Uuid,
    pub consent_given_by: String,
    pub consent_scope: String,
    pub need_code: Option<String>,
    pub service_id: Option<Uuid>,
    pub referral_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// The status of the referral made for it (`sent`, `accepted`, `completed`…), if any.
    pub referral_status: Option<String>,
}

impl FollowUp {
    /// A referral was asked for (a need or a service named) — the referral module makes it.
    pub fn referral_wanted(&self) -> bool {
        self.need_code.is_some() || self.service_id.is_some()
    }

    /// A referral is wanted and none was made yet: the follow-up offers the "refer" action.
    pub fn awaits_referral(&self) -> bool {
        self.referral_wanted() && self.referral_id.is_none()
    }
}

/// Registers the person met during `activity_id` and records the follow-up, all or nothing.
/// The caller has checked the activity is visible to `viewer`.
pub async fn create(tx: &mut Tx, viewer: &Viewer, activity_id: Uuid, input: &FollowUpInput, today: NaiveDate) -> StoreResult<(Uuid, Uuid)> {
    let mut p = Problems::default();
    if !input.consent {
        p.add("consent", "outreach-consent-missing");
    }
    let given_by = input.consent_given_by.trim();
    if !GIVERS.contains(&given_by) {
        p.add("consent_given_by", if given_by.is_empty() { "required" } else { "unknown-choice" });
    }
    let mut scope: Vec<String> = Vec::new();
    for s in &input.consent_scope {
        if !SCOPES.contains(&s.as_str()) {
            p.add("consent_scope", "unknown-choice");
        } else if !scope.contains(s) {
            scope.push(s.clone());
        }
    }
    if !scope.iter().any(|s| s == "registration") {
        p.add("consent_scope", "outreach-consent-registration");
    }
    let need = input.need_code.trim();
    if !need.is_empty() && Taxonomy::needs().get(need).is_none() {
        p.add("need_code", "unknown-choice");
    }
    let wants_referral = !need.is_empty() || input.service_id.is_some();
    if wants_referral && !scope.iter().any(|s| s == "referral") {
        p.add("consent_scope", "outreach-consent-referral");
    }
    let person = match people::check(&input.person, today) {
        Ok(person) => Some(person),
        Err(problems) => {
            p.0.extend(problems.0);
            None
        }
    };
    if let Some(service) = input.service_id {
        let n: (i64,) = on_tx!(tx, c => sqlx::query_as("SELECT COUNT(*) FROM directory_services WHERE id = $1").bind(service).fetch_one(c).await)?;
        if n.0 == 0 {
            p.add("service_id", "unknown-choice");
        }
    }
    let (Some(person), true) = (person, p.is_empty()) else { return Err(StoreError::Invalid(p)) };
    let person = people::register(tx, viewer, person).await?;
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO outreach_follow_ups (id, activity_id, person_id, consent_given_by, consent_scope, need_code, service_id,
             referral_id, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9)")
        .bind(id).bind(activity_id).bind(person.id).bind(given_by).bind(scope.join(" "))
        .bind((!need.is_empty()).then_some(need)).bind(input.service_id).bind(viewer.id).bind(now()))?;
    audit::append(tx, Event::new(Some(viewer.id), "outreach.follow_up.create", "outreach_activity").entity(activity_id)
        .detail(json!({"follow_up": id, "person": person.id, "consent_scope": scope, "referral_wanted": wants_referral}))).await?;
    Ok((id, person.id))
}

/// Connects a follow-up to the referral made for it (called by the referral module). Only a
/// follow-up still waiting for its referral is linked: a second referral made from the same
/// follow-up page (a resubmitted form) must not replace the first in the funnel.
pub async fn link_referral(tx: &mut Tx, actor: Uuid, follow_up_id: Uuid, referral_id: Uuid) -> StoreResult<()> {
    let n = exec!(tx, c => sqlx::query("UPDATE outreach_follow_ups SET referral_id = $2 WHERE id = $1 AND referral_id IS NULL")
        .bind(follow_up_id).bind(referral_id))?;
    if n == 0 {
        let exists: (i64,) = on_tx!(tx, c => sqlx::query_as("SELECT COUNT(*) FROM outreach_follow_ups WHERE id = $1")
            .bind(follow_up_id).fetch_one(c).await)?;
        return Err(if exists.0 == 0 { StoreError::NotFound } else { StoreError::Conflict("follow_up") });
    }
    audit::append(tx, Event::new(Some(actor), "outreach.follow_up.referral", "outreach_follow_up").entity(follow_up_id)
        .detail(json!({"referral": referral_id}))).await?;
    Ok(())
}

const COLUMNS: &str = "f.id, f.activity_id, f.person_id, f.consent_given_by, f.consent_scope, f.need_code, f.service_id,
     f.referral_id, f.created_at, r.status AS referral_status";

pub async fn of_activity(tx: &mut Tx, activity_id: Uuid) -> StoreResult<Vec<FollowUp>> {
    let sql = format!("SELECT {COLUMNS} FROM outreach_follow_ups f LEFT JOIN referrals r ON r.id = f.referral_id
         WHERE f.activity_id = $1 ORDER BY f.created_at");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(activity_id).fetch_all(c).await)?)
}

/// A follow-up whose activity `viewer` may see (the outreach scope).
pub async fn visible(tx: &mut Tx, viewer: &Viewer, id: Uuid) -> StoreResult<Option<FollowUp>> {
    let (ag, team, own) = viewer.scope_binds();
    let sql = format!(
        "SELECT {COLUMNS} FROM outreach_follow_ups f LEFT JOIN referrals r ON r.id = f.referral_id
         JOIN outreach_activities a ON a.id = f.activity_id WHERE {VISIBLE} AND f.id = $4"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(ag).bind(team).bind(own).bind(id).fetch_optional(c).await)?)
}

/// The follow-up a referral form was opened from, checked before the referral is made: it is
/// the case's person's, and still waits for its referral. `None` when it is not (the form then
/// says so and nothing is written).
pub async fn for_case_person(tx: &mut Tx, id: Uuid, person_id: Uuid) -> StoreResult<Option<FollowUp>> {
    let sql = format!("SELECT {COLUMNS} FROM outreach_follow_ups f LEFT JOIN referrals r ON r.id = f.referral_id
         WHERE f.id = $1 AND f.person_id = $2 AND f.referral_id IS NULL");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).bind(person_id).fetch_optional(c).await)?)
}
