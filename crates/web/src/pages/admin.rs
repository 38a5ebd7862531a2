//! Administration: agencies, teams and areas; users and roles; the audit log; security policy.

pub mod agencies;
pub mod audit;
pub mod policy;
pub mod retention;
pub mod rights;
pub mod users;

use crate::error::AppError;
use passerelle_core::validate::Problems;
use uuid::Uuid;

/// An optional id from a form's `<select>`: empty means none; anything else must be an id.
pub fn optional_id(field: &str, value: &str, p: &mut Problems) -> Option<Uuid> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match Uuid::parse_str(v) {
        Ok(id) => Some(id),
        Err(_) => {
            p.add(field, "unknown-choice");
            None
        }
    }
}

pub fn invalid_if_any(p: Problems) -> Result<(), AppError> {
    if p.is_empty() { Ok(()) } else { Err(AppError::Invalid(p)) }
}
