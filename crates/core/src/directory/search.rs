//! Finding services the way people type: without accents, in any case, with typos, in French,
//! English or Spanish whatever language the service was described in.
//!
//! A service is indexed as weighted token lists: its name, its organisation, the labels and
//! synonyms of its needs (and their parents) in the three languages, its protection
//! attributes and its description. Each query token is matched to its best token in the
//! document (exact, prefix while typing, or within a few edits / shared trigrams), and the
//! document's score is the weighted mean over query tokens. The store or the web layer keeps
//! the documents; this module only scores.

use serde::Serialize;

use super::hsds::Service;
use super::profile;
use super::taxonomy::Taxonomy;
use super::text::words;
use crate::lang::Lang;

/// Below this a query token is taken as not found in the document.
pub const MATCH_THRESHOLD: f64 = 0.75;

const STOP_WORDS: &[&str] = &[
    // fr
    "le", "la", "les", "de", "des", "du", "d", "l", "un", "une", "et", "au", "aux", "en", "pour", "par", "sur",
    "avec", "dans", "a",
    // en
    "the", "of", "and", "an", "for", "to", "in", "on", "with", "at", "by",
    // es
    "el", "los", "las", "del", "y", "una", "para", "por", "con", "al",
];

/// Accent- and case-free tokens of a text, stop words removed.
pub fn tokens(text: &str) -> Vec<String> {
    words(text).into_iter().filter(|w| !STOP_WORDS.contains(&w.as_str())).collect()
}

/// How alike a query token and a document token are, from 0 to 1. The query token may be
/// the start of the document token (a person still typing: "heberg").
pub fn similarity(query: &str, token: &str) -> f64 {
    similarity_with(query, &packed_trigrams(query), token)
}

/// Character trigrams of a token, padded so that starts and ends count, packed in integers
/// and sorted, so that counting shared ones is a merge.
fn packed_trigrams(token: &str) -> Vec<u64> {
    let padded: Vec<char> = format!("  {token} ").chars().collect();
    let mut out: Vec<u64> =
        padded.windows(3).map(|w| (w[0] as u64) << 42 | (w[1] as u64) << 21 | w[2] as u64).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn similarity_with(query: &str, query_trigrams: &[u64], token: &str) -> f64 {
    if query == token {
        return 1.0;
    }
    let (ql, tl) = (query.chars().count(), token.chars().count());
    if ql >= 3 && token.starts_with(query) {
        return 0.85 + 0.15 * ql as f64 / tl as f64;
    }
    let longest = ql.max(tl);
    // Typos allowed grow with length: one in short words, two up to eight letters, then three.
    let allowed = match longest {
        0..=3 => 0,
        4..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    let by_edits = if ql.abs_diff(tl) <= allowed {
        let edits = strsim::damerau_levenshtein(query, token);
        if edits <= allowed { 1.0 - edits as f64 / longest as f64 } else { 0.0 }
    } else {
        0.0
    };
    let b = packed_trigrams(token);
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < query_trigrams.len() && j < b.len() {
        match query_trigrams[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let dice = 2.0 * shared as f64 / (query_trigrams.len() + b.len()) as f64;
    by_edits.max(dice)
}

/// A service prepared for search: each distinct token with the weight of the best field it
/// appears in.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDocument {
    pub id: String,
    tokens: Vec<(String, f64)>,
}

/// How much a match counts, by where it is found.
const NAME: f64 = 3.0;
const ORGANIZATION: f64 = 2.0;
const NEED: f64 = 2.0;
const ATTRIBUTE: f64 = 1.5;
const DESCRIPTION: f64 = 1.0;

impl SearchDocument {
    /// Fields as (weight, text) pairs, for documents that are not HSDS services.
    pub fn new(id: &str, fields: &[(f64, &str)]) -> SearchDocument {
        SearchDocument::from_fields(id, fields.iter().map(|(w, t)| (*w, tokens(t))).collect())
    }

    fn from_fields(id: &str, fields: Vec<(f64, Vec<String>)>) -> SearchDocument {
        let mut best: std::collections::BTreeMap<String, f64> = Default::default();
        for (w, toks) in fields {
            for t in toks {
                let e = best.entry(t).or_insert(w);
                *e = e.max(w);
            }
        }
        SearchDocument { id: id.to_string(), tokens: best.into_iter().collect() }
    }

    pub fn from_service(service: &Service, needs: &Taxonomy, protection: &Taxonomy) -> SearchDocument {
        let mut fields = vec![(NAME, tokens(&service.name))];
        if let Some(alt) = &service.fields.alternate_name {
            fields.push((NAME, tokens(alt)));
        }
        if let Some(org) = &service.fields.organization {
            fields.push((ORGANIZATION, tokens(&org.name)));
        }
        for (taxonomy, weight) in [(needs, NEED), (protection, ATTRIBUTE)] {
            for code in profile::codes(service, taxonomy) {
                for ancestor in taxonomy.lineage(&code) {
                    if let Some(t) = taxonomy.get(ancestor) {
                        let mut text: Vec<&str> = Lang::ALL.iter().map(|l| t.label.get(*l)).collect();
                        text.extend(t.synonyms.iter().map(String::as_str));
                        fields.push((weight, tokens(&text.join(" "))));
                    }
                }
            }
        }
        for text in [&service.fields.description, &service.fields.eligibility_description].into_iter().flatten() {
            fields.push((DESCRIPTION, tokens(text)));
        }
        SearchDocument::from_fields(&service.id, fields)
    }

    /// The document's score for the query's tokens, 0 when a query token is found nowhere
    /// (every word typed must match something, as people expect from a search box).
    pub fn score(&self, query: &[String]) -> f64 {
        let mut memo = Memo::new(query);
        self.score_with(&mut memo)
    }

    fn score_with(&self, memo: &mut Memo) -> f64 {
        if memo.query.is_empty() {
            return 0.0;
        }
        let mut total = 0.0;
        for q in 0..memo.query.len() {
            let mut best: f64 = 0.0;
            for (t, w) in &self.tokens {
                let s = memo.similarity(q, t);
                if s >= MATCH_THRESHOLD {
                    best = best.max(s * w);
                }
            }
            if best == 0.0 {
                return 0.0;
            }
            total += best;
        }
        total / (memo.query.len() as f64 * NAME)
    }
}

/// Similarities already computed in one search: services share most of their words (need
/// labels above all), so each distinct word is compared with the query once.
struct Memo {
    query: Vec<(String, Vec<u64>)>,
    seen: Vec<std::collections::HashMap<String, f64>>,
}

impl Memo {
    fn new(query: &[String]) -> Memo {
        Memo {
            query: query.iter().map(|q| (q.clone(), packed_trigrams(q))).collect(),
            seen: vec![Default::default(); query.len()],
        }
    }

    fn similarity(&mut self, q: usize, token: &str) -> f64 {
        if let Some(s) = self.seen[q].get(token) {
            return *s;
        }
        let (query, trigrams) = &self.query[q];
        let s = similarity_with(query, trigrams, token);
        self.seen[q].insert(token.to_string(), s);
        s
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub id: String,
    /// From 0 to 1: 1 is every word found exactly in the name.
    pub score: f64,
}

/// The best `limit` documents for `query`, best first (ties by id, so results are stable).
pub fn search<'a>(documents: impl IntoIterator<Item = &'a SearchDocument>, query: &str, limit: usize) -> Vec<SearchHit> {
    let mut memo = Memo::new(&tokens(query));
    let mut hits: Vec<SearchHit> = documents
        .into_iter()
        .map(|d| SearchHit { id: d.id.clone(), score: d.score_with(&mut memo) })
        .filter(|h| h.score > 0.0)
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::hsds::Organization;

    fn service(id: &str, name: &str, org: &str, needs: &[&str], description: &str) -> Service {
        let mut s = Service { id: id.into(), name: name.into(), ..Default::default() };
        s.fields.organization = Some(Box::new(Organization { id: format!("o-{id}"), name: org.into(), ..Default::default() }));
        s.fields.description = Some(description.into());
        for n in needs {
            assert!(profile::add_code(&mut s, Taxonomy::needs(), n, Lang::Fr));
        }
        s
    }

    fn docs() -> Vec<SearchDocument> {
        let mut abri = service("abri", "Abri de nuit Delmas", "Croix Solidaire", &["shelter_low_threshold"], "Lits pour la nuit, sans conditions.");
        profile::add_code(&mut abri, Taxonomy::protection(), "open_to_migrants", Lang::Fr);
        [
            abri,
            service("clinique", "Clinique Espoir", "Médecins du Quartier", &["health_primary_care"], "Consultations générales."),
            service("ligne", "Ligne d'écoute VBG", "Femmes Debout", &["gbv_helpline"], "Écoute 24h/24, anonyme."),
            service("cours", "Cours de français", "Alpha Plus", &["education_language_classes"], "Cours du soir gratuits."),
        ]
        .iter()
        .map(|s| SearchDocument::from_service(s, Taxonomy::needs(), Taxonomy::protection()))
        .collect()
    }

    fn first(query: &str) -> Option<String> {
        search(&docs(), query, 10).first().map(|h| h.id.clone())
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        assert_eq!(first("CLINIQUE ESPOIR").as_deref(), Some("clinique"));
        assert_eq!(first("ecoute").as_deref(), Some("ligne"));
        assert_eq!(first("Écoute").as_deref(), Some("ligne"));
        assert_eq!(first("francais").as_deref(), Some("cours"));
    }

    #[test]
    fn typos_are_forgiven() {
        assert_eq!(first("clinqiue").as_deref(), Some("clinique"));
        assert_eq!(first("hebergment").as_deref(), Some("abri"));
        assert_eq!(first("helth").as_deref(), Some("clinique"));
        assert_eq!(first("violense").as_deref(), Some("ligne"));
    }

    #[test]
    fn needs_are_found_in_every_language() {
        assert_eq!(first("shelter").as_deref(), Some("abri"));
        assert_eq!(first("albergue").as_deref(), Some("abri"));
        assert_eq!(first("salud").as_deref(), Some("clinique"));
        assert_eq!(first("language classes").as_deref(), Some("cours"));
        assert_eq!(first("migrantes").as_deref(), Some("abri"));
    }

    #[test]
    fn prefixes_while_typing_and_no_false_hits() {
        assert_eq!(first("heberg").as_deref(), Some("abri"));
        assert!(search(&docs(), "xylophone", 10).is_empty());
        assert!(search(&docs(), "", 10).is_empty());
        assert!(search(&docs(), "de la", 10).is_empty());
        // Every word must match: "clinique shelter" is no service.
        assert!(search(&docs(), "clinique xylophone", 10).is_empty());
    }

    #[test]
    fn name_matches_rank_above_description_matches() {
        let d = vec![
            SearchDocument::new("in-description", &[(NAME, "Permanence"), (DESCRIPTION, "aide juridique")]),
            SearchDocument::new("in-name", &[(NAME, "Aide juridique"), (DESCRIPTION, "permanence")]),
        ];
        let hits = search(&d, "aide juridique", 10);
        assert_eq!(hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), vec!["in-name", "in-description"]);
        assert!((hits[0].score - 1.0).abs() < 1e-9);
        assert!((hits[1].score - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(search(&d, "aide", 1).len(), 1);
    }

    #[test]
    fn similarity_scale() {
        assert_eq!(similarity("sante", "sante"), 1.0);
        assert!(similarity("helth", "health") >= MATCH_THRESHOLD);
        assert!(similarity("eau", "bau") < MATCH_THRESHOLD);
        assert!(similarity("abri", "avril") < MATCH_THRESHOLD);
        assert!(similarity("heb", "hebergement") > 0.85);
        assert_eq!(packed_trigrams("ab").len(), 3);
        assert_eq!(tokens("L'aide à la santé"), vec!["aide", "sante"]);
    }
}
