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
use passerelle_store::outreach::figures::{self, Figures, Line};

/// One table: a caption, the head of the first column, and labelled lines.
pub struct Table {
    pub title: String,
    pub head: String,
    pub rows: Vec<(String, Line)>,
}

fn label_or_none(tr: &Tr, s: &str) -> String {
    if s.is_empty() { tr.t("outreach-not-given") } else { s.to_string() }
}

/// The figures' tables, labelled in the reader's language.
pub fn tables(tr: &Tr, f: &Figures) -> Vec<Table> {
    let named = |t: &figures::Table| -> Vec<(String, Line)> { t.iter().map(|(k, l)| (label_or_none(tr, k), l.clone())).collect() };
    let topic = |code: &str| Taxonomy::needs().get(code).map(|t| t.label.get(tr.lang).to_string()).unwrap_or_else(|| code.to_string());
    vec![
        Table { title: tr.t("outreach-by-agent"), head: tr.t("outreach-field-agents"), rows: named(&f.by_agent) },
        Table { title: tr.t("outreach-by-agency"), head: tr.t("field-agency-id"), rows: named(&f.by_agency) },
        Table { title: tr.t("outreach-by-area"), head: tr.t("field-area-id"), rows: named(&f.by_area) },
        Table { title: tr.t("outreach-by-community"), head: tr.t("outreach-field-community-id"), rows: named(&f.by_community) },
        Table { title: tr.t("outreach-by-topic"), head: tr.t("outreach-field-topics"), rows: f.by_topic.iter().map(|(k, l)| (topic(k), l.clone())).collect() },
        Table { title: tr.t("outreach-by-kind"), head: tr.t("field-kind"), rows: f.by_kind.iter().map(|(k, l)| (tr.code("outreach-kind", k), l.clone())).collect() },
        Table { title: tr.t("outreach-by-month"), head: tr.t("outreach-month"), rows: f.by_month.iter().map(|(k, l)| (k.clone(), l.clone())).collect() },
    ]
}

#[derive(Template)]
#[template(path = "outreach_figures.html")]
struct FiguresPage {
    page: Page,
    f: Figures,
    tables: Vec<Table>,
    narrowed: bool,
}

impl FiguresPage {
    fn funnel_label(&self, step: &str) -> String {
        self.page.tr.t(&format!("outreach-funnel-{step}"))
    }
    fn agent_sex(&self, code: &str) -> String {
        self.page.tr.code("outreach-sex", code)
    }
    fn int(&self, n: impl std::borrow::Borrow<u64>) -> String {
        self.page.tr.int(i64::try_from(*n.borrow()).unwrap_or(i64::MAX))
    }
    fn n(&self, n: impl std::borrow::Borrow<usize>) -> String {
        self.page.tr.int(*n.borrow() as i64)
    }
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let viewer = identity.viewer(P::ViewOutreach);
    let mut tx = state.store.read().await?;
    let f = figures::figures(&mut tx, &viewer, None).await?;
    let tables = tables(&page.tr, &f);
    Ok(render(&FiguresPage { page, f, tables, narrowed: viewer.scope != Scope::All }))
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
    for (step, n) in f.funnel() {
        sheet.write_string(row, 0, tr.t(&format!("outreach-funnel-{step}"))).map_err(fail)?;
        sheet.write_number(row, 1, n as f64).map_err(fail)?;
        row += 1;
    }
    sheet.write_string(row, 0, tr.t("outreach-women-only-activities")).map_err(fail)?;
    sheet.write_number(row, 1, f.women_only.activities as f64).map_err(fail)?;
    row += 2;
    let heads = [tr.t("outreach-col-activities"), tr.t("outreach-col-reached"), tr.t("outreach-col-registered"), tr.t("outreach-col-referred")];
    for t in tables(tr, &f) {
        sheet.write_string_with_format(row, 0, &t.title, &bold).map_err(fail)?;
        row += 1;
        sheet.write_string_with_format(row, 0, &t.head, &bold).map_err(fail)?;
        for (i, h) in heads.iter().enumerate() {
            sheet.write_string_with_format(row, i as u16 + 1, h, &bold).map_err(fail)?;
        }
        row += 1;
        for (label, l) in &t.rows {
            sheet.write_string(row, 0, label).map_err(fail)?;
            for (i, n) in [l.activities as f64, l.reached as f64, l.registered as f64, l.referred as f64].into_iter().enumerate() {
                sheet.write_number(row, i as u16 + 1, n).map_err(fail)?;
            }
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
