//! Referral figures: how many were sent, what became of them, how fast services answered and
//! served, by any one breakdown (agency, service, need, SOP, sex, age band, migration status).
//!
//! The counts form a cross-table (one row per group, one column per fate, the row total being
//! the referrals sent), published through small-cell suppression with its complements
//! ([`crate::privacy::suppression`]), so no small group can be recovered by subtraction. Rates
//! and medians are shown only for a group whose counts are published.

use crate::privacy::suppression::{CrossTable, SuppressedTable, SuppressionError, suppress};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

use super::Status;

/// One referral as the figures need it; `group` is its value of the breakdown asked for.
#[derive(Debug, Clone)]
pub struct Record {
    pub group: String,
    pub status: Status,
    pub sent_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// What became of a referral: the columns of the table, which partition the referrals sent.
pub const FATES: &[&str] = &["awaiting", "active", "completed", "rejected", "ended_otherwise"];

fn fate(status: Status) -> usize {
    match status {
        Status::Draft | Status::Requested => 0,
        Status::Accepted | Status::InProgress | Status::OnHold => 1,
        Status::Completed => 2,
        Status::Rejected => 3,
        Status::Cancelled | Status::Failed => 4,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupFigures {
    pub group: String,
    /// Accepted at some point / answered (accepted or rejected), in per cent.
    pub acceptance_rate: Option<f64>,
    /// Completed / accepted at some point, in per cent.
    pub completion_rate: Option<f64>,
    pub median_hours_to_acceptance: Option<f64>,
    pub median_days_to_completion: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub table: SuppressedTable,
    pub groups: Vec<GroupFigures>,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

fn percent(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| (num as f64) * 100.0 / den as f64)
}

/// Computes the figures of sent referrals (drafts are not sent and are left out).
pub fn compute(records: &[Record], threshold: u64) -> Result<Figures, SuppressionError> {
    let sent: Vec<&Record> = records.iter().filter(|r| r.status != Status::Draft).collect();
    let mut by_group: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for r in &sent {
        by_group.entry(r.group.as_str()).or_default().push(r);
    }
    let row_labels: Vec<String> = by_group.keys().map(|g| g.to_string()).collect();
    let cells: Vec<Vec<u64>> = by_group
        .values()
        .map(|rs| {
            let mut row = vec![0u64; FATES.len()];
            for r in rs {
                row[fate(r.status)] += 1;
            }
            row
        })
        .collect();
    let table = suppress(&CrossTable { row_labels, column_labels: FATES.iter().map(|s| s.to_string()).collect(), cells }, threshold)?;
    let groups = by_group
        .iter()
        .enumerate()
        .map(|(i, (g, rs))| {
            let shown = !table.row_totals[i].is_suppressed() && table.cells[i].iter().all(|c| !c.is_suppressed());
            let accepted_ever = rs.iter().filter(|r| r.accepted_at.is_some()).count() as u64;
            let rejected = rs.iter().filter(|r| r.status == Status::Rejected).count() as u64;
            let completed = rs.iter().filter(|r| r.status == Status::Completed).count() as u64;
            let to_accept = rs.iter().filter_map(|r| Some((r.accepted_at? - r.sent_at?).num_minutes() as f64 / 60.0)).collect();
            let to_complete = rs.iter().filter_map(|r| Some((r.completed_at? - r.sent_at?).num_minutes() as f64 / 1440.0)).collect();
            GroupFigures {
                group: g.to_string(),
                acceptance_rate: shown.then(|| percent(accepted_ever, accepted_ever + rejected)).flatten(),
                completion_rate: shown.then(|| percent(completed, accepted_ever)).flatten(),
                median_hours_to_acceptance: shown.then(|| median(to_accept)).flatten(),
                median_days_to_completion: shown.then(|| median(to_complete)).flatten(),
            }
        })
        .collect();
    Ok(Figures { table, groups })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> Option<DateTime<Utc>> {
        Some(DateTime::<Utc>::from_timestamp(1_700_000_000 + h * 3600, 0).unwrap())
    }

    fn r(group: &str, status: Status, accepted_h: Option<i64>, completed_h: Option<i64>) -> Record {
        Record { group: group.into(), status, sent_at: t(0), accepted_at: accepted_h.and_then(t), completed_at: completed_h.and_then(t) }
    }

    fn big_group() -> Vec<Record> {
        let mut v = Vec::new();
        for i in 0..6 {
            v.push(r("a", Status::Completed, Some(i + 1), Some(48)));
        }
        for _ in 0..6 {
            v.push(r("a", Status::Rejected, None, None));
        }
        for _ in 0..6 {
            v.push(r("a", Status::InProgress, Some(10), None));
        }
        for _ in 0..6 {
            v.push(r("a", Status::Requested, None, None));
        }
        for _ in 0..6 {
            v.push(r("a", Status::Cancelled, None, None));
        }
        v
    }

    #[test]
    fn rates_and_medians_of_a_published_group() {
        let mut v = big_group();
        v.push(r("a", Status::Draft, None, None));
        let f = compute(&v, 5).unwrap();
        assert_eq!(f.table.row_totals[0], crate::privacy::suppression::Published::Count(30), "drafts are not sent");
        let g = &f.groups[0];
        // Accepted at some point: 6 completed + 6 in progress; answered: those + 6 rejected.
        assert_eq!(g.acceptance_rate, Some(12.0 * 100.0 / 18.0));
        assert_eq!(g.completion_rate, Some(50.0));
        // Hours to acceptance: 1..6 and six 10s → median of [1,2,3,4,5,6,10,...] = (6+10)/2.
        assert_eq!(g.median_hours_to_acceptance, Some(8.0));
        assert_eq!(g.median_days_to_completion, Some(2.0));
    }

    #[test]
    fn small_groups_show_no_count_rate_or_median() {
        let mut v = big_group();
        v.push(r("b", Status::Completed, Some(1), Some(24)));
        v.push(r("b", Status::Rejected, None, None));
        let f = compute(&v, 5).unwrap();
        let b = f.table.row_labels.iter().position(|l| l == "b").unwrap();
        assert!(f.table.row_totals[b].is_suppressed());
        assert_eq!(f.groups[b].acceptance_rate, None);
        assert_eq!(f.groups[b].median_days_to_completion, None);
        // The grand total minus group a would give b: so the grand total (or a) is hidden too.
        let a = 1 - b;
        assert!(f.table.grand_total.is_suppressed() || f.table.row_totals[a].is_suppressed());
    }

    #[test]
    fn no_answer_means_no_rate() {
        let v: Vec<Record> = (0..6).map(|_| r("a", Status::Requested, None, None)).collect();
        let f = compute(&v, 5).unwrap();
        assert_eq!(f.groups[0].acceptance_rate, None);
        assert_eq!(f.groups[0].completion_rate, None);
    }
}
