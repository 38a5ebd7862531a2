//! Awareness campaigns: the list and the creation form, a campaign's page with its objectives,
//! materials and reach by channel and area (from the activities the reader may see).

use super::field_errors;
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::training::Fields;
use crate::pages::render_status;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use passerelle_core::access::Permission as P;
use passerelle_core::outreach::KINDS;
use passerelle_store::attachments::Refusal;
use passerelle_store::outreach::campaigns::{self, Campaign, CampaignInput, Material};
use passerelle_store::outreach::figures::{self, Figures};
use passerelle_store::StoreError;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "outreach_campaigns.html")]
struct ListPage {
    page: Page,
    campaigns: Vec<Campaign>,
    can_manage: bool,
    form: Fields,
    errors: FormErrors,
}

impl ListPage {
    fn kinds(&self) -> &'static [&'static str] {
        KINDS
    }
}

async fn list_page(state: &AppState, identity: &Identity, page: Page, form: Fields, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let campaigns = campaigns::list(&mut tx).await?;
    Ok(render_status(status, &ListPage { page, campaigns, can_manage: identity.can(P::ManageCampaigns), form, errors }))
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    list_page(&state, &identity, page, Fields::default(), FormErrors::default(), StatusCode::OK).await
}

pub async fn create(State(state): State<AppState>, identity: Identity, page: Page, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = Fields(pairs);
    let input = CampaignInput {
        name: form.get("name").to_string(),
        objectives: form.get("objectives").to_string(),
        audiences: form.get("audiences").to_string(),
        channels: form.all("channels"),
        starts_on: form.get("starts_on").to_string(),
        ends_on: form.get("ends_on").to_string(),
    };
    let mut tx = state.store.write().await?;
    let p = match campaigns::create(&mut tx, identity.id(), identity.user.agency_id, &input).await {
        Ok(id) => {
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/outreach/campaigns/{id}")).into_response());
        }
        Err(StoreError::Invalid(p)) => p,
        Err(e) => return Err(e.into()),
    };
    drop(tx);
    let errors = field_errors(&page.tr, &p);
    list_page(&state, &identity, page, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Template)]
#[template(path = "outreach_campaign.html")]
struct ShowPage {
    page: Page,
    c: Campaign,
    materials: Vec<Material>,
    figures: Figures,
    can_manage: bool,
    error: Option<String>,
}

impl ShowPage {
    fn channel(&self, code: &str) -> String {
        self.page.tr.code("outreach-kind", code)
    }
}

async fn show_page(state: &AppState, identity: &Identity, page: Page, id: Uuid, error: Option<String>, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let c = campaigns::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let materials = campaigns::materials(&mut tx, id).await?;
    let figures = figures::figures(&mut tx, &identity.viewer(P::ViewOutreach), Some(id)).await?;
    Ok(render_status(status, &ShowPage { page, c, materials, figures, can_manage: identity.can(P::ManageCampaigns), error }))
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    show_page(&state, &identity, page, id, None, StatusCode::OK).await
}

/// Attaches a material (multipart; the CSRF token is in the query string).
pub async fn add_material(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, multipart: Multipart) -> Result<Response, AppError> {
    let file = crate::forms::uploaded_file(multipart, "file").await?;
    let refusal = match file {
        None => Some("outreach-material-missing"),
        Some((name, bytes)) => {
            let mut tx = state.store.write().await?;
            match campaigns::add_material(&mut tx, state.store.files_dir(), identity.id(), id, &name, &bytes).await? {
                Ok(_) => {
                    tx.commit().await?;
                    return Ok(Redirect::to(&format!("/outreach/campaigns/{id}#materials")).into_response());
                }
                Err(Refusal::Empty) => Some("outreach-material-missing"),
                Err(Refusal::TooLarge) => Some("outreach-material-too-large"),
                Err(Refusal::Kind) => Some("outreach-material-kind"),
                Err(Refusal::NoStorage) => Some("outreach-material-no-storage"),
            }
        }
    };
    let msg = refusal.map(|k| page.tr.t(k));
    show_page(&state, &identity, page, id, msg, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn download(State(state): State<AppState>, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let m = campaigns::material(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    drop(tx);
    let bytes = passerelle_store::attachments::read_file(state.store.files_dir(), m.id).await?;
    let disposition = format!("attachment; filename=\"{}\"", m.file_name.replace(|c: char| !c.is_ascii() || c == '"', "_"));
    Ok(([(header::CONTENT_TYPE, m.content_type.clone()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
