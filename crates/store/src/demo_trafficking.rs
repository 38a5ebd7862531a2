//! Demo counter-trafficking data: a few screenings and victims' cases with HTCDS records, all
//! FICTIONAL (generated names, no real person), enough for the task-force page to show
//! figures and hide some small cells.

use crate::cases;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::people::{self, PersonInput, Sight};
use crate::responses::{self, Author};
use crate::trafficking::{self, Informed};
use crate::users::Viewer;
use chrono::{Datelike, NaiveDate};
use passerelle_core::access::Scope;
use passerelle_core::sop::RiskLevel;
use passerelle_core::trafficking::htcds::*;
use passerelle_core::trafficking::screening::{Definition, BUNDLED_DEFINITION};
use serde_json::json;
use std::collections::BTreeSet;


/// (given, family, sex, age, citizenship, exploitation, sector, means, country of
/// exploitation, years ago registered, identified, consent to statistics)
type Victim = (&'static str, &'static str, &'static str, u8, &'static str, ExploitationType, Option<IsicSection>, &'static [MeansOfControl], &'static str, i32, bool, bool);

use passerelle_core::trafficking::htcds::ExploitationType::{ForcedLabour as FL, SexualExploitation as SE, ForcedBegging as FB};
use passerelle_core::trafficking::htcds::IsicSection::{A, F, I, T};
use passerelle_core::trafficking::htcds::MeansOfControl::{DebtBondage as DB, TakesEarnings as TE, Threats as TH, WithholdsDocuments as WD, RestrictsMovement as RM, ExcessiveWorkingHours as EW};

const VICTIMS: &[Victim] = &[
    ("Lise", "Démo-Jardin", "female", 24, "HTI", FL, Some(T), &[WD, TE, EW], "BLT", 1, true, true),
    ("Marie", "Démo-Rivière", "female", 31, "HTI", FL, Some(T), &[WD, RM], "BLT", 1, true, true),
    ("Jean", "Démo-Colline", "male", 28, "HTI", FL, Some(A), &[DB, TE], "BLT", 1, true, true),
    ("Rosa", "Démo-Sendero", "female", 19, "DOM", SE, None, &[TH, WD], "BLT", 1, true, true),
    ("Paul", "Démo-Morne", "male", 35, "HTI", FL, Some(F), &[DB, EW], "BLT", 1, true, true),
    ("Nadia", "Démo-Savane", "female", 22, "VEN", SE, None, &[TH, RM], "BLT", 1, true, false),
    ("Samuel", "Démo-Plaine", "male", 41, "HTI", FL, Some(A), &[TE, EW], "BLT", 1, true, true),
    ("Ana", "Démo-Caminos", "female", 27, "VEN", FL, Some(I), &[WD, TE], "BLT", 1, true, true),
    ("Joseph", "Démo-Baie", "male", 16, "HTI", FB, None, &[TH], "BLT", 1, true, true),
    ("Claire", "Démo-Source", "female", 26, "HTI", FL, Some(T), &[WD, EW], "BLT", 0, true, true),
    ("Marc", "Démo-Pointe", "male", 33, "HTI", FL, Some(A), &[DB], "BLT", 0, true, true),
    ("Lucía", "Démo-Playa", "female", 23, "DOM", SE, None, &[TH, TE], "DOM", 0, true, true),
    ("Pierre", "Démo-Anse", "male", 29, "HTI", FL, Some(F), &[WD, DB], "BLT", 0, true, true),
    ("Esther", "Démo-Vallon", "female", 38, "HTI", FL, Some(T), &[RM, EW], "BLT", 0, true, true),
    ("Rose", "Démo-Ravine", "female", 20, "HTI", SE, None, &[TH], "BLT", 0, false, true),
    ("Yves", "Démo-Cap", "male", 45, "HTI", FL, Some(A), &[TE], "BLT", 0, false, false),
];

/// Adult labour screenings: which indicators the interviewer ticked, and where met.
const SCREENINGS: &[(&str, &[&str], &[&str])] = &[
    ("in_person", &["deceived_nature_of_job", "deceived_wages_earnings"], &["confiscation_of_documents", "isolation_confinement_surveillance", "excessive_working_days_hours", "low_or_no_salary"]),
    ("hotline", &["deceived_conditions_of_work"], &["withholding_of_wages"]),
    ("outreach", &[], &[]),
];

fn person_input(given: &str, family: &str, sex: &str, age: u8, nationality: &str) -> PersonInput {
    PersonInput {
        given_names: given.into(),
        family_names: family.into(),
        sex: sex.into(),
        age_estimate: age.to_string(),
        nationality: nationality.into(),
        migration_status: "irregular_migrant".into(),
        restricted: true,
        ..Default::default()
    }
}

/// Loads the demo victims and screenings for `caseworker` (who opens and holds the cases).
pub async fn load(tx: &mut Tx, caseworker: &Author, today: NaiveDate) -> StoreResult<()> {
    let viewer = Viewer { id: caseworker.id, agency_id: caseworker.agency_id, team_id: caseworker.team_id, scope: Scope::Own };
    let sight = Sight { viewer, supervises: None };
    let Some(sop) = crate::sops::latest(tx, "trafficking").await? else { return Ok(()) };
    for (i, v) in VICTIMS.iter().enumerate() {
        let (given, family, sex, age, citizenship, kind, sector, means, country, years_ago, identified, statistics) = *v;
        let checked = people::check(&person_input(given, family, sex, age, citizenship), today).map_err(StoreError::Invalid)?;
        let person = people::register(tx, &viewer, checked).await?;
        let case = cases::open(tx, &sight, person.id, &sop.sop, RiskLevel::High, true).await?;
        let year = today.year() - years_ago;
        // Spread over the year, never after today.
        let registered_on = NaiveDate::from_ymd_opt(year, 1 + (i as u32 * 5) % 12, 1 + (i as u32 * 7) % 27).filter(|d| *d <= today).unwrap_or(today);
        let code = |c: &str| CountryCode::new(c).map_err(|e| StoreError::Config(e.0));
        let mut purposes: BTreeSet<ConsentPurpose> = [ConsentPurpose::Assistance, ConsentPurpose::ReferralToServices].into();
        if statistics {
            purposes.insert(ConsentPurpose::AnonymisedStatistics);
        }
        let record = VictimRecord {
            case_id: case.id,
            registered_on,
            status: StatusDecision {
                status: if identified { TraffickingStatus::ActualVictim } else { TraffickingStatus::PossibleVictim },
                decided_by: OrganisationType::NationalReferralMechanism,
                decided_on: identified.then_some(registered_on),
            },
            gender: Some(if sex == "female" { Gender::Feminine } else { Gender::Masculine }),
            age_at_identification: Some(age),
            age_when_trafficked: Some(age.saturating_sub(1)),
            citizenship: Some(code(citizenship)?),
            recruitment: Recruitment {
                methods: [RecruitmentMethod::JobOffer].into(),
                relationship: [RelationshipToTrafficker::Acquaintance].into(),
                place: Place { country: Some(code(citizenship)?), area: None },
                date: None,
            },
            exploitation: Exploitation {
                types: [kind].into(),
                labour_sectors: sector.into_iter().collect(),
                sex_types: if kind == SE { [SexExploitationType::Prostitution].into() } else { BTreeSet::new() },
                means_of_control: means.iter().copied().collect(),
                place: Place { country: Some(code(country)?), area: None },
                started_on: None,
                ended_on: None,
            },
            support_plan: [SupportCategory::Accommodation, SupportCategory::Medical, SupportCategory::Legal].into(),
            case_status: CaseStatus::Active,
            consents: vec![ConsentRecord {
                given: true,
                purposes,
                given_by: if age < 18 { ConsentGivenBy::AppointedGuardian } else { ConsentGivenBy::Person },
                recorded_on: registered_on,
                recorded_by: caseworker.id,
                language: "fr".into(),
                interpreter: citizenship != "HTI",
                withdrawn_on: None,
            }],
        };
        let informed = Informed { purpose: true, uses: true, research: statistics, right_to_see: true, retention: true, withdrawal: true };
        trafficking::save_record(tx, caseworker.id, &record, informed, None).await?;
        // The first steps done for most: what the task force counts as assistance received.
        let mut steps = vec!["immediate_safety", "shelter"];
        if i % 3 != 0 {
            steps.push("medical_care");
        }
        for step in steps {
            exec!(tx, c => sqlx::query("INSERT INTO case_steps (case_id, step_id, completed_by, completed_at) VALUES ($1, $2, $3, $4)")
                .bind(case.id).bind(step).bind(caseworker.id).bind(crate::db::now()))?;
        }
    }
    // Screenings, scored as the web page scores them.
    let Some(form) = crate::forms::latest(tx, trafficking::SCREENING_FORM).await? else { return Ok(()) };
    let version = form.form.version.clone().unwrap_or_default();
    let definition = Definition::parse(BUNDLED_DEFINITION).map_err(|e| StoreError::Config(e.to_string()))?;
    for (channel, recruitment, destination) in SCREENINGS {
        let answers = json!({
            "screening_date": today.to_string(), "channel": channel, "screening_place": if *channel == "outreach" { "outreach" } else { "office" },
            "interpreter": "not_needed", "consent": "yes", "age_group": "adult", "exploitation": "labour", "stage": "exited",
            "adult_labour_recruitment": recruitment.join(" "), "adult_labour_destination": destination.join(" "),
        });
        let response = responses::submit(tx, caseworker, trafficking::SCREENING_FORM, &version, &answers, None).await?;
        let Some(screening) = trafficking::screening_from_answers(&answers) else { continue };
        let result = definition.score(&screening).map_err(|e| StoreError::Config(e.to_string()))?;
        trafficking::record_screening(tx, caseworker, response, None, channel, &screening, &result).await?;
    }
    Ok(())
}

