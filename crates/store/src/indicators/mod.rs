//! Indicators over Passerelle's records, and quality assessments of member agencies.
//!
//! - [`dataset`]: the records of each entity a plan counts, read one at a time.
//! - [`compute`]: figures for periods (plans' tallies fed by one reading of the records), for
//!   everyone or for one agency's records.
//! - [`Figures`]: figures computed lately, kept for a few minutes so that dashboards and reports
//!   read the records once per period of freshness rather than once per view.
//! - [`assessments`]: the quality assessments, draft -> submitted -> validated.

pub mod assessments;
pub mod dataset;
pub mod demo;
pub mod history;

use crate::db::{Store, Tx};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use passerelle_core::indicators::{DateRange, GroupResult, QueryPlan, Tally, Value};
use crate::kept::Kept;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

/// One figure asked for: a plan's figures for a period, over every agency's records or over
/// one agency's only (by name, the records' `agency` field: an agency's own assessment).
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub plan: &'a QueryPlan,
    pub range: DateRange,
    pub agency: Option<&'a str>,
}

/// The figures of each ask, computed together: every entity they count is read once, each
/// record handed to every figure's tally and let go, so a report of twenty indicators reads
/// the cases once and holds no more than its groups' counts. The caller suppresses small
/// cells before showing them (`passerelle_core::indicators::publish`).
pub async fn compute(tx: &mut Tx, asks: &[Ask<'_>], now: DateTime<Utc>) -> StoreResult<Vec<Vec<GroupResult>>> {
    let mut entities = BTreeSet::new();
    let mut steps = false;
    for a in asks {
        entities.extend(dataset::entities(a.plan));
        steps |= dataset::uses_steps(a.plan);
    }
    let mut tallies: Vec<(Tally, Option<Value>)> = asks.iter().map(|a| (Tally::new(a.plan, a.range), a.agency.map(Value::text))).collect();
    dataset::read(tx, &entities, steps, now, &mut |entity, record| {
        for (tally, agency) in &mut tallies {
            if agency.as_ref().is_none_or(|a| record.fields.get("agency") == Some(a)) {
                tally.add(entity, record);
            }
        }
    })
    .await?;
    Ok(tallies.into_iter().map(|(t, _)| t.finish()).collect())
}

/// How long computed figures are shown before they are computed again, unless configured.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(300);

/// How long past its age a figure is still shown while it is computed again in the background;
/// older, the viewer waits for the computation.
pub const STALE_FOR: Duration = Duration::from_secs(3_600);

/// Figures kept at most this many at once (a plan, period and agency each); the oldest go first.
const KEPT_MAX: usize = 1_000;

/// Figures computed from the records as they were at `as_of`.
#[derive(Debug, Clone)]
pub struct Computed {
    pub results: Arc<Vec<GroupResult>>,
    pub as_of: DateTime<Utc>,
}

type FigureKey = (String, DateRange, Option<String>);

fn key(a: &Ask<'_>) -> FigureKey {
    // The plan's whole shape (entity, predicates, aggregation, breakdown) names the figure:
    // a changed definition is another figure.
    (format!("{:?}", a.plan), a.range, a.agency.map(str::to_string))
}

/// Figures computed lately, shared by every page and API call of the process. Indicators are
/// read by M&E officers, supervisors and donors about periods (a quarter, a year): a figure up
/// to `max_age` old (5 minutes by default) serves them, and pages say when it was computed.
/// Computing reads every record a plan counts, so at scale it is the costly part (seconds at
/// 100,000 cases): kept figures make a dashboard's views after the first cost a lookup, and a
/// figure past its age is shown as it was (up to [`STALE_FOR`]) while it is computed again in
/// the background, so that only the first view of a figure waits for it.
///
/// One computation runs at a time: requests asking for the same figure wait for the first
/// one and take its result rather than each reading the records again, so many people opening
/// dashboards at once do not each read the records.
pub struct Figures {
    computing: tokio::sync::Mutex<()>,
    kept: Kept<FigureKey, Computed>,
    /// Figures being computed again in the background, so that each is computed once.
    refreshing: std::sync::Mutex<std::collections::HashSet<FigureKey>>,
}

impl Figures {
    /// `max_age` zero computes every figure at every request (tests of figures after a write).
    pub fn new(max_age: Duration) -> Figures {
        Figures {
            computing: tokio::sync::Mutex::new(()),
            kept: Kept::new(max_age, KEPT_MAX).serving_stale(STALE_FOR),
            refreshing: std::sync::Mutex::new(std::collections::HashSet::new()),
        }
    }

    pub fn max_age(&self) -> Duration {
        self.kept.max_age()
    }

    /// The figures of each ask (see [`compute`]): kept ones, stale ones (with `stale_ok`) while
    /// they are computed again from `store` in the background, and those missing computed
    /// together now. Without `stale_ok` a stale figure is computed now: figures that are
    /// recorded (an assessment submitted) are never older than `max_age`.
    pub async fn get(self: &Arc<Self>, store: &Store, tx: &mut Tx, asks: &[Ask<'_>], now: DateTime<Utc>, stale_ok: bool) -> StoreResult<Vec<Computed>> {
        let keys: Vec<FigureKey> = asks.iter().map(key).collect();
        let usable = |k: &FigureKey| self.kept.latest(k).filter(|(_, fresh)| *fresh || stale_ok);
        let mut found: Vec<Option<Computed>> = Vec::with_capacity(asks.len());
        let mut stale = Vec::new();
        for (ask, k) in asks.iter().zip(&keys) {
            let latest = usable(k);
            if let Some((_, false)) = latest {
                stale.push((k.clone(), ask.plan.clone(), ask.range, ask.agency.map(str::to_string)));
            }
            found.push(latest.map(|(c, _)| c));
        }
        if !stale.is_empty() {
            self.refresh(store, stale);
        }
        if found.iter().any(Option::is_none) {
            let _turn = self.computing.lock().await;
            // Another request may have computed them while this one waited.
            for (f, k) in found.iter_mut().zip(&keys) {
                if f.is_none() {
                    *f = usable(k).map(|(c, _)| c);
                }
            }
            let missing: Vec<usize> = (0..asks.len()).filter(|i| found[*i].is_none()).collect();
            let asked: Vec<Ask> = missing.iter().map(|i| asks[*i]).collect();
            let results = compute(tx, &asked, now).await?;
            for (i, results) in missing.into_iter().zip(results) {
                let computed = Computed { results: Arc::new(results), as_of: now };
                self.kept.keep(keys[i].clone(), computed.clone());
                found[i] = Some(computed);
            }
        }
        Ok(found.into_iter().flatten().collect())
    }

    /// Computes these figures again in the background, in their own read of `store`, each
    /// unless it is being computed already.
    fn refresh(self: &Arc<Self>, store: &Store, stale: Vec<(FigureKey, QueryPlan, DateRange, Option<String>)>) {
        let stale: Vec<_> = {
            let mut refreshing = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
            stale.into_iter().filter(|(k, ..)| refreshing.insert(k.clone())).collect()
        };
        if stale.is_empty() {
            return;
        }
        let (figures, store) = (Arc::clone(self), store.clone());
        tokio::spawn(async move {
            let asks: Vec<Ask> = stale.iter().map(|(_, plan, range, agency)| Ask { plan, range: *range, agency: agency.as_deref() }).collect();
            let computed = {
                let _turn = figures.computing.lock().await;
                let now = crate::db::now();
                match store.read().await {
                    Ok(mut tx) => compute(&mut tx, &asks, now).await.map(|r| (r, now)),
                    Err(e) => Err(e),
                }
            };
            match computed {
                Ok((results, as_of)) => {
                    for ((k, ..), results) in stale.iter().zip(results) {
                        figures.kept.keep(k.clone(), Computed { results: Arc::new(results), as_of });
                    }
                }
                // The stale figures stay shown; the next view past their age tries again.
                Err(e) => tracing::warn!(error = %e, "indicator figures could not be computed again"),
            }
            let mut refreshing = figures.refreshing.lock().unwrap_or_else(|p| p.into_inner());
            for (k, ..) in &stale {
                refreshing.remove(k);
            }
        });
    }
}
