//! Passerelle's domain, pure: no I/O, no async, no SQL.
//!
//! Every other crate speaks these types: who may do what ([`access`]), how the audit chain is
//! hashed and verified ([`audit`]), which languages exist and how one is chosen ([`lang`]),
//! and how dates and numbers are written for a reader ([`format`]).

pub mod access;
pub mod audit;
pub mod diagnostic;
pub mod directory;
pub mod format;
pub mod forms;
pub mod indicators;
pub mod lang;
pub mod sop;
pub mod privacy;
pub mod referral;
pub mod trafficking;
pub mod training;
pub mod matching;
pub mod outreach;
pub mod people_sheet;
pub mod spreadsheet;
pub mod validate;
pub mod functioning;
pub mod household;
