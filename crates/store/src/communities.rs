//! Community mapping: host, migrant and mixed communities, who lives there (an estimate by sex
//! and age band), their languages, risks and protection mechanisms. Focal roles are roles and
//! contact points ("imam of the central mosque", "women's association desk"), never people.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use passerelle_core::validate::Problems;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};

/// Community kinds, stored as codes and translated (`community-kind-…`).
pub const KINDS: &[&str] = &["host", "migrant", "mixed"];
/// Sexes an estimate is given for (`community-sex-…`).
pub const SEXES: &[&str] = &["female", "male"];
/// Age bands of an estimate, the usual humanitarian bands.
pub const AGE_BANDS: &[&str] = &["0-4", "5-11", "12-17", "18-59", "60+"];

/// Estimated population: sex -> age band -> people.
pub type Population = BTreeMap<String, BTreeMap<String, u32>>;

pub fn population_total(p: &Population) -> u64 {
    p.values().flat_map(|bands| bands.values()).map(|n| u64::from(*n)).sum()
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CommunityInput {
    pub name: String,
    pub kind: String,
    pub area_id: Option<Uuid>,
    pub population: Population,
    pub languages: String,
    pub nationalities: String,
    pub vulnerabilities: String,
    pub protection_risks: String,
    pub formal_mechanisms: String,
    pub informal_mechanisms: String,
    pub focal_roles: String,
    pub gender_notes: String,
    pub estimate_date: Option<NaiveDate>,
    pub estimate_source: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Community {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub area_id: Option<Uuid>,
    #[sqlx(skip)]
    pub population: Population,
    #[serde(skip)]
    population_json: String,
    pub languages: String,
    pub nationalities: String,
    pub vulnerabilities: String,
    pub protection_risks: String,
    pub formal_mechanisms: String,
    pub informal_mechanisms: String,
    pub focal_roles: String,
    pub gender_notes: String,
    pub estimate_date: Option<NaiveDate>,
    pub estimate_source: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Archived communities are kept for the history (outreach activities name them) but no
    /// longer offered in choice lists.
    pub archived_at: Option<DateTime<Utc>>,
}

impl Community {
    pub fn total(&self) -> u64 {
        population_total(&self.population)
    }
    pub fn count(&self, sex: &str, band: &str) -> u32 {
        self.population.get(sex).and_then(|b| b.get(band)).copied().unwrap_or(0)
    }
}

impl CommunityInput {
    fn check(&self) -> Result<CommunityInput, Problems> {
        let mut p = Problems::default();
        let long = 4000;
        let out = CommunityInput {
            name: p.text("name", &self.name, true, 200),
            kind: self.kind.clone(),
            area_id: self.area_id,
            population: self.population.clone(),
            languages: p.text("languages", &self.languages, false, 500),
            nationalities: p.text("nationalities", &self.nationalities, false, 500),
            vulnerabilities: p.text("vulnerabilities", &self.vulnerabilities, false, long),
            protection_risks: p.text("protection_risks", &self.protection_risks, false, long),
            formal_mechanisms: p.text("formal_mechanisms", &self.formal_mechanisms, false, long),
            informal_mechanisms: p.text("informal_mechanisms", &self.informal_mechanisms, false, long),
            focal_roles: p.text("focal_roles", &self.focal_roles, false, long),
            gender_notes: p.text("gender_notes", &self.gender_notes, false, long),
            estimate_date: self.estimate_date,
            estimate_source: p.text("estimate_source", &self.estimate_source, false, 500),
        };
        if !KINDS.contains(&self.kind.as_str()) {
            p.add("kind", "unknown-choice");
        }
        for (sex, bands) in &self.population {
            if !SEXES.contains(&sex.as_str()) || bands.keys().any(|b| !AGE_BANDS.contains(&b.as_str())) {
                p.add("population", "unknown-choice");
            }
        }
        if p.is_empty() { Ok(out) } else { Err(p) }
    }
}

async fn check_area(tx: &mut Tx, area_id: Option<Uuid>) -> StoreResult<()> {
    if let Some(id) = area_id
        && crate::agencies::get_area(tx, id).await?.is_none()
    {
        let mut p = Problems::default();
        p.add("area_id", "unknown-choice");
        return Err(StoreError::Invalid(p));
    }
    Ok(())
}

fn population_text(p: &Population) -> StoreResult<String> {
    serde_json::to_string(p).map_err(|e| StoreError::Config(format!("population: {e}")))
}

pub async fn create(tx: &mut Tx, actor: Option<Uuid>, input: &CommunityInput) -> StoreResult<Community> {
    let i = input.check().map_err(StoreError::Invalid)?;
    check_area(tx, i.area_id).await?;
    let id = Uuid::now_v7();
    let at = now();
    let pop = population_text(&i.population)?;
    exec!(tx, c => sqlx::query(
        "INSERT INTO communities (id, name, kind, area_id, population, languages, nationalities, vulnerabilities,
             protection_risks, formal_mechanisms, informal_mechanisms, focal_roles, gender_notes, estimate_date,
             estimate_source, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)"
    ).bind(id).bind(&i.name).bind(&i.kind).bind(i.area_id).bind(&pop).bind(&i.languages).bind(&i.nationalities)
    .bind(&i.vulnerabilities).bind(&i.protection_risks).bind(&i.formal_mechanisms).bind(&i.informal_mechanisms)
    .bind(&i.focal_roles).bind(&i.gender_notes).bind(i.estimate_date).bind(&i.estimate_source).bind(at))?;
    audit::append(tx, Event::new(actor, "community.create", "community").entity(id).detail(json!({"kind": i.kind}))).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn update(tx: &mut Tx, actor: Option<Uuid>, id: Uuid, input: &CommunityInput) -> StoreResult<Community> {
    let i = input.check().map_err(StoreError::Invalid)?;
    check_area(tx, i.area_id).await?;
    let pop = population_text(&i.population)?;
    let n = exec!(tx, c => sqlx::query(
        "UPDATE communities SET name = $2, kind = $3, area_id = $4, population = $5, languages = $6, nationalities = $7,
             vulnerabilities = $8, protection_risks = $9, formal_mechanisms = $10, informal_mechanisms = $11,
             focal_roles = $12, gender_notes = $13, estimate_date = $14, estimate_source = $15, updated_at = $16
         WHERE id = $1"
    ).bind(id).bind(&i.name).bind(&i.kind).bind(i.area_id).bind(&pop).bind(&i.languages).bind(&i.nationalities)
    .bind(&i.vulnerabilities).bind(&i.protection_risks).bind(&i.formal_mechanisms).bind(&i.informal_mechanisms)
    .bind(&i.focal_roles).bind(&i.gender_notes).bind(i.estimate_date).bind(&i.estimate_source).bind(now()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(tx, Event::new(actor, "community.update", "community").entity(id)).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

const COLUMNS: &str = "id, name, kind, area_id, population AS population_json, languages, nationalities, vulnerabilities,
    protection_risks, formal_mechanisms, informal_mechanisms, focal_roles, gender_notes, estimate_date,
    estimate_source, created_at, updated_at, archived_at";

fn read_population(mut c: Community) -> Community {
    // A population that no longer reads shows as no estimate rather than failing the page.
    c.population = serde_json::from_str(&c.population_json).unwrap_or_default();
    c
}

pub async fn get(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Community>> {
    let sql = format!("SELECT {COLUMNS} FROM communities WHERE id = $1");
    let row: Option<Community> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?;
    Ok(row.map(read_population))
}

pub async fn list(tx: &mut Tx) -> StoreResult<Vec<Community>> {
    let sql = format!("SELECT {COLUMNS} FROM communities ORDER BY name, id");
    let rows: Vec<Community> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await)?;
    Ok(rows.into_iter().map(read_population).collect())
}

/// How many records point to the community (outreach activities held there).
pub async fn uses(tx: &mut Tx, id: Uuid) -> StoreResult<i64> {
    let (n,): (i64,) = on_tx!(tx, c => sqlx::query_as("SELECT COUNT(*) FROM outreach_activities WHERE community_id = $1")
        .bind(id).fetch_one(c).await)?;
    Ok(n)
}

/// Archives the community (`archived = true`) or brings it back.
pub async fn set_archived(tx: &mut Tx, actor: Option<Uuid>, id: Uuid, archived: bool) -> StoreResult<Community> {
    let at = now();
    let n = exec!(tx, c => sqlx::query("UPDATE communities SET archived_at = $2, updated_at = $3 WHERE id = $1")
        .bind(id).bind(archived.then_some(at)).bind(at))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let action = if archived { "community.archive" } else { "community.restore" };
    audit::append(tx, Event::new(actor, action, "community").entity(id)).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Deletes a community nothing points to (recorded by mistake); one that is used is refused
/// with the problem `in-use`: archive it instead.
pub async fn delete(tx: &mut Tx, actor: Option<Uuid>, id: Uuid) -> StoreResult<()> {
    get(tx, id).await?.ok_or(StoreError::NotFound)?;
    if uses(tx, id).await? > 0 {
        let mut p = Problems::default();
        p.add("community", "in-use");
        return Err(StoreError::Invalid(p));
    }
    exec!(tx, c => sqlx::query("DELETE FROM communities WHERE id = $1").bind(id))?;
    audit::append(tx, Event::new(actor, "community.delete", "community").entity(id)).await?;
    Ok(())
}
