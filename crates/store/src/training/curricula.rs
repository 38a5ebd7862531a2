//! Curricula, their modules (fr/en/es texts, linked SOPs and needs, mandatory or optional) and
//! the cost lines of each module.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use passerelle_core::sop::Localized;
use passerelle_core::training::{CompletionRule, CostKind, CostLine, Currency, ModuleBudget, Money, Payer};
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

/// How a module is delivered; stored as the code, shown as `training-mode-<code>`.
pub const MODES: &[&str] = &["in_person", "remote", "blended"];
/// Who pays a cost line; the codes of `passerelle_core::training::Payer`.
pub const PAYERS: &[&str] = &["employer", "ministry", "donor"];
/// The kinds of cost line; the codes of `passerelle_core::training::CostKind`.
pub const COST_KINDS: &[&str] = &["fixed", "per_participant"];

pub fn payer_of(code: &str) -> Option<Payer> {
    match code {
        "employer" => Some(Payer::Employer),
        "ministry" => Some(Payer::Ministry),
        "donor" => Some(Payer::Donor),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Curriculum {
    pub id: Uuid,
    pub code: String,
    pub version: i64,
    pub title: Localized,
    pub currency: String,
    pub optional_required: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct CurriculumRow {
    id: Uuid,
    code: String,
    version: i64,
    title_fr: String,
    title_en: String,
    title_es: String,
    currency: String,
    optional_required: i64,
    created_at: DateTime<Utc>,
}

impl From<CurriculumRow> for Curriculum {
    fn from(r: CurriculumRow) -> Self {
        Curriculum {
            id: r.id,
            code: r.code,
            version: r.version,
            title: Localized { fr: r.title_fr, en: r.title_en, es: r.title_es },
            currency: r.currency,
            optional_required: r.optional_required,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CurriculumInput {
    pub code: String,
    pub version: String,
    pub title_fr: String,
    pub title_en: String,
    pub title_es: String,
    pub currency: String,
    pub optional_required: String,
}

/// A code people type for a curriculum or module: letters, digits, `-` and `_`.
fn check_code(p: &mut Problems, field: &str, value: &str) -> String {
    let v = p.text(field, value, true, 40);
    if !v.is_empty() && !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        p.add(field, "bad-code");
    }
    v
}

/// A whole number typed in a form, within `range`.
pub fn check_number(p: &mut Problems, field: &str, value: &str, range: std::ops::RangeInclusive<i64>) -> i64 {
    match value.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => n,
        Ok(_) => {
            p.add(field, "out-of-range");
            0
        }
        Err(_) if value.trim().is_empty() => {
            p.add(field, "required");
            0
        }
        Err(_) => {
            p.add(field, "not-a-number");
            0
        }
    }
}

fn texts(p: &mut Problems, field: &str, fr: &str, en: &str, es: &str, required: bool, max: usize) -> Localized {
    Localized {
        fr: p.text(&format!("{field}_fr"), fr, required, max),
        en: p.text(&format!("{field}_en"), en, required, max),
        es: p.text(&format!("{field}_es"), es, required, max),
    }
}

pub async fn create_curriculum(tx: &mut Tx, actor: Option<Uuid>, input: &CurriculumInput) -> StoreResult<Curriculum> {
    let mut p = Problems::default();
    let code = check_code(&mut p, "code", &input.code);
    let version = check_number(&mut p, "version", &input.version, 1..=9999);
    let title = texts(&mut p, "title", &input.title_fr, &input.title_en, &input.title_es, true, 200);
    let currency = match Currency::parse(&input.currency) {
        Ok(c) => c.code().to_string(),
        Err(_) => {
            p.add("currency", "unknown-currency");
            String::new()
        }
    };
    let optional_required = check_number(&mut p, "optional_required", &input.optional_required, 0..=100);
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO training_curricula (id, code, version, title_fr, title_en, title_es, currency, optional_required, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ).bind(id).bind(&code).bind(version).bind(&title.fr).bind(&title.en).bind(&title.es)
    .bind(&currency).bind(optional_required).bind(now()))
    .map_err(StoreError::unique_as("version"))?;
    audit::append(tx, Event::new(actor, "training.curriculum.create", "training_curriculum").entity(id)
        .detail(json!({"code": code, "version": version}))).await?;
    get_curriculum(tx, id).await?.ok_or(StoreError::NotFound)
}

const CURRICULUM_COLUMNS: &str = "id, code, version, title_fr, title_en, title_es, currency, optional_required, created_at";

pub async fn get_curriculum(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Curriculum>> {
    let sql = format!("SELECT {CURRICULUM_COLUMNS} FROM training_curricula WHERE id = $1");
    let row: Option<CurriculumRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

pub async fn list_curricula(tx: &mut Tx) -> StoreResult<Vec<Curriculum>> {
    let sql = format!("SELECT {CURRICULUM_COLUMNS} FROM training_curricula ORDER BY code, version DESC");
    let rows: Vec<CurriculumRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

#[derive(Debug, Clone)]
pub struct Module {
    pub id: Uuid,
    pub curriculum_id: Uuid,
    pub position: i64,
    pub code: String,
    pub title: Localized,
    pub objectives: Localized,
    pub outline: Localized,
    pub duration_hours: i64,
    pub mode: String,
    pub prerequisites: String,
    pub audience: String,
    pub trainers: String,
    pub sop_ids: Vec<String>,
    pub need_codes: Vec<String>,
    pub mandatory: bool,
}

#[derive(sqlx::FromRow)]
struct ModuleRow {
    id: Uuid,
    curriculum_id: Uuid,
    position: i64,
    code: String,
    title_fr: String,
    title_en: String,
    title_es: String,
    objectives_fr: String,
    objectives_en: String,
    objectives_es: String,
    outline_fr: String,
    outline_en: String,
    outline_es: String,
    duration_hours: i64,
    mode: String,
    prerequisites: String,
    audience: String,
    trainers: String,
    sop_ids: String,
    need_codes: String,
    mandatory: bool,
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

impl From<ModuleRow> for Module {
    fn from(r: ModuleRow) -> Self {
        Module {
            id: r.id,
            curriculum_id: r.curriculum_id,
            position: r.position,
            code: r.code,
            title: Localized { fr: r.title_fr, en: r.title_en, es: r.title_es },
            objectives: Localized { fr: r.objectives_fr, en: r.objectives_en, es: r.objectives_es },
            outline: Localized { fr: r.outline_fr, en: r.outline_en, es: r.outline_es },
            duration_hours: r.duration_hours,
            mode: r.mode,
            prerequisites: r.prerequisites,
            audience: r.audience,
            trainers: r.trainers,
            sop_ids: words(&r.sop_ids),
            need_codes: words(&r.need_codes),
            mandatory: r.mandatory,
        }
    }
}

/// What a trainer types for a module, before checks. `sop_ids` and `need_codes` are the
/// boxes ticked; the caller passes the lists they may be chosen from.
#[derive(Debug, Clone, Default)]
pub struct ModuleInput {
    pub code: String,
    pub title_fr: String,
    pub title_en: String,
    pub title_es: String,
    pub objectives_fr: String,
    pub objectives_en: String,
    pub objectives_es: String,
    pub outline_fr: String,
    pub outline_en: String,
    pub outline_es: String,
    pub duration_hours: String,
    pub mode: String,
    pub prerequisites: String,
    pub audience: String,
    pub trainers: String,
    pub sop_ids: Vec<String>,
    pub need_codes: Vec<String>,
    pub mandatory: bool,
}

/// Adds a module at the end of a curriculum. `known_sops` and `known_needs` are what may be
/// linked (the published SOPs, the needs taxonomy).
pub async fn add_module(
    tx: &mut Tx,
    actor: Option<Uuid>,
    curriculum_id: Uuid,
    input: &ModuleInput,
    known_sops: &[String],
    known_needs: &[String],
) -> StoreResult<Module> {
    get_curriculum(tx, curriculum_id).await?.ok_or(StoreError::NotFound)?;
    let mut p = Problems::default();
    let code = check_code(&mut p, "code", &input.code);
    let title = texts(&mut p, "title", &input.title_fr, &input.title_en, &input.title_es, true, 200);
    let objectives = texts(&mut p, "objectives", &input.objectives_fr, &input.objectives_en, &input.objectives_es, true, 2000);
    let outline = texts(&mut p, "outline", &input.outline_fr, &input.outline_en, &input.outline_es, false, 4000);
    let duration_hours = check_number(&mut p, "duration_hours", &input.duration_hours, 1..=500);
    if !MODES.contains(&input.mode.as_str()) {
        p.add("mode", "unknown-choice");
    }
    let prerequisites = p.text("prerequisites", &input.prerequisites, false, 1000);
    let audience = p.text("audience", &input.audience, false, 1000);
    let trainers = p.text("trainers", &input.trainers, false, 400);
    if input.sop_ids.iter().any(|s| !known_sops.contains(s)) {
        p.add("sop_ids", "unknown-choice");
    }
    if input.need_codes.iter().any(|s| !known_needs.contains(s)) {
        p.add("need_codes", "unknown-choice");
    }
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let position: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM training_modules WHERE curriculum_id = $1"
    ).bind(curriculum_id).fetch_one(c).await)?;
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO training_modules (id, curriculum_id, position, code, title_fr, title_en, title_es,
            objectives_fr, objectives_en, objectives_es, outline_fr, outline_en, outline_es,
            duration_hours, mode, prerequisites, audience, trainers, sop_ids, need_codes, mandatory)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
    ).bind(id).bind(curriculum_id).bind(position).bind(&code)
    .bind(&title.fr).bind(&title.en).bind(&title.es)
    .bind(&objectives.fr).bind(&objectives.en).bind(&objectives.es)
    .bind(&outline.fr).bind(&outline.en).bind(&outline.es)
    .bind(duration_hours).bind(&input.mode).bind(&prerequisites).bind(&audience).bind(&trainers)
    .bind(input.sop_ids.join(" ")).bind(input.need_codes.join(" ")).bind(input.mandatory))
    .map_err(StoreError::unique_as("code"))?;
    audit::append(tx, Event::new(actor, "training.module.create", "training_module").entity(id)
        .detail(json!({"curriculum": curriculum_id, "code": code}))).await?;
    get_module(tx, id).await?.ok_or(StoreError::NotFound)
}

const MODULE_COLUMNS: &str = "id, curriculum_id, position, code, title_fr, title_en, title_es, objectives_fr, objectives_en, \
    objectives_es, outline_fr, outline_en, outline_es, duration_hours, mode, prerequisites, audience, trainers, sop_ids, \
    need_codes, mandatory";

pub async fn get_module(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Module>> {
    let sql = format!("SELECT {MODULE_COLUMNS} FROM training_modules WHERE id = $1");
    let row: Option<ModuleRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

/// The modules of a curriculum in order, or of every curriculum when `None`.
pub async fn list_modules(tx: &mut Tx, curriculum_id: Option<Uuid>) -> StoreResult<Vec<Module>> {
    let sql = format!(
        "SELECT {MODULE_COLUMNS} FROM training_modules WHERE ($1 IS NULL OR curriculum_id = $1) ORDER BY curriculum_id, position"
    );
    let rows: Vec<ModuleRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(curriculum_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// What completes a curriculum, from its modules.
pub fn completion_rule(curriculum: &Curriculum, modules: &[Module]) -> CompletionRule {
    CompletionRule {
        mandatory: modules.iter().filter(|m| m.mandatory).map(|m| m.id.to_string()).collect(),
        optional: modules.iter().filter(|m| !m.mandatory).map(|m| m.id.to_string()).collect(),
        optional_required: u32::try_from(curriculum.optional_required).unwrap_or(0),
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CostLineRow {
    pub id: Uuid,
    pub module_id: Uuid,
    pub label: String,
    pub kind: String,
    pub amount_minor: i64,
    pub payer: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CostLineInput {
    pub label: String,
    pub kind: String,
    /// As typed, in major units with the currency's decimals (`1250.50`).
    pub amount: String,
    pub payer: String,
}

/// Reads an amount typed in major units (`1250`, `1250.5`, `1 250,50`) into minor units of
/// `currency`, refusing more decimals than the currency has: money is never rounded silently.
pub fn parse_amount(typed: &str, currency: Currency) -> Option<i64> {
    let cleaned: String = typed.trim().chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    let cleaned = cleaned.replace(',', ".");
    if cleaned.is_empty() || cleaned.starts_with('-') {
        return None;
    }
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    let e = usize::from(currency.exponent());
    if frac.len() > e || whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac_padded = format!("{frac:0<e$}");
    let frac: i64 = if e == 0 { 0 } else { frac_padded.parse().ok()? };
    whole.checked_mul(10i64.checked_pow(e as u32)?)?.checked_add(frac)
}

pub async fn add_cost_line(tx: &mut Tx, actor: Option<Uuid>, module_id: Uuid, input: &CostLineInput) -> StoreResult<CostLineRow> {
    let module = get_module(tx, module_id).await?.ok_or(StoreError::NotFound)?;
    let curriculum = get_curriculum(tx, module.curriculum_id).await?.ok_or(StoreError::NotFound)?;
    let currency = Currency::parse(&curriculum.currency).map_err(|e| StoreError::Config(e.to_string()))?;
    let mut p = Problems::default();
    let label = p.text("label", &input.label, true, 120);
    if !COST_KINDS.contains(&input.kind.as_str()) {
        p.add("kind", "unknown-choice");
    }
    let amount = parse_amount(&input.amount, currency);
    if amount.is_none() {
        p.add("amount", if input.amount.trim().is_empty() { "required" } else { "bad-amount" });
    }
    let payer = input.payer.trim();
    if !payer.is_empty() && !PAYERS.contains(&payer) {
        p.add("payer", "unknown-choice");
    }
    if !p.is_empty() {
        return Err(StoreError::Invalid(p));
    }
    let row = CostLineRow {
        id: Uuid::now_v7(),
        module_id,
        label,
        kind: input.kind.clone(),
        amount_minor: amount.unwrap_or(0),
        payer: (!payer.is_empty()).then(|| payer.to_string()),
    };
    exec!(tx, c => sqlx::query(
        "INSERT INTO training_cost_lines (id, module_id, label, kind, amount_minor, payer) VALUES ($1, $2, $3, $4, $5, $6)"
    ).bind(row.id).bind(module_id).bind(&row.label).bind(&row.kind).bind(row.amount_minor).bind(&row.payer))?;
    audit::append(tx, Event::new(actor, "training.cost.add", "training_module").entity(module_id)
        .detail(json!({"kind": row.kind, "amount_minor": row.amount_minor}))).await?;
    Ok(row)
}

pub async fn delete_cost_line(tx: &mut Tx, actor: Option<Uuid>, id: Uuid) -> StoreResult<Uuid> {
    let module_id: Option<Uuid> = on_tx!(tx, c => sqlx::query_scalar("SELECT module_id FROM training_cost_lines WHERE id = $1")
        .bind(id).fetch_optional(c).await)?;
    let module_id = module_id.ok_or(StoreError::NotFound)?;
    exec!(tx, c => sqlx::query("DELETE FROM training_cost_lines WHERE id = $1").bind(id))?;
    audit::append(tx, Event::new(actor, "training.cost.delete", "training_module").entity(module_id)).await?;
    Ok(module_id)
}

/// Cost lines of one module, or of every module of a curriculum.
pub async fn cost_lines(tx: &mut Tx, module_id: Option<Uuid>, curriculum_id: Option<Uuid>) -> StoreResult<Vec<CostLineRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT l.id, l.module_id, l.label, l.kind, l.amount_minor, l.payer
         FROM training_cost_lines l JOIN training_modules m ON m.id = l.module_id
         WHERE ($1 IS NULL OR l.module_id = $1) AND ($2 IS NULL OR m.curriculum_id = $2)
         ORDER BY m.position, l.kind, l.label, l.id"
    ).bind(module_id).bind(curriculum_id).fetch_all(c).await)?)
}

/// The budgets of `modules` for the cost model, in the curriculum's currency.
pub fn budgets(curriculum: &Curriculum, modules: &[Module], lines: &[CostLineRow]) -> Result<Vec<ModuleBudget>, passerelle_core::training::CostError> {
    let currency = Currency::parse(&curriculum.currency)?;
    Ok(modules
        .iter()
        .map(|m| ModuleBudget {
            module: m.id.to_string(),
            lines: lines
                .iter()
                .filter(|l| l.module_id == m.id)
                .map(|l| CostLine {
                    id: l.label.clone(),
                    kind: if l.kind == "fixed" { CostKind::Fixed } else { CostKind::PerParticipant },
                    amount: Money::new(l.amount_minor, currency),
                    payer: l.payer.as_deref().and_then(payer_of),
                })
                .collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly() {
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(parse_amount("1250", eur), Some(125_000));
        assert_eq!(parse_amount("1250.5", eur), Some(125_050));
        assert_eq!(parse_amount(" 1 250,05 ", eur), Some(125_005));
        assert_eq!(parse_amount("0.001", eur), None);
        assert_eq!(parse_amount("-3", eur), None);
        assert_eq!(parse_amount("12a", eur), None);
        assert_eq!(parse_amount("", eur), None);
        assert_eq!(parse_amount(".5", eur), None);
        let xof = Currency::parse("XOF").unwrap();
        assert_eq!(parse_amount("1500", xof), Some(1500));
        assert_eq!(parse_amount("1500.5", xof), None);
        let tnd = Currency::parse("TND").unwrap();
        assert_eq!(parse_amount("1.005", tnd), Some(1005));
        assert_eq!(parse_amount("99999999999999999999", eur), None);
    }
}
