//! The HSDS 3.0 read API (`/api/v1/hsds/...`): the directory's active services, its
//! organisations and its taxonomy terms, with `search` and the HSDS paged envelope, so that
//! other directory tools can consume Passerelle's.
//!
//! It is public, like the finder: a service directory exists to be found, and only what the
//! public finder shows is served (active and temporarily closed services, never inactive or
//! defunct ones, never who verified an entry beyond the HSDS `assurer_email`).

use crate::error::{AppError, Problem};
use crate::pages::directory::finder::{find, FinderQuery};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use axum_extra::extract::Query;
use passerelle_core::directory::hsds::{export_organization, export_service};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::lang::Lang;
use passerelle_store::directory;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest page the API serves.
pub const MAX_PER_PAGE: usize = 500;

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Words to search for (typo- and accent-tolerant, fr/en/es).
    pub search: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<usize>,
    /// Items per page (default 50, at most 500).
    pub per_page: Option<usize>,
    /// Only services answering this need code (and its narrower terms).
    pub taxonomy_term_id: Option<String>,
}

/// The HSDS API paged envelope.
#[derive(Serialize, ToSchema)]
pub struct HsdsPage {
    pub total_items: usize,
    pub total_pages: usize,
    pub page_number: usize,
    pub size: usize,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    #[schema(value_type = Vec<Object>)]
    pub contents: Vec<Value>,
}

fn paged(all: Vec<Value>, q: &PageQuery) -> Result<HsdsPage, AppError> {
    let (contents, page) = page_of(all, q)?;
    Ok(page.with(contents))
}

/// The items of `all` the page asks for, and the envelope they go in: a caller that holds
/// only ids reads the page's items alone.
fn page_of<T>(all: Vec<T>, q: &PageQuery) -> Result<(Vec<T>, HsdsPage), AppError> {
    let per_page = q.per_page.unwrap_or(50);
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(AppError::BadRequest { key: "error-bad-request", detail: format!("per_page must be between 1 and {MAX_PER_PAGE}") });
    }
    let page = q.page.unwrap_or(1).max(1);
    let total = all.len();
    let total_pages = total.div_ceil(per_page);
    // Saturating: a page number near usize::MAX (schemathesis sent one) is simply past the end.
    let items: Vec<T> = all.into_iter().skip((page - 1).saturating_mul(per_page)).take(per_page).collect();
    let envelope = HsdsPage {
        total_items: total,
        total_pages,
        page_number: page,
        size: 0,
        first_page: page == 1,
        last_page: page >= total_pages,
        empty: true,
        contents: Vec::new(),
    };
    Ok((items, envelope))
}

impl HsdsPage {
    fn with(mut self, contents: Vec<Value>) -> HsdsPage {
        self.size = contents.len();
        self.empty = contents.is_empty();
        self.contents = contents;
        self
    }
}

#[utoipa::path(get, path = "/api/v1/hsds/services", tag = "directory", params(PageQuery),
    responses((status = 200, body = HsdsPage), (status = 400, body = Problem)), security(()))]
pub async fn services(State(state): State<AppState>, Query(q): Query<PageQuery>) -> Result<Json<HsdsPage>, AppError> {
    let fq = FinderQuery { q: q.search.clone().unwrap_or_default(), need: q.taxonomy_term_id.clone().unwrap_or_default(), ..Default::default() };
    let (ids, page) = page_of(find(&state, &fq).await?, &q)?;
    let entries = crate::pages::directory::finder::entries(&state, &ids).await?;
    Ok(Json(page.with(entries.iter().map(|e| export_service(&e.service)).collect())))
}

#[utoipa::path(get, path = "/api/v1/hsds/services/{id}", tag = "directory", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)), security(()))]
pub async fn service(State(state): State<AppState>, Path(id): Path<Uuid>) -> Result<Json<Value>, AppError> {
    use passerelle_core::directory::hsds::ServiceStatus;
    let mut tx = state.store.read().await?;
    let entry = directory::get_service(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !matches!(entry.service.status, ServiceStatus::Active | ServiceStatus::TemporarilyClosed) {
        return Err(AppError::NotFound);
    }
    // The compiled HSDS `service` embeds its organisation.
    let mut s = entry.service;
    if let Some(org) = entry.organization_id {
        s.fields.organization = directory::get_organization(&mut tx, org).await?.map(|o| Box::new(o.organization));
    }
    Ok(Json(export_service(&s)))
}

#[utoipa::path(get, path = "/api/v1/hsds/organizations", tag = "directory", params(PageQuery),
    responses((status = 200, body = HsdsPage)), security(()))]
pub async fn organizations(State(state): State<AppState>, Query(q): Query<PageQuery>) -> Result<Json<HsdsPage>, AppError> {
    let mut tx = state.store.read().await?;
    let mut orgs = directory::list_organizations(&mut tx, None).await?;
    if let Some(words) = q.search.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        let docs: Vec<_> = orgs.iter().map(|o| passerelle_core::directory::search::SearchDocument::new(&o.organization.id, &[(3.0, &o.organization.name), (1.0, &o.organization.description)])).collect();
        let hits = passerelle_core::directory::search::search(&docs, words, usize::MAX);
        orgs = hits.iter().filter_map(|h| orgs.iter().find(|o| o.organization.id == h.id).cloned()).collect();
    }
    Ok(Json(paged(orgs.iter().map(|o| export_organization(&o.organization)).collect(), &q)?))
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TermsQuery {
    /// Words to search for in the terms' labels and synonyms.
    pub search: Option<String>,
    pub page: Option<usize>,
    pub per_page: Option<usize>,
    /// Language of the labels: fr, en or es (default fr).
    pub lang: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/hsds/taxonomy_terms", tag = "directory", params(TermsQuery),
    responses((status = 200, body = HsdsPage)), security(()))]
pub async fn taxonomy_terms(Query(q): Query<TermsQuery>) -> Result<Json<HsdsPage>, AppError> {
    let lang: Lang = q.lang.as_deref().and_then(|l| l.parse().ok()).unwrap_or_default();
    let mut terms = Vec::new();
    for t in [Taxonomy::needs(), Taxonomy::protection()] {
        for term in t.terms() {
            let keep = match q.search.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
                None => true,
                Some(words) => {
                    let mut text: Vec<&str> = Lang::ALL.iter().map(|l| term.label.get(*l)).collect();
                    text.extend(term.synonyms.iter().map(String::as_str));
                    text.push(&term.code);
                    let doc = passerelle_core::directory::search::SearchDocument::new(&term.code, &[(3.0, &text.join(" "))]);
                    !passerelle_core::directory::search::search(&[doc], words, 1).is_empty()
                }
            };
            if keep && let Some(h) = t.hsds_term(&term.code, lang) {
                terms.push(serde_json::to_value(h).unwrap_or(Value::Null));
            }
        }
    }
    let pq = PageQuery { page: q.page, per_page: q.per_page, ..Default::default() };
    Ok(Json(paged(terms, &pq)?))
}
