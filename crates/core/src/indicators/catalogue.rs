//! Indicators as files: quantitative ones computed from a [definition](super::syntax), and
//! qualitative ones assessed on a rating scale with evidence and a comment; each with a
//! target and thresholds. The programme KPIs ship in `content/indicators/`, the format is
//! documented in `content/indicators/README.md`.

use super::period::PeriodKind;
use super::plan::{Codes, DefinitionError, QueryPlan, compile};
use super::reader::{Diagnostic, LoadError, Reader, Val, join};
use super::schema::Dimension;
use crate::lang::Lang;
use crate::sop::Localized;
use serde::Serialize;
use std::collections::BTreeSet;
use std::ops::Range;
use toml::de::DeTable;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub id: String,
    pub title: Localized,
    pub description: Option<Localized>,
    pub measure: Measure,
    pub direction: Direction,
    /// What the programme aims at, in the indicator's unit (percent as 0-100) or scale level.
    pub target: Option<f64>,
    pub thresholds: Option<Thresholds>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Quantitative(Box<Quantitative>),
    Qualitative(Qualitative),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantitative {
    /// The definition as written, shown to users beside the figure.
    pub definition: String,
    /// The compiled definition, without breakdown (see [`Quantitative::plan_for`]).
    pub plan: QueryPlan,
    pub unit: Unit,
    /// The period the indicator is usually reported for.
    pub period: PeriodKind,
    /// The dimensions it may be broken down by.
    pub dimensions: Vec<Dimension>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A ratio shown as a percentage: the value is multiplied by 100.
    Percent,
    /// A ratio shown as is (cases per caseworker).
    Ratio,
    Count,
    Days,
    /// A mean score on a form's scale.
    Score,
}

impl Unit {
    const ALL: [Unit; 5] = [
        Unit::Percent,
        Unit::Ratio,
        Unit::Count,
        Unit::Days,
        Unit::Score,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Ratio => "ratio",
            Unit::Count => "count",
            Unit::Days => "days",
            Unit::Score => "score",
        }
    }

    /// The figure shown for a computed value.
    pub fn present(self, value: f64) -> f64 {
        match self {
            Unit::Percent => value * 100.0,
            _ => value,
        }
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Higher,
    Lower,
}

/// Good at or beyond `good`, acceptable at or beyond `acceptable`, poor otherwise ("beyond"
/// in the indicator's [`Direction`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pub good: f64,
    pub acceptable: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Good,
    Acceptable,
    Poor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Qualitative {
    /// Levels numbered from 1 (lowest), each with its meaning.
    pub scale: Vec<Localized>,
    pub evidence_required: bool,
    pub comment_required: bool,
    /// What the assessor is asked, in plain words.
    pub guidance: Option<Localized>,
}

impl Indicator {
    /// Rates a figure (in the indicator's unit, or a scale level) against the thresholds.
    pub fn rate(&self, figure: f64) -> Option<Rating> {
        let t = self.thresholds?;
        let at_least = |bar: f64| match self.direction {
            Direction::Higher => figure >= bar,
            Direction::Lower => figure <= bar,
        };
        Some(if at_least(t.good) {
            Rating::Good
        } else if at_least(t.acceptable) {
            Rating::Acceptable
        } else {
            Rating::Poor
        })
    }

    pub fn title(&self, lang: Lang) -> &str {
        self.title.get(lang)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum IndicatorError {
    #[error("indicator {indicator} cannot be broken down by {dimension}")]
    DimensionNotAllowed {
        indicator: String,
        dimension: Dimension,
    },
    #[error("{0}")]
    Definition(DefinitionError),
}

impl IndicatorError {
    pub fn code(&self) -> &'static str {
        match self {
            IndicatorError::DimensionNotAllowed { .. } => "indicator-dimension-not-allowed",
            IndicatorError::Definition(e) => e.code(),
        }
    }
}

impl Quantitative {
    /// The plan broken down by `dims`, each of which the indicator must allow: a breakdown
    /// not agreed for an indicator may be too fine to publish.
    pub fn plan_for(
        &self,
        indicator: &str,
        dims: &[Dimension],
    ) -> Result<QueryPlan, IndicatorError> {
        if let Some(d) = dims.iter().find(|d| !self.dimensions.contains(d)) {
            return Err(IndicatorError::DimensionNotAllowed {
                indicator: indicator.to_string(),
                dimension: *d,
            });
        }
        let mut plan = self.plan.clone();
        plan.group_by = dims.to_vec();
        Ok(plan)
    }
}

/// A quality assessor's answer to a qualitative indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualitativeAnswer {
    pub level: u32,
    /// References to documents, observations or records that support the level.
    pub evidence: Vec<String>,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum AnswerError {
    #[error("level {level} is not on the scale (1 to {max})")]
    LevelOffScale { level: u32, max: u32 },
    #[error("evidence is required")]
    EvidenceMissing,
    #[error("a comment is required")]
    CommentMissing,
}

impl AnswerError {
    pub fn code(&self) -> &'static str {
        match self {
            AnswerError::LevelOffScale { .. } => "quality-answer-level-off-scale",
            AnswerError::EvidenceMissing => "quality-answer-evidence-missing",
            AnswerError::CommentMissing => "quality-answer-comment-missing",
        }
    }
}

impl Qualitative {
    /// Every problem of an answer at once.
    pub fn check(&self, answer: &QualitativeAnswer) -> Result<(), Vec<AnswerError>> {
        let mut errors = Vec::new();
        let max = self.scale.len() as u32;
        if answer.level < 1 || answer.level > max {
            errors.push(AnswerError::LevelOffScale {
                level: answer.level,
                max,
            });
        }
        if self.evidence_required && answer.evidence.iter().all(|e| e.trim().is_empty()) {
            errors.push(AnswerError::EvidenceMissing);
        }
        if self.comment_required && answer.comment.trim().is_empty() {
            errors.push(AnswerError::CommentMissing);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The scale used when an indicator names none: how far a practice is in place.
pub fn default_scale() -> Vec<Localized> {
    let l = |fr: &str, en: &str, es: &str| Localized {
        fr: fr.to_string(),
        en: en.to_string(),
        es: es.to_string(),
    };
    vec![
        l("Pas en place", "Not in place", "No implementado"),
        l(
            "Partiellement en place",
            "Partly in place",
            "Parcialmente implementado",
        ),
        l(
            "Largement en place",
            "Largely in place",
            "Ampliamente implementado",
        ),
        l(
            "Pleinement en place",
            "Fully in place",
            "Plenamente implementado",
        ),
    ]
}

const INDICATOR_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "description",
    "definition",
    "unit",
    "period",
    "dimensions",
    "direction",
    "target",
    "thresholds",
    "scale",
    "evidence_required",
    "comment_required",
    "guidance",
];

fn unknown(what: &'static str, value: &str, allowed: &[&str]) -> LoadError {
    LoadError::UnknownCode {
        what,
        value: value.to_string(),
        allowed: allowed.join(", "),
    }
}

/// Reads one indicator table. Reports every problem it finds and returns `None` if any.
pub(crate) fn read_indicator(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
    span: &Range<usize>,
    path: &str,
    codes: &Codes,
) -> Option<Indicator> {
    let before = r.diags.len();
    r.only_keys(t, path, INDICATOR_KEYS);
    let id = r
        .required(t, span, path, "id")
        .and_then(|v| r.id(v, &join(path, "id")));
    let title = r.required_localized(t, span, path, "title");
    let description = t
        .get("description")
        .and_then(|v| r.localized(v, &join(path, "description")));
    let kind_v = r.required(t, span, path, "kind");
    let kind = kind_v.and_then(|v| {
        let f = join(path, "kind");
        let s = r.string(v, &f)?;
        match s.as_str() {
            "quantitative" | "qualitative" => Some(s),
            _ => {
                r.report(
                    &v.span(),
                    &f,
                    unknown("kind", &s, &["quantitative", "qualitative"]),
                );
                None
            }
        }
    });
    let direction = match t.get("direction") {
        None => Some(Direction::Higher),
        Some(v) => {
            let f = join(path, "direction");
            r.string(v, &f).and_then(|s| match s.as_str() {
                "higher" => Some(Direction::Higher),
                "lower" => Some(Direction::Lower),
                _ => {
                    r.report(
                        &v.span(),
                        &f,
                        unknown("direction", &s, &["higher", "lower"]),
                    );
                    None
                }
            })
        }
    };
    let target = t
        .get("target")
        .and_then(|v| r.number(v, &join(path, "target")));
    let thresholds = t
        .get("thresholds")
        .and_then(|v| thresholds(r, v, &join(path, "thresholds")));
    if let (Some(d), Some(th), Some(v)) = (direction, thresholds, t.get("thresholds")) {
        let (ok, relation, dir) = match d {
            Direction::Higher => (th.good >= th.acceptable, "at least", "higher"),
            Direction::Lower => (th.good <= th.acceptable, "at most", "lower"),
        };
        if !ok {
            r.report(
                &v.span(),
                &join(path, "thresholds"),
                LoadError::ThresholdOrder {
                    direction: dir,
                    relation,
                    good: th.good.to_string(),
                    acceptable: th.acceptable.to_string(),
                },
            );
        }
    }

    const QUANT_ONLY: &[&str] = &["definition", "unit", "period", "dimensions"];
    const QUAL_ONLY: &[&str] = &["scale", "evidence_required", "comment_required", "guidance"];
    let measure = match kind.as_deref() {
        Some("quantitative") => {
            for key in QUAL_ONLY {
                if let Some(v) = t.get(*key) {
                    let field: &'static str = key;
                    r.report(
                        &v.span(),
                        &join(path, key),
                        LoadError::NotForKind {
                            field,
                            kind: "qualitative",
                        },
                    );
                }
            }
            quantitative(r, t, span, path, codes).map(|q| Measure::Quantitative(Box::new(q)))
        }
        Some(_) => {
            for key in QUANT_ONLY {
                if let Some(v) = t.get(*key) {
                    let field: &'static str = key;
                    r.report(
                        &v.span(),
                        &join(path, key),
                        LoadError::NotForKind {
                            field,
                            kind: "quantitative",
                        },
                    );
                }
            }
            qualitative(r, t, path).map(Measure::Qualitative)
        }
        None => None,
    };
    // A qualitative target or threshold is a level: it must be on the scale.
    if let Some(Measure::Qualitative(q)) = &measure {
        let max = q.scale.len() as f64;
        let mut check = |key: &str, x: f64| {
            if !(1.0..=max).contains(&x) || x.fract() != 0.0 {
                let at = t.get(key).map(|v| v.span()).unwrap_or(span.clone());
                r.report(
                    &at,
                    &join(path, key),
                    LoadError::LevelOffScale(x.to_string()),
                );
            }
        };
        if let Some(x) = target {
            check("target", x);
        }
        if let Some(th) = thresholds {
            check("thresholds", th.good);
            check("thresholds", th.acceptable);
        }
    }
    if r.diags.len() > before {
        return None;
    }
    Some(Indicator {
        id: id?,
        title: title?,
        description,
        measure: measure?,
        direction: direction?,
        target,
        thresholds,
    })
}

fn thresholds(r: &mut Reader<'_>, v: &Val<'_>, field: &str) -> Option<Thresholds> {
    let t = r.table(v, field)?;
    r.only_keys(t, field, &["good", "acceptable"]);
    let span = v.span();
    let good = r
        .required(t, &span, field, "good")
        .and_then(|x| r.number(x, &join(field, "good")));
    let acceptable = r
        .required(t, &span, field, "acceptable")
        .and_then(|x| r.number(x, &join(field, "acceptable")));
    Some(Thresholds {
        good: good?,
        acceptable: acceptable?,
    })
}

fn quantitative(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
    span: &Range<usize>,
    path: &str,
    codes: &Codes,
) -> Option<Quantitative> {
    let unit = r.required(t, span, path, "unit").and_then(|v| {
        let f = join(path, "unit");
        let s = r.string(v, &f)?;
        let found = Unit::ALL.into_iter().find(|u| u.code() == s);
        if found.is_none() {
            let all: Vec<&str> = Unit::ALL.iter().map(|u| u.code()).collect();
            r.report(&v.span(), &f, unknown("unit", &s, &all));
        }
        found
    });
    let period = r.required(t, span, path, "period").and_then(|v| {
        let f = join(path, "period");
        let s = r.string(v, &f)?;
        let found = PeriodKind::from_code(&s).filter(|k| *k != PeriodKind::Custom);
        if found.is_none() {
            r.report(
                &v.span(),
                &f,
                unknown("period", &s, &["month", "quarter", "year"]),
            );
        }
        found
    });
    let dimensions = match t.get("dimensions") {
        None => Some(Vec::new()),
        Some(v) => {
            let f = join(path, "dimensions");
            let items = r.strings(v, &f)?;
            let mut out = Vec::new();
            let mut seen = BTreeSet::new();
            let mut ok = true;
            for (i, (s, sp)) in items.iter().enumerate() {
                let fi = format!("{f}[{i}]");
                match Dimension::from_code(s) {
                    Some(d) if seen.insert(d) => out.push(d),
                    Some(_) => {
                        r.report(sp, &fi, LoadError::DuplicateId(s.clone()));
                        ok = false;
                    }
                    None => {
                        let all: Vec<&str> = Dimension::ALL.iter().map(|d| d.code()).collect();
                        r.report(sp, &fi, unknown("dimension", s, &all));
                        ok = false;
                    }
                }
            }
            ok.then_some(out)
        }
    };
    let def_v = r.required(t, span, path, "definition");
    let definition = def_v.and_then(|v| r.string(v, &join(path, "definition")));
    let plan = match (def_v, &definition, &dimensions) {
        (Some(v), Some(text), Some(dims)) => match compile(text, codes, dims) {
            Ok(mut plan) => {
                plan.group_by.clear();
                Some(plan)
            }
            Err(e) => {
                let field = match e {
                    DefinitionError::DimensionUnavailable { .. } => join(path, "dimensions"),
                    _ => join(path, "definition"),
                };
                let at = match e.position() {
                    Some(p) => r.offset_in_string(v, text, p),
                    None => t
                        .get("dimensions")
                        .map(|d| d.span().start)
                        .unwrap_or(v.span().start),
                };
                r.report_at(at, &field, LoadError::Definition(e));
                None
            }
        },
        _ => None,
    };
    if let (Some(u @ (Unit::Percent | Unit::Ratio)), Some(p), Some(v)) = (unit, &plan, def_v)
        && p.denominator.is_none()
    {
        r.report(
            &v.span(),
            &join(path, "definition"),
            LoadError::NeedsDenominator { unit: u.code() },
        );
        return None;
    }
    Some(Quantitative {
        definition: definition?,
        plan: plan?,
        unit: unit?,
        period: period?,
        dimensions: dimensions?,
    })
}

fn qualitative(r: &mut Reader<'_>, t: &DeTable<'_>, path: &str) -> Option<Qualitative> {
    let scale = match t.get("scale") {
        None => Some(default_scale()),
        Some(v) => {
            let f = join(path, "scale");
            let items = r.tables(v, &f);
            let mut out = Vec::new();
            // Not an array at all was reported by `tables`.
            let mut ok = v.get_ref().as_array().is_some();
            for (i, (lt, lspan, lpath)) in items.iter().enumerate() {
                r.only_keys(lt, lpath, &["level", "label"]);
                let level = r.required(lt, lspan, lpath, "level").and_then(|x| {
                    let n = r.integer(x, &join(lpath, "level"))?;
                    if n != i as i64 + 1 {
                        r.report(&x.span(), &join(lpath, "level"), LoadError::ScaleOrder(n));
                        return None;
                    }
                    Some(n)
                });
                let label = r.required_localized(lt, lspan, lpath, "label");
                match (level, label) {
                    (Some(_), Some(l)) => out.push(l),
                    _ => ok = false,
                }
            }
            if ok && out.len() < 2 {
                r.report(&v.span(), &f, LoadError::ScaleTooShort);
                ok = false;
            }
            ok.then_some(out)
        }
    };
    let evidence_required = match t.get("evidence_required") {
        None => Some(true),
        Some(v) => r.boolean(v, &join(path, "evidence_required")),
    };
    let comment_required = match t.get("comment_required") {
        None => Some(true),
        Some(v) => r.boolean(v, &join(path, "comment_required")),
    };
    let guidance = t
        .get("guidance")
        .and_then(|v| r.localized(v, &join(path, "guidance")));
    Some(Qualitative {
        scale: scale?,
        evidence_required: evidence_required?,
        comment_required: comment_required?,
        guidance,
    })
}

/// Loads indicator files given as `(file name, text)` pairs: each holds `[[indicators]]`
/// tables. Either every indicator loads, or every problem of every file is returned.
pub fn load_indicators(
    files: &[(&str, &str)],
    codes: &Codes,
) -> Result<Vec<Indicator>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut out = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (file, text) in files {
        let mut r = Reader::new(file, text);
        let Some(root) = r.parse() else {
            diags.extend(r.diags);
            continue;
        };
        let t = root.get_ref();
        r.only_keys(t, "", &["indicators"]);
        match t.get("indicators") {
            None => r.report(&(0..0), "indicators", LoadError::Missing),
            Some(v) => {
                for (it, ispan, ipath) in r.tables(v, "indicators") {
                    if let Some(ind) = read_indicator(&mut r, it, &ispan, &ipath, codes) {
                        if !seen.insert(ind.id.clone()) {
                            let at = it.get("id").map(|x| x.span()).unwrap_or(ispan.clone());
                            r.report(
                                &at,
                                &join(&ipath, "id"),
                                LoadError::DuplicateId(ind.id.clone()),
                            );
                        } else {
                            out.push(ind);
                        }
                    }
                }
            }
        }
        diags.extend(r.diags);
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// The programme KPIs shipped in `content/indicators/`, embedded at build time.
pub fn default_indicators() -> Vec<(&'static str, &'static str)> {
    vec![(
        "programme_kpis.toml",
        include_str!("../../../../content/indicators/programme_kpis.toml"),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::evaluate::{Dataset, Outcome, Record, evaluate};
    use crate::indicators::period::Period;
    use crate::indicators::plan::Value;
    use crate::indicators::plan::tests::codes;
    use crate::indicators::schema::Entity;

    fn load(text: &str) -> Result<Vec<Indicator>, Vec<Diagnostic>> {
        load_indicators(&[("test.toml", text)], &codes())
    }

    fn errs(text: &str) -> Vec<Diagnostic> {
        load(text).unwrap_err()
    }

    const TITLE: &str = r#"title = { fr = "Taux", en = "Rate", es = "Tasa" }"#;

    #[test]
    fn the_programme_kpis_validate() {
        let inds = match load_indicators(&default_indicators(), &codes()) {
            Ok(i) => i,
            Err(d) => {
                let all: Vec<String> = d.iter().map(|d| d.to_string()).collect();
                panic!("programme KPIs have problems:\n{}", all.join("\n"));
            }
        };
        let ids: BTreeSet<&str> = inds.iter().map(|i| i.id.as_str()).collect();
        for id in [
            "case_load_per_caseworker",
            "case_closure_rate",
            "median_days_to_closure",
            "assessments_on_time",
            "case_plans_completed_and_approved",
            "follow_ups_per_case",
            "referrals_per_case",
            "services_provided",
            "supervisor_to_caseworker_ratio",
            "satisfaction",
            "reporting_delay",
            "high_risk_child_protection_assessed_on_time",
            "median_days_to_case_plan",
            "referral_completion_rate",
            "outreach_registration_rate",
            "staff_trained_on_their_sop",
        ] {
            assert!(ids.contains(id), "missing KPI {id}");
        }
        assert!(
            inds.iter()
                .all(|i| matches!(i.measure, Measure::Quantitative(_)))
        );
    }

    #[test]
    fn a_kpi_computes_on_records() {
        let inds = load_indicators(&default_indicators(), &codes()).unwrap();
        let ind = inds
            .iter()
            .find(|i| i.id == "referral_completion_rate")
            .unwrap();
        let Measure::Quantitative(q) = &ind.measure else {
            panic!()
        };
        let mut data = Dataset::default();
        let d = |s: &str| Value::Date(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
        for (status, sex) in [
            ("completed", "female"),
            ("rejected", "female"),
            ("completed", "male"),
            ("requested", "male"),
        ] {
            data.insert(
                Entity::Referrals,
                Record::new()
                    .with("referred_at", d("2025-02-01"))
                    .with("status", Value::text(status))
                    .with("sex", Value::text(sex)),
            );
        }
        let range = Period::Quarter {
            year: 2025,
            quarter: 1,
        }
        .range()
        .unwrap();
        let plan = q.plan_for(&ind.id, &[Dimension::Sex]).unwrap();
        let res = evaluate(&plan, &data, range);
        assert_eq!(res.len(), 2);
        let total = evaluate(&q.plan, &data, range);
        let v = total[0].outcome.value().unwrap();
        assert_eq!(q.unit.present(v), 50.0);
        assert_eq!(ind.rate(50.0), Some(Rating::Poor));
        let e = q.plan_for(&ind.id, &[Dimension::NationalityGroup]);
        if !q.dimensions.contains(&Dimension::NationalityGroup) {
            assert_eq!(e.unwrap_err().code(), "indicator-dimension-not-allowed");
        }
        assert!(matches!(total[0].outcome, Outcome::Value(_)));
    }

    #[test]
    fn reports_every_problem_with_line_and_field() {
        let text = format!(
            r#"
[[indicators]]
id = "Bad Id"
kind = "quantitative"
{TITLE}
definition = 'count(cases where riks = "high")'
unit = "percent"
period = "fortnight"

[[indicators]]
id = "ok_but_qualitative_fields"
kind = "quantitative"
{TITLE}
definition = "count(cases)"
unit = "count"
period = "month"
scale = []
colour = "red"
"#
        );
        let d = errs(&text);
        let find = |code: &str| {
            d.iter()
                .find(|x| x.code() == code)
                .unwrap_or_else(|| panic!("{code} in {d:#?}"))
        };
        let id = find("quality-invalid-id");
        assert_eq!((id.line, id.field.as_str()), (3, "indicators[0].id"));
        let def = find("indicator-unknown-field");
        // Points at `riks` inside the literal string: column of the quote + 19.
        assert_eq!(
            (def.line, def.column, def.field.as_str()),
            (6, 33, "indicators[0].definition")
        );
        let p = find("quality-unknown-code");
        assert_eq!((p.line, p.field.as_str()), (8, "indicators[0].period"));
        let k = find("quality-not-for-kind");
        assert_eq!((k.line, k.field.as_str()), (17, "indicators[1].scale"));
        let u = find("quality-unknown-field");
        assert_eq!((u.line, u.field.as_str()), (18, "indicators[1].colour"));
        assert_eq!(d.len(), 5, "{d:#?}");
        assert_eq!(
            id.to_string(),
            "test.toml:3:6: indicators[0].id: invalid identifier \"Bad Id\": use lowercase letters, digits and underscores [quality-invalid-id]"
        );
    }

    #[test]
    fn missing_fields_duplicates_and_syntax() {
        let d = errs("[[indicators]]\nid = \"a\"\nkind = \"quantitative\"\n");
        let fields: Vec<&str> = d.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "indicators[0].title",
                "indicators[0].unit",
                "indicators[0].period",
                "indicators[0].definition"
            ]
        );
        assert!(d.iter().all(|x| x.code() == "quality-missing"));
        let one = format!(
            "[[indicators]]\nid = \"a\"\nkind = \"quantitative\"\n{TITLE}\ndefinition = \"count(cases)\"\nunit = \"count\"\nperiod = \"year\"\n"
        );
        let d = errs(&format!("{one}{one}"));
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code(), d[0].line), ("quality-duplicate-id", 9));
        let d = errs("[[indicators]\nid = 1");
        assert_eq!(d[0].code(), "quality-syntax");
        assert_eq!(d[0].line, 1);
    }

    #[test]
    fn percent_needs_a_denominator_and_dimensions_must_fit() {
        let base = format!(
            "[[indicators]]\nid = \"a\"\nkind = \"quantitative\"\n{TITLE}\nperiod = \"year\"\n"
        );
        let d = errs(&format!(
            "{base}definition = \"count(cases)\"\nunit = \"percent\"\n"
        ));
        assert_eq!(d[0].code(), "quality-needs-denominator");
        let d = errs(&format!(
            "{base}definition = \"count(outreach_activities)\"\nunit = \"count\"\ndimensions = [\"sex\", \"area\"]\n"
        ));
        assert_eq!(d[0].code(), "indicator-dimension-unavailable");
        assert_eq!(
            (d[0].line, d[0].field.as_str()),
            (8, "indicators[0].dimensions")
        );
        let d = errs(&format!(
            "{base}definition = \"count(cases)\"\nunit = \"count\"\ndimensions = [\"sex\", \"sex\", \"colour\"]\n"
        ));
        let codes: Vec<&str> = d.iter().map(|x| x.code()).collect();
        assert_eq!(codes, vec!["quality-duplicate-id", "quality-unknown-code"]);
    }

    #[test]
    fn thresholds_and_rating() {
        let base = format!(
            "[[indicators]]\nid = \"a\"\nkind = \"quantitative\"\n{TITLE}\nperiod = \"year\"\ndefinition = \"median(days(opened_at, closed_at) of cases)\"\nunit = \"days\"\n"
        );
        let d = errs(&format!(
            "{base}direction = \"lower\"\nthresholds = {{ good = 60, acceptable = 30 }}\n"
        ));
        assert_eq!(d[0].code(), "quality-threshold-order");
        let d = errs(&format!("{base}direction = \"sideways\"\ntarget = nan\n"));
        let codes: Vec<&str> = d.iter().map(|x| x.code()).collect();
        assert_eq!(codes, vec!["quality-unknown-code", "quality-not-finite"]);
        let inds = load(&format!("{base}direction = \"lower\"\ntarget = 30\nthresholds = {{ good = 30, acceptable = 60.5 }}\n")).unwrap();
        let i = &inds[0];
        assert_eq!(i.target, Some(30.0));
        assert_eq!(i.rate(30.0), Some(Rating::Good));
        assert_eq!(i.rate(45.0), Some(Rating::Acceptable));
        assert_eq!(i.rate(60.5), Some(Rating::Acceptable));
        assert_eq!(i.rate(61.0), Some(Rating::Poor));
    }

    #[test]
    fn qualitative_indicators_and_answers() {
        let base = format!("[[indicators]]\nid = \"q\"\nkind = \"qualitative\"\n{TITLE}\n");
        let inds = load(&format!(
            "{base}target = 3\nthresholds = {{ good = 3, acceptable = 2 }}\n"
        ))
        .unwrap();
        let Measure::Qualitative(q) = &inds[0].measure else {
            panic!()
        };
        assert_eq!(q.scale.len(), 4);
        assert!(q.evidence_required && q.comment_required);
        assert_eq!(inds[0].rate(2.0), Some(Rating::Acceptable));
        let ok = QualitativeAnswer {
            level: 3,
            evidence: vec!["minutes 2025-03".into()],
            comment: "in place".into(),
        };
        assert_eq!(q.check(&ok), Ok(()));
        let bad = QualitativeAnswer {
            level: 5,
            evidence: vec![" ".into()],
            comment: "".into(),
        };
        let e = q.check(&bad).unwrap_err();
        let codes: Vec<&str> = e.iter().map(|x| x.code()).collect();
        assert_eq!(
            codes,
            vec![
                "quality-answer-level-off-scale",
                "quality-answer-evidence-missing",
                "quality-answer-comment-missing"
            ]
        );
        assert!(
            q.check(&QualitativeAnswer {
                level: 0,
                ..ok.clone()
            })
            .is_err()
        );
        // A custom scale, numbered in order; a target off the scale; quantitative-only keys.
        let scale = r#"scale = [
  { level = 1, label = { fr = "Non", en = "No", es = "No" } },
  { level = 3, label = { fr = "Oui", en = "Yes", es = "Sí" } },
]"#;
        let d = errs(&format!("{base}{scale}\ntarget = 9\nunit = \"count\"\n"));
        let codes: Vec<&str> = d.iter().map(|x| x.code()).collect();
        assert_eq!(
            codes,
            vec!["quality-not-for-kind", "quality-scale-order"],
            "{d:#?}"
        );
        let d = errs(&format!("{base}target = 9\n"));
        assert_eq!(d[0].code(), "quality-level-off-scale");
        let two = r#"scale = [
  { level = 1, label = { fr = "Non", en = "No", es = "No" } },
  { level = 2, label = { fr = "Oui", en = "Yes", es = "Sí" } },
]
evidence_required = false
comment_required = false"#;
        let inds = load(&format!("{base}{two}\n")).unwrap();
        let Measure::Qualitative(q) = &inds[0].measure else {
            panic!()
        };
        assert_eq!(q.scale[1].en, "Yes");
        assert_eq!(
            q.check(&QualitativeAnswer {
                level: 2,
                evidence: vec![],
                comment: String::new()
            }),
            Ok(())
        );
        let d = errs(&format!(
            "{base}scale = [{{ level = 1, label = {{ fr = \"a\", en = \"b\", es = \"c\" }} }}]\n"
        ));
        assert_eq!(d[0].code(), "quality-scale-too-short");
        let d = errs(&format!("{base}scale = []\n"));
        assert_eq!(d[0].code(), "quality-scale-too-short");
        let d = errs(&format!("{base}scale = \"four\"\n"));
        assert_eq!(
            d.iter().map(|x| x.code()).collect::<Vec<_>>(),
            vec!["quality-wrong-type"]
        );
    }
}
