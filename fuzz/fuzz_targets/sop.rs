//! Any text given as an SOP file (TOML with steps, deadlines and referral conditions) must give
//! an SOP or diagnostics with a line and column, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_core::sop::{Known, load};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = load("fuzz.toml", text, &Known::default());
});
