//! Helpers for HTML forms: translated field errors and safe redirects.

use crate::i18n::Tr;
use passerelle_core::validate::Problems;

/// "Email: this address is already used" — the field's label, then the problem.
pub fn field_message(tr: &Tr, field: &str, code: &str) -> String {
    let label_id = format!("field-{}", field.replace('_', "-"));
    let label = if tr.has(&label_id) { tr.t(&label_id) } else { field.to_string() };
    tr.t1(&format!("error-field-{code}"), "field", label)
}

/// The errors of a form, ready for a template: a summary at the top, a message per field.
#[derive(Default, Clone)]
pub struct FormErrors {
    pub items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn from_problems(tr: &Tr, p: &Problems) -> FormErrors {
        FormErrors {
            items: p.0.iter().map(|e| (e.field.clone(), field_message(tr, &e.field, e.code))).collect(),
        }
    }
    pub fn one(tr: &Tr, field: &str, code: &'static str) -> FormErrors {
        let mut p = Problems::default();
        p.add(field, code);
        Self::from_problems(tr, &p)
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
}

/// A place to go back to after a form: only a path on this site, never another origin.
pub fn local_path(candidate: &str, fallback: &str) -> String {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(|c| c.is_control());
    if ok { candidate.to_string() } else { fallback.to_string() }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths() {
        assert_eq!(local_path("/admin/users?x=1", "/"), "/admin/users?x=1");
        assert_eq!(local_path("//evil.example/x", "/"), "/");
        assert_eq!(local_path("https://evil.example", "/"), "/");
        assert_eq!(local_path("/\\evil.example", "/"), "/");
        assert_eq!(local_path("", "/dashboard"), "/dashboard");
    }
}

/// Reads the file sent as field `name` of a multipart upload: its file name and bytes, or
/// `None` when the form has no such field. A body over the route's limit is a 413, any other
/// broken stream a 400 naming what went wrong.
pub async fn uploaded_file(mut multipart: axum::extract::Multipart, name: &str) -> Result<Option<(String, Vec<u8>)>, crate::error::AppError> {
    use crate::error::AppError;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest { key: "error-upload", detail: e.body_text() }
        }
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some(name) {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(unreadable)?;
            file = Some((file_name, bytes.to_vec()));
        }
    }
    Ok(file)
}
