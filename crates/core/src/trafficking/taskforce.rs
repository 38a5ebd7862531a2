//! The national task force's tables: identified victims by year, broken down by form of
//! exploitation, sector, sex, age band, citizenship, country of exploitation and means of
//! control, every table passed through small-cell suppression.
//!
//! The year is the year of identification (the status decision), or of registration when the
//! decision date is unknown. Row labels are stable codes (`forced_labour`, ISIC `T`, `HTI`,
//! `unknown`) for the web layer to translate.
//!
//! Single-answer breakdowns (sex, age band, citizenship, country of exploitation) and the
//! victims-by-year line all publish the same margins: victims per year and in all. A margin
//! hidden in one table is hidden in all of them, or subtracting one table from another would
//! give it back; the tables are suppressed again with the shared hidden margins forced until
//! they agree. Multiple-answer breakdowns (a person can be exploited in several ways) count
//! mentions, not people: their margins are their own and are labelled so.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use serde::Serialize;

use super::ctdc;
use super::htcds::{ExploitationType, TraffickingStatus, VictimRecord};
use crate::privacy::suppression::{
    self, CrossTable, DEFAULT_THRESHOLD, Position, SuppressedTable, SuppressionError,
};

/// Label of the row for records where the breakdown is not known.
pub const UNKNOWN: &str = "unknown";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    ExploitationForm,
    Sector,
    Sex,
    AgeBand,
    Citizenship,
    CountryOfExploitation,
    MeansOfControl,
}

impl Breakdown {
    pub const ALL: [Breakdown; 7] = [
        Breakdown::ExploitationForm,
        Breakdown::Sector,
        Breakdown::Sex,
        Breakdown::AgeBand,
        Breakdown::Citizenship,
        Breakdown::CountryOfExploitation,
        Breakdown::MeansOfControl,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Breakdown::ExploitationForm => "exploitation_form",
            Breakdown::Sector => "sector",
            Breakdown::Sex => "sex",
            Breakdown::AgeBand => "age_band",
            Breakdown::Citizenship => "citizenship",
            Breakdown::CountryOfExploitation => "country_of_exploitation",
            Breakdown::MeansOfControl => "means_of_control",
        }
    }

    /// Whether a person can fall in several rows: the table then counts mentions.
    pub fn multiple_answers(self) -> bool {
        matches!(
            self,
            Breakdown::ExploitationForm | Breakdown::Sector | Breakdown::MeansOfControl
        )
    }

    /// The row(s) a record counts in; `None` when the breakdown does not apply to it
    /// (sector, for someone not in forced labour).
    fn categories(self, r: &VictimRecord) -> Option<Vec<String>> {
        let codes = |v: Vec<&'static str>| {
            if v.is_empty() {
                vec![UNKNOWN.to_string()]
            } else {
                v.into_iter().map(String::from).collect()
            }
        };
        let one = |v: Option<String>| vec![v.unwrap_or_else(|| UNKNOWN.to_string())];
        Some(match self {
            Breakdown::ExploitationForm => {
                codes(r.exploitation.types.iter().map(|t| t.code()).collect())
            }
            Breakdown::Sector => {
                if !r
                    .exploitation
                    .types
                    .contains(&ExploitationType::ForcedLabour)
                {
                    return None;
                }
                codes(
                    r.exploitation
                        .labour_sectors
                        .iter()
                        .map(|s| s.code())
                        .collect(),
                )
            }
            Breakdown::MeansOfControl => codes(
                r.exploitation
                    .means_of_control
                    .iter()
                    .map(|m| m.code())
                    .collect(),
            ),
            Breakdown::Sex => one(r.gender.map(|g| g.code().to_string())),
            Breakdown::AgeBand => one(r
                .age_at_identification
                .map(|a| ctdc::age_broad(a).to_string())),
            Breakdown::Citizenship => one(r.citizenship.as_ref().map(|c| c.as_str().to_string())),
            Breakdown::CountryOfExploitation => one(r
                .exploitation
                .place
                .country
                .as_ref()
                .map(|c| c.as_str().to_string())),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskforceOptions {
    /// Counts from 1 to threshold - 1 are hidden.
    pub threshold: u64,
    /// Which records count as identified victims.
    pub statuses: BTreeSet<TraffickingStatus>,
}

impl Default for TaskforceOptions {
    fn default() -> Self {
        TaskforceOptions {
            threshold: DEFAULT_THRESHOLD,
            statuses: [TraffickingStatus::ActualVictim].into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskforceTable {
    pub breakdown: Breakdown,
    /// True when margins count mentions rather than people.
    pub multiple_answers: bool,
    /// Rows: categories; columns: years.
    pub table: SuppressedTable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskforceReport {
    pub threshold: u64,
    pub years: Vec<i32>,
    /// One row, `identified_victims`, by year.
    pub victims_by_year: SuppressedTable,
    /// In [`Breakdown::ALL`] order.
    pub tables: Vec<TaskforceTable>,
}

/// Builds the task-force tables from the case records.
pub fn report(
    records: &[VictimRecord],
    options: &TaskforceOptions,
) -> Result<TaskforceReport, SuppressionError> {
    let selected: Vec<&VictimRecord> = records
        .iter()
        .filter(|r| options.statuses.contains(&r.status.status))
        .collect();
    let year_of = |r: &VictimRecord| r.status.decided_on.unwrap_or(r.registered_on).year();
    let years: Vec<i32> = selected
        .iter()
        .map(|r| year_of(r))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let year_index: BTreeMap<i32, usize> = years.iter().enumerate().map(|(i, y)| (*y, i)).collect();
    let column_labels: Vec<String> = years.iter().map(|y| y.to_string()).collect();

    let by_year = CrossTable {
        row_labels: vec!["identified_victims".into()],
        column_labels: column_labels.clone(),
        cells: vec![{
            let mut v = vec![0u64; years.len()];
            for r in &selected {
                v[year_index[&year_of(r)]] += 1;
            }
            v
        }],
    };
    let crosses: Vec<(Breakdown, CrossTable)> = Breakdown::ALL
        .into_iter()
        .map(|b| {
            let mut counts: BTreeMap<String, Vec<u64>> = BTreeMap::new();
            for r in &selected {
                for cat in b.categories(r).unwrap_or_default() {
                    counts.entry(cat).or_insert_with(|| vec![0; years.len()])
                        [year_index[&year_of(r)]] += 1;
                }
            }
            // Known categories first, in code order; "unknown" last.
            let unknown = counts.remove(UNKNOWN);
            let mut row_labels: Vec<String> = counts.keys().cloned().collect();
            let mut cells: Vec<Vec<u64>> = counts.into_values().collect();
            if let Some(u) = unknown {
                row_labels.push(UNKNOWN.into());
                cells.push(u);
            }
            (
                b,
                CrossTable {
                    row_labels,
                    column_labels: column_labels.clone(),
                    cells,
                },
            )
        })
        .collect();

    // Shared margins (year indices, grand total) hidden anywhere are hidden everywhere.
    let mut shared_years: BTreeSet<usize> = BTreeSet::new();
    let mut shared_grand = false;
    loop {
        let forced = |one_row: bool| -> Vec<Position> {
            let mut f: Vec<Position> = shared_years
                .iter()
                .map(|j| Position::ColumnTotal(*j))
                .collect();
            if one_row {
                f.extend(
                    shared_years
                        .iter()
                        .map(|j| Position::Cell { row: 0, column: *j }),
                );
            }
            if shared_grand {
                f.push(Position::GrandTotal);
                if one_row {
                    f.push(Position::RowTotal(0));
                }
            }
            f
        };
        let victims_by_year =
            suppression::suppress_with(&by_year, options.threshold, &forced(true))?;
        let mut tables = Vec::with_capacity(crosses.len());
        for (b, cross) in &crosses {
            let f = if b.multiple_answers() {
                Vec::new()
            } else {
                forced(false)
            };
            tables.push(TaskforceTable {
                breakdown: *b,
                multiple_answers: b.multiple_answers(),
                table: suppression::suppress_with(cross, options.threshold, &f)?,
            });
        }
        let mut years_now = shared_years.clone();
        let mut grand_now = shared_grand;
        let single = tables
            .iter()
            .filter(|t| !t.multiple_answers)
            .map(|t| &t.table);
        for t in single.chain(std::iter::once(&victims_by_year)) {
            years_now.extend((0..years.len()).filter(|j| t.column_totals[*j].is_suppressed()));
            grand_now |= t.grand_total.is_suppressed();
        }
        years_now.extend((0..years.len()).filter(|j| victims_by_year.cells[0][*j].is_suppressed()));
        grand_now |= victims_by_year
            .row_totals
            .first()
            .is_some_and(|p| p.is_suppressed());
        if years_now == shared_years && grand_now == shared_grand {
            return Ok(TaskforceReport {
                threshold: options.threshold,
                years,
                victims_by_year,
                tables,
            });
        }
        shared_years = years_now;
        shared_grand = grand_now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::suppression::Published;
    use crate::trafficking::htcds::tests::{date, sample};
    use crate::trafficking::htcds::{CountryCode, Gender, IsicSection, MeansOfControl};

    fn victims(n: usize, year: i32, gender: Gender, country: &str) -> Vec<VictimRecord> {
        (0..n)
            .map(|_| {
                let mut s = sample();
                s.status.decided_on = Some(date(year, 5, 1));
                s.gender = Some(gender);
                s.citizenship = Some(CountryCode::new(country).unwrap());
                s
            })
            .collect()
    }

    fn table(r: &TaskforceReport, b: Breakdown) -> &SuppressedTable {
        &r.tables.iter().find(|t| t.breakdown == b).unwrap().table
    }

    fn row<'a>(t: &'a SuppressedTable, label: &str) -> &'a [Published] {
        &t.cells[t.row_labels.iter().position(|l| l == label).unwrap()]
    }

    #[test]
    fn counts_identified_victims_by_year_and_breakdown() {
        let mut recs = victims(12, 2022, Gender::Feminine, "HTI");
        recs.extend(victims(8, 2023, Gender::Masculine, "HTI"));
        recs.extend(victims(6, 2023, Gender::Feminine, "VEN"));
        let mut possible = victims(3, 2023, Gender::Feminine, "COL");
        for p in &mut possible {
            p.status.status = TraffickingStatus::PossibleVictim;
        }
        recs.extend(possible);
        let r = report(&recs, &TaskforceOptions::default()).unwrap();
        assert_eq!(r.years, vec![2022, 2023]);
        assert_eq!(
            r.victims_by_year.cells[0],
            vec![Published::Count(12), Published::Count(14)]
        );
        let sex = table(&r, Breakdown::Sex);
        assert_eq!(
            row(sex, "feminine"),
            &[Published::Count(12), Published::Count(6)]
        );
        assert_eq!(
            row(sex, "masculine"),
            &[Published::Count(0), Published::Count(8)]
        );
        let cit = table(&r, Breakdown::Citizenship);
        assert!(
            !cit.row_labels.contains(&"COL".to_string()),
            "possible victims are not counted"
        );
        assert_eq!(
            row(table(&r, Breakdown::Sector), "T"),
            &[Published::Count(12), Published::Count(14)]
        );
        assert_eq!(table(&r, Breakdown::AgeBand).row_labels, vec!["21-23"]);
        assert_eq!(r.tables.len(), 7);
    }

    #[test]
    fn small_cells_are_hidden_and_protected() {
        let mut recs = victims(20, 2022, Gender::Feminine, "HTI");
        recs.extend(victims(2, 2022, Gender::Feminine, "NGA"));
        recs.extend(victims(15, 2023, Gender::Feminine, "HTI"));
        let r = report(&recs, &TaskforceOptions::default()).unwrap();
        let cit = table(&r, Breakdown::Citizenship);
        assert_eq!(row(cit, "NGA")[0], Published::Suppressed);
        // The 2022 HTI count is hidden too, or 22 - 20 would give NGA's 2.
        assert_eq!(row(cit, "HTI")[0], Published::Suppressed);
        assert!(cit.primary >= 1 && cit.secondary >= 1);
    }

    #[test]
    fn a_year_total_hidden_in_one_table_is_hidden_in_all() {
        // 2021 has 3 victims: its total is small, so hidden in every single-answer table and
        // in victims_by_year, with the grand total protecting it.
        let mut recs = victims(3, 2021, Gender::Feminine, "HTI");
        recs.extend(victims(10, 2022, Gender::Feminine, "HTI"));
        recs.extend(victims(10, 2023, Gender::Masculine, "HTI"));
        let r = report(&recs, &TaskforceOptions::default()).unwrap();
        let hidden: Vec<bool> = r.victims_by_year.cells[0]
            .iter()
            .map(|p| p.is_suppressed())
            .collect();
        assert!(hidden[0]);
        for t in r.tables.iter().filter(|t| !t.multiple_answers) {
            for (j, h) in hidden.iter().enumerate() {
                assert_eq!(
                    t.table.column_totals[j].is_suppressed(),
                    *h,
                    "{:?} year {}",
                    t.breakdown,
                    j
                );
            }
            assert_eq!(
                t.table.grand_total.is_suppressed(),
                r.victims_by_year.grand_total.is_suppressed()
            );
        }
    }

    #[test]
    fn multiple_answers_count_each_mention_and_unknown_last() {
        let mut recs = victims(6, 2022, Gender::Feminine, "HTI");
        recs[0].exploitation.means_of_control = BTreeSet::new();
        recs[1].exploitation.labour_sectors = [IsicSection::A, IsicSection::T].into();
        recs[2]
            .exploitation
            .means_of_control
            .insert(MeansOfControl::Threats);
        let r = report(
            &recs,
            &TaskforceOptions {
                threshold: 1,
                ..Default::default()
            },
        )
        .unwrap();
        let means = table(&r, Breakdown::MeansOfControl);
        assert_eq!(means.row_labels.last().unwrap(), UNKNOWN);
        assert_eq!(
            means.grand_total,
            Published::Count(5 * 2 + 1 + 1),
            "mentions, not people"
        );
        let sector = table(&r, Breakdown::Sector);
        assert_eq!(sector.grand_total, Published::Count(7));
        assert!(
            r.tables
                .iter()
                .find(|t| t.breakdown == Breakdown::Sector)
                .unwrap()
                .multiple_answers
        );
    }

    #[test]
    fn no_victims_gives_empty_tables() {
        let r = report(&[], &TaskforceOptions::default()).unwrap();
        assert!(r.years.is_empty());
        assert_eq!(r.victims_by_year.grand_total, Published::Count(0));
        assert!(r.tables.iter().all(|t| t.table.row_labels.is_empty()));
    }
}
