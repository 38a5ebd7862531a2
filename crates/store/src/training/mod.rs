//! Training and capacity building: curricula of modules and what they cost ([`curricula`]),
//! sessions, participants, enrolment, attendance and test scores ([`sessions`]), certificates
//! and their public verification ([`certificates`]), and what the programme achieved: who is
//! trained on which SOP, figures by agency, role, sex and module ([`figures`]).
//!
//! The rules themselves (cost arithmetic, who gets a seat, completion, verification codes) are
//! in `passerelle_core::training`; this module stores and reads, and applies them to rows.

pub mod certificates;
pub mod curricula;
pub mod demo;
pub mod figures;
pub mod sessions;

pub use curricula::{Curriculum, CurriculumInput, Module, ModuleInput, CostLineRow, CostLineInput};
pub use sessions::{Enrolment, Participant, Session, SessionDay, SessionInput};
