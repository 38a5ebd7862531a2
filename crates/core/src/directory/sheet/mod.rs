//! Spreadsheet import of a service mapping, the way field teams collect it: one row per
//! service, headers in French, English or Spanish, CSV from any Excel (`;` separators,
//! Windows-1252, byte-order marks) or XLSX.
//!
//! Nothing is applied here. Reading gives the HSDS services of the good rows, every problem
//! of the bad rows with its row and column, and [`SheetImport::preview`] says what would be
//! created or updated; the store writes an accepted import in one transaction.

pub mod columns;
pub mod decode;
mod row;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use serde::Serialize;

pub use columns::{ColumnMapping, Field, column_letter};

use super::hsds::{Dataset, Record, Service};
use super::import::{Preview, Vocabulary, preview};
use super::text::fold;
use crate::lang::Lang;

/// An admin area a sheet may name, by code or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub id: String,
    pub name: String,
}

/// What the reader checks values against.
#[derive(Debug, Clone, Copy)]
pub struct SheetContext<'a> {
    pub vocabulary: Vocabulary<'a>,
    /// Known admin areas. When empty, area cells are taken as area codes as written.
    pub areas: &'a [Area],
    /// ISO 3166-1 alpha-2 country of addresses whose row names none.
    pub country: &'a str,
    /// Language of the taxonomy labels embedded in the services.
    pub lang: Lang,
    /// Today, the date a capacity figure is given on.
    pub today: NaiveDate,
}

/// One cell, named as a person sees it in their spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// 1-based row, the header being row 1.
    pub row: usize,
    /// Column letter (A, B, ...).
    pub column: String,
    pub header: String,
    pub value: String,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, column {} ({}): {:?}", self.row, self.column, self.header, self.value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is not in a text encoding Passerelle can read (line {line}); save it as CSV UTF-8")]
    Encoding { line: usize },
    #[error("the file was read as {encoding}; check that accented letters look right")]
    Decoded { encoding: &'static str },
    #[error("the workbook cannot be read: {message}")]
    Unreadable { message: String },
    #[error("the file has no header row")]
    Empty,
    #[error("no column holds {field}; name one with a header such as those in the template")]
    MissingColumn { field: String },
    #[error("columns {first} and {column} ({header}) both hold {field}")]
    DuplicateColumn { column: String, header: String, first: String, field: String },
    #[error("column {column} ({header}) is not a known field and is ignored")]
    UnknownColumn { column: String, header: String },
    #[error("row {row}: {message}")]
    Malformed { row: usize, message: String },
    #[error("{at}: this value is required")]
    Required { at: Cell },
    #[error("{at}: not a term of the taxonomy")]
    UnknownTerm { at: Cell },
    #[error("{at}: not a known area")]
    UnknownArea { at: Cell },
    #[error("{at}: not a phone number")]
    BadPhone { at: Cell },
    #[error("{at}: not an email address")]
    BadEmail { at: Cell },
    #[error("{at}: not a web address")]
    BadUrl { at: Cell },
    #[error("{at}: opening hours not understood ({reason})")]
    BadSchedule { at: Cell, reason: String },
    #[error("{at}: not a date (write 2026-03-15 or 15/03/2026)")]
    BadDate { at: Cell },
    #[error("{at}: not a number in range")]
    BadNumber { at: Cell },
    #[error("{at}: not a status (active, inactive, temporarily closed, defunct)")]
    BadStatus { at: Cell },
    #[error("{at}: write yes or no")]
    BadFlag { at: Cell },
    #[error("{at}: not a known language")]
    BadLanguage { at: Cell },
    #[error("{at}: the cell holds a spreadsheet error")]
    CellError { at: Cell },
    #[error("row {row} repeats row {first_row} (same organisation, service and place)")]
    DuplicateRow { row: usize, first_row: usize },
}

impl SheetError {
    pub fn code(&self) -> &'static str {
        match self {
            SheetError::Encoding { .. } => "sheet-encoding",
            SheetError::Decoded { .. } => "sheet-decoded",
            SheetError::Unreadable { .. } => "sheet-unreadable",
            SheetError::Empty => "sheet-empty",
            SheetError::MissingColumn { .. } => "sheet-missing-column",
            SheetError::DuplicateColumn { .. } => "sheet-duplicate-column",
            SheetError::UnknownColumn { .. } => "sheet-unknown-column",
            SheetError::Malformed { .. } => "sheet-malformed-row",
            SheetError::Required { .. } => "sheet-required",
            SheetError::UnknownTerm { .. } => "sheet-unknown-term",
            SheetError::UnknownArea { .. } => "sheet-unknown-area",
            SheetError::BadPhone { .. } => "sheet-bad-phone",
            SheetError::BadEmail { .. } => "sheet-bad-email",
            SheetError::BadUrl { .. } => "sheet-bad-url",
            SheetError::BadSchedule { .. } => "sheet-bad-schedule",
            SheetError::BadDate { .. } => "sheet-bad-date",
            SheetError::BadNumber { .. } => "sheet-bad-number",
            SheetError::BadStatus { .. } => "sheet-bad-status",
            SheetError::BadFlag { .. } => "sheet-bad-flag",
            SheetError::BadLanguage { .. } => "sheet-bad-language",
            SheetError::CellError { .. } => "sheet-cell-error",
            SheetError::DuplicateRow { .. } => "sheet-duplicate-row",
        }
    }

    /// The row the problem is on, when it is on one.
    pub fn row(&self) -> Option<usize> {
        match self {
            SheetError::Malformed { row, .. } | SheetError::DuplicateRow { row, .. } => Some(*row),
            _ => self.cell().map(|c| c.row),
        }
    }

    /// The column letter the problem is in, when it is in one.
    pub fn column(&self) -> Option<&str> {
        match self {
            SheetError::DuplicateColumn { column, .. } | SheetError::UnknownColumn { column, .. } => Some(column),
            _ => self.cell().map(|c| c.column.as_str()),
        }
    }

    pub fn cell(&self) -> Option<&Cell> {
        match self {
            SheetError::Required { at }
            | SheetError::UnknownTerm { at }
            | SheetError::UnknownArea { at }
            | SheetError::BadPhone { at }
            | SheetError::BadEmail { at }
            | SheetError::BadUrl { at }
            | SheetError::BadSchedule { at, .. }
            | SheetError::BadDate { at }
            | SheetError::BadNumber { at }
            | SheetError::BadStatus { at }
            | SheetError::BadFlag { at }
            | SheetError::BadLanguage { at }
            | SheetError::CellError { at } => Some(at),
            _ => None,
        }
    }
}

/// How one column was understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnUse {
    pub letter: String,
    pub header: String,
    pub field: Option<Field>,
}

/// A good row and the service it gives.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub row: usize,
    pub service: Service,
}

/// The outcome of reading a sheet: nothing is written yet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetImport {
    /// `UTF-8`, `windows-1252`, `UTF-16LE`, ... (CSV) or `xlsx`.
    pub encoding: &'static str,
    /// The CSV separator, or the sheet's name for a workbook.
    pub source: String,
    pub columns: Vec<ColumnUse>,
    pub rows: Vec<SheetRow>,
    /// Problems that keep a row out of the import.
    pub errors: Vec<SheetError>,
    /// Things the person should know that keep nothing out (ignored columns, re-encoding).
    pub warnings: Vec<SheetError>,
}

impl SheetImport {
    /// The good rows as an HSDS dataset, each service at pointer `/rows/<row>`.
    pub fn dataset(&self) -> Dataset {
        let records = self.rows.iter().map(|r| Record::Service(r.service.clone())).collect();
        let mut ds = Dataset::from_records(records);
        ds.pointers = self.rows.iter().map(|r| format!("/rows/{}", r.row)).collect();
        ds
    }

    /// What importing the good rows would create and update.
    pub fn preview(&self, existing: &HashSet<String>, vocabulary: Vocabulary<'_>) -> Preview {
        preview(existing, &self.dataset(), vocabulary)
    }

    /// Rows that were left out because of an error.
    pub fn rejected_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self.errors.iter().filter_map(SheetError::row).collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}

/// The rows of a CSV file as text cells, with the encoding and separator it was written in.
/// Shared by every spreadsheet import (services, people).
pub fn csv_rows(bytes: &[u8]) -> Result<(Vec<Vec<String>>, &'static str, u8), SheetError> {
    let (text, encoding) = decode::decode(bytes)?;
    let delimiter = decode::delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        match record {
            Ok(r) => rows.push(r.iter().map(str::to_string).collect()),
            Err(e) => return Err(SheetError::Malformed { row: i + 1, message: e.to_string() }),
        }
    }
    Ok((rows, encoding, delimiter))
}

/// One sheet of a workbook: its name, its rows as text (row numbers as Excel shows them), and
/// the (row, column) of cells holding a spreadsheet error.
pub struct WorkbookSheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
    pub cell_errors: Vec<(usize, usize)>,
}

/// Runs `read` (a calamine workbook read) and turns a panic inside it into `None`. calamine
/// 0.38 overflows (a panic under overflow checks, a wrong cell position otherwise) on a cell
/// reference with too many column letters, which cargo fuzz found in a damaged upload
/// (`fuzz/`, targets `outreach_rows` and `xlsform_xlsx`). Every workbook read goes through
/// here so that an upload is refused with an error instead of failing the request.
pub fn calamine_guard<T>(read: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).ok()
}

/// Every sheet of an `.xlsx` workbook as text.
pub fn xlsx_sheets(bytes: &[u8]) -> Result<Vec<WorkbookSheet>, SheetError> {
    calamine_guard(|| read_xlsx_sheets(bytes)).unwrap_or_else(|| {
        Err(SheetError::Unreadable { message: "the workbook is damaged (a cell reference cannot be read)".into() })
    })
}

fn read_xlsx_sheets(bytes: &[u8]) -> Result<Vec<WorkbookSheet>, SheetError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| SheetError::Unreadable { message: e.to_string() })?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| SheetError::Unreadable { message: format!("sheet {name:?}: {e}") })?;
        let mut rows = Vec::new();
        let mut cell_errors = Vec::new();
        // Rows are counted from the sheet's first row, so row numbers match what Excel shows
        // even when the data starts lower down.
        let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let start_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        for _ in 0..start_row {
            rows.push(Vec::new());
        }
        for (r, row) in range.rows().enumerate() {
            let mut cells = vec![String::new(); start_col];
            for (c, cell) in row.iter().enumerate() {
                match cell_text(cell) {
                    Some(t) => cells.push(t),
                    None => {
                        cell_errors.push((start_row + r + 1, start_col + c));
                        cells.push(String::new());
                    }
                }
            }
            rows.push(cells);
        }
        out.push(WorkbookSheet { name, rows, cell_errors });
    }
    Ok(out)
}

/// Reads a CSV service sheet (any of the encodings and separators Excel writes). Fails as a
/// whole only when the file cannot be read or lacks a required column.
pub fn read_services_csv(
    bytes: &[u8],
    mapping: &ColumnMapping,
    ctx: &SheetContext<'_>,
) -> Result<SheetImport, Vec<SheetError>> {
    let (rows, encoding, delimiter) = csv_rows(bytes).map_err(|e| vec![e])?;
    let mut out = SheetImport { encoding, source: (delimiter as char).to_string(), ..Default::default() };
    if encoding != "UTF-8" {
        out.warnings.push(SheetError::Decoded { encoding });
    }
    read_table(rows, mapping, ctx, out)
}

/// Reads an XLSX service sheet: the first sheet whose header row names a service column.
pub fn read_services_xlsx(
    bytes: &[u8],
    mapping: &ColumnMapping,
    ctx: &SheetContext<'_>,
) -> Result<SheetImport, Vec<SheetError>> {
    let mut chosen: Option<(String, Vec<Vec<String>>)> = None;
    let mut cell_errors = Vec::new();
    for sheet in xlsx_sheets(bytes).map_err(|e| vec![e])? {
        let header_names_service = sheet
            .rows
            .iter()
            .find(|r| r.iter().any(|c| !c.trim().is_empty()))
            .is_some_and(|h| h.iter().any(|c| mapping.field(c) == Some(Field::ServiceName)));
        if header_names_service || chosen.is_none() {
            chosen = Some((sheet.name, sheet.rows));
            cell_errors = sheet.cell_errors;
        }
        if header_names_service {
            break;
        }
    }
    let Some((name, rows)) = chosen else {
        return Err(vec![SheetError::Empty]);
    };
    let out = SheetImport { encoding: "xlsx", source: name, ..Default::default() };
    let mut result = read_table(rows, mapping, ctx, out)?;
    for (row, col) in cell_errors {
        let at = result.cell_at(row, col);
        result.rows.retain(|r| r.row != row);
        result.errors.push(SheetError::CellError { at });
    }
    Ok(result)
}

impl SheetImport {
    fn cell_at(&self, row: usize, col: usize) -> Cell {
        Cell {
            row,
            column: column_letter(col),
            header: self.columns.get(col).map(|c| c.header.clone()).unwrap_or_default(),
            value: String::new(),
        }
    }
}

/// Text of a workbook cell; `None` for a cell holding an error (#REF!, #N/A ...).
fn cell_text(cell: &Data) -> Option<String> {
    Some(match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Phone numbers typed as numbers arrive as floats: no ".0", no exponent.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
            let millis = (serial * 86_400_000.0).round();
            if !millis.is_finite() || millis.abs() > 1e15 {
                return None;
            }
            let when = epoch + chrono::Duration::milliseconds(millis as i64);
            if dt.is_duration() || serial < 1.0 {
                when.format("%H:%M").to_string()
            } else {
                when.format("%Y-%m-%d").to_string()
            }
        }
        Data::Error(_) => return None,
    })
}

fn read_table(
    rows: Vec<Vec<String>>,
    mapping: &ColumnMapping,
    ctx: &SheetContext<'_>,
    mut out: SheetImport,
) -> Result<SheetImport, Vec<SheetError>> {
    // The header is the first row naming two known fields among the first ten (a title row
    // above it is common), else the first row with anything in it.
    let known = |r: &Vec<String>| r.iter().filter(|c| !c.trim().is_empty() && mapping.field(c).is_some()).count();
    let Some(header_idx) = rows.iter().take(10).position(|r| known(r) >= 2).or_else(|| {
        rows.iter().position(|r| r.iter().any(|c| !c.trim().is_empty()))
    }) else {
        return Err(vec![SheetError::Empty]);
    };
    let header = &rows[header_idx];
    let mut fatal = Vec::new();
    let mut used: HashMap<Field, String> = HashMap::new();
    let mut fields: Vec<(usize, Field)> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let letter = column_letter(i);
        let h = h.trim();
        if h.is_empty() {
            out.columns.push(ColumnUse { letter, header: String::new(), field: None });
            continue;
        }
        let field = mapping.field(h);
        match &field {
            Some(f) => {
                if let Some(first) = used.get(f) {
                    fatal.push(SheetError::DuplicateColumn {
                        column: letter.clone(),
                        header: h.to_string(),
                        first: first.clone(),
                        field: f.code(),
                    });
                } else {
                    used.insert(f.clone(), letter.clone());
                    fields.push((i, f.clone()));
                }
            }
            None => out.warnings.push(SheetError::UnknownColumn { column: letter.clone(), header: h.to_string() }),
        }
        out.columns.push(ColumnUse { letter, header: h.to_string(), field });
    }
    for f in Field::REQUIRED {
        if !used.contains_key(&f) {
            fatal.push(SheetError::MissingColumn { field: f.code() });
        }
    }
    if !fatal.is_empty() {
        return Err(fatal);
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, cells) in rows.iter().enumerate().skip(header_idx + 1) {
        let row_no = i + 1;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |col: usize| -> Cell {
            Cell {
                row: row_no,
                column: column_letter(col),
                header: header.get(col).map(|h| h.trim().to_string()).unwrap_or_default(),
                value: cells.get(col).map(|v| v.trim().to_string()).unwrap_or_default(),
            }
        };
        match row::build(&fields, &cell, ctx) {
            Ok((service, key)) => {
                if let Some(&first_row) = seen.get(&key) {
                    out.errors.push(SheetError::DuplicateRow { row: row_no, first_row });
                } else {
                    seen.insert(key, row_no);
                    out.rows.push(SheetRow { row: row_no, service });
                }
            }
            Err(errors) => out.errors.extend(errors),
        }
    }
    Ok(out)
}

/// The folded text two rows must share to be the same service.
pub(crate) fn same_service_key(parts: &[&str]) -> String {
    parts.iter().map(|p| fold(p)).collect::<Vec<_>>().join("\u{1f}")
}

#[cfg(test)]
mod tests;
