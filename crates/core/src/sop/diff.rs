//! What changes between two versions of an SOP, shown to an administrator before publishing.
//! Each [`Change`] is one fact, serialisable for the API and readable through `Display`; its
//! [`Change::code`] is the translation key the web layer uses for its own wording.

use super::model::{Anchor, Localized, Period, Phase, RiskLevel, Sop, Step};
use crate::access::Role;
use crate::lang::Lang;
use serde::Serialize;
use std::fmt;

/// Which text of a step changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepText {
    Title,
    Action,
    ClosureCriteria,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    TitleChanged { lang: Lang },
    SummaryChanged { lang: Lang },
    ServiceAreaChanged { old: String, new: String },
    RoleAdded { role: Role },
    RoleRemoved { role: Role },
    /// `position` counts from 1, as the handbook numbers steps.
    StepAdded { step: String, position: usize },
    StepRemoved { step: String },
    /// The step's place among the steps both versions share changed.
    StepMoved { step: String, old_position: usize, new_position: usize },
    StepTextChanged { step: String, field: StepText, lang: Lang },
    StepPhaseChanged { step: String, old: Phase, new: Phase },
    StepRoleChanged { step: String, old: Role, new: Role },
    DeadlineAnchorChanged { step: String, old: Anchor, new: Anchor },
    DeadlineChanged { step: String, risk: RiskLevel, old: Period, new: Period },
    FormAdded { step: String, form: String },
    FormRemoved { step: String, form: String },
    ApprovalAdded { step: String, role: Role },
    ApprovalRemoved { step: String, role: Role },
    ReferralAdded { step: String, to: String },
    ReferralRemoved { step: String, to: String },
    /// Same target, different condition or consent rule.
    ReferralChanged { step: String, to: String },
    ConsentChanged { step: String, old: bool, new: bool },
}

impl Change {
    pub fn code(&self) -> &'static str {
        match self {
            Change::TitleChanged { .. } => "title-changed",
            Change::SummaryChanged { .. } => "summary-changed",
            Change::ServiceAreaChanged { .. } => "service-area-changed",
            Change::RoleAdded { .. } => "role-added",
            Change::RoleRemoved { .. } => "role-removed",
            Change::StepAdded { .. } => "step-added",
            Change::StepRemoved { .. } => "step-removed",
            Change::StepMoved { .. } => "step-moved",
            Change::StepTextChanged { .. } => "step-text-changed",
            Change::StepPhaseChanged { .. } => "step-phase-changed",
            Change::StepRoleChanged { .. } => "step-role-changed",
            Change::DeadlineAnchorChanged { .. } => "deadline-anchor-changed",
            Change::DeadlineChanged { .. } => "deadline-changed",
            Change::FormAdded { .. } => "form-added",
            Change::FormRemoved { .. } => "form-removed",
            Change::ApprovalAdded { .. } => "approval-added",
            Change::ApprovalRemoved { .. } => "approval-removed",
            Change::ReferralAdded { .. } => "referral-added",
            Change::ReferralRemoved { .. } => "referral-removed",
            Change::ReferralChanged { .. } => "referral-changed",
            Change::ConsentChanged { .. } => "consent-changed",
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::TitleChanged { lang } => write!(f, "title ({}) changed", lang.code()),
            Change::SummaryChanged { lang } => write!(f, "summary ({}) changed", lang.code()),
            Change::ServiceAreaChanged { old, new } => write!(f, "service area: {old} -> {new}"),
            Change::RoleAdded { role } => write!(f, "role added: {role}"),
            Change::RoleRemoved { role } => write!(f, "role removed: {role}"),
            Change::StepAdded { step, position } => write!(f, "step {step} added at position {position}"),
            Change::StepRemoved { step } => write!(f, "step {step} removed"),
            Change::StepMoved { step, old_position, new_position } => {
                write!(f, "step {step} moved from position {old_position} to {new_position}")
            }
            Change::StepTextChanged { step, field, lang } => {
                let field = match field {
                    StepText::Title => "title",
                    StepText::Action => "action",
                    StepText::ClosureCriteria => "closure criteria",
                };
                write!(f, "step {step}: {field} ({}) changed", lang.code())
            }
            Change::StepPhaseChanged { step, old, new } => {
                write!(f, "step {step}: phase {} -> {}", old.code(), new.code())
            }
            Change::StepRoleChanged { step, old, new } => write!(f, "step {step}: role {old} -> {new}"),
            Change::DeadlineAnchorChanged { step, old, new } => write!(
                f,
                "step {step}: deadline counts from {} instead of {}",
                new.code(),
                old.code()
            ),
            Change::DeadlineChanged { step, risk, old, new } => {
                write!(f, "step {step}: {risk} risk deadline {old} -> {new}")
            }
            Change::FormAdded { step, form } => write!(f, "step {step}: form {form} required"),
            Change::FormRemoved { step, form } => write!(f, "step {step}: form {form} no longer required"),
            Change::ApprovalAdded { step, role } => write!(f, "step {step}: approval by {role} required"),
            Change::ApprovalRemoved { step, role } => {
                write!(f, "step {step}: approval by {role} no longer required")
            }
            Change::ReferralAdded { step, to } => write!(f, "step {step}: mandatory referral to {to} added"),
            Change::ReferralRemoved { step, to } => {
                write!(f, "step {step}: mandatory referral to {to} removed")
            }
            Change::ReferralChanged { step, to } => {
                write!(f, "step {step}: rule of the mandatory referral to {to} changed")
            }
            Change::ConsentChanged { step, new, .. } => write!(
                f,
                "step {step}: consent before sharing {}",
                if *new { "now required" } else { "no longer required" }
            ),
        }
    }
}

/// Every change from `old` to `new`, SOP-level changes first, then steps in `new`'s order,
/// then removed steps. Identical versions give an empty list.
pub fn diff(old: &Sop, new: &Sop) -> Vec<Change> {
    let mut out = Vec::new();
    for lang in Lang::ALL {
        if old.title.get(lang) != new.title.get(lang) {
            out.push(Change::TitleChanged { lang });
        }
    }
    for lang in Lang::ALL {
        if old.summary.get(lang) != new.summary.get(lang) {
            out.push(Change::SummaryChanged { lang });
        }
    }
    if old.service_area != new.service_area {
        out.push(Change::ServiceAreaChanged { old: old.service_area.clone(), new: new.service_area.clone() });
    }
    let (added, removed) = added_removed(&old.roles, &new.roles);
    out.extend(added.into_iter().map(|role| Change::RoleAdded { role }));
    out.extend(removed.into_iter().map(|role| Change::RoleRemoved { role }));

    // Positions among the steps both versions keep, so that inserting a step does not make
    // every later step look moved.
    let kept_old: Vec<&str> =
        old.steps.iter().map(|s| s.id.as_str()).filter(|id| new.step(id).is_some()).collect();
    let kept_new: Vec<&str> =
        new.steps.iter().map(|s| s.id.as_str()).filter(|id| old.step(id).is_some()).collect();

    for (pos, step) in new.steps.iter().enumerate() {
        match old.step(&step.id) {
            None => out.push(Change::StepAdded { step: step.id.clone(), position: pos + 1 }),
            Some(before) => {
                let o = kept_old.iter().position(|id| *id == step.id);
                let n = kept_new.iter().position(|id| *id == step.id);
                if let (Some(o), Some(n)) = (o, n)
                    && o != n
                {
                    let old_position = old.steps.iter().position(|s| s.id == step.id).unwrap_or(o) + 1;
                    out.push(Change::StepMoved { step: step.id.clone(), old_position, new_position: pos + 1 });
                }
                step_changes(before, step, &mut out);
            }
        }
    }
    for step in &old.steps {
        if new.step(&step.id).is_none() {
            out.push(Change::StepRemoved { step: step.id.clone() });
        }
    }
    out
}

fn step_changes(old: &Step, new: &Step, out: &mut Vec<Change>) {
    let id = || new.id.clone();
    let texts = |a: &Localized, b: &Localized, field: StepText, out: &mut Vec<Change>| {
        for lang in Lang::ALL {
            if a.get(lang) != b.get(lang) {
                out.push(Change::StepTextChanged { step: id(), field, lang });
            }
        }
    };
    texts(&old.title, &new.title, StepText::Title, out);
    texts(&old.action, &new.action, StepText::Action, out);
    for lang in Lang::ALL {
        let a: Vec<&str> = old.closure_criteria.iter().map(|c| c.get(lang)).collect();
        let b: Vec<&str> = new.closure_criteria.iter().map(|c| c.get(lang)).collect();
        if a != b {
            out.push(Change::StepTextChanged { step: id(), field: StepText::ClosureCriteria, lang });
        }
    }
    if old.phase != new.phase {
        out.push(Change::StepPhaseChanged { step: id(), old: old.phase, new: new.phase });
    }
    if old.role != new.role {
        out.push(Change::StepRoleChanged { step: id(), old: old.role, new: new.role });
    }
    if old.deadline.from != new.deadline.from {
        out.push(Change::DeadlineAnchorChanged {
            step: id(),
            old: old.deadline.from.clone(),
            new: new.deadline.from.clone(),
        });
    }
    for risk in RiskLevel::ALL {
        let (a, b) = (old.deadline.period(risk), new.deadline.period(risk));
        if a != b {
            out.push(Change::DeadlineChanged { step: id(), risk, old: a, new: b });
        }
    }
    let (added, removed) = added_removed(&old.forms, &new.forms);
    out.extend(added.into_iter().map(|form| Change::FormAdded { step: id(), form }));
    out.extend(removed.into_iter().map(|form| Change::FormRemoved { step: id(), form }));
    let (added, removed) = added_removed(&old.approvals, &new.approvals);
    out.extend(added.into_iter().map(|role| Change::ApprovalAdded { step: id(), role }));
    out.extend(removed.into_iter().map(|role| Change::ApprovalRemoved { step: id(), role }));

    // Referrals are matched by target; a target listed more than once is compared in order.
    let targets = |s: &Step| s.referrals.iter().map(|r| r.to.clone()).collect::<Vec<_>>();
    let (added, removed) = added_removed(&targets(old), &targets(new));
    out.extend(added.into_iter().map(|to| Change::ReferralAdded { step: id(), to }));
    out.extend(removed.into_iter().map(|to| Change::ReferralRemoved { step: id(), to }));
    let mut reported = Vec::new();
    for r in &new.referrals {
        let olds: Vec<_> = old.referrals.iter().filter(|o| o.to == r.to).collect();
        let news: Vec<_> = new.referrals.iter().filter(|o| o.to == r.to).collect();
        if !olds.is_empty() && olds != news && !reported.contains(&r.to) {
            reported.push(r.to.clone());
            out.push(Change::ReferralChanged { step: id(), to: r.to.clone() });
        }
    }
    if old.consent_before_sharing != new.consent_before_sharing {
        out.push(Change::ConsentChanged {
            step: id(),
            old: old.consent_before_sharing,
            new: new.consent_before_sharing,
        });
    }
}

/// Items in `new` but not `old`, and in `old` but not `new`, each in its list's order.
fn added_removed<T: PartialEq + Clone>(old: &[T], new: &[T]) -> (Vec<T>, Vec<T>) {
    let added = new.iter().filter(|x| !old.contains(x)).cloned().collect();
    let removed = old.iter().filter(|x| !new.contains(x)).cloned().collect();
    (added, removed)
}
