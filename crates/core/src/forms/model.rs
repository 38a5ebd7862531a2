//! The form as Passerelle holds it once an XLSForm is read: the shape that the validator
//! walks, the web layer renders and `passerelle form inspect --json` prints (see
//! `content/forms/README.md`).

use super::expr::Expression;
use serde::Serialize;
use std::collections::BTreeMap;

/// Key of the text written in the plain `label` / `hint` column (no `::language`).
pub const DEFAULT_LANG: &str = "default";

/// A text in several languages: language key -> text. The key is the code in parentheses of
/// the column's language (`label::Français (fr)` -> `fr`), else the language name as written,
/// else [`DEFAULT_LANG`] for the plain column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Text(pub BTreeMap<String, String>);

impl Text {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text in `lang`, else in `fallback` (the form's default language), else the plain
    /// column's, else any: a reader always sees something rather than a blank.
    pub fn get(&self, lang: &str, fallback: Option<&str>) -> Option<&str> {
        self.0
            .get(lang)
            .or_else(|| fallback.and_then(|f| self.0.get(f)))
            .or_else(|| self.0.get(DEFAULT_LANG))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
    }
}

/// A language a form is written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Language {
    /// The key used in every [`Text`] (`fr`).
    pub key: String,
    /// As written in the column header (`Français (fr)`).
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Form {
    /// `form_id` of the settings sheet.
    pub id: String,
    /// `version` of the settings sheet, if any.
    pub version: Option<String>,
    /// `form_title`, per language.
    pub title: Text,
    /// Key of `default_language`, if the settings sheet gives one.
    pub default_language: Option<String>,
    /// Every language that a label, hint or message column uses, in column order.
    pub languages: Vec<Language>,
    pub items: Vec<Item>,
    /// Choice lists by `list_name`; choices keep their sheet order.
    pub choices: BTreeMap<String, Vec<Choice>>,
}

// Fields outnumber groups and repeats, and a form is built once then only read: boxing the
// big variant would cost every caller a dereference for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    Field(Field),
    Group(Group),
    Repeat(Repeat),
}

impl Item {
    pub fn name(&self) -> &str {
        match self {
            Item::Field(f) => &f.name,
            Item::Group(g) => &g.name,
            Item::Repeat(r) => &r.name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    #[serde(flatten)]
    pub field_type: FieldType,
    pub label: Text,
    pub hint: Text,
    pub bind: Bind,
    /// Literal default value, applied when a submission leaves the field out.
    pub default: Option<String>,
    /// Filters the choices of a select (bare names are choices-sheet columns).
    pub choice_filter: Option<Expression>,
    pub appearance: Option<String>,
    /// Row of the survey sheet (1-based), so messages about the form can point at it.
    pub row: u32,
}

/// What an answer to a field is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Integer,
    Decimal,
    Date,
    #[serde(rename = "datetime")]
    DateTime,
    Time,
    SelectOne {
        list: String,
        or_other: bool,
    },
    SelectMultiple {
        list: String,
        or_other: bool,
    },
    Note,
    Calculate,
    Acknowledge,
    /// Filled by the collecting device (`start`, `end`, `today`, `deviceid`, `username`); the
    /// server keeps what it is sent and checks nothing.
    Metadata {
        metadata: String,
    },
}

impl FieldType {
    /// The choice list of a select.
    pub fn list(&self) -> Option<&str> {
        match self {
            FieldType::SelectOne { list, .. } | FieldType::SelectMultiple { list, .. } => {
                Some(list)
            }
            _ => None,
        }
    }

    /// Whether a person answers it (notes, calculations and metadata are not asked).
    pub fn is_question(&self) -> bool {
        !matches!(
            self,
            FieldType::Note | FieldType::Calculate | FieldType::Metadata { .. }
        )
    }
}

/// How a field behaves: the XForm `bind` attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bind {
    /// `yes` in the sheet is stored as `true()`; a condition is kept as written.
    pub required: Option<Expression>,
    pub required_message: Text,
    pub relevant: Option<Expression>,
    pub constraint: Option<Expression>,
    pub constraint_message: Text,
    pub calculation: Option<Expression>,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    pub label: Text,
    pub relevant: Option<Expression>,
    pub appearance: Option<String>,
    pub items: Vec<Item>,
    pub row: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Repeat {
    pub name: String,
    pub label: Text,
    pub relevant: Option<Expression>,
    /// Number of instances there must be, if the form fixes it.
    pub repeat_count: Option<Expression>,
    pub appearance: Option<String>,
    pub items: Vec<Item>,
    pub row: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub name: String,
    pub label: Text,
    /// Further columns of the choices sheet (usable in a `choice_filter`), by header.
    pub extra: BTreeMap<String, String>,
}

impl Form {
    /// Finds a field anywhere in the tree by name (names are unique in a form).
    pub fn field(&self, name: &str) -> Option<&Field> {
        fn find<'a>(items: &'a [Item], name: &str) -> Option<&'a Field> {
            items.iter().find_map(|i| match i {
                Item::Field(f) if f.name == name => Some(f),
                Item::Field(_) => None,
                Item::Group(g) => find(&g.items, name),
                Item::Repeat(r) => find(&r.items, name),
            })
        }
        find(&self.items, name)
    }

    /// Label of choice `value` of `field`'s list in `lang`.
    pub fn choice_label(&self, field: &str, value: &str, lang: &str) -> Option<&str> {
        let list = self.field(field)?.field_type.list()?;
        let choice = self.choices.get(list)?.iter().find(|c| c.name == value)?;
        choice.label.get(lang, self.default_language.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(pairs: &[(&str, &str)]) -> Text {
        Text(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn text_falls_back_from_language_to_default_to_any() {
        let t = text(&[("fr", "Nom"), ("en", "Name")]);
        assert_eq!(t.get("en", Some("fr")), Some("Name"));
        assert_eq!(t.get("es", Some("fr")), Some("Nom"));
        assert_eq!(
            t.get("es", None),
            Some("Name"),
            "any language rather than a blank"
        );
        let plain = text(&[("default", "Plain"), ("fr", "Nom")]);
        assert_eq!(plain.get("es", Some("en")), Some("Plain"));
        assert_eq!(Text::default().get("fr", None), None);
    }

    #[test]
    fn serializes_with_kind_and_type_tags() {
        let f = Field {
            name: "q".into(),
            field_type: FieldType::SelectOne {
                list: "yn".into(),
                or_other: false,
            },
            label: text(&[("en", "Q")]),
            hint: Text::default(),
            bind: Bind {
                required: Some(Expression::parse("true()").unwrap()),
                ..Bind::default()
            },
            default: None,
            choice_filter: None,
            appearance: None,
            row: 2,
        };
        let v = serde_json::to_value(Item::Field(f)).unwrap();
        assert_eq!(v["kind"], "field");
        assert_eq!(v["type"], "select_one");
        assert_eq!(v["list"], "yn");
        assert_eq!(v["label"]["en"], "Q");
        assert_eq!(v["bind"]["required"], "true()");
        let meta = Field {
            name: "start".into(),
            field_type: FieldType::Metadata {
                metadata: "start".into(),
            },
            label: Text::default(),
            hint: Text::default(),
            bind: Bind::default(),
            default: None,
            choice_filter: None,
            appearance: None,
            row: 2,
        };
        let text = serde_json::to_string(&Item::Field(meta)).unwrap();
        assert_eq!(
            text.matches("\"kind\"").count(),
            1,
            "the item tag is not shadowed: {text}"
        );
        let dt = serde_json::to_value(FieldType::DateTime).unwrap();
        assert_eq!(dt["type"], "datetime");
    }

    #[test]
    fn question_kinds() {
        assert!(FieldType::Text.is_question());
        assert!(FieldType::Acknowledge.is_question());
        assert!(!FieldType::Note.is_question());
        assert!(!FieldType::Calculate.is_question());
        assert_eq!(
            FieldType::SelectMultiple {
                list: "l".into(),
                or_other: true
            }
            .list(),
            Some("l")
        );
        assert_eq!(FieldType::Integer.list(), None);
    }
}
