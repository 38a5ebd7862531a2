//! Gap analysis: how many active services answer each need in each area, and where none does.
//!
//! A service tagged with a sub-term ("low-threshold shelter") counts for its parent need
//! ("shelter"); a service counts once per cell however many of its terms fall under the need.
//! Only active services count: a temporarily closed shelter does not fill a gap tonight.

use std::collections::BTreeSet;

use serde::Serialize;

use super::hsds::{Service, ServiceStatus};
use super::profile;
use super::taxonomy::Taxonomy;

/// What coverage needs to know about a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageService {
    pub id: String,
    pub status: ServiceStatus,
    pub needs: Vec<String>,
    pub areas: Vec<String>,
    /// Protection attribute codes.
    pub attributes: BTreeSet<String>,
    /// Language codes, lower-case.
    pub languages: BTreeSet<String>,
}

impl CoverageService {
    pub fn from_service(service: &Service, needs: &Taxonomy, protection: &Taxonomy) -> CoverageService {
        CoverageService {
            id: service.id.clone(),
            status: service.status,
            needs: profile::codes(service, needs),
            areas: profile::area_ids(service),
            attributes: profile::codes(service, protection).into_iter().collect(),
            languages: profile::language_codes(service).into_iter().collect(),
        }
    }
}

/// Which services count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CoverageFilter {
    /// Only services open to migrants whatever their status.
    pub open_to_migrants: bool,
    /// Only services free of charge.
    pub free_of_charge: bool,
    /// Only services delivered in this language (ISO 639 code).
    pub language: Option<String>,
}

impl CoverageFilter {
    fn admits(&self, s: &CoverageService) -> bool {
        s.status == ServiceStatus::Active
            && (!self.open_to_migrants || s.attributes.contains("open_to_migrants"))
            && (!self.free_of_charge || s.attributes.contains("free_of_charge"))
            && self.language.as_ref().is_none_or(|l| s.languages.contains(&l.to_lowercase()))
    }
}

/// The needs x areas matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub needs: Vec<String>,
    pub areas: Vec<String>,
    /// `counts[n][a]`: active services answering `needs[n]` in `areas[a]`.
    pub counts: Vec<Vec<u32>>,
    /// Cells with no service, as (need, area), need by need.
    pub gaps: Vec<(String, String)>,
}

impl Coverage {
    pub fn count(&self, need: &str, area: &str) -> Option<u32> {
        let n = self.needs.iter().position(|x| x == need)?;
        let a = self.areas.iter().position(|x| x == area)?;
        Some(self.counts[n][a])
    }
}

/// Counts, for each of `needs` and `areas`, the services that `filter` admits.
pub fn compute(
    services: &[CoverageService],
    needs: &[String],
    areas: &[String],
    taxonomy: &Taxonomy,
    filter: &CoverageFilter,
) -> Coverage {
    let mut counts = vec![vec![0u32; areas.len()]; needs.len()];
    for s in services.iter().filter(|s| filter.admits(s)) {
        for (n, need) in needs.iter().enumerate() {
            if !s.needs.iter().any(|code| code == need || taxonomy.is_within(code, need)) {
                continue;
            }
            for (a, area) in areas.iter().enumerate() {
                if s.areas.iter().any(|x| x == area) {
                    counts[n][a] += 1;
                }
            }
        }
    }
    let mut gaps = Vec::new();
    for (n, need) in needs.iter().enumerate() {
        for (a, area) in areas.iter().enumerate() {
            if counts[n][a] == 0 {
                gaps.push((need.clone(), area.clone()));
            }
        }
    }
    Coverage { needs: needs.to_vec(), areas: areas.to_vec(), counts, gaps }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::hsds::Service;
    use crate::lang::Lang;

    fn svc(id: &str, status: ServiceStatus, needs: &[&str], areas: &[&str], attrs: &[&str], langs: &[&str]) -> CoverageService {
        CoverageService {
            id: id.into(),
            status,
            needs: needs.iter().map(|s| s.to_string()).collect(),
            areas: areas.iter().map(|s| s.to_string()).collect(),
            attributes: attrs.iter().map(|s| s.to_string()).collect(),
            languages: langs.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    use ServiceStatus::*;

    /// Three areas (N, S, E), three needs, six services:
    /// - s1 shelter_low_threshold in N, S; migrants + free; fr, ht
    /// - s2 shelter + health in N; free; fr
    /// - s3 gbv_helpline in N, S, E; migrants + free; fr, es
    /// - s4 health in S; migrants; es
    /// - s5 shelter in E, temporarily closed (never counts)
    /// - s6 health_primary_care + health in E; nothing; fr (counts once for health)
    fn fixture() -> Vec<CoverageService> {
        vec![
            svc("s1", Active, &["shelter_low_threshold"], &["N", "S"], &["open_to_migrants", "free_of_charge"], &["fr", "ht"]),
            svc("s2", Active, &["shelter", "health"], &["N"], &["free_of_charge"], &["fr"]),
            svc("s3", Active, &["gbv_helpline"], &["N", "S", "E"], &["open_to_migrants", "free_of_charge"], &["fr", "es"]),
            svc("s4", Active, &["health"], &["S"], &["open_to_migrants"], &["es"]),
            svc("s5", TemporarilyClosed, &["shelter"], &["E"], &["open_to_migrants", "free_of_charge"], &["fr"]),
            svc("s6", Active, &["health_primary_care", "health"], &["E"], &[], &["fr"]),
        ]
    }

    fn run(filter: CoverageFilter) -> Coverage {
        compute(&fixture(), &strings(&["shelter", "health", "gbv"]), &strings(&["N", "S", "E"]), Taxonomy::needs(), &filter)
    }

    #[test]
    fn hand_computed_matrix_without_filter() {
        let c = run(CoverageFilter::default());
        //                 N  S  E
        // shelter:  s1,s2 | s1 | (s5 closed)
        // health:   s2    | s4 | s6
        // gbv:      s3    | s3 | s3
        assert_eq!(c.counts, vec![vec![2, 1, 0], vec![1, 1, 1], vec![1, 1, 1]]);
        assert_eq!(c.gaps, vec![("shelter".to_string(), "E".to_string())]);
        assert_eq!(c.count("health", "E"), Some(1));
        assert_eq!(c.count("food", "E"), None);
    }

    #[test]
    fn filters_open_to_migrants_free_and_language() {
        let c = run(CoverageFilter { open_to_migrants: true, ..Default::default() });
        assert_eq!(c.counts, vec![vec![1, 1, 0], vec![0, 1, 0], vec![1, 1, 1]]);
        let c = run(CoverageFilter { free_of_charge: true, ..Default::default() });
        assert_eq!(c.counts, vec![vec![2, 1, 0], vec![1, 0, 0], vec![1, 1, 1]]);
        let c = run(CoverageFilter { language: Some("ES".into()), ..Default::default() });
        assert_eq!(c.counts, vec![vec![0, 0, 0], vec![0, 1, 0], vec![1, 1, 1]]);
        assert_eq!(c.gaps.len(), 5);
        let c = run(CoverageFilter { open_to_migrants: true, free_of_charge: true, language: Some("ht".into()) });
        assert_eq!(c.counts, vec![vec![1, 1, 0], vec![0, 0, 0], vec![0, 0, 0]]);
        assert_eq!(c.gaps.len(), 7);
    }

    #[test]
    fn from_hsds_service() {
        let mut s = Service { id: "x".into(), name: "Abri".into(), ..Default::default() };
        profile::add_code(&mut s, Taxonomy::needs(), "shelter_low_threshold", Lang::Fr);
        profile::add_code(&mut s, Taxonomy::protection(), "free_of_charge", Lang::Fr);
        profile::add_area(&mut s, "N", "Nord");
        let c = CoverageService::from_service(&s, Taxonomy::needs(), Taxonomy::protection());
        assert_eq!(c.needs, vec!["shelter_low_threshold"]);
        assert_eq!(c.areas, vec!["N"]);
        assert!(c.attributes.contains("free_of_charge"));
        let cov = compute(&[c], &strings(&["shelter"]), &strings(&["N"]), Taxonomy::needs(), &CoverageFilter { free_of_charge: true, ..Default::default() });
        assert_eq!(cov.counts, vec![vec![1]]);
        assert!(cov.gaps.is_empty());
    }
}
