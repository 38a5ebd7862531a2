//! `passerelle demo --scale N`: the benchmark's data, written through the store, on both backends.

mod common;
use common::{fresh_postgres_url, run};

use std::path::Path;

type Figures = (i64, i64, Vec<String>, i64, i64, Vec<String>);

/// (people, cases, distinct referral statuses, completed steps, notes, people's clear attributes in order); the
/// same SQL on either pool type.
macro_rules! figures {
    ($pool:expr) => {{
        let pool = $pool;
        let one = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool);
        let people = one("SELECT COUNT(*) FROM people").await.unwrap();
        let cases = one("SELECT COUNT(*) FROM cases").await.unwrap();
        let steps = one("SELECT COUNT(*) FROM case_steps").await.unwrap();
        let notes = one("SELECT COUNT(*) FROM case_notes").await.unwrap();
        let statuses: Vec<String> = sqlx::query_scalar("SELECT DISTINCT status FROM referrals ORDER BY status").fetch_all(&pool).await.unwrap();
        // Names are sealed under each instance's own key (random nonces): the generated people
        // are compared by what stays in the clear, and every one of them must be sealed.
        let unsealed = one("SELECT COUNT(*) FROM people WHERE sealed IS NULL").await.unwrap();
        assert_eq!(unsealed, 0, "every person's names are sealed");
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT COALESCE(sex, '') || '|' || COALESCE(nationality, '') || '|' || COALESCE(migration_status, '') FROM people ORDER BY 1")
            .fetch_all(&pool).await.unwrap();
        pool.close().await;
        (people, cases, statuses, steps, notes, names)
    }};
}

async fn sqlite_figures(dir: &Path) -> Figures {
    figures!(sqlx::SqlitePool::connect(&format!("sqlite://{}/passerelle.sqlite3", dir.display())).await.unwrap())
}

async fn pg_figures(url: &str) -> Figures {
    figures!(sqlx::PgPool::connect(url).await.unwrap())
}

fn grow(target: &[&str], seed: &str, truth: &Path) -> String {
    let mut args = vec!["demo", "--scale", "60", "--seed", seed, "--truth", truth.to_str().unwrap()];
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
    assert_eq!(f.0 - base.0, 60);
    assert_eq!(f.1 - base.1, 60);
    // Referrals at every status of the lifecycle (30 referrals cycling through nine).
    assert_eq!(f.2, ["accepted", "cancelled", "completed", "draft", "failed", "in-progress", "on-hold", "rejected", "requested"]);
    assert!(f.3 > base.3, "some steps completed");
    assert_eq!(f.4 - base.4, 20, "a note on every third case");
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
    assert_eq!(fa.5, fb.5);
    let c = tempfile::tempdir().unwrap();
    grow(&["--data-dir", c.path().to_str().unwrap()], "8", &c.path().join("t.csv"));
    let fc = sqlite_figures(c.path()).await;
    assert_ne!(fa.5, fc.5);
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
