//! Data protection promises that are not a module's own: limits on searches and exports,
//! spreadsheet exports that run nothing.

mod common;

use common::Session;
use passerelle_store::directory::{self, ServiceFilter};
use passerelle_web::WebConfig;
use reqwest::StatusCode;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const ADMIN: &str = "admin@demo.passerelle.test";

fn low_limits() -> WebConfig {
    WebConfig { searches_per_minute: 3, exports_per_minute: 2, ..Default::default() }
}

both_backends!(searches_and_exports_are_limited_per_person, with low_limits(), |app| {
    let cw = app.signed_in(CASEWORKER).await;
    for _ in 0..3 {
        assert_eq!(cw.get("/people?q=amina").await.status(), StatusCode::OK);
    }
    let res = cw.get("/people?q=amina").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(res.text().await.unwrap().contains("Too many requests"));
    // Pages that are not searches are not slowed, nor is another person's search.
    assert_eq!(cw.get("/people").await.status(), StatusCode::OK);
    assert_eq!(cw.get("/cases").await.status(), StatusCode::OK);
    let sup = app.signed_in(SUPERVISOR).await;
    assert_eq!(sup.get("/people?q=amina").await.status(), StatusCode::OK);
    // The API counts with the pages: same person, same allowance.
    assert_eq!(cw.get("/api/v1/people?q=amina").await.status(), StatusCode::TOO_MANY_REQUESTS);

    let admin = app.signed_in(ADMIN).await;
    for _ in 0..2 {
        assert_eq!(admin.get("/directory/manage/export?format=csv").await.status(), StatusCode::OK);
    }
    let res = admin.get("/directory/export.json").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "every export draws on one allowance");

    // The public finder counts by address.
    let anon = Session::anonymous(&app);
    for _ in 0..3 {
        assert_eq!(anon.get("/?q=food").await.status(), StatusCode::OK);
    }
    assert_eq!(anon.get("/?q=food").await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(anon.get("/").await.status(), StatusCode::OK);
});

both_backends!(a_name_that_looks_like_a_formula_is_exported_as_text, |app| {
    let mut tx = app.store.write().await.unwrap();
    let mut entry = directory::list_services(&mut tx, &ServiceFilter::default()).await.unwrap().remove(0);
    entry.service.name = "=HYPERLINK(\"http://evil.example\",\"Open\")".into();
    directory::save_service(&mut tx, None, &entry.service).await.unwrap();
    tx.commit().await.unwrap();
    let admin = app.signed_in(ADMIN).await;
    let bytes = admin.get("/directory/manage/export?format=csv").await.bytes().await.unwrap();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(&bytes[3..]);
    let cells: Vec<String> = reader.records().flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>()).collect();
    assert!(cells.iter().any(|c| c == "'=HYPERLINK(\"http://evil.example\",\"Open\")"), "the name is written as text");
    assert!(cells.iter().all(|c| !c.starts_with('=') && !c.starts_with('@')), "no cell starts a formula");
});
