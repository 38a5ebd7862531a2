//! Closed-loop referrals, pure part.
//!
//! - [`lifecycle`]: the statuses a referral goes through (HL7 FHIR Task statuses, as the Gravity
//!   Project's referral profile uses them), who may move it from one to the next, and the
//!   response deadline set by its urgency.
//! - [`sharing`]: the fields of a person and a case a referrer may choose to share; the receiver
//!   sees only those.
//! - [`suggest`]: which directory services fit a referral, best first, with the reasons.
//! - [`figures`]: acceptance and completion rates and median delays over referral records.

pub mod figures;
pub mod lifecycle;
pub mod sharing;
pub mod suggest;

pub use lifecycle::{LEGAL_GROUNDS, Side, Status, TransitionError, Urgency, check_transition, need_of_target};
pub use sharing::{SHAREABLE, Shared};
pub use suggest::{Candidate, Request, Suggestion, suggest};
