//! Passerelle's taxonomies: the needs a service answers (`content/taxonomy/needs.toml`) and
//! the protection attributes of a service (`content/taxonomy/protection_attributes.toml`).
//!
//! A taxonomy is hierarchical (a term may name a `parent`), labelled in French, English and
//! Spanish, and extensible: an administrator's files are merged after the shipped one and
//! checked the same way. In HSDS a term becomes a `taxonomy_term` with a stable UUID, and a
//! service carries it as an `attribute`.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use serde::{Deserialize, Serialize};

use super::hsds;
use super::ids::stable_uuid;
use super::text::fold;
use crate::lang::Lang;

pub const NEEDS_TOML: &str = include_str!("../../../../content/taxonomy/needs.toml");
pub const PROTECTION_TOML: &str = include_str!("../../../../content/taxonomy/protection_attributes.toml");

/// Id of the needs taxonomy (HSDS `taxonomy_term.taxonomy`).
pub const NEEDS: &str = "passerelle-needs";
/// Id of the protection attributes taxonomy.
pub const PROTECTION: &str = "passerelle-protection";

/// Text in each of Passerelle's languages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    #[serde(default)]
    pub fr: String,
    #[serde(default)]
    pub en: String,
    #[serde(default)]
    pub es: String,
}

impl Labels {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }

    fn missing(&self) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| self.get(*l).trim().is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub code: String,
    pub parent: Option<String>,
    pub label: Labels,
    pub synonyms: Vec<String>,
    /// What the term covers, when its label is not enough (administrators' terms).
    pub description: String,
    /// The file the term came from (the shipped file or an administrator's extension).
    pub source: String,
    /// No longer offered (in lists, filters, forms), but still read on the records that
    /// carry it: a code is never deleted once services may use it.
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    pub id: String,
    pub version: String,
    pub name: Labels,
    pub description: Labels,
    terms: Vec<Term>,
    by_code: HashMap<String, usize>,
    /// Folded code, label and synonym -> term index, for matching what people type.
    by_text: HashMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    #[error("{file}: not valid TOML: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: the first file must have a [taxonomy] table with an id")]
    MissingHeader { file: String },
    #[error("{file}: declares taxonomy {found:?} but extends {expected:?}")]
    OtherTaxonomy { file: String, expected: String, found: String },
    #[error("{file}: term code {code:?} must be lower-case letters, digits and _ , starting with a letter")]
    BadCode { file: String, code: String },
    #[error("{file}: term {code:?} is already defined in {first}")]
    DuplicateCode { file: String, code: String, first: String },
    #[error("{file}: term {code:?} has parent {parent:?}, which is not a term")]
    UnknownParent { file: String, code: String, parent: String },
    #[error("{file}: term {code:?} is its own ancestor")]
    Cycle { file: String, code: String },
    #[error("{file}: term {code:?} has no {lang} label")]
    MissingLabel { file: String, code: String, lang: &'static str },
    #[error("{file}: {text:?} names both {first:?} and {second:?}")]
    AmbiguousText { file: String, text: String, first: String, second: String },
}

impl TaxonomyError {
    pub fn code(&self) -> &'static str {
        match self {
            TaxonomyError::Syntax { .. } => "taxonomy-syntax",
            TaxonomyError::MissingHeader { .. } => "taxonomy-missing-header",
            TaxonomyError::OtherTaxonomy { .. } => "taxonomy-other-taxonomy",
            TaxonomyError::BadCode { .. } => "taxonomy-bad-code",
            TaxonomyError::DuplicateCode { .. } => "taxonomy-duplicate-code",
            TaxonomyError::UnknownParent { .. } => "taxonomy-unknown-parent",
            TaxonomyError::Cycle { .. } => "taxonomy-cycle",
            TaxonomyError::MissingLabel { .. } => "taxonomy-missing-label",
            TaxonomyError::AmbiguousText { .. } => "taxonomy-ambiguous-text",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    taxonomy: Option<Header>,
    #[serde(default)]
    term: Vec<TermFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    id: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: Labels,
    #[serde(default)]
    description: Labels,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct TermFile {
    code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<String>,
    #[serde(default)]
    label: Labels,
    #[serde(default)]
    synonyms: Vec<String>,
    #[serde(default)]
    description: String,
}

#[derive(Serialize)]
struct ExtensionFile<'a> {
    term: &'a [TermFile],
}

/// A term an administrator adds (stored in the database, merged after the shipped file).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalTerm {
    pub code: String,
    pub parent: Option<String>,
    pub label: Labels,
    pub description: String,
}

/// Where administrators' terms come from, in errors.
pub const LOCAL_SOURCE: &str = "local";

fn valid_code(code: &str) -> bool {
    code.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Loads a taxonomy from `(file name, TOML text)` pairs: the shipped file first (it carries the
/// `[taxonomy]` header), then any administrator extensions, whose terms are added. Every
/// problem of every file is reported at once.
pub fn load(sources: &[(&str, &str)]) -> Result<Taxonomy, Vec<TaxonomyError>> {
    let mut errors = Vec::new();
    let mut header: Option<Header> = None;
    let mut terms: Vec<Term> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for (i, (file, text)) in sources.iter().enumerate() {
        let parsed: File = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                errors.push(TaxonomyError::Syntax { file: file.to_string(), message: e.to_string() });
                continue;
            }
        };
        match (i, parsed.taxonomy, &header) {
            (0, Some(h), _) => header = Some(h),
            (0, None, _) => errors.push(TaxonomyError::MissingHeader { file: file.to_string() }),
            (_, Some(h), Some(base)) if h.id != base.id => errors.push(TaxonomyError::OtherTaxonomy {
                file: file.to_string(),
                expected: base.id.clone(),
                found: h.id,
            }),
            _ => {}
        }
        for t in parsed.term {
            let err_file = file.to_string();
            if !valid_code(&t.code) {
                errors.push(TaxonomyError::BadCode { file: err_file, code: t.code });
                continue;
            }
            if let Some(&first) = by_code.get(&t.code) {
                errors.push(TaxonomyError::DuplicateCode {
                    file: err_file,
                    code: t.code,
                    first: terms[first].source.clone(),
                });
                continue;
            }
            if let Some(lang) = t.label.missing() {
                errors.push(TaxonomyError::MissingLabel { file: err_file.clone(), code: t.code.clone(), lang: lang.code() });
            }
            by_code.insert(t.code.clone(), terms.len());
            terms.push(Term {
                code: t.code,
                parent: t.parent,
                label: t.label,
                synonyms: t.synonyms,
                description: t.description,
                source: err_file,
                retired: false,
            });
        }
    }
    // Parents are checked once every file is read: an extension may hang its terms under a
    // term of the shipped file, or under one of its own defined further down.
    for term in &terms {
        if let Some(parent) = &term.parent {
            if !by_code.contains_key(parent) {
                errors.push(TaxonomyError::UnknownParent {
                    file: term.source.clone(),
                    code: term.code.clone(),
                    parent: parent.clone(),
                });
                continue;
            }
            let mut seen = 0;
            let mut at = Some(parent.as_str());
            while let Some(code) = at {
                if code == term.code || seen > terms.len() {
                    errors.push(TaxonomyError::Cycle { file: term.source.clone(), code: term.code.clone() });
                    break;
                }
                seen += 1;
                at = by_code.get(code).and_then(|&i| terms[i].parent.as_deref());
            }
        }
    }
    let mut by_text: HashMap<String, usize> = HashMap::new();
    // Labels without their bracketed precision ("Accueil à bas seuil (sans conditions)" is also
    // found as "Accueil à bas seuil"); a shorter form that two terms share is left out.
    let mut short: HashMap<String, Option<usize>> = HashMap::new();
    for (i, term) in terms.iter().enumerate() {
        for lang in Lang::ALL {
            let label = term.label.get(lang);
            if let Some(cut) = label.find('(') {
                let key = fold(&label[..cut]);
                if !key.is_empty() {
                    short.entry(key).and_modify(|e| if *e != Some(i) { *e = None }).or_insert(Some(i));
                }
            }
        }
    }
    for (i, term) in terms.iter().enumerate() {
        let texts = std::iter::once(term.code.replace('_', " "))
            .chain(Lang::ALL.iter().map(|l| term.label.get(*l).to_string()))
            .chain(term.synonyms.iter().cloned());
        for text in texts {
            let key = fold(&text);
            if key.is_empty() {
                continue;
            }
            match by_text.get(&key) {
                Some(&j) if j != i => errors.push(TaxonomyError::AmbiguousText {
                    file: term.source.clone(),
                    text,
                    first: terms[j].code.clone(),
                    second: term.code.clone(),
                }),
                _ => {
                    by_text.insert(key, i);
                }
            }
        }
    }
    for (key, i) in short {
        if let Some(i) = i {
            by_text.entry(key).or_insert(i);
        }
    }
    match header {
        Some(h) if errors.is_empty() => Ok(Taxonomy {
            id: h.id,
            version: h.version,
            name: h.name,
            description: h.description,
            terms,
            by_code,
            by_text,
        }),
        _ => Err(errors),
    }
}

/// The needs taxonomy with administrators' terms, once installed. Each installed taxonomy is
/// leaked on purpose: callers everywhere hold `&'static Taxonomy`, and a taxonomy (a few
/// hundred terms) changes only when an administrator adds or retires a term.
static INSTALLED: RwLock<Option<&'static Taxonomy>> = RwLock::new(None);

/// Makes `t` the needs taxonomy [`Taxonomy::needs`] returns, unless it equals the one in force
/// (so re-reading an unchanged database leaks nothing).
pub fn install_needs(t: Taxonomy) {
    if *Taxonomy::needs() == t {
        return;
    }
    if let Ok(mut g) = INSTALLED.write() {
        *g = Some(Box::leak(Box::new(t)));
    }
}

impl Taxonomy {
    /// The needs taxonomy shipped in `content/taxonomy/needs.toml`, without administrators'
    /// terms.
    pub fn shipped_needs() -> &'static Taxonomy {
        static T: OnceLock<Taxonomy> = OnceLock::new();
        T.get_or_init(|| {
            #[allow(clippy::expect_used)]
            load(&[("needs.toml", NEEDS_TOML)]).expect("needs.toml is checked by taxonomy::tests")
        })
    }

    /// The needs taxonomy in force: the shipped one, with the administrators' terms once
    /// [`install_needs`] was called (at start and after each change).
    pub fn needs() -> &'static Taxonomy {
        match INSTALLED.read() {
            Ok(g) => g.unwrap_or_else(Taxonomy::shipped_needs),
            Err(_) => Taxonomy::shipped_needs(),
        }
    }

    /// The shipped needs with administrators' terms added and the `retired` codes marked.
    /// Added terms are checked like an extension file (code, parent, labels, ambiguity); a
    /// retired code that is not a term is ignored (it can only come from an older version).
    pub fn needs_with(added: &[LocalTerm], retired: &[String]) -> Result<Taxonomy, Vec<TaxonomyError>> {
        let files: Vec<TermFile> = added
            .iter()
            .map(|t| TermFile {
                code: t.code.clone(),
                parent: t.parent.clone(),
                label: t.label.clone(),
                synonyms: Vec::new(),
                description: t.description.clone(),
            })
            .collect();
        let mut t = if files.is_empty() {
            Taxonomy::shipped_needs().clone()
        } else {
            let text = toml::to_string(&ExtensionFile { term: &files })
                .map_err(|e| vec![TaxonomyError::Syntax { file: LOCAL_SOURCE.into(), message: e.to_string() }])?;
            load(&[("needs.toml", NEEDS_TOML), (LOCAL_SOURCE, &text)])?
        };
        for code in retired {
            if let Some(&i) = t.by_code.get(code) {
                t.terms[i].retired = true;
            }
        }
        Ok(t)
    }

    /// The protection attributes shipped in `content/taxonomy/protection_attributes.toml`.
    pub fn protection() -> &'static Taxonomy {
        static T: OnceLock<Taxonomy> = OnceLock::new();
        T.get_or_init(|| {
            #[allow(clippy::expect_used)]
            load(&[("protection_attributes.toml", PROTECTION_TOML)])
                .expect("protection_attributes.toml is checked by taxonomy::tests")
        })
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    pub fn get(&self, code: &str) -> Option<&Term> {
        self.by_code.get(code).map(|&i| &self.terms[i])
    }

    pub fn contains(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }

    /// Terms without a parent, in file order, that are offered (not retired).
    pub fn top_level(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(|t| t.parent.is_none() && !t.retired)
    }

    /// The offered terms directly under `code`.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Term> + 'a {
        self.terms.iter().filter(move |t| t.parent.as_deref() == Some(code) && !t.retired)
    }

    /// Whether `code` is a term that is offered: neither it nor a broader term is retired.
    pub fn is_offered(&self, code: &str) -> bool {
        self.contains(code) && self.lineage(code).iter().all(|c| self.get(c).is_some_and(|t| !t.retired))
    }

    /// The term's code, then its parent's, up to the top.
    pub fn lineage(&self, code: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = self.get(code);
        while let Some(t) = at {
            if out.contains(&t.code.as_str()) {
                break;
            }
            out.push(t.code.as_str());
            at = t.parent.as_deref().and_then(|p| self.get(p));
        }
        out
    }

    /// Whether `code` is `ancestor` or below it.
    pub fn is_within(&self, code: &str, ancestor: &str) -> bool {
        self.lineage(code).contains(&ancestor)
    }

    /// The term a person means by `text`: its code, or a label or synonym in any language,
    /// whatever the accents and case.
    pub fn resolve(&self, text: &str) -> Option<&Term> {
        if let Some(t) = self.get(text.trim()) {
            return Some(t);
        }
        self.by_text.get(&fold(text)).map(|&i| &self.terms[i])
    }

    /// Stable UUID of a term (the same on every installation).
    pub fn term_id(&self, code: &str) -> String {
        stable_uuid(&self.id, code)
    }

    /// Stable UUID of the taxonomy itself.
    pub fn hsds_id(&self) -> String {
        stable_uuid("passerelle-taxonomy", &self.id)
    }

    /// The HSDS `taxonomy` record.
    pub fn to_hsds(&self, lang: Lang) -> hsds::Taxonomy {
        hsds::Taxonomy {
            id: self.hsds_id(),
            name: self.name.get(lang).to_string(),
            description: self.description.get(lang).to_string(),
            fields: hsds::TaxonomyFields { version: Some(self.version.clone()), ..Default::default() },
        }
    }

    /// The HSDS `taxonomy_term` of `code`, labelled in `lang`.
    pub fn hsds_term(&self, code: &str, lang: Lang) -> Option<hsds::TaxonomyTerm> {
        let t = self.get(code)?;
        Some(hsds::TaxonomyTerm {
            id: self.term_id(code),
            name: t.label.get(lang).to_string(),
            // HSDS requires a description; without one, the label in full is the best there is.
            description: if t.description.trim().is_empty() { t.label.get(lang).to_string() } else { t.description.clone() },
            fields: hsds::TaxonomyTermFields {
                code: Some(t.code.clone()),
                parent_id: t.parent.as_deref().map(|p| self.term_id(p)),
                taxonomy: Some(self.id.clone()),
                taxonomy_id: Some(self.hsds_id()),
                language: Some(lang.code().to_string()),
                ..Default::default()
            },
        })
    }

    /// All terms as HSDS `taxonomy_term` records, parents before children.
    pub fn hsds_terms(&self, lang: Lang) -> Vec<hsds::TaxonomyTerm> {
        let mut order: Vec<&Term> = self.terms.iter().collect();
        order.sort_by_key(|t| self.lineage(&t.code).len());
        order.iter().filter_map(|t| self.hsds_term(&t.code, lang)).collect()
    }

    /// An HSDS `attribute` applying `code` to the service `service_id`, with its term embedded
    /// so that the export is readable without the taxonomy. `None` for an unknown code.
    pub fn attribute(&self, code: &str, service_id: &str, lang: Lang) -> Option<hsds::Attribute> {
        let term = self.hsds_term(code, lang)?;
        Some(hsds::Attribute {
            id: stable_uuid(&format!("{}:attribute", self.id), &format!("{service_id}/{code}")),
            fields: hsds::AttributeFields {
                link_id: Some(service_id.to_string()),
                link_entity: Some("service".into()),
                link_type: Some(self.id.clone()),
                taxonomy_term_id: Some(term.id.clone()),
                taxonomy_term: Some(term),
                ..Default::default()
            },
        })
    }

    /// The code of this taxonomy that an HSDS attribute carries, if any: from its embedded
    /// term (taxonomy and code) or, failing that, from its `taxonomy_term_id`.
    pub fn code_of(&self, attribute: &hsds::Attribute) -> Option<&str> {
        if let Some(term) = &attribute.fields.taxonomy_term
            && term.fields.taxonomy.as_deref() == Some(self.id.as_str())
            && let Some(code) = &term.fields.code
        {
            return self.get(code).map(|t| t.code.as_str());
        }
        let id = attribute.fields.taxonomy_term_id.as_deref()?;
        self.terms.iter().find(|t| self.term_id(&t.code) == id).map(|t| t.code.as_str())
    }

    /// Codes an attribute claims in this taxonomy that the taxonomy does not have: what an
    /// import must reject (a typo in a need code must not silently drop the need).
    pub fn unknown_code<'a>(&self, attribute: &'a hsds::Attribute) -> Option<&'a str> {
        let term = attribute.fields.taxonomy_term.as_ref()?;
        if term.fields.taxonomy.as_deref() != Some(self.id.as_str()) {
            return None;
        }
        match term.fields.code.as_deref() {
            Some(code) if self.contains(code) => None,
            Some(code) => Some(code),
            None => Some(""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sop::NEED_CODES;

    #[test]
    fn shipped_needs_taxonomy_loads_with_the_sop_codes_as_top_level() {
        let t = load(&[("needs.toml", NEEDS_TOML)]).unwrap();
        let top: Vec<&str> = t.top_level().map(|t| t.code.as_str()).collect();
        assert_eq!(top, NEED_CODES.to_vec());
        for code in NEED_CODES {
            assert!(t.children(code).count() >= 3, "{code} needs sub-terms");
        }
        assert!(t.is_within("shelter_low_threshold", "shelter"));
        assert!(!t.is_within("shelter_low_threshold", "food"));
        assert_eq!(t.lineage("gbv_helpline"), vec!["gbv_helpline", "gbv"]);
        assert_eq!(t.id, NEEDS);
    }

    #[test]
    fn shipped_protection_attributes_load() {
        let t = load(&[("protection_attributes.toml", PROTECTION_TOML)]).unwrap();
        let codes: Vec<&str> = t.terms().iter().map(|t| t.code.as_str()).collect();
        assert_eq!(
            codes,
            vec![
                "open_to_migrants",
                "women_staff_available",
                "child_friendly",
                "confidential",
                "free_of_charge",
                "interpreter_available",
                "wheelchair_accessible",
                "no_documents_required"
            ]
        );
        assert_eq!(Taxonomy::protection().get("confidential").unwrap().label.get(Lang::Es), "Confidencial");
    }

    #[test]
    fn resolve_accepts_codes_labels_and_synonyms_in_any_language() {
        let t = Taxonomy::needs();
        assert_eq!(t.resolve("gbv").unwrap().code, "gbv");
        assert_eq!(t.resolve("vbg").unwrap().code, "gbv");
        assert_eq!(t.resolve("HEBERGEMENT D'URGENCE").unwrap().code, "shelter_emergency");
        assert_eq!(t.resolve("Protección de la infancia").unwrap().code, "child_protection");
        assert_eq!(t.resolve("low threshold").unwrap().code, "shelter_low_threshold");
        assert_eq!(t.resolve("legal aid").unwrap().code, "legal_aid");
        assert_eq!(t.resolve("accueil a bas seuil").unwrap().code, "shelter_low_threshold");
        assert_eq!(t.resolve("Articles non alimentaires").unwrap().code, "cash_assistance_non_food_items");
        assert!(t.resolve("astrology").is_none());
    }

    const EXT: &str = r#"
[[term]]
code = "shelter_winter_plan"
parent = "shelter"
label.fr = "Plan grand froid"
label.en = "Winter shelter plan"
label.es = "Plan de invierno"

[[term]]
code = "shelter_winter_plan_buses"
parent = "shelter_winter_plan"
label.fr = "Maraudes"
label.en = "Street outreach buses"
label.es = "Unidades móviles"
"#;

    #[test]
    fn extensions_add_terms_under_shipped_or_own_terms() {
        let t = load(&[("needs.toml", NEEDS_TOML), ("local.toml", EXT)]).unwrap();
        assert!(t.is_within("shelter_winter_plan_buses", "shelter"));
        assert_eq!(t.get("shelter_winter_plan").unwrap().source, "local.toml");
        assert_eq!(t.resolve("maraudes").unwrap().code, "shelter_winter_plan_buses");
    }

    #[test]
    fn extension_errors_name_the_file_and_term() {
        let bad = r#"
[[term]]
code = "gbv"
label.fr = "x"
label.en = "x"
label.es = "x"

[[term]]
code = "Bad-Code"
label.fr = "y"

[[term]]
code = "orphan"
parent = "nowhere"
label.fr = "Orphelin"
label.en = "Orphan"

[[term]]
code = "loop_a"
parent = "loop_b"
label.fr = "a"
label.en = "a"
label.es = "a"

[[term]]
code = "loop_b"
parent = "loop_a"
label.fr = "b"
label.en = "b"
label.es = "b"
"#;
        let errs = load(&[("needs.toml", NEEDS_TOML), ("bad.toml", bad)]).unwrap_err();
        let codes: Vec<&str> = errs.iter().map(TaxonomyError::code).collect();
        assert_eq!(
            codes,
            vec![
                "taxonomy-duplicate-code",
                "taxonomy-bad-code",
                "taxonomy-missing-label",
                "taxonomy-unknown-parent",
                "taxonomy-cycle",
                "taxonomy-cycle"
            ]
        );
        assert!(errs[0].to_string().contains("bad.toml") && errs[0].to_string().contains("needs.toml"));
        assert_eq!(errs[2], TaxonomyError::MissingLabel { file: "bad.toml".into(), code: "orphan".into(), lang: "es" });
    }

    #[test]
    fn header_syntax_and_ambiguity_errors() {
        assert_eq!(load(&[("x.toml", "[[term]]\ncode = \"a\"")]).unwrap_err()[0].code(), "taxonomy-missing-header");
        assert_eq!(load(&[("x.toml", "[[term]\n")]).unwrap_err()[0].code(), "taxonomy-syntax");
        let other = "[taxonomy]\nid = \"other\"\n";
        assert_eq!(load(&[("needs.toml", NEEDS_TOML), ("o.toml", other)]).unwrap_err()[0].code(), "taxonomy-other-taxonomy");
        let amb = "[[term]]\ncode = \"x_food\"\nlabel.fr = \"Alimentation\"\nlabel.en = \"X\"\nlabel.es = \"X\"\n";
        assert_eq!(load(&[("needs.toml", NEEDS_TOML), ("a.toml", amb)]).unwrap_err()[0].code(), "taxonomy-ambiguous-text");
    }

    #[test]
    fn hsds_terms_have_stable_ids_and_parents() {
        let t = Taxonomy::needs();
        let terms = t.hsds_terms(Lang::Fr);
        assert_eq!(terms.len(), t.terms().len());
        let low = terms.iter().find(|x| x.fields.code.as_deref() == Some("shelter_low_threshold")).unwrap();
        assert_eq!(low.fields.parent_id.as_deref(), Some(t.term_id("shelter").as_str()));
        assert_eq!(low.name, "Accueil à bas seuil (sans conditions)");
        let parent_pos = terms.iter().position(|x| x.id == t.term_id("shelter")).unwrap();
        let child_pos = terms.iter().position(|x| x.id == low.id).unwrap();
        assert!(parent_pos < child_pos);
    }

    #[test]
    fn attributes_carry_codes_both_ways() {
        let t = Taxonomy::needs();
        let sid = "ac148810-d857-441c-9679-408f346de14b";
        let mut a = t.attribute("gbv_helpline", sid, Lang::En).unwrap();
        assert_eq!(t.code_of(&a), Some("gbv_helpline"));
        assert_eq!(Taxonomy::protection().code_of(&a), None);
        // Without the embedded term, the stable term id still identifies it.
        a.fields.taxonomy_term = None;
        assert_eq!(t.code_of(&a), Some("gbv_helpline"));
        assert!(t.attribute("no_such_need", sid, Lang::En).is_none());
        let mut typo = t.attribute("gbv", sid, Lang::En).unwrap();
        typo.fields.taxonomy_term.as_mut().unwrap().fields.code = Some("gvb".into());
        assert_eq!(t.unknown_code(&typo), Some("gvb"));
    }

    fn local(code: &str, parent: Option<&str>, label: &str) -> LocalTerm {
        LocalTerm {
            code: code.into(),
            parent: parent.map(Into::into),
            label: Labels { fr: format!("{label} fr"), en: format!("{label} en"), es: format!("{label} es") },
            description: String::new(),
        }
    }

    #[test]
    fn administrators_terms_are_merged_and_retired_terms_readable_but_not_offered() {
        let added = [local("shelter_winter", Some("shelter"), "Hiver"), local("digital_literacy", None, "Numérique")];
        let t = Taxonomy::needs_with(&added, &["shelter_low_threshold".into(), "digital_literacy".into()]).unwrap();
        assert!(t.is_within("shelter_winter", "shelter"));
        assert_eq!(t.get("shelter_winter").unwrap().source, LOCAL_SOURCE);
        assert!(t.children("shelter").any(|c| c.code == "shelter_winter"));
        // Retired: still a term (old records read their label), never offered.
        assert_eq!(t.get("shelter_low_threshold").unwrap().label.get(Lang::En), "Low-threshold shelter (no conditions)");
        assert!(!t.children("shelter").any(|c| c.code == "shelter_low_threshold"));
        assert!(!t.top_level().any(|c| c.code == "digital_literacy"));
        assert!(!t.is_offered("shelter_low_threshold") && t.is_offered("shelter_winter"));
        // The HSDS taxonomy keeps every term, retired ones too: old exports refer to them.
        assert_eq!(t.hsds_terms(Lang::Fr).len(), Taxonomy::shipped_needs().terms().len() + 2);
    }

    #[test]
    fn administrators_terms_are_checked_like_an_extension() {
        let errs = Taxonomy::needs_with(&[local("gbv", None, "Dup"), local("x_orphan", Some("nowhere"), "O")], &[]).unwrap_err();
        let codes: Vec<&str> = errs.iter().map(TaxonomyError::code).collect();
        assert_eq!(codes, vec!["taxonomy-duplicate-code", "taxonomy-unknown-parent"]);
        let mut no_es = local("legal_x", Some("legal_aid"), "L");
        no_es.label.es.clear();
        assert_eq!(Taxonomy::needs_with(&[no_es], &[]).unwrap_err()[0].code(), "taxonomy-missing-label");
    }
}
