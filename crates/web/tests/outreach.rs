//! Community outreach over HTTP on both backends: breakdowns of people reached must add up
//! (the error names the breakdown and by how much, nothing is written); nobody is registered
//! from an activity without consent; the funnel figures on a fixture with known answers; a
//! submission sent twice makes one record; an edit made from an old version is refused as a
//! conflict; records are scoped; campaigns keep their materials; the import is all or nothing.

mod common;
use common::{id_after, post};

use common::{location, Session, TestApp};
use passerelle_core::access::Scope;
use passerelle_store::outreach::activities::{self, count_name, ActivityInput};
use passerelle_store::outreach::{figures, follow_ups};
use passerelle_store::users::Viewer;
use reqwest::StatusCode;
use uuid::Uuid;

const AGENT: &str = "agent@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const MNE: &str = "mne@demo.passerelle.test";

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let mut tx = app.store.read().await.unwrap();
    passerelle_store::db::test_support::count(&mut tx, sql).await.unwrap()
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// The fields of a valid activity by `agent`, reaching 15 people: 10 women 25–59, 5 men 18–24.
fn activity(agent: &str, submission: &str) -> Vec<(String, String)> {
    vec![
        ("submission_id".into(), submission.into()),
        ("kind".into(), "information_session".into()),
        ("setting".into(), "agency".into()),
        ("held_on".into(), today()),
        ("agents".into(), agent.into()),
        ("topics".into(), "employment".into()),
        ("language".into(), "Kreyòl".into()),
        ("people_reached".into(), "15".into()),
        ("n.sex_age.female.25_59".into(), "10".into()),
        ("n.sex_age.male.18_24".into(), "5".into()),
    ]
}

async fn post_activity(s: &Session, csrf: &str, fields: &[(String, String)]) -> reqwest::Response {
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    post(s, "/outreach/activities", csrf, &f).await
}

both_backends!(breakdowns_must_add_up_and_nothing_is_half_written, |app| {
    let s = app.signed_in(AGENT).await;
    let agent = app.user_id(AGENT).await.to_string();
    let csrf = s.csrf("/outreach/activities/new").await;
    let before = count(&app, "SELECT COUNT(*) FROM outreach_activities").await;

    // Sex and age add up to 12 of 15; migration status to 17 of 15.
    let mut fields = activity(&agent, &Uuid::new_v4().to_string());
    fields.retain(|(k, _)| k != "n.sex_age.male.18_24");
    fields.push(("n.sex_age.male.18_24".into(), "2".into()));
    fields.push(("n.migration_status.refugee".into(), "17".into()));
    let r = post_activity(&s, &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("Sex and age: 3 people are missing to reach the total of 15."), "{body}");
    assert!(body.contains("Migration status: 2 people too many for the total of 15."), "{body}");
    // What was typed is kept.
    assert!(body.contains("value=\"17\""));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_activities").await, before);

    // Sex and age is required: left empty, it is short by everyone.
    let mut fields = activity(&agent, &Uuid::new_v4().to_string());
    fields.retain(|(k, _)| !k.starts_with("n."));
    let body = post_activity(&s, &csrf, &fields).await.text().await.unwrap();
    assert!(body.contains("Sex and age: 15 people are missing"), "{body}");

    // A count that is not a number is named, with its cell.
    let mut fields = activity(&agent, &Uuid::new_v4().to_string());
    fields.push(("n.disability.yes".into(), "a few".into()));
    let r = post_activity(&s, &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Disability (With a disability): enter a number."));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_activities").await, before);

    // Right: recorded with its cells, its agent and its nationality groups.
    let mut fields = activity(&agent, &Uuid::new_v4().to_string());
    fields.push(("nationality_groups".into(), "Haitian: 9\nLocal: 6".into()));
    fields.push(("n.disability.yes".into(), "1".into()));
    fields.push(("n.disability.no".into(), "14".into()));
    let r = post_activity(&s, &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = id_after("/outreach/activities/", &location(&r));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_activities").await, before + 1);
    let (status, page) = s.text(&format!("/outreach/activities/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Haitian") && page.contains("With a disability"));
    let mut tx = app.store.read().await.unwrap();
    let cells = activities::reached(&mut tx, id).await.unwrap();
    assert_eq!(cells.iter().filter(|c| c.breakdown == "sex_age").map(|c| c.people).sum::<u32>(), 15);
    assert_eq!(cells.iter().filter(|c| c.breakdown == "nationality_group").map(|c| c.people).sum::<u32>(), 15);
    assert_eq!(activities::agents(&mut tx, id).await.unwrap().len(), 1);
});

both_backends!(a_submission_sent_twice_makes_one_record, |app| {
    let s = app.signed_in(AGENT).await;
    let agent = app.user_id(AGENT).await.to_string();
    let csrf = s.csrf("/outreach/activities/new").await;
    let before = count(&app, "SELECT COUNT(*) FROM outreach_activities").await;
    let fields = activity(&agent, "c0ffee00-0000-4000-8000-000000000001");
    let first = post_activity(&s, &csrf, &fields).await;
    let second = post_activity(&s, &csrf, &fields).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&first), location(&second), "the second send finds the first record");
    // The offline script asks for JSON: the third send says the record already exists.
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = s.client.post(format!("{}/outreach/activities", s.base)).header("x-csrf-token", &csrf)
        .header("accept", "application/json").form(&f).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["status"], "existing");
    assert_eq!(v["location"], location(&first));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_activities").await, before + 1);

    // A fresh submission through JSON is created (201).
    let fresh = activity(&agent, &Uuid::new_v4().to_string());
    let f: Vec<(&str, &str)> = fresh.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = s.client.post(format!("{}/outreach/activities", s.base)).header("x-csrf-token", &csrf)
        .header("accept", "application/json").form(&f).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_activities").await, before + 2);

    // Someone else's submission id is not theirs to read back.
    let m = app.signed_in(MNE).await;
    let mcsrf = m.csrf("/outreach/activities/new").await;
    let r = post_activity(&m, &mcsrf, &fields).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_activities").await, before + 2);
});

both_backends!(an_edit_from_an_old_version_is_a_conflict, |app| {
    let s = app.signed_in(AGENT).await;
    let agent = app.user_id(AGENT).await.to_string();
    let csrf = s.csrf("/outreach/activities/new").await;
    let r = post_activity(&s, &csrf, &activity(&agent, &Uuid::new_v4().to_string())).await;
    let id = id_after("/outreach/activities/", &location(&r));
    // Two devices opened the same record at version 1.
    let (_, form) = s.text(&format!("/outreach/activities/{id}/edit")).await;
    assert!(form.contains("name=\"version\" id=\"version\" value=\"1\""));
    let mut first = activity(&agent, "");
    first.push(("version".into(), "1".into()));
    first.retain(|(k, _)| k != "language");
    first.push(("language".into(), "French".into()));
    let f: Vec<(&str, &str)> = first.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = post(&s, &format!("/outreach/activities/{id}"), &csrf, &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut second = activity(&agent, "");
    second.push(("version".into(), "1".into()));
    second.retain(|(k, _)| k != "language");
    second.push(("language".into(), "Spanish".into()));
    let f: Vec<(&str, &str)> = second.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = post(&s, &format!("/outreach/activities/{id}"), &csrf, &f).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains("Someone changed this activity since you opened it"), "{body}");
    assert!(body.contains("value=\"Spanish\""), "what they typed is kept");
    // Never overwritten.
    let mut tx = app.store.read().await.unwrap();
    let viewer = Viewer { id: app.user_id(AGENT).await, agency_id: None, team_id: None, scope: Scope::All };
    let a = activities::get(&mut tx, &viewer, id).await.unwrap().unwrap();
    assert_eq!(a.language, "French");
    assert_eq!(a.version, 2);
});

both_backends!(nobody_is_registered_without_consent, |app| {
    let s = app.signed_in(AGENT).await;
    let agent = app.user_id(AGENT).await.to_string();
    let csrf = s.csrf("/outreach/activities/new").await;
    let r = post_activity(&s, &csrf, &activity(&agent, &Uuid::new_v4().to_string())).await;
    let id = id_after("/outreach/activities/", &location(&r));
    let people_before = count(&app, "SELECT COUNT(*) FROM people").await;
    let path = format!("/outreach/activities/{id}/follow-ups");
    let person = [("given_names", "Roseline"), ("family_names", "Démo"), ("sex", "female"), ("age_estimate", "31"),
                  ("consent_given_by", "person")];

    // No consent: refused, nothing written.
    let mut f = person.to_vec();
    f.push(("consent_scope", "registration"));
    let r = post(&s, &path, &csrf, &f).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("nobody is registered without their consent"));
    // Consent that does not cover the referral asked for: refused too.
    let mut f = person.to_vec();
    f.extend([("consent", "yes"), ("consent_scope", "registration"), ("need_code", "employment")]);
    let r = post(&s, &path, &csrf, &f).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("a referral needs consent to referral"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, people_before);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_follow_ups").await, 0);

    // With consent: the person is registered and the referral wanted is noted.
    let mut f = person.to_vec();
    f.extend([("consent", "yes"), ("consent_scope", "registration"), ("consent_scope", "referral"), ("need_code", "employment")]);
    let r = post(&s, &path, &csrf, &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, people_before + 1);
    let mut tx = app.store.read().await.unwrap();
    let fus = follow_ups::of_activity(&mut tx, id).await.unwrap();
    assert_eq!(fus.len(), 1);
    assert_eq!(fus[0].need_code.as_deref(), Some("employment"));
    assert_eq!(fus[0].consent_scope, "registration referral");
    assert!(fus[0].referral_id.is_none(), "the referral module makes the referral");
});

both_backends!(funnel_figures_on_a_fixture, |app| {
    let agent = app.user_id(AGENT).await;
    let mut tx = app.store.write().await.unwrap();
    let user = passerelle_store::users::get_user(&mut tx, agent).await.unwrap().unwrap();
    let viewer = Viewer { id: agent, agency_id: user.agency_id, team_id: user.team_id, scope: Scope::Own };
    let today = chrono::Utc::now().date_naive();
    // Two activities of the fixture: 10 and 30 reached, the second for women only.
    let mut ids = Vec::new();
    for (n, women, female) in [(10u32, false, 4u32), (30, true, 30)] {
        let input = ActivityInput {
            kind: "community_event".into(),
            held_on: today.to_string(),
            agents: vec![agent],
            topics: vec!["employment".into()],
            women_only: women,
            people_reached: n.to_string(),
            counts: vec![(count_name("sex_age", "female", "25_59"), female.to_string()), (count_name("sex_age", "male", "25_59"), (n - female).to_string())],
            ..Default::default()
        };
        let c = activities::check(&input, today, passerelle_core::outreach::DEFAULT_REQUIRED).unwrap();
        ids.push(activities::create(&mut tx, &viewer, &c, "test").await.unwrap().id());
    }
    // Three people registered: two want a referral, one of which was made.
    let mut fus = Vec::new();
    for (i, need) in ["employment", "", "legal_aid"].iter().enumerate() {
        let input = follow_ups::FollowUpInput {
            person: passerelle_store::people::PersonInput { given_names: format!("Fixture {i}"), ..Default::default() },
            consent: true,
            consent_given_by: "person".into(),
            consent_scope: vec!["registration".into(), "referral".into()],
            need_code: need.to_string(),
            service_id: None,
        };
        fus.push(follow_ups::create(&mut tx, &viewer, ids[i.min(1)], &input, today).await.unwrap().0);
    }
    follow_ups::link_referral(&mut tx, agent, fus[0], Uuid::now_v7()).await.unwrap();
    tx.commit().await.unwrap();

    // M&E sees everyone's: the demo's activities (382 reached, one for women only) and the fixture's.
    let m = app.signed_in(MNE).await;
    let (status, page) = m.text("/outreach/figures").await;
    assert_eq!(status, StatusCode::OK);
    let mut tx = app.store.read().await.unwrap();
    let all = figures::figures(&mut tx, &Viewer { id: agent, agency_id: None, team_id: None, scope: Scope::All }, None).await.unwrap();
    assert_eq!(all.total.reached, 382 + 40);
    assert_eq!(all.total.registered, 3);
    assert_eq!(all.referral_wanted, 2);
    assert_eq!(all.total.referred, 1);
    assert_eq!(all.women_only.activities, 2);
    assert!(page.contains("id=\"funnel-reached\">422<"), "{page}");
    // 3 registered, 2 wanting a referral, 1 referred: small counts, hidden on the page.
    for step in ["registered", "referral-wanted", "referred"] {
        assert!(page.contains(&format!("id=\"funnel-{step}\"><abbr class=\"suppressed\"")), "{step}: {page}");
    }
    assert!(page.contains("id=\"women-only-activities\">2<"));
    // The agent's sex is shown: the demo agent is a woman.
    assert_eq!(all.agents_by_sex.get("female").map(|l| l.registered), Some(1));
    // By topic: employment counts all five activities.
    assert_eq!(all.by_topic.get("employment").map(|l| l.activities), Some(5));
    // The workbook.
    let r = m.get("/outreach/figures.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));

    // A supervisor of another agency sees none of them, and cannot open the records.
    let sup = app.signed_in(SUPERVISOR).await;
    let (_, page) = sup.text("/outreach/figures").await;
    assert!(page.contains("id=\"funnel-reached\">0<"), "{page}");
    let (status, _) = sup.text(&format!("/outreach/activities/{}", ids[0])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

both_backends!(import_is_all_or_nothing_and_idempotent, |app| {
    let s = app.signed_in(AGENT).await;
    let before = count(&app, "SELECT COUNT(*) FROM outreach_activities").await;
    let today = today();
    let good = format!(
        "kind,held_on,agents,people_reached,female_25_59,male_25_59,group/disability_yes,_uuid,_submission_time\n\
         information_session,{today},{AGENT},5,3,2,,kobo-1,x\n\
         home_visit,{today},{AGENT},2,2,0,1,kobo-2,x\n"
    );
    let bad = format!("{good}media,{today},{AGENT},9,3,3,,kobo-3,x\nparty,{today},nobody@example.org,1,1,0,,kobo-4,x\n");
    let csrf = s.csrf("/outreach/import").await;
    let upload = |body: String, dry: bool| {
        let part = reqwest::multipart::Part::bytes(body.into_bytes()).file_name("kobo.csv");
        let form = reqwest::multipart::Form::new().part("file", part);
        let q = if dry { "&dry_run=1" } else { "" };
        s.client.post(format!("{}/outreach/import?csrf_token={csrf}{q}", s.base)).header("accept-language", "en").multipart(form).send()
    };
    let r = upload(bad, false).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("Row 3 — column “disability”") && body.contains("Disability 1 / 2"), "{body}");
    assert!(body.contains("Row 4 — column “sex_age”") && body.contains("Sex and age 6 / 9"), "{body}");
    assert!(body.contains("Row 5 — column “agents”") && body.contains("no active account has this email"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_activities").await, before);

    let good = good.replace(",,kobo-1", ",5,kobo-1").replace(",1,kobo-2", ",2,kobo-2");
    let r = upload(good.clone(), true).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("2 rows checked"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_activities").await, before, "a dry run writes nothing");
    let r = upload(good.clone(), false).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Imported 2 activities (0 already imported before)"));
    let r = upload(good, false).await.unwrap();
    assert!(r.text().await.unwrap().contains("Imported 0 activities (2 already imported before)"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_activities").await, before + 2);
});

both_backends!(campaigns_and_their_materials, |app| {
    let m = app.signed_in(MNE).await;
    let csrf = m.csrf("/outreach/campaigns").await;
    let r = post(&m, "/outreach/campaigns", &csrf, &[("name", "Rights at work"), ("objectives", "Know the services"),
        ("audiences", "Migrant workers"), ("channels", "media"), ("starts_on", "2026-03-01"), ("ends_on", "2026-02-01")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("End date: the end comes before the start."));
    let r = post(&m, "/outreach/campaigns", &csrf, &[("name", "Rights at work"), ("objectives", "Know the services"),
        ("audiences", "Migrant workers"), ("channels", "media"), ("channels", "hotline"), ("starts_on", "2026-01-01"), ("ends_on", "2026-12-31")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let upload = |name: &str, bytes: &[u8]| {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
        m.client.post(format!("{}{page}/materials?csrf_token={csrf}", m.base)).header("accept-language", "en")
            .multipart(reqwest::multipart::Form::new().part("file", part)).send()
    };
    let r = upload("leaflet.html", b"<html><script>alert(1)</script></html>").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("This kind of file is not accepted"));
    let r = upload("leaflet.pdf", b"%PDF-1.7 leaflet").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = m.text(&page).await;
    let at = body.find("/outreach/materials/").expect("a material link");
    let link: String = body[at..].chars().take_while(|c| *c != '"').collect();
    let r = m.get(&link).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.7 leaflet");
    // A community agent sees campaigns but may not create one.
    let a = app.signed_in(AGENT).await;
    assert_eq!(a.get(&page).await.status(), StatusCode::OK);
    let r = post(&a, "/outreach/campaigns", &a.csrf("/outreach/campaigns").await, &[("name", "x")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
});

both_backends!(the_offline_app_is_served_and_sign_out_wipes_the_device, |app| {
    let anon = Session::anonymous(&app);
    let r = anon.get("/outreach/sw.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let r = anon.get("/outreach/manifest.webmanifest").await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["scope"], "/outreach/");
    let s = app.signed_in(AGENT).await;
    let (_, form) = s.text("/outreach/activities/new").await;
    assert!(form.contains("data-offline-drafts") && form.contains("data-draft-key=\""));
    let csrf = s.csrf("/dashboard").await;
    let r = post(&s, "/logout", &csrf, &[]).await;
    assert_eq!(r.headers()["clear-site-data"], "\"storage\", \"cache\"");
});

/// The indicator API's figure for one group (`None` for the overall row), checked as published.
async fn indicator(s: &Session, path: &str, dim: Option<(&str, &str)>) -> f64 {
    let json: serde_json::Value = s.get(path).await.json().await.unwrap();
    let rows = json["rows"].as_array().unwrap();
    let row = rows
        .iter()
        .find(|r| match dim {
            Some((d, v)) => r["group"][d] == v,
            None => r["group"].as_object().is_some_and(|g| g.is_empty()),
        })
        .unwrap_or_else(|| panic!("{dim:?} in {json}"));
    assert_eq!(row["status"], "ok", "{row}");
    row["value"].as_f64().unwrap()
}

both_backends!(outreach_indicators_count_what_was_recorded, |app| {
    let s = app.signed_in(AGENT).await;
    let agent = app.user_id(AGENT).await.to_string();
    let csrf = s.csrf("/outreach/activities/new").await;
    // Five activities of 2018-Q2 typed in late (the demo's are recent): A reaches 20 (12 women
    // 25–59, 8 men 18–24; 15 Haitian, 5 local), B 10 young women, C–E 2 older men each.
    let a_fields = {
        let mut f = activity(&agent, &Uuid::new_v4().to_string());
        f.retain(|(k, _)| !k.starts_with("n.") && k != "held_on" && k != "people_reached");
        f.extend([
            ("held_on".to_string(), "2018-04-10".to_string()),
            ("people_reached".into(), "20".into()),
            ("n.sex_age.female.25_59".into(), "12".into()),
            ("n.sex_age.male.18_24".into(), "8".into()),
            ("nationality_groups".into(), "Haitian: 15\nLocal: 5".into()),
        ]);
        f
    };
    let r = post_activity(&s, &csrf, &a_fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let a = id_after("/outreach/activities/", &location(&r));
    for (held, n, cell) in [("2018-05-02", "10", "n.sex_age.female.18_24"), ("2018-06-01", "2", "n.sex_age.male.60_plus"),
                            ("2018-06-05", "2", "n.sex_age.male.60_plus"), ("2018-06-20", "2", "n.sex_age.male.60_plus")] {
        let mut f = activity(&agent, &Uuid::new_v4().to_string());
        f.retain(|(k, _)| !k.starts_with("n.") && k != "held_on" && k != "people_reached");
        f.extend([("held_on".to_string(), held.to_string()), ("people_reached".into(), n.into()), (cell.into(), n.into())]);
        assert_eq!(post_activity(&s, &csrf, &f).await.status(), StatusCode::SEE_OTHER);
    }
    // Five women met at A are registered (aged 40 now: 25–59 in 2018) and each then gets a case.
    let path = format!("/outreach/activities/{a}/follow-ups");
    for i in 0..5 {
        let name = format!("Reached {i}");
        let f = [("given_names", name.as_str()), ("family_names", "Fixture"), ("sex", "female"), ("age_estimate", "40"),
                 ("consent", "yes"), ("consent_given_by", "person"), ("consent_scope", "registration")];
        assert_eq!(post(&s, &path, &csrf, &f).await.status(), StatusCode::SEE_OTHER);
    }
    let mut tx = app.store.write().await.unwrap();
    let user = passerelle_store::users::get_user(&mut tx, app.user_id(AGENT).await).await.unwrap().unwrap();
    let sight = passerelle_store::people::Sight {
        viewer: Viewer { id: user.id, agency_id: user.agency_id, team_id: user.team_id, scope: Scope::All },
        supervises: None,
    };
    let sop = passerelle_store::sops::latest(&mut tx, "child_protection").await.unwrap().unwrap().sop;
    let risk = passerelle_core::sop::RiskLevel::from_code("medium").unwrap();
    for f in follow_ups::of_activity(&mut tx, a).await.unwrap() {
        passerelle_store::cases::open(&mut tx, &sight, f.person_id, &sop, risk, false).await.unwrap();
    }
    tx.commit().await.unwrap();

    let m = app.signed_in(MNE).await;
    let rate = "/api/v1/indicators/outreach_registration_rate?period=2018-04-01..2018-05-31";
    // 30 reached in April–May, of whom the 5 registered women.
    assert!((indicator(&m, rate, None).await - 100.0 * 5.0 / 30.0).abs() < 1e-9);
    // By sex: 22 women (12 + 10), 8 men; by age band; by nationality group (B gave none).
    assert!((indicator(&m, &format!("{rate}&by=sex"), Some(("sex", "female"))).await - 100.0 * 5.0 / 22.0).abs() < 1e-9);
    assert_eq!(indicator(&m, &format!("{rate}&by=sex"), Some(("sex", "male"))).await, 0.0);
    assert!((indicator(&m, &format!("{rate}&by=age_band"), Some(("age_band", "25_59"))).await - 100.0 * 5.0 / 12.0).abs() < 1e-9);
    assert_eq!(indicator(&m, &format!("{rate}&by=age_band"), Some(("age_band", "18_24"))).await, 0.0);
    let by_group = format!("{rate}&by=nationality_group");
    assert!((indicator(&m, &by_group, Some(("nationality_group", "Haitian"))).await - 100.0 * 5.0 / 15.0).abs() < 1e-9);
    assert_eq!(indicator(&m, &by_group, Some(("nationality_group", "Local"))).await, 0.0);
    assert_eq!(indicator(&m, &by_group, Some(("nationality_group", "unknown"))).await, 0.0);
    // The reporting delay of the quarter: the median of five activities, all typed in today.
    let today = chrono::Utc::now().date_naive();
    let median = (today - chrono::NaiveDate::from_ymd_opt(2018, 6, 1).unwrap()).num_days() as f64;
    assert_eq!(indicator(&m, "/api/v1/indicators/reporting_delay?period=2018-Q2", None).await, median);
});

/// A demo service of the focal point's agency and its top-level need.
async fn a_service(app: &TestApp) -> (Uuid, String) {
    use passerelle_core::directory::{profile, taxonomy::Taxonomy};
    let mut tx = app.store.read().await.unwrap();
    let agency = passerelle_store::users::find_by_email(&mut tx, "focalpoint@demo.passerelle.test").await.unwrap().unwrap().agency_id;
    let filter = passerelle_store::directory::ServiceFilter { status: Some("active".into()), ..Default::default() };
    let all = passerelle_store::directory::list_services(&mut tx, &filter).await.unwrap();
    let entry = all.into_iter().find(|e| e.agency_id == agency).expect("a demo service");
    let code = profile::codes(&entry.service, Taxonomy::needs()).into_iter().next().expect("a need");
    let root = Taxonomy::needs().lineage(&code).into_iter().find(|c| Taxonomy::needs().get(c).is_some_and(|t| t.parent.is_none())).unwrap().to_string();
    (entry.id().parse().unwrap(), root)
}

async fn set_status(s: &Session, csrf: &str, referral: Uuid, to: &str, outcome: &str) -> StatusCode {
    let (_, json) = s.text(&format!("/api/v1/referrals/{referral}")).await;
    let v = serde_json::from_str::<serde_json::Value>(&json).unwrap()["version"].to_string();
    post(s, &format!("/referrals/{referral}/status"), csrf, &[("version", &v), ("to", to), ("outcome", outcome)]).await.status()
}

both_backends!(a_follow_up_is_referred_and_its_outcome_flows_back, |app| {
    let (service, need) = a_service(&app).await;
    // A community agent who is also a caseworker (as on a small team): records and refers.
    let agent_id = app.user_id(AGENT).await;
    {
        let mut tx = app.store.write().await.unwrap();
        let sql = format!("INSERT INTO user_roles (user_id, role) VALUES ({}, 'caseworker')", match tx.backend() {
            passerelle_store::db::Backend::Sqlite => format!("X'{}'", agent_id.simple()),
            _ => format!("'{agent_id}'"),
        });
        passerelle_store::db::test_support::execute(&mut tx, &sql).await.unwrap();
        tx.commit().await.unwrap();
    }
    let s = app.signed_in(AGENT).await;
    let csrf = s.csrf("/outreach/activities/new").await;
    let r = post_activity(&s, &csrf, &activity(&agent_id.to_string(), &Uuid::new_v4().to_string())).await;
    let activity_id = id_after("/outreach/activities/", &location(&r));
    let f = [("given_names", "Marlène"), ("family_names", "Fixture"), ("sex", "female"), ("age_estimate", "29"),
             ("consent", "yes"), ("consent_given_by", "person"), ("consent_scope", "registration"), ("consent_scope", "referral"),
             ("need_code", need.as_str())];
    assert_eq!(post(&s, &format!("/outreach/activities/{activity_id}/follow-ups"), &csrf, &f).await.status(), StatusCode::SEE_OTHER);
    let fu = {
        let mut tx = app.store.read().await.unwrap();
        follow_ups::of_activity(&mut tx, activity_id).await.unwrap().remove(0)
    };
    // The follow-up offers "refer"; a community agent without case work does not see it.
    let (_, page) = s.text(&format!("/outreach/activities/{activity_id}")).await;
    assert!(page.contains(&format!("action=\"/outreach/follow-ups/{}/refer\"", fu.id)), "{page}");
    let m = app.signed_in(MNE).await;
    let (_, page) = m.text(&format!("/outreach/activities/{activity_id}")).await;
    assert!(!page.contains("/refer\""));
    // Refer: a bad SOP is refused and opens nothing; then a case is opened with the follow-up's
    // consent, and the referral form carries the follow-up and the need.
    let cases_before = count(&app, "SELECT COUNT(*) FROM cases").await;
    let r = post(&s, &format!("/outreach/follow-ups/{}/refer", fu.id), &csrf, &[("sop", "no_such_sop"), ("risk", "medium")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, cases_before);
    let r = post(&s, &format!("/outreach/follow-ups/{}/refer", fu.id), &csrf, &[("sop", "social_welfare"), ("risk", "medium")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let form_at = location(&r);
    assert!(form_at.contains(&format!("follow_up={}", fu.id)) && form_at.contains(&format!("need={need}")), "{form_at}");
    let case: Uuid = form_at.trim_start_matches("/cases/").split('/').next().unwrap().parse().unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, cases_before + 1);
    let (status, form_page) = s.text(&form_at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form_page.contains(&format!("name=\"follow_up\" value=\"{}\"", fu.id)) && form_page.contains("id=\"from-follow-up\""));
    let consent = {
        let mut tx = app.store.read().await.unwrap();
        passerelle_store::consents::of_case(&mut tx, case).await.unwrap()[0].clone()
    };
    assert!(consent.scope.iter().any(|x| x == "referral"), "the follow-up's consent is on the case");
    // Referring again from the same place still opens the same case.
    let r = post(&s, &format!("/outreach/follow-ups/{}/refer", fu.id), &csrf, &[("sop", "social_welfare"), ("risk", "medium")]).await;
    assert!(location(&r).starts_with(&format!("/cases/{case}/")));

    let (svc, fid, cid) = (service.to_string(), fu.id.to_string(), consent.id.to_string());
    let fields = [("need", need.as_str()), ("service", svc.as_str()), ("urgency", "normal"), ("reason", "Wants to meet the counsellor"),
                  ("share", "age"), ("consent", cid.as_str()), ("follow_up", fid.as_str()), ("action", "send")];
    let r = post(&s, &format!("/cases/{case}/referrals"), &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let referral: Uuid = location(&r).trim_start_matches("/referrals/").parse().unwrap();
    // A second referral for the same follow-up (a resent form): refused, nothing written.
    let referrals_before = count(&app, "SELECT COUNT(*) FROM referrals").await;
    let r = post(&s, &format!("/cases/{case}/referrals"), &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("this follow-up already has its referral"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM referrals").await, referrals_before);

    // The follow-up shows the referral and its status; the funnel counts it.
    let (_, page) = s.text(&format!("/outreach/activities/{activity_id}")).await;
    assert!(page.contains(&format!("href=\"/referrals/{referral}\"")) && page.contains("Requested"), "{page}");
    assert!(!page.contains(&format!("/outreach/follow-ups/{}/refer", fu.id)));
    // The service completes it: the follow-up and the funnel show the outcome.
    let fp = app.signed_in("focalpoint@demo.passerelle.test").await;
    let fp_csrf = fp.csrf("/referrals").await;
    for to in ["accepted", "in-progress"] {
        assert_eq!(set_status(&fp, &fp_csrf, referral, to, "").await, StatusCode::SEE_OTHER);
    }
    assert_eq!(set_status(&fp, &fp_csrf, referral, "completed", "Registered with the employment counsellor").await, StatusCode::SEE_OTHER);
    let (_, page) = s.text(&format!("/outreach/activities/{activity_id}")).await;
    assert!(page.contains("Completed"), "{page}");
    // The funnel counts it (on the page a count of 1 is hidden: see the suppression test).
    let mut tx = app.store.read().await.unwrap();
    let f = figures::figures(&mut tx, &Viewer { id: agent_id, agency_id: None, team_id: None, scope: Scope::Own }, None).await.unwrap();
    assert_eq!((f.total.referred, f.referral_completed), (1, 1));
    drop(tx);
    let (_, figures_page) = s.text("/outreach/figures").await;
    assert!(figures_page.contains("id=\"funnel-referral-completed\"><abbr class=\"suppressed\""), "{figures_page}");
});

/// The cells of one column (`col`, 0 = activities) of the figures table captioned `caption`,
/// its totals line last: `None` where hidden.
fn column(page: &str, caption: &str, col: usize) -> Vec<(String, Option<String>)> {
    let start = page.find(&format!("<caption>{caption}</caption>")).unwrap_or_else(|| panic!("{caption} in {page}"));
    let table = &page[start..start + page[start..].find("</table>").unwrap()];
    table
        .split("<tr")
        .skip(2)
        .map(|row| {
            let label = row.split("<th scope=\"row\">").nth(1).and_then(|r| r.split('<').next()).unwrap_or_default().to_string();
            let cell = row.split("<td>").nth(col + 1).unwrap_or_default();
            (label, (!cell.contains("class=\"suppressed\"")).then(|| cell.split('<').next().unwrap_or_default().to_string()))
        })
        .collect()
}

both_backends!(a_small_count_is_hidden_and_cannot_be_worked_out, |app| {
    let s = app.signed_in(AGENT).await;
    let agent = app.user_id(AGENT).await.to_string();
    let csrf = s.csrf("/outreach/activities/new").await;
    // A distribution that reached 3 people, beside the demo's activities.
    let mut f = activity(&agent, &Uuid::new_v4().to_string());
    f.retain(|(k, _)| !k.starts_with("n.") && k != "people_reached" && k != "kind");
    f.extend([("kind".to_string(), "distribution".to_string()), ("people_reached".into(), "3".into()), ("n.sex_age.female.25_59".into(), "3".into())]);
    assert_eq!(post_activity(&s, &csrf, &f).await.status(), StatusCode::SEE_OTHER);

    let m = app.signed_in(MNE).await;
    let (status, page) = m.text("/outreach/figures").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"suppression-note\"") && page.contains("counts are hidden here"), "{page}");
    let reached = column(&page, "By kind of activity", 1);
    let distribution = reached.iter().find(|(l, _)| l == "Distribution").unwrap();
    assert!(distribution.1.is_none(), "the 3 is hidden: {reached:?}");
    // Not recoverable: the column (with its total) has another hidden entry, so the total
    // minus what is shown is the sum of at least two hidden counts.
    assert!(reached.iter().filter(|(_, c)| c.is_none()).count() >= 2, "{reached:?}");
    // The total is shown or hidden alike in the table and in the funnel.
    let total = &reached.last().unwrap().1;
    assert_eq!(total.is_some(), !page.contains("id=\"funnel-reached\"><abbr"));
    // The same in every table that splits the activities (by month here), and by sex × age.
    let by_month = column(&page, "By month", 1);
    assert!(by_month.iter().filter(|(_, c)| c.is_none()).count() != 1, "{by_month:?}");
    // The activities themselves are counted as they are.
    assert_eq!(column(&page, "By kind of activity", 0).iter().find(|(l, _)| l == "Distribution").unwrap().1.as_deref(), Some("1"));

    // The workbook hides the same counts: the mark, never the number.
    let bytes = m.get("/outreach/figures.xlsx").await.bytes().await.unwrap();
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let line = rows.iter().find(|r| r.first().map(String::as_str) == Some("Distribution")).unwrap();
    assert_eq!(line[1], "1");
    assert_eq!(line[2], "hidden", "{line:?}");
    let hidden_in_kind = rows.iter().skip_while(|r| r[0] != "By kind of activity").take_while(|r| !r[0].is_empty()).filter(|r| r.get(2).is_some_and(|c| c == "hidden")).count();
    assert!(hidden_in_kind >= 2, "{rows:?}");
});
