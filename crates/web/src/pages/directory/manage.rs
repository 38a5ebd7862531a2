//! Staff pages of the directory: the list of entries a person keeps (a focal point those of
//! the organisations their agency keeps, an administrator all), the service form, verifying an
//! entry, adding an organisation, and exporting any filtered list as CSV or XLSX.
//!
//! The own-agency scope is enforced here, on every read and write, from the scope the
//! permission table grants (`ManageDirectory`: `Agency` or `All`); the guard only checks that
//! the permission is held at all.

use super::{area_choices, attribute_choices, language_choices, need_choices, today, Choice, ServiceView};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::{render_status, Pager};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use passerelle_core::access::{Permission, Scope};
use passerelle_core::directory::hours;
use passerelle_core::directory::hsds::{
    Address, AddressFields, Language, LanguageFields, Location, LocationFields, LocationType, Phone, RequiredDocument,
    RequiredDocumentFields, Service, ServiceAtLocation, ServiceAtLocationFields, ServiceStatus,
};
use passerelle_core::directory::ids::stable_uuid;
use passerelle_core::directory::import::is_web_address;
use passerelle_core::directory::profile;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::lang::Lang;
use passerelle_core::validate::Problems;
use passerelle_store::agencies::{self, Area};
use passerelle_store::directory::{self, OrganizationEntry, ServiceEntry, ServiceFilter};
use serde::Deserialize;
use uuid::Uuid;

/// The agency whose entries this person keeps, or `None` for all of them. A focal point
/// without an agency keeps nothing: they get an agency id that matches no organisation.
pub fn kept_agency(identity: &Identity) -> Option<Uuid> {
    match identity.scope(Permission::ManageDirectory) {
        Some(Scope::All) => None,
        _ => Some(identity.user.agency_id.unwrap_or(Uuid::nil())),
    }
}

/// Whether this person may change `entry`.
fn may_keep(identity: &Identity, entry: &ServiceEntry) -> bool {
    match kept_agency(identity) {
        None => true,
        Some(agency) => entry.agency_id == Some(agency),
    }
}

/// Filters of the staff list (and of its exports).
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub status: String,
    pub need: String,
    pub area: String,
    pub stale: Option<String>,
    pub format: String,
    /// The page of the list shown, from 0.
    pub page: usize,
}

/// Services on one page of the staff list: a national directory holds thousands, and the
/// whole list is for the exports.
pub const PER_PAGE: usize = 50;

impl ListQuery {
    fn filter(&self, agency: Option<Uuid>) -> ServiceFilter {
        ServiceFilter {
            status: Some(self.status.trim().to_string()).filter(|s| directory::is_status(s)),
            need: Some(self.need.trim().to_string()).filter(|n| Taxonomy::needs().contains(n)),
            area: Some(self.area.trim().to_string()).filter(|a| !a.is_empty()),
            agency_id: agency,
            name: Some(self.q.trim().to_string()).filter(|q| !q.is_empty()),
            verified_on_or_before: self.stale.is_some().then(|| profile::stale_on_or_before(today())),
            ..Default::default()
        }
    }

    /// The query's filters as URL pairs, for its links.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", self.q.clone()),
            ("status", self.status.clone()),
            ("need", self.need.clone()),
            ("area", self.area.clone()),
            ("stale", self.stale.clone().unwrap_or_default()),
        ];
        pairs.retain(|(_, v)| !v.is_empty());
        pairs
    }

    pub fn export_link(&self, format: &str) -> String {
        let mut pairs = self.pairs();
        pairs.push(("format", format.to_string()));
        format!("/directory/manage/export?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }

    /// The same list at page `n`.
    fn page_link(&self, n: usize) -> String {
        let mut pairs = self.pairs();
        if n > 0 {
            pairs.push(("page", n.to_string()));
        }
        format!("/directory/manage?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
}

/// The entries of `ids` as the pages show them.
async fn views(state: &AppState, ids: &[Uuid], tr: &crate::i18n::Tr) -> Result<(Vec<ServiceView>, Vec<Area>), AppError> {
    let mut tx = state.store.read().await?;
    let areas = agencies::list_areas(&mut tx).await?;
    let entries = directory::services_by_ids(&mut tx, ids).await?;
    let day = today();
    Ok((entries.iter().map(|e| ServiceView::new(e, &areas, tr, day)).collect(), areas))
}

/// The ids of the entries a person keeps that `q` admits, by name.
async fn listed_ids(state: &AppState, identity: &Identity, q: &ListQuery) -> Result<Vec<Uuid>, AppError> {
    let mut tx = state.store.read().await?;
    let ids = directory::service_ids(&mut tx, &q.filter(kept_agency(identity))).await?;
    Ok(ids.into_iter().map(|(id, _)| id).collect())
}

#[derive(Template)]
#[template(path = "directory_manage.html")]
struct ManagePage {
    page: Page,
    q: ListQuery,
    services: Vec<ServiceView>,
    /// How many services the filters admit, on every page.
    total: usize,
    pager: Pager,
    needs: Vec<Choice>,
    areas: Vec<Choice>,
    statuses: Vec<Choice>,
    organizations: Vec<OrganizationEntry>,
    agencies: Vec<agencies::Agency>,
    can_verify: bool,
    can_import: bool,
    org_errors: FormErrors,
}

impl ManagePage {
    fn agency_name(&self, id: &Option<Uuid>) -> String {
        id.and_then(|id| self.agencies.iter().find(|a| a.id == id)).map(|a| a.name.clone()).unwrap_or_default()
    }
}

fn status_choices(tr: &crate::i18n::Tr) -> Vec<Choice> {
    ServiceStatus::ALL
        .iter()
        .map(|s| Choice { code: s.as_str().to_string(), label: tr.code("directory-status", &s.as_str().replace(' ', "_")), nested: false })
        .collect()
}

async fn manage_page(state: &AppState, identity: &Identity, page: Page, q: ListQuery, org_errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let ids = listed_ids(state, identity, &q).await?;
    let total = ids.len();
    let first = q.page.saturating_mul(PER_PAGE).min(total);
    let (services, areas) = views(state, &ids[first..(first + PER_PAGE).min(total)], &page.tr).await?;
    // Back from past the end goes to the last page, not to the empty one before it.
    let last = total.saturating_sub(1) / PER_PAGE;
    let back = if q.page > last { Some(last) } else { q.page.checked_sub(1) };
    let pager = Pager::numbered(back.map(|n| q.page_link(n)), (first + PER_PAGE < total).then(|| q.page_link(q.page + 1)));
    let mut tx = state.store.read().await?;
    let organizations = directory::list_organizations(&mut tx, kept_agency(identity)).await?;
    let agencies = agencies::list_agencies(&mut tx).await?;
    let tr = page.tr.clone();
    Ok(render_status(status, &ManagePage {
        needs: need_choices(&tr),
        areas: area_choices(&areas),
        statuses: status_choices(&tr),
        can_verify: identity.can(Permission::VerifyDirectory),
        can_import: identity.can(Permission::ImportDirectory),
        page,
        q,
        services,
        total,
        pager,
        organizations,
        agencies,
        org_errors,
    }))
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    manage_page(&state, &identity, page, q, FormErrors::default(), StatusCode::OK).await
}

/// The filtered list as a table: one header row, then one row per service.
fn table(services: &[ServiceView], tr: &crate::i18n::Tr) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "export-name", "export-organization", "export-status", "export-needs", "export-areas", "export-languages",
        "export-attributes", "export-phone", "export-address", "export-hours", "export-verified-on", "export-stale", "export-id",
    ]
    .iter()
    .map(|id| tr.t(id))
    .collect::<Vec<_>>()];
    for s in services {
        rows.push(vec![
            s.name.clone(),
            s.organization.clone(),
            s.status_label.clone(),
            s.needs.join("; "),
            s.areas.join("; "),
            s.languages.join("; "),
            s.attributes.join("; "),
            s.phones.join("; "),
            s.addresses.join("; "),
            s.hours.join("; "),
            s.verified_on.clone().unwrap_or_default(),
            if s.stale { tr.t("export-yes") } else { tr.t("export-no") },
            s.id.clone(),
        ]);
    }
    rows
}

/// One worksheet per (name, rows); the first row of each is bold.
pub fn xlsx_bytes(sheets: &[(String, Vec<Vec<String>>)]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        // Sheet names are at most 31 characters and may not hold []:*?/\ .
        let clean: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        sheet.set_name(&clean).map_err(err)?;
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if r == 0 {
                    sheet.write_string_with_format(r, c, v, &bold).map_err(err)?;
                } else if let Some(n) = as_number(v) {
                    sheet.write_number(r, c, n).map_err(err)?;
                } else {
                    // Strings are never formulas in rust_xlsxwriter: no injection possible.
                    sheet.write_string(r, c, v).map_err(err)?;
                }
            }
        }
    }
    book.save_to_buffer().map_err(err)
}

/// A cell that is a plain number ("12", "3.5"), written as a number so it can be summed;
/// "007" or "+1 767" stay text.
fn as_number(v: &str) -> Option<f64> {
    let plain = !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.') && !(v.starts_with('0') && v.len() > 1 && !v.starts_with("0."));
    if plain { v.parse().ok() } else { None }
}

/// A file to download.
pub fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The filtered list as CSV or XLSX (`format=csv|xlsx`).
pub async fn export(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let ids = listed_ids(&state, &identity, &q).await?;
    let (services, _) = views(&state, &ids, &page.tr).await?;
    let rows = table(&services, &page.tr);
    match q.format.as_str() {
        "csv" => Ok(download(passerelle_core::spreadsheet::csv_for_people(&rows), "text/csv; charset=utf-8", "services.csv")),
        "xlsx" => Ok(download(xlsx_bytes(&[(page.tr.t("export-sheet-services"), rows)])?, XLSX, "services.xlsx")),
        _ => Err(AppError::BadRequest { key: "error-export-format", detail: "format=csv or format=xlsx".into() }),
    }
}

/// What the service form sends. Lists come as repeated fields (`needs=a&needs=b`).
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ServiceForm {
    pub organization_id: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub needs: Vec<String>,
    pub areas: Vec<String>,
    pub attributes: Vec<String>,
    pub languages: Vec<String>,
    pub hours: String,
    pub address: String,
    pub city: String,
    pub phones: String,
    pub email: String,
    pub url: String,
    pub application_process: String,
    pub required_documents: String,
    pub fees: String,
    pub eligibility: String,
}

impl ServiceForm {
    /// The form filled with a service as stored.
    fn of(e: &ServiceEntry) -> ServiceForm {
        let s = &e.service;
        let address = s.fields.service_at_locations.iter().filter_map(|l| l.fields.location.as_ref()).flat_map(|l| l.fields.addresses.first()).next();
        ServiceForm {
            organization_id: e.organization_id.map(|o| o.to_string()).unwrap_or_default(),
            name: s.name.clone(),
            description: s.fields.description.clone().unwrap_or_default(),
            status: s.status.as_str().to_string(),
            needs: profile::codes(s, Taxonomy::needs()),
            areas: profile::area_ids(s),
            attributes: profile::codes(s, Taxonomy::protection()),
            languages: profile::language_codes(s),
            hours: hours_text(s),
            address: address.map(|a| a.address_1.clone()).unwrap_or_default(),
            city: address.map(|a| a.city.clone()).unwrap_or_default(),
            phones: s.fields.phones.iter().map(|p| p.number.as_str()).collect::<Vec<_>>().join(", "),
            email: s.fields.email.clone().unwrap_or_default(),
            url: s.fields.url.clone().unwrap_or_default(),
            application_process: s.fields.application_process.clone().unwrap_or_default(),
            required_documents: s.fields.required_documents.iter().filter_map(|d| d.fields.document.as_deref()).collect::<Vec<_>>().join("\n"),
            fees: s.fields.fees_description.clone().unwrap_or_default(),
            eligibility: s.fields.eligibility_description.clone().unwrap_or_default(),
        }
    }

    pub fn has(&self, list: &str, code: &str) -> bool {
        let l = match list {
            "needs" => &self.needs,
            "areas" => &self.areas,
            "attributes" => &self.attributes,
            _ => &self.languages,
        };
        l.iter().any(|c| c == code)
    }
}

/// The opening hours as the person wrote them (kept in each schedule's description).
fn hours_text(s: &Service) -> String {
    s.fields.schedules.first().and_then(|sc| sc.fields.description.clone()).unwrap_or_default()
}

fn optional(p: &mut Problems, field: &str, value: &str, max: usize) -> Option<String> {
    Some(p.text(field, value, false, max)).filter(|v| !v.is_empty())
}

/// Writes the form into `s`, keeping every HSDS field the form does not show (an imported
/// entry loses nothing by being edited). Returns every problem, by field.
fn apply_form(s: &mut Service, f: &ServiceForm, areas: &[Area], country: &str) -> Problems {
    let mut p = Problems::default();
    let id = s.id.clone();
    s.name = p.text("name", &f.name, true, 200);
    s.fields.description = optional(&mut p, "description", &f.description, 4000);
    match ServiceStatus::parse(f.status.trim()) {
        Some(st) => s.status = st,
        None => p.add("status", "unknown-choice"),
    }
    // Needs and protection attributes: replace Passerelle's terms, keep any other attribute.
    let (needs, prot) = (Taxonomy::needs(), Taxonomy::protection());
    s.fields.attributes.retain(|a| needs.code_of(a).is_none() && prot.code_of(a).is_none());
    for (field, taxonomy, codes) in [("needs", needs, &f.needs), ("attributes", prot, &f.attributes)] {
        for c in codes {
            if !profile::add_code(s, taxonomy, c, Lang::Fr) {
                p.add(field, "unknown-choice");
            }
        }
    }
    if f.needs.is_empty() {
        p.add("needs", "required");
    }
    // Areas: the known admin areas are the form's; an area uri from elsewhere is kept.
    s.fields.service_areas.retain(|a| a.fields.uri.as_deref().is_none_or(|u| !areas.iter().any(|x| x.code == u)));
    for code in &f.areas {
        match areas.iter().find(|a| &a.code == code) {
            Some(a) => profile::add_area(s, &a.code, &a.name),
            None => p.add("areas", "unknown-choice"),
        }
    }
    s.fields.languages.clear();
    for code in &f.languages {
        if super::SERVICE_LANGUAGES.iter().any(|(c, _)| c == code) {
            s.fields.languages.push(Language {
                id: stable_uuid("passerelle-service-language", &format!("{id}/{code}")),
                fields: LanguageFields { service_id: Some(id.clone()), code: Some(code.clone()), name: Some(super::language_name(code)), ..Default::default() },
            });
        } else {
            p.add("languages", "unknown-choice");
        }
    }
    let hours = p.text("hours", &f.hours, false, 500);
    if hours.is_empty() {
        s.fields.schedules.clear();
    } else if hours != hours_text(s) {
        match hours::parse(&hours) {
            Ok(periods) => s.fields.schedules = hours::to_schedules(&periods, &id, &hours),
            Err(_) => p.add("hours", "bad-hours"),
        }
    }
    s.fields.phones.clear();
    for number in f.phones.split([',', ';', '\n']).map(str::trim).filter(|n| !n.is_empty()) {
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let allowed = number.chars().all(|c| c.is_ascii_digit() || " -.()+/".contains(c));
        if !allowed || !(3..=15).contains(&digits) {
            p.add("phones", "bad-phone");
            continue;
        }
        s.fields.phones.push(Phone { id: stable_uuid("passerelle-service-phone", &format!("{id}/{number}")), number: number.to_string(), ..Default::default() });
    }
    s.fields.email = match optional(&mut p, "email", &f.email, 200) {
        Some(e) if passerelle_core::validate::is_email(&e) => Some(e.to_lowercase()),
        Some(_) => {
            p.add("email", "email");
            None
        }
        None => None,
    };
    s.fields.url = match optional(&mut p, "url", &f.url, 500) {
        Some(u) if is_web_address(&u) => Some(u),
        Some(_) => {
            p.add("url", "bad-url");
            None
        }
        None => None,
    };
    s.fields.application_process = optional(&mut p, "application_process", &f.application_process, 2000);
    s.fields.fees_description = optional(&mut p, "fees", &f.fees, 500);
    s.fields.eligibility_description = optional(&mut p, "eligibility", &f.eligibility, 2000);
    let docs = p.text("required_documents", &f.required_documents.replace('\r', ""), false, 2000);
    s.fields.required_documents = docs
        .lines()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .enumerate()
        .map(|(i, d)| RequiredDocument {
            id: stable_uuid("passerelle-service-document", &format!("{id}/{i}")),
            fields: RequiredDocumentFields { service_id: Some(id.clone()), document: Some(d.to_string()), ..Default::default() },
        })
        .collect();
    set_address(s, p.text("address", &f.address, false, 200), p.text("city", &f.city, false, 100), country);
    p
}

/// The service's first physical address, created (with its location) when missing.
fn set_address(s: &mut Service, address: String, city: String, country: &str) {
    let id = s.id.clone();
    let existing = s.fields.service_at_locations.iter_mut().filter_map(|l| l.fields.location.as_mut()).find(|l| !l.fields.addresses.is_empty());
    match existing {
        Some(loc) => {
            if address.is_empty() && city.is_empty() {
                loc.fields.addresses.remove(0);
            } else if let Some(a) = loc.fields.addresses.first_mut() {
                a.address_1 = address;
                a.city = city;
            }
        }
        None if address.is_empty() && city.is_empty() => {}
        None => {
            let loc_id = stable_uuid("passerelle-service-location", &id);
            let location = Location {
                id: loc_id.clone(),
                location_type: LocationType::Physical,
                fields: LocationFields {
                    name: Some(s.name.clone()),
                    addresses: vec![Address {
                        id: stable_uuid("passerelle-service-address", &loc_id),
                        address_1: address,
                        city,
                        state_province: String::new(),
                        postal_code: String::new(),
                        country: country.to_string(),
                        address_type: LocationType::Physical,
                        fields: AddressFields { location_id: Some(loc_id.clone()), ..Default::default() },
                    }],
                    ..Default::default()
                },
            };
            s.fields.service_at_locations.push(ServiceAtLocation {
                id: stable_uuid("passerelle-service-at-location", &id),
                fields: ServiceAtLocationFields { service_id: Some(id), location_id: Some(loc_id), location: Some(Box::new(location)), ..Default::default() },
            });
        }
    }
}

#[derive(Template)]
#[template(path = "directory_service_form.html")]
struct FormPage {
    page: Page,
    /// `None` for a new service.
    entry: Option<ServiceView>,
    form: ServiceForm,
    errors: FormErrors,
    organizations: Vec<OrganizationEntry>,
    needs: Vec<Choice>,
    areas: Vec<Choice>,
    attributes: Vec<Choice>,
    languages: Vec<Choice>,
    statuses: Vec<Choice>,
    can_verify: bool,
    /// How many records point to the service (referrals, services provided...): one nothing
    /// points to may be deleted; any other is archived.
    uses: i64,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.entry {
            Some(e) => format!("/directory/manage/{}", e.id),
            None => "/directory/manage".to_string(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(state: &AppState, identity: &Identity, page: Page, entry: Option<&ServiceEntry>, form: ServiceForm, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let areas = agencies::list_areas(&mut tx).await?;
    let organizations = directory::list_organizations(&mut tx, kept_agency(identity)).await?;
    let uses = match entry {
        Some(e) => directory::service_uses(&mut tx, Uuid::parse_str(e.id()).unwrap_or_default()).await?,
        None => 0,
    };
    let tr = page.tr.clone();
    let entry = entry.map(|e| ServiceView::new(e, &areas, &tr, today()));
    // A retired need the service still carries stays on its form (checked), so that saving
    // the form does not drop it unasked; it is no longer offered to other services.
    let mut needs = need_choices(&tr);
    for code in &form.needs {
        if !needs.iter().any(|c| &c.code == code) {
            let label = format!("{} ({})", super::term_label(Taxonomy::needs(), code, &tr), tr.t("needs-admin-retired"));
            needs.push(Choice { code: code.clone(), label, nested: false });
        }
    }
    Ok(render_status(status, &FormPage {
        uses,
        needs,
        areas: area_choices(&areas),
        attributes: attribute_choices(&tr),
        languages: language_choices(),
        statuses: status_choices(&tr),
        can_verify: identity.can(Permission::VerifyDirectory),
        page,
        entry,
        form,
        errors,
        organizations,
    }))
}

pub async fn new_form(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let form = ServiceForm { status: "active".into(), ..Default::default() };
    form_page(&state, &identity, page, None, form, FormErrors::default(), StatusCode::OK).await
}

/// The entry `id`, if this person may keep it (404 otherwise: another agency's entry is not
/// theirs to know about through this page).
async fn kept_entry(state: &AppState, identity: &Identity, id: Uuid) -> Result<ServiceEntry, AppError> {
    let mut tx = state.store.read().await?;
    let entry = directory::get_service(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !may_keep(identity, &entry) {
        return Err(AppError::Forbidden);
    }
    Ok(entry)
}

pub async fn edit_form(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let entry = kept_entry(&state, &identity, id).await?;
    let form = ServiceForm::of(&entry);
    form_page(&state, &identity, page, Some(&entry), form, FormErrors::default(), StatusCode::OK).await
}

/// Checks and saves the form for `existing` (or a new service). The organisation must be one
/// the person keeps.
async fn save(state: &AppState, identity: &Identity, page: Page, existing: Option<ServiceEntry>, form: ServiceForm) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let areas = agencies::list_areas(&mut tx).await?;
    let country = areas.iter().find(|a| a.level == 0).map(|a| a.code.clone()).unwrap_or_else(|| "XX".into());
    let mut service = existing.as_ref().map(|e| e.service.clone()).unwrap_or_else(|| Service { id: Uuid::now_v7().to_string(), ..Default::default() });
    let mut p = apply_form(&mut service, &form, &areas, &country);
    let org = Uuid::parse_str(form.organization_id.trim()).ok();
    let kept = directory::list_organizations(&mut tx, kept_agency(identity)).await?;
    match org {
        Some(o) if kept.iter().any(|k| k.organization.id == o.to_string()) => service.fields.organization_id = Some(o.to_string()),
        _ => p.add("organization_id", "unknown-choice"),
    }
    if p.is_empty() {
        let saved = directory::save_service(&mut tx, Some(identity.id()), &service).await?;
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/directory/manage/{}?saved=1", saved.service.id)).into_response());
    }
    drop(tx);
    let errors = FormErrors::from_problems(&page.tr, &p);
    form_page(state, identity, page, existing.as_ref(), form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn create(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<ServiceForm>) -> Result<Response, AppError> {
    save(&state, &identity, page, None, form).await
}

pub async fn update(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<ServiceForm>) -> Result<Response, AppError> {
    let entry = kept_entry(&state, &identity, id).await?;
    save(&state, &identity, page, Some(entry), form).await
}

/// Records that the signed-in administrator checked the entry today.
pub async fn verify(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    directory::verify_service(&mut tx, Some(identity.id()), id, &identity.user.email, today()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/directory/manage/{id}?verified=1")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrganizationForm {
    name: String,
    description: String,
    agency_id: String,
}

/// Adds an organisation: a focal point's is kept by their own agency; an administrator picks
/// the agency (or none).
pub async fn create_organization(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<OrganizationForm>) -> Result<Response, AppError> {
    let mut p = Problems::default();
    let agency = match kept_agency(&identity) {
        Some(a) => Some(a),
        None => crate::pages::admin::optional_id("agency_id", &form.agency_id, &mut p),
    };
    if p.is_empty() {
        let mut tx = state.store.write().await?;
        match directory::create_organization(&mut tx, Some(identity.id()), &form.name, &form.description, agency).await {
            Ok(_) => {
                tx.commit().await?;
                return Ok(Redirect::to("/directory/manage").into_response());
            }
            Err(e) => crate::pages::admin::agencies::store_problems(e, &mut p)?,
        }
    }
    let errors = FormErrors::from_problems(&page.tr, &p);
    manage_page(&state, &identity, page, ListQuery::default(), errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    agency_id: String,
}

/// Says which agency keeps an organisation (administrators).
pub async fn link_organization(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(form): Form<LinkForm>) -> Result<Response, AppError> {
    let mut p = Problems::default();
    let agency = crate::pages::admin::optional_id("agency_id", &form.agency_id, &mut p);
    crate::pages::admin::invalid_if_any(p)?;
    let mut tx = state.store.write().await?;
    directory::link_organization(&mut tx, Some(identity.id()), id, agency).await?;
    tx.commit().await?;
    Ok(Redirect::to("/directory/manage").into_response())
}

/// Archives a service: inactive, out of the finder and coverage, kept with its history and
/// the referrals that name it.
pub async fn archive(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    kept_entry(&state, &identity, id).await?;
    let mut tx = state.store.write().await?;
    directory::archive_service(&mut tx, Some(identity.id()), id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/directory/manage/{id}?archived=1")).into_response())
}

/// Deletes a service nothing points to (an entry made by mistake); a used one is refused.
pub async fn delete(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    kept_entry(&state, &identity, id).await?;
    let mut tx = state.store.write().await?;
    directory::delete_service(&mut tx, Some(identity.id()), id).await?;
    tx.commit().await?;
    state.directory_index.forget(&id.to_string());
    Ok(Redirect::to("/directory/manage?deleted=1").into_response())
}
