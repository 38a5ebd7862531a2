//! Counter-trafficking: the screening of presumed victims on the ILO-EC "Delphi" indicators
//! ([`screening`]), the Human Trafficking Case Data Standard fields a case keeps ([`htcds`]),
//! the CTDC-format anonymised export ([`ctdc`]) and the task-force tables ([`taskforce`]).
//!
//! Everything here is pure: definitions arrive as text, records as values; reading files and
//! storing results belongs to the store and the CLI.

pub mod ctdc;
pub mod htcds;
pub mod screening;
pub mod taskforce;
