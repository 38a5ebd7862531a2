//! Published XLSForm versions. Each version keeps the sheets it was read from and is read
//! again with `passerelle_core::forms` when used, so what is shown is always what was checked.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::parsed::Key;
use chrono::{DateTime, Utc};
use passerelle_core::forms::xlsform::{self, FormError};
use passerelle_core::forms::Form;
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

/// The CSV sheets of one form.
#[derive(Debug, Clone)]
pub struct Sheets {
    pub survey: String,
    pub choices: Option<String>,
    pub settings: Option<String>,
}

impl Sheets {
    pub fn read(&self) -> Result<Form, Vec<FormError>> {
        xlsform::read_csv(
            self.survey.as_bytes(),
            self.choices.as_deref().map(str::as_bytes),
            self.settings.as_deref().map(str::as_bytes),
        )
        .map(|loaded| loaded.form)
    }
}

#[derive(Debug, Clone)]
pub struct PublishedForm {
    pub form: Arc<Form>,
    pub published_at: DateTime<Utc>,
}

/// Why a form could not be published.
#[derive(Debug)]
pub enum FormRefusal {
    Invalid(Vec<FormError>),
    /// The form has no version in its settings sheet: answers could not say which they follow.
    NoVersion,
    /// This form id already has this version, with other content.
    VersionTaken,
}

/// The forms shipped with Passerelle (`content/forms/<id>/{survey,choices,settings}.csv`).
#[derive(rust_embed::Embed)]
#[folder = "../../content/forms/"]
struct Shipped;

pub fn shipped() -> Vec<Sheets> {
    let mut ids: Vec<String> = Shipped::iter()
        .filter_map(|f| f.strip_suffix("/survey.csv").map(str::to_string))
        .collect();
    ids.sort();
    let text = |path: String| Shipped::get(&path).map(|f| String::from_utf8_lossy(&f.data).into_owned());
    ids.into_iter()
        .filter_map(|id| {
            Some(Sheets {
                survey: text(format!("{id}/survey.csv"))?,
                choices: text(format!("{id}/choices.csv")),
                settings: text(format!("{id}/settings.csv")),
            })
        })
        .collect()
}

pub async fn publish(tx: &mut Tx, actor: Option<Uuid>, sheets: &Sheets) -> StoreResult<Result<Form, FormRefusal>> {
    let form = match sheets.read() {
        Ok(f) => f,
        Err(e) => return Ok(Err(FormRefusal::Invalid(e))),
    };
    let Some(version) = form.version.clone() else { return Ok(Err(FormRefusal::NoVersion)) };
    if get(tx, &form.id, &version).await?.is_some() {
        return Ok(Err(FormRefusal::VersionTaken));
    }
    exec!(tx, c => sqlx::query(
        "INSERT INTO form_versions (form_id, version, survey, choices, settings, published_at, published_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ).bind(&form.id).bind(&version).bind(&sheets.survey).bind(sheets.choices.as_deref())
    .bind(sheets.settings.as_deref()).bind(now()).bind(actor))
    .map_err(StoreError::unique_as("version"))?;
    audit::append(tx, Event::new(actor, "form.publish", "form").entity(&form.id)
        .detail(json!({"version": version}))).await?;
    Ok(Ok(form))
}

/// A published version, without its sheets.
#[derive(sqlx::FromRow)]
struct Head {
    form_id: String,
    version: String,
    published_at: DateTime<Utc>,
}

/// The version `head` names, parsed: from the store's parsed versions, or read and parsed now.
async fn open(tx: &mut Tx, head: Head) -> StoreResult<PublishedForm> {
    let key: Key = (head.form_id, head.version, head.published_at);
    if let Some(form) = tx.parsed().forms.get(&key) {
        return Ok(PublishedForm { form, published_at: head.published_at });
    }
    let (survey, choices, settings): (String, Option<String>, Option<String>) = on_tx!(tx, c => sqlx::query_as(
        "SELECT survey, choices, settings FROM form_versions WHERE form_id = $1 AND version = $2"
    ).bind(&key.0).bind(&key.1).fetch_one(c).await)?;
    let form = Sheets { survey, choices, settings }
        .read()
        .map_err(|e| StoreError::Config(format!("a stored form no longer reads ({} problems)", e.len())))?;
    Ok(PublishedForm { form: tx.parsed().forms.keep(key, form), published_at: head.published_at })
}

pub async fn get(tx: &mut Tx, form_id: &str, version: &str) -> StoreResult<Option<PublishedForm>> {
    let head: Option<Head> = on_tx!(tx, c => sqlx::query_as(
        "SELECT form_id, version, published_at FROM form_versions WHERE form_id = $1 AND version = $2"
    ).bind(form_id).bind(version).fetch_optional(c).await)?;
    match head {
        Some(h) => open(tx, h).await.map(Some),
        None => Ok(None),
    }
}

/// The most recently published version of a form.
pub async fn latest(tx: &mut Tx, form_id: &str) -> StoreResult<Option<PublishedForm>> {
    let head: Option<Head> = on_tx!(tx, c => sqlx::query_as(
        "SELECT form_id, version, published_at FROM form_versions WHERE form_id = $1
         ORDER BY published_at DESC, version DESC LIMIT 1"
    ).bind(form_id).fetch_optional(c).await)?;
    match head {
        Some(h) => open(tx, h).await.map(Some),
        None => Ok(None),
    }
}

/// The latest version of every form, by id (the one [`latest`] gives).
pub async fn list_latest(tx: &mut Tx) -> StoreResult<Vec<PublishedForm>> {
    let heads: Vec<Head> = on_tx!(tx, c => sqlx::query_as(
        "SELECT form_id, version, published_at FROM form_versions f WHERE NOT EXISTS (
             SELECT 1 FROM form_versions g WHERE g.form_id = f.form_id
             AND (g.published_at > f.published_at OR (g.published_at = f.published_at AND g.version > f.version)))
         ORDER BY form_id"
    ).fetch_all(c).await)?;
    let mut out = Vec::with_capacity(heads.len());
    for h in heads {
        out.push(open(tx, h).await?);
    }
    Ok(out)
}

/// Publishes every shipped form whose id the instance does not have yet.
pub async fn seed_shipped(tx: &mut Tx) -> StoreResult<usize> {
    let mut n = 0;
    for sheets in shipped() {
        let form = sheets
            .read()
            .map_err(|e| StoreError::Config(format!("a shipped form does not read ({} problems)", e.len())))?;
        if latest(tx, &form.id).await?.is_none() {
            if let Err(r) = publish(tx, None, &sheets).await? {
                return Err(StoreError::Config(format!("the shipped form {} cannot be published: {r:?}", form.id)));
            }
            n += 1;
        }
    }
    Ok(n)
}
