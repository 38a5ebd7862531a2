//! Any bytes given as a survey CSV, or as pyxform's single-file CSV, must give a form or a
//! list of errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_core::forms::xlsform;

const SETTINGS: &[u8] = b"form_id\nfuzz\n";

fuzz_target!(|data: &[u8]| {
    let _ = xlsform::read_csv(data, None, Some(SETTINGS));
    let _ = xlsform::read_single_csv(data);
});
