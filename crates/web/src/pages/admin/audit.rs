//! Browsing and verifying the audit log.

use crate::ctx::Page;
use crate::error::AppError;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::Query;
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::audit::AuditEntry;
use passerelle_store::audit::{self, Filter};
use passerelle_store::users;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

const PAGE_SIZE: i64 = 100;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub actor: String,
    pub from: String,
    pub until: String,
    pub before: Option<i64>,
}

impl AuditQuery {
    /// The store filter; a malformed date or id is ignored rather than refused, so a person
    /// editing the address bar still gets a page.
    pub fn filter(&self, limit: i64) -> Filter {
        let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        Filter {
            actor_id: Uuid::parse_str(self.actor.trim()).ok(),
            action: Some(self.action.trim().to_string()).filter(|s| !s.is_empty()),
            entity_type: Some(self.entity_type.trim().to_string()).filter(|s| !s.is_empty()),
            entity_id: Some(self.entity_id.trim().to_string()).filter(|s| !s.is_empty()),
            from: day(&self.from).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc()),
            until: day(&self.until).and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc()),
            before_seq: self.before,
            limit,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    page: Page,
    entries: Vec<AuditEntry>,
    actors: HashMap<Uuid, String>,
    query: AuditQuery,
    older: Option<String>,
    verified: Option<Result<u64, String>>,
}

impl AuditPage {
    fn actor(&self, id: &Option<Uuid>) -> String {
        match id {
            Some(id) => self.actors.get(id).cloned().unwrap_or_else(|| id.to_string()),
            None => "—".to_string(),
        }
    }
    fn when(&self, at: &DateTime<Utc>) -> String {
        self.page.tr.datetime(at)
    }
}

pub async fn list(State(state): State<AppState>, page: Page, Query(query): Query<AuditQuery>) -> Result<Response, AppError> {
    show(state, page, query, None).await
}

async fn show(state: AppState, page: Page, query: AuditQuery, verified: Option<Result<u64, String>>) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let mut entries = audit::list(&mut tx, &query.filter(PAGE_SIZE + 1)).await?;
    let older = if entries.len() as i64 > PAGE_SIZE {
        entries.truncate(PAGE_SIZE as usize);
        let last = entries.last().map(|e| e.seq).unwrap_or(0);
        let mut q = query.clone();
        q.before = Some(last);
        Some(format!(
            "/admin/audit?{}",
            serde_urlencoded::to_string([
                ("action", q.action.as_str()),
                ("entity_type", q.entity_type.as_str()),
                ("entity_id", q.entity_id.as_str()),
                ("actor", q.actor.as_str()),
                ("from", q.from.as_str()),
                ("until", q.until.as_str()),
                ("before", &last.to_string()),
            ])
            .unwrap_or_default()
        ))
    } else {
        None
    };
    let mut actors = HashMap::new();
    for id in entries.iter().filter_map(|e| e.actor_id) {
        if let std::collections::hash_map::Entry::Vacant(v) = actors.entry(id) {
            if let Some(u) = users::get_user(&mut tx, id).await? {
                v.insert(u.display_name);
            }
        }
    }
    Ok(render(&AuditPage { page, entries, actors, query, older, verified }))
}

/// Walks the whole chain now and shows the result above the log.
pub async fn verify(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let result = audit::verify(&mut tx).await?;
    drop(tx);
    let tr = page.tr.clone();
    let verified = Some(result.map_err(|b| {
        let (key, seq) = match b {
            passerelle_core::audit::BrokenLink::Altered { seq } => ("audit-broken-altered", seq),
            passerelle_core::audit::BrokenLink::Gap { seq, .. } => ("audit-broken-gap", seq),
            passerelle_core::audit::BrokenLink::Unlinked { seq } => ("audit-broken-unlinked", seq),
        };
        tr.t1(key, "seq", seq)
    }));
    show(state, page, AuditQuery::default(), verified).await
}
