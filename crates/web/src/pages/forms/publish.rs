//! Publishing a new form version from the workbook an M&E officer edits in a spreadsheet: the
//! upload is read and checked first (every problem with its sheet, cell and column), the
//! changes against the version in use are shown question by question, and only a confirmed
//! preview is published. A published version never changes; answers keep the version they
//! were entered with.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use passerelle_core::forms::diff::{self, QuestionChange};
use passerelle_core::forms::xlsform::{self, FormError, FormWarning};
use passerelle_core::forms::Form as XlsForm;
use passerelle_store::forms::{self, FormRefusal, Sheets};
use serde::Deserialize;

/// A problem of the workbook, ready to show.
pub struct Problem {
    /// `survey!C12 (relevant)`.
    pub place: String,
    pub message: String,
    /// The reader's specifics, as the form engine words them.
    pub detail: String,
}

pub struct ChangeView {
    pub name: String,
    pub label: String,
}

/// What a checked upload would publish.
pub struct Preview {
    pub id: String,
    pub version: String,
    pub title: String,
    pub questions: usize,
    /// `None` when the form is new to this instance.
    pub changes: Option<Vec<ChangeView>>,
    pub warnings: Vec<String>,
    pub survey: String,
    pub choices: String,
    pub settings: String,
}

#[derive(Template)]
#[template(path = "admin_form_publish.html")]
struct PublishPage {
    page: Page,
    problems: Vec<Problem>,
    refusal: Option<String>,
    preview: Option<Preview>,
}

pub async fn upload_form(page: Page) -> Response {
    render(&PublishPage { page, problems: vec![], refusal: None, preview: None })
}

fn place(e: &FormError) -> String {
    let sheet = if e.sheet.is_empty() { "xlsx" } else { &e.sheet };
    let mut s = match (&e.column_letter, e.row) {
        (Some(c), Some(r)) => format!("{sheet}!{c}{r}"),
        (None, Some(r)) => format!("{sheet}, {r}"),
        (Some(c), None) => format!("{sheet}!{c}"),
        (None, None) => sheet.to_string(),
    };
    if let Some(col) = &e.column {
        s.push_str(&format!(" ({col})"));
    }
    s
}

fn problems_of(page: &Page, errors: &[FormError]) -> Vec<Problem> {
    errors
        .iter()
        .map(|e| Problem { place: place(e), message: page.tr.code("form-error", e.kind.code()), detail: e.kind.to_string() })
        .collect()
}

fn warning_text(w: &FormWarning) -> String {
    let row = w.row.map(|r| format!(", {r}")).unwrap_or_default();
    format!("{}{row}: {}", w.sheet, w.message)
}

fn count_questions(items: &[passerelle_core::forms::Item]) -> usize {
    use passerelle_core::forms::Item;
    items
        .iter()
        .map(|i| match i {
            Item::Field(f) => usize::from(f.field_type.is_question()),
            Item::Group(g) => count_questions(&g.items),
            Item::Repeat(r) => count_questions(&r.items),
        })
        .sum()
}

fn change_view(page: &Page, c: &QuestionChange) -> ChangeView {
    let label = match c {
        QuestionChange::Added { .. } => page.tr.t("form-change-added"),
        QuestionChange::Removed { .. } => page.tr.t("form-change-removed"),
        QuestionChange::Changed { aspects, .. } => {
            let list: Vec<String> = aspects.iter().map(|a| page.tr.code("form-aspect", a)).collect();
            page.tr.t1("form-change-changed", "aspects", list.join(", "))
        }
    };
    ChangeView { name: c.name().to_string(), label }
}

/// Checks a form against what the instance has, and says what publishing it would do.
async fn prepare(state: &AppState, page: &Page, sheets: Sheets, form: XlsForm, warnings: &[FormWarning]) -> Result<Result<Preview, String>, AppError> {
    let Some(version) = form.version.clone() else { return Ok(Err(page.tr.t("form-refused-no-version"))) };
    let mut tx = state.store.read().await?;
    if forms::get(&mut tx, &form.id, &version).await?.is_some() {
        return Ok(Err(page.tr.t1("form-refused-version-taken", "version", &version)));
    }
    let changes = forms::latest(&mut tx, &form.id).await?.map(|l| diff::compare(&l.form, &form).iter().map(|c| change_view(page, c)).collect());
    let lang = page.tr.lang.code();
    Ok(Ok(Preview {
        title: form.title.get(lang, form.default_language.as_deref()).unwrap_or(&form.id).to_string(),
        questions: count_questions(&form.items),
        id: form.id,
        version,
        changes,
        warnings: warnings.iter().map(warning_text).collect(),
        survey: sheets.survey,
        choices: sheets.choices.unwrap_or_default(),
        settings: sheets.settings.unwrap_or_default(),
    }))
}

/// Reads the uploaded workbook and shows its problems, or what publishing it would change.
pub async fn preview(State(state): State<AppState>, page: Page, multipart: Multipart) -> Result<Response, AppError> {
    let file = crate::forms::uploaded_file(multipart, "file").await?;
    let refuse = |page: Page, refusal: String| render_status(StatusCode::UNPROCESSABLE_ENTITY, &PublishPage { page, problems: vec![], refusal: Some(refusal), preview: None });
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(refuse(page.clone(), page.tr.t("form-upload-missing")));
    };
    // An .xlsx is a zip archive: its first bytes say so whatever the file is called.
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(refuse(page.clone(), page.tr.t1("form-upload-not-xlsx", "name", &name)));
    }
    let (csv, loaded) = match xlsform::xlsx_to_csv(&bytes) {
        Ok(ok) => ok,
        Err(errors) => {
            let problems = problems_of(&page, &errors);
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &PublishPage { page, problems, refusal: None, preview: None }));
        }
    };
    let sheets = Sheets { survey: csv.survey, choices: csv.choices, settings: csv.settings };
    match prepare(&state, &page, sheets, loaded.form, &loaded.warnings).await? {
        Ok(preview) => Ok(render(&PublishPage { page, problems: vec![], refusal: None, preview: Some(preview) })),
        Err(refusal) => Ok(refuse(page, refusal)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SheetsForm {
    survey: String,
    choices: String,
    settings: String,
}

pub async fn publish(State(state): State<AppState>, identity: Identity, page: Page, Form(f): Form<SheetsForm>) -> Result<Response, AppError> {
    let non_empty = |s: String| (!s.trim().is_empty()).then_some(s);
    let sheets = Sheets { survey: f.survey, choices: non_empty(f.choices), settings: non_empty(f.settings) };
    let mut tx = state.store.write().await?;
    let (problems, refusal) = match forms::publish(&mut tx, Some(identity.id()), &sheets).await? {
        Ok(form) => {
            tx.commit().await?;
            let version = form.version.unwrap_or_default();
            let query = serde_urlencoded::to_string([("version", version.as_str()), ("published", "1")]).unwrap_or_default();
            return Ok(Redirect::to(&format!("/forms/{}?{query}", form.id)).into_response());
        }
        Err(FormRefusal::Invalid(errors)) => (problems_of(&page, &errors), None),
        Err(FormRefusal::NoVersion) => (vec![], Some(page.tr.t("form-refused-no-version"))),
        Err(FormRefusal::VersionTaken) => (vec![], Some(page.tr.t1("form-refused-version-taken", "version", ""))),
    };
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &PublishPage { page, problems, refusal, preview: None }))
}
