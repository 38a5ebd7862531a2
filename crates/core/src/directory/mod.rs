//! The service directory: who offers which service where, for whom, and how to reach it.
//!
//! The model is Open Referral HSDS 3.0 ([`hsds`]), so a directory moves in and out of Passerelle
//! without loss. Passerelle's own meaning (need codes, protection attributes, admin areas,
//! verification) is carried inside standard HSDS fields; [`profile`] reads it back.

pub mod hsds;
pub mod ids;
pub mod taxonomy;
pub mod text;
pub mod profile;
pub mod import;
pub mod hours;
pub mod sheet;
pub mod coverage;
pub mod search;
pub mod export;
