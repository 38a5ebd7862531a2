//! Any bytes uploaded as an outreach sheet must give rows or an error, never a panic: the
//! store's `outreach::import::read_rows` is these two readers, and the group cells are read by
//! `outreach::parse_groups`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "panics.rs"]
mod panics;
use passerelle_core::directory::sheet::{csv_rows, xlsx_sheets};
use passerelle_core::outreach::parse_groups;

fuzz_target!(|data: &[u8]| {
    panics::only_uncaught_panics_crash();
    if let Ok((rows, _, _)) = csv_rows(data) {
        for cell in rows.iter().flatten() {
            let _ = parse_groups(cell);
        }
    }
    if let Ok(sheets) = xlsx_sheets(data) {
        for cell in sheets.iter().flat_map(|s| s.rows.iter().flatten()) {
            let _ = parse_groups(cell);
        }
    }
});
