//! Issue 10, exports of personal data: the caseload (XLSX, CSV) and a subject-access dossier
//! leave the server only as AES-256 ZIP archives that open with the passphrase shown once;
//! the archive holds exactly the list the person sees (their scope, their filters; restricted
//! cases only for those who may read them), formulas stay text inside it, only the requester
//! can download it, it is gone (410, file deleted) after expiry, and the audit log says who
//! exported what and how many rows, never the content or the passphrase.

mod common;
use common::{id_after, location, post, staff, Session, TestApp};

use reqwest::StatusCode;
use std::collections::BTreeSet;
use std::io::Read;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const ADMIN: &str = "admin@demo.passerelle.test";
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"Open\")";

/// Registers a person and opens a case for them; returns the case's reference.
async fn person_with_case(s: &Session, given: &str, family: &str, risk: &str, restricted: bool) -> String {
    let csrf = s.csrf("/people/new").await;
    let mut fields = vec![("given_names", given), ("family_names", family), ("confirm_new", "1")];
    if restricted {
        fields.push(("restricted", "1"));
    }
    let r = post(s, "/people", &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "register {given}");
    let person = id_after("/people/", &location(&r));
    let mut fields = vec![("sop", "social_welfare"), ("risk", risk)];
    if restricted {
        fields.push(("restricted", "1"));
    }
    let r = post(s, &format!("/people/{person}/cases"), &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "open a case for {given}");
    let case = id_after("/cases/", &location(&r));
    // Its reference, as the list links it.
    let (_, list) = s.text("/cases?status=all").await;
    let at = list.find(&format!("href=\"/cases/{case}\">")).expect("the new case is listed") + format!("href=\"/cases/{case}\">").len();
    list[at..at + list[at..].find('<').unwrap()].trim().to_string()
}

/// The case references of a list, every page of it (following its "next" links).
async fn all_pages(s: &Session, first: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut at = Some(first.to_string());
    while let Some(path) = at {
        let (_, html) = s.text(&path).await;
        out.extend(references_in(&html));
        at = html.find("rel=\"next\"").and_then(|i| {
            let start = html[..i].rfind("href=\"")? + "href=\"".len();
            Some(html[start..].split('"').next()?.replace("&amp;", "&").replace("&#38;", "&"))
        });
    }
    out
}

/// The case references linked from a page (`<a href="/cases/<id>">REF</a>`).
fn references_in(html: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in html.match_indices("href=\"/cases/") {
        let rest = &html[i + "href=\"/cases/".len()..];
        if rest.len() < 38 || rest[..36].parse::<Uuid>().is_err() || !rest[36..].starts_with("\">") {
            continue;
        }
        let text: String = rest[38..].chars().take_while(|c| *c != '<').collect();
        if !text.trim().is_empty() {
            out.insert(text.trim().to_string());
        }
    }
    out
}

/// Asks for an export by posting `form` to `action` from `page`; returns the export's id and
/// the passphrase its page shows (once).
async fn export(s: &Session, page: &str, action: &str, form: &[(&str, &str)]) -> (Uuid, String) {
    let r = s.post_form(page, action, form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "export from {page}");
    let id = id_after("/exports/", &location(&r));
    let (status, html) = s.text(&format!("/exports/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let start = html.find("id=\"passphrase\" readonly value=\"").expect("the passphrase is shown") + "id=\"passphrase\" readonly value=\"".len();
    let pass = html[start..start + html[start..].find('"').unwrap()].to_string();
    assert!(html.contains(&format!("/exports/{id}/download")));
    // Shown once: the page asked again no longer has it.
    let (_, again) = s.text(&format!("/exports/{id}")).await;
    assert!(!again.contains(&pass) && again.contains("does not keep it"), "{again}");
    (id, pass)
}

async fn download(s: &Session, id: Uuid) -> Vec<u8> {
    let r = s.get(&format!("/exports/{id}/download")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    r.bytes().await.unwrap().to_vec()
}

/// The one file in the archive, opened with `pass`.
fn open(zipped: &[u8], name: &str, pass: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zipped.to_vec())).unwrap();
    assert_eq!(z.len(), 1);
    let mut out = Vec::new();
    z.by_name_decrypt(name, pass.as_bytes()).expect("opens with the passphrase").read_to_end(&mut out).unwrap();
    out
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(body);
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

both_backends!(a_caseload_export_is_the_scoped_filtered_list_in_an_encrypted_archive, |app| {
    staff(&app, "cw.cpu@demo.passerelle.test", "caseworker", "Child protection team North").await;
    staff(&app, "sup.cpu@demo.passerelle.test", "supervisor", "Child protection team North").await;
    staff(&app, "cw2@demo.passerelle.test", "caseworker", "Social welfare team Saint-Aubin").await;
    let cw = app.signed_in(CASEWORKER).await;
    let formula_ref = person_with_case(&cw, FORMULA, "Formulaire", "high", false).await;
    let hidden_ref = person_with_case(&cw, "Cachée", "Survivante", "low", true).await;
    let cpu = app.signed_in("cw.cpu@demo.passerelle.test").await;
    let other_team_ref = person_with_case(&cpu, "Autre", "Équipe", "high", false).await;

    // The supervisor's export (CSV, every status) is their list: their team's cases, the
    // restricted one included (they supervise it), not the other team's.
    let sup = app.signed_in(SUPERVISOR).await;
    let listed = all_pages(&sup, "/cases?status=all").await;
    assert!(listed.contains(&formula_ref) && listed.contains(&hidden_ref) && !listed.contains(&other_team_ref), "{listed:?}");
    let (id, pass) = export(&sup, "/cases?status=all", "/cases/export", &[("format", "csv"), ("status", "all")]).await;
    let zipped = download(&sup, id).await;
    assert!(!contains(&zipped, "Formulaire") && !contains(&zipped, "Survivante"), "nothing in the clear");
    let rows = csv_rows(&open(&zipped, "caseload.csv", &pass));
    assert_eq!(rows[0], ["Case", "Name", "Procedure", "Next step", "Risk level", "Status", "Caseworker", "Opened", "Next deadline"]);
    let exported: BTreeSet<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(exported, listed, "the export holds exactly the rows of the list");
    assert_eq!(rows.len() - 1, listed.len(), "each case once");
    // A name that looks like a formula is text in the file.
    let line = rows.iter().find(|r| r[0] == formula_ref).unwrap();
    assert_eq!(line[1], format!("'{FORMULA} Formulaire"), "{line:?}");
    assert!(rows.iter().flatten().all(|c| !c.starts_with(['=', '@', '+'])), "no cell starts a formula");
    // A wrong passphrase opens nothing.
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zipped.clone())).unwrap();
    let wrong = z.by_name_decrypt("caseload.csv", b"WRONG-PASSPHRASE").map(|mut f| {
        let mut out = Vec::new();
        f.read_to_end(&mut out).map(|_| out)
    });
    assert!(!matches!(wrong, Ok(Ok(_))), "a wrong passphrase must not open the archive");

    // The filters of the page apply: high risk only (XLSX).
    let high_listed = all_pages(&sup, "/cases?status=all&risk=high").await;
    assert!(high_listed.contains(&formula_ref) && !high_listed.contains(&hidden_ref));
    let (id, pass) = export(&sup, "/cases?status=all&risk=high", "/cases/export", &[("format", "xlsx"), ("status", "all"), ("risk", "high")]).await;
    let xlsx = open(&download(&sup, id).await, "caseload.xlsx", &pass);
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let in_book: BTreeSet<String> = cells[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(in_book, high_listed);
    let name = &cells.iter().find(|r| r[0] == formula_ref).unwrap()[1];
    assert_eq!(name, &format!("{FORMULA} Formulaire"), "the name as typed, as a string cell");
    let first = book.sheet_names()[0].clone();
    let formulas = book.worksheet_formula(&first).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula in the workbook");

    // Others: the other team's supervisor does not get this team's cases (nor the restricted
    // one); another caseworker of the team gets only their own (none).
    let sup_cpu = app.signed_in("sup.cpu@demo.passerelle.test").await;
    let (id_cpu, pass_cpu) = export(&sup_cpu, "/cases?status=all", "/cases/export", &[("format", "csv"), ("status", "all")]).await;
    let theirs: BTreeSet<String> = csv_rows(&open(&download(&sup_cpu, id_cpu).await, "caseload.csv", &pass_cpu))[1..].iter().map(|r| r[0].clone()).collect();
    assert!(theirs.contains(&other_team_ref) && !theirs.contains(&formula_ref) && !theirs.contains(&hidden_ref), "{theirs:?}");
    let cw2 = app.signed_in("cw2@demo.passerelle.test").await;
    // Their list is empty (no button), but the route answers the same scoped query.
    let (_, empty) = cw2.text("/cases?status=all").await;
    assert!(references_in(&empty).is_empty());
    let csrf = cw2.csrf("/account/tokens").await;
    let r = post(&cw2, "/cases/export", &csrf, &[("format", "csv"), ("status", "all")]).await;
    let id_cw2 = id_after("/exports/", &location(&r));
    let (_, page) = cw2.text(&format!("/exports/{id_cw2}")).await;
    let start = page.find("readonly value=\"").unwrap() + "readonly value=\"".len();
    let pass_cw2 = &page[start..start + page[start..].find('"').unwrap()];
    let mine = csv_rows(&open(&download(&cw2, id_cw2).await, "caseload.csv", pass_cw2));
    assert_eq!(mine.len(), 1, "headers only: {mine:?}");

    // Only the requester downloads or even sees an export.
    for path in [format!("/exports/{id}"), format!("/exports/{id}/download")] {
        assert_eq!(cw.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(sup_cpu.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let (_, mine_page) = sup.text("/exports").await;
    assert!(mine_page.contains(&format!("/exports/{id}/download")) && mine_page.contains("Caseload (XLSX)"), "{mine_page}");
    let (_, theirs_page) = cw.text("/exports").await;
    assert!(!theirs_page.contains(&id.to_string()));
    // An unknown format is refused and makes nothing.
    let before = count(&app, "SELECT COUNT(*) FROM exports").await;
    let r = sup.post_form("/cases", "/cases/export", &[("format", "pdf")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM exports").await, before);
    // Those who may not list cases may not export them.
    let admin = app.signed_in(ADMIN).await;
    assert_eq!(admin.post_form("/account/tokens", "/cases/export", &[("format", "csv")]).await.status(), StatusCode::FORBIDDEN);

    // The audit log: who exported what kind and how many rows; never a name or a passphrase.
    let mut tx = app.store.read().await.unwrap();
    let filter = passerelle_store::audit::Filter { action: Some("export.".into()), limit: 100, ..Default::default() };
    let entries = passerelle_store::audit::list(&mut tx, &filter).await.unwrap();
    drop(tx);
    let creates: Vec<_> = entries.iter().filter(|e| e.action == "export.create").collect();
    assert_eq!(creates.len(), 4);
    assert!(creates.iter().any(|e| e.detail.contains("\"kind\":\"caseload-csv\"") && e.detail.contains(&format!("\"rows\":{}", listed.len()))), "{creates:?}");
    assert!(entries.iter().filter(|e| e.action == "export.download").count() >= 4);
    for e in &entries {
        for secret in [pass.as_str(), "Formulaire", "HYPERLINK", "Survivante", pass_cpu.as_str()] {
            assert!(!e.detail.contains(secret), "{secret} in {e:?}");
        }
    }
});

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut tx = app.store.read().await.unwrap();
    passerelle_store::db::test_support::count(&mut tx, sql).await.unwrap()
}

both_backends!(an_export_expires_and_its_file_is_deleted, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    person_with_case(&cw, "Expiring", "Record", "medium", false).await;
    let (id, _) = export(&cw, "/cases", "/cases/export", &[("format", "xlsx")]).await;
    let dir = passerelle_store::exports::dir_of(&app.store).unwrap();
    let file = dir.join(format!("{}.zip", id.simple()));
    assert!(file.exists());
    // Not yet due: the sweep keeps it.
    assert_eq!(passerelle_store::exports::sweep(&app.store, chrono::Utc::now()).await.unwrap(), 0);
    assert!(file.exists());
    // A day and an hour later (the default is 24 hours): gone, file and all.
    let later = chrono::Utc::now() + chrono::Duration::hours(25);
    assert_eq!(passerelle_store::exports::sweep(&app.store, later).await.unwrap(), 1);
    assert!(!file.exists(), "the archive is deleted");
    let r = cw.get(&format!("/exports/{id}/download")).await;
    assert_eq!(r.status(), StatusCode::GONE);
    assert!(r.text().await.unwrap().contains("has expired"), "translated");
    let r = cw.client.get(app.at(&format!("/exports/{id}"))).header("accept-language", "fr").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::GONE);
    let (_, list) = cw.text("/exports").await;
    assert!(!list.contains(&id.to_string()), "no longer listed");
    // Still not someone else's: 404, not 410.
    let sup = app.signed_in(SUPERVISOR).await;
    assert_eq!(sup.get(&format!("/exports/{id}/download")).await.status(), StatusCode::NOT_FOUND);
    // A stray file (a transaction rolled back after writing it) goes at the next sweep.
    let stray = dir.join(format!("{}.zip", Uuid::now_v7().simple()));
    std::fs::write(&stray, b"PK").unwrap();
    passerelle_store::exports::sweep(&app.store, chrono::Utc::now()).await.unwrap();
    assert!(!stray.exists());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'export.expire'").await, 1);
});

both_backends!(a_dossier_export_is_an_encrypted_archive_for_the_administrator, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let r = post(&cw, "/people", &csrf, &[("given_names", "Dossiéra"), ("family_names", "Chiffrée"), ("confirm_new", "1")]).await;
    let person = id_after("/people/", &location(&r));
    // Only those who manage personal data may make it.
    let r = post(&cw, &format!("/admin/people/{person}/export"), &csrf, &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let admin = app.signed_in(ADMIN).await;
    let (_, page) = admin.text(&format!("/admin/people/{person}/dossier")).await;
    assert!(page.contains(&format!("action=\"/admin/people/{person}/export\"")), "a button on the dossier page");
    let (id, pass) = export(&admin, &format!("/admin/people/{person}/dossier"), &format!("/admin/people/{person}/export"), &[]).await;
    let zipped = download(&admin, id).await;
    assert!(!contains(&zipped, "Chiffr"), "nothing in the clear");
    let json: serde_json::Value = serde_json::from_slice(&open(&zipped, "dossier.json", &pass)).unwrap();
    let text = json.to_string();
    assert!(text.contains("Dossiéra") && text.contains("Chiffrée") && text.contains("person.register"), "{text}");
    // The clear JSON download is gone: personal data leave only encrypted.
    let r = admin.get(&format!("/admin/people/{person}/dossier.json")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // An unknown person: nothing made.
    let r = admin.post_form(&format!("/admin/people/{person}/dossier"), &format!("/admin/people/{}/export", Uuid::now_v7()), &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.export'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'export.create'").await, 1);
});
