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
        Ok(Expression { source: source.to_string(), ast })
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
            Expr::Ref { name, .. } | Expr::ChoiceName { field: name, .. } => {
                if !out.contains(name) {
                    out.push(name.clone());
                }
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
            if matches!(e, Expr::Call { func: Func::Position, .. }) {
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
        assert!(Expression::parse("position(..) > 1").unwrap().uses_position());
    }

    #[test]
    fn serializes_as_its_source() {
        let e = Expression::parse("${a}  >  1").unwrap();
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"${a}  >  1\"");
        assert_eq!(e.source(), "${a}  >  1");
    }
}
