//! Any bytes uploaded as an XLSForm workbook must give a form or a list of errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "panics.rs"]
mod panics;
use passerelle_core::forms::xlsform;

fuzz_target!(|data: &[u8]| {
    panics::only_uncaught_panics_crash();
    let _ = xlsform::read_xlsx(data);
});
