//! Indicator figures as JSON for dashboards and donors' systems: the same permission, choices
//! (period, breakdown) and small-cell suppression as the pages.

use crate::error::AppError;
use crate::pages::indicators::{dashboard::choose, Reckoning};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::indicators::hxl::value_text;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct IndicatorTable {
    pub indicator: String,
    /// `percent` (values 0-100), `ratio`, `count`, `days` or `score`.
    pub unit: String,
    pub period: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// When the figures were computed from the records (they are kept a few minutes).
    pub computed_at: Option<DateTime<Utc>>,
    pub rows: Vec<IndicatorRow>,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorRow {
    /// The group's value for each dimension of the breakdown (empty for the overall figure).
    pub group: BTreeMap<String, String>,
    /// In the indicator's unit; absent when hidden or not computable.
    pub value: Option<f64>,
    /// `ok`, `suppressed`, or why the figure is not computable (`indicator-zero-denominator`…).
    pub status: String,
}

#[utoipa::path(get, path = "/api/v1/indicators/{id}", tag = "indicators",
    params(("id" = String, Path, description = "indicator id, e.g. case_closure_rate"),
           ("period" = Option<String>, Query, description = "2025, 2025-Q1, 2025-03 or 2025-01-01..2025-06-30; the current one by default"),
           ("by" = Option<Vec<String>>, Query, description = "a dimension the indicator allows, repeated for several")),
    responses((status = 200, body = IndicatorTable), (status = 400, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
              (status = 503, body = crate::error::Problem, description = "the figures are still being computed from the records: ask again after the Retry-After seconds")))]
pub async fn figures(State(state): State<AppState>, Path(id): Path<String>, Query(q): Query<Vec<(String, String)>>) -> Result<axum::Json<IndicatorTable>, AppError> {
    let c = choose(&id, &q)?;
    if let Some((typed, _)) = c.period_error {
        return Err(AppError::BadRequest { key: "period-unreadable", detail: typed });
    }
    let mut reckoning = Reckoning::new(&state);
    let results = reckoning.one(c.asked(c.range)).await?;
    let rows = results
        .iter()
        .map(|r| IndicatorRow {
            group: r.group.iter().map(|(d, v)| (d.code().to_string(), value_text(v))).collect(),
            value: r.value.map(|v| c.unit.present(v)),
            status: if r.suppressed {
                "suppressed".into()
            } else {
                r.not_computable.map(|e| e.code().to_string()).unwrap_or_else(|| "ok".into())
            },
        })
        .collect();
    Ok(axum::Json(IndicatorTable {
        indicator: c.indicator.id.clone(),
        unit: c.unit.code().to_string(),
        period: c.period.to_string(),
        start: c.range.start,
        end: c.range.end,
        computed_at: reckoning.as_of,
        rows,
    }))
}
