//! Importing into the directory from the web: upload an HSDS JSON file or a service
//! spreadsheet (CSV, XLSX), see what would be created, updated and rejected (with the row and
//! column of every problem), then confirm. The upload is kept aside until then; the directory
//! changes only on confirmation, in one transaction, and only when nothing is rejected.
//! Also the whole directory as one HSDS document.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use passerelle_core::directory::hsds::ImportError;
use passerelle_core::directory::import::Preview;
use passerelle_core::directory::sheet::SheetError;
use passerelle_store::directory::{self, ImportFailure, ImportFile};
use uuid::Uuid;

/// One problem, ready to show: where (a row and column, or a record), and what.
pub struct ProblemView {
    pub place: String,
    pub message: String,
}

/// The translated phrase for a problem code, or the code itself if it has none.
fn phrase(tr: &Tr, code: &str) -> String {
    let id = format!("import-error-{code}");
    if tr.has(&id) { tr.t(&id) } else { code.to_string() }
}

pub fn sheet_problem(tr: &Tr, e: &SheetError) -> ProblemView {
    let place = match (e.cell(), e.row(), e.column()) {
        (Some(c), _, _) => tr.t1("import-at-cell", "cell", format!("{}{} ({}) « {} »", c.column, c.row, c.header, c.value)),
        (None, Some(r), _) => tr.t1("import-at-row", "row", r),
        (None, None, Some(col)) => tr.t1("import-at-column", "column", col),
        _ => String::new(),
    };
    let mut message = phrase(tr, e.code());
    match e {
        SheetError::MissingColumn { field } => message = format!("{message} ({field})"),
        SheetError::DuplicateRow { first_row, .. } => message = format!("{message} ({})", tr.t1("import-at-row", "row", first_row)),
        SheetError::Decoded { encoding } => message = format!("{message} ({encoding})"),
        _ => {}
    }
    ProblemView { place, message }
}

pub fn hsds_problem(tr: &Tr, pointer: &str, e: &ImportError) -> ProblemView {
    let detail = match e {
        ImportError::Json { line, column, .. } => tr.t1("import-at-line", "line", format!("{line}:{column}")),
        ImportError::MissingField { field, .. } | ImportError::BadValue { field, .. } => format!("« {field} »"),
        ImportError::BadStatus { value, .. } => format!("« {value} »"),
        ImportError::BadId { id, .. } | ImportError::DuplicateId { id, .. } | ImportError::UnknownOrganization { id, .. } | ImportError::OrganizationRejected { id, .. } => format!("« {id} »"),
        ImportError::BadEmail { field, value, .. } | ImportError::BadUrl { field, value, .. } | ImportError::BadDate { field, value, .. } => format!("{field} « {value} »"),
        ImportError::UnknownTerm { code, taxonomy, .. } => format!("{taxonomy} « {code} »"),
        ImportError::AgeRange { min, max, .. } => format!("{min} > {max}"),
        ImportError::UnsupportedShape { hint } => format!("« {hint} »"),
        ImportError::NotAnObject { .. } | ImportError::Empty => String::new(),
    };
    let message = if detail.is_empty() { phrase(tr, e.code()) } else { format!("{} — {detail}", phrase(tr, e.code())) };
    ProblemView { place: if pointer.is_empty() { tr.t("import-whole-document") } else { pointer.to_string() }, message }
}

fn failure_problems(tr: &Tr, f: &ImportFailure) -> Vec<ProblemView> {
    match f {
        ImportFailure::Hsds(errs) => errs.iter().map(|e| hsds_problem(tr, "", e)).collect(),
        ImportFailure::Sheet(errs) => errs.iter().map(|e| sheet_problem(tr, e)).collect(),
    }
}

/// A record the import would write.
pub struct PlannedView {
    pub kind: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "directory_import.html")]
struct ImportPage {
    page: Page,
    staged: Option<(Uuid, String)>,
    failures: Vec<ProblemView>,
    row_errors: Vec<ProblemView>,
    warnings: Vec<ProblemView>,
    rejected: Vec<ProblemView>,
    create: Vec<PlannedView>,
    update: Vec<PlannedView>,
    clean: bool,
    max_bytes: usize,
}

impl ImportPage {
    fn empty(page: Page, max_bytes: usize) -> ImportPage {
        ImportPage { page, staged: None, failures: vec![], row_errors: vec![], warnings: vec![], rejected: vec![], create: vec![], update: vec![], clean: false, max_bytes }
    }
}

pub async fn form(State(state): State<AppState>, page: Page) -> Response {
    render(&ImportPage::empty(page, state.config.max_body_bytes))
}

fn planned(tr: &Tr, preview: &Preview) -> (Vec<PlannedView>, Vec<PlannedView>) {
    let view = |p: &passerelle_core::directory::import::Planned| PlannedView {
        kind: tr.t(&format!("import-kind-{}", p.kind.code().replace('_', "-"))),
        name: p.name.clone().unwrap_or_else(|| p.id.clone()),
    };
    (preview.create.iter().map(view).collect(), preview.update.iter().map(view).collect())
}

/// Takes the uploaded file, keeps it aside and shows its preview.
pub async fn upload(State(state): State<AppState>, identity: Identity, page: Page, multipart: Multipart) -> Result<Response, AppError> {
    let file = crate::forms::uploaded_file(multipart, "file").await?;
    let tr = page.tr.clone();
    let refuse = |key: &str| {
        let mut p = ImportPage::empty(page.clone(), state.config.max_body_bytes);
        p.failures = vec![ProblemView { place: String::new(), message: tr.t(key) }];
        Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else { return refuse("import-no-file") };
    let Some(format) = directory::format_of(&name) else { return refuse("import-unknown-format") };
    let mut tx = state.store.write().await?;
    let id = directory::stage_import(&mut tx, Some(identity.id()), format, &name, &bytes).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/directory/import/{id}")).into_response())
}

/// Reads a staged file and previews it against the directory as it is now.
async fn prepare(state: &AppState, id: Uuid) -> Result<(directory::StagedImport, Result<(ImportFile, Preview), ImportFailure>), AppError> {
    let mut tx = state.store.read().await?;
    let staged = directory::get_staged(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let (areas, country) = directory::import_areas(&mut tx).await?;
    let read = directory::read_import(&staged.format, &staged.content, &areas, &country, super::today());
    let out = match read {
        Ok(file) => {
            let preview = directory::preview_import(&mut tx, &file).await?;
            Ok((file, preview))
        }
        Err(f) => Err(f),
    };
    Ok((staged, out))
}

fn preview_page(page: Page, max_bytes: usize, staged: &directory::StagedImport, read: &Result<(ImportFile, Preview), ImportFailure>) -> ImportPage {
    let tr = page.tr.clone();
    let mut p = ImportPage::empty(page, max_bytes);
    p.staged = Some((staged.id, staged.file_name.clone()));
    match read {
        Err(f) => p.failures = failure_problems(&tr, f),
        Ok((file, preview)) => {
            p.row_errors = file.row_errors().iter().map(|e| sheet_problem(&tr, e)).collect();
            p.warnings = file.warnings().iter().map(|e| sheet_problem(&tr, e)).collect();
            p.rejected = preview
                .reject
                .iter()
                .flat_map(|r| r.reasons.iter().map(|e| hsds_problem(&tr, &r.pointer, e)).collect::<Vec<_>>())
                .collect();
            (p.create, p.update) = planned(&tr, preview);
            p.clean = directory::is_clean(file, preview);
        }
    }
    p
}

pub async fn show(State(state): State<AppState>, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (staged, read) = prepare(&state, id).await?;
    let p = preview_page(page, state.config.max_body_bytes, &staged, &read);
    let status = if p.clean { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render_status(status, &p))
}

/// Applies a clean import in one transaction and forgets the upload.
pub async fn confirm(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let staged = directory::get_staged(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let (areas, country) = directory::import_areas(&mut tx).await?;
    let read = directory::read_import(&staged.format, &staged.content, &areas, &country, super::today());
    let read = match read {
        Ok(file) => {
            // The directory may have changed since the preview: decide again, in this
            // transaction, on what it holds now.
            let preview = directory::preview_import(&mut tx, &file).await?;
            Ok((file, preview))
        }
        Err(f) => Err(f),
    };
    match &read {
        Ok((file, preview)) if directory::is_clean(file, preview) => {
            let applied = directory::apply_import(&mut tx, Some(identity.id()), &staged.file_name, &file.dataset(), preview).await?;
            directory::discard_staged(&mut tx, id).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/directory/manage?imported={}", applied.created + applied.updated)).into_response())
        }
        _ => {
            drop(tx);
            let p = preview_page(page, state.config.max_body_bytes, &staged, &read);
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
    }
}

/// The whole directory (every status) as one HSDS 3.0 collections document, with the
/// Passerelle taxonomies labelled in the reader's language.
pub async fn export_hsds(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let doc = directory::export_document(&mut tx, page.tr.lang).await?;
    let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| AppError::Internal(format!("export: {e}")))?;
    Ok(super::manage::download(bytes, "application/json", "directory-hsds.json"))
}
