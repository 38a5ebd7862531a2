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
    /// nickname, order or one typo) and nothing firm disagrees; in a register of a few thousand,
    /// a same-name pair with no birth date on one side lands here, since only a person can tell
    /// them apart. With the register's [`NameFrequencies`], the scores are probabilities for
    /// that register: among a hundred thousand people a common name without a birth date is
    /// no longer enough (dozens share it), a rare one still is.
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

/// How common each name is in the register, counted by sound key (the store counts the rows
/// of each `n:` key in `person_match_keys`). With it, sharing a rare name counts for more than
/// sharing "Mohamed" or "Jean", and the prior odds follow the register's size, so precision
/// holds as the register grows: at a million people, thousands share a common name's sound
/// and birth year.
///
/// Two choices keep it safe and steady:
/// - counts below [`COUNT_FLOOR`] are taken as none. A score is shown to caseworkers who see
///   a part of the register only; without the floor, whether a rare name is carried by one or
///   two people *somewhere in the country* would move the score a little, and a patient user
///   could learn that someone with that name is registered where they cannot see.
/// - every name starts with [`PRIOR_PEOPLE`] imagined people of whom one in 60 carries it
///   (the weight without counts), so a small register's few counts do not swing the weights,
///   and the prior odds never fall below the default's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameFrequencies {
    people: u64,
    counts: HashMap<String, u64>,
}

/// Counts below this are taken as none (see [`NameFrequencies`]).
pub const COUNT_FLOOR: u64 = 10;
/// Imagined people each name's count starts from, one in 60 carrying it.
const PRIOR_PEOPLE: f64 = 600.0;
const PRIOR_SHARE: f64 = 1.0 / 60.0;

impl NameFrequencies {
    pub fn new() -> Self {
        Self::default()
    }

    /// From the store's counts: `people` registered, and per sound key (with or without the
    /// `n:` prefix) the number of people carrying it. Sounds not given count as rare.
    pub fn from_counts(people: u64, counts: impl IntoIterator<Item = (String, u64)>) -> Self {
        let counts = counts
            .into_iter()
            .map(|(k, c)| (k.strip_prefix("n:").map(str::to_string).unwrap_or(k), c))
            .collect();
        NameFrequencies { people, counts }
    }

    /// The sound keys whose counts scoring `p` reads: one per name token, of the main name and
    /// of every alias, each once.
    pub fn sounds(p: &PreparedPerson) -> Vec<String> {
        let mut out: Vec<String> =
            p.name().chain(p.aliases.iter().flatten()).map(|t| sound_key(&t.canonical)).filter(|k| !k.is_empty()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Counts one more person, as the store's `n:` keys count them (each key once a person).
    pub fn add(&mut self, p: &PreparedPerson) {
        self.add_keys(&super::keys::person_keys(p));
    }

    /// [`NameFrequencies::add`] for a person whose [`super::keys::person_keys`] are computed.
    pub fn add_keys(&mut self, person_keys: &[String]) {
        self.people += 1;
        for key in person_keys {
            if let Some(sound) = key.strip_prefix("n:") {
                *self.counts.entry(sound.to_string()).or_default() += 1;
            }
        }
    }

    pub fn people(&self) -> u64 {
        self.people
    }

    /// Whether the count of `sound` is held (a sound not held counts as rare).
    pub fn holds(&self, sound: &str) -> bool {
        self.counts.contains_key(sound)
    }

    /// Holds the counts of more sounds.
    pub fn extend(&mut self, counts: impl IntoIterator<Item = (String, u64)>) {
        self.counts.extend(counts);
    }

    /// ln(m/u) of an agreeing token, u its share of the register (see the type's notes).
    fn agreement(&self, canonical: &str) -> f64 {
        let c = self.counts.get(&sound_key(canonical)).copied().unwrap_or(0);
        let c = if c < COUNT_FLOOR { 0.0 } else { c as f64 };
        let share = (c + PRIOR_PEOPLE * PRIOR_SHARE) / (self.people as f64 + PRIOR_PEOPLE);
        (TOKEN_M / share).ln().max(1.0)
    }

    /// Minus the prior log-odds that two records of a register this size are one person
    /// (about one duplicate pair per four records: 0.24 / n), never below the default's.
    fn offset(&self) -> f64 {
        (((self.people.max(2)) as f64).ln() + 1.4).max(OFFSET)
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

/// Evidence from one agreeing or disagreeing token pair. With frequencies, an agreement counts
/// as much as the commoner of the two tokens allows (a nickname and its full name, or a typo,
/// are two spellings): the weight is the same whichever side is the probe.
fn token_weight(a: &NameToken, b: &NameToken, sim: f64, how: &str, freq: Option<&NameFrequencies>) -> f64 {
    let same = freq.map_or(TOKEN_SAME, |f| {
        let x = f.agreement(&a.canonical);
        if a.canonical == b.canonical { x } else { x.min(f.agreement(&b.canonical)) }
    });
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
        let w = token_weight(a.tokens[i].0, b.tokens[j].0, s, how, freq);
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

/// One person compared with many (a duplicate check's probe, each person of the
/// register-wide scan in turn), with the register's name frequencies when known.
///
/// [`Probe::score_reaching`] knows before comparing names whether a pair can reach a floor:
/// an agreeing token adds at most what its frequency allows (computed once per probe), and
/// birth, sex, nationality, phone and id are cheap to compare. In a large block (people
/// sharing one name's sound and a birth decade) most pairs are excluded by their birth dates
/// or sex alone, so a check that only wants the possible (or likely) band skips most name
/// comparisons, which are the cost of matching.
pub struct Probe<'a> {
    person: &'a PreparedPerson,
    freq: Option<&'a NameFrequencies>,
    /// Per name (main, then each alias): the most each token can add, largest first.
    token_max: Vec<Vec<f64>>,
}

impl<'a> Probe<'a> {
    pub fn new(person: &'a PreparedPerson, freq: Option<&'a NameFrequencies>) -> Probe<'a> {
        // An agreeing token adds at most its agreement weight (less through a nickname, Arabic
        // script or a commoner other side); a typo or close spelling at most TOKEN_TYPO and an
        // initial TOKEN_INITIAL, whatever the frequencies.
        let most = |t: &NameToken| freq.map_or(TOKEN_SAME, |f| f.agreement(&t.canonical)).max(TOKEN_TYPO);
        let sorted = |tokens: Vec<&NameToken>| {
            let mut v: Vec<f64> = tokens.into_iter().map(most).collect();
            v.sort_by(|x, y| y.total_cmp(x));
            v
        };
        let mut token_max = vec![sorted(person.name().collect())];
        token_max.extend(person.aliases.iter().map(|a| sorted(a.iter().collect())));
        Probe { person, freq, token_max }
    }

    /// The full score of the probe and `other`.
    pub fn score(&self, other: &PreparedPerson) -> MatchScore {
        score_with(self.person, other, &Thresholds::DEFAULT, self.freq)
    }

    /// Whether the probe and `other` may reach `floor`; false when they surely cannot. Counts
    /// of `other`'s names can only lower the score, so a probe whose frequencies hold only its
    /// own names' counts already tells which pairs are worth counting the other's for.
    pub fn can_reach(&self, other: &PreparedPerson, floor: f64) -> bool {
        // At most one agreeing pair per token of the shorter name, of the main names or aliases.
        let longest = other.aliases.iter().map(Vec::len).fold(other.given.len() + other.family.len(), usize::max);
        let names_max = self.token_max.iter().map(|side| side.iter().take(longest).sum::<f64>()).fold(0.0, f64::max);
        let offset = self.freq.map_or(OFFSET, NameFrequencies::offset);
        logistic(names_max + other_evidence(self.person, other, None) - offset) >= floor
    }

    /// The score of the probe and `other` when it can reach `floor`, None when it cannot.
    pub fn score_reaching(&self, other: &PreparedPerson, floor: f64) -> Option<MatchScore> {
        self.can_reach(other, floor).then(|| self.score(other))
    }
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
        // Without counts, with this register's, and with them as a national register's
        // (the same shares among a million people).
        let mut own = NameFrequencies::new();
        for p in &people {
            own.add(p);
        }
        let national = NameFrequencies::from_counts(1_000_000, own.counts.iter().map(|(k, c)| (k.clone(), c * 2_500)));
        // A probe knowing only its own names' counts never leaves out a pair the full counts keep.
        for a in &people {
            let mine: Vec<(String, u64)> = NameFrequencies::sounds(a).into_iter().map(|k| { let c = national.counts.get(&k).copied().unwrap_or(0); (k, c) }).collect();
            let partial = NameFrequencies::from_counts(1_000_000, mine);
            let (probe, full) = (Probe::new(a, Some(&partial)), Probe::new(a, Some(&national)));
            for b in &people {
                assert!(probe.can_reach(b, Thresholds::DEFAULT.possible) || full.score_reaching(b, Thresholds::DEFAULT.possible).is_none());
            }
        }
        for freq in [None, Some(&own), Some(&national)] {
            let (mut skipped, mut kept_above) = (0, 0);
            for floor in [Thresholds::DEFAULT.possible, Thresholds::DEFAULT.likely] {
                for a in &people {
                    let probe = Probe::new(a, freq);
                    for b in &people {
                        let full = score_with(a, b, &Thresholds::DEFAULT, freq);
                        match probe.score_reaching(b, floor) {
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
    }

    fn freq(people: u64, counts: &[(&str, u64)]) -> NameFrequencies {
        NameFrequencies::from_counts(people, counts.iter().map(|(k, c)| (k.to_string(), *c)))
    }

    fn sf(a: &PersonRecord, b: &PersonRecord, f: &NameFrequencies) -> MatchScore {
        let t = MatchTables::builtin();
        score_with(&PreparedPerson::new(a, t), &PreparedPerson::new(b, t), &Thresholds::DEFAULT, Some(f))
    }

    #[test]
    fn a_common_name_counts_for_less_than_a_rare_one_in_a_large_register() {
        let common = p("Mohamed", "Benali", None);
        let rare = p("Mohamed", "Zerhouni", None);
        let f = freq(1_000_000, &[("mmd", 20_000), ("bnl", 2_000), ("zrn", 12)]);
        let (c, r) = (sf(&common, &common, &f), sf(&rare, &rare, &f));
        assert!(r.evidence > c.evidence + 4.0, "{} vs {}", r.evidence, c.evidence);
        // Without a birth date, a common name alone says little among a million people; the
        // same name with the same birth date is still almost surely one person.
        assert_eq!(c.band, MatchBand::Unlikely, "{c:?}");
        let dated = p("Mohamed", "Benali", d(1990, 4, 12));
        assert_eq!(sf(&dated, &dated, &f).band, MatchBand::Likely);
    }

    #[test]
    fn a_small_register_scores_as_without_counts() {
        // A few hundred people: the imagined people outweigh the few counts, and the prior
        // odds are the default's, so a new deployment's checks behave as the defaults say.
        let a = p("Fabiola", "Exantus", d(1992, 3, 3));
        let b = p("Fabiola", "Exantus", None);
        let f = freq(200, &[("fbl", 3), ("axnts", 2)]);
        let (with, without) = (sf(&a, &b, &f), s(&a, &b));
        assert!((with.evidence - without.evidence).abs() < 1.0, "{} vs {}", with.evidence, without.evidence);
        assert_eq!(with.band, without.band);
    }

    #[test]
    fn counts_below_the_floor_are_not_told_apart() {
        // Whether a rare name is carried by nobody else or by a few people elsewhere in the
        // country must not show in the score a caseworker sees.
        let a = p("Guerline", "Exantus", d(1992, 3, 3));
        let scores: Vec<f64> = [0, 1, COUNT_FLOOR - 1]
            .iter()
            .map(|c| sf(&a, &a, &freq(1_000_000, &[("grln", *c), ("axnts", *c)])).score)
            .collect();
        assert!(scores.windows(2).all(|w| w[0] == w[1]), "{scores:?}");
        let at_floor = sf(&a, &a, &freq(1_000_000, &[("grln", COUNT_FLOOR), ("axnts", COUNT_FLOOR)]));
        assert!(at_floor.evidence < sf(&a, &a, &freq(1_000_000, &[])).evidence);
    }

    #[test]
    fn a_scores_weight_does_not_depend_on_which_side_is_the_probe() {
        // "Bob" is far commoner than "Robert" here: the nickname's agreement counts as the
        // commoner of the two, from either side.
        let a = p("Robert", "Thompson", d(1970, 6, 2));
        let b = p("Bob", "Thompson", d(1970, 6, 2));
        let f = freq(1_000_000, &[("rbrt", 50), ("ab", 20_000), ("atmpsn", 30)]);
        let (ab, ba) = (sf(&a, &b, &f), sf(&b, &a, &f));
        assert!((ab.evidence - ba.evidence).abs() < 1e-9, "{} vs {}", ab.evidence, ba.evidence);
    }

    #[test]
    fn counts_cover_every_name_and_alias_as_the_store_keys_them() {
        let t = MatchTables::builtin();
        let mut r = p("Jean-Baptiste", "Saint-Fleur", None);
        r.other_names = vec!["Ti Jean".into()];
        let prepared = PreparedPerson::new(&r, t);
        let sounds = NameFrequencies::sounds(&prepared);
        let mut f = NameFrequencies::new();
        f.add(&prepared);
        f.add(&prepared);
        assert_eq!(f.people(), 2);
        for s in &sounds {
            assert_eq!(f.counts.get(s), Some(&2), "{s} of {sounds:?} in {:?}", f.counts);
        }
        assert!(sounds.len() >= 4, "{sounds:?}");
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
