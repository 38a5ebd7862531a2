//! Any text given as an HSDS 3.0 document must give a dataset (with its unreadable records) or
//! a list of errors, and its import preview must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_core::directory::hsds::parse_dataset;
use passerelle_core::directory::import::{Vocabulary, preview};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(dataset) = parse_dataset(text) {
        let _ = preview(&Default::default(), &dataset, Vocabulary::builtin());
    }
});
