//! Issue 10, encryption at rest: a copy of the database (the SQLite file, or every PostgreSQL
//! row as text) and of the attachment files reveals no name, phone, birth date, address, note
//! or file content, while search by name and by phone and the duplicate check still find the
//! person; a wrong data key is refused before anything is read or written.

mod common;
use common::post;
use common::id_after;

use common::location;
use passerelle_store::sealing::DataKey;
use reqwest::StatusCode;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";

fn files_under(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(std::fs::read(&p).unwrap());
        }
    }
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// What must never be found in the clear: the name (as typed and folded), its sound keys
/// (blocking keys are stored only as blind indexes), phone, birth date, address, note.
const SECRETS: &[&str] = &[
    "Zéphyrine", "Zephyrine", "Quillembert", "aprn", "qlmbr", "34567812", "1991-03-04", "Rue des Oliviers", "Kwashiorkor-carnet-7731",
    "Consentement-Oral-4419",
];

both_backends!(a_copy_of_the_database_reveals_no_name_and_search_still_works, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let r = post(&cw, "/people", &csrf, &[
        ("given_names", "Zéphyrine"), ("family_names", "Quillembert"), ("birth_date", "1991-03-04"), ("sex", "female"),
        ("phone", "+509 3456 7812"), ("address", "Rue des Oliviers 17"), ("confirm_new", "1"),
    ]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let person = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{person}/cases"), &csrf, &[("sop", "social_welfare"), ("risk", "medium")]).await;
    let case = id_after("/cases/", &location(&r));
    let r = post(&cw, &format!("/cases/{case}/notes"), &csrf, &[("body", "Kwashiorkor-carnet-7731: seen at home")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(&cw, &format!("/cases/{case}/consents"), &csrf, &[("given_by", "person"), ("scope", "referral"), ("notes", "Consentement-Oral-4419")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let pdf = b"%PDF-1.4\n% Certificat-Marqueur-5511\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(pdf.clone()).file_name("c.pdf"));
    let r = cw.client.post(format!("{}/cases/{case}/attachments?csrf_token={csrf}", cw.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Everything reads back in the clear through the application.
    let (_, page) = cw.text(&format!("/people/{person}")).await;
    assert!(page.contains("Zéphyrine") && page.contains("Quillembert") && page.contains("Rue des Oliviers 17"), "{page}");
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    assert!(page.contains("Kwashiorkor-carnet-7731") && page.contains("Zéphyrine Quillembert") && page.contains("Consentement-Oral-4419"), "{page}");
    let key = "href=\"/attachments/";
    let start = page.find(key).expect("attachment listed") + key.len();
    let attachment = page[start..start + 36].to_string();
    assert_eq!(cw.get(&format!("/attachments/{attachment}")).await.bytes().await.unwrap().to_vec(), pdf);

    // Search by name (with typos and without the accent), by phone, and the duplicate check.
    for q in ["zefirine%20quilembert", "Quillembert", "34567812", "%2B509%203456%207812"] {
        let (_, found) = cw.text(&format!("/people?q={q}")).await;
        assert!(found.contains(&format!("/people/{person}")), "search {q}: {found}");
    }
    let r = post(&cw, "/people", &csrf, &[("given_names", "Zephyrine"), ("family_names", "Quillembert"), ("birth_date", "1991-03-04")]).await;
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("/people/{person}")), "duplicate proposed: {page}");

    // The copy: every byte of the SQLite file and its WAL, or every PostgreSQL row as text.
    let copy: Vec<u8> = match app.store.sqlite_path() {
        Some(db) => {
            let mut bytes = std::fs::read(db).unwrap();
            let wal = db.with_extension("sqlite3-wal");
            if wal.exists() {
                bytes.extend(std::fs::read(wal).unwrap());
            }
            bytes
        }
        None => {
            let mut tx = app.store.read().await.unwrap();
            passerelle_store::db::test_support::postgres_rows_as_text(&mut tx).await.unwrap().into_bytes()
        }
    };
    assert!(copy.len() > 10_000, "the copy holds the demo data");
    for secret in SECRETS {
        assert!(!contains(&copy, secret), "{secret:?} found in the clear in the database");
    }
    // The demo's people are sealed too (sealed at registration, or at start-up for older rows).
    assert!(!contains(&copy, "mo-Vallon"), "a demo person's name in the clear");
    let mut files = Vec::new();
    files_under(app.store.files_dir().unwrap(), &mut files);
    assert!(!files.is_empty());
    for f in &files {
        assert!(!contains(f, "Certificat-Marqueur-5511") && !contains(f, "%PDF"), "attachment file in the clear on disk");
    }

    // Another data key under the same id is refused at start-up, naming the problem.
    if let Some(db) = app.store.sqlite_path() {
        let other = passerelle_core::privacy::seal::key_line(1, &passerelle_core::privacy::seal::generate_key());
        let e = passerelle_store::Store::open_keyed(None, db.parent().unwrap(), &DataKey::Text(other)).await.unwrap_err();
        assert!(e.to_string().contains("not the key this database was sealed with"), "{e}");
        // A keyring that lacks the key the data are sealed with is refused as well.
        let two = passerelle_core::privacy::seal::key_line(2, &passerelle_core::privacy::seal::generate_key());
        let e = passerelle_store::Store::open_keyed(None, db.parent().unwrap(), &DataKey::Text(two)).await.unwrap_err();
        assert!(e.to_string().contains("data key 1"), "{e}");
    }
});

both_backends!(an_altered_or_moved_sealed_value_does_not_open, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let mut ids = Vec::new();
    for (g, f) in [("Odeline", "Vantrasque"), ("Perpétue", "Ormanville")] {
        let r = post(&cw, "/people", &csrf, &[("given_names", g), ("family_names", f), ("confirm_new", "1")]).await;
        ids.push(id_after("/people/", &location(&r)));
    }
    // Someone with write access to the database copies one person's sealed names onto another:
    // the value is bound to its row, so the page fails instead of showing the wrong name.
    let mut tx = app.store.write().await.unwrap();
    let (a, b) = (ids[0], ids[1]);
    let sql = match app.backend {
        common::Backend::Sqlite => format!(
            "UPDATE people SET sealed = (SELECT sealed FROM people WHERE id = x'{}') WHERE id = x'{}'", a.simple(), b.simple()),
        common::Backend::Postgres => format!(
            "UPDATE people SET sealed = (SELECT sealed FROM people WHERE id = '{a}') WHERE id = '{b}'"),
    };
    assert_eq!(passerelle_store::db::test_support::execute(&mut tx, &sql).await.unwrap(), 1);
    tx.commit().await.unwrap();
    let (status, page) = cw.text(&format!("/people/{b}")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!page.contains("Odeline"), "{page}");
    let (status, page) = cw.text(&format!("/people/{a}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Odeline"));
});
