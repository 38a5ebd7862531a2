//! The mapping assessment: the coverage view (needs x admin areas, how many active services
//! in each cell, gaps where none), per community, and the assessment report a ministry can
//! adopt (coverage, gaps, services per provider kind, stale entries) on screen, printable and
//! as XLSX. The counting is `passerelle_core::directory::coverage::compute`.

use super::{language_choices, term_label, today, Choice};
use crate::ctx::Page;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::Query;
use passerelle_core::directory::coverage::{compute, Coverage, CoverageFilter, CoverageService};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_store::agencies::{self, Area};
use passerelle_store::communities::{self, Community};
use passerelle_store::directory::{self, ServiceEntry, ServiceFilter};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CoverageQuery {
    pub open_to_migrants: Option<String>,
    pub free: Option<String>,
    pub language: String,
    pub community: String,
    /// Show the narrower needs under each need (their own counts), not only the broad ones.
    pub detail: Option<String>,
}

impl CoverageQuery {
    fn filter(&self) -> CoverageFilter {
        CoverageFilter {
            open_to_migrants: self.open_to_migrants.is_some(),
            free_of_charge: self.free.is_some(),
            language: Some(self.language.trim().to_lowercase()).filter(|l| !l.is_empty()),
        }
    }
}

/// One row of the table: a need and its count per area (`None` marks a gap).
#[derive(Clone)]
pub struct Row {
    pub need: String,
    pub cells: Vec<u32>,
    /// 0 for a broad need, 1 for a narrower one under it, and so on.
    pub depth: usize,
}

struct Computed {
    coverage: Coverage,
    areas: Vec<Area>,
    entries: Vec<ServiceEntry>,
}

async fn computed(state: &AppState, q: &CoverageQuery) -> Result<Computed, AppError> {
    let mut tx = state.store.read().await?;
    let areas: Vec<Area> = agencies::list_areas(&mut tx).await?.into_iter().filter(|a| a.level > 0).collect();
    let entries = directory::list_services(&mut tx, &ServiceFilter::default()).await?;
    let needs_t = Taxonomy::needs();
    let services: Vec<CoverageService> = entries.iter().map(|e| CoverageService::from_service(&e.service, needs_t, Taxonomy::protection())).collect();
    // A broad need counts the services tagged with it or with any narrower need; each
    // narrower need, shown on demand, counts its own (and those below it).
    let mut needs: Vec<String> = Vec::new();
    fn below(t: &Taxonomy, code: &str, out: &mut Vec<String>) {
        for c in t.children(code) {
            if !out.contains(&c.code) {
                out.push(c.code.clone());
                below(t, &c.code, out);
            }
        }
    }
    for top in needs_t.top_level() {
        needs.push(top.code.clone());
        if q.detail.is_some() {
            below(needs_t, &top.code, &mut needs);
        }
    }
    let codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
    let coverage = compute(&services, &needs, &codes, needs_t, &q.filter());
    Ok(Computed { coverage, areas, entries })
}

fn rows(c: &Coverage, tr: &Tr) -> Vec<Row> {
    let t = Taxonomy::needs();
    c.needs
        .iter()
        .zip(&c.counts)
        .map(|(n, counts)| Row { need: term_label(t, n, tr), cells: counts.clone(), depth: t.lineage(n).len().saturating_sub(1) })
        .collect()
}

/// The gaps of broad needs (a narrower need without a service is not a gap where its broad
/// need has one).
fn broad_gaps(c: &Coverage) -> usize {
    let t = Taxonomy::needs();
    c.gaps.iter().filter(|(n, _)| t.get(n).is_some_and(|x| x.parent.is_none())).count()
}

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    page: Page,
    q: CoverageQuery,
    areas: Vec<Area>,
    rows: Vec<Row>,
    gaps: usize,
    languages: Vec<Choice>,
    communities: Vec<Community>,
    /// The community asked for, and per need whether it is covered in its area.
    community: Option<(Community, String, Vec<(String, u32)>)>,
}

pub async fn view(State(state): State<AppState>, page: Page, Query(q): Query<CoverageQuery>) -> Result<Response, AppError> {
    let c = computed(&state, &q).await?;
    let mut tx = state.store.read().await?;
    let all = communities::list(&mut tx).await?;
    drop(tx);
    let community = match Uuid::parse_str(q.community.trim()).ok().and_then(|id| all.iter().find(|x| x.id == id)) {
        Some(com) => {
            let area = com.area_id.and_then(|id| c.areas.iter().find(|a| a.id == id));
            let column = area.and_then(|a| c.coverage.areas.iter().position(|x| *x == a.code));
            let needs = c.coverage.needs.iter().enumerate().filter(|(_, code)| q.detail.is_none() || Taxonomy::needs().get(code).is_some_and(|t| t.parent.is_none())).map(|(n, code)| {
                (term_label(Taxonomy::needs(), code, &page.tr), column.map(|col| c.coverage.counts[n][col]).unwrap_or(0))
            }).collect();
            Some((com.clone(), area.map(|a| a.name.clone()).unwrap_or_default(), needs))
        }
        None => None,
    };
    let tr = page.tr.clone();
    let offered = all.into_iter().filter(|x| x.archived_at.is_none()).collect();
    Ok(render(&CoveragePage { rows: rows(&c.coverage, &tr), gaps: broad_gaps(&c.coverage), areas: c.areas, languages: language_choices(), communities: offered, community, page, q }))
}

/// Services per kind of provider (the agency kind of the organisation's agency).
fn per_kind(entries: &[ServiceEntry], agencies: &[agencies::Agency], tr: &Tr) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for e in entries {
        let label = match e.agency_id.and_then(|id| agencies.iter().find(|a| a.id == id)) {
            Some(a) => tr.code("agency-kind", &a.kind),
            None => tr.t("report-provider-not-linked"),
        };
        *counts.entry(label).or_default() += 1;
    }
    counts.into_iter().collect()
}

struct Report {
    rows: Vec<Row>,
    areas: Vec<Area>,
    gaps: Vec<(String, String)>,
    providers: Vec<(String, usize)>,
    stale: Vec<(String, String, String)>,
    total: usize,
}

async fn report_data(state: &AppState, tr: &Tr) -> Result<Report, AppError> {
    let c = computed(state, &CoverageQuery::default()).await?;
    let mut tx = state.store.read().await?;
    let agencies = agencies::list_agencies(&mut tx).await?;
    drop(tx);
    let area_name = |code: &str| c.areas.iter().find(|a| a.code == code).map(|a| a.name.clone()).unwrap_or_else(|| code.into());
    let gaps = c.coverage.gaps.iter().filter(|(n, _)| Taxonomy::needs().get(n).is_some_and(|t| t.parent.is_none())).map(|(n, a)| (term_label(Taxonomy::needs(), n, tr), area_name(a))).collect();
    let day = today();
    let stale = c.entries.iter().filter(|e| e.is_stale(day)).map(|e| {
        (e.service.name.clone(), e.organization_name.clone().unwrap_or_default(), e.verified_on.map(|d| tr.date(d)).unwrap_or_else(|| tr.t("report-never")))
    }).collect();
    Ok(Report { rows: rows(&c.coverage, tr), providers: per_kind(&c.entries, &agencies, tr), total: c.entries.len(), areas: c.areas, gaps, stale })
}

#[derive(Template)]
#[template(path = "coverage_report.html")]
struct ReportPage {
    page: Page,
    r: Report,
    printed_on: String,
}

pub async fn report(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let r = report_data(&state, &page.tr).await?;
    let printed_on = page.tr.date(today());
    Ok(render(&ReportPage { page, r, printed_on }))
}

/// The same report as a workbook: one sheet per part.
pub async fn report_xlsx(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let tr = &page.tr;
    let r = report_data(&state, tr).await?;
    let mut coverage = vec![std::iter::once(tr.t("export-needs")).chain(r.areas.iter().map(|a| a.name.clone())).collect::<Vec<_>>()];
    for row in &r.rows {
        coverage.push(std::iter::once(row.need.clone()).chain(row.cells.iter().map(u32::to_string)).collect());
    }
    let mut gaps = vec![vec![tr.t("export-needs"), tr.t("export-areas")]];
    gaps.extend(r.gaps.iter().map(|(n, a)| vec![n.clone(), a.clone()]));
    let mut providers = vec![vec![tr.t("report-provider-kind"), tr.t("report-services")]];
    providers.extend(r.providers.iter().map(|(k, n)| vec![k.clone(), n.to_string()]));
    let mut stale = vec![vec![tr.t("export-name"), tr.t("export-organization"), tr.t("export-verified-on")]];
    stale.extend(r.stale.iter().map(|(a, b, c)| vec![a.clone(), b.clone(), c.clone()]));
    let bytes = super::manage::xlsx_bytes(&[
        (tr.t("report-sheet-coverage"), coverage),
        (tr.t("report-sheet-gaps"), gaps),
        (tr.t("report-sheet-providers"), providers),
        (tr.t("report-sheet-stale"), stale),
    ])?;
    Ok(super::manage::download(bytes, super::manage::XLSX, "mapping-assessment.xlsx"))
}
