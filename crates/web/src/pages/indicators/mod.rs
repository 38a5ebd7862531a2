//! Indicators and quality: the catalogue and dashboards of programme indicators with their
//! charts, exports and donor report ([`dashboard`]), and the quality referential with the
//! assessments of member agencies ([`quality`]).
//!
//! Nobody reading these pages has access to the records behind them, so every figure shown or
//! exported goes through small-cell suppression ([`published`]) first.

pub mod chart;
pub mod dashboard;
pub mod quality;

use crate::error::AppError;
use crate::i18n::Tr;
use passerelle_core::indicators::{
    self as ind, Codes, DateRange, Dimension, Indicator, Measure, Period, PublishedResult, Referential, Unit,
};
use passerelle_core::privacy::suppression::DEFAULT_THRESHOLD;
use passerelle_core::sop::{default_pack, load_pack, Known};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use passerelle_store::indicators::{Ask, Figures};
use std::sync::OnceLock;

/// The shipped catalogue and referential, checked once: they are built into the binary.
pub struct Catalogue {
    pub indicators: Vec<Indicator>,
    pub referential: Referential,
}

pub fn catalogue() -> Result<&'static Catalogue, AppError> {
    static CATALOGUE: OnceLock<Result<Catalogue, String>> = OnceLock::new();
    CATALOGUE
        .get_or_init(|| {
            let sops = load_pack(&default_pack(), &Known::default()).map_err(|d| format!("SOP pack: {} problems", d.len()))?;
            let codes = Codes::from_sops(&sops);
            let indicators = ind::load_indicators(&ind::default_indicators(), &codes)
                .map_err(|d| format!("indicators: {}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; ")))?;
            let referential = ind::load_referential(&ind::default_referential(), &codes)
                .map_err(|d| format!("referential: {}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; ")))?;
            Ok(Catalogue { indicators, referential })
        })
        .as_ref()
        .map_err(|e| AppError::Internal(e.clone()))
}

/// A quantitative indicator of the catalogue or the referential, by id.
pub fn find(id: &str) -> Result<Option<&'static Indicator>, AppError> {
    let c = catalogue()?;
    Ok(c.indicators.iter().find(|i| i.id == id).or_else(|| c.referential.indicator(id)))
}

pub fn quantitative(i: &Indicator) -> Option<&ind::Quantitative> {
    match &i.measure {
        Measure::Quantitative(q) => Some(q),
        Measure::Qualitative(_) => None,
    }
}

/// One figure a page shows: an indicator for a period, broken down by `dims`, over every
/// agency's records or over one agency's.
#[derive(Clone, Copy)]
pub struct Asked<'a> {
    pub indicator: &'a Indicator,
    pub dims: &'a [Dimension],
    pub range: DateRange,
    pub agency: Option<&'a str>,
}

/// One page's or API call's figures: read through the process's kept figures
/// ([`Figures`]), those missing computed together (one reading of the records for a whole
/// report), noting when the oldest figure shown was computed.
pub struct Reckoning<'s> {
    figures: &'s std::sync::Arc<Figures>,
    store: &'s passerelle_store::Store,
    /// Whether figures past their age may be shown while computed again (not when recorded).
    stale_ok: bool,
    /// When the oldest figure read so far was computed.
    pub as_of: Option<DateTime<Utc>>,
}

impl<'s> Reckoning<'s> {
    pub fn new(state: &'s AppState) -> Reckoning<'s> {
        Reckoning { figures: &state.figures, store: &state.store, stale_ok: true, as_of: None }
    }

    /// Figures that will be recorded (an assessment submitted): none older than their age.
    pub fn fresh(state: &'s AppState) -> Reckoning<'s> {
        Reckoning { stale_ok: false, ..Reckoning::new(state) }
    }

    /// The figures of each asked indicator, every small cell suppressed.
    pub async fn published(&mut self, asked: &[Asked<'_>]) -> Result<Vec<Vec<PublishedResult>>, AppError> {
        let plans = plans(asked)?;
        let computed = self.figures.get(self.store, &asks(asked, &plans), self.stale_ok).await?;
        computed
            .iter()
            .map(|c| {
                self.as_of = Some(self.as_of.map_or(c.as_of, |t| t.min(c.as_of)));
                ind::publish(&c.results, DEFAULT_THRESHOLD).map_err(|e| AppError::Internal(format!("suppression: {e}")))
            })
            .collect()
    }

    /// Computes the figures of `asked` not kept fresh, in one reading, and waits for them
    /// however long it takes (see `Figures::warm`).
    pub async fn warm(&self, asked: &[Asked<'_>]) -> Result<(), AppError> {
        let plans = plans(asked)?;
        Ok(self.figures.warm(self.store, &asks(asked, &plans)).await?)
    }

    /// The figures of one indicator (see [`Reckoning::published`]).
    pub async fn one(&mut self, asked: Asked<'_>) -> Result<Vec<PublishedResult>, AppError> {
        Ok(self.published(&[asked]).await?.pop().unwrap_or_default())
    }

    /// What the page says of the figures' age: when they were computed and how often they are.
    pub fn note(&self, tr: &Tr) -> String {
        let Some(at) = self.as_of else { return String::new() };
        tr.kept_note("indicator-as-of", &at, "indicator-recomputed-after", self.figures.max_age())
    }
}

/// The query plan of each asked indicator with its breakdown.
fn plans(asked: &[Asked<'_>]) -> Result<Vec<ind::QueryPlan>, AppError> {
    asked
        .iter()
        .map(|a| {
            let q = quantitative(a.indicator).ok_or(AppError::NotFound)?;
            q.plan_for(&a.indicator.id, a.dims).map_err(|e| AppError::BadRequest { key: "indicator-bad-breakdown", detail: e.to_string() })
        })
        .collect()
}

/// What the kept figures are asked for: each plan over its indicator's period and agency.
fn asks<'a>(asked: &[Asked<'a>], plans: &'a [ind::QueryPlan]) -> Vec<Ask<'a>> {
    asked.iter().zip(plans).map(|(a, plan)| Ask { plan, range: a.range, agency: a.agency }).collect()
}

/// A figure in the indicator's unit, in the reader's number format (percent with its sign).
pub fn figure_text(tr: &Tr, unit: Unit, value: f64) -> String {
    let v = unit.present(value);
    match unit {
        Unit::Percent => format!("{} %", passerelle_core::format::decimal(tr.lang, v, 1)),
        Unit::Count => passerelle_core::format::decimal(tr.lang, v, 0),
        _ => passerelle_core::format::decimal(tr.lang, v, 1),
    }
}

/// What a published cell says: the figure, "suppressed" or why it cannot be computed.
pub fn cell_text(tr: &Tr, unit: Unit, r: &PublishedResult) -> String {
    if r.suppressed {
        tr.t("indicator-suppressed")
    } else if let Some(v) = r.value {
        figure_text(tr, unit, v)
    } else if let Some(e) = r.not_computable {
        tr.t(e.code())
    } else {
        tr.t("indicator-no-values")
    }
}

/// The label of a group value: a translated code where the dimension has codes.
pub fn group_label(tr: &Tr, group: &[(Dimension, ind::Value)]) -> String {
    if group.is_empty() {
        return tr.t("indicator-all");
    }
    group
        .iter()
        .map(|(d, v)| {
            let text = ind::hxl::value_text(v);
            let id = format!("indicator-value-{}-{}", d.code().replace('_', "-"), text.replace('_', "-"));
            let shown = if text.is_empty() {
                tr.t("indicator-value-unknown")
            } else if tr.has(&id) {
                tr.t(&id)
            } else {
                text
            };
            format!("{}: {}", tr.t(&format!("indicator-dimension-{}", d.code().replace('_', "-"))), shown)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The period asked for, or the indicator's usual period containing today.
pub fn period_or_current(asked: Option<&str>, kind: ind::PeriodKind) -> Result<Period, String> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Period::parse(s).map_err(|e| e.code().to_string()),
        None => Ok(Period::containing(kind, passerelle_store::db::now().date_naive())),
    }
}
