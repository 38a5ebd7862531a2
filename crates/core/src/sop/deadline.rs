//! When each step of a case falls due. Days are calendar days in the agency's time zone and a
//! step due on a day may be done until that day ends there, because that is how a caseworker
//! reads "within 3 days"; hours are elapsed time, because an emergency does not wait for
//! midnight or for a clock change.

use super::model::{Anchor, Period, RiskLevel, Sop};
use chrono::{DateTime, Days, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;

/// One step's deadline for one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepDue {
    pub step: String,
    pub period: Period,
    pub anchor: Anchor,
    /// The moment the deadline counts from, once known (the anchor step may not be done yet).
    pub counts_from: Option<DateTime<Utc>>,
    /// The last moment the step is on time; `None` while the anchor step is not completed.
    pub due: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// Where a step stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Completed on or before its due time.
    Done,
    /// Completed after its due time.
    DoneLate,
    /// Not started the clock yet: the step it counts from is not completed.
    Waiting,
    /// Open and still on time.
    Open,
    /// Open and past its due time.
    Overdue,
}

impl StepDue {
    pub fn status(&self, now: DateTime<Utc>) -> StepStatus {
        match (self.due, self.completed_at) {
            (Some(due), Some(done)) if done > due => StepStatus::DoneLate,
            (_, Some(_)) => StepStatus::Done,
            (None, None) => StepStatus::Waiting,
            (Some(due), None) if now > due => StepStatus::Overdue,
            (Some(_), None) => StepStatus::Open,
        }
    }
}

/// Each step's deadline for a case opened at `opened_at`, at risk level `risk`, with the steps
/// completed so far (`completed`: step id -> completion time), in the agency's time zone `tz`.
/// Steps come back in the SOP's order. Completion times of ids the SOP does not have are
/// ignored.
pub fn deadlines(
    sop: &Sop,
    opened_at: DateTime<Utc>,
    risk: RiskLevel,
    completed: &BTreeMap<String, DateTime<Utc>>,
    tz: Tz,
) -> Vec<StepDue> {
    sop.steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let period = step.deadline.period(risk);
            let counts_from = match &step.deadline.from {
                Anchor::Opening => Some(opened_at),
                // A loaded SOP never has `previous` on its first step; were it built by hand,
                // the opening is the only sensible reading.
                Anchor::Previous => match i.checked_sub(1) {
                    Some(p) => completed.get(&sop.steps[p].id).copied(),
                    None => Some(opened_at),
                },
                Anchor::Step(id) => completed.get(id).copied(),
            };
            StepDue {
                step: step.id.clone(),
                period,
                anchor: step.deadline.from.clone(),
                counts_from,
                due: counts_from.map(|t| due_at(t, period, tz)),
                completed_at: completed.get(&step.id).copied(),
            }
        })
        .collect()
}

/// The last moment a step counted from `from` is on time. `Hours(n)`: exactly n hours later.
/// `Days(n)`: the end (last second) of the local calendar day n days after `from`'s local day,
/// so `Days(0)` is the end of the same local day.
pub fn due_at(from: DateTime<Utc>, period: Period, tz: Tz) -> DateTime<Utc> {
    match period {
        Period::Hours(n) => from + Duration::hours(i64::from(n)),
        Period::Days(n) => {
            let local_day = from.with_timezone(&tz).date_naive();
            let next = local_day
                .checked_add_days(Days::new(u64::from(n) + 1))
                .unwrap_or(NaiveDate::MAX);
            start_of_day(tz, next) - Duration::seconds(1)
        }
    }
}

/// The first instant of a local day. Midnight itself may not exist (some zones change clocks
/// at 00:00) or may occur twice; take the first moment that exists, the earlier if twice.
fn start_of_day(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let mut t = day.and_time(NaiveTime::MIN);
    // Clock changes skip at most a few hours; step in 15 minutes, the finest offset in use.
    for _ in 0..(24 * 4) {
        match tz.from_local_datetime(&t) {
            LocalResult::Single(d) => return d.with_timezone(&Utc),
            LocalResult::Ambiguous(a, b) => return a.min(b).with_timezone(&Utc),
            LocalResult::None => t += Duration::minutes(15),
        }
    }
    // Unreachable for real zones; fall back to reading the day as UTC.
    Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN))
}
