//! Awareness campaigns: one message and goal, objectives, target audiences, channels, a period,
//! and the materials used (leaflets, radio scripts). Activities name the campaign they belong
//! to; its reach by channel and area is computed from them in [`super::figures`].
//!
//! Campaigns hold no personal data: everyone who records or reads outreach sees them all.

use crate::attachments::{self, Refusal};
use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::outreach::KINDS;
use passerelle_core::validate::Problems;
use serde_json::json;
use std::path::Path;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct CampaignInput {
    pub name: String,
    pub objectives: String,
    pub audiences: String,
    /// Channel codes: the activity kinds the campaign uses.
    pub channels: Vec<String>,
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Campaign {
    pub id: Uuid,
    pub name: String,
    pub objectives: String,
    pub audiences: String,
    pub channels: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub agency_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl Campaign {
    pub fn channel_codes(&self) -> Vec<&str> {
        self.channels.split_whitespace().collect()
    }
}

fn date(p: &mut Problems, field: &str, v: &str) -> Option<NaiveDate> {
    let v = p.text(field, v, true, 10);
    if v.is_empty() {
        return None;
    }
    NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| p.add(field, "not-a-date")).ok()
}

pub async fn create(tx: &mut Tx, actor: Uuid, agency_id: Option<Uuid>, input: &CampaignInput) -> StoreResult<Uuid> {
    let mut p = Problems::default();
    let name = p.text("name", &input.name, true, 200);
    let objectives = p.text("objectives", &input.objectives, true, 4000);
    let audiences = p.text("audiences", &input.audiences, true, 1000);
    let mut channels: Vec<&str> = Vec::new();
    for c in &input.channels {
        match KINDS.iter().find(|k| **k == c.as_str()) {
            Some(k) if !channels.contains(k) => channels.push(*k),
            Some(_) => {}
            None => p.add("channels", "unknown-choice"),
        }
    }
    if channels.is_empty() && p.for_field("channels").is_none() {
        p.add("channels", "required");
    }
    let starts = date(&mut p, "starts_on", &input.starts_on);
    let ends = date(&mut p, "ends_on", &input.ends_on);
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            p.add("ends_on", "outreach-before-start");
        }
    }
    let (Some(starts), Some(ends), true) = (starts, ends, p.is_empty()) else { return Err(StoreError::Invalid(p)) };
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO outreach_campaigns (id, name, objectives, audiences, channels, starts_on, ends_on, agency_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(id).bind(&name).bind(&objectives).bind(&audiences).bind(channels.join(" ")).bind(starts).bind(ends)
        .bind(agency_id).bind(actor).bind(now()))?;
    audit::append(tx, Event::new(Some(actor), "outreach.campaign.create", "outreach_campaign").entity(id)
        .detail(json!({"channels": channels}))).await?;
    Ok(id)
}

const COLUMNS: &str = "id, name, objectives, audiences, channels, starts_on, ends_on, agency_id, created_at";

pub async fn get(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Campaign>> {
    let sql = format!("SELECT {COLUMNS} FROM outreach_campaigns WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?)
}

pub async fn list(tx: &mut Tx) -> StoreResult<Vec<Campaign>> {
    let sql = format!("SELECT {COLUMNS} FROM outreach_campaigns ORDER BY starts_on DESC, name");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Material {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_at: DateTime<Utc>,
}

/// Attaches a material to a campaign, with the same checks as case attachments (size, kind
/// judged from the bytes).
pub async fn add_material(tx: &mut Tx, dir: Option<&Path>, actor: Uuid, campaign_id: Uuid, name: &str, bytes: &[u8]) -> StoreResult<Result<Uuid, Refusal>> {
    get(tx, campaign_id).await?.ok_or(StoreError::NotFound)?;
    let file = match attachments::store_file(dir, name, bytes).await? {
        Ok(f) => f,
        Err(r) => return Ok(Err(r)),
    };
    let id = file.id;
    let written = exec!(tx, c => sqlx::query(
        "INSERT INTO outreach_campaign_materials (id, campaign_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id).bind(campaign_id).bind(&file.name).bind(file.content_type).bind(file.size_bytes).bind(&file.sha256).bind(actor).bind(now()));
    if let Err(e) = written {
        file.discard().await;
        return Err(StoreError::Database(e));
    }
    audit::append(tx, Event::new(Some(actor), "outreach.campaign.material", "outreach_campaign").entity(campaign_id)
        .detail(json!({"material": id, "type": file.content_type, "bytes": file.size_bytes}))).await?;
    Ok(Ok(id))
}

pub async fn materials(tx: &mut Tx, campaign_id: Uuid) -> StoreResult<Vec<Material>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, campaign_id, file_name, content_type, size_bytes, uploaded_at FROM outreach_campaign_materials
         WHERE campaign_id = $1 ORDER BY uploaded_at")
        .bind(campaign_id).fetch_all(c).await)?)
}

pub async fn material(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Material>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, campaign_id, file_name, content_type, size_bytes, uploaded_at FROM outreach_campaign_materials WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}
