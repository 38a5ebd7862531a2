//! The indicator definition language: tokens and the parse into a syntax tree.
//!
//! ```text
//! definition := aggregate [ "/" aggregate ]
//! aggregate  := FN "(" [ value "of" ] ENTITY [ "on" FIELD [ ".." FIELD ] ] [ "where" filter ] ")"
//! FN         := count | count_distinct | sum | mean | median
//! value      := field | "days" "(" field "," field ")"
//! field      := NAME | "step" "(" STRING ")" "." NAME
//! filter     := conj { "or" conj }
//! conj       := neg { "and" neg }
//! neg        := "not" neg | "(" filter ")" | test
//! test       := operand [ OP operand | [ "not" ] "in" "(" literal { "," literal } ")"
//!                        | "is" [ "not" ] "null" ]
//! operand    := value | literal
//! literal    := STRING | INTEGER | true | false | date "(" STRING ")"
//! OP         := = | != | < | <= | > | >=
//! ```
//! A bare `test` without an operator must be a boolean field (`plan_completed`). Keywords are
//! lowercase; strings are in double quotes with `\"` and `\\` escapes. Positions are counted in
//! characters from 1, so an editor can point at them.

use serde::Serialize;

/// A place in the definition text: 1-based character column.
pub type Pos = usize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("at character {position}: expected {expected}, found {found}")]
pub struct ParseError {
    pub position: Pos,
    pub expected: String,
    pub found: String,
}

impl ParseError {
    pub fn code(&self) -> &'static str {
        "indicator-syntax"
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub numerator: Aggregate,
    pub denominator: Option<Aggregate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AggFn {
    Count,
    CountDistinct,
    Sum,
    Mean,
    Median,
}

impl AggFn {
    pub fn code(self) -> &'static str {
        match self {
            AggFn::Count => "count",
            AggFn::CountDistinct => "count_distinct",
            AggFn::Sum => "sum",
            AggFn::Mean => "mean",
            AggFn::Median => "median",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    pub function: AggFn,
    pub pos: Pos,
    pub value: Option<ValueExpr>,
    pub entity: Name,
    pub anchor: Option<(Name, Option<Name>)>,
    pub filter: Option<Filter>,
}

/// An identifier with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldExpr {
    pub step: Option<(String, Pos)>,
    pub name: Name,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueExpr {
    Field(FieldExpr),
    Days {
        from: FieldExpr,
        to: FieldExpr,
        pos: Pos,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Str(String),
    Int(i64),
    Bool(bool),
    Date(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    Value(ValueExpr),
    Literal(Literal, Pos),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare {
        left: Operand,
        op: CompareOp,
        right: Operand,
        pos: Pos,
    },
    In {
        operand: Operand,
        values: Vec<(Literal, Pos)>,
        negated: bool,
        pos: Pos,
    },
    IsNull {
        operand: Operand,
        negated: bool,
        pos: Pos,
    },
    Truth(Operand, Pos),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Str(String),
    Int(i64),
    LParen,
    RParen,
    Comma,
    Dot,
    DotDot,
    Slash,
    Op(CompareOp),
    End,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("{s:?}"),
        Tok::Str(s) => format!("the text \"{s}\""),
        Tok::Int(n) => format!("the number {n}"),
        Tok::LParen => "\"(\"".into(),
        Tok::RParen => "\")\"".into(),
        Tok::Comma => "\",\"".into(),
        Tok::Dot => "\".\"".into(),
        Tok::DotDot => "\"..\"".into(),
        Tok::Slash => "\"/\"".into(),
        Tok::Op(op) => format!("\"{}\"", op.symbol()),
        Tok::End => "the end of the definition".into(),
    }
}

fn err(position: Pos, expected: &str, found: impl Into<String>) -> ParseError {
    ParseError {
        position,
        expected: expected.to_string(),
        found: found.into(),
    }
}

fn lex(text: &str) -> Result<Vec<(Tok, Pos)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            '/' => (Tok::Slash, 1),
            '.' if next == Some('.') => (Tok::DotDot, 2),
            '.' => (Tok::Dot, 1),
            '=' if next == Some('=') => (Tok::Op(CompareOp::Eq), 2),
            '=' => (Tok::Op(CompareOp::Eq), 1),
            '!' if next == Some('=') => (Tok::Op(CompareOp::Ne), 2),
            '<' if next == Some('=') => (Tok::Op(CompareOp::Le), 2),
            '<' if next == Some('>') => (Tok::Op(CompareOp::Ne), 2),
            '<' => (Tok::Op(CompareOp::Lt), 1),
            '>' if next == Some('=') => (Tok::Op(CompareOp::Ge), 2),
            '>' => (Tok::Op(CompareOp::Gt), 1),
            '"' => {
                let mut s = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(err(pos, "a closing quote", "the end of the definition"));
                        }
                        Some('"') => break,
                        Some('\\') => match chars.get(j + 1) {
                            Some(e @ ('"' | '\\')) => {
                                s.push(*e);
                                j += 2;
                            }
                            other => {
                                return Err(err(
                                    j + 1,
                                    "\\\" or \\\\ after a backslash",
                                    other
                                        .map(|c| format!("{c:?}"))
                                        .unwrap_or_else(|| "nothing".into()),
                                ));
                            }
                        },
                        Some(ch) => {
                            s.push(*ch);
                            j += 1;
                        }
                    }
                }
                (Tok::Str(s), j + 1 - i)
            }
            '-' | '0'..='9' => {
                let mut j = i + 1;
                while chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
                    j += 1;
                }
                let s: String = chars[i..j].iter().collect();
                match s.parse::<i64>() {
                    Ok(n) => (Tok::Int(n), j - i),
                    Err(_) => return Err(err(pos, "a whole number", format!("{s:?}"))),
                }
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while chars
                    .get(j)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    j += 1;
                }
                (Tok::Ident(chars[i..j].iter().collect()), j - i)
            }
            other => {
                return Err(err(
                    pos,
                    "a name, a value or an operator",
                    format!("{other:?}"),
                ));
            }
        };
        out.push((tok, pos));
        i += len;
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, Pos)>,
    at: usize,
}

const KEYWORDS: &[&str] = &[
    "of", "on", "where", "and", "or", "not", "in", "is", "null", "true", "false", "date",
];

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.at).map(|t| &t.0).unwrap_or(&Tok::End)
    }
    fn pos(&self) -> Pos {
        self.toks.get(self.at).map(|t| t.1).unwrap_or(0)
    }
    fn bump(&mut self) -> (Tok, Pos) {
        let t = self.toks.get(self.at).cloned().unwrap_or((Tok::End, 0));
        if self.at < self.toks.len() {
            self.at += 1;
        }
        t
    }
    /// `step(` and `days(` open an accessor or a function; `step` alone is the name of a
    /// field of case steps.
    fn is_call(&self, name: &str) -> bool {
        self.is_kw(name) && self.toks.get(self.at + 1).map(|t| &t.0) == Some(&Tok::LParen)
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        let yes = self.is_kw(kw);
        if yes {
            self.at += 1;
        }
        yes
    }
    fn expect(&mut self, tok: Tok, what: &str) -> Result<Pos, ParseError> {
        if *self.peek() == tok {
            Ok(self.bump().1)
        } else {
            Err(err(self.pos(), what, describe(self.peek())))
        }
    }
    fn name(&mut self, what: &str) -> Result<Name, ParseError> {
        match self.peek().clone() {
            Tok::Ident(s) if !KEYWORDS.contains(&s.as_str()) => {
                let pos = self.bump().1;
                Ok(Name { text: s, pos })
            }
            other => Err(err(self.pos(), what, describe(&other))),
        }
    }
    fn string(&mut self, what: &str) -> Result<(String, Pos), ParseError> {
        match self.peek().clone() {
            Tok::Str(s) => Ok((s, self.bump().1)),
            other => Err(err(self.pos(), what, describe(&other))),
        }
    }

    fn definition(&mut self) -> Result<Definition, ParseError> {
        let numerator = self.aggregate()?;
        let denominator = if *self.peek() == Tok::Slash {
            self.bump();
            Some(self.aggregate()?)
        } else {
            None
        };
        if *self.peek() != Tok::End {
            let what = if denominator.is_some() {
                "the end of the definition"
            } else {
                "\"/\" or the end of the definition"
            };
            return Err(err(self.pos(), what, describe(self.peek())));
        }
        Ok(Definition {
            numerator,
            denominator,
        })
    }

    fn aggregate(&mut self) -> Result<Aggregate, ParseError> {
        const FNS: &str = "count, count_distinct, sum, mean or median";
        let (function, pos) = match self.peek().clone() {
            Tok::Ident(s) => {
                let f = match s.as_str() {
                    "count" => AggFn::Count,
                    "count_distinct" => AggFn::CountDistinct,
                    "sum" => AggFn::Sum,
                    "mean" => AggFn::Mean,
                    "median" => AggFn::Median,
                    _ => return Err(err(self.pos(), FNS, describe(self.peek()))),
                };
                (f, self.bump().1)
            }
            other => return Err(err(self.pos(), FNS, describe(&other))),
        };
        self.expect(Tok::LParen, "\"(\"")?;
        // `count(cases ...)` names the entity first; the others name a value `of` an entity.
        // Which one it is shows at the token after the first name: `of` or `(`/`.` of a value.
        let value = if function == AggFn::Count {
            None
        } else {
            let v = self.value()?;
            if !self.eat_kw("of") {
                return Err(err(self.pos(), "\"of\"", describe(self.peek())));
            }
            Some(v)
        };
        let entity = self.name("an entity (cases, referrals, ...)")?;
        let anchor = if self.eat_kw("on") {
            let start = self.name("a date field")?;
            let end = if *self.peek() == Tok::DotDot {
                self.bump();
                Some(self.name("a date field")?)
            } else {
                None
            };
            Some((start, end))
        } else {
            None
        };
        let filter = if self.eat_kw("where") {
            Some(self.filter()?)
        } else {
            None
        };
        let expected = match (&anchor, &filter) {
            (None, None) => "\"on\", \"where\" or \")\"",
            (Some(_), None) => "\"where\" or \")\"",
            _ => "\")\"",
        };
        self.expect(Tok::RParen, expected)?;
        Ok(Aggregate {
            function,
            pos,
            value,
            entity,
            anchor,
            filter,
        })
    }

    fn field(&mut self) -> Result<FieldExpr, ParseError> {
        if self.is_call("step") {
            self.bump();
            self.expect(Tok::LParen, "\"(\" after step")?;
            let step = self.string("a step id in quotes")?;
            self.expect(Tok::RParen, "\")\"")?;
            self.expect(Tok::Dot, "\".\" and a step field")?;
            let name = self.name("a step field")?;
            return Ok(FieldExpr {
                step: Some(step),
                name,
            });
        }
        Ok(FieldExpr {
            step: None,
            name: self.name("a field")?,
        })
    }

    fn value(&mut self) -> Result<ValueExpr, ParseError> {
        if self.is_call("days") {
            let pos = self.bump().1;
            self.expect(Tok::LParen, "\"(\" after days")?;
            let from = self.field()?;
            self.expect(Tok::Comma, "\",\"")?;
            let to = self.field()?;
            self.expect(Tok::RParen, "\")\"")?;
            return Ok(ValueExpr::Days { from, to, pos });
        }
        Ok(ValueExpr::Field(self.field()?))
    }

    fn literal(&mut self) -> Result<Option<(Literal, Pos)>, ParseError> {
        let pos = self.pos();
        let lit = match self.peek().clone() {
            Tok::Str(s) => {
                self.bump();
                Literal::Str(s)
            }
            Tok::Int(n) => {
                self.bump();
                Literal::Int(n)
            }
            Tok::Ident(s) if s == "true" || s == "false" => {
                self.bump();
                Literal::Bool(s == "true")
            }
            Tok::Ident(s) if s == "date" => {
                self.bump();
                self.expect(Tok::LParen, "\"(\" after date")?;
                let (d, _) = self.string("a date in quotes, as \"2025-01-31\"")?;
                self.expect(Tok::RParen, "\")\"")?;
                Literal::Date(d)
            }
            _ => return Ok(None),
        };
        Ok(Some((lit, pos)))
    }

    fn operand(&mut self) -> Result<Operand, ParseError> {
        if let Some((lit, pos)) = self.literal()? {
            return Ok(Operand::Literal(lit, pos));
        }
        match self.peek() {
            Tok::Ident(s) if !KEYWORDS.contains(&s.as_str()) => Ok(Operand::Value(self.value()?)),
            other => Err(err(self.pos(), "a field or a value", describe(other))),
        }
    }

    fn filter(&mut self) -> Result<Filter, ParseError> {
        let mut left = self.conj()?;
        while self.eat_kw("or") {
            let right = self.conj()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn conj(&mut self) -> Result<Filter, ParseError> {
        let mut left = self.neg()?;
        while self.eat_kw("and") {
            let right = self.neg()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn neg(&mut self) -> Result<Filter, ParseError> {
        if self.eat_kw("not") {
            return Ok(Filter::Not(Box::new(self.neg()?)));
        }
        if *self.peek() == Tok::LParen {
            self.bump();
            let f = self.filter()?;
            self.expect(Tok::RParen, "\")\"")?;
            return Ok(f);
        }
        self.test()
    }

    fn test(&mut self) -> Result<Filter, ParseError> {
        let pos = self.pos();
        let operand = self.operand()?;
        if let Tok::Op(op) = *self.peek() {
            self.bump();
            let right = self.operand()?;
            return Ok(Filter::Compare {
                left: operand,
                op,
                right,
                pos,
            });
        }
        if self.is_kw("not") || self.is_kw("in") {
            let negated = self.eat_kw("not");
            if !self.eat_kw("in") {
                return Err(err(
                    self.pos(),
                    "\"in\" after \"not\"",
                    describe(self.peek()),
                ));
            }
            self.expect(Tok::LParen, "\"(\" and a list of values")?;
            let mut values = Vec::new();
            loop {
                match self.literal()? {
                    Some(v) => values.push(v),
                    None => return Err(err(self.pos(), "a value", describe(self.peek()))),
                }
                if *self.peek() == Tok::Comma {
                    self.bump();
                } else {
                    break;
                }
            }
            self.expect(Tok::RParen, "\",\" or \")\"")?;
            return Ok(Filter::In {
                operand,
                values,
                negated,
                pos,
            });
        }
        if self.eat_kw("is") {
            let negated = self.eat_kw("not");
            if !self.eat_kw("null") {
                return Err(err(self.pos(), "\"null\"", describe(self.peek())));
            }
            return Ok(Filter::IsNull {
                operand,
                negated,
                pos,
            });
        }
        Ok(Filter::Truth(operand, pos))
    }
}

/// Parses a definition. The first error stops the parse; its position names where.
pub fn parse(text: &str) -> Result<Definition, ParseError> {
    let toks = lex(text)?;
    let mut p = Parser { toks, at: 0 };
    p.definition()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perr(text: &str) -> ParseError {
        parse(text).unwrap_err()
    }

    #[test]
    fn parses_the_example_ratio() {
        let d = parse(
            r#"count(cases where sop = "child_protection" and risk in ("high","critical") and step("initial_assessment").met_deadline) / count(cases where sop = "child_protection" and risk in ("high","critical"))"#,
        )
        .unwrap();
        assert_eq!(d.numerator.function, AggFn::Count);
        assert_eq!(d.numerator.entity.text, "cases");
        assert!(d.denominator.is_some());
        let Some(Filter::And(left, right)) = d.numerator.filter else {
            panic!()
        };
        let Filter::Truth(Operand::Value(ValueExpr::Field(f)), _) = *right else {
            panic!()
        };
        assert_eq!(f.step.map(|s| s.0).as_deref(), Some("initial_assessment"));
        assert_eq!(f.name.text, "met_deadline");
        assert!(matches!(*left, Filter::And(..)));
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tighter_than_and() {
        let d = parse("count(cases where a or b and not c)").unwrap();
        let Some(Filter::Or(a, bc)) = d.numerator.filter else {
            panic!()
        };
        assert!(matches!(*a, Filter::Truth(..)));
        let Filter::And(b, c) = *bc else { panic!() };
        assert!(matches!(*b, Filter::Truth(..)));
        assert!(matches!(*c, Filter::Not(_)));
        let d = parse("count(cases where (a or b) and c)").unwrap();
        assert!(matches!(d.numerator.filter, Some(Filter::And(..))));
    }

    #[test]
    fn every_operator_parses() {
        for (sym, op) in [
            ("=", CompareOp::Eq),
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<>", CompareOp::Ne),
            ("<", CompareOp::Lt),
            ("<=", CompareOp::Le),
            (">", CompareOp::Gt),
            (">=", CompareOp::Ge),
        ] {
            let d = parse(&format!("count(cases where follow_ups {sym} 3)")).unwrap();
            let Some(Filter::Compare { op: got, right, .. }) = d.numerator.filter else {
                panic!()
            };
            assert_eq!(got, op, "{sym}");
            assert!(matches!(right, Operand::Literal(Literal::Int(3), _)));
        }
        let d = parse(r#"count(cases where risk not in ("low", "medium"))"#).unwrap();
        let Some(Filter::In {
            negated, values, ..
        }) = d.numerator.filter
        else {
            panic!()
        };
        assert!(negated);
        assert_eq!(values.len(), 2);
        let d = parse("count(cases where closed_at is not null)").unwrap();
        assert!(matches!(
            d.numerator.filter,
            Some(Filter::IsNull { negated: true, .. })
        ));
        let d = parse("count(cases where closed_at is null)").unwrap();
        assert!(matches!(
            d.numerator.filter,
            Some(Filter::IsNull { negated: false, .. })
        ));
    }

    #[test]
    fn values_anchors_and_literals() {
        let d = parse(
            r#"median(days(opened_at, closed_at) of cases on closed_at where opened_at >= date("2024-01-01") and restricted = false and follow_ups > -1)"#,
        )
        .unwrap();
        assert_eq!(d.numerator.function, AggFn::Median);
        assert!(matches!(d.numerator.value, Some(ValueExpr::Days { .. })));
        let (start, end) = d.numerator.anchor.unwrap();
        assert_eq!((start.text.as_str(), end), ("closed_at", None));
        let d = parse("count(cases on opened_at..closed_at)").unwrap();
        let (_, end) = d.numerator.anchor.unwrap();
        assert_eq!(end.unwrap().text, "closed_at");
        let d = parse(r#"count(cases where outcome = "say \"yes\" \\ no")"#).unwrap();
        let Some(Filter::Compare {
            right: Operand::Literal(Literal::Str(s), _),
            ..
        }) = d.numerator.filter
        else {
            panic!()
        };
        assert_eq!(s, "say \"yes\" \\ no");
    }

    #[test]
    fn errors_name_the_position() {
        // `wher` is taken for... nothing: after the entity only on/where/) may come.
        let e = perr("count(cases wher x)");
        assert_eq!(e.position, 13);
        assert!(e.expected.contains("where"), "{e}");
        let e = perr("count(cases where risk = )");
        assert_eq!(e.position, 26);
        assert_eq!(e.code(), "indicator-syntax");
        let e = perr("total(cases)");
        assert_eq!(e.position, 1);
        let e = perr("count(cases) / ");
        assert_eq!(
            (e.position, e.found.as_str()),
            (16, "the end of the definition")
        );
        let e = perr(r#"count(cases where sop = "child)"#);
        assert_eq!(e.position, 25);
        let e = perr("count(cases where a ~ b)");
        assert_eq!(e.position, 21);
        let e = perr("count(cases) count(cases)");
        assert_eq!(e.position, 14);
        let e = perr("sum(cases)");
        assert_eq!(e.position, 10, "{e}");
        let e = perr("count(cases where risk in ())");
        assert_eq!(e.position, 28);
        let e = perr("count(cases where risk is nul)");
        assert_eq!(e.position, 27);
        let e = perr("count(cases where x = 99999999999999999999)");
        assert_eq!(e.position, 23);
        // Positions count characters, not bytes.
        let e = perr(r#"count(cases where area = "Fès" ?)"#);
        assert_eq!(e.position, 32);
    }
}
