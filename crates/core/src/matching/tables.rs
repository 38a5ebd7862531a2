//! The data behind matching: folding rules, Arabic letters, name-variant groups, nicknames.
//!
//! These are text (TOML) so an administrator or a linguist can extend them without code; the
//! defaults under `content/matching/` are compiled in. Every spelling in the variant and
//! nickname tables is folded with the same rules as the names it will be compared with, so a
//! table entry written "Abd el-Kader" finds a record typed "ABDELKADER".

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use super::normalise;

pub(crate) const FOLDING_TOML: &str = include_str!("../../../../content/matching/folding.toml");
pub(crate) const ARABIC_TOML: &str = include_str!("../../../../content/matching/arabic.toml");
pub(crate) const VARIANTS_TOML: &str = include_str!("../../../../content/matching/variants.toml");
pub(crate) const NICKNAMES_TOML: &str =
    include_str!("../../../../content/matching/nicknames.toml");

/// A table that cannot be used, naming the file and the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TablesError {
    #[error("{file}: not valid TOML for this table: {message}")]
    Syntax { file: &'static str, message: String },
    #[error("{file}: entry {entry:?}: {problem}")]
    Entry { file: &'static str, entry: String, problem: &'static str },
}

impl TablesError {
    /// Stable machine code the web layer translates.
    pub fn code(&self) -> &'static str {
        match self {
            TablesError::Syntax { .. } => "matching-table-syntax",
            TablesError::Entry { .. } => "matching-table-entry",
        }
    }
}

/// Where a rewrite rule may match inside a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Anywhere,
    Start,
    End,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    pub from: String,
    pub to: String,
    pub anchor: Anchor,
}

/// The part of the tables needed to fold text into tokens (before variants and nicknames,
/// which are themselves folded with it).
#[derive(Debug, Clone, Default)]
pub(crate) struct Folding {
    pub rules: Vec<Rule>,
    pub particles: HashSet<String>,
    pub joiners: HashSet<String>,
    pub arabic: HashMap<char, String>,
    /// The Arabic definite article, written apart so it is dropped as a particle.
    pub article: String,
}

/// All matching data, parsed and folded once.
#[derive(Debug, Clone)]
pub struct MatchTables {
    pub(crate) folding: Folding,
    /// Folded spelling -> the folded first spelling of its group.
    pub(crate) variants: HashMap<String, String>,
    /// Canonical nickname -> canonical full names it stands for.
    pub(crate) nicknames: HashMap<String, Vec<String>>,
    /// The groups as written, for the generator's respellings.
    pub(crate) variant_groups: Vec<Vec<String>>,
    /// Canonical full name -> nicknames as written, for the generator.
    pub(crate) nicknames_of: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FoldingFile {
    particles: Vec<String>,
    joiners: Vec<String>,
    rules: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArabicFile {
    article: String,
    letters: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantsFile {
    groups: Vec<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NicknamesFile {
    nicknames: HashMap<String, Vec<String>>,
}

fn parse<T: serde::de::DeserializeOwned>(file: &'static str, text: &str) -> Result<T, TablesError> {
    toml::from_str(text).map_err(|e| TablesError::Syntax { file, message: e.to_string() })
}

impl MatchTables {
    /// The tables shipped in `content/matching/`. They are tested to parse, so this cannot
    /// fail at run time.
    pub fn builtin() -> &'static MatchTables {
        static TABLES: OnceLock<MatchTables> = OnceLock::new();
        TABLES.get_or_init(|| {
            #[allow(clippy::expect_used)]
            MatchTables::from_toml(FOLDING_TOML, ARABIC_TOML, VARIANTS_TOML, NICKNAMES_TOML)
                .expect("content/matching tables are checked by tables::tests::builtin_tables_parse")
        })
    }

    /// Parses the four tables (the texts of `folding.toml`, `arabic.toml`, `variants.toml`,
    /// `nicknames.toml`).
    pub fn from_toml(
        folding: &str,
        arabic: &str,
        variants: &str,
        nicknames: &str,
    ) -> Result<MatchTables, TablesError> {
        let f: FoldingFile = parse("folding.toml", folding)?;
        let a: ArabicFile = parse("arabic.toml", arabic)?;
        let v: VariantsFile = parse("variants.toml", variants)?;
        let n: NicknamesFile = parse("nicknames.toml", nicknames)?;

        let mut fold = Folding { article: a.article.trim().to_string(), ..Folding::default() };
        for (letter, latin) in a.letters {
            let mut chars = letter.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if latin.chars().all(|l| l.is_ascii_lowercase()) => {
                    fold.arabic.insert(c, latin);
                }
                _ => {
                    return Err(TablesError::Entry {
                        file: "arabic.toml",
                        entry: letter,
                        problem: "must map one letter to lower-case ASCII",
                    });
                }
            }
        }
        for (from, to) in f.rules {
            let (anchor, body) = if let Some(rest) = from.strip_prefix('^') {
                (Anchor::Start, rest.to_string())
            } else if let Some(rest) = from.strip_suffix('$') {
                (Anchor::End, rest.to_string())
            } else {
                (Anchor::Anywhere, from.clone())
            };
            let ascii = |s: &str| s.chars().all(|c| c.is_ascii_lowercase());
            if body.is_empty() || !ascii(&body) || !ascii(&to) {
                return Err(TablesError::Entry {
                    file: "folding.toml",
                    entry: from,
                    problem: "a rule rewrites non-empty lower-case ASCII to lower-case ASCII",
                });
            }
            fold.rules.push(Rule { from: body, to, anchor });
        }
        // Particles and joiners are compared with folded tokens, so fold them too.
        for p in f.particles {
            fold.particles.insert(normalise::fold_text(&p, &fold).0);
        }
        for j in f.joiners {
            fold.joiners.insert(normalise::fold_text(&j, &fold).0);
        }

        let mut tables = MatchTables {
            folding: fold,
            variants: HashMap::new(),
            nicknames: HashMap::new(),
            variant_groups: Vec::new(),
            nicknames_of: HashMap::new(),
        };
        for group in v.groups {
            let mut head: Option<String> = None;
            for spelling in &group {
                let folded = tables.single_skeleton("variants.toml", spelling)?;
                let canon = head.get_or_insert_with(|| folded.clone()).clone();
                // A spelling listed in two groups keeps the first: the file's order decides.
                tables.variants.entry(folded).or_insert(canon);
            }
            tables.variant_groups.push(group);
        }
        for (nick, fulls) in n.nicknames {
            let key = tables.canonical(&tables.single_skeleton("nicknames.toml", &nick)?);
            let mut canon_fulls = Vec::new();
            for full in &fulls {
                let c = tables.canonical(&tables.single_skeleton("nicknames.toml", full)?);
                tables.nicknames_of.entry(c.clone()).or_default().push(nick.clone());
                canon_fulls.push(c);
            }
            tables.nicknames.entry(key).or_default().extend(canon_fulls);
        }
        // HashMap order is random: sort so the generator's choices are reproducible.
        for list in tables.nicknames_of.values_mut() {
            list.sort();
        }
        Ok(tables)
    }

    /// The skeleton of a table entry that must be one name token.
    fn single_skeleton(&self, file: &'static str, entry: &str) -> Result<String, TablesError> {
        let tokens = normalise::fold_tokens(entry, &self.folding).0;
        match tokens.as_slice() {
            [one] => Ok(normalise::skeleton(one, &self.folding)),
            _ => Err(TablesError::Entry {
                file,
                entry: entry.to_string(),
                problem: "must fold to exactly one name token",
            }),
        }
    }

    /// The group name of a skeleton, or the skeleton itself when no group lists it.
    pub(crate) fn canonical(&self, skeleton: &str) -> String {
        self.variants.get(skeleton).cloned().unwrap_or_else(|| skeleton.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_parse() {
        let t = MatchTables::from_toml(FOLDING_TOML, ARABIC_TOML, VARIANTS_TOML, NICKNAMES_TOML)
            .unwrap();
        assert!(t.variants.len() > 200, "{}", t.variants.len());
        assert!(t.nicknames.len() > 80);
        assert!(t.folding.arabic.len() > 30);
        assert!(t.folding.particles.contains("el"));
    }

    #[test]
    fn spellings_of_a_group_share_a_canonical_form() {
        let t = MatchTables::builtin();
        let c = |s: &str| t.canonical(&normalise::skeleton(&normalise::fold_text(s, &t.folding).0, &t.folding));
        assert_eq!(c("Muhammad"), c("Mohamed"));
        assert_eq!(c("Mouhamed"), c("MOHAMMED"));
        assert_eq!(c("Pyè"), c("Pierre"));
        assert_ne!(c("Pierre"), c("Paul"));
    }

    #[test]
    fn nickname_points_to_full_names() {
        let t = MatchTables::builtin();
        let c = |s: &str| normalise::canonical_tokens(s, t).remove(0);
        assert!(t.nicknames[&c("Bob")].contains(&c("Robert")));
        assert!(t.nicknames[&c("Paco")].contains(&c("Francisco")));
        assert!(t.nicknames[&c("Ti-Jean")].contains(&c("Jean")));
        assert!(t.nicknames_of[&c("Mohamed")].iter().any(|n| n == "Moha"));
    }

    #[test]
    fn bad_tables_name_file_and_entry() {
        let e = MatchTables::from_toml("rules = 3", ARABIC_TOML, VARIANTS_TOML, NICKNAMES_TOML)
            .unwrap_err();
        assert_eq!(e.code(), "matching-table-syntax");
        assert!(e.to_string().starts_with("folding.toml"));

        let e = MatchTables::from_toml(
            FOLDING_TOML,
            ARABIC_TOML,
            "groups = [[\"Jean Marie\", \"Jan\"]]",
            NICKNAMES_TOML,
        )
        .unwrap_err();
        assert_eq!(e.code(), "matching-table-entry");
        assert!(e.to_string().contains("Jean Marie"), "{e}");

        let bad_rule = "particles = []\njoiners = []\nrules = [[\"Ph\", \"f\"]]";
        let e = MatchTables::from_toml(bad_rule, ARABIC_TOML, VARIANTS_TOML, NICKNAMES_TOML)
            .unwrap_err();
        assert_eq!(e.code(), "matching-table-entry");

        let bad_arabic = "article = \"ال\"\n[letters]\n\"با\" = \"ba\"";
        let e = MatchTables::from_toml(FOLDING_TOML, bad_arabic, VARIANTS_TOML, NICKNAMES_TOML)
            .unwrap_err();
        assert!(e.to_string().starts_with("arabic.toml"), "{e}");
    }
}
