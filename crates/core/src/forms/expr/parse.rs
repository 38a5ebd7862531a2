//! Lexer and recursive-descent parser. Functions are resolved and their argument counts
//! checked here, so an unsupported function is a load-time error of the form, not a
//! surprise when someone submits it.

use std::fmt;

/// Budgets that keep hostile input from exhausting the stack while parsing, evaluating or
/// dropping the tree; real forms stay far below both. Nesting (parentheses, calls, unary
/// minus) recurses through every precedence level of the parser, so it is held tighter than
/// the depth of the tree, to which each operator of a chain also adds one.
const MAX_NESTING: usize = 40;
const MAX_DEPTH: usize = 512;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} (at column {})", .offset + 1)]
pub struct ParseError {
    /// 0-based character offset in the expression where the problem starts.
    pub offset: usize,
    pub message: String,
    code: &'static str,
}

impl ParseError {
    fn new(offset: usize, code: &'static str, message: impl Into<String>) -> Self {
        ParseError {
            offset,
            message: message.into(),
            code,
        }
    }

    /// `expr-syntax`, `expr-unknown-function`, `expr-arity`, `expr-too-deep`, `expr-bad-regex`,
    /// `expr-bad-name`, `expr-unsupported`.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Not,
    True,
    False,
    Boolean,
    String,
    Number,
    Int,
    Round,
    Floor,
    Ceiling,
    Abs,
    Pow,
    Selected,
    CountSelected,
    SelectedAt,
    If,
    Coalesce,
    Concat,
    Join,
    StringLength,
    Substr,
    Contains,
    StartsWith,
    EndsWith,
    NormalizeSpace,
    Regex,
    Today,
    Now,
    Date,
    DecimalDateTime,
    Position,
    Count,
    Sum,
    Max,
    Min,
    Once,
}

/// (name, function, minimum arguments, maximum arguments or None for any number).
const FUNCTIONS: &[(&str, Func, usize, Option<usize>)] = &[
    ("not", Func::Not, 1, Some(1)),
    ("true", Func::True, 0, Some(0)),
    ("false", Func::False, 0, Some(0)),
    ("boolean", Func::Boolean, 1, Some(1)),
    ("string", Func::String, 1, Some(1)),
    ("number", Func::Number, 1, Some(1)),
    ("int", Func::Int, 1, Some(1)),
    ("round", Func::Round, 1, Some(2)),
    ("floor", Func::Floor, 1, Some(1)),
    ("ceiling", Func::Ceiling, 1, Some(1)),
    ("abs", Func::Abs, 1, Some(1)),
    ("pow", Func::Pow, 2, Some(2)),
    ("selected", Func::Selected, 2, Some(2)),
    ("count-selected", Func::CountSelected, 1, Some(1)),
    ("selected-at", Func::SelectedAt, 2, Some(2)),
    ("if", Func::If, 3, Some(3)),
    ("coalesce", Func::Coalesce, 2, Some(2)),
    ("concat", Func::Concat, 0, None),
    ("join", Func::Join, 1, None),
    ("string-length", Func::StringLength, 1, Some(1)),
    ("substr", Func::Substr, 2, Some(3)),
    ("contains", Func::Contains, 2, Some(2)),
    ("starts-with", Func::StartsWith, 2, Some(2)),
    ("ends-with", Func::EndsWith, 2, Some(2)),
    ("normalize-space", Func::NormalizeSpace, 1, Some(1)),
    ("regex", Func::Regex, 2, Some(2)),
    ("today", Func::Today, 0, Some(0)),
    ("now", Func::Now, 0, Some(0)),
    ("date", Func::Date, 1, Some(1)),
    ("decimal-date-time", Func::DecimalDateTime, 1, Some(1)),
    ("position", Func::Position, 1, Some(1)),
    ("count", Func::Count, 1, Some(1)),
    ("sum", Func::Sum, 1, Some(1)),
    ("max", Func::Max, 1, None),
    ("min", Func::Min, 1, None),
    ("once", Func::Once, 1, Some(1)),
];

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Text(String),
    /// `${name}`.
    Ref {
        name: String,
        offset: usize,
    },
    /// `.`, the value being checked.
    Current,
    /// `..`, accepted only as the argument of `position(..)`.
    Parent,
    /// A bare name: a choices-sheet column inside a `choice_filter`.
    Column {
        name: String,
        offset: usize,
    },
    Neg(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Call {
        func: Func,
        args: Vec<Expr>,
    },
    /// `jr:choice-name(value, '${field}')`: the label of `value` in `field`'s choice list.
    ChoiceName {
        value: Box<Expr>,
        field: String,
    },
}

impl Expr {
    /// Visits every node, children before their parent: leaves and `jr:choice-name`'s quoted
    /// field then come in the order they are written.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            Expr::Neg(e) => e.walk(f),
            Expr::Binary(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Call { args, .. } => args.iter().for_each(|a| a.walk(f)),
            Expr::ChoiceName { value, .. } => value.walk(f),
            _ => {}
        }
        f(self);
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ref(String),
    Name(String),
    Dot,
    DotDot,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Num(n) => write!(f, "{n}"),
            Tok::Str(s) => write!(f, "'{s}'"),
            Tok::Ref(s) => write!(f, "${{{s}}}"),
            Tok::Name(s) => write!(f, "{s}"),
            Tok::Dot => f.write_str("."),
            Tok::DotDot => f.write_str(".."),
            Tok::LParen => f.write_str("("),
            Tok::RParen => f.write_str(")"),
            Tok::Comma => f.write_str(","),
            Tok::Plus => f.write_str("+"),
            Tok::Minus => f.write_str("-"),
            Tok::Star => f.write_str("*"),
            Tok::Eq => f.write_str("="),
            Tok::Ne => f.write_str("!="),
            Tok::Lt => f.write_str("<"),
            Tok::Le => f.write_str("<="),
            Tok::Gt => f.write_str(">"),
            Tok::Ge => f.write_str(">="),
        }
    }
}

/// XML name rules as XLSForm applies them to field names: a letter or `_` first, then
/// letters, digits, `_`, `-` or `.`. (The namespace colon is refused: ODK reserves it.)
pub fn is_xml_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let tok = match c {
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ',' => Tok::Comma,
            '+' => Tok::Plus,
            '-' => Tok::Minus,
            '*' => Tok::Star,
            '=' => Tok::Eq,
            '!' if next == Some('=') => {
                i += 1;
                Tok::Ne
            }
            '<' if next == Some('=') => {
                i += 1;
                Tok::Le
            }
            '<' => Tok::Lt,
            '>' if next == Some('=') => {
                i += 1;
                Tok::Ge
            }
            '>' => Tok::Gt,
            '.' if next == Some('.') => {
                i += 1;
                Tok::DotDot
            }
            '.' if !next.is_some_and(|n| n.is_ascii_digit()) => Tok::Dot,
            '\'' | '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&x| x == c)
                    .ok_or_else(|| ParseError::new(start, "expr-syntax", "unterminated string"))?;
                let s: String = chars[i + 1..i + 1 + end].iter().collect();
                i += end + 1;
                Tok::Str(s)
            }
            '$' => {
                if next != Some('{') {
                    return Err(ParseError::new(
                        start,
                        "expr-syntax",
                        "expected '{' after '$'",
                    ));
                }
                let end = chars[i + 2..]
                    .iter()
                    .position(|&x| x == '}')
                    .ok_or_else(|| {
                        ParseError::new(start, "expr-syntax", "unterminated ${...} reference")
                    })?;
                let name: String = chars[i + 2..i + 2 + end].iter().collect();
                if !is_xml_name(&name) {
                    return Err(ParseError::new(
                        start,
                        "expr-bad-name",
                        format!("'{name}' is not a valid field name"),
                    ));
                }
                i += end + 2;
                Tok::Ref(name)
            }
            c if c.is_ascii_digit() || c == '.' => {
                let mut j = i;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if j < chars.len() && chars[j] == '.' {
                    j += 1;
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                let text: String = chars[i..j].iter().collect();
                let n = text
                    .parse::<f64>()
                    .map_err(|_| ParseError::new(start, "expr-syntax", "bad number"))?;
                i = j - 1;
                Tok::Num(n)
            }
            c if is_name_start(c) => {
                let mut j = i + 1;
                while j < chars.len() && is_name_char(chars[j]) {
                    j += 1;
                }
                // A trailing '-' or '.' belongs to what follows (`a-` then `1` is rare; `x-`
                // in `div-1` is not a name), so give it back.
                while j > i + 1 && matches!(chars[j - 1], '-' | '.') {
                    j -= 1;
                }
                let name: String = chars[i..j].iter().collect();
                i = j - 1;
                Tok::Name(name)
            }
            '/' => {
                return Err(ParseError::new(
                    start,
                    "expr-unsupported",
                    "XPath paths are not supported: refer to fields as ${name}",
                ));
            }
            other => {
                return Err(ParseError::new(
                    start,
                    "expr-syntax",
                    format!("unexpected character '{other}'"),
                ));
            }
        };
        out.push((tok, start));
        i += 1;
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end: usize,
    depth: usize,
    nesting: usize,
}

pub(super) fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end: src.chars().count(),
        depth: 0,
        nesting: 0,
    };
    if p.toks.is_empty() {
        return Err(ParseError::new(0, "expr-syntax", "empty expression"));
    }
    let e = p.or()?;
    if let Some((t, off)) = p.toks.get(p.pos) {
        return Err(ParseError::new(
            *off,
            "expr-syntax",
            format!("unexpected '{t}'"),
        ));
    }
    Ok(e)
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map(|(_, o)| *o).unwrap_or(self.end)
    }

    fn peek_name(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(n)) if n == word)
    }

    /// One more level of tree depth (an operator of a chain).
    fn deeper(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(
                self.offset(),
                "expr-too-deep",
                "expression nested too deeply",
            ));
        }
        Ok(())
    }

    /// One more level of nesting (parenthesis, call, unary minus): recursion in the parser.
    fn enter(&mut self) -> Result<(), ParseError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(ParseError::new(
                self.offset(),
                "expr-too-deep",
                "expression nested too deeply",
            ));
        }
        self.deeper()
    }

    fn leave(&mut self) {
        self.nesting -= 1;
        self.depth -= 1;
    }

    fn binary_level(
        &mut self,
        next: fn(&mut Parser) -> Result<Expr, ParseError>,
        op_of: fn(&Parser) -> Option<BinaryOp>,
    ) -> Result<Expr, ParseError> {
        let mut left = next(self)?;
        let mut chained = 0;
        while let Some(op) = op_of(self) {
            self.pos += 1;
            // Each operator of a chain deepens the (left-leaning) tree by one.
            self.deeper()?;
            chained += 1;
            let right = next(self)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        self.depth -= chained;
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.binary_level(Parser::and, |p| p.peek_name("or").then_some(BinaryOp::Or))
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        self.binary_level(Parser::equality, |p| {
            p.peek_name("and").then_some(BinaryOp::And)
        })
    }

    fn equality(&mut self) -> Result<Expr, ParseError> {
        self.binary_level(Parser::relational, |p| match p.peek() {
            Some(Tok::Eq) => Some(BinaryOp::Eq),
            Some(Tok::Ne) => Some(BinaryOp::Ne),
            _ => None,
        })
    }

    fn relational(&mut self) -> Result<Expr, ParseError> {
        self.binary_level(Parser::additive, |p| match p.peek() {
            Some(Tok::Lt) => Some(BinaryOp::Lt),
            Some(Tok::Le) => Some(BinaryOp::Le),
            Some(Tok::Gt) => Some(BinaryOp::Gt),
            Some(Tok::Ge) => Some(BinaryOp::Ge),
            _ => None,
        })
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        self.binary_level(Parser::multiplicative, |p| match p.peek() {
            Some(Tok::Plus) => Some(BinaryOp::Add),
            Some(Tok::Minus) => Some(BinaryOp::Sub),
            _ => None,
        })
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        self.binary_level(Parser::unary, |p| match p.peek() {
            Some(Tok::Star) => Some(BinaryOp::Mul),
            Some(Tok::Name(n)) if n == "div" => Some(BinaryOp::Div),
            Some(Tok::Name(n)) if n == "mod" => Some(BinaryOp::Mod),
            _ => None,
        })
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Tok::Minus) {
            self.pos += 1;
            self.enter()?;
            let inner = self.unary()?;
            self.leave();
            return Ok(Expr::Neg(Box::new(inner)));
        }
        self.primary()
    }

    fn expect(&mut self, want: Tok) -> Result<(), ParseError> {
        if self.peek() == Some(&want) {
            self.pos += 1;
            Ok(())
        } else {
            let found = self
                .peek()
                .map(|t| format!("'{t}'"))
                .unwrap_or_else(|| "end".into());
            Err(ParseError::new(
                self.offset(),
                "expr-syntax",
                format!("expected '{want}', found {found}"),
            ))
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let off = self.offset();
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else {
            return Err(ParseError::new(
                off,
                "expr-syntax",
                "expression ends too early",
            ));
        };
        self.pos += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Number(n)),
            Tok::Str(s) => Ok(Expr::Text(s)),
            Tok::Ref(name) => Ok(Expr::Ref { name, offset: off }),
            Tok::Dot => Ok(Expr::Current),
            Tok::DotDot => Err(ParseError::new(
                off,
                "expr-unsupported",
                "'..' is only allowed in position(..)",
            )),
            Tok::LParen => {
                self.enter()?;
                let e = self.or()?;
                self.leave();
                self.expect(Tok::RParen)?;
                Ok(e)
            }
            Tok::Name(name) => {
                if self.peek() == Some(&Tok::LParen) {
                    self.pos += 1;
                    self.call(name, off)
                } else if matches!(name.as_str(), "and" | "or" | "div" | "mod") {
                    Err(ParseError::new(
                        off,
                        "expr-syntax",
                        format!("'{name}' needs an operand before it"),
                    ))
                } else if name.contains(':') || !is_xml_name(&name) {
                    Err(ParseError::new(
                        off,
                        "expr-bad-name",
                        format!("'{name}' is not a valid column name"),
                    ))
                } else {
                    Ok(Expr::Column { name, offset: off })
                }
            }
            other => Err(ParseError::new(
                off,
                "expr-syntax",
                format!("unexpected '{other}'"),
            )),
        }
    }

    fn call(&mut self, name: String, off: usize) -> Result<Expr, ParseError> {
        self.enter()?;
        let result = self.call_inner(name, off);
        self.leave();
        result
    }

    fn call_inner(&mut self, name: String, off: usize) -> Result<Expr, ParseError> {
        if name == "position" {
            // Only `position(..)`: the position of the current repeat instance.
            if self.peek() == Some(&Tok::DotDot) {
                self.pos += 1;
                self.expect(Tok::RParen)?;
                return Ok(Expr::Call {
                    func: Func::Position,
                    args: vec![Expr::Parent],
                });
            }
            return Err(ParseError::new(
                off,
                "expr-unsupported",
                "only position(..) is supported",
            ));
        }
        let mut args = Vec::new();
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
        } else {
            loop {
                args.push(self.or()?);
                if self.peek() == Some(&Tok::Comma) {
                    self.pos += 1;
                    continue;
                }
                self.expect(Tok::RParen)?;
                break;
            }
        }
        if name == "jr:choice-name" {
            return choice_name(args, off);
        }
        let Some(&(_, func, min, max)) = FUNCTIONS.iter().find(|(n, ..)| *n == name) else {
            return Err(ParseError::new(
                off,
                "expr-unknown-function",
                format!("unknown or unsupported function {name}()"),
            ));
        };
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            let want = match max {
                Some(m) if m == min => format!("{min}"),
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            return Err(ParseError::new(
                off,
                "expr-arity",
                format!("{name}() takes {want} argument(s), {} given", args.len()),
            ));
        }
        if func == Func::Regex
            && let Expr::Text(pattern) = &args[1]
            && let Err(e) = regex::Regex::new(pattern)
        {
            return Err(ParseError::new(
                off,
                "expr-bad-regex",
                format!("bad regular expression: {e}"),
            ));
        }
        Ok(Expr::Call { func, args })
    }
}

fn choice_name(mut args: Vec<Expr>, off: usize) -> Result<Expr, ParseError> {
    if args.len() != 2 {
        return Err(ParseError::new(
            off,
            "expr-arity",
            "jr:choice-name() takes 2 arguments",
        ));
    }
    let field = match args.pop() {
        Some(Expr::Text(s)) => s
            .trim()
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .filter(|n| is_xml_name(n))
            .map(str::to_string),
        _ => None,
    };
    let Some(field) = field else {
        return Err(ParseError::new(
            off,
            "expr-syntax",
            "jr:choice-name() needs a quoted reference as its second argument: '${field}'",
        ));
    };
    let value = Box::new(args.pop().unwrap_or(Expr::Text(String::new())));
    Ok(Expr::ChoiceName { value, field })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Expr {
        parse(s).unwrap()
    }
    fn err(s: &str) -> ParseError {
        parse(s).unwrap_err()
    }
    fn num(n: f64) -> Box<Expr> {
        Box::new(Expr::Number(n))
    }
    fn bin(op: BinaryOp, a: Box<Expr>, b: Box<Expr>) -> Box<Expr> {
        Box::new(Expr::Binary(op, a, b))
    }

    #[test]
    fn literals_references_and_dots() {
        assert_eq!(p("12.5"), Expr::Number(12.5));
        assert_eq!(p(".5"), Expr::Number(0.5));
        assert_eq!(p("'a b'"), Expr::Text("a b".into()));
        assert_eq!(p("\"it's\""), Expr::Text("it's".into()));
        assert_eq!(
            p("${age}"),
            Expr::Ref {
                name: "age".into(),
                offset: 0
            }
        );
        assert_eq!(
            p(" ${é_1.x-y}"),
            Expr::Ref {
                name: "é_1.x-y".into(),
                offset: 1
            }
        );
        assert_eq!(p("."), Expr::Current);
        assert_eq!(
            p("county"),
            Expr::Column {
                name: "county".into(),
                offset: 0
            }
        );
    }

    #[test]
    fn multiplicative_binds_tighter_than_additive() {
        assert_eq!(
            p("1 + 2 * 3"),
            *bin(
                BinaryOp::Add,
                num(1.0),
                bin(BinaryOp::Mul, num(2.0), num(3.0))
            )
        );
        assert_eq!(
            p("6 div 2 mod 4"),
            *bin(
                BinaryOp::Mod,
                bin(BinaryOp::Div, num(6.0), num(2.0)),
                num(4.0)
            )
        );
        // Left associativity: 1 - 2 - 3 = (1 - 2) - 3.
        assert_eq!(
            p("1 - 2 - 3"),
            *bin(
                BinaryOp::Sub,
                bin(BinaryOp::Sub, num(1.0), num(2.0)),
                num(3.0)
            )
        );
    }

    #[test]
    fn comparison_and_logic_levels_follow_xpath() {
        // or < and < equality < relational < additive.
        assert_eq!(
            p("1 or 2 and 3"),
            *bin(
                BinaryOp::Or,
                num(1.0),
                bin(BinaryOp::And, num(2.0), num(3.0))
            )
        );
        assert_eq!(
            p("1 = 2 < 3"),
            *bin(
                BinaryOp::Eq,
                num(1.0),
                bin(BinaryOp::Lt, num(2.0), num(3.0))
            )
        );
        assert_eq!(
            p("1 < 2 + 3"),
            *bin(
                BinaryOp::Lt,
                num(1.0),
                bin(BinaryOp::Add, num(2.0), num(3.0))
            )
        );
        assert_eq!(
            p("1 = 1 and 2 != 3"),
            *bin(
                BinaryOp::And,
                bin(BinaryOp::Eq, num(1.0), num(1.0)),
                bin(BinaryOp::Ne, num(2.0), num(3.0))
            )
        );
    }

    #[test]
    fn unary_minus_binds_tightest() {
        assert_eq!(
            p("-2 * 3"),
            *bin(BinaryOp::Mul, Box::new(Expr::Neg(num(2.0))), num(3.0))
        );
        assert_eq!(p("--1"), Expr::Neg(Box::new(Expr::Neg(num(1.0)))));
        assert_eq!(p("3-1"), *bin(BinaryOp::Sub, num(3.0), num(1.0)));
    }

    #[test]
    fn functions_resolve_and_check_arity() {
        assert_eq!(
            p("today()"),
            Expr::Call {
                func: Func::Today,
                args: vec![]
            }
        );
        assert_eq!(
            p("count-selected(${a})"),
            Expr::Call {
                func: Func::CountSelected,
                args: vec![Expr::Ref {
                    name: "a".into(),
                    offset: 15
                }]
            }
        );
        assert_eq!(
            p("position(..)"),
            Expr::Call {
                func: Func::Position,
                args: vec![Expr::Parent]
            }
        );
        let e = err("if(1, 2)");
        assert_eq!((e.code(), e.offset), ("expr-arity", 0));
        assert_eq!(err("  frobnicate(1)").code(), "expr-unknown-function");
        assert_eq!(err("  frobnicate(1)").offset, 2);
        assert_eq!(err("position(${a})").code(), "expr-unsupported");
        assert_eq!(err("regex(., '[a-')").code(), "expr-bad-regex");
        assert!(
            parse("regex(., ${pattern})").is_ok(),
            "a computed pattern is checked at evaluation"
        );
    }

    #[test]
    fn choice_name_takes_a_quoted_reference() {
        assert_eq!(
            p("jr:choice-name(${c}, '${c}')"),
            Expr::ChoiceName {
                value: Box::new(Expr::Ref {
                    name: "c".into(),
                    offset: 15
                }),
                field: "c".into()
            }
        );
        assert_eq!(err("jr:choice-name(${c}, 'c')").code(), "expr-syntax");
        assert_eq!(err("jr:choice-name(${c})").code(), "expr-arity");
    }

    #[test]
    fn syntax_errors_point_at_the_offending_column() {
        assert_eq!(err("").code(), "expr-syntax");
        assert_eq!(err("1 +").offset, 3);
        assert_eq!(err("${a} = 'x").offset, 7);
        assert_eq!(err("${a").offset, 0);
        assert_eq!(err("${1a}").code(), "expr-bad-name");
        assert_eq!(err("$a").offset, 0);
        assert_eq!(err("(1").offset, 2);
        assert_eq!(err("1 2").offset, 2);
        assert_eq!(err("1 # 2").offset, 2);
        assert_eq!(err("/data/a").code(), "expr-unsupported");
        assert_eq!(err("..").code(), "expr-unsupported");
        assert_eq!(err("and 1").code(), "expr-syntax");
        assert_eq!(err("jr:foo").code(), "expr-bad-name");
        let e = err("1 +");
        assert_eq!(e.to_string(), "expression ends too early (at column 4)");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(err(&deep).code(), "expr-too-deep");
        assert_eq!(err(&"-".repeat(10_000)).code(), "expr-too-deep");
        let calls = format!("{}1{}", "not(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(err(&calls).code(), "expr-too-deep");
        assert_eq!(err(&vec!["1"; 10_000].join(" + ")).code(), "expr-too-deep");
        assert!(parse(&format!("{}1{}", "(".repeat(30), ")".repeat(30))).is_ok());
        assert!(
            parse(&vec!["${a}"; 100].join(" + ")).is_ok(),
            "a 100-term score sum is fine"
        );
    }

    #[test]
    fn xml_names() {
        for ok in ["a", "_a", "é", "a1", "a.b", "a-b", "a_b"] {
            assert!(is_xml_name(ok), "{ok}");
        }
        for bad in ["", "1a", "-a", ".a", "a b", "a:b", "a$", "a/b"] {
            assert!(!is_xml_name(bad), "{bad}");
        }
    }
}
