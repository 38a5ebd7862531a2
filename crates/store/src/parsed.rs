//! Published SOP and form versions, parsed once per store: the caseload and case pages read the
//! SOPs and forms of their cases at every view, and reading a version's whole text, parsing it
//! (or copying a parsed one) was most of the cost of a case page. A version never changes once
//! published, so it is known by its id, version and publication time: a page reads those, and
//! the text only the first time. The publication time is part of the key so that a version
//! published in a transaction that was rolled back, then published again with another text,
//! is not mistaken for it. Bounded by the number of distinct versions ever read.

use chrono::{DateTime, Utc};
use passerelle_core::forms::Form;
use passerelle_core::sop::Sop;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What identifies a published version: its id, version and publication time.
pub(crate) type Key = (String, String, DateTime<Utc>);

#[derive(Default)]
pub struct Parsed {
    pub(crate) sops: Cache<Sop>,
    pub(crate) forms: Cache<Form>,
}

pub(crate) struct Cache<T>(Mutex<HashMap<Key, Arc<T>>>);

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Parsed")
    }
}

impl<T> Default for Cache<T> {
    fn default() -> Self {
        Cache(Mutex::new(HashMap::new()))
    }
}

impl<T> Cache<T> {
    pub fn get(&self, key: &Key) -> Option<Arc<T>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }

    /// Keeps a version just parsed and gives it back shared.
    pub fn keep(&self, key: Key, value: T) -> Arc<T> {
        let value = Arc::new(value);
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(key, value.clone());
        value
    }
}
