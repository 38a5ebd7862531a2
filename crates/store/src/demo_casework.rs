//! Demo casework for the demo caseworker: a FICTIONAL family (generated names, no real person)
//! with functioning (Washington Group) answers, household links, a social-welfare case with a
//! structured case plan (one action overdue) and follow-up visits (the next one overdue), so the
//! person, plan and case pages show something.

use crate::case_plan::{self, ActionInput};
use crate::cases;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::people::{self, PersonInput, Sight};
use crate::responses::Author;
use crate::users::Viewer;
use crate::visits::{self, VisitInput};
use chrono::{Duration, NaiveDate};
use passerelle_core::access::Scope;
use passerelle_core::sop::RiskLevel;
use std::collections::BTreeMap;

/// (given, family, sex, age, external id, WG answers in the order seeing, hearing, walking,
/// cognition, self-care, communication)
type Member = (&'static str, &'static str, &'static str, u8, &'static str, [&'static str; 6]);

const FAMILY: &[Member] = &[
    ("Mireille", "Démo-Lagune", "female", 34, "DEMO-SW-001", ["no_difficulty", "no_difficulty", "a_lot_of_difficulty", "no_difficulty", "some_difficulty", "no_difficulty"]),
    ("Théo", "Démo-Lagune", "male", 9, "DEMO-SW-002", ["some_difficulty", "no_difficulty", "no_difficulty", "no_difficulty", "no_difficulty", "no_difficulty"]),
    ("Inès", "Démo-Lagune", "female", 6, "DEMO-SW-003", ["no_difficulty", "no_difficulty", "no_difficulty", "no_difficulty", "no_difficulty", "dont_know"]),
];

/// Loads the demo family and its case for `caseworker`.
pub async fn load(tx: &mut Tx, caseworker: &Author, today: NaiveDate) -> StoreResult<()> {
    let viewer = Viewer { id: caseworker.id, agency_id: caseworker.agency_id, team_id: caseworker.team_id, scope: Scope::Own };
    let sight = Sight { viewer, supervises: None };
    let Some(sop) = crate::sops::latest(tx, "social_welfare").await? else { return Ok(()) };
    // The family lives in the first area under the country, so the area filters find them.
    let areas = crate::agencies::list_areas(tx).await?;
    let area = areas.iter().find(|a| a.level == 1).or(areas.first()).map(|a| a.id);
    let mut ids = Vec::new();
    for (given, family, sex, age, external_id, answers) in FAMILY {
        let input = PersonInput {
            given_names: (*given).into(),
            family_names: (*family).into(),
            sex: (*sex).into(),
            age_estimate: age.to_string(),
            nationality: "HTI".into(),
            migration_status: "regular_migrant".into(),
            area_id: area,
            external_id: (*external_id).into(),
            ..Default::default()
        };
        let checked = people::check(&input, today).map_err(StoreError::Invalid)?;
        let person = people::register(tx, &viewer, checked).await?;
        let fields: BTreeMap<String, String> = ["seeing", "hearing", "walking", "cognition", "self_care", "communication"]
            .iter()
            .zip(answers)
            .map(|(d, a)| (format!("wg_{d}"), (*a).to_string()))
            .collect();
        let asked_on = (today - Duration::days(40)).format("%Y-%m-%d").to_string();
        let (on, set) = crate::functioning::check(&asked_on, &fields, today).map_err(StoreError::Invalid)?;
        crate::functioning::record(tx, caseworker.id, person.id, on, set).await?;
        ids.push(person.id);
    }
    let [mother, son, daughter] = ids[..] else { return Ok(()) };
    crate::households::link(tx, caseworker.id, mother, son, "parent").await?;
    crate::households::link(tx, caseworker.id, mother, daughter, "parent").await?;
    crate::households::link(tx, caseworker.id, son, daughter, "sibling").await?;

    let case = cases::open(tx, &sight, mother, &sop.sop, RiskLevel::Medium, false).await?;
    let day = |offset: i64| (today + Duration::days(offset)).format("%Y-%m-%d").to_string();
    let housing = case_plan::add_goal(tx, caseworker.id, &case, "Safe and dry housing for the family").await?;
    for (description, due, status) in [
        ("Apply for the housing repair grant", -5, "in_progress"),
        ("Visit the landlord with the family", 10, "planned"),
    ] {
        let input = ActionInput { description: description.into(), who: format!("user:{}", caseworker.id), due_on: day(due), status: status.into() };
        case_plan::add_action(tx, caseworker.id, &case, housing, &input).await?;
    }
    let school = case_plan::add_goal(tx, caseworker.id, &case, "Both children attend school").await?;
    let input = ActionInput { description: "Enrol Inès at the primary school".into(), who: String::new(), due_on: day(-20), status: "done".into() };
    case_plan::add_action(tx, caseworker.id, &case, school, &input).await?;

    for (offset, kind, place, seen, next) in [
        (-35, "home_visit", "Family home, lower town", "Roof leaking over the children's room; mother walks with difficulty.", Some(-21)),
        (-21, "phone_call", "", "Grant form sent; school enrolment confirmed for Inès.", Some(-7)),
    ] {
        let input = VisitInput {
            visited_on: day(offset),
            kind: kind.into(),
            place: place.into(),
            who_went: "Amélie Caseworker (demo)".into(),
            seen: seen.into(),
            next_on: next.map(day).unwrap_or_default(),
        };
        visits::record(tx, caseworker.id, &case, &input, today).await?;
    }
    Ok(())
}
