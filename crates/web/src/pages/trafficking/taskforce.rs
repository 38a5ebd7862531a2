//! The task force's figures: identified victims by year and by form of exploitation, sector,
//! sex, age band, citizenship, country of exploitation and means of control, with the
//! assistance received and referrals made (from the SOP steps completed in their cases). Every
//! table goes through small-cell suppression (threshold from `?threshold=`, default 5) before
//! anything is shown or downloaded: the page, the CSV and the XLSX carry the same published
//! tables. The CTDC export is built from the stored records through the core export.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Query;
use chrono::{Datelike, Utc};
use passerelle_core::privacy::suppression::{self, CrossTable, Published, SuppressedTable, DEFAULT_THRESHOLD};
use passerelle_core::trafficking::htcds::{TraffickingStatus, VictimRecord};
use passerelle_core::trafficking::taskforce::{self, Breakdown, TaskforceOptions, UNKNOWN};
use passerelle_store::{sops, trafficking as store};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

use super::screening::TRAFFICKING_SOP;

/// The mark of a hidden count in downloads (and its visible sign on the page).
pub const SUPPRESSED: &str = "*";
/// The CTDC export's k when none is asked: the default.
pub const DEFAULT_K: usize = 10;
/// The thresholds and k an M&E officer may choose: below 2 nothing is protected; above 100
/// nothing would be published in a small country.
const MAX_THRESHOLD: u64 = 100;
const MAX_K: usize = 100;

/// SOP steps that are assistance received, in the order the SOP gives them.
const ASSISTANCE_STEPS: &[&str] = &[
    "shelter",
    "medical_care",
    "reflection_period",
    "psychosocial_and_legal",
    "documentation",
    "return_or_integration",
    "reintegration_follow_up",
];

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FiguresQuery {
    threshold: Option<String>,
    k: Option<String>,
}

fn threshold(q: &FiguresQuery) -> Result<u64, AppError> {
    match q.threshold.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(DEFAULT_THRESHOLD),
        Some(t) => t.parse::<u64>().ok().filter(|n| (2..=MAX_THRESHOLD).contains(n)).ok_or_else(|| AppError::BadRequest {
            key: "trafficking-bad-threshold",
            detail: t.to_string(),
        }),
    }
}

fn k_of(q: &FiguresQuery) -> Result<usize, AppError> {
    match q.k.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(DEFAULT_K),
        Some(t) => t.parse::<usize>().ok().filter(|n| (2..=MAX_K).contains(n)).ok_or_else(|| AppError::BadRequest { key: "trafficking-bad-k", detail: t.to_string() }),
    }
}

/// A published table, labels translated.
pub struct TableView {
    pub id: String,
    pub title: String,
    pub note: Option<String>,
    pub head: Vec<String>,
    pub rows: Vec<(String, Vec<Option<u64>>)>,
    pub totals: Vec<Option<u64>>,
}

fn published(p: Published) -> Option<u64> {
    p.count()
}

fn view(page: &Page, id: &str, title: String, note: Option<String>, t: &SuppressedTable, label: &dyn Fn(&str) -> String) -> TableView {
    let mut head: Vec<String> = t.column_labels.clone();
    head.push(page.tr.t("taskforce-total"));
    let rows = t
        .row_labels
        .iter()
        .zip(&t.cells)
        .zip(&t.row_totals)
        .map(|((l, cells), total)| {
            let mut v: Vec<Option<u64>> = cells.iter().copied().map(published).collect();
            v.push(published(*total));
            (label(l), v)
        })
        .collect();
    let mut totals: Vec<Option<u64>> = t.column_totals.iter().copied().map(published).collect();
    totals.push(published(t.grand_total));
    TableView { id: id.to_string(), title, note, head, rows, totals }
}

fn year_of(r: &VictimRecord) -> i32 {
    r.status.decided_on.unwrap_or(r.registered_on).year()
}

/// Counts of (category, year) over identified victims' cases, suppressed like the others.
fn steps_table(records: &[VictimRecord], years: &[i32], per_case: &BTreeMap<Uuid, BTreeSet<String>>, threshold: u64) -> Result<SuppressedTable, AppError> {
    let index: BTreeMap<i32, usize> = years.iter().enumerate().map(|(i, y)| (*y, i)).collect();
    let mut counts: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for r in records.iter().filter(|r| r.status.status == TraffickingStatus::ActualVictim) {
        let Some(col) = index.get(&year_of(r)) else { continue };
        for cat in per_case.get(&r.case_id).into_iter().flatten() {
            counts.entry(cat.clone()).or_insert_with(|| vec![0; years.len()])[*col] += 1;
        }
    }
    let table = CrossTable {
        row_labels: counts.keys().cloned().collect(),
        column_labels: years.iter().map(|y| y.to_string()).collect(),
        cells: counts.into_values().collect(),
    };
    suppression::suppress(&table, threshold).map_err(|e| AppError::Internal(format!("suppression: {}", e.code())))
}

fn code_label(page: &Page, prefix: &str, code: &str) -> String {
    if code == UNKNOWN {
        return page.tr.t("htcds-not-known");
    }
    page.tr.t(&format!("htcds-{prefix}-{}", code.to_lowercase().replace('_', "-")))
}

/// Everything the page and the downloads show.
pub struct Figures {
    pub threshold: u64,
    pub tables: Vec<TableView>,
}

async fn figures(state: &AppState, identity: &Identity, page: &Page, threshold: u64) -> Result<Figures, AppError> {
    let mut tx = state.store.write().await?;
    let records = store::all_records(&mut tx, Some(identity.id()), "taskforce").await?;
    let steps = store::completed_steps(&mut tx).await?;
    let sop = sops::latest(&mut tx, TRAFFICKING_SOP).await?.map(|s| s.sop);
    tx.commit().await?;
    let report = taskforce::report(&records, &TaskforceOptions { threshold, ..TaskforceOptions::default() })
        .map_err(|e| AppError::Internal(format!("suppression: {}", e.code())))?;
    let lang = page.tr.lang;
    let mut tables = vec![view(page, "victims_by_year", page.tr.t("taskforce-victims-by-year"), None, &report.victims_by_year, &|_: &str| page.tr.t("taskforce-identified-victims"))];
    for t in &report.tables {
        let prefix = match t.breakdown {
            Breakdown::ExploitationForm => "exploitation",
            Breakdown::Sector => "isic",
            Breakdown::Sex => "gender",
            Breakdown::MeansOfControl => "means",
            Breakdown::AgeBand | Breakdown::Citizenship | Breakdown::CountryOfExploitation => "",
        };
        let label = |code: &str| if prefix.is_empty() && code != UNKNOWN { code.to_string() } else { code_label(page, prefix, code) };
        let note = t.multiple_answers.then(|| page.tr.t("taskforce-mentions"));
        let code = t.breakdown.code();
        tables.push(view(page, code, page.tr.t(&format!("taskforce-by-{}", code.replace('_', "-"))), note, &t.table, &label));
    }
    // Assistance received and referrals made: from the steps completed in the cases.
    let mut assistance: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
    let mut referrals: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
    for (case, step) in &steps {
        if ASSISTANCE_STEPS.contains(&step.as_str()) {
            assistance.entry(*case).or_default().insert(step.clone());
        }
        if let Some(s) = sop.as_ref().and_then(|s| s.step(step)) {
            for r in &s.referrals {
                referrals.entry(*case).or_default().insert(r.to.clone());
            }
        }
    }
    let step_title = |id: &str| sop.as_ref().and_then(|s| s.step(id)).map(|s| s.title.get(lang).to_string()).unwrap_or_else(|| id.to_string());
    let a = steps_table(&records, &report.years, &assistance, threshold)?;
    tables.push(view(page, "assistance", page.tr.t("taskforce-assistance"), Some(page.tr.t("taskforce-mentions")), &a, &step_title));
    let r = steps_table(&records, &report.years, &referrals, threshold)?;
    let target = |code: &str| passerelle_core::sop::labels::target(lang, code);
    tables.push(view(page, "referrals", page.tr.t("taskforce-referrals"), Some(page.tr.t("taskforce-mentions")), &r, &target));
    Ok(Figures { threshold, tables })
}

#[derive(Template)]
#[template(path = "trafficking_taskforce.html")]
struct TaskforcePage {
    page: Page,
    figures: Figures,
    k: usize,
    ctdc: Option<store::CtdcRun>,
    ctdc_error: Option<String>,
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<FiguresQuery>) -> Result<Response, AppError> {
    let threshold = threshold(&q)?;
    let k = k_of(&q)?;
    let figures = figures(&state, &identity, &page, threshold).await?;
    // What the CTDC download would give, said before it is downloaded.
    let mut tx = state.store.write().await?;
    let run = store::ctdc(&mut tx, Some(identity.id()), k, Utc::now().date_naive()).await?;
    tx.commit().await?;
    let (ctdc, ctdc_error) = match run {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(format!("{} ({})", page.tr.t("taskforce-ctdc-error"), e.code()))),
    };
    Ok(render(&TaskforcePage { page, figures, k, ctdc, ctdc_error }))
}

fn cell(c: Option<u64>) -> String {
    c.map(|n| n.to_string()).unwrap_or_else(|| SUPPRESSED.to_string())
}

fn download(bytes: Vec<u8>, content_type: &'static str, file: &'static str) -> Response {
    let mut res = bytes.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(file));
    res
}

/// The published tables as CSV: a block per table (title, head, rows, totals), `*` for hidden.
pub async fn csv(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<FiguresQuery>) -> Result<Response, AppError> {
    let f = figures(&state, &identity, &page, threshold(&q)?).await?;
    let total = page.tr.t("taskforce-total");
    let mut rows: Vec<Vec<String>> = Vec::new();
    for t in &f.tables {
        rows.push(vec![t.title.clone()]);
        rows.push(std::iter::once(String::new()).chain(t.head.iter().cloned()).collect());
        for (label, cells) in t.rows.iter().chain(std::iter::once(&(total.clone(), t.totals.clone()))) {
            rows.push(std::iter::once(label.clone()).chain(cells.iter().map(|c| cell(*c))).collect());
        }
        rows.push(Vec::new());
    }
    Ok(download(passerelle_core::spreadsheet::csv(rows), "text/csv; charset=utf-8", "attachment; filename=\"trafficking-taskforce.csv\""))
}

/// The same tables as an XLSX workbook: counts stay numbers, hidden cells are `*`.
pub async fn xlsx(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<FiguresQuery>) -> Result<Response, AppError> {
    let f = figures(&state, &identity, &page, threshold(&q)?).await?;
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut row: u32 = 0;
    sheet.write_string_with_format(row, 0, page.tr.t("taskforce-title"), &bold).map_err(fail)?;
    row += 1;
    sheet.write_string(row, 0, page.tr.t1("taskforce-threshold-note", "threshold", f.threshold)).map_err(fail)?;
    row += 2;
    for t in &f.tables {
        sheet.write_string_with_format(row, 0, &t.title, &bold).map_err(fail)?;
        row += 1;
        for (col, h) in t.head.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16 + 1, h, &bold).map_err(fail)?;
        }
        row += 1;
        let total = page.tr.t("taskforce-total");
        for (label, cells) in t.rows.iter().chain(std::iter::once(&(total, t.totals.clone()))) {
            sheet.write_string(row, 0, label).map_err(fail)?;
            for (col, c) in cells.iter().enumerate() {
                let col = col as u16 + 1;
                match c {
                    Some(n) => sheet.write_number(row, col, *n as f64).map_err(fail)?,
                    None => sheet.write_string(row, col, SUPPRESSED).map_err(fail)?,
                };
            }
            row += 1;
        }
        row += 1;
    }
    sheet.set_column_width(0, 48).map_err(fail)?;
    let bytes = book.save_to_buffer().map_err(fail)?;
    Ok(download(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment; filename=\"trafficking-taskforce.xlsx\""))
}

/// The CTDC-format export (k-anonymised, consented records only) as CSV. The k achieved and
/// the records suppressed travel in headers, as the page shows them before download.
pub async fn ctdc_csv(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<FiguresQuery>) -> Result<Response, AppError> {
    let k = k_of(&q)?;
    let mut tx = state.store.write().await?;
    let run = store::ctdc(&mut tx, Some(identity.id()), k, Utc::now().date_naive()).await?;
    tx.commit().await?;
    let run = run.map_err(|e| AppError::BadRequest { key: "trafficking-ctdc-impossible", detail: format!("{} ({})", page.tr.t("taskforce-ctdc-error"), e.code()) })?;
    let mut res = download(run.export.to_csv(), "text/csv; charset=utf-8", "attachment; filename=\"ctdc.csv\"");
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&run.export.k_achieved.map(|k| k.to_string()).unwrap_or_default()) {
        h.insert("x-k-achieved", v);
    }
    h.insert("x-records-suppressed", HeaderValue::from(run.export.records_suppressed));
    h.insert("x-records-without-consent", HeaderValue::from(run.without_consent));
    Ok(res)
}
