//! Rules of training sessions and curricula: whether a session will run, who gets a seat and
//! who waits, and when a curriculum is complete.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeSet;

/// Where a session stands against its minimum number of participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Viability {
    /// Enough participants to run.
    Viable,
    /// Too few so far, and the go/no-go date has not passed: the coordinator is warned while
    /// there is time to recruit or to cancel cheaply.
    UnderMinimum { missing: u32, days_to_decision: i64 },
    /// Too few and the go/no-go date has passed: a decision is overdue.
    DecisionOverdue { missing: u32 },
}

/// Checks a session's enrolment against its minimum, on `today`.
pub fn viability(enrolled: u32, minimum: u32, go_no_go: NaiveDate, today: NaiveDate) -> Viability {
    if enrolled >= minimum {
        return Viability::Viable;
    }
    let missing = minimum - enrolled;
    let days = (go_no_go - today).num_days();
    if days >= 0 {
        Viability::UnderMinimum {
            missing,
            days_to_decision: days,
        }
    } else {
        Viability::DecisionOverdue { missing }
    }
}

/// A request for a seat in a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnrolmentRequest {
    pub participant: String,
    /// Nominated by a member organisation of the programme (they come first: the training
    /// exists for their staff).
    pub nominated_by_member: bool,
    pub requested_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// Participants with a seat, in priority order.
    pub enrolled: Vec<String>,
    /// The waiting list, in the order seats will be offered.
    pub waiting: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum SessionError {
    #[error("{0:?} asked twice for this session")]
    DuplicateRequest(String),
    #[error("the curriculum asks for {required} optional modules but offers {offered}")]
    NotEnoughOptional { required: u32, offered: usize },
    #[error("module {0:?} is both mandatory and optional")]
    MandatoryAndOptional(String),
}

impl SessionError {
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::DuplicateRequest(_) => "training-session-duplicate-request",
            SessionError::NotEnoughOptional { .. } => "training-curriculum-not-enough-optional",
            SessionError::MandatoryAndOptional(_) => "training-curriculum-mandatory-and-optional",
        }
    }
}

/// Gives seats up to `capacity`: members' nominees first, then by request time, then by
/// participant id (so the same requests always give the same list). Withdrawals are handled
/// by allocating again without the one who withdrew: the head of the waiting list moves up.
pub fn allocate(capacity: u32, requests: &[EnrolmentRequest]) -> Result<Allocation, SessionError> {
    let mut seen = BTreeSet::new();
    for r in requests {
        if !seen.insert(r.participant.as_str()) {
            return Err(SessionError::DuplicateRequest(r.participant.clone()));
        }
    }
    let mut ordered: Vec<&EnrolmentRequest> = requests.iter().collect();
    ordered.sort_by(|a, b| {
        b.nominated_by_member
            .cmp(&a.nominated_by_member)
            .then(a.requested_at.cmp(&b.requested_at))
            .then(a.participant.cmp(&b.participant))
    });
    let cap = capacity as usize;
    let ids: Vec<String> = ordered.into_iter().map(|r| r.participant.clone()).collect();
    let (enrolled, waiting) = if ids.len() > cap {
        ids.split_at(cap)
    } else {
        (&ids[..], &[][..])
    };
    Ok(Allocation {
        enrolled: enrolled.to_vec(),
        waiting: waiting.to_vec(),
    })
}

/// What completes a curriculum: every mandatory module and `optional_required` of the
/// optional ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompletionRule {
    pub mandatory: Vec<String>,
    pub optional: Vec<String>,
    pub optional_required: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    pub complete: bool,
    pub missing_mandatory: Vec<String>,
    pub optional_done: u32,
    /// Optional modules still to do to complete (0 when enough are done).
    pub optional_missing: u32,
}

impl CompletionRule {
    /// Checks that the rule can be met at all.
    pub fn check(&self) -> Result<(), SessionError> {
        if let Some(m) = self.mandatory.iter().find(|m| self.optional.contains(m)) {
            return Err(SessionError::MandatoryAndOptional(m.clone()));
        }
        let offered: BTreeSet<&String> = self.optional.iter().collect();
        if self.optional_required as usize > offered.len() {
            return Err(SessionError::NotEnoughOptional {
                required: self.optional_required,
                offered: offered.len(),
            });
        }
        Ok(())
    }

    /// Where a participant stands, given the modules they completed.
    pub fn completion(&self, completed: &BTreeSet<String>) -> Result<Completion, SessionError> {
        self.check()?;
        let missing_mandatory: Vec<String> = self
            .mandatory
            .iter()
            .filter(|m| !completed.contains(*m))
            .cloned()
            .collect();
        let optional: BTreeSet<&String> = self.optional.iter().collect();
        let optional_done = optional.iter().filter(|m| completed.contains(**m)).count() as u32;
        let optional_missing = self.optional_required.saturating_sub(optional_done);
        Ok(Completion {
            complete: missing_mandatory.is_empty() && optional_missing == 0,
            missing_mandatory,
            optional_done,
            optional_missing,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn req(id: &str, member: bool, at: &str) -> EnrolmentRequest {
        EnrolmentRequest {
            participant: id.into(),
            nominated_by_member: member,
            requested_at: NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap(),
        }
    }

    #[test]
    fn sessions_under_minimum_are_flagged_before_go_no_go() {
        let go = d("2025-05-10");
        assert_eq!(viability(10, 10, go, d("2025-05-01")), Viability::Viable);
        assert_eq!(viability(12, 10, go, d("2025-06-01")), Viability::Viable);
        assert_eq!(
            viability(7, 10, go, d("2025-05-01")),
            Viability::UnderMinimum {
                missing: 3,
                days_to_decision: 9
            }
        );
        assert_eq!(
            viability(9, 10, go, go),
            Viability::UnderMinimum {
                missing: 1,
                days_to_decision: 0
            }
        );
        assert_eq!(
            viability(9, 10, go, d("2025-05-11")),
            Viability::DecisionOverdue { missing: 1 }
        );
    }

    #[test]
    fn members_first_then_by_date_and_a_waiting_list() {
        let requests = vec![
            req("ana", false, "2025-03-01 09:00"),
            req("ben", true, "2025-03-05 10:00"),
            req("cai", false, "2025-02-20 08:00"),
            req("dia", true, "2025-03-02 11:00"),
            req("eli", false, "2025-03-01 09:00"),
        ];
        let a = allocate(3, &requests).unwrap();
        assert_eq!(a.enrolled, vec!["dia", "ben", "cai"]);
        // Same time: by id, so the list never depends on input order.
        assert_eq!(a.waiting, vec!["ana", "eli"]);
        // A withdrawal: the head of the waiting list gets the seat.
        let without_ben: Vec<_> = requests
            .iter()
            .filter(|r| r.participant != "ben")
            .cloned()
            .collect();
        let a2 = allocate(3, &without_ben).unwrap();
        assert_eq!(a2.enrolled, vec!["dia", "cai", "ana"]);
        assert_eq!(a2.waiting, vec!["eli"]);
        let all = allocate(10, &requests).unwrap();
        assert_eq!((all.enrolled.len(), all.waiting.len()), (5, 0));
        assert_eq!(allocate(0, &requests).unwrap().waiting.len(), 5);
        let mut dup = requests.clone();
        dup.push(req("ana", true, "2025-01-01 00:00"));
        assert_eq!(
            allocate(3, &dup).unwrap_err().code(),
            "training-session-duplicate-request"
        );
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn curriculum_completion() {
        let rule = CompletionRule {
            mandatory: vec!["sop_basics".into(), "safeguarding".into()],
            optional: vec!["gbv".into(), "trafficking".into(), "older_persons".into()],
            optional_required: 2,
        };
        let c = rule
            .completion(&set(&["sop_basics", "safeguarding", "gbv", "trafficking"]))
            .unwrap();
        assert!(c.complete);
        let c = rule
            .completion(&set(&["sop_basics", "gbv", "trafficking", "older_persons"]))
            .unwrap();
        assert!(!c.complete);
        assert_eq!(c.missing_mandatory, vec!["safeguarding"]);
        assert_eq!((c.optional_done, c.optional_missing), (3, 0));
        let c = rule
            .completion(&set(&["sop_basics", "safeguarding", "gbv", "unrelated"]))
            .unwrap();
        assert!(!c.complete);
        assert_eq!(c.optional_missing, 1);
        let bad = CompletionRule {
            optional_required: 4,
            ..rule.clone()
        };
        assert_eq!(
            bad.completion(&set(&[])).unwrap_err().code(),
            "training-curriculum-not-enough-optional"
        );
        let both = CompletionRule {
            optional: vec!["sop_basics".into()],
            optional_required: 0,
            ..rule
        };
        assert_eq!(
            both.check().unwrap_err().code(),
            "training-curriculum-mandatory-and-optional"
        );
    }
}
