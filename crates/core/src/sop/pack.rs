//! The default SOP pack, embedded at build time so `passerelle init` and the tests have it
//! without reading the disk. The files stay in `content/sops/`, where an administrator edits
//! copies of them.

/// `(file name, text)` of every SOP of the default pack, ready for [`super::load_pack`].
pub fn default_pack() -> Vec<(&'static str, &'static str)> {
    vec![
        ("child_protection.toml", include_str!("../../../../content/sops/child_protection.toml")),
        ("youth_at_risk.toml", include_str!("../../../../content/sops/youth_at_risk.toml")),
        ("social_welfare.toml", include_str!("../../../../content/sops/social_welfare.toml")),
        ("gbv.toml", include_str!("../../../../content/sops/gbv.toml")),
        ("older_persons.toml", include_str!("../../../../content/sops/older_persons.toml")),
        ("trafficking.toml", include_str!("../../../../content/sops/trafficking.toml")),
        ("homelessness.toml", include_str!("../../../../content/sops/homelessness.toml")),
        (
            "employment_integration.toml",
            include_str!("../../../../content/sops/employment_integration.toml"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;
    use crate::lang::Lang;
    use crate::sop::{
        CaseFacts, DueReferral, Known, Phase, RiskLevel, Sop, load_pack, mandatory_referrals,
    };

    #[test]
    fn the_default_pack_validates() {
        let sops = match load_pack(&default_pack(), &Known::default()) {
            Ok(s) => s,
            Err(diags) => {
                let all: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
                panic!("default pack has problems:\n{}", all.join("\n"));
            }
        };
        assert_eq!(sops.len(), default_pack().len());
    }

    fn pack() -> Vec<Sop> {
        load_pack(&default_pack(), &Known::default()).unwrap()
    }

    fn get(id: &str) -> Sop {
        pack().into_iter().find(|s| s.id == id).unwrap()
    }

    fn facts(risk: RiskLevel, age: Option<u32>, flags: &[&str]) -> CaseFacts {
        CaseFacts { risk, age, flags: flags.iter().map(|s| s.to_string()).collect() }
    }

    fn due(step: &str, to: &str, consent_required: bool) -> DueReferral {
        DueReferral { step: step.into(), to: to.into(), consent_required }
    }

    #[test]
    fn the_pack_covers_every_service_area_and_every_phase() {
        let sops = pack();
        let mut areas: Vec<&str> = sops.iter().map(|s| s.service_area.as_str()).collect();
        areas.sort();
        let mut expected = crate::sop::SERVICE_AREAS.to_vec();
        expected.sort();
        assert_eq!(areas, expected);
        for sop in &sops {
            for phase in Phase::ALL {
                assert!(
                    sop.steps.iter().any(|s| s.phase == phase),
                    "{} has no {phase:?} step",
                    sop.id
                );
            }
            assert_eq!(sop.steps.last().map(|s| s.phase), Some(Phase::Closure), "{}", sop.id);
            // Case plans and closures are approved by a supervisor.
            for s in
                sop.steps.iter().filter(|s| matches!(s.phase, Phase::CasePlan | Phase::Closure))
            {
                assert!(s.approvals.contains(&Role::Supervisor), "{} {}", sop.id, s.id);
            }
            // Deadlines never loosen as risk rises.
            for s in &sop.steps {
                let hours = |r| match s.deadline.period(r) {
                    crate::sop::Period::Hours(h) => u64::from(h),
                    crate::sop::Period::Days(d) => u64::from(d) * 24,
                };
                let h: Vec<u64> = RiskLevel::ALL.iter().map(|r| hours(*r)).collect();
                assert!(h.windows(2).all(|w| w[0] >= w[1]), "{} {} {h:?}", sop.id, s.id);
            }
            // Real translations: the three languages differ for titles and summaries.
            for l in [&sop.title, &sop.summary] {
                assert!(l.fr != l.en && l.en != l.es, "{} {l:?}", sop.id);
            }
            assert!(sop.steps.iter().all(|s| s.action.get(Lang::Fr) != s.action.get(Lang::Es)));
        }
    }

    #[test]
    fn trafficking_has_the_stages_of_assistance() {
        let ids: Vec<String> = get("trafficking").steps.into_iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "immediate_safety",
                "shelter",
                "medical_care",
                "reflection_period",
                "needs_assessment",
                "case_plan",
                "psychosocial_and_legal",
                "documentation",
                "return_or_integration",
                "reintegration_follow_up",
                "closure",
            ]
        );
    }

    #[test]
    fn a_child_at_high_risk_goes_to_the_statutory_authority_without_waiting_for_consent() {
        let cp = get("child_protection");
        assert_eq!(
            mandatory_referrals(&cp, &facts(RiskLevel::High, Some(9), &[])),
            [due("initial_assessment", "statutory_child_protection", false)]
        );
        assert!(mandatory_referrals(&cp, &facts(RiskLevel::Medium, Some(9), &[])).is_empty());
        assert_eq!(
            mandatory_referrals(
                &cp,
                &facts(
                    RiskLevel::Low,
                    Some(15),
                    &["unaccompanied_or_separated_child", "immediate_danger"]
                )
            ),
            [
                due("initial_assessment", "statutory_child_protection", false),
                due("initial_assessment", "health", false),
            ]
        );
    }

    #[test]
    fn a_presumed_trafficking_victim_goes_to_the_national_referral_mechanism() {
        let t = get("trafficking");
        let adult = mandatory_referrals(
            &t,
            &facts(RiskLevel::High, Some(30), &["presumed_trafficking_victim"]),
        );
        assert!(
            adult.contains(&due("immediate_safety", "national_referral_mechanism", true)),
            "adults consent"
        );
        assert!(!adult.iter().any(|r| r.to == "statutory_child_protection"));
        let child = mandatory_referrals(
            &t,
            &facts(RiskLevel::High, None, &["presumed_trafficking_victim"]),
        );
        assert!(child.contains(&due("immediate_safety", "national_referral_mechanism", false)));
        assert!(child.contains(&due("immediate_safety", "statutory_child_protection", false)));
        let not_presumed = mandatory_referrals(&t, &facts(RiskLevel::High, Some(30), &[]));
        assert!(!not_presumed.iter().any(|r| r.to == "national_referral_mechanism"));
        // Health, psychosocial support and legal aid are offered to everyone, with consent.
        assert!(not_presumed.iter().all(|r| r.consent_required));
    }

    #[test]
    fn gbv_survivor_consent_is_kept_except_for_children() {
        let g = get("gbv");
        let adult = mandatory_referrals(
            &g,
            &facts(
                RiskLevel::Critical,
                Some(25),
                &["sexual_violence_within_72h", "perpetrator_in_household"],
            ),
        );
        assert_eq!(
            adult,
            [due("intake", "health", true), due("safety_assessment", "shelter", true)]
        );
        let child = mandatory_referrals(&g, &facts(RiskLevel::Medium, Some(16), &[]));
        assert_eq!(child, [due("intake", "statutory_child_protection", false)]);
    }

    #[test]
    fn the_readme_example_loads() {
        let readme = include_str!("../../../../content/sops/README.md");
        let example = readme.split("```toml\n").nth(1).and_then(|s| s.split("```").next()).unwrap();
        let sop = crate::sop::load("README.md", example, &Known::default()).unwrap();
        assert_eq!(sop.steps.len(), 2);
    }
}
