//! From names as people type them to tokens that compare well across languages and scripts.
//!
//! Three stages, each kept apart because the tables need the first two:
//! 1. [`fold_text`]: Unicode NFKD, diacritics stripped, Arabic script transliterated by table,
//!    case folded, apostrophes glued ("N'Diaye" = "Ndiaye"), other punctuation made a space.
//! 2. [`fold_tokens`]: split into tokens, glue joiners to what follows ("Abd el Kader" =
//!    "Abdelkader", "Ti-Jean" = "Tijean"), drop particles ("El", "de la").
//! 3. [`skeleton`]: the ordered rewrite rules of `folding.toml` (ou/u, ch/sh, dj/j, kh/h, ...),
//!    doubled letters collapsed, final `e` dropped; then [`MatchTables::canonical`] maps a
//!    listed spelling to the first spelling of its variant group.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::tables::{Anchor, Folding, MatchTables};

/// One name token ready for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameToken {
    /// Folded form (stage 2), as the caseworker would recognise it.
    pub folded: String,
    /// Skeleton mapped to its variant group: equal canonicals mean "same name".
    pub canonical: String,
    /// The token was written in Arabic script, so its short vowels are unknown.
    pub arabic: bool,
    /// When the token is a known nickname: the canonical full names it stands for.
    pub nickname_of: Vec<String>,
}

/// Stage 1. Returns the folded text and whether any Arabic letter was transliterated.
pub(crate) fn fold_text(text: &str, folding: &Folding) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut arabic = false;
    let article: Vec<char> = folding.article.chars().collect();
    for word in text.split_whitespace() {
        out.push(' ');
        let chars: Vec<char> = word.nfkd().filter(|c| !is_combining_mark(*c)).collect();
        // The Arabic article is written apart so that it is dropped as a particle, like "El".
        let start = if !article.is_empty()
            && chars.len() > article.len() + 1
            && chars.starts_with(&article)
        {
            out.push_str("al ");
            arabic = true;
            article.len()
        } else {
            0
        };
        for &c in &chars[start..] {
            if let Some(latin) = folding.arabic.get(&c) {
                out.push_str(latin);
                arabic = true;
            } else if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if matches!(c, '\'' | '’' | 'ʼ' | '`' | '´' | 'ʻ') {
                // Glued: N'Diaye and Ndiaye, O'Brien and OBrien are one spelling.
            } else if let Some(d) = eastern_digit(c) {
                out.push(d);
            } else if c.is_alphanumeric() {
                match c {
                    'ß' => out.push_str("ss"),
                    'æ' | 'Æ' => out.push_str("ae"),
                    'œ' | 'Œ' => out.push_str("oe"),
                    'ø' | 'Ø' => out.push('o'),
                    'ł' | 'Ł' => out.push('l'),
                    'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
                    'þ' | 'Þ' => out.push_str("th"),
                    'ı' => out.push('i'),
                    // Scripts without a table (Cyrillic, Ge'ez, ...) are kept, case-folded:
                    // they still match themselves exactly.
                    _ => out.extend(c.to_lowercase()),
                }
            } else {
                out.push(' ');
            }
        }
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    (collapsed, arabic)
}

fn eastern_digit(c: char) -> Option<char> {
    let d = match c {
        '\u{0660}'..='\u{0669}' => c as u32 - 0x0660,
        '\u{06F0}'..='\u{06F9}' => c as u32 - 0x06F0,
        _ => return None,
    };
    char::from_digit(d, 10)
}

/// Stage 2. Tokens of one name field, with joiners glued and particles dropped (unless the
/// field has nothing but particles, which then stay).
pub(crate) fn fold_tokens(text: &str, folding: &Folding) -> (Vec<String>, bool) {
    let (folded, arabic) = fold_text(text, folding);
    let raw: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let mut glued: Vec<String> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let t = raw[i];
        if folding.joiners.contains(t) {
            let next = (i + 1..raw.len()).find(|&j| !folding.particles.contains(raw[j]));
            if let Some(j) = next {
                glued.push(raw[i..=j].concat());
                i = j + 1;
                continue;
            }
        }
        glued.push(t.to_string());
        i += 1;
    }
    let kept: Vec<String> =
        glued.iter().filter(|t| !folding.particles.contains(t.as_str())).cloned().collect();
    if kept.is_empty() { (glued, arabic) } else { (kept, arabic) }
}

/// Stage 3 for one folded token: rewrite rules, doubled letters collapsed, final `e` dropped.
pub(crate) fn skeleton(token: &str, folding: &Folding) -> String {
    let mut s = token.to_string();
    for rule in &folding.rules {
        match rule.anchor {
            Anchor::Anywhere => {
                if s.contains(rule.from.as_str()) {
                    s = s.replace(rule.from.as_str(), &rule.to);
                }
            }
            Anchor::Start => {
                if let Some(rest) = s.strip_prefix(rule.from.as_str()) {
                    s = format!("{}{}", rule.to, rest);
                }
            }
            Anchor::End => {
                if let Some(rest) = s.strip_suffix(rule.from.as_str()) {
                    s = format!("{}{}", rest, rule.to);
                }
            }
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut prev = None;
    for c in s.chars() {
        if prev != Some(c) {
            out.push(c);
        }
        prev = Some(c);
    }
    // Silent final e (Marie/Mari, Yacine/Yasin), but keep it in short names (Abe, Ode).
    if out.len() > 3 && out.ends_with('e') {
        out.pop();
    }
    out
}

/// Folded text (stage 1), e.g. for display of what was compared.
pub fn fold(text: &str, tables: &MatchTables) -> String {
    fold_text(text, &tables.folding).0
}

/// The canonical forms of the tokens of a name: what [`name_tokens`] compares.
pub fn canonical_tokens(text: &str, tables: &MatchTables) -> Vec<String> {
    name_tokens(text, tables).into_iter().map(|t| t.canonical).collect()
}

/// The tokens of one name field (given names, family names, or one alias).
pub fn name_tokens(text: &str, tables: &MatchTables) -> Vec<NameToken> {
    let (tokens, arabic) = fold_tokens(text, &tables.folding);
    tokens
        .into_iter()
        .map(|folded| {
            let canonical = tables.canonical(&skeleton(&folded, &tables.folding));
            let nickname_of = tables.nicknames.get(&canonical).cloned().unwrap_or_default();
            NameToken { folded, canonical, arabic, nickname_of }
        })
        .collect()
}

/// The letters of a canonical token without vowels: how unvocalised Arabic script and Latin
/// spellings of one name meet ("mhmd" and "mohamed").
pub fn consonants(canonical: &str) -> String {
    canonical.chars().filter(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')).collect()
}

/// The last 8 digits of a phone number (Arabic-Indic digits count), so that country codes and
/// trunk prefixes written or not still match; `None` when fewer than 7 digits were given.
pub fn phone_digits(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone
        .chars()
        .filter_map(|c| if c.is_ascii_digit() { Some(c) } else { eastern_digit(c) })
        .collect();
    if digits.len() < 7 {
        return None;
    }
    Some(digits[digits.len().saturating_sub(8)..].iter().collect())
}

/// An identity document or registration number: letters and digits only, upper-case.
pub fn external_id(id: &str) -> Option<String> {
    let s: String = id.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
    if s.is_empty() { None } else { Some(s) }
}

/// A nationality code, trimmed and upper-case (ISO 3166-1 codes are expected).
pub fn nationality(code: &str) -> Option<String> {
    let s = code.trim().to_uppercase();
    if s.is_empty() { None } else { Some(s) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> &'static MatchTables {
        MatchTables::builtin()
    }

    fn canon(s: &str) -> Vec<String> {
        name_tokens(s, t()).into_iter().map(|n| n.canonical).collect()
    }

    #[test]
    fn accents_case_and_punctuation_fold() {
        assert_eq!(fold_text("  Hélène  JOSÉ-María ", &t().folding).0, "helene jose maria");
        assert_eq!(fold_text("N'Diaye", &t().folding).0, "ndiaye");
        assert_eq!(fold_text("Straße Œuvre Łukasz", &t().folding).0, "strasse oeuvre lukasz");
    }

    #[test]
    fn arabic_script_is_transliterated_and_flagged() {
        let (s, arabic) = fold_text("محمد", &t().folding);
        assert_eq!(s, "mhmd");
        assert!(arabic);
        // The article is split off, then dropped as a particle.
        assert_eq!(fold_tokens("العمراني", &t().folding).0, vec!["amrani".to_string()]);
        // Harakat (short vowel marks) are diacritics and go.
        assert_eq!(fold_text("مُحَمَّد", &t().folding).0, "mhmd");
        assert!(!fold_text("Mohamed", &t().folding).1);
    }

    #[test]
    fn joiners_glue_and_particles_drop() {
        let f = &t().folding;
        assert_eq!(fold_tokens("Abd el-Kader", f).0, vec!["abdelkader"]);
        assert_eq!(fold_tokens("Ben Ali", f).0, vec!["benali"]);
        assert_eq!(fold_tokens("Ti-Jean", f).0, vec!["tijean"]);
        assert_eq!(fold_tokens("García de la Cruz", f).0, vec!["garcia", "cruz"]);
        assert_eq!(fold_tokens("El Amrani", f).0, vec!["amrani"]);
        // A field of particles only is kept rather than emptied.
        assert_eq!(fold_tokens("De La", f).0, vec!["de", "la"]);
        // "Ben" alone is a given name, not a joiner.
        assert_eq!(fold_tokens("Ben", f).0, vec!["ben"]);
    }

    #[test]
    fn transliteration_variants_meet() {
        assert_eq!(canon("Youssef"), canon("Yusuf"));
        assert_eq!(canon("Youcef"), canon("Yousef"));
        assert_eq!(canon("Chérif"), canon("Sharif"));
        assert_eq!(canon("Djamila"), canon("Jamila"));
        assert_eq!(canon("Oualid"), canon("Walid"));
        assert_eq!(canon("Yacine"), canon("Yassin"));
        assert_eq!(canon("Abdoul Kader"), canon("Abdelkader"));
        assert_eq!(canon("Jozèf"), canon("Joseph"));
        assert_eq!(canon("Mari"), canon("Marie"));
        assert_eq!(canon("Kettly"), canon("Ketly"));
        assert_eq!(canon("Gonzales"), canon("González"));
        assert_eq!(canon("Jean"), canon("Jan"));
        assert_ne!(canon("Jean"), canon("Juan"));
        assert_ne!(canon("Omar"), canon("Amir"));
    }

    #[test]
    fn skeleton_rules_apply_in_order_with_anchors() {
        let f = &t().folding;
        assert_eq!(skeleton("christophe", f), "kristof");
        assert_eq!(skeleton("fatimah", f), "fatima");
        assert_eq!(skeleton("hicham", f), skeleton("hisham", f));
        assert_eq!(skeleton("ouali", f), skeleton("wali", f));
        assert_eq!(skeleton("abe", f), "abe");
    }

    #[test]
    fn nicknames_are_marked() {
        let toks = name_tokens("Bob", t());
        assert_eq!(toks[0].nickname_of, canon("Robert"));
        assert!(name_tokens("Robert", t())[0].nickname_of.is_empty());
    }

    #[test]
    fn consonants_ignore_vowels() {
        assert_eq!(consonants(&canon("Mohamed")[0]), consonants(&canon("محمد")[0]));
    }

    #[test]
    fn phones_keep_last_eight_digits() {
        assert_eq!(phone_digits("+509 34 56 78 90").as_deref(), Some("34567890"));
        assert_eq!(phone_digits("(0)34-56-78-90").as_deref(), Some("34567890"));
        assert_eq!(phone_digits("٠٦١٢٣٤٥٦٧٨").as_deref(), Some("12345678"));
        assert_eq!(phone_digits("12-34"), None);
    }

    #[test]
    fn ids_and_nationalities_normalise() {
        assert_eq!(external_id(" ab-123 456 ").as_deref(), Some("AB123456"));
        assert_eq!(external_id(" - "), None);
        assert_eq!(nationality(" hti ").as_deref(), Some("HTI"));
        assert_eq!(nationality(""), None);
    }
}
