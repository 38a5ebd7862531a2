//! The national workforce and directory a generated register is spread over: at a million
//! people, a thousand caseworkers in a hundred teams of twenty agencies, and ten thousand
//! services. The demo's caseworker, supervisor and agency are the first of each, so the
//! benchmark signs in as an ordinary caseworker (a thousandth of the register) and an
//! ordinary supervisor (a team of ten), not as someone who holds every case.

use anyhow::{Context, Result};
use passerelle_core::access::{scope_for, Permission, Role, Scope};
use passerelle_store::agencies::{self, AgencyInput};
use passerelle_store::people::Sight;
use passerelle_store::users::{self, User, UserInput, Viewer};
use passerelle_store::{demo, demo_directory, Store};
use std::collections::HashMap;
use uuid::Uuid;

/// Caseworkers in a team (one supervisor each) and teams in an agency.
pub const TEAM_SIZE: usize = 10;
pub const TEAMS_PER_AGENCY: usize = 5;

/// Where caseworker `w` works: (team, agency), counted from the demo's first team and agency.
pub fn placement(w: usize) -> (usize, usize) {
    let team = w / TEAM_SIZE;
    (team, team / TEAMS_PER_AGENCY)
}

/// How many caseworkers hold `people` cases, `per_caseworker` each (at least one).
pub fn caseworkers_for(people: u64, per_caseworker: u64) -> usize {
    people.div_ceil(per_caseworker.max(1)).max(1) as usize
}

/// What a user may see of cases, as the pages compute it.
pub fn sight_of(user: &User) -> Sight {
    Sight {
        viewer: Viewer { id: user.id, agency_id: user.agency_id, team_id: user.team_id, scope: scope_for(&user.roles, Permission::ViewCases).unwrap_or(Scope::Own) },
        supervises: scope_for(&user.roles, Permission::ApproveCases).and(user.team_id),
    }
}

pub async fn account(store: &Store, email: &str) -> Result<User> {
    let mut tx = store.read().await?;
    users::find_by_email(&mut tx, email).await?.with_context(|| format!("no account {email}"))
}

/// The caseworkers 0..count (0 is the demo caseworker), their teams, supervisors and agencies,
/// created where missing (a second `demo --scale` finds them by name and email). Generated
/// accounts share the demo password, so anyone running the bench can sign in as one.
pub async fn caseworkers(store: &Store, count: usize) -> Result<Vec<Sight>> {
    let first = account(store, &demo::demo_email("caseworker")).await?;
    let (Some(agency0), Some(team0)) = (first.agency_id, first.team_id) else { anyhow::bail!("the demo caseworker has no team") };
    let teams = count.div_ceil(TEAM_SIZE);
    let mut tx = store.write().await?;
    let areas: Vec<Uuid> = agencies::list_areas(&mut tx).await?.into_iter().filter(|a| a.level == 1).map(|a| a.id).collect();
    let mut by_name: HashMap<String, Uuid> = agencies::list_agencies(&mut tx).await?.into_iter().map(|a| (a.name, a.id)).collect();
    let mut agency_ids = vec![agency0];
    for a in 1..teams.div_ceil(TEAMS_PER_AGENCY) {
        let name = format!("Social services office {a:03} (generated)");
        let id = match by_name.get(&name) {
            Some(id) => *id,
            None => {
                let input = AgencyInput { name: name.clone(), kind: "ministry".into(), sector: "public".into(), area_id: areas.get(a % areas.len().max(1)).copied() };
                agencies::create_agency(&mut tx, None, &input).await?.id
            }
        };
        by_name.insert(name, id);
        agency_ids.push(id);
    }
    let hash = passerelle_store::secrets::hash_password(demo::DEMO_PASSWORD);
    let mut team_ids = vec![team0];
    for t in 1..teams {
        let agency = agency_ids[t / TEAMS_PER_AGENCY];
        let name = format!("Casework team {t:03} (generated)");
        let existing = agencies::list_teams(&mut tx, Some(agency)).await?.into_iter().find(|x| x.name == name);
        let team = match existing {
            Some(x) => x.id,
            None => agencies::create_team(&mut tx, None, agency, &name).await?.id,
        };
        team_ids.push(team);
        staff(&mut tx, &format!("supervisor-{t:04}"), &format!("Supervisor {t:04} (generated)"), Role::Supervisor, agency, team, &hash).await?;
    }
    let mut sights = vec![sight_of(&first)];
    for w in 1..count {
        let (t, a) = placement(w);
        let user = staff(&mut tx, &format!("caseworker-{w:04}"), &format!("Caseworker {w:04} (generated)"), Role::Caseworker, agency_ids[a], team_ids[t], &hash).await?;
        sights.push(sight_of(&user));
    }
    tx.commit().await?;
    Ok(sights)
}

async fn staff(tx: &mut passerelle_store::db::Tx, local: &str, name: &str, role: Role, agency: Uuid, team: Uuid, hash: &str) -> Result<User> {
    let email = demo::demo_email(local);
    if let Some(user) = users::find_by_email(tx, &email).await? {
        return Ok(user);
    }
    let input = UserInput { email, display_name: name.into(), agency_id: Some(agency), team_id: Some(team), roles: vec![role.code().to_string()], language: None };
    Ok(users::create_user(tx, None, &input, Some(hash), false).await?)
}

/// Grows the directory to at least `wanted` services with local offices of the demo's
/// organisations, through the directory's import. Returns the services it holds.
pub async fn directory(store: &Store, wanted: usize) -> Result<usize> {
    let mut tx = store.write().await?;
    let parishes: Vec<(String, String)> = agencies::list_areas(&mut tx).await?.into_iter().filter(|a| a.level == 1).map(|a| (a.code, a.name)).collect();
    let filter = passerelle_store::directory::ServiceFilter::default();
    let held = passerelle_store::directory::service_ids(&mut tx, &filter).await?.len();
    let per_branch = demo_directory::services_per_branch(&parishes).max(1);
    let held_branches = held / per_branch;
    let wanted_branches = wanted.div_ceil(per_branch).max(held_branches);
    // Ten branches (about a thousand services) per transaction.
    let mut b = held_branches.max(1);
    let mut total = held;
    while b < wanted_branches {
        let end = (b + 10).min(wanted_branches);
        total += demo_directory::load_branches(&mut tx, &parishes, b..end, passerelle_store::db::now().date_naive()).await?;
        b = end;
    }
    tx.commit().await?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caseworkers_fill_teams_and_teams_fill_agencies() {
        assert_eq!(placement(0), (0, 0));
        assert_eq!(placement(TEAM_SIZE - 1), (0, 0));
        assert_eq!(placement(TEAM_SIZE), (1, 0));
        assert_eq!(placement(TEAM_SIZE * TEAMS_PER_AGENCY), (TEAMS_PER_AGENCY, 1));
        // A million people at a thousand each: a thousand caseworkers, a hundred teams, twenty agencies.
        let w = caseworkers_for(1_000_000, 1_000);
        assert_eq!(w, 1_000);
        assert_eq!(placement(w - 1), (99, 19));
        assert_eq!(caseworkers_for(60, 1_000), 1);
        assert_eq!(caseworkers_for(0, 1_000), 1);
        assert_eq!(caseworkers_for(61, 5), 13);
    }
}
