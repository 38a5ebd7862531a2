//! Passerelle's reading of an HSDS service: which needs it answers, where, for whom, how safe
//! it is, when it was last verified, and how many places it has.
//!
//! Everything is kept in standard HSDS 3.0 fields so an export stays valid and readable by
//! other tools:
//! - needs and protection attributes: `attributes` whose `taxonomy_term` comes from the
//!   Passerelle taxonomies ([`taxonomy`](super::taxonomy));
//! - admin areas: `service_areas[].uri`, HSDS's "persistent identifier to identify an area";
//! - languages: `languages[].code`;
//! - verification: `assured_date` (when) and `assurer_email` (who);
//! - capacity: HSDS 3.0 has no field for it, so it travels as `capacities`, the shape HSDS 3.1
//!   gave its `service_capacity` table, which 3.0 validators accept as an extra field.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Number;

use super::hsds::{Service, ServiceArea, ServiceAreaFields};
use super::ids::stable_uuid;
use super::taxonomy::Taxonomy;
use crate::lang::Lang;

/// An entry not verified for this many months is stale and is shown as such.
pub const STALE_AFTER_MONTHS: u32 = 6;

/// Whether an entry last verified on `last_verified` is stale on `now`: never verified, or
/// verified six calendar months ago or more (verified on 31 August, stale from 28 February).
pub fn is_stale(last_verified: Option<NaiveDate>, now: NaiveDate) -> bool {
    match last_verified.and_then(|d| d.checked_add_months(Months::new(STALE_AFTER_MONTHS))) {
        Some(due) => now >= due,
        None => true,
    }
}

/// The last verification date that is stale on `now`: an entry is stale exactly when it was
/// never verified or verified on or before this day, so that a database can select the stale
/// entries by their date. Found from [`is_stale`] itself (month ends make "six months before"
/// uneven: on 28 February, 29, 30 and 31 August are all six months back).
pub fn stale_on_or_before(now: NaiveDate) -> NaiveDate {
    let mut day = now.checked_sub_months(Months::new(STALE_AFTER_MONTHS)).unwrap_or(NaiveDate::MIN);
    // Staleness only grows as the verification date moves back: step forward while still
    // stale, back while not.
    while let Some(next) = day.succ_opt().filter(|d| is_stale(Some(*d), now)) {
        day = next;
    }
    while !is_stale(Some(day), now) {
        match day.pred_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    day
}

/// The date of `assured_date` (a date, or the date part of a date-time).
pub fn last_verified(service: &Service) -> Option<NaiveDate> {
    let text = service.fields.assured_date.as_deref()?.trim();
    let day = text.get(..10).unwrap_or(text);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Records that `by` (an email address) checked the entry on `on`.
pub fn mark_verified(service: &mut Service, on: NaiveDate, by: &str) {
    service.fields.assured_date = Some(on.format("%Y-%m-%d").to_string());
    service.fields.assurer_email = Some(by.to_string());
}

/// Codes of `taxonomy` carried by the service's attributes, in attribute order, no repeats.
pub fn codes(service: &Service, taxonomy: &Taxonomy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in &service.fields.attributes {
        if let Some(code) = taxonomy.code_of(a)
            && !out.iter().any(|c| c == code)
        {
            out.push(code.to_string());
        }
    }
    out
}

/// Adds the term `code` of `taxonomy` to the service (nothing if already there or unknown).
/// Returns whether the code is known.
pub fn add_code(service: &mut Service, taxonomy: &Taxonomy, code: &str, lang: Lang) -> bool {
    if codes(service, taxonomy).iter().any(|c| c == code) {
        return true;
    }
    match taxonomy.attribute(code, &service.id, lang) {
        Some(a) => {
            service.fields.attributes.push(a);
            true
        }
        None => false,
    }
}

/// Admin area codes where the service is offered.
pub fn area_ids(service: &Service) -> Vec<String> {
    service.fields.service_areas.iter().filter_map(|a| a.fields.uri.clone()).collect()
}

/// Adds an admin area (its code and display name) to the service.
pub fn add_area(service: &mut Service, area_id: &str, name: &str) {
    if area_ids(service).iter().any(|a| a == area_id) {
        return;
    }
    service.fields.service_areas.push(ServiceArea {
        id: stable_uuid("passerelle-service-area", &format!("{}/{area_id}", service.id)),
        fields: ServiceAreaFields {
            service_id: Some(service.id.clone()),
            name: Some(name.to_string()),
            uri: Some(area_id.to_string()),
            ..Default::default()
        },
    });
}

/// Language codes the service is delivered in, lower-case.
pub fn language_codes(service: &Service) -> Vec<String> {
    service.fields.languages.iter().filter_map(|l| l.fields.code.as_deref()).map(str::to_lowercase).collect()
}

/// How many places a service has (beds, appointments, seats), as HSDS 3.1 `service_capacity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    pub unit: CapacityUnit,
    pub available: Number,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the figure was last given (RFC 3339 date-time).
    pub updated: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityUnit {
    pub id: String,
    /// "beds", "places", "appointments" ...
    pub name: String,
}

/// The service's capacities (empty when none was given or the field is unreadable).
pub fn capacities(service: &Service) -> Vec<Capacity> {
    service
        .fields
        .extra
        .get("capacities")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// Sets the capacity in `unit` (replacing an earlier figure in the same unit).
pub fn set_capacity(service: &mut Service, unit: &str, available: u32, maximum: Option<u32>, updated: &str) {
    let mut all = capacities(service);
    all.retain(|c| c.unit.name != unit);
    all.push(Capacity {
        id: stable_uuid("passerelle-capacity", &format!("{}/{unit}", service.id)),
        service_id: Some(service.id.clone()),
        unit: CapacityUnit { id: stable_uuid("passerelle-capacity-unit", unit), name: unit.to_string() },
        available: available.into(),
        maximum: maximum.map(Number::from),
        description: None,
        updated: updated.to_string(),
    });
    if let Ok(v) = serde_json::to_value(all) {
        service.fields.extra.insert("capacities".into(), v);
    }
}

/// Whether the service takes referrals now: `Some(false)` when its keeper paused them or a
/// capacity shows no place left, `Some(true)` when it said it takes them, `None` when unknown.
/// Kept in the entry (`taking_referrals`, beside HSDS 3.1's capacities) so that every copy of
/// the directory carries it.
pub fn taking_referrals(service: &Service) -> Option<bool> {
    let said = service.fields.extra.get("taking_referrals").and_then(|v| v.as_bool());
    let full = capacities(service).iter().any(|c| c.available.as_u64() == Some(0));
    if said == Some(false) || full { Some(false) } else { said }
}

pub fn set_taking_referrals(service: &mut Service, taking: bool) {
    service.fields.extra.insert("taking_referrals".into(), serde_json::Value::Bool(taking));
}

/// Whether the service may take a referral today: active (not temporarily closed).
pub fn is_open(service: &Service) -> bool {
    service.status == super::hsds::ServiceStatus::Active
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::hsds::{ServiceStatus, export_service};
    use crate::directory::taxonomy::Taxonomy;
    use serde_json::Value;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn service() -> Service {
        Service { id: "ac148810-d857-441c-9679-408f346de14b".into(), name: "Abri".into(), ..Default::default() }
    }

    #[test]
    fn stale_after_six_calendar_months() {
        assert!(!is_stale(Some(d("2026-01-15")), d("2026-07-14")));
        assert!(is_stale(Some(d("2026-01-15")), d("2026-07-15")));
        // End of month: 31 August + 6 months is 28 February.
        assert!(!is_stale(Some(d("2025-08-31")), d("2026-02-27")));
        assert!(is_stale(Some(d("2025-08-31")), d("2026-02-28")));
        assert!(is_stale(None, d("2026-01-01")));
        // Verified "in the future" (clock skew) is not stale.
        assert!(!is_stale(Some(d("2026-03-01")), d("2026-01-01")));
    }

    #[test]
    fn the_stale_cutoff_selects_exactly_the_stale_entries() {
        // Every day of two years (leap day and month ends included), against every
        // verification date of the year and a half before.
        let mut now = d("2027-01-01");
        while now < d("2029-01-01") {
            let cutoff = stale_on_or_before(now);
            let mut verified = now - chrono::Days::new(550);
            while verified <= now {
                assert_eq!(is_stale(Some(verified), now), verified <= cutoff, "verified {verified}, now {now}");
                verified = verified.succ_opt().unwrap();
            }
            now = now.succ_opt().unwrap();
        }
        assert_eq!(stale_on_or_before(d("2026-02-28")), d("2025-08-31"));
        assert_eq!(stale_on_or_before(d("2026-07-15")), d("2026-01-15"));
    }

    #[test]
    fn verification_is_assured_date_and_assurer_email() {
        let mut s = service();
        assert_eq!(last_verified(&s), None);
        mark_verified(&mut s, d("2026-05-02"), "focal@ngo.example");
        assert_eq!(last_verified(&s), Some(d("2026-05-02")));
        assert_eq!(s.fields.assurer_email.as_deref(), Some("focal@ngo.example"));
        s.fields.assured_date = Some("2026-05-03T10:00:00Z".into());
        assert_eq!(last_verified(&s), Some(d("2026-05-03")));
        s.fields.assured_date = Some("last spring".into());
        assert_eq!(last_verified(&s), None);
    }

    #[test]
    fn needs_areas_and_protection_codes_live_in_attributes_and_service_areas() {
        let mut s = service();
        let needs = Taxonomy::needs();
        let prot = Taxonomy::protection();
        assert!(add_code(&mut s, needs, "shelter_low_threshold", Lang::Fr));
        assert!(add_code(&mut s, needs, "shelter_low_threshold", Lang::Fr));
        assert!(add_code(&mut s, prot, "open_to_migrants", Lang::Fr));
        assert!(!add_code(&mut s, needs, "astrology", Lang::Fr));
        assert_eq!(codes(&s, needs), vec!["shelter_low_threshold"]);
        assert_eq!(codes(&s, prot), vec!["open_to_migrants"]);
        add_area(&mut s, "HT-OU", "Ouest");
        add_area(&mut s, "HT-OU", "Ouest");
        assert_eq!(area_ids(&s), vec!["HT-OU"]);
        assert_eq!(s.fields.attributes.len(), 2);
        let json = export_service(&s);
        assert_eq!(json["service_areas"][0]["uri"], "HT-OU");
        assert_eq!(json["attributes"][0]["taxonomy_term"]["code"], "shelter_low_threshold");
    }

    #[test]
    fn capacity_is_kept_as_hsds_3_1_capacities() {
        let mut s = service();
        assert!(capacities(&s).is_empty());
        set_capacity(&mut s, "beds", 3, Some(20), "2026-11-01T08:00:00Z");
        set_capacity(&mut s, "beds", 5, Some(20), "2026-11-02T08:00:00Z");
        let c = capacities(&s);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].available.as_u64(), Some(5));
        assert_eq!(export_service(&s)["capacities"][0]["unit"]["name"], "beds");
        s.fields.extra.insert("capacities".into(), Value::String("garbage".into()));
        assert!(capacities(&s).is_empty());
    }

    #[test]
    fn open_means_active_only() {
        let mut s = service();
        assert!(is_open(&s));
        s.status = ServiceStatus::TemporarilyClosed;
        assert!(!is_open(&s));
    }

    #[test]
    fn language_codes_are_lower_case() {
        let mut s = service();
        s.fields.languages.push(crate::directory::hsds::Language {
            id: "x".into(),
            fields: crate::directory::hsds::LanguageFields { code: Some("FR".into()), ..Default::default() },
        });
        assert_eq!(language_codes(&s), vec!["fr"]);
    }

    #[test]
    fn taking_referrals_paused_or_full() {
        let mut s = service();
        assert_eq!(taking_referrals(&s), None);
        set_taking_referrals(&mut s, true);
        assert_eq!(taking_referrals(&s), Some(true));
        set_capacity(&mut s, "places", 0, Some(10), "2026-01-01T00:00:00Z");
        assert_eq!(taking_referrals(&s), Some(false), "no place left");
        set_capacity(&mut s, "places", 3, Some(10), "2026-01-01T00:00:00Z");
        assert_eq!(taking_referrals(&s), Some(true));
        set_taking_referrals(&mut s, false);
        assert_eq!(taking_referrals(&s), Some(false));
    }
}
