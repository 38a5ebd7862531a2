//! Issuing and revoking certificates, the printable certificate, and the public verification
//! page.
//!
//! The certificate is a printable HTML page (a print stylesheet lays it out on one A4 page,
//! with its verification code and a QR code of the verification address) in the reader's
//! language, and a PDF (`certificate_pdf`) in the holder's language, the file a trainer sends
//! or an employer keeps.

use super::{loc, Fields};
use super::certificate_pdf::{self, CertificateText};
use crate::ctx::{Identity, Page};
use crate::i18n::Tr;
use crate::error::AppError;
use crate::pages::admin::agencies::store_problems;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::Query;
use passerelle_core::lang::Lang;
use passerelle_core::validate::Problems;
use passerelle_store::training::certificates::{self, Certificate, Verification};
use passerelle_store::training::curricula;
use passerelle_store::training::figures::snapshot;
use serde::Deserialize;
use uuid::Uuid;

pub async fn issue(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let mut p = Problems::default();
    let Ok(participant) = Uuid::parse_str(f.get("participant_id").trim()) else {
        p.add("participant_id", "unknown-choice");
        return Err(AppError::Invalid(p));
    };
    let mut tx = state.store.write().await?;
    curricula::get_curriculum(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let snap = snapshot(&mut tx).await?;
    match certificates::issue(&mut tx, Some(identity.id()), &snap, id, participant).await {
        Ok(c) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/training/certificates/{}", c.id)).into_response())
        }
        Err(e) => {
            // Shown on the error page with the field at fault (the curriculum page lists who
            // may get one, so this is a stale page or a hand-made request).
            store_problems(e, &mut p)?;
            Err(AppError::Invalid(p))
        }
    }
}

pub async fn revoke(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let mut tx = state.store.write().await?;
    let cert = certificates::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    certificates::revoke(&mut tx, Some(identity.id()), id, f.get("reason")).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/training/curricula/{}#certificates", cert.curriculum_id)).into_response())
}

/// What a certificate says, in the reader's language.
struct Shown {
    holder: String,
    curriculum: String,
    version: i64,
    modules: Vec<String>,
    issued: String,
}

async fn shown(tx: &mut passerelle_store::Tx, tr: &Tr, cert: &Certificate) -> Result<Shown, AppError> {
    let curriculum = curricula::get_curriculum(tx, cert.curriculum_id).await?.ok_or(AppError::NotFound)?;
    let modules = curricula::list_modules(tx, Some(cert.curriculum_id)).await?;
    let ids = cert.module_ids();
    Ok(Shown {
        holder: cert.holder_name.clone(),
        curriculum: loc(tr, &curriculum.title),
        version: curriculum.version,
        modules: modules.iter().filter(|m| ids.contains(&m.id)).map(|m| loc(tr, &m.title)).collect(),
        issued: tr.date(cert.issued_at.date_naive()),
    })
}

/// The public verification address of a code, on the address the trainer reached this server
/// by (what is printed must work from outside).
fn verify_url(state: &AppState, headers: &HeaderMap, code: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.config.secure { "https" } else { "http" };
    let query = serde_urlencoded::to_string([("code", code)]).unwrap_or_default();
    format!("{scheme}://{host}/certificates/verify?{query}")
}

#[derive(Template)]
#[template(path = "training_certificate.html")]
struct CertificatePage {
    page: Page,
    certificate: Certificate,
    shown: Shown,
    verify_url: String,
    qr: String,
    /// The languages the PDF can be asked in.
    langs: [Lang; 3],
}

pub async fn show(State(state): State<AppState>, page: Page, headers: HeaderMap, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let certificate = certificates::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let shown = shown(&mut tx, &page.tr, &certificate).await?;
    let verify_url = verify_url(&state, &headers, &certificate.code);
    let qr = crate::totp::qr_svg(&verify_url).unwrap_or_default();
    Ok(render(&CertificatePage { page, certificate, shown, verify_url, qr, langs: Lang::ALL }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PdfQuery {
    lang: Option<String>,
}

/// The certificate as a PDF, in the holder's language: the one chosen with `?lang=`, else the
/// holder's account language, else the reader's (an external professional has no account).
/// Same access as the HTML page; a revoked certificate still prints, marked revoked, so that a
/// trainer can see what was withdrawn.
pub async fn pdf(State(state): State<AppState>, page: Page, headers: HeaderMap, Path(id): Path<Uuid>, Query(q): Query<PdfQuery>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let certificate = certificates::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let chosen = q.lang.as_deref().and_then(|l| l.parse::<Lang>().ok());
    let lang = match chosen {
        Some(l) => l,
        None => holder_language(&mut tx, &certificate).await?.unwrap_or(page.tr.lang),
    };
    let tr = Tr::new(state.i18n.clone(), lang);
    let shown = shown(&mut tx, &tr, &certificate).await?;
    let text = CertificateText {
        lang: lang.code(),
        title: tr.t("training-certificate"),
        certifies: tr.t("training-certifies-that"),
        holder: shown.holder,
        completed: tr.t("training-has-completed"),
        curriculum: format!("{} ({})", shown.curriculum, tr.t1("training-version", "version", shown.version)),
        modules: shown.modules,
        issued: tr.t1("training-issued-on", "date", shown.issued),
        revoked: certificate.revoked_at.map(|r| tr.t1("training-revoked-on", "date", tr.date(r.date_naive()))),
        code_label: tr.t("training-verification-code"),
        verify_url: verify_url(&state, &headers, &certificate.code),
        code: certificate.code.clone(),
        qr_label: tr.t("training-qr-label"),
    };
    // Rendering takes a few milliseconds of CPU (shaping, subsetting, compressing): off the
    // async workers.
    let bytes = tokio::task::spawn_blocking(move || certificate_pdf::render(&text))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let filename = format!("attachment; filename=\"certificate-{}.pdf\"", certificate.code);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        bytes,
    )
        .into_response())
}

/// The language of the holder's account, when the holder is staff and chose one.
async fn holder_language(tx: &mut passerelle_store::Tx, certificate: &Certificate) -> Result<Option<Lang>, AppError> {
    let Some(participant) = passerelle_store::training::sessions::get_participant(tx, certificate.participant_id).await? else {
        return Ok(None);
    };
    let Some(user_id) = participant.user_id else { return Ok(None) };
    let user = passerelle_store::users::get_user(tx, user_id).await?;
    Ok(user.and_then(|u| u.language).and_then(|l| l.parse::<Lang>().ok()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VerifyQuery {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "certificate_verify.html")]
struct VerifyPage {
    page: Page,
    code: String,
    /// `valid`, `revoked`, `unknown` or `malformed`; empty before a code is typed.
    outcome: &'static str,
    message: String,
    shown: Option<Shown>,
}

/// The public verification page: a GET form (no account, no cookie needed, and the address
/// can be printed as a QR code). It shows only the certificate the code belongs to.
pub async fn verify(State(state): State<AppState>, page: Page, Query(q): Query<VerifyQuery>) -> Result<Response, AppError> {
    let code = q.code.unwrap_or_default();
    if code.trim().is_empty() {
        return Ok(render(&VerifyPage { page, code, outcome: "", message: String::new(), shown: None }));
    }
    if code.chars().count() > 64 {
        let message = page.tr.t("certificate-wrong-length");
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &VerifyPage { page, code: String::new(), outcome: "malformed", message, shown: None }));
    }
    let mut tx = state.store.read().await?;
    let (outcome, message, shown_cert, status) = match certificates::verify(&mut tx, &code).await? {
        Verification::Malformed(e) => ("malformed", page.tr.t(e.code()), None, StatusCode::UNPROCESSABLE_ENTITY),
        Verification::Unknown => ("unknown", page.tr.t("certificate-unknown"), None, StatusCode::NOT_FOUND),
        Verification::Revoked { revoked_at } => ("revoked", page.tr.t1("certificate-revoked", "date", page.tr.date(revoked_at.date_naive())), None, StatusCode::OK),
        Verification::Valid(c) => {
            let s = shown(&mut tx, &page.tr, &c).await?;
            ("valid", page.tr.t("certificate-valid"), Some(s), StatusCode::OK)
        }
    };
    Ok(render_status(status, &VerifyPage { page, code, outcome, message, shown: shown_cert }))
}
