//! Precision, recall and timing of record matching on generated people.
//!
//! `cargo run -p passerelle-core --example matching_eval -- 20000 100000 [--seed N] [--show K]`
//! `--show K` prints K false positives and K misses with their reasons, to see what to fix.

use std::time::Instant;

use passerelle_core::matching::evaluate::{ScoredPair, evaluate_collect};
use passerelle_core::matching::generator::{Generator, GeneratorConfig};
use passerelle_core::matching::score::{NameFrequencies, score_with};
use passerelle_core::matching::{MatchTables, PreparedPerson, Thresholds, keys};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sizes = Vec::new();
    let mut seed = 2024;
    let mut show = 0;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                seed = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(seed);
                i += 1;
            }
            "--show" => {
                show = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(10);
                i += 1;
            }
            s => sizes.extend(s.parse::<u64>().ok()),
        }
        i += 1;
    }
    if sizes.is_empty() {
        sizes = vec![5000, 20000];
    }
    let tables = MatchTables::builtin();
    let thresholds = Thresholds::DEFAULT;
    for n in sizes {
        let g = Generator::builtin(GeneratorConfig { seed, ..GeneratorConfig::default() });
        let t0 = Instant::now();
        let people: Vec<_> = g.people(n).collect();
        let gen_time = t0.elapsed();
        let t1 = Instant::now();
        let key_count: usize = people
            .iter()
            .map(|p| keys::person_keys(&PreparedPerson::new(&p.record, tables)).len())
            .sum();
        let key_time = t1.elapsed();
        let mut fps: Vec<ScoredPair> = Vec::new();
        let mut found = std::collections::HashSet::new();
        // Pairs scoring at least each of SWEEP, same person or not: where other thresholds
        // would put precision and recall.
        const SWEEP: [f64; 6] = [0.3, 0.5, 0.65, 0.75, 0.9, 0.95];
        let mut swept = [(0u64, 0u64); SWEEP.len()];
        let t2 = Instant::now();
        let e = evaluate_collect(&people, tables, &thresholds, &mut |p| {
            for (k, t) in SWEEP.iter().enumerate() {
                if p.score >= *t {
                    if p.same_person { swept[k].0 += 1 } else { swept[k].1 += 1 }
                }
            }
            if p.score >= thresholds.possible {
                if p.same_person {
                    found.insert((p.left, p.right));
                } else if fps.len() < show {
                    fps.push(p);
                }
            }
        });
        let eval_time = t2.elapsed();
        println!(
            "{n} people (seed {seed}): generated in {gen_time:.2?}, {key_count} keys in {key_time:.2?}, \
             blocking+scoring in {eval_time:.2?}"
        );
        println!(
            "  true pairs {}, comparisons {}, blocked true pairs {} (blocking recall {:.3}), largest block {}",
            e.true_pairs,
            e.comparisons,
            e.true_pairs_blocked,
            e.true_pairs_blocked as f64 / e.true_pairs.max(1) as f64,
            e.largest_block
        );
        for (name, m) in [("possible", e.at_possible), ("likely", e.at_likely)] {
            println!(
                "  at {name} (>= {:.2}): precision {:.3} recall {:.3} F1 {:.3} (tp {} fp {} fn {})",
                m.threshold, m.precision, m.recall, m.f1, m.true_positives, m.false_positives, m.false_negatives
            );
        }
        for (t, (tp, fp)) in SWEEP.iter().zip(swept) {
            println!(
                "  score >= {t:.2}: precision {:.3} recall {:.3}",
                tp as f64 / (tp + fp).max(1) as f64,
                tp as f64 / e.true_pairs.max(1) as f64
            );
        }
        if show > 0 {
            let describe = |i: u64| {
                let p = &people[i as usize];
                format!(
                    "#{i} {:?} | {:?} | {:?} {:?} {:?} {:?} {:?} errs {:?}",
                    p.record.given_names, p.record.family_names, p.record.sex, p.record.birth,
                    p.record.nationality, p.record.phone, p.record.external_id, p.errors
                )
            };
            let mut freq = NameFrequencies::new();
            for p in &people {
                freq.add(&PreparedPerson::new(&p.record, tables));
            }
            let explain = |a: u64, b: u64| {
                let pa = PreparedPerson::new(&people[a as usize].record, tables);
                let pb = PreparedPerson::new(&people[b as usize].record, tables);
                let s = score_with(&pa, &pb, &thresholds, Some(&freq));
                format!("score {:.3} ev {:.2} {:?}", s.score, s.evidence, s.reasons)
            };
            println!("-- false positives");
            for p in &fps {
                println!("{}\n{}\n  {}", describe(p.left), describe(p.right), explain(p.left, p.right));
            }
            println!("-- misses");
            let mut by_cluster: std::collections::HashMap<u64, Vec<u64>> = Default::default();
            for p in &people {
                by_cluster.entry(p.cluster).or_default().push(p.index);
            }
            let mut shown = 0;
            for members in by_cluster.values() {
                for (x, &a) in members.iter().enumerate() {
                    for &b in &members[x + 1..] {
                        let (a, b) = (a.min(b), a.max(b));
                        if !found.contains(&(a, b)) && shown < show {
                            shown += 1;
                            println!("{}\n{}\n  {}", describe(a), describe(b), explain(a, b));
                        }
                    }
                }
            }
        }
    }
}
