//! Folding text for comparison: accents, case, punctuation and spacing do not matter when a
//! person searches a service or a field team types a need or a column header.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-case, accent-free text with every run of punctuation or spacing made one space:
/// `"Hébergement d'urgence (115)"` becomes `"hebergement d urgence 115"`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        let mapped: Option<&str> = match c {
            'œ' | 'Œ' => Some("oe"),
            'æ' | 'Æ' => Some("ae"),
            'ß' => Some("ss"),
            'ø' | 'Ø' => Some("o"),
            'ł' | 'Ł' => Some("l"),
            'đ' | 'Đ' => Some("d"),
            _ => None,
        };
        if let Some(m) = mapped {
            out.push_str(m);
            space = false;
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The folded words of a text.
pub fn words(text: &str) -> Vec<String> {
    fold(text).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_drops_accents_case_and_punctuation() {
        assert_eq!(fold("Hébergement d'urgence (115)"), "hebergement d urgence 115");
        assert_eq!(fold("  Protección   de la INFANCIA  "), "proteccion de la infancia");
        assert_eq!(fold("Cœur"), "coeur");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("«Nom du service»"), "nom du service");
        assert_eq!(fold(""), "");
        assert_eq!(words("Mon-Fri 8:00"), vec!["mon", "fri", "8", "00"]);
    }
}
