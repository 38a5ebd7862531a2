//! Script stored in text fields is shown as text on every page that shows it. A payload (a
//! script element and an image with an error handler) is typed into an agency's name, a
//! person's names, a case note, a case plan goal and action, and an outreach activity's language
//! and notes; then every parameterless GET page of the route table and the pages of those records
//! are read by each role that may see them. No HTML answer may hold the payload as markup; the
//! pages of the records must show it escaped (so the sweep really met it).

mod common;

use common::{id_after, location, open_case, post, token_for, Session, TestApp};
use reqwest::StatusCode;

const PAYLOAD: &str = "X<script>st0red(1)</script><img src=x onerror=st0red(2)>";
/// The payload as markup: what must never reach a page.
const RAW: [&str; 2] = ["<script>st0red", "<img src=x"];
/// The payload as askama writes it in a page: text.
const ESCAPED: &str = "&#60;script&#62;st0red(1)&#60;/script&#62;";

/// The HTML pages `s` can read among every parameterless GET route and `extra`, with the
/// places where the payload appears as markup, and the pages where it appears as text.
async fn sweep(s: &Session, extra: &[String]) -> (Vec<String>, Vec<String>) {
    let mut paths: Vec<String> = passerelle_web::routes::route_defs()
        .into_iter()
        .filter(|d| d.method == reqwest::Method::GET && !d.path.contains('{'))
        .map(|d| d.path.to_string())
        .collect();
    paths.extend(extra.iter().cloned());
    let (mut raw, mut escaped) = (Vec::new(), Vec::new());
    for path in paths {
        let res = s.get(&path).await;
        let html = res.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
        if !html {
            continue;
        }
        let body = res.text().await.unwrap_or_default();
        if RAW.iter().any(|r| body.contains(r)) {
            raw.push(path.clone());
        }
        if body.contains(ESCAPED) {
            escaped.push(path);
        }
    }
    (raw, escaped)
}

fn activity(agent: &str) -> Vec<(String, String)> {
    let today = chrono::Utc::now().date_naive().to_string();
    [
        ("submission_id", uuid::Uuid::now_v7().to_string().as_str()),
        ("kind", "information_session"),
        ("setting", "agency"),
        ("held_on", today.as_str()),
        ("agents", agent),
        ("topics", "employment"),
        ("language", PAYLOAD),
        ("people_reached", "15"),
        ("n.sex_age.female.25_59", "10"),
        ("n.sex_age.male.18_24", "5"),
        ("notes", PAYLOAD),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn sweep_as(app: &TestApp, email: &str, extra: &[String]) -> Vec<String> {
    let s = app.signed_in(email).await;
    let (raw, escaped) = sweep(&s, extra).await;
    assert!(raw.is_empty(), "{email}: the payload is markup on {raw:#?}");
    escaped
}

both_backends!(script_typed_into_text_fields_is_text_on_every_page, |app| {
    // An agency named with the payload (through the API, as an administrator would).
    let admin_token = token_for(&app, "admin@demo.passerelle.test").await;
    let res = reqwest::Client::new().post(app.at("/api/v1/agencies")).bearer_auth(&admin_token)
        .json(&serde_json::json!({"name": PAYLOAD, "kind": "ngo", "sector": "civil_society"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let agency: serde_json::Value = res.json().await.unwrap();
    let agency = agency["id"].as_str().unwrap().to_string();

    // A person, a case note, a plan goal and action.
    let cw = app.signed_in("caseworker@demo.passerelle.test").await;
    let csrf = cw.csrf("/people/new").await;
    let r = post(&cw, "/people", &csrf, &[("given_names", PAYLOAD), ("family_names", "Scriptfamily"), ("sex", "female"), ("confirm_new", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let person = id_after("/people/", &location(&r));
    let case = open_case(&cw, &csrf, person, "social_welfare").await;
    let r = post(&cw, &format!("/cases/{case}/notes"), &csrf, &[("body", PAYLOAD)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(&cw, &format!("/cases/{case}/plan/goals"), &csrf, &[("goal_title", PAYLOAD)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, plan) = cw.text(&format!("/cases/{case}/plan")).await;
    let k = "name=\"goal\" value=\"";
    let at = plan.find(k).expect("the goal's form") + k.len();
    let goal = plan[at..at + 36].to_string();
    let r = post(&cw, &format!("/cases/{case}/plan/actions"), &csrf, &[("goal", &goal), ("description", PAYLOAD), ("action_who", ""),
        ("action_due_on", ""), ("status", "planned")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // An outreach activity with the payload as its language and notes.
    let agent = app.signed_in("agent@demo.passerelle.test").await;
    let agent_id = app.user_id("agent@demo.passerelle.test").await.to_string();
    let agent_csrf = agent.csrf("/outreach/activities/new").await;
    let fields = activity(&agent_id);
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = post(&agent, "/outreach/activities", &agent_csrf, &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let activity = location(&r);

    let record_pages = [format!("/people/{person}"), format!("/cases/{case}"), format!("/cases/{case}/plan"), format!("/people?q=Scriptfamily")];
    let escaped = sweep_as(&app, "caseworker@demo.passerelle.test", &record_pages).await;
    for page in &record_pages {
        assert!(escaped.contains(page), "the payload shown as text on {page}: {escaped:#?}");
    }
    let escaped = sweep_as(&app, "supervisor@demo.passerelle.test", &record_pages).await;
    assert!(escaped.contains(&format!("/cases/{case}")), "{escaped:#?}");
    let escaped = sweep_as(&app, "agent@demo.passerelle.test", &[activity.clone()]).await;
    assert!(escaped.contains(&activity), "{escaped:#?}");
    let admin_pages = [format!("/admin/agencies/{agency}"), format!("/admin/people?q=Scriptfamily"), format!("/admin/people/{person}/dossier")];
    let escaped = sweep_as(&app, "admin@demo.passerelle.test", &admin_pages).await;
    for page in &admin_pages {
        assert!(escaped.contains(page), "the payload shown as text on {page}: {escaped:#?}");
    }
    for email in ["focalpoint@demo.passerelle.test", "mne@demo.passerelle.test", "quality@demo.passerelle.test", "trainer@demo.passerelle.test"] {
        sweep_as(&app, email, &[]).await;
    }
});
