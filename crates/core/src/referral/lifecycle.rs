//! The life of a referral, in the status vocabulary health and social-care systems already
//! exchange (HL7 FHIR Task, as the Gravity Project's referral profile uses it): a referral is
//! drafted, requested, then accepted or rejected by the receiving service, goes in progress (and
//! may be put on hold), and ends completed (with an outcome), cancelled by the referrer, or
//! failed. Each move belongs to one side: the referrer may not accept its own referral, the
//! receiver may not cancel it. When the receiving service does not use Passerelle, the referrer
//! records the receiver's answers on its behalf (side [`Side::OnBehalf`]).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    Requested,
    Accepted,
    Rejected,
    InProgress,
    OnHold,
    Completed,
    Cancelled,
    Failed,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Draft,
        Status::Requested,
        Status::Accepted,
        Status::Rejected,
        Status::InProgress,
        Status::OnHold,
        Status::Completed,
        Status::Cancelled,
        Status::Failed,
    ];

    /// The FHIR code, also the stored value.
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Requested => "requested",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::InProgress => "in-progress",
            Status::OnHold => "on-hold",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
            Status::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// No move leaves these.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Rejected | Status::Completed | Status::Cancelled | Status::Failed)
    }

    /// The receiving service has not answered yet: the response deadline runs.
    pub fn awaits_response(self) -> bool {
        self == Status::Requested
    }

    /// Accepted and not yet ended: the service deadline (completion) runs.
    pub fn is_active(self) -> bool {
        matches!(self, Status::Accepted | Status::InProgress | Status::OnHold)
    }
}

/// Who asks for a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// Staff of the referring agency who may work on the case.
    Requester,
    /// Staff of the receiving agency.
    Receiver,
    /// The referrer recording the answer of a service that does not use Passerelle.
    OnBehalf,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a referral cannot go from {from} to {to}", from = from.code(), to = to.code())]
    NotAllowed { from: Status, to: Status },
    #[error("this side may not set {to}", to = to.code())]
    WrongSide { to: Status },
    #[error("a rejection needs a reason")]
    ReasonRequired,
    #[error("a completed or failed referral needs its outcome")]
    OutcomeRequired,
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::NotAllowed { .. } => "referral-transition-not-allowed",
            TransitionError::WrongSide { .. } => "referral-wrong-side",
            TransitionError::ReasonRequired => "referral-reason-required",
            TransitionError::OutcomeRequired => "referral-outcome-required",
        }
    }
}

/// The moves the lifecycle allows, whatever the side.
fn allowed(from: Status, to: Status) -> bool {
    use Status::*;
    matches!(
        (from, to),
        (Draft, Requested)
            | (Draft, Cancelled)
            | (Requested, Accepted)
            | (Requested, Rejected)
            | (Requested, Cancelled)
            | (Accepted, InProgress)
            | (Accepted, OnHold)
            | (Accepted, Completed)
            | (Accepted, Failed)
            | (Accepted, Cancelled)
            | (InProgress, OnHold)
            | (InProgress, Completed)
            | (InProgress, Failed)
            | (InProgress, Cancelled)
            | (OnHold, InProgress)
            | (OnHold, Completed)
            | (OnHold, Failed)
            | (OnHold, Cancelled)
    )
}

/// Which side owns the move to `to`: sending and cancelling are the referrer's, answering and
/// serving are the receiver's (or the referrer's on behalf of a service outside Passerelle).
fn owner(to: Status) -> Side {
    match to {
        Status::Draft | Status::Requested | Status::Cancelled => Side::Requester,
        _ => Side::Receiver,
    }
}

/// Checks a move before it is stored. `reason` is the rejection reason or a note; `outcome` the
/// result of the service, required to complete or to fail.
pub fn check_transition(from: Status, to: Status, side: Side, reason: &str, outcome: &str) -> Result<(), TransitionError> {
    if !allowed(from, to) {
        return Err(TransitionError::NotAllowed { from, to });
    }
    let ok = match (owner(to), side) {
        (Side::Requester, Side::Requester | Side::OnBehalf) => true,
        (Side::Receiver, Side::Receiver | Side::OnBehalf) => true,
        _ => false,
    };
    if !ok {
        return Err(TransitionError::WrongSide { to });
    }
    if to == Status::Rejected && reason.trim().is_empty() {
        return Err(TransitionError::ReasonRequired);
    }
    if matches!(to, Status::Completed | Status::Failed) && outcome.trim().is_empty() {
        return Err(TransitionError::OutcomeRequired);
    }
    Ok(())
}

/// The moves `side` may make from `from`, for the buttons a page shows.
pub fn next_moves(from: Status, side: Side) -> Vec<Status> {
    Status::ALL
        .into_iter()
        .filter(|&to| allowed(from, to) && matches!((owner(to), side), (Side::Requester, Side::Requester | Side::OnBehalf) | (Side::Receiver, Side::Receiver | Side::OnBehalf)))
        .collect()
}

/// How fast the receiving service must answer, as inter-agency referral forms grade it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Within 24 hours: life-threatening or immediate safety risk.
    Emergency,
    /// Within 72 hours.
    Urgent,
    /// Within two weeks.
    Normal,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Emergency, Urgency::Urgent, Urgency::Normal];

    pub fn code(self) -> &'static str {
        match self {
            Urgency::Emergency => "emergency",
            Urgency::Urgent => "urgent",
            Urgency::Normal => "normal",
        }
    }

    pub fn from_code(code: &str) -> Option<Urgency> {
        Urgency::ALL.into_iter().find(|u| u.code() == code)
    }

    /// The time the receiving service has to answer.
    pub fn response_time(self) -> Duration {
        match self {
            Urgency::Emergency => Duration::hours(24),
            Urgency::Urgent => Duration::hours(72),
            Urgency::Normal => Duration::days(14),
        }
    }

    /// The answer is due this long after the referral was sent.
    pub fn response_due(self, sent_at: DateTime<Utc>) -> DateTime<Utc> {
        sent_at.checked_add_signed(self.response_time()).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The answer is due this long after sending: `hours` when the SOP sets it, else as the
    /// urgency says.
    pub fn response_due_within(self, sent_at: DateTime<Utc>, hours: Option<i64>) -> DateTime<Utc> {
        match hours {
            Some(h) => sent_at.checked_add_signed(Duration::hours(h)).unwrap_or(DateTime::<Utc>::MAX_UTC),
            None => self.response_due(sent_at),
        }
    }

    /// The default urgency of a referral made from a case at this risk level: a critical case
    /// is an emergency, a high-risk one urgent. The referrer may change it.
    pub fn for_risk(risk: crate::sop::RiskLevel) -> Urgency {
        match risk {
            crate::sop::RiskLevel::Critical => Urgency::Emergency,
            crate::sop::RiskLevel::High => Urgency::Urgent,
            _ => Urgency::Normal,
        }
    }
}

/// Legal grounds on which data is shared without the person's consent. Each is a duty written
/// in law or an emergency, never a convenience; the referrer names it and the referral keeps it.
pub const LEGAL_GROUNDS: &[&str] = &["child_protection_duty", "vital_interest", "legal_obligation", "court_order"];

/// The directory need code that serves an SOP's referral target: most targets are need codes
/// already; the named mechanisms map to the need their services are tagged with.
pub fn need_of_target(target: &str) -> &str {
    match target {
        "statutory_child_protection" => "child_protection",
        "national_referral_mechanism" => "counter_trafficking",
        "homelessness" => "shelter",
        "social_welfare" => "cash_assistance",
        "employment_integration" => "employment",
        "youth_at_risk" => "child_protection",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert_eq!(Status::from_code("pending"), None);
        for u in Urgency::ALL {
            assert_eq!(Urgency::from_code(u.code()), Some(u));
        }
    }

    #[test]
    fn receiver_answers_requester_sends_and_cancels() {
        assert_eq!(check_transition(Draft, Requested, Side::Requester, "", ""), Ok(()));
        assert_eq!(check_transition(Requested, Accepted, Side::Receiver, "", ""), Ok(()));
        assert_eq!(check_transition(Requested, Accepted, Side::Requester, "", ""), Err(TransitionError::WrongSide { to: Accepted }));
        assert_eq!(check_transition(Requested, Cancelled, Side::Receiver, "", ""), Err(TransitionError::WrongSide { to: Cancelled }));
        assert_eq!(check_transition(Requested, Cancelled, Side::Requester, "", ""), Ok(()));
        assert_eq!(check_transition(Accepted, InProgress, Side::Receiver, "", ""), Ok(()));
        assert_eq!(check_transition(InProgress, OnHold, Side::Receiver, "", ""), Ok(()));
        assert_eq!(check_transition(OnHold, InProgress, Side::Receiver, "", ""), Ok(()));
    }

    #[test]
    fn on_behalf_may_do_both_sides() {
        assert_eq!(check_transition(Requested, Accepted, Side::OnBehalf, "", ""), Ok(()));
        assert_eq!(check_transition(Requested, Cancelled, Side::OnBehalf, "", ""), Ok(()));
    }

    #[test]
    fn final_statuses_admit_no_move() {
        for from in [Rejected, Completed, Cancelled, Failed] {
            assert!(from.is_final());
            for to in Status::ALL {
                assert!(check_transition(from, to, Side::OnBehalf, "r", "o").is_err(), "{from:?} -> {to:?}");
            }
        }
        assert_eq!(check_transition(Draft, Accepted, Side::Receiver, "", ""), Err(TransitionError::NotAllowed { from: Draft, to: Accepted }));
        assert_eq!(check_transition(Requested, Completed, Side::Receiver, "", "x"), Err(TransitionError::NotAllowed { from: Requested, to: Completed }));
    }

    #[test]
    fn rejection_needs_reason_and_completion_an_outcome() {
        assert_eq!(check_transition(Requested, Rejected, Side::Receiver, "  ", ""), Err(TransitionError::ReasonRequired));
        assert_eq!(check_transition(Requested, Rejected, Side::Receiver, "full", ""), Ok(()));
        assert_eq!(check_transition(InProgress, Completed, Side::Receiver, "", ""), Err(TransitionError::OutcomeRequired));
        assert_eq!(check_transition(InProgress, Failed, Side::Receiver, "", ""), Err(TransitionError::OutcomeRequired));
        assert_eq!(check_transition(InProgress, Completed, Side::Receiver, "", "service given"), Ok(()));
    }

    #[test]
    fn next_moves_by_side() {
        assert_eq!(next_moves(Requested, Side::Receiver), vec![Accepted, Rejected]);
        assert_eq!(next_moves(Requested, Side::Requester), vec![Cancelled]);
        assert_eq!(next_moves(Requested, Side::OnBehalf), vec![Accepted, Rejected, Cancelled]);
        assert_eq!(next_moves(OnHold, Side::Receiver), vec![InProgress, Completed, Failed]);
        assert!(next_moves(Completed, Side::OnBehalf).is_empty());
    }

    #[test]
    fn response_deadlines_by_urgency() {
        let t = DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(Urgency::Emergency.response_due(t).to_rfc3339(), "2026-03-02T10:00:00+00:00");
        assert_eq!(Urgency::Urgent.response_due(t).to_rfc3339(), "2026-03-04T10:00:00+00:00");
        assert_eq!(Urgency::Normal.response_due(t).to_rfc3339(), "2026-03-15T10:00:00+00:00");
        assert_eq!(Urgency::Normal.response_due_within(t, Some(24)).to_rfc3339(), "2026-03-02T10:00:00+00:00", "the SOP's time wins");
        assert_eq!(Urgency::Normal.response_due_within(t, None), Urgency::Normal.response_due(t));
        assert_eq!(Urgency::for_risk(crate::sop::RiskLevel::Critical), Urgency::Emergency);
        assert_eq!(Urgency::for_risk(crate::sop::RiskLevel::Low), Urgency::Normal);
    }

    #[test]
    fn mechanisms_map_to_needs() {
        assert_eq!(need_of_target("statutory_child_protection"), "child_protection");
        assert_eq!(need_of_target("national_referral_mechanism"), "counter_trafficking");
        assert_eq!(need_of_target("health"), "health");
    }
}
