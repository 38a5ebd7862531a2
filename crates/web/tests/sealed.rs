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
    let copy = database_copy(&app).await;
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

/// The other free text about a person, one marker per sealed column.
const NARRATIVES: &[&str] = &[
    "Reponse-Marqueur-2231", "Motif-Orientation-6604", "Note-Statut-7713", "Resultat-Service-8825", "Cloture-Marqueur-9931",
    "Gel-Juridique-1147", "Commentaire-Approbation-5518", "Motif-Transfert-3362", "Refus-Transfert-4471", "But-Plan-5150",
    "Action-Plan-6261",
    // The shared copy of the referral holds the name (sealed with the person too).
    "Brancaleux",
];

/// The SQLite file and its WAL, or every PostgreSQL row as text.
async fn database_copy(app: &common::TestApp) -> Vec<u8> {
    match app.store.sqlite_path() {
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
    }
}

both_backends!(every_free_text_about_a_person_is_sealed_and_reads_back, |app| {
    use passerelle_store::{cases, responses, rights, transfers};
    let cw = app.signed_in(CASEWORKER).await;
    let fp = app.signed_in("focalpoint@demo.passerelle.test").await;
    let csrf = cw.csrf("/people/new").await;
    let r = post(&cw, "/people", &csrf, &[("given_names", "Sidonie"), ("family_names", "Brancaleux"), ("sex", "female"), ("confirm_new", "1")]).await;
    let person = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{person}/cases"), &csrf, &[("sop", "social_welfare"), ("risk", "medium")]).await;
    let case = id_after("/cases/", &location(&r));
    post(&cw, &format!("/cases/{case}/consents"), &csrf, &[("given_by", "person"), ("scope", "referral")]).await;

    // A referral to a service of the focal point's agency: reason and shared copy; the receiver
    // accepts with a note and completes with an outcome (recorded as a service received too).
    let (svc, need, consent, caseworker, sop) = {
        let mut tx = app.store.read().await.unwrap();
        let fp_agency = passerelle_store::users::find_by_email(&mut tx, "focalpoint@demo.passerelle.test").await.unwrap().unwrap().agency_id;
        let all = passerelle_store::directory::list_services(&mut tx, &passerelle_store::directory::ServiceFilter { status: Some("active".into()), ..Default::default() }).await.unwrap();
        let entry = all.into_iter().find(|e| e.agency_id.is_some() && e.agency_id == fp_agency).expect("a service of the focal point's agency");
        let needs = passerelle_core::directory::taxonomy::Taxonomy::needs();
        let code = passerelle_core::directory::profile::codes(&entry.service, needs).into_iter().next().unwrap();
        let root = needs.lineage(&code).into_iter().find(|c| needs.get(c).is_some_and(|t| t.parent.is_none())).unwrap().to_string();
        let consent = passerelle_store::consents::of_case(&mut tx, case).await.unwrap()[0].id;
        let caseworker = passerelle_store::users::find_by_email(&mut tx, CASEWORKER).await.unwrap().unwrap();
        let sop = passerelle_store::sops::latest(&mut tx, "social_welfare").await.unwrap().unwrap().sop;
        (entry.id().to_string(), root, consent.to_string(), caseworker, sop)
    };
    let r = post(&cw, &format!("/cases/{case}/referrals"), &csrf, &[("need", &need), ("service", &svc), ("urgency", "urgent"),
        ("reason", "Motif-Orientation-6604"), ("share", "name"), ("share", "sex"), ("consent", &consent), ("action", "send")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let referral = id_after("/referrals/", &location(&r));
    let fp_csrf = fp.csrf("/referrals").await;
    for (to, note, outcome) in [("accepted", "Note-Statut-7713", ""), ("completed", "", "Resultat-Service-8825")] {
        let (_, json) = fp.text(&format!("/api/v1/referrals/{referral}")).await;
        let v = serde_json::from_str::<serde_json::Value>(&json).unwrap()["version"].to_string();
        let r = post(&fp, &format!("/referrals/{referral}/status"), &fp_csrf, &[("version", &v), ("to", to), ("note", note), ("outcome", outcome)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{to}");
    }

    // A form answered for the case, an approval with a comment, a transfer asked and declined,
    // the case closed with a reason, and a legal hold with its reason.
    let sight = passerelle_store::people::Sight {
        viewer: passerelle_store::users::Viewer { id: caseworker.id, agency_id: None, team_id: None, scope: passerelle_core::access::Scope::All },
        supervises: None,
    };
    let mut tx = app.store.write().await.unwrap();
    let author = responses::Author { id: caseworker.id, agency_id: caseworker.agency_id, team_id: caseworker.team_id };
    let form = passerelle_store::forms::list_latest(&mut tx).await.unwrap().into_iter().next().unwrap();
    let version = form.form.version.clone().unwrap_or_default();
    let step = sop.steps.iter().find(|s| !s.approvals.is_empty()).expect("a step needing approval").id.clone();
    let link = responses::CaseStep { case_id: case, step_id: step.clone() };
    let response = responses::submit(&mut tx, &author, &form.form.id, &version, &serde_json::json!({"story": "Reponse-Marqueur-2231"}), Some(&link)).await.unwrap();
    let c = cases::get(&mut tx, &sight, case).await.unwrap().unwrap();
    assert!(cases::request_approval(&mut tx, caseworker.id, &c, &sop, &step, c.version).await.unwrap());
    let approval = cases::progress(&mut tx, case).await.unwrap().approval(&step).unwrap().id;
    assert!(cases::decide_approval(&mut tx, caseworker.id, &c, approval, true, "Commentaire-Approbation-5518", c.version + 1).await.unwrap());
    let other = passerelle_store::agencies::list_agencies(&mut tx).await.unwrap().into_iter().find(|a| Some(a.id) != caseworker.agency_id).unwrap();
    assert!(transfers::request(&mut tx, caseworker.id, &c, other.id, None, "Motif-Transfert-3362", c.version + 2).await.unwrap());
    let t = transfers::of_case(&mut tx, case).await.unwrap().remove(0);
    transfers::decline(&mut tx, caseworker.id, &t, "Refus-Transfert-4471").await.unwrap();
    let c = cases::get(&mut tx, &sight, case).await.unwrap().unwrap();
    let goal = passerelle_store::case_plan::add_goal(&mut tx, caseworker.id, &c, "But-Plan-5150").await.unwrap();
    let action = passerelle_store::case_plan::ActionInput {
        description: "Action-Plan-6261".into(), who: format!("user:{}", caseworker.id), due_on: "2026-01-05".into(), status: "planned".into(),
    };
    passerelle_store::case_plan::add_action(&mut tx, caseworker.id, &c, goal, &action).await.unwrap();
    let plan = passerelle_store::case_plan::of_case(&mut tx, case).await.unwrap();
    assert_eq!((plan[0].title.as_str(), plan[0].actions[0].description.as_str()), ("But-Plan-5150", "Action-Plan-6261"));
    let overdue = passerelle_store::case_plan::overdue_for(&mut tx, &sight, chrono::Utc::now().date_naive(), 10).await.unwrap();
    assert!(overdue.iter().any(|o| o.description == "Action-Plan-6261"), "the overdue action reads back");
    cases::close(&mut tx, caseworker.id, &c, "Cloture-Marqueur-9931", c.version).await.unwrap();
    assert!(rights::set_legal_hold(&mut tx, caseworker.id, case, true, "Gel-Juridique-1147").await.unwrap());
    tx.commit().await.unwrap();

    // Everything reads back through the application: pages, store and the subject access dossier
    // (the case page of a closed case no longer lists its transfers: read from the store).
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    for m in ["Cloture-Marqueur-9931", "Commentaire-Approbation-5518", "Resultat-Service-8825"] {
        assert!(page.contains(m), "{m} on the case page: {page}");
    }
    let (_, page) = fp.text(&format!("/referrals/{referral}")).await;
    for m in ["Motif-Orientation-6604", "Note-Statut-7713", "Resultat-Service-8825", "Sidonie Brancaleux"] {
        assert!(page.contains(m), "{m} on the referral page: {page}");
    }
    let mut tx = app.store.read().await.unwrap();
    let viewer = passerelle_store::users::Viewer { id: caseworker.id, agency_id: None, team_id: None, scope: passerelle_core::access::Scope::All };
    let answers = responses::get(&mut tx, &viewer, response).await.unwrap().unwrap().answers;
    assert_eq!(answers["story"], "Reponse-Marqueur-2231");
    let t0 = transfers::of_case(&mut tx, case).await.unwrap().remove(0);
    assert_eq!((t0.reason.as_str(), t0.comment.as_deref()), ("Motif-Transfert-3362", Some("Refus-Transfert-4471")));
    drop(tx);
    // The dossier leaves the server only as an encrypted archive: read what it holds in the store.
    let admin_id = app.user_id("admin@demo.passerelle.test").await;
    let mut tx = app.store.write().await.unwrap();
    let dossier = rights::subject_access(&mut tx, admin_id, person).await.unwrap().unwrap().to_json();
    drop(tx);
    for m in NARRATIVES {
        assert!(dossier.contains(m), "{m} in the subject access dossier");
    }

    // The copy holds none of them.
    let copy = database_copy(&app).await;
    for m in NARRATIVES {
        assert!(!contains(&copy, m), "{m:?} found in the clear in the database");
    }

    // A row written in the clear before (an older version) is sealed at the next start-up.
    if let Some(db) = app.store.sqlite_path() {
        let mut tx = app.store.write().await.unwrap();
        let sql = format!("UPDATE case_transfers SET comment = 'Ancien-Commentaire', sealed = NULL, seal_key = NULL WHERE id = x'{}'", t.id.simple());
        assert_eq!(passerelle_store::db::test_support::execute(&mut tx, &sql).await.unwrap(), 1);
        tx.commit().await.unwrap();
        let again = passerelle_store::Store::open(None, db.parent().unwrap()).await.unwrap();
        let mut tx = again.read().await.unwrap();
        assert_eq!(passerelle_store::db::test_support::count(&mut tx, "SELECT COUNT(*) FROM case_transfers WHERE comment IS NOT NULL OR seal_key IS NULL").await.unwrap(), 0);
        assert_eq!(transfers::of_case(&mut tx, case).await.unwrap()[0].comment.as_deref(), Some("Ancien-Commentaire"));
    }
});
