//! Admin areas, agencies and their teams.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use passerelle_core::validate::Problems;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// The kinds of agency the field works with; the code is stored and translated (`agency-kind-…`).
pub const AGENCY_KINDS: &[&str] = &[
    "ministry",
    "child_protection_unit",
    "police",
    "health",
    "ngo",
    "employment_agency",
    "international_organisation",
    "other",
];

/// Sectors, stored as codes and translated (`sector-…`).
pub const SECTORS: &[&str] = &["public", "civil_society", "private", "international"];

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Area {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub level: i32,
    pub parent_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Agency {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub sector: String,
    pub area_id: Option<Uuid>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Team {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub name: String,
}

/// What a person types to create or edit an agency, before checks.
#[derive(Debug, Clone, Default)]
pub struct AgencyInput {
    pub name: String,
    pub kind: String,
    pub sector: String,
    pub area_id: Option<Uuid>,
}

impl AgencyInput {
    fn check(&self) -> Result<AgencyInput, Problems> {
        let mut p = Problems::default();
        let name = p.text("name", &self.name, true, 200);
        if !AGENCY_KINDS.contains(&self.kind.as_str()) {
            p.add("kind", "unknown-choice");
        }
        if !SECTORS.contains(&self.sector.as_str()) {
            p.add("sector", "unknown-choice");
        }
        if p.is_empty() {
            Ok(AgencyInput { name, ..self.clone() })
        } else {
            Err(p)
        }
    }
}

async fn check_area(tx: &mut Tx, area_id: Option<Uuid>) -> StoreResult<()> {
    if let Some(id) = area_id {
        if get_area(tx, id).await?.is_none() {
            let mut p = Problems::default();
            p.add("area_id", "unknown-choice");
            return Err(StoreError::Invalid(p));
        }
    }
    Ok(())
}

pub async fn create_agency(tx: &mut Tx, actor: Option<Uuid>, input: &AgencyInput) -> StoreResult<Agency> {
    let input = input.check().map_err(StoreError::Invalid)?;
    check_area(tx, input.area_id).await?;
    let id = Uuid::now_v7();
    let at = now();
    exec!(tx, c => sqlx::query(
        "INSERT INTO agencies (id, name, kind, sector, area_id, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)"
    ).bind(id).bind(&input.name).bind(&input.kind).bind(&input.sector).bind(input.area_id).bind(at)
    ).map_err(StoreError::unique_as("name"))?;
    audit::append(tx, Event::new(actor, "agency.create", "agency").entity(id)
        .detail(json!({"kind": input.kind, "sector": input.sector}))).await?;
    get_agency(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn update_agency(
    tx: &mut Tx,
    actor: Option<Uuid>,
    id: Uuid,
    input: &AgencyInput,
    active: bool,
) -> StoreResult<Agency> {
    let input = input.check().map_err(StoreError::Invalid)?;
    check_area(tx, input.area_id).await?;
    let before = get_agency(tx, id).await?.ok_or(StoreError::NotFound)?;
    exec!(tx, c => sqlx::query(
        "UPDATE agencies SET name = $2, kind = $3, sector = $4, area_id = $5, active = $6, updated_at = $7
         WHERE id = $1"
    ).bind(id).bind(&input.name).bind(&input.kind).bind(&input.sector).bind(input.area_id)
    .bind(active).bind(now())).map_err(StoreError::unique_as("name"))?;
    // The audit names the fields that changed, not their values.
    let mut changed = Vec::new();
    if before.name != input.name { changed.push("name"); }
    if before.kind != input.kind { changed.push("kind"); }
    if before.sector != input.sector { changed.push("sector"); }
    if before.area_id != input.area_id { changed.push("area_id"); }
    if before.active != active { changed.push("active"); }
    audit::append(tx, Event::new(actor, "agency.update", "agency").entity(id)
        .detail(json!({"changed": changed}))).await?;
    get_agency(tx, id).await?.ok_or(StoreError::NotFound)
}

const AGENCY_COLUMNS: &str = "id, name, kind, sector, area_id, active, created_at, updated_at";

pub async fn get_agency(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Agency>> {
    let sql = format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?)
}

pub async fn list_agencies(tx: &mut Tx) -> StoreResult<Vec<Agency>> {
    let sql = format!("SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY name");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await)?)
}

pub async fn create_team(tx: &mut Tx, actor: Option<Uuid>, agency_id: Uuid, name: &str) -> StoreResult<Team> {
    let mut p = Problems::default();
    let name = p.text("name", name, true, 120);
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    get_agency(tx, agency_id).await?.ok_or(StoreError::NotFound)?;
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query("INSERT INTO teams (id, agency_id, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id).bind(agency_id).bind(&name).bind(now()))
        .map_err(StoreError::unique_as("name"))?;
    audit::append(tx, Event::new(actor, "team.create", "team").entity(id)
        .detail(json!({"agency_id": agency_id}))).await?;
    Ok(Team { id, agency_id, name })
}

pub async fn list_teams(tx: &mut Tx, agency_id: Option<Uuid>) -> StoreResult<Vec<Team>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, agency_id, name FROM teams WHERE ($1 IS NULL OR agency_id = $1) ORDER BY name"
    ).bind(agency_id).fetch_all(c).await)?)
}

pub async fn get_team(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Team>> {
    Ok(on_tx!(tx, c => sqlx::query_as("SELECT id, agency_id, name FROM teams WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}

pub async fn create_area(
    tx: &mut Tx,
    actor: Option<Uuid>,
    code: &str,
    name: &str,
    level: i32,
    parent_id: Option<Uuid>,
) -> StoreResult<Area> {
    let mut p = Problems::default();
    let code = p.text("code", code, true, 40);
    let name = p.text("name", name, true, 200);
    if !(0..=5).contains(&level) {
        p.add("level", "out-of-range");
    }
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    check_area(tx, parent_id).await?;
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO areas (id, code, name, level, parent_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    ).bind(id).bind(&code).bind(&name).bind(level).bind(parent_id).bind(now()))
        .map_err(StoreError::unique_as("code"))?;
    audit::append(tx, Event::new(actor, "area.create", "area").entity(id)).await?;
    Ok(Area { id, code, name, level, parent_id })
}

pub async fn get_area(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Area>> {
    Ok(on_tx!(tx, c => sqlx::query_as("SELECT id, code, name, level, parent_id FROM areas WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}

pub async fn list_areas(tx: &mut Tx) -> StoreResult<Vec<Area>> {
    Ok(on_tx!(tx, c => sqlx::query_as("SELECT id, code, name, level, parent_id FROM areas ORDER BY level, name")
        .fetch_all(c).await)?)
}
