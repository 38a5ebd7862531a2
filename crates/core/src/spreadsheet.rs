//! CSV files written so that opening them in a spreadsheet runs nothing.
//!
//! A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
//! by Excel and LibreOffice: a name typed as `=HYPERLINK("http://…", "click")` in a form would
//! become a link (or worse, with DDE) in a supervisor's export. Every CSV Passerelle writes goes
//! through [`csv`], which writes such a cell with a leading apostrophe, the spreadsheets' own
//! "this is text" mark. Numbers (`-5`, `+33 1 23 45 67 89`) stay as they are: digits and spaces
//! cannot call anything. XLSX files are safe by construction: `rust_xlsxwriter::write_string`
//! stores a string cell, never a formula.

use std::borrow::Cow;

/// The cell as a spreadsheet will show it as text.
pub fn safe_cell(v: &str) -> Cow<'_, str> {
    // A byte order mark in the first cell would be taken for the file's own and dropped by the
    // spreadsheet, leaving what follows it at the start of the cell.
    let risky = v.trim_start_matches('\u{feff}').starts_with(['=', '+', '-', '@', '\t', '\r']);
    // A signed number or phone number: `+` or `-` then digits, spaces and separators only.
    let number = v.starts_with(['+', '-']) && v.chars().skip(1).all(|c| c.is_ascii_digit() || c == ' ' || c == '.' || c == ',');
    if risky && !number { Cow::Owned(format!("'{v}")) } else { Cow::Borrowed(v) }
}

/// Rows as RFC 4180 CSV (CRLF, quotes where needed), every cell through [`safe_cell`].
pub fn csv<R, C>(rows: impl IntoIterator<Item = R>) -> Vec<u8>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| safe_cell(c.as_ref()).into_owned()).collect();
        // Writing into memory cannot fail: the only errors of a csv writer are I/O errors.
        let _ = w.write_record(&cells);
    }
    w.into_inner().unwrap_or_default()
}

/// [`csv`] preceded by a UTF-8 byte order mark, so that Excel reads accents correctly when the
/// file is opened with a double click (a file meant for people, not for another program).
pub fn csv_for_people<R, C>(rows: impl IntoIterator<Item = R>) -> Vec<u8>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(csv(rows));
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_become_text() {
        for f in ["=1", "@", "\u{feff}=1", "=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\",\"y\")"] {
            assert_eq!(safe_cell(f), format!("'{f}"), "{f:?}");
        }
    }

    #[test]
    fn numbers_and_plain_text_stay() {
        for v in ["-5", "+33 1 23 45 67 89", "-1.5", "Amina", "", "-", "a=b", "3-4"] {
            assert_eq!(safe_cell(v), v, "{v:?}");
        }
    }

    #[test]
    fn quoting_and_line_ends() {
        let out = String::from_utf8(csv([vec!["a,b", "say \"hi\""], vec!["=1", "x"]])).unwrap();
        assert_eq!(out, "\"a,b\",\"say \"\"hi\"\"\"\r\n'=1,x\r\n");
        assert!(csv_for_people([["é"]]).starts_with(&[0xEF, 0xBB, 0xBF]));
    }

    #[test]
    fn a_byte_order_mark_is_kept_with_the_text() {
        // Found by the property below: a mark before an apostrophe, in a cell after the first.
        let bytes = csv([["", "\u{feff}'"], ["\u{feff}=1", "x"]]);
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, ",\u{feff}'\r\n'\u{feff}=1,x\r\n");
    }

    proptest! {
        /// Whatever a person typed, no cell of the file read back starts a formula.
        #[test]
        fn no_cell_read_back_is_a_formula(cells in proptest::collection::vec(".{0,12}", 1..6)) {
            let bytes = csv([cells.clone()]);
            let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes.as_slice());
            for rec in r.records() {
                let rec = rec.unwrap();
                for (cell, typed) in rec.iter().zip(&cells) {
                    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
                    prop_assert!(!formula || cell == typed.as_str(), "{cell:?} from {typed:?}");
                    // What was typed is kept, but for the apostrophe the writer may add and
                    // the byte order mark the reader drops at the start of the file.
                    let text = |s: &str| s.trim_start_matches(['\'', '\u{feff}']).to_string();
                    prop_assert_eq!(text(cell), text(typed));
                }
            }
        }
    }
}
