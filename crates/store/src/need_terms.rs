//! Needs terms administrators add to the shipped taxonomy, and terms they retire.
//!
//! The shipped taxonomy (`content/taxonomy/needs.toml`) is compiled in; what an installation
//! adds lives here and is merged after it by `Taxonomy::needs_with`, which checks an added term
//! exactly like an extension file (code, parent, three labels, no label shared with another
//! term). A code is never deleted: services, referrals and records may carry it, so a term
//! that should no longer be offered is *retired* — still read on the records that carry it,
//! never offered in lists, filters and forms.

use passerelle_core::directory::taxonomy::{install_needs, Labels, LocalTerm, Taxonomy, TaxonomyError};
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct TermRow {
    code: String,
    parent: Option<String>,
    label_fr: String,
    label_en: String,
    label_es: String,
    description: String,
}

impl TermRow {
    fn term(self) -> LocalTerm {
        LocalTerm {
            code: self.code,
            parent: self.parent,
            label: Labels { fr: self.label_fr, en: self.label_en, es: self.label_es },
            description: self.description,
        }
    }
}

/// The terms administrators added, in the order they were added.
pub async fn added(tx: &mut Tx) -> StoreResult<Vec<LocalTerm>> {
    let rows: Vec<TermRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT code, parent, label_fr, label_en, label_es, description FROM directory_need_terms ORDER BY created_at, code"
    ).fetch_all(c).await)?;
    Ok(rows.into_iter().map(TermRow::term).collect())
}

/// The codes retired from offer.
pub async fn retired(tx: &mut Tx) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> =
        on_tx!(tx, c => sqlx::query_as("SELECT code FROM directory_need_retirements ORDER BY code").fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

/// A key that changes whenever a term is added or retired: caches of the taxonomy compare it.
pub async fn version(tx: &mut Tx) -> StoreResult<(i64, i64)> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM directory_need_terms), (SELECT COUNT(*) FROM directory_need_retirements)"
    ).fetch_one(c).await)?)
}

/// The needs taxonomy of this installation: shipped terms, added ones, retirements marked.
/// Stored terms that no longer fit (a later shipped version took their code or label) are
/// reported as a configuration error naming them.
pub async fn taxonomy(tx: &mut Tx) -> StoreResult<Taxonomy> {
    let (added, retired) = (added(tx).await?, retired(tx).await?);
    Taxonomy::needs_with(&added, &retired).map_err(|errs| {
        StoreError::Config(format!("needs taxonomy: {}", errs.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))
    })
}

/// Reads the taxonomy from the database and makes it the one `Taxonomy::needs()` returns.
pub async fn load(tx: &mut Tx) -> StoreResult<()> {
    install_needs(taxonomy(tx).await?);
    Ok(())
}

/// Checks and normalises what an administrator typed; every problem by field.
fn check(input: &LocalTerm) -> Result<LocalTerm, Problems> {
    let mut p = Problems::default();
    let t = LocalTerm {
        code: p.text("code", &input.code, true, 60).to_lowercase(),
        parent: Some(p.text("parent", input.parent.as_deref().unwrap_or(""), false, 60)).filter(|s| !s.is_empty()),
        label: Labels {
            fr: p.text("label_fr", &input.label.fr, true, 200),
            en: p.text("label_en", &input.label.en, true, 200),
            es: p.text("label_es", &input.label.es, true, 200),
        },
        description: p.text("description", &input.description, false, 1000),
    };
    if p.is_empty() { Ok(t) } else { Err(p) }
}

/// The form field a taxonomy problem is about, and its error code.
fn problem(e: &TaxonomyError) -> (&'static str, &'static str) {
    match e {
        TaxonomyError::BadCode { .. } => ("code", "need-code"),
        TaxonomyError::DuplicateCode { .. } => ("code", "taken"),
        TaxonomyError::UnknownParent { .. } | TaxonomyError::Cycle { .. } => ("parent", "unknown-choice"),
        TaxonomyError::MissingLabel { lang: "fr", .. } => ("label_fr", "required"),
        TaxonomyError::MissingLabel { lang: "en", .. } => ("label_en", "required"),
        TaxonomyError::MissingLabel { .. } => ("label_es", "required"),
        TaxonomyError::AmbiguousText { .. } => ("label", "need-ambiguous"),
        _ => ("code", "unknown-choice"),
    }
}

/// Adds a term. It must fit the taxonomy as it stands (shipped and added terms): a new code,
/// a parent that is a term, labels in French, English and Spanish that name no other term.
/// Returns the new taxonomy, which the caller installs once the transaction is committed.
pub async fn add(tx: &mut Tx, actor: Option<Uuid>, input: &LocalTerm) -> StoreResult<Taxonomy> {
    let t = check(input).map_err(StoreError::Invalid)?;
    let mut all = added(tx).await?;
    all.push(t.clone());
    let taxonomy = Taxonomy::needs_with(&all, &retired(tx).await?).map_err(|errs| {
        let mut p = Problems::default();
        // Only the new term's problems: the stored ones were checked when they were added.
        for e in errs.iter().filter(|e| e.to_string().contains(&format!("{:?}", t.code))) {
            let (field, code) = problem(e);
            if p.for_field(field).is_none() {
                p.add(field, code);
            }
        }
        if p.is_empty() {
            p.add("code", "need-ambiguous");
        }
        StoreError::Invalid(p)
    })?;
    exec!(tx, c => sqlx::query(
        "INSERT INTO directory_need_terms (code, parent, label_fr, label_en, label_es, description, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ).bind(&t.code).bind(&t.parent).bind(&t.label.fr).bind(&t.label.en).bind(&t.label.es).bind(&t.description)
    .bind(actor).bind(now()))?;
    audit::append(tx, Event::new(actor, "directory.need.add", "need_term").entity(&t.code)
        .detail(json!({"parent": t.parent}))).await?;
    Ok(taxonomy)
}

/// Retires `code` (`offer = false`) or offers it again (`offer = true`). Its narrower terms
/// stop being offered with it. Unknown codes are `NotFound`.
pub async fn set_offered(tx: &mut Tx, actor: Option<Uuid>, code: &str, offer: bool) -> StoreResult<Taxonomy> {
    let current = taxonomy(tx).await?;
    if !current.contains(code) {
        return Err(StoreError::NotFound);
    }
    if offer {
        exec!(tx, c => sqlx::query("DELETE FROM directory_need_retirements WHERE code = $1").bind(code))?;
    } else {
        exec!(tx, c => sqlx::query(
            "INSERT INTO directory_need_retirements (code, retired_by, retired_at) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING"
        ).bind(code).bind(actor).bind(now()))?;
    }
    let action = if offer { "directory.need.offer" } else { "directory.need.retire" };
    audit::append(tx, Event::new(actor, action, "need_term").entity(code)).await?;
    taxonomy(tx).await
}
