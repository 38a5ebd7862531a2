//! `/referrals/figures`: referrals sent over a period, what became of them and how fast, by one
//! breakdown, published with small-cell suppression (those who read figures have no access to
//! the records behind them).

use super::need_label;
use crate::ctx::Page;
use crate::error::AppError;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::Query;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use passerelle_core::indicators::schema::AGE_BANDS;
use passerelle_core::privacy::suppression::Published;
use passerelle_core::referral::figures::{self, Figures, Record, FATES};
use passerelle_store::referrals::{self, FigureRow};
use serde::Deserialize;

/// Counts under this are hidden, with the complements that protect them.
pub const THRESHOLD: u64 = 5;

pub const BREAKDOWNS: &[&str] = &["to_agency", "from_agency", "service", "need", "sop", "sex", "age_band", "migration_status"];

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FiguresQuery {
    pub by: String,
    pub from: String,
    pub to: String,
}

/// The OCHA-style age band at the date of the referral, as the indicators use.
pub fn age_band(row: &FigureRow, on: NaiveDate) -> &'static str {
    let age = match (row.birth_date, row.birth_year_estimated) {
        (Some(b), _) => on.years_since(b).map(i64::from),
        (None, Some(y)) => Some(i64::from(on.year()) - y),
        _ => None,
    };
    match age {
        None => "unknown",
        Some(a) if a < 5 => "0_4",
        Some(a) if a < 12 => "5_11",
        Some(a) if a < 18 => "12_17",
        Some(a) if a < 25 => "18_24",
        Some(a) if a < 60 => "25_59",
        Some(_) => "60_plus",
    }
}

fn group_of(page: &Page, by: &str, row: &FigureRow) -> String {
    let day = row.sent_at.map(|t| t.date_naive()).unwrap_or_default();
    match by {
        "from_agency" => row.from_agency.clone(),
        "service" => row.service.clone(),
        "need" => need_label(page.tr.lang, &row.need),
        "sop" => row.sop.clone(),
        "sex" => page.tr.code("sex", row.sex.as_deref().unwrap_or("unknown")),
        "age_band" => {
            let band = age_band(row, day);
            debug_assert!(AGE_BANDS.contains(&band));
            page.tr.code("referral-age", band)
        }
        "migration_status" => page.tr.code("migration-status", &row.migration_status),
        _ => if row.to_agency.is_empty() { page.tr.t("referral-outside") } else { row.to_agency.clone() },
    }
}

#[derive(Template)]
#[template(path = "referral_figures.html")]
struct FiguresPage {
    page: Page,
    q: FiguresQuery,
    figures: Figures,
    threshold: u64,
}

impl FiguresPage {
    fn breakdowns(&self) -> &'static [&'static str] {
        BREAKDOWNS
    }
    fn fates(&self) -> &'static [&'static str] {
        FATES
    }
    fn shown(&self, p: &Published) -> String {
        match p {
            Published::Count(n) => n.to_string(),
            Published::Suppressed => "—".to_string(),
        }
    }
    fn pct(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{x:.0} %")).unwrap_or_else(|| "—".into())
    }
    fn num(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
    }
}

pub async fn figures(State(state): State<AppState>, page: Page, Query(mut q): Query<FiguresQuery>) -> Result<Response, AppError> {
    let today = Utc::now().date_naive();
    let to = NaiveDate::parse_from_str(&q.to, "%Y-%m-%d").unwrap_or(today);
    let from = NaiveDate::parse_from_str(&q.from, "%Y-%m-%d").unwrap_or(to - Duration::days(365));
    if !BREAKDOWNS.contains(&q.by.as_str()) {
        q.by = "to_agency".into();
    }
    q.from = from.to_string();
    q.to = to.to_string();
    let start = Utc.from_utc_datetime(&from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = Utc.from_utc_datetime(&(to + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default());
    let mut tx = state.store.read().await?;
    let rows = referrals::figure_rows(&mut tx, start, end).await?;
    tx.commit().await?;
    let records: Vec<Record> = rows
        .iter()
        .map(|r| Record { group: group_of(&page, &q.by, r), status: r.status, sent_at: r.sent_at, accepted_at: r.accepted_at, completed_at: r.completed_at })
        .collect();
    let figures = figures::compute(&records, THRESHOLD).map_err(|e| AppError::Internal(format!("figures: {e}")))?;
    Ok(render(&FiguresPage { page, q, figures, threshold: THRESHOLD }))
}
