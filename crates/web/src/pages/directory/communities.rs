//! Community mapping pages: the list, and one form to record or edit a community (who lives
//! there by sex and age band, languages, risks, protection mechanisms, focal roles).

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use passerelle_core::access::Permission;
use passerelle_core::validate::Problems;
use passerelle_store::agencies::{self, Area};
use passerelle_store::communities::{self, Community, CommunityInput, Population, AGE_BANDS, KINDS, SEXES};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "communities.html")]
struct ListPage {
    page: Page,
    communities: Vec<Community>,
    areas: Vec<Area>,
    can_manage: bool,
}

impl ListPage {
    fn total(&self, c: &Community) -> String {
        self.page.tr.int(c.total() as i64)
    }
    fn estimated_on(&self, c: &Community) -> String {
        c.estimate_date.map(|d| self.page.tr.date(d)).unwrap_or_default()
    }
    fn area_name(&self, id: &Option<Uuid>) -> String {
        id.and_then(|id| self.areas.iter().find(|a| a.id == id)).map(|a| a.name.clone()).unwrap_or_default()
    }
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let communities = communities::list(&mut tx).await?;
    let areas = agencies::list_areas(&mut tx).await?;
    Ok(render(&ListPage { page, communities, areas, can_manage: identity.can(Permission::ManageCommunities) }))
}

/// The form as sent: text fields, and one number per sex and age band (`pop_female_0-4`).
type RawForm = BTreeMap<String, String>;

fn field<'a>(f: &'a RawForm, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("")
}

pub fn pop_key(sex: &str, band: &str) -> String {
    format!("pop_{sex}_{band}")
}

fn input_of(f: &RawForm, p: &mut Problems) -> CommunityInput {
    let mut population: Population = BTreeMap::new();
    for sex in SEXES {
        for band in AGE_BANDS {
            let v = field(f, &pop_key(sex, band)).trim();
            if v.is_empty() {
                continue;
            }
            match v.parse::<u32>() {
                Ok(n) => {
                    population.entry(sex.to_string()).or_default().insert(band.to_string(), n);
                }
                Err(_) => p.add("population", "not-a-number"),
            }
        }
    }
    let estimate_date = match field(f, "estimate_date").trim() {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                p.add("estimate_date", "bad-date");
                None
            }
        },
    };
    CommunityInput {
        name: field(f, "name").into(),
        kind: field(f, "kind").into(),
        area_id: crate::pages::admin::optional_id("area_id", field(f, "area_id"), p),
        population,
        languages: field(f, "languages").into(),
        nationalities: field(f, "nationalities").into(),
        vulnerabilities: field(f, "vulnerabilities").into(),
        protection_risks: field(f, "protection_risks").into(),
        formal_mechanisms: field(f, "formal_mechanisms").into(),
        informal_mechanisms: field(f, "informal_mechanisms").into(),
        focal_roles: field(f, "focal_roles").into(),
        gender_notes: field(f, "gender_notes").into(),
        estimate_date,
        estimate_source: field(f, "estimate_source").into(),
    }
}

fn form_of(c: &Community) -> RawForm {
    let mut f = RawForm::new();
    for (k, v) in [("name", &c.name), ("kind", &c.kind), ("languages", &c.languages), ("nationalities", &c.nationalities),
                   ("vulnerabilities", &c.vulnerabilities), ("protection_risks", &c.protection_risks),
                   ("formal_mechanisms", &c.formal_mechanisms), ("informal_mechanisms", &c.informal_mechanisms),
                   ("focal_roles", &c.focal_roles), ("gender_notes", &c.gender_notes), ("estimate_source", &c.estimate_source)] {
        f.insert(k.into(), v.clone());
    }
    f.insert("area_id".into(), c.area_id.map(|a| a.to_string()).unwrap_or_default());
    f.insert("estimate_date".into(), c.estimate_date.map(|d| d.to_string()).unwrap_or_default());
    for sex in SEXES {
        for band in AGE_BANDS {
            let n = c.count(sex, band);
            if n > 0 {
                f.insert(pop_key(sex, band), n.to_string());
            }
        }
    }
    f
}

#[derive(Template)]
#[template(path = "community_form.html")]
struct FormPage {
    page: Page,
    id: Option<Uuid>,
    form: RawForm,
    errors: FormErrors,
    areas: Vec<Area>,
    kinds: &'static [&'static str],
    sexes: &'static [&'static str],
    bands: &'static [&'static str],
    can_manage: bool,
    /// Whether the community is archived, and how many records point to it (a community
    /// nothing points to may be deleted).
    standing: Option<(bool, i64)>,
}

impl FormPage {
    fn is_kind(&self, k: &str) -> bool {
        self.v("kind") == k
    }
    fn is_area(&self, id: &Uuid) -> bool {
        self.v("area_id") == id.to_string()
    }
    fn v(&self, k: &str) -> &str {
        field(&self.form, k)
    }
    fn pop(&self, sex: &str, band: &str) -> &str {
        field(&self.form, &pop_key(sex, band))
    }
    fn key(&self, sex: &str, band: &str) -> String {
        pop_key(sex, band)
    }
    fn action(&self) -> String {
        self.id.map(|i| format!("/communities/{i}")).unwrap_or_else(|| "/communities".into())
    }
}

async fn form_page(state: &AppState, identity: &Identity, page: Page, id: Option<Uuid>, form: RawForm, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let areas = agencies::list_areas(&mut tx).await?;
    let standing = match id {
        Some(id) => match communities::get(&mut tx, id).await? {
            Some(c) => Some((c.archived_at.is_some(), communities::uses(&mut tx, id).await?)),
            None => None,
        },
        None => None,
    };
    Ok(render_status(status, &FormPage { page, id, form, errors, areas, kinds: KINDS, sexes: SEXES, bands: AGE_BANDS, can_manage: identity.can(Permission::ManageCommunities), standing }))
}

pub async fn new_form(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let mut f = RawForm::new();
    f.insert("kind".into(), "mixed".into());
    form_page(&state, &identity, page, None, f, FormErrors::default(), StatusCode::OK).await
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let c = communities::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    drop(tx);
    form_page(&state, &identity, page, Some(id), form_of(&c), FormErrors::default(), StatusCode::OK).await
}

async fn save(state: &AppState, identity: &Identity, page: Page, id: Option<Uuid>, form: RawForm) -> Result<Response, AppError> {
    let mut p = Problems::default();
    let input = input_of(&form, &mut p);
    if p.is_empty() {
        let mut tx = state.store.write().await?;
        let saved = match id {
            Some(id) => communities::update(&mut tx, Some(identity.id()), id, &input).await,
            None => communities::create(&mut tx, Some(identity.id()), &input).await,
        };
        match saved {
            Ok(c) => {
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/communities/{}", c.id)).into_response());
            }
            Err(e) => crate::pages::admin::agencies::store_problems(e, &mut p)?,
        }
    }
    let errors = FormErrors::from_problems(&page.tr, &p);
    form_page(state, identity, page, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn create(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<RawForm>) -> Result<Response, AppError> {
    save(&state, &identity, page, None, form).await
}

pub async fn update(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(form): Form<RawForm>) -> Result<Response, AppError> {
    save(&state, &identity, page, Some(id), form).await
}

/// Archives the community: kept for the activities that name it, no longer offered.
pub async fn archive(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    set_archived(&state, &identity, id, true).await
}

/// Brings an archived community back.
pub async fn restore(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    set_archived(&state, &identity, id, false).await
}

async fn set_archived(state: &AppState, identity: &Identity, id: Uuid, archived: bool) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    communities::set_archived(&mut tx, Some(identity.id()), id, archived).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/communities/{id}")).into_response())
}

/// Deletes a community recorded by mistake; one that records point to is refused (archive it).
pub async fn delete(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    communities::delete(&mut tx, Some(identity.id()), id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/communities?deleted=1").into_response())
}
