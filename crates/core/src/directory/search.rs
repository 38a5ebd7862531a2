//! Finding services the way people type: without accents, in any case, with typos, in French,
//! English or Spanish whatever language the service was described in.
//!
//! A service is indexed as weighted token lists: its name, its organisation, the labels and
//! synonyms of its needs (and their parents) in the three languages, its protection
//! attributes and its description. Each query token is matched to its best token in the
//! document (exact, prefix while typing, or within a few edits / shared trigrams), and the
//! document's score is the weighted mean over query tokens.
//!
//! Documents are searched through a [`SearchIndex`]: each query token is compared once with
//! each distinct token of the directory (its vocabulary, a few thousand words however many
//! services share them), and only the documents holding a matching token are scored. The web
//! layer keeps the index between requests and updates it one service at a time.

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
    similarity_of(&Word::new(query), &Word::new(token))
}

/// A token with what comparing it needs, computed once: its length in characters and its
/// trigrams.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    chars: usize,
    trigrams: Vec<u64>,
}

impl Word {
    fn new(text: &str) -> Word {
        Word { text: text.to_string(), chars: text.chars().count(), trigrams: packed_trigrams(text) }
    }
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

/// Typos allowed between two words, by the longer one's length: one in short words, two up
/// to eight letters, then three.
fn typos_allowed(longest: usize) -> usize {
    match longest {
        0..=3 => 0,
        4..=5 => 1,
        6..=8 => 2,
        _ => 3,
    }
}

fn similarity_of(query: &Word, token: &Word) -> f64 {
    if query.text == token.text {
        return 1.0;
    }
    let (ql, tl) = (query.chars, token.chars);
    if ql >= 3 && token.text.starts_with(&query.text) {
        return 0.85 + 0.15 * ql as f64 / tl as f64;
    }
    let longest = ql.max(tl);
    let allowed = typos_allowed(longest);
    let by_edits = if ql.abs_diff(tl) <= allowed {
        let edits = strsim::damerau_levenshtein(&query.text, &token.text);
        if edits <= allowed { 1.0 - edits as f64 / longest as f64 } else { 0.0 }
    } else {
        0.0
    };
    by_edits.max(dice(&query.trigrams, &token.trigrams))
}

/// Whether `query` and `token` may reach [`MATCH_THRESHOLD`], judged on their lengths alone:
/// neither a prefix, nor few enough edits, nor enough shared trigrams are possible when the
/// lengths are far apart. [`similarity_of`] is exact; this lets a search skip most of the
/// vocabulary without computing it.
fn may_match(query: &Word, token: &Word) -> bool {
    let (ql, tl) = (query.chars, token.chars);
    if ql >= 3 && tl >= ql {
        // A prefix: checked by the exact comparison.
        return true;
    }
    // Edits: 1 - edits / longest reaches the threshold only with few edits, and edits are at
    // least the difference in length.
    let longest = ql.max(tl);
    let edits_max = typos_allowed(longest).min(((1.0 - MATCH_THRESHOLD) * longest as f64).floor() as usize);
    if ql.abs_diff(tl) <= edits_max || query.text == token.text {
        return true;
    }
    // Trigrams: 2 × shared / (a + b) with shared at most the smaller set.
    let (a, b) = (query.trigrams.len(), token.trigrams.len());
    2.0 * a.min(b) as f64 / (a + b) as f64 >= MATCH_THRESHOLD
}

/// The Dice coefficient of two sorted trigram sets: counting shared ones is a merge.
fn dice(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * shared as f64 / (a.len() + b.len()) as f64
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
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub id: String,
    /// From 0 to 1: 1 is every word found exactly in the name.
    pub score: f64,
}

/// The best `limit` documents for `query`, best first (ties by id, so results are stable).
/// For a handful of documents built for one request; a directory keeps a [`SearchIndex`].
pub fn search<'a>(documents: impl IntoIterator<Item = &'a SearchDocument>, query: &str, limit: usize) -> Vec<SearchHit> {
    documents.into_iter().cloned().collect::<SearchIndex>().search(query, limit)
}

/// Documents searchable by their words: the vocabulary (each distinct token once, with the
/// documents holding it and its weight in each) and the documents' tokens, so that a document
/// can be replaced or removed without building the index again.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    vocabulary: Vec<Entry>,
    entry_of: std::collections::HashMap<String, u32>,
    /// Documents by slot; a removed document's slot is empty until reused.
    documents: Vec<Option<Indexed>>,
    slot_of: std::collections::HashMap<String, u32>,
    free: Vec<u32>,
}

#[derive(Debug, Clone)]
struct Entry {
    word: Word,
    /// The documents (slots) holding the word, with its weight in each.
    postings: Vec<(u32, f64)>,
}

#[derive(Debug, Clone)]
struct Indexed {
    id: String,
    entries: Vec<u32>,
}

impl FromIterator<SearchDocument> for SearchIndex {
    fn from_iter<I: IntoIterator<Item = SearchDocument>>(documents: I) -> SearchIndex {
        let mut index = SearchIndex::default();
        for d in documents {
            index.upsert(d);
        }
        index
    }
}

impl SearchIndex {
    /// How many documents the index holds.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// Adds a document, or replaces the one with its id.
    pub fn upsert(&mut self, document: SearchDocument) {
        self.remove(&document.id);
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.documents.push(None);
                (self.documents.len() - 1) as u32
            }
        };
        let mut entries = Vec::with_capacity(document.tokens.len());
        for (token, weight) in document.tokens {
            let e = match self.entry_of.get(&token) {
                Some(&e) => e,
                None => {
                    self.vocabulary.push(Entry { word: Word::new(&token), postings: Vec::new() });
                    let e = (self.vocabulary.len() - 1) as u32;
                    self.entry_of.insert(token, e);
                    e
                }
            };
            self.vocabulary[e as usize].postings.push((slot, weight));
            entries.push(e);
        }
        self.slot_of.insert(document.id.clone(), slot);
        self.documents[slot as usize] = Some(Indexed { id: document.id, entries });
    }

    /// Takes the document with this id out; false when there is none. Its words stay in the
    /// vocabulary, holding no document, until a document uses them again.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(slot) = self.slot_of.remove(id) else { return false };
        if let Some(gone) = self.documents[slot as usize].take() {
            for e in gone.entries {
                self.vocabulary[e as usize].postings.retain(|(s, _)| *s != slot);
            }
        }
        self.free.push(slot);
        true
    }

    /// The best `limit` documents for `query`, best first (ties by id, so results are stable).
    /// A document scores 0, and is left out, when a query token is found nowhere in it (every
    /// word typed must match something, as people expect from a search box).
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let query: Vec<Word> = tokens(query).iter().map(|q| Word::new(q)).collect();
        if query.is_empty() {
            return vec![];
        }
        // best[q][slot]: the weighted similarity of query token q's best match in the document.
        let mut best = vec![vec![0.0_f64; self.documents.len()]; query.len()];
        for (q, word) in query.iter().enumerate() {
            for entry in &self.vocabulary {
                if entry.postings.is_empty() || !may_match(word, &entry.word) {
                    continue;
                }
                let s = similarity_of(word, &entry.word);
                if s < MATCH_THRESHOLD {
                    continue;
                }
                for &(slot, weight) in &entry.postings {
                    let b = &mut best[q][slot as usize];
                    *b = b.max(s * weight);
                }
            }
        }
        let mut hits: Vec<SearchHit> = self
            .documents
            .iter()
            .enumerate()
            .filter_map(|(slot, d)| {
                let d = d.as_ref()?;
                let mut total = 0.0;
                for row in &best {
                    if row[slot] == 0.0 {
                        return None;
                    }
                    total += row[slot];
                }
                Some(SearchHit { id: d.id.clone(), score: total / (query.len() as f64 * NAME) })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(limit);
        hits
    }
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

    /// What the index must find: every document scored against every query token by
    /// comparing it with each of the document's tokens, the definition written out.
    fn scanned(documents: &[SearchDocument], query: &str) -> Vec<SearchHit> {
        let query = tokens(query);
        let mut hits: Vec<SearchHit> = documents
            .iter()
            .filter_map(|d| {
                let mut total = 0.0;
                for q in &query {
                    let best = d.tokens.iter().map(|(t, w)| (similarity(q, t), w)).filter(|(s, _)| *s >= MATCH_THRESHOLD).map(|(s, w)| s * w).fold(0.0, f64::max);
                    if best == 0.0 {
                        return None;
                    }
                    total += best;
                }
                (!query.is_empty()).then(|| SearchHit { id: d.id.clone(), score: total / (query.len() as f64 * NAME) })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits
    }

    const QUERIES: &[&str] = &["hebergment", "clinique sante", "ecoute", "salud", "violense", "cours du soir", "heb", "migrantes", "abri nuit", "nuit", "xylophone", "de la", "francias", "24h"];

    #[test]
    fn the_index_finds_what_scanning_every_document_finds() {
        let index: SearchIndex = docs().into_iter().collect();
        for q in QUERIES {
            assert_eq!(index.search(q, usize::MAX), scanned(&docs(), q), "{q}");
        }
    }

    #[test]
    fn the_index_skips_only_words_that_cannot_match() {
        // Every word of the documents and of the queries, typed with a slip too, compared with
        // every other: no pair that matches is skipped on its lengths.
        let mut words: Vec<String> = docs().iter().flat_map(|d| d.tokens.iter().map(|(t, _)| t.clone())).collect();
        words.extend(QUERIES.iter().flat_map(|q| tokens(q)));
        let slips: Vec<String> = words.iter().flat_map(|w| [w.chars().skip(1).collect(), format!("{w}e"), w.chars().rev().collect()]).collect();
        words.extend(slips);
        for a in &words {
            for b in &words {
                let (x, y) = (Word::new(a), Word::new(b));
                if similarity_of(&x, &y) >= MATCH_THRESHOLD {
                    assert!(may_match(&x, &y), "{a} / {b}");
                }
            }
        }
    }

    #[test]
    fn a_replaced_or_removed_document_leaves_nothing_behind() {
        let mut index: SearchIndex = docs().into_iter().collect();
        assert_eq!(index.len(), 4);
        // The clinic renamed: its old words no longer find it.
        index.upsert(SearchDocument::new("clinique", &[(NAME, "Dispensaire Quokka")]));
        assert_eq!(index.len(), 4);
        assert!(index.search("espoir", 10).is_empty());
        assert_eq!(index.search("quokka", 10)[0].id, "clinique");
        // Removed, then a new document takes its slot.
        assert!(index.remove("ligne"));
        assert!(!index.remove("ligne"));
        assert!(index.search("ecoute", 10).is_empty());
        index.upsert(SearchDocument::new("numbat", &[(NAME, "Atelier numbat")]));
        let mut fresh: Vec<SearchDocument> = docs().into_iter().filter(|d| d.id != "ligne" && d.id != "clinique").collect();
        fresh.push(SearchDocument::new("clinique", &[(NAME, "Dispensaire Quokka")]));
        fresh.push(SearchDocument::new("numbat", &[(NAME, "Atelier numbat")]));
        let rebuilt: SearchIndex = fresh.iter().cloned().collect();
        for q in QUERIES.iter().chain(&["quokka", "numbat", "atelier"]) {
            assert_eq!(index.search(q, usize::MAX), rebuilt.search(q, usize::MAX), "{q}");
            assert_eq!(index.search(q, usize::MAX), scanned(&fresh, q), "{q}");
        }
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
