//! Passerelle's persistence: one repository layer, two backends.
//!
//! SQLite (an embedded file, the default) and PostgreSQL (for several stateless app nodes)
//! run the same SQL text through [`on_tx!`]: each query is written once and compiled for both
//! backends, so there is one code path to read and to test. Every read and write happens in a
//! [`Tx`]; write transactions on SQLite begin `IMMEDIATE` so that a read-then-write can never
//! fail half-way with `SQLITE_BUSY_SNAPSHOT`.

#[macro_use]
pub mod db;
pub mod agencies;
pub mod attachments;
pub mod audit;
pub mod cases;
pub mod consents;
pub mod communities;
pub mod demo;
pub mod demo_directory;
pub mod demo_trafficking;
pub mod directory;
pub mod error;
pub mod forms;
pub mod indicators;
pub mod need_terms;
pub mod outreach;
mod parsed;
pub mod kept;
pub mod references;
pub mod people;
pub mod referrals;
pub mod responses;
pub mod sealing;
pub mod secrets;
pub mod services_provided;
pub mod sessions;
pub mod sops;
pub mod tokens;
pub mod transfers;
pub mod trafficking;
pub mod training;
pub mod users;
pub mod case_plan;
pub mod functioning;
pub mod households;
pub mod rights;
pub mod visits;
pub mod retention;
pub mod exports;
mod files;
pub(crate) mod narratives;

pub use db::{Backend, Store, Tx};
pub use error::{StoreError, StoreResult};
