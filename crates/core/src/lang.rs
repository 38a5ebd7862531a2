//! The languages Passerelle speaks, and how one is chosen for a reader:
//! the user's own choice first, then the browser's `Accept-Language`, then French.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::En, Lang::Es];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's own name for itself, shown in the language menu.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }
}

impl FromStr for Lang {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            "es" => Ok(Lang::Es),
            _ => Err(()),
        }
    }
}

/// Picks the best supported language from an `Accept-Language` header value, honouring
/// quality weights (`es-MX,es;q=0.9,en;q=0.8`). Unsupported or malformed entries are skipped.
pub fn negotiate(accept_language: &str) -> Option<Lang> {
    let mut best: Option<(f32, usize, Lang)> = None;
    for (pos, item) in accept_language.split(',').enumerate() {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.trim().parse::<f32>().ok()))
            .unwrap_or(1.0);
        if !(q > 0.0) {
            continue;
        }
        if let Ok(lang) = tag.parse::<Lang>() {
            // Higher weight wins; on equal weight, the earlier entry wins.
            let better = match best {
                None => true,
                Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
            };
            if better {
                best = Some((q, pos, lang));
            }
        }
    }
    best.map(|(_, _, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_weight() {
        assert_eq!(negotiate("es-MX,es;q=0.9,en;q=0.8"), Some(Lang::Es));
        assert_eq!(negotiate("de-DE,en;q=0.5,fr;q=0.7"), Some(Lang::Fr));
        assert_eq!(negotiate("en-GB"), Some(Lang::En));
        assert_eq!(negotiate("fr;q=0.2,es;q=0.9"), Some(Lang::Es));
    }

    #[test]
    fn unsupported_or_malformed_is_none() {
        assert_eq!(negotiate("de,it;q=0.5"), None);
        assert_eq!(negotiate(""), None);
        assert_eq!(negotiate(";;;,q=,"), None);
        assert_eq!(negotiate("en;q=0"), None);
    }

    #[test]
    fn parses_codes() {
        assert_eq!("es_ES".parse::<Lang>(), Ok(Lang::Es));
        assert!("xx".parse::<Lang>().is_err());
    }
}
