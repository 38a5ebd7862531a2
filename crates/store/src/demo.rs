//! The demo instance: a fictional small island state, Belleterre, with its parishes, agencies
//! of each kind and one user per role. Everything here is invented.

use crate::agencies::{self, AgencyInput};
use crate::error::StoreResult;
use crate::secrets::hash_password;
use crate::users::{self, UserInput};
use crate::Store;
use passerelle_core::access::Role;

/// The password of every demo account, documented in the README. Only `demo` creates accounts
/// with a known password.
pub const DEMO_PASSWORD: &str = "passerelle-demo";
pub const DEMO_EMAIL_DOMAIN: &str = "demo.passerelle.test";

/// (area code, name) of Belleterre's parishes; the country itself is the level-0 area.
const PARISHES: &[(&str, &str)] = &[
    ("BT-01", "Saint-Aubin"),
    ("BT-02", "Grand-Anse"),
    ("BT-03", "Rivière-Salée"),
    ("BT-04", "Morne-Vert"),
    ("BT-05", "Anse-Corail"),
    ("BT-06", "Pointe-Lumière"),
];

/// (name, kind, sector, parish index, teams)
const AGENCIES: &[(&str, &str, &str, usize, &[&str])] = &[
    ("Ministry of Social Welfare — Social Welfare Division", "ministry", "public", 0, &["Social welfare team Saint-Aubin", "Older persons unit"]),
    ("Child Protection Unit", "child_protection_unit", "public", 0, &["Child protection team North", "Child protection team South"]),
    ("Belleterre Police — Family and Victim Support Unit", "police", "public", 0, &[]),
    ("Grand-Anse Health Centre", "health", "public", 1, &[]),
    ("Solidarité Migrants Belleterre", "ngo", "civil_society", 2, &["Outreach team"]),
    ("Maison des Femmes de Belleterre", "ngo", "civil_society", 3, &[]),
    ("Public Employment Agency", "employment_agency", "public", 0, &["Migrant integration desk"]),
    ("Federation of Social Organisations", "ngo", "civil_society", 0, &["Quality and training"]),
];

/// (email local part, display name, role, agency index, team index within the agency)
const USERS: &[(&str, &str, Role, usize, Option<usize>)] = &[
    ("caseworker", "Amélie Caseworker (demo)", Role::Caseworker, 0, Some(0)),
    ("supervisor", "Samuel Supervisor (demo)", Role::Supervisor, 0, Some(0)),
    ("focalpoint", "Fatou Focal Point (demo)", Role::ServiceFocalPoint, 3, None),
    ("agent", "Yasmina Community Agent (demo)", Role::CommunityAgent, 6, Some(0)),
    ("trainer", "Théo Trainer (demo)", Role::Trainer, 7, Some(0)),
    ("quality", "Quentin Quality Officer (demo)", Role::QualityOfficer, 7, Some(0)),
    ("mne", "Marisol M&E Officer (demo)", Role::MeOfficer, 0, None),
    ("admin", "Ada Administrator (demo)", Role::Administrator, 0, None),
];

/// (area code, name) of the demo's parishes, as the demo directory's sheets name them.
pub fn parishes() -> Vec<(String, String)> {
    PARISHES.iter().map(|(c, n)| (c.to_string(), n.to_string())).collect()
}

pub fn demo_email(local: &str) -> String {
    format!("{local}@{DEMO_EMAIL_DOMAIN}")
}

/// The emails of the demo accounts, one per role, in role order.
pub fn demo_accounts() -> Vec<(String, Role)> {
    USERS.iter().map(|(l, _, r, _, _)| (demo_email(l), *r)).collect()
}

/// Loads the default content every instance starts with where it is
/// missing: the SOP pack and the forms it uses. Run by `serve`, `init` and `demo`.
pub async fn seed_defaults(store: &Store) -> StoreResult<()> {
    let mut tx = store.write().await?;
    crate::sops::seed_default_pack(&mut tx).await?;
    crate::forms::seed_shipped(&mut tx).await?;
    tx.commit().await
}

/// Loads the demo setup when the instance has no users yet. Returns whether it loaded.
pub async fn load_if_empty(store: &Store) -> StoreResult<bool> {
    let mut tx = store.write().await?;
    if users::count_users(&mut tx).await? > 0 {
        return Ok(false);
    }
    let country = agencies::create_area(&mut tx, None, "BT", "Belleterre", 0, None).await?;
    let mut parishes = Vec::new();
    for (code, name) in PARISHES {
        parishes.push(agencies::create_area(&mut tx, None, code, name, 1, Some(country.id)).await?);
    }
    let mut agency_teams = Vec::new();
    for (name, kind, sector, parish, teams) in AGENCIES {
        let input = AgencyInput {
            name: name.to_string(),
            kind: kind.to_string(),
            sector: sector.to_string(),
            area_id: Some(parishes[*parish].id),
        };
        let agency = agencies::create_agency(&mut tx, None, &input).await?;
        let mut ts = Vec::new();
        for t in *teams {
            ts.push(agencies::create_team(&mut tx, None, agency.id, t).await?);
        }
        agency_teams.push((agency, ts));
    }
    let parish_codes: Vec<(String, String)> = parishes.iter().map(|p| (p.code.clone(), p.name.clone())).collect();
    let all_agencies: Vec<agencies::Agency> = agency_teams.iter().map(|(a, _)| a.clone()).collect();
    crate::demo_directory::load(&mut tx, &parish_codes, &all_agencies, crate::db::now().date_naive()).await?;
    crate::referrals::demo_pathways(&mut tx).await?;
    for (i, input) in crate::demo_directory::communities().into_iter().enumerate() {
        let area = [2usize, 4, 0].get(i).and_then(|p| parishes.get(*p)).map(|a| a.id);
        crate::communities::create(&mut tx, None, &crate::communities::CommunityInput { area_id: area, ..input }).await?;
    }
    // One hash for all demo accounts: argon2 is deliberately slow, and they share a password.
    let hash = hash_password(DEMO_PASSWORD);
    let mut staff = Vec::new();
    let mut trainer = None;
    let mut created = Vec::new();
    let mut caseworker = None;
    for (local, display, role, agency, team) in USERS {
        let (a, ts) = &agency_teams[*agency];
        let input = UserInput {
            email: demo_email(local),
            display_name: display.to_string(),
            agency_id: Some(a.id),
            team_id: team.map(|t| ts[t].id),
            roles: vec![role.code().to_string()],
            language: None,
        };
        let user = users::create_user(&mut tx, None, &input, Some(&hash), false).await?;
        created.push((*role, user.clone()));
        // Administrators run the system; the others are the staff the programme trains.
        if *role != Role::Administrator {
            staff.push((user.id, user.agency_id));
        }
        if *role == Role::Caseworker {
            caseworker = Some(crate::responses::Author { id: user.id, agency_id: user.agency_id, team_id: user.team_id });
        }
        if *role == Role::Trainer {
            trainer = Some(crate::responses::Author { id: user.id, agency_id: user.agency_id, team_id: user.team_id });
        }
    }
    // Indicators: a year of past cases for the dashboards, and a validated quality assessment.
    {
        let by_role = |r: Role| created.iter().find(|(role, _)| *role == r).map(|(_, u)| u.clone());
        if let (Some(cw), Some(q), Some(sup)) = (by_role(Role::Caseworker), by_role(Role::QualityOfficer), by_role(Role::Supervisor)) {
            let areas: Vec<uuid::Uuid> = parishes.iter().map(|p| p.id).collect();
            let agency = cw.agency_id.unwrap_or(agency_teams[0].0.id);
            let caseloads = [(cw.id, agency, cw.team_id, "social_welfare"), (cw.id, agency, cw.team_id, "child_protection")];
            crate::indicators::demo::load(&mut tx, &caseloads, &areas, 25).await?;
            crate::indicators::demo::assessment(&mut tx, &q, sup.id, agency_teams[5].0.id).await?;
        }
    }
    // The federation (the last agency) runs the training programme.
    if let (Some((federation, _)), Some(trainer)) = (agency_teams.last(), trainer) {
        let today = crate::db::now().date_naive();
        crate::training::demo::load(&mut tx, &staff, &trainer, federation.id, today).await?;
    }
    // Fictional victims' cases and screenings, held by the demo caseworker.
    if let Some(caseworker) = caseworker {
        crate::demo_trafficking::load(&mut tx, &caseworker, crate::db::now().date_naive()).await?;
    }
    crate::outreach::demo::load(&mut tx, &demo_email("agent"), crate::db::now().date_naive()).await?;
    tx.commit().await?;
    Ok(true)
}
