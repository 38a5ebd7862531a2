//! Turns a workbook or CSV files into plain tables of trimmed text, remembering the row number
//! each line had in the spreadsheet so that every message can point at it.

use super::{FormError, FormErrorKind, FormWarning};
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// One sheet: its header and data rows, empty rows left out.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    pub sheet: String,
    /// Row number of the header (1-based), 0 when the sheet is empty.
    pub header_row: u32,
    /// Header cells by 0-based column index; empty headers are left out.
    pub columns: Vec<(usize, String)>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub(super) struct Row {
    /// 1-based, as the spreadsheet numbers it.
    pub number: u32,
    pub cells: Vec<String>,
}

impl Table {
    /// Row number of the header, if the sheet has one.
    pub fn header(&self) -> Option<u32> {
        (self.header_row > 0).then_some(self.header_row)
    }
}

impl Row {
    pub fn get(&self, col: usize) -> &str {
        self.cells.get(col).map(String::as_str).unwrap_or("")
    }
}

/// The three sheets of an XLSForm, as far as they exist.
#[derive(Debug, Default)]
pub(super) struct Sheets {
    pub survey: Option<Table>,
    pub choices: Option<Table>,
    pub settings: Option<Table>,
}

impl Sheets {
    /// Files a table under its sheet name; other sheets are reported, not silently dropped.
    fn put(&mut self, name: &str, rows: Vec<Row>, warnings: &mut Vec<FormWarning>) {
        let key = name.trim().to_lowercase();
        let slot = match key.as_str() {
            "survey" => &mut self.survey,
            "choices" => &mut self.choices,
            "settings" => &mut self.settings,
            _ => {
                warnings.push(FormWarning {
                    sheet: name.to_string(),
                    row: None,
                    column: None,
                    code: "unknown-sheet",
                    message: format!("sheet '{name}' is not part of XLSForm and is not read"),
                });
                return;
            }
        };
        *slot = Some(table(&key, rows));
    }
}

/// Splits rows into header (the first non-empty row) and data rows.
fn table(sheet: &str, rows: Vec<Row>) -> Table {
    let mut rows = rows
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.is_empty()));
    let (header_row, columns) = rows
        .next()
        .map(|h| {
            (
                h.number,
                h.cells
                    .into_iter()
                    .enumerate()
                    .filter(|(_, c)| !c.is_empty())
                    .collect(),
            )
        })
        .unwrap_or_default();
    Table {
        sheet: sheet.to_string(),
        header_row,
        columns,
        rows: rows.collect(),
    }
}

/// Serial day 0 of Excel's 1900 date system (it counts a 29 February 1900 that never was,
/// which this epoch absorbs for every date after March 1900).
fn excel_epoch() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => super::super::expr::format_number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            let millis = (serial * 86_400_000.0).round();
            if !millis.is_finite() || millis.abs() > 1e15 {
                return Err(format!("date serial {serial} is out of range"));
            }
            let when = excel_epoch() + chrono::Duration::milliseconds(millis as i64);
            if dt.is_duration() || serial < 1.0 {
                when.format("%H:%M:%S").to_string()
            } else if serial.fract() == 0.0 {
                when.format("%Y-%m-%d").to_string()
            } else {
                when.format("%Y-%m-%dT%H:%M:%S").to_string()
            }
        }
        Data::Error(e) => return Err(format!("the cell holds the spreadsheet error {e}")),
    })
}

/// Reads the sheets of an `.xlsx` workbook held in memory.
pub(super) fn from_xlsx(
    bytes: &[u8],
    warnings: &mut Vec<FormWarning>,
) -> Result<Sheets, Vec<FormError>> {
    let mut sheets = Sheets::default();
    for (name, rows) in xlsx_rows(bytes)? {
        sheets.put(&name, rows, warnings);
    }
    Ok(sheets)
}

/// Every sheet of a workbook as rows of text, in workbook order (a panic inside calamine is
/// a damaged workbook: see [`crate::directory::sheet::calamine_guard`]).
pub(super) fn xlsx_rows(bytes: &[u8]) -> Result<Vec<(String, Vec<Row>)>, Vec<FormError>> {
    crate::directory::sheet::calamine_guard(|| read_xlsx_rows(bytes)).unwrap_or_else(|| {
        Err(vec![FormError::new(
            "",
            None,
            None,
            FormErrorKind::Unreadable("not a readable .xlsx workbook: a cell reference cannot be read".into()),
        )])
    })
}

fn read_xlsx_rows(bytes: &[u8]) -> Result<Vec<(String, Vec<Row>)>, Vec<FormError>> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        vec![FormError::new(
            "",
            None,
            None,
            FormErrorKind::Unreadable(format!("not a readable .xlsx workbook: {e}")),
        )]
    })?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for name in book.sheet_names() {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                errors.push(FormError::new(
                    &name,
                    None,
                    None,
                    FormErrorKind::Unreadable(e.to_string()),
                ));
                continue;
            }
        };
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        for (i, cells) in range.rows().enumerate() {
            let number = row0 + i as u32 + 1;
            let mut texts = vec![String::new(); col0 as usize];
            for (j, cell) in cells.iter().enumerate() {
                match cell_text(cell) {
                    Ok(t) => texts.push(t),
                    Err(msg) => {
                        errors.push(FormError::new(
                            &name,
                            Some(number),
                            Some(((col0 as usize) + j, String::new())),
                            FormErrorKind::CellError(msg),
                        ));
                        texts.push(String::new());
                    }
                }
            }
            rows.push(Row {
                number,
                cells: texts,
            });
        }
        out.push((name, rows));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Writes rows as CSV so that each keeps its spreadsheet row number when read back: rows the
/// sheet skipped become records holding one empty cell.
pub(super) fn rows_to_csv(rows: &[Row]) -> String {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut next = 1;
    for row in rows {
        while next < row.number {
            // Writing can only fail on I/O, and this writer is memory.
            let _ = w.write_record([""]);
            next += 1;
        }
        let _ = w.write_record(if row.cells.is_empty() { vec![String::new()] } else { row.cells.clone() });
        next += 1;
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn csv_rows(sheet: &str, bytes: &[u8]) -> Result<Vec<Row>, Box<FormError>> {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let row = e.position().map(|p| p.line() as u32);
            Box::new(FormError::new(
                sheet,
                row,
                None,
                FormErrorKind::Unreadable(format!("not readable as UTF-8 CSV: {e}")),
            ))
        })?;
        // The n-th record is the spreadsheet's row n: counting records, not lines, stays right
        // with CRLF endings (the csv crate reports the previous line for them) and with quoted
        // cells that hold line breaks.
        let number = rows.len() as u32 + 1;
        rows.push(Row {
            number,
            cells: record.iter().map(|c| c.trim().to_string()).collect(),
        });
    }
    Ok(rows)
}

/// One CSV per sheet, as exported from a spreadsheet.
pub(super) fn from_csv(
    survey: &[u8],
    choices: Option<&[u8]>,
    settings: Option<&[u8]>,
    warnings: &mut Vec<FormWarning>,
) -> Result<Sheets, Vec<FormError>> {
    let mut sheets = Sheets::default();
    let mut errors = Vec::new();
    for (name, bytes) in [
        ("survey", Some(survey)),
        ("choices", choices),
        ("settings", settings),
    ] {
        let Some(bytes) = bytes else { continue };
        match csv_rows(name, bytes) {
            Ok(rows) => sheets.put(name, rows, warnings),
            Err(e) => errors.push(*e),
        }
    }
    if errors.is_empty() {
        Ok(sheets)
    } else {
        Err(errors)
    }
}

/// pyxform's single-file CSV: a row whose first cell names a sheet starts that sheet; every
/// other row leaves the first cell empty and carries the sheet's header, then its data.
pub(super) fn from_single_csv(
    bytes: &[u8],
    warnings: &mut Vec<FormWarning>,
) -> Result<Sheets, Vec<FormError>> {
    let rows = csv_rows("csv", bytes).map_err(|e| vec![*e])?;
    let mut sheets = Sheets::default();
    let mut current: Option<(String, Vec<Row>)> = None;
    let mut errors = Vec::new();
    for row in rows {
        let first = row.get(0).to_string();
        let content = Row {
            number: row.number,
            cells: row.cells.iter().skip(1).cloned().collect(),
        };
        if !first.is_empty() {
            if let Some((name, rows)) = current.take() {
                sheets.put(&name, rows, warnings);
            }
            current = Some((first, Vec::new()));
        }
        match current.as_mut() {
            Some((_, rows)) => rows.push(content),
            None if content.cells.iter().any(|c| !c.is_empty()) => errors.push(FormError::new(
                "csv",
                Some(row.number),
                Some((0, String::new())),
                FormErrorKind::Unreadable(
                    "the first cell must name the sheet (survey, choices, settings)".into(),
                ),
            )),
            None => {}
        }
    }
    if let Some((name, rows)) = current.take() {
        sheets.put(&name, rows, warnings);
    }
    if errors.is_empty() {
        Ok(sheets)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_spreadsheet_rows_with_crlf_and_multiline_cells() {
        let mut w = Vec::new();
        let s = from_csv(b"type,name,label\r\ntext,a,\"two\r\nlines\"\r\ntext,b,B\r\n", None, None, &mut w).unwrap();
        let t = s.survey.unwrap();
        assert_eq!(t.rows.iter().map(|r| r.number).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn header_is_the_first_non_empty_row_and_blank_rows_are_skipped() {
        let mut w = Vec::new();
        let s = from_csv(b",,\ntype,name,label\n,,\ntext,a,A\n", None, None, &mut w).unwrap();
        let t = s.survey.unwrap();
        assert_eq!(
            t.columns,
            vec![(0, "type".into()), (1, "name".into()), (2, "label".into())]
        );
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].number, 4, "rows keep their spreadsheet numbers");
        assert_eq!(t.rows[0].get(1), "a");
        assert_eq!(t.rows[0].get(9), "");
    }

    #[test]
    fn csv_bom_quotes_and_ragged_rows() {
        let mut w = Vec::new();
        let s = from_csv(
            b"\xEF\xBB\xBFtype,name,label\r\ntext,a,\"A, b\"\r\nnote,n\r\n",
            None,
            None,
            &mut w,
        )
        .unwrap();
        let t = s.survey.unwrap();
        assert_eq!(t.columns[0].1, "type");
        assert_eq!(t.rows[0].get(2), "A, b");
        assert_eq!(t.rows[1].get(2), "");
    }

    #[test]
    fn invalid_utf8_is_an_error_with_its_row() {
        let mut w = Vec::new();
        let e = from_csv(b"type,name\ntext,\xff\xfe\n", None, None, &mut w).unwrap_err();
        assert_eq!(e[0].code(), "unreadable");
        assert_eq!(e[0].row, Some(2));
    }

    #[test]
    fn single_file_layout_with_headers_on_the_sheet_row_or_below() {
        let src = b"survey,type,name,label\n,text,a,A\nchoices,,,\n,list_name,name,label\n,yn,yes,Yes\nsettings\n,form_id\n,f1\n";
        let mut w = Vec::new();
        let s = from_single_csv(src, &mut w).unwrap();
        let survey = s.survey.unwrap();
        assert_eq!(survey.columns[1].1, "name");
        assert_eq!(survey.rows[0].get(1), "a");
        assert_eq!(survey.rows[0].number, 2);
        let choices = s.choices.unwrap();
        assert_eq!(choices.columns[0].1, "list_name");
        assert_eq!(choices.rows[0].get(1), "yes");
        assert_eq!(s.settings.unwrap().rows[0].get(0), "f1");
        assert!(w.is_empty());
    }

    #[test]
    fn single_file_content_before_any_sheet_name_is_an_error() {
        let mut w = Vec::new();
        let e = from_single_csv(b",type,name\nsurvey\n", &mut w).unwrap_err();
        assert_eq!((e[0].row, e[0].code()), (Some(1), "unreadable"));
    }

    #[test]
    fn unknown_sheets_are_warned_about() {
        let mut w = Vec::new();
        from_single_csv(b"notes,x\n,y\n", &mut w).unwrap();
        assert_eq!(w[0].code, "unknown-sheet");
    }

    #[test]
    fn cells_become_text() {
        assert_eq!(cell_text(&Data::Float(2.0)).unwrap(), "2");
        assert_eq!(cell_text(&Data::Float(2.5)).unwrap(), "2.5");
        assert_eq!(cell_text(&Data::Int(7)).unwrap(), "7");
        assert_eq!(cell_text(&Data::Bool(true)).unwrap(), "true");
        assert_eq!(cell_text(&Data::String("  x ".into())).unwrap(), "x");
        let date =
            calamine::ExcelDateTime::new(45366.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)).unwrap(), "2024-03-15");
        let dt =
            calamine::ExcelDateTime::new(45366.5, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(dt)).unwrap(),
            "2024-03-15T12:00:00"
        );
        assert!(cell_text(&Data::Error(calamine::CellErrorType::Ref)).is_err());
    }
}
