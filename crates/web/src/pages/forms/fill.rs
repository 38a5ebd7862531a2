//! Filling in a form. The page is a plain HTML form that works without JavaScript: relevance
//! and constraints are applied by the server when the person presses a button, with the error
//! next to each question. With JavaScript, `app.js` asks the server which questions apply
//! after each change (the same evaluator the server validates with) and hides or shows them.
//! Answers are validated against the version the page showed and stored with it.

use super::posted::{self, Action, Posted, PostedError};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use axum_extra::extract::Query;
use chrono::Utc;
use passerelle_core::access::Permission;
use passerelle_core::forms::validate::{self, AnswerError, Checked, Options};
use passerelle_core::forms::{Field, FieldType, Form as XlsForm, Item, Text};
use passerelle_store::forms::{self, PublishedForm};
use passerelle_store::responses::{self, Author};
use serde::Deserialize;
use serde_json::{json, Value as Json_};

/// One choice of a select, as the page shows it.
pub struct ChoiceView {
    pub id: String,
    pub name: String,
    pub label: String,
    pub checked: bool,
    /// Left out by the question's choice filter.
    pub hidden: bool,
}

/// One question of the page.
pub struct Question {
    /// The answer path, which is also the input's name.
    pub path: String,
    /// The element id (paths hold `/`, which ids may but fragment links handle badly).
    pub id: String,
    /// `text`, `textarea`, `integer`, `decimal`, `date`, `datetime`, `time`, `radio`, `dropdown`,
    /// `checkbox`, `note` or `acknowledge`.
    pub control: &'static str,
    pub label: String,
    pub hint: String,
    pub required: bool,
    pub read_only: bool,
    pub value: String,
    pub choices: Vec<ChoiceView>,
    pub error: Option<String>,
    pub hidden: bool,
}

impl Question {
    /// Where the error summary's link lands: the input, or the first option of a choice list.
    pub fn target(&self) -> String {
        match self.choices.first() {
            Some(c) if matches!(self.control, "radio" | "checkbox") => c.id.clone(),
            _ => self.id.clone(),
        }
    }
    /// Ids the input is described by: its hint and its error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

/// The page as a flat list: the template needs no recursion to draw groups and repeats.
pub enum Widget {
    GroupStart { path: String, label: String, hidden: bool },
    GroupEnd,
    RepeatStart { id: String, path: String, label: String, hidden: bool },
    InstanceStart { path: String, number: usize, label: String },
    InstanceEnd { path: String },
    RepeatEnd { path: String, count: usize, label: String },
    Question(Box<Question>),
}

fn html_id(path: &str) -> String {
    format!("q-{}", path.replace('/', "-"))
}

struct Builder<'a> {
    form: &'a XlsForm,
    lang: &'a str,
    page: &'a Page,
    checked: &'a Checked,
    show_errors: bool,
    out: Vec<Widget>,
}

impl Builder<'_> {
    fn text(&self, t: &Text) -> String {
        t.get(self.lang, self.form.default_language.as_deref()).unwrap_or("").to_string()
    }

    fn hidden(&self, path: &str) -> bool {
        self.checked.hidden.iter().any(|h| h == path)
    }

    fn error(&self, path: &str) -> Option<String> {
        if !self.show_errors {
            return None;
        }
        self.checked.errors.iter().find(|e| e.path == path).map(|e| answer_message(self.page, self.form, e))
    }

    fn walk(&mut self, items: &[Item], answers: &Json_, prefix: &str) {
        for item in items {
            let path = if prefix.is_empty() { item.name().to_string() } else { format!("{prefix}/{}", item.name()) };
            match item {
                Item::Field(f) => {
                    if let Some(q) = self.question(f, &path, answers) {
                        self.out.push(Widget::Question(Box::new(q)));
                    }
                }
                Item::Group(g) => {
                    let hidden = self.hidden(&path);
                    self.out.push(Widget::GroupStart { path: path.clone(), label: self.text(&g.label), hidden });
                    // Groups do not nest answers: their questions sit at the group's level.
                    self.walk(&g.items, answers, prefix);
                    self.out.push(Widget::GroupEnd);
                }
                Item::Repeat(r) => {
                    let label = self.text(&r.label);
                    let hidden = self.hidden(&path);
                    self.out.push(Widget::RepeatStart { id: html_id(&path), path: path.clone(), label: label.clone(), hidden });
                    let instances = answers.get(&r.name).and_then(Json_::as_array).cloned().unwrap_or_default();
                    for (i, inst) in instances.iter().enumerate() {
                        let at = format!("{path}/{i}");
                        self.out.push(Widget::InstanceStart { path: at.clone(), number: i + 1, label: label.clone() });
                        self.walk(&r.items, inst, &at);
                        self.out.push(Widget::InstanceEnd { path: at });
                    }
                    self.out.push(Widget::RepeatEnd { path, count: instances.len(), label });
                }
            }
        }
    }

    fn question(&self, f: &Field, path: &str, answers: &Json_) -> Option<Question> {
        let control = match &f.field_type {
            FieldType::Text if f.appearance.as_deref().is_some_and(|a| a.contains("multiline")) => "textarea",
            FieldType::Text => "text",
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Date => "date",
            FieldType::DateTime => "datetime",
            FieldType::Time => "time",
            FieldType::SelectOne { .. } if f.appearance.as_deref().is_some_and(|a| a.contains("minimal")) => "dropdown",
            FieldType::SelectOne { .. } => "radio",
            FieldType::SelectMultiple { .. } => "checkbox",
            FieldType::Note => "note",
            FieldType::Acknowledge => "acknowledge",
            // Calculated on the server, filled by the server: never asked.
            FieldType::Calculate | FieldType::Metadata { .. } => return None,
        };
        if f.bind.calculation.is_some() && control != "note" {
            return None;
        }
        let value = match answers.get(&f.name) {
            Some(Json_::String(s)) => s.clone(),
            Some(Json_::Null) | None => f.default.clone().unwrap_or_default(),
            Some(other) => other.to_string(),
        };
        let id = html_id(path);
        let selected: Vec<&str> = value.split_whitespace().collect();
        let mut choices: Vec<ChoiceView> = f
            .field_type
            .list()
            .and_then(|l| self.form.choices.get(l))
            .map(|cs| {
                cs.iter()
                    .enumerate()
                    .map(|(i, c)| ChoiceView {
                        id: format!("{id}-{i}"),
                        name: c.name.clone(),
                        label: self.text(&c.label),
                        checked: selected.contains(&c.name.as_str()),
                        hidden: false,
                    })
                    .collect()
            })
            .unwrap_or_default();
        // A choice filter offers only the choices it lets through; the others are kept on the
        // page, hidden, so the script can bring them back when the answers change.
        let offered = self.checked.choices.iter().find(|(p, _)| p == path).map(|(_, names)| names);
        for c in &mut choices {
            c.hidden = offered.is_some_and(|names| !names.contains(&c.name));
        }
        if matches!(f.field_type, FieldType::SelectOne { or_other: true, .. } | FieldType::SelectMultiple { or_other: true, .. }) {
            choices.push(ChoiceView {
                id: format!("{id}-other"),
                name: "other".into(),
                label: self.page.tr.t("form-fill-other"),
                checked: selected.contains(&"other"),
                hidden: false,
            });
        }
        Some(Question {
            path: path.to_string(),
            control,
            label: self.text(&f.label),
            hint: self.text(&f.hint),
            // Only an unconditional "yes" is marked; a condition shows up as an error if unmet.
            required: f.bind.required.as_ref().is_some_and(|e| e.source().trim() == "true()"),
            read_only: f.bind.read_only,
            value,
            choices,
            error: self.error(path),
            hidden: self.hidden(path),
            id,
        })
    }
}

/// The form's own message for an error, in the reader's language, else Passerelle's.
fn answer_message(page: &Page, form: &XlsForm, e: &AnswerError) -> String {
    e.message
        .as_ref()
        .and_then(|m| m.get(page.tr.lang.code(), form.default_language.as_deref()))
        .map(str::to_string)
        .unwrap_or_else(|| page.tr.code("form-answer", e.code))
}

#[derive(Template)]
#[template(path = "form_fill.html")]
struct FillPage {
    page: Page,
    form_id: String,
    title: String,
    version: String,
    widgets: Vec<Widget>,
    /// Every hidden path, for the `_hidden` control.
    hidden: String,
    /// (element id, message) for the error summary.
    errors: Vec<(String, String)>,
    /// Shown when answers brought up questions the person has not seen yet.
    new_questions: bool,
    /// Where the page posts, and what it is filled for.
    target: Target,
}

/// Where a fill page posts its answers: the form's own route, or another module's that stores
/// the response with its own link (a training test posts to its enrolment).
#[derive(Clone)]
pub struct Target {
    pub action: String,
    /// The live relevance check, for the script; `None` leaves the page to the server alone.
    pub relevance: Option<String>,
    /// A line under the title saying what the answers are for (e.g. whose test this is).
    pub context: Option<String>,
    /// Hidden controls the page carries back (the case and step a form is filled for).
    pub carry: Vec<(String, String)>,
    /// A link back to where the form was opened from: (href, label).
    pub back: Option<(String, String)>,
}

impl Target {
    fn of_form(id: &str) -> Target {
        Target {
            action: format!("/forms/{id}/fill"),
            relevance: Some(format!("/forms/{id}/fill/relevance")),
            context: None,
            carry: vec![],
            back: None,
        }
    }

    /// The form's own route, filling it for a case's step: the page carries both back, and
    /// links to the case.
    fn for_case(page: &Page, id: &str, case: Option<&str>, step: Option<&str>) -> Target {
        let mut t = Target::of_form(id);
        if let (Some(c), Some(s)) = (case, step) {
            t.carry = vec![("_case".into(), c.to_string()), ("_step".into(), s.to_string())];
            t.back = Some((format!("/cases/{c}"), page.tr.t("case-back")));
        }
        t
    }
}

fn options(lang: &str) -> Options<'_> {
    Options { now: Utc::now().naive_utc(), lang }
}

/// Builds the page for `answers` (as posted, so what the person typed is kept even if wrong).
fn fill_page(page: Page, published: &PublishedForm, answers: &Json_, checked: &Checked, show_errors: bool, new_questions: bool, target: &Target) -> FillPage {
    let form = &published.form;
    let lang = page.tr.lang.code();
    let mut b = Builder { form, lang, page: &page, checked, show_errors, out: Vec::new() };
    b.walk(&form.items, answers, "");
    let widgets = b.out;
    let mut errors = Vec::new();
    if show_errors {
        for w in &widgets {
            if let Widget::Question(q) = w
                && let Some(e) = &q.error
                && !q.hidden
            {
                errors.push((q.target(), format!("{} — {e}", q.label)));
            }
        }
        // Errors of repeats (their number) and of answers no question shows.
        for e in &checked.errors {
            if !widgets.iter().any(|w| matches!(w, Widget::Question(q) if q.path == e.path)) {
                errors.push((html_id(&e.path), answer_message(&page, form, e)));
            }
        }
    }
    FillPage {
        form_id: form.id.clone(),
        title: form.title.get(lang, form.default_language.as_deref()).unwrap_or(&form.id).to_string(),
        version: form.version.clone().unwrap_or_default(),
        widgets,
        hidden: checked.hidden.join(" "),
        errors,
        new_questions,
        target: target.clone(),
        page,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    version: Option<String>,
    case: Option<String>,
    step: Option<String>,
}

async fn load(state: &AppState, id: &str, version: Option<&str>) -> Result<PublishedForm, AppError> {
    let mut tx = state.store.read().await?;
    match version {
        Some(v) => forms::get(&mut tx, id, v).await?,
        None => forms::latest(&mut tx, id).await?,
    }
    .ok_or(AppError::NotFound)
}

pub async fn show(State(state): State<AppState>, page: Page, Path(id): Path<String>, Query(q): Query<VersionQuery>) -> Result<Response, AppError> {
    let target = Target::for_case(&page, &id, q.case.as_deref(), q.step.as_deref());
    blank(&state, page, &id, q.version.as_deref(), &target).await
}

/// An empty fill page for form `id` that posts to `target`.
pub async fn blank(state: &AppState, page: Page, id: &str, version: Option<&str>, target: &Target) -> Result<Response, AppError> {
    let published = load(state, id, version).await?;
    let answers = json!({});
    let checked = validate::validate(&published.form, &answers, &options(page.tr.lang.code()));
    Ok(render(&fill_page(page, &published, &answers, &checked, false, false, target)))
}

fn bad_post(e: PostedError) -> AppError {
    let detail = match e {
        PostedError::BadInstance(k) | PostedError::Conflict(k) => k,
    };
    AppError::BadRequest { key: "form-fill-malformed", detail }
}

/// What a posted fill page came to: a page to show again, or answers ready to store.
pub enum Filled {
    Page(Response),
    Valid { form_id: String, version: String, answers: Json_ },
}

/// Reads a posted fill page of form `id`: adds or removes repeats, shows the questions that
/// apply, puts errors beside their questions, and only when the person saved a whole, valid
/// form returns its answers (calculations recomputed on the server) for the caller to store.
pub async fn process(state: &AppState, page: Page, id: &str, pairs: Vec<(String, String)>, target: &Target) -> Result<Filled, AppError> {
    let Posted { mut answers, action, version, hidden: hidden_before, .. } = posted::parse(pairs).map_err(bad_post)?;
    // The version the page showed, so a version published meanwhile never judges these answers.
    let published = load(state, id, version.as_deref()).await?;
    let form = &published.form;
    if matches!(action, Action::Add(_) | Action::Remove(_)) {
        posted::apply(&mut answers, &action).map_err(bad_post)?;
    }
    let checked = validate::validate(form, &answers, &options(page.tr.lang.code()));
    match action {
        Action::Add(_) | Action::Remove(_) | Action::Update => {
            return Ok(Filled::Page(render(&fill_page(page, &published, &answers, &checked, false, false, target))));
        }
        Action::Save => {}
    }
    if !checked.is_valid() {
        return Ok(Filled::Page(render_status(StatusCode::UNPROCESSABLE_ENTITY, &fill_page(page, &published, &answers, &checked, true, false, target))));
    }
    // Without the script, questions that the answers made relevant were never on screen: show
    // them before storing, rather than store a form the person did not see whole.
    let appeared = hidden_before.iter().any(|p| !checked.hidden.contains(p));
    if appeared {
        return Ok(Filled::Page(render(&fill_page(page, &published, &answers, &checked, false, true, target))));
    }
    Ok(Filled::Valid { form_id: form.id.clone(), version: form.version.clone().unwrap_or_default(), answers: checked.answers })
}

pub async fn submit(
    State(state): State<AppState>,
    identity: Identity,
    page: Page,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    // A form filled for a case goes into that case's step, which the person must be able to
    // work on, and which must ask for this form.
    let control = |name: &str| pairs.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.clone());
    let (case, step) = (control("_case"), control("_step"));
    let link = match (&case, &step) {
        (Some(c), Some(s)) => Some(crate::pages::cases::form_link(&state, &identity, c, s, &id).await?),
        _ => None,
    };
    let target = Target::for_case(&page, &id, case.as_deref(), step.as_deref());
    let (form_id, version, answers) = match process(&state, page, &id, pairs, &target).await? {
        Filled::Page(r) => return Ok(r),
        Filled::Valid { form_id, version, answers } => (form_id, version, answers),
    };
    let author = Author { id: identity.id(), agency_id: identity.user.agency_id, team_id: identity.user.team_id };
    let mut tx = state.store.write().await?;
    let response_id = responses::submit(&mut tx, &author, &form_id, &version, &answers, link.as_ref()).await?;
    // A trafficking screening is scored as it is stored, and its result shown next.
    let screening = crate::pages::trafficking::screening::score_response(&mut tx, &author, response_id, link.as_ref().map(|l| l.case_id), &form_id, &answers).await?;
    tx.commit().await?;
    if let Some(s) = screening {
        return Ok(Redirect::to(&format!("/trafficking/screenings/{s}?saved=1")).into_response());
    }
    match link {
        Some(l) => Ok(Redirect::to(&format!("/cases/{}?saved=1", l.case_id)).into_response()),
        None => Ok(Redirect::to(&format!("/responses/{response_id}?saved=1")).into_response()),
    }
}

/// Which questions apply to the answers so far: what the page's script hides and shows.
pub async fn relevance(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let posted = posted::parse(pairs).map_err(bad_post)?;
    let published = load(&state, &id, posted.version.as_deref()).await?;
    let checked = validate::validate(&published.form, &posted.answers, &options(page.tr.lang.code()));
    let choices: serde_json::Map<String, Json_> = checked.choices.into_iter().map(|(p, names)| (p, json!(names))).collect();
    Ok(Json(json!({ "hidden": checked.hidden, "choices": choices })).into_response())
}

/// One line of a stored response: a question and its answer, or a section heading.
pub struct AnswerRow {
    pub depth: usize,
    pub heading: bool,
    pub label: String,
    pub value: String,
}

fn answer_rows(form: &XlsForm, items: &[Item], answers: &Json_, lang: &str, depth: usize, out: &mut Vec<AnswerRow>) {
    let text = |t: &Text| t.get(lang, form.default_language.as_deref()).unwrap_or("").to_string();
    for item in items {
        match item {
            Item::Field(f) if f.field_type.is_question() && f.field_type != FieldType::Note => {
                let Some(v) = answers.get(&f.name).and_then(Json_::as_str) else { continue };
                let value = match f.field_type.list() {
                    Some(_) => v
                        .split_whitespace()
                        .map(|c| form.choice_label(&f.name, c, lang).unwrap_or(c).to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    None => v.to_string(),
                };
                out.push(AnswerRow { depth, heading: false, label: text(&f.label), value });
            }
            Item::Field(_) => {}
            Item::Group(g) => {
                let mut inner = Vec::new();
                answer_rows(form, &g.items, answers, lang, depth + 1, &mut inner);
                if !inner.is_empty() {
                    out.push(AnswerRow { depth, heading: true, label: text(&g.label), value: String::new() });
                    out.extend(inner);
                }
            }
            Item::Repeat(r) => {
                let list = answers.get(&r.name).and_then(Json_::as_array).cloned().unwrap_or_default();
                for (i, inst) in list.iter().enumerate() {
                    out.push(AnswerRow { depth, heading: true, label: format!("{} {}", text(&r.label), i + 1), value: String::new() });
                    answer_rows(form, &r.items, inst, lang, depth + 1, out);
                }
            }
        }
    }
}

#[derive(Template)]
#[template(path = "form_response.html")]
struct ResponsePage {
    page: Page,
    response: responses::FormResponse,
    title: String,
    rows: Vec<AnswerRow>,
    saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn response(
    State(state): State<AppState>,
    identity: Identity,
    page: Page,
    Path(id): Path<uuid::Uuid>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let viewer = identity.viewer(Permission::FillForms);
    let mut tx = state.store.write().await?;
    let response = responses::get(&mut tx, &viewer, id).await?.ok_or(AppError::NotFound)?;
    let published = forms::get(&mut tx, &response.form_id, &response.form_version).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let lang = page.tr.lang.code();
    let form = &published.form;
    let mut rows = Vec::new();
    answer_rows(form, &form.items, &response.answers, lang, 0, &mut rows);
    let title = form.title.get(lang, form.default_language.as_deref()).unwrap_or(&form.id).to_string();
    Ok(render(&ResponsePage { page, response, title, rows, saved: q.saved.is_some() }))
}

#[derive(Template)]
#[template(path = "form_responses.html")]
struct ResponsesPage {
    page: Page,
    form_id: String,
    title: String,
    responses: Vec<responses::FormResponse>,
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<String>) -> Result<Response, AppError> {
    let published = load(&state, &id, None).await?;
    let viewer = identity.viewer(Permission::FillForms);
    let mut tx = state.store.read().await?;
    let list = responses::list(&mut tx, &viewer, &id, 200).await?;
    let lang = page.tr.lang.code();
    let form = &published.form;
    let title = form.title.get(lang, form.default_language.as_deref()).unwrap_or(&form.id).to_string();
    Ok(render(&ResponsesPage { page, form_id: form.id.clone(), title, responses: list }))
}
