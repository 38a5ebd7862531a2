//! Demo history for the dashboards: fictional people and their past cases over the last
//! year, in two agencies, with steps done on time, late or not yet, plans approved, cases
//! closed; and a validated quality assessment. Generated from a fixed seed, so that every demo
//! instance shows the same figures. Everything here is invented.

use super::history::{self, PastCase, PastPerson};
use crate::db::{now, Tx};
use crate::error::StoreResult;
use crate::sops;
use chrono::{Duration, Utc};
use uuid::Uuid;

/// A small fixed-seed generator (a linear congruential one): enough to vary demo data.
struct Dice(u64);

impl Dice {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

const GIVEN: &[&str] = &["Alix", "Bao", "Célia", "Dário", "Esmé", "Farid", "Gaëlle", "Hugo", "Inès", "Jonas", "Kadi", "Lino"];
const FAMILY: &[&str] = &["Demo-Anse", "Demo-Corail", "Demo-Morne", "Demo-Pointe", "Demo-Rivière", "Demo-Vert"];
const SEXES: &[&str] = &["female", "male", "female", "male", "other"];
const STATUSES: &[&str] = &["national", "national", "regular_migrant", "irregular_migrant", "asylum_seeker", "refugee"];
const NATIONALITIES: &[&str] = &["BT", "BT", "HT", "DO", "VE", "SN"];

/// `who`: (caseworker id, agency id, team id, sop id) per caseload; `areas`: parishes.
pub async fn load(tx: &mut Tx, who: &[(Uuid, Uuid, Option<Uuid>, &str)], areas: &[Uuid], per_caseload: usize) -> StoreResult<()> {
    let mut dice = Dice(20251126);
    let today = now();
    for (caseworker, agency, team, sop_id) in who {
        let Some(published) = sops::latest(tx, sop_id).await? else { continue };
        let sop = published.sop;
        for _ in 0..per_caseload {
            let opened_at = today - Duration::days(10 + dice.next(360) as i64) - Duration::hours(dice.next(10) as i64);
            let child = *sop_id == "child_protection";
            let age = if child { 1 + dice.next(17) } else { 18 + dice.next(60) };
            let year = opened_at.format("%Y").to_string().parse::<u64>().unwrap_or(2025).saturating_sub(age);
            let person = PastPerson {
                given_names: GIVEN[dice.next(GIVEN.len() as u64) as usize].to_string(),
                family_names: FAMILY[dice.next(FAMILY.len() as u64) as usize].to_string(),
                sex: Some(SEXES[dice.next(SEXES.len() as u64) as usize].to_string()),
                birth_date: Some(format!("{year:04}-{:02}-{:02}", 1 + dice.next(12), 1 + dice.next(28))),
                nationality: Some(NATIONALITIES[dice.next(NATIONALITIES.len() as u64) as usize].to_string()),
                migration_status: STATUSES[dice.next(STATUSES.len() as u64) as usize].to_string(),
                area_id: areas.get(dice.next(areas.len() as u64) as usize).copied(),
            };
            let risk = ["low", "medium", "high", "critical"][dice.next(4) as usize];
            // Steps one after the other, each a few days after the previous, sometimes late;
            // the case stops somewhere, or runs to its closure.
            let reach = 1 + dice.next(sop.steps.len() as u64) as usize;
            let mut at = opened_at;
            let mut steps = Vec::new();
            let mut approvals = Vec::new();
            for step in sop.steps.iter().take(reach) {
                // Mostly within a few days; one step in four takes up to three weeks.
                let spread = if dice.next(4) == 0 { 20 } else { 4 };
                at += Duration::hours(2 + dice.next(24 * spread) as i64);
                if at > today {
                    break;
                }
                if !step.approvals.is_empty() {
                    approvals.push((step.id.clone(), at));
                }
                steps.push((step.id.clone(), at));
            }
            let closed = steps.len() == sop.steps.len();
            let case = PastCase {
                sop_id: sop.id.clone(),
                sop_version: sop.version,
                risk: risk.to_string(),
                caseworker: *caseworker,
                agency_id: Some(*agency),
                team_id: *team,
                opened_at,
                closed_at: closed.then_some(at.min(Utc::now())),
                steps,
                approvals,
            };
            history::record(tx, None, &person, &case).await?;
        }
    }
    Ok(())
}

/// A validated self-assessment of `agency` for last year against the shipped referential:
/// the quality officer rates it, a supervisor validates it.
pub async fn assessment(tx: &mut Tx, quality: &crate::users::User, validator: Uuid, agency: Uuid) -> StoreResult<()> {
    use passerelle_core::indicators::{default_referential, load_referential, Codes, Measure, Period, QualitativeAnswer};
    use passerelle_core::sop::{default_pack, load_pack, Known};
    use super::assessments;
    let Ok(sops) = load_pack(&default_pack(), &Known::default()) else { return Ok(()) };
    let Ok(r) = load_referential(&default_referential(), &Codes::from_sops(&sops)) else { return Ok(()) };
    let viewer = crate::users::Viewer { id: quality.id, agency_id: quality.agency_id, team_id: quality.team_id, scope: passerelle_core::access::Scope::All };
    let last_year = Period::Year(now().date_naive().format("%Y").to_string().parse::<i32>().unwrap_or(2026) - 1);
    let id = assessments::create(tx, &viewer, agency, (r.id.as_str(), r.version), last_year).await?;
    let mut qualitative = Vec::new();
    for (n, (_, _, _, i)) in r.indicators().into_iter().enumerate() {
        let Measure::Qualitative(q) = &i.measure else { continue };
        let Some(a) = assessments::get(tx, &viewer, id).await? else { return Ok(()) };
        let answer = QualitativeAnswer {
            level: (2 + n as u32 % 3).min(q.scale.len() as u32),
            evidence: vec!["Demo: internal rules, visit report (fictional)".into()],
            comment: "Demo assessment (fictional).".into(),
        };
        let _ = assessments::answer(tx, quality.id, &a, &i.id, q, &answer).await?;
        qualitative.push(i.id.clone());
    }
    let Some(a) = assessments::get(tx, &viewer, id).await? else { return Ok(()) };
    let names: Vec<&str> = qualitative.iter().map(String::as_str).collect();
    let _ = assessments::submit(tx, quality.id, &a, &names, &[]).await?;
    let Some(a) = assessments::get(tx, &viewer, id).await? else { return Ok(()) };
    let _ = assessments::decide(tx, validator, &a, true, "").await?;
    Ok(())
}
