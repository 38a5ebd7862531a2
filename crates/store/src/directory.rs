//! The service directory: HSDS organisations and services, the other records of imported
//! datasets, communities, and imports waiting for confirmation.
//!
//! Each organisation and service is stored as its whole HSDS 3.0 document (lossless: what was
//! imported is what is exported) beside the columns lists filter on, which are derived from
//! the document by [`Columns`] every time it is written, so they never disagree with it.
//! Deciding what an import does is `passerelle_core::directory::import::preview`; this module
//! only applies an accepted preview, in the caller's one transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::directory::hsds::{
    Dataset, Organization, Record, RecordKind, Service, ServiceStatus,
};
use passerelle_core::directory::import::{Preview, Vocabulary};
use passerelle_core::directory::{is_stale, profile};
use passerelle_core::validate::Problems;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::db::{like_escape, now, Tx};
use crate::error::{StoreError, StoreResult};

/// A service as stored: its HSDS document and what Passerelle knows around it.
#[derive(Debug, Clone)]
pub struct ServiceEntry {
    pub service: Service,
    pub organization_id: Option<Uuid>,
    pub organization_name: Option<String>,
    /// The agency whose focal points keep the entry (through its organisation).
    pub agency_id: Option<Uuid>,
    pub verified_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

impl ServiceEntry {
    pub fn id(&self) -> &str {
        &self.service.id
    }
    /// Not verified for six months (or never): shown as such wherever the entry shows.
    pub fn is_stale(&self, today: NaiveDate) -> bool {
        is_stale(self.verified_on, today)
    }
}

#[derive(Debug, Clone)]
pub struct OrganizationEntry {
    pub organization: Organization,
    pub agency_id: Option<Uuid>,
    pub services: i64,
}

/// The filter columns of a service, derived from its document.
struct Columns {
    organization_id: Option<Uuid>,
    status: &'static str,
    needs: String,
    areas: String,
    attributes: String,
    languages: String,
    verified_on: Option<NaiveDate>,
}

/// `' a b c '`: a list one code can be found in with `LIKE '% b %'`.
fn code_list<I: IntoIterator<Item = String>>(codes: I) -> String {
    let mut out = String::from(" ");
    for c in codes {
        // Codes are single words; a space inside one would split it, so it is replaced.
        out.push_str(&c.replace(' ', "_"));
        out.push(' ');
    }
    out
}

impl Columns {
    fn of(service: &Service, vocabulary: Vocabulary<'_>) -> Columns {
        // A service tagged "low-threshold shelter" is found under "shelter" too.
        let mut needs: Vec<String> = Vec::new();
        for code in profile::codes(service, vocabulary.needs) {
            for c in vocabulary.needs.lineage(&code) {
                if !needs.iter().any(|n| n == c) {
                    needs.push(c.to_string());
                }
            }
        }
        Columns {
            organization_id: service.fields.organization_id.as_deref().and_then(|s| Uuid::parse_str(s).ok()),
            status: service.status.as_str(),
            needs: code_list(needs),
            areas: code_list(profile::area_ids(service)),
            attributes: code_list(profile::codes(service, vocabulary.protection)),
            languages: code_list(profile::language_codes(service)),
            verified_on: profile::last_verified(service),
        }
    }
}

fn parse_id(id: &str, field: &'static str) -> StoreResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| {
        let mut p = Problems::default();
        p.add(field, "unknown-choice");
        StoreError::Invalid(p)
    })
}

fn to_text<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Config(format!("cannot serialise a directory record: {e}")))
}

fn from_text<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Config(format!("a stored directory record no longer reads: {e}")))
}

/// Writes (creates or replaces) an organisation's document, keeping its agency link.
pub async fn put_organization(tx: &mut Tx, org: &Organization) -> StoreResult<()> {
    let id = parse_id(&org.id, "organization_id")?;
    // The services of an organisation are stored on their own.
    let mut doc = org.clone();
    doc.fields.services.clear();
    let text = to_text(&doc)?;
    let at = now();
    exec!(tx, c => sqlx::query(
        "INSERT INTO directory_organizations (id, name, agency_id, document, created_at, updated_at)
         VALUES ($1, $2, NULL, $3, $4, $4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, document = excluded.document, updated_at = excluded.updated_at"
    ).bind(id).bind(&doc.name).bind(&text).bind(at))?;
    Ok(())
}

/// Writes (creates or replaces) a service's document and its filter columns. An embedded
/// organisation is stored on its own and the service keeps its `organization_id`.
pub async fn put_service(tx: &mut Tx, service: &Service) -> StoreResult<()> {
    let id = parse_id(&service.id, "id")?;
    let mut doc = service.clone();
    if let Some(org) = doc.fields.organization.take() {
        put_organization(tx, &org).await?;
        doc.fields.organization_id = Some(org.id.clone());
    }
    let cols = Columns::of(&doc, Vocabulary::builtin());
    if let Some(org) = cols.organization_id {
        let known: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM directory_organizations WHERE id = $1")
            .bind(org).fetch_optional(c).await)?;
        if known.is_none() {
            let mut p = Problems::default();
            p.add("organization_id", "unknown-choice");
            return Err(StoreError::Invalid(p));
        }
    }
    let text = to_text(&doc)?;
    let at = now();
    exec!(tx, c => sqlx::query(
        "INSERT INTO directory_services (id, organization_id, name, status, need_codes, area_codes, attribute_codes,
                                         language_codes, verified_on, document, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
         ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name,
             status = excluded.status, need_codes = excluded.need_codes, area_codes = excluded.area_codes,
             attribute_codes = excluded.attribute_codes, language_codes = excluded.language_codes,
             verified_on = excluded.verified_on, document = excluded.document, updated_at = excluded.updated_at"
    ).bind(id).bind(cols.organization_id).bind(&doc.name).bind(cols.status).bind(&cols.needs).bind(&cols.areas)
    .bind(&cols.attributes).bind(&cols.languages).bind(cols.verified_on).bind(&text).bind(at))?;
    Ok(())
}

async fn put_record(tx: &mut Tx, record: &Record) -> StoreResult<()> {
    let id = parse_id(record.id(), "id")?;
    let text = to_text(&record.to_json())?;
    exec!(tx, c => sqlx::query(
        "INSERT INTO directory_records (kind, id, document, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind, id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at"
    ).bind(record.kind().code()).bind(id).bind(&text).bind(now()))?;
    Ok(())
}

/// Every id the directory holds (organisations, services, other records): what an import
/// preview needs to tell a creation from an update.
pub async fn existing_ids(tx: &mut Tx) -> StoreResult<HashSet<String>> {
    let rows: Vec<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id FROM directory_organizations UNION SELECT id FROM directory_services
         UNION SELECT id FROM directory_records"
    ).fetch_all(c).await)?;
    let mut ids: HashSet<String> = rows.into_iter().map(|(id,)| id.to_string()).collect();
    // Passerelle's own taxonomies are not stored but always known: an export imported back
    // updates them rather than creating them.
    let v = Vocabulary::builtin();
    for t in [v.needs, v.protection] {
        ids.insert(t.hsds_id());
        ids.extend(t.terms().iter().map(|term| t.term_id(&term.code)));
    }
    Ok(ids)
}

/// What an applied import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
    pub rejected: usize,
}

/// Writes the records `preview` accepts from `dataset`, in the caller's transaction (commit
/// it for all, drop it for none). Passerelle's own taxonomies are not stored: they are the
/// vocabulary, shipped in `content/taxonomy/`, and every export writes them afresh.
pub async fn apply_import(
    tx: &mut Tx,
    actor: Option<Uuid>,
    source: &str,
    dataset: &Dataset,
    preview: &Preview,
) -> StoreResult<Applied> {
    let vocabulary = Vocabulary::builtin();
    let own_taxonomies = [vocabulary.needs.hsds_id(), vocabulary.protection.hsds_id()];
    // Organisations first: services refer to them.
    let mut ordered: Vec<(&Record, &String)> = dataset.records.iter().zip(&dataset.pointers).collect();
    ordered.sort_by_key(|(r, _)| r.kind() != RecordKind::Organization);
    for (record, pointer) in ordered {
        match record {
            Record::Service(s) => {
                let embedded = format!("{pointer}/organization");
                let mut s = s.clone();
                if let Some(org) = s.fields.organization.take() {
                    if preview.accepts(&embedded) || preview.create.iter().chain(&preview.update).any(|p| p.id == org.id && p.kind == RecordKind::Organization) {
                        put_organization(tx, &org).await?;
                    }
                    s.fields.organization_id = Some(org.id.clone());
                }
                if preview.accepts(pointer) {
                    put_service(tx, &s).await?;
                }
            }
            _ if !preview.accepts(pointer) => {}
            Record::Organization(o) => put_organization(tx, o).await?,
            Record::Taxonomy(t) if own_taxonomies.contains(&t.id) => {}
            Record::TaxonomyTerm(t) if t.fields.taxonomy_id.as_deref().is_some_and(|id| own_taxonomies.iter().any(|o| o == id)) => {}
            other => put_record(tx, other).await?,
        }
    }
    let applied = Applied { created: preview.create.len(), updated: preview.update.len(), rejected: preview.reject.len() };
    audit::append(tx, Event::new(actor, "directory.import", "directory")
        .detail(json!({"source": source, "created": applied.created, "updated": applied.updated, "rejected": applied.rejected}))).await?;
    Ok(applied)
}

#[derive(sqlx::FromRow)]
struct ServiceRow {
    document: String,
    organization_id: Option<Uuid>,
    organization_name: Option<String>,
    agency_id: Option<Uuid>,
    verified_on: Option<NaiveDate>,
    updated_at: DateTime<Utc>,
}

impl ServiceRow {
    fn entry(self) -> StoreResult<ServiceEntry> {
        Ok(ServiceEntry {
            service: from_text(&self.document)?,
            organization_id: self.organization_id,
            organization_name: self.organization_name,
            agency_id: self.agency_id,
            verified_on: self.verified_on,
            updated_at: self.updated_at,
        })
    }
}

const SERVICE_SELECT: &str = "SELECT s.document, s.organization_id, o.name AS organization_name, o.agency_id,
        s.verified_on, s.updated_at
    FROM directory_services s LEFT JOIN directory_organizations o ON o.id = s.organization_id";

pub async fn get_service(tx: &mut Tx, id: Uuid) -> StoreResult<Option<ServiceEntry>> {
    let sql = format!("{SERVICE_SELECT} WHERE s.id = $1");
    let row: Option<ServiceRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?;
    row.map(ServiceRow::entry).transpose()
}

/// Which services a list shows. Every field narrows; `None` / empty means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceFilter {
    /// HSDS status (`active`, `temporarily closed`, ...).
    pub status: Option<String>,
    /// A need code; services tagged with a narrower term count.
    pub need: Option<String>,
    /// An admin area code.
    pub area: Option<String>,
    /// A language code.
    pub language: Option<String>,
    /// Protection attribute codes, all required.
    pub attributes: Vec<String>,
    /// Only the services of organisations this agency keeps (a focal point's scope).
    pub agency_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    /// Words in the service's name (case-insensitive substring; the public finder uses the
    /// typo-tolerant search instead).
    pub name: Option<String>,
    /// Only services never verified or last verified on or before this day (the stale ones:
    /// `profile::stale_on_or_before`).
    pub verified_on_or_before: Option<NaiveDate>,
}

fn has_code(code: &str) -> String {
    format!("% {} %", like_escape(code))
}

/// The bound values of a filter, in the order of its condition's parameters: NULL when unused,
/// so one SQL text serves every combination (one text per number of attributes asked for).
struct FilterBinds {
    status: Option<String>,
    need: Option<String>,
    area: Option<String>,
    language: Option<String>,
    /// One pattern per distinct attribute code, all required.
    attributes: Vec<String>,
    agency_id: Option<Uuid>,
    organization_id: Option<Uuid>,
    name: Option<String>,
    verified_on_or_before: Option<NaiveDate>,
}

impl FilterBinds {
    fn of(f: &ServiceFilter) -> FilterBinds {
        let mut codes: Vec<&String> = f.attributes.iter().collect();
        codes.sort();
        codes.dedup();
        FilterBinds {
            status: f.status.clone(),
            need: f.need.as_deref().map(has_code),
            area: f.area.as_deref().map(has_code),
            language: f.language.as_deref().map(|l| has_code(&l.to_lowercase())),
            attributes: codes.iter().map(|a| has_code(a)).collect(),
            agency_id: f.agency_id,
            organization_id: f.organization_id,
            name: f.name.as_deref().map(|n| format!("%{}%", like_escape(&n.to_lowercase()))),
            verified_on_or_before: f.verified_on_or_before,
        }
    }

    /// The condition a service (`s`) meets to pass the filter, from its own columns (the
    /// agency's organisations in a subquery, so that listing ids joins nothing): $1 status,
    /// $2 need, $3 area, $4 language, then one parameter per attribute, then agency,
    /// organisation, name and last verification.
    fn condition(&self) -> String {
        let n = self.attributes.len();
        let attributes: String = (5..5 + n).map(|i| format!(" AND s.attribute_codes LIKE ${i} ESCAPE '\\'")).collect();
        let (agency, organization, name, verified) = (5 + n, 6 + n, 7 + n, 8 + n);
        format!(
            "($1 IS NULL OR s.status = $1)
               AND ($2 IS NULL OR s.need_codes LIKE $2 ESCAPE '\\')
               AND ($3 IS NULL OR s.area_codes LIKE $3 ESCAPE '\\')
               AND ($4 IS NULL OR s.language_codes LIKE $4 ESCAPE '\\'){attributes}
               AND (${agency} IS NULL OR s.organization_id IN (SELECT id FROM directory_organizations WHERE agency_id = ${agency}))
               AND (${organization} IS NULL OR s.organization_id = ${organization})
               AND (${name} IS NULL OR LOWER(s.name) LIKE ${name} ESCAPE '\\')
               AND (${verified} IS NULL OR s.verified_on IS NULL OR s.verified_on <= ${verified})"
        )
    }
}

/// Binds a [`FilterBinds`] to a query of its condition, in its parameters' order.
macro_rules! bind_filter {
    ($q:expr, $b:expr) => {{
        let b = &$b;
        let mut q = $q.bind(b.status.clone()).bind(b.need.clone()).bind(b.area.clone()).bind(b.language.clone());
        for a in &b.attributes {
            q = q.bind(a.clone());
        }
        q.bind(b.agency_id).bind(b.organization_id).bind(b.name.clone()).bind(b.verified_on_or_before)
    }};
}

/// The services `f` admits, by name, each with its HSDS document read.
pub async fn list_services(tx: &mut Tx, f: &ServiceFilter) -> StoreResult<Vec<ServiceEntry>> {
    let b = FilterBinds::of(f);
    let sql = format!("{SERVICE_SELECT} WHERE {} ORDER BY s.name, s.id", b.condition());
    let rows: Vec<ServiceRow> = on_tx!(tx, c => bind_filter!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), b).fetch_all(c).await)?;
    rows.into_iter().map(ServiceRow::entry).collect()
}

/// The services `f` admits, by name, as (id, HSDS status) only: a search over a national
/// directory finds its thousands of services without reading their documents, then reads the
/// page it shows ([`services_by_ids`]). The filter's columns are all in
/// `directory_services_listing`, in the list's order: the 50 MB of documents of 10,000
/// services are not read at each search.
pub async fn service_ids(tx: &mut Tx, f: &ServiceFilter) -> StoreResult<Vec<(Uuid, String)>> {
    let b = FilterBinds::of(f);
    Ok(on_tx!(tx, c => bind_filter!(sqlx::query_as(sqlx::AssertSqlSafe(service_ids_sql(&b))), b).fetch_all(c).await)?)
}

fn service_ids_sql(b: &FilterBinds) -> String {
    format!("SELECT s.id, s.status FROM directory_services s WHERE {} ORDER BY s.name, s.id", b.condition())
}

/// The services of `ids`, in that order (unknown ids left out).
pub async fn services_by_ids(tx: &mut Tx, ids: &[Uuid]) -> StoreResult<Vec<ServiceEntry>> {
    let rows: Vec<ServiceRow> = crate::db::rows_for_ids(tx, |list| format!("{SERVICE_SELECT} WHERE s.id IN ({list})"), ids).await?;
    let mut by_id: HashMap<String, ServiceEntry> = HashMap::with_capacity(rows.len());
    for row in rows {
        let entry = row.entry()?;
        by_id.insert(entry.service.id.clone(), entry);
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(&id.to_string())).collect())
}

/// Which services a form about a case offers (`service_choices`).
#[derive(Debug, Clone, Default)]
pub struct Near {
    /// The user's agency: its services are offered.
    pub agency_id: Option<Uuid>,
    /// The case: the services it was referred to, and those named on its plan, are offered.
    pub case_id: Option<Uuid>,
    /// Words the user looked for in a service's name.
    pub words: Option<String>,
}

/// At most this many services are offered in one list.
pub const CHOICES_MAX: i64 = 200;

/// The services a person picks one from in a form about a case: id and "service —
/// organisation", by name. A national directory holds thousands of services, too many for one
/// list at every view of a case, so the list offers those near the case — the user's agency's
/// active services, the services the case was referred to or its plan names (whatever their
/// status: a choice already made stays shown) — and the active services whose name holds the
/// words looked for. Read from the columns, not the HSDS documents, through the indexes on
/// agency, referral and plan.
pub async fn service_choices(tx: &mut Tx, near: &Near) -> StoreResult<Vec<(Uuid, String)>> {
    let words = near.words.as_deref().map(str::trim).filter(|w| !w.is_empty()).map(|w| format!("%{}%", like_escape(&w.to_lowercase())));
    let columns = "s.id, s.name AS name, o.name";
    // The search by name reads every service's name: its branch is in the statement only when
    // words were given (the planner would not skip it for a NULL parameter: 26 ms a view of a
    // case with 10,000 services).
    let (by_words, limit) = if words.is_some() {
        let branch = format!(
            "UNION
             SELECT {columns} FROM directory_services s LEFT JOIN directory_organizations o ON o.id = s.organization_id
               WHERE s.status = 'active' AND LOWER(s.name) LIKE $3 ESCAPE '\\'"
        );
        (branch, "$4")
    } else {
        (String::new(), "$3")
    };
    // Without statistics SQLite reads every active service (`directory_services_status`) and
    // keeps the agency's: it is told to go from the agency's organisations to their services.
    let services = match tx.backend() {
        crate::db::Backend::Sqlite => "directory_services s INDEXED BY directory_services_organization",
        crate::db::Backend::Postgres => "directory_services s",
    };
    let rows: Vec<(Uuid, String, Option<String>)> = on_tx!(tx, c => {
        let q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {columns} FROM directory_organizations o JOIN {services} ON s.organization_id = o.id
           WHERE o.agency_id = $1 AND s.status = 'active'
         UNION
         SELECT {columns} FROM referrals r JOIN directory_services s ON s.id = r.service_id LEFT JOIN directory_organizations o ON o.id = s.organization_id
           WHERE r.case_id = $2
         UNION
         SELECT {columns} FROM case_plan_actions x JOIN directory_services s ON s.id = x.assignee_service LEFT JOIN directory_organizations o ON o.id = s.organization_id
           WHERE x.case_id = $2
         {by_words}
         ORDER BY 2, 1 LIMIT {limit}"))).bind(near.agency_id).bind(near.case_id);
        let q = match &words {
            Some(w) => q.bind(w.clone()),
            None => q,
        };
        q.bind(CHOICES_MAX).fetch_all(c).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, org)| match org {
            Some(o) => (id, format!("{name} — {o}")),
            None => (id, name),
        })
        .collect())
}

/// How many services the directory holds and when one last changed: the key of any cache of
/// the directory (a search index), the same on every app node.
pub async fn version(tx: &mut Tx) -> StoreResult<(i64, Option<DateTime<Utc>>)> {
    Ok(on_tx!(tx, c => sqlx::query_as("SELECT COUNT(*), MAX(updated_at) FROM directory_services").fetch_one(c).await)?)
}

/// Records that `by` checked the entry today.
pub async fn verify_service(tx: &mut Tx, actor: Option<Uuid>, id: Uuid, by: &str, on: NaiveDate) -> StoreResult<ServiceEntry> {
    let mut entry = get_service(tx, id).await?.ok_or(StoreError::NotFound)?;
    profile::mark_verified(&mut entry.service, on, by);
    put_service(tx, &entry.service).await?;
    audit::append(tx, Event::new(actor, "directory.service.verify", "service").entity(id)).await?;
    get_service(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Saves a service edited by a person (created when new). The caller has checked the person
/// may keep the service's organisation.
pub async fn save_service(tx: &mut Tx, actor: Option<Uuid>, service: &Service) -> StoreResult<ServiceEntry> {
    let id = parse_id(&service.id, "id")?;
    let existed = get_service(tx, id).await?.is_some();
    put_service(tx, service).await?;
    let action = if existed { "directory.service.update" } else { "directory.service.create" };
    audit::append(tx, Event::new(actor, action, "service").entity(id)).await?;
    get_service(tx, id).await?.ok_or(StoreError::NotFound)
}

#[derive(sqlx::FromRow)]
struct OrganizationRow {
    document: String,
    agency_id: Option<Uuid>,
    services: i64,
}

const ORGANIZATION_SELECT: &str = "SELECT o.document, o.agency_id,
        (SELECT COUNT(*) FROM directory_services s WHERE s.organization_id = o.id) AS services
    FROM directory_organizations o";

fn organization_entry(row: OrganizationRow) -> StoreResult<OrganizationEntry> {
    Ok(OrganizationEntry { organization: from_text(&row.document)?, agency_id: row.agency_id, services: row.services })
}

pub async fn get_organization(tx: &mut Tx, id: Uuid) -> StoreResult<Option<OrganizationEntry>> {
    let sql = format!("{ORGANIZATION_SELECT} WHERE o.id = $1");
    let row: Option<OrganizationRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?;
    row.map(organization_entry).transpose()
}

/// Organisations by name; only those `agency_id` keeps when given.
pub async fn list_organizations(tx: &mut Tx, agency_id: Option<Uuid>) -> StoreResult<Vec<OrganizationEntry>> {
    let sql = format!("{ORGANIZATION_SELECT} WHERE ($1 IS NULL OR o.agency_id = $1) ORDER BY o.name, o.id");
    let rows: Vec<OrganizationRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(agency_id).fetch_all(c).await)?;
    rows.into_iter().map(organization_entry).collect()
}

/// Creates an organisation kept by `agency_id`'s focal points.
pub async fn create_organization(
    tx: &mut Tx,
    actor: Option<Uuid>,
    name: &str,
    description: &str,
    agency_id: Option<Uuid>,
) -> StoreResult<OrganizationEntry> {
    let mut p = Problems::default();
    let name = p.text("name", name, true, 200);
    let description = p.text("description", description, false, 4000);
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let id = Uuid::now_v7();
    let org = Organization { id: id.to_string(), name, description, ..Default::default() };
    put_organization(tx, &org).await?;
    link_organization(tx, actor, id, agency_id).await?;
    audit::append(tx, Event::new(actor, "directory.organization.create", "organization").entity(id)).await?;
    get_organization(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Says which agency keeps an organisation's entries (`None`: administrators only).
pub async fn link_organization(tx: &mut Tx, actor: Option<Uuid>, id: Uuid, agency_id: Option<Uuid>) -> StoreResult<()> {
    if let Some(a) = agency_id
        && crate::agencies::get_agency(tx, a).await?.is_none()
    {
        let mut p = Problems::default();
        p.add("agency_id", "unknown-choice");
        return Err(StoreError::Invalid(p));
    }
    let n = exec!(tx, c => sqlx::query("UPDATE directory_organizations SET agency_id = $2 WHERE id = $1")
        .bind(id).bind(agency_id))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(tx, Event::new(actor, "directory.organization.link", "organization").entity(id)
        .detail(json!({"agency_id": agency_id}))).await?;
    Ok(())
}

/// The whole directory for an HSDS export: organisations, services, and the other records.
pub async fn export_records(tx: &mut Tx) -> StoreResult<(Vec<Organization>, Vec<Service>, Vec<Record>)> {
    let orgs = list_organizations(tx, None).await?.into_iter().map(|o| o.organization).collect();
    let services = list_services(tx, &ServiceFilter::default()).await?.into_iter().map(|s| s.service).collect();
    let rows: Vec<(String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT kind, document FROM directory_records ORDER BY kind, id"
    ).fetch_all(c).await)?;
    let mut others = Vec::new();
    for (kind, doc) in rows {
        let value: serde_json::Value = from_text(&doc)?;
        let record = match kind.as_str() {
            "location" => Record::Location(from_value(value)?),
            "service_at_location" => Record::ServiceAtLocation(from_value(value)?),
            "taxonomy" => Record::Taxonomy(from_value(value)?),
            "taxonomy_term" => Record::TaxonomyTerm(from_value(value)?),
            _ => continue,
        };
        others.push(record);
    }
    Ok((orgs, services, others))
}

fn from_value<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> StoreResult<T> {
    serde_json::from_value(v).map_err(|e| StoreError::Config(format!("a stored directory record no longer reads: {e}")))
}

/// Whether `status` is an HSDS service status.
pub fn is_status(status: &str) -> bool {
    ServiceStatus::parse(status).is_some()
}

// --- Imports waiting for confirmation ------------------------------------------------------

/// The formats an uploaded directory file may have.
pub const IMPORT_FORMATS: &[&str] = &["hsds", "csv", "xlsx"];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StagedImport {
    pub id: Uuid,
    pub format: String,
    pub file_name: String,
    pub content: Vec<u8>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Keeps an uploaded file until its import is confirmed or discarded. Nothing of the
/// directory changes.
pub async fn stage_import(tx: &mut Tx, actor: Option<Uuid>, format: &str, file_name: &str, content: &[u8]) -> StoreResult<Uuid> {
    if !IMPORT_FORMATS.contains(&format) {
        let mut p = Problems::default();
        p.add("format", "unknown-choice");
        return Err(StoreError::Invalid(p));
    }
    let id = Uuid::now_v7();
    let name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
    exec!(tx, c => sqlx::query(
        "INSERT INTO directory_imports (id, format, file_name, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    ).bind(id).bind(format).bind(&name).bind(content).bind(actor).bind(now()))?;
    Ok(id)
}

pub async fn get_staged(tx: &mut Tx, id: Uuid) -> StoreResult<Option<StagedImport>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, format, file_name, content, created_by, created_at FROM directory_imports WHERE id = $1"
    ).bind(id).fetch_optional(c).await)?)
}

pub async fn discard_staged(tx: &mut Tx, id: Uuid) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("DELETE FROM directory_imports WHERE id = $1").bind(id))?;
    Ok(())
}

/// Drops uploads nobody confirmed within a day (run by the housekeeping task).
pub async fn purge_staged(tx: &mut Tx, before: DateTime<Utc>) -> StoreResult<u64> {
    Ok(exec!(tx, c => sqlx::query("DELETE FROM directory_imports WHERE created_at < $1").bind(before))?)
}

// --- Reading an import file -----------------------------------------------------------------

use passerelle_core::directory::hsds::{parse_dataset, ImportError};
use passerelle_core::directory::sheet::{self, ColumnMapping, SheetContext, SheetError, SheetImport};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::lang::Lang;

/// An import file, read: an HSDS dataset or a service spreadsheet.
#[derive(Debug, Clone)]
pub enum ImportFile {
    Hsds(Dataset),
    Sheet(SheetImport),
}

/// Why a file could not be read at all.
#[derive(Debug, Clone)]
pub enum ImportFailure {
    Hsds(Vec<ImportError>),
    Sheet(Vec<SheetError>),
}

/// The format of an uploaded file from its name: `.json` is HSDS, `.csv` and `.xlsx` sheets.
pub fn format_of(file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_lowercase();
    if lower.ends_with(".json") {
        Some("hsds")
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        Some("csv")
    } else if lower.ends_with(".xlsx") {
        Some("xlsx")
    } else {
        None
    }
}

/// Reads an import file. `areas` are the instance's admin areas (code, name) a sheet may name.
pub fn read_import(format: &str, bytes: &[u8], areas: &[(String, String)], country: &str, today: NaiveDate) -> Result<ImportFile, ImportFailure> {
    match format {
        "hsds" => {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                ImportFailure::Hsds(vec![ImportError::Json { line: 1, column: e.valid_up_to() + 1, message: "not UTF-8 text".into() }])
            })?;
            parse_dataset(text).map(ImportFile::Hsds).map_err(ImportFailure::Hsds)
        }
        "csv" | "xlsx" => {
            let areas: Vec<sheet::Area> = areas.iter().map(|(id, name)| sheet::Area { id: id.clone(), name: name.clone() }).collect();
            let ctx = SheetContext { vocabulary: Vocabulary::builtin(), areas: &areas, country, lang: Lang::Fr, today };
            let mapping = ColumnMapping::standard(Taxonomy::protection());
            let read = if format == "csv" {
                sheet::read_services_csv(bytes, &mapping, &ctx)
            } else {
                sheet::read_services_xlsx(bytes, &mapping, &ctx)
            };
            read.map(ImportFile::Sheet).map_err(ImportFailure::Sheet)
        }
        _ => Err(ImportFailure::Hsds(vec![ImportError::UnsupportedShape { hint: format.to_string() }])),
    }
}

impl ImportFile {
    pub fn dataset(&self) -> Dataset {
        match self {
            ImportFile::Hsds(d) => d.clone(),
            ImportFile::Sheet(s) => s.dataset(),
        }
    }

    /// Rows of a sheet left out because of an error (none for HSDS: its rejects are in the
    /// preview).
    pub fn row_errors(&self) -> &[SheetError] {
        match self {
            ImportFile::Hsds(_) => &[],
            ImportFile::Sheet(s) => &s.errors,
        }
    }

    pub fn warnings(&self) -> &[SheetError] {
        match self {
            ImportFile::Hsds(_) => &[],
            ImportFile::Sheet(s) => &s.warnings,
        }
    }
}

/// What importing a file would do, against the directory as it is in `tx`.
pub async fn preview_import(tx: &mut Tx, file: &ImportFile) -> StoreResult<Preview> {
    let existing = existing_ids(tx).await?;
    Ok(passerelle_core::directory::import::preview(&existing, &file.dataset(), Vocabulary::builtin()))
}

/// Whether an import may be applied: every record accepted and every row read. Passerelle
/// imports a file whole or not at all, so a directory never holds half of a mapping.
pub fn is_clean(file: &ImportFile, preview: &Preview) -> bool {
    preview.reject.is_empty() && file.row_errors().is_empty() && !(preview.create.is_empty() && preview.update.is_empty())
}

/// The instance's admin areas below the country as (code, name), and the country code.
pub async fn import_areas(tx: &mut Tx) -> StoreResult<(Vec<(String, String)>, String)> {
    let areas = crate::agencies::list_areas(tx).await?;
    let country = areas.iter().find(|a| a.level == 0).map(|a| a.code.clone()).unwrap_or_else(|| "XX".into());
    Ok((areas.into_iter().filter(|a| a.level > 0).map(|a| (a.code, a.name)).collect(), country))
}

/// The whole directory (every status) as one HSDS 3.0 collections document, with the
/// Passerelle taxonomies labelled in `lang` and the other records kept from imports
/// (service-at-locations, foreign taxonomies), so that importing it back changes nothing.
pub async fn export_document(tx: &mut Tx, lang: Lang) -> StoreResult<serde_json::Value> {
    let (orgs, services, others) = export_records(tx).await?;
    let locations: Vec<_> = others.iter().filter_map(|r| match r { Record::Location(l) => Some(l.clone()), _ => None }).collect();
    let mut doc = passerelle_core::directory::export::export_directory(&orgs, &services, &locations, Vocabulary::builtin(), lang);
    if let serde_json::Value::Object(map) = &mut doc {
        for r in others.iter().filter(|r| !matches!(r, Record::Location(_))) {
            match map.get_mut(r.kind().collection()) {
                Some(serde_json::Value::Array(list)) => list.push(r.to_json()),
                _ => {
                    map.insert(r.kind().collection().into(), serde_json::Value::Array(vec![r.to_json()]));
                }
            }
        }
    }
    Ok(doc)
}

/// The services changed at or after `since` (the finder's index picks them up one by one
/// rather than re-reading the whole directory).
pub async fn services_changed_since(tx: &mut Tx, since: DateTime<Utc>) -> StoreResult<Vec<ServiceEntry>> {
    let sql = format!("{SERVICE_SELECT} WHERE s.updated_at >= $1 ORDER BY s.name, s.id");
    let rows: Vec<ServiceRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(since).fetch_all(c).await)?;
    rows.into_iter().map(ServiceRow::entry).collect()
}

/// How many records point to the service: referrals (and their feedback), pathways, services
/// provided in cases, outreach follow-ups. A service pointed to is archived, never deleted.
pub async fn service_uses(tx: &mut Tx, id: Uuid) -> StoreResult<i64> {
    let (n,): (i64,) = on_tx!(tx, c => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM referrals WHERE service_id = $1)
              + (SELECT COUNT(*) FROM referral_feedback WHERE service_id = $1)
              + (SELECT COUNT(*) FROM referral_pathways WHERE service_id = $1)
              + (SELECT COUNT(*) FROM case_services WHERE service_id = $1)
              + (SELECT COUNT(*) FROM outreach_follow_ups WHERE service_id = $1)"
    ).bind(id).fetch_one(c).await)?;
    Ok(n)
}

/// Archives a service: it becomes inactive (the finder, coverage and referral suggestions
/// leave it out) and stays for the history and the referrals that name it.
pub async fn archive_service(tx: &mut Tx, actor: Option<Uuid>, id: Uuid) -> StoreResult<ServiceEntry> {
    let mut entry = get_service(tx, id).await?.ok_or(StoreError::NotFound)?;
    entry.service.status = ServiceStatus::Inactive;
    put_service(tx, &entry.service).await?;
    audit::append(tx, Event::new(actor, "directory.service.archive", "service").entity(id)).await?;
    get_service(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Deletes a service that nothing points to (an entry made by mistake). One that is used is
/// refused with the problem `in-use`: archive it instead.
pub async fn delete_service(tx: &mut Tx, actor: Option<Uuid>, id: Uuid) -> StoreResult<()> {
    let entry = get_service(tx, id).await?.ok_or(StoreError::NotFound)?;
    if service_uses(tx, id).await? > 0 {
        let mut p = Problems::default();
        p.add("service", "in-use");
        return Err(StoreError::Invalid(p));
    }
    exec!(tx, c => sqlx::query("DELETE FROM directory_services WHERE id = $1").bind(id))?;
    audit::append(tx, Event::new(actor, "directory.service.delete", "service").entity(id)
        .detail(json!({"organization_id": entry.organization_id}))).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Selecting services reads `directory_services_listing` alone, in its order: not the
    /// table's rows (each holds a service's HSDS document), not a sort. SQLite's plans, read
    /// back, with no filter and with every filter.
    #[tokio::test]
    async fn service_ids_read_the_listing_index_alone() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let mut tx = store.read().await.unwrap();
        let every = ServiceFilter {
            status: Some("active".into()),
            need: Some("shelter".into()),
            area: Some("BT-01".into()),
            language: Some("fr".into()),
            attributes: vec!["open_to_migrants".into()],
            agency_id: Some(Uuid::now_v7()),
            organization_id: Some(Uuid::now_v7()),
            name: Some("abri".into()),
            verified_on_or_before: NaiveDate::from_ymd_opt(2026, 5, 27),
        };
        for f in [ServiceFilter::default(), every] {
            let b = FilterBinds::of(&f);
            let sql = format!("EXPLAIN QUERY PLAN {}", service_ids_sql(&b));
            let plan: Vec<(i64, i64, i64, String)> = on_tx!(tx, c => bind_filter!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), b).fetch_all(c).await).unwrap();
            let steps: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
            assert!(steps.iter().any(|s| s.contains("SCAN s USING COVERING INDEX directory_services_listing")), "{steps:?}");
            assert!(!steps.iter().any(|s| s.contains("TEMP B-TREE")), "no sort: {steps:?}");
        }
    }
}
