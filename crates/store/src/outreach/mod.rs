//! Community outreach: activities and the people they reached ([`activities`]), awareness
//! campaigns and their materials ([`campaigns`]), edits that came too late ([`conflicts`]), individual follow-ups with consent
//! ([`follow_ups`]), figures ([`figures`]) and the spreadsheet import ([`import`]).
//!
//! The rules (codes, breakdowns adding up) are in `passerelle_core::outreach`.

pub mod activities;
pub mod campaigns;
pub mod conflicts;
pub mod demo;
pub mod figures;
pub mod follow_ups;
pub mod import;
