//! k-anonymity of a record-level table by full-domain generalisation and record suppression.
//!
//! Each quasi-identifier column has a generalisation hierarchy (year -> 5-year span ->
//! suppressed; age band -> wider band -> child/adult -> suppressed; country -> region ->
//! suppressed; gender -> suppressed). Every combination of levels is tried (the lattice is
//! small: 216 nodes for the CTDC export); the chosen one is the least generalised whose
//! suppressions stay within the budget, and the records still in classes smaller than `k` are
//! then dropped. With national counts of a handful of victims a year, heavy generalisation and
//! an empty export are normal results, not failures.
//!
//! Full-domain (one level per column for all records) rather than per-record generalisation:
//! the output then reads as one consistent table, and a reader cannot learn anything from which
//! rows were generalised further than others.

use std::collections::HashMap;

use serde::Serialize;
use thiserror::Error;

/// What a fully generalised value is written as.
pub const SUPPRESSED: &str = "*";

/// A generalisation hierarchy. Level 0 is the value itself; the last level is [`SUPPRESSED`].
/// An empty value (unknown) stays empty until the last level: "unknown" is its own category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hierarchy {
    /// A year: `2023` -> `2020-2024` -> `*`.
    Year,
    /// A CTDC `ageBroad` band: `21-23` -> `18-29` -> `18+` -> `*`.
    AgeBroad,
    /// An ISO alpha-3 country: `HTI` -> `Caribbean` -> `*` (unknown countries -> `Other`).
    Country,
    /// Kept or suppressed, nothing between (gender).
    SuppressOnly,
}

impl Hierarchy {
    /// Number of levels, including level 0 and the suppressed level.
    pub fn levels(self) -> u8 {
        match self {
            Hierarchy::Year => 3,
            Hierarchy::AgeBroad => 4,
            Hierarchy::Country => 3,
            Hierarchy::SuppressOnly => 2,
        }
    }

    /// The value generalised to `level` (levels past the top are the top).
    pub fn generalise(self, value: &str, level: u8) -> String {
        let top = self.levels() - 1;
        if level >= top {
            return SUPPRESSED.to_string();
        }
        if level == 0 || value.is_empty() {
            return value.to_string();
        }
        match self {
            Hierarchy::Year => match value.trim().parse::<i32>() {
                Ok(y) => {
                    let start = y - y.rem_euclid(5);
                    format!("{start}-{}", start + 4)
                }
                // A value the hierarchy does not know is not safe to keep.
                Err(_) => SUPPRESSED.to_string(),
            },
            Hierarchy::AgeBroad => age_band(value, level),
            Hierarchy::Country => region_of(value).to_string(),
            Hierarchy::SuppressOnly => SUPPRESSED.to_string(),
        }
    }
}

fn age_band(value: &str, level: u8) -> String {
    let (wide, adult) = match value {
        "0-8" | "9-17" => ("0-17", "0-17"),
        "18-20" | "21-23" | "24-26" | "27-29" => ("18-29", "18+"),
        "30-38" | "39-47" => ("30-47", "18+"),
        "48+" => ("48+", "18+"),
        _ => return SUPPRESSED.to_string(),
    };
    if level == 1 { wide } else { adult }.to_string()
}

/// Regions after the UN M49 standard, split where Passerelle's users need it: the Caribbean
/// apart from the rest of Latin America.
const REGIONS: &[(&str, &str)] = &[
    (
        "Caribbean",
        "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA LCA MAF VCT SXM TTO TCA VIR",
    ),
    (
        "Latin America",
        "BLZ CRI SLV GTM HND MEX NIC PAN ARG BOL BRA CHL COL ECU FLK GUF GUY PRY PER SUR URY VEN",
    ),
    ("Northern America", "BMU CAN GRL SPM USA"),
    (
        "Africa",
        "DZA EGY LBY MAR SDN TUN ESH BDI COM DJI ERI ETH KEN MDG MWI MUS MYT MOZ REU RWA SYC SOM SSD UGA TZA ZMB ZWE \
         AGO CMR CAF TCD COG COD GNQ GAB STP BWA SWZ LSO NAM ZAF BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA \
         SEN SLE TGO SHN",
    ),
    (
        "Europe",
        "ALB AND AUT BLR BEL BIH BGR HRV CZE DNK EST FRO FIN FRA DEU GIB GRC GGY VAT HUN ISL IRL IMN ITA JEY LVA LIE \
         LTU LUX MLT MDA MCO MNE NLD MKD NOR POL PRT ROU RUS SMR SRB SVK SVN ESP SJM SWE CHE UKR GBR ALA",
    ),
    (
        "Asia",
        "AFG ARM AZE BHR BGD BTN BRN KHM CHN CYP GEO HKG IND IDN IRN IRQ ISR JPN JOR KAZ KWT KGZ LAO LBN MAC MYS MDV \
         MNG MMR NPL PRK OMN PAK PSE PHL QAT SAU SGP KOR LKA SYR TWN TJK THA TLS TUR TKM ARE UZB VNM YEM",
    ),
    (
        "Oceania",
        "AUS NZL FJI PNG SLB VUT NCL PYF WSM TON KIR FSM MHL NRU PLW TUV COK NIU ASM GUM MNP",
    ),
];

/// The region of an ISO alpha-3 code, `Other` when unknown.
pub fn region_of(alpha3: &str) -> &'static str {
    let code = alpha3.trim().to_ascii_uppercase();
    REGIONS
        .iter()
        .find(|(_, codes)| codes.split_whitespace().any(|c| c == code))
        .map_or("Other", |(region, _)| region)
}

/// A record-level table: named columns, text cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuasiIdentifier {
    pub column: String,
    pub hierarchy: Hierarchy,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KAnonOptions {
    /// Every published combination of quasi-identifiers is shared by at least `k` records.
    pub k: usize,
    /// Share of records that may be suppressed rather than generalising further (0.0–1.0).
    pub max_suppressed_fraction: f64,
}

impl Default for KAnonOptions {
    /// k = 10 as the CTDC asks; at most 5 % of records dropped before generalising further.
    fn default() -> Self {
        KAnonOptions {
            k: 10,
            max_suppressed_fraction: 0.05,
        }
    }
}

/// The level used for one quasi-identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedLevel {
    pub column: String,
    pub level: u8,
    /// The top (suppressed) level of its hierarchy.
    pub max_level: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KAnonymised {
    pub table: Table,
    pub k_requested: usize,
    /// Size of the smallest equivalence class published; `None` when nothing is published.
    pub k_achieved: Option<usize>,
    pub records_in: usize,
    pub records_suppressed: usize,
    pub equivalence_classes: usize,
    pub levels: Vec<AppliedLevel>,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum KAnonError {
    #[error("k must be at least 1")]
    KZero,
    #[error("max_suppressed_fraction must be between 0 and 1, got {0}")]
    BadFraction(f64),
    #[error("quasi-identifier column `{0}` is not in the table")]
    UnknownColumn(String),
    #[error("quasi-identifier column `{0}` is given twice")]
    DuplicateColumn(String),
    #[error("row {row} has {found} cells, the table has {expected} columns")]
    RaggedRow {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("{0} combinations of generalisation levels are too many to search")]
    LatticeTooLarge(u64),
}

impl KAnonError {
    pub fn code(&self) -> &'static str {
        match self {
            KAnonError::KZero => "kanon-k-zero",
            KAnonError::BadFraction(_) => "kanon-bad-fraction",
            KAnonError::UnknownColumn(_) => "kanon-unknown-column",
            KAnonError::DuplicateColumn(_) => "kanon-duplicate-column",
            KAnonError::RaggedRow { .. } => "kanon-ragged-row",
            KAnonError::LatticeTooLarge(_) => "kanon-lattice-too-large",
        }
    }
}

const MAX_LATTICE: u64 = 100_000;

/// Makes `table` k-anonymous over `quasi_identifiers`. Rows of the result are sorted, so their
/// order says nothing about the order records were entered in.
pub fn anonymise(
    table: &Table,
    quasi_identifiers: &[QuasiIdentifier],
    options: KAnonOptions,
) -> Result<KAnonymised, KAnonError> {
    if options.k == 0 {
        return Err(KAnonError::KZero);
    }
    if !(0.0..=1.0).contains(&options.max_suppressed_fraction) {
        return Err(KAnonError::BadFraction(options.max_suppressed_fraction));
    }
    let mut qi_index = Vec::with_capacity(quasi_identifiers.len());
    for qi in quasi_identifiers {
        let idx = table
            .columns
            .iter()
            .position(|c| *c == qi.column)
            .ok_or_else(|| KAnonError::UnknownColumn(qi.column.clone()))?;
        if qi_index.contains(&idx) {
            return Err(KAnonError::DuplicateColumn(qi.column.clone()));
        }
        qi_index.push(idx);
    }
    for (n, row) in table.rows.iter().enumerate() {
        if row.len() != table.columns.len() {
            return Err(KAnonError::RaggedRow {
                row: n + 1,
                expected: table.columns.len(),
                found: row.len(),
            });
        }
    }
    let lattice: u64 = quasi_identifiers
        .iter()
        .map(|q| u64::from(q.hierarchy.levels()))
        .product();
    if lattice > MAX_LATTICE {
        return Err(KAnonError::LatticeTooLarge(lattice));
    }

    let n = table.rows.len();
    // The lattice search only needs, per distinct combination of quasi-identifiers, how many
    // records share it, and each value's generalisation at each level as a small number:
    // computed once here instead of once per node and row.
    let mut groups_map: HashMap<Vec<&str>, usize> = HashMap::new();
    for row in &table.rows {
        *groups_map.entry(key_of(row, &qi_index)).or_default() += 1;
    }
    let groups: Vec<(Vec<&str>, usize)> = groups_map.into_iter().collect();
    let codes: Vec<Vec<Vec<u32>>> = quasi_identifiers
        .iter()
        .enumerate()
        .map(|(q, qi)| {
            (0..qi.hierarchy.levels())
                .map(|level| {
                    let mut ids: HashMap<String, u32> = HashMap::new();
                    groups
                        .iter()
                        .map(|(key, _)| {
                            let g = qi.hierarchy.generalise(key[q], level);
                            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                            *ids.entry(g).or_insert(next)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    // Truncation intended: a budget of 2.7 records is 2 records.
    let budget = (n as f64 * options.max_suppressed_fraction).floor() as usize;
    let mut best: Option<(Vec<u8>, usize, f64)> = None;
    let mut levels = vec![0u8; quasi_identifiers.len()];
    loop {
        let suppressed = suppressed_at(&groups, &codes, &levels, options.k);
        let loss: f64 = quasi_identifiers
            .iter()
            .zip(&levels)
            .map(|(q, l)| f64::from(*l) / f64::from(q.hierarchy.levels() - 1))
            .sum();
        let better = match &best {
            None => true,
            Some((bl, bs, bloss)) => {
                let within = suppressed <= budget;
                let bwithin = *bs <= budget;
                // Within the budget: least generalisation, then fewest suppressions. Outside it
                // (only when fewer than k records exist at all): fewest suppressions first.
                let key =
                    |w: bool, s: usize, lo: f64| if w { (0, lo, s) } else { (1, s as f64, 0) };
                let (a, b) = (key(within, suppressed, loss), key(bwithin, *bs, *bloss));
                a.0.cmp(&b.0)
                    .then(a.1.total_cmp(&b.1))
                    .then(a.2.cmp(&b.2))
                    .then_with(|| levels.cmp(bl))
                    .is_lt()
            }
        };
        if better {
            best = Some((levels.clone(), suppressed, loss));
        }
        if !next_node(&mut levels, quasi_identifiers) {
            break;
        }
    }
    let chosen = best.map(|b| b.0).unwrap_or_default();

    let generalised: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            let mut out = row.clone();
            for ((q, idx), l) in quasi_identifiers.iter().zip(&qi_index).zip(&chosen) {
                out[*idx] = q.hierarchy.generalise(&row[*idx], *l);
            }
            out
        })
        .collect();
    let mut sizes: HashMap<Vec<&str>, usize> = HashMap::new();
    for row in &generalised {
        *sizes.entry(key_of(row, &qi_index)).or_default() += 1;
    }
    let mut kept: Vec<Vec<String>> = generalised
        .iter()
        .filter(|row| sizes.get(&key_of(row, &qi_index)).copied().unwrap_or(0) >= options.k)
        .cloned()
        .collect();
    kept.sort();
    let kept_sizes: Vec<usize> = sizes
        .values()
        .copied()
        .filter(|s| *s >= options.k)
        .collect();
    Ok(KAnonymised {
        k_requested: options.k,
        k_achieved: kept_sizes.iter().copied().min(),
        records_in: n,
        records_suppressed: n - kept.len(),
        equivalence_classes: kept_sizes.len(),
        levels: quasi_identifiers
            .iter()
            .zip(&chosen)
            .map(|(q, l)| AppliedLevel {
                column: q.column.clone(),
                level: *l,
                max_level: q.hierarchy.levels() - 1,
            })
            .collect(),
        table: Table {
            columns: table.columns.clone(),
            rows: kept,
        },
    })
}

fn key_of<'a>(row: &'a [String], qi_index: &[usize]) -> Vec<&'a str> {
    qi_index.iter().map(|i| row[*i].as_str()).collect()
}

/// Records in classes smaller than `k` at these levels. `codes[q][level][g]` is group `g`'s
/// value of quasi-identifier `q` generalised to `level`.
fn suppressed_at(
    groups: &[(Vec<&str>, usize)],
    codes: &[Vec<Vec<u32>>],
    levels: &[u8],
    k: usize,
) -> usize {
    let mut sizes: HashMap<Vec<u32>, usize> = HashMap::new();
    for (g, (_, count)) in groups.iter().enumerate() {
        let key: Vec<u32> = codes
            .iter()
            .zip(levels)
            .map(|(c, l)| c[usize::from(*l)][g])
            .collect();
        *sizes.entry(key).or_default() += count;
    }
    sizes.values().filter(|s| **s < k).sum()
}

/// Advances to the next combination of levels (odometer order); false after the last.
fn next_node(levels: &mut [u8], qis: &[QuasiIdentifier]) -> bool {
    for (l, q) in levels.iter_mut().zip(qis) {
        if *l + 1 < q.hierarchy.levels() {
            *l += 1;
            return true;
        }
        *l = 0;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn qis() -> Vec<QuasiIdentifier> {
        vec![
            QuasiIdentifier {
                column: "year".into(),
                hierarchy: Hierarchy::Year,
            },
            QuasiIdentifier {
                column: "gender".into(),
                hierarchy: Hierarchy::SuppressOnly,
            },
            QuasiIdentifier {
                column: "age".into(),
                hierarchy: Hierarchy::AgeBroad,
            },
            QuasiIdentifier {
                column: "citizenship".into(),
                hierarchy: Hierarchy::Country,
            },
            QuasiIdentifier {
                column: "country".into(),
                hierarchy: Hierarchy::Country,
            },
        ]
    }

    fn table(rows: Vec<[&str; 6]>) -> Table {
        Table {
            columns: ["year", "gender", "age", "citizenship", "country", "flag"]
                .map(String::from)
                .to_vec(),
            rows: rows
                .into_iter()
                .map(|r| r.map(String::from).to_vec())
                .collect(),
        }
    }

    fn class_sizes(t: &Table, cols: &[&str]) -> HashMap<Vec<String>, usize> {
        let idx: Vec<usize> = cols
            .iter()
            .map(|c| t.columns.iter().position(|x| x == c).unwrap())
            .collect();
        let mut m = HashMap::new();
        for r in &t.rows {
            *m.entry(idx.iter().map(|i| r[*i].clone()).collect())
                .or_insert(0) += 1;
        }
        m
    }

    #[test]
    fn hierarchies_generalise_step_by_step() {
        assert_eq!(Hierarchy::Year.generalise("2023", 0), "2023");
        assert_eq!(Hierarchy::Year.generalise("2023", 1), "2020-2024");
        assert_eq!(Hierarchy::Year.generalise("2025", 1), "2025-2029");
        assert_eq!(Hierarchy::Year.generalise("2023", 2), "*");
        assert_eq!(Hierarchy::Year.generalise("soon", 1), "*");
        assert_eq!(Hierarchy::AgeBroad.generalise("21-23", 1), "18-29");
        assert_eq!(Hierarchy::AgeBroad.generalise("21-23", 2), "18+");
        assert_eq!(Hierarchy::AgeBroad.generalise("9-17", 2), "0-17");
        assert_eq!(Hierarchy::AgeBroad.generalise("48+", 3), "*");
        assert_eq!(Hierarchy::Country.generalise("HTI", 1), "Caribbean");
        assert_eq!(Hierarchy::Country.generalise("VEN", 1), "Latin America");
        assert_eq!(Hierarchy::Country.generalise("NGA", 1), "Africa");
        assert_eq!(Hierarchy::Country.generalise("FRA", 1), "Europe");
        assert_eq!(Hierarchy::Country.generalise("PHL", 1), "Asia");
        assert_eq!(Hierarchy::Country.generalise("XKX", 1), "Other");
        assert_eq!(Hierarchy::SuppressOnly.generalise("Woman", 1), "*");
        // Unknown stays unknown until suppressed.
        assert_eq!(Hierarchy::Country.generalise("", 1), "");
        assert_eq!(Hierarchy::Country.generalise("", 2), "*");
    }

    #[test]
    fn already_anonymous_data_is_left_alone() {
        let rows = vec![["2023", "Woman", "21-23", "HTI", "DOM", "1"]; 3];
        let out = anonymise(
            &table(rows),
            &qis(),
            KAnonOptions {
                k: 3,
                max_suppressed_fraction: 0.0,
            },
        )
        .unwrap();
        assert!(out.levels.iter().all(|l| l.level == 0));
        assert_eq!(out.records_suppressed, 0);
        assert_eq!(out.k_achieved, Some(3));
        assert_eq!(out.table.rows[0][0], "2023");
    }

    #[test]
    fn generalises_the_least_needed() {
        // Two years apart in the same 5-year span: only the year needs generalising.
        let mut rows = vec![["2021", "Woman", "21-23", "HTI", "DOM", "1"]; 2];
        rows.extend(vec![["2022", "Woman", "21-23", "HTI", "DOM", ""]; 2]);
        let out = anonymise(
            &table(rows),
            &qis(),
            KAnonOptions {
                k: 4,
                max_suppressed_fraction: 0.0,
            },
        )
        .unwrap();
        let levels: Vec<u8> = out.levels.iter().map(|l| l.level).collect();
        assert_eq!(levels, vec![1, 0, 0, 0, 0]);
        assert!(out.table.rows.iter().all(|r| r[0] == "2020-2024"));
        // Non-quasi-identifier columns pass through.
        assert_eq!(out.table.rows.iter().filter(|r| r[5] == "1").count(), 2);
    }

    #[test]
    fn suppresses_an_outlier_within_budget_rather_than_generalising() {
        let mut rows = vec![["2023", "Woman", "21-23", "HTI", "DOM", ""]; 19];
        rows.push(["2023", "Man", "48+", "FRA", "DOM", ""]);
        let out = anonymise(
            &table(rows),
            &qis(),
            KAnonOptions {
                k: 5,
                max_suppressed_fraction: 0.05,
            },
        )
        .unwrap();
        assert!(out.levels.iter().all(|l| l.level == 0));
        assert_eq!(out.records_suppressed, 1);
        assert_eq!(out.table.rows.len(), 19);
        assert_eq!(out.k_achieved, Some(19));
    }

    #[test]
    fn fewer_records_than_k_publishes_nothing() {
        let rows = vec![["2023", "Woman", "21-23", "HTI", "DOM", "1"]; 4];
        let out = anonymise(&table(rows), &qis(), KAnonOptions::default()).unwrap();
        assert!(out.table.rows.is_empty());
        assert_eq!(out.records_suppressed, 4);
        assert_eq!(out.k_achieved, None);
        assert_eq!(out.k_requested, 10);
    }

    #[test]
    fn bad_input_is_named() {
        let t = table(vec![["2023", "Woman", "21-23", "HTI", "DOM", "1"]]);
        let e = anonymise(
            &t,
            &qis(),
            KAnonOptions {
                k: 0,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), "kanon-k-zero");
        let e = anonymise(
            &t,
            &[QuasiIdentifier {
                column: "nope".into(),
                hierarchy: Hierarchy::Year,
            }],
            KAnonOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "kanon-unknown-column");
        assert!(e.to_string().contains("nope"));
        let mut dup = qis();
        dup.push(dup[0].clone());
        assert_eq!(
            anonymise(&t, &dup, KAnonOptions::default())
                .unwrap_err()
                .code(),
            "kanon-duplicate-column"
        );
        let mut ragged = t.clone();
        ragged.rows.push(vec!["2023".into()]);
        let e = anonymise(&ragged, &qis(), KAnonOptions::default()).unwrap_err();
        assert_eq!(
            e,
            KAnonError::RaggedRow {
                row: 2,
                expected: 6,
                found: 1
            }
        );
        let e = anonymise(
            &t,
            &qis(),
            KAnonOptions {
                k: 2,
                max_suppressed_fraction: 1.5,
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), "kanon-bad-fraction");
    }

    #[test]
    fn output_order_does_not_follow_input_order() {
        let rows = vec![
            ["2023", "Woman", "21-23", "HTI", "DOM", "b"],
            ["2023", "Woman", "21-23", "HTI", "DOM", "a"],
        ];
        let out = anonymise(
            &table(rows),
            &qis(),
            KAnonOptions {
                k: 2,
                max_suppressed_fraction: 0.0,
            },
        )
        .unwrap();
        assert_eq!(out.table.rows[0][5], "a");
    }

    fn arb_row() -> impl Strategy<Value = [String; 6]> {
        (
            prop::sample::select(vec!["2019", "2020", "2021", "2022", "2023", "2024", ""]),
            prop::sample::select(vec!["Man", "Woman", "Trans/Transgender/NonConforming", ""]),
            prop::sample::select(vec![
                "0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+", "",
            ]),
            prop::sample::select(vec![
                "HTI", "DOM", "VEN", "COL", "NGA", "FRA", "PHL", "CHN", "XKX", "",
            ]),
            prop::sample::select(vec!["DOM", "TTO", "FRA", ""]),
            prop::sample::select(vec!["1", ""]),
        )
            .prop_map(|(a, b, c, d, e, f)| [a, b, c, d, e, f].map(String::from))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn every_published_class_has_at_least_k_records(
            rows in prop::collection::vec(arb_row(), 0..80),
            k in 1usize..12,
            fraction in prop::sample::select(vec![0.0, 0.05, 0.2]),
        ) {
            let t = Table {
                columns: ["year", "gender", "age", "citizenship", "country", "flag"].map(String::from).to_vec(),
                rows: rows.into_iter().map(|r| r.to_vec()).collect(),
            };
            let out = anonymise(&t, &qis(), KAnonOptions { k, max_suppressed_fraction: fraction }).unwrap();
            let sizes = class_sizes(&out.table, &["year", "gender", "age", "citizenship", "country"]);
            for (class, size) in &sizes {
                prop_assert!(*size >= k, "class {:?} has {} < {}", class, size, k);
            }
            prop_assert_eq!(out.table.rows.len() + out.records_suppressed, t.rows.len());
            prop_assert_eq!(out.k_achieved, sizes.values().copied().min());
            prop_assert_eq!(out.equivalence_classes, sizes.len());
            if t.rows.len() >= k {
                // With at least k records the full generalisation publishes everyone, so the
                // chosen node never suppresses more than the budget.
                let budget = (t.rows.len() as f64 * fraction).floor() as usize;
                prop_assert!(out.records_suppressed <= budget);
            } else {
                prop_assert!(out.table.rows.is_empty());
            }
        }
    }
}
