//! Scoring a screening: which indicators fired, which dimensions are positive and why, the
//! outcome and what the caseworker should do next.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::definition::{
    AgeGroup, Definition, Dimension, ExploitationForm, IndicatorList, Stage, Tier, TierCombination,
};

/// An indicator the interviewer observed. `stage` may be left out when the indicator exists at
/// one stage only; indicators rated at both stages (confiscation of documents, debt bondage...)
/// need it, since their weight differs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Observation {
    pub indicator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
}

impl Observation {
    pub fn new(indicator: &str) -> Observation {
        Observation {
            indicator: indicator.into(),
            stage: None,
        }
    }
    pub fn at(indicator: &str, stage: Stage) -> Observation {
        Observation {
            indicator: indicator.into(),
            stage: Some(stage),
        }
    }
}

/// What the interviewer answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    pub age_group: AgeGroup,
    /// At least one. Both when the person was exploited both ways: the two lists are merged.
    pub exploitation: BTreeSet<ExploitationForm>,
    pub observed: Vec<Observation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    PresumedVictim,
    Possible,
    None,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::PresumedVictim => "presumed_victim",
            Outcome::Possible => "possible",
            Outcome::None => "none",
        }
    }

    pub fn recommendation(self) -> Recommendation {
        match self {
            Outcome::PresumedVictim => Recommendation::ReferToNationalReferralMechanism,
            Outcome::Possible => Recommendation::FurtherInterview,
            Outcome::None => Recommendation::NoFurtherAction,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    ReferToNationalReferralMechanism,
    FurtherInterview,
    NoFurtherAction,
}

impl Recommendation {
    pub fn code(self) -> &'static str {
        match self {
            Recommendation::ReferToNationalReferralMechanism => {
                "refer_to_national_referral_mechanism"
            }
            Recommendation::FurtherInterview => "further_interview",
            Recommendation::NoFurtherAction => "no_further_action",
        }
    }
}

/// An observed indicator with the weight it carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredIndicator {
    pub indicator: String,
    pub stage: Stage,
    pub dimension: Dimension,
    pub tier: Tier,
}

/// One dimension: what fired in it and, when positive, the rule combination it met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionResult {
    pub dimension: Dimension,
    pub strong: u32,
    pub medium: u32,
    pub weak: u32,
    pub indicators: Vec<String>,
    pub positive: bool,
    /// The first rule combination met, shown as the reason ("2 strong", "1 strong + 1 medium").
    pub met: Option<TierCombination>,
}

/// A group of the presumed-victim rule, and the positive dimensions that satisfied it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupResult {
    pub any_of: Vec<Dimension>,
    pub satisfied_by: Vec<Dimension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningResult {
    /// The definition version scored under, stored with the result.
    pub rule_version: String,
    pub lists: Vec<IndicatorList>,
    pub fired: Vec<FiredIndicator>,
    /// All six, in the ILO's order.
    pub dimensions: Vec<DimensionResult>,
    /// The presumed-victim rule for the age group, group by group.
    pub presumed_victim_groups: Vec<GroupResult>,
    pub positive_dimensions: u32,
    pub strong_indicators: u32,
    pub outcome: Outcome,
    pub recommendation: Recommendation,
}

/// Answers that cannot be scored, all of them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the screening cannot be scored: {}", .problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
pub struct ScreeningError {
    pub problems: Vec<ScreeningProblem>,
}

impl ScreeningError {
    pub fn code(&self) -> &'static str {
        "screening-invalid"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScreeningProblem {
    #[error("no form of exploitation given (labour or sexual)")]
    NoExploitationForm,
    #[error("indicator `{indicator}` is not in definition {version}")]
    UnknownIndicator { indicator: String, version: String },
    #[error(
        "indicator `{indicator}` is rated at both stages: say whether it was observed at recruitment or at destination"
    )]
    StageRequired { indicator: String },
    #[error("indicator `{indicator}` does not exist at the {stage} stage")]
    NotAtStage {
        indicator: String,
        stage: &'static str,
    },
    #[error("indicator `{indicator}` is not on the list(s) {lists}")]
    NotInLists { indicator: String, lists: String },
}

impl ScreeningProblem {
    pub fn code(&self) -> &'static str {
        match self {
            ScreeningProblem::NoExploitationForm => "screening-no-exploitation-form",
            ScreeningProblem::UnknownIndicator { .. } => "screening-unknown-indicator",
            ScreeningProblem::StageRequired { .. } => "screening-stage-required",
            ScreeningProblem::NotAtStage { .. } => "screening-not-at-stage",
            ScreeningProblem::NotInLists { .. } => "screening-not-in-lists",
        }
    }
}

impl Definition {
    /// Scores a screening.
    ///
    /// Outcome: **presumed victim** when every group of the rule for the age group holds a
    /// positive dimension; otherwise **possible** when at least
    /// `rules.possible.min_positive_dimensions` dimensions are positive or at least
    /// `rules.possible.min_strong_indicators` strong indicators fired (the bundled rules: one
    /// of either); otherwise **none**. An observation repeated counts once.
    pub fn score(&self, screening: &Screening) -> Result<ScreeningResult, ScreeningError> {
        let mut problems = Vec::new();
        if screening.exploitation.is_empty() {
            problems.push(ScreeningProblem::NoExploitationForm);
        }
        let lists: Vec<IndicatorList> = screening
            .exploitation
            .iter()
            .map(|f| IndicatorList::new(screening.age_group, *f))
            .collect();
        let list_names = || {
            lists
                .iter()
                .map(|l| l.code())
                .collect::<Vec<_>>()
                .join(", ")
        };

        let mut fired: Vec<FiredIndicator> = Vec::new();
        let mut seen = BTreeSet::new();
        for obs in &screening.observed {
            let Some(indicator) = self.indicator(&obs.indicator) else {
                problems.push(ScreeningProblem::UnknownIndicator {
                    indicator: obs.indicator.clone(),
                    version: self.version.clone(),
                });
                continue;
            };
            let stage = match obs.stage {
                Some(stage) => stage,
                None if indicator.ratings.len() == 1 => indicator.ratings[0].dimension.stage(),
                None => {
                    problems.push(ScreeningProblem::StageRequired {
                        indicator: obs.indicator.clone(),
                    });
                    continue;
                }
            };
            let Some(rating) = indicator.rating_at(stage) else {
                problems.push(ScreeningProblem::NotAtStage {
                    indicator: obs.indicator.clone(),
                    stage: stage.code(),
                });
                continue;
            };
            let Some(tier) = self.tier_in(indicator, stage, &lists) else {
                if !lists.is_empty() {
                    problems.push(ScreeningProblem::NotInLists {
                        indicator: obs.indicator.clone(),
                        lists: list_names(),
                    });
                }
                continue;
            };
            if seen.insert((indicator.id.as_str(), stage)) {
                fired.push(FiredIndicator {
                    indicator: indicator.id.clone(),
                    stage,
                    dimension: rating.dimension,
                    tier,
                });
            }
        }
        if !problems.is_empty() {
            return Err(ScreeningError { problems });
        }

        let dimensions: Vec<DimensionResult> = Dimension::ALL
            .into_iter()
            .map(|dimension| {
                let in_dim: Vec<&FiredIndicator> =
                    fired.iter().filter(|f| f.dimension == dimension).collect();
                let count = |t: Tier| {
                    u32::try_from(in_dim.iter().filter(|f| f.tier == t).count()).unwrap_or(u32::MAX)
                };
                let (strong, medium, weak) =
                    (count(Tier::Strong), count(Tier::Medium), count(Tier::Weak));
                let met = self
                    .rules
                    .dimension_positive
                    .iter()
                    .find(|c| c.is_met(strong, medium, weak))
                    .copied();
                DimensionResult {
                    dimension,
                    strong,
                    medium,
                    weak,
                    indicators: in_dim.iter().map(|f| f.indicator.clone()).collect(),
                    positive: met.is_some(),
                    met,
                }
            })
            .collect();
        let positive: BTreeSet<Dimension> = dimensions
            .iter()
            .filter(|d| d.positive)
            .map(|d| d.dimension)
            .collect();
        let presumed_victim_groups: Vec<GroupResult> = self
            .rules
            .presumed_victim(screening.age_group)
            .iter()
            .map(|group| GroupResult {
                any_of: group.clone(),
                satisfied_by: group
                    .iter()
                    .filter(|d| positive.contains(d))
                    .copied()
                    .collect(),
            })
            .collect();
        let positive_dimensions = u32::try_from(positive.len()).unwrap_or(u32::MAX);
        let strong_indicators =
            u32::try_from(fired.iter().filter(|f| f.tier == Tier::Strong).count())
                .unwrap_or(u32::MAX);

        let outcome = if presumed_victim_groups
            .iter()
            .all(|g| !g.satisfied_by.is_empty())
        {
            Outcome::PresumedVictim
        } else if self
            .rules
            .possible_min_positive_dimensions
            .is_some_and(|n| positive_dimensions >= n)
            || self
                .rules
                .possible_min_strong_indicators
                .is_some_and(|n| strong_indicators >= n)
        {
            Outcome::Possible
        } else {
            Outcome::None
        };
        Ok(ScreeningResult {
            rule_version: self.version.clone(),
            lists,
            fired,
            dimensions,
            presumed_victim_groups,
            positive_dimensions,
            strong_indicators,
            outcome,
            recommendation: outcome.recommendation(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trafficking::screening::definition::BUNDLED_DEFINITION;

    fn def() -> Definition {
        Definition::parse(BUNDLED_DEFINITION).unwrap()
    }

    fn screening(
        age: AgeGroup,
        forms: &[ExploitationForm],
        observed: Vec<Observation>,
    ) -> Screening {
        Screening {
            age_group: age,
            exploitation: forms.iter().copied().collect(),
            observed,
        }
    }

    fn adult_labour(observed: Vec<Observation>) -> ScreeningResult {
        def()
            .score(&screening(
                AgeGroup::Adult,
                &[ExploitationForm::Labour],
                observed,
            ))
            .unwrap()
    }

    fn dim(r: &ScreeningResult, d: Dimension) -> &DimensionResult {
        r.dimensions.iter().find(|x| x.dimension == d).unwrap()
    }

    use Observation as O;

    #[test]
    fn two_strong_make_a_dimension_positive() {
        let r = adult_labour(vec![
            O::at("violence_on_victim", Stage::Destination),
            O::at("confiscation_of_documents", Stage::Destination),
        ]);
        let d = dim(&r, Dimension::CoercionAtDestination);
        assert!(d.positive);
        assert_eq!((d.strong, d.medium, d.weak), (2, 0, 0));
        assert_eq!(
            d.met,
            Some(TierCombination {
                strong: 2,
                ..Default::default()
            })
        );
    }

    #[test]
    fn one_strong_alone_is_not_positive_but_possible() {
        let r = adult_labour(vec![O::new("deceived_nature_of_job")]);
        assert!(!dim(&r, Dimension::DeceptiveRecruitment).positive);
        assert_eq!(r.strong_indicators, 1);
        assert_eq!(r.outcome, Outcome::Possible);
        assert_eq!(r.recommendation, Recommendation::FurtherInterview);
    }

    #[test]
    fn one_strong_plus_one_medium_or_one_weak() {
        let r = adult_labour(vec![
            O::new("deceived_nature_of_job"),
            O::new("deceived_wages_earnings"),
        ]);
        assert!(dim(&r, Dimension::DeceptiveRecruitment).positive);
        let r = adult_labour(vec![
            O::new("deceived_nature_of_job"),
            O::new("deceived_education_opportunities"),
        ]);
        let d = dim(&r, Dimension::DeceptiveRecruitment);
        assert_eq!((d.strong, d.weak), (1, 1));
        assert!(d.positive);
    }

    #[test]
    fn three_medium_or_two_medium_and_one_weak() {
        let two = vec![O::new("low_or_no_salary"), O::new("wage_manipulation")];
        assert!(
            !dim(
                &adult_labour(two.clone()),
                Dimension::ExploitativeConditions
            )
            .positive
        );
        let mut three = two.clone();
        three.push(O::new("bad_living_conditions"));
        assert!(dim(&adult_labour(three), Dimension::ExploitativeConditions).positive);
        let mut with_weak = two;
        with_weak.push(O::new("no_access_to_education"));
        let r = adult_labour(with_weak);
        let d = dim(&r, Dimension::ExploitativeConditions);
        assert_eq!((d.medium, d.weak), (2, 1));
        assert!(d.positive);
    }

    #[test]
    fn one_medium_and_weak_ones_are_not_positive() {
        let r = adult_labour(vec![
            O::new("low_or_no_salary"),
            O::new("no_access_to_education"),
        ]);
        assert!(!dim(&r, Dimension::ExploitativeConditions).positive);
        assert_eq!(r.outcome, Outcome::None);
        assert_eq!(r.recommendation, Recommendation::NoFurtherAction);
    }

    #[test]
    fn stage_decides_the_tier_of_documents() {
        // At recruitment, confiscated documents are medium: with violence (strong) it is
        // positive by "1 strong + 1 medium"; at destination both strong: "2 strong".
        let rec = adult_labour(vec![O::at("confiscation_of_documents", Stage::Recruitment)]);
        assert_eq!(rec.fired[0].tier, Tier::Medium);
        assert_eq!(rec.fired[0].dimension, Dimension::CoerciveRecruitment);
        let dest = adult_labour(vec![O::at("confiscation_of_documents", Stage::Destination)]);
        assert_eq!(dest.fired[0].tier, Tier::Strong);
        assert_eq!(dest.fired[0].dimension, Dimension::CoercionAtDestination);
    }

    fn adult_presumed() -> Vec<Observation> {
        vec![
            O::new("deceived_nature_of_job"),
            O::new("deceived_wages_earnings"),
            O::new("excessive_working_days_hours"),
            O::new("low_or_no_salary"),
            O::at("confiscation_of_documents", Stage::Destination),
            O::at("debt_bondage", Stage::Destination),
        ]
    }

    #[test]
    fn adult_needs_recruitment_exploitation_and_destination_means() {
        let r = adult_labour(adult_presumed());
        assert_eq!(r.outcome, Outcome::PresumedVictim);
        assert_eq!(
            r.recommendation,
            Recommendation::ReferToNationalReferralMechanism
        );
        assert_eq!(r.rule_version, "ilo-ec-2009.1");
        assert_eq!(r.presumed_victim_groups.len(), 3);
        assert_eq!(
            r.presumed_victim_groups[0].satisfied_by,
            vec![Dimension::DeceptiveRecruitment]
        );
        assert_eq!(
            r.presumed_victim_groups[2].satisfied_by,
            vec![Dimension::CoercionAtDestination]
        );
        // Without coercion or abuse of vulnerability at destination, an adult is only "possible".
        let without: Vec<_> = adult_presumed()
            .into_iter()
            .filter(|o| o.stage != Some(Stage::Destination))
            .collect();
        let r = adult_labour(without);
        assert_eq!(r.outcome, Outcome::Possible);
        assert_eq!(r.positive_dimensions, 2);
    }

    #[test]
    fn abuse_of_vulnerability_at_destination_also_completes_an_adult() {
        let mut obs: Vec<_> = adult_presumed()
            .into_iter()
            .filter(|o| o.stage != Some(Stage::Destination))
            .collect();
        obs.extend([
            O::new("dependency_on_exploiters"),
            O::at("economic_reasons", Stage::Destination),
            O::new("difficulty_living_in_unknown_area"),
        ]);
        let r = adult_labour(obs);
        assert_eq!(r.outcome, Outcome::PresumedVictim);
        assert_eq!(
            r.presumed_victim_groups[2].satisfied_by,
            vec![Dimension::AbuseOfVulnerabilityAtDestination]
        );
    }

    #[test]
    fn child_needs_only_recruitment_and_exploitation() {
        let obs = vec![
            O::new("deceived_nature_of_job"),
            O::new("deceived_wages_earnings"),
            O::new("excessive_working_days_hours"),
            O::new("low_or_no_salary"),
        ];
        let d = def();
        let child = d
            .score(&screening(
                AgeGroup::Child,
                &[ExploitationForm::Labour],
                obs.clone(),
            ))
            .unwrap();
        assert_eq!(child.outcome, Outcome::PresumedVictim);
        assert_eq!(child.presumed_victim_groups.len(), 2);
        let adult = d
            .score(&screening(
                AgeGroup::Adult,
                &[ExploitationForm::Labour],
                obs,
            ))
            .unwrap();
        assert_eq!(adult.outcome, Outcome::Possible);
    }

    #[test]
    fn children_rate_some_indicators_higher() {
        // Threats of violence: medium for adults, strong for children.
        let d = def();
        let obs = vec![
            O::at("threats_of_violence", Stage::Recruitment),
            O::new("withholding_of_money"),
        ];
        let adult = d
            .score(&screening(
                AgeGroup::Adult,
                &[ExploitationForm::Labour],
                obs.clone(),
            ))
            .unwrap();
        assert!(!dim(&adult, Dimension::CoerciveRecruitment).positive);
        let child = d
            .score(&screening(
                AgeGroup::Child,
                &[ExploitationForm::Labour],
                obs,
            ))
            .unwrap();
        let c = dim(&child, Dimension::CoerciveRecruitment);
        assert_eq!((c.strong, c.medium), (1, 1));
        assert!(c.positive);
    }

    #[test]
    fn sexual_exploitation_uses_its_list() {
        let d = def();
        let obs = vec![
            O::new("forced_tasks_or_clients"),
            O::at("violence_on_victim", Stage::Destination),
        ];
        let sexual = d
            .score(&screening(
                AgeGroup::Adult,
                &[ExploitationForm::Sexual],
                obs.clone(),
            ))
            .unwrap();
        assert!(
            dim(&sexual, Dimension::CoercionAtDestination).met
                == Some(TierCombination {
                    strong: 2,
                    ..Default::default()
                })
        );
        let labour = d
            .score(&screening(
                AgeGroup::Adult,
                &[ExploitationForm::Labour],
                obs,
            ))
            .unwrap();
        assert_eq!(
            dim(&labour, Dimension::CoercionAtDestination).met,
            Some(TierCombination {
                strong: 1,
                medium_or_weak: 1,
                ..Default::default()
            })
        );
    }

    #[test]
    fn bad_answers_are_all_reported() {
        let d = def();
        let s = screening(
            AgeGroup::Adult,
            &[ExploitationForm::Labour],
            vec![
                O::new("no_such_thing"),
                O::new("confiscation_of_documents"),
                O::at("withholding_of_money", Stage::Destination),
                O::new("deceived_conditions_of_prostitution"),
            ],
        );
        let e = d.score(&s).unwrap_err();
        let codes: Vec<_> = e.problems.iter().map(|p| p.code()).collect();
        assert_eq!(
            codes,
            vec![
                "screening-unknown-indicator",
                "screening-stage-required",
                "screening-not-at-stage",
                "screening-not-in-lists"
            ]
        );
        assert!(e.to_string().contains("no_such_thing"));
        let none = d
            .score(&screening(AgeGroup::Adult, &[], vec![]))
            .unwrap_err();
        assert_eq!(none.problems[0].code(), "screening-no-exploitation-form");
    }

    #[test]
    fn repeated_observation_counts_once() {
        let r = adult_labour(vec![
            O::new("low_or_no_salary"),
            O::new("low_or_no_salary"),
            O::new("wage_manipulation"),
        ]);
        assert_eq!(dim(&r, Dimension::ExploitativeConditions).medium, 2);
        assert!(!dim(&r, Dimension::ExploitativeConditions).positive);
    }

    #[test]
    fn nothing_observed_is_none() {
        let r = adult_labour(vec![]);
        assert_eq!(r.outcome, Outcome::None);
        assert_eq!(r.dimensions.len(), 6);
    }
}
