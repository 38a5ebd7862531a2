//! Follow-up visits on a case, and the search filters of people and cases, over HTTP on both
//! backends: visits in date order with their body sealed at rest, the next planned visit
//! flagged overdue on the case and counted by the caseload's "overdue" filter, bad input
//! refused whole, audit without values; people by area, cases by reference or external id,
//! never listing a record outside the viewer's scope.

mod common;
use common::{open_case, post, register_person};

use chrono::{Duration, Utc};
use common::Session;
use reqwest::StatusCode;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).format("%Y-%m-%d").to_string()
}

async fn ids_of(s: &Session, path: &str) -> Vec<String> {
    let r = s.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let list: serde_json::Value = r.json().await.unwrap();
    list.as_array().unwrap().iter().filter_map(|c| c["id"].as_str().map(str::to_string)).collect()
}

both_backends!(visits_are_sealed_in_date_order_flag_overdue_and_are_audited, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let person = register_person(&cw, &csrf, "Visited", "Visitee", &[]).await;
    let case = open_case(&cw, &csrf, person, "social_welfare").await;
    let calm = open_case(&cw, &csrf, register_person(&cw, &csrf, "Calm", "Visitee", &[]).await, "social_welfare").await;
    let page = format!("/cases/{case}");
    let action = format!("/cases/{case}/visits");
    let (_, html) = cw.text(&page).await;
    assert!(html.contains("No visit recorded yet."), "{html}");

    // Bad input: every problem named, nothing written.
    let r = post(&cw, &action, &csrf, &[("visited_on", &day(3)), ("kind", "teleport"), ("who_went", ""), ("seen", ""), ("next_on", "soon")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for m in ["Day of the visit: a visit is recorded once it has taken place", "this choice does not exist", "Who went: this is required.",
              "What was seen and said: this is required.", "Next visit planned: write a date as YYYY-MM-DD."] {
        assert!(html.contains(m), "{m}: {html}");
    }
    let r = post(&cw, &action, &csrf, &[("visited_on", &day(-5)), ("kind", "home_visit"), ("who_went", "A"), ("seen", "x"), ("next_on", &day(-6))]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Next visit planned: the next visit must come after this one."));
    let (_, html) = cw.text(&page).await;
    assert!(html.contains("No visit recorded yet."));

    // A home visit a month ago planned a follow-up ten days later; a phone call before it.
    let r = post(&cw, &action, &csrf, &[("visited_on", &day(-30)), ("kind", "home_visit"), ("place", "Rue des Lilas 4"),
        ("who_went", "Amélie and an interpreter"), ("seen", "SEEN-AT-HOME children fed, roof leaking"), ("next_on", &day(-20))]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(&cw, &action, &csrf, &[("visited_on", &day(-40)), ("kind", "phone_call"), ("who_went", "Amélie"), ("seen", "SEEN-ON-PHONE asked for a visit")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&page).await;
    let (phone, home) = (html.find("SEEN-ON-PHONE").expect("phone call shown"), html.find("SEEN-AT-HOME").expect("home visit shown"));
    assert!(phone < home, "date order");
    assert!(html.contains("Rue des Lilas 4") && html.contains("Home visit") && html.contains("Phone call"));
    assert!(html.contains("and is overdue."), "{html}");
    // Counted by the caseload's overdue filter; a case without a late visit or step is not.
    let (_, list) = cw.text("/cases?overdue=1").await;
    assert!(list.contains(&case.to_string()) && list.contains("visit overdue"), "{list}");
    assert!(!list.contains(&calm.to_string()));

    // Sealed at rest: neither the place nor what was seen is in the database in the clear.
    let mut tx = app.store.read().await.unwrap();
    let rows: Vec<(String, Option<Vec<u8>>)> = match tx.raw() {
        passerelle_store::db::RawTx::Sqlite(t) => sqlx::query_as("SELECT who_went, sealed FROM case_visits").fetch_all(&mut **t).await.unwrap(),
        passerelle_store::db::RawTx::Postgres(t) => sqlx::query_as("SELECT who_went, sealed FROM case_visits").fetch_all(&mut **t).await.unwrap(),
    };
    assert_eq!(rows.len(), 2);
    for (_, sealed) in &rows {
        let bytes = sealed.as_ref().expect("sealed");
        for clear in [&b"SEEN-AT-HOME"[..], b"SEEN-ON-PHONE", b"Lilas"] {
            assert!(!bytes.windows(clear.len()).any(|w| w == clear));
        }
    }
    // Audited with field names, never the values.
    let audit: Vec<(String,)> = match tx.raw() {
        passerelle_store::db::RawTx::Sqlite(t) => sqlx::query_as("SELECT detail FROM audit_log WHERE action = 'case.visit'").fetch_all(&mut **t).await.unwrap(),
        passerelle_store::db::RawTx::Postgres(t) => sqlx::query_as("SELECT detail FROM audit_log WHERE action = 'case.visit'").fetch_all(&mut **t).await.unwrap(),
    };
    drop(tx);
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().all(|(d,)| d.contains("seen") && !d.contains("SEEN-") && !d.contains("Lilas")));

    // A visit today planning the next one next week: no longer overdue, here or in the filter.
    let r = post(&cw, &action, &csrf, &[("visited_on", &day(0)), ("kind", "office_visit"), ("who_went", "Amélie"), ("seen", "came to the office"), ("next_on", &day(7))]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&page).await;
    assert!(!html.contains("and is overdue.") && html.contains("Next visit planned:"));
    let (_, list) = cw.text("/cases?overdue=1").await;
    assert!(!list.contains(&case.to_string()));

    // A case outside the caseworker's scope (the supervisor's own) takes no visit from them.
    let sup = app.signed_in(SUPERVISOR).await;
    let sup_csrf = sup.csrf("/people/new").await;
    let theirs = open_case(&sup, &sup_csrf, register_person(&sup, &sup_csrf, "Elsewhere", "Visitee", &[]).await, "social_welfare").await;
    let r = post(&cw, &format!("/cases/{theirs}/visits"), &csrf, &[("visited_on", &day(0)), ("kind", "other"), ("who_went", "x"), ("seen", "y")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // A closed case takes no new visit.
    let mut tx = app.store.write().await.unwrap();
    match tx.raw() {
        passerelle_store::db::RawTx::Sqlite(t) => { sqlx::query("UPDATE cases SET status = 'closed'").execute(&mut **t).await.unwrap(); }
        passerelle_store::db::RawTx::Postgres(t) => { sqlx::query("UPDATE cases SET status = 'closed'").execute(&mut **t).await.unwrap(); }
    }
    tx.commit().await.unwrap();
    let r = post(&cw, &action, &csrf, &[("visited_on", &day(0)), ("kind", "other"), ("who_went", "x"), ("seen", "y")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("the case is closed"));
});

both_backends!(people_by_area_and_cases_by_reference_keep_the_viewer_scope, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let sup = app.signed_in(SUPERVISOR).await;
    let csrf = cw.csrf("/people/new").await;
    let sup_csrf = sup.csrf("/people/new").await;
    let mut tx = app.store.read().await.unwrap();
    let areas = passerelle_store::agencies::list_areas(&mut tx).await.unwrap();
    drop(tx);
    let country = areas.iter().find(|a| a.level == 0).unwrap().id;
    let parishes: Vec<Uuid> = areas.iter().filter(|a| a.parent_id == Some(country)).map(|a| a.id).collect();
    let (north, south) = (parishes[0].to_string(), parishes[1].to_string());
    let mine = register_person(&cw, &csrf, "Nordique", "Visitee", &[("area_id", &north), ("external_id", "EXT-VIS-MINE")]).await;
    let other = register_person(&cw, &csrf, "Sudiste", "Visitee", &[("area_id", &south)]).await;
    // The supervisor's own person and case: outside the caseworker's (own) scope.
    let hidden = register_person(&sup, &sup_csrf, "Nordique", "Visitee", &[("area_id", &north), ("external_id", "EXT-VIS-HIDDEN")]).await;
    let my_case = open_case(&cw, &csrf, mine, "social_welfare").await;
    let hidden_case = open_case(&sup, &sup_csrf, hidden, "social_welfare").await;

    // People by area, with and without a name; the country includes its parishes.
    let (_, html) = cw.text(&format!("/people?area={north}")).await;
    assert!(html.contains(&mine.to_string()) && !html.contains(&other.to_string()) && !html.contains(&hidden.to_string()), "{html}");
    let (_, html) = cw.text(&format!("/people?q=Nordique&area={south}")).await;
    assert!(!html.contains(&mine.to_string()));
    let (_, html) = cw.text(&format!("/people?q=Nordique&area={country}")).await;
    assert!(html.contains(&mine.to_string()) && !html.contains(&hidden.to_string()));
    // (The demo's own people may live there too.)
    let seen = ids_of(&cw, &format!("/api/v1/people?area={north}")).await;
    assert!(seen.contains(&mine.to_string()) && !seen.contains(&other.to_string()) && !seen.contains(&hidden.to_string()));
    assert!(ids_of(&cw, &format!("/api/v1/people?q=Nordique&area={south}")).await.is_empty());
    // The supervisor (team scope) sees both northerners.
    let seen = ids_of(&sup, &format!("/api/v1/people?area={north}")).await;
    assert!(seen.contains(&mine.to_string()) && seen.contains(&hidden.to_string()));

    // Cases by the person's external id, and by the case reference (its start, any case).
    let (_, html) = cw.text("/cases?reference=EXT-VIS-MINE").await;
    assert!(html.contains(&my_case.to_string()), "{html}");
    let (_, html) = cw.text("/cases?reference=EXT-VIS-HIDDEN").await;
    assert!(!html.contains(&hidden_case.to_string()));
    let r = cw.get(&format!("/api/v1/cases/{my_case}")).await;
    let reference = r.json::<serde_json::Value>().await.unwrap()["reference"].as_str().unwrap().to_string();
    let start = reference[..reference.len() - 2].to_lowercase();
    assert_eq!(ids_of(&cw, &format!("/api/v1/cases?reference={start}")).await, vec![my_case.to_string()]);
    assert_eq!(ids_of(&cw, "/api/v1/cases?reference=EXT-VIS-MINE").await, vec![my_case.to_string()]);
    assert!(ids_of(&cw, "/api/v1/cases?reference=EXT-VIS-HIDDEN").await.is_empty());
    // Part of an external id is not enough (identity numbers match whole); a LIKE wildcard matches itself only.
    assert!(ids_of(&cw, "/api/v1/cases?reference=EXT-VIS").await.is_empty());
    assert!(ids_of(&cw, "/api/v1/cases?reference=%25").await.is_empty());
    assert_eq!(ids_of(&sup, "/api/v1/cases?reference=EXT-VIS-HIDDEN").await, vec![hidden_case.to_string()]);
    // Status filters as before: the open case is not among the closed ones.
    assert!(ids_of(&cw, "/api/v1/cases?status=closed&reference=EXT-VIS-MINE").await.is_empty());
});
