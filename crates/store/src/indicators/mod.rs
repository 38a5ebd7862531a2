//! Indicators over Passerelle's records, and quality assessments of member agencies.
//!
//! - [`dataset`]: the records of each entity a plan counts, read into the core `Dataset`.
//! - [`compute`]: a plan's figures for a period (the core evaluator over that dataset), for
//!   everyone or for one agency's records.
//! - [`assessments`]: the quality assessments, draft -> submitted -> validated.

pub mod assessments;
pub mod dataset;
pub mod demo;
pub mod history;

use crate::db::Tx;
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use passerelle_core::indicators::{evaluate, DateRange, Dataset, GroupResult, QueryPlan, Value};

/// Keeps only the records of one agency (by name, the `agency` field), for an agency's own
/// figures in its assessment.
pub fn only_agency(mut data: Dataset, agency: &str) -> Dataset {
    let name = Value::text(agency);
    for records in data.records.values_mut() {
        records.retain(|r| r.fields.get("agency") == Some(&name));
    }
    data
}

/// The figures of `plan` for `range`, over every agency's records or over `agency`'s only.
/// The caller suppresses small cells before showing them (`passerelle_core::indicators::publish`).
pub async fn compute(tx: &mut Tx, plan: &QueryPlan, range: DateRange, agency: Option<&str>, now: DateTime<Utc>) -> StoreResult<Vec<GroupResult>> {
    let data = dataset::load(tx, &dataset::entities(plan), dataset::uses_steps(plan), now).await?;
    let data = match agency {
        Some(a) => only_agency(data, a),
        None => data,
    };
    Ok(evaluate(plan, &data, range))
}
