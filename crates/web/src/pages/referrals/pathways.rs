//! Referral pathways: for each need (and area), the agreed order of services — which first,
//! which next. Kept by the administrator, read by every member of staff, printable as the chart
//! used in trainings.

use super::need_label;
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::Query;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_store::directory::{self, ServiceFilter};
use passerelle_store::referrals::{self, PathwayStep};
use serde::Deserialize;
use uuid::Uuid;

/// The pathway of one need, by area (everywhere first).
pub struct Pathway {
    pub need: String,
    pub label: String,
    pub areas: Vec<(Option<String>, Vec<PathwayStep>)>,
}

fn group(lang: passerelle_core::lang::Lang, steps: Vec<PathwayStep>) -> Vec<Pathway> {
    let mut out: Vec<Pathway> = Vec::new();
    for s in steps {
        if out.last().is_none_or(|p| p.need != s.need) {
            out.push(Pathway { need: s.need.clone(), label: need_label(lang, &s.need), areas: Vec::new() });
        }
        let Some(p) = out.last_mut() else { continue };
        if p.areas.last().is_none_or(|(a, _)| *a != s.area_code) {
            p.areas.push((s.area_code.clone(), Vec::new()));
        }
        if let Some((_, list)) = p.areas.last_mut() {
            list.push(s);
        }
    }
    out
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PathwayQuery {
    need: String,
}

#[derive(Template)]
#[template(path = "referral_pathways.html")]
struct PathwaysPage {
    page: Page,
    pathways: Vec<Pathway>,
    needs: Vec<(String, String)>,
    need: String,
    manage: bool,
    services: Vec<(String, String)>,
    areas: Vec<(String, String)>,
}

async fn page_of(state: &AppState, page: Page, need: String, manage: bool) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let steps = referrals::pathways(&mut tx, (!need.is_empty()).then_some(need.as_str())).await?;
    let (services, areas) = if manage {
        let s = directory::list_services(&mut tx, &ServiceFilter::default()).await?.into_iter().map(|e| (e.id().to_string(), e.service.name.clone())).collect();
        let a = passerelle_store::agencies::list_areas(&mut tx).await?.into_iter().map(|a| (a.code, a.name)).collect();
        (s, a)
    } else {
        (Vec::new(), Vec::new())
    };
    tx.commit().await?;
    let lang = page.tr.lang;
    let needs = Taxonomy::needs().top_level().map(|t| (t.code.clone(), t.label.get(lang).to_string())).collect();
    Ok(render(&PathwaysPage { pathways: group(lang, steps), needs, need, manage, services, areas, page }))
}

/// `/referrals/pathways`, printable.
pub async fn list(State(state): State<AppState>, page: Page, Query(q): Query<PathwayQuery>) -> Result<Response, AppError> {
    page_of(&state, page, q.need, false).await
}

/// `/admin/pathways`: the same, with the forms to add and remove steps.
pub async fn manage(State(state): State<AppState>, page: Page, Query(q): Query<PathwayQuery>) -> Result<Response, AppError> {
    page_of(&state, page, q.need, true).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    need: String,
    area: String,
    service: String,
    note: String,
}

pub async fn add(State(state): State<AppState>, identity: Identity, Form(f): Form<StepForm>) -> Result<Response, AppError> {
    let service: Uuid = f.service.parse().map_err(|_| {
        let mut p = passerelle_core::validate::Problems::default();
        p.add("service", "referral-service-required");
        AppError::Invalid(p)
    })?;
    if !Taxonomy::needs().contains(&f.need) {
        let mut p = passerelle_core::validate::Problems::default();
        p.add("need", "referral-need-required");
        return Err(AppError::Invalid(p));
    }
    let mut tx = state.store.write().await?;
    let area = (!f.area.is_empty()).then_some(f.area.as_str());
    if let Some(a) = area {
        if !passerelle_store::agencies::list_areas(&mut tx).await?.iter().any(|x| x.code == a) {
            let mut p = passerelle_core::validate::Problems::default();
            p.add("area", "unknown-choice");
            return Err(AppError::Invalid(p));
        }
    }
    referrals::add_pathway_step(&mut tx, identity.id(), &f.need, area, service, &f.note).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/pathways?need={}", f.need)).into_response())
}

pub async fn remove(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    if !referrals::remove_pathway_step(&mut tx, identity.id(), id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to("/admin/pathways").into_response())
}
