//! Upgrades: a database written by the previous release opens with the current binary, which
//! migrates it with no loss. The fixtures were made by release 0.1.0's `passerelle demo`
//! (`scripts/make-release-fixture`, see tests/fixtures/release-0.1.0/README.md); every migration
//! added since must carry them forward: same rows in every table that existed, sealed people
//! still open with the same key, the audit chain still verifies, pages still read.

mod common;
use common::{client, fresh_postgres_url, run, sign_in, Server};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The previous release: the one whose fixtures are opened.
const RELEASE: &str = "0.1.0";

/// Tables that a migration may legitimately grow (never shrink): the migration ledger itself.
/// Add a table here only with the migration that inserts into it, and say why.
const MAY_GROW: &[&str] = &["_sqlx_migrations"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(format!("release-{RELEASE}")).join(name)
}

fn key_file() -> String {
    fixture("data.key").display().to_string()
}

/// `gzip -dc FILE | CMD ARGS…`, failing the test with what CMD said.
fn gunzip_into(file: &Path, cmd: &str, args: &[&str]) {
    let gz = Command::new("gzip").arg("-dc").arg(file).stdout(Stdio::piped()).spawn().expect("gzip");
    let o = Command::new(cmd).args(args).stdin(gz.stdout.unwrap()).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(o.status.success(), "{cmd}: {}", String::from_utf8_lossy(&o.stderr));
}

async fn counts_sqlite(path: &Path) -> BTreeMap<String, i64> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let tables: Vec<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .fetch_all(&pool).await.unwrap();
    let mut out = BTreeMap::new();
    for (t,) in tables {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\""))).fetch_one(&pool).await.unwrap();
        out.insert(t, n);
    }
    pool.close().await;
    out
}

async fn counts_postgres(url: &str) -> BTreeMap<String, i64> {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let tables: Vec<(String,)> = sqlx::query_as("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
        .fetch_all(&pool).await.unwrap();
    let mut out = BTreeMap::new();
    for (t,) in tables {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\""))).fetch_one(&pool).await.unwrap();
        out.insert(t, n);
    }
    pool.close().await;
    out
}

/// Every table of the old schema is still there with as many rows (tables added since may hold
/// anything).
fn assert_nothing_lost(before: &BTreeMap<String, i64>, after: &BTreeMap<String, i64>) {
    assert!(before.len() > 40 && before["people"] > 40 && before["audit_log"] > 100, "the fixture is not empty: {before:?}");
    let mut lost = Vec::new();
    for (table, n) in before {
        match after.get(table) {
            None => lost.push(format!("{table}: dropped ({n} rows)")),
            Some(m) if MAY_GROW.contains(&table.as_str()) && m >= n => {}
            Some(m) if m != n => lost.push(format!("{table}: {n} rows before, {m} after")),
            Some(_) => {}
        }
    }
    assert!(lost.is_empty(), "the upgrade changed the previous release's data: {lost:?}");
}

/// Migrates (by opening: `audit verify`), compares the counts, then serves the upgraded data.
async fn upgrade(target: Vec<String>, before: BTreeMap<String, i64>, counts: impl std::future::Future<Output = BTreeMap<String, i64>>) {
    let mut args = vec!["audit".to_string(), "verify".into(), "--data-key-file".into(), key_file()];
    args.extend(target.iter().cloned());
    let o = tokio::task::spawn_blocking(move || run(&args)).await.unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && out.contains("audit chain intact"), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert_nothing_lost(&before, &counts.await);

    let mut args = target;
    args.extend(["--data-key-file".to_string(), key_file()]);
    let server = Server::start(&args);
    let c = client();
    sign_in(&c, &server.url, "caseworker@demo.passerelle.test").await;
    // A sealed name opens with the release's key and is found through the blind indexes.
    let page = c.get(format!("{}/people?q=D%C3%A9mo-Pointe", server.url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Marc") && page.contains("Démo-Pointe"), "{page}");
    let res = c.get(format!("{}/api/v1/cases", server.url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let cases: serde_json::Value = res.json().await.unwrap();
    assert!(cases.to_string().contains("\"reference\""), "{cases}");
    assert_eq!(c.get(format!("{}/dashboard", server.url)).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_release_upgrades_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = data.join("passerelle.sqlite3");
    let out = std::fs::File::create(&db).unwrap();
    let o = Command::new("gzip").arg("-dc").arg(fixture("passerelle.sqlite3.gz")).stdout(out).status().unwrap();
    assert!(o.success());
    let before = counts_sqlite(&db).await;
    upgrade(vec!["--data-dir".into(), data.display().to_string()], before, counts_sqlite(&db)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_release_upgrades_on_postgres() {
    let url = fresh_postgres_url().await;
    let u = url.clone();
    tokio::task::spawn_blocking(move || gunzip_into(&fixture("postgres.sql.gz"), "psql", &["-q", "-v", "ON_ERROR_STOP=1", &u]))
        .await.unwrap();
    let before = counts_postgres(&url).await;
    let dir = tempfile::tempdir().unwrap();
    upgrade(vec!["--database".into(), url.clone(), "--data-dir".into(), dir.path().display().to_string()], before, counts_postgres(&url)).await;
}
