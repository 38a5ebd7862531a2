//! `passerelle demo --scale N`: the benchmark's data, written through the store, on both backends.

mod common;
use common::{fresh_postgres_url, run};

use std::path::Path;

/// What a grown instance holds, read with the same SQL on either pool type.
struct Figures {
    people: i64,
    cases: i64,
    referral_statuses: Vec<String>,
    steps: i64,
    notes: i64,
    /// People's clear attributes in order: what a seed determines (names are sealed).
    attributes: Vec<String>,
    referrals: i64,
    plan_actions: i64,
    overdue_actions: i64,
    services: i64,
    /// Caseworkers holding cases, and the demo caseworker's cases.
    caseworkers_with_cases: i64,
    demo_caseworker_cases: i64,
    supervisors: i64,
    /// Household links, case visits, form responses and those with answers.
    links: i64,
    visits: i64,
    responses: i64,
    answered: i64,
    screenings: i64,
}

macro_rules! figures {
    ($pool:expr) => {{
        let pool = $pool;
        let one = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool);
        // Names are sealed under each instance's own key (random nonces): the generated people
        // are compared by what stays in the clear, and every one of them must be sealed.
        let unsealed = one("SELECT COUNT(*) FROM people WHERE sealed IS NULL").await.unwrap();
        assert_eq!(unsealed, 0, "every person's names are sealed");
        let f = Figures {
            people: one("SELECT COUNT(*) FROM people").await.unwrap(),
            cases: one("SELECT COUNT(*) FROM cases").await.unwrap(),
            referral_statuses: sqlx::query_scalar("SELECT DISTINCT status FROM referrals ORDER BY status").fetch_all(&pool).await.unwrap(),
            steps: one("SELECT COUNT(*) FROM case_steps").await.unwrap(),
            notes: one("SELECT COUNT(*) FROM case_notes").await.unwrap(),
            attributes: sqlx::query_scalar(
                "SELECT COALESCE(sex, '') || '|' || COALESCE(nationality, '') || '|' || COALESCE(migration_status, '') FROM people ORDER BY 1")
                .fetch_all(&pool).await.unwrap(),
            referrals: one("SELECT COUNT(*) FROM referrals").await.unwrap(),
            plan_actions: one("SELECT COUNT(*) FROM case_plan_actions").await.unwrap(),
            overdue_actions: one("SELECT COUNT(*) FROM case_plan_actions WHERE status IN ('planned', 'in_progress') AND due_on < CURRENT_DATE").await.unwrap(),
            services: one("SELECT COUNT(*) FROM directory_services").await.unwrap(),
            caseworkers_with_cases: one("SELECT COUNT(DISTINCT assigned_to) FROM cases").await.unwrap(),
            demo_caseworker_cases: one("SELECT COUNT(*) FROM cases c JOIN users u ON u.id = c.assigned_to WHERE u.email = 'caseworker@demo.passerelle.test'").await.unwrap(),
            supervisors: one("SELECT COUNT(*) FROM user_roles WHERE role = 'supervisor'").await.unwrap(),
            links: one("SELECT COUNT(*) FROM person_links").await.unwrap(),
            visits: one("SELECT COUNT(*) FROM case_visits").await.unwrap(),
            responses: one("SELECT COUNT(*) FROM form_responses").await.unwrap(),
            // Answers are sealed: a response with none (`{}`) seals to 61 bytes, the shortest
            // answered one (a refused consent) to 87.
            answered: one("SELECT COUNT(*) FROM form_responses WHERE LENGTH(sealed) > 80").await.unwrap(),
            screenings: one("SELECT COUNT(*) FROM trafficking_screenings").await.unwrap(),
        };
        pool.close().await;
        f
    }};
}

async fn sqlite_figures(dir: &Path) -> Figures {
    figures!(sqlx::SqlitePool::connect(&format!("sqlite://{}/passerelle.sqlite3", dir.display())).await.unwrap())
}

async fn pg_figures(url: &str) -> Figures {
    figures!(sqlx::PgPool::connect(url).await.unwrap())
}

/// Grows 60 people, 5 a caseworker (12 caseworkers: the demo's and 11 generated, in two teams),
/// and a directory of at least 150 services.
fn grow(target: &[&str], seed: &str, truth: &Path) -> String {
    let mut args = vec!["demo", "--scale", "60", "--seed", seed, "--truth", truth.to_str().unwrap(), "--per-caseworker", "5", "--services", "150"];
    args.extend_from_slice(target);
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The figures of the demo setup alone, which already holds fictional people and cases (past
/// cases for the indicators, victims' cases for the task force): the scale adds to them.
async fn baseline() -> Figures {
    let d = tempfile::tempdir().unwrap();
    assert!(run(&["demo", "--data-dir", d.path().to_str().unwrap()]).status.success());
    sqlite_figures(d.path()).await
}

async fn check(out: &str, truth: &Path, f: &Figures) {
    let base = baseline().await;
    assert!(out.contains("\"people\":60"), "{out}");
    assert!(out.contains("people_per_second"), "{out}");
    // Every generated record passes the registration checks, and each has its case.
    assert_eq!(f.people - base.people, 60);
    assert_eq!(f.cases - base.cases, 60);
    // Two referrals a case, at every status of the lifecycle (120 cycling through nine).
    assert_eq!(f.referrals - base.referrals, 120);
    assert_eq!(f.referral_statuses, ["accepted", "cancelled", "completed", "draft", "failed", "in-progress", "on-hold", "rejected", "requested"]);
    // A plan of five tasks a case, some of them overdue.
    assert_eq!(f.plan_actions - base.plan_actions, 300);
    assert!(f.overdue_actions > base.overdue_actions, "some generated tasks are overdue");
    assert!(f.steps > base.steps, "some steps completed");
    assert_eq!(f.notes - base.notes, 20, "a note on every third case");
    // Households of four among each caseworker's five people: a head with a partner and two
    // children (three links), then a head alone; 12 caseworkers.
    assert_eq!(f.links - base.links, 36);
    assert_eq!(f.visits - base.visits, 30, "a visit on every other case");
    // The forms of the steps done, each answered as the fill page would take it.
    assert!(f.responses > base.responses, "forms filled");
    assert_eq!(f.answered - base.answered, f.responses - base.responses, "every generated response has answers");
    // The trafficking SOP's first step asks for a screening: scored when its answers are stored
    // (unless the person declined the interview).
    assert!(f.screenings > base.screenings, "trafficking screenings scored");
    // Spread over the workforce: 12 caseworkers hold the 60 cases, the demo caseworker 5 of
    // them (besides the demo's own), and the second team has its supervisor.
    assert_eq!(f.caseworkers_with_cases - base.caseworkers_with_cases, 11);
    assert_eq!(f.demo_caseworker_cases - base.demo_caseworker_cases, 5);
    assert_eq!(f.supervisors - base.supervisors, 1);
    // The directory grew by local offices of the demo's organisations, through the import.
    assert!(base.services < 150 && f.services >= 150, "{} services", f.services);
    let lines = std::fs::read_to_string(truth).unwrap();
    assert_eq!(lines.lines().count(), 61, "header and one line per person");
    // The planted duplicates are there: some cluster holds two records.
    let mut clusters: Vec<&str> = lines.lines().skip(1).filter_map(|l| l.split(',').nth(1)).collect();
    let all = clusters.len();
    clusters.sort();
    clusters.dedup();
    assert!(clusters.len() < all, "known duplicates are planted");
}

#[tokio::test]
async fn sqlite_scale_is_complete_and_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let ta = a.path().join("truth.csv");
    let out = grow(&["--data-dir", a.path().to_str().unwrap()], "7", &ta);
    let fa = sqlite_figures(a.path()).await;
    check(&out, &ta, &fa).await;
    // The same seed gives the same people; another seed other people.
    grow(&["--data-dir", b.path().to_str().unwrap()], "7", &b.path().join("t.csv"));
    let fb = sqlite_figures(b.path()).await;
    assert_eq!(fa.attributes, fb.attributes);
    let c = tempfile::tempdir().unwrap();
    grow(&["--data-dir", c.path().to_str().unwrap()], "8", &c.path().join("t.csv"));
    let fc = sqlite_figures(c.path()).await;
    assert_ne!(fa.attributes, fc.attributes);
}

#[tokio::test]
async fn postgres_scale_is_complete() {
    let url = fresh_postgres_url().await;
    let d = tempfile::tempdir().unwrap();
    let truth = d.path().join("truth.csv");
    let out = grow(&["--database", &url], "7", &truth);
    check(&out, &truth, &pg_figures(&url).await).await;
}

#[test]
fn people_csv_is_a_people_sheet() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("people.csv");
    let o = run(&["bench", "people-csv", f.to_str().unwrap(), "--rows", "25"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.starts_with("given_name,family_name,"));
    assert_eq!(text.lines().count(), 26);
}

#[tokio::test]
async fn services_csv_is_a_directory_sheet_the_import_takes_whole() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("services.csv");
    let o = run(&["bench", "services-csv", f.to_str().unwrap(), "--rows", "150"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.starts_with("Organisation;Service name;"));
    assert_eq!(text.lines().count(), 151);
    let data = d.path().join("data");
    assert!(run(&["demo", "--data-dir", data.to_str().unwrap()]).status.success());
    let before = sqlite_figures(&data).await.services;
    let o = run(&["--data-dir", data.to_str().unwrap(), "import", "services", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(sqlite_figures(&data).await.services - before, 150, "every row a new service");
}
