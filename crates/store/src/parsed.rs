//! Parsed values of stored texts that never change once published (SOP versions, form
//! versions), kept by their text: the caseload and case pages read the SOPs and forms of their
//! cases at every view, and parsing was most of the cost of reading one. Keyed by the whole text,
//! so two databases holding different texts under the same id and version (tests, a restored
//! copy) never share an entry. Bounded by the number of distinct versions ever read.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

pub struct Parsed<T>(LazyLock<Mutex<HashMap<String, T>>>);

impl<T: Clone> Parsed<T> {
    pub const fn new() -> Self {
        Parsed(LazyLock::new(|| Mutex::new(HashMap::new())))
    }

    /// The value parsed from `text`, parsed now if it was not before (a failure is not kept).
    pub fn get_or_parse<E>(&self, text: String, parse: impl FnOnce(&str) -> Result<T, E>) -> Result<T, E> {
        if let Some(v) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&text) {
            return Ok(v.clone());
        }
        let v = parse(&text)?;
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(text, v.clone());
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_parsed_once_and_a_failure_not_kept() {
        static CACHE: Parsed<usize> = Parsed::new();
        let mut calls = 0;
        let mut parse = |t: &str| -> Result<usize, String> {
            calls += 1;
            if t.is_empty() { Err("empty".into()) } else { Ok(t.len()) }
        };
        assert_eq!(CACHE.get_or_parse("abc".into(), &mut parse), Ok(3));
        assert_eq!(CACHE.get_or_parse("abc".into(), &mut parse), Ok(3));
        assert_eq!(CACHE.get_or_parse("".into(), &mut parse), Err("empty".into()));
        assert_eq!(CACHE.get_or_parse("".into(), &mut parse), Err("empty".into()));
        assert_eq!(calls, 3, "abc once, the failing text each time");
    }
}
