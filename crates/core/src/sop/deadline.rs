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
        // Checked: an absurd period in a file must not crash the case page.
        Period::Hours(n) => from
            .checked_add_signed(Duration::hours(i64::from(n)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
        Period::Days(n) => {
            let local_day = from.with_timezone(&tz).date_naive();
            let next =
                local_day.checked_add_days(Days::new(u64::from(n) + 1)).unwrap_or(NaiveDate::MAX);
            start_of_day(tz, next)
                .checked_sub_signed(Duration::seconds(1))
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sop::{Known, load};
    use chrono_tz::{Africa::Casablanca, America::Dominica, America::Santiago, Europe::Luxembourg};

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// Three steps: from opening, from the previous step, from the first step by name.
    const SOP: &str = r#"id = "t"
version = 1
service_area = "child_protection"
roles = ["caseworker", "supervisor"]
title = { fr = "T", en = "T", es = "T" }
summary = { fr = "T", en = "T", es = "T" }

[[steps]]
id = "register"
phase = "identification"
role = "caseworker"
title = { fr = "a", en = "a", es = "a" }
action = { fr = "a", en = "a", es = "a" }
deadline = { from = "opening", low = "3d", medium = "2d", high = "24h", critical = "4h" }

[[steps]]
id = "plan"
phase = "case_plan"
role = "caseworker"
title = { fr = "b", en = "b", es = "b" }
action = { fr = "b", en = "b", es = "b" }
deadline = { from = "previous", low = "14d", medium = "7d", high = "3d", critical = "0d" }

[[steps]]
id = "close"
phase = "closure"
role = "caseworker"
title = { fr = "c", en = "c", es = "c" }
action = { fr = "c", en = "c", es = "c" }
deadline = { from = "register", low = "90d", medium = "60d", high = "30d", critical = "30d" }

[[steps.closure_criteria]]
fr = "x"
en = "x"
es = "x"
"#;

    fn sop() -> Sop {
        load("t.toml", SOP, &Known::default()).unwrap()
    }

    #[test]
    fn each_risk_level_has_its_own_deadline() {
        let opened = utc("2026-11-25T14:00:00Z"); // 10:00 in Dominica (UTC-4, no DST)
        let got: Vec<DateTime<Utc>> = RiskLevel::ALL
            .iter()
            .map(|r| deadlines(&sop(), opened, *r, &BTreeMap::new(), Dominica)[0].due.unwrap())
            .collect();
        assert_eq!(
            got,
            vec![
                utc("2026-11-29T03:59:59Z"), // low, 3 days: end of 28 Nov local
                utc("2026-11-28T03:59:59Z"), // medium, 2 days: end of 27 Nov local
                utc("2026-11-26T14:00:00Z"), // high, 24 hours
                utc("2026-11-25T18:00:00Z"), // critical, 4 hours
            ]
        );
    }

    #[test]
    fn later_steps_wait_for_the_step_they_count_from() {
        let opened = utc("2026-11-25T14:00:00Z");
        let none = deadlines(&sop(), opened, RiskLevel::High, &BTreeMap::new(), Dominica);
        assert_eq!(none[1].due, None);
        assert_eq!(none[1].status(opened), StepStatus::Waiting);
        assert_eq!(none[2].due, None, "close counts from register, not done yet");

        let mut done = BTreeMap::new();
        done.insert("register".to_string(), utc("2026-11-26T02:30:00Z")); // 25 Nov 22:30 local
        let d = deadlines(&sop(), opened, RiskLevel::High, &done, Dominica);
        assert_eq!(d[0].status(opened), StepStatus::Done);
        // 3 days after the local day of completion (25 Nov), not of the UTC day (26 Nov).
        assert_eq!(d[1].counts_from, Some(utc("2026-11-26T02:30:00Z")));
        assert_eq!(d[1].due, Some(utc("2026-11-29T03:59:59Z")));
        assert_eq!(d[2].due, Some(utc("2026-12-26T03:59:59Z")));
        // Critical: 0 days means by the end of the same local day.
        let c = deadlines(&sop(), opened, RiskLevel::Critical, &done, Dominica);
        assert_eq!(c[1].due, Some(utc("2026-11-26T03:59:59Z")));
    }

    #[test]
    fn statuses() {
        let opened = utc("2026-11-25T14:00:00Z");
        let mut done = BTreeMap::new();
        done.insert("register".to_string(), utc("2026-11-27T00:00:00Z"));
        let d = deadlines(&sop(), opened, RiskLevel::High, &done, Dominica);
        assert_eq!(d[0].status(opened), StepStatus::DoneLate, "24h was 26 Nov 14:00Z");
        assert_eq!(d[1].status(utc("2026-11-28T00:00:00Z")), StepStatus::Open);
        assert_eq!(d[1].status(utc("2026-12-02T00:00:00Z")), StepStatus::Overdue);
        // Completion times of unknown steps are ignored.
        done.insert("nope".to_string(), opened);
        assert_eq!(deadlines(&sop(), opened, RiskLevel::High, &done, Dominica).len(), 3);
    }

    #[test]
    fn days_follow_the_local_calendar_across_a_spring_dst_change() {
        // Luxembourg moves from UTC+1 to UTC+2 on 29 March 2026 at 02:00.
        let from = utc("2026-03-28T09:00:00Z"); // 10:00 local
        assert_eq!(due_at(from, Period::Days(1), Luxembourg), utc("2026-03-29T21:59:59Z"));
        assert_eq!(due_at(from, Period::Days(0), Luxembourg), utc("2026-03-28T22:59:59Z"));
        // Hours are elapsed time: 24h later reads 11:00 on the local clock.
        let h = due_at(from, Period::Hours(24), Luxembourg);
        assert_eq!(h, utc("2026-03-29T09:00:00Z"));
        assert_eq!(h.with_timezone(&Luxembourg).format("%H:%M").to_string(), "11:00");
    }

    #[test]
    fn days_follow_the_local_calendar_across_an_autumn_dst_change() {
        // Back from UTC+2 to UTC+1 on 25 October 2026 at 03:00.
        let from = utc("2026-10-24T20:00:00Z"); // 22:00 local
        assert_eq!(due_at(from, Period::Days(1), Luxembourg), utc("2026-10-25T22:59:59Z"));
        // 12 elapsed hours from 22:00 read 09:00, not 10:00: the clock went back an hour.
        let h = due_at(from, Period::Hours(12), Luxembourg);
        assert_eq!(h.with_timezone(&Luxembourg).format("%H:%M").to_string(), "09:00");
    }

    #[test]
    fn the_local_day_decides_not_the_utc_day() {
        // 23:30Z on 1 Dec is 00:30 on 2 Dec in Luxembourg: the local day (2 Dec) counts.
        let from = utc("2026-12-01T23:30:00Z");
        assert_eq!(due_at(from, Period::Days(1), Luxembourg), utc("2026-12-03T22:59:59Z"));
        // The same instant in Dominica is 19:30 on 1 Dec.
        assert_eq!(due_at(from, Period::Days(1), Dominica), utc("2026-12-03T03:59:59Z"));
    }

    #[test]
    fn casablanca_ramadan_clock_changes() {
        // Morocco keeps UTC+1 but goes back to UTC+0 during Ramadan; find the 2026 changes
        // from the time zone database rather than hard-coding them.
        let offset = |t: DateTime<Utc>| {
            use chrono::Offset;
            t.with_timezone(&Casablanca).offset().fix().local_minus_utc()
        };
        let start = utc("2026-01-01T00:00:00Z");
        let mut t = start;
        let mut changes = Vec::new();
        while t < utc("2026-06-01T00:00:00Z") {
            let next = t + Duration::hours(1);
            if offset(next) != offset(t) {
                changes.push((next, offset(t), offset(next)));
            }
            t = next;
        }
        assert_eq!(changes.len(), 2, "two Ramadan changes in 2026: {changes:?}");
        let (back, before, after) = changes[0];
        assert_eq!((before, after), (3600, 0));
        // A case opened the day before the first change: one day counts to the end of the
        // next local day, whose midnight is at UTC+0.
        let opened = back - Duration::hours(24);
        let due = due_at(opened, Period::Days(1), Casablanca);
        let local = due.with_timezone(&Casablanca);
        assert_eq!(local.format("%H:%M:%S").to_string(), "23:59:59");
        assert_eq!(
            local.date_naive(),
            opened.with_timezone(&Casablanca).date_naive() + Days::new(1)
        );
        assert_eq!(offset(due), 0);
        // Hours ignore the change.
        assert_eq!(due_at(opened, Period::Hours(48), Casablanca), opened + Duration::hours(48));
    }

    #[test]
    fn a_day_whose_midnight_does_not_exist() {
        // Chile springs forward at 24:00 on the first Saturday of September: 6 Sep 2026 starts
        // at 01:00 local. The day before must still end one second before that.
        let from = utc("2026-09-05T15:00:00Z"); // 5 Sep, 11:00 local (UTC-4)
        let due = due_at(from, Period::Days(0), Santiago);
        assert_eq!(due, utc("2026-09-06T03:59:59Z"));
        assert_eq!(
            start_of_day(Santiago, NaiveDate::from_ymd_opt(2026, 9, 6).unwrap()),
            utc("2026-09-06T04:00:00Z")
        );
    }

    #[test]
    fn absurd_periods_do_not_crash() {
        let from = utc("2026-01-01T00:00:00Z");
        // u32::MAX hours is past the last date chrono can hold.
        assert_eq!(due_at(from, Period::Hours(u32::MAX), Luxembourg), DateTime::<Utc>::MAX_UTC);
        assert!(due_at(from, Period::Days(u32::MAX), Luxembourg) > from);
        assert_eq!(
            due_at(DateTime::<Utc>::MAX_UTC, Period::Hours(1), Dominica),
            DateTime::<Utc>::MAX_UTC
        );
    }
}
