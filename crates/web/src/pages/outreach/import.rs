//! The upload page of the activities import: check only (dry run), or import; every problem
//! listed by row and column; nothing written unless every row is right.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::render_status;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use passerelle_core::access::Permission as P;
use passerelle_store::outreach::import::{self, Report, RowProblem};

#[derive(Template)]
#[template(path = "outreach_import.html")]
struct ImportPage {
    page: Page,
    report: Option<Report>,
    dry_run: bool,
    unreadable: Option<String>,
}

impl ImportPage {
    fn result(&self, r: &Report) -> String {
        if self.dry_run {
            self.page.tr.t_n("outreach-import-checked", &[("rows", r.rows as i64), ("existing", r.existing as i64)])
        } else {
            self.page.tr.t_n("outreach-import-done", &[("created", r.created as i64), ("existing", r.existing as i64)])
        }
    }
    fn problem(&self, p: &RowProblem) -> String {
        problem_text(&self.page.tr, p)
    }
}

/// A row problem in the reader's language.
pub fn problem_text(tr: &Tr, p: &RowProblem) -> String {
    let column = if p.column.is_empty() { String::new() } else { tr.t1("outreach-import-column", "column", &p.column) };
    let what = if p.code.starts_with("error-field-") {
        tr.t1(&p.code, "field", &p.column)
    } else if p.code == "outreach-import-mismatch" {
        let breakdown = tr.code("outreach-breakdown", &p.column);
        tr.t1(&p.code, "numbers", format!("{breakdown} {}", p.detail))
    } else {
        tr.t(&p.code)
    };
    format!("{} — {column} {what}", tr.t1("outreach-import-row", "row", p.row))
}

pub async fn form(page: Page) -> Result<Response, AppError> {
    Ok(render_status(StatusCode::OK, &ImportPage { page, report: None, dry_run: true, unreadable: None }))
}

#[derive(serde::Deserialize)]
pub struct ImportQuery {
    #[serde(default)]
    dry_run: Option<String>,
}

pub async fn upload(State(state): State<AppState>, identity: Identity, page: Page, Query(q): Query<ImportQuery>, multipart: Multipart) -> Result<Response, AppError> {
    let dry_run = q.dry_run.is_some();
    let Some((name, bytes)) = crate::forms::uploaded_file(multipart, "file").await?.filter(|(_, b)| !b.is_empty()) else {
        let msg = page.tr.t("outreach-import-no-file");
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &ImportPage { page, report: None, dry_run, unreadable: Some(msg) }));
    };
    let rows = match import::read_rows(&name, &bytes) {
        Ok(r) => r,
        Err(e) => {
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &ImportPage { page, report: None, dry_run, unreadable: Some(e) }));
        }
    };
    let viewer = identity.viewer(P::RecordOutreach);
    let mut tx = state.store.write().await?;
    let report = import::import(&mut tx, &viewer, &rows, super::today()).await?;
    let clean = report.problems.is_empty();
    if clean && !dry_run {
        tx.commit().await?;
    }
    // A dry run, or a file with problems, leaves nothing behind: the transaction is dropped.
    let status = if clean { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render_status(status, &ImportPage { page, report: Some(report), dry_run, unreadable: None }))
}
