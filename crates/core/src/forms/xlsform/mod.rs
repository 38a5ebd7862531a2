//! Reads an XLSForm (survey, choices and settings sheets) into a [`Form`].
//!
//! Every problem of the sheet is reported at once, each naming its sheet, row (1-based, as the
//! spreadsheet shows it) and column, so the person fixing the form fixes it in one pass.
//! Anything that would change what the form means but is not supported is an error, never
//! skipped; only cosmetic columns (media, guidance hints) are passed over, with a warning.

mod build;
mod sheet;

use super::expr::ParseError;
use super::model::Form;
use serde::Serialize;
use std::fmt;

/// A form read successfully, with what was passed over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loaded {
    pub form: Form,
    pub warnings: Vec<FormWarning>,
}

/// Reads an `.xlsx` workbook held in memory.
pub fn read_xlsx(bytes: &[u8]) -> Result<Loaded, Vec<FormError>> {
    let mut warnings = Vec::new();
    let sheets = sheet::from_xlsx(bytes, &mut warnings)?;
    build::build(sheets, warnings)
}

/// The sheets of an XLSForm as one CSV text each, the way Passerelle stores a published form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvSheets {
    pub survey: String,
    pub choices: Option<String>,
    pub settings: Option<String>,
}

/// Turns an `.xlsx` XLSForm into its CSV sheets, each row at the row number it had in the
/// workbook, and checks that the result reads as a form (every problem at once).
pub fn xlsx_to_csv(bytes: &[u8]) -> Result<(CsvSheets, Loaded), Vec<FormError>> {
    let loaded = read_xlsx(bytes)?;
    let mut sheets = CsvSheets { survey: String::new(), choices: None, settings: None };
    for (name, rows) in sheet::xlsx_rows(bytes)? {
        let text = sheet::rows_to_csv(&rows);
        match name.trim().to_lowercase().as_str() {
            "survey" => sheets.survey = text,
            "choices" => sheets.choices = Some(text),
            "settings" => sheets.settings = Some(text),
            _ => {}
        }
    }
    Ok((sheets, loaded))
}

/// Reads one CSV per sheet (survey.csv, and choices.csv / settings.csv when the form has them).
pub fn read_csv(
    survey: &[u8],
    choices: Option<&[u8]>,
    settings: Option<&[u8]>,
) -> Result<Loaded, Vec<FormError>> {
    let mut warnings = Vec::new();
    let sheets = sheet::from_csv(survey, choices, settings, &mut warnings)?;
    build::build(sheets, warnings)
}

/// Reads pyxform's single-file CSV layout, where a row starting with `survey`, `choices` or
/// `settings` in its first cell opens that sheet and the sheet's rows follow with the first
/// cell empty.
pub fn read_single_csv(bytes: &[u8]) -> Result<Loaded, Vec<FormError>> {
    let mut warnings = Vec::new();
    let sheets = sheet::from_single_csv(bytes, &mut warnings)?;
    build::build(sheets, warnings)
}

/// Something passed over that does not change what the form means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormWarning {
    pub sheet: String,
    pub row: Option<u32>,
    pub column: Option<String>,
    /// `unknown-sheet`, `cosmetic-column`, `ignored-setting`, `message-without-rule`.
    pub code: &'static str,
    pub message: String,
}

/// One problem of a form, and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormError {
    /// `survey`, `choices`, `settings` (or the workbook's own name for the sheet).
    pub sheet: String,
    /// 1-based spreadsheet row.
    pub row: Option<u32>,
    /// Header of the column (`relevant`, `label::English (en)`).
    pub column: Option<String>,
    /// Spreadsheet letter of the column (`C`).
    pub column_letter: Option<String>,
    #[serde(serialize_with = "serialize_kind")]
    pub kind: FormErrorKind,
}

fn serialize_kind<S: serde::Serializer>(kind: &FormErrorKind, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("FormErrorKind", 2)?;
    st.serialize_field("code", kind.code())?;
    st.serialize_field("message", &kind.to_string())?;
    st.end()
}

impl FormError {
    pub(crate) fn new(
        sheet: &str,
        row: Option<u32>,
        column: Option<(usize, String)>,
        kind: FormErrorKind,
    ) -> Self {
        let (column, column_letter) = match column {
            Some((index, header)) => (
                (!header.is_empty()).then_some(header),
                Some(column_letter(index)),
            ),
            None => (None, None),
        };
        FormError {
            sheet: sheet.to_string(),
            row,
            column,
            column_letter,
            kind,
        }
    }

    /// Stable machine code of the problem, for translated messages.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.sheet.is_empty() {
            "workbook"
        } else {
            &self.sheet
        })?;
        match (&self.column_letter, self.row) {
            (Some(c), Some(r)) => write!(f, "!{c}{r}")?,
            (None, Some(r)) => write!(f, " row {r}")?,
            (Some(c), None) => write!(f, " column {c}")?,
            (None, None) => {}
        }
        if let Some(col) = &self.column {
            write!(f, " ({col})")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for FormError {}

/// `0` -> `A`, `25` -> `Z`, `26` -> `AA`.
pub(crate) fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push((b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormErrorKind {
    #[error("{0}")]
    Unreadable(String),
    #[error("{0}")]
    CellError(String),
    #[error("the form has no '{0}' sheet")]
    MissingSheet(&'static str),
    #[error("the sheet has no '{0}' column")]
    MissingColumn(&'static str),
    #[error("unknown column '{0}'")]
    UnknownColumn(String),
    #[error("column '{0}' is not supported by Passerelle")]
    UnsupportedColumn(String),
    #[error("column '{column}' has no meaning for a {item}")]
    MisplacedColumn { column: String, item: String },
    #[error("the row has no type")]
    MissingType,
    #[error("unknown type '{0}'")]
    UnknownType(String),
    #[error("type '{0}' is not supported by Passerelle")]
    UnsupportedType(String),
    #[error("the row has no name")]
    MissingName,
    #[error(
        "'{0}' is not a valid name: start with a letter or '_', then letters, digits, '_', '-' or '.'"
    )]
    BadName(String),
    #[error("name '{name}' is already used on row {first_row}")]
    DuplicateName { name: String, first_row: u32 },
    #[error("'{0}' has no matching begin")]
    UnmatchedEnd(String),
    #[error("'{0}' is never closed")]
    UnclosedBegin(String),
    #[error("a select needs a choice list: select_one LIST")]
    SelectWithoutList,
    #[error("choice list '{0}' is not on the choices sheet")]
    UnknownChoiceList(String),
    #[error("choice list '{0}' has no choices")]
    EmptyChoiceList(String),
    #[error("choice '{name}' appears twice in list '{list}'")]
    DuplicateChoice { list: String, name: String },
    #[error(
        "choice name '{0}' must not contain spaces (select_multiple answers are space-separated)"
    )]
    BadChoiceName(String),
    #[error("the choice has no list_name")]
    MissingListName,
    #[error("the row has no label")]
    MissingLabel,
    #[error("'{0}' is not yes/no (yes, no, true, false, 1, 0)")]
    BadBoolean(String),
    #[error("expression: {0}")]
    Expression(ParseError),
    #[error("${{{0}}} does not name any field, group or repeat of the survey")]
    UnknownReference(String),
    #[error(
        "'{0}' is not a reference: write ${{{0}}} (bare names only name choice columns in a choice_filter)"
    )]
    BareName(String),
    #[error("choice list '{list}' has no column '{name}'")]
    UnknownChoiceColumn { list: String, name: String },
    #[error("position(..) is only meaningful inside a repeat")]
    PositionOutsideRepeat,
    #[error("a calculate row needs a calculation")]
    MissingCalculation,
    #[error("default '{value}' is not a valid {expected}")]
    BadDefault { value: String, expected: String },
    #[error("the settings sheet has no form_id")]
    MissingFormId,
    #[error("unknown setting '{0}'")]
    UnknownSetting(String),
    #[error("the settings sheet has more than one row of values")]
    ExtraSettingsRow,
    #[error("default_language '{0}' is not a language of the form's columns")]
    UnknownLanguage(String),
}

impl FormErrorKind {
    pub fn code(&self) -> &'static str {
        match self {
            FormErrorKind::Unreadable(_) => "unreadable",
            FormErrorKind::CellError(_) => "cell-error",
            FormErrorKind::MissingSheet(_) => "missing-sheet",
            FormErrorKind::MissingColumn(_) => "missing-column",
            FormErrorKind::UnknownColumn(_) => "unknown-column",
            FormErrorKind::UnsupportedColumn(_) => "unsupported-column",
            FormErrorKind::MisplacedColumn { .. } => "misplaced-column",
            FormErrorKind::MissingType => "missing-type",
            FormErrorKind::UnknownType(_) => "unknown-type",
            FormErrorKind::UnsupportedType(_) => "unsupported-type",
            FormErrorKind::MissingName => "missing-name",
            FormErrorKind::BadName(_) => "bad-name",
            FormErrorKind::DuplicateName { .. } => "duplicate-name",
            FormErrorKind::UnmatchedEnd(_) => "unmatched-end",
            FormErrorKind::UnclosedBegin(_) => "unclosed-begin",
            FormErrorKind::SelectWithoutList => "select-without-list",
            FormErrorKind::UnknownChoiceList(_) => "unknown-choice-list",
            FormErrorKind::EmptyChoiceList(_) => "empty-choice-list",
            FormErrorKind::DuplicateChoice { .. } => "duplicate-choice",
            FormErrorKind::BadChoiceName(_) => "bad-choice-name",
            FormErrorKind::MissingListName => "missing-list-name",
            FormErrorKind::MissingLabel => "missing-label",
            FormErrorKind::BadBoolean(_) => "bad-boolean",
            FormErrorKind::Expression(_) => "bad-expression",
            FormErrorKind::UnknownReference(_) => "unknown-reference",
            FormErrorKind::BareName(_) => "bare-name",
            FormErrorKind::UnknownChoiceColumn { .. } => "unknown-choice-column",
            FormErrorKind::PositionOutsideRepeat => "position-outside-repeat",
            FormErrorKind::MissingCalculation => "missing-calculation",
            FormErrorKind::BadDefault { .. } => "bad-default",
            FormErrorKind::MissingFormId => "missing-form-id",
            FormErrorKind::UnknownSetting(_) => "unknown-setting",
            FormErrorKind::ExtraSettingsRow => "extra-settings-row",
            FormErrorKind::UnknownLanguage(_) => "unknown-language",
        }
    }
}

#[cfg(test)]
mod tests;
