//! Counter-trafficking over HTTP on both backends: screenings scored and stored as they are
//! submitted (adult and child rules, no indication, a hotline call), a presumed victim referred
//! into a restricted case under the trafficking SOP, the HTCDS record and its validation, the
//! task-force figures with small cells hidden, and the CTDC export.

mod common;
use common::post;
use common::id_after;

use common::{location, Session, TestApp};
use passerelle_core::access::Scope;
use passerelle_store::users::Viewer;
use reqwest::StatusCode;
use std::collections::BTreeMap;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const MNE: &str = "mne@demo.passerelle.test";
const ADMIN: &str = "admin@demo.passerelle.test";

fn value_of(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = html.find(&key).unwrap_or_else(|| panic!("no {name}")) + key.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Fills the screening form with `answers` (multi-selects as repeated pairs) and returns the
/// screening page it leads to.
async fn screen(s: &Session, answers: &[(&str, &str)]) -> reqwest::Response {
    let (status, page) = s.text("/forms/trafficking_screening/fill").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = common::csrf_in(&page).unwrap();
    let version = value_of(&page, "_version");
    let mut fields = vec![
        ("_version", version.as_str()),
        ("screening_date", "2026-01-10"),
        ("screening_place", "office"),
        ("interpreter", "not_needed"),
        ("consent", "yes"),
        ("stage", "exited"),
        ("immediate_danger", "no"),
        ("rights_explained", "yes"),
        ("consent_nrm", "yes"),
    ];
    fields.extend_from_slice(answers);
    post(s, "/forms/trafficking_screening/fill", &csrf, &fields).await
}

fn all_viewer() -> Viewer {
    Viewer { id: Uuid::nil(), agency_id: None, team_id: None, scope: Scope::All }
}

const ADULT_PRESUMED: &[(&str, &str)] = &[
    ("channel", "in_person"),
    ("age_group", "adult"),
    ("exploitation", "labour"),
    ("adult_labour_recruitment", "deceived_nature_of_job"),
    ("adult_labour_recruitment", "deceived_wages_earnings"),
    ("adult_labour_destination", "excessive_working_days_hours"),
    ("adult_labour_destination", "low_or_no_salary"),
    ("adult_labour_destination", "confiscation_of_documents"),
    ("adult_labour_destination", "isolation_confinement_surveillance"),
];

both_backends!(screenings_are_scored_and_stored_with_their_rule_version, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    // An adult, deceived, exploited and coerced at destination: presumed victim.
    let r = screen(&cw, ADULT_PRESUMED).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let presumed = id_after("/trafficking/screenings/", &location(&r));
    let (status, html) = cw.text(&format!("/trafficking/screenings/{presumed}?saved=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-outcome=\"presumed_victim\""), "{html}");
    assert!(html.contains("Refer the person to the national referral mechanism"));
    assert!(html.contains("Confiscation of") || html.contains("confiscation"), "fired indicators are named");
    assert!(html.contains("Coercion at destination"));
    assert!(html.contains("Open a confidential trafficking case"), "the referral button");

    // A child with the same recruitment and exploitation but no coercion: the child rule
    // (recruitment + exploitation) makes a presumed victim; the adult rule does not.
    let child = [
        ("channel", "outreach"), ("age_group", "child"), ("exploitation", "labour"),
        ("child_labour_recruitment", "deceived_nature_of_job"), ("child_labour_recruitment", "deceived_education_opportunities"),
        ("child_labour_destination", "excessive_working_days_hours"), ("child_labour_destination", "low_or_no_salary"),
    ];
    let r = screen(&cw, &child).await;
    let child_id = id_after("/trafficking/screenings/", &location(&r));
    let adult = [
        ("channel", "hotline"), ("age_group", "adult"), ("exploitation", "labour"),
        ("adult_labour_recruitment", "deceived_nature_of_job"), ("adult_labour_recruitment", "deceived_wages_earnings"),
        ("adult_labour_destination", "excessive_working_days_hours"), ("adult_labour_destination", "low_or_no_salary"),
    ];
    let r = screen(&cw, &adult).await;
    let adult_id = id_after("/trafficking/screenings/", &location(&r));
    // Nothing observed: no indication, no further action.
    let r = screen(&cw, &[("channel", "in_person"), ("age_group", "adult"), ("exploitation", "sexual")]).await;
    let none_id = id_after("/trafficking/screenings/", &location(&r));
    let (_, html) = cw.text(&format!("/trafficking/screenings/{none_id}")).await;
    assert!(html.contains("data-outcome=\"none\"") && html.contains("No indicator was observed."));
    assert!(!html.contains("/case\""), "no referral offered");

    let mut tx = app.store.write().await.unwrap();
    let got = |s: passerelle_store::trafficking::StoredScreening| (s.result.outcome.code().to_string(), s.channel.clone(), s.result.rule_version.clone(), s.age_group.clone());
    let v = all_viewer();
    let p = got(passerelle_store::trafficking::screening(&mut tx, &v, presumed).await.unwrap().unwrap());
    let c = got(passerelle_store::trafficking::screening(&mut tx, &v, child_id).await.unwrap().unwrap());
    let a = got(passerelle_store::trafficking::screening(&mut tx, &v, adult_id).await.unwrap().unwrap());
    let n = got(passerelle_store::trafficking::screening(&mut tx, &v, none_id).await.unwrap().unwrap());
    tx.commit().await.unwrap();
    assert_eq!((p.0.as_str(), p.1.as_str(), p.2.as_str()), ("presumed_victim", "in_person", "ilo-ec-2009.1"));
    assert_eq!((c.0.as_str(), c.1.as_str(), c.3.as_str()), ("presumed_victim", "outreach", "child"));
    assert_eq!((a.0.as_str(), a.1.as_str()), ("possible", "hotline"), "a hotline call is logged as a screening");
    assert_eq!(n.0, "none");

    // The list shows the caseworker's screenings; the administrator (who runs the system)
    // reads none of them.
    let (_, list) = cw.text("/trafficking/screenings").await;
    assert!(list.contains(&format!("/trafficking/screenings/{presumed}")) && list.contains("Call to the hotline"));
    let admin = app.signed_in(ADMIN).await;
    assert_eq!(admin.get(&format!("/trafficking/screenings/{presumed}")).await.status(), StatusCode::FORBIDDEN);
});

/// Registers a person and returns their id.
async fn register(s: &Session, csrf: &str, given: &str) -> Uuid {
    let r = post(s, "/people", csrf, &[("given_names", given), ("family_names", "Testvictim"), ("birth_date", "1998-03-03"), ("sex", "female"), ("nationality", "HT"), ("confirm_new", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    id_after("/people/", &location(&r))
}

/// Creates an account with the demo password in the caseworker's team.
async fn colleague(app: &TestApp, email: &str, role: &str) -> Uuid {
    let hash = passerelle_web::passwords::hash(passerelle_store::demo::DEMO_PASSWORD.to_string()).await.unwrap();
    let mut tx = app.store.write().await.unwrap();
    let cw = passerelle_store::users::find_by_email(&mut tx, CASEWORKER).await.unwrap().unwrap();
    let input = passerelle_store::users::UserInput {
        email: email.into(),
        display_name: format!("Other {role}"),
        agency_id: cw.agency_id,
        team_id: cw.team_id,
        roles: vec![role.into()],
        language: None,
    };
    let u = passerelle_store::users::create_user(&mut tx, None, &input, Some(&hash), false).await.unwrap();
    tx.commit().await.unwrap();
    u.id
}

both_backends!(a_presumed_victim_is_referred_into_a_restricted_case_with_its_htcds_record, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let person = register(&cw, &csrf, "Mirlande").await;
    let r = screen(&cw, ADULT_PRESUMED).await;
    let screening = id_after("/trafficking/screenings/", &location(&r));
    // No person chosen: refused, nothing opened.
    let r = post(&cw, &format!("/trafficking/screenings/{screening}/case"), &csrf, &[("person", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(&cw, &format!("/trafficking/screenings/{screening}/case"), &csrf, &[("person", &person.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = id_after("/cases/", &location(&r));
    // A second referral from the same screening is a conflict.
    let r = post(&cw, &format!("/trafficking/screenings/{screening}/case"), &csrf, &[("person", &person.to_string())]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let (status, html) = cw.text(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("class=\"tag\""), "restricted");
    assert!(html.contains(&format!("/cases/{case}/trafficking")), "the HTCDS link on a trafficking case");
    let (_, html) = cw.text(&format!("/trafficking/screenings/{screening}")).await;
    assert!(html.contains(&format!("/cases/{case}")) && !html.contains("Open a confidential trafficking case"));

    // The HTCDS record: bad input, every problem named beside its field, nothing written.
    let (status, form) = cw.text(&format!("/cases/{case}/trafficking")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("id=\"htcds-empty\""));
    let csrf = common::csrf_in(&form).unwrap();
    let bad = [
        ("version", ""), ("registered_on", "2999-01-01"), ("status", "actual_victim"), ("decided_by", ""),
        ("age_at_identification", "20"), ("age_when_trafficked", "25"), ("citizenship", "Haiti"),
        ("exploitation_types", "sexual_exploitation"), ("labour_sectors", "T"), ("exploitation_started_on", "2025-05-01"),
        ("exploitation_ended_on", "2025-01-01"), ("case_status", "active"), ("consent_given", "yes"), ("consent_given_by", "person"),
        ("consent_recorded_on", "2026-01-10"), ("consent_language", "fr"),
    ];
    let r = post(&cw, &format!("/cases/{case}/trafficking"), &csrf, &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for field in ["registered_on", "decided_by", "age_when_trafficked", "citizenship", "labour_sectors", "exploitation_ended_on", "consent_purposes"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field} error shown");
    }
    assert!(html.contains("Registered on: this date is in the future."), "translated, naming the field");
    assert!(html.contains("three-letter ISO code"));
    assert!(html.contains("value=\"Haiti\""), "what was typed is kept");
    let mut tx = app.store.write().await.unwrap();
    assert!(passerelle_store::trafficking::record(&mut tx, Uuid::nil(), case).await.unwrap().is_none(), "nothing written");
    tx.commit().await.unwrap();

    let good = [
        ("version", ""), ("registered_on", "2026-01-10"), ("status", "actual_victim"), ("decided_by", "national_referral_mechanism"),
        ("decided_on", "2026-01-12"), ("gender", "feminine"), ("age_at_identification", "27"), ("age_when_trafficked", "25"),
        ("citizenship", "hti"), ("recruitment_methods", "job_offer"), ("relationship", "acquaintance"), ("recruitment_country", "HTI"),
        ("exploitation_types", "forced_labour"), ("labour_sectors", "T"), ("means_of_control", "withholds_documents"),
        ("means_of_control", "takes_earnings"), ("exploitation_country", "DOM"), ("exploitation_area", "Santo Domingo"),
        ("support_plan", "accommodation"), ("support_plan", "legal"), ("case_status", "active"),
        ("consent_given", "yes"), ("consent_purposes", "assistance"), ("consent_purposes", "anonymised_statistics"),
        ("consent_given_by", "person"), ("consent_recorded_on", "2026-01-10"), ("consent_language", "fr"), ("consent_interpreter", "yes"),
        ("informed", "purpose"), ("informed", "uses"), ("informed", "research"), ("informed", "right_to_see"), ("informed", "retention"), ("informed", "withdrawal"),
    ];
    let r = post(&cw, &format!("/cases/{case}/trafficking"), &csrf, &good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let (_, html) = cw.text(&format!("/cases/{case}/trafficking?saved=1")).await;
    assert!(html.contains("The case details were saved.") && html.contains("value=\"HTI\"") && html.contains("value=\"T\" checked"));
    // Saving again from the page as it was before (version 1 read, now 1): fine; from a stale
    // page (no version: a create): refused as changed meanwhile.
    let r = post(&cw, &format!("/cases/{case}/trafficking"), &csrf, &good).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a second create is stale");
    let mut tx = app.store.write().await.unwrap();
    let stored = passerelle_store::trafficking::record(&mut tx, Uuid::nil(), case).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_eq!(stored.record.citizenship.as_ref().map(|c| c.as_str()), Some("HTI"));
    assert!(stored.informed.research && stored.informed.withdrawal);
    assert_eq!(stored.version, 1);

    // Restricted access: a caseworker of the same team who is not a member gets nothing, and
    // the attempt on the record is audited; the team's supervisor reads it.
    let other = colleague(&app, "other.cw@demo.passerelle.test", "caseworker").await;
    let ocw = app.signed_in("other.cw@demo.passerelle.test").await;
    assert_eq!(ocw.get(&format!("/cases/{case}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(ocw.get(&format!("/cases/{case}/trafficking")).await.status(), StatusCode::NOT_FOUND);
    let sup = app.signed_in(SUPERVISOR).await;
    assert_eq!(sup.get(&format!("/cases/{case}/trafficking")).await.status(), StatusCode::OK);
    let mut tx = app.store.read().await.unwrap();
    let refused = passerelle_store::audit::list(&mut tx, &passerelle_store::audit::Filter { action: Some("trafficking.record.refused".into()), limit: 10, ..Default::default() }).await.unwrap();
    assert!(refused.iter().any(|e| e.actor_id == Some(other) && e.entity_id.as_deref() == Some(case.to_string().as_str())));
    let views = passerelle_store::audit::list(&mut tx, &passerelle_store::audit::Filter { action: Some("trafficking.record.".into()), limit: 100, ..Default::default() }).await.unwrap();
    assert!(views.iter().any(|e| e.action == "trafficking.record.create"));
    assert!(views.iter().all(|e| !e.detail.contains("Santo Domingo")), "the audit names fields, never values");
});

both_backends!(task_force_figures_never_show_a_small_cell_and_ctdc_rows_are_k_anonymous, |app| {
    let mne = app.signed_in(MNE).await;
    let (status, html) = mne.text("/trafficking/taskforce").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"table-victims_by_year\"") && html.contains("id=\"table-means_of_control\"") && html.contains("id=\"table-assistance\""));
    // Every number in a table cell is 0 or at least the threshold; the demo has hidden cells.
    let check = |html: &str, threshold: u64| {
        let mut hidden = 0;
        for cell in html.split("<td>").skip(1) {
            let text = &cell[..cell.find("</td>").unwrap()];
            if text.contains("aria-hidden") {
                hidden += 1;
                continue;
            }
            let n: u64 = text.trim().parse().unwrap_or_else(|_| panic!("cell {text:?}"));
            assert!(n == 0 || n >= threshold, "a cell of {n} under {threshold}");
        }
        hidden
    };
    assert!(check(&html, 5) > 0, "the demo has small cells, hidden");
    let (_, html3) = mne.text("/trafficking/taskforce?threshold=3").await;
    check(&html3, 3);
    assert_eq!(mne.get("/trafficking/taskforce?threshold=1").await.status(), StatusCode::BAD_REQUEST);
    // The downloads carry the same published tables.
    let csv = mne.get("/trafficking/taskforce.csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    for line in text.lines() {
        for c in line.split(',').skip(1) {
            if let Ok(n) = c.parse::<u64>() {
                // Years are column heads, not counts.
                assert!(n == 0 || n >= 5 || (2000..2100).contains(&n), "{line}");
            }
        }
    }
    assert!(text.contains('*'));
    let x = mne.get("/trafficking/taskforce.xlsx").await;
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));

    // CTDC: no name, no date, every equivalence class over the quasi-identifiers >= k.
    for k in [2usize, 3] {
        let r = mne.get(&format!("/trafficking/ctdc.csv?k={k}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let achieved: Option<usize> = r.headers().get("x-k-achieved").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        let body = r.text().await.unwrap();
        assert!(!body.contains("Démo") && !body.contains("Lise"), "no names");
        let mut lines = body.lines();
        let head: Vec<&str> = lines.next().unwrap().split(',').collect();
        let qi: Vec<usize> = ["yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation"]
            .iter()
            .map(|c| head.iter().position(|h| h == c).unwrap_or_else(|| panic!("{c}")))
            .collect();
        let mut classes: BTreeMap<Vec<String>, usize> = BTreeMap::new();
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            *classes.entry(qi.iter().map(|i| cells[*i].to_string()).collect()).or_default() += 1;
        }
        assert!(classes.values().all(|n| *n >= k), "{classes:?}");
        if !classes.is_empty() {
            assert!(achieved.is_some_and(|a| a >= k));
        }
    }
    let (_, page) = mne.text("/trafficking/taskforce?k=3").await;
    assert!(page.contains("id=\"k-achieved\"") && page.contains("id=\"records-suppressed\""));
    // Caseworkers and administrators do not get the figures.
    let cw = app.signed_in(CASEWORKER).await;
    assert_eq!(cw.get("/trafficking/taskforce").await.status(), StatusCode::FORBIDDEN);
    let admin = app.signed_in(ADMIN).await;
    assert_eq!(admin.get("/trafficking/ctdc.csv").await.status(), StatusCode::FORBIDDEN);
});
