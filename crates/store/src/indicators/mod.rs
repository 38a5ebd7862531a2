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
use passerelle_core::indicators::{evaluate, DateRange, Dataset, Entity, GroupResult, QueryPlan, Value};
use std::collections::BTreeSet;

/// Keeps only the records of one agency (by name, the `agency` field), for an agency's own
/// figures in its assessment.
pub fn only_agency(data: &Dataset, agency: &str) -> Dataset {
    let name = Value::text(agency);
    let records = data
        .records
        .iter()
        .map(|(entity, records)| (*entity, records.iter().filter(|r| r.fields.get("agency") == Some(&name)).cloned().collect()))
        .collect();
    Dataset { records }
}

/// The records last read for one page: a report or an assessment of many indicators, or a
/// figure and its previous period, reads a set of records once for the figures in a row that
/// count the same records, rather than once per figure. Only the last set is kept, so a page
/// never holds more records at once than its largest figure needs.
#[derive(Default)]
pub struct Datasets(Option<(BTreeSet<Entity>, bool, Dataset)>);

impl Datasets {
    async fn for_plan(&mut self, tx: &mut Tx, plan: &QueryPlan, now: DateTime<Utc>) -> StoreResult<&Dataset> {
        let entities = dataset::entities(plan);
        let steps = dataset::uses_steps(plan);
        // A set for other records is dropped here, before the next is read.
        let set = match self.0.take().filter(|(e, s, _)| *e == entities && *s == steps) {
            Some(set) => set,
            None => {
                let data = dataset::load(tx, &entities, steps, now).await?;
                (entities, steps, data)
            }
        };
        Ok(&self.0.insert(set).2)
    }
}

/// The figures of `plan` for `range`, over every agency's records or over `agency`'s only,
/// reading the records into `sets` unless they are there already. The caller suppresses small
/// cells before showing them (`passerelle_core::indicators::publish`).
pub async fn compute(tx: &mut Tx, sets: &mut Datasets, plan: &QueryPlan, range: DateRange, agency: Option<&str>, now: DateTime<Utc>) -> StoreResult<Vec<GroupResult>> {
    let data = sets.for_plan(tx, plan, now).await?;
    Ok(match agency {
        Some(a) => evaluate(plan, &only_agency(data, a), range),
        None => evaluate(plan, data, range),
    })
}
