//! Mandatory referral rules: which referrals a procedure makes compulsory for a case, decided
//! from a few facts about the case, with no I/O so the case page and the CLI agree.

use super::model::{Condition, RiskLevel, Sop};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Age from which a person is an adult for referral rules (UN Convention on the Rights of the
/// Child, article 1).
pub const ADULT_AGE: u32 = 18;

/// The facts about a case that referral conditions test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub risk: RiskLevel,
    /// Age in whole years; `None` when unknown or disputed.
    pub age: Option<u32>,
    /// Codes from [`super::CASE_FLAGS`] that are true for this case.
    pub flags: BTreeSet<String>,
}

impl CaseFacts {
    /// Unknown age counts as a child: the benefit of the doubt protects a child whose age is
    /// disputed, which is the rule in child protection and counter-trafficking guidance.
    pub fn is_child(&self) -> bool {
        self.age.is_none_or(|a| a < ADULT_AGE)
    }
}

impl Condition {
    /// Whether every stated part of the condition holds for `facts`.
    pub fn holds(&self, facts: &CaseFacts) -> bool {
        self.min_risk.is_none_or(|m| facts.risk >= m)
            && self.child.is_none_or(|c| facts.is_child() == c)
            && self.flags.iter().all(|f| facts.flags.contains(f))
    }
}

/// A referral that must be made for a case, and at which step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueReferral {
    pub step: String,
    pub to: String,
    pub consent_required: bool,
}

/// Every referral of `sop` whose condition holds for `facts`, in step order. A target named by
/// several steps is listed once per step, since each step is where it must be checked again.
pub fn mandatory_referrals(sop: &Sop, facts: &CaseFacts) -> Vec<DueReferral> {
    sop.steps
        .iter()
        .flat_map(|s| {
            s.referrals.iter().filter(|r| r.when.holds(facts)).map(|r| DueReferral {
                step: s.id.clone(),
                to: r.to.clone(),
                consent_required: r.consent_required,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(risk: RiskLevel, age: Option<u32>, flags: &[&str]) -> CaseFacts {
        CaseFacts { risk, age, flags: flags.iter().map(|s| s.to_string()).collect() }
    }

    fn cond(min_risk: Option<RiskLevel>, child: Option<bool>, flags: &[&str]) -> Condition {
        Condition { min_risk, child, flags: flags.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn empty_condition_always_holds() {
        assert!(Condition::default().holds(&facts(RiskLevel::Low, Some(40), &[])));
    }

    #[test]
    fn child_at_high_risk() {
        let c = cond(Some(RiskLevel::High), Some(true), &[]);
        assert!(c.holds(&facts(RiskLevel::High, Some(12), &[])));
        assert!(c.holds(&facts(RiskLevel::Critical, Some(17), &[])));
        assert!(!c.holds(&facts(RiskLevel::Medium, Some(12), &[])), "risk below threshold");
        assert!(!c.holds(&facts(RiskLevel::High, Some(18), &[])), "18 is an adult");
        assert!(c.holds(&facts(RiskLevel::High, None, &[])), "unknown age is presumed a child");
    }

    #[test]
    fn adult_only_condition_excludes_unknown_age() {
        let c = cond(None, Some(false), &[]);
        assert!(c.holds(&facts(RiskLevel::Low, Some(30), &[])));
        assert!(!c.holds(&facts(RiskLevel::Low, None, &[])));
        assert!(!c.holds(&facts(RiskLevel::Low, Some(15), &[])));
    }

    #[test]
    fn flags_must_all_be_set() {
        let c = cond(None, None, &["presumed_trafficking_victim", "without_documents"]);
        assert!(c.holds(&facts(
            RiskLevel::Low,
            Some(30),
            &["presumed_trafficking_victim", "without_documents", "pregnant"]
        )));
        assert!(!c.holds(&facts(RiskLevel::Low, Some(30), &["presumed_trafficking_victim"])));
    }
}
