//! The service directory: who offers which service where, for whom, and how to reach it.
//!
//! The model is Open Referral HSDS 3.0 ([`hsds`]), so a directory moves in and out of Passerelle
//! without loss and validates against the official schemas. Passerelle's own meaning is carried
//! inside standard HSDS fields and read back by [`profile`]: need codes and protection
//! attributes are `attribute`s whose terms come from the taxonomies in `content/taxonomy/`
//! ([`taxonomy`]), admin areas are `service_areas[].uri`, verification is
//! `assured_date`/`assurer_email`.
//!
//! - import: [`hsds::parse_dataset`] then [`import::preview`] (create / update / reject, with
//!   every reason); spreadsheets through [`sheet::read_services_csv`] /
//!   [`sheet::read_services_xlsx`], whose good rows go through the same preview;
//! - export: [`hsds::export_service`], [`export::export_directory`];
//! - [`search`] scores services for accent-free, typo-tolerant queries in fr/en/es;
//! - [`coverage::compute`] gives the needs x areas matrix and its gaps;
//! - [`is_stale`]: an entry not verified for six months.
//!
//! Nothing here writes: the store applies an accepted preview in one transaction.

pub mod coverage;
pub mod export;
pub mod hours;
pub mod hsds;
pub mod ids;
pub mod import;
pub mod profile;
pub mod search;
pub mod sheet;
pub mod taxonomy;
pub mod text;

pub use profile::{STALE_AFTER_MONTHS, is_stale};
