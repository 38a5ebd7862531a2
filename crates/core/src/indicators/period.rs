//! Reporting periods: a month, a quarter, a year or a custom range of whole days.
//!
//! Every period is a closed range of calendar dates `[start, end]` (both days included), so a
//! record dated on the last day of March is in Q1, and February has 29 days in leap years.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    Custom,
}

impl PeriodKind {
    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
            PeriodKind::Custom => "custom",
        }
    }

    pub fn from_code(s: &str) -> Option<PeriodKind> {
        [
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Year,
            PeriodKind::Custom,
        ]
        .into_iter()
        .find(|k| k.code() == s)
    }
}

/// A reporting period. Build one with [`Period::parse`] or [`Period::containing`]; both check
/// the values, so [`Period::range`] of a period built that way always succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Year(i32),
    Custom { start: NaiveDate, end: NaiveDate },
}

/// Days `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// Days in the range, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum PeriodError {
    #[error("{0:?} is not a period: write 2025, 2025-Q1, 2025-03 or 2025-01-01..2025-06-30")]
    Unreadable(String),
    #[error("month {0} does not exist")]
    BadMonth(u32),
    #[error("quarter {0} does not exist (1 to 4)")]
    BadQuarter(u32),
    #[error("year {0} is out of range")]
    BadYear(i32),
    #[error("the period ends ({end}) before it starts ({start})")]
    EndsBeforeStart { start: NaiveDate, end: NaiveDate },
}

impl PeriodError {
    pub fn code(&self) -> &'static str {
        match self {
            PeriodError::Unreadable(_) => "period-unreadable",
            PeriodError::BadMonth(_) => "period-bad-month",
            PeriodError::BadQuarter(_) => "period-bad-quarter",
            PeriodError::BadYear(_) => "period-bad-year",
            PeriodError::EndsBeforeStart { .. } => "period-ends-before-start",
        }
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, PeriodError> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or(PeriodError::BadYear(year))
}

/// The last day of a month: the day before the first of the next one.
fn month_end(year: i32, month: u32) -> Result<NaiveDate, PeriodError> {
    let (y, m) = if month == 12 {
        (year.checked_add(1).ok_or(PeriodError::BadYear(year))?, 1)
    } else {
        (year, month + 1)
    };
    ymd(y, m, 1)?.pred_opt().ok_or(PeriodError::BadYear(year))
}

impl Period {
    pub fn kind(&self) -> PeriodKind {
        match self {
            Period::Month { .. } => PeriodKind::Month,
            Period::Quarter { .. } => PeriodKind::Quarter,
            Period::Year(_) => PeriodKind::Year,
            Period::Custom { .. } => PeriodKind::Custom,
        }
    }

    pub fn range(&self) -> Result<DateRange, PeriodError> {
        let (start, end) = match *self {
            Period::Month { year, month } => {
                if !(1..=12).contains(&month) {
                    return Err(PeriodError::BadMonth(month));
                }
                (ymd(year, month, 1)?, month_end(year, month)?)
            }
            Period::Quarter { year, quarter } => {
                if !(1..=4).contains(&quarter) {
                    return Err(PeriodError::BadQuarter(quarter));
                }
                let first = (quarter - 1) * 3 + 1;
                (ymd(year, first, 1)?, month_end(year, first + 2)?)
            }
            Period::Year(year) => (ymd(year, 1, 1)?, ymd(year, 12, 31)?),
            Period::Custom { start, end } => {
                if end < start {
                    return Err(PeriodError::EndsBeforeStart { start, end });
                }
                (start, end)
            }
        };
        Ok(DateRange { start, end })
    }

    /// The period of the given kind that contains `date`; for [`PeriodKind::Custom`], the day
    /// itself.
    pub fn containing(kind: PeriodKind, date: NaiveDate) -> Period {
        match kind {
            PeriodKind::Month => Period::Month {
                year: date.year(),
                month: date.month(),
            },
            PeriodKind::Quarter => Period::Quarter {
                year: date.year(),
                quarter: (date.month() - 1) / 3 + 1,
            },
            PeriodKind::Year => Period::Year(date.year()),
            PeriodKind::Custom => Period::Custom {
                start: date,
                end: date,
            },
        }
    }

    /// The period just before this one, of the same kind and length (for "previous quarter"
    /// comparisons on a dashboard).
    pub fn previous(&self) -> Result<Period, PeriodError> {
        self.range()?;
        let before = |y: i32| y.checked_sub(1).ok_or(PeriodError::BadYear(y));
        Ok(match *self {
            Period::Month { year, month: 1 } => Period::Month {
                year: before(year)?,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: before(year)?,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Year(y) => Period::Year(before(y)?),
            Period::Custom { start, end } => {
                let r = self.range()?;
                let len = chrono::Days::new(r.days() as u64);
                let end2 = start
                    .pred_opt()
                    .ok_or(PeriodError::EndsBeforeStart { start, end })?;
                let start2 = start
                    .checked_sub_days(len)
                    .ok_or(PeriodError::EndsBeforeStart { start, end })?;
                Period::Custom {
                    start: start2,
                    end: end2,
                }
            }
        })
    }

    /// Reads `2025`, `2025-Q1`, `2025-03` or `2025-01-01..2025-06-30`.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let s = s.trim();
        let bad = || PeriodError::Unreadable(s.to_string());
        let period = if let Some((a, b)) = s.split_once("..") {
            let start = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            let end = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            Period::Custom { start, end }
        } else if let Some((y, q)) = s.split_once("-Q").or_else(|| s.split_once("-q")) {
            let year = y.parse::<i32>().map_err(|_| bad())?;
            let quarter = q.parse::<u32>().map_err(|_| bad())?;
            Period::Quarter { year, quarter }
        } else if let Some((y, m)) = s.split_once('-') {
            if m.len() != 2 {
                return Err(bad());
            }
            let year = y.parse::<i32>().map_err(|_| bad())?;
            let month = m.parse::<u32>().map_err(|_| bad())?;
            Period::Month { year, month }
        } else {
            if s.len() != 4 {
                return Err(bad());
            }
            Period::Year(s.parse::<i32>().map_err(|_| bad())?)
        };
        period.range()?;
        Ok(period)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Period::Year(y) => write!(f, "{y:04}"),
            Period::Custom { start, end } => write!(f, "{start}..{end}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn february_in_leap_and_common_years() {
        let r = Period::Month {
            year: 2024,
            month: 2,
        }
        .range()
        .unwrap();
        assert_eq!(
            (r.start, r.end, r.days()),
            (d("2024-02-01"), d("2024-02-29"), 29)
        );
        let r = Period::Month {
            year: 2023,
            month: 2,
        }
        .range()
        .unwrap();
        assert_eq!(r.end, d("2023-02-28"));
        // 1900 is not a leap year, 2000 is.
        assert_eq!(
            Period::Month {
                year: 1900,
                month: 2
            }
            .range()
            .unwrap()
            .days(),
            28
        );
        assert_eq!(
            Period::Month {
                year: 2000,
                month: 2
            }
            .range()
            .unwrap()
            .days(),
            29
        );
        assert_eq!(Period::Year(2024).range().unwrap().days(), 366);
        assert_eq!(Period::Year(2025).range().unwrap().days(), 365);
        assert_eq!(
            Period::Quarter {
                year: 2024,
                quarter: 1
            }
            .range()
            .unwrap()
            .days(),
            91
        );
        assert_eq!(
            Period::Quarter {
                year: 2025,
                quarter: 1
            }
            .range()
            .unwrap()
            .days(),
            90
        );
    }

    #[test]
    fn quarter_boundaries() {
        let q = |y, q| {
            Period::Quarter {
                year: y,
                quarter: q,
            }
            .range()
            .unwrap()
        };
        assert_eq!(
            (q(2025, 1).start, q(2025, 1).end),
            (d("2025-01-01"), d("2025-03-31"))
        );
        assert_eq!(
            (q(2025, 2).start, q(2025, 2).end),
            (d("2025-04-01"), d("2025-06-30"))
        );
        assert_eq!(
            (q(2025, 3).start, q(2025, 3).end),
            (d("2025-07-01"), d("2025-09-30"))
        );
        assert_eq!(
            (q(2025, 4).start, q(2025, 4).end),
            (d("2025-10-01"), d("2025-12-31"))
        );
        assert!(q(2025, 1).contains(d("2025-03-31")));
        assert!(!q(2025, 1).contains(d("2025-04-01")));
        assert_eq!(
            Period::containing(PeriodKind::Quarter, d("2025-03-31")),
            Period::Quarter {
                year: 2025,
                quarter: 1
            }
        );
        assert_eq!(
            Period::containing(PeriodKind::Quarter, d("2025-04-01")),
            Period::Quarter {
                year: 2025,
                quarter: 2
            }
        );
        assert_eq!(
            Period::containing(PeriodKind::Quarter, d("2025-12-31")),
            Period::Quarter {
                year: 2025,
                quarter: 4
            }
        );
        assert_eq!(
            Period::containing(PeriodKind::Month, d("2024-02-29")),
            Period::Month {
                year: 2024,
                month: 2
            }
        );
        assert_eq!(
            Period::containing(PeriodKind::Year, d("2024-02-29")),
            Period::Year(2024)
        );
        assert_eq!(
            Period::Quarter {
                year: 2025,
                quarter: 1
            }
            .previous()
            .unwrap(),
            Period::Quarter {
                year: 2024,
                quarter: 4
            }
        );
        assert_eq!(
            Period::Month {
                year: 2025,
                month: 1
            }
            .previous()
            .unwrap(),
            Period::Month {
                year: 2024,
                month: 12
            }
        );
        let c = Period::Custom {
            start: d("2024-03-01"),
            end: d("2024-03-10"),
        };
        assert_eq!(
            c.previous().unwrap(),
            Period::Custom {
                start: d("2024-02-20"),
                end: d("2024-02-29")
            }
        );
    }

    #[test]
    fn parse_and_display_round_trip() {
        for s in ["2025", "2025-Q3", "2024-02", "2024-01-15..2024-02-14"] {
            let p = Period::parse(s).unwrap();
            assert_eq!(p.to_string(), s);
        }
        assert_eq!(
            Period::parse("2025-q2").unwrap(),
            Period::Quarter {
                year: 2025,
                quarter: 2
            }
        );
        assert_eq!(
            Period::parse("2025-Q5").unwrap_err(),
            PeriodError::BadQuarter(5)
        );
        assert_eq!(
            Period::parse("2025-13").unwrap_err(),
            PeriodError::BadMonth(13)
        );
        assert_eq!(
            Period::parse("2025-00").unwrap_err().code(),
            "period-bad-month"
        );
        assert_eq!(
            Period::parse("last year").unwrap_err().code(),
            "period-unreadable"
        );
        assert_eq!(
            Period::parse("2025-1").unwrap_err().code(),
            "period-unreadable"
        );
        assert_eq!(
            Period::parse("2025-03-01..2025-02-01").unwrap_err().code(),
            "period-ends-before-start"
        );
        assert_eq!(
            Period::parse("2023-02-29..2023-03-01").unwrap_err().code(),
            "period-unreadable"
        );
        assert_eq!(PeriodKind::from_code("quarter"), Some(PeriodKind::Quarter));
        assert_eq!(PeriodKind::from_code("week"), None);
        // A year beyond the calendar's range is an error, not a panic.
        assert_eq!(
            Period::Year(i32::MAX).range().unwrap_err().code(),
            "period-bad-year"
        );
        assert_eq!(
            Period::Month {
                year: i32::MAX,
                month: 12
            }
            .range()
            .unwrap_err()
            .code(),
            "period-bad-year"
        );
    }
}
