//! The screening definition: the Delphi indicator lists and the scoring rules, read from the
//! TOML text kept in `content/trafficking/`, and checked whole so an administrator sees every
//! problem of an edited file at once.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use toml::{Table, Value};

use crate::lang::Lang;

/// The definition Passerelle ships, the one `passerelle init` installs. Administrators may
/// replace it; every screening result records the `version` it was scored under.
pub const BUNDLED_DEFINITION: &str =
    include_str!("../../../../../content/trafficking/delphi-indicators.toml");

/// When an indicator was observed: the Delphi lists split the trafficking process in two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Recruitment, including transport and transfer.
    Recruitment,
    /// Destination, where the exploitation takes place.
    Destination,
}

impl Stage {
    pub const ALL: [Stage; 2] = [Stage::Recruitment, Stage::Destination];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Recruitment => "recruitment",
            Stage::Destination => "destination",
        }
    }
}

/// The six elements of the Palermo definition the Delphi survey operationalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    DeceptiveRecruitment,
    CoerciveRecruitment,
    RecruitmentAbuseOfVulnerability,
    ExploitativeConditions,
    CoercionAtDestination,
    AbuseOfVulnerabilityAtDestination,
}

impl Dimension {
    pub const ALL: [Dimension; 6] = [
        Dimension::DeceptiveRecruitment,
        Dimension::CoerciveRecruitment,
        Dimension::RecruitmentAbuseOfVulnerability,
        Dimension::ExploitativeConditions,
        Dimension::CoercionAtDestination,
        Dimension::AbuseOfVulnerabilityAtDestination,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Dimension::DeceptiveRecruitment => "deceptive_recruitment",
            Dimension::CoerciveRecruitment => "coercive_recruitment",
            Dimension::RecruitmentAbuseOfVulnerability => "recruitment_abuse_of_vulnerability",
            Dimension::ExploitativeConditions => "exploitative_conditions",
            Dimension::CoercionAtDestination => "coercion_at_destination",
            Dimension::AbuseOfVulnerabilityAtDestination => "abuse_of_vulnerability_at_destination",
        }
    }

    pub fn from_code(code: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Exploitation happens at destination; the three recruitment dimensions before it.
    pub fn stage(self) -> Stage {
        match self {
            Dimension::DeceptiveRecruitment
            | Dimension::CoerciveRecruitment
            | Dimension::RecruitmentAbuseOfVulnerability => Stage::Recruitment,
            Dimension::ExploitativeConditions
            | Dimension::CoercionAtDestination
            | Dimension::AbuseOfVulnerabilityAtDestination => Stage::Destination,
        }
    }
}

/// How much weight the Delphi experts gave an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Weak,
    Medium,
    Strong,
}

impl Tier {
    pub fn code(self) -> &'static str {
        match self {
            Tier::Weak => "weak",
            Tier::Medium => "medium",
            Tier::Strong => "strong",
        }
    }

    pub fn from_code(code: &str) -> Option<Tier> {
        [Tier::Weak, Tier::Medium, Tier::Strong]
            .into_iter()
            .find(|t| t.code() == code)
    }
}

/// Whether the person screened is an adult or a child (under 18 at the time of screening).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeGroup {
    Adult,
    Child,
}

/// The forms of exploitation the Delphi lists cover. Other forms (forced begging, forced
/// criminality) are screened on the labour list, as the ILO treats them as forced labour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExploitationForm {
    Labour,
    Sexual,
}

/// One of the four Delphi lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorList {
    AdultLabour,
    AdultSexual,
    ChildLabour,
    ChildSexual,
}

impl IndicatorList {
    pub const ALL: [IndicatorList; 4] = [
        IndicatorList::AdultLabour,
        IndicatorList::AdultSexual,
        IndicatorList::ChildLabour,
        IndicatorList::ChildSexual,
    ];

    pub fn new(age: AgeGroup, form: ExploitationForm) -> IndicatorList {
        match (age, form) {
            (AgeGroup::Adult, ExploitationForm::Labour) => IndicatorList::AdultLabour,
            (AgeGroup::Adult, ExploitationForm::Sexual) => IndicatorList::AdultSexual,
            (AgeGroup::Child, ExploitationForm::Labour) => IndicatorList::ChildLabour,
            (AgeGroup::Child, ExploitationForm::Sexual) => IndicatorList::ChildSexual,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            IndicatorList::AdultLabour => "adult_labour",
            IndicatorList::AdultSexual => "adult_sexual",
            IndicatorList::ChildLabour => "child_labour",
            IndicatorList::ChildSexual => "child_sexual",
        }
    }

    pub fn from_code(code: &str) -> Option<IndicatorList> {
        IndicatorList::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn age_group(self) -> AgeGroup {
        match self {
            IndicatorList::AdultLabour | IndicatorList::AdultSexual => AgeGroup::Adult,
            IndicatorList::ChildLabour | IndicatorList::ChildSexual => AgeGroup::Child,
        }
    }
}

/// An indicator's label in each language Passerelle speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    pub fr: String,
    pub en: String,
    pub es: String,
}

impl Labels {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }
}

/// Where an indicator sits at one stage, and its tier in each list that holds it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub dimension: Dimension,
    pub tiers: BTreeMap<IndicatorList, Tier>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable: screenings store it; never reuse or rename one.
    pub id: String,
    pub label: Labels,
    /// At most one per stage.
    pub ratings: Vec<Rating>,
}

impl Indicator {
    pub fn rating_at(&self, stage: Stage) -> Option<&Rating> {
        self.ratings.iter().find(|r| r.dimension.stage() == stage)
    }
}

/// A minimum count of indicators per tier that makes a dimension positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TierCombination {
    pub strong: u32,
    pub medium: u32,
    pub weak: u32,
    /// Indicators of medium or weak tier beyond those counted by `medium` and `weak`.
    pub medium_or_weak: u32,
}

impl TierCombination {
    /// Whether these counts of observed indicators reach the combination. Counts are exact per
    /// tier, as in the ILO rule: a strong indicator does not stand in for a medium one (the
    /// ILO combinations are already monotone, so nothing positive is missed by this).
    pub fn is_met(&self, strong: u32, medium: u32, weak: u32) -> bool {
        strong >= self.strong
            && medium >= self.medium
            && weak >= self.weak
            && (medium - self.medium) + (weak - self.weak) >= self.medium_or_weak
    }
}

/// When a screening is a presumed victim, and when it is worth a further interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub dimension_positive: Vec<TierCombination>,
    /// Every group must hold a positive dimension (a conjunction of disjunctions).
    pub presumed_victim_adult: Vec<Vec<Dimension>>,
    pub presumed_victim_child: Vec<Vec<Dimension>>,
    /// "Possible" when at least this many dimensions are positive (`None`: never on this ground).
    pub possible_min_positive_dimensions: Option<u32>,
    /// "Possible" when at least this many strong indicators fired (`None`: never on this ground).
    pub possible_min_strong_indicators: Option<u32>,
}

impl Rules {
    pub fn presumed_victim(&self, age: AgeGroup) -> &[Vec<Dimension>] {
        match age {
            AgeGroup::Adult => &self.presumed_victim_adult,
            AgeGroup::Child => &self.presumed_victim_child,
        }
    }
}

/// A checked screening definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    /// Recorded in every result, so a screening can be re-read under the rules it was scored by.
    pub version: String,
    pub source: String,
    pub indicators: Vec<Indicator>,
    pub rules: Rules,
}

/// One question of a screening form: an indicator at a stage, with its tier in the list(s)
/// that apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormItem<'a> {
    pub indicator: &'a Indicator,
    pub stage: Stage,
    pub dimension: Dimension,
    pub tier: Tier,
}

impl Definition {
    /// Reads and checks a definition. Every problem is reported, each naming the indicator
    /// and the field.
    pub fn parse(text: &str) -> Result<Definition, DefinitionError> {
        parse(text)
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// The tier of an indicator at a stage for the union of `lists`: the strongest tier any of
    /// them gives it. A person exploited both for labour and sexually is screened on both
    /// lists at once, and an indicator counts with the weight the more specific list gives it.
    pub fn tier_in(
        &self,
        indicator: &Indicator,
        stage: Stage,
        lists: &[IndicatorList],
    ) -> Option<Tier> {
        let rating = indicator.rating_at(stage)?;
        lists
            .iter()
            .filter_map(|l| rating.tiers.get(l).copied())
            .max()
    }

    /// The questions to ask, in file order, for the given lists: what a screening form shows.
    pub fn form_items(&self, lists: &[IndicatorList]) -> Vec<FormItem<'_>> {
        let mut items = Vec::new();
        for dimension in Dimension::ALL {
            for indicator in &self.indicators {
                for rating in indicator
                    .ratings
                    .iter()
                    .filter(|r| r.dimension == dimension)
                {
                    if let Some(tier) = self.tier_in(indicator, dimension.stage(), lists) {
                        items.push(FormItem {
                            indicator,
                            stage: rating.dimension.stage(),
                            dimension,
                            tier,
                        });
                    }
                }
            }
        }
        items
    }
}

/// Every problem found in a definition.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the screening definition has {} problem(s): {}", .problems.len(), join(.problems))]
pub struct DefinitionError {
    pub problems: Vec<DefinitionProblem>,
}

impl DefinitionError {
    pub fn code(&self) -> &'static str {
        "screening-definition-invalid"
    }
}

fn join(problems: &[DefinitionProblem]) -> String {
    problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// One problem in a definition. `at` names the place: `indicator deceived_wages, rating 2,
/// field adult_labour`, `rules.presumed_victim.adult[1]`, ...
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DefinitionProblem {
    #[error("line {line}, column {column}: not valid TOML: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{at}: field `{field}` is missing")]
    MissingField { at: String, field: String },
    #[error("{at}: field `{field}` should be {expected}")]
    WrongType {
        at: String,
        field: String,
        expected: &'static str,
    },
    #[error("{at}: unknown field `{field}`")]
    UnknownField { at: String, field: String },
    #[error("{at}: id `{id}` must be lower-case letters, digits and `_`, starting with a letter")]
    InvalidId { at: String, id: String },
    #[error("indicator {id} is defined more than once")]
    DuplicateId { id: String },
    #[error("{at}: unknown dimension `{value}`")]
    UnknownDimension { at: String, value: String },
    #[error("{at}: unknown tier `{value}` (strong, medium or weak)")]
    UnknownTier { at: String, value: String },
    #[error("indicator {indicator}: the children's lists have no weak tier ({list})")]
    WeakTierForChild { indicator: String, list: String },
    #[error("indicator {indicator}: two ratings at the {stage} stage")]
    StageRepeated { indicator: String, stage: String },
    #[error("{at}: the rating names no list")]
    EmptyRating { at: String },
    #[error("indicator {indicator}: no rating")]
    NoRating { indicator: String },
    #[error("{at}: the label is empty")]
    EmptyLabel { at: String },
    #[error("{at}: the combination requires nothing")]
    EmptyCombination { at: String },
    #[error("{at}: the group names no dimension")]
    EmptyGroup { at: String },
    #[error("{at}: must be at least 1")]
    NotPositive { at: String },
    #[error("list {list} has no indicator in dimension {dimension}")]
    ListLacksDimension { list: String, dimension: String },
}

impl DefinitionProblem {
    pub fn code(&self) -> &'static str {
        match self {
            DefinitionProblem::Syntax { .. } => "definition-syntax",
            DefinitionProblem::MissingField { .. } => "definition-missing-field",
            DefinitionProblem::WrongType { .. } => "definition-wrong-type",
            DefinitionProblem::UnknownField { .. } => "definition-unknown-field",
            DefinitionProblem::InvalidId { .. } => "definition-invalid-id",
            DefinitionProblem::DuplicateId { .. } => "definition-duplicate-id",
            DefinitionProblem::UnknownDimension { .. } => "definition-unknown-dimension",
            DefinitionProblem::UnknownTier { .. } => "definition-unknown-tier",
            DefinitionProblem::WeakTierForChild { .. } => "definition-weak-tier-for-child",
            DefinitionProblem::StageRepeated { .. } => "definition-stage-repeated",
            DefinitionProblem::EmptyRating { .. } => "definition-empty-rating",
            DefinitionProblem::NoRating { .. } => "definition-no-rating",
            DefinitionProblem::EmptyLabel { .. } => "definition-empty-label",
            DefinitionProblem::EmptyCombination { .. } => "definition-empty-combination",
            DefinitionProblem::EmptyGroup { .. } => "definition-empty-group",
            DefinitionProblem::NotPositive { .. } => "definition-not-positive",
            DefinitionProblem::ListLacksDimension { .. } => "definition-list-lacks-dimension",
        }
    }
}

/// Walks the TOML by hand rather than through serde, so that one bad field does not hide the
/// next: an administrator editing 56 indicators wants the whole list of mistakes.
struct Checker {
    problems: Vec<DefinitionProblem>,
}

impl Checker {
    fn missing(&mut self, at: &str, field: &str) {
        self.problems.push(DefinitionProblem::MissingField {
            at: at.into(),
            field: field.into(),
        });
    }
    fn wrong(&mut self, at: &str, field: &str, expected: &'static str) {
        self.problems.push(DefinitionProblem::WrongType {
            at: at.into(),
            field: field.into(),
            expected,
        });
    }
    fn unknown_fields(&mut self, at: &str, table: &Table, known: &[&str]) {
        for key in table.keys() {
            if !known.contains(&key.as_str()) {
                self.problems.push(DefinitionProblem::UnknownField {
                    at: at.into(),
                    field: key.clone(),
                });
            }
        }
    }
    fn string(&mut self, at: &str, table: &Table, field: &str) -> Option<String> {
        match table.get(field) {
            None => {
                self.missing(at, field);
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.wrong(at, field, "a string");
                None
            }
        }
    }
    fn count(&mut self, at: &str, table: &Table, field: &str) -> Option<u32> {
        match table.get(field) {
            None => Some(0),
            Some(Value::Integer(n)) if *n >= 0 && *n <= i64::from(u32::MAX) => {
                u32::try_from(*n).ok()
            }
            Some(_) => {
                self.wrong(at, field, "a whole number, 0 or more");
                None
            }
        }
    }
}

fn parse(text: &str) -> Result<Definition, DefinitionError> {
    let root: Table = match text.parse::<Table>() {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = e
                .span()
                .map(|s| line_column(text, s.start))
                .unwrap_or((1, 1));
            return Err(DefinitionError {
                problems: vec![DefinitionProblem::Syntax {
                    line,
                    column,
                    message: e.message().to_string(),
                }],
            });
        }
    };
    let mut c = Checker {
        problems: Vec::new(),
    };
    c.unknown_fields(
        "top level",
        &root,
        &["version", "source", "rules", "indicator"],
    );
    let version = c.string("top level", &root, "version");
    if version.as_deref().is_some_and(|v| v.trim().is_empty()) {
        c.problems.push(DefinitionProblem::EmptyLabel {
            at: "version".into(),
        });
    }
    let source = c.string("top level", &root, "source");
    let rules = match root.get("rules") {
        Some(Value::Table(t)) => parse_rules(&mut c, t),
        Some(_) => {
            c.wrong("top level", "rules", "a table");
            None
        }
        None => {
            c.missing("top level", "rules");
            None
        }
    };
    let indicators = match root.get("indicator") {
        Some(Value::Array(items)) => parse_indicators(&mut c, items),
        Some(_) => {
            c.wrong(
                "top level",
                "indicator",
                "an array of tables ([[indicator]])",
            );
            Vec::new()
        }
        None => {
            c.missing("top level", "indicator");
            Vec::new()
        }
    };
    // Each list must be able to make each dimension positive, or a presumed victim could
    // never be found on it: a truncated file must not silently score everyone "none".
    if !indicators.is_empty() {
        for list in IndicatorList::ALL {
            for dimension in Dimension::ALL {
                let any = indicators.iter().any(|i| {
                    i.ratings
                        .iter()
                        .any(|r| r.dimension == dimension && r.tiers.contains_key(&list))
                });
                if !any {
                    c.problems.push(DefinitionProblem::ListLacksDimension {
                        list: list.code().into(),
                        dimension: dimension.code().into(),
                    });
                }
            }
        }
    }
    match (version, source, rules) {
        (Some(version), Some(source), Some(rules)) if c.problems.is_empty() => Ok(Definition {
            version,
            source,
            indicators,
            rules,
        }),
        _ => Err(DefinitionError {
            problems: c.problems,
        }),
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn parse_rules(c: &mut Checker, t: &Table) -> Option<Rules> {
    c.unknown_fields(
        "rules",
        t,
        &["dimension_positive", "presumed_victim", "possible"],
    );
    let mut ok = true;
    let mut dimension_positive = Vec::new();
    match t.get("dimension_positive") {
        Some(Value::Array(items)) if !items.is_empty() => {
            for (n, item) in items.iter().enumerate() {
                let at = format!("rules.dimension_positive[{}]", n + 1);
                let Value::Table(ct) = item else {
                    c.wrong("rules", "dimension_positive", "an array of tables");
                    ok = false;
                    continue;
                };
                c.unknown_fields(&at, ct, &["strong", "medium", "weak", "medium_or_weak"]);
                let counts = (
                    c.count(&at, ct, "strong"),
                    c.count(&at, ct, "medium"),
                    c.count(&at, ct, "weak"),
                    c.count(&at, ct, "medium_or_weak"),
                );
                if let (Some(strong), Some(medium), Some(weak), Some(medium_or_weak)) = counts {
                    let comb = TierCombination {
                        strong,
                        medium,
                        weak,
                        medium_or_weak,
                    };
                    if comb == TierCombination::default() {
                        c.problems.push(DefinitionProblem::EmptyCombination { at });
                        ok = false;
                    } else {
                        dimension_positive.push(comb);
                    }
                } else {
                    ok = false;
                }
            }
        }
        Some(Value::Array(_)) => {
            c.problems.push(DefinitionProblem::EmptyGroup {
                at: "rules.dimension_positive".into(),
            });
            ok = false;
        }
        Some(_) => {
            c.wrong("rules", "dimension_positive", "an array of tables");
            ok = false;
        }
        None => {
            c.missing("rules", "dimension_positive");
            ok = false;
        }
    }
    let mut adult = Vec::new();
    let mut child = Vec::new();
    match t.get("presumed_victim") {
        Some(Value::Table(pv)) => {
            c.unknown_fields("rules.presumed_victim", pv, &["adult", "child"]);
            for (key, out) in [("adult", &mut adult), ("child", &mut child)] {
                match parse_groups(c, &format!("rules.presumed_victim.{key}"), pv.get(key)) {
                    Some(groups) => *out = groups,
                    None => ok = false,
                }
            }
        }
        Some(_) => {
            c.wrong("rules", "presumed_victim", "a table");
            ok = false;
        }
        None => {
            c.missing("rules", "presumed_victim");
            ok = false;
        }
    }
    let mut min_dims = None;
    let mut min_strong = None;
    match t.get("possible") {
        Some(Value::Table(p)) => {
            c.unknown_fields(
                "rules.possible",
                p,
                &["min_positive_dimensions", "min_strong_indicators"],
            );
            for (key, out) in [
                ("min_positive_dimensions", &mut min_dims),
                ("min_strong_indicators", &mut min_strong),
            ] {
                match p.get(key) {
                    None => {}
                    Some(Value::Integer(n)) if *n >= 1 && *n <= i64::from(u32::MAX) => {
                        *out = u32::try_from(*n).ok();
                    }
                    Some(Value::Integer(_)) => {
                        c.problems.push(DefinitionProblem::NotPositive {
                            at: format!("rules.possible.{key}"),
                        });
                        ok = false;
                    }
                    Some(_) => {
                        c.wrong("rules.possible", key, "a whole number, 1 or more");
                        ok = false;
                    }
                }
            }
        }
        Some(_) => {
            c.wrong("rules", "possible", "a table");
            ok = false;
        }
        None => {} // no "possible" tier at all: presumed victim or none
    }
    ok.then_some(Rules {
        dimension_positive,
        presumed_victim_adult: adult,
        presumed_victim_child: child,
        possible_min_positive_dimensions: min_dims,
        possible_min_strong_indicators: min_strong,
    })
}

fn parse_groups(c: &mut Checker, at: &str, value: Option<&Value>) -> Option<Vec<Vec<Dimension>>> {
    let Some(value) = value else {
        let (parent, field) = at.rsplit_once('.').unwrap_or((at, at));
        c.missing(parent, field);
        return None;
    };
    let Value::Array(groups) = value else {
        c.problems.push(DefinitionProblem::WrongType {
            at: at.into(),
            field: "groups".into(),
            expected: "an array of arrays of dimension names",
        });
        return None;
    };
    if groups.is_empty() {
        c.problems
            .push(DefinitionProblem::EmptyGroup { at: at.into() });
        return None;
    }
    let mut ok = true;
    let mut out = Vec::new();
    for (n, group) in groups.iter().enumerate() {
        let gat = format!("{at}[{}]", n + 1);
        let Value::Array(names) = group else {
            c.problems.push(DefinitionProblem::WrongType {
                at: gat,
                field: "group".into(),
                expected: "an array of dimension names",
            });
            ok = false;
            continue;
        };
        if names.is_empty() {
            c.problems.push(DefinitionProblem::EmptyGroup { at: gat });
            ok = false;
            continue;
        }
        let mut dims = Vec::new();
        for name in names {
            match name.as_str().and_then(Dimension::from_code) {
                Some(d) => dims.push(d),
                None => {
                    c.problems.push(DefinitionProblem::UnknownDimension {
                        at: gat.clone(),
                        value: value_text(name),
                    });
                    ok = false;
                }
            }
        }
        out.push(dims);
    }
    ok.then_some(out)
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && id.len() <= 64
}

fn parse_indicators(c: &mut Checker, items: &[Value]) -> Vec<Indicator> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, item) in items.iter().enumerate() {
        let pos = format!("indicator #{}", n + 1);
        let Value::Table(t) = item else {
            c.wrong(
                "top level",
                "indicator",
                "an array of tables ([[indicator]])",
            );
            continue;
        };
        let id = c.string(&pos, t, "id");
        // Name problems by id where there is one: that is what the administrator searches for.
        let at = match &id {
            Some(id) => format!("indicator {id}"),
            None => pos,
        };
        c.unknown_fields(&at, t, &["id", "label", "rating"]);
        if let Some(id) = &id {
            if !is_valid_id(id) {
                c.problems.push(DefinitionProblem::InvalidId {
                    at: at.clone(),
                    id: id.clone(),
                });
            } else if !seen.insert(id.clone()) {
                c.problems
                    .push(DefinitionProblem::DuplicateId { id: id.clone() });
            }
        }
        let label = match t.get("label") {
            Some(Value::Table(lt)) => {
                let lat = format!("{at}, label");
                c.unknown_fields(&lat, lt, &["fr", "en", "es"]);
                let mut get = |lang: &str| {
                    let s = c.string(&lat, lt, lang)?;
                    if s.trim().is_empty() {
                        c.problems.push(DefinitionProblem::EmptyLabel {
                            at: format!("{lat}.{lang}"),
                        });
                        return None;
                    }
                    Some(s)
                };
                match (get("fr"), get("en"), get("es")) {
                    (Some(fr), Some(en), Some(es)) => Some(Labels { fr, en, es }),
                    _ => None,
                }
            }
            Some(_) => {
                c.wrong(&at, "label", "a table { fr, en, es }");
                None
            }
            None => {
                c.missing(&at, "label");
                None
            }
        };
        let ratings = match t.get("rating") {
            Some(Value::Array(rs)) if rs.is_empty() => {
                c.problems.push(DefinitionProblem::NoRating {
                    indicator: at.clone(),
                });
                None
            }
            Some(Value::Array(rs)) => parse_ratings(c, &at, rs),
            Some(_) => {
                c.wrong(&at, "rating", "an array of tables");
                None
            }
            None => {
                c.problems.push(DefinitionProblem::NoRating {
                    indicator: at.clone(),
                });
                None
            }
        };
        if let (Some(id), Some(label), Some(ratings)) = (id, label, ratings) {
            out.push(Indicator { id, label, ratings });
        }
    }
    out
}

fn parse_ratings(c: &mut Checker, at: &str, rs: &[Value]) -> Option<Vec<Rating>> {
    let mut ok = true;
    let mut out: Vec<Rating> = Vec::new();
    for (n, r) in rs.iter().enumerate() {
        let rat = format!("{at}, rating {}", n + 1);
        let Value::Table(rt) = r else {
            c.wrong(at, "rating", "an array of tables");
            ok = false;
            continue;
        };
        let dimension = match c.string(&rat, rt, "dimension") {
            Some(d) => match Dimension::from_code(&d) {
                Some(d) => Some(d),
                None => {
                    c.problems.push(DefinitionProblem::UnknownDimension {
                        at: rat.clone(),
                        value: d,
                    });
                    None
                }
            },
            None => None,
        };
        let mut tiers = BTreeMap::new();
        for (key, value) in rt {
            if key == "dimension" {
                continue;
            }
            let Some(list) = IndicatorList::from_code(key) else {
                c.problems.push(DefinitionProblem::UnknownField {
                    at: rat.clone(),
                    field: key.clone(),
                });
                ok = false;
                continue;
            };
            match value.as_str().and_then(Tier::from_code) {
                Some(Tier::Weak) if list.age_group() == AgeGroup::Child => {
                    c.problems.push(DefinitionProblem::WeakTierForChild {
                        indicator: at.trim_start_matches("indicator ").to_string(),
                        list: key.clone(),
                    });
                    ok = false;
                }
                Some(tier) => {
                    tiers.insert(list, tier);
                }
                None => {
                    c.problems.push(DefinitionProblem::UnknownTier {
                        at: format!("{rat}, field {key}"),
                        value: value_text(value),
                    });
                    ok = false;
                }
            }
        }
        if tiers.is_empty() && ok {
            c.problems
                .push(DefinitionProblem::EmptyRating { at: rat.clone() });
            ok = false;
        }
        let Some(dimension) = dimension else {
            ok = false;
            continue;
        };
        if out.iter().any(|o| o.dimension.stage() == dimension.stage()) {
            c.problems.push(DefinitionProblem::StageRepeated {
                indicator: at.trim_start_matches("indicator ").to_string(),
                stage: dimension.stage().code().into(),
            });
            ok = false;
            continue;
        }
        out.push(Rating { dimension, tiers });
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(e: &DefinitionError) -> Vec<&'static str> {
        e.problems.iter().map(|p| p.code()).collect()
    }

    #[test]
    fn bundled_definition_is_valid_and_complete() {
        let d = Definition::parse(BUNDLED_DEFINITION).unwrap();
        assert_eq!(d.version, "ilo-ec-2009.1");
        assert_eq!(d.indicators.len(), 56);
        assert_eq!(d.rules.dimension_positive.len(), 4);
        assert_eq!(d.rules.presumed_victim_adult.len(), 3);
        assert_eq!(d.rules.presumed_victim_child.len(), 2);
        // No weak tier anywhere in the children's lists.
        for i in &d.indicators {
            for r in &i.ratings {
                for (list, tier) in &r.tiers {
                    if list.age_group() == AgeGroup::Child {
                        assert_ne!(*tier, Tier::Weak, "{}", i.id);
                    }
                }
            }
        }
    }

    #[test]
    fn bundled_definition_rates_documents_by_stage() {
        let d = Definition::parse(BUNDLED_DEFINITION).unwrap();
        let docs = d.indicator("confiscation_of_documents").unwrap();
        let adult = [IndicatorList::AdultLabour];
        assert_eq!(
            d.tier_in(docs, Stage::Recruitment, &adult),
            Some(Tier::Medium)
        );
        assert_eq!(
            d.tier_in(docs, Stage::Destination, &adult),
            Some(Tier::Strong)
        );
        assert_eq!(
            docs.rating_at(Stage::Recruitment).unwrap().dimension,
            Dimension::CoerciveRecruitment
        );
        assert_eq!(
            docs.rating_at(Stage::Destination).unwrap().dimension,
            Dimension::CoercionAtDestination
        );
    }

    #[test]
    fn union_of_lists_takes_the_strongest_tier() {
        let d = Definition::parse(BUNDLED_DEFINITION).unwrap();
        let tasks = d.indicator("forced_tasks_or_clients").unwrap();
        let both = [IndicatorList::AdultLabour, IndicatorList::AdultSexual];
        assert_eq!(
            d.tier_in(tasks, Stage::Destination, &[IndicatorList::AdultLabour]),
            Some(Tier::Medium)
        );
        assert_eq!(
            d.tier_in(tasks, Stage::Destination, &both),
            Some(Tier::Strong)
        );
        // An indicator of one list only is absent from the other.
        let prost = d.indicator("deceived_conditions_of_prostitution").unwrap();
        assert_eq!(
            d.tier_in(prost, Stage::Recruitment, &[IndicatorList::AdultLabour]),
            None
        );
    }

    #[test]
    fn form_items_follow_the_list() {
        let d = Definition::parse(BUNDLED_DEFINITION).unwrap();
        let labour = d.form_items(&[IndicatorList::ChildLabour]);
        assert!(labour.iter().all(|i| i.tier != Tier::Weak));
        assert!(
            !labour
                .iter()
                .any(|i| i.indicator.id == "false_information_law_authorities")
        );
        assert!(
            labour
                .iter()
                .any(|i| i.indicator.id == "deceived_conditions_of_work")
        );
        // Documents appear twice: once per stage.
        assert_eq!(
            labour
                .iter()
                .filter(|i| i.indicator.id == "confiscation_of_documents")
                .count(),
            2
        );
        // Grouped by dimension, in the ILO's order.
        let dims: Vec<_> = labour.iter().map(|i| i.dimension).collect();
        let mut sorted = dims.clone();
        sorted.sort();
        assert_eq!(dims, sorted);
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let e = Definition::parse("version = \"x\"\nsource = \n").unwrap_err();
        assert_eq!(codes(&e), vec!["definition-syntax"]);
        match &e.problems[0] {
            DefinitionProblem::Syntax { line, .. } => assert_eq!(*line, 2),
            other => panic!("{other:?}"),
        }
    }

    const MINI_RULES: &str = r#"
version = "t1"
source = "test"
[rules]
dimension_positive = [{ strong = 2 }]
[rules.presumed_victim]
adult = [["exploitative_conditions"]]
child = [["exploitative_conditions"]]
"#;

    #[test]
    fn reports_every_problem_at_once_naming_indicator_and_field() {
        let text = format!(
            "{MINI_RULES}\n{}",
            r#"
[[indicator]]
id = "a"
label = { fr = "a", en = "a", es = "" }
rating = [{ dimension = "exploitative_conditions", child_labour = "weak" }]

[[indicator]]
id = "a"
label = { fr = "a", en = "a", es = "a" }
rating = [{ dimension = "nowhere", adult_labour = "huge" }]

[[indicator]]
id = "Bad Id"
label = { fr = "b", en = "b", es = "b" }
colour = "red"
rating = [
  { dimension = "coercive_recruitment", adult_labour = "medium" },
  { dimension = "deceptive_recruitment", adult_labour = "medium" },
]
"#
        );
        let e = Definition::parse(&text).unwrap_err();
        let c = codes(&e);
        for expected in [
            "definition-empty-label",
            "definition-weak-tier-for-child",
            "definition-duplicate-id",
            "definition-unknown-dimension",
            "definition-unknown-tier",
            "definition-invalid-id",
            "definition-unknown-field",
            "definition-stage-repeated",
        ] {
            assert!(c.contains(&expected), "{expected} missing from {c:?}");
        }
        let msg = e.to_string();
        assert!(msg.contains("indicator a, label.es"), "{msg}");
        assert!(msg.contains("field adult_labour"), "{msg}");
        assert!(msg.contains("unknown field `colour`"), "{msg}");
    }

    #[test]
    fn missing_pieces_are_reported() {
        let e = Definition::parse("source = 1\n[rules]\n").unwrap_err();
        let c = codes(&e);
        assert!(c.contains(&"definition-missing-field"));
        assert!(c.contains(&"definition-wrong-type"));
        let msg = e.to_string();
        assert!(msg.contains("`version` is missing"), "{msg}");
        assert!(msg.contains("`dimension_positive` is missing"), "{msg}");
        assert!(msg.contains("`indicator` is missing"), "{msg}");
    }

    #[test]
    fn bad_rules_are_reported() {
        let text = r#"
version = "t"
source = "t"
[rules]
dimension_positive = [{ strong = 0 }, { medium = -1 }]
[rules.presumed_victim]
adult = [[], ["nowhere"]]
child = [["exploitative_conditions"]]
[rules.possible]
min_strong_indicators = 0
"#;
        let c = codes(&Definition::parse(text).unwrap_err());
        for expected in [
            "definition-empty-combination",
            "definition-wrong-type",
            "definition-empty-group",
            "definition-unknown-dimension",
            "definition-not-positive",
        ] {
            assert!(c.contains(&expected), "{expected} missing from {c:?}");
        }
    }

    #[test]
    fn a_list_without_a_dimension_is_refused() {
        let text = format!(
            "{MINI_RULES}\n{}",
            r#"
[[indicator]]
id = "only"
label = { fr = "a", en = "a", es = "a" }
rating = [{ dimension = "exploitative_conditions", adult_labour = "strong" }]
"#
        );
        let e = Definition::parse(&text).unwrap_err();
        assert!(
            e.problems
                .iter()
                .all(|p| p.code() == "definition-list-lacks-dimension")
        );
        // 4 lists x 6 dimensions, less the one covered.
        assert_eq!(e.problems.len(), 23);
        assert!(
            e.to_string()
                .contains("list adult_labour has no indicator in dimension deceptive_recruitment")
        );
    }

    #[test]
    fn tier_combination_counts_exactly() {
        let two_medium_one_weak = TierCombination {
            medium: 2,
            weak: 1,
            ..Default::default()
        };
        assert!(two_medium_one_weak.is_met(0, 2, 1));
        assert!(!two_medium_one_weak.is_met(0, 1, 2));
        let strong_plus_one = TierCombination {
            strong: 1,
            medium_or_weak: 1,
            ..Default::default()
        };
        assert!(strong_plus_one.is_met(1, 0, 1));
        assert!(strong_plus_one.is_met(1, 1, 0));
        assert!(!strong_plus_one.is_met(1, 0, 0));
        let mixed = TierCombination {
            medium: 1,
            medium_or_weak: 1,
            ..Default::default()
        };
        assert!(
            !mixed.is_met(0, 1, 0),
            "the medium counted once cannot also fill medium_or_weak"
        );
        assert!(mixed.is_met(0, 2, 0));
    }
}
