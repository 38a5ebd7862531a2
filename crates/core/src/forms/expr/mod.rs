//! XLSForm's expression language (the XPath 1.0 subset ODK forms use), parsed once and
//! evaluated many times: the same evaluator serves skip logic (`relevant`), `constraint`,
//! `calculation`, `required` conditions and `choice_filter`, so the server and any future
//! client agree on every answer.
//!
//! ```text
//! or  <  and  <  = !=  <  < <= > >=  <  + -  <  * div mod  <  unary -
//! ```
//! References are `${name}`; `.` is the value being checked; `position(..)` is the 1-based
//! position of the current repeat instance. Bare names (`county`) only make sense in a
//! `choice_filter`, where they name a column of the choices sheet.

pub(crate) mod eval;
mod parse;

pub use eval::{Context, EvalError, SimpleContext, Value, format_number};
pub use parse::{BinaryOp, Expr, Func, ParseError, is_xml_name};

use serde::{Serialize, Serializer};

/// A parsed expression that remembers its source text (what is shown and serialized).
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    source: String,
    ast: Expr,
}

impl Expression {
    /// Parses `source`; the error carries the 0-based character offset of the problem.
    pub fn parse(source: &str) -> Result<Expression, ParseError> {
        let ast = parse::parse(source)?;
        Ok(Expression {
            source: source.to_string(),
            ast,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn ast(&self) -> &Expr {
        &self.ast
    }

    /// The `${name}` references, in order of first appearance, without duplicates; includes
    /// the field named inside `jr:choice-name(value, '${field}')`.
    pub fn references(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.ast.walk(&mut |e| match e {
            Expr::Ref { name, .. } | Expr::ChoiceName { field: name, .. }
                if !out.contains(name) =>
            {
                out.push(name.clone());
            }
            _ => {}
        });
        out
    }

    /// Bare names (choice-sheet columns in a `choice_filter`), in order, without duplicates.
    pub fn bare_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.ast.walk(&mut |e| {
            if let Expr::Column { name, .. } = e
                && !out.contains(name)
            {
                out.push(name.clone());
            }
        });
        out
    }

    /// Whether the expression calls `position(..)`, which only has a meaning inside a repeat.
    pub fn uses_position(&self) -> bool {
        let mut found = false;
        self.ast.walk(&mut |e| {
            if matches!(
                e,
                Expr::Call {
                    func: Func::Position,
                    ..
                }
            ) {
                found = true;
            }
        });
        found
    }

    pub fn eval(&self, ctx: &dyn Context) -> Result<Value, EvalError> {
        eval::eval(&self.ast, ctx)
    }

    /// Evaluates and converts to a boolean as XPath's `boolean()` does.
    pub fn eval_bool(&self, ctx: &dyn Context) -> Result<bool, EvalError> {
        Ok(self.eval(ctx)?.to_bool())
    }

    /// Evaluates and converts to text as XPath's `string()` does (what a calculation stores).
    pub fn eval_string(&self, ctx: &dyn Context) -> Result<String, EvalError> {
        Ok(self.eval(ctx)?.to_text())
    }
}

/// Lists the `${name}` references of an expression's source text. Fails as the parser does.
pub fn references(source: &str) -> Result<Vec<String>, ParseError> {
    Ok(Expression::parse(source)?.references())
}

impl Serialize for Expression {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_listed_once_in_order() {
        let e = Expression::parse("${b} + ${a} + ${b} + jr:choice-name(${c}, '${d}')").unwrap();
        assert_eq!(e.references(), vec!["b", "a", "c", "d"]);
        assert_eq!(references("${x} = 'y'").unwrap(), vec!["x"]);
        assert!(references("${x").is_err());
    }

    #[test]
    fn bare_names_and_position_are_found() {
        let e = Expression::parse("county = ${county} and x != ''").unwrap();
        assert_eq!(e.bare_names(), vec!["county", "x"]);
        assert!(!e.uses_position());
        assert!(
            Expression::parse("position(..) > 1")
                .unwrap()
                .uses_position()
        );
    }

    #[test]
    fn serializes_as_its_source() {
        let e = Expression::parse("${a}  >  1").unwrap();
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"${a}  >  1\"");
        assert_eq!(e.source(), "${a}  >  1");
    }
}

#[cfg(test)]
mod never_panics {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn ctx() -> SimpleContext {
        let now = NaiveDate::from_ymd_opt(2024, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap();
        let mut c = SimpleContext::new(now)
            .with("a", "12")
            .with("b", "x y")
            .with("d", "2024-02-29");
        c.values.insert(
            "r".into(),
            Value::Nodes(vec![Value::text("1"), Value::text("")]),
        );
        c.position = Some(2);
        c
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn parser_on_arbitrary_text(src in "\\PC{0,80}") {
            if let Ok(e) = Expression::parse(&src) {
                let _ = e.eval(&ctx());
            }
        }

        #[test]
        fn parser_and_evaluator_on_expression_like_text(parts in proptest::collection::vec(prop_oneof![
            Just("${a}"), Just("${b}"), Just("${d}"), Just("${r}"), Just("."), Just("("), Just(")"), Just(","),
            Just(" + "), Just(" - "), Just(" * "), Just(" div "), Just(" mod "), Just(" = "), Just(" != "),
            Just(" < "), Just(" >= "), Just(" and "), Just(" or "), Just("-"), Just("1"), Just("0"), Just("2.5"),
            Just("'x'"), Just("''"), Just("not("), Just("if("), Just("selected("), Just("concat("),
            Just("date("), Just("round("), Just("regex("), Just("'[a-'"), Just("sum("), Just("count("),
            Just("substr("), Just("position(..)"), Just("today()"), Just("jr:choice-name("), Just("'${a}'"),
            Just("pow("), Just("1000000000"), Just("decimal-date-time("), Just("selected-at("),
        ], 0..40)) {
            let src: String = parts.concat();
            if let Ok(e) = Expression::parse(&src) {
                let _ = e.eval(&ctx());
                let _ = e.references();
            }
        }
    }
}
