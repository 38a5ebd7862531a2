//! Issue 10 from the command line: `passerelle retention` (the dry run changes nothing, the
//! applied run erases the due and leaves the held, the audit chain verifies) and the server's
//! scheduled backups (rotation keeps the newest N, one of them restores; PostgreSQL ignored).

mod common;
use common::{fresh_postgres_url, ok, run, Server};

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

async fn counts(pool: &sqlx::SqlitePool) -> Vec<i64> {
    let mut out = Vec::new();
    for t in ["people", "cases", "case_notes", "case_consents", "audit_log", "person_match_keys"] {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}"))).fetch_one(pool).await.unwrap();
        out.push(n);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_dry_run_changes_nothing_and_apply_spares_the_held() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    ok(&["demo", "--data-dir", &d]);
    // Every demo case closed long ago; one under a legal hold.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("passerelle.sqlite3").display())).await.unwrap();
    sqlx::query("UPDATE cases SET status = 'closed', closed_at = '2000-01-01T00:00:00+00:00'").execute(&pool).await.unwrap();
    let (held_ref, held_person): (String, Vec<u8>) = sqlx::query_as("SELECT reference, person_id FROM cases ORDER BY reference LIMIT 1")
        .fetch_one(&pool).await.unwrap();
    sqlx::query("UPDATE cases SET legal_hold = 1, legal_hold_reason = 'Court' WHERE reference = $1").bind(&held_ref).execute(&pool).await.unwrap();
    let held_notes: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM case_notes n JOIN cases c ON c.id = n.case_id WHERE c.person_id = $1")
        .bind(&held_person).fetch_one(&pool).await.unwrap();

    // Neither flag, or a date in the future with --apply: refused.
    assert!(!run(&["retention", "--data-dir", &d]).status.success());
    assert!(!run(&["retention", "--apply", "--as-of", "2099-01-01", "--data-dir", &d]).status.success());

    let before = counts(&pool).await;
    let report = dir.path().join("plan.json");
    let out = ok(&["retention", "--dry-run", "--report", report.to_str().unwrap(), "--data-dir", &d]);
    assert!(out.contains("dry run: nothing was changed"), "{out}");
    assert!(out.contains(&held_ref) && out.contains("legal_hold"), "{out}");
    assert_eq!(counts(&pool).await, before, "the dry run changed nothing");
    let plan: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let due = plan["due"].as_array().unwrap();
    assert!(!due.is_empty(), "{plan}");
    let first_due = due[0]["cases"][0]["reference"].as_str().unwrap().to_string();
    assert!(out.contains(&first_due));

    let out = ok(&["retention", "--apply", "--data-dir", &d]);
    assert!(out.contains("applied:"), "{out}");
    // The due are anonymised or deleted; the held person keeps their notes and name.
    let (left,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM cases c JOIN people p ON p.id = c.person_id WHERE c.reference = $1 AND p.anonymised_at IS NULL")
        .bind(&first_due).fetch_one(&pool).await.unwrap();
    assert_eq!(left, 0, "{first_due} was erased");
    let (anon,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people WHERE anonymised_at IS NOT NULL").fetch_one(&pool).await.unwrap();
    assert!(anon > 0);
    let (held_anon,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people WHERE id = $1 AND anonymised_at IS NULL")
        .bind(&held_person).fetch_one(&pool).await.unwrap();
    assert_eq!(held_anon, 1, "the held person is untouched");
    let notes: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM case_notes n JOIN cases c ON c.id = n.case_id WHERE c.person_id = $1")
        .bind(&held_person).fetch_one(&pool).await.unwrap();
    assert_eq!(notes, held_notes);
    let (runs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run'").fetch_one(&pool).await.unwrap();
    assert_eq!(runs, 1);
    pool.close().await;
    assert!(ok(&["audit", "verify", "--data-dir", &d]).contains("audit chain intact"));
    // Nothing left to do but the held.
    let out = ok(&["retention", "--dry-run", "--data-dir", &d]);
    assert!(out.contains("due: 0 people"), "{out}");

    // The server runs the job at start when enabled (and every day after): one more run entry.
    let _server = Server::start(&["--data-dir", &d, "--retention-schedule", "daily"]);
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("passerelle.sqlite3").display())).await.unwrap();
    let start = Instant::now();
    loop {
        let (runs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run'").fetch_one(&pool).await.unwrap();
        if runs == 2 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no scheduled run");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    pool.close().await;
}

fn backups_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir).map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("passerelle-") && n.ends_with(".sqlite3")).collect()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_rotate_and_the_newest_restores() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let backups = dir.path().join("backups");
    let (d, b) = (data.display().to_string(), backups.display().to_string());
    // A wrong period is refused before anything starts.
    assert!(!run(&["serve", "--data-dir", &d, "--backup-dir", &b, "--backup-every", "0s"]).status.success());
    let server = Server::start(&["--data-dir", &d, "--demo", "--backup-dir", &b, "--backup-every", "1s", "--backup-keep", "3"]);
    let mut seen = BTreeSet::new();
    let start = Instant::now();
    while seen.len() < 5 {
        assert!(start.elapsed() < Duration::from_secs(60), "only {seen:?} after a minute");
        seen.extend(backups_in(&backups));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(server);
    let kept = backups_in(&backups);
    assert_eq!(kept.len(), 3, "{kept:?} of {seen:?}");
    // The newest are kept, named by their UTC time.
    let newest: Vec<&String> = seen.iter().rev().take(3).collect();
    assert!(kept.iter().rev().zip(newest).all(|(a, b)| a == b), "{kept:?} {seen:?}");
    assert!(kept.iter().all(|n| n.len() == "passerelle-20261126T110000Z.sqlite3".len()), "{kept:?}");
    let newest = backups.join(kept.iter().next_back().unwrap());
    let key = data.join("keys").join("data.key").display().to_string();
    let restored = dir.path().join("restored").display().to_string();
    let out = ok(&["restore", "--from", newest.to_str().unwrap(), "--data-dir", &restored, "--data-key-file", &key]);
    assert!(out.contains("audit chain intact"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_are_ignored_on_postgres() {
    let url = fresh_postgres_url().await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("data.key").display().to_string();
    ok(&["keys", "generate", "--to", &key]);
    let backups = dir.path().join("backups");
    let server = Server::start(&["--database", &url, "--data-key-file", &key, "--backup-dir", backups.to_str().unwrap(), "--backup-every", "1s"]);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    drop(server);
    assert!(backups_in(&backups).is_empty());
}
