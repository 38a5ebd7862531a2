//! Counter-trafficking: screening results and the referral they lead to ([`screening`]), the
//! HTCDS record of a trafficking case ([`record`]), and the task force's published figures
//! and CTDC export ([`taskforce`]).

pub mod record;
pub mod screening;
pub mod taskforce;

use crate::error::AppError;
use passerelle_core::trafficking::screening::{Definition, BUNDLED_DEFINITION};
use std::sync::LazyLock;

/// The screening definition the server scores with: the one Passerelle ships, read once.
static DEFINITION: LazyLock<Result<Definition, String>> =
    LazyLock::new(|| Definition::parse(BUNDLED_DEFINITION).map_err(|e| e.to_string()));

pub fn definition() -> Result<&'static Definition, AppError> {
    DEFINITION.as_ref().map_err(|e| AppError::Internal(format!("screening definition: {e}")))
}
