//! Any text must parse to an expression or an error, and evaluating what parses must not
//! panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_core::forms::expr::{Expression, SimpleContext};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let Ok(expr) = Expression::parse(src) else { return };
    let now = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .unwrap_or_default();
    let ctx = SimpleContext::new(now).with("a", "12").with("b", "x y").with("d", "2024-02-29");
    let _ = expr.eval(&ctx);
    let _ = expr.references();
});
