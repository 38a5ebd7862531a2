//! Screening for trafficking on the ILO-EC "Delphi" operational indicators (2009).
//!
//! The indicator lists and the rules are data ([`Definition`], from
//! `content/trafficking/delphi-indicators.toml`), versioned; a [`ScreeningResult`] records the
//! version it was scored under. A dimension is positive on the combinations of the rules
//! (2 strong, 1 strong + 1 medium/weak, 3 medium, 2 medium + 1 weak); an adult is a presumed
//! victim when recruitment, exploitation and destination coercion/abuse of vulnerability are
//! all positive, a child when recruitment and exploitation are.

mod definition;
mod score;

pub use definition::{
    AgeGroup, BUNDLED_DEFINITION, Definition, DefinitionError, DefinitionProblem, Dimension,
    ExploitationForm, FormItem, Indicator, IndicatorList, Labels, Rating, Rules, Stage, Tier,
    TierCombination,
};
pub use score::{
    DimensionResult, FiredIndicator, GroupResult, Observation, Outcome, Recommendation, Screening,
    ScreeningError, ScreeningProblem, ScreeningResult,
};
