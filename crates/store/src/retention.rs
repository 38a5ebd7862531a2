//! Retention of closed cases (issue 10): each SOP version may say how long a closed case is kept
//! (`[retention]` in its file) and whether its person is then anonymised or deleted.
//!
//! [`plan`] only reads: it lists the people due (with their cases) and the cases that wait, with
//! the reason, so a data-protection officer sees what would go before anything goes. [`apply`]
//! erases each due person in a transaction of its own, through the same code as an
//! administrator's erasure (`rights`), and audits each case as `retention.anonymise` or
//! `retention.delete` (ids and the SOP code, never a value).
//!
//! The rule for a person with several cases: the person is erased only when EVERY case of theirs
//! (and of the records merged into them) is closed, has a retention policy, is past its period
//! and is not under a legal hold. Someone still being helped under another case keeps their
//! record; `anonymise` wins over `delete` when the due cases differ.

use crate::audit::{self, Event};
use crate::db::{Store, Tx};
use crate::error::{StoreError, StoreResult};
use crate::rights::{self, Mode};
use crate::sops;
use chrono::{DateTime, Duration, Utc};
use passerelle_core::sop::{Retention, RetentionAction};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// A case the retention job looks at: closed, under an SOP version with a retention policy.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDue {
    pub case_id: Uuid,
    pub reference: String,
    pub sop_id: String,
    pub sop_version: u32,
    pub closed_at: DateTime<Utc>,
    /// `closed_at` plus the SOP's period: from then on the case may go.
    pub due_at: DateTime<Utc>,
    pub action: RetentionAction,
}

/// A person whose cases are all due: erased as a whole.
#[derive(Debug, Clone, Serialize)]
pub struct Due {
    pub person_id: Uuid,
    pub action: RetentionAction,
    pub cases: Vec<CaseDue>,
}

/// Why a closed case with a retention policy is not erased now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// The case, or another case of the same person, is under a legal hold.
    LegalHold,
    /// The person has another case still open.
    OpenCase,
    /// The case's own period has not passed yet (see `due_at`).
    NotDue,
    /// Another case of the person is closed but not due yet, or has no retention policy.
    OtherCaseNotDue,
}

impl HoldReason {
    pub const ALL: [HoldReason; 4] = [HoldReason::LegalHold, HoldReason::OpenCase, HoldReason::NotDue, HoldReason::OtherCaseNotDue];
    pub fn code(self) -> &'static str {
        match self {
            HoldReason::LegalHold => "legal_hold",
            HoldReason::OpenCase => "open_case",
            HoldReason::NotDue => "not_due",
            HoldReason::OtherCaseNotDue => "other_case_not_due",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Held {
    pub person_id: Uuid,
    pub case: CaseDue,
    pub reason: HoldReason,
}

/// What the retention job would do at `at`.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub at: DateTime<Utc>,
    pub due: Vec<Due>,
    pub held: Vec<Held>,
}

/// One line of the report: how many people and cases one SOP's policy erases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub sop_id: String,
    pub action: RetentionAction,
    pub cases: usize,
}

impl Plan {
    /// Due cases counted per SOP and action (the person's action, which is the one applied).
    pub fn counts(&self) -> Vec<Count> {
        let mut m: BTreeMap<(String, RetentionAction), usize> = BTreeMap::new();
        for d in &self.due {
            for c in &d.cases {
                *m.entry((c.sop_id.clone(), d.action)).or_default() += 1;
            }
        }
        m.into_iter().map(|((sop_id, action), cases)| Count { sop_id, action, cases }).collect()
    }

    pub fn due_cases(&self) -> usize {
        self.due.iter().map(|d| d.cases.len()).sum()
    }

    /// Held cases counted per reason.
    pub fn held_counts(&self) -> Vec<(HoldReason, usize)> {
        HoldReason::ALL.into_iter()
            .map(|r| (r, self.held.iter().filter(|h| h.reason == r).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// The plain-text report printed by `passerelle retention` (references and codes only:
    /// a case reference names no one).
    pub fn report(&self) -> String {
        let mut out = format!("Retention plan at {}\n", self.at.format("%Y-%m-%d %H:%M UTC"));
        out.push_str(&format!("due: {} people, {} cases\n", self.due.len(), self.due_cases()));
        for c in self.counts() {
            out.push_str(&format!("  {:<24} {:<10} {} cases\n", c.sop_id, c.action.code(), c.cases));
        }
        for d in &self.due {
            for c in &d.cases {
                out.push_str(&format!("  due   {}  {}  {}  closed {}  due {}\n", c.reference, c.sop_id, d.action.code(),
                    c.closed_at.format("%Y-%m-%d"), c.due_at.format("%Y-%m-%d")));
            }
        }
        out.push_str(&format!("held: {} cases\n", self.held.len()));
        for h in &self.held {
            out.push_str(&format!("  held  {}  {}  {}  due {}\n", h.case.reference, h.case.sop_id, h.reason.code(),
                h.case.due_at.format("%Y-%m-%d")));
        }
        out
    }
}

/// One case as read for the plan.
struct Row {
    case: Uuid,
    reference: String,
    person: Uuid,
    sop_id: String,
    sop_version: i64,
    status: String,
    closed_at: Option<DateTime<Utc>>,
    legal_hold: bool,
    /// The person (after merges) was already anonymised: nothing left to do.
    anonymised: bool,
}

type RawRow = (Uuid, String, Uuid, Option<Uuid>, String, i64, String, Option<DateTime<Utc>>, bool, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Every case with the person it belongs to after merges (`merged_into`, else the person).
macro_rules! cases_with_people {
    () => {
        "SELECT c.id, c.reference, p.id, p.merged_into, c.sop_id, CAST(c.sop_version AS BIGINT), c.status, c.closed_at,
            c.legal_hold, p.anonymised_at, k.anonymised_at
        FROM cases c JOIN people p ON p.id = c.person_id LEFT JOIN people k ON k.id = p.merged_into"
    };
}
const ALL: &str = concat!(cases_with_people!(), " ORDER BY c.opened_at, c.id");
/// The same for one person (the apply step checks again just before erasing).
const ONE: &str = concat!(cases_with_people!(), " WHERE p.id = $1 OR p.merged_into = $1 ORDER BY c.opened_at, c.id");

async fn rows(tx: &mut Tx, person: Option<Uuid>) -> StoreResult<Vec<Row>> {
    let raw: Vec<RawRow> = match person {
        None => on_tx!(tx, c => sqlx::query_as(ALL).fetch_all(c).await)?,
        Some(p) => on_tx!(tx, c => sqlx::query_as(ONE).bind(p).fetch_all(c).await)?,
    };
    Ok(raw.into_iter().map(|(case, reference, pid, merged_into, sop_id, sop_version, status, closed_at, legal_hold, own, kept)| {
        let anonymised = match merged_into {
            Some(_) => kept.is_some(),
            None => own.is_some(),
        };
        Row { case, reference, person: merged_into.unwrap_or(pid), sop_id, sop_version, status, closed_at, legal_hold, anonymised }
    }).collect())
}

/// The policy of each SOP version met, read once.
async fn policy(tx: &mut Tx, cache: &mut HashMap<(String, i64), Option<Retention>>, sop_id: &str, version: i64) -> StoreResult<Option<Retention>> {
    let key = (sop_id.to_string(), version);
    if let Some(p) = cache.get(&key) {
        return Ok(*p);
    }
    let v = u32::try_from(version).map_err(|_| StoreError::Config(format!("case under SOP {sop_id} v{version}")))?;
    let p = sops::get(tx, sop_id, v).await?.and_then(|p| p.sop.retention);
    cache.insert(key, p);
    Ok(p)
}

async fn plan_rows(tx: &mut Tx, now: DateTime<Utc>, all: Vec<Row>) -> StoreResult<Plan> {
    let mut cache = HashMap::new();
    let mut by_person: BTreeMap<Uuid, Vec<Row>> = BTreeMap::new();
    for r in all {
        by_person.entry(r.person).or_default().push(r);
    }
    let mut due = Vec::new();
    let mut held = Vec::new();
    for (person, cases) in by_person {
        if cases.iter().any(|c| c.anonymised) {
            continue;
        }
        // The closed cases with a policy are the ones the job looks at; each other case only
        // decides whether the person may go.
        let mut looked_at = Vec::new();
        let mut other_not_due = false;
        for c in &cases {
            if c.status != "closed" {
                continue;
            }
            let p = policy(tx, &mut cache, &c.sop_id, c.sop_version).await?;
            match (p, c.closed_at) {
                (Some(p), Some(closed_at)) => {
                    let due_at = closed_at + Duration::days(i64::from(p.after_closure_days));
                    looked_at.push((c, CaseDue {
                        case_id: c.case, reference: c.reference.clone(), sop_id: c.sop_id.clone(),
                        sop_version: c.sop_version as u32, closed_at, due_at, action: p.action,
                    }));
                }
                _ => other_not_due = true,
            }
        }
        if looked_at.is_empty() {
            continue;
        }
        let any_hold = cases.iter().any(|c| c.legal_hold);
        let any_open = cases.iter().any(|c| c.status != "closed");
        let any_not_due = other_not_due || looked_at.iter().any(|(_, d)| d.due_at > now);
        if !any_hold && !any_open && !any_not_due {
            let action = if looked_at.iter().all(|(_, d)| d.action == RetentionAction::Delete) {
                RetentionAction::Delete
            } else {
                RetentionAction::Anonymise
            };
            due.push(Due { person_id: person, action, cases: looked_at.into_iter().map(|(_, d)| d).collect() });
            continue;
        }
        for (row, case) in looked_at {
            let reason = if row.legal_hold || any_hold {
                HoldReason::LegalHold
            } else if case.due_at > now {
                HoldReason::NotDue
            } else if any_open {
                HoldReason::OpenCase
            } else {
                HoldReason::OtherCaseNotDue
            };
            held.push(Held { person_id: person, case, reason });
        }
    }
    held.sort_by_key(|h| (h.reason, h.case.due_at));
    Ok(Plan { at: now, due, held })
}

/// What the retention job would do at `now`. Reads only.
pub async fn plan(tx: &mut Tx, now: DateTime<Utc>) -> StoreResult<Plan> {
    let all = rows(tx, None).await?;
    plan_rows(tx, now, all).await
}

/// What an applied run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Applied {
    pub anonymised: usize,
    pub deleted: usize,
    pub cases: usize,
    /// People due in the plan but no longer due when their turn came (a hold put on, a case
    /// reopened in between): left alone.
    pub skipped: usize,
}

/// Erases every person due in `plan`, one transaction per person, each checked again first
/// (nothing changes for a person who stopped being due since the plan). `actor` is the
/// administrator running the command, `None` for the server's scheduled run. Attachment files
/// go after each commit. Ends with a `retention.run` audit entry holding the counts.
pub async fn apply(store: &Store, actor: Option<Uuid>, plan: &Plan) -> StoreResult<Applied> {
    let mut done = Applied::default();
    for d in &plan.due {
        let mut tx = store.write().await?;
        let now_rows = rows(&mut tx, Some(d.person_id)).await?;
        let again = plan_rows(&mut tx, plan.at, now_rows).await?;
        let Some(still) = again.due.into_iter().find(|x| x.person_id == d.person_id) else {
            done.skipped += 1;
            continue;
        };
        let mode = match still.action {
            RetentionAction::Anonymise => Mode::Anonymise,
            RetentionAction::Delete => Mode::Delete,
        };
        let erased = rights::erase_unaudited(&mut tx, still.person_id, mode).await?;
        let action = format!("retention.{}", mode.code());
        for c in &still.cases {
            audit::append(&mut tx, Event::new(actor, &action, "case").entity(c.case_id)
                .detail(json!({"sop": c.sop_id, "sop_version": c.sop_version, "person": still.person_id}))).await?;
        }
        tx.commit().await?;
        rights::remove_files(store.files_dir(), &erased).await?;
        match mode {
            Mode::Anonymise => done.anonymised += 1,
            Mode::Delete => done.deleted += 1,
        }
        done.cases += still.cases.len();
    }
    let mut tx = store.write().await?;
    audit::append(&mut tx, Event::new(actor, "retention.run", "retention")
        .detail(json!({"anonymised": done.anonymised, "deleted": done.deleted, "cases": done.cases,
            "skipped": done.skipped, "held": plan.held.len()}))).await?;
    tx.commit().await?;
    Ok(done)
}
