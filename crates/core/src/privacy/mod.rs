//! Anonymisation every export goes through: k-anonymity of record-level files ([`kanon`]) and
//! small-cell suppression of published tables ([`suppression`]); and sealing of personal data at
//! rest with blind indexes to search it ([`seal`]).
//!
//! The data are about trafficking victims, abuse survivors and children, in countries where a
//! handful of people a year are identified: a published figure of "1" can name someone. These
//! functions are the last gate before data leave the system.

pub mod kanon;
pub mod seal;
pub mod suppression;
