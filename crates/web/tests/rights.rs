//! Issue 10, a person's rights: the administrator's dossier holds everything about a person
//! (name, notes, consents, referrals' shared copies, audit entries) as a page and as JSON;
//! a caseworker is refused; anonymising removes every identifying value (page, search, raw
//! database, attachment files) while the case still counts and the audit chain verifies;
//! deleting removes the rows; a legal hold refuses both.

mod common;
use common::{id_after, post};

use common::{location, Session};
use reqwest::StatusCode;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const ADMIN: &str = "admin@demo.passerelle.test";

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn files_under(dir: &std::path::Path, out: &mut usize) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for entry in rd.flatten() {
            let p = entry.path();
            if p.is_dir() { files_under(&p, out) } else { *out += 1 }
        }
    }
}

/// A person with a case, a note, a consent and an attachment, registered by the caseworker.
async fn person_with_case(cw: &Session, given: &str, family: &str) -> (Uuid, Uuid) {
    let csrf = cw.csrf("/people/new").await;
    let r = post(cw, "/people", &csrf, &[("given_names", given), ("family_names", family), ("birth_date", "1990-05-06"), ("sex", "female"), ("confirm_new", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let person = id_after("/people/", &location(&r));
    let r = post(cw, &format!("/people/{person}/cases"), &csrf, &[("sop", "social_welfare"), ("risk", "medium")]).await;
    let case = id_after("/cases/", &location(&r));
    let r = post(cw, &format!("/cases/{case}/notes"), &csrf, &[("body", "Note-Marqueur-8812 seen at home")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(cw, &format!("/cases/{case}/consents"), &csrf, &[("given_by", "person"), ("scope", "referral"), ("notes", "Consent-Marqueur-3391")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let pdf = b"%PDF-1.4\n% x\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(pdf).file_name("c.pdf"));
    let r = cw.client.post(format!("{}/cases/{case}/attachments?csrf_token={csrf}", cw.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    (person, case)
}

async fn count(app: &common::TestApp, sql: &str) -> i64 {
    let mut tx = app.store.read().await.unwrap();
    passerelle_store::db::test_support::count(&mut tx, sql).await.unwrap()
}

fn uuid_sql(app: &common::TestApp, id: Uuid) -> String {
    match app.backend {
        common::Backend::Sqlite => format!("x'{}'", id.simple()),
        common::Backend::Postgres => format!("'{id}'"),
    }
}

both_backends!(the_dossier_holds_everything_and_anonymising_leaves_only_figures, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let (person, case) = person_with_case(&cw, "Théodorine", "Valcourbe").await;
    // A caseworker may not use these pages.
    for path in [format!("/admin/people?q=x"), format!("/admin/people/{person}/dossier"), format!("/admin/people/{person}/erase")] {
        assert_eq!(cw.get(&path).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let admin = app.signed_in(ADMIN).await;
    let (status, found) = admin.text("/admin/people?q=Valcourbe").await;
    assert_eq!(status, StatusCode::OK);
    assert!(found.contains(&format!("/admin/people/{person}/dossier")), "{found}");
    // A restricted person is found too: a request about them must be answerable (the caseworker
    // of another team does not find them).
    let csrf = cw.csrf("/people/new").await;
    let r = post(&cw, "/people", &csrf, &[("given_names", "Hortense"), ("family_names", "Valcourbe-Secret"), ("sex", "female"),
        ("restricted", "1"), ("confirm_new", "1")]).await;
    let hidden = id_after("/people/", &location(&r));
    let (_, found) = admin.text("/admin/people?q=Valcourbe-Secret").await;
    assert!(found.contains(&format!("/admin/people/{hidden}/dossier")), "restricted person found: {found}");
    common::staff(&app, "other.cw@demo.passerelle.test", "caseworker", "Child protection team North").await;
    let other = app.signed_in("other.cw@demo.passerelle.test").await;
    let (_, found) = other.text("/people?q=Valcourbe-Secret").await;
    assert!(!found.contains(&hidden.to_string()), "{found}");
    let (status, page) = admin.text(&format!("/admin/people/{person}/dossier")).await;
    assert_eq!(status, StatusCode::OK);
    for expected in ["Théodorine", "Valcourbe", "Note-Marqueur-8812", "Consent-Marqueur-3391", "c.pdf", "person.register", "case.note"] {
        assert!(page.contains(expected), "{expected} in the dossier: {page}");
    }
    // The JSON leaves only as an encrypted archive (see exports.rs): made here, opened there.
    let r = admin.post_form(&format!("/admin/people/{person}/dossier"), &format!("/admin/people/{person}/export"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let export = id_after("/exports/", &location(&r));
    let (_, shown) = admin.text(&format!("/exports/{export}")).await;
    let start = shown.find("readonly value=\"").unwrap() + "readonly value=\"".len();
    let pass = shown[start..start + shown[start..].find('"').unwrap()].to_string();
    let zipped = admin.get(&format!("/exports/{export}/download")).await.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_name_decrypt("dossier.json", pass.as_bytes()).unwrap(), &mut text).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let text = json.to_string();
    assert!(text.contains("Valcourbe") && text.contains("Note-Marqueur-8812") && text.contains("\"referrals\""), "{text}");
    assert!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.export'").await >= 1);

    // A wrong reference erases nothing.
    let csrf = admin.csrf(&format!("/admin/people/{person}/erase")).await;
    let r = post(&admin, &format!("/admin/people/{person}/erase"), &csrf, &[("mode", "anonymise"), ("confirm", "nope")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("not this person"));

    let reference = &person.simple().to_string()[..8];
    let cases_before = count(&app, "SELECT COUNT(*) FROM cases").await;
    let r = post(&admin, &format!("/admin/people/{person}/erase"), &csrf, &[("mode", "anonymise"), ("confirm", reference)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // No name on the person page, the old name finds nothing, the case still counts.
    let (_, page) = cw.text(&format!("/people/{person}")).await;
    assert!(!page.contains("Théodorine") && !page.contains("Valcourbe"), "{page}");
    let (_, found) = cw.text("/people?q=Valcourbe").await;
    assert!(!found.contains(&format!("/people/{person}")), "{found}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, cases_before);
    let pid = uuid_sql(&app, person);
    let cid = uuid_sql(&app, case);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM people WHERE id = {pid} AND anonymised_at IS NOT NULL AND sex = 'female' AND birth_year_estimated = 1990")).await, 1);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM case_notes WHERE case_id = {cid}")).await, 0);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM case_attachments WHERE case_id = {cid}")).await, 0);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM person_match_keys WHERE person_id = {pid}")).await, 0);
    // The dossier now holds no name or note.
    let (_, page) = admin.text(&format!("/admin/people/{person}/dossier")).await;
    assert!(!page.contains("Valcourbe") && !page.contains("Note-Marqueur-8812") && !page.contains("Consent-Marqueur-3391"), "{page}");
    // The raw database has no trace; the attachment file is gone.
    let copy: Vec<u8> = match app.store.sqlite_path() {
        Some(db) => {
            let mut bytes = std::fs::read(db).unwrap();
            let wal = db.with_extension("sqlite3-wal");
            if wal.exists() { bytes.extend(std::fs::read(wal).unwrap()); }
            bytes
        }
        None => {
            let mut tx = app.store.read().await.unwrap();
            passerelle_store::db::test_support::postgres_rows_as_text(&mut tx).await.unwrap().into_bytes()
        }
    };
    for secret in ["Théodorine", "Valcourbe", "Note-Marqueur-8812", "Consent-Marqueur-3391"] {
        assert!(!contains(&copy, secret), "{secret} in the database");
    }
    let mut files = 0;
    files_under(app.store.files_dir().unwrap(), &mut files);
    assert_eq!(files, 0, "attachment files deleted");
    // Audited, and the chain still verifies.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.erase'").await, 1);
    let mut tx = app.store.read().await.unwrap();
    assert!(passerelle_store::audit::verify(&mut tx).await.unwrap().is_ok());
});

both_backends!(deleting_removes_the_rows_and_a_legal_hold_refuses, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let (person, case) = person_with_case(&cw, "Anselmine", "Brocquefort").await;
    let admin = app.signed_in(ADMIN).await;
    let path = format!("/admin/people/{person}/erase");
    let csrf = admin.csrf(&path).await;
    let reference = person.simple().to_string()[..8].to_string();
    // A hold needs a reason; with one, erasure is refused.
    let r = post(&admin, &format!("/admin/people/{person}/hold"), &csrf, &[("case_id", &case.to_string()), ("hold", "on"), ("reason", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(&admin, &format!("/admin/people/{person}/hold"), &csrf, &[("case_id", &case.to_string()), ("hold", "on"), ("reason", "Court inquiry 12")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.legal_hold'").await, 1);
    for mode in ["delete", "anonymise"] {
        let r = post(&admin, &path, &csrf, &[("mode", mode), ("confirm", &reference)]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(r.text().await.unwrap().contains("legal hold"));
    }
    let pid = uuid_sql(&app, person);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM people WHERE id = {pid}")).await, 1);
    // Lifted, the person is deleted with everything under them.
    let r = post(&admin, &format!("/admin/people/{person}/hold"), &csrf, &[("case_id", &case.to_string()), ("hold", "off")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(&admin, &path, &csrf, &[("mode", "delete"), ("confirm", &reference)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cid = uuid_sql(&app, case);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM people WHERE id = {pid}")).await, 0);
    for table in ["cases WHERE id", "case_notes WHERE case_id", "case_consents WHERE case_id", "case_attachments WHERE case_id"] {
        assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM {table} = {cid}")).await, 0, "{table}");
    }
    assert_eq!(admin.get(&format!("/admin/people/{person}/dossier")).await.status(), StatusCode::NOT_FOUND);
    let mut tx = app.store.read().await.unwrap();
    assert!(passerelle_store::audit::verify(&mut tx).await.unwrap().is_ok());
});
