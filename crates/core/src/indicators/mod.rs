//! Quality referential, indicators and reporting, pure part.
//!
//! - [`schema`]: the entities and typed fields indicators may count, and the disaggregation
//!   [`Dimension`]s.
//! - [`syntax`] / [`compile`]: the definition language (documented in [`syntax`] and in
//!   `content/indicators/README.md`), parsed and type-checked into a backend-neutral
//!   [`QueryPlan`] the store turns into SQL. Users never write SQL.
//! - [`Tally`] / [`evaluate()`]: the semantics of a plan, computed as records go past (the store
//!   streams its records through tallies) or over records held in memory (the tests).
//! - [`Period`]: months, quarters, years and custom ranges of whole days.
//! - [`load_indicators`] / [`load_referential`]: indicator and referential files, every problem
//!   reported with file, line, column, field and code; the shipped ones are
//!   [`default_indicators`] and [`default_referential`].
//! - [`publish()`] / [`hxl_table`]: small-cell suppression of the counts behind each figure,
//!   then HXL-tagged rows for aggregate exports.

pub mod catalogue;
pub mod evaluate;
pub mod hxl;
pub mod period;
pub mod plan;
pub mod publish;
mod reader;
pub mod referential;
pub mod schema;
pub mod syntax;

pub use catalogue::{
    AnswerError, Direction, Indicator, IndicatorError, Measure, Qualitative, QualitativeAnswer,
    Quantitative, Rating, Thresholds, Unit, default_indicators, default_scale, load_indicators,
};
pub use evaluate::{Aggregated, Dataset, GroupResult, NotComputable, Outcome, Record, Tally, evaluate};
pub use period::{DateRange, Period, PeriodError, PeriodKind};
pub use plan::{
    AggregatePlan, Aggregation, Codes, DefinitionError, FieldRef, PeriodAnchor, Predicate,
    QueryPlan, Term, Value, compile,
};
pub use publish::{HxlTable, PublishedResult, hxl_table, publish};
pub use reader::{Diagnostic, LoadError};
pub use referential::{
    Domain, GeneralObjective, Principle, Referential, SpecificObjective, default_referential,
    load_referential,
};
pub use schema::{Dimension, Entity, Field, FieldType};
pub use syntax::{CompareOp, ParseError, parse};
