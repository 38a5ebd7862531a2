//! The indicator catalogue, one indicator's dashboard (a period, a breakdown, a comparison
//! with the previous period; a chart and a table), its CSV and XLSX exports with HXL hashtags,
//! and the donor report of chosen indicators for a period (a printable page and a workbook).

use super::chart::{self, Bar};
use super::{catalogue, cell_text, figure_text, find, group_label, period_or_current, quantitative, Asked, Reckoning};
use crate::ctx::Page;
use crate::error::AppError;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use passerelle_core::indicators::{self as ind, DateRange, Dimension, HxlTable, Indicator, Period, PublishedResult, Unit};

/// A catalogue line.
pub struct Entry {
    pub id: String,
    pub title: String,
    pub description: String,
    pub definition: String,
    pub unit: String,
}

fn entry(page: &Page, i: &Indicator) -> Option<Entry> {
    let q = quantitative(i)?;
    Some(Entry {
        id: i.id.clone(),
        title: page.loc(&i.title).to_string(),
        description: i.description.as_ref().map(|d| page.loc(d).to_string()).unwrap_or_default(),
        definition: q.definition.clone(),
        unit: page.tr.t(&format!("indicator-unit-{}", q.unit.code())),
    })
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct CataloguePage {
    page: Page,
    programme: Vec<Entry>,
    quality: Vec<Entry>,
    period: String,
}

pub async fn list(page: Page) -> Result<Response, AppError> {
    let c = catalogue()?;
    let programme = c.indicators.iter().filter_map(|i| entry(&page, i)).collect();
    let quality = c.referential.indicators().into_iter().filter_map(|x| entry(&page, x.3)).collect();
    let period = Period::containing(ind::PeriodKind::Quarter, passerelle_store::db::now().date_naive()).to_string();
    Ok(render(&CataloguePage { page, programme, quality, period }))
}

/// What a dashboard shows: the indicator, the period, the breakdown, the comparison.
pub(crate) struct Choice {
    pub(crate) indicator: &'static Indicator,
    pub(crate) unit: Unit,
    allowed: Vec<Dimension>,
    pub(crate) dims: Vec<Dimension>,
    pub(crate) period: Period,
    pub(crate) range: DateRange,
    compare: bool,
    /// The period text as typed, and its error code, when it could not be read.
    pub(crate) period_error: Option<(String, String)>,
}

impl Choice {
    /// The chosen indicator and breakdown for `range`, over every agency's records.
    pub(crate) fn asked(&self, range: DateRange) -> Asked<'_> {
        Asked { indicator: self.indicator, dims: &self.dims, range, agency: None }
    }
}

pub(crate) fn choose(id: &str, q: &[(String, String)]) -> Result<Choice, AppError> {
    let indicator = find(id)?.ok_or(AppError::NotFound)?;
    let qn = quantitative(indicator).ok_or(AppError::NotFound)?;
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    // A breakdown the indicator does not allow is ignored, never computed: it may be too fine.
    let dims: Vec<Dimension> = q
        .iter()
        .filter(|(n, _)| n == "by")
        .filter_map(|(_, v)| Dimension::from_code(v))
        .filter(|d| qn.dimensions.contains(d))
        .fold(Vec::new(), |mut acc, d| {
            if !acc.contains(&d) {
                acc.push(d);
            }
            acc
        });
    let (period, period_error) = match period_or_current(get("period"), qn.period) {
        Ok(p) => (p, None),
        Err(code) => (period_or_current(None, qn.period).map_err(AppError::Internal)?, Some((get("period").unwrap_or_default().to_string(), code))),
    };
    let range = period.range().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Choice {
        indicator,
        unit: qn.unit,
        allowed: qn.dimensions.clone(),
        dims,
        period,
        range,
        compare: get("compare") == Some("previous"),
        period_error,
    })
}

/// Computes the figures the dashboards show first, over every agency's records: each shipped
/// indicator over its current and previous period (its page, and its comparison), and the
/// donor report's current quarter. The server runs it when it starts (`WebConfig::warm`), so
/// that the first reader of a dashboard finds its figures kept rather than waiting for every
/// record to be read. Returns how many figures were asked for.
pub async fn warm(state: &AppState) -> Result<usize, AppError> {
    let quarter = period_or_current(None, ind::PeriodKind::Quarter).and_then(|p| p.range().map_err(|e| e.to_string())).map_err(AppError::Internal)?;
    let mut asked: Vec<Asked> = Vec::new();
    for i in catalogue()?.indicators.iter().filter(|i| quantitative(i).is_some()) {
        let c = choose(&i.id, &[])?;
        let previous = c.period.previous().and_then(|p| p.range()).map_err(|e| AppError::Internal(e.to_string()))?;
        for range in [c.range, previous, quarter] {
            if !asked.iter().any(|a| a.indicator.id == i.id && a.range == range) {
                asked.push(Asked { indicator: i, dims: &[], range, agency: None });
            }
        }
    }
    Reckoning::new(state).warm(&asked).await?;
    Ok(asked.len())
}

/// One row of the dashboard table.
pub struct Row {
    pub label: String,
    pub value: String,
    pub previous: String,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct DashboardPage {
    page: Page,
    entry: Entry,
    period: String,
    previous_period: String,
    range: DateRange,
    allowed: Vec<(String, String, bool)>,
    compare: bool,
    period_error: Option<(String, String)>,
    rows: Vec<Row>,
    chart: String,
    query: String,
    target: String,
    figures_note: String,
}

/// The same query string, for the export links.
fn query_string(c: &Choice) -> String {
    let mut parts = vec![format!("period={}", c.period)];
    parts.extend(c.dims.iter().map(|d| format!("by={}", d.code())));
    if c.compare {
        parts.push("compare=previous".into());
    }
    parts.join("&amp;")
}

pub async fn show(State(state): State<AppState>, page: Page, Path(id): Path<String>, Query(q): Query<Vec<(String, String)>>) -> Result<Response, AppError> {
    let c = choose(&id, &q)?;
    let mut reckoning = Reckoning::new(&state);
    let previous_period = c.period.previous().map_err(|e| AppError::Internal(e.to_string()))?;
    let mut asked = vec![c.asked(c.range)];
    if c.compare {
        asked.push(c.asked(previous_period.range().map_err(|e| AppError::Internal(e.to_string()))?));
    }
    // Both periods from one reading of the records.
    let mut figures = reckoning.published(&asked).await?.into_iter();
    let now = figures.next().unwrap_or_default();
    let before = figures.next().unwrap_or_default();
    let tr = &page.tr;
    let find_before = |r: &PublishedResult| before.iter().find(|b| b.group == r.group);
    let rows: Vec<Row> = now
        .iter()
        .map(|r| Row {
            label: group_label(tr, &r.group),
            value: cell_text(tr, c.unit, r),
            previous: find_before(r).map(|b| cell_text(tr, c.unit, b)).unwrap_or_else(|| "—".into()),
        })
        .collect();
    let bars: Vec<Bar> = now
        .iter()
        .map(|r| Bar {
            label: group_label(tr, &r.group),
            value: r.value.map(|v| c.unit.present(v)),
            compare: if c.compare { find_before(r).and_then(|b| b.value).map(|v| c.unit.present(v)) } else { None },
        })
        .collect();
    let title = page.loc(&c.indicator.title).to_string();
    let unit = c.unit;
    let fmt = |v: f64| figure_text(tr, if unit == Unit::Percent { Unit::Ratio } else { unit }, v) + if unit == Unit::Percent { " %" } else { "" };
    let chart = chart::bars(&title, &bars, &fmt).map_err(|e| AppError::Internal(format!("chart: {e}")))?;
    let allowed = c
        .allowed
        .iter()
        .map(|d| (d.code().to_string(), tr.t(&format!("indicator-dimension-{}", d.code().replace('_', "-"))), c.dims.contains(d)))
        .collect();
    let target = c.indicator.target.map(|t| figure_text(tr, if unit == Unit::Percent { Unit::Count } else { unit }, t)).unwrap_or_default();
    let entry = entry(&page, c.indicator).ok_or(AppError::NotFound)?;
    let query = query_string(&c);
    let figures_note = reckoning.note(tr);
    Ok(render(&DashboardPage {
        entry,
        period: c.period.to_string(),
        previous_period: previous_period.to_string(),
        range: c.range,
        allowed,
        compare: c.compare,
        period_error: c.period_error,
        rows,
        chart,
        query,
        target,
        figures_note,
        page,
    }))
}

/// The export table of one indicator (long form, HXL row 2), suppressed.
async fn table(state: &AppState, page: &Page, c: &Choice) -> Result<HxlTable, AppError> {
    let results = Reckoning::new(state).one(c.asked(c.range)).await?;
    let mut t = ind::hxl_table(&c.indicator.id, page.loc(&c.indicator.title), c.range, &c.dims, &results);
    present(&mut t, c.unit);
    Ok(t)
}

/// Values in the export are in the indicator's unit (percent as 0-100), as on the page.
fn present(t: &mut HxlTable, unit: Unit) {
    let Some(col) = t.tags.iter().position(|tag| tag == ind::hxl::VALUE) else { return };
    for row in &mut t.rows {
        if let Some(v) = row.get(col).and_then(|v| v.parse::<f64>().ok()) {
            row[col] = format!("{}", (unit.present(v) * 1000.0).round() / 1000.0);
        }
    }
}

fn csv_bytes(t: &HxlTable) -> Vec<u8> {
    passerelle_core::spreadsheet::csv([&t.headers, &t.tags].into_iter().chain(&t.rows))
}

fn xlsx_bytes(t: &HxlTable) -> Result<Vec<u8>, AppError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let value_col = t.tags.iter().position(|tag| tag == ind::hxl::VALUE);
    for (col, (h, tag)) in t.headers.iter().zip(&t.tags).enumerate() {
        sheet.write_string_with_format(0, col as u16, h, &bold).map_err(fail)?;
        sheet.write_string(1, col as u16, tag).map_err(fail)?;
    }
    for (i, row) in t.rows.iter().enumerate() {
        let r = i as u32 + 2;
        for (col, cell) in row.iter().enumerate() {
            // Figures stay numbers in the workbook, so that a donor's sheet can sum them.
            match (Some(col) == value_col, cell.parse::<f64>()) {
                (true, Ok(v)) => sheet.write_number(r, col as u16, v).map_err(fail)?,
                _ => sheet.write_string(r, col as u16, cell).map_err(fail)?,
            };
        }
    }
    sheet.set_column_width(1, 50).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

fn download(bytes: Vec<u8>, content_type: &'static str, file: &str) -> Response {
    let mut res = bytes.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The file name is built from an indicator id (letters, digits, `_`) and a period.
    let name: String = file.chars().filter(|c| c.is_ascii_alphanumeric() || "_-.".contains(*c)).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub async fn csv(State(state): State<AppState>, page: Page, Path(id): Path<String>, Query(q): Query<Vec<(String, String)>>) -> Result<Response, AppError> {
    let c = choose(&id, &q)?;
    let t = table(&state, &page, &c).await?;
    Ok(download(csv_bytes(&t), "text/csv; charset=utf-8", &format!("{}_{}.csv", c.indicator.id, c.period)))
}

pub async fn xlsx(State(state): State<AppState>, page: Page, Path(id): Path<String>, Query(q): Query<Vec<(String, String)>>) -> Result<Response, AppError> {
    let c = choose(&id, &q)?;
    let t = table(&state, &page, &c).await?;
    Ok(download(xlsx_bytes(&t)?, XLSX, &format!("{}_{}.xlsx", c.indicator.id, c.period)))
}

/// The donor report: the chosen indicators (`ind=` repeated; all programme indicators when
/// none is chosen) for one period, overall figures, suppressed.
struct Report {
    period: Period,
    period_error: Option<(String, String)>,
    chosen: Vec<&'static Indicator>,
    table: HxlTable,
    rows: Vec<(Entry, String, String)>,
    figures_note: String,
}

async fn report_data(state: &AppState, page: &Page, q: &[(String, String)]) -> Result<Report, AppError> {
    let cat = catalogue()?;
    let asked: Vec<&str> = q.iter().filter(|(n, _)| n == "ind").map(|(_, v)| v.as_str()).collect();
    let mut chosen = Vec::new();
    for id in &asked {
        if let Some(i) = find(id)?.filter(|i| quantitative(i).is_some()) {
            chosen.push(i);
        }
    }
    if chosen.is_empty() {
        chosen = cat.indicators.iter().filter(|i| quantitative(i).is_some()).collect();
    }
    let asked_period = q.iter().find(|(n, _)| n == "period").map(|(_, v)| v.as_str());
    let (period, period_error) = match period_or_current(asked_period, ind::PeriodKind::Quarter) {
        Ok(p) => (p, None),
        Err(code) => (period_or_current(None, ind::PeriodKind::Quarter).map_err(AppError::Internal)?, Some((asked_period.unwrap_or_default().to_string(), code))),
    };
    let range = period.range().map_err(|e| AppError::Internal(e.to_string()))?;
    let mut table: Option<HxlTable> = None;
    let mut rows = Vec::new();
    let mut reckoning = Reckoning::new(state);
    let asked: Vec<Asked> = chosen.iter().map(|i| Asked { indicator: i, dims: &[], range, agency: None }).collect();
    // Every chosen indicator from one reading of the records.
    let figures = reckoning.published(&asked).await?;
    for (i, results) in chosen.iter().zip(figures) {
        let Some(unit) = quantitative(i).map(|q| q.unit) else { continue };
        let mut t = ind::hxl_table(&i.id, page.loc(&i.title), range, &[], &results);
        present(&mut t, unit);
        let text = results.first().map(|r| cell_text(&page.tr, unit, r)).unwrap_or_else(|| "—".into());
        let target = i.target.map(|t| figure_text(&page.tr, if unit == Unit::Percent { Unit::Count } else { unit }, t)).unwrap_or_default();
        if let Some(e) = entry(page, i) {
            rows.push((e, text, target));
        }
        match &mut table {
            None => table = Some(t),
            Some(all) => all.rows.extend(t.rows),
        }
    }
    let table = table.unwrap_or(HxlTable { headers: vec![], tags: vec![], rows: vec![] });
    let figures_note = reckoning.note(&page.tr);
    Ok(Report { period, period_error, chosen, table, rows, figures_note })
}

#[derive(Template)]
#[template(path = "indicator_report.html")]
struct ReportPage {
    page: Page,
    period: String,
    period_error: Option<(String, String)>,
    options: Vec<(String, String, bool)>,
    rows: Vec<(Entry, String, String)>,
    query: String,
    figures_note: String,
}

pub async fn report(State(state): State<AppState>, page: Page, Query(q): Query<Vec<(String, String)>>) -> Result<Response, AppError> {
    let r = report_data(&state, &page, &q).await?;
    let cat = catalogue()?;
    let options = cat
        .indicators
        .iter()
        .chain(cat.referential.indicators().into_iter().map(|x| x.3))
        .filter(|i| quantitative(i).is_some())
        .map(|i| (i.id.clone(), page.loc(&i.title).to_string(), r.chosen.iter().any(|c| c.id == i.id)))
        .collect();
    let mut query = vec![format!("period={}", r.period)];
    query.extend(r.chosen.iter().map(|i| format!("ind={}", i.id)));
    Ok(render(&ReportPage { period: r.period.to_string(), period_error: r.period_error, options, rows: r.rows, query: query.join("&amp;"), figures_note: r.figures_note, page }))
}

pub async fn report_xlsx(State(state): State<AppState>, page: Page, Query(q): Query<Vec<(String, String)>>) -> Result<Response, AppError> {
    let r = report_data(&state, &page, &q).await?;
    Ok(download(xlsx_bytes(&r.table)?, XLSX, &format!("report_{}.xlsx", r.period)))
}
