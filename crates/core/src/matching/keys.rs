//! Blocking keys: short strings the store indexes in `person_match_key(person_id, key)`, so
//! that finding candidates is an index look-up, never a scan of the register.
//!
//! Every name token gets a *sound key*: its canonical form (after [`super::normalise`]) reduced
//! to its first letter (any vowel written `a`) and its following consonants, `h` dropped,
//! at most [`SOUND_KEY_LEN`] letters. We use this consonant skeleton rather than Double
//! Metaphone because names typed in Arabic script carry no short vowels ("mhmd"), and
//! Metaphone's rules for `h` then split them from "Mohamed"; the skeleton treats both alike,
//! and the folding rules have already done the language-specific work Metaphone would do.
//!
//! Kinds of key (the prefix says which):
//! - `n:<sound>`: one name token. For the free-text search only: too common to block on.
//! - `i:<sound>.<initial>`: a name token with the first letter of the sound key of another
//!   token of the same name, in both orders, so transposed given/family names and a typo in
//!   one of two names still share a key.
//! - `y:<sound>:<bucket>`: a name token with a 5-year bucket of the birth year; a year is put
//!   in the buckets of year-2 and year+2, so years up to 4 apart share one (estimated ages).
//! - `t:<last 8 digits>`: the phone number. `x:<id>`: the external id.
//!
//! Nicknames get keys for the full names they stand for too ("Bob" also keys as "Robert").
//! Duplicate detection uses [`duplicate_keys`] (everything but `n:`); the person search uses
//! [`query_keys`] and ranks people by how many keys they share with the query.

use std::collections::BTreeSet;

use super::{MAX_TOKENS, MatchTables, NameToken, PreparedPerson, normalise};

/// Length of a sound key: long enough to keep blocks small, short enough that a typo late in
/// a long name still shares the key.
pub const SOUND_KEY_LEN: usize = 5;

/// The sound key of one canonical token.
pub fn sound_key(canonical: &str) -> String {
    let mut out = String::with_capacity(SOUND_KEY_LEN);
    for (i, c) in canonical.chars().enumerate() {
        if out.chars().count() >= SOUND_KEY_LEN {
            break;
        }
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
        if i == 0 {
            out.push(if vowel { 'a' } else { c });
        } else if !vowel && c != 'h' {
            out.push(c);
        }
    }
    out
}

/// The sound keys a token answers to: its own, and those of the names it is a nickname of.
fn token_sounds(t: &NameToken) -> Vec<String> {
    let mut v = vec![sound_key(&t.canonical)];
    for full in &t.nickname_of {
        let k = sound_key(full);
        if !v.contains(&k) {
            v.push(k);
        }
    }
    v
}

fn name_keys(tokens: &[&NameToken], birth_buckets: &[i32], out: &mut BTreeSet<String>) {
    let sounds: Vec<Vec<String>> = tokens.iter().take(MAX_TOKENS).map(|t| token_sounds(t)).collect();
    for (i, si) in sounds.iter().enumerate() {
        for s in si {
            if s.is_empty() {
                continue;
            }
            out.insert(format!("n:{s}"));
            for b in birth_buckets {
                out.insert(format!("y:{s}:{b}"));
            }
            for (j, sj) in sounds.iter().enumerate() {
                if i == j {
                    continue;
                }
                for o in sj {
                    if let Some(initial) = o.chars().next() {
                        out.insert(format!("i:{s}.{initial}"));
                    }
                }
            }
        }
    }
}

fn birth_buckets(p: &PreparedPerson) -> Vec<i32> {
    match p.birth {
        Some(b) => {
            let y = b.year();
            let lo = (y - 2).div_euclid(5);
            let hi = (y + 2).div_euclid(5);
            if lo == hi { vec![lo] } else { vec![lo, hi] }
        }
        None => Vec::new(),
    }
}

/// Every key of a person: what the store writes to `person_match_key`. Sorted, no repeats.
pub fn person_keys(p: &PreparedPerson) -> Vec<String> {
    let mut out = BTreeSet::new();
    let buckets = birth_buckets(p);
    let main: Vec<&NameToken> = p.name().collect();
    name_keys(&main, &buckets, &mut out);
    for alias in &p.aliases {
        let a: Vec<&NameToken> = alias.iter().collect();
        name_keys(&a, &buckets, &mut out);
    }
    if let Some(t) = &p.phone {
        out.insert(format!("t:{t}"));
    }
    if let Some(x) = &p.external_id {
        out.insert(format!("x:{x}"));
    }
    out.into_iter().collect()
}

/// The keys to look up when checking a person for duplicates: all but the single-token
/// `n:` keys, whose blocks ("every Mohamed") are too large to compare one by one.
pub fn duplicate_keys(p: &PreparedPerson) -> Vec<String> {
    person_keys(p).into_iter().filter(|k| is_duplicate_key(k)).collect()
}

/// Whether one of a person's [`person_keys`] is among their [`duplicate_keys`].
pub fn is_duplicate_key(key: &str) -> bool {
    !key.starts_with("n:")
}

/// Keys for a free-text search ("mohamed benali", "ti jean"). People sharing more of them
/// rank higher; a one-word query can only use `n:` keys.
pub fn query_keys(query: &str, tables: &MatchTables) -> Vec<String> {
    let tokens = normalise::name_tokens(query, tables);
    let refs: Vec<&NameToken> = tokens.iter().collect();
    let mut out = BTreeSet::new();
    name_keys(&refs, &[], &mut out);
    if let Some(t) = normalise::phone_digits(query) {
        out.insert(format!("t:{t}"));
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::{BirthDate, PersonRecord};

    fn prep(given: &str, family: &str, year: Option<i32>) -> PreparedPerson {
        let r = PersonRecord {
            given_names: given.into(),
            family_names: family.into(),
            birth: year.map(BirthDate::EstimatedYear),
            ..Default::default()
        };
        PreparedPerson::new(&r, MatchTables::builtin())
    }

    fn shared(a: &PreparedPerson, b: &PreparedPerson) -> Vec<String> {
        let kb = duplicate_keys(b);
        duplicate_keys(a).into_iter().filter(|k| kb.contains(k)).collect()
    }

    #[test]
    fn sound_key_keeps_first_letter_and_consonants() {
        assert_eq!(sound_key("mohamed"), "mmd");
        assert_eq!(sound_key("mhmd"), "mmd");
        assert_eq!(sound_key("omar"), "amr");
        assert_eq!(sound_key("amr"), "amr");
        assert_eq!(sound_key("bartolomeus"), "brtlm");
        assert_eq!(sound_key(""), "");
    }

    #[test]
    fn arabic_script_and_latin_share_keys() {
        let a = prep("Mohamed", "Benali", Some(1990));
        let b = prep("محمد", "بن علي", None);
        assert!(!shared(&a, &b).is_empty());
    }

    #[test]
    fn transposed_names_share_keys() {
        let a = prep("Khaled", "Mansour", None);
        let b = prep("Mansour", "Khaled", None);
        assert!(shared(&a, &b).iter().any(|k| k.starts_with("i:")));
    }

    #[test]
    fn a_typo_in_one_name_keeps_a_key() {
        let a = prep("Nathalie", "Dorvil", None);
        let b = prep("Nathalie", "Dorvik", None);
        assert!(!shared(&a, &b).is_empty());
    }

    #[test]
    fn nickname_keys_as_full_name() {
        let a = prep("Robert", "Smith", Some(1980));
        let b = prep("Bob", "Smyth", None);
        assert!(shared(&a, &b).iter().any(|k| k.starts_with("i:")), "{:?}", shared(&a, &b));
    }

    #[test]
    fn years_four_apart_share_a_bucket_and_ten_do_not() {
        let a = prep("Zzyx", "Qqrt", Some(2000));
        assert!(shared(&a, &prep("Zzyx", "Xxv", Some(2004))).iter().any(|k| k.starts_with("y:")));
        assert!(shared(&a, &prep("Zzyx", "Xxv", Some(1996))).iter().any(|k| k.starts_with("y:")));
        assert!(!shared(&a, &prep("Zzyx", "Xxv", Some(2010))).iter().any(|k| k.starts_with("y:")));
    }

    #[test]
    fn different_people_share_no_key() {
        let a = prep("Fatima", "Benali", Some(1990));
        let b = prep("Pierre", "Dorvil", Some(1990));
        assert!(shared(&a, &b).is_empty());
    }

    #[test]
    fn phone_and_id_are_keys_and_n_keys_are_search_only() {
        let r = PersonRecord {
            given_names: "Rose".into(),
            family_names: "Jean".into(),
            phone: Some("+509 3712 3456".into()),
            external_id: Some("HT-99".into()),
            ..Default::default()
        };
        let p = PreparedPerson::new(&r, MatchTables::builtin());
        let all = person_keys(&p);
        assert!(all.contains(&"t:37123456".to_string()));
        assert!(all.contains(&"x:HT99".to_string()));
        assert!(all.iter().any(|k| k.starts_with("n:")));
        assert!(!duplicate_keys(&p).iter().any(|k| k.starts_with("n:")));
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, all);
    }

    #[test]
    fn query_keys_match_person_keys() {
        let p = prep("Jean", "Pierre-Louis", Some(1975));
        let all = person_keys(&p);
        let q = query_keys("jan pierre louis", MatchTables::builtin());
        assert!(q.iter().filter(|k| all.contains(k)).count() >= 3, "{q:?} / {all:?}");
        assert!(query_keys("Dorvil", MatchTables::builtin()).contains(&format!("n:{}", sound_key("dorbil"))));
        assert!(query_keys("call 3712 3456", MatchTables::builtin()).contains(&"t:37123456".to_string()));
    }
}
