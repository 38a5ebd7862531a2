//! Checks on text that people type, shared by every form and API body.
//!
//! Each failure is a [`FieldError`] naming the field and a problem code; the web layer turns
//! the code into a translated message (`error-field-<code>`).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    /// `required`, `too-long`, `control-chars`, `email`, `password-short`, `unknown-choice`, ...
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: &str, code: &'static str) -> Self {
        FieldError { field: field.to_string(), code }
    }
}

/// Collects every problem of a submission at once, so the person fixes them in one go.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: &str, code: &'static str) {
        self.0.push(FieldError::new(field, code));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn for_field(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.code)
    }

    /// Trims `value`, checks it is present (when `required`), at most `max` characters and
    /// free of control characters, and returns the cleaned text.
    pub fn text(&mut self, field: &str, value: &str, required: bool, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            if required {
                self.add(field, "required");
            }
            return String::new();
        }
        if v.chars().count() > max {
            self.add(field, "too-long");
        } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            self.add(field, "control-chars");
        }
        v.to_string()
    }

    /// A plausible email address: one `@`, something on each side, a dot in the domain.
    /// Returned lower-cased, since sign-in compares emails without regard to case.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let v = self.text(field, value, true, 254).to_lowercase();
        if !v.is_empty() && self.for_field(field).is_none() && !is_email(&v) {
            self.add(field, "email");
        }
        v
    }

    /// A new password: long enough to resist guessing, not absurdly long for hashing.
    pub fn new_password(&mut self, field: &str, value: &str) {
        let n = value.chars().count();
        if n < MIN_PASSWORD_CHARS {
            self.add(field, "password-short");
        } else if n > 256 {
            self.add(field, "too-long");
        }
    }
}

pub const MIN_PASSWORD_CHARS: usize = 12;

pub fn is_email(v: &str) -> bool {
    let mut parts = v.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        }
        _ => false,
    }
}

/// A whole number written with a one-character unit (`24h`, `3d`, `30s`): its digits and the
/// unit, or None when the text is not that. The unit is the last character whatever its width
/// in bytes, and the number is ASCII digits only (no sign: `u32::from_str` would take `+`).
pub fn count_and_unit(text: &str) -> Option<(&str, char)> {
    let unit = text.chars().last()?;
    let digits = text.strip_suffix(unit)?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((digits, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_and_its_unit_are_split_at_the_last_character() {
        assert_eq!(count_and_unit("24h"), Some(("24", 'h')));
        assert_eq!(count_and_unit("7日"), Some(("7", '日')));
        // The unit is any last character: whether it is one the caller knows is its own check.
        assert_eq!(count_and_unit("24"), Some(("2", '4')));
        for bad in ["", "h", "+3d", "1.5h", "3 d", "\u{354}", "é"] {
            assert_eq!(count_and_unit(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn collects_every_problem() {
        let mut p = Problems::default();
        p.text("name", "   ", true, 10);
        p.text("code", "abcdefghijk", true, 10);
        p.text("note", "a\u{0}b", false, 10);
        assert_eq!(p.for_field("name"), Some("required"));
        assert_eq!(p.for_field("code"), Some("too-long"));
        assert_eq!(p.for_field("note"), Some("control-chars"));
        assert_eq!(p.0.len(), 3);
    }

    #[test]
    fn optional_empty_is_fine_and_script_is_kept_as_text() {
        let mut p = Problems::default();
        assert_eq!(p.text("note", "", false, 10), "");
        assert_eq!(p.text("name", " <script>x</script> ", true, 100), "<script>x</script>");
        assert!(p.is_empty());
    }

    #[test]
    fn emails() {
        let mut p = Problems::default();
        assert_eq!(p.email("email", " Ana@Example.ORG "), "ana@example.org");
        assert!(p.is_empty());
        for bad in ["ana", "ana@org", "a@b@c.d", "<a>@b.c", "a@.org", "a b@c.d"] {
            let mut p = Problems::default();
            p.email("email", bad);
            assert_eq!(p.for_field("email"), Some("email"), "{bad}");
        }
    }

    #[test]
    fn password_length() {
        let mut p = Problems::default();
        p.new_password("password", "short");
        assert_eq!(p.for_field("password"), Some("password-short"));
        let mut p = Problems::default();
        p.new_password("password", "correct horse battery");
        assert!(p.is_empty());
    }
}
