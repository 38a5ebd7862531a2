//! The semantics of a [`QueryPlan`]: figures computed as records go past ([`Tally`]), or over
//! records held in memory ([`evaluate`]).
//!
//! The store reads its records with SQL and streams them through tallies. The rules, chosen
//! to be what SQL does so that a plan could also be written as one query:
//! - A missing field is null. Logic is three-valued (SQL's): a comparison with null is
//!   unknown, `not unknown` is unknown, `false and unknown` is false, `true or unknown` is
//!   true; a record is counted only when every predicate is true.
//! - `x in (...)` with `x` null is unknown; `is null` is never unknown.
//! - A record falls in the period by its anchor date (`start <= d <= end`, a null date never
//!   does), or for `on a..b` when `a <= end` and (`b` is null or `b >= start`).
//! - `count` counts records; `count_distinct`, `sum`, `mean`, `median` skip null values.
//!   `sum` of nothing is 0 (the store writes `COALESCE(SUM(x), 0)`); `mean` and `median` of
//!   nothing are not computable. `median` of an even number of values is the mean of the two
//!   middle ones (PostgreSQL's `percentile_cont(0.5)`).
//! - `days(a, b)` is the number of days from `a` to `b`, negative if `b` is earlier.
//! - A ratio whose denominator is 0 is not computable: results are never NaN or infinite.
//! - Groups: records group by the values of the plan's dimensions (nulls form one group, as
//!   in SQL's `GROUP BY`); a group present in only one of numerator and denominator still
//!   appears, its other side being empty.

use super::period::DateRange;
use super::plan::{
    AggregatePlan, Aggregation, FieldRef, PeriodAnchor, Predicate, QueryPlan, Term, Value,
};
use super::schema::{Dimension, Entity};
use super::syntax::CompareOp;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// One record: its fields by name, and for a case, its steps' fields by step id. Field names
/// are the schema's (`'static`): a million records do not each carry copies of their names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub fields: BTreeMap<&'static str, Value>,
    pub steps: BTreeMap<String, BTreeMap<&'static str, Value>>,
}

impl Record {
    pub fn new() -> Record {
        Record::default()
    }

    pub fn with(mut self, field: &'static str, value: Value) -> Record {
        self.fields.insert(field, value);
        self
    }

    pub fn with_step(mut self, step: &str, field: &'static str, value: Value) -> Record {
        self.steps
            .entry(step.to_string())
            .or_default()
            .insert(field, value);
        self
    }

    fn get(&self, f: &FieldRef) -> &Value {
        let found = match &f.step {
            None => self.fields.get(f.field),
            Some(step) => self.steps.get(step).and_then(|s| s.get(f.field)),
        };
        found.unwrap_or(&Value::Null)
    }
}

/// Records by entity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dataset {
    pub records: BTreeMap<Entity, Vec<Record>>,
}

impl Dataset {
    pub fn insert(&mut self, entity: Entity, record: Record) {
        self.records.entry(entity).or_default().push(record);
    }
}

/// Why a figure has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotComputable {
    /// The denominator is zero: nothing to divide by.
    ZeroDenominator,
    /// A mean or median over no values.
    NoValues,
    /// The figure does not fit a finite number.
    Overflow,
}

impl NotComputable {
    pub fn code(self) -> &'static str {
        match self {
            NotComputable::ZeroDenominator => "indicator-zero-denominator",
            NotComputable::NoValues => "indicator-no-values",
            NotComputable::Overflow => "indicator-overflow",
        }
    }
}

/// One side of an indicator: the aggregate's value and how many records it rests on (the
/// count small-cell suppression looks at).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Aggregated {
    pub value: Result<f64, NotComputable>,
    pub records: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Value(f64),
    NotComputable(NotComputable),
}

impl Outcome {
    pub fn value(self) -> Option<f64> {
        match self {
            Outcome::Value(v) => Some(v),
            Outcome::NotComputable(_) => None,
        }
    }
}

/// The result for one group (or for everything, when the plan has no dimensions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupResult {
    pub group: Vec<(Dimension, Value)>,
    pub numerator: Aggregated,
    pub denominator: Option<Aggregated>,
    /// numerator / denominator, or the numerator alone for a plan without a denominator.
    pub outcome: Outcome,
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        // Null, or values of different types (a record the schema does not describe): unknown.
        _ => None,
    }
}

fn term(t: &Term, r: &Record) -> Value {
    match t {
        Term::Field(f) => r.get(f).clone(),
        Term::Literal(v) => v.clone(),
        Term::DaysBetween { from, to } => match (r.get(from), r.get(to)) {
            (Value::Date(a), Value::Date(b)) => Value::Int((*b - *a).num_days()),
            _ => Value::Null,
        },
    }
}

/// Three-valued truth: `None` is SQL's unknown.
fn truth(p: &Predicate, r: &Record) -> Option<bool> {
    match p {
        Predicate::Compare { left, op, right } => {
            let ord = compare(&term(left, r), &term(right, r))?;
            Some(match op {
                CompareOp::Eq => ord == Ordering::Equal,
                CompareOp::Ne => ord != Ordering::Equal,
                CompareOp::Lt => ord == Ordering::Less,
                CompareOp::Le => ord != Ordering::Greater,
                CompareOp::Gt => ord == Ordering::Greater,
                CompareOp::Ge => ord != Ordering::Less,
            })
        }
        Predicate::In {
            term: t,
            values,
            negated,
        } => {
            let v = term(t, r);
            if v == Value::Null {
                return None;
            }
            let found = values
                .iter()
                .any(|x| compare(&v, x) == Some(Ordering::Equal));
            Some(found != *negated)
        }
        Predicate::IsNull { term: t, negated } => Some((term(t, r) == Value::Null) != *negated),
        Predicate::IsTrue(t) => match term(t, r) {
            Value::Bool(b) => Some(b),
            _ => None,
        },
        Predicate::Not(inner) => truth(inner, r).map(|b| !b),
        Predicate::And(items) => {
            let mut unknown = false;
            for i in items {
                match truth(i, r) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown { None } else { Some(true) }
        }
        Predicate::Or(items) => {
            let mut unknown = false;
            for i in items {
                match truth(i, r) {
                    Some(true) => return Some(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown { None } else { Some(false) }
        }
    }
}

fn in_period(anchor: &PeriodAnchor, r: &Record, range: &DateRange) -> bool {
    match anchor {
        PeriodAnchor::At(f) => matches!(r.get(f), Value::Date(d) if range.contains(*d)),
        PeriodAnchor::Overlaps { start, end } => {
            let Value::Date(s) = r.get(start) else {
                return false;
            };
            let ends_after_start = match r.get(end) {
                Value::Date(e) => *e >= range.start,
                Value::Null => true,
                _ => false,
            };
            *s <= range.end && ends_after_start
        }
    }
}

/// What one group of one side of a figure holds while records go past: how many records it
/// counts, and only what its aggregation needs (the distinct values, a sum, or the numbers
/// for a median) — never the records themselves.
#[derive(Debug)]
struct Side {
    records: u64,
    values: Values,
}

#[derive(Debug)]
enum Values {
    Count,
    Distinct(BTreeSet<Value>),
    /// The sum of the numbers seen and how many there were (a sum, or a mean).
    Sum { sum: i128, n: u64 },
    Numbers(Vec<i64>),
}

impl Side {
    fn new(a: &Aggregation) -> Side {
        let values = match a {
            Aggregation::Count => Values::Count,
            Aggregation::CountDistinct(_) => Values::Distinct(BTreeSet::new()),
            Aggregation::Sum(_) | Aggregation::Mean(_) => Values::Sum { sum: 0, n: 0 },
            Aggregation::Median(_) => Values::Numbers(Vec::new()),
        };
        Side { records: 0, values }
    }

    fn add(&mut self, a: &Aggregation, r: &Record) {
        self.records += 1;
        let number = |t: &Term| match term(t, r) {
            Value::Int(n) => Some(n),
            _ => None,
        };
        match (a, &mut self.values) {
            (Aggregation::CountDistinct(t), Values::Distinct(seen)) => {
                let v = term(t, r);
                if v != Value::Null {
                    seen.insert(v);
                }
            }
            (Aggregation::Sum(t) | Aggregation::Mean(t), Values::Sum { sum, n }) => {
                if let Some(x) = number(t) {
                    *sum += i128::from(x);
                    *n += 1;
                }
            }
            (Aggregation::Median(t), Values::Numbers(xs)) => xs.extend(number(t)),
            _ => {}
        }
    }

    fn aggregated(self, a: &Aggregation) -> Aggregated {
        let value = match (a, self.values) {
            (Aggregation::Count, _) => Ok(self.records as f64),
            (_, Values::Distinct(seen)) => Ok(seen.len() as f64),
            (Aggregation::Mean(_), Values::Sum { n: 0, .. }) => Err(NotComputable::NoValues),
            (Aggregation::Mean(_), Values::Sum { sum, n }) => finite(sum as f64 / n as f64),
            (_, Values::Sum { sum, .. }) => finite(sum as f64),
            (_, Values::Numbers(mut xs)) => {
                xs.sort_unstable();
                let k = xs.len();
                if k == 0 {
                    Err(NotComputable::NoValues)
                } else if k % 2 == 1 {
                    Ok(xs[k / 2] as f64)
                } else {
                    finite((xs[k / 2 - 1] as f64 + xs[k / 2] as f64) / 2.0)
                }
            }
            (_, Values::Count) => Ok(self.records as f64),
        };
        Aggregated { value, records: self.records }
    }
}

fn finite(x: f64) -> Result<f64, NotComputable> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(NotComputable::Overflow)
    }
}

/// One figure (a plan over a period) computed as records go past: each record is looked at
/// once and let go, so computing holds the groups' counts and values rather than every
/// record. The store reads each entity's records once for many figures at a time, handing
/// every record to each figure's tally ([`Tally::add`]); [`evaluate`] does the same over
/// records held in memory.
#[derive(Debug)]
pub struct Tally<'p> {
    plan: &'p QueryPlan,
    range: DateRange,
    numerator: BTreeMap<Vec<Value>, Side>,
    denominator: BTreeMap<Vec<Value>, Side>,
}

impl<'p> Tally<'p> {
    pub fn new(plan: &'p QueryPlan, range: DateRange) -> Tally<'p> {
        Tally { plan, range, numerator: BTreeMap::new(), denominator: BTreeMap::new() }
    }

    /// Counts `r`, a record of `entity`, on each side of the figure that counts that entity,
    /// if it falls in the period and meets the side's conditions.
    pub fn add(&mut self, entity: Entity, r: &Record) {
        let (plan, range) = (self.plan, &self.range);
        if plan.numerator.entity == entity {
            fold(&mut self.numerator, &plan.numerator, &plan.group_by, range, r);
        }
        if let Some(d) = plan.denominator.as_ref().filter(|d| d.entity == entity) {
            fold(&mut self.denominator, d, &plan.group_by, range, r);
        }
    }

    /// The figure of each group.
    pub fn finish(self) -> Vec<GroupResult> {
        let plan = self.plan;
        let dims = &plan.group_by;
        let mut keys: BTreeSet<Vec<Value>> = self.numerator.keys().cloned().collect();
        if plan.denominator.is_some() {
            keys.extend(self.denominator.keys().cloned());
        }
        // Without dimensions there is always exactly one result, even over no records.
        if dims.is_empty() {
            keys.insert(Vec::new());
        }
        let (mut num, mut den) = (self.numerator, self.denominator);
        keys.into_iter()
            .map(|key| {
                let side = |groups: &mut BTreeMap<Vec<Value>, Side>, a: &AggregatePlan| {
                    groups.remove(&key).unwrap_or_else(|| Side::new(&a.aggregation)).aggregated(&a.aggregation)
                };
                let numerator = side(&mut num, &plan.numerator);
                let denominator = plan.denominator.as_ref().map(|d| side(&mut den, d));
                let outcome = match (numerator.value, denominator.map(|d| d.value)) {
                    (Err(e), _) | (_, Some(Err(e))) => Outcome::NotComputable(e),
                    (Ok(n), None) => Outcome::Value(n),
                    (Ok(_), Some(Ok(0.0))) => Outcome::NotComputable(NotComputable::ZeroDenominator),
                    (Ok(n), Some(Ok(d))) => match finite(n / d) {
                        Ok(v) => Outcome::Value(v),
                        Err(e) => Outcome::NotComputable(e),
                    },
                };
                GroupResult {
                    group: dims.iter().copied().zip(key).collect(),
                    numerator,
                    denominator,
                    outcome,
                }
            })
            .collect()
    }
}

/// Counts `r` in its group of one side, if it falls in the period and meets every condition.
fn fold(groups: &mut BTreeMap<Vec<Value>, Side>, side: &AggregatePlan, dims: &[Dimension], range: &DateRange, r: &Record) {
    if !in_period(&side.anchor, r, range) || !side.predicates.iter().all(|p| truth(p, r) == Some(true)) {
        return;
    }
    let key: Vec<Value> = dims
        .iter()
        .map(|d| r.fields.get(d.code()).cloned().unwrap_or(Value::Null))
        .collect();
    groups
        .entry(key)
        .or_insert_with(|| Side::new(&side.aggregation))
        .add(&side.aggregation, r);
}

/// Runs a plan on the records for one period.
pub fn evaluate(plan: &QueryPlan, data: &Dataset, range: DateRange) -> Vec<GroupResult> {
    let mut tally = Tally::new(plan, range);
    for (entity, records) in &data.records {
        for r in records {
            tally.add(*entity, r);
        }
    }
    tally.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::period::Period;
    use crate::indicators::plan::compile;
    use crate::indicators::plan::tests::codes;
    use chrono::NaiveDate;

    fn d(s: &str) -> Value {
        Value::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }
    fn t(s: &str) -> Value {
        Value::text(s)
    }
    fn q1() -> DateRange {
        Period::Quarter {
            year: 2025,
            quarter: 1,
        }
        .range()
        .unwrap()
    }

    fn case(sex: &str, risk: &str, opened: &str, met: Option<bool>) -> Record {
        let mut r = Record::new()
            .with("sop", t("child_protection"))
            .with("risk", t(risk))
            .with("sex", t(sex))
            .with("opened_at", d(opened))
            .with("status", t("open"));
        if let Some(m) = met {
            r = r.with_step("initial_assessment", "met_deadline", Value::Bool(m));
        }
        r
    }

    fn run(text: &str, dims: &[Dimension], data: &Dataset) -> Vec<GroupResult> {
        let plan = compile(text, &codes(), dims).unwrap();
        evaluate(&plan, data, q1())
    }

    fn one(text: &str, data: &Dataset) -> Outcome {
        let r = run(text, &[], data);
        assert_eq!(r.len(), 1);
        r[0].outcome
    }

    const HIGH_RISK_ON_TIME: &str = r#"count(cases where sop = "child_protection" and risk in ("high","critical") and step("initial_assessment").met_deadline) / count(cases where sop = "child_protection" and risk in ("high","critical"))"#;

    fn cp_data() -> Dataset {
        let mut data = Dataset::default();
        for r in [
            case("female", "high", "2025-01-10", Some(true)),
            case("female", "critical", "2025-02-01", Some(false)),
            case("male", "high", "2025-03-31", Some(true)),
            case("male", "critical", "2025-03-15", None), // step not recorded: unknown
            case("male", "low", "2025-01-05", Some(true)), // not high risk
            case("female", "high", "2025-04-01", Some(true)), // next quarter
            case("female", "high", "2024-12-31", Some(true)), // previous quarter
        ] {
            data.insert(Entity::Cases, r);
        }
        data
    }

    #[test]
    fn the_example_ratio_on_records() {
        let r = run(HIGH_RISK_ON_TIME, &[], &cp_data());
        assert_eq!(r[0].numerator.records, 2);
        assert_eq!(r[0].denominator.unwrap().records, 4);
        assert_eq!(r[0].outcome, Outcome::Value(0.5));
    }

    #[test]
    fn groups_by_dimension() {
        let r = run(HIGH_RISK_ON_TIME, &[Dimension::Sex], &cp_data());
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].group, vec![(Dimension::Sex, t("female"))]);
        assert_eq!(r[0].outcome, Outcome::Value(0.5));
        assert_eq!(r[1].group, vec![(Dimension::Sex, t("male"))]);
        assert_eq!(r[1].outcome, Outcome::Value(0.5));
    }

    #[test]
    fn empty_denominator_is_not_computable_never_nan() {
        let r = run(HIGH_RISK_ON_TIME, &[], &Dataset::default());
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0].outcome,
            Outcome::NotComputable(NotComputable::ZeroDenominator)
        );
        assert_eq!(r[0].numerator.value, Ok(0.0));
        // A group seen only in the numerator has a zero denominator too.
        let mut data = Dataset::default();
        data.insert(
            Entity::Cases,
            case("female", "high", "2025-01-10", Some(true)).with("closed_at", d("2025-02-01")),
        );
        let r = run(
            "count(cases on closed_at) / count(cases where status = \"closed\")",
            &[Dimension::Sex],
            &data,
        );
        assert_eq!(
            r[0].outcome,
            Outcome::NotComputable(NotComputable::ZeroDenominator)
        );
        assert_eq!(
            one(
                "median(days(opened_at, closed_at) of cases where status = \"transferred\")",
                &data
            ),
            Outcome::NotComputable(NotComputable::NoValues)
        );
        assert_eq!(
            one("mean(follow_ups of cases)", &data),
            Outcome::NotComputable(NotComputable::NoValues)
        );
        assert_eq!(one("sum(follow_ups of cases)", &data), Outcome::Value(0.0));
        assert_eq!(
            NotComputable::ZeroDenominator.code(),
            "indicator-zero-denominator"
        );
    }

    fn numbers_data() -> Dataset {
        let mut data = Dataset::default();
        for (opened, closed, fu, cw) in [
            ("2025-01-01", Some("2025-01-11"), Some(2), "a"),
            ("2025-01-05", Some("2025-01-06"), Some(5), "a"),
            ("2025-02-01", Some("2025-03-03"), None, "b"),
            ("2025-03-01", None, Some(1), "c"),
        ] {
            let mut r = Record::new()
                .with("opened_at", d(opened))
                .with("caseworker_id", t(cw));
            if let Some(c) = closed {
                r = r.with("closed_at", d(c)).with("status", t("closed"));
            } else {
                r = r.with("status", t("open"));
            }
            if let Some(n) = fu {
                r = r.with("follow_ups", Value::Int(n));
            }
            data.insert(Entity::Cases, r);
        }
        data
    }

    #[test]
    fn a_tally_fed_records_in_any_order_gives_the_same_figures() {
        // The store hands records over in pages, entity after entity, to many tallies at once:
        // the order, and records of entities a figure does not count, change nothing.
        let data = numbers_data();
        let mut records: Vec<(Entity, Record)> = data.records[&Entity::Cases]
            .iter()
            .map(|r| (Entity::Cases, r.clone()))
            .collect();
        records.push((Entity::Staff, Record::new().with("opened_at", d("2025-01-02")).with("follow_ups", Value::Int(100))));
        for text in [
            "count(cases)",
            "median(follow_ups of cases) / count(cases)",
            "sum(follow_ups of cases)",
            "mean(days(opened_at, closed_at) of cases where status = \"closed\")",
            "count(cases) / count_distinct(caseworker_id of cases)",
        ] {
            let plan = compile(text, &codes(), &[]).unwrap();
            let forward = {
                let mut t = Tally::new(&plan, q1());
                records.iter().for_each(|(e, r)| t.add(*e, r));
                t.finish()
            };
            let backward = {
                let mut t = Tally::new(&plan, q1());
                records.iter().rev().for_each(|(e, r)| t.add(*e, r));
                t.finish()
            };
            assert_eq!(forward, backward, "{text}");
            assert_eq!(forward, evaluate(&plan, &data, q1()), "{text}");
        }
    }

    #[test]
    fn aggregations() {
        let data = numbers_data();
        assert_eq!(one("count(cases)", &data), Outcome::Value(4.0));
        assert_eq!(
            one("count_distinct(caseworker_id of cases)", &data),
            Outcome::Value(3.0)
        );
        assert_eq!(one("sum(follow_ups of cases)", &data), Outcome::Value(8.0));
        // Nulls are skipped: (2 + 5 + 1) / 3.
        assert_eq!(
            one("mean(follow_ups of cases)", &data),
            Outcome::Value(8.0 / 3.0)
        );
        // Durations 10, 1, 30 (the open case has none): median 10.
        assert_eq!(
            one("median(days(opened_at, closed_at) of cases)", &data),
            Outcome::Value(10.0)
        );
        // Even count: the mean of the two middle values (1 and 10).
        assert_eq!(
            one(
                "median(days(opened_at, closed_at) of cases where follow_ups is not null or status = \"open\")",
                &data
            ),
            Outcome::Value(5.5)
        );
        assert_eq!(
            one(
                "count(cases) / count_distinct(caseworker_id of cases)",
                &data
            ),
            Outcome::Value(4.0 / 3.0)
        );
    }

    #[test]
    fn each_operator_on_records() {
        let data = numbers_data();
        for (filter, expected) in [
            ("follow_ups = 2", 1.0),
            ("follow_ups != 2", 2.0), // the null one is unknown, not "different"
            ("follow_ups < 2", 1.0),
            ("follow_ups <= 2", 2.0),
            ("follow_ups > 2", 1.0),
            ("follow_ups >= 2", 2.0),
            ("follow_ups in (1, 5)", 2.0),
            ("follow_ups not in (1, 5)", 1.0),
            ("follow_ups is null", 1.0),
            ("follow_ups is not null", 3.0),
            ("not follow_ups = 2", 2.0),
            ("closed_at > opened_at", 3.0),
            ("days(opened_at, closed_at) >= 10", 2.0),
            ("opened_at >= date(\"2025-02-01\")", 2.0),
            ("caseworker_id = \"a\" and follow_ups > 3", 1.0),
            ("caseworker_id = \"c\" or follow_ups > 3", 2.0),
            ("status = \"open\"", 1.0),
        ] {
            let text = format!("count(cases where {filter})");
            assert_eq!(one(&text, &data), Outcome::Value(expected), "{filter}");
        }
    }

    #[test]
    fn three_valued_logic_matches_sql() {
        let data = numbers_data();
        // follow_ups null: `follow_ups > 3` is unknown; `unknown or true` is true.
        assert_eq!(
            one(
                "count(cases where follow_ups > 3 or status = \"closed\")",
                &data
            ),
            Outcome::Value(3.0)
        );
        // `unknown and false` is false, `not unknown` stays unknown.
        assert_eq!(
            one(
                "count(cases where not (follow_ups > 3 and status = \"open\"))",
                &data
            ),
            Outcome::Value(4.0)
        );
        assert_eq!(
            one("count(cases where not (follow_ups > 3))", &data),
            Outcome::Value(2.0)
        );
        // A boolean field that is null is not true, and neither is its negation.
        let mut d2 = Dataset::default();
        d2.insert(
            Entity::Cases,
            Record::new().with("opened_at", d("2025-01-01")),
        );
        assert_eq!(
            one("count(cases where plan_completed)", &d2),
            Outcome::Value(0.0)
        );
        assert_eq!(
            one("count(cases where not plan_completed)", &d2),
            Outcome::Value(0.0)
        );
        assert_eq!(
            one("count(cases where plan_completed is null)", &d2),
            Outcome::Value(1.0)
        );
        assert_eq!(
            one("count(cases where risk in (\"high\"))", &d2),
            Outcome::Value(0.0)
        );
        assert_eq!(
            one("count(cases where risk not in (\"high\"))", &d2),
            Outcome::Value(0.0)
        );
    }

    proptest::proptest! {
        /// Whatever the records, a figure is a finite number or says why it is not computable.
        #[test]
        fn figures_are_finite_or_not_computable(
            rows in proptest::collection::vec((0i64..4, proptest::option::of(-5i64..50), 0i64..120, proptest::option::of(0i64..200)), 0..30)
        ) {
            let mut data = Dataset::default();
            let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
            for (sex, fu, opened, closed) in rows {
                let mut r = Record::new()
                    .with("sex", t(["female", "male", "other", "unknown"][sex as usize]))
                    .with("opened_at", Value::Date(base + chrono::Days::new(opened as u64)));
                if let Some(f) = fu {
                    r = r.with("follow_ups", Value::Int(f));
                }
                if let Some(c) = closed {
                    r = r.with("closed_at", Value::Date(base + chrono::Days::new(c as u64)));
                }
                data.insert(Entity::Cases, r);
            }
            for text in [
                "sum(follow_ups of cases) / count(cases where closed_at is not null)",
                "mean(follow_ups of cases where follow_ups > 10) / median(days(opened_at, closed_at) of cases)",
                "median(days(opened_at, closed_at) of cases on opened_at..closed_at)",
            ] {
                for r in run(text, &[Dimension::Sex], &data) {
                    match r.outcome {
                        Outcome::Value(v) => proptest::prop_assert!(v.is_finite()),
                        Outcome::NotComputable(_) => {}
                    }
                }
            }
        }
    }

    #[test]
    fn period_anchors() {
        let data = numbers_data();
        // Closed in Q1: 3; opened in Q1: 4.
        assert_eq!(one("count(cases on closed_at)", &data), Outcome::Value(3.0));
        // Cases open at some time in February: the one opened in Feb, the one closed on 3 March.
        let feb = Period::Month {
            year: 2025,
            month: 2,
        }
        .range()
        .unwrap();
        let plan = compile("count(cases on opened_at..closed_at)", &codes(), &[]).unwrap();
        assert_eq!(evaluate(&plan, &data, feb)[0].outcome, Outcome::Value(1.0));
        let march = Period::Month {
            year: 2025,
            month: 3,
        }
        .range()
        .unwrap();
        // In March: the case closed on 3 March and the still-open one opened on 1 March.
        assert_eq!(
            evaluate(&plan, &data, march)[0].outcome,
            Outcome::Value(2.0)
        );
        let jan = Period::Month {
            year: 2025,
            month: 1,
        }
        .range()
        .unwrap();
        assert_eq!(evaluate(&plan, &data, jan)[0].outcome, Outcome::Value(2.0));
        // Leap day belongs to February 2024 only.
        let mut leap = Dataset::default();
        leap.insert(
            Entity::Cases,
            Record::new().with("opened_at", d("2024-02-29")),
        );
        let plan = compile("count(cases)", &codes(), &[]).unwrap();
        let feb24 = Period::Month {
            year: 2024,
            month: 2,
        }
        .range()
        .unwrap();
        let mar24 = Period::Month {
            year: 2024,
            month: 3,
        }
        .range()
        .unwrap();
        assert_eq!(
            evaluate(&plan, &leap, feb24)[0].outcome,
            Outcome::Value(1.0)
        );
        assert_eq!(
            evaluate(&plan, &leap, mar24)[0].outcome,
            Outcome::Value(0.0)
        );
    }
}
