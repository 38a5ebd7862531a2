//! Who is trained on which SOP, and the programme's figures, on a page and as a workbook.
//! Supervisors get their own agency's; trainers, quality and M&E officers everyone's.

use super::{agency_scope, loc, money};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use passerelle_core::access::Permission as P;
use passerelle_store::agencies;
use passerelle_store::training::figures::{self, snapshot, Figures, SopTraining};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "training_sops.html")]
struct SopsPage {
    page: Page,
    sops: Vec<SopTraining>,
    agencies: Vec<(Uuid, String)>,
    narrowed: bool,
}

impl SopsPage {
    fn agency(&self, id: &Option<Uuid>) -> String {
        id.and_then(|id| self.agencies.iter().find(|(a, _)| *a == id)).map(|(_, n)| n.clone()).unwrap_or_default()
    }
    fn gap(&self, g: &figures::Gap) -> String {
        self.page.tr.t_n("training-gap", &[("untrained", g.untrained as i64), ("staff", g.staff as i64)])
    }
    fn agency_of(&self, id: &Uuid) -> String {
        self.agency(&Some(*id))
    }
}

async fn agency_names(tx: &mut passerelle_store::Tx) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(agencies::list_agencies(tx).await?.into_iter().map(|a| (a.id, a.name)).collect())
}

pub async fn sops(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let scope = agency_scope(&identity, P::ViewTraining);
    let mut tx = state.store.read().await?;
    let snap = snapshot(&mut tx).await?;
    let sops = figures::sop_training(&mut tx, &snap, scope).await?;
    let agencies = agency_names(&mut tx).await?;
    Ok(render(&SopsPage { page, sops, agencies, narrowed: scope.is_some() }))
}

/// A cell of a figures table: counts stay numbers in the workbook.
pub enum Cell {
    Count(usize),
    Text(String),
}

/// One table of figures: a caption, column heads, rows.
pub struct Table {
    pub title: String,
    pub head: Vec<String>,
    pub rows: Vec<(String, Vec<Cell>)>,
}

impl Table {
    fn counts(title: String, head: String, tr: &crate::i18n::Tr, rows: Vec<(String, usize)>) -> Table {
        Table { title, head: vec![head, tr.t("training-figures-people")], rows: rows.into_iter().map(|(l, n)| (l, vec![Cell::Count(n)])).collect() }
    }
}

async fn tables(state: &AppState, identity: &Identity, page: &Page) -> Result<(Figures, Vec<Table>), AppError> {
    let scope = agency_scope(identity, P::ViewTraining);
    let mut tx = state.store.read().await?;
    let snap = snapshot(&mut tx).await?;
    let names = agency_names(&mut tx).await?;
    let f = figures::figures(&snap, &names, scope);
    let tr = &page.tr;
    let role_label = |r: &str| {
        // Staff are counted by their Passerelle role; external participants by their job title.
        if r.parse::<passerelle_core::access::Role>().is_ok() { tr.code("role", r) } else { r.to_string() }
    };
    let by_module = f
        .by_module
        .iter()
        .filter_map(|(m, n)| snap.modules.iter().find(|x| x.id == *m).map(|x| (loc(tr, &x.title), *n)))
        .collect();
    let costs = Table {
        title: tr.t("training-figures-costs"),
        head: vec![tr.t("training-curriculum"), tr.t("training-figures-spent"), tr.t("training-figures-trained"), tr.t("training-figures-per-trained")],
        rows: f
            .costs
            .iter()
            .filter_map(|c| {
                let cur = snap.curricula.iter().find(|x| x.id == c.curriculum_id)?;
                let per = c.per_trained.as_ref().map(|m| money(tr, m)).unwrap_or_else(|| "—".into());
                Some((loc(tr, &cur.title), vec![Cell::Text(money(tr, &c.spent)), Cell::Count(c.trained), Cell::Text(per)]))
            })
            .collect(),
    };
    let out = vec![
        Table::counts(tr.t("training-figures-by-agency"), tr.t("field-agency-id"), tr, f.by_agency.clone()),
        Table::counts(tr.t("training-figures-by-role"), tr.t("field-job-role"), tr, f.by_role.iter().map(|(r, n)| (role_label(r), *n)).collect()),
        Table::counts(tr.t("training-figures-by-sex"), tr.t("field-sex"), tr, f.by_sex.iter().map(|(s, n)| (tr.code("training-sex", s), *n)).collect()),
        Table::counts(tr.t("training-figures-by-module"), tr.t("training-module"), tr, by_module),
        costs,
    ];
    Ok((f, out))
}

#[derive(Template)]
#[template(path = "training_figures.html")]
struct FiguresPage {
    page: Page,
    figures: Figures,
    tables: Vec<Table>,
    gain: String,
    narrowed: bool,
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let (figures, tables) = tables(&state, &identity, &page).await?;
    let gain = figures.average_gain.map(|g| passerelle_core::format::decimal(page.tr.lang, g, 1)).unwrap_or_else(|| "—".into());
    let narrowed = agency_scope(&identity, P::ViewTraining).is_some();
    Ok(render(&FiguresPage { page, figures, tables, gain, narrowed }))
}

/// The same figures as an XLSX workbook: one sheet, one block per table.
pub async fn xlsx(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let (figures, tables) = tables(&state, &identity, &page).await?;
    let tr = &page.tr;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut row: u32 = 0;
    sheet.write_string_with_format(row, 0, tr.t("training-figures-title"), &bold).map_err(fail)?;
    row += 2;
    sheet.write_string(row, 0, tr.t("training-figures-trained")).map_err(fail)?;
    sheet.write_number(row, 1, figures.trained as f64).map_err(fail)?;
    row += 1;
    sheet.write_string(row, 0, tr.t("training-figures-gain")).map_err(fail)?;
    match figures.average_gain {
        Some(g) => sheet.write_number(row, 1, (g * 10.0).round() / 10.0).map_err(fail)?,
        None => sheet.write_string(row, 1, "—").map_err(fail)?,
    };
    row += 2;
    for t in &tables {
        sheet.write_string_with_format(row, 0, &t.title, &bold).map_err(fail)?;
        row += 1;
        for (col, h) in t.head.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, h, &bold).map_err(fail)?;
        }
        row += 1;
        for (label, cells) in &t.rows {
            sheet.write_string(row, 0, label).map_err(fail)?;
            for (col, cell) in cells.iter().enumerate() {
                let col = col as u16 + 1;
                match cell {
                    Cell::Count(n) => sheet.write_number(row, col, *n as f64).map_err(fail)?,
                    Cell::Text(t) => sheet.write_string(row, col, t).map_err(fail)?,
                };
            }
            row += 1;
        }
        row += 1;
    }
    sheet.set_column_width(0, 60).map_err(fail)?;
    for col in 1..4 {
        sheet.set_column_width(col, 22).map_err(fail)?;
    }
    let bytes = book.save_to_buffer().map_err(fail)?;
    let mut res = bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    res.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"training-figures.xlsx\""));
    Ok(res)
}
