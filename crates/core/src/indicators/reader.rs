//! Reading indicator and referential files: TOML parsed into a spanned tree and walked by
//! hand, so that every problem is reported at once with file, line, column and field (serde
//! would stop at the first).

use super::plan::DefinitionError;
use crate::sop::Localized;
use chrono::NaiveDate;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What can be wrong in a referential or indicator file. [`LoadError::code`] is the stable
/// key the web layer and the CLI translate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("TOML syntax error: {0}")]
    Syntax(String),
    #[error("this required field is missing")]
    Missing,
    #[error("expected {expected}, found {found}")]
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    #[error("unknown field {0:?}")]
    UnknownField(String),
    #[error("the text is empty")]
    EmptyText,
    #[error("invalid identifier {0:?}: use lowercase letters, digits and underscores")]
    InvalidId(String),
    #[error("{0:?} is used twice")]
    DuplicateId(String),
    #[error("the version must be a whole number of at least 1")]
    InvalidVersion,
    #[error("{0:?} is not a date (write 2025-06-30)")]
    InvalidDate(String),
    #[error("{0}")]
    Definition(DefinitionError),
    #[error("unknown {what} {value:?} (one of: {allowed})")]
    UnknownCode {
        what: &'static str,
        value: String,
        allowed: String,
    },
    #[error("a {unit} indicator needs a denominator (\"... / ...\")")]
    NeedsDenominator { unit: &'static str },
    #[error("{0} is not a finite number")]
    NotFinite(String),
    #[error(
        "the thresholds are the wrong way round: with {direction} values better, good ({good}) must be {relation} acceptable ({acceptable})"
    )]
    ThresholdOrder {
        direction: &'static str,
        relation: &'static str,
        good: String,
        acceptable: String,
    },
    #[error("{field} applies to {kind} indicators only")]
    NotForKind {
        field: &'static str,
        kind: &'static str,
    },
    #[error("the scale's levels must be numbered 1, 2, 3... in order; found {0}")]
    ScaleOrder(i64),
    #[error("a scale needs at least two levels")]
    ScaleTooShort,
    #[error("level {0} is not on the indicator's scale")]
    LevelOffScale(String),
    #[error("unknown principle {0:?}")]
    UnknownPrinciple(String),
    #[error("the referential's [referential] table is missing from every file")]
    NoHeader,
    #[error("[referential] is already given in {0}")]
    DuplicateHeader(String),
    #[error("the referential has no {0}")]
    Empty(&'static str),
}

impl LoadError {
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Syntax(_) => "quality-syntax",
            LoadError::Missing => "quality-missing",
            LoadError::WrongType { .. } => "quality-wrong-type",
            LoadError::UnknownField(_) => "quality-unknown-field",
            LoadError::EmptyText => "quality-empty-text",
            LoadError::InvalidId(_) => "quality-invalid-id",
            LoadError::DuplicateId(_) => "quality-duplicate-id",
            LoadError::InvalidVersion => "quality-invalid-version",
            LoadError::InvalidDate(_) => "quality-invalid-date",
            LoadError::Definition(e) => e.code(),
            LoadError::UnknownCode { .. } => "quality-unknown-code",
            LoadError::NeedsDenominator { .. } => "quality-needs-denominator",
            LoadError::NotFinite(_) => "quality-not-finite",
            LoadError::ThresholdOrder { .. } => "quality-threshold-order",
            LoadError::NotForKind { .. } => "quality-not-for-kind",
            LoadError::ScaleOrder(_) => "quality-scale-order",
            LoadError::ScaleTooShort => "quality-scale-too-short",
            LoadError::LevelOffScale(_) => "quality-level-off-scale",
            LoadError::UnknownPrinciple(_) => "quality-unknown-principle",
            LoadError::NoHeader => "quality-no-header",
            LoadError::DuplicateHeader(_) => "quality-duplicate-header",
            LoadError::Empty(_) => "quality-empty",
        }
    }
}

/// A problem in an indicator or referential file (see [`crate::diagnostic::Diagnostic`]).
pub type Diagnostic = crate::diagnostic::Diagnostic<LoadError>;

impl crate::diagnostic::Coded for LoadError {
    fn code(&self) -> &'static str {
        LoadError::code(self)
    }
}

pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

pub(crate) struct Reader<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub diags: Vec<Diagnostic>,
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(crate) fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Reader<'a> {
        Reader {
            file,
            text,
            diags: Vec::new(),
        }
    }

    /// Parses the file; on a syntax error reports it and returns `None` (the recovered tree
    /// is a guess, and checking it would report problems the author does not have).
    pub fn parse(&mut self) -> Option<Spanned<DeTable<'a>>> {
        let (root, errors) = DeTable::parse_recoverable(self.text);
        if errors.is_empty() {
            return Some(root);
        }
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            self.report(&span, "", LoadError::Syntax(e.message().to_string()));
        }
        None
    }

    pub fn pos(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before
            .get(line_start..)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line as u32, column as u32)
    }

    pub fn report(&mut self, span: &Range<usize>, field: &str, error: LoadError) {
        self.report_at(span.start, field, error);
    }

    pub fn report_at(&mut self, offset: usize, field: &str, error: LoadError) {
        let (line, column) = self.pos(offset);
        self.diags.push(Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            field: field.to_string(),
            error,
        });
    }

    pub fn wrong_type(&mut self, v: &Val<'_>, field: &str, expected: &'static str) {
        let found = v.get_ref().type_str();
        self.report(&v.span(), field, LoadError::WrongType { expected, found });
    }

    /// Reports keys of `t` outside `allowed`: a misspelt optional field would otherwise be
    /// silently ignored.
    pub fn only_keys(&mut self, t: &DeTable<'_>, path: &str, allowed: &[&str]) {
        for (k, _) in t.iter() {
            if !allowed.contains(&k.get_ref().as_ref()) {
                let key = k.get_ref().to_string();
                self.report(&k.span(), &join(path, &key), LoadError::UnknownField(key));
            }
        }
    }

    pub fn required<'t, 'i>(
        &mut self,
        t: &'t DeTable<'i>,
        tspan: &Range<usize>,
        path: &str,
        key: &str,
    ) -> Option<&'t Val<'i>> {
        let v = t.get(key);
        if v.is_none() {
            self.report(tspan, &join(path, key), LoadError::Missing);
        }
        v
    }

    pub fn table<'t, 'i>(&mut self, v: &'t Val<'i>, field: &str) -> Option<&'t DeTable<'i>> {
        let t = v.get_ref().as_table();
        if t.is_none() {
            self.wrong_type(v, field, "table");
        }
        t
    }

    /// An array of tables, each with its span and path.
    pub fn tables<'t, 'i>(
        &mut self,
        v: &'t Val<'i>,
        field: &str,
    ) -> Vec<(&'t DeTable<'i>, Range<usize>, String)> {
        let Some(arr) = v.get_ref().as_array() else {
            self.wrong_type(v, field, "array of tables");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in arr.iter().enumerate() {
            let path = format!("{field}[{i}]");
            if let Some(t) = self.table(item, &path) {
                out.push((t, item.span(), path));
            }
        }
        out
    }

    pub fn string(&mut self, v: &Val<'_>, field: &str) -> Option<String> {
        match v.get_ref().as_str() {
            Some(s) if s.trim().is_empty() => {
                self.report(&v.span(), field, LoadError::EmptyText);
                None
            }
            Some(s) => Some(s.trim().to_string()),
            None => {
                self.wrong_type(v, field, "string");
                None
            }
        }
    }

    pub fn boolean(&mut self, v: &Val<'_>, field: &str) -> Option<bool> {
        let b = v.get_ref().as_bool();
        if b.is_none() {
            self.wrong_type(v, field, "boolean");
        }
        b
    }

    pub fn integer(&mut self, v: &Val<'_>, field: &str) -> Option<i64> {
        match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.report(
                        &v.span(),
                        field,
                        LoadError::NotFinite(i.as_str().to_string()),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(v, field, "integer");
                None
            }
        }
    }

    /// A number, integer or decimal, that must be finite.
    pub fn number(&mut self, v: &Val<'_>, field: &str) -> Option<f64> {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => {
                self.wrong_type(v, field, "number");
                return None;
            }
        };
        match parsed {
            Some(x) if x.is_finite() => Some(x),
            _ => {
                let raw = self.text.get(v.span()).unwrap_or("").to_string();
                self.report(&v.span(), field, LoadError::NotFinite(raw));
                None
            }
        }
    }

    pub fn date(&mut self, v: &Val<'_>, field: &str) -> Option<NaiveDate> {
        let raw = match v.get_ref() {
            DeValue::Datetime(d) => d.to_string(),
            DeValue::String(s) => s.to_string(),
            _ => {
                self.wrong_type(v, field, "date");
                return None;
            }
        };
        match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.report(&v.span(), field, LoadError::InvalidDate(raw));
                None
            }
        }
    }

    pub fn id(&mut self, v: &Val<'_>, field: &str) -> Option<String> {
        let s = self.string(v, field)?;
        if !is_id(&s) {
            self.report(&v.span(), field, LoadError::InvalidId(s));
            return None;
        }
        Some(s)
    }

    /// An array of strings, each with its span.
    pub fn strings(&mut self, v: &Val<'_>, field: &str) -> Option<Vec<(String, Range<usize>)>> {
        let Some(arr) = v.get_ref().as_array() else {
            self.wrong_type(v, field, "array");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in arr.iter().enumerate() {
            match self.string(item, &format!("{field}[{i}]")) {
                Some(s) => out.push((s, item.span())),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    pub fn localized(&mut self, v: &Val<'_>, field: &str) -> Option<Localized> {
        let t = self.table(v, field)?;
        self.only_keys(t, field, &["fr", "en", "es"]);
        let span = v.span();
        let mut get = |lang: &str| {
            self.required(t, &span, field, lang).and_then(|x| {
                let f = join(field, lang);
                self.string(x, &f)
            })
        };
        let fr = get("fr");
        let en = get("en");
        let es = get("es");
        Some(Localized {
            fr: fr?,
            en: en?,
            es: es?,
        })
    }

    pub fn required_localized(
        &mut self,
        t: &DeTable<'_>,
        tspan: &Range<usize>,
        path: &str,
        key: &str,
    ) -> Option<Localized> {
        let v = self.required(t, tspan, path, key)?;
        self.localized(v, &join(path, key))
    }

    /// Where character `position` (from 1) of a string value sits in the file, when the
    /// string is written without escapes (literal strings, and basic strings without `\`);
    /// otherwise the string's start.
    pub fn offset_in_string(&self, v: &Val<'_>, value: &str, position: usize) -> usize {
        let span = v.span();
        let raw = self.text.get(span.clone()).unwrap_or("");
        let delim = ["'''", "\"\"\"", "'", "\""]
            .into_iter()
            .find(|d| raw.starts_with(d));
        let Some(delim) = delim else {
            return span.start;
        };
        let mut body_start = span.start + delim.len();
        if delim.len() == 3 {
            // A newline right after the opening delimiter is not part of the value.
            if self
                .text
                .get(body_start..)
                .is_some_and(|s| s.starts_with('\n'))
            {
                body_start += 1;
            } else if self
                .text
                .get(body_start..)
                .is_some_and(|s| s.starts_with("\r\n"))
            {
                body_start += 2;
            }
        }
        // The value was trimmed when read; find where it starts in the body.
        let body = self.text.get(body_start..span.end).unwrap_or("");
        let Some(at) = body.find(value) else {
            return span.start;
        };
        let rel: usize = value
            .chars()
            .take(position.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        body_start + at + rel
    }
}
