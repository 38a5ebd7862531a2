//! The public service finder at the site root, each service's page, and the printable
//! directory. No account is needed, no JavaScript either: a GET form, plain links, small
//! pages that a browser may keep for a few minutes.

use super::{area_choices, attribute_choices, language_choices, need_choices, today, Choice, ServiceView};
use crate::ctx::Page;
use crate::error::AppError;
use crate::pages::render;
use crate::directory_index::shown_to_the_public;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum_extra::extract::Query;
use passerelle_core::directory::hsds::ServiceStatus;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_store::agencies::{self, Area};
use passerelle_store::directory::{self, ServiceEntry, ServiceFilter};
use serde::Deserialize;
use uuid::Uuid;

/// Results per page of the finder.
pub const PER_PAGE: usize = 20;

/// What a person asked the finder: every field optional.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct FinderQuery {
    pub q: String,
    pub need: String,
    pub area: String,
    pub language: String,
    pub attr: Vec<String>,
    pub page: Option<usize>,
}

impl FinderQuery {
    /// The store filter; unknown codes are dropped rather than refused (a link from an old
    /// printout should still find something).
    pub fn filter(&self) -> ServiceFilter {
        let known = |t: &Taxonomy, c: &str| t.contains(c).then(|| c.to_string());
        ServiceFilter {
            need: known(Taxonomy::needs(), self.need.trim()),
            area: Some(self.area.trim().to_string()).filter(|a| !a.is_empty()),
            language: Some(self.language.trim().to_lowercase()).filter(|l| !l.is_empty()),
            attributes: self.attr.iter().filter_map(|a| known(Taxonomy::protection(), a.trim())).collect(),
            ..Default::default()
        }
    }

    pub fn has_attr(&self, code: &str) -> bool {
        self.attr.iter().any(|a| a == code)
    }

    pub fn is_empty(&self) -> bool {
        self.q.trim().is_empty() && self.need.is_empty() && self.area.is_empty() && self.language.is_empty() && self.attr.is_empty()
    }

    /// The query string of this search on another page of results.
    pub fn page_link(&self, page: usize) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("q", self.q.clone()), ("need", self.need.clone()), ("area", self.area.clone()), ("language", self.language.clone())];
        for a in &self.attr {
            pairs.push(("attr", a.clone()));
        }
        pairs.retain(|(_, v)| !v.is_empty());
        pairs.push(("page", page.to_string()));
        format!("/?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
}

/// The services a public search finds, best first: what the filters admit (by name), then,
/// when words were typed, only those the typo-tolerant search finds, in its order. Services
/// that are inactive or defunct are not shown to the public; temporarily closed ones are,
/// marked. Ids only: a national directory holds thousands of services, and their documents
/// are read for the ones shown ([`entries`]), not for every service a filter admits.
pub async fn find(state: &AppState, q: &FinderQuery) -> Result<Vec<Uuid>, AppError> {
    let filter = q.filter();
    let words = q.q.trim();
    if words.is_empty() {
        let mut tx = state.store.read().await?;
        let ids = directory::service_ids(&mut tx, &filter).await?;
        let shown = |status: &str| ServiceStatus::parse(status).is_some_and(shown_to_the_public);
        return Ok(ids.into_iter().filter(|(_, status)| shown(status)).map(|(id, _)| id).collect());
    }
    // A document's score does not depend on the others: the directory is searched whole and
    // the hits the public may not see, or the filters do not admit, are left out.
    let all = state.directory_index.documents(&state.store).await?;
    let hits = all.index.search(words, usize::MAX).into_iter().filter(|h| all.is_shown(&h.id));
    if filter == ServiceFilter::default() {
        // Words alone: the index answers; listing the ids of every service in the database
        // first cost more than the search (10,000 rows, each sent from SQLite's thread).
        return Ok(hits.filter_map(|h| h.id.parse().ok()).collect());
    }
    let mut tx = state.store.read().await?;
    let admitted: std::collections::HashSet<Uuid> = directory::service_ids(&mut tx, &filter).await?.into_iter().map(|(id, _)| id).collect();
    Ok(hits.filter_map(|h| h.id.parse().ok()).filter(|id| admitted.contains(id)).collect())
}

/// The services of `ids` with their documents, in that order.
pub async fn entries(state: &AppState, ids: &[Uuid]) -> Result<Vec<ServiceEntry>, AppError> {
    let mut tx = state.store.read().await?;
    Ok(directory::services_by_ids(&mut tx, ids).await?)
}

/// Public pages hold nothing personal and change rarely: a browser may reuse them for five
/// minutes (the back button on a slow link costs nothing). They carry the reader's CSRF token
/// for the language menu, so no shared cache may keep them; for a signed-in reader the guard
/// replaces this with `no-store`.
pub fn public_cache(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    res
}

#[derive(Template)]
#[template(path = "finder.html")]
struct FinderPage {
    page: Page,
    q: FinderQuery,
    needs: Vec<Choice>,
    areas: Vec<Choice>,
    languages: Vec<Choice>,
    attributes: Vec<Choice>,
    results: Vec<ServiceView>,
    total: usize,
    page_no: usize,
    pages: usize,
}

pub async fn finder(State(state): State<AppState>, page: Page, Query(q): Query<FinderQuery>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let areas = agencies::list_areas(&mut tx).await?;
    drop(tx);
    let found = find(&state, &q).await?;
    let total = found.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page_no = q.page.unwrap_or(1).clamp(1, pages);
    let day = today();
    let shown: Vec<Uuid> = found.into_iter().skip((page_no - 1) * PER_PAGE).take(PER_PAGE).collect();
    let results = entries(&state, &shown).await?.iter().map(|e| ServiceView::new(e, &areas, &page.tr, day)).collect();
    let tr = page.tr.clone();
    Ok(public_cache(render(&FinderPage {
        needs: need_choices(&tr),
        areas: area_choices(&areas),
        languages: language_choices(),
        attributes: attribute_choices(&tr),
        page,
        q,
        results,
        total,
        page_no,
        pages,
    })))
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    page: Page,
    s: ServiceView,
    /// The service said it takes no referrals now, or has no place left.
    full: bool,
    /// What the people referred said, shown from five answers so that no one is recognised.
    feedback: passerelle_store::referrals::FeedbackSummary,
}

/// A service's page in plain words. Inactive and defunct services are not public.
pub async fn service(State(state): State<AppState>, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let entry = directory::get_service(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !matches!(entry.service.status, ServiceStatus::Active | ServiceStatus::TemporarilyClosed) {
        return Err(AppError::NotFound);
    }
    let areas = agencies::list_areas(&mut tx).await?;
    let feedback = passerelle_store::referrals::feedback_summary(&mut tx, id).await?;
    let full = passerelle_core::directory::profile::taking_referrals(&entry.service) == Some(false);
    let s = ServiceView::new(&entry, &areas, &page.tr, today());
    Ok(public_cache(render(&ServicePage { page, s, full, feedback })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PrintQuery {
    area: String,
    need: String,
}

/// One need of the printable directory and its services.
pub struct PrintSection {
    pub need: String,
    pub services: Vec<ServiceView>,
}

#[derive(Template)]
#[template(path = "directory_print.html")]
struct PrintPage {
    page: Page,
    area: Option<Area>,
    need: Option<String>,
    areas: Vec<Choice>,
    needs: Vec<Choice>,
    sections: Vec<PrintSection>,
    printed_on: String,
}

/// The directory for an area and a need, grouped by broad need, to print and hand out.
pub async fn print(State(state): State<AppState>, page: Page, Query(q): Query<PrintQuery>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let areas = agencies::list_areas(&mut tx).await?;
    drop(tx);
    let fq = FinderQuery { need: q.need.clone(), area: q.area.clone(), ..Default::default() };
    let found = entries(&state, &find(&state, &fq).await?).await?;
    let needs_t = Taxonomy::needs();
    let day = today();
    let mut sections = Vec::new();
    let wanted: Vec<&str> = match needs_t.get(q.need.trim()) {
        Some(t) => vec![t.code.as_str()],
        None => needs_t.top_level().map(|t| t.code.as_str()).collect(),
    };
    for need in wanted {
        let services: Vec<ServiceView> = found
            .iter()
            .filter(|e| passerelle_core::directory::profile::codes(&e.service, needs_t).iter().any(|c| needs_t.is_within(c, need)))
            .map(|e| ServiceView::new(e, &areas, &page.tr, day))
            .collect();
        if !services.is_empty() {
            sections.push(PrintSection { need: super::term_label(needs_t, need, &page.tr), services });
        }
    }
    let area = areas.iter().find(|a| a.code == q.area.trim()).cloned();
    let need = needs_t.get(q.need.trim()).map(|t| t.label.get(page.tr.lang).to_string());
    let printed_on = page.tr.date(day);
    let tr = page.tr.clone();
    Ok(public_cache(render(&PrintPage { needs: need_choices(&tr), areas: area_choices(&areas), page, area, need, sections, printed_on })))
}
