//! Rate limits on the expensive reads: searches and exports.
//!
//! A search (any request with a non-empty `q`) and an export (a CSV, XLSX or JSON download of a
//! whole list) cost the server far more than a page, and repeated fast they are how a stolen
//! account or a scraper would empty the register. Each signed-in user (or, for the public
//! finder, each client address) has a token bucket per kind: a burst of the configured number
//! of requests, refilled at that number per minute. Over it the answer is 429 with
//! `Retry-After`, translated like every error; nothing else is slowed down. Sign-in has its own
//! stricter throttle ([`crate::pages::auth`]). The buckets live in the process: behind several
//! servers each counts its own requests, which a reverse proxy's limit can complement.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::time::Duration;

/// What a request costs, for the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Search,
    Export,
}

/// Whether a matched route path is an export: a whole list as a file.
pub fn is_export(path: &str) -> bool {
    // "My exports" and an export's page are pages; making and downloading an archive are exports.
    if matches!(path, "/exports" | "/exports/{id}") {
        return false;
    }
    path.contains("export") || [".csv", ".xlsx", "/csv", "/xlsx"].iter().any(|e| path.ends_with(e))
}

/// The kind of a GET request (or of a POST that makes an export), from its matched route and
/// its query string.
pub fn kind_of(matched_path: &str, query: Option<&str>) -> Option<Kind> {
    if is_export(matched_path) {
        return Some(Kind::Export);
    }
    let searching = query
        .map(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default())
        .is_some_and(|pairs| pairs.iter().any(|(k, v)| k == "q" && !v.trim().is_empty()));
    searching.then_some(Kind::Search)
}

/// Who is counted: a user, or an address for those not signed in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Who {
    User(uuid::Uuid),
    Address(String),
}

pub struct Limits {
    search: DefaultKeyedRateLimiter<Who>,
    export: DefaultKeyedRateLimiter<Who>,
}

impl Limits {
    /// Searches and exports allowed per minute (each at least 1).
    pub fn new(searches_per_minute: u32, exports_per_minute: u32) -> Limits {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        Limits { search: RateLimiter::keyed(quota(searches_per_minute)), export: RateLimiter::keyed(quota(exports_per_minute)) }
    }

    /// `Err(wait)` when `who` has used their allowance of `kind`.
    pub fn check(&self, kind: Kind, who: Who) -> Result<(), Duration> {
        let limiter = match kind {
            Kind::Search => &self.search,
            Kind::Export => &self.export,
        };
        // Forget the buckets that are full again, so that the map does not grow with every
        // address ever seen.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&who).map_err(|n| n.wait_time_from(DefaultClock::default().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_and_exports_are_told_apart() {
        assert_eq!(kind_of("/people", Some("q=amina")), Some(Kind::Search));
        assert_eq!(kind_of("/", Some("q=&area=BT-04")), None, "an empty search is a page");
        assert_eq!(kind_of("/cases", None), None);
        assert_eq!(kind_of("/trafficking/ctdc.csv", None), Some(Kind::Export));
        assert_eq!(kind_of("/indicators/{id}/xlsx", Some("period=2026")), Some(Kind::Export));
        assert_eq!(kind_of("/directory/manage/export", Some("format=csv")), Some(Kind::Export));
        assert_eq!(kind_of("/exports", None), None, "my exports is a page");
        assert_eq!(kind_of("/exports/{id}", None), None);
        assert_eq!(kind_of("/exports/{id}/download", None), Some(Kind::Export));
    }

    #[test]
    fn every_export_route_is_limited() {
        // The file downloads of whole lists that exist today; a new one must be seen here.
        let mut exports: Vec<&str> = crate::routes::route_defs().iter().map(|d| d.path).filter(|p| is_export(p)).collect();
        exports.sort();
        exports.dedup();
        for p in ["/coverage/report.xlsx", "/directory/export.json", "/directory/manage/export", "/indicators/report/xlsx",
                  "/indicators/{id}/csv", "/indicators/{id}/xlsx", "/outreach/figures.xlsx", "/trafficking/ctdc.csv",
                  "/trafficking/taskforce.csv", "/trafficking/taskforce.xlsx", "/training/figures.xlsx",
                  "/cases/export", "/admin/people/{id}/export", "/exports/{id}/download"] {
            assert!(exports.contains(&p), "{p} is no longer classed as an export");
        }
    }

    #[test]
    fn a_burst_then_refusal_per_person() {
        let l = Limits::new(3, 1);
        let a = Who::User(uuid::Uuid::now_v7());
        for _ in 0..3 {
            assert!(l.check(Kind::Search, a.clone()).is_ok());
        }
        let wait = l.check(Kind::Search, a.clone()).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(l.check(Kind::Search, Who::Address("10.0.0.1".into())).is_ok(), "others are not slowed");
        assert!(l.check(Kind::Export, a.clone()).is_ok(), "each kind has its own allowance");
        assert!(l.check(Kind::Export, a).is_err());
    }
}
