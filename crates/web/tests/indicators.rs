//! Indicators over HTTP on both backends: every shipped indicator (programme KPIs and the
//! referential's quantitative ones) computed on a fixture of past cases with known answers;
//! small-cell suppression on the pages and in the exports; breakdowns; the donor report; and a
//! quality assessment from its start to its validation, with the checks on the way.
//!
//! The fixture lives in the first quarter of 2019, far from the demo's history (the last
//! year), so the demo does not change the answers:
//! - A: 6 child-protection cases, high risk, girls born 2010, opened 2019-01-10 09:00; initial
//!   assessment after 10 h (4, on time: 24 h) or 48 h (2, late); best interests after 3 days (on
//!   time); case plan after 5 days (approved for 5 of 6); follow-up; closed after 30 days.
//! - B: 6 child-protection cases, medium risk, men born 1990, opened 2019-02-01 09:00; initial
//!   assessment after 5 days (late: 3 days), best interests after 10 days (on time); open.
//! - C: 6 homelessness cases, low risk, men born 1980, opened 2019-01-05 09:00; shelter after
//!   1 day, needs assessment after 3 days; housing plan on time for 3 (then housing, tenancy
//!   follow-up, closure after 40 days, plan approved), late for 3 (open).

mod common;
use common::post;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{location, TestApp};
use passerelle_core::indicators::{self as ind, DateRange, Entity, Measure, NotComputable, Outcome, Period, Value};
use std::collections::BTreeSet;
use passerelle_store::indicators::history::{self, PastCase, PastPerson};
use passerelle_store::{sops, users};
use reqwest::StatusCode;
use uuid::Uuid;

const MNE: &str = "mne@demo.passerelle.test";
const QUALITY: &str = "quality@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const FOCALPOINT: &str = "focalpoint@demo.passerelle.test";

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).single().expect("a valid date")
}

async fn fixture(app: &TestApp) -> (Uuid, Uuid) {
    let mut tx = app.store.write().await.unwrap();
    let cw = users::find_by_email(&mut tx, CASEWORKER).await.unwrap().unwrap();
    let cp = sops::latest(&mut tx, "child_protection").await.unwrap().unwrap().sop.version;
    let hl = sops::latest(&mut tx, "homelessness").await.unwrap().unwrap().sop.version;
    let h = Duration::hours;
    let d = Duration::days;
    let person = |sex: &str, born: &str, status: &str| PastPerson {
        given_names: "Fixture".into(),
        family_names: "Person".into(),
        sex: Some(sex.into()),
        birth_date: Some(born.into()),
        nationality: Some("bt".into()),
        migration_status: status.into(),
        area_id: None,
    };
    let case = |sop: &str, version: u32, risk: &str, opened: DateTime<Utc>, closed: Option<DateTime<Utc>>, steps: Vec<(&str, Duration)>, approvals: Vec<(&str, Duration)>| PastCase {
        sop_id: sop.into(),
        sop_version: version,
        risk: risk.into(),
        caseworker: cw.id,
        agency_id: cw.agency_id,
        team_id: cw.team_id,
        opened_at: opened,
        closed_at: closed,
        steps: steps.into_iter().map(|(s, after)| (s.to_string(), opened + after)).collect(),
        approvals: approvals.into_iter().map(|(s, after)| (s.to_string(), opened + after)).collect(),
    };
    let a = at(2019, 1, 10);
    for i in 0..6 {
        let initial = if i < 4 { h(10) } else { h(48) };
        let approvals = if i < 5 { vec![("case_plan", d(5))] } else { vec![] };
        let steps = vec![("registration", h(2)), ("initial_assessment", initial), ("best_interests_assessment", d(3)), ("case_plan", d(5)),
                         ("implementation", d(7)), ("follow_up", d(10)), ("case_review", d(20)), ("closure", d(30))];
        history::record(&mut tx, None, &person("female", "2010-06-01", "national"), &case("child_protection", cp, "high", a, Some(a + d(30)), steps, approvals)).await.unwrap();
    }
    let b = at(2019, 2, 1);
    for _ in 0..6 {
        let steps = vec![("registration", d(1)), ("initial_assessment", d(5)), ("best_interests_assessment", d(10))];
        history::record(&mut tx, None, &person("male", "1990-03-03", "regular_migrant"), &case("child_protection", cp, "medium", b, None, steps, vec![])).await.unwrap();
    }
    let c = at(2019, 1, 5);
    for i in 0..6 {
        let mut steps = vec![("outreach_contact", h(1)), ("emergency_shelter", d(1)), ("needs_assessment", d(3))];
        let on_time = i < 3;
        if on_time {
            steps.extend([("housing_plan", d(13)), ("housing_access", d(20)), ("tenancy_follow_up", d(30)), ("closure", d(40))]);
        } else {
            steps.push(("housing_plan", d(30)));
        }
        let approvals = if on_time { vec![("housing_plan", d(13))] } else { vec![] };
        let closed = on_time.then_some(c + d(40));
        history::record(&mut tx, None, &person("male", "1980", "irregular_migrant"), &case("homelessness", hl, "low", c, closed, steps, approvals)).await.unwrap();
    }
    tx.commit().await.unwrap();
    (cw.id, cw.agency_id.unwrap())
}

fn q1_2019() -> DateRange {
    Period::parse("2019-Q1").unwrap().range().unwrap()
}

fn this_year() -> DateRange {
    Period::containing(ind::PeriodKind::Year, Utc::now().date_naive()).range().unwrap()
}

/// The overall figure of an indicator (no breakdown), as computed before suppression.
async fn figure(app: &TestApp, id: &str, range: DateRange) -> Outcome {
    let indicator = passerelle_web::pages::indicators::find(id).unwrap().unwrap_or_else(|| panic!("no indicator {id}"));
    let Measure::Quantitative(q) = &indicator.measure else { panic!("{id} is qualitative") };
    let mut tx = app.store.read().await.unwrap();
    let ask = passerelle_store::indicators::Ask { plan: &q.plan, range, agency: None };
    let results = passerelle_store::indicators::compute(&mut tx, &[ask], Utc::now()).await.unwrap().remove(0);
    assert_eq!(results.len(), 1, "{id}: one overall group");
    results[0].outcome
}

fn close(o: Outcome, expected: f64, id: &str) {
    match o {
        Outcome::Value(v) => assert!((v - expected).abs() < 1e-9, "{id}: {v} instead of {expected}"),
        other => panic!("{id}: {other:?} instead of {expected}"),
    }
}

both_backends!(records_read_a_page_at_a_time_are_the_records, |app| {
    fixture(&app).await;
    // Large tables are read a page of rows at a time (by id): pages of 1, 2 and 7 rows give the
    // same records, in the same order, as one page holding them all — none lost at a page's
    // edge, none read twice.
    let mut tx = app.store.read().await.unwrap();
    let all = BTreeSet::from(Entity::ALL);
    let mut pages = Vec::new();
    for page in [1_000_000, 1, 2, 7] {
        let mut data = ind::Dataset::default();
        passerelle_store::indicators::dataset::read_in_pages(&mut tx, &all, true, Utc::now(), page, &mut |e, r| data.insert(e, r.clone())).await.unwrap();
        pages.push(data);
    }
    let whole = &pages[0];
    assert!(whole.records[&Entity::Cases].len() >= 18);
    assert!(whole.records[&Entity::People].len() >= 18);
    for (page, data) in [1, 2, 7].iter().zip(&pages[1..]) {
        assert!(data == whole, "pages of {page}");
    }
});

both_backends!(every_shipped_indicator_gives_its_known_answer, |app| {
    fixture(&app).await;
    let q1 = q1_2019();
    let expected: &[(&str, f64)] = &[
        ("case_load_per_caseworker", 18.0),
        ("case_closure_rate", 9.0 / 18.0),
        ("median_days_to_closure", 30.0),
        ("assessments_on_time", 22.0 / 30.0),
        ("case_plans_completed_and_approved", 8.0 / 9.0),
        ("follow_ups_per_case", 6.0 / 18.0),
        ("referrals_per_case", 0.0),
        ("services_provided", 0.0),
        ("high_risk_child_protection_assessed_on_time", 4.0 / 6.0),
        ("median_days_to_case_plan", 5.0),
        ("median_days_contact_to_shelter", 1.0),
        ("housing_plans_on_time", 0.5),
        ("closed_after_tenancy_follow_up", 1.0),
    ];
    for (id, value) in expected {
        close(figure(&app, id, q1).await, *value, id);
    }
    // Nothing recorded yet to compute these from (no satisfaction question; referrals and
    // outreach are not on this branch): not computable, never NaN.
    for (id, why) in [
        ("satisfaction", NotComputable::NoValues),
        ("reporting_delay", NotComputable::NoValues),
        ("referral_completion_rate", NotComputable::ZeroDenominator),
        ("outreach_registration_rate", NotComputable::ZeroDenominator),
    ] {
        assert_eq!(figure(&app, id, q1).await, Outcome::NotComputable(why), "{id}");
    }
    // Staff in post this year (the demo's): one supervisor to one caseworker; the supervisor
    // holds no case (trained on all of none), the caseworker is not certified on homelessness.
    close(figure(&app, "supervisor_to_caseworker_ratio", this_year()).await, 1.0, "supervisor_to_caseworker_ratio");
    close(figure(&app, "staff_trained_on_their_sop", this_year()).await, 0.5, "staff_trained_on_their_sop");
    // Every shipped quantitative indicator is covered above.
    let cat = passerelle_web::pages::indicators::catalogue().unwrap();
    let covered: Vec<&str> = expected.iter().map(|(i, _)| *i)
        .chain(["satisfaction", "reporting_delay", "referral_completion_rate", "outreach_registration_rate",
                "supervisor_to_caseworker_ratio", "staff_trained_on_their_sop"]).collect();
    for i in cat.indicators.iter().chain(cat.referential.indicators().into_iter().map(|x| x.3)) {
        if matches!(i.measure, Measure::Quantitative(_)) {
            assert!(covered.contains(&i.id.as_str()), "{} has no known answer", i.id);
        }
    }
    // Computed together (a report reads the records once for all its figures), every figure is
    // the one computed alone: for everyone, for one agency, and for another period.
    let mut tx = app.store.read().await.unwrap();
    let cases = passerelle_store::indicators::dataset::load(&mut tx, &BTreeSet::from([Entity::Cases]), false, Utc::now()).await.unwrap();
    let Some(Value::Text(agency)) = cases.records[&Entity::Cases][0].fields.get("agency").cloned() else { panic!("the fixture's agency") };
    let plans: Vec<_> = cat.indicators.iter().chain(cat.referential.indicators().into_iter().map(|x| x.3))
        .filter_map(|i| match &i.measure { Measure::Quantitative(q) => Some(&q.plan), Measure::Qualitative(_) => None })
        .collect();
    let mut asks = Vec::new();
    for plan in &plans {
        for (range, agency) in [(q1, None), (q1, Some(agency.as_str())), (this_year(), None)] {
            asks.push(passerelle_store::indicators::Ask { plan, range, agency });
        }
    }
    let together = passerelle_store::indicators::compute(&mut tx, &asks, Utc::now()).await.unwrap();
    assert_eq!(together.len(), asks.len());
    let mut agency_figures = 0;
    for (ask, figures) in asks.iter().zip(&together) {
        let alone = passerelle_store::indicators::compute(&mut tx, &[*ask], Utc::now()).await.unwrap().remove(0);
        assert_eq!(figures, &alone, "{:?} {:?}", ask.range, ask.agency);
        agency_figures += usize::from(ask.agency.is_some() && figures.iter().any(|g| g.numerator.records > 0));
    }
    // The agency's own figures count its records (the fixture's cases are all of one agency).
    assert!(agency_figures >= 10, "{agency_figures} agency figures with records");
});

both_backends!(dashboards_break_down_and_hide_small_cells_on_pages_and_exports, |app| {
    fixture(&app).await;
    let mne = app.signed_in(MNE).await;
    let (status, body) = mne.text("/indicators").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("/indicators/case_closure_rate") && body.contains("/indicators/housing_plans_on_time"));
    // By SOP: both groups rest on enough records to be shown.
    let (status, body) = mne.text("/indicators/assessments_on_time?period=2019-Q1&by=sop").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("66.7 %") && body.contains("100.0 %"), "{body}");
    assert!(body.contains("<svg") && body.contains("viewBox="), "a chart");
    // Comparison with the previous period (nothing then).
    let (_, body) = mne.text("/indicators/assessments_on_time?period=2019-Q1&compare=previous").await;
    assert!(body.contains("2018-Q4") && body.contains("73.3 %"), "{body}");
    // By sex: 3 men's cases closed out of 12 rest on 3 records: hidden, and not recoverable.
    let (_, body) = mne.text("/indicators/case_closure_rate?period=2019-Q1&by=sex").await;
    assert!(body.contains("hidden (small numbers)"), "{body}");
    assert!(!body.contains("25.0 %"), "the hidden figure is not shown");
    // A breakdown the indicator does not allow is ignored (disability is not allowed here).
    let (status, body) = mne.text("/indicators/case_load_per_caseworker?period=2019-Q1&by=disability").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("18.0") && !body.contains("Disability:"), "{body}");
    // CSV: headers, HXL hashtags on row 2, the hidden cell empty with its status.
    let r = mne.get("/indicators/case_closure_rate/csv?period=2019-Q1&by=sex").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("indicator,indicator_name,start,end,sex,value,status"), "{csv}");
    assert!(lines[1].starts_with("#indicator +code,#indicator +name,#date +start,#date +end"), "{csv}");
    let male = lines.iter().find(|l| l.contains(",male,")).unwrap_or_else(|| panic!("{csv}"));
    assert!(male.ends_with(",,suppressed"), "{male}");
    assert!(!csv.contains("25"), "no trace of the hidden figure: {csv}");
    // XLSX of the same table, and of the donor report.
    let r = mne.get("/indicators/case_closure_rate/xlsx?period=2019-Q1&by=sex").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let (status, body) = mne.text("/indicators/report?period=2019-Q1&ind=case_closure_rate&ind=median_days_to_closure").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("50.0 %") && body.contains("30.0"), "{body}");
    let r = mne.get("/indicators/report/xlsx?period=2019-Q1&ind=case_closure_rate").await;
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    // The same figures as JSON, with the same suppression; a bad period is a 400 there.
    let json: serde_json::Value = mne.get("/api/v1/indicators/case_closure_rate?period=2019-Q1&by=sex").await.json().await.unwrap();
    assert_eq!(json["unit"], "percent");
    let rows = json["rows"].as_array().unwrap();
    let male = rows.iter().find(|r| r["group"]["sex"] == "male").unwrap();
    assert_eq!(male["status"], "suppressed");
    assert!(male["value"].is_null());
    let json: serde_json::Value = mne.get("/api/v1/indicators/assessments_on_time?period=2019-Q1&by=sop").await.json().await.unwrap();
    let cp = json["rows"].as_array().unwrap().iter().find(|r| r["group"]["sop"] == "child_protection").unwrap().clone();
    assert!((cp["value"].as_f64().unwrap() - 100.0 * 16.0 / 24.0).abs() < 1e-9, "{cp}");
    assert_eq!(mne.get("/api/v1/indicators/case_closure_rate?period=2019-13").await.status(), StatusCode::BAD_REQUEST);
    // A period that does not exist: a clear error, the current period shown instead.
    let (status, body) = mne.text("/indicators/case_closure_rate?period=2019-Q5").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("This quarter does not exist"), "{body}");
    // An unknown indicator, and someone without the permission.
    assert_eq!(mne.get("/indicators/no_such_thing").await.status(), StatusCode::NOT_FOUND);
    let cw = app.signed_in(CASEWORKER).await;
    assert_eq!(cw.get("/indicators").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(cw.get("/indicators/case_closure_rate/csv").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(cw.get("/api/v1/indicators/case_closure_rate").await.status(), StatusCode::FORBIDDEN);
});

/// The overall case load per caseworker for 2019-Q1 as the API gives it, and when it was computed.
async fn load_per_caseworker(s: &common::Session) -> (f64, String) {
    let json: serde_json::Value = s.get("/api/v1/indicators/case_load_per_caseworker?period=2019-Q1").await.json().await.unwrap();
    (json["rows"][0]["value"].as_f64().unwrap_or_else(|| panic!("{json}")), json["computed_at"].as_str().unwrap_or_else(|| panic!("{json}")).to_string())
}

both_backends!(figures_are_kept_for_their_max_age_and_say_when_they_were_computed, |app| {
    fixture(&app).await;
    let mne = app.signed_in(MNE).await;
    let (first, at) = load_per_caseworker(&mne).await;
    assert_eq!(first, 18.0);
    // Eighteen more cases for the same caseworker: the kept figure is still shown,
    // computed at the same time, and the pages say when and how often figures are computed.
    fixture(&app).await;
    assert_eq!(load_per_caseworker(&mne).await, (18.0, at.clone()));
    let (_, body) = mne.text("/indicators/case_load_per_caseworker?period=2019-Q1").await;
    assert!(body.contains("Figures computed on") && body.contains("after 5 minutes"), "{body}");
    let (_, body) = mne.text("/indicators/report?period=2019-Q1&ind=case_load_per_caseworker").await;
    assert!(body.contains("id=\"figures-as-of\"") && body.contains("after 5 minutes"), "{body}");
    // Another period is another figure, computed from today's records.
    let json: serde_json::Value = mne.get("/api/v1/indicators/case_load_per_caseworker?period=2019").await.json().await.unwrap();
    assert_eq!(json["rows"][0]["value"].as_f64(), Some(36.0), "{json}");
});

both_backends!(figures_past_their_age_are_shown_while_computed_again,
    with passerelle_web::WebConfig { figures_max_age: std::time::Duration::from_secs(1), ..Default::default() }, |app| {
    fixture(&app).await;
    let mne = app.signed_in(MNE).await;
    let (first, at) = load_per_caseworker(&mne).await;
    assert_eq!(first, 18.0);
    fixture(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    // Past its age: the view does not wait, it shows the figure as computed, and the figure is
    // computed again in the background for the next views.
    assert_eq!(load_per_caseworker(&mne).await, (18.0, at.clone()));
    let mut again = None;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (value, when) = load_per_caseworker(&mne).await;
        if value != 18.0 {
            again = Some((value, when));
            break;
        }
    }
    let (value, when) = again.expect("computed again within 10 s");
    assert_eq!(value, 36.0);
    assert!(when > at, "{when} after {at}");
});

fn load_per_caseworker_ask(q: &ind::Quantitative) -> [passerelle_store::indicators::Ask<'_>; 1] {
    [passerelle_store::indicators::Ask { plan: &q.plan, range: q1_2019(), agency: None }]
}

fn quantitative_of(id: &str) -> ind::Quantitative {
    let indicator = passerelle_web::pages::indicators::find(id).unwrap().unwrap();
    let Measure::Quantitative(q) = &indicator.measure else { panic!("quantitative") };
    (**q).clone()
}

fn value_of(c: &[passerelle_store::indicators::Computed]) -> Outcome {
    c[0].results[0].outcome
}

both_backends!(figures_to_record_are_never_past_their_age, |app| {
    // An assessment submitted records its figures: a stale one is computed again first.
    fixture(&app).await;
    let q = quantitative_of("case_load_per_caseworker");
    let figures = std::sync::Arc::new(passerelle_store::indicators::Figures::new(std::time::Duration::from_millis(500)));
    let ask = load_per_caseworker_ask(&q);
    let first = figures.get(&app.store, &ask, false).await.unwrap();
    assert_eq!(value_of(&first), Outcome::Value(18.0));
    fixture(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let recorded = figures.get(&app.store, &ask, false).await.unwrap();
    assert_eq!(value_of(&recorded), Outcome::Value(36.0), "computed now, not the stale 18");
    assert!(recorded[0].as_of > first[0].as_of);
});

both_backends!(figures_still_computing_are_asked_for_again_and_computed_once, |app| {
    fixture(&app).await;
    let q = quantitative_of("case_load_per_caseworker");
    let ask = load_per_caseworker_ask(&q);
    // A request that waits no time at all is told the figures are being computed; the
    // computation goes on without it, and the next request finds its figure.
    let figures = std::sync::Arc::new(passerelle_store::indicators::Figures::new(std::time::Duration::from_secs(60)).waiting_at_most(std::time::Duration::ZERO));
    let first = figures.get(&app.store, &ask, true).await;
    assert!(matches!(first, Err(passerelle_store::StoreError::Computing)), "{first:?}");
    let mut found = None;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if let Ok(c) = figures.get(&app.store, &ask, true).await {
            found = Some(c);
            break;
        }
    }
    let found = found.expect("computed within 10 s");
    assert_eq!(value_of(&found), Outcome::Value(18.0));
    // Requests asking together for a figure not kept share one computation: the same one.
    let patient = std::sync::Arc::new(passerelle_store::indicators::Figures::new(std::time::Duration::from_secs(60)));
    let (a, b) = tokio::join!(patient.get(&app.store, &ask, true), patient.get(&app.store, &ask, true));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(std::sync::Arc::ptr_eq(&a[0].results, &b[0].results), "one computation for both");
    assert_eq!(a[0].as_of, b[0].as_of);
});

both_backends!(figures_that_cannot_be_computed_again_stay_shown, |app| {
    fixture(&app).await;
    let q = quantitative_of("case_load_per_caseworker");
    let ask = load_per_caseworker_ask(&q);
    let figures = std::sync::Arc::new(passerelle_store::indicators::Figures::new(std::time::Duration::from_millis(200)));
    let first = figures.get(&app.store, &ask, true).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // The database goes away: the stale figure is still shown while its computation fails,
    // and again after it failed; a figure to record is refused with the computation's error.
    app.store.close().await;
    let stale = figures.get(&app.store, &ask, true).await.unwrap();
    assert_eq!(stale[0].as_of, first[0].as_of);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let still = figures.get(&app.store, &ask, true).await.unwrap();
    assert_eq!((value_of(&still), still[0].as_of), (Outcome::Value(18.0), first[0].as_of));
    let recorded = figures.get(&app.store, &ask, false).await;
    assert!(matches!(recorded, Err(passerelle_store::StoreError::Background(_))), "{recorded:?}");
});

both_backends!(a_page_whose_figures_are_still_computing_loads_again_by_itself,
    with passerelle_web::WebConfig { figures_patience: std::time::Duration::ZERO, ..Default::default() }, |app| {
    fixture(&app).await;
    let mne = app.signed_in(MNE).await;
    let path = "/indicators/case_load_per_caseworker?period=2019-Q1";
    let r = mne.client.get(format!("{}{path}", mne.base)).header("accept-language", "fr").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("10"));
    let body = r.text().await.unwrap();
    // A link to load it again, not a timed reload (which would move under a screen reader).
    assert!(body.contains("Les chiffres sont en cours de calcul") && body.contains("dans 10 secondes"), "{body}");
    assert!(body.contains(r#"<a href="/indicators/case_load_per_caseworker?period=2019-Q1">Recharger la page</a>"#) && !body.contains("http-equiv"), "{body}");
    // The API says the same as a problem, for a client to ask again.
    let mut answered = None;
    for _ in 0..100 {
        let r = mne.client.get(format!("{}/api/v1/indicators/case_load_per_caseworker?period=2019-Q1", mne.base)).send().await.unwrap();
        if r.status() == StatusCode::OK {
            answered = Some(r.json::<serde_json::Value>().await.unwrap());
            break;
        }
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(r.headers().get("retry-after").is_some());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let json = answered.expect("computed within 10 s");
    assert_eq!(json["rows"][0]["value"].as_f64(), Some(18.0), "{json}");
    let (status, body) = mne.text(path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Figures computed on") && !body.contains("Load the page again"), "{body}");
});

both_backends!(figures_without_a_max_age_are_computed_at_every_view,
    with passerelle_web::WebConfig { figures_max_age: std::time::Duration::ZERO, ..Default::default() }, |app| {
    fixture(&app).await;
    let mne = app.signed_in(MNE).await;
    let (first, at) = load_per_caseworker(&mne).await;
    assert_eq!(first, 18.0);
    fixture(&app).await;
    let (second, again) = load_per_caseworker(&mne).await;
    assert_eq!(second, 36.0);
    assert!(again > at, "{again} after {at}");
    let (_, body) = mne.text("/indicators/case_load_per_caseworker?period=2019-Q1").await;
    assert!(body.contains("Figures computed on") && !body.contains("computed again"), "{body}");
});

fn version_in(html: &str) -> String {
    let start = html.find("name=\"version\" value=\"").expect("a version field") + "name=\"version\" value=\"".len();
    html[start..].split('"').next().unwrap().to_string()
}

both_backends!(an_assessment_goes_from_draft_to_validation, |app| {
    let (_, agency) = fixture(&app).await;
    let quality = app.signed_in(QUALITY).await;
    let (status, body) = quality.text("/quality").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Version 1") && body.contains("/indicators/housing_plans_on_time"), "{body}");
    let csrf = quality.csrf("/quality/assessments").await;
    // Bad input: no agency, an unreadable period; both named, nothing written.
    let r = post(&quality, "/quality/assessments", &csrf, &[("agency", ""), ("period", "spring")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("Choose a member organisation") && body.contains("The period cannot be read"), "{body}");
    let r = post(&quality, "/quality/assessments", &csrf, &[("agency", &agency.to_string()), ("period", "2019-Q1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let id = page.trim_start_matches("/quality/assessments/").to_string();
    let (_, body) = quality.text(&page).await;
    // Quantitative indicators filled from the agency's records: 1 day to shelter (6 cases);
    // housing plans on time rests on 3 records, hidden.
    assert!(body.contains("id=\"figure-median_days_contact_to_shelter\">1.0<"), "{body}");
    assert!(body.contains("id=\"figure-housing_plans_on_time\">hidden (small numbers)<"), "{body}");
    // Submitting before rating the qualitative indicators is refused.
    let v = version_in(&body);
    let r = post(&quality, &format!("/quality/assessments/{id}/submit"), &csrf, &[("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("This indicator has no level yet."));
    // An answer without level, evidence or comment: every problem at once.
    let r = post(&quality, &format!("/quality/assessments/{id}/answers"), &csrf, &[("version", &v), ("indicator", "residents_council"), ("level", ""), ("evidence", " "), ("comment", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("Choose a level on the scale.") && body.contains("Evidence is required") && body.contains("A comment is required."), "{body}");
    let qualitative: Vec<String> = passerelle_web::pages::indicators::catalogue().unwrap().referential.indicators().into_iter()
        .filter(|x| matches!(x.3.measure, Measure::Qualitative(_))).map(|x| x.3.id.clone()).collect();
    assert!(qualitative.len() >= 3);
    for ind in &qualitative {
        let (_, body) = quality.text(&page).await;
        let r = post(&quality, &format!("/quality/assessments/{id}/answers"), &csrf, &[("version", &version_in(&body)), ("indicator", ind), ("level", "3"), ("evidence", "House rules, 2019\nResidents' council minutes"), ("comment", "In place in both shelters")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{ind}");
    }
    // A stale version (someone answered since) is a conflict, not an overwrite.
    let r = post(&quality, &format!("/quality/assessments/{id}/answers"), &csrf, &[("version", &v), ("indicator", &qualitative[0]), ("level", "1"), ("evidence", "x"), ("comment", "y")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let (_, body) = quality.text(&page).await;
    let r = post(&quality, &format!("/quality/assessments/{id}/submit"), &csrf, &[("version", &version_in(&body))]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = quality.text(&page).await;
    assert!(body.contains("submitted, waiting for validation"), "{body}");
    // The one who submitted does not validate.
    let r = post(&quality, &format!("/quality/assessments/{id}/decision"), &csrf, &[("version", &version_in(&body)), ("decision", "validate")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("someone else validates it"));
    // The agency's supervisor returns it (a comment is required), then validates it.
    let sup = app.signed_in(SUPERVISOR).await;
    let scsrf = sup.csrf(&page).await;
    let (_, body) = sup.text(&page).await;
    let r = post(&sup, &format!("/quality/assessments/{id}/decision"), &scsrf, &[("version", &version_in(&body)), ("decision", "return"), ("comment", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Say what to change"));
    let r = post(&sup, &format!("/quality/assessments/{id}/decision"), &scsrf, &[("version", &version_in(&body)), ("decision", "return"), ("comment", "Add the council minutes")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = quality.text(&page).await;
    assert!(body.contains(">draft<") && body.contains("Add the council minutes"), "{body}");
    let r = post(&quality, &format!("/quality/assessments/{id}/submit"), &csrf, &[("version", &version_in(&body))]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = sup.text(&page).await;
    let r = post(&sup, &format!("/quality/assessments/{id}/decision"), &scsrf, &[("version", &version_in(&body)), ("decision", "validate"), ("comment", "")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = quality.text("/quality/assessments").await;
    assert!(body.contains("2019-Q1") && body.contains("validated"), "{body}");
    // A focal point of another agency neither sees it nor assesses that agency.
    let fp = app.signed_in(FOCALPOINT).await;
    assert_eq!(fp.get(&page).await.status(), StatusCode::NOT_FOUND);
    let fcsrf = fp.csrf("/quality/assessments").await;
    let r = post(&fp, "/quality/assessments", &fcsrf, &[("agency", &agency.to_string()), ("period", "2019")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The audit trail names the steps, not the answers.
    let mut tx = app.store.read().await.unwrap();
    let entries = passerelle_store::audit::list(&mut tx, &passerelle_store::audit::Filter { action: Some("quality.".into()), limit: 1000, ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for a in ["quality.assessment.create", "quality.assessment.answer", "quality.assessment.submit", "quality.assessment.return", "quality.assessment.validate"] {
        assert!(actions.contains(&a), "{a} audited");
    }
    assert!(!entries.iter().any(|e| e.detail.to_string().contains("council minutes")), "answers are not in the audit log");
});

/// How long a dashboard figure takes on 10,000 past cases (run by hand:
/// `cargo nextest run -p passerelle-web --test indicators --run-ignored only`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn timing_on_ten_thousand_cases() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let mut tx = app.store.write().await.unwrap();
    let cw = users::find_by_email(&mut tx, CASEWORKER).await.unwrap().unwrap();
    let sop = sops::latest(&mut tx, "child_protection").await.unwrap().unwrap().sop;
    let start = std::time::Instant::now();
    for i in 0..10_000i64 {
        let opened = at(2019, 1, 1) + Duration::hours(i % 2000);
        let steps: Vec<(String, DateTime<Utc>)> = sop.steps.iter().take((i % 8) as usize + 1).enumerate()
            .map(|(n, s)| (s.id.clone(), opened + Duration::hours(6 * (n as i64 + 1) + i % 50))).collect();
        let closed = (steps.len() == sop.steps.len()).then(|| opened + Duration::days(40));
        let person = PastPerson { given_names: "Bench".into(), family_names: "Case".into(), sex: Some(["female", "male"][(i % 2) as usize].into()),
            birth_date: Some(format!("{}-01-01", 1950 + i % 70)), migration_status: "national".into(), ..Default::default() };
        let case = PastCase { sop_id: sop.id.clone(), sop_version: sop.version, risk: ["low", "medium", "high", "critical"][(i % 4) as usize].into(),
            caseworker: cw.id, agency_id: cw.agency_id, team_id: cw.team_id, opened_at: opened, closed_at: closed, steps, approvals: vec![] };
        history::record(&mut tx, None, &person, &case).await.unwrap();
    }
    tx.commit().await.unwrap();
    eprintln!("seeded 10k cases in {:?}", start.elapsed());
    for id in ["case_closure_rate", "assessments_on_time", "high_risk_child_protection_assessed_on_time"] {
        let start = std::time::Instant::now();
        let o = figure(&app, id, q1_2019()).await;
        eprintln!("{id}: {o:?} in {:?}", start.elapsed());
    }
}

// A server computes the dashboards' usual figures as it starts: every shipped indicator over its
// current and previous period is kept before anyone asks, so that its first reader is answered
// at once rather than told the figures are being computed (a minute at a million cases).
both_backends!(the_dashboards_first_figures_are_computed_before_anyone_asks, |app| {
    fixture(&app).await;
    let no_patience = || passerelle_web::WebConfig { figures_patience: std::time::Duration::ZERO, ..Default::default() };
    let today = passerelle_store::db::now().date_naive();
    let shipped: Vec<(String, ind::Quantitative)> = passerelle_web::pages::indicators::catalogue()
        .unwrap()
        .indicators
        .iter()
        .filter_map(|i| match &i.measure {
            Measure::Quantitative(q) => Some((i.id.clone(), (**q).clone())),
            Measure::Qualitative(_) => None,
        })
        .collect();
    assert!(shipped.len() > 10, "{}", shipped.len());
    let plans: Vec<_> = shipped.iter().map(|(id, q)| q.plan_for(id, &[]).unwrap()).collect();
    let mut asks = Vec::new();
    for ((_, q), plan) in shipped.iter().zip(&plans) {
        let current = Period::containing(q.period, today);
        for range in [current.range().unwrap(), current.previous().unwrap().range().unwrap()] {
            asks.push(passerelle_store::indicators::Ask { plan, range, agency: None });
        }
    }
    // Not warmed: a reader who waits no time is told to come back.
    let cold = passerelle_web::state::AppState::new(app.store.clone(), no_patience()).unwrap();
    let told = cold.figures.get(&app.store, &asks, true).await;
    assert!(matches!(told, Err(passerelle_store::StoreError::Computing)), "{told:?}");
    // Warmed: every figure is there for the first reader, computed in one reading.
    let warm = passerelle_web::state::AppState::new(app.store.clone(), no_patience()).unwrap();
    let n = passerelle_web::pages::indicators::dashboard::warm(&warm).await.unwrap();
    assert!(n >= asks.len(), "{n} figures warmed for {} asked", asks.len());
    let found = warm.figures.get(&app.store, &asks, true).await.unwrap();
    assert_eq!(found.len(), asks.len());
    assert!(found.iter().all(|c| c.as_of == found[0].as_of), "one reading of the records");
    // Warming again while they are fresh computes nothing.
    passerelle_web::pages::indicators::dashboard::warm(&warm).await.unwrap();
    let again = warm.figures.get(&app.store, &asks, true).await.unwrap();
    assert!(again.iter().zip(&found).all(|(a, b)| std::sync::Arc::ptr_eq(&a.results, &b.results)));
});
