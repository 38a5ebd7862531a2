//! Small-cell suppression of a cross-table with its margins.
//!
//! **Primary** suppression hides every count below the threshold (default 5) but above zero.
//! Zero is published: "no one" discloses nothing about a person, and hiding zeros would hide
//! most of a small country's table for nothing. Margins are counts too: a row total of 3 is
//! as disclosive as a cell of 3, so it is suppressed the same way.
//!
//! **Complementary** (secondary) suppression then hides further entries so that no hidden
//! entry can be worked out from what is published. The table with its margins is a set of
//! equations, one per row and per column (cells sum to the total). Take the graph whose nodes
//! are those rows and columns (the totals row and column included) and whose edges are the
//! hidden entries, each joining its row to its column: a hidden entry can be recovered exactly
//! when its edge is a bridge (it lies on no cycle), and only then. So complements are added
//! until every hidden entry lies on a cycle; in particular no row or column is left with a
//! single hidden entry, which is the subtraction attack. Complements are chosen non-zero where
//! possible and as small as possible, to hide as little as needed.
//!
//! What this does not do: protect ranges (knowing a hidden cell is between 1 and 4 is still
//! knowing it is small), or protect across several tables that share margins — callers that
//! publish linked tables force the shared margins hidden consistently (see
//! [`suppress_with`]'s `forced`, used by the task-force tables).

use std::collections::BTreeSet;

use serde::Serialize;
use thiserror::Error;

/// Counts by row and column categories, without margins (they are computed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrossTable {
    pub row_labels: Vec<String>,
    pub column_labels: Vec<String>,
    pub cells: Vec<Vec<u64>>,
}

/// A published count, or a hidden one. Whether a hidden count was hidden as small or as a
/// complement is not said: that would tell which hidden counts are small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Published {
    Count(u64),
    Suppressed,
}

impl Published {
    pub fn count(self) -> Option<u64> {
        match self {
            Published::Count(n) => Some(n),
            Published::Suppressed => None,
        }
    }
    pub fn is_suppressed(self) -> bool {
        self == Published::Suppressed
    }
}

/// An entry of the table with margins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Position {
    Cell { row: usize, column: usize },
    RowTotal(usize),
    ColumnTotal(usize),
    GrandTotal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressedTable {
    pub row_labels: Vec<String>,
    pub column_labels: Vec<String>,
    pub cells: Vec<Vec<Published>>,
    pub row_totals: Vec<Published>,
    pub column_totals: Vec<Published>,
    pub grand_total: Published,
    pub threshold: u64,
    /// Entries hidden because small (or forced).
    pub primary: usize,
    /// Entries hidden to protect them.
    pub secondary: usize,
}

impl SuppressedTable {
    pub fn get(&self, position: Position) -> Published {
        match position {
            Position::Cell { row, column } => self.cells[row][column],
            Position::RowTotal(r) => self.row_totals[r],
            Position::ColumnTotal(c) => self.column_totals[c],
            Position::GrandTotal => self.grand_total,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SuppressionError {
    #[error("the threshold must be at least 1")]
    ThresholdZero,
    #[error("row {row} has {found} cells, the table has {expected} columns")]
    RaggedRow {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("{labels} labels for {counts} {what}")]
    LabelCount {
        what: &'static str,
        labels: usize,
        counts: usize,
    },
    #[error("forced position {0:?} is outside the table")]
    OutOfTable(Position),
    #[error("the counts overflow")]
    Overflow,
}

impl SuppressionError {
    pub fn code(&self) -> &'static str {
        match self {
            SuppressionError::ThresholdZero => "suppression-threshold-zero",
            SuppressionError::RaggedRow { .. } => "suppression-ragged-row",
            SuppressionError::LabelCount { .. } => "suppression-label-count",
            SuppressionError::OutOfTable(_) => "suppression-out-of-table",
            SuppressionError::Overflow => "suppression-overflow",
        }
    }
}

/// The default threshold: counts of 1 to 4 are hidden.
pub const DEFAULT_THRESHOLD: u64 = 5;

pub fn suppress(table: &CrossTable, threshold: u64) -> Result<SuppressedTable, SuppressionError> {
    suppress_with(table, threshold, &[])
}

/// As [`suppress`], with `forced` entries hidden from the start (counted as primary): margins
/// another published table already hides, so the two cannot be subtracted from each other.
pub fn suppress_with(
    table: &CrossTable,
    threshold: u64,
    forced: &[Position],
) -> Result<SuppressedTable, SuppressionError> {
    if threshold == 0 {
        return Err(SuppressionError::ThresholdZero);
    }
    let rows = table.cells.len();
    let cols = table.column_labels.len();
    if table.row_labels.len() != rows {
        return Err(SuppressionError::LabelCount {
            what: "rows",
            labels: table.row_labels.len(),
            counts: rows,
        });
    }
    for (n, row) in table.cells.iter().enumerate() {
        if row.len() != cols {
            return Err(SuppressionError::RaggedRow {
                row: n + 1,
                expected: cols,
                found: row.len(),
            });
        }
    }
    // The extended matrix: row `rows` holds column totals, column `cols` row totals.
    let mut e = vec![vec![0u64; cols + 1]; rows + 1];
    for (i, row) in table.cells.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            e[i][j] = *v;
            e[i][cols] = e[i][cols]
                .checked_add(*v)
                .ok_or(SuppressionError::Overflow)?;
            e[rows][j] = e[rows][j]
                .checked_add(*v)
                .ok_or(SuppressionError::Overflow)?;
            e[rows][cols] = e[rows][cols]
                .checked_add(*v)
                .ok_or(SuppressionError::Overflow)?;
        }
    }
    let mut hidden = vec![vec![false; cols + 1]; rows + 1];
    for (i, line) in e.iter().enumerate() {
        for (j, v) in line.iter().enumerate() {
            hidden[i][j] = *v > 0 && *v < threshold;
        }
    }
    for p in forced {
        let (i, j) = match *p {
            Position::Cell { row, column } if row < rows && column < cols => (row, column),
            Position::RowTotal(r) if r < rows => (r, cols),
            Position::ColumnTotal(c) if c < cols => (rows, c),
            Position::GrandTotal => (rows, cols),
            _ => return Err(SuppressionError::OutOfTable(*p)),
        };
        hidden[i][j] = true;
    }
    let primary = hidden.iter().flatten().filter(|h| **h).count();
    protect(&e, &mut hidden);
    let total_hidden = hidden.iter().flatten().filter(|h| **h).count();

    let publish = |i: usize, j: usize| {
        if hidden[i][j] {
            Published::Suppressed
        } else {
            Published::Count(e[i][j])
        }
    };
    Ok(SuppressedTable {
        row_labels: table.row_labels.clone(),
        column_labels: table.column_labels.clone(),
        cells: (0..rows)
            .map(|i| (0..cols).map(|j| publish(i, j)).collect())
            .collect(),
        row_totals: (0..rows).map(|i| publish(i, cols)).collect(),
        column_totals: (0..cols).map(|j| publish(rows, j)).collect(),
        grand_total: publish(rows, cols),
        threshold,
        primary,
        secondary: total_hidden - primary,
    })
}

/// Adds complementary suppressions until no hidden entry is a bridge of the row/column graph.
fn protect(e: &[Vec<u64>], hidden: &mut [Vec<bool>]) {
    let n_rows = e.len();
    let n_cols = e.first().map_or(0, Vec::len);
    // Each pass adds one suppression, so this ends after at most every entry is hidden.
    loop {
        if let Some((i, j)) = lonely_line(hidden, n_rows, n_cols) {
            // A row or column with a single hidden entry: hide one more in it, preferring an
            // entry whose other line already has hidden entries (it closes a cycle instead of
            // opening a new line), then non-zero, then small.
            let candidates: Vec<(usize, usize)> = match (i, j) {
                (Some(i), None) => (0..n_cols)
                    .filter(|c| !hidden[i][*c])
                    .map(|c| (i, c))
                    .collect(),
                (None, Some(j)) => (0..n_rows)
                    .filter(|r| !hidden[*r][j])
                    .map(|r| (r, j))
                    .collect(),
                _ => Vec::new(),
            };
            let best = candidates.into_iter().min_by_key(|(r, c)| {
                let other_line_open = match (i, j) {
                    (Some(_), None) => (0..n_rows).any(|x| hidden[x][*c]),
                    _ => (0..n_cols).any(|x| hidden[*r][x]),
                };
                (!other_line_open, e[*r][*c] == 0, e[*r][*c])
            });
            match best {
                Some((r, c)) => {
                    hidden[r][c] = true;
                    continue;
                }
                None => break, // a line of one entry (an empty table): nothing to pair it with
            }
        }
        let Some((a_side, b_side)) = first_bridge(hidden, n_rows, n_cols) else {
            break;
        };
        // Any entry joining the two sides of the bridge puts it on a cycle.
        let best = (0..n_rows)
            .flat_map(|r| (0..n_cols).map(move |c| (r, c)))
            .filter(|(r, c)| !hidden[*r][*c])
            .filter(|(r, c)| {
                let (rn, cn) = (*r, n_rows + *c);
                (a_side.contains(&rn) && b_side.contains(&cn))
                    || (b_side.contains(&rn) && a_side.contains(&cn))
            })
            .min_by_key(|(r, c)| (e[*r][*c] == 0, e[*r][*c]));
        match best {
            Some((r, c)) => hidden[r][c] = true,
            None => break, // cannot happen once every line has 0 or 2+ hidden entries
        }
    }
}

/// A row (`Some(i), None`) or column (`None, Some(j)`) with exactly one hidden entry, if any.
/// Lines of a single entry are skipped: their entry is a sum of nothing, zero.
fn lonely_line(
    hidden: &[Vec<bool>],
    n_rows: usize,
    n_cols: usize,
) -> Option<(Option<usize>, Option<usize>)> {
    if n_cols > 1 {
        for (i, line) in hidden.iter().enumerate() {
            if line.iter().filter(|h| **h).count() == 1 {
                return Some((Some(i), None));
            }
        }
    }
    if n_rows > 1 {
        let lonely = (0..n_cols).find(|j| (0..n_rows).filter(|i| hidden[*i][*j]).count() == 1);
        return lonely.map(|j| (None, Some(j)));
    }
    None
}

/// The first hidden entry that is a bridge, as the node sets on each side of it. Nodes are
/// rows `0..n_rows` and columns `n_rows..n_rows + n_cols`.
fn first_bridge(
    hidden: &[Vec<bool>],
    n_rows: usize,
    n_cols: usize,
) -> Option<(BTreeSet<usize>, BTreeSet<usize>)> {
    for i in 0..n_rows {
        for j in 0..n_cols {
            if !hidden[i][j] {
                continue;
            }
            let a = reachable(hidden, n_rows, n_cols, i, (i, j));
            if !a.contains(&(n_rows + j)) {
                let b = reachable(hidden, n_rows, n_cols, n_rows + j, (i, j));
                return Some((a, b));
            }
        }
    }
    None
}

fn reachable(
    hidden: &[Vec<bool>],
    n_rows: usize,
    n_cols: usize,
    start: usize,
    without: (usize, usize),
) -> BTreeSet<usize> {
    let mut seen = BTreeSet::from([start]);
    let mut stack = vec![start];
    while let Some(node) = stack.pop() {
        let neighbours: Vec<usize> = if node < n_rows {
            (0..n_cols)
                .filter(|c| hidden[node][*c] && (node, *c) != without)
                .map(|c| n_rows + c)
                .collect()
        } else {
            let c = node - n_rows;
            (0..n_rows)
                .filter(|r| hidden[*r][c] && (*r, c) != without)
                .collect()
        };
        for nb in neighbours {
            if seen.insert(nb) {
                stack.push(nb);
            }
        }
    }
    seen
}

#[cfg(test)]
// Column-wise walks over a matrix read best with indices.
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cross(cells: Vec<Vec<u64>>) -> CrossTable {
        CrossTable {
            row_labels: (0..cells.len()).map(|i| format!("r{i}")).collect(),
            column_labels: (0..cells.first().map_or(0, Vec::len))
                .map(|j| format!("c{j}"))
                .collect(),
            cells,
        }
    }

    /// The published table as an extended matrix of `Option<u64>` (None = hidden).
    fn extended(t: &SuppressedTable) -> Vec<Vec<Option<u64>>> {
        let mut m: Vec<Vec<Option<u64>>> = t
            .cells
            .iter()
            .zip(&t.row_totals)
            .map(|(row, total)| {
                row.iter()
                    .chain(std::iter::once(total))
                    .map(|p| p.count())
                    .collect()
            })
            .collect();
        m.push(
            t.column_totals
                .iter()
                .chain(std::iter::once(&t.grand_total))
                .map(|p| p.count())
                .collect(),
        );
        m
    }

    /// Recovers by subtraction what can be recovered from one row or column.
    fn recoverable_by_subtraction(m: &[Vec<Option<u64>>]) -> Vec<(usize, usize)> {
        let rows = m.len();
        let cols = m[0].len();
        let mut found = Vec::new();
        for (i, line) in m.iter().enumerate() {
            let hidden: Vec<usize> = (0..cols).filter(|j| line[*j].is_none()).collect();
            if hidden.len() == 1 && cols > 1 {
                found.push((i, hidden[0]));
            }
        }
        for j in 0..cols {
            let hidden: Vec<usize> = (0..rows).filter(|i| m[*i][j].is_none()).collect();
            if hidden.len() == 1 && rows > 1 {
                found.push((hidden[0], j));
            }
        }
        found
    }

    fn rank(mut a: Vec<Vec<f64>>) -> usize {
        let mut rank = 0;
        let cols = a.first().map_or(0, Vec::len);
        for c in 0..cols {
            let Some(p) = (rank..a.len()).max_by(|x, y| a[*x][c].abs().total_cmp(&a[*y][c].abs()))
            else {
                break;
            };
            if a[p][c].abs() < 1e-9 {
                continue;
            }
            a.swap(rank, p);
            for r in 0..a.len() {
                if r != rank {
                    let f = a[r][c] / a[rank][c];
                    if f != 0.0 {
                        for k in 0..cols {
                            a[r][k] -= f * a[rank][k];
                        }
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    /// Independently of the graph argument: a hidden entry is determined by the published
    /// margins iff its unit vector lies in the row space of the equations on hidden entries.
    fn determined_by_linear_algebra(m: &[Vec<Option<u64>>]) -> Vec<(usize, usize)> {
        let rows = m.len();
        let cols = m[0].len();
        let unknowns: Vec<(usize, usize)> = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| (i, j)))
            .filter(|(i, j)| m[*i][*j].is_none())
            .collect();
        let mut eqs = Vec::new();
        for i in 0..rows {
            eqs.push(
                unknowns
                    .iter()
                    .map(|(r, c)| {
                        if *r == i {
                            if *c + 1 == cols { -1.0 } else { 1.0 }
                        } else {
                            0.0
                        }
                    })
                    .collect::<Vec<f64>>(),
            );
        }
        for j in 0..cols {
            eqs.push(
                unknowns
                    .iter()
                    .map(|(r, c)| {
                        if *c == j {
                            if *r + 1 == rows { -1.0 } else { 1.0 }
                        } else {
                            0.0
                        }
                    })
                    .collect::<Vec<f64>>(),
            );
        }
        let base = rank(eqs.clone());
        unknowns
            .iter()
            .enumerate()
            .filter(|(k, _)| {
                let mut with = eqs.clone();
                with.push(
                    (0..unknowns.len())
                        .map(|x| if x == *k { 1.0 } else { 0.0 })
                        .collect(),
                );
                rank(with) == base
            })
            .map(|(_, u)| *u)
            .collect()
    }

    #[test]
    fn small_cells_are_hidden_zeros_are_not() {
        let t = suppress(
            &cross(vec![vec![0, 12, 3], vec![7, 9, 10], vec![8, 6, 11]]),
            5,
        )
        .unwrap();
        assert_eq!(t.cells[0][0], Published::Count(0));
        assert_eq!(t.cells[0][2], Published::Suppressed);
        assert_eq!(t.primary, 1);
        assert!(
            t.secondary >= 3,
            "a lone hidden cell needs a partner in its row and column and a fourth corner"
        );
        let m = extended(&t);
        assert!(recoverable_by_subtraction(&m).is_empty());
        assert!(determined_by_linear_algebra(&m).is_empty());
    }

    #[test]
    fn single_hidden_cell_in_a_row_is_not_left_alone() {
        // Without complements, 20 - 9 - 8 would give the hidden 3.
        let t = suppress(&cross(vec![vec![9, 8, 3], vec![10, 10, 10]]), 5).unwrap();
        let hidden_in_row0 = t.cells[0].iter().filter(|p| p.is_suppressed()).count()
            + usize::from(t.row_totals[0].is_suppressed());
        assert!(hidden_in_row0 >= 2);
        assert!(determined_by_linear_algebra(&extended(&t)).is_empty());
    }

    #[test]
    fn small_margins_are_hidden_too() {
        let t = suppress(&cross(vec![vec![1, 2], vec![20, 30]]), 5).unwrap();
        assert_eq!(t.row_totals[0], Published::Suppressed);
        assert_eq!(t.grand_total, Published::Count(53));
        assert!(determined_by_linear_algebra(&extended(&t)).is_empty());
    }

    #[test]
    fn complements_prefer_small_non_zero_entries() {
        let t = suppress(
            &cross(vec![vec![2, 0, 50, 6], vec![0, 0, 40, 7], vec![9, 9, 9, 9]]),
            5,
        )
        .unwrap();
        // The 2 needs a row partner: 6 rather than the 0 or the 50.
        assert_eq!(t.cells[0][3], Published::Suppressed);
        assert_eq!(t.cells[0][1], Published::Count(0));
        assert_eq!(t.cells[0][2], Published::Count(50));
    }

    #[test]
    fn nothing_small_nothing_hidden() {
        let t = suppress(&cross(vec![vec![5, 6], vec![7, 0]]), 5).unwrap();
        assert_eq!((t.primary, t.secondary), (0, 0));
        assert_eq!(t.get(Position::GrandTotal), Published::Count(18));
        assert_eq!(t.get(Position::RowTotal(1)), Published::Count(7));
    }

    #[test]
    fn forced_margins_are_hidden_and_protected() {
        let t = suppress_with(
            &cross(vec![vec![10, 20], vec![30, 40]]),
            5,
            &[Position::ColumnTotal(0)],
        )
        .unwrap();
        assert_eq!(t.column_totals[0], Published::Suppressed);
        assert_eq!(t.primary, 1);
        assert!(t.secondary >= 1);
        assert!(determined_by_linear_algebra(&extended(&t)).is_empty());
        let e = suppress_with(&cross(vec![vec![1]]), 5, &[Position::RowTotal(3)]).unwrap_err();
        assert_eq!(e.code(), "suppression-out-of-table");
    }

    #[test]
    fn bad_tables_are_named() {
        assert_eq!(
            suppress(&cross(vec![vec![1]]), 0).unwrap_err().code(),
            "suppression-threshold-zero"
        );
        let mut t = cross(vec![vec![1, 2], vec![3, 4]]);
        t.cells[1].pop();
        assert_eq!(
            suppress(&t, 5).unwrap_err(),
            SuppressionError::RaggedRow {
                row: 2,
                expected: 2,
                found: 1
            }
        );
        let mut t = cross(vec![vec![1, 2]]);
        t.row_labels.push("extra".into());
        assert_eq!(
            suppress(&t, 5).unwrap_err().code(),
            "suppression-label-count"
        );
    }

    #[test]
    fn bridges_between_protected_blocks_are_closed() {
        // Two 2x2 blocks of small cells, far apart: each block alone is safe, and nothing links
        // them; the result must still leave nothing determined.
        let t = suppress(
            &cross(vec![
                vec![1, 2, 9, 9, 9],
                vec![3, 1, 9, 9, 9],
                vec![9, 9, 9, 9, 9],
                vec![9, 9, 9, 1, 2],
                vec![9, 9, 9, 2, 1],
            ]),
            5,
        )
        .unwrap();
        assert!(determined_by_linear_algebra(&extended(&t)).is_empty());
    }

    #[test]
    fn a_hidden_cell_joining_two_protected_blocks_is_put_on_a_cycle() {
        // Every row and column has two or more hidden cells, yet the 1 at (0, 2) is the only
        // link between the two blocks: summing block A's equations gives it back. It must be
        // put on a cycle by one more complement.
        let cells = vec![
            vec![1, 2, 1, 9, 9],
            vec![3, 1, 9, 9, 9],
            vec![9, 9, 2, 1, 9],
            vec![9, 9, 1, 3, 9],
            vec![9, 9, 9, 9, 9],
        ];
        let t = suppress(&cross(cells), 5).unwrap();
        assert_eq!(t.primary, 9);
        assert!(t.secondary >= 1);
        let m = extended(&t);
        assert!(recoverable_by_subtraction(&m).is_empty());
        assert!(determined_by_linear_algebra(&m).is_empty());
    }

    #[test]
    fn empty_tables_pass_through() {
        let t = suppress(&cross(vec![]), 5).unwrap();
        assert_eq!(t.grand_total, Published::Count(0));
        let no_columns = CrossTable {
            row_labels: vec!["a".into()],
            column_labels: vec![],
            cells: vec![vec![]],
        };
        assert_eq!(
            suppress(&no_columns, 5).unwrap().row_totals,
            vec![Published::Count(0)]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn no_hidden_entry_can_be_recovered(
            cells in (1usize..6, 1usize..6).prop_flat_map(|(r, c)| prop::collection::vec(prop::collection::vec(prop_oneof![3 => 0u64..5, 2 => 5u64..30], c), r)),
            threshold in 2u64..7,
        ) {
            let table = cross(cells.clone());
            let t = suppress(&table, threshold).unwrap();
            let m = extended(&t);
            prop_assert!(recoverable_by_subtraction(&m).is_empty(), "{:?}", m);
            prop_assert!(determined_by_linear_algebra(&m).is_empty(), "{:?}", m);
            // Every small count is hidden; every published count is the true one.
            for (i, row) in cells.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    match t.cells[i][j] {
                        Published::Count(n) => { prop_assert_eq!(n, *v); prop_assert!(*v == 0 || *v >= threshold); }
                        Published::Suppressed => {}
                    }
                }
                let total: u64 = row.iter().sum();
                if let Published::Count(n) = t.row_totals[i] { prop_assert_eq!(n, total); prop_assert!(n == 0 || n >= threshold); }
            }
        }
    }
}
