//! Opening hours as field teams write them in a spreadsheet — "Mon-Fri 8:00-16:00",
//! "lun-ven 8h-12h / 14h-17h", "lunes a viernes de 8 a 16h; sáb 9h-12h", "24/7" — read into
//! weekly periods and written as HSDS `schedule`s (`freq` WEEKLY, `byday`, `opens_at`,
//! `closes_at`). A closing time before the opening time is an overnight opening (night
//! shelters open 20h-8h), not an error.

use chrono::{NaiveTime, Weekday};
use regex::Regex;
use std::sync::OnceLock;

use super::hsds::{Schedule, ScheduleFields};
use super::ids::stable_uuid;
use super::text::fold;

/// Days of the week with the same opening and closing time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub days: Vec<Weekday>,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// Why an opening-hours text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("{0:?} is not a day or a time")]
    UnknownWord(String),
    #[error("{0:?} names no day")]
    NoDays(String),
    #[error("{0:?} gives no opening and closing time")]
    NoTimes(String),
    #[error("{0:?} is not a time of day")]
    BadTime(String),
    #[error("opens and closes at the same time in {0:?}")]
    Empty(String),
}

impl HoursError {
    pub fn code(&self) -> &'static str {
        match self {
            HoursError::UnknownWord(_) => "hours-unknown-word",
            HoursError::NoDays(_) => "hours-no-days",
            HoursError::NoTimes(_) => "hours-no-times",
            HoursError::BadTime(_) => "hours-bad-time",
            HoursError::Empty(_) => "hours-empty-range",
        }
    }
}

const ALL_DAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// Day names and abbreviations in English, French and Spanish, folded (no accents). None of
/// them means two different days across the three languages.
fn day(word: &str) -> Option<Weekday> {
    use Weekday::*;
    Some(match word {
        "mon" | "monday" | "mo" | "lun" | "lundi" | "lu" | "lunes" => Mon,
        "tue" | "tues" | "tuesday" | "tu" | "mar" | "mardi" | "ma" | "martes" => Tue,
        "wed" | "weds" | "wednesday" | "we" | "mer" | "mercredi" | "me" | "mie" | "mier" | "miercoles" => Wed,
        "thu" | "thur" | "thurs" | "thursday" | "th" | "jeu" | "jeudi" | "je" | "jue" | "jueves" => Thu,
        "fri" | "friday" | "fr" | "ven" | "vendredi" | "ve" | "vie" | "viernes" => Fri,
        "sat" | "saturday" | "sa" | "sam" | "samedi" | "sab" | "sabado" => Sat,
        "sun" | "sunday" | "su" | "dim" | "dimanche" | "di" | "dom" | "domingo" => Sun,
        _ => return None,
    })
}

/// Words that stand for several days at once.
fn day_group(words: &str) -> Option<&'static [Weekday]> {
    const WEEKDAYS: &[Weekday] = &[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
    const WEEKEND: &[Weekday] = &[Weekday::Sat, Weekday::Sun];
    match words {
        "weekdays" | "semaine" | "en semaine" | "entre semana" | "dias laborables" | "jours ouvrables" => Some(WEEKDAYS),
        "weekend" | "week end" | "weekends" | "fin de semana" => Some(WEEKEND),
        "daily" | "every day" | "tous les jours" | "todos los dias" | "7j 7" | "7 7" | "7 dias" | "7 jours" => Some(&ALL_DAYS),
        _ => None,
    }
}

/// Filler words around days and times ("du lundi au vendredi", "from 8 to 4", "de 8 a 16h").
fn filler(word: &str) -> bool {
    matches!(
        word,
        "du" | "de" | "des" | "le" | "les" | "from" | "del" | "el" | "los" | "on" | "open" | "ouvert" | "abierto"
            | "et" | "y" | "and" | "puis" | "then" | "h"
    )
}

fn range_word(word: &str) -> bool {
    matches!(word, "a" | "au" | "to" | "al" | "hasta" | "till" | "until" | "jusqu")
}

fn closed_word(word: &str) -> bool {
    matches!(word, "ferme" | "fermee" | "closed" | "cerrado" | "cerrada")
}

fn time_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    RE.get_or_init(|| {
        Regex::new(r"^(\d{1,2})(?:\s*[:h.]\s*(\d{2})?)?\s*(am|pm)?$").expect("constant regex")
    })
}

fn parse_time(text: &str) -> Result<NaiveTime, HoursError> {
    let t = text.trim();
    let bad = || HoursError::BadTime(t.to_string());
    let caps = time_re().captures(t).ok_or_else(bad)?;
    let mut hour: u32 = caps.get(1).and_then(|m| m.as_str().parse().ok()).ok_or_else(bad)?;
    let minute: u32 = caps.get(2).map(|m| m.as_str().parse().unwrap_or(99)).unwrap_or(0);
    match caps.get(3).map(|m| m.as_str()) {
        Some(_) if hour == 0 || hour > 12 => return Err(bad()),
        Some("am") if hour == 12 => hour = 0,
        Some("pm") if hour < 12 => hour += 12,
        _ => {}
    }
    if hour == 24 && minute == 0 {
        // "until midnight": HSDS times are clock times, so the last minute of the day.
        return NaiveTime::from_hms_opt(23, 59, 0).ok_or_else(bad);
    }
    NaiveTime::from_hms_opt(hour, minute, 0).ok_or_else(bad)
}

/// Lower-case, accent-free, with the separators that matter kept and dashes made `-`.
fn prepare(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_inclusive(|c: char| !c.is_alphanumeric()) {
        let (body, sep) = match word.char_indices().last() {
            Some((i, c)) if !c.is_alphanumeric() => (&word[..i], Some(c)),
            _ => (word, None),
        };
        out.push_str(&fold(body));
        match sep {
            Some('–' | '—' | '‑' | '−' | '-') => out.push('-'),
            Some(c @ (':' | '.' | ',' | ';' | '/' | '&' | '\n' | '|')) => out.push(c),
            Some('\'' | '’') => out.push(' '),
            Some(_) => out.push(' '),
            None => {}
        }
    }
    out
}

/// Reads an opening-hours text into periods. Segments are separated by `;`, a new line or
/// `|`; each is days then one or more time ranges. Days marked closed ("dim fermé") add no
/// period.
pub fn parse(text: &str) -> Result<Vec<Period>, HoursError> {
    let prepared = prepare(text);
    let compact: String = prepared.chars().filter(|c| !c.is_whitespace()).collect();
    if matches!(compact.as_str(), "24/7" | "24h/24" | "24h/247j/7" | "24/24" | "24h/24,7j/7" | "24h24" | "24/7/365") {
        let midnight = NaiveTime::MIN;
        let last = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(midnight);
        return Ok(vec![Period { days: ALL_DAYS.to_vec(), opens: midnight, closes: last }]);
    }
    let mut periods = Vec::new();
    for segment in prepared.split([';', '\n', '|']) {
        let segment = segment.trim();
        if segment.is_empty() {
            continue;
        }
        periods.extend(parse_segment(segment)?);
    }
    if periods.is_empty() {
        return Err(HoursError::NoTimes(text.trim().to_string()));
    }
    Ok(periods)
}

fn parse_segment(segment: &str) -> Result<Vec<Period>, HoursError> {
    // "7j/7" is a day group, not a time: say it in words before looking for the first digit.
    let mut segment = segment.to_string();
    for every_day in ["7 jours/7", "7 j/7", "7j/7", "7d/7", "7/7"] {
        segment = segment.replace(every_day, " tous les jours ");
    }
    let segment = segment.trim();
    // Days come first, up to the first digit; the times follow.
    let cut = segment.find(|c: char| c.is_ascii_digit()).unwrap_or(segment.len());
    let (days_text, times_text) = segment.split_at(cut);
    let mut days_words = String::new();
    for c in days_text.chars() {
        match c {
            '-' => days_words.push_str(" - "),
            ',' | '&' | '/' | '.' | ':' => days_words.push_str(" , "),
            c => days_words.push(c),
        }
    }
    let (days, closed) = parse_days(&days_words, segment)?;
    if closed {
        return Ok(Vec::new());
    }
    let ranges = times_text
        .split([',', '/', '&'])
        .flat_map(|r| r.split(" et "))
        .flat_map(|r| r.split(" y "))
        .flat_map(|r| r.split(" and "));
    let mut out = Vec::new();
    for range in ranges {
        let words: Vec<&str> = range.split_whitespace().filter(|w| !filler(w)).collect();
        if words.is_empty() {
            continue;
        }
        let joined = words.join(" ");
        let parts: Vec<String> = if joined.contains('-') {
            joined.split('-').map(|p| p.trim().to_string()).collect()
        } else {
            match words.iter().position(|w| range_word(w)) {
                Some(p) => vec![words[..p].join(" "), words[p + 1..].join(" ")],
                None => vec![joined.clone()],
            }
        };
        let [a, b] = parts.as_slice() else {
            if words.iter().any(|w| closed_word(w)) {
                continue;
            }
            return Err(HoursError::NoTimes(segment.to_string()));
        };
        let opens = parse_time(a)?;
        let closes = parse_time(b)?;
        if opens == closes {
            return Err(HoursError::Empty(segment.to_string()));
        }
        out.push(Period { days: days.clone(), opens, closes });
    }
    if out.is_empty() {
        return Err(HoursError::NoTimes(segment.to_string()));
    }
    Ok(out)
}

/// Days from the words before the first time. Returns the days and whether they are marked
/// closed.
fn parse_days(text: &str, segment: &str) -> Result<(Vec<Weekday>, bool), HoursError> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut days: Vec<Weekday> = Vec::new();
    let mut closed = false;
    let mut pending_range: Option<Weekday> = None;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        // Multi-word groups first ("tous les jours", "fin de semana", "en semaine").
        let mut matched = false;
        for len in (1..=3).rev() {
            if i + len <= words.len() {
                let phrase = words[i..i + len].join(" ");
                if let Some(group) = day_group(&phrase) {
                    add_days(&mut days, group);
                    i += len;
                    matched = true;
                    break;
                }
            }
        }
        if matched {
            continue;
        }
        if let Some(d) = day(w) {
            if let Some(start) = pending_range.take() {
                add_days(&mut days, &span(start, d));
            } else {
                add_days(&mut days, &[d]);
            }
        } else if w == "-" || range_word(w) {
            match days.last() {
                Some(&last) => pending_range = Some(last),
                None if range_word(w) => {}
                None => return Err(HoursError::NoDays(segment.to_string())),
            }
        } else if closed_word(w) {
            closed = true;
        } else if w == "," || filler(w) {
            // separators and filler
        } else {
            return Err(HoursError::UnknownWord(w.to_string()));
        }
        i += 1;
    }
    if days.is_empty() {
        return Err(HoursError::NoDays(segment.to_string()));
    }
    Ok((days, closed))
}

fn add_days(days: &mut Vec<Weekday>, more: &[Weekday]) {
    for d in more {
        if !days.contains(d) {
            days.push(*d);
        }
    }
}

/// From `start` to `end` inclusive, wrapping over Sunday ("sam-lun").
fn span(start: Weekday, end: Weekday) -> Vec<Weekday> {
    let mut out = vec![start];
    let mut d = start;
    while d != end && out.len() < 7 {
        d = d.succ();
        out.push(d);
    }
    out
}

fn byday(days: &[Weekday]) -> String {
    let mut sorted: Vec<Weekday> = days.to_vec();
    sorted.sort_by_key(|d| d.num_days_from_monday());
    sorted
        .iter()
        .map(|d| match d {
            Weekday::Mon => "MO",
            Weekday::Tue => "TU",
            Weekday::Wed => "WE",
            Weekday::Thu => "TH",
            Weekday::Fri => "FR",
            Weekday::Sat => "SA",
            Weekday::Sun => "SU",
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// HSDS schedules of a service, one per period, with the original text as description.
pub fn to_schedules(periods: &[Period], service_id: &str, text: &str) -> Vec<Schedule> {
    periods
        .iter()
        .enumerate()
        .map(|(i, p)| Schedule {
            id: stable_uuid("passerelle-schedule", &format!("{service_id}/{i}")),
            fields: ScheduleFields {
                service_id: Some(service_id.to_string()),
                freq: Some("WEEKLY".into()),
                byday: Some(byday(&p.days)),
                opens_at: Some(p.opens.format("%H:%M:%S").to_string()),
                closes_at: Some(p.closes.format("%H:%M:%S").to_string()),
                description: Some(text.trim().to_string()),
                ..Default::default()
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Weekday::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn one(text: &str) -> (Vec<Weekday>, NaiveTime, NaiveTime) {
        let p = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(p.len(), 1, "{text}: {p:?}");
        (p[0].days.clone(), p[0].opens, p[0].closes)
    }

    const WEEK: [Weekday; 5] = [Mon, Tue, Wed, Thu, Fri];

    #[test]
    fn the_usual_ways_of_writing_weekdays_8_to_16() {
        for text in [
            "Mon-Fri 8:00-16:00",
            "lun-ven 8h-16h",
            "Lundi au vendredi de 8h à 16h",
            "du lundi au vendredi 8h00 - 16h00",
            "Lunes a viernes 8:00 a 16:00",
            "de lunes a viernes de 8 a 16h",
            "Monday to Friday 8am-4pm",
            "lun – ven 08.00–16.00",
            "en semaine 8h-16h",
            "weekdays 8-16",
        ] {
            assert_eq!(one(text), (WEEK.to_vec(), t(8, 0), t(16, 0)), "{text}");
        }
    }

    #[test]
    fn lists_several_ranges_and_segments() {
        let p = parse("lun, mer et ven 9h-12h / 14h-17h30; sam 9h-12h; dim fermé").unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[0], Period { days: vec![Mon, Wed, Fri], opens: t(9, 0), closes: t(12, 0) });
        assert_eq!(p[1], Period { days: vec![Mon, Wed, Fri], opens: t(14, 0), closes: t(17, 30) });
        assert_eq!(p[2], Period { days: vec![Sat], opens: t(9, 0), closes: t(12, 0) });
        let p = parse("Mon-Fri 8:00-12:00, 14:00-17:00").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].opens, t(14, 0));
    }

    #[test]
    fn overnight_midnight_and_always_open() {
        assert_eq!(one("tous les jours 20h-8h"), (ALL_DAYS.to_vec(), t(20, 0), t(8, 0)));
        assert_eq!(one("sáb-lun 18h-24h"), (vec![Sat, Sun, Mon], t(18, 0), t(23, 59)));
        assert_eq!(one("24/7"), (ALL_DAYS.to_vec(), t(0, 0), t(23, 59)));
        assert_eq!(one("24h/24, 7j/7"), (ALL_DAYS.to_vec(), t(0, 0), t(23, 59)));
        assert_eq!(one("7j/7 9h-18h"), (ALL_DAYS.to_vec(), t(9, 0), t(18, 0)));
        assert_eq!(one("fin de semana 10:00-14:00"), (vec![Sat, Sun], t(10, 0), t(14, 0)));
        assert_eq!(one("Sat 12pm-1pm"), (vec![Sat], t(12, 0), t(13, 0)));
    }

    #[test]
    fn bad_texts_say_what_is_wrong() {
        assert_eq!(parse("Mon-Fri 8:00-25:00").unwrap_err().code(), "hours-bad-time");
        assert_eq!(parse("8h-16h").unwrap_err().code(), "hours-no-days");
        assert_eq!(parse("lun-ven").unwrap_err().code(), "hours-no-times");
        assert_eq!(parse("sometimes 8-16").unwrap_err(), HoursError::UnknownWord("sometimes".into()));
        assert_eq!(parse("lun 8h-8h").unwrap_err().code(), "hours-empty-range");
        assert_eq!(parse("mon 8:61-9").unwrap_err().code(), "hours-bad-time");
        assert_eq!(parse("mon 13pm-2pm").unwrap_err().code(), "hours-bad-time");
        assert_eq!(parse("  ").unwrap_err().code(), "hours-no-times");
        assert_eq!(parse("lun 8h").unwrap_err().code(), "hours-no-times");
    }

    #[test]
    fn schedules_follow_hsds() {
        let p = parse("ven, lun 8h-16h").unwrap();
        let s = to_schedules(&p, "svc", "ven, lun 8h-16h");
        assert_eq!(s[0].fields.byday.as_deref(), Some("MO,FR"));
        assert_eq!(s[0].fields.opens_at.as_deref(), Some("08:00:00"));
        assert_eq!(s[0].fields.closes_at.as_deref(), Some("16:00:00"));
        assert_eq!(s[0].fields.freq.as_deref(), Some("WEEKLY"));
    }
}
