//! Data minimisation: a referral carries a copy of the fields the referrer chose to share, taken
//! when it is sent, and nothing else. The receiving service reads that copy, never the case, so
//! what it sees cannot grow after the fact and a restricted case shares only what was chosen.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The fields of a person and their case that may be shared, in the order a form shows them.
/// Free text about the situation goes in the referral's own reason, written for the receiver.
pub const SHAREABLE: &[&str] = &[
    "name",
    "sex",
    "age",
    "birth_date",
    "phone",
    "languages",
    "nationality",
    "migration_status",
    "area",
    "risk",
    "case_reference",
];

/// What a referrer offers when nothing was chosen yet: enough to prepare the first contact
/// (who to ask for, in which language), not enough to identify the person if the referral leaks.
pub const DEFAULT_SHARED: &[&str] = &["sex", "age", "languages"];

/// The shared copy: field code → value as the referrer's system had it when sending.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared(pub BTreeMap<String, String>);

impl Shared {
    /// Keeps, of `chosen`, the shareable fields that have a value. Unknown codes are dropped:
    /// a crafted form cannot add a field the list does not name.
    pub fn build(chosen: &[String], value: impl Fn(&str) -> Option<String>) -> Shared {
        let mut out = BTreeMap::new();
        for code in SHAREABLE {
            if chosen.iter().any(|c| c == code) {
                if let Some(v) = value(code).filter(|v| !v.trim().is_empty()) {
                    out.insert((*code).to_string(), v);
                }
            }
        }
        Shared(out)
    }

    pub fn get(&self, code: &str) -> Option<&str> {
        self.0.get(code).map(String::as_str)
    }

    /// The fields in the order of [`SHAREABLE`].
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        SHAREABLE.iter().filter_map(|c| self.get(c).map(|v| (*c, v))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(code: &str) -> Option<String> {
        Some(format!("value of {code}"))
    }

    #[test]
    fn keeps_only_chosen_shareable_fields_with_values() {
        let chosen = vec!["age".to_string(), "phone".into(), "case_notes".into(), "sex".into()];
        let s = Shared::build(&chosen, |c| if c == "phone" { Some("  ".into()) } else { all(c) });
        assert_eq!(s.fields(), vec![("sex", "value of sex"), ("age", "value of age")]);
        assert_eq!(s.get("case_notes"), None, "an unknown field is never copied");
        assert_eq!(s.get("phone"), None, "an empty value is not shared");
    }

    #[test]
    fn nothing_chosen_shares_nothing() {
        assert!(Shared::build(&[], all).0.is_empty());
    }

    #[test]
    fn defaults_are_shareable() {
        assert!(DEFAULT_SHARED.iter().all(|d| SHAREABLE.contains(d)));
    }
}
