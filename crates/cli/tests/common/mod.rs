//! What the CLI tests share: a fresh PostgreSQL database, the server binary running, and a
//! browser-like client signed in as a demo user.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_passerelle");

/// The binary with none of the operator's `PASSERELLE_*` settings (database, data key, schedules…)
/// leaking into the test from the environment: the arguments are the whole configuration.
pub fn command() -> Command {
    let mut c = Command::new(BIN);
    c.stdin(Stdio::null());
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("PASSERELLE_") {
            c.env_remove(k);
        }
    }
    c
}

/// Runs `passerelle ARGS` to its end.
pub fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    command().args(args).output().expect("run passerelle")
}

/// Runs `passerelle ARGS`, which must succeed, and returns what it printed.
pub fn ok<S: AsRef<OsStr>>(args: &[S]) -> String {
    let o = run(args);
    let shown: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
    assert!(o.status.success(), "{shown:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A new, empty PostgreSQL database for one test, from `PASSERELLE_TEST_DATABASE_URL` (a role
/// with CREATEDB; `scripts/test` sets it). Dropped by `scripts/test` after the run.
pub async fn fresh_postgres_url() -> String {
    let admin = std::env::var("PASSERELLE_TEST_DATABASE_URL").expect("PASSERELLE_TEST_DATABASE_URL is not set: run the suite with scripts/test");
    let name = format!("passerelle_test_{}", uuid::Uuid::new_v4().simple());
    let pool = sqlx::PgPool::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.unwrap();
    pool.close().await;
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&name);
    url.to_string()
}

/// A running server, stopped (SIGKILL) when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    pub fn start<S: AsRef<OsStr>>(args: &[S]) -> Server {
        let mut child = command()
            .arg("serve").arg("--addr").arg("127.0.0.1:0").args(args)
            .stdout(Stdio::piped()).stderr(Stdio::null())
            .spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("Passerelle listening on ").unwrap_or_else(|| panic!("{line}")).to_string();
        Server { child, url }
    }

    pub fn stop(&mut self) -> std::process::ExitStatus {
        Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().unwrap();
        self.child.wait().unwrap()
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown code runs, as in a crash.
    pub fn crash(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn csrf_in(html: &str) -> String {
    let start = html.find("name=\"csrf_token\" value=\"").unwrap() + 25;
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub async fn sign_in(c: &reqwest::Client, url: &str, email: &str) {
    let page = c.get(format!("{url}/login")).send().await.unwrap().text().await.unwrap();
    let res = c.post(format!("{url}/login"))
        .form(&[("csrf_token", csrf_in(&page).as_str()), ("email", email), ("password", "passerelle-demo")])
        .send().await.unwrap();
    assert_eq!(res.status(), 303);
}
