//! Measuring matching on people whose duplicates are known: blocking with the same keys the
//! store indexes, scoring every candidate pair once, counting hits and misses.

use std::collections::HashMap;

use serde::Serialize;

use super::generator::GeneratedPerson;
use super::score::{NameFrequencies, Thresholds, score_with};
use super::{MatchTables, PreparedPerson, keys};

/// Precision, recall and F1 at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    pub threshold: f64,
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Metrics {
    fn new(threshold: f64, tp: u64, fp: u64, fn_: u64) -> Metrics {
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        Metrics { threshold, true_positives: tp, false_positives: fp, false_negatives: fn_, precision, recall, f1 }
    }
}

/// The figures of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub people: u64,
    /// Pairs of records of the same person.
    pub true_pairs: u64,
    /// Candidate pairs scored (pairs sharing at least one duplicate key).
    pub comparisons: u64,
    /// True pairs that blocking put together: the ceiling of recall.
    pub true_pairs_blocked: u64,
    /// Predicted duplicate = score >= `possible` (what a caseworker is shown).
    pub at_possible: Metrics,
    /// Predicted duplicate = score >= `likely`.
    pub at_likely: Metrics,
    /// Largest block (people sharing one key): what one check costs at worst.
    pub largest_block: u64,
}

/// A scored pair, kept when asked for, to look at the errors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredPair {
    pub left: u64,
    pub right: u64,
    pub score: f64,
    pub same_person: bool,
}

/// Blocks and scores `people` (indexed by position), counting against their clusters.
pub fn evaluate(people: &[GeneratedPerson], tables: &MatchTables, thresholds: &Thresholds) -> Evaluation {
    evaluate_collect(people, tables, thresholds, &mut |_| {})
}

/// As [`evaluate`], handing each scored pair to `seen` (to inspect false positives and misses).
pub fn evaluate_collect(
    people: &[GeneratedPerson],
    tables: &MatchTables,
    thresholds: &Thresholds,
    seen: &mut dyn FnMut(ScoredPair),
) -> Evaluation {
    let prepared: Vec<PreparedPerson> =
        people.iter().map(|p| PreparedPerson::new(&p.record, tables)).collect();
    // The store would read these counts from its `n:` keys.
    let mut freq = NameFrequencies::new();
    for p in &prepared {
        freq.add(p);
    }
    let person_keys: Vec<Vec<String>> = prepared.iter().map(keys::duplicate_keys).collect();
    let mut blocks: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, ks) in person_keys.iter().enumerate() {
        for k in ks {
            blocks.entry(k.as_str()).or_default().push(i as u32);
        }
    }
    let largest_block = blocks.values().map(Vec::len).max().unwrap_or(0) as u64;

    let mut cluster_sizes: HashMap<u64, u64> = HashMap::new();
    for p in people {
        *cluster_sizes.entry(p.cluster).or_default() += 1;
    }
    let true_pairs: u64 = cluster_sizes.values().map(|n| n * (n - 1) / 2).sum();

    // Each pair is scored once: for person i, candidates j > i, deduplicated with a stamp.
    let mut stamp = vec![u32::MAX; people.len()];
    let (mut comparisons, mut blocked) = (0u64, 0u64);
    let (mut tp_p, mut fp_p, mut tp_l, mut fp_l) = (0u64, 0u64, 0u64, 0u64);
    for (i, ks) in person_keys.iter().enumerate() {
        for k in ks {
            let Some(block) = blocks.get(k.as_str()) else { continue };
            for &j in block {
                let ju = j as usize;
                if ju <= i || stamp[ju] == i as u32 {
                    continue;
                }
                stamp[ju] = i as u32;
                comparisons += 1;
                let same = people[i].cluster == people[ju].cluster;
                let s = score_with(&prepared[i], &prepared[ju], thresholds, Some(&freq)).score;
                if same {
                    blocked += 1;
                }
                if s >= thresholds.possible {
                    if same { tp_p += 1 } else { fp_p += 1 }
                }
                if s >= thresholds.likely {
                    if same { tp_l += 1 } else { fp_l += 1 }
                }
                seen(ScoredPair { left: people[i].index, right: people[ju].index, score: s, same_person: same });
            }
        }
    }
    Evaluation {
        people: people.len() as u64,
        true_pairs,
        comparisons,
        true_pairs_blocked: blocked,
        at_possible: Metrics::new(thresholds.possible, tp_p, fp_p, true_pairs - tp_p),
        at_likely: Metrics::new(thresholds.likely, tp_l, fp_l, true_pairs - tp_l),
        largest_block,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::generator::{Generator, GeneratorConfig};
    use crate::matching::{BirthDate, PersonRecord, Sex};

    #[test]
    fn metrics_arithmetic() {
        let m = Metrics::new(0.5, 8, 2, 2);
        assert!((m.precision - 0.8).abs() < 1e-12);
        assert!((m.recall - 0.8).abs() < 1e-12);
        assert!((m.f1 - 0.8).abs() < 1e-12);
        let none = Metrics::new(0.5, 0, 0, 0);
        assert_eq!((none.precision, none.recall), (1.0, 1.0));
    }

    #[test]
    fn counts_on_a_hand_made_register() {
        let rec = |g: &str, f: &str| PersonRecord {
            given_names: g.into(),
            family_names: f.into(),
            sex: Some(Sex::Female),
            birth: Some(BirthDate::EstimatedYear(1990)),
            ..Default::default()
        };
        let gp = |index, cluster, record| GeneratedPerson { index, cluster, record, errors: vec![] };
        let people = vec![
            gp(0, 0, rec("Fatima", "Benali")),
            gp(1, 0, rec("Fatma", "Ben Ali")),
            gp(2, 2, rec("Rose", "Dorvil")),
            gp(3, 3, rec("Guerline", "Exantus")),
        ];
        let e = evaluate(&people, MatchTables::builtin(), &Thresholds::DEFAULT);
        assert_eq!(e.people, 4);
        assert_eq!(e.true_pairs, 1);
        assert_eq!(e.true_pairs_blocked, 1);
        assert_eq!(e.comparisons, 1, "unrelated names share no key");
        assert_eq!(e.at_possible.true_positives, 1);
        assert_eq!(e.at_possible.false_positives, 0);
    }

    /// The figure the issue asks for, on 5,000 generated people (seed 2024; the weights were
    /// looked at on other seeds). Real measurement: if it fails, fix matching, not the numbers.
    #[test]
    fn precision_and_recall_on_5000_generated_people() {
        let g = Generator::builtin(GeneratorConfig { seed: 2024, ..GeneratorConfig::default() });
        let people: Vec<_> = g.people(5000).collect();
        let e = evaluate(&people, MatchTables::builtin(), &Thresholds::DEFAULT);
        eprintln!("{e:#?}");
        assert!(e.true_pairs > 300, "{}", e.true_pairs);
        assert!(e.at_possible.precision >= 0.9, "precision {:?}", e.at_possible);
        assert!(e.at_possible.recall >= 0.85, "recall {:?}", e.at_possible);
        // Blocking must stay far from comparing all pairs (12.5 million here).
        assert!(e.comparisons < 200_000, "{}", e.comparisons);
    }

    /// Larger runs: `PASSERELLE_MATCHING_EVAL=20000,100000 cargo test -p passerelle-core
    /// matching_at_scale -- --nocapture` (or the `matching_eval` example).
    #[test]
    fn matching_at_scale() {
        let Ok(sizes) = std::env::var("PASSERELLE_MATCHING_EVAL") else { return };
        for n in sizes.split(',').filter_map(|s| s.trim().parse::<u64>().ok()) {
            let g = Generator::builtin(GeneratorConfig { seed: 2024, ..GeneratorConfig::default() });
            let people: Vec<_> = g.people(n).collect();
            let start = std::time::Instant::now();
            let e = evaluate(&people, MatchTables::builtin(), &Thresholds::DEFAULT);
            eprintln!("{n} people in {:?}: {e:#?}", start.elapsed());
            // Measured (seed 2024): 20,000 people P 0.858 R 0.816. Figures fall slowly with
            // size because namesakes multiply; blocking must keep nearly every true pair.
            assert!(e.true_pairs_blocked as f64 >= 0.99 * e.true_pairs as f64, "{e:?}");
            assert!(e.at_possible.precision >= 0.7 && e.at_possible.recall >= 0.7, "{e:?}");
        }
    }
}
