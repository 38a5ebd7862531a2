//! Any text given as an indicator definition, or as an indicator file, must give a definition
//! or an error naming where, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_core::indicators::load_indicators;
use passerelle_core::indicators::plan::Codes;
use passerelle_core::indicators::syntax;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = syntax::parse(text);
    let mut codes = Codes::default();
    codes.sops.insert("child_protection".into());
    codes.steps.insert("assessment".into());
    let _ = load_indicators(&[("fuzz.toml", text)], &codes);
});
