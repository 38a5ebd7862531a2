//! Open Referral HSDS 3.0: the objects ([`model`]) and whole documents ([`document`]).

pub mod document;
pub mod model;

pub use document::{
    Dataset, Record, RecordKind, Shape, Unreadable, export_dataset, export_organization, export_service,
    infer_kind, parse_dataset,
};
pub use model::*;

/// What is wrong with an HSDS document or one of its records. `pointer` is the JSON pointer of
/// the record (`/services/3`, empty for a single-record document).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
    #[error("not an HSDS document shape Passerelle reads ({hint}); use a service, an organisation, an API page or a collections document")]
    UnsupportedShape { hint: String },
    #[error("the document holds no record")]
    Empty,
    #[error("{pointer}: not a JSON object")]
    NotAnObject { pointer: String },
    #[error("{pointer}: required field {field:?} is missing")]
    MissingField { pointer: String, field: String },
    #[error("{pointer}: field {field:?} has a wrong value: {message}")]
    BadValue { pointer: String, field: String, message: String },
    #[error("{pointer}: status {value:?} is not one of active, inactive, defunct, temporarily closed")]
    BadStatus { pointer: String, value: String },
    #[error("{pointer}: id {id:?} is not a UUID, which HSDS 3.0 requires")]
    BadId { pointer: String, id: String },
    #[error("{pointer}: id {id:?} is used twice in the dataset (first at {first})")]
    DuplicateId { pointer: String, id: String, first: String },
    #[error("{pointer}: {field} {value:?} is not an email address")]
    BadEmail { pointer: String, field: String, value: String },
    #[error("{pointer}: {field} {value:?} is not a web address")]
    BadUrl { pointer: String, field: String, value: String },
    #[error("{pointer}: {field} {value:?} is not a date (YYYY-MM-DD)")]
    BadDate { pointer: String, field: String, value: String },
    #[error("{pointer}: organisation {id:?} is neither in the dataset nor in the directory")]
    UnknownOrganization { pointer: String, id: String },
    #[error("{pointer}: organisation {id:?} is rejected, so its services are too")]
    OrganizationRejected { pointer: String, id: String },
    #[error("{pointer}: {code:?} is not a term of the {taxonomy} taxonomy")]
    UnknownTerm { pointer: String, taxonomy: String, code: String },
    #[error("{pointer}: minimum age {min} is above maximum age {max}")]
    AgeRange { pointer: String, min: String, max: String },
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Json { .. } => "invalid-json",
            ImportError::UnsupportedShape { .. } => "unsupported-shape",
            ImportError::Empty => "empty-dataset",
            ImportError::NotAnObject { .. } => "not-an-object",
            ImportError::MissingField { .. } => "missing-field",
            ImportError::BadValue { .. } => "bad-value",
            ImportError::BadStatus { .. } => "bad-status",
            ImportError::BadId { .. } => "bad-id",
            ImportError::DuplicateId { .. } => "duplicate-id",
            ImportError::BadEmail { .. } => "bad-email",
            ImportError::BadUrl { .. } => "bad-url",
            ImportError::BadDate { .. } => "bad-date",
            ImportError::UnknownOrganization { .. } => "unknown-organization",
            ImportError::OrganizationRejected { .. } => "organization-rejected",
            ImportError::UnknownTerm { .. } => "unknown-term",
            ImportError::AgeRange { .. } => "bad-age-range",
        }
    }
}

/// Reading the official HSDS files and validating against the schemas: for tests, here and
/// in other crates (feature `hsds-testkit`).
#[cfg(any(test, feature = "hsds-testkit"))]
pub mod testkit;
#[cfg(test)]
mod tests;
