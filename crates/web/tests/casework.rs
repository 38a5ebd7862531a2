//! Functioning (Washington Group), household links and the structured case plan, over HTTP on
//! both backends: recording and history, the derived disability in the indicators, links named
//! from both sides and never revealing a restricted person, the plan's versioned edits and
//! overdue actions, and the cases list filtered by area.

mod common;
use common::{open_case, post, register_person};

use chrono::{Duration, Utc};
use common::TestApp;
use passerelle_core::access::Scope;
use passerelle_core::indicators::{Entity, Value};
use passerelle_store::people::Sight;
use passerelle_store::users::Viewer;
use reqwest::StatusCode;
use std::collections::BTreeSet;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const MNE: &str = "mne@demo.passerelle.test";

fn wg<'a>(on: &'a str, answers: [&'a str; 6]) -> Vec<(&'a str, &'a str)> {
    let names = ["wg_seeing", "wg_hearing", "wg_walking", "wg_cognition", "wg_self_care", "wg_communication"];
    let mut v = vec![("asked_on", on)];
    v.extend(names.into_iter().zip(answers));
    v
}

/// The `disability` of a case in the indicators' dataset.
async fn disability_of_case(app: &TestApp, case: Uuid) -> String {
    let mut tx = app.store.read().await.unwrap();
    let data = passerelle_store::indicators::dataset::load(&mut tx, &BTreeSet::from([Entity::Cases]), false, Utc::now()).await.unwrap();
    let record = data.records[&Entity::Cases].iter().find(|r| r.fields.get("id") == Some(&Value::Text(case.to_string()))).expect("the case");
    match record.fields.get("disability") {
        Some(Value::Text(s)) => s.clone(),
        other => panic!("{other:?}"),
    }
}

both_backends!(functioning_is_recorded_with_history_and_feeds_indicators, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let person = register_person(&cw, &csrf, "Washington", "Casework", &[]).await;
    let case = open_case(&cw, &csrf, person, "social_welfare").await;
    let (_, html) = cw.text(&format!("/people/{person}")).await;
    assert!(html.contains("The Washington Group questions have not been asked yet."), "{html}");
    assert_eq!(disability_of_case(&app, case).await, "unknown");

    // Bad input: every problem named, nothing written.
    let r = post(&cw, &format!("/people/{person}/functioning"), &csrf, &[("asked_on", "2999-01-01"), ("wg_seeing", "perhaps")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Date asked: this value is out of range.") && html.contains("Seeing: this choice does not exist.") && html.contains("Communicating: this is required."), "{html}");
    assert!(html.contains("The Washington Group questions have not been asked yet."));

    // A lot of difficulty walking: a disability by the WG cut-off.
    let earlier = (Utc::now() - Duration::days(30)).date_naive().to_string();
    let r = post(&cw, &format!("/people/{person}/functioning"), &csrf,
        &wg(&earlier, ["no_difficulty", "some_difficulty", "a_lot_of_difficulty", "no_difficulty", "refused", "dont_know"])).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&format!("/people/{person}")).await;
    assert!(html.contains("With a disability"), "{html}");
    assert_eq!(disability_of_case(&app, case).await, "yes");

    // Asked again later, some difficulty at most: the latest status counts, the history stays.
    let today = Utc::now().date_naive().to_string();
    let r = post(&cw, &format!("/people/{person}/functioning"), &csrf, &wg(&today, ["some_difficulty"; 6])).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&format!("/people/{person}")).await;
    assert!(html.contains("Without a disability"), "{html}");
    let (_, html) = cw.text(&format!("/people/{person}/functioning")).await;
    assert_eq!(html.matches("<td><strong>").count(), 2, "{html}");
    assert!(html.contains("Yes – a lot of difficulty") && html.contains("Do you have difficulty walking or climbing steps?"));
    assert_eq!(disability_of_case(&app, case).await, "no");

    // Refused or unknown answers and nothing at the cut-off: unknown.
    let r = post(&cw, &format!("/people/{person}/functioning"), &csrf,
        &wg(&today, ["no_difficulty", "no_difficulty", "no_difficulty", "dont_know", "no_difficulty", "no_difficulty"])).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(disability_of_case(&app, case).await, "unknown");

    // The indicator page accepts the breakdown by disability for the M&E officer.
    let mne = app.signed_in(MNE).await;
    let (status, _) = mne.text("/indicators/case_closure_rate?period=2026&by=disability").await;
    assert_eq!(status, StatusCode::OK);

    // Recording and reading are audited, without the answers.
    let mut tx = app.store.read().await.unwrap();
    let rows: Vec<(String,)> = match tx.raw() {
        passerelle_store::db::RawTx::Sqlite(t) => sqlx::query_as("SELECT action FROM audit_log WHERE action LIKE 'person.functioning%'").fetch_all(&mut **t).await.unwrap(),
        passerelle_store::db::RawTx::Postgres(t) => sqlx::query_as("SELECT action FROM audit_log WHERE action LIKE 'person.functioning%'").fetch_all(&mut **t).await.unwrap(),
    };
    assert_eq!(rows.iter().filter(|(a,)| a == "person.functioning.record").count(), 3);
    assert!(rows.iter().any(|(a,)| a == "person.functioning.view"));
});

both_backends!(household_links_show_both_sides_and_never_reveal_a_restricted_person, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let mother = register_person(&cw, &csrf, "Mireille", "Casework", &[]).await;
    let child = register_person(&cw, &csrf, "Petitjean", "Casework", &[]).await;
    let hidden = register_person(&cw, &csrf, "Secretsister", "Casework", &[("restricted", "1")]).await;

    // The search on the links page finds the child; linked as the mother's child.
    let (_, html) = cw.text(&format!("/people/{mother}/links?q=Petitjean")).await;
    assert!(html.contains(&format!("name=\"other\" value=\"{child}\"")), "{html}");
    let r = post(&cw, &format!("/people/{mother}/links"), &csrf, &[("other", &child.to_string()), ("relation", "child")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&format!("/people/{mother}")).await;
    assert!(html.contains(&format!("/people/{child}\">Petitjean Casework</a> — child")), "{html}");
    let (_, html) = cw.text(&format!("/people/{child}")).await;
    assert!(html.contains(&format!("/people/{mother}\">Mireille Casework</a> — parent")), "{html}");
    // Twice: refused, named.
    let r = post(&cw, &format!("/people/{child}/links"), &csrf, &[("other", &mother.to_string()), ("relation", "parent")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("these two people are already linked"));
    // An unknown relation: refused, named.
    let r = post(&cw, &format!("/people/{mother}/links"), &csrf, &[("other", &hidden.to_string()), ("relation", "cousin")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Relationship: this choice does not exist."));

    // The restricted person in care of the mother: both sides named.
    let r = post(&cw, &format!("/people/{mother}/links"), &csrf, &[("other", &hidden.to_string()), ("relation", "in_care")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&format!("/people/{hidden}")).await;
    assert!(html.contains("— caregiver"), "{html}");
    let sup = app.signed_in(SUPERVISOR).await;
    let (_, html) = sup.text(&format!("/people/{mother}")).await;
    assert!(html.contains("Secretsister") && html.contains("— child in care"), "{html}");

    // Someone who sees the mother but not the restricted person sees only the child's link.
    let mut tx = app.store.read().await.unwrap();
    let outsider = Sight { viewer: Viewer { id: Uuid::now_v7(), agency_id: None, team_id: None, scope: Scope::All }, supervises: None };
    let links = passerelle_store::households::of_person(&mut tx, &outsider, mother).await.unwrap();
    assert_eq!(links.iter().map(|l| (l.other.id, l.relation.as_str())).collect::<Vec<_>>(), vec![(child, "child")]);
    drop(tx);

    // Unlinking from the child's page: gone from both; audited.
    let (_, html) = cw.text(&format!("/people/{child}/links")).await;
    let key = "name=\"link\" value=\"";
    let start = html.find(key).expect("a link to remove") + key.len();
    let link = html[start..start + 36].to_string();
    // Not through another person's page.
    let r = post(&cw, &format!("/people/{hidden}/links/remove"), &csrf, &[("link", &link)]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = post(&cw, &format!("/people/{child}/links/remove"), &csrf, &[("link", &link)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&format!("/people/{mother}")).await;
    assert!(!html.contains("Petitjean") && html.contains("Secretsister"));
    let mut tx = app.store.read().await.unwrap();
    let n: (i64,) = match tx.raw() {
        passerelle_store::db::RawTx::Sqlite(t) => sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action IN ('person.link', 'person.unlink')").fetch_one(&mut **t).await.unwrap(),
        passerelle_store::db::RawTx::Postgres(t) => sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action IN ('person.link', 'person.unlink')").fetch_one(&mut **t).await.unwrap(),
    };
    assert_eq!(n.0, 3);
});

/// The version in the edit form of an action on the plan page.
fn action_version(html: &str, action: &str) -> String {
    let at = html.find(&format!("action=\"/plan-actions/{action}\"")).expect("edit form");
    let key = "name=\"version\" value=\"";
    let start = at + html[at..].find(key).expect("version") + key.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

both_backends!(the_case_plan_is_structured_versioned_and_flags_overdue_actions, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let person = register_person(&cw, &csrf, "Planned", "Casework", &[]).await;
    let case = open_case(&cw, &csrf, person, "social_welfare").await;
    let (status, html) = cw.text(&format!("/cases/{case}/plan")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No goal set yet."));

    // A goal without a title: refused, named.
    let r = post(&cw, &format!("/cases/{case}/plan/goals"), &csrf, &[("goal_title", " ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Goal: this is required."));
    let r = post(&cw, &format!("/cases/{case}/plan/goals"), &csrf, &[("goal_title", "Safe housing")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&format!("/cases/{case}/plan")).await;
    let key = "name=\"goal\" value=\"";
    let start = html.find(key).unwrap() + key.len();
    let goal = html[start..start + 36].to_string();

    // An action with a bad assignee and date: every problem named, nothing written.
    let r = post(&cw, &format!("/cases/{case}/plan/actions"), &csrf,
        &[("goal", &goal), ("description", "Visit the shelter"), ("action_who", "user:00000000-0000-0000-0000-000000000000"), ("action_due_on", "soon")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Who: this choice does not exist.") && html.contains("By when: write a date as YYYY-MM-DD."), "{html}");
    assert!(html.contains("No action under this goal yet."));

    // An action for the caseworker, due yesterday: overdue on the plan, the case and the dashboard.
    let me = app.user_id(CASEWORKER).await;
    let yesterday = (Utc::now() - Duration::days(1)).date_naive().to_string();
    let r = post(&cw, &format!("/cases/{case}/plan/actions"), &csrf,
        &[("goal", &goal), ("description", "Visit the shelter"), ("action_who", &format!("user:{me}")), ("action_due_on", &yesterday)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&format!("/cases/{case}/plan")).await;
    assert!(html.contains("One case-plan action is overdue.") && html.contains("Amélie Caseworker (demo)"), "{html}");
    let (_, html) = cw.text(&format!("/cases/{case}")).await;
    assert!(html.contains("One case-plan action is overdue."), "{html}");
    let (_, html) = cw.text("/dashboard").await;
    assert!(html.contains("Case-plan actions overdue") && html.contains("Visit the shelter"), "{html}");
    // Found both as the caseworker's case and as named on them: listed once.
    assert_eq!(html.matches("Visit the shelter").count(), 1, "{html}");

    // Two people edit the same action: the second gets a conflict, not a silent overwrite.
    let (_, html) = cw.text(&format!("/cases/{case}/plan")).await;
    let at = html.find("action=\"/plan-actions/").unwrap() + "action=\"/plan-actions/".len();
    let action = html[at..at + 36].to_string();
    let version = action_version(&html, &action);
    let sup = app.signed_in(SUPERVISOR).await;
    let sup_csrf = sup.csrf(&format!("/cases/{case}/plan")).await;
    let r = post(&sup, &format!("/plan-actions/{action}"), &sup_csrf,
        &[("version", &version), ("description", "Visit the shelter"), ("action_who", &format!("user:{me}")), ("action_due_on", &yesterday), ("status", "in_progress")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(&cw, &format!("/plan-actions/{action}"), &csrf,
        &[("version", &version), ("description", "Changed"), ("action_who", ""), ("action_due_on", ""), ("status", "done")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let (_, html) = cw.text(&format!("/cases/{case}/plan")).await;
    assert!(html.contains("In progress") && !html.contains(">Changed<"));

    // Done: no longer overdue anywhere.
    let version = action_version(&html, &action);
    let r = post(&cw, &format!("/plan-actions/{action}"), &csrf,
        &[("version", &version), ("description", "Visit the shelter"), ("action_who", &format!("user:{me}")), ("action_due_on", &yesterday), ("status", "done")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&format!("/cases/{case}")).await;
    assert!(!html.contains("case-plan action is overdue"));
    let (_, html) = cw.text("/dashboard").await;
    assert!(!html.contains("Visit the shelter"));

    // An action named on the supervisor, who holds no case: overdue on their dashboard.
    let sup_id = app.user_id(SUPERVISOR).await;
    let r = post(&cw, &format!("/cases/{case}/plan/actions"), &csrf,
        &[("goal", &goal), ("description", "Call the school"), ("action_who", &format!("user:{sup_id}")), ("action_due_on", &yesterday)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = sup.text("/dashboard").await;
    assert!(html.contains("Call the school"), "{html}");
    let (_, html) = cw.text("/dashboard").await;
    assert_eq!(html.matches("Call the school").count(), 1, "{html}");

    // A closed case's plan cannot change (closed here directly: closing through the SOP is
    // tested in cases.rs).
    let mut tx = app.store.write().await.unwrap();
    match tx.raw() {
        passerelle_store::db::RawTx::Sqlite(t) => sqlx::query("UPDATE cases SET status = 'closed' WHERE id = $1").bind(case).execute(&mut **t).await.map(|_| ()).unwrap(),
        passerelle_store::db::RawTx::Postgres(t) => sqlx::query("UPDATE cases SET status = 'closed' WHERE id = $1").bind(case).execute(&mut **t).await.map(|_| ()).unwrap(),
    };
    tx.commit().await.unwrap();
    let r = post(&cw, &format!("/cases/{case}/plan/goals"), &csrf, &[("goal_title", "Another")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("the case is closed; reopen it first."));

    // The changes are audited.
    let mut tx = app.store.read().await.unwrap();
    let n: (i64,) = match tx.raw() {
        passerelle_store::db::RawTx::Sqlite(t) => sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'case.plan.%'").fetch_one(&mut **t).await.unwrap(),
        passerelle_store::db::RawTx::Postgres(t) => sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'case.plan.%'").fetch_one(&mut **t).await.unwrap(),
    };
    assert_eq!(n.0, 5);
});

both_backends!(cases_filter_by_area_keeps_the_viewer_scope, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let mut tx = app.store.read().await.unwrap();
    let areas = passerelle_store::agencies::list_areas(&mut tx).await.unwrap();
    drop(tx);
    let country = areas.iter().find(|a| a.level == 0).unwrap().id;
    let parishes: Vec<Uuid> = areas.iter().filter(|a| a.parent_id == Some(country)).map(|a| a.id).collect();
    let (north, south) = (parishes[0], parishes[1]);
    let here = register_person(&cw, &csrf, "Northerner", "Casework", &[("area_id", &north.to_string())]).await;
    let there = register_person(&cw, &csrf, "Southerner", "Casework", &[("area_id", &south.to_string())]).await;
    let here_case = open_case(&cw, &csrf, here, "social_welfare").await;
    let there_case = open_case(&cw, &csrf, there, "social_welfare").await;

    let (_, html) = cw.text(&format!("/cases?area={north}")).await;
    assert!(html.contains(&here_case.to_string()) && !html.contains(&there_case.to_string()), "{html}");
    // The country includes its parishes.
    let (_, html) = cw.text(&format!("/cases?area={country}")).await;
    assert!(html.contains(&here_case.to_string()) && html.contains(&there_case.to_string()));
    // The API filters alike.
    let r = cw.get(&format!("/api/v1/cases?area={south}")).await;
    let list: serde_json::Value = r.json().await.unwrap();
    let ids: Vec<&str> = list.as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
    assert!(ids.contains(&there_case.to_string().as_str()) && !ids.contains(&here_case.to_string().as_str()));
    // The scope stays: someone who may see nothing of this agency's cases gets none in the area.
    let mut tx = app.store.read().await.unwrap();
    let stranger = Sight { viewer: Viewer { id: Uuid::now_v7(), agency_id: Some(Uuid::now_v7()), team_id: None, scope: Scope::Agency }, supervises: None };
    let found = passerelle_store::cases::list(&mut tx, &stranger, &passerelle_store::cases::Filter { area_id: Some(country), limit: 1000, ..Default::default() }).await.unwrap();
    assert!(found.is_empty());
    // The counts a supervisor sees are of the same cases as the list, filtered by the person's
    // area or the case's reference, or not filtered at all (counted without reading the people).
    let reader = Sight { viewer: Viewer { id: Uuid::now_v7(), agency_id: None, team_id: None, scope: Scope::All }, supervises: None };
    let here_ref = passerelle_store::cases::list(&mut tx, &reader, &passerelle_store::cases::Filter { area_id: Some(north), limit: 1000, ..Default::default() })
        .await.unwrap().into_iter().find(|c| c.id == here_case).unwrap().reference;
    for filter in [
        passerelle_store::cases::Filter { area_id: Some(north), ..Default::default() },
        passerelle_store::cases::Filter { area_id: Some(country), ..Default::default() },
        passerelle_store::cases::Filter { reference: Some(here_ref.to_lowercase()), ..Default::default() },
        passerelle_store::cases::Filter::default(),
    ] {
        let listed = passerelle_store::cases::list(&mut tx, &reader, &passerelle_store::cases::Filter { limit: 1000, ..filter.clone() }).await.unwrap();
        let counted: i64 = passerelle_store::cases::tally(&mut tx, &reader, &filter).await.unwrap().iter().map(|(_, _, _, n)| n).sum();
        assert_eq!(counted, listed.len() as i64, "{filter:?}");
        assert!(!listed.is_empty(), "{filter:?}");
    }
});
