//! Dates and numbers written the way a reader of each language expects (CLDR conventions).

use crate::lang::Lang;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

const MONTHS_FR: [&str; 12] =
    ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
const MONTHS_EN: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_ES: [&str; 12] =
    ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"];

/// `25 nov. 2026`, `25 Nov 2026`, `25 nov 2026`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let months = match lang {
        Lang::Fr => &MONTHS_FR,
        Lang::En => &MONTHS_EN,
        Lang::Es => &MONTHS_ES,
    };
    format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
}

/// A date and a 24-hour time, in UTC (the server's reference; the page says so).
pub fn datetime(lang: Lang, t: DateTime<Utc>) -> String {
    let sep = match lang {
        Lang::Fr => " à ",
        Lang::En => ", ",
        Lang::Es => ", ",
    };
    format!("{}{}{:02}:{:02}", date(lang, t.date_naive()), sep, t.hour(), t.minute())
}

/// An integer with the language's group separator: `1 234 567` (narrow no-break space),
/// `1,234,567`, `1.234.567`.
pub fn integer(lang: Lang, n: i64) -> String {
    let sep = match lang {
        Lang::Fr => "\u{202F}",
        Lang::En => ",",
        Lang::Es => ".",
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A decimal with `places` digits after the language's decimal mark.
pub fn decimal(lang: Lang, x: f64, places: usize) -> String {
    let s = format!("{:.*}", places, x.abs());
    let (int_part, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int: i64 = int_part.parse().unwrap_or(0);
    let mark = if lang == Lang::En { "." } else { "," };
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{}", integer(lang, int))
    } else {
        format!("{sign}{}{mark}{frac}", integer(lang, int))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_per_language() {
        let d = NaiveDate::from_ymd_opt(2026, 8, 5).unwrap();
        assert_eq!(date(Lang::Fr, d), "5 août 2026");
        assert_eq!(date(Lang::En, d), "5 Aug 2026");
        assert_eq!(date(Lang::Es, d), "5 ago 2026");
    }

    #[test]
    fn integers_grouped() {
        assert_eq!(integer(Lang::En, 1234567), "1,234,567");
        assert_eq!(integer(Lang::Es, 1234567), "1.234.567");
        assert_eq!(integer(Lang::Fr, 1234), "1\u{202F}234");
        assert_eq!(integer(Lang::En, 999), "999");
        assert_eq!(integer(Lang::En, -1000), "-1,000");
        assert_eq!(integer(Lang::En, 0), "0");
    }

    #[test]
    fn decimals_use_the_language_mark() {
        assert_eq!(decimal(Lang::En, 1234.5, 1), "1,234.5");
        assert_eq!(decimal(Lang::Fr, 1234.5, 2), "1\u{202F}234,50");
        assert_eq!(decimal(Lang::Es, -0.25, 2), "-0,25");
        assert_eq!(decimal(Lang::Es, -0.001, 2), "0,00");
    }
}
