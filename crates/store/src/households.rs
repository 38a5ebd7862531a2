//! Household and family links between registered people. A link is one row saying what the
//! first person is to the second (`passerelle_core::household`); each person's page reads it
//! from their side. A link is shown only when the viewer may see both people, so a restricted
//! person is never revealed through a relative's page; linking and unlinking need sight of both
//! too, and are audited without names.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::people::{self, Person, Sight};
use passerelle_core::household;
use serde_json::json;
use uuid::Uuid;

/// A link as seen from one person's page.
#[derive(Debug, Clone)]
pub struct Link {
    pub id: Uuid,
    pub other: Person,
    /// What the other person is to this one (a code of `household::CHOICES`).
    pub relation: String,
}

/// Links `this` to `other`, where `choice` is what `this` is to `other`. Both must be visible to
/// the caller (checked by the caller through `people::get`). A second link between the same two
/// people is refused (`Conflict`).
pub async fn link(tx: &mut Tx, actor: Uuid, this: Uuid, other: Uuid, choice: &str) -> StoreResult<Uuid> {
    let Some((this_first, relation)) = household::normalise(choice) else {
        return Err(StoreError::Invalid(passerelle_core::validate::Problems(vec![
            passerelle_core::validate::FieldError::new("relation", "unknown-choice"),
        ])));
    };
    if this == other {
        return Err(StoreError::Conflict("person_links"));
    }
    let existing: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id FROM person_links WHERE (person_a = $1 AND person_b = $2) OR (person_a = $2 AND person_b = $1)")
        .bind(this).bind(other).fetch_optional(c).await)?;
    if existing.is_some() {
        return Err(StoreError::Conflict("person_links"));
    }
    let (a, b) = if this_first { (this, other) } else { (other, this) };
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query("INSERT INTO person_links (id, person_a, person_b, relation, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id).bind(a).bind(b).bind(relation).bind(actor).bind(now()))?;
    audit::append(tx, Event::new(Some(actor), "person.link", "person").entity(a).detail(json!({"other": b, "relation": relation}))).await?;
    Ok(id)
}

/// The two people of a link, if it exists.
pub async fn ends(tx: &mut Tx, link: Uuid) -> StoreResult<Option<(Uuid, Uuid)>> {
    Ok(on_tx!(tx, c => sqlx::query_as("SELECT person_a, person_b FROM person_links WHERE id = $1").bind(link).fetch_optional(c).await)?)
}

/// Removes a link (the caller has checked sight of both people).
pub async fn unlink(tx: &mut Tx, actor: Uuid, link: Uuid) -> StoreResult<bool> {
    let Some((a, b)) = ends(tx, link).await? else { return Ok(false) };
    exec!(tx, c => sqlx::query("DELETE FROM person_links WHERE id = $1").bind(link))?;
    audit::append(tx, Event::new(Some(actor), "person.unlink", "person").entity(a).detail(json!({"other": b}))).await?;
    Ok(true)
}

/// The links of `person` to people the viewer may see, each named from `person`'s side.
pub async fn of_person(tx: &mut Tx, sight: &Sight, person: Uuid) -> StoreResult<Vec<Link>> {
    let rows: Vec<(Uuid, Uuid, Uuid, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, person_a, person_b, relation FROM person_links WHERE person_a = $1 OR person_b = $1 ORDER BY created_at")
        .bind(person).fetch_all(c).await)?;
    // Stored: a is `relation` to b. Shown on `person`'s page: what the other is to them.
    let named: Vec<(Uuid, Uuid, String)> = rows
        .into_iter()
        .map(|(id, a, b, relation)| if a == person { (id, b, household::reverse(&relation).to_string()) } else { (id, a, relation) })
        .collect();
    // Read together through the sight, so the other person's visibility (restricted, scope)
    // decides: one statement for the whole household rather than one per relative.
    let ids: Vec<Uuid> = named.iter().map(|(_, other, _)| *other).collect();
    let mut seen: std::collections::HashMap<Uuid, Person> = people::get_many(tx, sight, &ids).await?.into_iter().map(|p| (p.id, p)).collect();
    Ok(named.into_iter().filter_map(|(id, other, relation)| Some(Link { id, other: seen.remove(&other)?, relation })).collect())
}
