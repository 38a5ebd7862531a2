//! Values, coercions and evaluation, following JavaRosa (ODK's engine) where XPath 1.0 leaves
//! room: answers arrive as text, so text that reads as a number compares as a number, an empty
//! answer is NaN in arithmetic, and dates count as days since 1970-01-01.

use super::parse::{BinaryOp, Expr, Func};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// Several values: a field of a repeat referred to from outside its instance, or a repeat
    /// itself (one entry per instance) for `count()`.
    Nodes(Vec<Value>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("unknown reference ${{{0}}}")]
    UnknownReference(String),
    #[error("unknown column '{0}' (bare names are only for choice_filter)")]
    UnknownColumn(String),
    #[error("position(..) used outside a repeat")]
    NoPosition,
    #[error("'{0}' is not a date")]
    BadDate(String),
    #[error("bad regular expression: {0}")]
    BadRegex(String),
}

impl EvalError {
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::UnknownReference(_) => "eval-unknown-reference",
            EvalError::UnknownColumn(_) => "eval-unknown-column",
            EvalError::NoPosition => "eval-no-position",
            EvalError::BadDate(_) => "eval-bad-date",
            EvalError::BadRegex(_) => "eval-bad-regex",
        }
    }
}

/// What an expression can see while it is evaluated.
pub trait Context {
    /// The value of `${name}`, `None` when no such field exists.
    fn reference(&self, name: &str) -> Option<Value>;
    /// `.`: the value being checked (a constraint's own answer).
    fn current(&self) -> Value;
    /// 1-based position of the repeat instance being evaluated, if inside one.
    fn position(&self) -> Option<usize>;
    /// The clock, injected so that `today()` and `now()` are deterministic in tests.
    fn now(&self) -> NaiveDateTime;
    /// Label of choice `value` in the list of select field `field`, in the reader's language.
    fn choice_label(&self, field: &str, value: &str) -> Option<String>;
    /// A bare name: a column of the choice being filtered by a `choice_filter`.
    fn column(&self, _name: &str) -> Option<Value> {
        None
    }
}

/// A context from plain maps: what tests, previews and simple callers need.
#[derive(Debug, Clone)]
pub struct SimpleContext {
    pub values: BTreeMap<String, Value>,
    pub current: Value,
    pub position: Option<usize>,
    pub now: NaiveDateTime,
    /// field -> (choice name -> label).
    pub choice_labels: BTreeMap<String, BTreeMap<String, String>>,
    pub columns: BTreeMap<String, Value>,
}

impl SimpleContext {
    pub fn new(now: NaiveDateTime) -> Self {
        SimpleContext {
            values: BTreeMap::new(),
            current: Value::Text(String::new()),
            position: None,
            now,
            choice_labels: BTreeMap::new(),
            columns: BTreeMap::new(),
        }
    }

    /// Sets `${name}` to a text answer.
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.values
            .insert(name.to_string(), Value::Text(value.to_string()));
        self
    }
}

impl Context for SimpleContext {
    fn reference(&self, name: &str) -> Option<Value> {
        self.values.get(name).cloned()
    }
    fn current(&self) -> Value {
        self.current.clone()
    }
    fn position(&self) -> Option<usize> {
        self.position
    }
    fn now(&self) -> NaiveDateTime {
        self.now
    }
    fn choice_label(&self, field: &str, value: &str) -> Option<String> {
        self.choice_labels.get(field)?.get(value).cloned()
    }
    fn column(&self, name: &str) -> Option<Value> {
        self.columns.get(name).cloned()
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Writes a number as XPath's `string()` does: integers without a decimal part.
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else if n == n.trunc() && n.abs() < 1e15 {
        format!("{:.0}", n + 0.0) // + 0.0 turns -0 into 0
    } else {
        format!("{n}")
    }
}

/// Strict XPath number syntax: optional minus, digits, optional fraction. No exponent, no
/// "Infinity": those are text in a form.
fn parse_xpath_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let body = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) || body.starts_with('+')
    {
        return None;
    }
    t.parse::<f64>().ok()
}

/// `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// ISO 8601 date-time as ODK writes it (`2024-03-01T10:30:00.000+01:00`); the offset is
/// dropped: Passerelle reasons in the local wall-clock time the person typed.
pub(crate) fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let t = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(dt.naive_local());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(dt);
        }
    }
    // ODK's `+01:00`-less offset form `+0100` and the `Z` suffix on a naive time.
    if let Some(head) = t.strip_suffix('Z') {
        return parse_datetime(head);
    }
    if t.len() > 5 && t.is_char_boundary(t.len() - 5) {
        let (head, tail) = t.split_at(t.len() - 5);
        if (tail.starts_with('+') || tail.starts_with('-'))
            && tail[1..].chars().all(|c| c.is_ascii_digit())
        {
            return NaiveDateTime::parse_from_str(head, "%Y-%m-%dT%H:%M:%S%.f").ok();
        }
    }
    None
}

/// `HH:MM`, `HH:MM:SS`, `HH:MM:SS.sss`, optionally followed by an offset that is dropped.
pub(crate) fn parse_time(s: &str) -> Option<NaiveTime> {
    let t = s.trim();
    let t = t.strip_suffix('Z').unwrap_or(t);
    let t = match t.find(['+', '-']) {
        Some(i) => &t[..i],
        None => t,
    };
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
}

fn days(d: NaiveDate) -> f64 {
    (d - epoch()).num_days() as f64
}

fn decimal_days(dt: NaiveDateTime) -> f64 {
    days(dt.date())
        + f64::from(dt.num_seconds_from_midnight()) / 86_400.0
        + f64::from(dt.nanosecond() % 1_000_000_000) / 86_400e9
}

fn date_from_days(n: f64) -> Option<Value> {
    if !n.is_finite() || n.abs() > 3_000_000.0 {
        return None;
    }
    let whole = n.floor();
    let date = epoch().checked_add_signed(chrono::Duration::days(whole as i64))?;
    let secs = ((n - whole) * 86_400.0).round() as u32;
    if secs == 0 {
        Some(Value::Date(date))
    } else {
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0)?;
        Some(Value::DateTime(date.and_time(time)))
    }
}

fn format_datetime(dt: &NaiveDateTime) -> String {
    if dt.nanosecond() == 0 {
        dt.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
    }
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// XPath `number()`, with JavaRosa's readings: empty text is NaN, date text counts days.
    pub fn to_number(&self) -> f64 {
        match self {
            Value::Number(n) => *n,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Date(d) => days(*d),
            Value::DateTime(dt) => decimal_days(*dt),
            Value::Text(s) => parse_xpath_number(s)
                .or_else(|| parse_date(s).map(days))
                .or_else(|| parse_datetime(s).map(decimal_days))
                .unwrap_or(f64::NAN),
            Value::Nodes(v) => v.first().map(Value::to_number).unwrap_or(f64::NAN),
        }
    }

    /// XPath `string()`.
    pub fn to_text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(n) => format_number(*n),
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::DateTime(dt) => format_datetime(dt),
            Value::Nodes(v) => v.first().map(Value::to_text).unwrap_or_default(),
        }
    }

    /// XPath `boolean()`: non-empty text is true (even "false"), NaN and 0 are false.
    pub fn to_bool(&self) -> bool {
        match self {
            Value::Text(s) => !s.is_empty(),
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Bool(b) => *b,
            Value::Date(_) | Value::DateTime(_) => true,
            Value::Nodes(v) => !v.is_empty(),
        }
    }

    fn nodes(&self) -> Vec<Value> {
        match self {
            Value::Nodes(v) => v.clone(),
            other => vec![other.clone()],
        }
    }
}

fn equals(a: &Value, b: &Value) -> bool {
    // XPath: a comparison with a node-set holds if it holds for some node.
    if let Value::Nodes(v) = a {
        return v.iter().any(|x| equals(x, b));
    }
    if let Value::Nodes(v) = b {
        return v.iter().any(|y| equals(a, y));
    }
    match (a, b) {
        (Value::Bool(_), _) | (_, Value::Bool(_)) => a.to_bool() == b.to_bool(),
        (Value::Number(_) | Value::Date(_) | Value::DateTime(_), _)
        | (_, Value::Number(_) | Value::Date(_) | Value::DateTime(_)) => {
            a.to_number() == b.to_number()
        }
        (Value::Text(x), Value::Text(y)) => match (parse_xpath_number(x), parse_xpath_number(y)) {
            (Some(m), Some(n)) => m == n,
            _ => x == y,
        },
        _ => a.to_text() == b.to_text(),
    }
}

fn relate(op: BinaryOp, a: &Value, b: &Value) -> bool {
    if let Value::Nodes(v) = a {
        return v.iter().any(|x| relate(op, x, b));
    }
    if let Value::Nodes(v) = b {
        return v.iter().any(|y| relate(op, a, y));
    }
    let (x, y) = (a.to_number(), b.to_number());
    match op {
        BinaryOp::Lt => x < y,
        BinaryOp::Le => x <= y,
        BinaryOp::Gt => x > y,
        _ => x >= y,
    }
}

/// XPath `round()`: halves go up (towards +infinity), with an optional number of digits.
fn round(x: f64, digits: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    if digits.is_nan() || digits == 0.0 {
        return (x + 0.5).floor();
    }
    let scale = 10f64.powi(digits.trunc().clamp(-15.0, 15.0) as i32);
    ((x * scale) + 0.5).floor() / scale
}

fn tokens(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

pub(super) fn eval(e: &Expr, ctx: &dyn Context) -> Result<Value, EvalError> {
    Ok(match e {
        Expr::Number(n) => Value::Number(*n),
        Expr::Text(s) => Value::Text(s.clone()),
        Expr::Ref { name, .. } => ctx
            .reference(name)
            .ok_or_else(|| EvalError::UnknownReference(name.clone()))?,
        Expr::Current => ctx.current(),
        Expr::Parent => ctx.current(),
        Expr::Column { name, .. } => ctx
            .column(name)
            .ok_or_else(|| EvalError::UnknownColumn(name.clone()))?,
        Expr::Neg(inner) => Value::Number(-eval(inner, ctx)?.to_number()),
        Expr::Binary(op, a, b) => binary(*op, a, b, ctx)?,
        Expr::Call { func, args } => call(*func, args, ctx)?,
        Expr::ChoiceName { value, field } => {
            let v = eval(value, ctx)?.to_text();
            Value::Text(ctx.choice_label(field, v.trim()).unwrap_or_default())
        }
    })
}

fn binary(op: BinaryOp, a: &Expr, b: &Expr, ctx: &dyn Context) -> Result<Value, EvalError> {
    // `and` / `or` short-circuit, so a guard like `${n} > 0 and 10 div ${n} > 1` is safe.
    match op {
        BinaryOp::And => {
            return Ok(Value::Bool(
                eval(a, ctx)?.to_bool() && eval(b, ctx)?.to_bool(),
            ));
        }
        BinaryOp::Or => {
            return Ok(Value::Bool(
                eval(a, ctx)?.to_bool() || eval(b, ctx)?.to_bool(),
            ));
        }
        _ => {}
    }
    let (x, y) = (eval(a, ctx)?, eval(b, ctx)?);
    Ok(match op {
        BinaryOp::Eq => Value::Bool(equals(&x, &y)),
        BinaryOp::Ne => Value::Bool(!equals(&x, &y)),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            Value::Bool(relate(op, &x, &y))
        }
        BinaryOp::Add => Value::Number(x.to_number() + y.to_number()),
        BinaryOp::Sub => Value::Number(x.to_number() - y.to_number()),
        BinaryOp::Mul => Value::Number(x.to_number() * y.to_number()),
        BinaryOp::Div => Value::Number(x.to_number() / y.to_number()),
        BinaryOp::Mod => Value::Number(x.to_number() % y.to_number()),
        BinaryOp::And | BinaryOp::Or => Value::Bool(false), // handled above
    })
}

fn to_date(v: &Value) -> Result<Value, EvalError> {
    Ok(match v {
        Value::Date(_) | Value::DateTime(_) => v.clone(),
        Value::Nodes(n) => match n.first() {
            Some(first) => to_date(first)?,
            None => Value::Text(String::new()),
        },
        Value::Text(s) if s.trim().is_empty() => Value::Text(String::new()),
        Value::Text(s) => {
            if let Some(d) = parse_date(s) {
                Value::Date(d)
            } else if let Some(dt) = parse_datetime(s) {
                Value::DateTime(dt)
            } else if let Some(n) = parse_xpath_number(s) {
                date_from_days(n).ok_or_else(|| EvalError::BadDate(s.clone()))?
            } else {
                return Err(EvalError::BadDate(s.clone()));
            }
        }
        Value::Number(n) => {
            date_from_days(*n).ok_or_else(|| EvalError::BadDate(format_number(*n)))?
        }
        Value::Bool(b) => return Err(EvalError::BadDate(b.to_string())),
    })
}

fn call(func: Func, args: &[Expr], ctx: &dyn Context) -> Result<Value, EvalError> {
    let arg = |i: usize| -> Result<Value, EvalError> {
        match args.get(i) {
            Some(e) => eval(e, ctx),
            None => Ok(Value::Text(String::new())),
        }
    };
    let text = |i: usize| -> Result<String, EvalError> { Ok(arg(i)?.to_text()) };
    let num = |i: usize| -> Result<f64, EvalError> { Ok(arg(i)?.to_number()) };
    Ok(match func {
        Func::Not => Value::Bool(!arg(0)?.to_bool()),
        Func::True => Value::Bool(true),
        Func::False => Value::Bool(false),
        Func::Boolean => Value::Bool(arg(0)?.to_bool()),
        Func::String => Value::Text(text(0)?),
        Func::Number => Value::Number(num(0)?),
        Func::Int => Value::Number(num(0)?.trunc()),
        Func::Round => Value::Number(round(num(0)?, if args.len() > 1 { num(1)? } else { 0.0 })),
        Func::Floor => Value::Number(num(0)?.floor()),
        Func::Ceiling => Value::Number(num(0)?.ceil()),
        Func::Abs => Value::Number(num(0)?.abs()),
        Func::Pow => Value::Number(num(0)?.powf(num(1)?)),
        Func::Selected => {
            let list = text(0)?;
            let wanted = text(1)?;
            Value::Bool(tokens(&list).contains(&wanted.trim()))
        }
        Func::CountSelected => Value::Number(tokens(&text(0)?).len() as f64),
        Func::SelectedAt => {
            let list = text(0)?;
            let i = num(1)?;
            let picked = if i.is_finite() && i >= 0.0 {
                tokens(&list).get(i as usize).map(|s| s.to_string())
            } else {
                None
            };
            Value::Text(picked.unwrap_or_default())
        }
        Func::If => {
            if arg(0)?.to_bool() {
                arg(1)?
            } else {
                arg(2)?
            }
        }
        Func::Coalesce => {
            let first = arg(0)?;
            if first.to_text().is_empty() {
                arg(1)?
            } else {
                first
            }
        }
        Func::Concat => {
            let mut out = String::new();
            for i in 0..args.len() {
                // JavaRosa joins every node of a node-set argument.
                for v in arg(i)?.nodes() {
                    out.push_str(&v.to_text());
                }
            }
            Value::Text(out)
        }
        Func::Join => {
            let sep = text(0)?;
            let mut parts = Vec::new();
            for i in 1..args.len() {
                parts.extend(arg(i)?.nodes().iter().map(Value::to_text));
            }
            Value::Text(parts.join(&sep))
        }
        Func::StringLength => Value::Number(text(0)?.chars().count() as f64),
        Func::Substr => {
            // ODK's substr: 0-based start, optional exclusive end.
            let s: Vec<char> = text(0)?.chars().collect();
            let len = s.len() as f64;
            let clamp = |n: f64| if n.is_nan() { 0.0 } else { n.clamp(0.0, len) } as usize;
            let start = clamp(num(1)?);
            let end = if args.len() > 2 {
                clamp(num(2)?)
            } else {
                s.len()
            };
            Value::Text(if start < end {
                s[start..end].iter().collect()
            } else {
                String::new()
            })
        }
        Func::Contains => Value::Bool(text(0)?.contains(&text(1)?)),
        Func::StartsWith => Value::Bool(text(0)?.starts_with(&text(1)?)),
        Func::EndsWith => Value::Bool(text(0)?.ends_with(&text(1)?)),
        Func::NormalizeSpace => Value::Text(tokens(&text(0)?).join(" ")),
        Func::Regex => {
            let s = text(0)?;
            let pattern = text(1)?;
            let re = regex::Regex::new(&pattern).map_err(|e| EvalError::BadRegex(e.to_string()))?;
            Value::Bool(re.is_match(&s))
        }
        Func::Today => Value::Date(ctx.now().date()),
        Func::Now => Value::DateTime(ctx.now()),
        Func::Date => to_date(&arg(0)?)?,
        Func::DecimalDateTime => match to_date(&arg(0)?)? {
            Value::Text(_) => Value::Number(f64::NAN),
            v => Value::Number(v.to_number()),
        },
        Func::Position => Value::Number(ctx.position().ok_or(EvalError::NoPosition)? as f64),
        Func::Count => Value::Number(match arg(0)? {
            Value::Nodes(v) => v.len() as f64,
            Value::Text(s) if s.is_empty() => 0.0,
            _ => 1.0,
        }),
        Func::Sum => Value::Number(arg(0)?.nodes().iter().map(Value::to_number).sum()),
        Func::Max | Func::Min => {
            let mut all = Vec::new();
            for i in 0..args.len() {
                all.extend(arg(i)?.nodes().iter().map(Value::to_number));
            }
            if all.is_empty() || all.iter().any(|n| n.is_nan()) {
                Value::Number(f64::NAN)
            } else if func == Func::Max {
                Value::Number(all.into_iter().fold(f64::NEG_INFINITY, f64::max))
            } else {
                Value::Number(all.into_iter().fold(f64::INFINITY, f64::min))
            }
        }
        Func::Once => arg(0)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::Expression;
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 3, 15)
            .unwrap()
            .and_hms_opt(10, 30, 0)
            .unwrap()
    }
    fn ctx() -> SimpleContext {
        SimpleContext::new(now())
    }
    fn ev(src: &str, c: &SimpleContext) -> Value {
        Expression::parse(src).unwrap().eval(c).unwrap()
    }
    fn t(src: &str) -> String {
        ev(src, &ctx()).to_text()
    }
    fn b(src: &str, c: &SimpleContext) -> bool {
        Expression::parse(src).unwrap().eval_bool(c).unwrap()
    }
    fn n(src: &str) -> f64 {
        ev(src, &ctx()).to_number()
    }

    #[test]
    fn arithmetic_and_precedence() {
        assert_eq!(n("1 + 2 * 3"), 7.0);
        assert_eq!(n("(1 + 2) * 3"), 9.0);
        assert_eq!(n("7 div 2"), 3.5);
        assert_eq!(n("7 mod 3"), 1.0);
        assert_eq!(
            n("-7 mod 3"),
            -1.0,
            "mod keeps the dividend's sign, as XPath says"
        );
        assert_eq!(n("10 - 2 - 3"), 5.0);
        assert_eq!(n("-2 * -3"), 6.0);
        assert_eq!(n("- (1 + 1)"), -2.0);
        assert_eq!(t("1 div 0"), "Infinity");
        assert_eq!(t("-1 div 0"), "-Infinity");
        assert_eq!(t("0 div 0"), "NaN");
        assert_eq!(t("1 + 2 = 3"), "true");
        assert_eq!(
            t("1 < 2 = 2 > 1"),
            "true",
            "relational binds tighter than equality"
        );
        assert_eq!(
            t("1 = 1 or 1 = 2 and 1 = 2"),
            "true",
            "and binds tighter than or"
        );
        assert_eq!(t("(1 = 1 or 1 = 2) and 1 = 2"), "false");
    }

    #[test]
    fn empty_answers_are_nan_in_arithmetic() {
        let c = ctx().with("a", "").with("b", "4");
        assert!(ev("${a} + 1", &c).to_number().is_nan());
        assert_eq!(ev("${b} + 1", &c).to_number(), 5.0);
        assert!(!b("${a} > 0", &c));
        assert!(!b("${a} < 0", &c), "NaN compares false both ways");
        assert!(b("${a} = ''", &c));
        assert!(!b("${a} = 0", &c));
        assert!(ev("number('abc')", &c).to_number().is_nan());
        assert!(
            ev("number('1e3')", &c).to_number().is_nan(),
            "no exponents in XPath numbers"
        );
        assert_eq!(ev("number(' -2.5 ')", &c).to_number(), -2.5);
        assert_eq!(ev("number(true())", &c).to_number(), 1.0);
    }

    #[test]
    fn text_that_reads_as_numbers_compares_as_numbers() {
        let c = ctx()
            .with("a", "05")
            .with("b", "5")
            .with("c", "abc")
            .with("d", "10");
        assert!(b("${a} = ${b}", &c));
        assert!(b("${a} = 5", &c));
        assert!(!b("${c} = ${b}", &c));
        assert!(b("${c} = 'abc'", &c));
        assert!(b("${d} > ${b}", &c), "'10' > '5' numerically, not as text");
        assert!(b("${a} != 6", &c));
        assert!(b("'abc' != 'abd'", &c));
    }

    #[test]
    fn booleans_and_truthiness() {
        let c = ctx().with("e", "").with("f", "false").with("z", "0");
        assert!(!b("${e}", &c));
        assert!(b("${f}", &c), "non-empty text is true, even 'false'");
        assert!(b("${z}", &c), "text '0' is true: it is non-empty");
        assert!(!b("number(${z})", &c));
        assert!(b("not(${e})", &c));
        assert!(
            b("true() = 'x'", &c),
            "comparing with a boolean converts the other side"
        );
        assert!(b("false() = ''", &c));
        assert!(b("boolean(1)", &c));
        assert!(!b("boolean(0 div 0)", &c));
        assert_eq!(ev("true()", &c).to_text(), "true");
    }

    #[test]
    fn and_or_short_circuit() {
        // position(..) fails outside a repeat: reaching it would be an error.
        let c = ctx();
        assert!(!b("false() and position(..) = 1", &c));
        assert!(b("true() or position(..) = 1", &c));
        assert!(
            Expression::parse("true() and position(..) = 1")
                .unwrap()
                .eval(&c)
                .is_err()
        );
    }

    #[test]
    fn selected_and_count_selected_split_on_spaces() {
        let c = ctx().with("m", " water  food\tshelter ").with("s", "water");
        assert!(b("selected(${m}, 'food')", &c));
        assert!(b("selected(${m}, ' shelter ')", &c));
        assert!(
            !b("selected(${m}, 'foo')", &c),
            "whole tokens, not substrings"
        );
        assert!(b("selected(${s}, 'water')", &c));
        assert_eq!(ev("count-selected(${m})", &c).to_number(), 3.0);
        assert_eq!(ev("count-selected('')", &c).to_number(), 0.0);
        assert_eq!(ev("selected-at(${m}, 1)", &c).to_text(), "food");
        assert_eq!(ev("selected-at(${m}, 9)", &c).to_text(), "");
    }

    #[test]
    fn if_coalesce_concat_and_strings() {
        let c = ctx().with("a", "").with("b", "B").with("name", "Ana");
        assert_eq!(ev("if(${b} = 'B', 'yes', 'no')", &c).to_text(), "yes");
        assert_eq!(ev("if(${a}, 1, 2)", &c).to_number(), 2.0);
        assert_eq!(ev("coalesce(${a}, ${b})", &c).to_text(), "B");
        assert_eq!(ev("coalesce(${b}, 'x')", &c).to_text(), "B");
        assert_eq!(
            ev("concat('Hi ', ${name}, ' ', 3, ' ', 2.5)", &c).to_text(),
            "Hi Ana 3 2.5"
        );
        assert_eq!(ev("concat()", &c).to_text(), "");
        assert_eq!(ev("string-length('été')", &c).to_number(), 3.0);
        assert_eq!(ev("string-length(${a})", &c).to_number(), 0.0);
        assert_eq!(ev("substr('abcdef', 1, 3)", &c).to_text(), "bc");
        assert_eq!(ev("substr('abcdef', 4)", &c).to_text(), "ef");
        assert_eq!(ev("substr('abc', 5)", &c).to_text(), "");
        assert!(b(
            "contains('abc', 'b') and starts-with('abc', 'a') and ends-with('abc', 'c')",
            &c
        ));
        assert_eq!(ev("normalize-space('  a   b ')", &c).to_text(), "a b");
        assert_eq!(ev("string(12)", &c).to_text(), "12");
        assert_eq!(ev("string(-0)", &c).to_text(), "0");
    }

    #[test]
    fn regex_finds_a_match_anywhere_unless_anchored() {
        let c = ctx().with("phone", "+33 6 12").with("code", "AB12");
        assert!(b("regex(${code}, '[0-9]+')", &c));
        assert!(!b("regex(${code}, '^[0-9]+$')", &c));
        assert!(b("regex(${code}, '^[A-Z]{2}[0-9]{2}$')", &c));
        let c2 = ctx().with("p", "[");
        let err = Expression::parse("regex('x', ${p})")
            .unwrap()
            .eval(&c2)
            .unwrap_err();
        assert_eq!(err.code(), "eval-bad-regex");
    }

    #[test]
    fn numbers_int_round() {
        assert_eq!(n("int(3.9)"), 3.0);
        assert_eq!(n("int(-3.9)"), -3.0, "int truncates towards zero");
        assert_eq!(n("round(2.5)"), 3.0);
        assert_eq!(n("round(-2.5)"), -2.0, "XPath rounds halves up");
        assert_eq!(n("round(2.71828, 2)"), 2.72);
        assert_eq!(n("round(1234, -2)"), 1200.0);
        assert!(n("round('x')").is_nan());
        assert_eq!(n("floor(-1.5)"), -2.0);
        assert_eq!(n("ceiling(1.2)"), 2.0);
        assert_eq!(n("abs(-4)"), 4.0);
        assert_eq!(n("pow(2, 10)"), 1024.0);
        assert_eq!(n("number('7')"), 7.0);
        assert_eq!(n("max(3, 9, 4)"), 9.0);
        assert_eq!(n("min(3, 9, 4)"), 3.0);
        assert!(n("max(3, '')").is_nan());
        assert_eq!(n("once(4)"), 4.0);
    }

    #[test]
    fn dates_count_days_since_1970() {
        let c = ctx()
            .with("dob", "2000-02-29")
            .with("when", "2024-03-15T08:00:00");
        assert_eq!(ev("today()", &c).to_text(), "2024-03-15");
        assert_eq!(ev("now()", &c).to_text(), "2024-03-15T10:30:00");
        assert_eq!(ev("date('1970-01-02')", &c).to_number(), 1.0);
        assert_eq!(ev("date(0)", &c).to_text(), "1970-01-01");
        assert_eq!(ev("date(19797)", &c).to_text(), "2024-03-15");
        assert_eq!(ev("date(${dob}) + 1", &c).to_number(), 11017.0);
        assert_eq!(ev("date(date(${dob}) + 1)", &c).to_text(), "2000-03-01");
        assert_eq!(ev("date(${when})", &c).to_text(), "2024-03-15T08:00:00");
        assert!(b("${dob} < today()", &c), "date text compares as a date");
        assert!(b("today() = '2024-03-15'", &c));
        assert!(
            !b("today() > ${when}", &c),
            "today() is midnight, before 8 a.m. the same day"
        );
        assert_eq!(
            ev("int((today() - date(${dob})) div 365.25)", &c).to_number(),
            24.0
        );
        assert_eq!(
            ev("decimal-date-time('1970-01-02T12:00:00')", &c).to_number(),
            1.5
        );
        assert_eq!(ev("decimal-date-time(today())", &c).to_number(), 19797.0);
        assert_eq!(
            ev("date('')", &c).to_text(),
            "",
            "an empty answer stays empty"
        );
        assert_eq!(
            Expression::parse("date('soon')")
                .unwrap()
                .eval(&c)
                .unwrap_err()
                .code(),
            "eval-bad-date"
        );
    }

    #[test]
    fn references_choice_names_positions_and_columns() {
        let mut c = ctx().with("sex", "f");
        c.choice_labels.insert(
            "sex".into(),
            [("f".to_string(), "Female".to_string())].into(),
        );
        assert_eq!(
            ev("jr:choice-name(${sex}, '${sex}')", &c).to_text(),
            "Female"
        );
        assert_eq!(ev("jr:choice-name('x', '${sex}')", &c).to_text(), "");
        let e = Expression::parse("${missing}")
            .unwrap()
            .eval(&c)
            .unwrap_err();
        assert_eq!(
            (e.code(), e.to_string()),
            (
                "eval-unknown-reference",
                "unknown reference ${missing}".into()
            )
        );
        assert_eq!(
            Expression::parse("position(..)")
                .unwrap()
                .eval(&c)
                .unwrap_err()
                .code(),
            "eval-no-position"
        );
        c.position = Some(3);
        assert_eq!(ev("position(..)", &c).to_number(), 3.0);
        c.current = Value::text("42");
        assert!(b(". > 40 and . < 50", &c));
        c.columns.insert("county".into(), Value::text("north"));
        assert!(b("county = 'north'", &c));
        assert_eq!(
            Expression::parse("region")
                .unwrap()
                .eval(&c)
                .unwrap_err()
                .code(),
            "eval-unknown-column"
        );
    }

    #[test]
    fn node_sets_from_repeats() {
        let mut c = ctx();
        c.values.insert(
            "age".into(),
            Value::Nodes(vec![Value::text("4"), Value::text("30"), Value::text("")]),
        );
        c.values
            .insert("members".into(), Value::Nodes(vec![Value::text(""); 3]));
        c.values.insert("nobody".into(), Value::Nodes(vec![]));
        assert_eq!(ev("count(${members})", &c).to_number(), 3.0);
        assert_eq!(ev("count(${nobody})", &c).to_number(), 0.0);
        assert!(
            ev("sum(${age})", &c).to_number().is_nan(),
            "an empty answer makes the sum NaN"
        );
        c.values.insert(
            "age".into(),
            Value::Nodes(vec![Value::text("4"), Value::text("30")]),
        );
        assert_eq!(ev("sum(${age})", &c).to_number(), 34.0);
        assert_eq!(ev("max(${age})", &c).to_number(), 30.0);
        assert!(b("${age} < 5", &c), "some node is under 5");
        assert!(b("${age} = 30", &c));
        assert_eq!(ev("concat(${age})", &c).to_text(), "430");
        assert_eq!(ev("join(', ', ${age})", &c).to_text(), "4, 30");
        assert_eq!(
            ev("string(${age})", &c).to_text(),
            "4",
            "string() takes the first node"
        );
        assert!(!b("${nobody}", &c));
    }

    #[test]
    fn number_formatting() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1e20), "100000000000000000000");
    }

    #[test]
    fn date_time_and_time_parsing() {
        assert!(parse_datetime("2024-03-15T10:30:00.000+01:00").is_some());
        assert!(parse_datetime("2024-03-15T10:30:00Z").is_some());
        assert!(parse_datetime("2024-03-15T10:30:00.000+0100").is_some());
        assert!(parse_datetime("2024-03-15 10:30").is_some());
        assert!(parse_datetime("2024-03-15").is_none());
        assert!(
            parse_datetime("2024-03-15Tééé").is_none(),
            "multi-byte text must not split mid-character"
        );
        assert!(parse_time("1é:00").is_none());
        assert!(parse_time("10:30").is_some());
        assert!(parse_time("10:30:15.000+01:00").is_some());
        assert!(parse_time("25:00").is_none());
        assert!(parse_date("2024-02-30").is_none());
    }
}
