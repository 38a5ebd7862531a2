//! Fictional people with known duplicates, for measuring matching and for the benchmark.
//!
//! Names are random combinations drawn from the lists in `content/matching/names/` (common
//! given names and surnames of French, Kreyòl, Spanish, English, West African and Arabic naming
//! traditions), so no record is a real person. Some records are duplicates of earlier ones,
//! re-typed with the errors registrations really contain: typos, given and family names
//! swapped, accents dropped, another transliteration, a nickname, the name typed in Arabic
//! script, a missing or estimated birth date, a new phone number.
//!
//! Person `i` depends only on the seed and `i` (each index has its own ChaCha stream), so the
//! generator streams any number of people in constant memory, in any order, and a duplicate
//! regenerates its original on demand. [`GeneratedPerson::cluster`] is the truth: records with
//! the same cluster are the same person.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{BirthDate, MatchTables, PersonRecord, Sex, normalise};

const POPULATIONS_TOML: &str = include_str!("../../../../content/matching/populations.toml");
const LISTS: [(&str, &str); 6] = [
    ("fr", include_str!("../../../../content/matching/names/fr.toml")),
    ("ht", include_str!("../../../../content/matching/names/ht.toml")),
    ("es", include_str!("../../../../content/matching/names/es.toml")),
    ("en", include_str!("../../../../content/matching/names/en.toml")),
    ("wa", include_str!("../../../../content/matching/names/wa.toml")),
    ("ar", include_str!("../../../../content/matching/names/ar.toml")),
];

/// A name list or population table that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeneratorError {
    #[error("{file}: not valid TOML for this list: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: {entry:?}: {problem}")]
    Entry { file: String, entry: String, problem: &'static str },
}

impl GeneratorError {
    pub fn code(&self) -> &'static str {
        match self {
            GeneratorError::Syntax { .. } => "generator-list-syntax",
            GeneratorError::Entry { .. } => "generator-list-entry",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListFile {
    second_given: f64,
    second_family: f64,
    male: Vec<String>,
    female: Vec<String>,
    family: Vec<String>,
    #[serde(default)]
    script: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PopulationsFile {
    populations: Vec<(String, f64, String)>,
}

/// Names ranked by frequency, drawn with a Zipf-like weight (1/(rank+10): the first name of a
/// list of 50 is drawn about 6% of the time, the last about 1.7%) so that common names collide
/// between unrelated people as they do in real registers.
#[derive(Debug, Clone)]
struct Ranked {
    names: Vec<String>,
    cumulative: Vec<f64>,
}

impl Ranked {
    fn new(names: Vec<String>) -> Ranked {
        let mut total = 0.0;
        let cumulative = (0..names.len())
            .map(|r| {
                total += 1.0 / (r as f64 + 10.0);
                total
            })
            .collect();
        Ranked { names, cumulative }
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        let i = self.cumulative.partition_point(|&c| c < x).min(self.names.len() - 1);
        &self.names[i]
    }
}

#[derive(Debug, Clone)]
struct Culture {
    name: String,
    male: Ranked,
    female: Ranked,
    family: Ranked,
    second_given: f64,
    second_family: f64,
    script: HashMap<String, String>,
}

#[derive(Debug, Clone)]
struct Population {
    nationality: String,
    culture: usize,
    cumulative: f64,
}

/// Name lists and the population mix.
#[derive(Debug, Clone)]
pub struct NameLists {
    cultures: Vec<Culture>,
    populations: Vec<Population>,
}

impl NameLists {
    /// The lists shipped in `content/matching/` (tested to parse).
    pub fn builtin() -> &'static NameLists {
        static LISTS_ONCE: std::sync::OnceLock<NameLists> = std::sync::OnceLock::new();
        LISTS_ONCE.get_or_init(|| {
            #[allow(clippy::expect_used)]
            NameLists::from_toml(POPULATIONS_TOML, &LISTS)
                .expect("content/matching name lists are checked by generator::tests")
        })
    }

    /// `populations` is the text of `populations.toml`; `lists` pairs a list name with the
    /// text of `names/<name>.toml`.
    pub fn from_toml(populations: &str, lists: &[(&str, &str)]) -> Result<NameLists, GeneratorError> {
        let mut cultures = Vec::new();
        for (name, text) in lists {
            let file = format!("names/{name}.toml");
            let f: ListFile = toml::from_str(text)
                .map_err(|e| GeneratorError::Syntax { file: file.clone(), message: e.to_string() })?;
            for (field, list) in [("male", &f.male), ("female", &f.female), ("family", &f.family)] {
                if list.iter().all(|n| n.trim().is_empty()) {
                    return Err(GeneratorError::Entry {
                        file: file.clone(),
                        entry: field.to_string(),
                        problem: "needs at least one name",
                    });
                }
            }
            for (field, p) in [("second_given", f.second_given), ("second_family", f.second_family)] {
                if !(0.0..=1.0).contains(&p) {
                    return Err(GeneratorError::Entry {
                        file: file.clone(),
                        entry: field.to_string(),
                        problem: "is a probability between 0 and 1",
                    });
                }
            }
            let clean = |v: Vec<String>| v.into_iter().filter(|n| !n.trim().is_empty()).collect();
            cultures.push(Culture {
                name: name.to_string(),
                male: Ranked::new(clean(f.male)),
                female: Ranked::new(clean(f.female)),
                family: Ranked::new(clean(f.family)),
                second_given: f.second_given,
                second_family: f.second_family,
                script: f.script,
            });
        }
        let p: PopulationsFile = toml::from_str(populations).map_err(|e| GeneratorError::Syntax {
            file: "populations.toml".into(),
            message: e.to_string(),
        })?;
        let mut total = 0.0;
        let mut pops = Vec::new();
        for (nationality, weight, list) in p.populations {
            let culture = cultures.iter().position(|c| c.name == list).ok_or_else(|| {
                GeneratorError::Entry {
                    file: "populations.toml".into(),
                    entry: format!("{nationality}: {list}"),
                    problem: "names a list that was not given",
                }
            })?;
            if !(weight > 0.0 && weight.is_finite()) {
                return Err(GeneratorError::Entry {
                    file: "populations.toml".into(),
                    entry: nationality,
                    problem: "weight must be positive",
                });
            }
            total += weight;
            pops.push(Population { nationality, culture, cumulative: total });
        }
        if pops.is_empty() {
            return Err(GeneratorError::Entry {
                file: "populations.toml".into(),
                entry: "populations".into(),
                problem: "needs at least one population",
            });
        }
        Ok(NameLists { cultures, populations: pops })
    }
}

/// An error injected into a duplicate, reported so a miss can be explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InjectedError {
    Typo,
    Transposed,
    AccentsDropped,
    Respelled,
    Nickname,
    ArabicScript,
    BirthDateMissing,
    BirthDateEstimated,
    BirthDateTypo,
    PhoneChanged,
    NameDropped,
    Cosmetic,
    SexMissing,
}

const ERROR_WEIGHTS: [(InjectedError, f64); 13] = [
    (InjectedError::Typo, 3.0),
    (InjectedError::Transposed, 1.2),
    (InjectedError::AccentsDropped, 1.0),
    (InjectedError::Respelled, 2.0),
    (InjectedError::Nickname, 1.0),
    (InjectedError::ArabicScript, 1.5),
    (InjectedError::BirthDateMissing, 1.2),
    (InjectedError::BirthDateEstimated, 1.5),
    (InjectedError::BirthDateTypo, 1.0),
    (InjectedError::PhoneChanged, 1.5),
    (InjectedError::NameDropped, 1.0),
    (InjectedError::Cosmetic, 0.5),
    (InjectedError::SexMissing, 0.3),
];

/// One generated record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneratedPerson {
    pub index: u64,
    /// Index of the original record; equal clusters are the same person.
    pub cluster: u64,
    pub record: PersonRecord,
    /// Empty for originals.
    pub errors: Vec<InjectedError>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeneratorConfig {
    pub seed: u64,
    /// Share of records that re-register an earlier person (0..1).
    pub duplicate_rate: f64,
    /// "Today" for ages.
    pub reference_date: NaiveDate,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        GeneratorConfig {
            seed: 1,
            duplicate_rate: 0.1,
            reference_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        }
    }
}

/// Deterministic, streamable generator of fictional people.
#[derive(Debug, Clone)]
pub struct Generator<'a> {
    lists: &'a NameLists,
    tables: &'a MatchTables,
    config: GeneratorConfig,
    /// Canonical spelling -> index of its variant group, for respellings.
    group_of: HashMap<String, usize>,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn strip_accents(s: &str) -> String {
    s.nfkd().filter(|c| !is_combining_mark(*c)).collect()
}

fn country_code(nationality: &str) -> &'static str {
    match nationality {
        "HTI" => "509",
        "FRA" => "33",
        "MAR" => "212",
        "DZA" => "213",
        "TUN" => "216",
        "SYR" => "963",
        "SDN" => "249",
        "EGY" => "20",
        "SEN" => "221",
        "GIN" => "224",
        "MLI" => "223",
        "CIV" => "225",
        "CMR" => "237",
        "DOM" => "1809",
        "VEN" => "58",
        "COL" => "57",
        "CUB" => "53",
        "ESP" => "34",
        "NGA" => "234",
        "GHA" => "233",
        "JAM" => "1876",
        "GBR" => "44",
        _ => "0",
    }
}

impl<'a> Generator<'a> {
    pub fn new(lists: &'a NameLists, tables: &'a MatchTables, config: GeneratorConfig) -> Self {
        let mut group_of = HashMap::new();
        for (g, group) in tables.variant_groups.iter().enumerate() {
            for spelling in group {
                for c in normalise::canonical_tokens(spelling, tables) {
                    group_of.entry(c).or_insert(g);
                }
            }
        }
        Generator { lists, tables, config, group_of }
    }

    /// The built-in lists and tables.
    pub fn builtin(config: GeneratorConfig) -> Generator<'static> {
        Generator::new(NameLists::builtin(), MatchTables::builtin(), config)
    }

    fn rng(&self, index: u64, stream: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(splitmix(self.config.seed ^ splitmix(index.wrapping_mul(4) + stream)))
    }

    /// The earlier record that record `index` re-registers, if it is a duplicate.
    fn parent(&self, index: u64) -> Option<u64> {
        if index == 0 {
            return None;
        }
        let mut r = self.rng(index, 0);
        if r.random_bool(self.config.duplicate_rate.clamp(0.0, 1.0)) {
            Some(r.random_range(0..index))
        } else {
            None
        }
    }

    /// The original of a record (itself when it is not a duplicate).
    pub fn cluster_of(&self, index: u64) -> u64 {
        let mut i = index;
        while let Some(p) = self.parent(i) {
            i = p;
        }
        i
    }

    /// Record `index`. Duplicates are made from their cluster's original, so every copy of a
    /// person carries its own errors, not its predecessor's.
    pub fn person(&self, index: u64) -> GeneratedPerson {
        let cluster = self.cluster_of(index);
        let (original, culture) = self.original(cluster);
        if cluster == index {
            return GeneratedPerson { index, cluster, record: original, errors: Vec::new() };
        }
        let mut rng = self.rng(index, 1);
        let (record, errors) = self.duplicate(original, culture, &mut rng);
        GeneratedPerson { index, cluster, record, errors }
    }

    /// Records `0..count`, streamed.
    pub fn people(&self, count: u64) -> impl Iterator<Item = GeneratedPerson> + '_ {
        (0..count).map(move |i| self.person(i))
    }

    fn original(&self, index: u64) -> (PersonRecord, usize) {
        let mut r = self.rng(index, 2);
        let x = r.random::<f64>() * self.lists.populations.last().map_or(0.0, |p| p.cumulative);
        let pi = self.lists.populations.partition_point(|p| p.cumulative < x);
        let pop = &self.lists.populations[pi.min(self.lists.populations.len() - 1)];
        let c = &self.lists.cultures[pop.culture];
        let sex = match r.random_range(0..1000) {
            0..=479 => Sex::Female,
            480..=996 => Sex::Male,
            _ => Sex::Other,
        };
        let given_list = match sex {
            Sex::Female => &c.female,
            Sex::Male => &c.male,
            Sex::Other => {
                if r.random_bool(0.5) { &c.female } else { &c.male }
            }
        };
        let mut given = given_list.pick(&mut r).to_string();
        if r.random_bool(c.second_given) {
            let second = given_list.pick(&mut r);
            if second != given {
                given = format!("{given} {second}");
            }
        }
        let mut family = c.family.pick(&mut r).to_string();
        if r.random_bool(c.second_family) {
            let second = c.family.pick(&mut r);
            if second != family {
                family = format!("{family} {second}");
            }
        }
        let age = match r.random_range(0..100) {
            0..=29 => r.random_range(0..18),
            30..=69 => r.random_range(18..36),
            70..=94 => r.random_range(36..61),
            _ => r.random_range(61..86),
        };
        let today = self.config.reference_date;
        let born = today - Duration::days(age * 365 + r.random_range(0..365));
        let birth = match r.random_range(0..100) {
            0..=71 => Some(BirthDate::Exact(born)),
            72..=89 => Some(BirthDate::EstimatedYear(born.year())),
            _ => None,
        };
        let phone = if r.random_bool(0.65) {
            Some(self.phone(&pop.nationality, &mut r))
        } else {
            None
        };
        let external_id = if r.random_bool(0.25) {
            let a = char::from(b'A' + r.random_range(0..26u8));
            let b = char::from(b'A' + r.random_range(0..26u8));
            Some(format!("{a}{b}{:07}", r.random_range(0..10_000_000u32)))
        } else {
            None
        };
        let mut other_names = Vec::new();
        if r.random_bool(0.03) {
            let first = given.split(' ').next().unwrap_or_default();
            let canon = normalise::canonical_tokens(first, self.tables);
            let nick = canon
                .first()
                .and_then(|c| self.tables.nicknames_of.get(c))
                .and_then(|n| n.first().cloned());
            let alias_given = nick.unwrap_or_else(|| given_list.pick(&mut r).to_string());
            other_names.push(format!("{alias_given} {family}"));
        }
        let record = PersonRecord {
            given_names: given,
            family_names: family,
            other_names,
            sex: Some(sex),
            birth,
            nationality: Some(pop.nationality.clone()),
            phone,
            external_id,
        };
        (record, pop.culture)
    }

    fn phone(&self, nationality: &str, r: &mut ChaCha8Rng) -> String {
        let n: u32 = r.random_range(20_000_000..100_000_000);
        let s = n.to_string();
        match r.random_range(0..3) {
            0 => format!("+{} {} {}", country_code(nationality), &s[..4], &s[4..]),
            1 => s,
            _ => format!("00{}-{}-{}-{}-{}", country_code(nationality), &s[..2], &s[2..4], &s[4..6], &s[6..]),
        }
    }

    fn duplicate(
        &self,
        mut p: PersonRecord,
        culture: usize,
        r: &mut ChaCha8Rng,
    ) -> (PersonRecord, Vec<InjectedError>) {
        let wanted = match r.random_range(0..100) {
            0..=49 => 1,
            50..=84 => 2,
            _ => 3,
        };
        // Documents are not always shown again.
        if p.external_id.is_some() && r.random_bool(0.6) {
            p.external_id = None;
        }
        let mut done = Vec::new();
        let mut tries = 0;
        while done.len() < wanted && tries < 30 {
            tries += 1;
            let total: f64 = ERROR_WEIGHTS.iter().map(|(_, w)| w).sum();
            let mut x = r.random::<f64>() * total;
            let mut pick = InjectedError::Typo;
            for (e, w) in ERROR_WEIGHTS {
                if x < w {
                    pick = e;
                    break;
                }
                x -= w;
            }
            if done.contains(&pick) {
                continue;
            }
            if self.inject(pick, &mut p, culture, r) {
                done.push(pick);
            }
        }
        (p, done)
    }

    /// Applies one error; false when it does not apply to this record.
    fn inject(&self, e: InjectedError, p: &mut PersonRecord, culture: usize, r: &mut ChaCha8Rng) -> bool {
        use InjectedError::*;
        match e {
            Typo => {
                let field = if r.random_bool(0.5) { &mut p.given_names } else { &mut p.family_names };
                let mut words: Vec<String> = field.split(' ').map(str::to_string).collect();
                let w = r.random_range(0..words.len());
                match typo(&words[w], r) {
                    Some(t) => {
                        words[w] = t;
                        *field = words.join(" ");
                        true
                    }
                    None => false,
                }
            }
            Transposed => {
                std::mem::swap(&mut p.given_names, &mut p.family_names);
                true
            }
            AccentsDropped => {
                let before = format!("{}{}", p.given_names, p.family_names);
                if before.is_ascii() {
                    return false;
                }
                p.given_names = strip_accents(&p.given_names);
                p.family_names = strip_accents(&p.family_names);
                true
            }
            Respelled => {
                let field = if r.random_bool(0.5) { &mut p.given_names } else { &mut p.family_names };
                match self.respell(field, r) {
                    Some(s) => {
                        *field = s;
                        true
                    }
                    None => false,
                }
            }
            Nickname => {
                let mut words: Vec<String> = p.given_names.split(' ').map(str::to_string).collect();
                let canon = normalise::canonical_tokens(&words[0], self.tables);
                let Some(nicks) = canon.first().and_then(|c| self.tables.nicknames_of.get(c)) else {
                    return false;
                };
                words[0] = nicks[r.random_range(0..nicks.len())].clone();
                p.given_names = words.join(" ");
                true
            }
            ArabicScript => {
                let script = &self.lists.cultures[culture].script;
                if script.is_empty() {
                    return false;
                }
                let to_script = |s: &str| -> Option<String> {
                    let words: Vec<Option<&String>> =
                        s.split(' ').map(|w| script.get(w)).collect();
                    if words.iter().all(Option::is_some) {
                        Some(words.into_iter().flatten().cloned().collect::<Vec<_>>().join(" "))
                    } else {
                        script.get(s).cloned()
                    }
                };
                let g = to_script(&p.given_names);
                let f = to_script(&p.family_names);
                if g.is_none() && f.is_none() {
                    return false;
                }
                if let Some(g) = g {
                    p.given_names = g;
                }
                if let Some(f) = f {
                    p.family_names = f;
                }
                true
            }
            BirthDateMissing => p.birth.take().is_some(),
            BirthDateEstimated => match p.birth {
                Some(BirthDate::Exact(d)) => {
                    let off = match r.random_range(0..100) {
                        0..=49 => 0,
                        50..=84 => 1,
                        _ => 2,
                    } * if r.random_bool(0.5) { 1 } else { -1 };
                    p.birth = Some(BirthDate::EstimatedYear(d.year() + off));
                    true
                }
                _ => false,
            },
            BirthDateTypo => match p.birth {
                Some(BirthDate::Exact(d)) => {
                    let swapped = NaiveDate::from_ymd_opt(d.year(), d.day(), d.month());
                    let new = match swapped {
                        Some(s) if s != d && r.random_bool(0.5) => s,
                        _ if r.random_bool(0.5) => d.with_year(d.year() + 1).unwrap_or(d + Duration::days(1)),
                        _ => d + Duration::days(if r.random_bool(0.5) { 1 } else { -1 }),
                    };
                    p.birth = Some(BirthDate::Exact(new));
                    true
                }
                _ => false,
            },
            PhoneChanged => {
                let nat = p.nationality.clone().unwrap_or_default();
                p.phone = if p.phone.is_some() && r.random_bool(0.4) { None } else { Some(self.phone(&nat, r)) };
                true
            }
            NameDropped => {
                // A second given name or second surname left out; never the name part of
                // "El Amrani" or "Ben Ali", which nobody drops.
                let f = &self.tables.folding;
                for field in [&mut p.given_names, &mut p.family_names] {
                    if let Some((first, _)) = field.rsplit_once(' ') {
                        let kept = normalise::fold_tokens(first, f).0;
                        let ok = kept.len() == 1
                            && !f.particles.contains(&kept[0])
                            && !f.joiners.contains(&kept[0]);
                        if ok {
                            *field = first.to_string();
                            return true;
                        }
                    }
                }
                false
            }
            Cosmetic => {
                p.family_names = match r.random_range(0..3) {
                    0 => p.family_names.to_uppercase(),
                    1 => p.family_names.replace('-', " "),
                    _ => format!(" {}  ", p.family_names.to_lowercase()),
                };
                true
            }
            SexMissing => p.sex.take().is_some(),
        }
    }

    /// Another spelling of one word: from its variant group if it has one, else by a spelling
    /// habit (ou/u, ch/sh, dj/j, i/y, ph/f, c/k, doubled s).
    fn respell(&self, field: &str, r: &mut ChaCha8Rng) -> Option<String> {
        let mut words: Vec<String> = field.split(' ').map(str::to_string).collect();
        let w = r.random_range(0..words.len());
        let canon = normalise::canonical_tokens(&words[w], self.tables);
        let group = canon.first().and_then(|c| self.group_of.get(c));
        if let Some(&g) = group {
            let others: Vec<&String> =
                self.tables.variant_groups[g].iter().filter(|s| **s != words[w]).collect();
            if !others.is_empty() {
                words[w] = others[r.random_range(0..others.len())].clone();
                return Some(words.join(" "));
            }
        }
        const HABITS: [(&str, &str); 14] = [
            ("ou", "u"), ("u", "ou"), ("ch", "sh"), ("sh", "ch"), ("j", "dj"), ("dj", "j"),
            ("i", "y"), ("y", "i"), ("ph", "f"), ("f", "ph"), ("c", "k"), ("k", "c"),
            ("ss", "s"), ("s", "ss"),
        ];
        let lower = words[w].to_lowercase();
        let start = r.random_range(0..HABITS.len());
        for k in 0..HABITS.len() {
            let (from, to) = HABITS[(start + k) % HABITS.len()];
            if let Some(pos) = lower.find(from) {
                if pos == 0 {
                    continue;
                }
                let word = &words[w];
                if word.is_char_boundary(pos) && word.is_char_boundary(pos + from.len()) {
                    words[w] = format!("{}{}{}", &word[..pos], to, &word[pos + from.len()..]);
                    return Some(words.join(" "));
                }
            }
        }
        None
    }
}

/// A keyboard slip in a word of three letters or more: a letter dropped, doubled, replaced or
/// two swapped. The first letter is left alone (people rarely get it wrong).
fn typo(word: &str, r: &mut ChaCha8Rng) -> Option<String> {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return None;
    }
    let i = r.random_range(1..chars.len());
    match r.random_range(0..4) {
        0 => {
            chars.remove(i);
        }
        1 => chars.insert(i, chars[i]),
        2 => {
            const NEAR: &str = "qwertyuiopasdfghjklzxcvbnm";
            let c = NEAR.as_bytes()[r.random_range(0..NEAR.len())] as char;
            if chars[i].to_ascii_lowercase() == c {
                return None;
            }
            chars[i] = c;
        }
        _ => {
            if i + 1 < chars.len() {
                chars.swap(i, i + 1);
            } else if i >= 2 {
                chars.swap(i - 1, i);
            } else {
                return None;
            }
        }
    }
    let out: String = chars.into_iter().collect();
    if out == word { None } else { Some(out) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(seed: u64) -> GeneratorConfig {
        GeneratorConfig { seed, ..GeneratorConfig::default() }
    }

    #[test]
    fn builtin_lists_parse() {
        let l = NameLists::from_toml(POPULATIONS_TOML, &LISTS).unwrap();
        assert_eq!(l.cultures.len(), 6);
        assert!(l.populations.len() >= 20);
        assert!(l.cultures.iter().all(|c| c.family.names.len() >= 40));
    }

    #[test]
    fn bad_lists_are_reported_with_file_and_entry() {
        let e = NameLists::from_toml("populations = [[\"HTI\", 1.0, \"zz\"]]", &LISTS).unwrap_err();
        assert_eq!(e.code(), "generator-list-entry");
        assert!(e.to_string().contains("zz"));
        let e = NameLists::from_toml(POPULATIONS_TOML, &[("fr", "male = 1")]).unwrap_err();
        assert_eq!(e.code(), "generator-list-syntax");
        assert!(e.to_string().starts_with("names/fr.toml"));
        let empty = "second_given = 0.1\nsecond_family = 0.0\nmale = []\nfemale = [\"A\"]\nfamily = [\"B\"]";
        let e = NameLists::from_toml("populations = [[\"FRA\", 1.0, \"fr\"]]", &[("fr", empty)]).unwrap_err();
        assert!(e.to_string().contains("male"), "{e}");
    }

    #[test]
    fn same_seed_same_people_any_order() {
        let g = Generator::builtin(cfg(7));
        let a: Vec<_> = g.people(300).collect();
        let b: Vec<_> = g.people(300).collect();
        assert_eq!(a, b);
        assert_eq!(g.person(250), a[250]);
        let other: Vec<_> = Generator::builtin(cfg(8)).people(300).collect();
        assert_ne!(a, other);
    }

    #[test]
    fn duplicate_share_and_truth_are_consistent() {
        let g = Generator::builtin(cfg(3));
        let people: Vec<_> = g.people(5000).collect();
        let dups = people.iter().filter(|p| p.cluster != p.index).count();
        assert!((350..=650).contains(&dups), "{dups}");
        for p in &people {
            assert!(p.cluster <= p.index);
            assert_eq!(p.cluster == p.index, p.errors.is_empty(), "{p:?}");
            assert_eq!(people[p.cluster as usize].cluster, p.cluster);
        }
    }

    #[test]
    fn every_kind_of_error_is_injected() {
        let g = Generator::builtin(cfg(5));
        let mut seen = std::collections::HashSet::new();
        for p in g.people(8000) {
            seen.extend(p.errors);
        }
        for (e, _) in ERROR_WEIGHTS {
            assert!(seen.contains(&e), "{e:?} never injected");
        }
    }

    #[test]
    fn population_is_mixed_and_realistic() {
        let g = Generator::builtin(cfg(11));
        let people: Vec<_> = g.people(3000).collect();
        let haitians = people.iter().filter(|p| p.record.nationality.as_deref() == Some("HTI")).count();
        assert!((450..=900).contains(&haitians), "{haitians}");
        let no_birth = people.iter().filter(|p| p.record.birth.is_none()).count();
        assert!(no_birth > 150 && no_birth < 600, "{no_birth}");
        let children = people
            .iter()
            .filter(|p| p.record.birth.is_some_and(|b| b.year() > 2008))
            .count();
        assert!(children > 600, "{children}");
        assert!(people.iter().any(|p| !p.record.given_names.is_ascii()));
    }

    #[test]
    fn arabic_script_duplicates_use_the_script() {
        let g = Generator::builtin(cfg(2));
        let found = g
            .people(20000)
            .find(|p| p.errors.contains(&InjectedError::ArabicScript))
            .unwrap();
        let text = format!("{} {}", found.record.given_names, found.record.family_names);
        assert!(text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "{text}");
    }

    #[test]
    fn typo_changes_the_word_but_not_its_first_letter() {
        let mut r = ChaCha8Rng::seed_from_u64(1);
        let mut changed = 0;
        for _ in 0..200 {
            if let Some(t) = typo("Dorvil", &mut r) {
                changed += 1;
                assert_ne!(t, "Dorvil");
                assert!(t.len() >= 5 && t.len() <= 7, "{t}");
            }
        }
        assert!(changed > 150);
        assert_eq!(typo("Al", &mut r), None);
    }

    #[test]
    fn respelling_uses_groups_then_habits() {
        let g = Generator::builtin(cfg(1));
        let mut r = ChaCha8Rng::seed_from_u64(4);
        let s = g.respell("Mohamed", &mut r).unwrap();
        assert_ne!(s, "Mohamed");
        assert_eq!(
            normalise::canonical_tokens(&s, MatchTables::builtin()),
            normalise::canonical_tokens("Mohamed", MatchTables::builtin())
        );
        let s = g.respell("Zouhair", &mut r).unwrap();
        assert_ne!(s, "Zouhair");
        assert_eq!(g.respell("Aa", &mut r), None);
    }
}
