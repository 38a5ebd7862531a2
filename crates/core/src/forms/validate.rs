//! Checks a submitted answers document against its [`Form`], as the server does before it
//! stores anything: relevance (answers to irrelevant questions are dropped), calculations
//! (recomputed, never trusted from the client), required, types, choice lists and constraints.
//!
//! Answers are a JSON object keyed by field name. Groups do not nest (names are unique in a
//! form); a repeat is an array of objects, one per instance, holding its own fields. Values
//! are strings as ODK submits them; numbers and booleans are accepted and written as text, and
//! a `select_multiple` may also be an array of choice names.

use super::expr::{Context, EvalError, Expression, Value, eval};
use super::model::{Choice, Field, FieldType, Form, Item, Repeat, Text};
use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The clock for `today()` / `now()`.
    pub now: NaiveDateTime,
    /// Language key for `jr:choice-name()` and choice-filter labels (`fr`).
    pub lang: &'a str,
}

/// One problem of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerError {
    /// Where the answer is: `age`, or `members/0/age` (0-based instance, as in the JSON).
    pub path: String,
    /// The field (or repeat) name.
    pub field: String,
    /// `required`, `constraint`, `not-integer`, `not-decimal`, `not-date`, `not-datetime`,
    /// `not-time`, `unknown-choice`, `not-acknowledged`, `not-a-value`, `not-a-list`,
    /// `not-an-object`, `unknown-field`, `repeat-count`, `expression-error`.
    pub code: &'static str,
    /// The form's own message for it (`required_message` / `constraint_message`), per language.
    pub message: Option<Text>,
}

/// The outcome: answers as they should be stored, and every problem found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checked {
    /// Answers with irrelevant ones removed, calculations filled in and values as text.
    pub answers: Json,
    pub errors: Vec<AnswerError>,
    /// Paths (as in [`AnswerError::path`]) of the fields, groups and repeats that are not
    /// relevant given these answers: the page hides them. The questions of a hidden group are
    /// listed too, so a caller never has to walk the tree to know; a hidden repeat has no
    /// instances left to list.
    pub hidden: Vec<String>,
    /// For each relevant select with a `choice_filter`: its path and the names of the choices
    /// the filter lets through given these answers, in list order. The page offers only these.
    pub choices: Vec<(String, Vec<String>)>,
}

impl Checked {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// One level of answers: the root, or one instance of a repeat.
#[derive(Debug, Clone, Default, PartialEq)]
struct Instance {
    values: BTreeMap<String, String>,
    repeats: BTreeMap<String, Vec<Instance>>,
}

/// What the validator needs to know about each name.
enum Entry {
    Field,
    Group,
    Repeat,
}

struct Meta {
    entry: Entry,
    /// Names of the repeats around it, outermost first (a repeat includes itself last).
    repeats: Vec<String>,
}

fn index(items: &[Item], repeats: &mut Vec<String>, out: &mut HashMap<String, Meta>) {
    for item in items {
        match item {
            Item::Field(f) => {
                out.insert(
                    f.name.clone(),
                    Meta {
                        entry: Entry::Field,
                        repeats: repeats.clone(),
                    },
                );
            }
            Item::Group(g) => {
                out.insert(
                    g.name.clone(),
                    Meta {
                        entry: Entry::Group,
                        repeats: repeats.clone(),
                    },
                );
                index(&g.items, repeats, out);
            }
            Item::Repeat(r) => {
                repeats.push(r.name.clone());
                out.insert(
                    r.name.clone(),
                    Meta {
                        entry: Entry::Repeat,
                        repeats: repeats.clone(),
                    },
                );
                index(&r.items, repeats, out);
                repeats.pop();
            }
        }
    }
}

/// The fields and repeats answered at one level (groups flattened, repeats not entered).
fn level<'f>(items: &'f [Item], fields: &mut Vec<&'f Field>, repeats: &mut Vec<&'f Repeat>) {
    for item in items {
        match item {
            Item::Field(f) => fields.push(f),
            Item::Group(g) => level(&g.items, fields, repeats),
            Item::Repeat(r) => repeats.push(r),
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

struct Validator<'f, 'o> {
    form: &'f Form,
    meta: HashMap<String, Meta>,
    opts: &'o Options<'o>,
    root: Instance,
    errors: Vec<AnswerError>,
    hidden: Vec<String>,
    choices: Vec<(String, Vec<String>)>,
}

/// Evaluation context at one place of the answers tree.
struct Ctx<'v> {
    form: &'v Form,
    meta: &'v HashMap<String, Meta>,
    root: &'v Instance,
    /// (repeat name, 0-based instance) from the root down to where we evaluate.
    path: &'v [(String, usize)],
    current: Value,
    now: NaiveDateTime,
    lang: &'v str,
    choice: Option<&'v Choice>,
}

impl Context for Ctx<'_> {
    fn reference(&self, name: &str) -> Option<Value> {
        let meta = self.meta.get(name)?;
        let (walk, is_repeat) = match meta.entry {
            Entry::Repeat => (&meta.repeats[..meta.repeats.len().saturating_sub(1)], true),
            Entry::Group => return Some(Value::Text(String::new())),
            Entry::Field => (&meta.repeats[..], false),
        };
        // Follow our own instance while the reference shares our repeats; past that, every
        // instance counts and the reference becomes a node-set.
        let mut here: Vec<&Instance> = vec![self.root];
        let mut fanned = false;
        for (k, rname) in walk.iter().enumerate() {
            let mut next = Vec::new();
            for inst in &here {
                let list = inst.repeats.get(rname).map(Vec::as_slice).unwrap_or(&[]);
                match self.path.get(k) {
                    Some((p, i)) if p == rname && !fanned => next.extend(list.get(*i)),
                    _ => {
                        fanned = true;
                        next.extend(list.iter());
                    }
                }
            }
            here = next;
        }
        if is_repeat {
            let n: usize = here
                .iter()
                .map(|i| i.repeats.get(name).map_or(0, Vec::len))
                .sum();
            return Some(Value::Nodes(vec![Value::Text(String::new()); n]));
        }
        let values: Vec<Value> = here
            .iter()
            .map(|i| Value::Text(i.values.get(name).cloned().unwrap_or_default()))
            .collect();
        if fanned {
            Some(Value::Nodes(values))
        } else {
            Some(
                values
                    .into_iter()
                    .next()
                    .unwrap_or(Value::Text(String::new())),
            )
        }
    }
    fn current(&self) -> Value {
        self.current.clone()
    }
    fn position(&self) -> Option<usize> {
        self.path.last().map(|(_, i)| i + 1)
    }
    fn now(&self) -> NaiveDateTime {
        self.now
    }
    fn choice_label(&self, field: &str, value: &str) -> Option<String> {
        self.form
            .choice_label(field, value, self.lang)
            .map(str::to_string)
    }
    fn column(&self, name: &str) -> Option<Value> {
        let c = self.choice?;
        let text = match name {
            "name" => c.name.clone(),
            "label" => c
                .label
                .get(self.lang, self.form.default_language.as_deref())
                .unwrap_or("")
                .to_string(),
            other => c.extra.get(other).cloned().unwrap_or_default(),
        };
        Some(Value::Text(text))
    }
}

fn scalar(v: &Json, multiple: bool) -> Option<String> {
    match v {
        Json::Null => Some(String::new()),
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Array(items) if multiple => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect();
            parts.map(|p| p.join(" "))
        }
        _ => None,
    }
}

fn is_integer(v: &str) -> bool {
    let t = v.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && t.parse::<i64>().is_ok()
}

fn is_decimal(v: &str) -> bool {
    let t = v.trim();
    let body = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    !(int.is_empty() && frac.is_empty())
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
}

impl<'f, 'o> Validator<'f, 'o> {
    fn error(&mut self, path: String, field: &str, code: &'static str, message: Option<&Text>) {
        if !self.errors.iter().any(|e| e.path == path && e.code == code) {
            self.errors.push(AnswerError {
                path,
                field: field.to_string(),
                code,
                message: message.filter(|m| !m.is_empty()).cloned(),
            });
        }
    }

    /// Reads one level of the submitted JSON.
    fn load(&mut self, items: &'f [Item], json: &Json, prefix: &str) -> Instance {
        let mut inst = Instance::default();
        let (mut fields, mut repeats) = (Vec::new(), Vec::new());
        level(items, &mut fields, &mut repeats);
        let Some(obj) = json.as_object() else {
            if !json.is_null() {
                let at = if prefix.is_empty() { "" } else { prefix };
                self.error(
                    at.to_string(),
                    at.rsplit('/').nth(1).unwrap_or(""),
                    "not-an-object",
                    None,
                );
            }
            return inst;
        };
        for (key, value) in obj {
            if let Some(f) = fields.iter().find(|f| f.name == *key) {
                let multiple = matches!(f.field_type, FieldType::SelectMultiple { .. });
                match scalar(value, multiple) {
                    Some(s) => {
                        inst.values.insert(key.clone(), s);
                    }
                    None => self.error(join(prefix, key), key, "not-a-value", None),
                }
            } else if let Some(r) = repeats.iter().find(|r| r.name == *key) {
                match value {
                    Json::Array(list) => {
                        let instances = list
                            .iter()
                            .enumerate()
                            .map(|(i, v)| {
                                self.load(&r.items, v, &format!("{}/{i}", join(prefix, key)))
                            })
                            .collect();
                        inst.repeats.insert(key.clone(), instances);
                    }
                    Json::Null => {}
                    _ => self.error(join(prefix, key), key, "not-a-list", None),
                }
            } else {
                self.error(join(prefix, key), key, "unknown-field", None);
            }
        }
        for f in fields {
            if let Some(d) = &f.default
                && (!obj.contains_key(&f.name)
                    || (f.bind.read_only && f.bind.calculation.is_none()))
            {
                inst.values.insert(f.name.clone(), d.clone());
            }
        }
        inst
    }

    fn instance_mut(&mut self, path: &[(String, usize)]) -> Option<&mut Instance> {
        let mut inst = &mut self.root;
        for (name, i) in path {
            inst = inst.repeats.get_mut(name)?.get_mut(*i)?;
        }
        Some(inst)
    }

    fn instance(&self, path: &[(String, usize)]) -> Option<&Instance> {
        let mut inst = &self.root;
        for (name, i) in path {
            inst = inst.repeats.get(name)?.get(*i)?;
        }
        Some(inst)
    }

    fn eval(
        &self,
        e: &Expression,
        path: &[(String, usize)],
        current: Value,
        choice: Option<&Choice>,
    ) -> Result<Value, EvalError> {
        let ctx = Ctx {
            form: self.form,
            meta: &self.meta,
            root: &self.root,
            path,
            current,
            now: self.opts.now,
            lang: self.opts.lang,
            choice,
        };
        e.eval(&ctx)
    }

    fn value(&self, path: &[(String, usize)], name: &str) -> String {
        self.instance(path)
            .and_then(|i| i.values.get(name).cloned())
            .unwrap_or_default()
    }

    /// Relevance of an item; an expression that fails to evaluate counts as relevant so that
    /// its checks still run, and the failure is reported.
    fn relevant(
        &mut self,
        e: Option<&Expression>,
        path: &[(String, usize)],
        at: &str,
        name: &str,
        report: bool,
    ) -> bool {
        let Some(e) = e else { return true };
        match self.eval(e, path, Value::Text(self.value(path, name)), None) {
            Ok(v) => v.to_bool(),
            Err(_) => {
                if report {
                    self.error(at.to_string(), name, "expression-error", None);
                }
                true
            }
        }
    }

    /// One pass of relevance and calculations; returns whether any answer changed.
    fn settle(
        &mut self,
        items: &'f [Item],
        path: &mut Vec<(String, usize)>,
        prefix: &str,
        parent_relevant: bool,
        report: bool,
    ) -> bool {
        let mut changed = false;
        for item in items {
            match item {
                Item::Field(f) => {
                    let at = join(prefix, &f.name);
                    let relevant = parent_relevant
                        && self.relevant(f.bind.relevant.as_ref(), path, &at, &f.name, report);
                    let old = self.value(path, &f.name);
                    let new = if !relevant || f.field_type == FieldType::Note {
                        String::new()
                    } else if let Some(calc) = &f.bind.calculation {
                        match self.eval(calc, path, Value::Text(old.clone()), None) {
                            Ok(v) => v.to_text(),
                            Err(_) => {
                                if report {
                                    self.error(at.clone(), &f.name, "expression-error", None);
                                }
                                String::new()
                            }
                        }
                    } else {
                        old.clone()
                    };
                    if new != old
                        && let Some(inst) = self.instance_mut(path)
                    {
                        if new.is_empty() {
                            inst.values.remove(&f.name);
                        } else {
                            inst.values.insert(f.name.clone(), new);
                        }
                        changed = true;
                    }
                }
                Item::Group(g) => {
                    let at = join(prefix, &g.name);
                    let relevant = parent_relevant
                        && self.relevant(g.relevant.as_ref(), path, &at, &g.name, report);
                    changed |= self.settle(&g.items, path, prefix, relevant, report);
                }
                Item::Repeat(r) => {
                    let at = join(prefix, &r.name);
                    let relevant = parent_relevant
                        && self.relevant(r.relevant.as_ref(), path, &at, &r.name, report);
                    let count = self
                        .instance(path)
                        .and_then(|i| i.repeats.get(&r.name))
                        .map_or(0, Vec::len);
                    if !relevant {
                        if count > 0
                            && let Some(inst) = self.instance_mut(path)
                        {
                            inst.repeats.remove(&r.name);
                            changed = true;
                        }
                        continue;
                    }
                    for i in 0..count {
                        path.push((r.name.clone(), i));
                        changed |= self.settle(&r.items, path, &format!("{at}/{i}"), true, report);
                        path.pop();
                    }
                }
            }
        }
        changed
    }

    fn choice_ok(
        &self,
        f: &Field,
        list: &str,
        or_other: bool,
        v: &str,
        path: &[(String, usize)],
    ) -> bool {
        if or_other && v == "other" {
            return true;
        }
        let Some(choice) = self
            .form
            .choices
            .get(list)
            .and_then(|cs| cs.iter().find(|c| c.name == v))
        else {
            return false;
        };
        match &f.choice_filter {
            // A choice that the filter hides could not have been picked.
            Some(filter) => self
                .eval(filter, path, Value::Text(v.to_string()), Some(choice))
                .is_ok_and(|r| r.to_bool()),
            None => true,
        }
    }

    fn type_error(&self, f: &Field, v: &str, path: &[(String, usize)]) -> Option<&'static str> {
        let ok = match &f.field_type {
            FieldType::Integer => is_integer(v),
            FieldType::Decimal => is_decimal(v),
            FieldType::Date => eval::parse_date(v).is_some(),
            FieldType::DateTime => eval::parse_datetime(v).is_some(),
            FieldType::Time => eval::parse_time(v).is_some(),
            FieldType::SelectOne { list, or_other } => {
                !v.contains(char::is_whitespace) && self.choice_ok(f, list, *or_other, v, path)
            }
            FieldType::SelectMultiple { list, or_other } => v
                .split_whitespace()
                .all(|c| self.choice_ok(f, list, *or_other, c, path)),
            FieldType::Acknowledge => v == "OK",
            _ => true,
        };
        if ok {
            return None;
        }
        Some(match f.field_type {
            FieldType::Integer => "not-integer",
            FieldType::Decimal => "not-decimal",
            FieldType::Date => "not-date",
            FieldType::DateTime => "not-datetime",
            FieldType::Time => "not-time",
            FieldType::Acknowledge => "not-acknowledged",
            _ => "unknown-choice",
        })
    }

    /// The final walk: required, types, choices, constraints and repeat counts.
    fn check(
        &mut self,
        items: &'f [Item],
        path: &mut Vec<(String, usize)>,
        prefix: &str,
        parent_relevant: bool,
    ) {
        for item in items {
            match item {
                Item::Field(f) => {
                    let at = join(prefix, &f.name);
                    if !(parent_relevant
                        && self.relevant(f.bind.relevant.as_ref(), path, &at, &f.name, false))
                    {
                        self.hidden.push(at);
                        continue;
                    }
                    if let (Some(filter), Some(list)) = (&f.choice_filter, f.field_type.list()) {
                        let offered = self
                            .form
                            .choices
                            .get(list)
                            .map(Vec::as_slice)
                            .unwrap_or_default()
                            .iter()
                            .filter(|c| {
                                self.eval(filter, path, Value::Text(c.name.clone()), Some(c))
                                    .is_ok_and(|r| r.to_bool())
                            })
                            .map(|c| c.name.clone())
                            .collect();
                        self.choices.push((at.clone(), offered));
                    }
                    if !f.field_type.is_question() || f.bind.calculation.is_some() {
                        continue;
                    }
                    let v = self.value(path, &f.name);
                    let current = Value::Text(v.clone());
                    if v.trim().is_empty() {
                        let required = match &f.bind.required {
                            Some(e) => match self.eval(e, path, current, None) {
                                Ok(r) => r.to_bool(),
                                Err(_) => {
                                    self.error(at.clone(), &f.name, "expression-error", None);
                                    false
                                }
                            },
                            None => false,
                        };
                        if required {
                            self.error(at, &f.name, "required", Some(&f.bind.required_message));
                        }
                        continue;
                    }
                    if let Some(code) = self.type_error(f, &v, path) {
                        self.error(at, &f.name, code, None);
                        continue;
                    }
                    if let Some(c) = &f.bind.constraint {
                        match self.eval(c, path, current, None) {
                            Ok(r) if r.to_bool() => {}
                            Ok(_) => self.error(
                                at,
                                &f.name,
                                "constraint",
                                Some(&f.bind.constraint_message),
                            ),
                            Err(_) => self.error(at, &f.name, "expression-error", None),
                        }
                    }
                }
                Item::Group(g) => {
                    let at = join(prefix, &g.name);
                    let relevant = parent_relevant
                        && self.relevant(g.relevant.as_ref(), path, &at, &g.name, false);
                    if !relevant {
                        self.hidden.push(at);
                    }
                    self.check(&g.items, path, prefix, relevant);
                }
                Item::Repeat(r) => {
                    let at = join(prefix, &r.name);
                    if !(parent_relevant
                        && self.relevant(r.relevant.as_ref(), path, &at, &r.name, false))
                    {
                        self.hidden.push(at);
                        continue;
                    }
                    let count = self
                        .instance(path)
                        .and_then(|i| i.repeats.get(&r.name))
                        .map_or(0, Vec::len);
                    if let Some(rc) = &r.repeat_count {
                        match self.eval(rc, path, Value::Text(String::new()), None) {
                            Ok(n) => {
                                let n = n.to_number();
                                if n.is_finite() && n != count as f64 {
                                    self.error(at.clone(), &r.name, "repeat-count", None);
                                }
                            }
                            Err(_) => self.error(at.clone(), &r.name, "expression-error", None),
                        }
                    }
                    for i in 0..count {
                        path.push((r.name.clone(), i));
                        self.check(&r.items, path, &format!("{at}/{i}"), true);
                        path.pop();
                    }
                }
            }
        }
    }
}

fn to_json(inst: &Instance) -> Json {
    let mut obj = Map::new();
    // An empty answer and no answer are the same thing in XLSForm: store neither.
    for (k, v) in inst.values.iter().filter(|(_, v)| !v.is_empty()) {
        obj.insert(k.clone(), Json::String(v.clone()));
    }
    for (k, list) in &inst.repeats {
        obj.insert(k.clone(), Json::Array(list.iter().map(to_json).collect()));
    }
    Json::Object(obj)
}

/// Validates `answers` against `form`. Never fails: every problem is in [`Checked::errors`].
pub fn validate(form: &Form, answers: &Json, opts: &Options) -> Checked {
    let mut meta = HashMap::new();
    index(&form.items, &mut Vec::new(), &mut meta);
    let mut v = Validator {
        form,
        meta,
        opts,
        root: Instance::default(),
        errors: Vec::new(),
        hidden: Vec::new(),
        choices: Vec::new(),
    };
    if !answers.is_object() {
        v.error(String::new(), "", "not-an-object", None);
    }
    v.root = v.load(&form.items, answers, "");
    // Calculations may feed relevance and each other in any order: settle until nothing
    // changes. Each pass fixes at least one more link of an acyclic chain, so the number of
    // fields bounds the passes; a cycle stops there instead of looping.
    let bound = v.meta.len() + 2;
    let mut passes = 0;
    while v.settle(&form.items, &mut Vec::new(), "", true, false) && passes < bound {
        passes += 1;
    }
    v.settle(&form.items, &mut Vec::new(), "", true, true);
    v.check(&form.items, &mut Vec::new(), "", true);
    Checked {
        answers: to_json(&v.root),
        errors: v.errors,
        hidden: v.hidden,
        choices: v.choices,
    }
}

#[cfg(test)]
mod tests;
