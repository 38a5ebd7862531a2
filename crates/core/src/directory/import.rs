//! What an HSDS import would do, before anything is written: which records would be created,
//! which updated, which rejected and why. The store applies an accepted preview in one
//! transaction; this module decides nothing else.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::hsds::{Dataset, ImportError, Organization, Record, RecordKind, Service};
use super::ids::is_uuid;
use super::taxonomy::Taxonomy;
use crate::validate::is_email;

/// The taxonomies an import checks attribute codes against.
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary<'a> {
    pub needs: &'a Taxonomy,
    pub protection: &'a Taxonomy,
}

impl Vocabulary<'static> {
    /// The taxonomies shipped in `content/taxonomy/`.
    pub fn builtin() -> Vocabulary<'static> {
        Vocabulary { needs: Taxonomy::needs(), protection: Taxonomy::protection() }
    }
}

/// A record the import would write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planned {
    pub kind: RecordKind,
    pub id: String,
    pub name: Option<String>,
    /// Where it is in the document (JSON pointer).
    pub pointer: String,
}

/// A record the import would leave out, with every reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejected {
    pub kind: RecordKind,
    pub id: Option<String>,
    pub name: Option<String>,
    pub pointer: String,
    #[serde(serialize_with = "reasons_as_codes")]
    pub reasons: Vec<ImportError>,
}

fn reasons_as_codes<S: serde::Serializer>(reasons: &[ImportError], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(reasons.iter().map(|r| serde_json::json!({"code": r.code(), "message": r.to_string()})))
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Preview {
    pub create: Vec<Planned>,
    pub update: Vec<Planned>,
    pub reject: Vec<Rejected>,
}

impl Preview {
    /// Whether the record with this pointer is accepted (created or updated).
    pub fn accepts(&self, pointer: &str) -> bool {
        self.create.iter().chain(&self.update).any(|p| p.pointer == pointer)
    }
}

/// Decides, for every record of `dataset`, whether it would be created (id unknown to the
/// directory), updated (id in `existing`), or rejected. Organisations embedded in a service
/// document count as records of their own.
pub fn preview(existing: &HashSet<String>, dataset: &Dataset, vocabulary: Vocabulary<'_>) -> Preview {
    let mut out = Preview::default();
    for u in &dataset.unreadable {
        out.reject.push(Rejected {
            kind: u.kind,
            id: u.id.clone(),
            name: u.name.clone(),
            pointer: u.pointer.clone(),
            reasons: u.errors.clone(),
        });
    }

    // Organisations first: a service is only as good as its organisation.
    let mut items: Vec<(String, Record)> = Vec::new();
    for (record, pointer) in dataset.records.iter().zip(&dataset.pointers) {
        if let Record::Service(s) = record
            && let Some(org) = &s.fields.organization
        {
            items.push((format!("{pointer}/organization"), Record::Organization((**org).clone())));
        }
        items.push((pointer.clone(), record.clone()));
    }
    items.sort_by_key(|(_, r)| r.kind() != RecordKind::Organization);

    let mut first_seen: HashMap<(RecordKind, String), String> = HashMap::new();
    let mut good_orgs: HashSet<String> = HashSet::new();
    let mut bad_orgs: HashSet<String> = HashSet::new();
    let mut planned: HashSet<(RecordKind, String)> = HashSet::new();
    for (pointer, record) in &items {
        let id = record.id().to_string();
        let mut reasons = Vec::new();
        if !is_uuid(&id) {
            reasons.push(ImportError::BadId { pointer: pointer.clone(), id: id.clone() });
        }
        let key = (record.kind(), id.clone());
        if let Some(first) = first_seen.get(&key) {
            // The same organisation embedded in several service documents is one record,
            // provided every copy says the same thing.
            let same_embedded = record.kind() == RecordKind::Organization && planned.contains(&key);
            if same_embedded && pointer.ends_with("/organization") {
                continue;
            }
            reasons.push(ImportError::DuplicateId { pointer: pointer.clone(), id: id.clone(), first: first.clone() });
        } else {
            first_seen.insert(key.clone(), pointer.clone());
        }
        match record {
            Record::Organization(o) => check_organization(o, pointer, &mut reasons),
            Record::Service(s) => {
                check_service(s, pointer, vocabulary, &mut reasons);
                if let Some(org_id) = s.fields.organization_id.as_deref().or(s.fields.organization.as_ref().map(|o| o.id.as_str())) {
                    if bad_orgs.contains(org_id) {
                        reasons.push(ImportError::OrganizationRejected { pointer: pointer.clone(), id: org_id.to_string() });
                    } else if !good_orgs.contains(org_id) && !existing.contains(org_id) {
                        reasons.push(ImportError::UnknownOrganization { pointer: pointer.clone(), id: org_id.to_string() });
                    }
                }
            }
            _ => {}
        }
        let name = record.name().map(str::to_string);
        if reasons.is_empty() {
            if record.kind() == RecordKind::Organization {
                good_orgs.insert(id.clone());
            }
            planned.insert(key);
            let p = Planned { kind: record.kind(), id: id.clone(), name, pointer: pointer.clone() };
            if existing.contains(&id) {
                out.update.push(p);
            } else {
                out.create.push(p);
            }
        } else {
            if record.kind() == RecordKind::Organization {
                bad_orgs.insert(id.clone());
            }
            out.reject.push(Rejected { kind: record.kind(), id: Some(id), name, pointer: pointer.clone(), reasons });
        }
    }
    out
}

fn check_email(value: Option<&str>, field: &str, pointer: &str, reasons: &mut Vec<ImportError>) {
    if let Some(v) = value
        && !is_email(v.trim())
    {
        reasons.push(ImportError::BadEmail { pointer: pointer.into(), field: field.into(), value: v.into() });
    }
}

fn check_url(value: Option<&str>, field: &str, pointer: &str, reasons: &mut Vec<ImportError>) {
    if let Some(v) = value
        && !is_web_address(v)
    {
        reasons.push(ImportError::BadUrl { pointer: pointer.into(), field: field.into(), value: v.into() });
    }
}

/// An absolute http(s) address with a host, as HSDS's `format: uri` fields hold.
pub fn is_web_address(v: &str) -> bool {
    match url::Url::parse(v.trim()) {
        Ok(u) => matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()),
        Err(_) => false,
    }
}

fn check_organization(o: &Organization, pointer: &str, reasons: &mut Vec<ImportError>) {
    if o.name.trim().is_empty() {
        reasons.push(ImportError::MissingField { pointer: pointer.into(), field: "name".into() });
    }
    check_email(o.fields.email.as_deref(), "email", pointer, reasons);
    check_url(o.fields.website.as_deref(), "website", pointer, reasons);
}

fn check_service(s: &Service, pointer: &str, vocabulary: Vocabulary<'_>, reasons: &mut Vec<ImportError>) {
    if s.name.trim().is_empty() {
        reasons.push(ImportError::MissingField { pointer: pointer.into(), field: "name".into() });
    }
    check_email(s.fields.email.as_deref(), "email", pointer, reasons);
    check_email(s.fields.assurer_email.as_deref(), "assurer_email", pointer, reasons);
    check_url(s.fields.url.as_deref(), "url", pointer, reasons);
    if let Some(d) = s.fields.assured_date.as_deref()
        && super::profile::last_verified(s).is_none()
    {
        reasons.push(ImportError::BadDate { pointer: pointer.into(), field: "assured_date".into(), value: d.into() });
    }
    if let (Some(min), Some(max)) = (&s.fields.minimum_age, &s.fields.maximum_age)
        && let (Some(a), Some(b)) = (min.as_f64(), max.as_f64())
        && a > b
    {
        reasons.push(ImportError::AgeRange { pointer: pointer.into(), min: min.to_string(), max: max.to_string() });
    }
    for (i, a) in s.fields.attributes.iter().enumerate() {
        for t in [vocabulary.needs, vocabulary.protection] {
            if let Some(code) = t.unknown_code(a) {
                reasons.push(ImportError::UnknownTerm {
                    pointer: format!("{pointer}/attributes/{i}"),
                    taxonomy: t.id.clone(),
                    code: code.to_string(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::hsds::{parse_dataset, testkit::read};
    use serde_json::json;

    const ORG: &str = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610";
    const S1: &str = "ac148810-d857-441c-9679-408f346de14b";
    const S2: &str = "bc148810-d857-441c-9679-408f346de14b";

    fn codes(r: &Rejected) -> Vec<&'static str> {
        r.reasons.iter().map(ImportError::code).collect()
    }

    #[test]
    fn official_service_example_creates_service_and_embedded_organization() {
        let ds = parse_dataset(&read("examples/service_full.json")).unwrap();
        let p = preview(&HashSet::new(), &ds, Vocabulary::builtin());
        assert!(p.reject.is_empty(), "{:?}", p.reject);
        let made: Vec<(RecordKind, &str)> = p.create.iter().map(|c| (c.kind, c.pointer.as_str())).collect();
        assert_eq!(made, vec![(RecordKind::Organization, "/organization"), (RecordKind::Service, "")]);
        assert!(p.accepts(""));
    }

    #[test]
    fn known_ids_are_updates() {
        let ds = parse_dataset(&read("examples/service_full.json")).unwrap();
        let existing: HashSet<String> = [S1.to_string()].into();
        let p = preview(&existing, &ds, Vocabulary::builtin());
        assert_eq!(p.update.len(), 1);
        assert_eq!(p.update[0].id, S1);
        assert_eq!(p.create.len(), 1);
    }

    #[test]
    fn every_reason_is_given_with_the_record() {
        let doc = json!({
            "organizations": [
                {"id": ORG, "name": "NGO", "description": "d", "website": "not a url"},
                {"id": "e9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "Good", "description": "d"}
            ],
            "services": [
                {"id": S1, "name": "Under bad org", "status": "active", "organization_id": ORG},
                {"id": "svc-2", "name": " ", "status": "active", "email": "nobody",
                 "organization_id": "e9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
                 "assured_date": "yesterday", "minimum_age": 18, "maximum_age": 12},
                {"id": S2, "name": "Orphan", "status": "active", "organization_id": "f9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"},
                {"id": S2, "name": "Twice", "status": "active"},
                {"id": "cc148810-d857-441c-9679-408f346de14b", "name": "Typo need", "status": "active",
                 "attributes": [{"id": "1c148810-d857-441c-9679-408f346de14b",
                   "taxonomy_term": {"id": "2c148810-d857-441c-9679-408f346de14b", "name": "x", "description": "x",
                                     "code": "shleter", "taxonomy": "passerelle-needs"}}]},
                {"id": "dc148810-d857-441c-9679-408f346de14b", "name": "Fine", "status": "defunct",
                 "organization_id": "e9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"},
                {"id": "ec148810-d857-441c-9679-408f346de14b", "name": "No status"}
            ]
        });
        let ds = parse_dataset(&doc.to_string()).unwrap();
        let p = preview(&HashSet::new(), &ds, Vocabulary::builtin());
        let created: Vec<&str> = p.create.iter().map(|c| c.name.as_deref().unwrap()).collect();
        assert_eq!(created, vec!["Good", "Fine"]);
        let rejected: Vec<(&str, Vec<&str>)> = p.reject.iter().map(|r| (r.pointer.as_str(), codes(r))).collect();
        assert_eq!(
            rejected,
            vec![
                ("/services/6", vec!["missing-field"]),
                ("/organizations/0", vec!["bad-url"]),
                ("/services/0", vec!["organization-rejected"]),
                ("/services/1", vec!["bad-id", "missing-field", "bad-email", "bad-date", "bad-age-range"]),
                ("/services/2", vec!["unknown-organization"]),
                ("/services/3", vec!["duplicate-id"]),
                ("/services/4", vec!["unknown-term"]),
            ]
        );
        assert_eq!(
            p.reject[6].reasons[0],
            ImportError::UnknownTerm {
                pointer: "/services/4/attributes/0".into(),
                taxonomy: "passerelle-needs".into(),
                code: "shleter".into()
            }
        );
        // The web layer receives codes it can translate.
        let j = serde_json::to_value(&p.reject[5]).unwrap();
        assert_eq!(j["reasons"][0]["code"], "duplicate-id");
    }

    #[test]
    fn an_organisation_existing_in_the_directory_is_enough() {
        let doc = json!({"services": [{"id": S1, "name": "S", "status": "active", "organization_id": ORG}]});
        let ds = parse_dataset(&doc.to_string()).unwrap();
        let existing: HashSet<String> = [ORG.to_string()].into();
        assert_eq!(preview(&existing, &ds, Vocabulary::builtin()).create.len(), 1);
        assert_eq!(preview(&HashSet::new(), &ds, Vocabulary::builtin()).reject.len(), 1);
    }

    #[test]
    fn one_organisation_embedded_in_two_services_is_created_once() {
        let org = json!({"id": ORG, "name": "NGO", "description": "d"});
        let doc = json!([
            {"id": S1, "name": "A", "status": "active", "organization": org},
            {"id": S2, "name": "B", "status": "active", "organization": org}
        ]);
        let ds = parse_dataset(&doc.to_string()).unwrap();
        let p = preview(&HashSet::new(), &ds, Vocabulary::builtin());
        assert!(p.reject.is_empty(), "{:?}", p.reject);
        assert_eq!(p.create.iter().filter(|c| c.kind == RecordKind::Organization).count(), 1);
        assert_eq!(p.create.len(), 3);
    }

    #[test]
    fn web_addresses() {
        assert!(is_web_address("https://example.org/x"));
        assert!(is_web_address("http://example.com"));
        assert!(!is_web_address("www.example.org"));
        assert!(!is_web_address("ftp://example.org"));
        assert!(!is_web_address("https://"));
    }
}
