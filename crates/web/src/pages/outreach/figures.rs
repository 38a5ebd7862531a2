//! The outreach figures, on a page and as a workbook: the funnel, women-only activities, agents
//! by sex, then activities, people reached, follow-ups and referrals by agent, agency, area,
//! community, topic, kind and month. Counts only, never names of people reached.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use passerelle_core::access::{Permission as P, Scope};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::privacy::suppression::{self, CrossTable, Position, SuppressedTable, DEFAULT_THRESHOLD};
use passerelle_store::outreach::figures::{self, Figures, Line};

/// A count as published: the number, or `None` when small-cell suppression hides it.
pub type Cell = Option<u64>;

/// The columns about people, which go through suppression: reached, registered, referred.
/// Activities are counted as they are: they describe the agents' work, not the people met.
pub const PEOPLE_COLUMNS: [&str; 3] = ["reached", "registered", "referred"];

/// One line of a table: its label, the activities, and the people counts as published.
pub struct Row {
    pub label: String,
    pub activities: u64,
    pub counts: Vec<Cell>,
}

/// One table: a caption, the head of the first column, the lines, and — for a table whose
/// lines split the activities (each activity on one line) — the totals line.
pub struct Table {
    pub title: String,
    pub head: String,
    pub rows: Vec<Row>,
    pub totals: Option<(u64, Vec<Cell>)>,
}

/// A one-column table of people reached (by sex, by age band).
pub struct Reach {
    pub rows: Vec<(String, Cell)>,
}

/// Everything the page and the workbook show, after suppression.
pub struct Published {
    pub threshold: u64,
    /// The funnel steps as `funnel()` names them.
    pub funnel: Vec<(&'static str, Cell)>,
    pub women_only_reached: Cell,
    pub tables: Vec<Table>,
    pub reached_by_sex: Reach,
    pub reached_by_age: Reach,
    /// How many counts are hidden in all (said on the page, so a reader knows to look).
    pub hidden: usize,
}

fn label_or_none(tr: &Tr, s: &str) -> String {
    if s.is_empty() { tr.t("outreach-not-given") } else { s.to_string() }
}

/// A count alone (no margin it adds up to): hidden when small, 1 to threshold - 1.
fn alone(n: u64, threshold: u64) -> Cell {
    (n == 0 || n >= threshold).then_some(n)
}

/// One table to suppress: lines of people counts, and which of the shared totals (the funnel's
/// reached, registered, referred) each column adds up to, if it does.
struct Spec {
    labels: Vec<String>,
    counts: Vec<Vec<u64>>,
    shared: Vec<Option<usize>>,
}

/// Suppresses every table with primary and complementary suppression
/// (`passerelle_core::privacy::suppression`), keeping the totals they share consistent: the
/// funnel's reached, registered and referred are the column totals of every table that splits
/// the activities. A total hidden in one table (small, or taken as a complement) would be
/// given away by another table or the funnel showing it, so it is then forced hidden
/// everywhere and the tables suppressed again, until nothing changes (at most once per total).
fn suppress_all(specs: &[Spec], totals: [u64; 3], threshold: u64) -> Result<(Vec<Option<SuppressedTable>>, [bool; 3]), AppError> {
    let fail = |e: suppression::SuppressionError| AppError::Internal(format!("suppression: {}", e.code()));
    let mut hidden = totals.map(|t| alone(t, threshold).is_none());
    loop {
        let mut out = Vec::with_capacity(specs.len());
        for spec in specs {
            if spec.counts.is_empty() {
                out.push(None);
                continue;
            }
            let table = CrossTable {
                row_labels: spec.labels.clone(),
                column_labels: (0..spec.shared.len()).map(|c| c.to_string()).collect(),
                cells: spec.counts.clone(),
            };
            let forced: Vec<Position> = spec.shared.iter().enumerate()
                .filter(|(_, k)| k.is_some_and(|k| hidden[k]))
                .map(|(c, _)| Position::ColumnTotal(c))
                .collect();
            out.push(Some(suppression::suppress_with(&table, threshold, &forced).map_err(fail)?));
        }
        let mut changed = false;
        for (spec, t) in specs.iter().zip(&out) {
            let Some(t) = t else { continue };
            for (c, k) in spec.shared.iter().enumerate() {
                if let Some(k) = *k {
                    if t.column_totals[c].is_suppressed() && !hidden[k] {
                        hidden[k] = true;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            return Ok((out, hidden));
        }
    }
}

/// The figures as they may be shown to the reader, labelled in their language.
pub fn publish(tr: &Tr, f: &Figures, threshold: u64) -> Result<Published, AppError> {
    let named = |t: &figures::Table| -> Vec<(String, Line)> { t.iter().map(|(k, l)| (label_or_none(tr, k), l.clone())).collect() };
    let topic = |code: &str| Taxonomy::needs().get(code).map(|t| t.label.get(tr.lang).to_string()).unwrap_or_else(|| code.to_string());
    // (title, head, lines, whether each activity is on exactly one line)
    let lines: Vec<(String, String, Vec<(String, Line)>, bool)> = vec![
        // An activity may have several agents and several topics: those tables do not add up.
        (tr.t("outreach-by-agent"), tr.t("outreach-field-agents"), named(&f.by_agent), false),
        (tr.t("outreach-by-agency"), tr.t("field-agency-id"), named(&f.by_agency), true),
        (tr.t("outreach-by-area"), tr.t("field-area-id"), named(&f.by_area), true),
        (tr.t("outreach-by-community"), tr.t("outreach-field-community-id"), named(&f.by_community), true),
        (tr.t("outreach-by-topic"), tr.t("outreach-field-topics"), f.by_topic.iter().map(|(k, l)| (topic(k), l.clone())).collect(), false),
        (tr.t("outreach-by-kind"), tr.t("field-kind"), f.by_kind.iter().map(|(k, l)| (tr.code("outreach-kind", k), l.clone())).collect(), true),
        (tr.t("outreach-by-month"), tr.t("outreach-month"), f.by_month.iter().map(|(k, l)| (k.clone(), l.clone())).collect(), true),
    ];
    let totals = [f.total.reached, f.total.registered as u64, f.total.referred as u64];
    let mut specs: Vec<Spec> = lines
        .iter()
        .map(|(_, _, rows, partition)| Spec {
            labels: rows.iter().map(|(l, _)| l.clone()).collect(),
            counts: rows.iter().map(|(_, l)| vec![l.reached, l.registered as u64, l.referred as u64]).collect(),
            shared: if *partition { vec![Some(0), Some(1), Some(2)] } else { vec![None; 3] },
        })
        .collect();
    // People reached by sex and by age band add up to everyone reached when every activity
    // gave its sex × age breakdown (the default): then they share the funnel's total too.
    for by in [&f.reached_by_sex, &f.reached_by_age] {
        let sum: u64 = by.values().sum();
        specs.push(Spec {
            labels: by.keys().cloned().collect(),
            counts: by.values().map(|n| vec![*n]).collect(),
            shared: vec![(sum == f.total.reached).then_some(0)],
        });
    }
    let (out, hidden_totals) = suppress_all(&specs, totals, threshold)?;
    let cells = |t: &Option<SuppressedTable>, r: usize| -> Vec<Cell> {
        t.as_ref().map(|t| t.cells[r].iter().map(|c| c.count()).collect()).unwrap_or_default()
    };
    let n_lines = lines.len();
    let mut hidden = 0;
    let mut tables = Vec::new();
    for (i, (title, head, rows, partition)) in lines.into_iter().enumerate() {
        let t = &out[i];
        let rows: Vec<Row> = rows
            .into_iter()
            .enumerate()
            .map(|(r, (label, l))| Row { label, activities: l.activities as u64, counts: cells(t, r) })
            .collect();
        hidden += rows.iter().flat_map(|r| &r.counts).filter(|c| c.is_none()).count();
        let totals = (partition && !rows.is_empty()).then(|| {
            let col: Vec<Cell> = t.as_ref().map(|t| t.column_totals.iter().map(|c| c.count()).collect()).unwrap_or_default();
            (f.total.activities as u64, col)
        });
        tables.push(Table { title, head, rows, totals });
    }
    let reach = |i: usize, by: &std::collections::BTreeMap<String, u64>, label: &dyn Fn(&str) -> String| Reach {
        rows: by.keys().enumerate().map(|(r, k)| (label(k), cells(&out[i], r).first().copied().flatten())).collect(),
    };
    let reached_by_sex = reach(n_lines, &f.reached_by_sex, &|k| tr.code("outreach-sex", k));
    let reached_by_age = reach(n_lines + 1, &f.reached_by_age, &|k| tr.code("outreach-age", k));
    hidden += reached_by_sex.rows.iter().chain(&reached_by_age.rows).filter(|r| r.1.is_none()).count();
    let shared = |k: usize| (!hidden_totals[k]).then_some(totals[k]);
    let funnel: Vec<(&'static str, Cell)> = f
        .funnel()
        .into_iter()
        .map(|(step, n)| {
            let cell = match step {
                "reached" => shared(0),
                "registered" => shared(1),
                "referred" => shared(2),
                _ => alone(n, threshold),
            };
            (step, cell)
        })
        .collect();
    hidden += funnel.iter().filter(|(_, c)| c.is_none()).count();
    let women_only_reached = alone(f.women_only.reached, threshold);
    hidden += usize::from(women_only_reached.is_none());
    Ok(Published { threshold, funnel, women_only_reached, tables, reached_by_sex, reached_by_age, hidden })
}

#[derive(Template)]
#[template(path = "outreach_figures.html")]
struct FiguresPage {
    page: Page,
    f: Figures,
    p: Published,
    narrowed: bool,
}

impl FiguresPage {
    fn funnel_label(&self, step: &str) -> String {
        self.page.tr.t(&format!("outreach-funnel-{step}"))
    }
    fn agent_sex(&self, code: &str) -> String {
        self.page.tr.code("outreach-sex", code)
    }
    fn n(&self, n: impl std::borrow::Borrow<usize>) -> String {
        self.page.tr.int(*n.borrow() as i64)
    }

}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::ViewOutreach);
    let mut tx = state.store.read().await?;
    let f = figures::figures(&mut tx, &viewer, None).await?;
    let p = publish(&page.tr, &f, DEFAULT_THRESHOLD)?;
    Ok(render(&FiguresPage { page, f, p, narrowed: viewer.scope != Scope::All }))
}

/// The same figures as an XLSX workbook: one sheet, one block per table, counts as numbers.
pub async fn xlsx(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::ViewOutreach);
    let mut tx = state.store.read().await?;
    let f = figures::figures(&mut tx, &viewer, None).await?;
    drop(tx);
    let tr = &page.tr;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut row: u32 = 0;
    sheet.write_string_with_format(row, 0, tr.t("outreach-figures-title"), &bold).map_err(fail)?;
    row += 2;
    let p = publish(tr, &f, DEFAULT_THRESHOLD)?;
    let mark = tr.t("outreach-suppressed-mark");
    // A hidden count is written as the mark, never as a number: the workbook leaves the
    // system like the page does.
    let cell = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, c: Cell| -> Result<(), AppError> {
        match c {
            Some(n) => sheet.write_number(row, col, n as f64).map(|_| ()),
            None => sheet.write_string(row, col, &mark).map(|_| ()),
        }
        .map_err(|e| AppError::Internal(format!("xlsx: {e}")))
    };
    sheet.write_string(row, 0, tr.t1("outreach-suppressed-note", "threshold", p.threshold.to_string())).map_err(fail)?;
    row += 2;
    for (step, n) in &p.funnel {
        sheet.write_string(row, 0, tr.t(&format!("outreach-funnel-{step}"))).map_err(fail)?;
        cell(sheet, row, 1, *n)?;
        row += 1;
    }
    sheet.write_string(row, 0, tr.t("outreach-women-only-activities")).map_err(fail)?;
    sheet.write_number(row, 1, f.women_only.activities as f64).map_err(fail)?;
    row += 1;
    sheet.write_string(row, 0, tr.t("outreach-women-only-reached")).map_err(fail)?;
    cell(sheet, row, 1, p.women_only_reached)?;
    row += 2;
    let heads = [tr.t("outreach-col-activities"), tr.t("outreach-col-reached"), tr.t("outreach-col-registered"), tr.t("outreach-col-referred")];
    for t in &p.tables {
        sheet.write_string_with_format(row, 0, &t.title, &bold).map_err(fail)?;
        row += 1;
        sheet.write_string_with_format(row, 0, &t.head, &bold).map_err(fail)?;
        for (i, h) in heads.iter().enumerate() {
            sheet.write_string_with_format(row, i as u16 + 1, h, &bold).map_err(fail)?;
        }
        row += 1;
        let total_label = tr.t("outreach-total");
        let lines = t.rows.iter().map(|r| (&r.label, r.activities, &r.counts));
        let totals = t.totals.iter().map(|(a, c)| (&total_label, *a, c));
        for (label, activities, counts) in lines.chain(totals) {
            sheet.write_string(row, 0, label).map_err(fail)?;
            sheet.write_number(row, 1, activities as f64).map_err(fail)?;
            for (i, c) in counts.iter().enumerate() {
                cell(sheet, row, i as u16 + 2, *c)?;
            }
            row += 1;
        }
        row += 1;
    }
    for (title, reach) in [(tr.t("outreach-reached-by-sex"), &p.reached_by_sex), (tr.t("outreach-reached-by-age"), &p.reached_by_age)] {
        sheet.write_string_with_format(row, 0, &title, &bold).map_err(fail)?;
        row += 1;
        for (label, c) in &reach.rows {
            sheet.write_string(row, 0, label).map_err(fail)?;
            cell(sheet, row, 1, *c)?;
            row += 1;
        }
        row += 1;
    }
    sheet.set_column_width(0, 50).map_err(fail)?;
    let bytes = book.save_to_buffer().map_err(fail)?;
    let mut res = bytes.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    res.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"outreach-figures.xlsx\""));
    Ok(res)
}
