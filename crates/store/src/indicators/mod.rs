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
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use passerelle_core::indicators::{DateRange, GroupResult, QueryPlan, Tally, Value};
use crate::kept::Kept;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

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

/// How long a page waits for figures being computed before it says so and asks the reader to
/// come back (below the 30 s request timeout, so that a first view at national scale is told
/// why rather than cut off); the computation goes on.
pub const PATIENCE: Duration = Duration::from_secs(20);

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

/// A figure's computation as those waiting for it see it: `None` until it ends, then its
/// figures or why they could not be computed.
type Outcome = Option<Result<Computed, String>>;

/// Figures computed lately, shared by every page and API call of the process. Indicators are
/// read by M&E officers, supervisors and donors about periods (a quarter, a year): a figure up
/// to `max_age` old (5 minutes by default) serves them, and pages say when it was computed.
/// Computing reads every record a plan counts, so at scale it is the costly part (seconds at
/// 100,000 cases, about a minute at a million): kept figures make a dashboard's views after
/// the first cost a lookup, and a figure past its age is shown as it was (up to
/// [`STALE_FOR`]) while it is computed again in the background.
///
/// Every computation runs in the background, one at a time, each figure once: requests asking
/// for a figure being computed wait for that computation rather than read the records again,
/// so many people opening dashboards at once read the records once, and a request that gives
/// up (past [`PATIENCE`], or closed by the reader) leaves the computation to finish for the
/// next view.
pub struct Figures {
    computing: tokio::sync::Mutex<()>,
    kept: Kept<FigureKey, Computed>,
    /// Figures being computed, each with the channel its outcome comes on.
    pending: std::sync::Mutex<HashMap<FigureKey, watch::Receiver<Outcome>>>,
    patience: Duration,
}

/// Figures a background computation owns: they leave `pending` when it ends, however it ends.
struct Owned {
    figures: Arc<Figures>,
    keys: Vec<FigureKey>,
}

impl Drop for Owned {
    fn drop(&mut self) {
        let mut pending = self.figures.pending.lock().unwrap_or_else(|p| p.into_inner());
        for k in &self.keys {
            pending.remove(k);
        }
    }
}

impl Figures {
    /// `max_age` zero computes every figure at every request (tests of figures after a write).
    pub fn new(max_age: Duration) -> Figures {
        Figures {
            computing: tokio::sync::Mutex::new(()),
            kept: Kept::new(max_age, KEPT_MAX).serving_stale(STALE_FOR),
            pending: std::sync::Mutex::new(HashMap::new()),
            patience: PATIENCE,
        }
    }

    /// Requests wait at most `patience` for figures being computed (tests use zero).
    pub fn waiting_at_most(self, patience: Duration) -> Figures {
        Figures { patience, ..self }
    }

    pub fn max_age(&self) -> Duration {
        self.kept.max_age()
    }

    /// The figures of each ask (see [`compute`]): kept ones, stale ones (with `stale_ok`) while
    /// they are computed again from `store` in the background, and those missing once computed,
    /// all missing ones together. Without `stale_ok` a stale figure is waited for too: figures
    /// that are recorded (an assessment submitted) are never older than `max_age`. Figures
    /// still being computed after [`PATIENCE`] give [`StoreError::Computing`].
    pub async fn get(self: &Arc<Self>, store: &Store, asks: &[Ask<'_>], stale_ok: bool) -> StoreResult<Vec<Computed>> {
        let keys: Vec<FigureKey> = asks.iter().map(key).collect();
        let mut found: Vec<Option<Computed>> = vec![None; asks.len()];
        let mut wanted = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            match self.kept.latest(k) {
                Some((c, true)) => found[i] = Some(c),
                Some((c, false)) => {
                    wanted.push(i);
                    found[i] = stale_ok.then_some(c);
                }
                None => wanted.push(i),
            }
        }
        let outcomes = self.start(store, asks, &keys, &wanted);
        let deadline = tokio::time::Instant::now() + self.patience;
        for (i, mut outcome) in wanted.into_iter().zip(outcomes) {
            if found[i].is_some() {
                continue;
            }
            let ended = tokio::time::timeout_at(deadline, outcome.wait_for(Option::is_some)).await.map_err(|_| StoreError::Computing)?;
            let computed = match ended.as_deref() {
                Ok(Some(Ok(c))) => c.clone(),
                Ok(Some(Err(e))) => return Err(StoreError::Background(e.clone())),
                _ => return Err(StoreError::Background("the computation stopped".into())),
            };
            found[i] = Some(computed);
        }
        Ok(found.into_iter().flatten().collect())
    }

    /// Computes the figures of `asks` that are not kept fresh, in one reading of the records,
    /// and waits for them however long it takes: a server warms its dashboards' usual figures
    /// when it starts, so that their first viewer does not wait for a reading of every record
    /// (a minute at a million cases) or come back later.
    pub async fn warm(self: &Arc<Self>, store: &Store, asks: &[Ask<'_>]) -> StoreResult<()> {
        let keys: Vec<FigureKey> = asks.iter().map(key).collect();
        // `start` answers the figures kept fresh from the kept ones, and computes the others.
        let all: Vec<usize> = (0..asks.len()).collect();
        for mut outcome in self.start(store, asks, &keys, &all) {
            match outcome.wait_for(Option::is_some).await.as_deref() {
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(e))) => return Err(StoreError::Background(e.clone())),
                _ => return Err(StoreError::Background("the computation stopped".into())),
            }
        }
        Ok(())
    }

    /// Starts computing the figures of `asks[wanted]` in the background, in one reading of
    /// `store`, except those being computed already or kept fresh; gives the channel of each
    /// one's outcome.
    fn start(self: &Arc<Self>, store: &Store, asks: &[Ask<'_>], keys: &[FigureKey], wanted: &[usize]) -> Vec<watch::Receiver<Outcome>> {
        let mut outcomes = Vec::with_capacity(wanted.len());
        let mut started = Vec::new();
        {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            for &i in wanted {
                let k = &keys[i];
                if let Some(rx) = pending.get(k) {
                    outcomes.push(rx.clone());
                    continue;
                }
                // Computed since the caller looked: a computation keeps its figures before it
                // leaves `pending`, so one that ended is seen here and not started again.
                if let Some((c, true)) = self.kept.latest(k) {
                    outcomes.push(watch::channel(Some(Ok(c))).1);
                    continue;
                }
                let (sender, rx) = watch::channel(None);
                pending.insert(k.clone(), rx.clone());
                outcomes.push(rx);
                let a = asks[i];
                started.push((k.clone(), a.plan.clone(), a.range, a.agency.map(str::to_string), sender));
            }
        }
        if started.is_empty() {
            return outcomes;
        }
        let owned = Owned { figures: Arc::clone(self), keys: started.iter().map(|(k, ..)| k.clone()).collect() };
        let store = store.clone();
        tokio::spawn(async move {
            let figures = &owned.figures;
            let asks: Vec<Ask> = started.iter().map(|(_, plan, range, agency, _)| Ask { plan, range: *range, agency: agency.as_deref() }).collect();
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
                    for ((k, .., sender), results) in started.iter().zip(results) {
                        let c = Computed { results: Arc::new(results), as_of };
                        figures.kept.keep(k.clone(), c.clone());
                        sender.send_replace(Some(Ok(c)));
                    }
                }
                // Stale figures stay shown; the next view past their age tries again.
                Err(e) => {
                    tracing::warn!(error = %e, "indicator figures could not be computed");
                    for (.., sender) in &started {
                        sender.send_replace(Some(Err(e.to_string())));
                    }
                }
            }
            drop(owned);
        });
        outcomes
    }
}
