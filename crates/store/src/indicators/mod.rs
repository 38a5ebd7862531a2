//! Indicators over Passerelle's records, and quality assessments of member agencies.
//!
//! - [`dataset`]: the records of each entity a plan counts, read into the core `Dataset`.
//! - [`compute`]: a plan's figures for a period (the core evaluator over that dataset), for
//!   everyone or for one agency's records.
//! - [`Figures`]: figures computed lately, kept for a few minutes so that dashboards and reports
//!   read the records once per period of freshness rather than once per view.
//! - [`assessments`]: the quality assessments, draft -> submitted -> validated.

pub mod assessments;
pub mod dataset;
pub mod demo;
pub mod history;

use crate::db::Tx;
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use passerelle_core::indicators::{evaluate, DateRange, Dataset, Entity, GroupResult, QueryPlan, Value};
use crate::kept::Kept;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

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

/// How long computed figures are shown before they are computed again, unless configured.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(300);

/// Figures kept at most this many at once (a plan, period and agency each); the oldest go first.
const KEPT_MAX: usize = 1_000;

/// Figures computed from the records as they were at `as_of`.
#[derive(Debug, Clone)]
pub struct Computed {
    pub results: Arc<Vec<GroupResult>>,
    pub as_of: DateTime<Utc>,
}

type FigureKey = (String, DateRange, Option<String>);

/// Figures computed lately, shared by every page and API call of the process. Indicators are
/// read by M&E officers, supervisors and donors about periods (a quarter, a year): a figure up
/// to `max_age` old (5 minutes by default) serves them, and pages say when it was computed.
/// Computing reads every record a plan counts, so at scale it is the costly part; kept figures
/// make a dashboard's views after the first cost a lookup.
///
/// One computation runs at a time: requests asking for the same figure wait for the first
/// one and take its result rather than each reading the records again, so many people opening
/// dashboards at once do not each read the records (a request keeps the last set it read, for
/// its next figures, until it ends).
pub struct Figures {
    computing: tokio::sync::Mutex<()>,
    kept: Kept<FigureKey, Computed>,
}

impl Figures {
    /// `max_age` zero computes every figure at every request (tests of figures after a write).
    pub fn new(max_age: Duration) -> Figures {
        Figures { computing: tokio::sync::Mutex::new(()), kept: Kept::new(max_age, KEPT_MAX) }
    }

    pub fn max_age(&self) -> Duration {
        self.kept.max_age()
    }

    /// The figures of `plan` for `range` (see [`compute`]), kept ones while they are fresh.
    pub async fn get(&self, tx: &mut Tx, sets: &mut Datasets, plan: &QueryPlan, range: DateRange, agency: Option<&str>, now: DateTime<Utc>) -> StoreResult<Computed> {
        // The plan's whole shape (entity, predicates, aggregation, breakdown) names the figure:
        // a changed definition is another figure.
        let key = (format!("{plan:?}"), range, agency.map(str::to_string));
        if let Some(c) = self.kept.fresh(&key) {
            return Ok(c);
        }
        let _turn = self.computing.lock().await;
        if let Some(c) = self.kept.fresh(&key) {
            return Ok(c);
        }
        let results = compute(tx, sets, plan, range, agency, now).await?;
        let computed = Computed { results: Arc::new(results), as_of: now };
        self.kept.keep(key, computed.clone());
        Ok(computed)
    }
}
