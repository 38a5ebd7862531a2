//! Type-checking a parsed definition against the [schema](super::schema) and compiling it into
//! a backend-neutral query plan: the store reads the records a plan counts and the
//! [evaluator](super::evaluate) computes it from them, the same on both backends.

use super::schema::{Dimension, Entity, FieldType, STEP_FIELDS};
use super::syntax::{
    self, AggFn, CompareOp, Definition, FieldExpr, Filter, Literal, Operand, ParseError, Pos,
    ValueExpr,
};
use crate::sop::Sop;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeSet;

/// A typed value in a record or a plan. Durations in days are `Int`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Date(NaiveDate),
    Text(String),
}

impl Value {
    pub fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

/// A field of the counted entity, or of one of a case's steps (`step("id").field`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldRef {
    pub step: Option<String>,
    pub field: &'static str,
    pub ty: FieldType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    Field(FieldRef),
    Literal(Value),
    /// Whole days from `from` to `to` (negative if `to` is earlier); null if either is null.
    DaysBetween {
        from: FieldRef,
        to: FieldRef,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Predicate {
    Compare {
        left: Term,
        op: CompareOp,
        right: Term,
    },
    In {
        term: Term,
        values: Vec<Value>,
        negated: bool,
    },
    IsNull {
        term: Term,
        negated: bool,
    },
    IsTrue(Term),
    Not(Box<Predicate>),
    And(Vec<Predicate>),
    Or(Vec<Predicate>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    Count,
    CountDistinct(Term),
    Sum(Term),
    Mean(Term),
    Median(Term),
}

/// How a record falls in a reporting period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodAnchor {
    /// The date lies within the period.
    At(FieldRef),
    /// The record's life from `start` to `end` (open-ended while `end` is null) overlaps the
    /// period: a case open at any time in the quarter.
    Overlaps { start: FieldRef, end: FieldRef },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AggregatePlan {
    pub entity: Entity,
    pub aggregation: Aggregation,
    pub anchor: PeriodAnchor,
    /// All must hold (SQL `WHERE p1 AND p2 ...`); a predicate that is unknown (null) fails.
    pub predicates: Vec<Predicate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryPlan {
    pub numerator: AggregatePlan,
    pub denominator: Option<AggregatePlan>,
    pub group_by: Vec<Dimension>,
}

/// SOP and step ids a definition may name, so that a misspelt one is an error rather than an
/// indicator that silently counts nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Codes {
    pub sops: BTreeSet<String>,
    pub steps: BTreeSet<String>,
}

impl Codes {
    pub fn from_sops(sops: &[Sop]) -> Codes {
        Codes {
            sops: sops.iter().map(|s| s.id.clone()).collect(),
            steps: sops
                .iter()
                .flat_map(|s| s.steps.iter().map(|st| st.id.clone()))
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum DefinitionError {
    #[error("{0}")]
    Syntax(ParseError),
    #[error("at character {position}: unknown entity {name:?}")]
    UnknownEntity { name: String, position: Pos },
    #[error("at character {position}: {entity} has no field {field:?}")]
    UnknownField {
        entity: Entity,
        field: String,
        position: Pos,
    },
    #[error("at character {position}: only cases have steps, not {entity}")]
    StepsOnlyOnCases { entity: Entity, position: Pos },
    #[error("at character {position}: a step has no field {field:?}")]
    UnknownStepField { field: String, position: Pos },
    #[error("at character {position}: unknown SOP {sop:?}")]
    UnknownSop { sop: String, position: Pos },
    #[error("at character {position}: no SOP has a step {step:?}")]
    UnknownStep { step: String, position: Pos },
    #[error("at character {position}: {value:?} is not a value of {field} ({allowed})")]
    UnknownCode {
        field: String,
        value: String,
        allowed: String,
        position: Pos,
    },
    #[error("at character {position}: expected {expected}, found {found}")]
    TypeMismatch {
        expected: String,
        found: String,
        position: Pos,
    },
    #[error("at character {position}: {found} values cannot be compared with {op}")]
    NotOrdered {
        found: &'static str,
        op: &'static str,
        position: Pos,
    },
    #[error("at character {position}: a {found} cannot be used as a condition on its own")]
    NotBoolean { found: &'static str, position: Pos },
    #[error("at character {position}: {function} needs a number or days, found {found}")]
    NotNumeric {
        function: &'static str,
        found: &'static str,
        position: Pos,
    },
    #[error("at character {position}: {text:?} is not a date (write it as 2025-01-31)")]
    InvalidDate { text: String, position: Pos },
    #[error("at character {position}: this test compares two values and no field")]
    ConstantTest { position: Pos },
    #[error("{entity} cannot be broken down by {dimension}")]
    DimensionUnavailable {
        dimension: Dimension,
        entity: Entity,
    },
}

impl DefinitionError {
    pub fn code(&self) -> &'static str {
        match self {
            DefinitionError::Syntax(e) => e.code(),
            DefinitionError::UnknownEntity { .. } => "indicator-unknown-entity",
            DefinitionError::UnknownField { .. } => "indicator-unknown-field",
            DefinitionError::StepsOnlyOnCases { .. } => "indicator-steps-only-on-cases",
            DefinitionError::UnknownStepField { .. } => "indicator-unknown-step-field",
            DefinitionError::UnknownSop { .. } => "indicator-unknown-sop",
            DefinitionError::UnknownStep { .. } => "indicator-unknown-step",
            DefinitionError::UnknownCode { .. } => "indicator-unknown-code",
            DefinitionError::TypeMismatch { .. } => "indicator-type-mismatch",
            DefinitionError::NotOrdered { .. } => "indicator-not-ordered",
            DefinitionError::NotBoolean { .. } => "indicator-not-boolean",
            DefinitionError::NotNumeric { .. } => "indicator-not-numeric",
            DefinitionError::InvalidDate { .. } => "indicator-invalid-date",
            DefinitionError::ConstantTest { .. } => "indicator-constant-test",
            DefinitionError::DimensionUnavailable { .. } => "indicator-dimension-unavailable",
        }
    }

    /// The character (from 1) the error points at, when it is about one place in the text.
    pub fn position(&self) -> Option<Pos> {
        match self {
            DefinitionError::Syntax(e) => Some(e.position),
            DefinitionError::UnknownEntity { position, .. }
            | DefinitionError::UnknownField { position, .. }
            | DefinitionError::StepsOnlyOnCases { position, .. }
            | DefinitionError::UnknownStepField { position, .. }
            | DefinitionError::UnknownSop { position, .. }
            | DefinitionError::UnknownStep { position, .. }
            | DefinitionError::UnknownCode { position, .. }
            | DefinitionError::TypeMismatch { position, .. }
            | DefinitionError::NotOrdered { position, .. }
            | DefinitionError::NotBoolean { position, .. }
            | DefinitionError::NotNumeric { position, .. }
            | DefinitionError::InvalidDate { position, .. }
            | DefinitionError::ConstantTest { position } => Some(*position),
            DefinitionError::DimensionUnavailable { .. } => None,
        }
    }
}

/// Parses and compiles a definition; `group_by` are the dimensions the result is broken down
/// by, each of which both numerator and denominator entities must carry.
pub fn compile(
    text: &str,
    codes: &Codes,
    group_by: &[Dimension],
) -> Result<QueryPlan, DefinitionError> {
    let def = syntax::parse(text).map_err(DefinitionError::Syntax)?;
    compile_parsed(&def, codes, group_by)
}

pub fn compile_parsed(
    def: &Definition,
    codes: &Codes,
    group_by: &[Dimension],
) -> Result<QueryPlan, DefinitionError> {
    let numerator = aggregate(&def.numerator, codes)?;
    let denominator = def
        .denominator
        .as_ref()
        .map(|d| aggregate(d, codes))
        .transpose()?;
    for dim in group_by {
        for entity in [
            Some(numerator.entity),
            denominator.as_ref().map(|d| d.entity),
        ]
        .into_iter()
        .flatten()
        {
            if entity.field(dim.code()).is_none() {
                return Err(DefinitionError::DimensionUnavailable {
                    dimension: *dim,
                    entity,
                });
            }
        }
    }
    Ok(QueryPlan {
        numerator,
        denominator,
        group_by: group_by.to_vec(),
    })
}

/// The type of a term as the checker sees it: a field's type, or a literal's kind.
#[derive(Clone, Copy)]
enum Ty {
    Field(FieldType),
    Str,
    Int,
    Bool,
    Date,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Field(t) => t.name(),
            Ty::Str => "text",
            Ty::Int => "number",
            Ty::Bool => "true/false",
            Ty::Date => "date",
        }
    }
}

struct Checker<'a> {
    entity: Entity,
    codes: &'a Codes,
}

fn aggregate(agg: &syntax::Aggregate, codes: &Codes) -> Result<AggregatePlan, DefinitionError> {
    let entity =
        Entity::from_code(&agg.entity.text).ok_or_else(|| DefinitionError::UnknownEntity {
            name: agg.entity.text.clone(),
            position: agg.entity.pos,
        })?;
    let c = Checker { entity, codes };
    let value = agg.value.as_ref().map(|v| c.value(v)).transpose()?;
    let aggregation = match (agg.function, value) {
        (AggFn::Count, _) => Aggregation::Count,
        (AggFn::CountDistinct, Some((t, _))) => Aggregation::CountDistinct(t),
        (f, Some((t, ty))) => {
            let numeric = matches!(ty, Ty::Field(ft) if ft.is_numeric());
            if !numeric {
                return Err(DefinitionError::NotNumeric {
                    function: f.code(),
                    found: ty.name(),
                    position: agg.pos,
                });
            }
            match f {
                AggFn::Sum => Aggregation::Sum(t),
                AggFn::Mean => Aggregation::Mean(t),
                _ => Aggregation::Median(t),
            }
        }
        // The parser requires a value for every function but count.
        (_, None) => {
            return Err(DefinitionError::TypeMismatch {
                expected: "a value".into(),
                found: "none".into(),
                position: agg.pos,
            });
        }
    };
    let anchor = match &agg.anchor {
        None => {
            let name = entity.default_anchor();
            PeriodAnchor::At(FieldRef {
                step: None,
                field: name,
                ty: FieldType::Date,
            })
        }
        Some((start, end)) => {
            let start = c.date_field(&FieldExpr {
                step: None,
                name: start.clone(),
            })?;
            match end {
                None => PeriodAnchor::At(start),
                Some(end) => {
                    let end = c.date_field(&FieldExpr {
                        step: None,
                        name: end.clone(),
                    })?;
                    PeriodAnchor::Overlaps { start, end }
                }
            }
        }
    };
    let mut predicates = Vec::new();
    if let Some(f) = &agg.filter {
        flatten_and(c.filter(f)?, &mut predicates);
    }
    Ok(AggregatePlan {
        entity,
        aggregation,
        anchor,
        predicates,
    })
}

fn flatten_and(p: Predicate, out: &mut Vec<Predicate>) {
    match p {
        Predicate::And(items) => items.into_iter().for_each(|i| flatten_and(i, out)),
        other => out.push(other),
    }
}

impl Checker<'_> {
    fn field(&self, f: &FieldExpr) -> Result<FieldRef, DefinitionError> {
        let name = f.name.text.as_str();
        let position = f.name.pos;
        match &f.step {
            Some((step, step_pos)) => {
                if !self.entity.has_steps() {
                    return Err(DefinitionError::StepsOnlyOnCases {
                        entity: self.entity,
                        position: *step_pos,
                    });
                }
                if !self.codes.steps.contains(step) {
                    return Err(DefinitionError::UnknownStep {
                        step: step.clone(),
                        position: *step_pos,
                    });
                }
                let field = STEP_FIELDS
                    .iter()
                    .find(|s| **s == name)
                    .and_then(|s| Entity::CaseSteps.field(s))
                    .ok_or_else(|| DefinitionError::UnknownStepField {
                        field: name.to_string(),
                        position,
                    })?;
                Ok(FieldRef {
                    step: Some(step.clone()),
                    field: field.name,
                    ty: field.ty,
                })
            }
            None => {
                let field =
                    self.entity
                        .field(name)
                        .ok_or_else(|| DefinitionError::UnknownField {
                            entity: self.entity,
                            field: name.to_string(),
                            position,
                        })?;
                Ok(FieldRef {
                    step: None,
                    field: field.name,
                    ty: field.ty,
                })
            }
        }
    }

    fn date_field(&self, f: &FieldExpr) -> Result<FieldRef, DefinitionError> {
        let r = self.field(f)?;
        if r.ty != FieldType::Date {
            return Err(DefinitionError::TypeMismatch {
                expected: "a date field".into(),
                found: format!("{} ({})", r.field, r.ty.name()),
                position: f.name.pos,
            });
        }
        Ok(r)
    }

    fn value(&self, v: &ValueExpr) -> Result<(Term, Ty), DefinitionError> {
        match v {
            ValueExpr::Field(f) => {
                let r = self.field(f)?;
                let ty = Ty::Field(r.ty);
                Ok((Term::Field(r), ty))
            }
            ValueExpr::Days { from, to, .. } => {
                let from = self.date_field(from)?;
                let to = self.date_field(to)?;
                Ok((Term::DaysBetween { from, to }, Ty::Field(FieldType::Days)))
            }
        }
    }

    fn literal(&self, lit: &Literal, pos: Pos) -> Result<(Value, Ty), DefinitionError> {
        Ok(match lit {
            Literal::Str(s) => (Value::Text(s.clone()), Ty::Str),
            Literal::Int(n) => (Value::Int(*n), Ty::Int),
            Literal::Bool(b) => (Value::Bool(*b), Ty::Bool),
            Literal::Date(s) => {
                let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                    DefinitionError::InvalidDate {
                        text: s.clone(),
                        position: pos,
                    }
                })?;
                (Value::Date(d), Ty::Date)
            }
        })
    }

    fn operand(&self, o: &Operand) -> Result<(Term, Ty), DefinitionError> {
        match o {
            Operand::Value(v) => self.value(v),
            Operand::Literal(l, pos) => {
                let (v, ty) = self.literal(l, *pos)?;
                Ok((Term::Literal(v), ty))
            }
        }
    }

    /// Whether a literal of type `lit` may stand beside a field of type `field`, and whether
    /// its value is one the field can take.
    fn check_literal(
        &self,
        field: FieldType,
        field_name: &str,
        lit: &Value,
        lit_ty: Ty,
        pos: Pos,
    ) -> Result<(), DefinitionError> {
        let fits = match (field, lit_ty) {
            (FieldType::Bool, Ty::Bool) => true,
            (FieldType::Integer | FieldType::Days, Ty::Int) => true,
            (FieldType::Date, Ty::Date) => true,
            (ft, Ty::Str) => ft.takes_string(),
            _ => false,
        };
        if !fits {
            return Err(DefinitionError::TypeMismatch {
                expected: format!("a {} value for {field_name}", field.name()),
                found: lit_ty.name().to_string(),
                position: pos,
            });
        }
        let Value::Text(s) = lit else { return Ok(()) };
        match field {
            FieldType::Code(allowed) if !allowed.contains(&s.as_str()) => {
                Err(DefinitionError::UnknownCode {
                    field: field_name.to_string(),
                    value: s.clone(),
                    allowed: allowed.join(", "),
                    position: pos,
                })
            }
            FieldType::Sop if !self.codes.sops.contains(s) => Err(DefinitionError::UnknownSop {
                sop: s.clone(),
                position: pos,
            }),
            FieldType::Step if !self.codes.steps.contains(s) => Err(DefinitionError::UnknownStep {
                step: s.clone(),
                position: pos,
            }),
            _ => Ok(()),
        }
    }

    fn filter(&self, f: &Filter) -> Result<Predicate, DefinitionError> {
        match f {
            Filter::And(a, b) => Ok(Predicate::And(vec![self.filter(a)?, self.filter(b)?])),
            Filter::Or(a, b) => {
                let mut items = Vec::new();
                for p in [self.filter(a)?, self.filter(b)?] {
                    match p {
                        Predicate::Or(inner) => items.extend(inner),
                        other => items.push(other),
                    }
                }
                Ok(Predicate::Or(items))
            }
            Filter::Not(inner) => Ok(Predicate::Not(Box::new(self.filter(inner)?))),
            Filter::Truth(o, pos) => {
                let (term, ty) = self.operand(o)?;
                match (&term, ty) {
                    (Term::Field(_), Ty::Field(FieldType::Bool)) => Ok(Predicate::IsTrue(term)),
                    (Term::Literal(_), _) => Err(DefinitionError::ConstantTest { position: *pos }),
                    _ => Err(DefinitionError::NotBoolean {
                        found: ty.name(),
                        position: *pos,
                    }),
                }
            }
            Filter::IsNull {
                operand,
                negated,
                pos,
            } => {
                let (term, _) = self.operand(operand)?;
                if matches!(term, Term::Literal(_)) {
                    return Err(DefinitionError::ConstantTest { position: *pos });
                }
                Ok(Predicate::IsNull {
                    term,
                    negated: *negated,
                })
            }
            Filter::In {
                operand,
                values,
                negated,
                pos,
            } => {
                let (term, ty) = self.operand(operand)?;
                let (Ty::Field(ft), Some(name)) = (ty, term_name(&term)) else {
                    return Err(DefinitionError::ConstantTest { position: *pos });
                };
                let mut out = Vec::new();
                for (lit, lpos) in values {
                    let (v, lty) = self.literal(lit, *lpos)?;
                    self.check_literal(ft, name, &v, lty, *lpos)?;
                    out.push(v);
                }
                Ok(Predicate::In {
                    term,
                    values: out,
                    negated: *negated,
                })
            }
            Filter::Compare {
                left,
                op,
                right,
                pos,
            } => {
                let (lt, lty) = self.operand(left)?;
                let (rt, rty) = self.operand(right)?;
                let ordered = !matches!(op, CompareOp::Eq | CompareOp::Ne);
                let field_ty = match (&lt, lty, &rt, rty) {
                    (Term::Literal(_), _, Term::Literal(_), _) => {
                        return Err(DefinitionError::ConstantTest { position: *pos });
                    }
                    (_, Ty::Field(a), Term::Literal(v), lit_ty) => {
                        let name = term_name(&lt).unwrap_or("");
                        self.check_literal(a, name, v, lit_ty, literal_pos(right, *pos))?;
                        a
                    }
                    (Term::Literal(v), lit_ty, _, Ty::Field(b)) => {
                        let name = term_name(&rt).unwrap_or("");
                        self.check_literal(b, name, v, lit_ty, literal_pos(left, *pos))?;
                        b
                    }
                    (_, Ty::Field(a), _, Ty::Field(b)) => {
                        if !same_kind(a, b) {
                            return Err(DefinitionError::TypeMismatch {
                                expected: a.name().to_string(),
                                found: b.name().to_string(),
                                position: *pos,
                            });
                        }
                        a
                    }
                    _ => return Err(DefinitionError::ConstantTest { position: *pos }),
                };
                if ordered && !field_ty.is_ordered() {
                    return Err(DefinitionError::NotOrdered {
                        found: field_ty.name(),
                        op: op.symbol(),
                        position: *pos,
                    });
                }
                Ok(Predicate::Compare {
                    left: lt,
                    op: *op,
                    right: rt,
                })
            }
        }
    }
}

fn literal_pos(o: &Operand, fallback: Pos) -> Pos {
    match o {
        Operand::Literal(_, p) => *p,
        Operand::Value(_) => fallback,
    }
}

fn term_name(t: &Term) -> Option<&'static str> {
    match t {
        Term::Field(f) => Some(f.field),
        Term::DaysBetween { .. } => Some("days"),
        Term::Literal(_) => None,
    }
}

/// Two fields may be compared when their values are of one kind.
fn same_kind(a: FieldType, b: FieldType) -> bool {
    (a.is_numeric() && b.is_numeric()) || (a.takes_string() && b.takes_string()) || a == b
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sop::{Known, default_pack, load_pack};

    pub(crate) fn codes() -> Codes {
        static CODES: std::sync::OnceLock<Codes> = std::sync::OnceLock::new();
        CODES
            .get_or_init(|| {
                let sops = load_pack(&default_pack(), &Known::default()).unwrap();
                Codes::from_sops(&sops)
            })
            .clone()
    }

    const VALID: &str = r#"count(cases on opened_at..closed_at where sop = "child_protection" and (risk in ("high", "critical") or not step("initial_assessment").met_deadline) and days(opened_at, closed_at) >= 3 and closed_at is not null) / count_distinct(caseworker_id of cases)"#;

    proptest::proptest! {
        #[test]
        fn compiling_anything_never_panics(text in "\\PC{0,120}") {
            let _ = compile(&text, &codes(), &[Dimension::Sex]);
        }

        /// Edits of a valid definition (the likely typing mistakes) fail with a position
        /// inside the text, or compile.
        #[test]
        fn edited_definitions_fail_with_a_position_in_the_text(
            at in 0usize..400,
            cut in 0usize..6,
            insert in "[ ()\"=<>!.,a-z0-9_]{0,4}",
        ) {
            let chars: Vec<char> = VALID.chars().collect();
            let at = at.min(chars.len());
            let end = (at + cut).min(chars.len());
            let text: String = chars[..at].iter().chain(insert.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect();
            if let Err(e) = compile(&text, &codes(), &[]) {
                let len = text.chars().count();
                if let Some(p) = e.position() {
                    proptest::prop_assert!(p >= 1 && p <= len + 1, "{} at {} of {}", e, p, len);
                }
            }
        }
    }

    fn c(text: &str) -> Result<QueryPlan, DefinitionError> {
        compile(text, &codes(), &[])
    }

    fn ce(text: &str) -> DefinitionError {
        c(text).unwrap_err()
    }

    #[test]
    fn compiles_the_example_into_a_plan() {
        let p = compile(
            r#"count(cases where sop = "child_protection" and risk in ("high","critical") and step("initial_assessment").met_deadline) / count(cases where sop = "child_protection" and risk in ("high","critical"))"#,
            &codes(),
            &[Dimension::Sex, Dimension::Area],
        )
        .unwrap();
        assert_eq!(p.numerator.entity, Entity::Cases);
        assert_eq!(p.numerator.aggregation, Aggregation::Count);
        // The conjunction is flattened into a list of predicates.
        assert_eq!(p.numerator.predicates.len(), 3);
        assert_eq!(p.denominator.as_ref().unwrap().predicates.len(), 2);
        let Predicate::IsTrue(Term::Field(f)) = &p.numerator.predicates[2] else {
            panic!()
        };
        assert_eq!(f.step.as_deref(), Some("initial_assessment"));
        assert_eq!((f.field, f.ty), ("met_deadline", FieldType::Bool));
        assert_eq!(
            p.numerator.anchor,
            PeriodAnchor::At(FieldRef {
                step: None,
                field: "opened_at",
                ty: FieldType::Date
            })
        );
        assert_eq!(p.group_by, vec![Dimension::Sex, Dimension::Area]);
    }

    #[test]
    fn aggregations_and_anchors() {
        let p =
            c("median(days(opened_at, closed_at) of cases on closed_at where status = \"closed\")")
                .unwrap();
        assert!(matches!(
            p.numerator.aggregation,
            Aggregation::Median(Term::DaysBetween { .. })
        ));
        assert!(matches!(&p.numerator.anchor, PeriodAnchor::At(f) if f.field == "closed_at"));
        let p = c("count_distinct(caseworker_id of cases on opened_at..closed_at)").unwrap();
        assert!(matches!(
            p.numerator.aggregation,
            Aggregation::CountDistinct(_)
        ));
        assert!(matches!(p.numerator.anchor, PeriodAnchor::Overlaps { .. }));
        assert!(c("sum(follow_ups of cases)").is_ok());
        assert!(c("mean(satisfaction_score of cases)").is_ok());
        let e = ce("sum(agency of cases)");
        assert_eq!(e.code(), "indicator-not-numeric");
        assert_eq!(e.position(), Some(1));
        let e = ce("mean(closed_at of cases)");
        assert_eq!(e.code(), "indicator-not-numeric");
    }

    #[test]
    fn unknown_entities_fields_steps_and_codes() {
        let e = ce("count(kases)");
        assert_eq!(
            e,
            DefinitionError::UnknownEntity {
                name: "kases".into(),
                position: 7
            }
        );
        let e = ce("count(cases where riks = \"high\")");
        assert_eq!(e.code(), "indicator-unknown-field");
        assert_eq!(e.position(), Some(19));
        let e = ce("count(cases where risk = \"hgh\")");
        assert_eq!(e.code(), "indicator-unknown-code");
        assert_eq!(e.position(), Some(26));
        let e = ce("count(cases where sop = \"child_protect\")");
        assert_eq!(e.code(), "indicator-unknown-sop");
        let e = ce("count(cases where step(\"assesment\").met_deadline)");
        assert_eq!(e.code(), "indicator-unknown-step");
        assert_eq!(e.position(), Some(24));
        let e = ce("count(cases where step(\"case_plan\").deadline)");
        assert_eq!(e.code(), "indicator-unknown-step-field");
        let e = ce("count(referrals where step(\"case_plan\").completed)");
        assert_eq!(e.code(), "indicator-steps-only-on-cases");
        let e = ce("count(case_steps where step = \"no_such_step\")");
        assert_eq!(e.code(), "indicator-unknown-step");
        let e = ce("count(cases on status)");
        assert_eq!(e.code(), "indicator-type-mismatch");
        let e = ce("count(cases on opened_at..nope)");
        assert_eq!(e.code(), "indicator-unknown-field");
    }

    #[test]
    fn type_errors() {
        for (text, code) in [
            ("count(cases where risk = 3)", "indicator-type-mismatch"),
            (
                "count(cases where follow_ups = \"3\")",
                "indicator-type-mismatch",
            ),
            (
                "count(cases where opened_at > \"2024-01-01\")",
                "indicator-type-mismatch",
            ),
            (
                "count(cases where opened_at > date(\"2024-02-30\"))",
                "indicator-invalid-date",
            ),
            (
                "count(cases where restricted = 1)",
                "indicator-type-mismatch",
            ),
            ("count(cases where agency < \"x\")", "indicator-not-ordered"),
            (
                "count(cases where restricted > false)",
                "indicator-not-ordered",
            ),
            ("count(cases where agency)", "indicator-not-boolean"),
            ("count(cases where true)", "indicator-constant-test"),
            ("count(cases where 1 = 1)", "indicator-constant-test"),
            (
                "count(cases where opened_at = follow_ups)",
                "indicator-type-mismatch",
            ),
            (
                "count(cases where risk in (\"high\", 2))",
                "indicator-type-mismatch",
            ),
            (
                "count(cases where risk in (\"high\", \"severe\"))",
                "indicator-unknown-code",
            ),
        ] {
            let e = ce(text);
            assert_eq!(e.code(), code, "{text}: {e}");
            assert!(e.position().is_some(), "{text}");
        }
        // Well-typed comparisons of every kind.
        for text in [
            "count(cases where closed_at >= opened_at)",
            "count(cases where days(opened_at, closed_at) <= 30)",
            "count(cases where opened_at >= date(\"2024-02-29\"))",
            "count(cases where 3 < follow_ups)",
            "count(cases where plan_completed = true and not restricted)",
            "count(cases where closed_at is null or status != \"open\")",
        ] {
            assert!(c(text).is_ok(), "{text}: {:?}", c(text));
        }
    }

    #[test]
    fn dimensions_must_exist_on_both_entities() {
        let e = compile(
            "count(outreach_activities) / count(cases)",
            &codes(),
            &[Dimension::Sex],
        )
        .unwrap_err();
        assert_eq!(
            e,
            DefinitionError::DimensionUnavailable {
                dimension: Dimension::Sex,
                entity: Entity::OutreachActivities
            }
        );
        assert_eq!(e.position(), None);
        assert!(compile("count(outreach_activities)", &codes(), &[Dimension::Area]).is_ok());
    }

    #[test]
    fn syntax_errors_pass_through_with_position() {
        let e = ce("count(cases where)");
        assert_eq!(e.code(), "indicator-syntax");
        assert_eq!(e.position(), Some(18));
    }
}
