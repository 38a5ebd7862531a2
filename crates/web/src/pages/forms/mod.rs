//! The forms the SOPs use, as Passerelle reads them: for trainers, supervisors and M&E staff
//! to see every question, its choices and its rules in their language; filling them in
//! ([`fill`]) and publishing new versions ([`publish`]).

pub mod fill;
pub mod posted;
pub mod publish;

use super::render;
use crate::ctx::{Identity, Page};
use passerelle_core::access::Permission;
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::Query;
use passerelle_core::forms::{Form, Item};
use passerelle_store::forms::{self, PublishedForm};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "forms.html")]
struct ListPage {
    page: Page,
    forms: Vec<PublishedForm>,
    can_publish: bool,
}

impl ListPage {
    fn title(&self, f: &PublishedForm) -> String {
        f.form.title.get(self.page.tr.lang.code(), None).unwrap_or(&f.form.id).to_string()
    }
    fn questions(&self, f: &PublishedForm) -> usize {
        let mut rows = Vec::new();
        flatten(&f.form, &f.form.items, 0, self.page.tr.lang.code(), &mut rows);
        rows.iter().filter(|r| r.kind == "field").count()
    }
}

pub async fn list(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let list = forms::list_latest(&mut tx).await?;
    Ok(render(&ListPage { page, forms: list, can_publish: identity.can(Permission::ManageSops) }))
}

/// One line of the form's table: a question, or the start of a group or repeat.
pub struct QuestionRow {
    pub depth: usize,
    pub kind: &'static str,
    pub name: String,
    pub field_type: String,
    pub label: String,
    pub hint: String,
    pub choices: Vec<String>,
    pub required: String,
    pub relevant: String,
    pub constraint: String,
    pub calculation: String,
}

fn flatten(form: &Form, items: &[Item], depth: usize, lang: &str, out: &mut Vec<QuestionRow>) {
    let text = |t: &passerelle_core::forms::Text| t.get(lang, None).unwrap_or("").to_string();
    for item in items {
        match item {
            Item::Field(f) => {
                // The type as XLSForm writes it (`select_one yes_no`), read once from its serde form.
                let typed = serde_json::to_value(&f.field_type).unwrap_or_default();
                let type_name = typed.get("type").and_then(|t| t.as_str()).unwrap_or_default();
                let list = typed.get("list").and_then(|l| l.as_str());
                let field_type = match list {
                    Some(l) => format!("{type_name} {l}"),
                    None => type_name.to_string(),
                };
                let choices = list
                    .and_then(|l| form.choices.get(l))
                    .map(|cs| cs.iter().map(|c| format!("{} ({})", c.label.get(lang, None).unwrap_or(""), c.name)).collect())
                    .unwrap_or_default();
                let src = |e: &Option<passerelle_core::forms::expr::Expression>| e.as_ref().map(|e| e.source().to_string()).unwrap_or_default();
                out.push(QuestionRow {
                    depth,
                    kind: "field",
                    name: f.name.clone(),
                    field_type,
                    label: text(&f.label),
                    hint: text(&f.hint),
                    choices,
                    required: src(&f.bind.required),
                    relevant: src(&f.bind.relevant),
                    constraint: src(&f.bind.constraint),
                    calculation: src(&f.bind.calculation),
                });
            }
            Item::Group(g) => {
                out.push(QuestionRow {
                    depth,
                    kind: "group",
                    name: g.name.clone(),
                    field_type: "group".into(),
                    label: text(&g.label),
                    hint: String::new(),
                    choices: vec![],
                    required: String::new(),
                    relevant: g.relevant.as_ref().map(|e| e.source().to_string()).unwrap_or_default(),
                    constraint: String::new(),
                    calculation: String::new(),
                });
                flatten(form, &g.items, depth + 1, lang, out);
            }
            Item::Repeat(r) => {
                out.push(QuestionRow {
                    depth,
                    kind: "repeat",
                    name: r.name.clone(),
                    field_type: "repeat".into(),
                    label: text(&r.label),
                    hint: String::new(),
                    choices: vec![],
                    required: String::new(),
                    relevant: r.relevant.as_ref().map(|e| e.source().to_string()).unwrap_or_default(),
                    constraint: String::new(),
                    calculation: String::new(),
                });
                flatten(form, &r.items, depth + 1, lang, out);
            }
        }
    }
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    page: Page,
    id: String,
    title: String,
    version: String,
    rows: Vec<QuestionRow>,
    can_fill: bool,
    published: bool,
}

impl FormPage {
    /// `version=…` for links to this very version.
    fn version_query(&self) -> String {
        serde_urlencoded::to_string([("version", &self.version)]).unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    version: Option<String>,
    published: Option<String>,
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<String>, Query(q): Query<VersionQuery>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let published = match q.version {
        Some(v) => forms::get(&mut tx, &id, &v).await?,
        None => forms::latest(&mut tx, &id).await?,
    }
    .ok_or(AppError::NotFound)?;
    let lang = page.tr.lang.code();
    let form = &published.form;
    let mut rows = Vec::new();
    flatten(form, &form.items, 0, lang, &mut rows);
    let title = form.title.get(lang, None).unwrap_or(&form.id).to_string();
    Ok(render(&FormPage {
        id: form.id.clone(),
        title,
        version: form.version.clone().unwrap_or_default(),
        rows,
        can_fill: identity.can(Permission::FillForms),
        published: q.published.is_some(),
        page,
    }))
}
