//! Any bytes uploaded as a people sheet (CSV in any encoding and separator, or XLSX) must give
//! rows or a list of errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "panics.rs"]
mod panics;
use passerelle_core::people_sheet;

fuzz_target!(|data: &[u8]| {
    panics::only_uncaught_panics_crash();
    let _ = people_sheet::read(data);
    // The same bytes behind a workbook signature reach the XLSX reader too.
    if !data.starts_with(b"PK\x03\x04") {
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend_from_slice(data);
        let _ = people_sheet::read(&zipped);
    }
});
