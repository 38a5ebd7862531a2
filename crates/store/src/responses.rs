//! Answers to forms. A response is stored only once `passerelle_core::forms::validate` found
//! nothing wrong with it, with the form version it was validated against, and is read only
//! within the reader's scope (own, team, agency or all), checked in the SQL itself.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::narratives::{Fields, FORM_RESPONSES};
use crate::users::Viewer;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::types::Json;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct FormResponse {
    pub id: Uuid,
    pub form_id: String,
    pub form_version: String,
    pub answers: Value,
    pub submitted_by: Uuid,
    pub submitted_by_name: String,
    pub submitted_at: DateTime<Utc>,
}

/// Who is submitting: their agency and team are kept with the response.
pub struct Author {
    pub id: Uuid,
    pub agency_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
}

/// The case step a response was entered for.
pub struct CaseStep {
    pub case_id: Uuid,
    pub step_id: String,
}

/// Stores validated answers. The caller has validated them against exactly this version, and
/// checked that the author may work on the case they are linked to.
pub async fn submit(tx: &mut Tx, author: &Author, form_id: &str, form_version: &str, answers: &Value, link: Option<&CaseStep>) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    // The answers are kept only sealed (what a person said); `answers` holds an empty document.
    let text = serde_json::to_string(answers).map_err(|e| StoreError::Config(e.to_string()))?;
    let (sealed, key) = FORM_RESPONSES.seal(tx.keyring(), id, &Fields::default().with("answers", Some(&text)))?;
    exec!(tx, c => sqlx::query(
        "INSERT INTO form_responses (id, form_id, form_version, answers, submitted_by, agency_id, team_id, submitted_at, case_id, step_id, sealed, seal_key)
         VALUES ($1, $2, $3, '{}', $4, $5, $6, $7, $8, $9, $10, $11)"
    ).bind(id).bind(form_id).bind(form_version).bind(author.id)
    .bind(author.agency_id).bind(author.team_id).bind(now()).bind(link.map(|l| l.case_id)).bind(link.map(|l| l.step_id.as_str()))
    .bind(sealed).bind(key))?;
    // The audit log says that a response exists, never what it says.
    audit::append(tx, Event::new(Some(author.id), "form.response.submit", "form_response").entity(id)
        .detail(json!({"form": form_id, "version": form_version}))).await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    form_id: String,
    form_version: String,
    answers: Json<Value>,
    submitted_by: Uuid,
    display_name: String,
    submitted_at: DateTime<Utc>,
    sealed: Option<Vec<u8>>,
}

/// The response with its answers opened (a response not sealed yet gives its clear answers).
fn from_row(tx: &Tx, r: Row) -> StoreResult<FormResponse> {
    let answers = match &r.sealed {
        Some(b) => {
            let text = FORM_RESPONSES.open(tx.keyring(), r.id, Some(b), &[])?.text("answers");
            serde_json::from_str(&text).map_err(|e| StoreError::Config(format!("form response {}: answers: {e}", r.id)))?
        }
        None => r.answers.0,
    };
    Ok(FormResponse {
        id: r.id,
        form_id: r.form_id,
        form_version: r.form_version,
        answers,
        submitted_by: r.submitted_by,
        submitted_by_name: r.display_name,
        submitted_at: r.submitted_at,
    })
}

const SELECT: &str = "SELECT r.id, r.form_id, r.form_version, r.answers, r.submitted_by, u.display_name, r.submitted_at, r.sealed
     FROM form_responses r JOIN users u ON u.id = r.submitted_by
     WHERE ($1 IS NULL OR r.agency_id = $1) AND ($2 IS NULL OR r.team_id = $2) AND ($3 IS NULL OR r.submitted_by = $3)";

/// One response, if it exists and is within the viewer's scope; reading it is audited.
pub async fn get(tx: &mut Tx, viewer: &Viewer, id: Uuid) -> StoreResult<Option<FormResponse>> {
    let (a, t, o) = viewer.scope_binds();
    let sql = format!("{SELECT} AND r.id = $4");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(id).fetch_optional(c).await)?;
    if let Some(r) = &row {
        audit::append(tx, Event::new(Some(viewer.id), "form.response.view", "form_response").entity(r.id)).await?;
    }
    row.map(|r| from_row(tx, r)).transpose()
}

/// Responses to a form within the viewer's scope, newest first.
pub async fn list(tx: &mut Tx, viewer: &Viewer, form_id: &str, limit: i64) -> StoreResult<Vec<FormResponse>> {
    let (a, t, o) = viewer.scope_binds();
    let sql = format!("{SELECT} AND r.form_id = $4 ORDER BY r.submitted_at DESC, r.id DESC LIMIT $5");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(form_id).bind(limit.clamp(1, 500)).fetch_all(c).await)?;
    rows.into_iter().map(|r| from_row(tx, r)).collect()
}
