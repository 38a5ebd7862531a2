//! The service directory in pages: the public finder and service pages, the printable
//! directory, the staff pages that keep and verify entries, imports, communities and the
//! coverage (gap) analysis.
//!
//! [`ServiceView`] turns a stored HSDS service into what a page shows, in the reader's
//! language and in plain words; every directory page uses it, so a service reads the same
//! wherever it appears (the stale flag included).

pub mod communities;
pub mod coverage;
pub mod finder;
pub mod import;
pub mod manage;
pub mod needs;

use crate::i18n::Tr;
use chrono::NaiveDate;
use passerelle_core::directory::hsds::{Schedule, Service, ServiceStatus};
use passerelle_core::directory::profile;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_store::agencies::Area;
use passerelle_store::directory::ServiceEntry;

/// Languages a service may be delivered in, offered as a filter, with their own names (a
/// language is shown to its speakers in itself, as in the language menu).
pub const SERVICE_LANGUAGES: &[(&str, &str)] = &[
    ("fr", "Français"),
    ("en", "English"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("ht", "Kreyòl ayisyen"),
    ("pt", "Português"),
    ("wo", "Wolof"),
];

pub fn language_name(code: &str) -> String {
    SERVICE_LANGUAGES.iter().find(|(c, _)| *c == code).map(|(_, n)| n.to_string()).unwrap_or_else(|| code.to_string())
}

/// Today, for the stale flag.
pub fn today() -> NaiveDate {
    passerelle_store::db::now().date_naive()
}

/// A taxonomy term's label in the reader's language (the code when unknown).
pub fn term_label(taxonomy: &Taxonomy, code: &str, tr: &Tr) -> String {
    taxonomy.get(code).map(|t| t.label.get(tr.lang).to_string()).unwrap_or_else(|| code.to_string())
}

/// A label and a value, for the choice lists of filters.
#[derive(Clone, Debug)]
pub struct Choice {
    pub code: String,
    pub label: String,
    /// Indented under its parent (a narrower need).
    pub nested: bool,
}

/// Every need, broad ones followed by their narrower ones.
pub fn need_choices(tr: &Tr) -> Vec<Choice> {
    let needs = Taxonomy::needs();
    let mut out = Vec::new();
    for t in needs.top_level() {
        out.push(Choice { code: t.code.clone(), label: t.label.get(tr.lang).to_string(), nested: false });
        for c in needs.children(&t.code) {
            out.push(Choice { code: c.code.clone(), label: c.label.get(tr.lang).to_string(), nested: true });
        }
    }
    out
}

pub fn attribute_choices(tr: &Tr) -> Vec<Choice> {
    Taxonomy::protection()
        .terms()
        .iter()
        .map(|t| Choice { code: t.code.clone(), label: t.label.get(tr.lang).to_string(), nested: false })
        .collect()
}

/// The admin areas below the country, which services are offered in.
pub fn area_choices(areas: &[Area]) -> Vec<Choice> {
    areas.iter().filter(|a| a.level > 0).map(|a| Choice { code: a.code.clone(), label: a.name.clone(), nested: false }).collect()
}

pub fn language_choices() -> Vec<Choice> {
    SERVICE_LANGUAGES.iter().map(|(c, n)| Choice { code: c.to_string(), label: n.to_string(), nested: false }).collect()
}

/// Opening hours of one period, in words: "Monday, Tuesday: 08:00–16:00".
fn schedule_line(s: &Schedule, tr: &Tr) -> Option<String> {
    let f = &s.fields;
    let days: Vec<String> = f
        .byday
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let id = format!("weekday-{}", d.to_lowercase());
            if tr.has(&id) { tr.t(&id) } else { d.to_string() }
        })
        .collect();
    let hm = |t: &Option<String>| t.as_deref().map(|t| t.get(..5).unwrap_or(t).to_string());
    match (hm(&f.opens_at), hm(&f.closes_at)) {
        (Some(o), Some(c)) if o == "00:00" && (c == "00:00" || c == "23:59") && days.len() == 7 => Some(tr.t("directory-open-always")),
        (Some(o), Some(c)) if !days.is_empty() => Some(format!("{} : {o}–{c}", days.join(", "))),
        _ => f.description.clone(),
    }
}

/// A service as the pages show it.
#[derive(Clone, Debug)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub description: String,
    pub status: ServiceStatus,
    pub status_label: String,
    pub stale: bool,
    pub verified_on: Option<String>,
    pub needs: Vec<String>,
    pub areas: Vec<String>,
    pub attributes: Vec<String>,
    pub attribute_codes: Vec<String>,
    pub languages: Vec<String>,
    pub hours: Vec<String>,
    pub addresses: Vec<String>,
    pub transport: Vec<String>,
    pub phones: Vec<String>,
    /// (number as written, `tel:` target).
    pub phone_links: Vec<(String, String)>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub application_process: Option<String>,
    pub documents: Vec<String>,
    pub no_documents: bool,
    pub fees: Option<String>,
    pub free: bool,
    pub eligibility: Option<String>,
    pub ages: Option<String>,
    pub agency_id: Option<uuid::Uuid>,
}

impl ServiceView {
    pub fn new(entry: &ServiceEntry, areas: &[Area], tr: &Tr, today: NaiveDate) -> ServiceView {
        let s: &Service = &entry.service;
        let needs_t = Taxonomy::needs();
        let prot = Taxonomy::protection();
        let attribute_codes = profile::codes(s, prot);
        let area_name = |code: &str| areas.iter().find(|a| a.code == code).map(|a| a.name.clone()).unwrap_or_else(|| code.to_string());
        let mut addresses = Vec::new();
        let mut transport = Vec::new();
        for sal in &s.fields.service_at_locations {
            if let Some(loc) = &sal.fields.location {
                for a in &loc.fields.addresses {
                    let parts: Vec<&str> = [a.address_1.as_str(), a.fields.address_2.as_deref().unwrap_or(""), a.city.as_str()]
                        .into_iter()
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .collect();
                    if !parts.is_empty() {
                        addresses.push(parts.join(", "));
                    }
                }
                if let Some(t) = &loc.fields.transportation {
                    transport.push(t.clone());
                }
            }
        }
        let ages = match (s.fields.minimum_age.as_ref(), s.fields.maximum_age.as_ref()) {
            (Some(a), Some(b)) => Some(tr.t1("directory-ages-between", "range", format!("{a}–{b}"))),
            (Some(a), None) => Some(tr.t1("directory-ages-from", "age", a)),
            (None, Some(b)) => Some(tr.t1("directory-ages-up-to", "age", b)),
            (None, None) => None,
        };
        ServiceView {
            id: s.id.clone(),
            name: s.name.clone(),
            organization: entry.organization_name.clone().unwrap_or_default(),
            description: s.fields.description.clone().unwrap_or_default(),
            status: s.status,
            status_label: tr.code("directory-status", &s.status.as_str().replace(' ', "_")),
            stale: entry.is_stale(today),
            verified_on: entry.verified_on.map(|d| tr.date(d)),
            needs: profile::codes(s, needs_t).iter().map(|c| term_label(needs_t, c, tr)).collect(),
            areas: profile::area_ids(s).iter().map(|c| area_name(c)).collect(),
            attributes: attribute_codes.iter().map(|c| term_label(prot, c, tr)).collect(),
            languages: profile::language_codes(s).iter().map(|c| language_name(c)).collect(),
            hours: s.fields.schedules.iter().filter_map(|sc| schedule_line(sc, tr)).collect(),
            addresses,
            transport,
            phones: s.fields.phones.iter().map(|p| p.number.clone()).collect(),
            phone_links: s.fields.phones.iter().map(|p| (p.number.clone(), Self::tel(&p.number))).collect(),
            email: s.fields.email.clone(),
            url: s.fields.url.clone(),
            application_process: s.fields.application_process.clone(),
            documents: s.fields.required_documents.iter().filter_map(|d| d.fields.document.clone()).collect(),
            no_documents: attribute_codes.iter().any(|c| c == "no_documents_required"),
            fees: s.fields.fees_description.clone(),
            free: attribute_codes.iter().any(|c| c == "free_of_charge"),
            eligibility: s.fields.eligibility_description.clone(),
            ages,
            agency_id: entry.agency_id,
            attribute_codes,
        }
    }

    pub fn is_closed(&self) -> bool {
        self.status != ServiceStatus::Active
    }

    /// A phone number as a `tel:` link target (digits and a leading +).
    pub fn tel(number: &str) -> String {
        number.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
    }
}
