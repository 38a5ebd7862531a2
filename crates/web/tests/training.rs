//! Training over HTTP on both backends: a trainer builds a curriculum and its costs, runs a
//! session with limits and a waiting list, records attendance, and issues certificates that
//! anyone can verify (valid, revoked, forged, mistyped); supervisors see and nominate only
//! their own agency's staff; bad input is refused field by field with nothing written; test
//! scores give a gain; figures and who-is-trained-on-what are computed and exported.

mod common;
use common::{id_after, post};

use common::{location, Session, TestApp};
use passerelle_store::training::{certificates, curricula, sessions};
use passerelle_store::users;
use reqwest::StatusCode;
use uuid::Uuid;

const TRAINER: &str = "trainer@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const FOCALPOINT: &str = "focalpoint@demo.passerelle.test";
const QUALITY: &str = "quality@demo.passerelle.test";

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    let mut tx = app.store.read().await.unwrap();
    users::find_by_email(&mut tx, email).await.unwrap().unwrap().id
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Creates a curriculum of one mandatory module with two cost lines; returns (curriculum, module).
async fn curriculum_with_module(s: &Session, csrf: &str) -> (Uuid, Uuid) {
    let r = post(s, "/training/curricula", csrf, &[
        ("code", "test-curriculum"), ("version", "1"), ("title_fr", "Programme d'essai"),
        ("title_en", "Test curriculum"), ("title_es", "Programa de prueba"), ("currency", "EUR"),
        ("optional_required", "0"),
    ]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let curriculum = id_after("/training/curricula/", &location(&r));
    let r = post(s, &format!("/training/curricula/{curriculum}/modules"), csrf, &[
        ("code", "m1"), ("title_fr", "Accueil des survivant·e·s"), ("title_en", "Receiving survivors"),
        ("title_es", "Acogida de sobrevivientes"), ("objectives_fr", "Savoir accueillir"),
        ("objectives_en", "Know how to receive"), ("objectives_es", "Saber acoger"),
        ("duration_hours", "12"), ("mode", "in_person"), ("sop_ids", "gbv"), ("need_codes", "gbv"),
        ("prerequisites", "Basic case management"), ("audience", "Caseworkers and supervisors"),
        ("trainers", "Théo Martin"), ("mandatory", "yes"),
    ]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let module = id_after("/training/modules/", &location(&r));
    for (label, kind, amount, payer) in [("Trainer", "fixed", "400", "donor"), ("Catering", "per_participant", "18.50", "employer")] {
        let r = post(s, &format!("/training/modules/{module}/costs"), csrf, &[("label", label), ("kind", kind), ("amount", amount), ("payer", payer)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}");
    }
    (curriculum, module)
}

both_backends!(a_trainer_runs_a_session_to_verified_certificates, |app| {
    let trainer = app.signed_in(TRAINER).await;
    let csrf = trainer.csrf("/training").await;
    let (curriculum, module) = curriculum_with_module(&trainer, &csrf).await;

    // Costs side by side: 400 + 10 x 18.50 = 585.00 (58.50 each); 400 + 15 x 18.50 = 677.50
    // (45.17 each, 45.1666… rounded); by payer, the donor's 400 and the employer's catering.
    let (status, page) = trainer.text(&format!("/training/curricula/{curriculum}")).await;
    assert_eq!(status, StatusCode::OK);
    for figure in ["585.00 EUR", "58.50 EUR", "677.50 EUR", "45.17 EUR", "400.00 EUR", "277.50 EUR"] {
        assert!(page.contains(figure), "{figure} missing from the cost scenarios");
    }
    // The module keeps its prerequisites, audience, trainers and the SOP it trains on.
    let (_, page) = trainer.text(&format!("/training/modules/{module}")).await;
    for text in ["Basic case management", "Caseworkers and supervisors", "Théo Martin", "Know how to receive", "href=\"/sops/gbv\""] {
        assert!(page.contains(text), "{text} missing from the module page");
    }
    let (_, page) = trainer.text(&format!("/training/curricula/{curriculum}?a=4&b=8")).await;
    assert!(page.contains("474.00 EUR") && page.contains("118.50 EUR"), "4 participants: 400 + 74");
    let (status, page) = trainer.text(&format!("/training/curricula/{curriculum}?a=0&b=8")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("this value is out of range"), "0 participants is refused");

    // A session of two seats, on yesterday and today.
    let (d1, d2) = (today() - chrono::Duration::days(1), today());
    let days = format!("{d1}\n{d2}");
    let go = (today() - chrono::Duration::days(3)).to_string();
    let r = post(&trainer, &format!("/training/modules/{module}/sessions"), &csrf, &[
        ("place", "Saint-Aubin"), ("trainer", "Théo"), ("min_participants", "2"), ("max_participants", "2"),
        ("go_no_go", &go), ("days", &days),
    ]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = id_after("/training/sessions/", &location(&r));

    // Three staff put forward for two seats: the third waits.
    for email in [CASEWORKER, SUPERVISOR, FOCALPOINT] {
        let uid = user_id(&app, email).await.to_string();
        let r = post(&trainer, &format!("/training/sessions/{session}/enrolments"), &csrf, &[("user_id", &uid)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email}");
    }
    // The same person twice is refused.
    let uid = user_id(&app, CASEWORKER).await.to_string();
    let r = post(&trainer, &format!("/training/sessions/{session}/enrolments"), &csrf, &[("user_id", &uid)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, page) = trainer.text(&format!("/training/sessions/{session}")).await;
    assert!(page.contains("2 of 2 seats taken, 1 waiting"), "seats and waiting list");
    assert!(page.contains("Waiting list, number 1"));
    let es = { let mut tx = app.store.read().await.unwrap(); sessions::enrolments(&mut tx, session).await.unwrap() };
    assert_eq!(es.len(), 3);
    assert_eq!(es[2].participant.name, "Fatou Focal Point (demo)");
    assert_eq!(es[2].seat, sessions::Seat::Waiting(1));

    // The supervisor withdraws: the head of the waiting list gets the seat.
    let r = post(&trainer, &format!("/training/enrolments/{}/withdraw", es[1].id), &csrf, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let es = { let mut tx = app.store.read().await.unwrap(); sessions::enrolments(&mut tx, session).await.unwrap() };
    assert_eq!(es.iter().filter(|e| e.seat == sessions::Seat::Seated).count(), 2);
    assert!(es.iter().any(|e| e.participant.name == "Fatou Focal Point (demo)" && e.seat == sessions::Seat::Seated));
    let cw = es.iter().find(|e| e.participant.name.starts_with("Amélie")).unwrap().clone();
    let fp = es.iter().find(|e| e.participant.name.starts_with("Fatou")).unwrap().clone();

    // Attendance: the caseworker both days, the focal point only the first.
    let s = { let mut tx = app.store.read().await.unwrap(); sessions::get_session(&mut tx, session).await.unwrap().unwrap() };
    let marks = [format!("{}:{}", cw.id, s.days[0].id), format!("{}:{}", cw.id, s.days[1].id), format!("{}:{}", fp.id, s.days[0].id)];
    let fields: Vec<(&str, &str)> = marks.iter().map(|m| ("present", m.as_str())).collect();
    let r = post(&trainer, &format!("/training/sessions/{session}/attendance"), &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A mark for someone without a seat is refused, and the marks already saved stay.
    let stranger = format!("{}:{}", Uuid::now_v7(), s.days[0].id);
    let r = post(&trainer, &format!("/training/sessions/{session}/attendance"), &csrf, &[("present", &stranger)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("only participants with a seat can be marked present"));
    let saved = { let mut tx = app.store.read().await.unwrap(); sessions::attendance(&mut tx, Some(session)).await.unwrap() };
    assert_eq!(saved.iter().filter(|m| m.present).count(), 3);

    // Held: the caseworker completed the curriculum, the focal point did not.
    let r = post(&trainer, &format!("/training/sessions/{session}/status"), &csrf, &[("status", "held")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(&trainer, &format!("/training/curricula/{curriculum}/certificates"), &csrf, &[("participant_id", &fp.participant.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("has not completed the curriculum yet"));
    let r = post(&trainer, &format!("/training/curricula/{curriculum}/certificates"), &csrf, &[("participant_id", &cw.participant.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cert_id = id_after("/training/certificates/", &location(&r));
    // Only one valid certificate per person and curriculum.
    let r = post(&trainer, &format!("/training/curricula/{curriculum}/certificates"), &csrf, &[("participant_id", &cw.participant.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let cert = { let mut tx = app.store.read().await.unwrap(); certificates::get(&mut tx, cert_id).await.unwrap().unwrap() };
    let (status, printable) = trainer.text(&format!("/training/certificates/{cert_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(printable.contains(&cert.code) && printable.contains("Amélie Caseworker (demo)") && printable.contains("Receiving survivors"));
    assert!(printable.contains("<svg"), "a QR code of the verification address");

    // Anyone checks the code: that certificate only, never the other participants.
    let anon = Session::anonymous(&app);
    let typed = cert.code.to_lowercase().replace('-', " ");
    let (status, page) = anon.text(&format!("/certificates/verify?code={}", typed.replace(' ', "+"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This certificate is valid."));
    assert!(page.contains("Amélie Caseworker (demo)") && page.contains("Receiving survivors") && page.contains("Test curriculum"));
    assert!(!page.contains("Fatou"), "no other participant");
    // The same check for an employer's system, as JSON.
    let j: serde_json::Value = anon.get(&format!("/api/v1/certificates/verify?code={}", cert.code)).await.json().await.unwrap();
    assert_eq!(j["status"], "valid");
    assert_eq!(j["holder"], "Amélie Caseworker (demo)");
    assert_eq!(j["curriculum"]["fr"], "Programme d'essai");
    assert_eq!(j["modules"][0]["en"], "Receiving survivors");
    // Forged: a well-formed code made with another key belongs to no certificate.
    let forged = passerelle_core::training::certificate_code(b"a forger's key", &cert_id.to_string()).unwrap();
    let (status, page) = anon.text(&format!("/certificates/verify?code={forged}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("This code is not valid") && !page.contains("Amélie"));
    // Mistyped: one character changed is caught as a typing mistake.
    let mut chars: Vec<char> = cert.code.chars().collect();
    chars[0] = if chars[0] == '7' { '8' } else { '7' };
    let typo: String = chars.into_iter().collect();
    let j: serde_json::Value = anon.get(&format!("/api/v1/certificates/verify?code={forged}")).await.json().await.unwrap();
    assert_eq!(j, serde_json::json!({"status": "unknown"}), "nothing but the verdict");
    let (status, page) = anon.text(&format!("/certificates/verify?code={typo}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("typing mistake") && !page.contains("Amélie"));
    // A row whose code was written into the database without the key is not valid either.
    {
        let mut tx = app.store.write().await.unwrap();
        let sql = format!("UPDATE training_certificates SET code = '{forged}' WHERE code = '{}'", cert.code);
        passerelle_store::db::test_support::execute(&mut tx, &sql).await.unwrap();
        tx.commit().await.unwrap();
    }
    let (status, _) = anon.text(&format!("/certificates/verify?code={forged}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a code not made with the key is refused");
    {
        let mut tx = app.store.write().await.unwrap();
        let sql = format!("UPDATE training_certificates SET code = '{}' WHERE code = '{forged}'", cert.code);
        passerelle_store::db::test_support::execute(&mut tx, &sql).await.unwrap();
        tx.commit().await.unwrap();
    }
    // Revoked: the page says so, and no longer shows the holder.
    let r = post(&trainer, &format!("/training/certificates/{cert_id}/revoke"), &csrf, &[("reason", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a revocation needs its reason");
    let r = post(&trainer, &format!("/training/certificates/{cert_id}/revoke"), &csrf, &[("reason", "Issued by mistake")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, page) = anon.text(&format!("/certificates/verify?code={}", cert.code)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This certificate was revoked on") && !page.contains("Amélie"));
    let j: serde_json::Value = anon.get(&format!("/api/v1/certificates/verify?code={typo}")).await.json().await.unwrap();
    assert_eq!(j["status"], "malformed");
    let j: serde_json::Value = anon.get(&format!("/api/v1/certificates/verify?code={}", cert.code)).await.json().await.unwrap();
    assert_eq!(j["status"], "revoked");
    assert!(j.get("holder").is_none() && j["revoked_on"].is_string());
    // Once revoked, a new certificate may be issued.
    let r = post(&trainer, &format!("/training/curricula/{curriculum}/certificates"), &csrf, &[("participant_id", &cw.participant.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
});

both_backends!(bad_input_is_refused_field_by_field_and_nothing_is_written, |app| {
    let trainer = app.signed_in(TRAINER).await;
    let csrf = trainer.csrf("/training").await;
    let r = post(&trainer, "/training/curricula", &csrf, &[
        ("code", "bad code!"), ("version", "x"), ("title_fr", ""), ("title_en", "T"), ("title_es", "T"), ("currency", "EURO"), ("optional_required", "1"),
    ]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for msg in ["Code: use letters, digits, - and _ only.", "Version: enter a number.", "Title in French: this is required.",
                "Currency (ISO code, e.g. EUR, XCD, MAD): this is not a currency code Passerelle knows"] {
        assert!(html.contains(msg), "{msg}");
    }
    assert!(html.contains("value=\"bad code!\""), "what was typed is kept");
    let (curriculum, module) = curriculum_with_module(&trainer, &csrf).await;
    // The same code and version twice: a conflict on the version.
    let r = post(&trainer, "/training/curricula", &csrf, &[
        ("code", "test-curriculum"), ("version", "1"), ("title_fr", "A"), ("title_en", "B"), ("title_es", "C"), ("currency", "EUR"), ("optional_required", "0"),
    ]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Version: "));
    // A third decimal in euros is refused, not rounded.
    let r = post(&trainer, &format!("/training/modules/{module}/costs"), &csrf, &[("label", "Bus"), ("kind", "fixed"), ("amount", "12.345"), ("payer", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("write a positive amount with at most the currency"));
    // A session whose maximum is below its minimum, a bad day and a late decision date.
    let r = post(&trainer, &format!("/training/modules/{module}/sessions"), &csrf, &[
        ("place", "X"), ("trainer", "Y"), ("min_participants", "10"), ("max_participants", "5"), ("go_no_go", "2030-01-10"), ("days", "2030-01-05 2030-13-01"),
    ]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Maximum participants: the maximum is below the minimum."));
    assert!(html.contains("Days (YYYY-MM-DD, one per line): write a date as YYYY-MM-DD."));
    let r = post(&trainer, &format!("/training/modules/{module}/sessions"), &csrf, &[
        ("place", "X"), ("trainer", "Y"), ("min_participants", "2"), ("max_participants", "5"), ("go_no_go", "2030-01-10"), ("days", "2030-01-05"),
    ]).await;
    assert!(r.text().await.unwrap().contains("date must come before the first day"));
    // A cost line entered by mistake is removed; removing it twice finds nothing.
    let line = { let mut tx = app.store.read().await.unwrap(); curricula::cost_lines(&mut tx, Some(module), None).await.unwrap()[0].id };
    let r = post(&trainer, &format!("/training/cost-lines/{line}/delete"), &csrf, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(&trainer, &format!("/training/cost-lines/{line}/delete"), &csrf, &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = post(&trainer, &format!("/training/modules/{module}/costs"), &csrf, &[("label", "Trainer"), ("kind", "fixed"), ("amount", "400"), ("payer", "donor")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut tx = app.store.read().await.unwrap();
    assert_eq!(sessions::list_sessions(&mut tx, Some(module)).await.unwrap().len(), 0, "nothing half-written");
    assert_eq!(curricula::cost_lines(&mut tx, Some(module), None).await.unwrap().len(), 2);
    assert_eq!(curricula::list_curricula(&mut tx).await.unwrap().iter().filter(|c| c.id == curriculum || c.code == "test-curriculum").count(), 1);
    drop(tx);
    // A session in the future cannot be held yet; a cancelled one is closed to enrolment.
    let r = post(&trainer, &format!("/training/modules/{module}/sessions"), &csrf, &[
        ("place", "X"), ("trainer", "Y"), ("min_participants", "2"), ("max_participants", "5"), ("go_no_go", "2099-01-01"), ("days", "2099-01-05"),
    ]).await;
    let session = id_after("/training/sessions/", &location(&r));
    let r = post(&trainer, &format!("/training/sessions/{session}/status"), &csrf, &[("status", "held")]).await;
    assert!(r.text().await.unwrap().contains("a session is held only once its first day has come"));
    let r = post(&trainer, &format!("/training/sessions/{session}/status"), &csrf, &[("status", "cancelled")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(&trainer, &format!("/training/sessions/{session}/externals"), &csrf, &[
        ("name", "Ana"), ("organisation", "NGO"), ("job_role", "Nurse"), ("sector", "civil_society"), ("sex", "female"),
    ]).await;
    assert!(r.text().await.unwrap().contains("enrolment is closed"));
    // An external professional needs a sex from the list (for the figures).
    let (_, page) = trainer.text("/training").await;
    assert!(page.contains("Training"));
});

both_backends!(supervisors_see_and_nominate_their_own_agency_only, |app| {
    let sup = app.signed_in(SUPERVISOR).await;
    let trainer = app.signed_in(TRAINER).await;
    let (held, open) = {
        let mut tx = app.store.read().await.unwrap();
        let all = sessions::list_sessions(&mut tx, None).await.unwrap();
        let held = all.iter().find(|s| s.row.status == "held").unwrap().id();
        // The session under its minimum: the demo's focal point is enrolled in it.
        let open = all.iter().find(|s| s.row.status == "planned" && s.row.min_participants == 10).unwrap().id();
        (held, open)
    };
    let (status, page) = sup.text(&format!("/training/sessions/{held}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Amélie Caseworker (demo)"), "own agency's staff shown");
    assert!(!page.contains("Fatou Focal Point") && !page.contains("Nadia Benali"), "no other agency's people");
    let (_, page) = trainer.text(&format!("/training/sessions/{held}")).await;
    assert!(page.contains("Fatou Focal Point") && page.contains("Nadia Benali"), "the trainer sees everyone");
    // The session under its minimum is flagged before its go/no-go date.
    let (_, page) = trainer.text(&format!("/training/sessions/{open}")).await;
    assert!(page.contains("participants short of the minimum") && page.contains("decision is in 5 days"));
    let fr = trainer.client.get(format!("{}/training/sessions/{open}", trainer.base)).header("accept-language", "fr").send().await.unwrap().text().await.unwrap();
    assert!(fr.contains("Il manque 6 personnes pour atteindre le minimum ; la décision de maintien se prend dans 5 jours."), "in French");
    let es = trainer.client.get(format!("{}/training/sessions/{open}", trainer.base)).header("accept-language", "es").send().await.unwrap().text().await.unwrap();
    assert!(es.contains("Faltan 6 personas para llegar al mínimo; la decisión de mantenerla se toma dentro de 5 días."), "in Spanish");

    // Nominating someone of another agency is refused; their own caseworker is accepted.
    let csrf = sup.csrf(&format!("/training/sessions/{open}")).await;
    let fp = user_id(&app, FOCALPOINT).await.to_string();
    let r = post(&sup, &format!("/training/sessions/{open}/enrolments"), &csrf, &[("user_id", &fp)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let cw = user_id(&app, CASEWORKER).await.to_string();
    let r = post(&sup, &format!("/training/sessions/{open}/enrolments"), &csrf, &[("user_id", &cw)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let es = { let mut tx = app.store.read().await.unwrap(); sessions::enrolments(&mut tx, open).await.unwrap() };
    let mine = es.iter().find(|e| e.participant.name.starts_with("Amélie")).unwrap();
    assert!(mine.nominated_by_agency.is_some(), "a nomination by the employer");
    // Withdrawing another agency's nominee: as if it did not exist.
    let other = es.iter().find(|e| e.participant.name.starts_with("Fatou")).unwrap();
    let r = post(&sup, &format!("/training/enrolments/{}/withdraw", other.id), &csrf, &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = post(&sup, &format!("/training/enrolments/{}/withdraw", mine.id), &csrf, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Trainers' pages are not theirs.
    let r = post(&sup, &format!("/training/sessions/{open}/attendance"), &csrf, &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Figures: the supervisor's agency only (caseworker, supervisor, M&E officer), the
    // trainer everyone who completed the first held session (7 staff, 7 external).
    let (_, page) = sup.text("/training/figures").await;
    assert!(page.contains("id=\"trained-total\">3<"), "supervisor's figures");
    assert!(!page.contains("Croix-Verte"));
    let (_, page) = trainer.text("/training/figures").await;
    assert!(page.contains("id=\"trained-total\">14<"), "everyone's figures");
    assert!(page.contains("Croix-Verte Belleterre") && page.contains("Not recorded (staff)") && page.contains("Female"));
    // Two held one-day sessions of 14: 2 x (640.00 fixed + 14 x 32.50) = 2,190.00, for 14
    // people trained: 156.43 each (156.428…, rounded half-even).
    assert!(page.contains("2,190.00 EUR") && page.contains("156.43 EUR"), "cost per trained person");
    let (_, fr) = {
        let r = trainer.client.get(format!("{}/training/figures", trainer.base)).header("accept-language", "fr").send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert!(fr.contains("2\u{202f}190,00 EUR") || fr.contains("2\u{202F}190,00 EUR"), "French money format");
    let r = trainer.get("/training/figures.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = r.bytes().await.unwrap().to_vec();
    let rows = workbook_rows(bytes);
    // The total, and counts as numbers a spreadsheet can add up.
    assert!(rows.iter().any(|r| r.first().map(String::as_str) == Some("People trained") && r.get(1).map(String::as_str) == Some("14")), "{rows:?}");
    assert!(rows.iter().any(|r| r.first().map(String::as_str) == Some("Croix-Verte Belleterre") && r.get(1).map(String::as_str) == Some("1")));
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "156.43 EUR")));
    // By module (all 14 completed the mandatory first module) and by role (an external's job title).
    let row = |label: &str, n: &str| rows.iter().any(|r| r.first().map(String::as_str) == Some(label) && r.get(1).map(String::as_str) == Some(n));
    assert!(row("Working under SOPs: case management basics", "14"), "by module: {rows:?}");
    assert!(row("Social worker", "1"), "by role: {rows:?}");
    let bytes = sup.get("/training/figures.xlsx").await.bytes().await.unwrap().to_vec();
    let rows = workbook_rows(bytes);
    assert!(rows.iter().any(|r| r.first().map(String::as_str) == Some("People trained") && r.get(1).map(String::as_str) == Some("3")), "the supervisor's workbook is their agency's");
    // Who is trained on which SOP: the supervisor's agency only.
    let (_, page) = sup.text("/training/sops").await;
    assert!(page.contains("Only your agency") && !page.contains("Grand-Anse Health Centre"));
    let (_, page) = app.signed_in(QUALITY).await.text("/training/sops").await;
    // GBV: the first module trains on it and every caseworker, supervisor and focal point
    // completed it; older persons: no module, so every agency with such staff has a gap.
    let gbv = section(&page, "sop-gbv");
    assert!(gbv.contains("Amélie Caseworker (demo)") && gbv.contains("Fatou Focal Point (demo)"));
    assert!(!gbv.contains("without training"), "nobody untrained on GBV");
    let older = section(&page, "sop-older_persons");
    assert!(older.contains("Nobody is trained on this procedure yet."));
    assert!(older.contains("Staff applying this procedure without training on it") && older.contains("Ministry of Social Welfare"));
});

/// The `<section>` whose heading has `id`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no {id}"));
    let end = html[start..].find("</section>").map(|e| start + e).unwrap_or(html.len());
    &html[start..end]
}

/// Every row of the first sheet of a workbook, as text (numbers without decimals when whole).
fn workbook_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx workbook");
    let sheet = book.worksheet_range_at(0).expect("one sheet").expect("readable");
    sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

/// The answers that score `right` of 5 on the knowledge test.
fn answers(right: usize) -> Vec<(&'static str, &'static str)> {
    let good = [("q_consent", "informed_consent"), ("q_urgency", "critical"), ("q_referral", "service_received"), ("q_restricted", "named_staff"), ("q_child", "primary")];
    let bad = [("q_consent", "partner_free"), ("q_urgency", "low"), ("q_referral", "form_sent"), ("q_restricted", "police"), ("q_child", "parents_decide")];
    (0..5).map(|i| if i < right { good[i] } else { bad[i] }).collect()
}

both_backends!(pre_and_post_tests_give_the_score_gain, |app| {
    let trainer = app.signed_in(TRAINER).await;
    let held = {
        let mut tx = app.store.read().await.unwrap();
        sessions::list_sessions(&mut tx, None).await.unwrap().into_iter().find(|s| s.row.status == "held").unwrap().id()
    };
    let es = { let mut tx = app.store.read().await.unwrap(); sessions::enrolments(&mut tx, held).await.unwrap() };
    let (a, b) = (&es[0], &es[1]);
    for (e, kind, right) in [(a, "pre", 1), (a, "post", 5), (b, "pre", 2), (b, "post", 3)] {
        let path = format!("/training/enrolments/{}/tests/{kind}", e.id);
        let (status, page) = trainer.text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&e.participant.name), "the page says whose test it is");
        let csrf = common::csrf_in(&page).unwrap();
        let start = page.find("name=\"_version\" value=\"").unwrap() + 23;
        let version = page[start..start + page[start..].find('"').unwrap()].to_string();
        let mut fields = vec![("_version", version.as_str()), ("_action", "save")];
        fields.extend(answers(right));
        let r = post(&trainer, &path, &csrf, &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{kind} of {}", e.participant.name);
    }
    // An incomplete test is shown again with its errors, and nothing is stored.
    let path = format!("/training/enrolments/{}/tests/evaluation", a.id);
    let csrf = trainer.csrf(&path).await;
    let r = post(&trainer, &path, &csrf, &[("_action", "save")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let results = { let mut tx = app.store.read().await.unwrap(); sessions::test_results(&mut tx, Some(held)).await.unwrap() };
    assert_eq!(results.len(), 4, "the demo's tests are in the other held session");
    assert!(results.iter().any(|t| t.enrolment_id == a.id && t.kind == "post" && t.score == 5));
    // Gains of 4 and 1: 2.5 on average.
    let (_, page) = trainer.text(&format!("/training/sessions/{held}")).await;
    assert!(page.contains("Average score gain: 2.5 points"), "session gain");
    // And per participant: +4 and +1.
    assert!(page.contains("<td class=\"gain\">+4</td>") && page.contains("<td class=\"gain\">+1</td>"), "gain per participant");
    assert!(!page.contains("id=\"satisfaction\""), "no evaluation yet, no satisfaction figure");
    // Satisfaction evaluations (overall 5 and 2): 3.5 out of 5 on average.
    for (e, overall) in [(a, "5"), (b, "2")] {
        let path = format!("/training/enrolments/{}/tests/evaluation", e.id);
        let page = trainer.text(&path).await.1;
        let csrf = common::csrf_in(&page).unwrap();
        let start = page.find("name=\"_version\" value=\"").unwrap() + 23;
        let version = page[start..start + page[start..].find('"').unwrap()].to_string();
        let r = post(&trainer, &path, &csrf, &[("_version", version.as_str()), ("_action", "save"), ("overall", overall), ("usefulness", "4"), ("trainer", "4")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "evaluation of {}", e.participant.name);
    }
    let (_, page) = trainer.text(&format!("/training/sessions/{held}")).await;
    assert!(page.contains("Average satisfaction: 3.5 out of 5 (2 evaluations)"), "session satisfaction");
    // Across the programme: these two (+4, +1) and the demo's ten (+2 each): 25 / 12.
    let (_, page) = trainer.text("/training/figures").await;
    assert!(page.contains("2.1 (12 participants took both tests)"), "figures count everyone tested");
});

both_backends!(a_curriculum_is_complete_with_its_mandatory_module_and_enough_optional_ones, |app| {
    // The demo curriculum: one mandatory module, then any one optional module. Both held
    // sessions (the mandatory module, then an optional one) seated the same 14 people; the
    // first two of the second missed its second day.
    let trainer = app.signed_in(TRAINER).await;
    let (curriculum, second) = {
        let mut tx = app.store.read().await.unwrap();
        let c = curricula::list_curricula(&mut tx).await.unwrap().into_iter().next().unwrap();
        let held: Vec<_> = sessions::list_sessions(&mut tx, None).await.unwrap().into_iter().filter(|s| s.row.status == "held").collect();
        (c.id, held[1].id())
    };
    let (_, page) = trainer.text(&format!("/training/curricula/{curriculum}")).await;
    assert!(page.contains("Complete with every mandatory module and one optional module."));
    assert_eq!(page.matches("Issue the certificate of ").count(), 12, "12 of 14 completed");
    let absent = { let mut tx = app.store.read().await.unwrap(); sessions::enrolments(&mut tx, second).await.unwrap()[0].clone() };
    assert!(!page.contains(&format!("Issue the certificate of {}", absent.participant.name)));
    let csrf = common::csrf_in(&page).unwrap();
    let r = post(&trainer, &format!("/training/curricula/{curriculum}/certificates"), &csrf, &[("participant_id", &absent.participant.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Present on the missing day after all (attendance corrected): now complete.
    let s = { let mut tx = app.store.read().await.unwrap(); sessions::get_session(&mut tx, second).await.unwrap().unwrap() };
    let es = { let mut tx = app.store.read().await.unwrap(); sessions::enrolments(&mut tx, second).await.unwrap() };
    let marks: Vec<String> = es.iter().flat_map(|e| s.days.iter().map(move |d| format!("{}:{}", e.id, d.id))).collect();
    let fields: Vec<(&str, &str)> = marks.iter().map(|m| ("present", m.as_str())).collect();
    let r = post(&trainer, &format!("/training/sessions/{second}/attendance"), &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A held session's participants stay: withdrawing one is refused with the reason.
    let r = post(&trainer, &format!("/training/enrolments/{}/withdraw", absent.id), &csrf, &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("enrolment is closed"));
    let r = post(&trainer, &format!("/training/curricula/{curriculum}/certificates"), &csrf, &[("participant_id", &absent.participant.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A supervisor follows their own agency's progress and issues nothing.
    let (_, page) = app.signed_in(SUPERVISOR).await.text(&format!("/training/curricula/{curriculum}")).await;
    assert!(page.contains("Amélie Caseworker (demo)") && !page.contains("Nadia Benali"));
    assert!(!page.contains("Issue the certificate of "));
});

/// The text of a PDF written by krilla, line by line: its streams inflated, the two-byte glyph
/// codes of each text object mapped back to characters through the font's ToUnicode map
/// (enough for the one-font certificate; not a general PDF reader).
fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Read;
    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }
    let mut streams = Vec::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream") {
        let after = &rest[start + 6..];
        let skip = if after.starts_with(b"\r\n") { 2 } else if after.starts_with(b"\n") { 1 } else { rest = after; continue };
        let Some(end) = find(&after[skip..], b"endstream") else { break };
        let body = &after[skip..skip + end];
        let mut out = Vec::new();
        match flate2::read::ZlibDecoder::new(body).read_to_end(&mut out) {
            Ok(_) => streams.push(out),
            Err(_) => streams.push(body.to_vec()),
        }
        rest = &after[skip + end + 9..];
    }
    // ToUnicode: `<code> <utf-16be>` pairs between beginbfchar and endbfchar.
    let mut map = std::collections::HashMap::new();
    for s in &streams {
        let text = String::from_utf8_lossy(s);
        for block in text.split("beginbfchar").skip(1) {
            let block = block.split("endbfchar").next().unwrap_or("");
            let hexes: Vec<&str> = block.split(['<', '>']).map(str::trim).filter(|h| !h.is_empty()).collect();
            for pair in hexes.chunks(2) {
                let [code, uni] = pair else { continue };
                let units: Vec<u16> = (0..uni.len() / 4).filter_map(|i| u16::from_str_radix(&uni[i * 4..i * 4 + 4], 16).ok()).collect();
                if let Ok(code) = u16::from_str_radix(code, 16) {
                    map.insert(code, String::from_utf16_lossy(&units));
                }
            }
        }
    }
    // Content: literal strings `( … )` with PDF escapes inside BT … ET, one line per text object.
    let mut lines = Vec::new();
    for s in streams.iter().filter(|s| find(s, b"BT").is_some() && find(s, b"beginbfchar").is_none()) {
        let mut bytes = Vec::new();
        let mut i = 0;
        let mut in_text = false;
        while i < s.len() {
            if !in_text && s[i..].starts_with(b"BT") { in_text = true; bytes.clear(); i += 2; continue; }
            if in_text && s[i..].starts_with(b"ET") && s[i - 1].is_ascii_whitespace() {
                in_text = false;
                let codes = bytes.chunks(2).filter(|c| c.len() == 2).map(|c| u16::from_be_bytes([c[0], c[1]]));
                lines.push(codes.map(|c| map.get(&c).cloned().unwrap_or_default()).collect::<String>());
                i += 2;
                continue;
            }
            if in_text && s[i] == b'(' {
                i += 1;
                // Balanced parentheses may stand unescaped inside a literal string.
                let mut depth = 0;
                while i < s.len() && (s[i] != b')' || depth > 0) {
                    if s[i] == b'(' { depth += 1; }
                    if s[i] == b')' { depth -= 1; }
                    if s[i] == b'\\' {
                        i += 1;
                        let c = s[i];
                        if c.is_ascii_digit() {
                            let len = s[i..].iter().take(3).take_while(|d| d.is_ascii_digit()).count();
                            bytes.push(u8::from_str_radix(std::str::from_utf8(&s[i..i + len]).unwrap(), 8).unwrap());
                            i += len;
                            continue;
                        }
                        bytes.push(match c { b'n' => b'\n', b'r' => b'\r', b't' => b'\t', b'b' => 8, b'f' => 12, other => other });
                    } else {
                        bytes.push(s[i]);
                    }
                    i += 1;
                }
            }
            i += 1;
        }
    }
    lines.join("\n")
}

both_backends!(the_certificate_pdf_is_in_the_holders_language_and_for_trainers_only, |app| {
    let trainer = app.signed_in(TRAINER).await;
    let csrf = trainer.csrf("/training").await;
    let (curriculum, module) = curriculum_with_module(&trainer, &csrf).await;
    let (d1, go) = (today(), (today() - chrono::Duration::days(2)).to_string());
    let r = post(&trainer, &format!("/training/modules/{module}/sessions"), &csrf, &[
        ("place", "Saint-Aubin"), ("trainer", "Théo"), ("min_participants", "1"), ("max_participants", "5"),
        ("go_no_go", &go), ("days", &d1.to_string()),
    ]).await;
    let session = id_after("/training/sessions/", &location(&r));
    let cw = user_id(&app, CASEWORKER).await;
    let r = post(&trainer, &format!("/training/sessions/{session}/enrolments"), &csrf, &[("user_id", &cw.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (enrolment, day) = {
        let mut tx = app.store.read().await.unwrap();
        let es = sessions::enrolments(&mut tx, session).await.unwrap();
        let s = sessions::get_session(&mut tx, session).await.unwrap().unwrap();
        (es[0].clone(), s.days[0].id)
    };
    post(&trainer, &format!("/training/sessions/{session}/attendance"), &csrf, &[("present", &format!("{}:{day}", enrolment.id))]).await;
    // Planned, then confirmed at the go/no-go decision, then held.
    let r = post(&trainer, &format!("/training/sessions/{session}/status"), &csrf, &[("status", "confirmed")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let s = { let mut tx = app.store.read().await.unwrap(); sessions::get_session(&mut tx, session).await.unwrap().unwrap() };
    assert_eq!(s.row.status, "confirmed");
    post(&trainer, &format!("/training/sessions/{session}/status"), &csrf, &[("status", "held")]).await;
    let r = post(&trainer, &format!("/training/curricula/{curriculum}/certificates"), &csrf, &[("participant_id", &enrolment.participant.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cert_id = id_after("/training/certificates/", &location(&r));
    let cert = { let mut tx = app.store.read().await.unwrap(); certificates::get(&mut tx, cert_id).await.unwrap().unwrap() };
    // A second version of the curriculum is a new curriculum under the same code.
    let r = post(&trainer, "/training/curricula", &csrf, &[
        ("code", "test-curriculum"), ("version", "2"), ("title_fr", "Programme d'essai"),
        ("title_en", "Test curriculum"), ("title_es", "Programa de prueba"), ("currency", "EUR"),
        ("optional_required", "0"),
    ]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "version 2 of the same code");
    assert_ne!(id_after("/training/curricula/", &location(&r)), curriculum);
    // The holder reads Spanish: the PDF is in Spanish whatever the trainer reads.
    {
        let mut tx = app.store.write().await.unwrap();
        users::set_language(&mut tx, cw, "es").await.unwrap();
        tx.commit().await.unwrap();
    }
    let (_, html) = trainer.text(&format!("/training/certificates/{cert_id}")).await;
    assert!(html.contains(&format!("/training/certificates/{cert_id}/pdf")), "the printable page links to the PDF");

    let r = trainer.get(&format!("/training/certificates/{cert_id}/pdf")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains(&cert.code));
    assert_eq!(r.headers()["cache-control"], "no-store", "a named person's certificate is kept by no cache");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() < 60_000, "the font is subset: {} bytes", bytes.len());
    let text = pdf_text(&bytes);
    assert!(text.contains("Certificado de formación"), "{text}");
    assert!(text.contains("Amélie Caseworker (demo)"), "{text}");
    assert!(text.contains("Programa de prueba (versión 1)") && text.contains("Acogida de sobrevivientes"), "the curriculum and the version it was issued for: {text}");
    assert!(text.contains(&cert.code), "{text}");
    assert!(text.contains(&format!("/certificates/verify?code={}", cert.code)), "{text}");
    let date = chrono::Utc::now().format("%Y").to_string();
    assert!(text.contains(&date), "the date of issue: {text}");
    // Another language on request.
    let text = pdf_text(&trainer.get(&format!("/training/certificates/{cert_id}/pdf?lang=fr")).await.bytes().await.unwrap());
    assert!(text.contains("Attestation de formation") && text.contains("Accueil des survivant·e·s") && text.contains(&cert.code), "{text}");

    // Refused to staff who do not run training, and to anyone signed out.
    for email in [CASEWORKER, SUPERVISOR, QUALITY] {
        let s = app.signed_in(email).await;
        let r = s.get(&format!("/training/certificates/{cert_id}/pdf")).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{email}");
        assert!(!r.bytes().await.unwrap().starts_with(b"%PDF"));
    }
    let anon = Session::anonymous(&app);
    let r = anon.get(&format!("/training/certificates/{cert_id}/pdf")).await;
    assert!(!r.bytes().await.unwrap().starts_with(b"%PDF"), "no PDF without signing in");
    // Unknown certificate.
    let r = trainer.get(&format!("/training/certificates/{}/pdf", Uuid::now_v7())).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Revoked: the PDF says so at the top.
    post(&trainer, &format!("/training/certificates/{cert_id}/revoke"), &csrf, &[("reason", "Issued by mistake")]).await;
    let text = pdf_text(&trainer.get(&format!("/training/certificates/{cert_id}/pdf?lang=en")).await.bytes().await.unwrap());
    assert!(text.lines().next().unwrap_or("").starts_with("Revoked on"), "{text}");
});
