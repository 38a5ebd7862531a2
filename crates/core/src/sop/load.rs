//! Reading SOP files: TOML parsed into a spanned tree, then walked by hand so that every
//! problem is reported at once with its line (serde would stop at the first one).

use super::Known;
use super::model::{
    Anchor, Condition, Deadline, Localized, MAX_RETENTION_DAYS, Period, PeriodError, Phase, Referral,
    Retention, RetentionAction, RiskLevel, Sop, Step,
};
use crate::access::Role;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What can be wrong in an SOP file. [`SopError::code`] is the stable key the web layer and the
/// CLI translate (`sop-error-<code>`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SopError {
    #[error("TOML syntax error: {0}")]
    Syntax(String),
    #[error("this required field is missing")]
    Missing,
    #[error("expected {expected}, found {found}")]
    WrongType { expected: &'static str, found: &'static str },
    #[error("unknown field {0:?}")]
    UnknownField(String),
    #[error("the text is empty")]
    EmptyText,
    #[error("invalid identifier {0:?}: use lowercase letters, digits and underscores")]
    InvalidId(String),
    #[error("{0:?} is reserved for deadline anchors and cannot name a step")]
    ReservedStepId(String),
    #[error("the version must be a whole number of at least 1")]
    InvalidVersion,
    #[error("unknown role {0:?}")]
    UnknownRole(String),
    #[error("role {0:?} is not listed in the SOP's roles")]
    RoleNotDeclared(String),
    #[error("unknown form {0:?}")]
    UnknownForm(String),
    #[error("unknown service area {0:?}")]
    UnknownServiceArea(String),
    #[error("unknown referral target {0:?}: name a need code or a statutory mechanism")]
    UnknownReferralTarget(String),
    #[error("unknown phase {0:?}")]
    UnknownPhase(String),
    #[error("unknown risk level {0:?}")]
    UnknownRiskLevel(String),
    #[error("unknown case flag {0:?}")]
    UnknownFlag(String),
    #[error("unknown step {0:?}")]
    UnknownStep(String),
    #[error("step id {0:?} is used twice")]
    DuplicateStep(String),
    #[error("{0:?} is listed twice")]
    DuplicateEntry(String),
    #[error("deadline {0:?} is negative")]
    NegativeDeadline(String),
    #[error("invalid deadline {0:?}: write hours as \"24h\" or days as \"3d\"")]
    InvalidDeadline(String),
    #[error("the first step has no previous step to count from")]
    NoPreviousStep,
    #[error("deadlines count from each other in a cycle: {}", .0.join(" -> "))]
    Cycle(Vec<String>),
    #[error("the SOP has no steps")]
    NoSteps,
    #[error("the SOP has no closure step")]
    NoClosureStep,
    #[error("a closure step must list its closure criteria")]
    MissingClosureCriteria,
    #[error("the retention period must be a whole number of days from 1 to 36500")]
    InvalidRetentionPeriod,
    #[error("unknown retention action {0:?}: write \"anonymise\" or \"delete\"")]
    UnknownRetentionAction(String),
    #[error("SOP {id:?} version {version} is already defined in {first_file}")]
    DuplicateSop { id: String, version: u32, first_file: String },
}

impl SopError {
    pub fn code(&self) -> &'static str {
        match self {
            SopError::Syntax(_) => "syntax",
            SopError::Missing => "missing-field",
            SopError::WrongType { .. } => "wrong-type",
            SopError::UnknownField(_) => "unknown-field",
            SopError::EmptyText => "empty-text",
            SopError::InvalidId(_) => "invalid-id",
            SopError::ReservedStepId(_) => "reserved-step-id",
            SopError::InvalidVersion => "invalid-version",
            SopError::UnknownRole(_) => "unknown-role",
            SopError::RoleNotDeclared(_) => "role-not-declared",
            SopError::UnknownForm(_) => "unknown-form",
            SopError::UnknownServiceArea(_) => "unknown-service-area",
            SopError::UnknownReferralTarget(_) => "unknown-referral-target",
            SopError::UnknownPhase(_) => "unknown-phase",
            SopError::UnknownRiskLevel(_) => "unknown-risk-level",
            SopError::UnknownFlag(_) => "unknown-flag",
            SopError::UnknownStep(_) => "unknown-step",
            SopError::DuplicateStep(_) => "duplicate-step",
            SopError::DuplicateEntry(_) => "duplicate-entry",
            SopError::NegativeDeadline(_) => "negative-deadline",
            SopError::InvalidDeadline(_) => "invalid-deadline",
            SopError::NoPreviousStep => "no-previous-step",
            SopError::Cycle(_) => "deadline-cycle",
            SopError::NoSteps => "no-steps",
            SopError::NoClosureStep => "no-closure-step",
            SopError::MissingClosureCriteria => "missing-closure-criteria",
            SopError::DuplicateSop { .. } => "duplicate-sop",
            SopError::InvalidRetentionPeriod => "invalid-retention-period",
            SopError::UnknownRetentionAction(_) => "unknown-retention-action",
        }
    }
}

/// A problem in an SOP file (see [`crate::diagnostic::Diagnostic`]).
pub type Diagnostic = crate::diagnostic::Diagnostic<SopError>;

impl crate::diagnostic::Coded for SopError {
    fn code(&self) -> &'static str {
        SopError::code(self)
    }
}

/// Loads one SOP file. `file` is only used to name the file in diagnostics.
pub fn load(file: &str, text: &str, known: &Known) -> Result<Sop, Vec<Diagnostic>> {
    let parsed = parse_file(file, text, known);
    match parsed.sop {
        Some(sop) if parsed.diags.is_empty() => Ok(sop),
        _ => Err(parsed.diags),
    }
}

/// Loads a set of SOP files given as `(file name, text)` pairs, also checking that no two
/// files define the same SOP id at the same version. Either every file loads, or every
/// problem of every file is returned.
pub fn load_pack(files: &[(&str, &str)], known: &Known) -> Result<Vec<Sop>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut sops = Vec::new();
    let mut seen: BTreeMap<(String, u32), String> = BTreeMap::new();
    for (file, text) in files {
        let parsed = parse_file(file, text, known);
        diags.extend(parsed.diags);
        if let Some(sop) = parsed.sop {
            let key = (sop.id.clone(), sop.version);
            if let Some(first) = seen.get(&key) {
                let (line, column) = parsed.id_pos;
                diags.push(Diagnostic {
                    file: file.to_string(),
                    line,
                    column,
                    field: "id".into(),
                    error: SopError::DuplicateSop {
                        id: sop.id.clone(),
                        version: sop.version,
                        first_file: first.clone(),
                    },
                });
            } else {
                seen.insert(key, file.to_string());
            }
            sops.push(sop);
        }
    }
    if diags.is_empty() { Ok(sops) } else { Err(diags) }
}

/// What `passerelle sop check PATH…` prints: every diagnostic of every file, in file order;
/// empty when all is well.
pub fn check(files: &[(&str, &str)], known: &Known) -> Vec<Diagnostic> {
    load_pack(files, known).err().unwrap_or_default()
}

struct Parsed {
    sop: Option<Sop>,
    diags: Vec<Diagnostic>,
    id_pos: (u32, u32),
}

type Val<'i> = Spanned<DeValue<'i>>;

/// Walks the tree, turning byte spans into lines and collecting diagnostics.
struct Reader<'a> {
    file: &'a str,
    text: &'a str,
    known: &'a Known,
    diags: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    fn pos(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before.get(line_start..).map(|s| s.chars().count()).unwrap_or(0) + 1;
        (line as u32, column as u32)
    }

    fn report(&mut self, span: &Range<usize>, field: &str, error: SopError) {
        let (line, column) = self.pos(span.start);
        self.diags.push(Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            field: field.to_string(),
            error,
        });
    }

    fn wrong_type(&mut self, v: &Val<'_>, field: &str, expected: &'static str) {
        let found = v.get_ref().type_str();
        self.report(&v.span(), field, SopError::WrongType { expected, found });
    }

    /// Reports keys of `t` outside `allowed`: a misspelt optional field would otherwise be
    /// silently ignored (a forgotten approval, a referral that never fires).
    fn only_keys(&mut self, t: &DeTable<'_>, path: &str, allowed: &[&str]) {
        for (k, _) in t.iter() {
            if !allowed.contains(&k.get_ref().as_ref()) {
                let key = k.get_ref().to_string();
                self.report(&k.span(), &join(path, &key), SopError::UnknownField(key));
            }
        }
    }

    fn required<'t, 'i>(
        &mut self,
        t: &'t DeTable<'i>,
        tspan: &Range<usize>,
        path: &str,
        key: &str,
    ) -> Option<&'t Val<'i>> {
        let v = t.get(key);
        if v.is_none() {
            self.report(tspan, &join(path, key), SopError::Missing);
        }
        v
    }

    fn table<'t, 'i>(&mut self, v: &'t Val<'i>, field: &str) -> Option<&'t DeTable<'i>> {
        let t = v.get_ref().as_table();
        if t.is_none() {
            self.wrong_type(v, field, "table");
        }
        t
    }

    fn string(&mut self, v: &Val<'_>, field: &str) -> Option<String> {
        match v.get_ref().as_str() {
            Some(s) if s.trim().is_empty() => {
                self.report(&v.span(), field, SopError::EmptyText);
                None
            }
            Some(s) => Some(s.trim().to_string()),
            None => {
                self.wrong_type(v, field, "string");
                None
            }
        }
    }

    fn boolean(&mut self, v: &Val<'_>, field: &str) -> Option<bool> {
        let b = v.get_ref().as_bool();
        if b.is_none() {
            self.wrong_type(v, field, "boolean");
        }
        b
    }

    /// An array of strings, each with its span, for checks per element.
    fn strings(&mut self, v: &Val<'_>, field: &str) -> Option<Vec<(String, Range<usize>)>> {
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

    /// A list of codes checked one by one (and for repeats) by `check`.
    fn codes<T>(
        &mut self,
        t: &DeTable<'_>,
        path: &str,
        key: &str,
        mut check: impl FnMut(&str) -> Result<T, SopError>,
    ) -> Option<Vec<T>> {
        let Some(v) = t.get(key) else { return Some(Vec::new()) };
        let field = join(path, key);
        let items = self.strings(v, &field)?;
        let mut out = Vec::new();
        let mut ok = true;
        let mut seen = BTreeSet::new();
        for (i, (code, span)) in items.iter().enumerate() {
            let f = format!("{field}[{i}]");
            if !seen.insert(code.clone()) {
                self.report(span, &f, SopError::DuplicateEntry(code.clone()));
                ok = false;
                continue;
            }
            match check(code) {
                Ok(x) => out.push(x),
                Err(e) => {
                    self.report(span, &f, e);
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn localized(&mut self, v: &Val<'_>, field: &str) -> Option<Localized> {
        let t = self.table(v, field)?;
        self.only_keys(t, field, &["fr", "en", "es"]);
        let span = v.span();
        let get = |r: &mut Self, lang: &str| {
            r.required(t, &span, field, lang).and_then(|x| r.string(x, &join(field, lang)))
        };
        let fr = get(self, "fr");
        let en = get(self, "en");
        let es = get(self, "es");
        Some(Localized { fr: fr?, en: en?, es: es? })
    }

    fn required_localized(
        &mut self,
        t: &DeTable<'_>,
        tspan: &Range<usize>,
        path: &str,
        key: &str,
    ) -> Option<Localized> {
        let v = self.required(t, tspan, path, key)?;
        self.localized(v, &join(path, key))
    }

    fn id(&mut self, v: &Val<'_>, field: &str) -> Option<String> {
        let s = self.string(v, field)?;
        if !is_id(&s) {
            self.report(&v.span(), field, SopError::InvalidId(s));
            return None;
        }
        Some(s)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// Ids are used in URLs, database rows and translation keys: keep them plain.
fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

const ROOT_KEYS: &[&str] =
    &["id", "version", "title", "summary", "service_area", "roles", "steps", "retention"];
const RETENTION_KEYS: &[&str] = &["after_closure_days", "action"];
const STEP_KEYS: &[&str] = &[
    "id",
    "phase",
    "title",
    "action",
    "role",
    "deadline",
    "forms",
    "approvals",
    "referrals",
    "consent_before_sharing",
    "closure_criteria",
];
const DEADLINE_KEYS: &[&str] = &["from", "low", "medium", "high", "critical"];
const REFERRAL_KEYS: &[&str] = &["to", "when", "consent_required", "respond_within"];
const CONDITION_KEYS: &[&str] = &["min_risk", "child", "flags"];

/// A step's anchor as written, resolved once every step id is known.
struct AnchorRef {
    step: usize,
    value: String,
    span: Range<usize>,
}

fn parse_file(file: &str, text: &str, known: &Known) -> Parsed {
    let mut r = Reader { file, text, known, diags: Vec::new() };
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // The recovered tree after a syntax error is a guess; checking it would report
        // problems the author does not have. Syntax first, then the rest.
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            r.report(&span, "", SopError::Syntax(e.message().to_string()));
        }
        return Parsed { sop: None, diags: r.diags, id_pos: (1, 1) };
    }
    let root_span = 0..0;
    let t = root.get_ref();
    r.only_keys(t, "", ROOT_KEYS);

    let id_v = r.required(t, &root_span, "", "id");
    let id_pos = id_v.map(|v| r.pos(v.span().start)).unwrap_or((1, 1));
    let id = id_v.and_then(|v| r.id(v, "id"));
    let version = r.required(t, &root_span, "", "version").and_then(|v| version(&mut r, v));
    let title = r.required_localized(t, &root_span, "", "title");
    let summary = r.required_localized(t, &root_span, "", "summary");
    let service_area = r.required(t, &root_span, "", "service_area").and_then(|v| {
        let s = r.string(v, "service_area")?;
        if known.service_areas.contains(&s) {
            Some(s)
        } else {
            r.report(&v.span(), "service_area", SopError::UnknownServiceArea(s));
            None
        }
    });
    let roles = match t.get("roles") {
        Some(_) => r.codes(t, "", "roles", r_role),
        None => {
            r.report(&root_span, "roles", SopError::Missing);
            None
        }
    };
    let declared: Option<BTreeSet<Role>> = roles.as_ref().map(|v| v.iter().copied().collect());
    let steps = steps(&mut r, t, &root_span, declared.as_ref());
    // Optional: `Some(None)` when the file sets no retention, `None` when it sets a wrong one.
    let retention = match t.get("retention") {
        None => Some(None),
        Some(v) => retention(&mut r, v).map(Some),
    };

    let sop = match (id, version, title, summary, service_area, roles, steps, retention) {
        (
            Some(id),
            Some(version),
            Some(title),
            Some(summary),
            Some(service_area),
            Some(roles),
            Some(steps),
            Some(retention),
        ) if r.diags.is_empty() => {
            Some(Sop { id, version, title, summary, service_area, roles, steps, retention })
        }
        _ => None,
    };
    Parsed { sop, diags: r.diags, id_pos }
}

/// The `[retention]` table: both keys required, so that a policy is never half-stated.
fn retention(r: &mut Reader<'_>, v: &Val<'_>) -> Option<Retention> {
    let t = r.table(v, "retention")?;
    let span = v.span();
    r.only_keys(t, "retention", RETENTION_KEYS);
    let days = r.required(t, &span, "retention", "after_closure_days").and_then(|d| {
        let field = "retention.after_closure_days";
        let Some(i) = d.get_ref().as_integer() else {
            r.wrong_type(d, field, "integer");
            return None;
        };
        match i64::from_str_radix(i.as_str(), i.radix()).ok().and_then(|n| u32::try_from(n).ok()) {
            Some(n) if (1..=MAX_RETENTION_DAYS).contains(&n) => Some(n),
            _ => {
                r.report(&d.span(), field, SopError::InvalidRetentionPeriod);
                None
            }
        }
    });
    let action = r.required(t, &span, "retention", "action").and_then(|a| {
        let s = r.string(a, "retention.action")?;
        let found = RetentionAction::from_code(&s);
        if found.is_none() {
            r.report(&a.span(), "retention.action", SopError::UnknownRetentionAction(s));
        }
        found
    });
    Some(Retention { after_closure_days: days?, action: action? })
}

fn r_role(code: &str) -> Result<Role, SopError> {
    code.parse::<Role>().map_err(|_| SopError::UnknownRole(code.to_string()))
}

fn version(r: &mut Reader<'_>, v: &Val<'_>) -> Option<u32> {
    let Some(i) = v.get_ref().as_integer() else {
        r.wrong_type(v, "version", "integer");
        return None;
    };
    match i64::from_str_radix(i.as_str(), i.radix()).ok().and_then(|n| u32::try_from(n).ok()) {
        Some(n) if n >= 1 => Some(n),
        _ => {
            r.report(&v.span(), "version", SopError::InvalidVersion);
            None
        }
    }
}

fn steps(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
    root_span: &Range<usize>,
    declared: Option<&BTreeSet<Role>>,
) -> Option<Vec<Step>> {
    let v = r.required(t, root_span, "", "steps")?;
    let Some(arr) = v.get_ref().as_array() else {
        r.wrong_type(v, "steps", "array of tables ([[steps]])");
        return None;
    };
    if arr.is_empty() {
        r.report(&v.span(), "steps", SopError::NoSteps);
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    let mut anchors = Vec::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut id_spans = Vec::new();
    let mut step_names: Vec<Option<String>> = Vec::new();
    for (i, sv) in arr.iter().enumerate() {
        let path = format!("steps[{i}]");
        // Ids are collected from the raw table, so that a step with some other mistake can
        // still be named by anchors without a spurious "unknown step".
        let raw_id = sv
            .get_ref()
            .as_table()
            .and_then(|t| t.get("id"))
            .and_then(|v| v.get_ref().as_str().map(|s| (s.trim().to_string(), v.span())));
        if let Some((rid, span)) = &raw_id {
            if ids.contains_key(rid) {
                r.report(span, &join(&path, "id"), SopError::DuplicateStep(rid.clone()));
                ok = false;
            } else {
                ids.insert(rid.clone(), i);
            }
        }
        step_names.push(raw_id.map(|x| x.0));
        let step = step(r, sv, &path, i, declared, &mut anchors);
        id_spans.push(sv.span());
        match step {
            Some(s) => out.push(s),
            None => ok = false,
        }
    }

    // Anchors name steps that may come later in the file, so they are resolved here.
    let mut edges: Vec<Option<usize>> = vec![None; arr.len()];
    let mut anchors_ok = true;
    for a in &anchors {
        let field = format!("steps[{}].deadline.from", a.step);
        match a.value.as_str() {
            "opening" => {}
            "previous" if a.step == 0 => {
                r.report(&a.span, &field, SopError::NoPreviousStep);
                anchors_ok = false;
            }
            "previous" => edges[a.step] = Some(a.step - 1),
            other => match ids.get(other) {
                Some(&j) => edges[a.step] = Some(j),
                None => {
                    r.report(&a.span, &field, SopError::UnknownStep(other.to_string()));
                    anchors_ok = false;
                }
            },
        }
    }
    // Each step counts from at most one other, so a cycle is found by walking the chain; it is
    // reported once, at the earliest step in it, whichever step the walk started from.
    let mut reported: BTreeSet<usize> = BTreeSet::new();
    for start in 0..arr.len() {
        let mut chain = vec![start];
        let mut cur = start;
        while let Some(next) = edges[cur] {
            if let Some(pos) = chain.iter().position(|&p| p == next) {
                let cycle = &chain[pos..];
                let first = cycle.iter().copied().min().unwrap_or(start);
                if reported.insert(first) {
                    let mut names: Vec<String> = Vec::new();
                    // Start the listing at the earliest step so the message is stable.
                    let at = cycle.iter().position(|&c| c == first).unwrap_or(0);
                    for &c in cycle[at..].iter().chain(&cycle[..at]).chain(std::iter::once(&first))
                    {
                        names.push(step_names[c].clone().unwrap_or_else(|| format!("steps[{c}]")));
                    }
                    let span = anchors
                        .iter()
                        .find(|a| a.step == first)
                        .map(|a| a.span.clone())
                        .unwrap_or_else(|| id_spans[first].clone());
                    r.report(
                        &span,
                        &format!("steps[{first}].deadline.from"),
                        SopError::Cycle(names),
                    );
                }
                anchors_ok = false;
                break;
            }
            chain.push(next);
            cur = next;
        }
    }

    if ok {
        if !out.iter().any(|s| s.phase == Phase::Closure) {
            r.report(&v.span(), "steps", SopError::NoClosureStep);
            ok = false;
        }
        for (i, s) in out.iter().enumerate() {
            if s.phase == Phase::Closure && s.closure_criteria.is_empty() {
                r.report(
                    &id_spans[i],
                    &format!("steps[{i}].closure_criteria"),
                    SopError::MissingClosureCriteria,
                );
                ok = false;
            }
        }
    }
    (ok && anchors_ok).then_some(out)
}

fn step(
    r: &mut Reader<'_>,
    sv: &Val<'_>,
    path: &str,
    index: usize,
    declared: Option<&BTreeSet<Role>>,
    anchors: &mut Vec<AnchorRef>,
) -> Option<Step> {
    let t = r.table(sv, path)?;
    let span = sv.span();
    r.only_keys(t, path, STEP_KEYS);
    let id = r.required(t, &span, path, "id").and_then(|v| {
        let id = r.id(v, &join(path, "id"))?;
        if id == "opening" || id == "previous" {
            r.report(&v.span(), &join(path, "id"), SopError::ReservedStepId(id));
            return None;
        }
        Some(id)
    });
    let phase = r.required(t, &span, path, "phase").and_then(|v| {
        let s = r.string(v, &join(path, "phase"))?;
        let p = Phase::from_code(&s);
        if p.is_none() {
            r.report(&v.span(), &join(path, "phase"), SopError::UnknownPhase(s));
        }
        p
    });
    let title = r.required_localized(t, &span, path, "title");
    let action = r.required_localized(t, &span, path, "action");
    let role = r.required(t, &span, path, "role").and_then(|v| {
        let field = join(path, "role");
        let s = r.string(v, &field)?;
        match declared_role(&s, declared) {
            Ok(role) => Some(role),
            Err(e) => {
                r.report(&v.span(), &field, e);
                None
            }
        }
    });
    let deadline =
        r.required(t, &span, path, "deadline").and_then(|v| deadline(r, v, path, index, anchors));
    let known = r.known;
    let forms = r.codes(t, path, "forms", |f| {
        if known.forms.contains(f) {
            Ok(f.to_string())
        } else {
            Err(SopError::UnknownForm(f.to_string()))
        }
    });
    let approvals = r.codes(t, path, "approvals", |c| declared_role(c, declared));
    let referrals = match t.get("referrals") {
        None => Some(Vec::new()),
        Some(v) => referrals(r, v, &join(path, "referrals")),
    };
    let consent = match t.get("consent_before_sharing") {
        None => Some(false),
        Some(v) => r.boolean(v, &join(path, "consent_before_sharing")),
    };
    let closure_criteria = match t.get("closure_criteria") {
        None => Some(Vec::new()),
        Some(v) => {
            let field = join(path, "closure_criteria");
            match v.get_ref().as_array() {
                None => {
                    r.wrong_type(v, &field, "array of tables ([[steps.closure_criteria]])");
                    None
                }
                Some(arr) => {
                    let items: Vec<Option<Localized>> = arr
                        .iter()
                        .enumerate()
                        .map(|(i, c)| r.localized(c, &format!("{field}[{i}]")))
                        .collect();
                    items.into_iter().collect()
                }
            }
        }
    };
    Some(Step {
        id: id?,
        phase: phase?,
        title: title?,
        action: action?,
        role: role?,
        deadline: deadline?,
        forms: forms?,
        approvals: approvals?,
        referrals: referrals?,
        consent_before_sharing: consent?,
        closure_criteria: closure_criteria?,
    })
}

/// A role must exist and be one the SOP declares, so the roles list is a true summary of who
/// takes part. When the roles list itself is broken, only existence is checked.
fn declared_role(code: &str, declared: Option<&BTreeSet<Role>>) -> Result<Role, SopError> {
    let role = r_role(code)?;
    match declared {
        Some(d) if !d.contains(&role) => Err(SopError::RoleNotDeclared(code.to_string())),
        _ => Ok(role),
    }
}

fn deadline(
    r: &mut Reader<'_>,
    v: &Val<'_>,
    step_path: &str,
    index: usize,
    anchors: &mut Vec<AnchorRef>,
) -> Option<Deadline> {
    let path = join(step_path, "deadline");
    let t = r.table(v, &path)?;
    let span = v.span();
    r.only_keys(t, &path, DEADLINE_KEYS);
    let from = r.required(t, &span, &path, "from").and_then(|fv| {
        let s = r.string(fv, &join(&path, "from"))?;
        anchors.push(AnchorRef { step: index, value: s.clone(), span: fv.span() });
        Some(match s.as_str() {
            "opening" => Anchor::Opening,
            "previous" => Anchor::Previous,
            _ => Anchor::Step(s),
        })
    });
    let mut periods = Vec::new();
    for risk in RiskLevel::ALL {
        let key = risk.code();
        let p = r.required(t, &span, &path, key).and_then(|pv| {
            let field = join(&path, key);
            let s = r.string(pv, &field)?;
            match Period::parse(&s) {
                Ok(p) => Some(p),
                Err(PeriodError::Negative) => {
                    r.report(&pv.span(), &field, SopError::NegativeDeadline(s));
                    None
                }
                Err(PeriodError::Malformed) => {
                    r.report(&pv.span(), &field, SopError::InvalidDeadline(s));
                    None
                }
            }
        });
        periods.push(p);
    }
    let [low, medium, high, critical] = [periods[0], periods[1], periods[2], periods[3]];
    Some(Deadline { from: from?, low: low?, medium: medium?, high: high?, critical: critical? })
}

fn referrals(r: &mut Reader<'_>, v: &Val<'_>, path: &str) -> Option<Vec<Referral>> {
    let Some(arr) = v.get_ref().as_array() else {
        r.wrong_type(v, path, "array of tables ([[steps.referrals]])");
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in arr.iter().enumerate() {
        match referral(r, item, &format!("{path}[{i}]")) {
            Some(x) => out.push(x),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn referral(r: &mut Reader<'_>, v: &Val<'_>, path: &str) -> Option<Referral> {
    let t = r.table(v, path)?;
    let span = v.span();
    r.only_keys(t, path, REFERRAL_KEYS);
    let to = r.required(t, &span, path, "to").and_then(|tv| {
        let field = join(path, "to");
        let s = r.string(tv, &field)?;
        if r.known.is_referral_target(&s) {
            Some(s)
        } else {
            r.report(&tv.span(), &field, SopError::UnknownReferralTarget(s));
            None
        }
    });
    let when = match t.get("when") {
        None => Some(Condition::default()),
        Some(w) => condition(r, w, &join(path, "when")),
    };
    // Consent is the safe default: only a statutory duty lifts it, and the file must say so.
    let consent_required = match t.get("consent_required") {
        None => Some(true),
        Some(b) => r.boolean(b, &join(path, "consent_required")),
    };
    let respond_within = match t.get("respond_within") {
        None => Some(None),
        Some(pv) => {
            let field = join(path, "respond_within");
            r.string(pv, &field).and_then(|s| match Period::parse(&s) {
                Ok(p) => Some(Some(p)),
                Err(PeriodError::Negative) => {
                    r.report(&pv.span(), &field, SopError::NegativeDeadline(s));
                    None
                }
                Err(PeriodError::Malformed) => {
                    r.report(&pv.span(), &field, SopError::InvalidDeadline(s));
                    None
                }
            })
        }
    };
    Some(Referral { to: to?, when: when?, consent_required: consent_required?, respond_within: respond_within? })
}

fn condition(r: &mut Reader<'_>, v: &Val<'_>, path: &str) -> Option<Condition> {
    let t = r.table(v, path)?;
    r.only_keys(t, path, CONDITION_KEYS);
    let min_risk = match t.get("min_risk") {
        None => Some(None),
        Some(mv) => {
            let field = join(path, "min_risk");
            r.string(mv, &field).and_then(|s| match RiskLevel::from_code(&s) {
                Some(level) => Some(Some(level)),
                None => {
                    r.report(&mv.span(), &field, SopError::UnknownRiskLevel(s));
                    None
                }
            })
        }
    };
    let child = match t.get("child") {
        None => Some(None),
        Some(c) => r.boolean(c, &join(path, "child")).map(Some),
    };
    let known = r.known;
    let flags = r.codes(t, path, "flags", |f| {
        if known.flags.contains(f) {
            Ok(f.to_string())
        } else {
            Err(SopError::UnknownFlag(f.to_string()))
        }
    });
    Some(Condition { min_risk: min_risk?, child: child?, flags: flags? })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small valid SOP; tests break one line at a time. Line numbers matter below.
    const MINI: &str = r#"id = "mini"
version = 1
service_area = "social_welfare"
roles = ["caseworker", "supervisor"]
title = { fr = "Mini", en = "Mini", es = "Mini" }
summary = { fr = "Résumé", en = "Summary", es = "Resumen" }

[[steps]]
id = "intake"
phase = "identification"
role = "caseworker"
forms = ["registration"]
title = { fr = "Accueil", en = "Intake", es = "Acogida" }
action = { fr = "Accueillir", en = "Welcome", es = "Acoger" }
deadline = { from = "opening", low = "3d", medium = "2d", high = "24h", critical = "4h" }

[[steps.referrals]]
to = "statutory_child_protection"
when = { min_risk = "high", child = true }
consent_required = false

[[steps]]
id = "close"
phase = "closure"
role = "caseworker"
approvals = ["supervisor"]
title = { fr = "Clôture", en = "Closure", es = "Cierre" }
action = { fr = "Clore", en = "Close", es = "Cerrar" }
deadline = { from = "previous", low = "30d", medium = "30d", high = "14d", critical = "7d" }

[[steps.closure_criteria]]
fr = "Objectifs atteints"
en = "Goals met"
es = "Objetivos alcanzados"
"#;

    fn with(edits: &[(&str, &str)]) -> String {
        let mut s = MINI.to_string();
        for (old, new) in edits {
            assert!(s.contains(old), "test edit does not apply: {old}");
            s = s.replacen(old, new, 1);
        }
        s
    }

    fn diags(text: &str) -> Vec<Diagnostic> {
        load("mini.toml", text, &Known::default()).expect_err("should not load")
    }

    /// The one diagnostic of `text`, checked for code, line and field.
    fn one(text: &str, code: &str, line: u32, field: &str) -> Diagnostic {
        let d = diags(text);
        assert_eq!(d.len(), 1, "expected one diagnostic, got {d:#?}");
        let d = d.into_iter().next().unwrap();
        assert_eq!(
            (d.code(), d.line, d.field.as_str(), d.file.as_str()),
            (code, line, field, "mini.toml"),
            "{d}"
        );
        d
    }

    #[test]
    fn the_small_sop_loads_with_every_field() {
        let sop = load("mini.toml", MINI, &Known::default()).unwrap();
        assert_eq!(sop.id, "mini");
        assert_eq!(sop.version, 1);
        assert_eq!(sop.roles, vec![Role::Caseworker, Role::Supervisor]);
        let intake = &sop.steps[0];
        assert_eq!(intake.deadline.from, Anchor::Opening);
        assert_eq!(intake.deadline.high, Period::Hours(24));
        assert_eq!(intake.forms, vec!["registration"]);
        assert_eq!(intake.referrals[0].when.min_risk, Some(RiskLevel::High));
        assert_eq!(intake.referrals[0].when.child, Some(true));
        assert!(!intake.referrals[0].consent_required);
        assert_eq!(intake.referrals[0].respond_within, None, "the urgency decides by default");
        assert!(!intake.consent_before_sharing, "defaults to false");
        let close = &sop.steps[1];
        assert_eq!(close.deadline.from, Anchor::Previous);
        assert_eq!(close.approvals, vec![Role::Supervisor]);
        assert_eq!(close.closure_criteria[0].es, "Objetivos alcanzados");
    }

    #[test]
    fn a_referral_may_set_its_response_time() {
        let sop = load("mini.toml", &with(&[("consent_required = false", "consent_required = false\nrespond_within = \"12h\"")]), &Known::default()).unwrap();
        assert_eq!(sop.steps[0].referrals[0].respond_within, Some(Period::Hours(12)));
        let bad = load("mini.toml", &with(&[("consent_required = false", "consent_required = false\nrespond_within = \"soon\"")]), &Known::default()).unwrap_err();
        assert!(bad.iter().any(|d| d.field.ends_with("respond_within")), "{bad:?}");
    }

    #[test]
    fn unknown_role() {
        let d = one(
            &with(&[("role = \"caseworker\"\nforms", "role = \"nurse\"\nforms")]),
            "unknown-role",
            11,
            "steps[0].role",
        );
        assert_eq!(d.column, 8);
        one(
            &with(&[(
                "[\"caseworker\", \"supervisor\"]",
                "[\"caseworker\", \"supervisor\", \"boss\"]",
            )]),
            "unknown-role",
            4,
            "roles[2]",
        );
    }

    #[test]
    fn role_not_declared() {
        one(
            &with(&[("role = \"caseworker\"\nforms", "role = \"trainer\"\nforms")]),
            "role-not-declared",
            11,
            "steps[0].role",
        );
        one(
            &with(&[("approvals = [\"supervisor\"]", "approvals = [\"administrator\"]")]),
            "role-not-declared",
            26,
            "steps[1].approvals[0]",
        );
    }

    #[test]
    fn unknown_form_uses_the_known_set_given() {
        one(
            &with(&[("[\"registration\"]", "[\"registration\", \"intake_v2\"]")]),
            "unknown-form",
            12,
            "steps[0].forms[1]",
        );
        // The known forms are a parameter: with another set, the default form is unknown.
        let d = load("mini.toml", MINI, &Known::with_forms(["intake_v2"])).unwrap_err();
        assert_eq!((d[0].code(), d[0].line), ("unknown-form", 12));
    }

    #[test]
    fn unknown_step_reference() {
        let d = one(
            &with(&[("from = \"previous\"", "from = \"intak\"")]),
            "unknown-step",
            29,
            "steps[1].deadline.from",
        );
        assert_eq!(d.error, SopError::UnknownStep("intak".into()));
    }

    #[test]
    fn negative_and_malformed_deadlines() {
        one(
            &with(&[("high = \"14d\"", "high = \"-2d\"")]),
            "negative-deadline",
            29,
            "steps[1].deadline.high",
        );
        one(
            &with(&[("low = \"3d\"", "low = \"3 weeks\"")]),
            "invalid-deadline",
            15,
            "steps[0].deadline.low",
        );
        one(
            &with(&[("critical = \"4h\"", "critical = 4")]),
            "wrong-type",
            15,
            "steps[0].deadline.critical",
        );
    }

    #[test]
    fn deadline_cycles() {
        // intake counts from close, close from the step before it (intake).
        let d = one(
            &with(&[("from = \"opening\"", "from = \"close\"")]),
            "deadline-cycle",
            15,
            "steps[0].deadline.from",
        );
        assert_eq!(
            d.error,
            SopError::Cycle(vec!["intake".into(), "close".into(), "intake".into()])
        );
        let d = one(
            &with(&[("from = \"previous\"", "from = \"close\"")]),
            "deadline-cycle",
            29,
            "steps[1].deadline.from",
        );
        assert_eq!(d.error, SopError::Cycle(vec!["close".into(), "close".into()]));
    }

    #[test]
    fn previous_on_the_first_step() {
        one(
            &with(&[("from = \"opening\"", "from = \"previous\"")]),
            "no-previous-step",
            15,
            "steps[0].deadline.from",
        );
    }

    #[test]
    fn missing_fields_name_the_table_they_belong_to() {
        one(&with(&[("phase = \"closure\"\n", "")]), "missing-field", 22, "steps[1].phase");
        one(&with(&[(", es = \"Mini\" }", " }")]), "missing-field", 5, "title.es");
        one(&with(&[("version = 1\n", "")]), "missing-field", 1, "version");
        one(
            &with(&[(", critical = \"7d\"", "")]),
            "missing-field",
            29,
            "steps[1].deadline.critical",
        );
    }

    #[test]
    fn wrong_types_and_versions() {
        let d = one(&with(&[("version = 1", "version = \"1\"")]), "wrong-type", 2, "version");
        assert_eq!(d.error, SopError::WrongType { expected: "integer", found: "string" });
        one(&with(&[("version = 1", "version = 0")]), "invalid-version", 2, "version");
        one(
            &with(&[("consent_required = false", "consent_required = \"no\"")]),
            "wrong-type",
            20,
            "steps[0].referrals[0].consent_required",
        );
    }

    #[test]
    fn misspelt_fields_are_reported() {
        one(&with(&[("approvals = [", "aprovals = [")]), "unknown-field", 26, "steps[1].aprovals");
        one(
            &with(&[("child = true", "children = true")]),
            "unknown-field",
            19,
            "steps[0].referrals[0].when.children",
        );
    }

    #[test]
    fn vocabularies() {
        one(
            &with(&[("to = \"statutory_child_protection\"", "to = \"police\"")]),
            "unknown-referral-target",
            18,
            "steps[0].referrals[0].to",
        );
        one(
            &with(&[("min_risk = \"high\"", "min_risk = \"severe\"")]),
            "unknown-risk-level",
            19,
            "steps[0].referrals[0].when.min_risk",
        );
        one(
            &with(&[("child = true", "flags = [\"orphan\"]")]),
            "unknown-flag",
            19,
            "steps[0].referrals[0].when.flags[0]",
        );
        one(
            &with(&[("phase = \"identification\"", "phase = \"intake\"")]),
            "unknown-phase",
            10,
            "steps[0].phase",
        );
        one(
            &with(&[("service_area = \"social_welfare\"", "service_area = \"welfare\"")]),
            "unknown-service-area",
            3,
            "service_area",
        );
    }

    #[test]
    fn identifiers() {
        one(&with(&[("id = \"close\"", "id = \"intake\"")]), "duplicate-step", 23, "steps[1].id");
        one(&with(&[("id = \"close\"", "id = \"Close step\"")]), "invalid-id", 23, "steps[1].id");
        one(
            &with(&[("id = \"close\"", "id = \"opening\"")]),
            "reserved-step-id",
            23,
            "steps[1].id",
        );
        one(
            &with(&[("[\"registration\"]", "[\"registration\", \"registration\"]")]),
            "duplicate-entry",
            12,
            "steps[0].forms[1]",
        );
        one(&with(&[("en = \"Intake\"", "en = \"  \"")]), "empty-text", 13, "steps[0].title.en");
    }

    #[test]
    fn closure_is_required() {
        one(
            &with(&[("phase = \"closure\"", "phase = \"follow_up\"")]),
            "no-closure-step",
            8,
            "steps",
        );
        let no_criteria = MINI.split("[[steps.closure_criteria]]").next().unwrap();
        one(no_criteria, "missing-closure-criteria", 22, "steps[1].closure_criteria");
        let header = MINI.split("\n[[steps]]").next().unwrap();
        one(&format!("{header}\nsteps = []\n"), "no-steps", 8, "steps");
    }

    #[test]
    fn syntax_errors_come_with_their_line() {
        let d = diags(&with(&[("version = 1", "version = = 1")]));
        assert!(!d.is_empty());
        assert!(d.iter().all(|d| d.code() == "syntax"));
        assert_eq!(d[0].line, 2);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = with(&[
            ("role = \"caseworker\"\nforms", "role = \"nurse\"\nforms"),
            ("[\"registration\"]", "[\"intake_v2\"]"),
            ("high = \"14d\"", "high = \"-2d\""),
            ("to = \"statutory_child_protection\"", "to = \"police\""),
        ]);
        let codes: Vec<(&str, u32)> = diags(&text).iter().map(|d| (d.code(), d.line)).collect();
        assert_eq!(
            codes,
            vec![
                ("unknown-role", 11),
                ("unknown-form", 12),
                ("unknown-referral-target", 18),
                ("negative-deadline", 29)
            ]
        );
    }

    #[test]
    fn a_broken_step_can_still_be_named_by_others() {
        // The intake step has a bad role; close counting from it must not add "unknown step".
        let text = with(&[
            ("role = \"caseworker\"\nforms", "role = \"nurse\"\nforms"),
            ("from = \"previous\"", "from = \"intake\""),
        ]);
        let d = diags(&text);
        assert_eq!(d.iter().map(|d| d.code()).collect::<Vec<_>>(), vec!["unknown-role"]);
    }

    #[test]
    fn a_pack_rejects_the_same_version_twice_and_check_lists_everything() {
        let broken = with(&[("version = 1", "version = 0")]);
        let files = [("a.toml", MINI), ("b.toml", MINI), ("c.toml", broken.as_str())];
        let d = check(&files, &Known::default());
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!((d[0].file.as_str(), d[0].code()), ("b.toml", "duplicate-sop"));
        assert_eq!((d[1].file.as_str(), d[1].code()), ("c.toml", "invalid-version"));
        let v2 = with(&[("version = 1", "version = 2")]);
        assert_eq!(
            load_pack(&[("a.toml", MINI), ("b.toml", v2.as_str())], &Known::default())
                .unwrap()
                .len(),
            2
        );
        assert!(check(&[("a.toml", MINI)], &Known::default()).is_empty());
    }

    #[test]
    fn diagnostics_print_and_serialise_with_their_code() {
        let d = one(&with(&[("version = 1", "version = 0")]), "invalid-version", 2, "version");
        assert_eq!(
            d.to_string(),
            "mini.toml:2:11: version: the version must be a whole number of at least 1 [invalid-version]"
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["code"], "invalid-version");
        assert_eq!(json["line"], 2);
        assert_eq!(json["field"], "version");
        assert_eq!(json["file"], "mini.toml");
    }

    /// `MINI` with a `[retention]` table appended, and the line of its first key.
    fn with_retention(body: &str) -> (String, u32) {
        // MINI ends with a newline; then a blank line and the table header.
        let header = MINI.lines().count() as u32 + 2;
        (format!("{MINI}\n[retention]\n{body}"), header + 1)
    }

    #[test]
    fn retention_is_optional_and_read_when_set() {
        assert_eq!(load("mini.toml", MINI, &Known::default()).unwrap().retention, None);
        let (text, _) = with_retention("after_closure_days = 1825\naction = \"anonymise\"\n");
        let sop = load("mini.toml", &text, &Known::default()).unwrap();
        assert_eq!(
            sop.retention,
            Some(Retention { after_closure_days: 1825, action: RetentionAction::Anonymise })
        );
        let (text, _) = with_retention("after_closure_days = 30\naction = \"delete\"\n");
        let sop = load("mini.toml", &text, &Known::default()).unwrap();
        assert_eq!(sop.retention.map(|r| r.action), Some(RetentionAction::Delete));
    }

    #[test]
    fn a_wrong_retention_is_named_with_its_line() {
        for bad in ["0", "-5", "36501", "99999999999"] {
            let (text, line) = with_retention(&format!("after_closure_days = {bad}\naction = \"delete\"\n"));
            one(&text, "invalid-retention-period", line, "retention.after_closure_days");
        }
        let (text, line) = with_retention("after_closure_days = \"5y\"\naction = \"delete\"\n");
        one(&text, "wrong-type", line, "retention.after_closure_days");
        let (text, line) = with_retention("after_closure_days = 10\naction = \"shred\"\n");
        one(&text, "unknown-retention-action", line + 1, "retention.action");
        let (text, line) = with_retention("after_closure_days = 10\n");
        one(&text, "missing-field", line - 1, "retention.action");
        let (text, line) = with_retention("after_closure_days = 10\naction = \"delete\"\nafter_days = 3\n");
        one(&text, "unknown-field", line + 2, "retention.after_days");
    }

    #[test]
    fn a_retention_change_is_a_change() {
        let old = load("mini.toml", MINI, &Known::default()).unwrap();
        let (text, _) = with_retention("after_closure_days = 365\naction = \"anonymise\"\n");
        let new = load("mini.toml", &text, &Known::default()).unwrap();
        let changes = crate::sop::diff(&old, &new);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].code(), "retention-changed");
        assert_eq!(changes[0].to_string(), "retention: none -> anonymise after 365 days");
    }

    #[test]
    fn every_shipped_sop_sets_a_retention() {
        for (file, text) in crate::sop::default_pack() {
            let sop = load(file, text, &Known::default()).unwrap();
            assert!(sop.retention.is_some(), "{file} has no [retention]");
        }
    }
}
