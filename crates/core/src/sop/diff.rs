//! What changes between two versions of an SOP, shown to an administrator before publishing.
//! Each [`Change`] is one fact, serialisable for the API and readable through `Display`; its
//! [`Change::code`] is the translation key the web layer uses for its own wording.

use super::model::{Anchor, Localized, Period, Phase, Retention, RiskLevel, Sop, Step};
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
    TitleChanged {
        lang: Lang,
    },
    SummaryChanged {
        lang: Lang,
    },
    ServiceAreaChanged {
        old: String,
        new: String,
    },
    RoleAdded {
        role: Role,
    },
    RoleRemoved {
        role: Role,
    },
    /// `position` counts from 1, as the handbook numbers steps.
    StepAdded {
        step: String,
        position: usize,
    },
    StepRemoved {
        step: String,
    },
    /// The step's place among the steps both versions share changed.
    StepMoved {
        step: String,
        old_position: usize,
        new_position: usize,
    },
    StepTextChanged {
        step: String,
        field: StepText,
        lang: Lang,
    },
    StepPhaseChanged {
        step: String,
        old: Phase,
        new: Phase,
    },
    StepRoleChanged {
        step: String,
        old: Role,
        new: Role,
    },
    DeadlineAnchorChanged {
        step: String,
        old: Anchor,
        new: Anchor,
    },
    DeadlineChanged {
        step: String,
        risk: RiskLevel,
        old: Period,
        new: Period,
    },
    FormAdded {
        step: String,
        form: String,
    },
    FormRemoved {
        step: String,
        form: String,
    },
    ApprovalAdded {
        step: String,
        role: Role,
    },
    ApprovalRemoved {
        step: String,
        role: Role,
    },
    ReferralAdded {
        step: String,
        to: String,
    },
    ReferralRemoved {
        step: String,
        to: String,
    },
    /// Same target, different condition or consent rule.
    ReferralChanged {
        step: String,
        to: String,
    },
    ConsentChanged {
        step: String,
        old: bool,
        new: bool,
    },
    /// The retention policy (period or action) was set, changed or removed.
    RetentionChanged {
        old: Option<Retention>,
        new: Option<Retention>,
    },
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
            Change::RetentionChanged { .. } => "retention-changed",
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
            Change::StepAdded { step, position } => {
                write!(f, "step {step} added at position {position}")
            }
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
            Change::StepRoleChanged { step, old, new } => {
                write!(f, "step {step}: role {old} -> {new}")
            }
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
            Change::FormRemoved { step, form } => {
                write!(f, "step {step}: form {form} no longer required")
            }
            Change::ApprovalAdded { step, role } => {
                write!(f, "step {step}: approval by {role} required")
            }
            Change::ApprovalRemoved { step, role } => {
                write!(f, "step {step}: approval by {role} no longer required")
            }
            Change::ReferralAdded { step, to } => {
                write!(f, "step {step}: mandatory referral to {to} added")
            }
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
            Change::RetentionChanged { old, new } => {
                let show = |r: &Option<Retention>| match r {
                    Some(r) => format!("{} after {} days", r.action.code(), r.after_closure_days),
                    None => "none".to_string(),
                };
                write!(f, "retention: {} -> {}", show(old), show(new))
            }
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
        out.push(Change::ServiceAreaChanged {
            old: old.service_area.clone(),
            new: new.service_area.clone(),
        });
    }
    if old.retention != new.retention {
        out.push(Change::RetentionChanged { old: old.retention, new: new.retention });
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
                    let old_position =
                        old.steps.iter().position(|s| s.id == step.id).unwrap_or(o) + 1;
                    out.push(Change::StepMoved {
                        step: step.id.clone(),
                        old_position,
                        new_position: pos + 1,
                    });
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
            out.push(Change::StepTextChanged {
                step: id(),
                field: StepText::ClosureCriteria,
                lang,
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sop::{Known, Referral, default_pack, load};

    fn cp() -> Sop {
        let (file, text) = default_pack()[0];
        load(file, text, &Known::default()).unwrap()
    }

    fn step_mut<'a>(sop: &'a mut Sop, id: &str) -> &'a mut Step {
        sop.steps.iter_mut().find(|s| s.id == id).unwrap()
    }

    #[test]
    fn identical_versions_have_no_changes() {
        assert!(diff(&cp(), &cp()).is_empty());
    }

    #[test]
    fn deadlines_changed_per_risk_level() {
        let old = cp();
        let mut new = cp();
        step_mut(&mut new, "case_plan").deadline.high = Period::Days(3);
        step_mut(&mut new, "case_plan").deadline.critical = Period::Hours(24);
        step_mut(&mut new, "follow_up").deadline.from = Anchor::Step("case_plan".into());
        assert_eq!(
            diff(&old, &new),
            vec![
                Change::DeadlineChanged {
                    step: "case_plan".into(),
                    risk: RiskLevel::High,
                    old: Period::Days(5),
                    new: Period::Days(3)
                },
                Change::DeadlineChanged {
                    step: "case_plan".into(),
                    risk: RiskLevel::Critical,
                    old: Period::Days(2),
                    new: Period::Hours(24)
                },
                Change::DeadlineAnchorChanged {
                    step: "follow_up".into(),
                    old: Anchor::Previous,
                    new: Anchor::Step("case_plan".into())
                },
            ]
        );
    }

    #[test]
    fn steps_added_removed_and_moved() {
        let old = cp();
        let mut new = cp();
        let mut extra = new.steps[5].clone();
        extra.id = "home_visit".into();
        new.steps.insert(2, extra);
        new.steps.retain(|s| s.id != "case_review");
        let changes = diff(&old, &new);
        assert_eq!(
            changes,
            vec![
                Change::StepAdded { step: "home_visit".into(), position: 3 },
                Change::StepRemoved { step: "case_review".into() },
            ],
            "an insertion does not make later steps look moved"
        );
        let mut swapped = cp();
        swapped.steps.swap(4, 5);
        let changes = diff(&old, &swapped);
        assert!(changes.contains(&Change::StepMoved {
            step: "follow_up".into(),
            old_position: 6,
            new_position: 5
        }));
        assert!(changes.contains(&Change::StepMoved {
            step: "implementation".into(),
            old_position: 5,
            new_position: 6
        }));
    }

    #[test]
    fn forms_roles_approvals_referrals_consent_and_texts() {
        let old = cp();
        let mut new = cp();
        new.roles.push(Role::CommunityAgent);
        new.title.es = "Protección de la niñez".into();
        let s = step_mut(&mut new, "implementation");
        s.forms.push("follow_up".into());
        s.approvals.push(Role::Supervisor);
        s.consent_before_sharing = false;
        s.action.fr = "Autre texte".into();
        s.referrals.push(Referral {
            to: "education".into(),
            when: Default::default(),
            consent_required: true,
            respond_within: None,
        });
        let s = step_mut(&mut new, "initial_assessment");
        s.referrals.retain(|r| r.to != "health");
        s.referrals[0].when.min_risk = Some(RiskLevel::Medium);
        let s = step_mut(&mut new, "closure");
        s.forms.clear();
        s.role = Role::Supervisor;
        s.closure_criteria.pop();
        let changes = diff(&old, &new);
        let expect = [
            Change::TitleChanged { lang: Lang::Es },
            Change::RoleAdded { role: Role::CommunityAgent },
            Change::ReferralRemoved { step: "initial_assessment".into(), to: "health".into() },
            Change::ReferralChanged {
                step: "initial_assessment".into(),
                to: "statutory_child_protection".into(),
            },
            Change::StepTextChanged {
                step: "implementation".into(),
                field: StepText::Action,
                lang: Lang::Fr,
            },
            Change::FormAdded { step: "implementation".into(), form: "follow_up".into() },
            Change::ApprovalAdded { step: "implementation".into(), role: Role::Supervisor },
            Change::ReferralAdded { step: "implementation".into(), to: "education".into() },
            Change::ConsentChanged { step: "implementation".into(), old: true, new: false },
            Change::StepTextChanged {
                step: "closure".into(),
                field: StepText::ClosureCriteria,
                lang: Lang::Fr,
            },
            Change::StepRoleChanged {
                step: "closure".into(),
                old: Role::Caseworker,
                new: Role::Supervisor,
            },
            Change::FormRemoved { step: "closure".into(), form: "closure".into() },
        ];
        for e in &expect {
            assert!(changes.contains(e), "missing {e:?} in {changes:#?}");
        }
        // Closure criteria changed in all three languages: one change per language.
        assert_eq!(changes.len(), expect.len() + 2, "{changes:#?}");
    }

    #[test]
    fn changes_read_and_serialise() {
        let c = Change::DeadlineChanged {
            step: "case_plan".into(),
            risk: RiskLevel::High,
            old: Period::Days(5),
            new: Period::Days(3),
        };
        assert_eq!(c.to_string(), "step case_plan: high risk deadline 5d -> 3d");
        assert_eq!(c.code(), "deadline-changed");
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::json!({"kind": "deadline_changed", "step": "case_plan", "risk": "high", "old": "5d", "new": "3d"})
        );
        let c = Change::ApprovalAdded { step: "closure".into(), role: Role::Supervisor };
        assert_eq!(c.to_string(), "step closure: approval by supervisor required");
    }
}
