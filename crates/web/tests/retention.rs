//! Issue 10, retention: closed cases are anonymised or deleted after their SOP's period, through
//! the same erasure as an administrator's; a legal hold, another open case or a period not yet
//! passed keep the person; the dry-run plan changes nothing; the audit chain verifies after.

mod common;
use common::{id_after, location, post, Session};

use chrono::Duration;
use passerelle_core::sop::RetentionAction;
use passerelle_store::retention::{self, HoldReason};
use reqwest::StatusCode;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const ADMIN: &str = "admin@demo.passerelle.test";

/// A person registered by the caseworker, with one case per SOP given, each with a note.
async fn person_with_cases(cw: &Session, given: &str, family: &str, sops: &[&str]) -> (Uuid, Vec<Uuid>) {
    let csrf = cw.csrf("/people/new").await;
    let r = post(cw, "/people", &csrf, &[("given_names", given), ("family_names", family), ("birth_date", "1988-02-03"), ("sex", "male"), ("confirm_new", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let person = id_after("/people/", &location(&r));
    let mut cases = Vec::new();
    for sop in sops {
        let r = post(cw, &format!("/people/{person}/cases"), &csrf, &[("sop", sop), ("risk", "medium")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "case under {sop}");
        let case = id_after("/cases/", &location(&r));
        let r = post(cw, &format!("/cases/{case}/notes"), &csrf, &[("body", &format!("Retention-Note-{family}"))]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        cases.push(case);
    }
    (person, cases)
}

fn uuid_sql(app: &common::TestApp, id: Uuid) -> String {
    match app.backend {
        common::Backend::Sqlite => format!("x'{}'", id.simple()),
        common::Backend::Postgres => format!("'{id}'"),
    }
}

async fn count(app: &common::TestApp, sql: &str) -> i64 {
    let mut tx = app.store.read().await.unwrap();
    passerelle_store::db::test_support::count(&mut tx, sql).await.unwrap()
}

/// Closes a case now (the plan is then asked about a later date, rather than the case backdated).
async fn close(app: &common::TestApp, case: Uuid) {
    let mut tx = app.store.write().await.unwrap();
    let sql = format!("UPDATE cases SET status = 'closed', closed_at = opened_at WHERE id = {}", uuid_sql(app, case));
    assert_eq!(passerelle_store::db::test_support::execute(&mut tx, &sql).await.unwrap(), 1);
    tx.commit().await.unwrap();
}

const TABLES: &[&str] = &["people", "cases", "case_notes", "case_consents", "audit_log", "person_match_keys"];

async fn row_counts(app: &common::TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push(count(app, &format!("SELECT COUNT(*) FROM {t}")).await);
    }
    out
}

both_backends!(retention_erases_only_the_due_and_unheld, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let admin = app.signed_in(ADMIN).await;
    // Social welfare: anonymised after 5 years; employment integration: deleted after 3;
    // child protection: anonymised after 10.
    let (anon, anon_cases) = person_with_cases(&cw, "Aurélien", "Tamarisque", &["social_welfare"]).await;
    let (gone, gone_cases) = person_with_cases(&cw, "Bastien", "Orvalide", &["employment_integration"]).await;
    let (held, held_cases) = person_with_cases(&cw, "Céleste", "Quintabor", &["social_welfare"]).await;
    let (open, open_cases) = person_with_cases(&cw, "Dorian", "Vespérale", &["social_welfare", "homelessness"]).await;
    let (young, young_cases) = person_with_cases(&cw, "Elouan", "Brumepierre", &["child_protection"]).await;
    for c in anon_cases.iter().chain(&gone_cases).chain(&held_cases).chain(&young_cases) {
        close(&app, *c).await;
    }
    close(&app, open_cases[0]).await; // the homelessness case stays open
    let csrf = admin.csrf(&format!("/admin/people/{held}/erase")).await;
    let r = post(&admin, &format!("/admin/people/{held}/hold"), &csrf, &[("case_id", &held_cases[0].to_string()), ("hold", "on"), ("reason", "Inquiry 7")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Today nothing is due: every period runs from the closure.
    let mut tx = app.store.read().await.unwrap();
    let today = retention::plan(&mut tx, passerelle_store::db::now()).await.unwrap();
    drop(tx);
    let mine = [anon, gone, held, open, young];
    assert!(today.due.iter().all(|d| !mine.contains(&d.person_id)), "{today:?}");
    let waiting = today.held.iter().find(|h| h.person_id == anon && h.reason == HoldReason::NotDue).expect("anon waits");
    // The DPO's page shows the same plan (the case waits, with its reason); a caseworker may not see it.
    let (status, page) = admin.text("/admin/retention").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&waiting.case.reference) && page.contains("Period not over") && page.contains("Legal hold"), "{page}");
    assert!(!page.contains("Tamarisque"), "the plan names cases, not people");
    assert_eq!(cw.get("/admin/retention").await.status(), StatusCode::FORBIDDEN);

    // Six years on: the social welfare and employment people are due; the others wait, each
    // with its reason. Asking changes nothing.
    let before = row_counts(&app).await;
    let at = passerelle_store::db::now() + Duration::days(6 * 365);
    let mut tx = app.store.read().await.unwrap();
    let plan = retention::plan(&mut tx, at).await.unwrap();
    drop(tx);
    assert_eq!(row_counts(&app).await, before, "the dry run changed nothing");
    let due = |p: Uuid| plan.due.iter().find(|d| d.person_id == p);
    assert_eq!(due(anon).map(|d| d.action), Some(RetentionAction::Anonymise));
    assert_eq!(due(gone).map(|d| d.action), Some(RetentionAction::Delete));
    for p in [held, open, young] {
        assert!(due(p).is_none(), "{p} is not due");
    }
    let reason = |case: Uuid| plan.held.iter().find(|h| h.case.case_id == case).map(|h| h.reason);
    assert_eq!(reason(held_cases[0]), Some(HoldReason::LegalHold));
    assert_eq!(reason(open_cases[0]), Some(HoldReason::OpenCase));
    assert_eq!(reason(young_cases[0]), Some(HoldReason::NotDue));
    let report = plan.report();
    let anon_ref = &due(anon).unwrap().cases[0].reference;
    assert!(report.contains(anon_ref) && report.contains("legal_hold") && report.contains("social_welfare"), "{report}");
    assert!(plan.counts().iter().any(|c| c.sop_id == "employment_integration" && c.action == RetentionAction::Delete && c.cases >= 1));

    // Names are there before.
    let (_, page) = cw.text(&format!("/people/{anon}")).await;
    assert!(page.contains("Tamarisque"), "{page}");

    let done = retention::apply(&app.store, None, &plan).await.unwrap();
    assert!(done.anonymised >= 1 && done.deleted >= 1, "{done:?}");
    assert_eq!(done.skipped, 0);

    // Anonymised: no name anywhere, no note, the case still counts.
    let (_, page) = cw.text(&format!("/people/{anon}")).await;
    assert!(!page.contains("Tamarisque") && !page.contains("Aurélien"), "{page}");
    let (_, found) = cw.text("/people?q=Tamarisque").await;
    assert!(!found.contains(&format!("/people/{anon}")), "{found}");
    let (_, dossier) = admin.text(&format!("/admin/people/{anon}/dossier")).await;
    assert!(!dossier.contains("Tamarisque") && !dossier.contains("Retention-Note-Tamarisque"), "{dossier}");
    let a = uuid_sql(&app, anon_cases[0]);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM cases WHERE id = {a}")).await, 1);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM case_notes WHERE case_id = {a}")).await, 0);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM people WHERE id = {} AND anonymised_at IS NOT NULL", uuid_sql(&app, anon))).await, 1);
    // Deleted: no row left.
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM people WHERE id = {}", uuid_sql(&app, gone))).await, 0);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM cases WHERE id = {}", uuid_sql(&app, gone_cases[0]))).await, 0);
    // Held, open and not yet due: untouched, name and notes there.
    for (p, name, cases) in [(held, "Quintabor", &held_cases), (open, "Vespérale", &open_cases), (young, "Brumepierre", &young_cases)] {
        let (_, page) = admin.text(&format!("/admin/people/{p}/dossier")).await;
        assert!(page.contains(name), "{name} kept");
        for c in cases.iter() {
            assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM case_notes WHERE case_id = {}", uuid_sql(&app, *c))).await, 1, "{name}");
        }
    }
    // Audited per case and per run, with codes only; the chain verifies.
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'retention.anonymise' AND entity_id = '{}'", anon_cases[0])).await, 1);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'retention.delete' AND entity_id = '{}'", gone_cases[0])).await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'retention.%' AND detail LIKE '%Tamarisque%'").await, 0);
    let mut tx = app.store.read().await.unwrap();
    assert!(passerelle_store::audit::verify(&mut tx).await.unwrap().is_ok());

    // Done once: the next plan has neither of them.
    let again = retention::plan(&mut tx, at).await.unwrap();
    drop(tx);
    assert!(again.due.iter().all(|d| d.person_id != anon && d.person_id != gone), "{again:?}");

    // Lifting the hold makes that person due at the next run.
    let r = post(&admin, &format!("/admin/people/{held}/hold"), &csrf, &[("case_id", &held_cases[0].to_string()), ("hold", "off")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut tx = app.store.read().await.unwrap();
    let after = retention::plan(&mut tx, at).await.unwrap();
    assert!(after.due.iter().any(|d| d.person_id == held));
});

both_backends!(a_hold_put_on_between_plan_and_apply_wins, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let admin = app.signed_in(ADMIN).await;
    let (p, cases) = person_with_cases(&cw, "Fulbert", "Cendrecourt", &["social_welfare"]).await;
    close(&app, cases[0]).await;
    let at = passerelle_store::db::now() + Duration::days(6 * 365);
    let mut tx = app.store.read().await.unwrap();
    let plan = retention::plan(&mut tx, at).await.unwrap();
    drop(tx);
    assert!(plan.due.iter().any(|d| d.person_id == p));
    let csrf = admin.csrf(&format!("/admin/people/{p}/erase")).await;
    let r = post(&admin, &format!("/admin/people/{p}/hold"), &csrf, &[("case_id", &cases[0].to_string()), ("hold", "on"), ("reason", "Court")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let done = retention::apply(&app.store, None, &plan).await.unwrap();
    assert!(done.skipped >= 1, "{done:?}");
    let (_, page) = admin.text(&format!("/admin/people/{p}/dossier")).await;
    assert!(page.contains("Cendrecourt"));
});

both_backends!(the_sop_page_shows_the_rule_and_a_wrong_rule_is_named, |app| {
    let admin = app.signed_in(ADMIN).await;
    let (status, page) = admin.text("/sops/social_welfare").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Retention after closure") && page.contains("Anonymised 1825 days after closure"), "{page}");
    let (_, page) = admin.text("/sops/employment_integration").await;
    assert!(page.contains("Deleted 1095 days after closure"));
    // A new version with a wrong rule: each problem named in the reader's language, nothing published.
    let source = passerelle_core::sop::default_pack().into_iter().map(|(_, text)| text)
        .find(|text| text.contains("id = \"social_welfare\"")).unwrap()
        .replacen("version = 1", "version = 2", 1)
        .replace("after_closure_days = 1825", "after_closure_days = 0")
        .replace("action = \"anonymise\"", "action = \"shred\"");
    let res = admin.post_form("/admin/sops/publish", "/admin/sops/preview", &[("source", &source)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("The retention period must be a whole number of days from 1 to 36500."), "{body}");
    assert!(body.contains("Unknown retention action"), "{body}");
    // A version changing only the rule is a change, shown before publishing.
    let source = source.replace("after_closure_days = 0", "after_closure_days = 730").replace("action = \"shred\"", "action = \"delete\"");
    let res = admin.post_form("/admin/sops/publish", "/admin/sops/preview", &[("source", &source)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Retention rule changed"));
});
