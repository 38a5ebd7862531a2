//! The binary as operators use it: init, token, audit verify, backup and restore, serve,
//! and several servers sharing one PostgreSQL database.

mod common;
use common::{client, csrf_in, fresh_postgres_url, sign_in, Server};

use std::path::Path;
use std::process::Output;

fn passerelle(args: &[&str], env: &[(&str, &str)]) -> Output {
    common::command().args(args).envs(env.iter().copied()).output().expect("run passerelle")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// `--data-dir DIR` or `--database URL`.
fn target(dir: &Path, pg: Option<&str>) -> Vec<String> {
    match pg {
        Some(url) => vec!["--database".into(), url.into()],
        None => vec!["--data-dir".into(), dir.display().to_string()],
    }
}

fn run_on(dir: &Path, pg: Option<&str>, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(target(dir, pg));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    passerelle(&refs, env)
}

fn init_and_token(pg: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // No password and no terminal: a clear refusal, nothing created.
    let o = run_on(d, pg, &["init", "--admin-email", "chief@ministry.test"], &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("PASSERELLE_ADMIN_PASSWORD"), "{}", stderr(&o));
    let o = run_on(d, pg, &["init", "--admin-email", "chief@ministry.test"], &[("PASSERELLE_ADMIN_PASSWORD", "short")]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("12 characters"));
    let pw = [("PASSERELLE_ADMIN_PASSWORD", "a long admin passphrase")];
    let o = run_on(d, pg, &["init", "--admin-email", "chief@ministry.test"], &pw);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("created"));
    let o = run_on(d, pg, &["init", "--admin-email", "Chief@Ministry.test"], &pw);
    assert!(o.status.success());
    assert!(stdout(&o).contains("left as it is"));
    // Also on an instance that already has users.
    assert!(run_on(d, pg, &["demo"], &[]).status.success());
    let o = run_on(d, pg, &["init", "--admin-email", "second@ministry.test"], &pw);
    assert!(o.status.success(), "{}", stderr(&o));

    let o = run_on(d, pg, &["token", "create", "--user", "chief@ministry.test", "--name", "backup script"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).trim().starts_with("psl_"));
    let o = run_on(d, pg, &["token", "create", "--user", "nobody@ministry.test", "--name", "x"], &[]);
    assert!(!o.status.success());
    let o = run_on(d, pg, &["audit", "verify"], &[]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("intact"));
}

#[test]
fn init_token_and_audit_on_sqlite() {
    init_and_token(None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_token_and_audit_on_postgres() {
    let url = fresh_postgres_url().await;
    tokio::task::spawn_blocking(move || init_and_token(Some(&url))).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_creates_a_missing_postgres_database() {
    let admin = std::env::var("PASSERELLE_TEST_DATABASE_URL")
        .expect("PASSERELLE_TEST_DATABASE_URL is not set: run the suite with scripts/test");
    let mut url = url::Url::parse(&admin).unwrap();
    let name = format!("passerelle_test_new_{}", uuid::Uuid::new_v4().simple());
    url.set_path(&name);
    let url = url.to_string();
    let o = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let o = run_on(dir.path(), Some(&url), &["init", "--admin-email", "chief@ministry.test"],
            &[("PASSERELLE_ADMIN_PASSWORD", "a long admin passphrase")]);
        let verify = run_on(dir.path(), Some(&url), &["audit", "verify"], &[]);
        (o, verify)
    }).await.unwrap();
    assert!(o.0.status.success(), "{}", stderr(&o.0));
    assert!(stdout(&o.1).contains("intact"));
    let pool = sqlx::PgPool::connect(&admin).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(&name).fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1, "the database was created");
}

#[test]
fn tokens_only_for_administrators() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run_on(d, None, &["demo"], &[]).status.success());
    let o = run_on(d, None, &["token", "create", "--user", "caseworker@demo.passerelle.test", "--name", "x"], &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not an administrator"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_serving_then_restore() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_s = data.display().to_string();
    let mut server = Server::start(&["--data-dir".into(), data_s.clone(), "--demo".into()]);
    let c = client();
    sign_in(&c, &server.url, "admin@demo.passerelle.test").await;
    let backup = dir.path().join("backup.sqlite3");
    let o = passerelle(&["backup", "--to", &backup.display().to_string(), "--data-dir", &data_s], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Refuses to overwrite a backup.
    assert!(!passerelle(&["backup", "--to", &backup.display().to_string(), "--data-dir", &data_s], &[]).status.success());
    assert!(server.stop().success(), "graceful stop on SIGTERM");

    let restored = dir.path().join("restored");
    let r = restored.display().to_string();
    // The backup's personal data open only with the data key they were sealed with: kept apart
    // from the backup, and named when restoring.
    let key = data.join("keys").join("data.key").display().to_string();
    let o = passerelle(&["restore", "--from", &backup.display().to_string(), "--data-dir", &r], &[]);
    assert!(!o.status.success(), "restored without the data key");
    assert!(stderr(&o).contains("not the key this database was sealed with"), "{}", stderr(&o));
    std::fs::remove_dir_all(&restored).unwrap();
    let o = passerelle(&["restore", "--from", &backup.display().to_string(), "--data-dir", &r, "--data-key-file", &key], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("audit chain intact"), "{}", stdout(&o));
    // Restoring over a database needs --force; a file that is not a backup is refused.
    assert!(!passerelle(&["restore", "--from", &backup.display().to_string(), "--data-dir", &r, "--data-key-file", &key], &[]).status.success());
    let junk = dir.path().join("junk");
    std::fs::write(&junk, b"not a database").unwrap();
    let o = passerelle(&["restore", "--from", &junk.display().to_string(), "--data-dir", &dir.path().join("x").display().to_string()], &[]);
    assert!(!o.status.success());
    // The restored instance serves the same people.
    let server = Server::start(&["--data-dir".into(), r, "--data-key-file".into(), key]);
    let c = client();
    sign_in(&c, &server.url, "admin@demo.passerelle.test").await;
    let body = c.get(format!("{}/admin/users", server.url)).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("Amélie Caseworker"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_reported_by_audit_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run_on(d, None, &["demo"], &[]).status.success());
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", d.join("passerelle.sqlite3").display())).await.unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&pool).await.unwrap();
    sqlx::query("UPDATE audit_log SET entity_type = 'x' WHERE seq = 7").execute(&pool).await.unwrap();
    pool.close().await;
    let o = run_on(d, None, &["audit", "verify"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("entry 7"), "{}", stdout(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_sessions_on_postgres() {
    let url = fresh_postgres_url().await;
    // Servers of one database share its data key (a file each is given, or PASSERELLE_DATA_KEY).
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("data.key").display().to_string();
    assert!(passerelle(&["keys", "generate", "--to", &key], &[]).status.success());
    let args = vec!["--database".to_string(), url.clone(), "--data-key-file".into(), key, "--demo".to_string()];
    let a = Server::start(&args);
    let b = Server::start(&args[..4]);
    let c = client();
    sign_in(&c, &a.url, "admin@demo.passerelle.test").await;
    // The session cookie is for 127.0.0.1 (any port), so the same client carries it to B.
    let res = c.get(format!("{}/dashboard", b.url)).send().await.unwrap();
    assert_eq!(res.status(), 200, "a session made on A works on B");
    let page = res.text().await.unwrap();
    let res = c.post(format!("{}/logout", b.url)).form(&[("csrf_token", csrf_in(&page))]).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let res = c.get(format!("{}/dashboard", a.url)).send().await.unwrap();
    assert_eq!(res.status(), 303, "signed out on B is signed out on A");
}

#[test]
fn help_documents_every_command_and_config_file_works() {
    let o = passerelle(&["--help"], &[]);
    let help = stdout(&o);
    for cmd in ["serve", "demo", "init", "token", "audit", "backup", "restore", "--data-dir", "--database", "--config"] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
    let serve = stdout(&passerelle(&["serve", "--help"], &[]));
    assert!(serve.contains("--addr") && serve.contains("PASSERELLE_ADDR"));
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("passerelle.toml");
    let data = dir.path().join("from-config");
    std::fs::write(&cfg, format!("data_dir = \"{}\"\n", data.display())).unwrap();
    let o = passerelle(&["--config", &cfg.display().to_string(), "demo"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(data.join("passerelle.sqlite3").exists());
    std::fs::write(&cfg, "colour = \"red\"\n").unwrap();
    let o = passerelle(&["--config", &cfg.display().to_string(), "demo"], &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not a valid Passerelle configuration"));
}

#[test]
fn sop_check_reports_every_problem_and_exits_1() {
    let pack = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content/sops");
    let o = passerelle(&["sop", "check", pack], &[]);
    assert!(o.status.success(), "the default pack validates: {}", stdout(&o));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "id = \"x\"\nversion = -1\n").unwrap();
    let o = passerelle(&["sop", "check", &bad.display().to_string()], &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("bad.toml:2:") && out.contains("version"), "{out}");
    assert!(out.contains("steps"), "every problem at once: {out}");
    let o = passerelle(&["sop", "check", "--json", &bad.display().to_string()], &[]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v.as_array().unwrap().len() >= 2);
}

#[test]
fn form_inspect_prints_the_form_or_its_problems() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("survey.csv"), "type,name,label::English (en),required,constraint\ntext,given_name,Given name,yes,\ninteger,age,Age,yes,. >= 0\n").unwrap();
    std::fs::write(d.join("settings.csv"), "form_title,form_id,version\nRegistration,registration,1\n").unwrap();
    let o = passerelle(&["form", "inspect", &d.display().to_string(), "--json"], &[]);
    assert!(o.status.success(), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["id"], "registration");
    assert_eq!(v["items"][1]["name"], "age");
    std::fs::write(d.join("survey.csv"), "type,name,label\nselect_one nolist,q1,Q\ntext,q1,Dup\n").unwrap();
    let o = passerelle(&["form", "inspect", &d.display().to_string()], &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("survey!A2") && out.contains("survey!B3"), "{out}");
}

/// The directory on the command line: export, a dry run that changes nothing, imports that
/// are all or nothing, and an export that validates against the official HSDS 3.0 schemas.
fn directory_import_export(pg: Option<&str>) {
    use passerelle_core::directory::hsds::testkit::{schema_errors, validator};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run_on(d, pg, &["demo"], &[]).status.success());
    let file = d.join("directory.json");
    let o = run_on(d, pg, &["export", "hsds", "--to", file.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let services = doc["services"].as_array().unwrap().clone();
    assert!(services.len() >= 60, "the demo directory is exported");
    // Every exported record validates against the official schema of its kind.
    for (key, schema) in [("services", "service.json"), ("organizations", "organization.json"), ("taxonomy_terms", "taxonomy_term.json")] {
        let v = validator(schema);
        for record in doc[key].as_array().unwrap() {
            let errors = schema_errors(&v, record);
            assert!(errors.is_empty(), "{key} {}: {errors:?}", record["id"]);
        }
    }
    // Importing the export back: everything is an update, nothing is created.
    let o = run_on(d, pg, &["import", "hsds", file.to_str().unwrap(), "--dry-run"], &[]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("create: 0\n"), "{}", stdout(&o));
    assert!(stdout(&o).contains("rejected: 0\n"));
    assert!(stdout(&o).contains("dry run: nothing written"));
    // A sheet with one bad row: the preview names it, nothing is written, exit 1.
    let sheet = d.join("mapping.csv");
    std::fs::write(&sheet, "Organisation;Service;Needs;Area\nCollectif Neuf;Aide alimentaire;food;BT-01\nCollectif Neuf;Autre;astrologie;BT-01\n").unwrap();
    let o = run_on(d, pg, &["import", "services", sheet.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("row 3, column C (Needs): \"astrologie\": not a term of the taxonomy"), "{}", stdout(&o));
    assert!(stdout(&o).contains("nothing imported"));
    // Fixed: a dry run writes nothing, the real import writes the organisation and service.
    std::fs::write(&sheet, "Organisation;Service;Needs;Area\nCollectif Neuf;Aide alimentaire;food;BT-01\n").unwrap();
    let o = run_on(d, pg, &["import", "services", sheet.to_str().unwrap(), "--dry-run"], &[]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = run_on(d, pg, &["import", "services", sheet.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("imported: 2 created, 0 updated"), "{}", stdout(&o));
    let o = run_on(d, pg, &["export", "hsds", "--to", file.to_str().unwrap()], &[]);
    assert!(o.status.success());
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["services"].as_array().unwrap().len(), services.len() + 1);
    // Not JSON at all.
    std::fs::write(&file, "{ nope").unwrap();
    let o = run_on(d, pg, &["import", "hsds", file.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("not valid JSON at line 1"), "{}", stdout(&o));
}

#[test]
fn directory_import_export_on_sqlite() {
    directory_import_export(None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_import_export_on_postgres() {
    let url = fresh_postgres_url().await;
    tokio::task::spawn_blocking(move || directory_import_export(Some(&url))).await.unwrap();
}

fn people_import_and_duplicates(pg: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run_on(d, pg, &["demo"], &[]).status.success());
    let file = d.join("people.csv");
    // A French sheet, with one impossible date of birth: nothing is written, the cell is named.
    std::fs::write(&file, "Prénom;Nom;Date de naissance;Sexe;Téléphone;Adresse;Numéro dossier\n\
        Fabiola;Saint-Fleur;1984-03-02;female;+509 3701 0001;Rue des Palmiers 4;OLD-0001\n\
        Wilner;Jean-Louis;2999-01-01;male;;;OLD-0002\n").unwrap();
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v = vec!["import".to_string(), "people".into(), file.display().to_string(), "--for".into(), "caseworker@demo.passerelle.test".into()];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        run_on(d, pg, &refs, &[])
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("row 3, column C (Date de naissance): out-of-range"), "{}", stdout(&o));
    assert!(stdout(&o).contains("nothing written"));
    // Fixed: a dry run checks and writes nothing, the import registers both.
    std::fs::write(&file, "Prénom;Nom;Date de naissance;Sexe;Téléphone;Adresse;Numéro dossier\n\
        Fabiola;Saint-Fleur;1984-03-02;female;+509 3701 0001;Rue des Palmiers 4;OLD-0001\n\
        Wilner;Jean-Louis;1979-01-01;male;;;OLD-0002\n\
        Fabiolla;Saint Fleur;1984-03-02;female;;;\n\
        Jean;Pierre;2999-01-01;male;;;\n").unwrap();
    let o = run(&["--dry-run"]);
    // The third row is the first one again with a typo: refused as very likely the same person.
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    let (dup, date) = (out.find("row 4: very likely the same person as row 2 (Fabiola Saint-Fleur, score"), out.find("row 5, column C (Date de naissance): out-of-range"));
    // Problems are listed in the sheet's order, whichever check found them.
    assert!(dup.is_some() && date.is_some() && dup < date, "{out}");
    std::fs::write(&file, "given_name,family_name,date_of_birth,sex,external_id\nFabiola,Saint-Fleur,1984-03-02,female,OLD-0001\nWilner,Jean-Louis,1979-01-01,male,OLD-0002\n").unwrap();
    let o = run(&["--dry-run"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("dry run: nothing written"));
    let o = run(&[]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("2 people registered"));
    // Importing the same list again: every row is someone already registered.
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1));
    // A near-duplicate registered another way shows up in the duplicates list.
    std::fs::write(&file, "given_name,family_name,date_of_birth,external_id\nFabiolla,Saint Fleur,,NEW-9\n").unwrap();
    let o = run(&[]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = run_on(d, pg, &["people", "duplicates", "--json"], &[]);
    assert!(o.status.success());
    let pairs: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(pairs.iter().any(|p| {
        let ids = [p["a"]["external_id"].as_str(), p["b"]["external_id"].as_str()];
        ids.contains(&Some("OLD-0001")) && ids.contains(&Some("NEW-9")) && p["score"].as_f64().unwrap() > 0.5
    }), "{pairs:?}");
    // --likely keeps the likely band's pairs, all of them, and no other.
    let o = run_on(d, pg, &["people", "duplicates", "--json", "--likely"], &[]);
    assert!(o.status.success());
    let likely: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let in_band: Vec<&serde_json::Value> = pairs.iter().filter(|p| p["band"] == "likely").collect();
    assert_eq!(likely.iter().collect::<Vec<_>>(), in_band);
    assert!(pairs.iter().any(|p| p["band"] == "possible"), "both bands present, so the filter is tested: {pairs:?}");
}

#[test]
fn people_import_and_duplicates_on_sqlite() {
    people_import_and_duplicates(None);
}

#[tokio::test(flavor = "multi_thread")]
async fn people_import_and_duplicates_on_postgres() {
    let url = fresh_postgres_url().await;
    tokio::task::spawn_blocking(move || people_import_and_duplicates(Some(&url))).await.unwrap();
}

/// `export ctdc`: the demo's identified victims who agreed to statistics, k-anonymised; the
/// command says the k achieved and what was left out, and the file has no names and every
/// equivalence class over the quasi-identifiers of size >= k.
fn ctdc_export(pg: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run_on(d, pg, &["demo"], &[]).status.success());
    let file = d.join("ctdc.csv");
    let o = run_on(d, pg, &["export", "ctdc", "--k", "3", "--to", file.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("k requested 3") && out.contains("records suppressed") && out.contains("without consent"), "{out}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("Démo"), "no names");
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(head.len(), 27, "the 27 CTDC variables");
    let qi: Vec<usize> = ["yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation"]
        .iter()
        .map(|c| head.iter().position(|h| h == c).unwrap())
        .collect();
    let mut classes = std::collections::BTreeMap::<Vec<String>, usize>::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        *classes.entry(qi.iter().map(|i| cells[*i].to_string()).collect()).or_default() += 1;
    }
    assert!(classes.values().all(|n| *n >= 3), "{classes:?}");
    // k out of range: refused by the command line, nothing written.
    let other = d.join("bad.csv");
    let o = run_on(d, pg, &["export", "ctdc", "--k", "1", "--to", other.to_str().unwrap()], &[]);
    assert!(!o.status.success() && !other.exists());
}

#[test]
fn ctdc_export_on_sqlite() {
    ctdc_export(None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctdc_export_on_postgres() {
    let url = fresh_postgres_url().await;
    tokio::task::spawn_blocking(move || ctdc_export(Some(&url))).await.unwrap();
}

/// `passerelle import outreach`: a KoboToolbox-like export with a row whose breakdown does not
/// add up is refused whole (exit 1, the row and breakdown named); fixed, a dry run writes
/// nothing, the import records both rows, and importing the same export again adds nothing.
fn outreach_import(pg: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run_on(d, pg, &["demo"], &[]).status.success());
    let file = d.join("kobo.csv");
    let today = chrono::Utc::now().date_naive();
    let sheet = |second_male: &str| format!(
        "kind,held_on,agents,people_reached,reach/female_25_59,reach/male_25_59,_uuid\n\
         information_session,{today},agent@demo.passerelle.test,5,3,2,k-1\n\
         home_visit,{today},agent@demo.passerelle.test,4,1,{second_male},k-2\n");
    let run = |extra: &[&str]| {
        let mut a = vec!["import", "outreach", file.to_str().unwrap(), "--for", "agent@demo.passerelle.test"];
        a.extend_from_slice(extra);
        run_on(d, pg, &a, &[])
    };
    std::fs::write(&file, sheet("1")).unwrap();
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("row 3, column sex_age: outreach-import-mismatch (2 / 4)"), "{}", stdout(&o));
    assert!(stdout(&o).contains("nothing written"));
    std::fs::write(&file, sheet("3")).unwrap();
    let o = run(&["--dry-run"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("dry run: nothing written"));
    let o = run(&[]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("2 rows read, 2 new, 0 already imported, 0 problems"), "{}", stdout(&o));
    let o = run(&[]);
    assert!(stdout(&o).contains("2 rows read, 0 new, 2 already imported"), "{}", stdout(&o));
    // Someone who may not record outreach is refused.
    let o = run_on(d, pg, &["import", "outreach", file.to_str().unwrap(), "--for", "caseworker@demo.passerelle.test"], &[]);
    assert!(!o.status.success());
}

#[test]
fn outreach_import_on_sqlite() {
    outreach_import(None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outreach_import_on_postgres() {
    let url = fresh_postgres_url().await;
    tokio::task::spawn_blocking(move || outreach_import(Some(&url))).await.unwrap();
}
