//! Shared by the targets that reach calamine. libfuzzer-sys installs a panic hook that aborts
//! at once, even for a panic the parser catches on purpose (`calamine_guard`, which turns a
//! calamine panic on a damaged workbook into an error). Back to the default hook, a caught
//! panic is what the server sees: an error; an uncaught one still reaches libfuzzer-sys's own
//! `catch_unwind` around the target, which aborts, so it is still reported as a crash.
pub fn only_uncaught_panics_crash() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| drop(std::panic::take_hook()));
}
