//! From tables to a [`Form`]: column meanings, types, the group/repeat tree, and the checks
//! that need the whole form (references, choice lists, languages).

use super::sheet::{Row, Sheets, Table};
use super::{FormError, FormErrorKind as K, FormWarning, Loaded};
use crate::forms::expr::{Expression, eval, is_xml_name};
use crate::forms::model::{
    Bind, Choice, DEFAULT_LANG, Field, FieldType, Form, Group, Item, Language, Repeat, Text,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The key of a column's language: the code in parentheses (`Français (fr)` -> `fr`), else
/// the name as written.
pub(crate) fn lang_key(name: &str) -> String {
    let name = name.trim();
    if let Some(open) = name.rfind('(')
        && name.ends_with(')')
    {
        let code = name[open + 1..name.len() - 1].trim();
        if !code.is_empty() && !code.contains(char::is_whitespace) {
            return code.to_string();
        }
    }
    name.to_string()
}

fn parse_flag(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "yes" | "true" | "1" | "y" | "true()" => Some(true),
        "no" | "false" | "0" | "n" | "false()" | "" => Some(false),
        _ => None,
    }
}

/// What a column of the survey sheet means.
#[derive(Debug, Clone, PartialEq)]
enum Col {
    Type,
    Name,
    Label(String),
    Hint(String),
    Required,
    RequiredMessage(String),
    Relevant,
    Constraint,
    ConstraintMessage(String),
    Calculation,
    Default,
    ChoiceFilter,
    ReadOnly,
    Appearance,
    RepeatCount,
    Cosmetic,
}

/// Columns that only change how a form looks: passed over with a warning.
const COSMETIC: &[&str] = &[
    "media",
    "image",
    "audio",
    "video",
    "big-image",
    "guidance_hint",
    "autoplay",
];
/// Columns that change what a form means and that Passerelle does not implement.
const UNSUPPORTED: &[&str] = &[
    "parameters",
    "trigger",
    "bind",
    "body",
    "instance",
    "save_to",
    "intent",
    "entities",
];

/// Splits `label::English (en)` into (`label`, Some(`English (en)`)), lower-casing the base
/// and applying pyxform's aliases.
fn split_header(h: &str) -> (String, Option<String>) {
    let (base, lang) = match h.split_once("::") {
        Some((b, l)) => (b, Some(l.trim().to_string())),
        None => (h, None),
    };
    let base = base.trim().to_lowercase();
    let base = match base.as_str() {
        "jr:constraintmsg" | "constraint message" => "constraint_message".to_string(),
        "jr:requiredmsg" | "required message" => "required_message".to_string(),
        "readonly" | "read only" => "read_only".to_string(),
        "jr:count" => "repeat_count".to_string(),
        "choice filter" => "choice_filter".to_string(),
        "list name" => "list_name".to_string(),
        "guidance hint" => "guidance_hint".to_string(),
        _ => base,
    };
    (base, lang)
}

fn survey_col(header: &str) -> Result<Col, K> {
    let (base, lang) = split_header(header);
    if COSMETIC.contains(&base.as_str()) {
        return Ok(Col::Cosmetic);
    }
    if UNSUPPORTED.contains(&base.as_str()) {
        return Err(K::UnsupportedColumn(header.to_string()));
    }
    let l = || {
        lang.clone()
            .map(|l| lang_key(&l))
            .unwrap_or_else(|| DEFAULT_LANG.to_string())
    };
    let col = match base.as_str() {
        "label" => Col::Label(l()),
        "hint" => Col::Hint(l()),
        "required_message" => Col::RequiredMessage(l()),
        "constraint_message" => Col::ConstraintMessage(l()),
        _ if lang.is_some() => return Err(K::UnknownColumn(header.to_string())),
        "type" => Col::Type,
        "name" => Col::Name,
        "required" => Col::Required,
        "relevant" => Col::Relevant,
        "constraint" => Col::Constraint,
        "calculation" => Col::Calculation,
        "default" => Col::Default,
        "choice_filter" => Col::ChoiceFilter,
        "read_only" => Col::ReadOnly,
        "appearance" => Col::Appearance,
        "repeat_count" => Col::RepeatCount,
        _ => return Err(K::UnknownColumn(header.to_string())),
    };
    Ok(col)
}

/// Where each expression came from, to check its references once every name is known.
struct PendingExpr {
    row: u32,
    col: (usize, String),
    expr: Expression,
    in_repeat: bool,
    /// The choice list whose columns a `choice_filter` may name.
    filter_list: Option<String>,
}

#[derive(PartialEq, Clone, Copy)]
enum FrameKind {
    Root,
    Group,
    Repeat,
}

struct Frame {
    kind: FrameKind,
    name: String,
    label: Text,
    relevant: Option<Expression>,
    repeat_count: Option<Expression>,
    appearance: Option<String>,
    row: u32,
    items: Vec<Item>,
}

enum RowType {
    Begin(FrameKind),
    End(FrameKind),
    Field(FieldType),
}

const METADATA: &[&str] = &["start", "end", "today", "deviceid", "username"];
const KNOWN_UNSUPPORTED_TYPES: &[&str] = &[
    "geopoint",
    "geotrace",
    "geoshape",
    "image",
    "audio",
    "video",
    "file",
    "barcode",
    "range",
    "rank",
    "hidden",
    "background-audio",
    "background-geopoint",
    "start-geopoint",
    "audit",
    "phonenumber",
    "simserial",
    "subscriberid",
    "email",
    "xml-external",
    "csv-external",
    "select_one_from_file",
    "select_multiple_from_file",
    "select_one_external",
    "select_multiple_external",
    "trigger",
    "begin_loop",
    "begin loop",
    "end_loop",
    "end loop",
    "signature",
];

fn row_type(raw: &str) -> Result<RowType, K> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    let select = |multiple: bool, rest: &[&str]| -> Result<RowType, K> {
        let (list, or_other) = match rest {
            [] => return Err(K::SelectWithoutList),
            [list] => (list.to_string(), false),
            [list, o] if o.eq_ignore_ascii_case("or_other") => (list.to_string(), true),
            _ => return Err(K::UnknownType(raw.to_string())),
        };
        Ok(RowType::Field(if multiple {
            FieldType::SelectMultiple { list, or_other }
        } else {
            FieldType::SelectOne { list, or_other }
        }))
    };
    Ok(match l.as_slice() {
        ["begin", "group"] | ["begin_group"] => RowType::Begin(FrameKind::Group),
        ["begin", "repeat"] | ["begin_repeat"] => RowType::Begin(FrameKind::Repeat),
        ["end", "group"] | ["end_group"] => RowType::End(FrameKind::Group),
        ["end", "repeat"] | ["end_repeat"] => RowType::End(FrameKind::Repeat),
        ["select_one", ..] => return select(false, &words[1..]),
        ["select_multiple", ..] => return select(true, &words[1..]),
        ["select", "one", ..] => return select(false, &words[2..]),
        ["select", "multiple", ..] => return select(true, &words[2..]),
        [one] => RowType::Field(match *one {
            "text" | "string" => FieldType::Text,
            "integer" | "int" => FieldType::Integer,
            "decimal" => FieldType::Decimal,
            "date" => FieldType::Date,
            "datetime" => FieldType::DateTime,
            "time" => FieldType::Time,
            "note" => FieldType::Note,
            "calculate" => FieldType::Calculate,
            "acknowledge" => FieldType::Acknowledge,
            m if METADATA.contains(&m) => FieldType::Metadata {
                metadata: m.to_string(),
            },
            u if KNOWN_UNSUPPORTED_TYPES.contains(&u) => {
                return Err(K::UnsupportedType(raw.to_string()));
            }
            _ => return Err(K::UnknownType(raw.to_string())),
        }),
        [first, ..] if KNOWN_UNSUPPORTED_TYPES.contains(first) => {
            return Err(K::UnsupportedType(raw.to_string()));
        }
        _ => return Err(K::UnknownType(raw.to_string())),
    })
}

/// Checks a literal default against the field's type.
fn default_fits(
    ft: &FieldType,
    value: &str,
    choices: &BTreeMap<String, Vec<Choice>>,
) -> Result<(), String> {
    let in_list = |list: &str, v: &str| {
        choices
            .get(list)
            .is_none_or(|cs| cs.iter().any(|c| c.name == v))
    };
    let ok = match ft {
        FieldType::Integer => value.parse::<i64>().is_ok(),
        FieldType::Decimal => value.parse::<f64>().is_ok_and(f64::is_finite),
        FieldType::Date => eval::parse_date(value).is_some(),
        FieldType::DateTime => eval::parse_datetime(value).is_some(),
        FieldType::Time => eval::parse_time(value).is_some(),
        FieldType::SelectOne { list, .. } => in_list(list, value),
        FieldType::SelectMultiple { list, .. } => {
            value.split_whitespace().all(|v| in_list(list, v))
        }
        FieldType::Acknowledge => value == "OK",
        _ => true,
    };
    if ok {
        return Ok(());
    }
    Err(match ft {
        FieldType::SelectOne { list, .. } | FieldType::SelectMultiple { list, .. } => {
            format!("choice of list '{list}'")
        }
        FieldType::Acknowledge => "acknowledgement (OK)".into(),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
            .unwrap_or_else(|| "value".into()),
    })
}

struct Builder {
    errors: Vec<FormError>,
    warnings: Vec<FormWarning>,
    languages: Vec<Language>,
}

impl Builder {
    fn err(&mut self, sheet: &str, row: Option<u32>, col: Option<(usize, String)>, kind: K) {
        self.errors.push(FormError::new(sheet, row, col, kind));
    }

    fn warn(
        &mut self,
        sheet: &str,
        row: Option<u32>,
        column: Option<&str>,
        code: &'static str,
        message: String,
    ) {
        self.warnings.push(FormWarning {
            sheet: sheet.to_string(),
            row,
            column: column.map(str::to_string),
            code,
            message,
        });
    }

    fn note_language(&mut self, raw: &str) {
        let key = lang_key(raw);
        if !self.languages.iter().any(|l| l.key == key) {
            self.languages.push(Language {
                key,
                name: raw.trim().to_string(),
            });
        }
    }

    fn note_header_language(&mut self, header: &str) {
        match split_header(header) {
            (_, Some(lang)) => self.note_language(&lang),
            (_, None) => self.note_language(DEFAULT_LANG),
        }
    }

    fn parse_expr(&mut self, t: &Table, row: &Row, col: &(usize, String)) -> Option<Expression> {
        let src = row.get(col.0);
        if src.is_empty() {
            return None;
        }
        match Expression::parse(src) {
            Ok(e) => Some(e),
            Err(e) => {
                self.err(
                    &t.sheet,
                    Some(row.number),
                    Some(col.clone()),
                    K::Expression(e),
                );
                None
            }
        }
    }

    fn choices(
        &mut self,
        t: &Table,
    ) -> (
        BTreeMap<String, Vec<Choice>>,
        BTreeMap<String, BTreeSet<String>>,
    ) {
        let mut lists: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
        let mut first_rows: Vec<(String, u32)> = Vec::new();
        let (mut list_col, mut name_col) = (None, None);
        let mut labels = Vec::new();
        let mut extras = Vec::new();
        // Columns a choice_filter can name: the choice's own name and label, and extra columns.
        let mut filterable: BTreeSet<String> = ["name".to_string(), "label".to_string()].into();
        for (i, h) in &t.columns {
            let (base, lang) = split_header(h);
            match (base.as_str(), &lang) {
                ("list_name", None) => list_col = Some(*i),
                ("name" | "value", None) => name_col = Some(*i),
                ("label", _) => {
                    self.note_header_language(h);
                    labels.push((
                        *i,
                        lang.as_deref()
                            .map(lang_key)
                            .unwrap_or_else(|| DEFAULT_LANG.into()),
                    ));
                }
                (b, _) if COSMETIC.contains(&b) => {
                    self.warn(
                        &t.sheet,
                        t.header(),
                        Some(h),
                        "cosmetic-column",
                        format!("column '{h}' only changes the look and is not used"),
                    );
                }
                _ => {
                    filterable.insert(h.clone());
                    extras.push((*i, h.clone()));
                }
            }
        }
        if list_col.is_none() {
            self.err(&t.sheet, t.header(), None, K::MissingColumn("list_name"));
        }
        if name_col.is_none() {
            self.err(&t.sheet, t.header(), None, K::MissingColumn("name"));
        }
        let (Some(lc), Some(nc)) = (list_col, name_col) else {
            return (lists, BTreeMap::new());
        };
        let header = |i: usize| {
            t.columns
                .iter()
                .find(|(c, _)| *c == i)
                .map(|(_, h)| h.clone())
                .unwrap_or_default()
        };
        for row in &t.rows {
            let list = row.get(lc).to_string();
            let name = row.get(nc).to_string();
            if list.is_empty() {
                self.err(
                    &t.sheet,
                    Some(row.number),
                    Some((lc, header(lc))),
                    K::MissingListName,
                );
                continue;
            }
            if !first_rows.iter().any(|(l, _)| *l == list) {
                first_rows.push((list.clone(), row.number));
            }
            let entry = lists.entry(list.clone()).or_default();
            if name.is_empty() {
                self.err(
                    &t.sheet,
                    Some(row.number),
                    Some((nc, header(nc))),
                    K::MissingName,
                );
                continue;
            }
            if name.contains(char::is_whitespace) {
                self.err(
                    &t.sheet,
                    Some(row.number),
                    Some((nc, header(nc))),
                    K::BadChoiceName(name),
                );
                continue;
            }
            if entry.iter().any(|c| c.name == name) {
                self.errors.push(FormError::new(
                    &t.sheet,
                    Some(row.number),
                    Some((nc, header(nc))),
                    K::DuplicateChoice { list, name },
                ));
                continue;
            }
            let mut label = Text::default();
            for (i, key) in &labels {
                if !row.get(*i).is_empty() {
                    label.0.insert(key.clone(), row.get(*i).to_string());
                }
            }
            if label.is_empty() {
                let col = labels.first().map(|(i, _)| (*i, header(*i)));
                self.err(&t.sheet, Some(row.number), col, K::MissingLabel);
            }
            let extra = extras
                .iter()
                .filter(|(i, _)| !row.get(*i).is_empty())
                .map(|(i, h)| (h.clone(), row.get(*i).to_string()))
                .collect();
            entry.push(Choice { name, label, extra });
        }
        for (list, first_row) in first_rows {
            if lists.get(&list).is_some_and(Vec::is_empty) {
                self.err(
                    &t.sheet,
                    Some(first_row),
                    Some((lc, header(lc))),
                    K::EmptyChoiceList(list.clone()),
                );
                lists.remove(&list);
            }
        }
        let columns = lists
            .keys()
            .map(|l| (l.clone(), filterable.clone()))
            .collect();
        (lists, columns)
    }

    fn settings(&mut self, t: Option<&Table>) -> Settings {
        let mut id = String::new();
        let mut version = None;
        let mut title = Text::default();
        let mut default_language = None;
        let Some(t) = t else {
            self.err("settings", None, None, K::MissingSheet("settings"));
            return Settings {
                id,
                version,
                title,
                default_language,
            };
        };
        let Some(row) = t.rows.first() else {
            self.err(&t.sheet, None, None, K::MissingFormId);
            return Settings {
                id,
                version,
                title,
                default_language,
            };
        };
        for extra in t.rows.iter().skip(1) {
            self.err(&t.sheet, Some(extra.number), None, K::ExtraSettingsRow);
        }
        let mut id_col = None;
        for (i, h) in &t.columns {
            let value = row.get(*i).to_string();
            let (base, lang) = split_header(h);
            match (base.as_str(), &lang) {
                ("form_title" | "title", _) => {
                    if lang.is_some() {
                        self.note_header_language(h);
                    }
                    if !value.is_empty() {
                        let key = lang
                            .as_deref()
                            .map(lang_key)
                            .unwrap_or_else(|| DEFAULT_LANG.into());
                        title.0.insert(key, value);
                    }
                }
                ("form_id" | "id_string", None) => {
                    id_col = Some((*i, h.clone()));
                    id = value;
                }
                ("version", None) => version = (!value.is_empty()).then_some(value),
                ("default_language", None) => {
                    if !value.is_empty() {
                        default_language = Some((value, row.number, (*i, h.clone())));
                    }
                }
                ("style", None) => {
                    self.warn(
                        &t.sheet,
                        Some(row.number),
                        Some(h),
                        "cosmetic-column",
                        format!("setting '{h}' only changes the look"),
                    );
                }
                ("instance_name", None) => self.warn(
                    &t.sheet,
                    Some(row.number),
                    Some(h),
                    "ignored-setting",
                    "instance_name is not used: Passerelle names records itself".into(),
                ),
                _ => self.err(
                    &t.sheet,
                    Some(row.number),
                    Some((*i, h.clone())),
                    K::UnknownSetting(h.clone()),
                ),
            }
        }
        if id.is_empty() {
            self.err(&t.sheet, Some(row.number), id_col, K::MissingFormId);
        } else if !is_xml_name(&id) {
            self.err(&t.sheet, Some(row.number), id_col, K::BadName(id.clone()));
        }
        Settings {
            id,
            version,
            title,
            default_language,
        }
    }
}

/// What the settings sheet says; `default_language` keeps where it was written, since it can
/// only be checked once every language column has been seen.
struct Settings {
    id: String,
    version: Option<String>,
    title: Text,
    default_language: Option<(String, u32, (usize, String))>,
}

/// Everything the survey pass learns about names, for the checks that follow it.
struct NameInfo {
    row: u32,
}

pub(super) fn build(sheets: Sheets, warnings: Vec<FormWarning>) -> Result<Loaded, Vec<FormError>> {
    let mut b = Builder {
        errors: Vec::new(),
        warnings,
        languages: Vec::new(),
    };
    // An empty choices sheet (as a blank CSV or an untouched template tab) is no sheet.
    let (choices, choice_columns) = match sheets.choices.as_ref().filter(|t| !t.columns.is_empty())
    {
        Some(t) => b.choices(t),
        None => (BTreeMap::new(), BTreeMap::new()),
    };
    let Settings {
        id,
        version,
        title,
        default_language,
    } = b.settings(sheets.settings.as_ref());
    let Some(survey) = sheets.survey.as_ref() else {
        b.err("survey", None, None, K::MissingSheet("survey"));
        return Err(b.errors);
    };
    let items = survey_items(&mut b, survey, &choices, &choice_columns);
    let default_language = default_language.map(|(raw, row, col)| {
        let key = lang_key(&raw);
        let named = b.languages.iter().any(|l| l.key == key);
        let only_plain = b.languages.iter().all(|l| l.key == DEFAULT_LANG);
        if !named && !only_plain {
            b.err("settings", Some(row), Some(col), K::UnknownLanguage(raw));
        }
        key
    });
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    let form = Form {
        id,
        version,
        title,
        default_language,
        languages: b.languages,
        items,
        choices,
    };
    Ok(Loaded {
        form,
        warnings: b.warnings,
    })
}

fn survey_items(
    b: &mut Builder,
    t: &Table,
    choices: &BTreeMap<String, Vec<Choice>>,
    choice_columns: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<Item> {
    let mut cols: Vec<(usize, String, Col)> = Vec::new();
    for (i, h) in &t.columns {
        match survey_col(h) {
            Ok(Col::Cosmetic) => b.warn(
                &t.sheet,
                t.header(),
                Some(h),
                "cosmetic-column",
                format!("column '{h}' only changes the look and is not used"),
            ),
            Ok(col) => {
                if matches!(
                    col,
                    Col::Label(_)
                        | Col::Hint(_)
                        | Col::RequiredMessage(_)
                        | Col::ConstraintMessage(_)
                ) {
                    b.note_header_language(h);
                }
                cols.push((*i, h.clone(), col));
            }
            Err(kind) => b.err(&t.sheet, t.header(), Some((*i, h.clone())), kind),
        }
    }
    let find = |want: &Col| {
        cols.iter()
            .find(|(_, _, c)| c == want)
            .map(|(i, h, _)| (*i, h.clone()))
    };
    let (Some(type_col), Some(name_col)) = (find(&Col::Type), find(&Col::Name)) else {
        if find(&Col::Type).is_none() {
            b.err(&t.sheet, t.header(), None, K::MissingColumn("type"));
        }
        if find(&Col::Name).is_none() {
            b.err(&t.sheet, t.header(), None, K::MissingColumn("name"));
        }
        return Vec::new();
    };

    let mut names: HashMap<String, NameInfo> = HashMap::new();
    let mut pending: Vec<PendingExpr> = Vec::new();
    let mut stack = vec![Frame {
        kind: FrameKind::Root,
        name: String::new(),
        label: Text::default(),
        relevant: None,
        repeat_count: None,
        appearance: None,
        row: 0,
        items: Vec::new(),
    }];

    for row in &t.rows {
        let n = row.number;
        let raw_type = row.get(type_col.0);
        if raw_type.is_empty() {
            b.err(&t.sheet, Some(n), Some(type_col.clone()), K::MissingType);
            continue;
        }
        let kind = match row_type(raw_type) {
            Ok(k) => k,
            Err(e) => {
                b.err(&t.sheet, Some(n), Some(type_col.clone()), e);
                continue;
            }
        };
        let in_repeat = stack.iter().any(|f| f.kind == FrameKind::Repeat);
        if let RowType::End(k) = kind {
            if stack.len() > 1 && stack.last().is_some_and(|f| f.kind == k) {
                if let Some(f) = stack.pop() {
                    close(f, &mut stack);
                }
            } else {
                b.err(
                    &t.sheet,
                    Some(n),
                    Some(type_col.clone()),
                    K::UnmatchedEnd(raw_type.to_string()),
                );
            }
            continue;
        }

        // Name: present, valid, unique across the whole form (references are global).
        let name = row.get(name_col.0).to_string();
        let mut name_ok = true;
        if name.is_empty() {
            b.err(&t.sheet, Some(n), Some(name_col.clone()), K::MissingName);
            name_ok = false;
        } else if !is_xml_name(&name) {
            b.err(
                &t.sheet,
                Some(n),
                Some(name_col.clone()),
                K::BadName(name.clone()),
            );
            name_ok = false;
        } else if let Some(first) = names.get(&name) {
            b.err(
                &t.sheet,
                Some(n),
                Some(name_col.clone()),
                K::DuplicateName {
                    name: name.clone(),
                    first_row: first.row,
                },
            );
        } else {
            names.insert(name.clone(), NameInfo { row: n });
        }

        let mut label = Text::default();
        let mut hint = Text::default();
        let mut bind = Bind::default();
        let mut default = None;
        let mut choice_filter = None;
        let mut appearance = None;
        let mut repeat_count = None;
        let item_desc = match &kind {
            RowType::Begin(FrameKind::Repeat) => "repeat".to_string(),
            RowType::Begin(_) => "group".to_string(),
            _ => raw_type.to_string(),
        };
        let is_begin = matches!(kind, RowType::Begin(_));
        let field_type = match &kind {
            RowType::Field(ft) => Some(ft.clone()),
            _ => None,
        };
        for (i, h, col) in &cols {
            let v = row.get(*i);
            if v.is_empty() {
                continue;
            }
            let here = (*i, h.clone());
            let misplaced = |b: &mut Builder| {
                b.err(
                    &t.sheet,
                    Some(n),
                    Some(here.clone()),
                    K::MisplacedColumn {
                        column: h.clone(),
                        item: item_desc.clone(),
                    },
                );
            };
            match col {
                Col::Type | Col::Name | Col::Cosmetic => {}
                Col::Label(l) => {
                    label.0.insert(l.clone(), v.to_string());
                }
                Col::Hint(l) => {
                    hint.0.insert(l.clone(), v.to_string());
                }
                Col::RequiredMessage(l) => {
                    bind.required_message.0.insert(l.clone(), v.to_string());
                }
                Col::ConstraintMessage(l) => {
                    bind.constraint_message.0.insert(l.clone(), v.to_string());
                }
                Col::Appearance => appearance = Some(v.to_string()),
                Col::Relevant => {
                    bind.relevant = b.parse_expr(t, row, &here);
                    if let Some(e) = &bind.relevant {
                        pending.push(PendingExpr {
                            row: n,
                            col: here.clone(),
                            expr: e.clone(),
                            in_repeat,
                            filter_list: None,
                        });
                    }
                }
                Col::Required
                | Col::Constraint
                | Col::Calculation
                | Col::Default
                | Col::ReadOnly
                    if is_begin =>
                {
                    misplaced(b)
                }
                Col::Required => match parse_flag(v) {
                    Some(true) => bind.required = Expression::parse("true()").ok(),
                    Some(false) => {}
                    None => {
                        // Not yes/no: a condition, as ODK allows (`${consent} = 'yes'`).
                        bind.required = b.parse_expr(t, row, &here);
                        if let Some(e) = &bind.required {
                            pending.push(PendingExpr {
                                row: n,
                                col: here.clone(),
                                expr: e.clone(),
                                in_repeat,
                                filter_list: None,
                            });
                        }
                    }
                },
                Col::ReadOnly => match parse_flag(v) {
                    Some(flag) => bind.read_only = flag,
                    None => b.err(
                        &t.sheet,
                        Some(n),
                        Some(here.clone()),
                        K::BadBoolean(v.to_string()),
                    ),
                },
                Col::Constraint | Col::Calculation => {
                    let e = b.parse_expr(t, row, &here);
                    if let Some(e) = &e {
                        pending.push(PendingExpr {
                            row: n,
                            col: here.clone(),
                            expr: e.clone(),
                            in_repeat,
                            filter_list: None,
                        });
                    }
                    if *col == Col::Constraint {
                        bind.constraint = e;
                    } else {
                        bind.calculation = e;
                    }
                }
                Col::Default => default = Some((v.to_string(), here.clone())),
                Col::ChoiceFilter => match field_type.as_ref().and_then(FieldType::list) {
                    Some(list) => {
                        choice_filter = b.parse_expr(t, row, &here);
                        if let Some(e) = &choice_filter {
                            pending.push(PendingExpr {
                                row: n,
                                col: here.clone(),
                                expr: e.clone(),
                                in_repeat,
                                filter_list: Some(list.to_string()),
                            });
                        }
                    }
                    None => misplaced(b),
                },
                Col::RepeatCount => {
                    if matches!(kind, RowType::Begin(FrameKind::Repeat)) {
                        repeat_count = b.parse_expr(t, row, &here);
                        if let Some(e) = &repeat_count {
                            pending.push(PendingExpr {
                                row: n,
                                col: here.clone(),
                                expr: e.clone(),
                                in_repeat,
                                filter_list: None,
                            });
                        }
                    } else {
                        misplaced(b);
                    }
                }
            }
        }
        if bind.constraint.is_none() && !bind.constraint_message.is_empty() {
            b.warn(
                &t.sheet,
                Some(n),
                Some("constraint_message"),
                "message-without-rule",
                "constraint_message without a constraint".into(),
            );
        }

        match kind {
            RowType::Begin(k) => stack.push(Frame {
                kind: k,
                name: if name_ok { name } else { String::new() },
                label,
                relevant: bind.relevant,
                repeat_count,
                appearance,
                row: n,
                items: Vec::new(),
            }),
            RowType::End(_) => {}
            RowType::Field(ft) => {
                if let Some(list) = ft.list()
                    && !choices.contains_key(list)
                {
                    b.err(
                        &t.sheet,
                        Some(n),
                        Some(type_col.clone()),
                        K::UnknownChoiceList(list.to_string()),
                    );
                }
                let needs_label = !matches!(ft, FieldType::Calculate | FieldType::Metadata { .. });
                if needs_label && label.is_empty() {
                    let col = cols
                        .iter()
                        .find(|(_, _, c)| matches!(c, Col::Label(_)))
                        .map(|(i, h, _)| (*i, h.clone()));
                    b.err(&t.sheet, Some(n), col, K::MissingLabel);
                }
                if ft == FieldType::Calculate && bind.calculation.is_none() {
                    b.err(&t.sheet, Some(n), None, K::MissingCalculation);
                }
                let default = default.and_then(|(v, col)| match default_fits(&ft, &v, choices) {
                    Ok(()) => Some(v),
                    Err(expected) => {
                        b.err(
                            &t.sheet,
                            Some(n),
                            Some(col),
                            K::BadDefault { value: v, expected },
                        );
                        None
                    }
                });
                let or_other = matches!(
                    ft,
                    FieldType::SelectOne { or_other: true, .. }
                        | FieldType::SelectMultiple { or_other: true, .. }
                );
                let field = Field {
                    name: name.clone(),
                    field_type: ft,
                    label,
                    hint,
                    bind,
                    default,
                    choice_filter,
                    appearance,
                    row: n,
                };
                let top = stack.len() - 1;
                stack[top].items.push(Item::Field(field));
                if or_other && name_ok {
                    // pyxform's or_other: an "other" choice plus a text field for the detail.
                    let other = format!("{name}_other");
                    if let Some(first) = names.get(&other) {
                        b.err(
                            &t.sheet,
                            Some(n),
                            Some(type_col.clone()),
                            K::DuplicateName {
                                name: other.clone(),
                                first_row: first.row,
                            },
                        );
                    } else {
                        names.insert(other.clone(), NameInfo { row: n });
                    }
                    let relevant =
                        Expression::parse(&format!("selected(${{{name}}}, 'other')")).ok();
                    stack[top].items.push(Item::Field(Field {
                        name: other,
                        field_type: FieldType::Text,
                        label: Text(
                            [(DEFAULT_LANG.to_string(), "Specify other.".to_string())].into(),
                        ),
                        hint: Text::default(),
                        bind: Bind {
                            relevant,
                            ..Bind::default()
                        },
                        default: None,
                        choice_filter: None,
                        appearance: None,
                        row: n,
                    }));
                }
            }
        }
    }
    while stack.len() > 1 {
        if let Some(f) = stack.pop() {
            let what = if f.kind == FrameKind::Repeat {
                "begin repeat"
            } else {
                "begin group"
            };
            b.err(
                &t.sheet,
                Some(f.row),
                Some(type_col.clone()),
                K::UnclosedBegin(format!("{what} {}", f.name)),
            );
            close(f, &mut stack);
        }
    }

    for p in pending {
        for r in p.expr.references() {
            if !names.contains_key(&r) {
                b.err(
                    &t.sheet,
                    Some(p.row),
                    Some(p.col.clone()),
                    K::UnknownReference(r),
                );
            }
        }
        for bare in p.expr.bare_names() {
            match &p.filter_list {
                Some(list) => {
                    let known = choice_columns.get(list).is_some_and(|c| c.contains(&bare))
                        || bare.starts_with("label");
                    // An unknown list is reported on its own; don't pile errors on it.
                    if !known && choice_columns.contains_key(list) {
                        b.err(
                            &t.sheet,
                            Some(p.row),
                            Some(p.col.clone()),
                            K::UnknownChoiceColumn {
                                list: list.clone(),
                                name: bare,
                            },
                        );
                    }
                }
                None => b.err(
                    &t.sheet,
                    Some(p.row),
                    Some(p.col.clone()),
                    K::BareName(bare),
                ),
            }
        }
        if p.expr.uses_position() && !p.in_repeat {
            b.err(
                &t.sheet,
                Some(p.row),
                Some(p.col.clone()),
                K::PositionOutsideRepeat,
            );
        }
    }
    stack.pop().map(|f| f.items).unwrap_or_default()
}

/// Closes a group or repeat into its parent.
fn close(f: Frame, stack: &mut [Frame]) {
    let item = match f.kind {
        FrameKind::Repeat => Item::Repeat(Repeat {
            name: f.name,
            label: f.label,
            relevant: f.relevant,
            repeat_count: f.repeat_count,
            appearance: f.appearance,
            items: f.items,
            row: f.row,
        }),
        _ => Item::Group(Group {
            name: f.name,
            label: f.label,
            relevant: f.relevant,
            appearance: f.appearance,
            items: f.items,
            row: f.row,
        }),
    };
    if let Some(parent) = stack.last_mut() {
        parent.items.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_keys() {
        assert_eq!(lang_key("Français (fr)"), "fr");
        assert_eq!(lang_key(" English (en) "), "en");
        assert_eq!(lang_key("English"), "English");
        assert_eq!(lang_key("Kreyòl (ht)"), "ht");
        assert_eq!(lang_key("Odd (two words)"), "Odd (two words)");
    }

    #[test]
    fn flags() {
        for y in ["yes", "TRUE", "true", "1", "Y", "true()"] {
            assert_eq!(parse_flag(y), Some(true), "{y}");
        }
        for n in ["no", "FALSE", "0", "", "false()"] {
            assert_eq!(parse_flag(n), Some(false), "{n}");
        }
        assert_eq!(parse_flag("${a} = 1"), None);
    }

    #[test]
    fn headers_and_aliases() {
        assert_eq!(
            survey_col("label::English (en)"),
            Ok(Col::Label("en".into()))
        );
        assert_eq!(survey_col("Label"), Ok(Col::Label(DEFAULT_LANG.into())));
        assert_eq!(
            survey_col("jr:constraintMsg"),
            Ok(Col::ConstraintMessage(DEFAULT_LANG.into()))
        );
        assert_eq!(survey_col("readonly"), Ok(Col::ReadOnly));
        assert_eq!(survey_col("media::image::English (en)"), Ok(Col::Cosmetic));
        assert_eq!(
            survey_col("bind::jr:preload").unwrap_err().code(),
            "unsupported-column"
        );
        assert_eq!(
            survey_col("relevant::fr").unwrap_err().code(),
            "unknown-column"
        );
        assert_eq!(survey_col("comments").unwrap_err().code(), "unknown-column");
    }

    #[test]
    fn row_types() {
        assert!(matches!(
            row_type("begin group"),
            Ok(RowType::Begin(FrameKind::Group))
        ));
        assert!(matches!(
            row_type("begin_group"),
            Ok(RowType::Begin(FrameKind::Group))
        ));
        assert!(matches!(
            row_type("End Repeat"),
            Ok(RowType::End(FrameKind::Repeat))
        ));
        assert!(matches!(
            row_type("select_one  yes_no"),
            Ok(RowType::Field(FieldType::SelectOne { ref list, or_other: false })) if list == "yes_no"
        ));
        assert!(matches!(
            row_type("select_multiple Needs or_other"),
            Ok(RowType::Field(FieldType::SelectMultiple { ref list, or_other: true })) if list == "Needs"
        ));
        assert!(matches!(
            row_type("select one l"),
            Ok(RowType::Field(FieldType::SelectOne { .. }))
        ));
        assert!(matches!(
            row_type("dateTime"),
            Ok(RowType::Field(FieldType::DateTime))
        ));
        assert!(matches!(
            row_type("start"),
            Ok(RowType::Field(FieldType::Metadata { .. }))
        ));
        assert_eq!(
            row_type("select_one").err().map(|e| e.code()),
            Some("select-without-list")
        );
        assert_eq!(
            row_type("select_one a b").err().map(|e| e.code()),
            Some("unknown-type")
        );
        assert_eq!(
            row_type("geopoint").err().map(|e| e.code()),
            Some("unsupported-type")
        );
        assert_eq!(
            row_type("select_one_from_file x.csv")
                .err()
                .map(|e| e.code()),
            Some("unsupported-type")
        );
        assert_eq!(
            row_type("texte").err().map(|e| e.code()),
            Some("unknown-type")
        );
    }

    #[test]
    fn defaults_are_checked_against_the_type() {
        let choices: BTreeMap<String, Vec<Choice>> = [(
            "yn".to_string(),
            vec![Choice {
                name: "yes".into(),
                label: Text::default(),
                extra: BTreeMap::new(),
            }],
        )]
        .into();
        assert!(default_fits(&FieldType::Integer, "3", &choices).is_ok());
        assert_eq!(
            default_fits(&FieldType::Integer, "3.5", &choices),
            Err("integer".into())
        );
        assert!(default_fits(&FieldType::Decimal, "3.5", &choices).is_ok());
        assert!(default_fits(&FieldType::Date, "2024-01-31", &choices).is_ok());
        assert_eq!(
            default_fits(&FieldType::Date, "31/01/2024", &choices),
            Err("date".into())
        );
        let one = FieldType::SelectOne {
            list: "yn".into(),
            or_other: false,
        };
        assert!(default_fits(&one, "yes", &choices).is_ok());
        assert!(default_fits(&one, "no", &choices).is_err());
        assert!(default_fits(&FieldType::Text, "anything", &choices).is_ok());
    }
}
