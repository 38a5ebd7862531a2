//! No acknowledged write is lost when the server is killed, and no import is half-written
//! when the importing process is killed; the same when PostgreSQL stops under load (the app
//! says it is unavailable, never shows internals, and reconnects by itself).
//!
//! Load: several tasks, each signed in as the demo caseworker in its own session, add case
//! notes over HTTP as fast as the server takes them; a note is "acknowledged" when the answer
//! is the 303 after the write, and is then looked for on the case page after the restart.

mod common;
use common::{client, csrf_in, fresh_postgres_url, sign_in, Server, BIN};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const WRITERS: usize = 4;
const ROUNDS: usize = 3;
/// Services in each imported directory sheet (one organisation per four): enough for the
/// import to take a few seconds, so that the kill usually lands inside its transaction.
const IMPORT_ROWS: i64 = 4000;

fn passerelle(args: &[String]) -> std::process::Output {
    Command::new(BIN).args(args).stdin(Stdio::null()).env_remove("PASSERELLE_DATABASE").output().unwrap()
}

fn ok(o: &std::process::Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// A pseudo-random number of milliseconds in `lo..hi`, different at each call: where in the
/// load the kill lands.
fn jitter(lo: u64, hi: u64) -> Duration {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64;
    Duration::from_millis(lo + (nanos.wrapping_mul(2654435761) >> 7) % (hi - lo))
}

/// What the load saw: acknowledged notes (case id, text), and every answer that was neither an
/// acknowledgement nor a clean "unavailable".
#[derive(Default)]
struct Seen {
    acked: Vec<(String, String)>,
    statuses: std::collections::BTreeMap<u16, usize>,
    leaks: Vec<String>,
}

struct Load {
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Seen>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Words that only internals would put in an answer.
const INTERNALS: &[&str] = &["sqlx", "panicked", "stack backtrace", "SELECT ", "INSERT ", "UPDATE ", "error returned from database", "postgres", "sqlite"];

impl Load {
    async fn start(url: &str, cases: &[String], tag: &str) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let c = client();
            sign_in(&c, url, CASEWORKER).await;
            let page = c.get(format!("{url}/dashboard")).send().await.unwrap().text().await.unwrap();
            let csrf = csrf_in(&page);
            let (url, cases, tag, stop, seen) = (url.to_string(), cases.to_vec(), format!("{tag}-w{w}"), stop.clone(), seen.clone());
            tasks.push(tokio::spawn(async move {
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let case = &cases[(n + w) % cases.len()];
                    // Bracketed, so that no note's text is the start of another's.
                    let body = format!("[{tag}-n{n}]");
                    n += 1;
                    let sent = c.post(format!("{url}/cases/{case}/notes")).timeout(Duration::from_secs(15))
                        .form(&[("csrf_token", csrf.as_str()), ("body", body.as_str())]).send().await;
                    match sent {
                        Ok(r) => {
                            let status = r.status().as_u16();
                            let text = r.text().await.unwrap_or_default();
                            let mut s = seen.lock().unwrap();
                            *s.statuses.entry(status).or_default() += 1;
                            if status == 303 {
                                s.acked.push((case.clone(), body));
                                continue;
                            }
                            if let Some(word) = INTERNALS.iter().find(|w| text.contains(**w)) {
                                s.leaks.push(format!("{status} with {word:?}: {text}"));
                            }
                        }
                        // The server is gone (killed): nothing was acknowledged.
                        Err(_) => {}
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }));
        }
        Load { stop, seen, tasks }
    }

    fn acked(&self) -> usize {
        self.seen.lock().unwrap().acked.len()
    }

    async fn finish(self) -> Seen {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks {
            t.await.unwrap();
        }
        Arc::try_unwrap(self.seen).ok().unwrap().into_inner().unwrap()
    }
}

/// The caseworker's cases (ids) that take notes.
async fn open_cases(url: &str) -> Vec<String> {
    let c = client();
    sign_in(&c, url, CASEWORKER).await;
    let list: serde_json::Value = c.get(format!("{url}/api/v1/cases?mine=true")).send().await.unwrap().json().await.unwrap();
    let ids: Vec<String> = list.as_array().unwrap().iter()
        .filter(|c| c["status"] != "closed")
        .filter_map(|c| c["id"].as_str().map(String::from)).take(6).collect();
    assert!(ids.len() >= 2, "{list}");
    ids
}

/// Every page of a case's notes, read through its pager.
async fn all_notes(c: &reqwest::Client, url: &str, case: &str) -> String {
    let mut html = String::new();
    let mut next = Some(format!("/cases/{case}/notes"));
    while let Some(path) = next {
        let page = c.get(format!("{url}{path}")).send().await.unwrap().text().await.unwrap();
        next = page.find("rel=\"next\"").and_then(|at| {
            let start = page[..at].rfind("href=\"")? + "href=\"".len();
            Some(page[start..].split('"').next()?.replace("&amp;", "&"))
        });
        html.push_str(&page);
    }
    html
}

/// Every acknowledged note is on its case's notes pages.
async fn assert_all_present(url: &str, acked: &[(String, String)]) -> usize {
    let c = client();
    sign_in(&c, url, CASEWORKER).await;
    let mut by_case = std::collections::BTreeMap::<&str, Vec<&str>>::new();
    for (case, body) in acked {
        by_case.entry(case).or_default().push(body);
    }
    let mut lost = Vec::new();
    for (case, bodies) in by_case {
        let page = all_notes(&c, url, case).await;
        lost.extend(bodies.into_iter().filter(|b| !page.contains(*b)));
    }
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    acked.len()
}

async fn count_services(db: &Db) -> i64 {
    let q = "SELECT COUNT(*) FROM directory_services";
    match db {
        Db::Sqlite(path) => {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
            let (n,): (i64,) = sqlx::query_as(q).fetch_one(&pool).await.unwrap();
            pool.close().await;
            n
        }
        Db::Postgres(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let (n,): (i64,) = sqlx::query_as(q).fetch_one(&pool).await.unwrap();
            pool.close().await;
            n
        }
    }
}

enum Db {
    Sqlite(PathBuf),
    Postgres(String),
}

fn audit_verifies(target: &[String]) {
    let mut args = vec!["audit".to_string(), "verify".into()];
    args.extend(target.iter().cloned());
    let out = ok(&passerelle(&args));
    assert!(out.contains("audit chain intact"), "{out}");
}

/// `ROUNDS` times: load on the server and a directory import in its own process, both killed
/// (SIGKILL) at a random moment; restarted, everything acknowledged is there, the import is
/// whole or absent, the audit chain verifies, the server serves.
async fn kill_under_load(dir: &Path, db: Db, mut target: Vec<String>) {
    let key = dir.join("data.key").display().to_string();
    ok(&passerelle(&["keys".into(), "generate".into(), "--to".into(), key.clone()]));
    target.extend(["--data-key-file".to_string(), key]);
    let with = |extra: &[&str]| -> Vec<String> { extra.iter().map(|s| s.to_string()).chain(target.iter().cloned()).collect() };
    let mut server = Server::start(&with(&["--demo"]));
    let cases = open_cases(&server.url).await;
    let (mut acked, mut imports_killed, mut imports_whole) = (Vec::new(), 0, 0);
    for round in 0..ROUNDS {
        let sheet = dir.join(format!("services-{round}.csv"));
        let rows: String = (0..IMPORT_ROWS).map(|i| format!("Crash {round} organisation {};Crash {round} service {i};food;BT-01\n", i / 4)).collect();
        std::fs::write(&sheet, format!("Organisation;Service;Needs;Area\n{rows}")).unwrap();
        let services_before = count_services(&db).await;
        let load = Load::start(&server.url, &cases, &format!("crash-r{round}")).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        let mut import: Child = Command::new(BIN)
            .args(with(&["import", "services", sheet.to_str().unwrap()]))
            .stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        tokio::time::sleep(jitter(300, 2500)).await;
        // Both at once, as a machine losing power would (the operating system keeps what was
        // written, which is what SIGKILL leaves).
        server.crash();
        match import.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "the import finished and failed: {status}");
                imports_whole += 1;
            }
            None => {
                import.kill().unwrap();
                import.wait().unwrap();
                imports_killed += 1;
            }
        }
        let seen = load.finish().await;
        assert!(seen.leaks.is_empty(), "{:?}", seen.leaks);
        acked.extend(seen.acked);

        server = Server::start(&with(&[]));
        let services = count_services(&db).await;
        assert!(services == services_before || services == services_before + IMPORT_ROWS,
            "half an import: {services_before} services before, {services} after, the sheet has {IMPORT_ROWS}");
        assert_all_present(&server.url, &acked).await;
        audit_verifies(&target);
        assert_eq!(reqwest::get(format!("{}/readyz", server.url)).await.unwrap().status(), 200);
    }
    assert!(acked.len() >= 20 * ROUNDS, "the load wrote little: {}", acked.len());
    println!("crash figures: {} kills survived, {} writes acknowledged, 0 lost; imports killed mid-way {imports_killed}, finished before the kill {imports_whole}, none half-written",
        ROUNDS, acked.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_under_load_loses_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    kill_under_load(dir.path(), Db::Sqlite(data.join("passerelle.sqlite3")), vec!["--data-dir".into(), data.display().to_string()]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_under_load_loses_nothing_on_postgres() {
    let url = fresh_postgres_url().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    kill_under_load(dir.path(), Db::Postgres(url.clone()), vec!["--database".into(), url, "--data-dir".into(), data]).await;
}

/// A PostgreSQL 15 cluster of this test's own, in a temporary directory on a free port, so that
/// stopping it disturbs no other test. Run as the `postgres` user when the tests run as root
/// (PostgreSQL refuses to run as root). Stopped and removed when dropped.
struct PrivateCluster {
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

impl PrivateCluster {
    /// None (with the reason printed) when PostgreSQL 15 is not installed here; in CI that is
    /// a failure, not a skip.
    fn create() -> Option<PrivateCluster> {
        if !Path::new(PG_BIN).join("initdb").exists() {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{PG_BIN}/initdb is missing: CI must run the PostgreSQL restart test");
            eprintln!("SKIPPED: {PG_BIN}/initdb is missing, the PostgreSQL restart test cannot run here");
            return None;
        }
        let root = String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim() == "0";
        let dir = tempfile::tempdir().unwrap();
        if root {
            assert!(Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().unwrap().success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let c = PrivateCluster { dir, port, as_postgres: root };
        let data = c.data();
        c.run("initdb", &["-D", &data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
        c.start();
        Some(c)
    }

    fn data(&self) -> String {
        self.dir.path().join("pgdata").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let path = format!("{PG_BIN}/{tool}");
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", &path]);
            c
        } else {
            Command::new(&path)
        };
        let o = cmd.args(args).stdin(Stdio::null()).output().unwrap();
        assert!(o.status.success(), "{tool}: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    }

    fn start(&self) {
        let opts = format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.port, self.dir.path().display());
        let log = self.dir.path().join("log").display().to_string();
        self.run("pg_ctl", &["start", "-w", "-D", &self.data(), "-l", &log, "-o", &opts]);
    }

    /// As a crash would: no checkpoint, connections cut.
    fn stop_immediately(&self) {
        self.run("pg_ctl", &["stop", "-w", "-D", &self.data(), "-m", "immediate"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/passerelle", self.port)
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = std::panic::catch_unwind(|| self.run("pg_ctl", &["stop", "-D", &data, "-m", "immediate"]));
    }
}

/// Polls `/readyz` until it answers `want` (or fails after `within`).
async fn wait_ready(url: &str, want: u16, within: Duration) {
    let started = Instant::now();
    loop {
        let got = reqwest::get(format!("{url}/readyz")).await.map(|r| r.status().as_u16()).unwrap_or(0);
        if got == want {
            return;
        }
        assert!(started.elapsed() < within, "/readyz answered {got}, not {want}, after {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load() {
    let Some(pg) = tokio::task::spawn_blocking(PrivateCluster::create).await.unwrap() else { return };
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("data.key").display().to_string();
    ok(&passerelle(&["keys".into(), "generate".into(), "--to".into(), key.clone()]));
    let args = vec!["--database".to_string(), pg.url(), "--data-dir".into(), dir.path().join("data").display().to_string(), "--data-key-file".into(), key];
    let server = Server::start(&[args.clone(), vec!["--demo".into()]].concat());
    let url = server.url.clone();
    let cases = open_cases(&url).await;
    let load = Load::start(&url, &cases, "pg-restart").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(load.acked() > 0, "the load writes");
    let before_outage = load.acked();
    let outage = Instant::now();

    tokio::task::block_in_place(|| pg.stop_immediately());
    wait_ready(&url, 503, Duration::from_secs(10)).await;
    // Pages say the service is unavailable, in the reader's language, and nothing more (the
    // service finder at `/` reads the database).
    // Asked at once: each waits for the pool to give up on the database (5 s).
    let asks: Vec<_> = [("en", "unavailable"), ("fr", "indisponible"), ("es", "no está disponible")].into_iter().map(|(lang, words)| {
        let url = url.clone();
        tokio::spawn(async move {
            let res = client().get(format!("{url}/")).header("accept-language", lang).send().await.unwrap();
            let status = res.status().as_u16();
            let text = res.text().await.unwrap();
            assert_eq!(status, 503, "{text}");
            assert!(text.contains(words), "{lang}: {text}");
            assert!(!INTERNALS.iter().any(|w| text.contains(w)), "{text}");
        })
    }).collect();
    for a in asks {
        a.await.unwrap();
    }
    let during_outage = load.acked();

    let stopped_for = outage.elapsed();
    tokio::task::block_in_place(|| pg.start());
    wait_ready(&url, 200, Duration::from_secs(20)).await;
    let back_after = outage.elapsed();
    // The app reconnects by itself: writes are acknowledged again.
    let started = Instant::now();
    while load.acked() < during_outage + 10 {
        assert!(started.elapsed() < Duration::from_secs(15), "no write acknowledged after the restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let writes_again = outage.elapsed();
    let seen = load.finish().await;
    assert!(seen.leaks.is_empty(), "{:?}", seen.leaks);
    // Every answer was an acknowledgement or "unavailable" (503): no 500.
    assert!(seen.statuses.keys().all(|s| *s == 303 || *s == 503), "{:?}", seen.statuses);
    let n = assert_all_present(&url, &seen.acked).await;
    audit_verifies(&args);
    println!("postgres restart figures: {n} writes acknowledged ({before_outage} before the outage, {} in flight as it began, the rest after), \
        answers {:?}, 0 lost; database stopped {stopped_for:?}, ready again {back_after:?} after the stop, writes again {:?} after it",
        during_outage - before_outage, seen.statuses, writes_again);
}
