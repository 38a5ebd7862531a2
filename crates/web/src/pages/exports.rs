//! Exports of personal data, as the person sees them: a button on the caseload (XLSX or CSV of
//! the filtered list) and on a subject-access dossier (JSON) makes an encrypted archive
//! (`passerelle_store::exports`); the page that follows gives the download link and the
//! passphrase, once; "My exports" lists what is still waiting, until it expires.
//!
//! The passphrase must reach the page after the redirect (POST-redirect-GET, so that reloading
//! does not make another export) without being kept by the server: it travels in a cookie
//! sealed under the data key (so that a browser profile copied from disk does not reveal it),
//! scoped to that export's page, living ten minutes, and cleared by the page that shows it.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::cases::{self, ListQuery};
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use base64::Engine;
use passerelle_core::privacy::seal::aad;
use passerelle_store::exports::{self, Content, Export, Fetched};
use passerelle_store::rights;
use serde::Deserialize;
use uuid::Uuid;

const PASS_COOKIE: &str = "passerelle_export_pass";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn place(id: Uuid) -> Vec<u8> {
    aad("exports", "passphrase", id.as_bytes())
}

fn pass_cookie(state: &AppState, id: Uuid, value: String, max_age: time::Duration) -> Option<HeaderValue> {
    let cookie = Cookie::build((PASS_COOKIE, value))
        .path(format!("/exports/{id}"))
        .http_only(true)
        .secure(state.config.secure)
        .same_site(SameSite::Strict)
        .max_age(max_age)
        .build();
    HeaderValue::from_str(&cookie.to_string()).ok()
}

/// Keeps an export and sends the person to its page, the passphrase sealed in a cookie.
async fn keep(state: &AppState, tx: &mut passerelle_store::Tx, actor: Uuid, content: Content<'_>) -> Result<Response, AppError> {
    let ttl = chrono::Duration::hours(i64::from(state.config.export_ttl_hours.max(1)));
    let dir = exports::dir_of(&state.store);
    let (export, secret) = exports::create(tx, dir.as_deref(), actor, content, ttl).await?;
    let sealed = state.store.keyring().seal(secret.as_bytes(), &place(export.id)).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut res = Redirect::to(&format!("/exports/{}", export.id)).into_response();
    if let Some(v) = pass_cookie(state, export.id, B64.encode(sealed), time::Duration::minutes(10)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CaseloadForm {
    format: String,
    /// The list's filters, carried by the form as hidden fields.
    #[serde(flatten)]
    q: ListQuery,
}

/// The caseload's columns: reference, person, SOP, next step, risk, status, caseworker,
/// opened, next deadline.
const COLUMNS: [&str; 9] = ["case-reference", "person-name", "case-sop", "export-col-step", "case-risk", "case-status", "case-assigned", "export-col-opened", "export-col-deadline"];

fn caseload_rows(tr: &crate::i18n::Tr, rows: &[cases::CaseRow]) -> Vec<Vec<String>> {
    let mut out = vec![COLUMNS.iter().map(|c| tr.t(c)).collect::<Vec<_>>()];
    for r in rows {
        out.push(vec![
            r.case.reference.clone(),
            r.case.person_name.clone(),
            r.sop_title.clone(),
            r.next_step.clone(),
            tr.risk(r.case.risk.code()),
            tr.code("case-status", &r.case.status),
            r.case.assigned_name.clone(),
            r.case.opened_at.format("%Y-%m-%d").to_string(),
            r.next_due.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default(),
        ]);
    }
    out
}

/// A workbook of string cells: a spreadsheet never reads a string cell as a formula.
fn xlsx(rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i).map_err(|e| AppError::Internal(e.to_string()))?;
        for (col, cell) in row.iter().enumerate() {
            let c = u16::try_from(col).map_err(|e| AppError::Internal(e.to_string()))?;
            if i == 0 { sheet.write_string_with_format(r, c, cell, &bold) } else { sheet.write_string(r, c, cell) }.map_err(fail)?;
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// The most cases one caseload export holds: the whole list of a caseworker or a team, which a
/// national list past this size is not.
const EXPORT_MAX_CASES: usize = 100_000;

/// The filtered caseload (the list page's own query and scope, every page of it) as an
/// encrypted archive.
pub async fn caseload(State(state): State<AppState>, identity: Identity, page: Page, Form(form): Form<CaseloadForm>) -> Result<Response, AppError> {
    let (kind, inner, bytes_of): (&'static str, &str, fn(&[Vec<String>]) -> Result<Vec<u8>, AppError>) = match form.format.as_str() {
        "csv" => ("caseload-csv", "caseload.csv", |rows| Ok(passerelle_core::spreadsheet::csv_for_people(rows))),
        "xlsx" | "" => ("caseload-xlsx", "caseload.xlsx", xlsx),
        other => return Err(AppError::BadRequest { key: "export-error-format", detail: other.to_string() }),
    };
    // Read (a snapshot, no write lock while the rows and the file are built), then keep.
    let mut tx = state.store.read().await?;
    let mut found = Vec::new();
    let mut q = form.q.clone();
    loop {
        let part = cases::caseload(&mut tx, &identity, &page.tr, &q, 1000, &[]).await?;
        found.extend(part.rows);
        match part.next {
            Some(after) if found.len() < EXPORT_MAX_CASES => q.after = after.to_string(),
            _ => break,
        }
    }
    drop(tx);
    let table = caseload_rows(&page.tr, &found);
    let bytes = bytes_of(&table)?;
    let mut tx = state.store.write().await?;
    let file_name = format!("caseload-{}.zip", chrono::Utc::now().format("%Y%m%d-%H%M"));
    let content = Content { kind, inner_name: inner, file_name, bytes: &bytes, rows: i64::try_from(found.len()).unwrap_or(i64::MAX) };
    let res = keep(&state, &mut tx, identity.id(), content).await?;
    tx.commit().await?;
    Ok(res)
}

/// A person's subject-access dossier (JSON) as an encrypted archive; audited as a read and an
/// export of the person, and as an export.
pub async fn dossier(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let dossier = rights::subject_access(&mut tx, identity.id(), id).await?.ok_or(AppError::NotFound)?;
    rights::record_export(&mut tx, identity.id(), id).await?;
    let json = dossier.to_json();
    let rows = i64::try_from(dossier.sections.iter().map(|s| s.rows.len()).sum::<usize>()).unwrap_or(i64::MAX);
    // The reference is the id's start: it names no one.
    let file_name = format!("dossier-{}.zip", &id.simple().to_string()[..8]);
    let content = Content { kind: "dossier-json", inner_name: "dossier.json", file_name, bytes: json.as_bytes(), rows };
    let res = keep(&state, &mut tx, identity.id(), content).await?;
    tx.commit().await?;
    Ok(res)
}

/// An export as "My exports" and its own page show it.
pub struct ExportView {
    pub export: Export,
    pub kind: String,
    pub created: String,
    pub expires: String,
    pub size: String,
}

fn view(tr: &crate::i18n::Tr, e: Export) -> ExportView {
    ExportView {
        kind: tr.code("export-kind", &e.kind),
        created: tr.datetime(&e.created_at),
        expires: tr.datetime(&e.expires_at),
        size: format!("{} KB", (e.size_bytes + 1023) / 1024),
        export: e,
    }
}

#[derive(Template)]
#[template(path = "exports.html")]
struct ListPage {
    page: Page,
    exports: Vec<ExportView>,
}

/// My exports: those still waiting, with their expiry.
pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let mine = exports::pending(&mut tx, identity.id()).await?;
    let exports = mine.into_iter().map(|e| view(&page.tr, e)).collect();
    Ok(render(&ListPage { page, exports }))
}

#[derive(Template)]
#[template(path = "export.html")]
struct ShowPage {
    page: Page,
    e: ExportView,
    /// Shown once: present only on the page the export's creation led to.
    passphrase: Option<String>,
}

/// One export: the download link, the expiry and, right after it was made, the passphrase.
/// Another person's export is not found; an expired one is gone.
pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, jar: CookieJar, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let export = exports::own(&mut tx, identity.id(), id).await?.ok_or(AppError::NotFound)?;
    if export.is_expired(chrono::Utc::now()) {
        return Err(AppError::Gone);
    }
    let passphrase = jar
        .get(PASS_COOKIE)
        .and_then(|c| B64.decode(c.value()).ok())
        .and_then(|sealed| state.store.keyring().open(&sealed, &place(id)).ok())
        .and_then(|clear| String::from_utf8(clear).ok());
    let shown = passphrase.is_some();
    let mut res = render(&ShowPage { e: view(&page.tr, export), page, passphrase });
    if shown {
        if let Some(v) = pass_cookie(&state, id, String::new(), time::Duration::ZERO) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// The archive, for its requester only, until it expires.
pub async fn download(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let dir = exports::dir_of(&state.store);
    let fetched = exports::download(&mut tx, dir.as_deref(), identity.id(), id).await?.ok_or(AppError::NotFound)?;
    let (export, bytes) = match fetched {
        Fetched::Ready(e, b) => (e, b),
        Fetched::Gone => return Err(AppError::Gone),
    };
    tx.commit().await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The name is ours (kind, date or reference): no quote or control character to escape.
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", export.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok((headers, bytes).into_response())
}
