//! The retention plan as a data-protection officer reads it (issue 10): what the retention job
//! would erase if it ran now, under which SOP policy, and which closed cases wait and why (a
//! legal hold, another open case, a period not yet passed) with the date they fall due.
//! Computed on each visit from the SOPs' `[retention]` tables; this page changes nothing (the
//! job runs with `passerelle retention --apply` or the server's `--retention-schedule daily`).

use crate::ctx::Page;
use crate::error::AppError;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use passerelle_core::sop::RetentionAction;
use passerelle_store::retention::{self, Count, Due, Held, HoldReason};
use passerelle_store::sops;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "admin_retention.html")]
struct RetentionPage {
    page: Page,
    at: chrono::DateTime<chrono::Utc>,
    counts: Vec<Count>,
    due: Vec<Due>,
    held: Vec<Held>,
    titles: HashMap<String, String>,
}

impl RetentionPage {
    fn sop(&self, id: &str) -> String {
        self.titles.get(id).cloned().unwrap_or_else(|| id.to_string())
    }
    fn action(&self, a: &RetentionAction) -> String {
        self.page.tr.code("retention-action", a.code())
    }
    fn reason(&self, r: &HoldReason) -> String {
        self.page.tr.code("retention-reason", r.code())
    }
}

pub async fn show(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let plan = retention::plan(&mut tx, passerelle_store::db::now()).await?;
    let titles = sops::list_latest(&mut tx).await?.into_iter()
        .map(|p| (p.sop.id.clone(), p.sop.title.get(page.tr.lang).to_string()))
        .collect();
    let counts = plan.counts();
    Ok(render(&RetentionPage { page, at: plan.at, counts, due: plan.due, held: plan.held, titles }))
}
