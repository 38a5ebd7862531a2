//! `passerelle demo --scale N`: the demo instance grown to N generated (fictional) people for the
//! benchmark (`bench/`). Everything goes through the store functions the pages use (registration
//! with its match keys, cases under the shipped SOPs, steps, notes, case plans, referrals and
//! their status changes, with their audit entries), so the data looks like what the app itself
//! writes. Names come from `passerelle_core::matching::generator`, which also plants known
//! duplicates: their truth (person id, cluster) can be written to a CSV so duplicate detection
//! can be scored. One transaction per batch keeps memory flat and lets a bulk load run at full
//! speed.
//!
//! Per person: a case (under each SOP in turn, at every stage), a case plan of one goal and five
//! actions (the register's tasks: 5M at 1M people), the forms of each step done, answered
//! (`passerelle_core::forms::sample`: answers the form's own validation takes; a trafficking
//! screening scored as the fill page scores it), a visit on every other case, two referrals
//! (2M), a note on every third case; and households: each caseworker's people in fours, a head
//! with a partner and two children. The cases are spread over a national workforce
//! (`workforce`): a caseworker per thousand people by default.

mod workforce;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use indicatif::{ProgressBar, ProgressStyle};
use passerelle_core::forms::{sample, validate, Form};
use passerelle_core::matching::generator::{GeneratedPerson, Generator, GeneratorConfig};
use passerelle_core::matching::{BirthDate, Sex};
use passerelle_core::referral::{Side, Status};
use passerelle_core::sop::{RiskLevel, Sop};
use passerelle_store::case_plan::{self, ActionInput, Who};
use passerelle_store::people::{self, PersonInput};
use passerelle_store::referrals::{self, NewReferral};
use passerelle_store::visits::{self, VisitInput};
use passerelle_store::{cases, demo, directory, forms, households, responses, sops, Store};
use passerelle_web::pages::trafficking::screening;
use std::io::Write;
use std::path::Path;
use std::time::Instant;
use uuid::Uuid;

const BATCH: u64 = 1_000;
/// People a household: a head, a partner, two children.
const HOUSEHOLD: usize = 4;
const STATUSES: &[&str] = &["national", "regular_migrant", "irregular_migrant", "asylum_seeker", "refugee", "stateless", "unknown"];
const LANGUAGES: &[&str] = &["fr", "en", "es", "ht", "ar", "fr, ht", "en, es"];
const RISKS: &[RiskLevel] = &[RiskLevel::Low, RiskLevel::Medium, RiskLevel::High];

/// The generator's settings for a seed: a tenth of the records are duplicates of another.
pub fn generator(seed: u64) -> Generator<'static> {
    Generator::builtin(GeneratorConfig {
        seed,
        duplicate_rate: 0.1,
        reference_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
    })
}

/// What the registration form would have received for a generated person.
pub fn input_of(g: &GeneratedPerson, today: NaiveDate) -> PersonInput {
    let r = &g.record;
    let (birth_date, age_estimate) = match r.birth {
        Some(BirthDate::Exact(d)) => (d.to_string(), String::new()),
        Some(BirthDate::EstimatedYear(y)) => (String::new(), (today.year() - y).max(0).to_string()),
        None => (String::new(), String::new()),
    };
    let i = g.index as usize;
    PersonInput {
        given_names: r.given_names.clone(),
        family_names: r.family_names.clone(),
        other_names: r.other_names.join("\n"),
        sex: match r.sex {
            Some(Sex::Female) => "female",
            Some(Sex::Male) => "male",
            Some(Sex::Other) => "other",
            None => "",
        }
        .to_string(),
        birth_date,
        age_estimate,
        nationality: r.nationality.clone().unwrap_or_default(),
        migration_status: STATUSES[i % STATUSES.len()].to_string(),
        languages: LANGUAGES[i % LANGUAGES.len()].to_string(),
        phone: r.phone.clone().unwrap_or_default(),
        external_id: r.external_id.clone().unwrap_or_default(),
        ..Default::default()
    }
}

/// How large the generated register is and how it is spread.
pub struct Scale {
    pub people: u64,
    pub seed: u64,
    /// People (each with a case) per caseworker.
    pub per_caseworker: u64,
    /// Services the directory grows to (the demo's hundred at least).
    pub services: usize,
}

impl Scale {
    /// A caseworker per thousand people and a service per hundred: 1,000 caseworkers and
    /// 10,000 services at a million people.
    pub fn new(people: u64, seed: u64) -> Scale {
        Scale { people, seed, per_caseworker: 1_000, services: (people / 100) as usize }
    }
}

/// The plan's tasks, one goal's five actions: (description, who does it).
const ACTIONS: &[(&str, Assignee)] = &[
    ("Accompany to the health centre (generated).", Assignee::Caseworker),
    ("Follow up the referral to the service (generated).", Assignee::Service),
    ("Renew the residence document (generated).", Assignee::Agency),
    ("Enrol the children at school (generated).", Assignee::Nobody),
    ("Home visit with the family (generated).", Assignee::Caseworker),
];

#[derive(Clone, Copy)]
enum Assignee {
    Caseworker,
    Service,
    Agency,
    Nobody,
}

/// The moves from `requested` that end at `target` (the referrer's moves are theirs, the
/// others the receiving service's).
fn path_to(target: Status) -> &'static [Status] {
    use Status::*;
    match target {
        Draft | Requested => &[],
        Accepted => &[Accepted],
        Rejected => &[Rejected],
        InProgress => &[Accepted, InProgress],
        OnHold => &[Accepted, OnHold],
        Completed => &[Accepted, InProgress, Completed],
        Cancelled => &[Cancelled],
        Failed => &[Accepted, Failed],
    }
}

/// Loads the demo setup if needed, then the generated people with their cases, plans and
/// referrals. Returns people registered per second.
pub async fn grow(store: &Store, scale: &Scale, truth: Option<&Path>) -> Result<f64> {
    let today = passerelle_store::db::now().date_naive();
    demo::seed_defaults(store).await?;
    demo::load_if_empty(store).await?;
    let count = scale.people;
    let workers = workforce::caseworkers(store, workforce::caseworkers_for(count, scale.per_caseworker)).await?;
    workforce::directory(store, scale.services).await?;
    let focal = workforce::sight_of(&workforce::account(store, &demo::demo_email("focalpoint")).await?);
    let (sop_list, focal_services, services) = {
        let mut tx = store.read().await?;
        let sops: Vec<std::sync::Arc<Sop>> = sops::list_latest(&mut tx).await?.into_iter().map(|p| p.sop).collect();
        let ids = |list: Vec<(Uuid, String)>| -> Vec<Uuid> { list.into_iter().map(|(id, _)| id).collect() };
        let active = |agency_id| directory::ServiceFilter { agency_id, status: Some("active".into()), ..Default::default() };
        let focal_services = ids(directory::service_ids(&mut tx, &active(focal.viewer.agency_id)).await?);
        let services = ids(directory::service_ids(&mut tx, &active(None)).await?);
        (sops, focal_services, services)
    };
    anyhow::ensure!(!sop_list.is_empty(), "no SOP is published");
    anyhow::ensure!(!focal_services.is_empty(), "the focal point's agency has no active service");
    let forms: std::collections::HashMap<String, std::sync::Arc<Form>> = {
        let mut tx = store.read().await?;
        forms::list_latest(&mut tx).await?.into_iter().map(|f| (f.form.id.clone(), f.form)).collect()
    };
    let answering = validate::Options { now: today.and_hms_opt(10, 0, 0).unwrap_or_default(), lang: "en" };
    // Each caseworker's current household head, by caseworker.
    let mut heads: std::collections::HashMap<usize, Uuid> = std::collections::HashMap::new();
    let mut truth_file = match truth {
        Some(p) => {
            let mut f = std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?);
            writeln!(f, "id,cluster")?;
            Some(f)
        }
        None => None,
    };
    let generated = generator(scale.seed);
    let bar = ProgressBar::new(count);
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} people {per_sec} eta {eta}").unwrap_or_else(|_| ProgressStyle::default_bar()));
    let started = Instant::now();
    let mut start = 0;
    while start < count {
        let end = (start + BATCH).min(count);
        let mut tx = store.write().await?;
        for g in (start..end).map(|i| generated.person(i)) {
            let i = g.index as usize;
            // The caseworker's k-th person: households of four, the first their head.
            let (worker, k) = (i % workers.len(), i / workers.len());
            if k % HOUSEHOLD == 0 {
                heads.remove(&worker);
            }
            let person = match people::check(&input_of(&g, today), today) {
                Ok(p) => p,
                // A generated record the form would refuse is left out, as a user would be stopped.
                Err(_) => continue,
            };
            let caseworker = &workers[worker];
            let author = responses::Author { id: caseworker.viewer.id, agency_id: caseworker.viewer.agency_id, team_id: caseworker.viewer.team_id };
            let person = people::register(&mut tx, &caseworker.viewer, person).await?;
            match (k % HOUSEHOLD, heads.get(&worker)) {
                (0, _) => {
                    heads.insert(worker, person.id);
                }
                (m, Some(head)) => {
                    households::link(&mut tx, caseworker.viewer.id, person.id, *head, if m == 1 { "partner" } else { "child" }).await?;
                }
                // The head was a record the form refused: this household has none.
                (_, None) => {}
            }
            if let Some(f) = truth_file.as_mut() {
                writeln!(f, "{},{}", person.id, g.cluster)?;
            }
            let sop = &sop_list[i % sop_list.len()];
            let case = cases::open(&mut tx, caseworker, person.id, sop, RISKS[i % RISKS.len()], false).await?;
            // The plan first: a plan is only changed while the case is open, and the steps
            // below may close it.
            let goal = case_plan::add_goal(&mut tx, caseworker.viewer.id, &case, "Safety and stable housing (generated)").await?;
            for (k, (description, assignee)) in ACTIONS.iter().enumerate() {
                let who = match assignee {
                    Assignee::Caseworker => Who::User(caseworker.viewer.id),
                    Assignee::Service => services.get((i + k) % services.len().max(1)).map_or(Who::Nobody, |s| Who::Service(*s)),
                    Assignee::Agency => caseworker.viewer.agency_id.map_or(Who::Nobody, Who::Agency),
                    Assignee::Nobody => Who::Nobody,
                };
                // Due from ten days ago to a month ahead: some overdue, as on a real caseload.
                let due = today + chrono::Duration::days((7 * k as i64) - 10 + (i % 20) as i64);
                let input = ActionInput {
                    description: description.to_string(),
                    who: who.code(),
                    due_on: due.format("%Y-%m-%d").to_string(),
                    status: case_plan::STATUSES[(i + k) % case_plan::STATUSES.len()].to_string(),
                };
                case_plan::add_action(&mut tx, caseworker.viewer.id, &case, goal, &input).await?;
            }
            // A visit on every other case, a day to a month ago, the next one planned (some
            // of those dates already past: overdue visits, as on a real caseload).
            if i % 2 == 0 {
                let visited = today - chrono::Duration::days(1 + (i % 30) as i64);
                let visit = VisitInput {
                    visited_on: visited.format("%Y-%m-%d").to_string(),
                    kind: visits::KINDS[i % visits::KINDS.len()].to_string(),
                    place: "At home (generated)".into(),
                    who_went: "Caseworker (generated)".into(),
                    seen: "The family was seen; no new concern (generated).".into(),
                    next_on: (visited + chrono::Duration::days(7 + (i % 40) as i64)).format("%Y-%m-%d").to_string(),
                };
                visits::record(&mut tx, caseworker.viewer.id, &case, &visit, today).await?;
            }
            // Cases at every stage: the first k steps done, stopping where forms or approvals
            // would be needed.
            let mut version = case.version;
            'steps: for step in sop.steps.iter().take(i % (sop.steps.len() + 1)) {
                // The step's forms, answered as the fill page would take them.
                for form in &step.forms {
                    let Some(published) = forms.get(form) else { break 'steps };
                    let Some(answers) = sample::answers(published, i as u64, &answering) else { break 'steps };
                    let form_version = published.version.clone().unwrap_or_default();
                    let link = responses::CaseStep { case_id: case.id, step_id: step.id.clone() };
                    let response = responses::submit(&mut tx, &author, form, &form_version, &answers, Some(&link)).await?;
                    // A trafficking screening is scored as it is stored, as the fill page does.
                    screening::score_response(&mut tx, &author, response, Some(case.id), form, &answers).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                }
                match cases::complete_step(&mut tx, caseworker.viewer.id, &case, sop, &step.id, version).await? {
                    Ok(()) => version += 1,
                    Err(_) => break,
                }
            }
            if i % 3 == 0 {
                cases::add_note(&mut tx, caseworker.viewer.id, case.id, "Follow-up visit planned with the family (generated).").await?;
            }
            // Two referrals: one to the focal point's agency (its inbox is the bench's, a
            // national receiver's), one anywhere in the directory. The focal point answers
            // for every service: the generator has no account per receiving organisation.
            for (k, to_service) in [focal_services[i % focal_services.len()], services[(i * 7 + 1) % services.len()]].into_iter().enumerate() {
                let target = Status::ALL[(2 * i + k) % Status::ALL.len()];
                let new = NewReferral {
                    service_id: Some(to_service),
                    need: "health".into(),
                    reason: "Needs an assessment (generated).".into(),
                    legal_ground: Some("vital_interest".into()),
                    send: target != Status::Draft,
                    ..Default::default()
                };
                let mut r = referrals::create(&mut tx, caseworker, &case, &new).await?;
                for to in path_to(target) {
                    let (actor, side) = if *to == Status::Cancelled { (caseworker.viewer.id, Side::Requester) } else { (focal.viewer.id, Side::Receiver) };
                    r = referrals::change_status(&mut tx, actor, &r, side, *to, "Generated.", "Service given (generated).", r.version).await?;
                }
            }
        }
        tx.commit().await?;
        bar.set_position(end);
        start = end;
    }
    bar.finish();
    if let Some(mut f) = truth_file {
        f.flush()?;
    }
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    Ok(count as f64 / secs)
}

/// Writes `count` generated people (another seed, no duplicates planted) as a people sheet
/// (CSV) for the import benchmark.
pub fn people_csv(path: &Path, count: u64, seed: u64) -> Result<()> {
    let generated = Generator::builtin(GeneratorConfig { seed, duplicate_rate: 0.0, reference_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default() });
    let today = passerelle_store::db::now().date_naive();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?);
    writeln!(f, "given_name,family_name,sex,date_of_birth,age,nationality,migration_status,languages,phone")?;
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for g in generated.people(count) {
        let p = input_of(&g, today);
        writeln!(f, "{},{},{},{},{},{},{},{},{}", q(&p.given_names), q(&p.family_names), p.sex, p.birth_date, p.age_estimate, q(&p.nationality), p.migration_status, q(&p.languages), q(&p.phone))?;
    }
    f.flush()?;
    Ok(())
}

/// Writes `rows` services as the spreadsheet a field team sends (the demo mapping's services,
/// for local offices no generated instance holds yet) for the services import benchmark.
pub fn services_csv(path: &Path, rows: usize) -> Result<()> {
    let parishes = demo::parishes();
    let per_branch = passerelle_store::demo_directory::services_per_branch(&parishes).max(1);
    // Far above the branches `demo --scale` creates (a hundred at a million people).
    let first = 100_000;
    let sheet = passerelle_store::demo_directory::sheet(&parishes, passerelle_store::db::now().date_naive(), first..first + rows.div_ceil(per_branch));
    let mut lines: Vec<&str> = sheet.lines().collect();
    lines.truncate(rows + 1);
    std::fs::write(path, lines.join("\n") + "\n").with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
