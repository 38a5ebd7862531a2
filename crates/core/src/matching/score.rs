//! How alike two people are: a score in 0..=1 and the reasons behind it.
//!
//! Each field adds evidence for or against "same person", in the manner of Fellegi–Sunter
//! record linkage: agreement on something rare adds much, disagreement on something that
//! rarely changes takes much away, and a field missing on either side adds nothing. The sum is
//! turned into 0..=1 by a logistic curve. The weights below were set by reasoning about how
//! often each field agrees by chance and differs by error, then checked on generated data
//! (see [`super::evaluate`]); they are not fitted to it.
//!
//! Names are compared token by token with the best one-to-one assignment across given and
//! family names together, so "Khaled Mansour" and "Mansour Khaled" agree fully (and a reason
//! says the names were transposed).

use chrono::Datelike;
use serde::Serialize;
use strsim::{jaro_winkler, osa_distance};

use std::collections::HashMap;

use super::keys::sound_key;
use super::{BirthDate, NameToken, PreparedPerson, normalise};

/// Where the score places a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchBand {
    /// Almost surely the same person: shown first, merge suggested.
    Likely,
    /// Worth a caseworker's look before registering.
    Possible,
    Unlikely,
}

/// The score thresholds of the bands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pub likely: f64,
    pub possible: f64,
}

impl Thresholds {
    /// `likely` >= 0.95: identical or near-identical names with an agreeing birth date, or a
    /// shared phone or document number. `possible` >= 0.75: the names agree (up to spelling,
    /// nickname, order or one typo) and nothing firm disagrees; a same-name pair with no birth
    /// date on one side lands here, since only a person can tell them apart.
    pub const DEFAULT: Thresholds = Thresholds { likely: 0.95, possible: 0.75 };

    pub fn band(&self, score: f64) -> MatchBand {
        if score >= self.likely {
            MatchBand::Likely
        } else if score >= self.possible {
            MatchBand::Possible
        } else {
            MatchBand::Unlikely
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds::DEFAULT
    }
}

/// One reason, for the caseworker: which part agreed or disagreed, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Reason {
    /// Two name tokens judged the same; `how` is `exact`, `variant` (spelling or
    /// transliteration), `nickname`, `arabic-script`, `initial`, `typo` (one slip) or
    /// `similar` (close spelling).
    NameAgrees { left: String, right: String, how: &'static str, similarity: f64 },
    NameDiffers { left: String, right: String, similarity: f64 },
    /// A name token on one side only (a middle name or second surname left out).
    NameMissing { token: String },
    /// Given and family names are swapped between the records.
    NamesTransposed,
    /// The match came through an alias (other name) of one of the records.
    AliasUsed,
    BirthDateSame,
    /// Close birth dates as typing slips make them (day/month swapped, one digit off).
    BirthDateClose,
    /// Birth years within tolerance where one is estimated.
    BirthYearClose { difference: i32 },
    BirthDateDiffers { years: i32 },
    /// No date (or no year) on one side: counts neither way.
    BirthDateUnknown,
    SexSame,
    SexDiffers,
    NationalitySame,
    NationalityDiffers,
    PhoneSame,
    PhoneDiffers,
    ExternalIdSame,
    ExternalIdDiffers,
}

impl Reason {
    /// Stable code for translation (`matching-reason-<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NameAgrees { .. } => "name-agrees",
            Reason::NameDiffers { .. } => "name-differs",
            Reason::NameMissing { .. } => "name-missing",
            Reason::NamesTransposed => "names-transposed",
            Reason::AliasUsed => "alias-used",
            Reason::BirthDateSame => "birth-date-same",
            Reason::BirthDateClose => "birth-date-close",
            Reason::BirthYearClose { .. } => "birth-year-close",
            Reason::BirthDateDiffers { .. } => "birth-date-differs",
            Reason::BirthDateUnknown => "birth-date-unknown",
            Reason::SexSame => "sex-same",
            Reason::SexDiffers => "sex-differs",
            Reason::NationalitySame => "nationality-same",
            Reason::NationalityDiffers => "nationality-differs",
            Reason::PhoneSame => "phone-same",
            Reason::PhoneDiffers => "phone-differs",
            Reason::ExternalIdSame => "external-id-same",
            Reason::ExternalIdDiffers => "external-id-differs",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchScore {
    /// 0..=1; higher is more likely the same person.
    pub score: f64,
    pub band: MatchBand,
    pub reasons: Vec<Reason>,
    /// The evidence before the logistic curve, for tuning and tests.
    pub evidence: f64,
}

// Evidence weights: natural logs of likelihood ratios m/u, where m is how often the field
// agrees (or disagrees) between two records of one person and u how often between two
// different people. Estimates from how registrations go wrong, stated beside each.
/// With no [`NameFrequencies`], an agreeing name token counts ln(0.9 / (1/60)): as if each
/// name were carried by one person in 60.
const TOKEN_SAME: f64 = 4.0;
/// Prior log-odds without frequencies: as in a register of about 160 people.
const OFFSET: f64 = 6.5;
/// Share of a person's records that carry a given token (m of an agreeing token).
const TOKEN_M: f64 = 0.9;
/// Agreement through a nickname or Arabic script is a little weaker than the same spelling.
const NICKNAME_DISCOUNT: f64 = 1.0;
const ARABIC_DISCOUNT: f64 = 0.8;
const TOKEN_INITIAL: f64 = 1.0;
/// One slip apart: m ~0.1 (a typo), u ~0.01 ("Martin" and "Marin" are different names).
const TOKEN_TYPO: f64 = 2.0;
/// Clearly different tokens paired up: m ~0.0003 after typos, variants and nicknames are
/// taken out (siblings and twins share everything else).
const TOKEN_DIFFERENT: f64 = -8.0;
/// A token on one side only: second names are often left out.
const TOKEN_UNMATCHED: f64 = -0.6;
/// Same exact date: m ~0.75, u ~1/(365*50).
const DOB_SAME: f64 = 9.0;
/// Day and month swapped, one field off, or the year off by one: m ~0.05, u ~0.002.
const DOB_CLOSE: f64 = 3.0;
const DOB_SAME_YEAR: f64 = -1.0;
const DOB_NEAR: f64 = -2.5;
const DOB_FAR: f64 = -6.0;
/// Slightly below zero: the date that could have told two namesakes apart is missing.
const DOB_UNKNOWN: f64 = -0.3;
/// An estimated year within one: m ~0.7, u ~0.06.
const YEAR_CLOSE: f64 = 2.4;
const YEAR_NEAR: f64 = 0.5;
const YEAR_FAR: f64 = -3.5;
const SEX_SAME: f64 = 0.7;
const SEX_DIFFERS: f64 = -4.0;
/// Namesakes mostly share a nationality too, so agreement says little.
const NAT_SAME: f64 = 0.4;
const NAT_DIFFERS: f64 = -1.5;
/// Less than its rarity suggests: a family often shares one phone.
const PHONE_SAME: f64 = 5.0;
const PHONE_DIFFERS: f64 = -0.5;
const ID_SAME: f64 = 10.0;
const ID_DIFFERS: f64 = -3.0;

/// How common each name is in the register, counted by sound key (the store has these counts
/// for free: the number of rows of each `n:` key in `person_match_key`). With it, sharing a
/// rare name counts for more than sharing "Mohamed" or "Jean", and the prior odds follow the
/// register's size, so precision holds as the register grows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameFrequencies {
    people: u64,
    counts: HashMap<String, u64>,
}

impl NameFrequencies {
    pub fn new() -> Self {
        Self::default()
    }

    /// From the store's counts: `people` registered, and per `n:` key (with or without the
    /// prefix) the number of people carrying it.
    pub fn from_counts(people: u64, counts: impl IntoIterator<Item = (String, u64)>) -> Self {
        let counts = counts
            .into_iter()
            .map(|(k, c)| (k.strip_prefix("n:").map(str::to_string).unwrap_or(k), c))
            .collect();
        NameFrequencies { people, counts }
    }

    /// Counts one more person.
    pub fn add(&mut self, p: &PreparedPerson) {
        self.people += 1;
        let mut seen: Vec<String> = Vec::new();
        for t in p.name() {
            let k = sound_key(&t.canonical);
            if !seen.contains(&k) {
                *self.counts.entry(k.clone()).or_default() += 1;
                seen.push(k);
            }
        }
    }

    pub fn people(&self) -> u64 {
        self.people
    }

    /// ln(m/u) of an agreeing token.
    fn agreement(&self, canonical: &str) -> f64 {
        let c = self.counts.get(&sound_key(canonical)).copied().unwrap_or(0) as f64;
        (TOKEN_M * (self.people as f64 + 1.0) / (c + 1.0)).ln().max(1.0)
    }

    /// Minus the prior log-odds that two records of a register this size are one person
    /// (about one duplicate pair per four records: 0.24 / n).
    fn offset(&self) -> f64 {
        ((self.people.max(2)) as f64).ln() + 1.4
    }
}

/// Similarity of two tokens and how they agree.
fn token_similarity(a: &NameToken, b: &NameToken) -> (f64, &'static str) {
    if a.canonical == b.canonical {
        return (1.0, if a.folded == b.folded { "exact" } else { "variant" });
    }
    let mut best = (jaro_winkler(&a.canonical, &b.canonical), "similar");
    // One slip (a letter dropped, added, replaced or two swapped) in a name of four letters
    // or more is a typo whatever Jaro-Winkler says of short names ("jean"/"jqan" is 0.85).
    let shortest = a.canonical.chars().count().min(b.canonical.chars().count());
    if shortest >= 4 && osa_distance(&a.canonical, &b.canonical) == 1 {
        best = (best.0.max(0.93), "typo");
    }
    let nick = a.nickname_of.contains(&b.canonical)
        || b.nickname_of.contains(&a.canonical)
        || a.nickname_of.iter().any(|n| b.nickname_of.contains(n));
    if nick && best.0 < 0.95 {
        best = (0.95, "nickname");
    }
    if (a.arabic || b.arabic) && best.0 < 0.96 {
        let (ca, cb) = (normalise::consonants(&a.canonical), normalise::consonants(&b.canonical));
        if ca.len() >= 2 && ca == cb {
            best = (0.96, "arabic-script");
        }
    }
    let initial = |x: &NameToken, y: &NameToken| {
        x.canonical.chars().count() == 1 && y.canonical.starts_with(x.canonical.as_str())
    };
    if (initial(a, b) || initial(b, a)) && best.0 < 0.8 {
        best = (0.8, "initial");
    }
    best
}

/// Evidence from one agreeing or disagreeing token pair.
fn token_weight(a: &NameToken, sim: f64, how: &str, freq: Option<&NameFrequencies>) -> f64 {
    let same = freq.map_or(TOKEN_SAME, |f| f.agreement(&a.canonical));
    match how {
        "exact" | "variant" => same,
        "nickname" => same - NICKNAME_DISCOUNT,
        "arabic-script" => same - ARABIC_DISCOUNT,
        "initial" => TOKEN_INITIAL,
        "typo" => TOKEN_TYPO.min(same),
        // Jaro-Winkler: unrelated names of one language often reach 0.75-0.85, so only the
        // top of the scale counts for, and the bottom firmly against.
        _ => {
            if sim >= 0.88 {
                -1.0 + (sim - 0.88) / (1.0 - 0.88) * (TOKEN_TYPO + 1.0)
            } else if sim >= 0.75 {
                -1.0 + (0.88 - sim) / (0.88 - 0.75) * (TOKEN_DIFFERENT + 1.0) * 0.6
            } else {
                TOKEN_DIFFERENT
            }
        }
    }
}

/// Whether a token of the left name is a given name (true) or a family name (false).
struct Side<'a> {
    tokens: Vec<(&'a NameToken, bool)>,
}

struct NameResult {
    evidence: f64,
    reasons: Vec<Reason>,
    transposed: bool,
}

/// Best one-to-one assignment of tokens (greedy on similarity; names have few tokens), given
/// and family names pooled.
fn compare_names(a: &Side<'_>, b: &Side<'_>, freq: Option<&NameFrequencies>) -> NameResult {
    let mut pairs: Vec<(f64, &'static str, usize, usize)> = Vec::new();
    for (i, (ta, _)) in a.tokens.iter().enumerate() {
        for (j, (tb, _)) in b.tokens.iter().enumerate() {
            let (s, how) = token_similarity(ta, tb);
            pairs.push((s, how, i, j));
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.2.cmp(&y.2)).then(x.3.cmp(&y.3)));
    let mut used_a = vec![false; a.tokens.len()];
    let mut used_b = vec![false; b.tokens.len()];
    let mut evidence = 0.0;
    let mut reasons = Vec::new();
    let (mut crossed, mut straight) = (0, 0);
    for (s, how, i, j) in pairs {
        if used_a[i] || used_b[j] {
            continue;
        }
        used_a[i] = true;
        used_b[j] = true;
        let w = token_weight(a.tokens[i].0, s, how, freq);
        evidence += w;
        let (ta, ga) = a.tokens[i];
        let (tb, gb) = b.tokens[j];
        if w > 0.0 {
            if ga == gb { straight += 1 } else { crossed += 1 }
            reasons.push(Reason::NameAgrees {
                left: ta.folded.clone(),
                right: tb.folded.clone(),
                how,
                similarity: round2(s),
            });
        } else {
            reasons.push(Reason::NameDiffers {
                left: ta.folded.clone(),
                right: tb.folded.clone(),
                similarity: round2(s),
            });
        }
    }
    for (used, side) in [(&used_a, a), (&used_b, b)] {
        for (k, u) in used.iter().enumerate() {
            if !u {
                evidence += TOKEN_UNMATCHED;
                reasons.push(Reason::NameMissing { token: side.tokens[k].0.folded.clone() });
            }
        }
    }
    NameResult { evidence, reasons, transposed: crossed > straight }
}

fn main_side(p: &PreparedPerson) -> Side<'_> {
    Side {
        tokens: p
            .given
            .iter()
            .map(|t| (t, true))
            .chain(p.family.iter().map(|t| (t, false)))
            .collect(),
    }
}

fn alias_sides(p: &PreparedPerson) -> Vec<Side<'_>> {
    // Aliases have no given/family split: all count as given, so no transposition is claimed.
    p.aliases.iter().map(|a| Side { tokens: a.iter().map(|t| (t, true)).collect() }).collect()
}

fn compare_birth(a: Option<BirthDate>, b: Option<BirthDate>) -> (f64, Reason) {
    use BirthDate::*;
    match (a, b) {
        (Some(Exact(x)), Some(Exact(y))) => {
            let dy = (x.year() - y.year()).abs();
            if x == y {
                (DOB_SAME, Reason::BirthDateSame)
            } else if (dy == 0
                && (x.month() == y.month()
                    || x.day() == y.day()
                    || (x.month() == y.day() && x.day() == y.month())))
                || (dy <= 1 && x.month() == y.month() && x.day() == y.day())
            {
                // Day and month swapped, one of them mistyped, or the year one off.
                (DOB_CLOSE, Reason::BirthDateClose)
            } else if dy == 0 {
                (DOB_SAME_YEAR, Reason::BirthYearClose { difference: 0 })
            } else if dy <= 2 {
                (DOB_NEAR, Reason::BirthDateDiffers { years: dy })
            } else {
                (DOB_FAR, Reason::BirthDateDiffers { years: dy })
            }
        }
        (Some(x), Some(y)) => {
            // At least one estimated: ages given at interview are often a year or two off.
            let dy = (x.year() - y.year()).abs();
            if dy <= 1 {
                (YEAR_CLOSE, Reason::BirthYearClose { difference: dy })
            } else if dy <= 3 {
                (YEAR_NEAR, Reason::BirthYearClose { difference: dy })
            } else {
                (YEAR_FAR - (dy as f64 - 4.0).min(5.0) * 0.5, Reason::BirthDateDiffers { years: dy })
            }
        }
        _ => (DOB_UNKNOWN, Reason::BirthDateUnknown),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Scores two prepared people with the default thresholds.
pub fn score(a: &PreparedPerson, b: &PreparedPerson) -> MatchScore {
    score_with(a, b, &Thresholds::DEFAULT, None)
}

/// Scores two prepared people; with the register's name frequencies when known.
pub fn score_with(
    a: &PreparedPerson,
    b: &PreparedPerson,
    thresholds: &Thresholds,
    freq: Option<&NameFrequencies>,
) -> MatchScore {
    let ma = main_side(a);
    let mb = main_side(b);
    let mut best = compare_names(&ma, &mb, freq);
    let mut via_alias = false;
    // An alias can only help: try it against the other's main name and aliases.
    let aa = alias_sides(a);
    let ab = alias_sides(b);
    let mut candidates: Vec<(&Side<'_>, &Side<'_>)> = Vec::new();
    for s in &aa {
        candidates.push((s, &mb));
        for t in &ab {
            candidates.push((s, t));
        }
    }
    for t in &ab {
        candidates.push((&ma, t));
    }
    for (x, y) in candidates {
        let r = compare_names(x, y, freq);
        if r.evidence > best.evidence {
            best = r;
            via_alias = true;
        }
    }
    let mut reasons = best.reasons;
    if via_alias {
        reasons.insert(0, Reason::AliasUsed);
    } else if best.transposed {
        reasons.insert(0, Reason::NamesTransposed);
    }
    let evidence = best.evidence + other_evidence(a, b, Some(&mut reasons));
    let offset = freq.map_or(OFFSET, NameFrequencies::offset);
    let score = logistic(evidence - offset);
    MatchScore { score, band: thresholds.band(score), reasons, evidence }
}

/// The score of `a` and `b` when it can reach `floor`, None when it cannot. Whether it can is
/// known before the names are compared: agreeing names add at most [`TOKEN_SAME`] per token
/// pair, and birth, sex, nationality, phone and id are cheap to compare. In a large block
/// (people sharing one name's sound and a birth decade) most pairs are excluded by their
/// birth dates or sex alone, so a duplicate check that only wants the possible (or likely)
/// band skips most name comparisons, which are the cost of matching.
pub fn score_reaching(a: &PreparedPerson, b: &PreparedPerson, floor: f64) -> Option<MatchScore> {
    // At most one agreeing pair per token of the shorter name, of the main names or aliases.
    let longest = |p: &PreparedPerson| p.aliases.iter().map(Vec::len).fold(p.given.len() + p.family.len(), usize::max);
    let names_max = longest(a).min(longest(b)) as f64 * TOKEN_SAME;
    if logistic(names_max + other_evidence(a, b, None) - OFFSET) < floor {
        return None;
    }
    Some(score(a, b))
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The evidence of everything but names: birth, sex, nationality, phone and id, with its
/// reasons when `reasons` is given (a bound that leaves the pair out needs none).
fn other_evidence(a: &PreparedPerson, b: &PreparedPerson, mut reasons: Option<&mut Vec<Reason>>) -> f64 {
    let mut push = |r: Reason| {
        if let Some(v) = reasons.as_deref_mut() {
            v.push(r);
        }
    };
    let (mut evidence, r) = compare_birth(a.birth, b.birth);
    push(r);
    let mut field = |same: bool, (w_same, r_same): (f64, Reason), (w_differs, r_differs): (f64, Reason)| {
        if same {
            evidence += w_same;
            push(r_same);
        } else {
            evidence += w_differs;
            push(r_differs);
        }
    };
    if let (Some(x), Some(y)) = (a.sex, b.sex) {
        field(x == y, (SEX_SAME, Reason::SexSame), (SEX_DIFFERS, Reason::SexDiffers));
    }
    if let (Some(x), Some(y)) = (&a.nationality, &b.nationality) {
        field(x == y, (NAT_SAME, Reason::NationalitySame), (NAT_DIFFERS, Reason::NationalityDiffers));
    }
    if let (Some(x), Some(y)) = (&a.phone, &b.phone) {
        field(x == y, (PHONE_SAME, Reason::PhoneSame), (PHONE_DIFFERS, Reason::PhoneDiffers));
    }
    if let (Some(x), Some(y)) = (&a.external_id, &b.external_id) {
        field(x == y, (ID_SAME, Reason::ExternalIdSame), (ID_DIFFERS, Reason::ExternalIdDiffers));
    }
    evidence
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::{MatchTables, PersonRecord, Sex};
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> Option<BirthDate> {
        Some(BirthDate::Exact(NaiveDate::from_ymd_opt(y, m, day).unwrap()))
    }

    fn p(given: &str, family: &str, birth: Option<BirthDate>) -> PersonRecord {
        PersonRecord {
            given_names: given.into(),
            family_names: family.into(),
            sex: Some(Sex::Male),
            birth,
            nationality: Some("MAR".into()),
            ..Default::default()
        }
    }

    fn s(a: &PersonRecord, b: &PersonRecord) -> MatchScore {
        let t = MatchTables::builtin();
        score(&PreparedPerson::new(a, t), &PreparedPerson::new(b, t))
    }

    #[test]
    fn a_pair_left_out_below_a_floor_never_reaches_it() {
        use crate::matching::generator::{Generator, GeneratorConfig};
        let t = MatchTables::builtin();
        let g = Generator::builtin(GeneratorConfig { seed: 7, duplicate_rate: 0.3, ..GeneratorConfig::default() });
        let people: Vec<PreparedPerson> = g.people(400).map(|p| PreparedPerson::new(&p.record, t)).collect();
        let (mut skipped, mut kept_above) = (0, 0);
        for floor in [Thresholds::DEFAULT.possible, Thresholds::DEFAULT.likely] {
            for a in &people {
                for b in &people {
                    let full = score(a, b);
                    match score_reaching(a, b, floor) {
                        // Same score, same reasons in the same order.
                        Some(m) => assert_eq!(m, full),
                        None => {
                            assert!(full.score < floor, "left out at {floor} but scores {}", full.score);
                            skipped += 1;
                        }
                    }
                    if full.score >= floor {
                        kept_above += 1;
                    }
                }
            }
        }
        // The bound does its work (most pairs of unrelated people are left out) and the
        // comparison is not empty (duplicates and each person with themself reach the floor).
        assert!(skipped > 400 * 400, "{skipped} pairs left out");
        assert!(kept_above > 800, "{kept_above} pairs reach a floor");
    }

    #[test]
    fn identical_people_are_likely() {
        let a = p("Youssef", "El Amrani", d(1990, 4, 12));
        let m = s(&a, &a);
        assert_eq!(m.band, MatchBand::Likely);
        assert!(m.score > 0.99);
        assert!(m.reasons.contains(&Reason::BirthDateSame));
    }

    #[test]
    fn transliteration_and_transposition_still_likely() {
        let a = p("Youssef", "El Amrani", d(1990, 4, 12));
        let b = p("Amrani", "Yusuf", d(1990, 4, 12));
        let m = s(&a, &b);
        assert_eq!(m.band, MatchBand::Likely, "{m:?}");
        assert_eq!(m.reasons[0], Reason::NamesTransposed);
        assert!(m.reasons.iter().any(|r| matches!(r, Reason::NameAgrees { how: "variant", .. })));
    }

    #[test]
    fn arabic_script_record_matches_latin() {
        let a = p("Mohamed", "Benali", d(1985, 1, 1));
        let b = p("محمد", "بن علي", d(1985, 1, 1));
        let m = s(&a, &b);
        assert_eq!(m.band, MatchBand::Likely, "{m:?}");
        assert!(m.reasons.iter().any(|r| matches!(r, Reason::NameAgrees { how: "arabic-script", .. })));
    }

    #[test]
    fn nickname_and_typo_are_possible_or_better() {
        let a = p("Robert", "Thompson", d(1970, 6, 2));
        let b = p("Bob", "Thomspon", d(1970, 6, 2));
        let m = s(&a, &b);
        assert_ne!(m.band, MatchBand::Unlikely, "{m:?}");
        assert!(m.reasons.iter().any(|r| matches!(r, Reason::NameAgrees { how: "nickname", .. })));
        assert!(m.reasons.iter().any(|r| matches!(r, Reason::NameAgrees { how: "similar" | "typo", .. })));
    }

    #[test]
    fn missing_birth_date_neither_rewards_nor_sinks() {
        let a = p("Fabiola", "Exantus", d(1992, 3, 3));
        let b = p("Fabiola", "Exantus", None);
        let full = s(&a, &a);
        let m = s(&a, &b);
        assert!(m.reasons.contains(&Reason::BirthDateUnknown));
        assert!(m.score < full.score);
        assert_ne!(m.band, MatchBand::Unlikely, "{m:?}");
    }

    #[test]
    fn estimated_year_within_tolerance_helps_far_year_hurts() {
        let a = p("Kadiatou", "Diallo", d(1995, 7, 9));
        let near = p("Kadiatou", "Diallo", Some(BirthDate::EstimatedYear(1996)));
        let far = p("Kadiatou", "Diallo", Some(BirthDate::EstimatedYear(1975)));
        let (mn, mf) = (s(&a, &near), s(&a, &far));
        assert!(mn.score > mf.score);
        assert_eq!(mf.band, MatchBand::Unlikely, "{mf:?}");
        assert!(mn.reasons.contains(&Reason::BirthYearClose { difference: 1 }));
    }

    #[test]
    fn day_month_swap_is_close() {
        let a = p("Rose", "Jean", d(1988, 3, 11));
        let b = p("Rose", "Jean", d(1988, 11, 3));
        assert!(s(&a, &b).reasons.contains(&Reason::BirthDateClose));
    }

    #[test]
    fn same_family_and_birth_date_but_other_given_name_is_unlikely() {
        // Twins, or siblings registered together.
        let a = p("Hassan", "Haddad", d(2012, 5, 1));
        let b = p("Hussein", "Haddad", d(2012, 5, 1));
        let m = s(&a, &b);
        assert_eq!(m.band, MatchBand::Unlikely, "{m:?}");
    }

    #[test]
    fn same_name_far_apart_in_age_is_unlikely() {
        let a = p("Mohamed", "Benali", d(1960, 1, 1));
        let b = p("Mohamed", "Benali", d(2001, 9, 9));
        assert_eq!(s(&a, &b).band, MatchBand::Unlikely);
    }

    #[test]
    fn different_sex_sinks_the_score() {
        let a = p("Claude", "Pierre", d(1990, 1, 1));
        let mut b = a.clone();
        b.sex = Some(Sex::Female);
        assert!(s(&a, &b).evidence < s(&a, &a).evidence - 4.0);
        assert!(s(&a, &b).reasons.contains(&Reason::SexDiffers));
    }

    #[test]
    fn shared_phone_or_id_lifts_a_weak_name_match() {
        let mut a = p("Jean", "Dorvil", None);
        let mut b = p("Jan", "Dorvilus", None);
        let before = s(&a, &b).score;
        a.phone = Some("+509 3712 3456".into());
        b.phone = Some("37123456".into());
        let with_phone = s(&a, &b);
        assert!(with_phone.score > before);
        assert!(with_phone.reasons.contains(&Reason::PhoneSame));
        a.external_id = Some("X1".into());
        b.external_id = Some("X2".into());
        assert!(s(&a, &b).reasons.contains(&Reason::ExternalIdDiffers));
    }

    #[test]
    fn alias_can_carry_the_match() {
        let a = p("Abdelkader", "Mansour", d(1980, 2, 2));
        let mut b = p("Kader", "Belkacem", d(1980, 2, 2));
        let without = s(&a, &b).score;
        b.other_names = vec!["Abdelkader Mansour".into()];
        let m = s(&a, &b);
        assert!(m.score > without);
        assert_eq!(m.reasons[0], Reason::AliasUsed);
    }

    #[test]
    fn dropped_second_surname_costs_little() {
        let a = p("María", "García López", d(1999, 9, 9));
        let b = p("Maria", "Garcia", d(1999, 9, 9));
        let m = s(&a, &b);
        assert_eq!(m.band, MatchBand::Likely, "{m:?}");
        assert!(m.reasons.iter().any(|r| matches!(r, Reason::NameMissing { .. })));
    }

    #[test]
    fn unrelated_people_score_low() {
        let a = p("Fatima", "Zeroual", d(1990, 1, 1));
        let b = p("Pierre", "Dorvil", d(1990, 1, 1));
        assert!(s(&a, &b).score < 0.05);
    }

    #[test]
    fn thresholds_band_and_reason_codes() {
        let t = Thresholds::DEFAULT;
        assert_eq!(t.band(0.99), MatchBand::Likely);
        assert_eq!(t.band(t.possible), MatchBand::Possible);
        assert_eq!(t.band(0.1), MatchBand::Unlikely);
        assert_eq!(Reason::NamesTransposed.code(), "names-transposed");
        assert_eq!(
            serde_json::to_value(Reason::BirthYearClose { difference: 1 }).unwrap()["code"],
            "birth-year-close"
        );
    }

    #[test]
    fn score_is_symmetric() {
        let a = p("Jean-Baptiste", "Saint-Fleur", d(1980, 1, 1));
        let b = p("Batis", "Saint Fleur", Some(BirthDate::EstimatedYear(1981)));
        assert!((s(&a, &b).score - s(&b, &a).score).abs() < 1e-9);
    }
}
