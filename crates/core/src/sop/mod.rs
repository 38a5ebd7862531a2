//! The SOP engine, pure part: Standard Operating Procedures as versioned, validated files.
//!
//! An SOP says, step by step, what is done in a case, by which role, by when (per risk level),
//! with which forms, approvals, mandatory referrals and consent, and when a case may close.
//! The file format is TOML, documented in `content/sops/README.md`; the default pack ships in
//! `content/sops/` and is embedded by [`default_pack`].
//!
//! - [`load`] / [`load_pack`] / [`check`]: read SOP files and report every problem at once,
//!   each [`Diagnostic`] naming file, line, field and a stable code.
//! - [`diff`]: what changes between two versions, shown before publishing.
//! - [`SopLibrary`]: published versions; a case keeps the [`SopRef`] it was opened under.
//! - [`deadlines`]: each step's due time for a case, in the agency's time zone.
//! - [`mandatory_referrals`]: the referrals a procedure makes compulsory for a case's facts.
//! - [`handbook`]: the printable handbook model of an SOP in one language.

mod deadline;
mod diff;
mod handbook;
pub mod labels;
mod library;
mod load;
mod model;
mod pack;
mod referral;

pub use deadline::{StepDue, StepStatus, deadlines, due_at};
pub use diff::{Change, StepText, diff};
pub use handbook::{Handbook, Row, Section, handbook};
pub use library::{PublishError, SopLibrary};
pub use load::{Diagnostic, SopError, check, load, load_pack};
pub use model::{
    Anchor, Condition, Deadline, Localized, MAX_RETENTION_DAYS, Period, PeriodError, Phase, Referral,
    Retention, RetentionAction, RiskLevel, Sop, SopRef, Step,
};
pub use pack::default_pack;
pub use referral::{CaseFacts, DueReferral, mandatory_referrals};

use std::collections::BTreeSet;

/// The forms the default pack relies on (XLSForm ids, shipped with the form engine).
pub const DEFAULT_FORM_IDS: &[&str] = &[
    "registration",
    "cp_assessment",
    "best_interests_assessment",
    "gbv_intake",
    "older_person_assessment",
    "trafficking_screening",
    "case_plan",
    "follow_up",
    "closure",
    "needs_assessment",
];

/// Need codes of the needs taxonomy that a referral may name.
pub const NEED_CODES: &[&str] = &[
    "child_protection",
    "gbv",
    "counter_trafficking",
    "psychosocial",
    "health",
    "legal_aid",
    "shelter",
    "food",
    "cash_assistance",
    "education",
    "vocational_training",
    "employment",
    "older_persons_care",
    "disability",
    "interpretation",
];

/// Statutory mechanisms a referral may name instead of a need: the state body that must be
/// told, whatever service the person then receives.
pub const MECHANISMS: &[&str] = &["statutory_child_protection", "national_referral_mechanism"];

/// The service areas an SOP belongs to (one SOP per area in the default pack).
pub const SERVICE_AREAS: &[&str] = &[
    "child_protection",
    "youth_at_risk",
    "social_welfare",
    "gbv",
    "older_persons_care",
    "counter_trafficking",
    "homelessness",
    "employment_integration",
];

/// Facts about a case that referral conditions may test (see [`Condition::flags`]).
pub const CASE_FLAGS: &[&str] = &[
    "unaccompanied_or_separated_child",
    "presumed_trafficking_victim",
    "immediate_danger",
    "perpetrator_in_household",
    "sexual_violence_within_72h",
    "pregnant",
    "disability",
    "no_shelter",
    "mental_health_crisis",
    "self_neglect",
    "without_documents",
    "wishes_to_return",
];

/// The vocabularies an SOP is checked against. Forms come from whatever XLSForm set the
/// instance has installed, so they are a parameter rather than a constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub forms: BTreeSet<String>,
    pub needs: BTreeSet<String>,
    pub mechanisms: BTreeSet<String>,
    pub service_areas: BTreeSet<String>,
    pub flags: BTreeSet<String>,
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Default for Known {
    /// The default vocabularies, with the default form ids.
    fn default() -> Self {
        Known {
            forms: set(DEFAULT_FORM_IDS),
            needs: set(NEED_CODES),
            mechanisms: set(MECHANISMS),
            service_areas: set(SERVICE_AREAS),
            flags: set(CASE_FLAGS),
        }
    }
}

impl Known {
    /// The default vocabularies with the given form ids instead of the default ones.
    pub fn with_forms<I, S>(forms: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Known { forms: forms.into_iter().map(Into::into).collect(), ..Known::default() }
    }

    fn is_referral_target(&self, code: &str) -> bool {
        self.needs.contains(code) || self.mechanisms.contains(code)
    }
}
