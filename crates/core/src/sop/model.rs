//! What an SOP is once loaded: plain values, checked, with no trace of the file it came from
//! (so that two versions compare by content alone, see [`super::diff`]).

use crate::access::Role;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A text written in each of the languages Passerelle ships (fr, en, es). All three are
/// required: a caseworker must be able to read the procedure in the language they work in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Localized {
    pub fr: String,
    pub en: String,
    pub es: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }
}

/// Case risk level, ordered from lowest to highest so that `risk >= High` reads as it sounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 4] =
        [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical];

    pub fn code(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }

    pub fn from_code(s: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|r| r.code() == s)
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The stages of case management common to the field's standards; every step belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Identification,
    Assessment,
    CasePlan,
    Implementation,
    FollowUp,
    Closure,
}

impl Phase {
    pub const ALL: [Phase; 6] = [
        Phase::Identification,
        Phase::Assessment,
        Phase::CasePlan,
        Phase::Implementation,
        Phase::FollowUp,
        Phase::Closure,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Phase::Identification => "identification",
            Phase::Assessment => "assessment",
            Phase::CasePlan => "case_plan",
            Phase::Implementation => "implementation",
            Phase::FollowUp => "follow_up",
            Phase::Closure => "closure",
        }
    }

    pub fn from_code(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.code() == s)
    }
}

/// A time allowed for a step. Hours are absolute elapsed time (an emergency does not wait for
/// office hours); days are calendar days in the agency's time zone, due at the end of the day.
/// Written `"24h"` or `"3d"` in SOP files and in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Hours(u32),
    Days(u32),
}

impl Period {
    /// Parses `"24h"` / `"3d"`. A leading minus is reported apart from other mistakes, since
    /// "negative deadline" is a mistake authors make and should be named as such.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let t = s.trim();
        if t.starts_with('-') {
            return Err(PeriodError::Negative);
        }
        let (num, unit) = crate::validate::count_and_unit(t).ok_or(PeriodError::Malformed)?;
        let n: u32 = num.parse().map_err(|_| PeriodError::Malformed)?;
        match unit {
            'h' => Ok(Period::Hours(n)),
            'd' => Ok(Period::Days(n)),
            _ => Err(PeriodError::Malformed),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodError {
    Negative,
    Malformed,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Hours(n) => write!(f, "{n}h"),
            Period::Days(n) => write!(f, "{n}d"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(|_| serde::de::Error::custom(format!("invalid period {s:?}")))
    }
}

/// What a step's deadline counts from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The moment the case was opened.
    Opening,
    /// The completion of the step just before this one in the SOP's order.
    Previous,
    /// The completion of the named step.
    Step(String),
}

impl Anchor {
    /// The code written in SOP files: `opening`, `previous`, or a step id.
    pub fn code(&self) -> &str {
        match self {
            Anchor::Opening => "opening",
            Anchor::Previous => "previous",
            Anchor::Step(id) => id,
        }
    }
}

/// How long a step may take at each risk level, and from when.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Deadline {
    pub from: Anchor,
    pub low: Period,
    pub medium: Period,
    pub high: Period,
    pub critical: Period,
}

impl Deadline {
    pub fn period(&self, risk: RiskLevel) -> Period {
        match risk {
            RiskLevel::Low => self.low,
            RiskLevel::Medium => self.medium,
            RiskLevel::High => self.high,
            RiskLevel::Critical => self.critical,
        }
    }
}

/// When a mandatory referral applies: every stated part must hold (an empty condition always
/// holds). Kept as data, not as an expression language, so an administrator can read it and the
/// handbook can print it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Condition {
    /// The case's risk level is at least this.
    pub min_risk: Option<RiskLevel>,
    /// `Some(true)`: the person is a child (under 18, or of unknown age, since a person whose
    /// age is in doubt is treated as a child until shown otherwise); `Some(false)`: the person
    /// is known to be an adult.
    pub child: Option<bool>,
    /// Case flags that must all be set (codes from [`super::CASE_FLAGS`]).
    pub flags: Vec<String>,
}

/// A referral the procedure makes compulsory when its condition holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Referral {
    /// A need code (taxonomy) or a named mechanism (`statutory_child_protection`,
    /// `national_referral_mechanism`).
    pub to: String,
    pub when: Condition,
    /// Whether the person's consent must be recorded before the referral shares their data.
    /// False only where the law imposes the referral (e.g. reporting a child at risk); the
    /// person is still told.
    pub consent_required: bool,
    /// How long the receiving service has to answer, when the procedure sets it; otherwise the
    /// referral's urgency decides (24 hours, 72 hours, two weeks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond_within: Option<Period>,
}

/// One stage of an SOP: who does what, by when, with which forms, approvals and referrals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub phase: Phase,
    pub title: Localized,
    /// What is done, in plain words.
    pub action: Localized,
    pub role: Role,
    pub deadline: Deadline,
    /// Form ids that must be completed before the step is complete.
    pub forms: Vec<String>,
    /// Roles that must approve the step before it counts as complete.
    pub approvals: Vec<Role>,
    pub referrals: Vec<Referral>,
    /// Whether the person's consent must be recorded before anything gathered in this step is
    /// shared outside the agency.
    pub consent_before_sharing: bool,
    /// For closure steps: the situations in which a case may be closed.
    pub closure_criteria: Vec<Localized>,
}

/// A standard operating procedure, at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sop {
    pub id: String,
    pub version: u32,
    pub title: Localized,
    pub summary: Localized,
    pub service_area: String,
    pub roles: Vec<Role>,
    pub steps: Vec<Step>,
    /// What happens to a closed case once the procedure no longer needs it; `None` keeps the
    /// case until someone erases it by hand (no retention job runs on it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Retention>,
}

/// How the personal data of a case closed under this procedure are retired, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Retention {
    /// Whole days after the case's closure (at least 1: a closed case may be reopened or
    /// audited in the days after closure).
    pub after_closure_days: u32,
    pub action: RetentionAction,
}

/// What the retention job does to a person whose cases are all due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionAction {
    /// Identifying data removed, the statistical skeleton kept (the figures still count).
    Anonymise,
    /// The person and everything under them removed.
    Delete,
}

impl RetentionAction {
    pub const ALL: [RetentionAction; 2] = [RetentionAction::Anonymise, RetentionAction::Delete];

    pub fn code(self) -> &'static str {
        match self {
            RetentionAction::Anonymise => "anonymise",
            RetentionAction::Delete => "delete",
        }
    }

    pub fn from_code(s: &str) -> Option<RetentionAction> {
        RetentionAction::ALL.into_iter().find(|a| a.code() == s)
    }
}

/// The longest retention period an SOP may set (100 years): a larger number is a typo.
pub const MAX_RETENTION_DAYS: u32 = 36_500;

/// What a case stores to say which procedure it runs under. A case keeps its reference for
/// life, so publishing a later version never changes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SopRef {
    pub id: String,
    pub version: u32,
}

impl Sop {
    pub fn reference(&self) -> SopRef {
        SopRef { id: self.id.clone(), version: self.version }
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_print() {
        assert_eq!(Period::parse("24h"), Ok(Period::Hours(24)));
        assert_eq!(Period::parse(" 3d "), Ok(Period::Days(3)));
        assert_eq!(Period::parse("0h"), Ok(Period::Hours(0)));
        assert_eq!(Period::parse("-1d"), Err(PeriodError::Negative));
        // Characters of two, three and four bytes last (or alone): a mistake named, no panic
        // (the fuzzer's "\u{354}" was one).
        for bad in ["", "d", "3", "3w", "1.5d", "3 d", "+3d", "h3", "\u{354}", "3é", "2日", "1🙂"] {
            assert_eq!(Period::parse(bad), Err(PeriodError::Malformed), "{bad:?}");
        }
        assert_eq!(Period::Days(7).to_string(), "7d");
        assert_eq!(serde_json::to_string(&Period::Hours(4)).unwrap(), "\"4h\"");
        assert_eq!(serde_json::from_str::<Period>("\"2d\"").unwrap(), Period::Days(2));
    }

    #[test]
    fn risk_levels_order_and_codes() {
        assert!(RiskLevel::Critical > RiskLevel::High && RiskLevel::Medium > RiskLevel::Low);
        for r in RiskLevel::ALL {
            assert_eq!(RiskLevel::from_code(r.code()), Some(r));
        }
        for p in Phase::ALL {
            assert_eq!(Phase::from_code(p.code()), Some(p));
        }
    }
}
