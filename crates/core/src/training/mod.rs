//! Training and capacity building, pure part: what a curriculum costs and who pays
//! ([`cost`]), the rules of sessions, enrolment and completion ([`session`]), and certificate
//! verification codes ([`certificate`]).

pub mod certificate;
pub mod cost;
pub mod session;

pub use certificate::{CertificateError, certificate_code, normalise_code, verify_code};
pub use cost::{
    CostError, CostKind, CostLine, Currency, CurriculumCost, Funding, LineCost, ModuleBudget,
    ModuleCost, Money, Payer, curriculum_cost, div_half_even, module_cost, scenarios, split,
};
pub use session::{
    Allocation, Completion, CompletionRule, EnrolmentRequest, SessionError, Viability, allocate,
    viability,
};
