//! Record matching: is this person already registered?
//!
//! Used for duplicate detection at registration and on demand, and by the fuzzy person search.
//! The flow is the classic one of record linkage:
//! - [`normalise`] turns names typed in French, English, Spanish, Kreyòl or Arabic (either
//!   script) into comparable tokens;
//! - [`keys`] gives each person a few short blocking keys (stored in an indexed table
//!   `person_match_key(person_id, key)`); candidates are the people sharing a key, so a check
//!   never scans the whole register;
//! - [`score`] compares two people field by field and says why (the reasons a caseworker sees);
//! - [`generator`] makes fictional people with known duplicates, and [`evaluate`] measures
//!   precision and recall on them.
//!
//! Records are first turned into a [`PreparedPerson`] (normalised once), which both keys and
//! scoring read.

pub mod evaluate;
pub mod generator;
pub mod keys;
pub mod normalise;
pub mod score;
mod tables;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub use normalise::NameToken;
pub use score::{MatchBand, MatchScore, NameFrequencies, Probe, Reason, Thresholds, score};
pub use tables::{MatchTables, TablesError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
}

/// What is known of a date of birth. Many people have no papers: an age given at interview
/// becomes an estimated year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BirthDate {
    Exact(NaiveDate),
    EstimatedYear(i32),
}

impl BirthDate {
    /// The estimated year of birth of someone who says they are `age` on `on`.
    pub fn from_age(age: u32, on: NaiveDate) -> BirthDate {
        BirthDate::EstimatedYear(on.year() - age as i32)
    }

    pub fn year(&self) -> i32 {
        match self {
            BirthDate::Exact(d) => d.year(),
            BirthDate::EstimatedYear(y) => *y,
        }
    }
}

/// The fields of a person that matching uses, as registered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub given_names: String,
    pub family_names: String,
    /// Aliases and other names the person is known by, each a full name.
    pub other_names: Vec<String>,
    pub sex: Option<Sex>,
    pub birth: Option<BirthDate>,
    /// ISO 3166-1 code.
    pub nationality: Option<String>,
    pub phone: Option<String>,
    /// Identity document or registration number (passport, UNHCR, national id).
    pub external_id: Option<String>,
}

/// A person normalised once for keys and scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPerson {
    pub given: Vec<NameToken>,
    pub family: Vec<NameToken>,
    /// One token list per alias.
    pub aliases: Vec<Vec<NameToken>>,
    pub sex: Option<Sex>,
    pub birth: Option<BirthDate>,
    pub nationality: Option<String>,
    /// Last 8 digits.
    pub phone: Option<String>,
    pub external_id: Option<String>,
}

/// Names beyond this many tokens add keys and comparisons but no evidence.
pub(crate) const MAX_TOKENS: usize = 6;

impl PreparedPerson {
    pub fn new(record: &PersonRecord, tables: &MatchTables) -> PreparedPerson {
        let cap = |mut v: Vec<NameToken>| {
            v.truncate(MAX_TOKENS);
            v
        };
        PreparedPerson {
            given: cap(normalise::name_tokens(&record.given_names, tables)),
            family: cap(normalise::name_tokens(&record.family_names, tables)),
            aliases: record
                .other_names
                .iter()
                .map(|a| cap(normalise::name_tokens(a, tables)))
                .filter(|a| !a.is_empty())
                .collect(),
            sex: record.sex,
            birth: record.birth,
            nationality: record.nationality.as_deref().and_then(normalise::nationality),
            phone: record.phone.as_deref().and_then(normalise::phone_digits),
            external_id: record.external_id.as_deref().and_then(normalise::external_id),
        }
    }

    /// Given then family tokens: the person's main name.
    pub fn name(&self) -> impl Iterator<Item = &NameToken> {
        self.given.iter().chain(self.family.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_becomes_estimated_year() {
        let on = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(BirthDate::from_age(30, on), BirthDate::EstimatedYear(1996));
        assert_eq!(BirthDate::Exact(on).year(), 2026);
    }

    #[test]
    fn prepared_person_normalises_every_field() {
        let r = PersonRecord {
            given_names: "Jean-Baptiste".into(),
            family_names: "Saint-Fleur".into(),
            other_names: vec!["Ti-Jean".into(), "  ".into()],
            sex: Some(Sex::Male),
            birth: None,
            nationality: Some("hti".into()),
            phone: Some("+509 3712-3456".into()),
            external_id: Some("ab 12".into()),
        };
        let p = PreparedPerson::new(&r, MatchTables::builtin());
        assert_eq!(p.given.len(), 2);
        assert_eq!(p.family.len(), 2);
        assert_eq!(p.aliases.len(), 1, "blank alias dropped");
        assert_eq!(p.nationality.as_deref(), Some("HTI"));
        assert_eq!(p.phone.as_deref(), Some("37123456"));
        assert_eq!(p.external_id.as_deref(), Some("AB12"));
        assert_eq!(p.name().count(), 4);
    }

    #[test]
    fn very_long_names_are_capped() {
        let r = PersonRecord { given_names: "a b c d e f g h i".into(), ..Default::default() };
        let p = PreparedPerson::new(&r, MatchTables::builtin());
        assert_eq!(p.given.len(), MAX_TOKENS);
    }
}
