//! Outreach conflicts over HTTP, on both backends: an edit made from an old version is kept as a
//! conflict (once per submission, the activity untouched); the conflicts are scoped like the
//! activities; applying the submitted version is under the version check and writes it; keeping
//! the current record leaves it; a conflict is resolved once; out of scope is 404.

mod common;

use common::{id_after, location, Session, TestApp};
use passerelle_core::access::Scope;
use passerelle_store::outreach::activities;
use passerelle_store::users::Viewer;
use reqwest::StatusCode;
use uuid::Uuid;

const AGENT: &str = "agent@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const MNE: &str = "mne@demo.passerelle.test";

async fn post(s: &Session, path: &str, csrf: &str, fields: &[(String, String)], json: bool) -> reqwest::Response {
    let mut all: Vec<(&str, &str)> = vec![("csrf_token", csrf)];
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut req = s.client.post(format!("{}{}", s.base, path)).header("accept-language", "en").form(&all);
    if json {
        req = req.header("accept", "application/json").header("x-csrf-token", csrf);
    }
    req.send().await.unwrap()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let mut tx = app.store.read().await.unwrap();
    passerelle_store::db::test_support::count(&mut tx, sql).await.unwrap()
}

/// A valid activity by `agent` in `language`, reaching 15 people.
fn activity(agent: &str, submission: &str, language: &str) -> Vec<(String, String)> {
    let today = chrono::Utc::now().date_naive().to_string();
    [
        ("submission_id", submission),
        ("kind", "information_session"),
        ("setting", "agency"),
        ("held_on", today.as_str()),
        ("agents", agent),
        ("topics", "employment"),
        ("language", language),
        ("people_reached", "15"),
        ("n.sex_age.female.25_59", "10"),
        ("n.sex_age.male.18_24", "5"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn edit(agent: &str, submission: &str, language: &str, version: i64) -> Vec<(String, String)> {
    let mut f = activity(agent, submission, language);
    f.push(("version".into(), version.to_string()));
    f
}

/// The activity as stored, read with every scope.
async fn stored(app: &TestApp, id: Uuid) -> activities::Activity {
    let mut tx = app.store.read().await.unwrap();
    let all = Viewer { id: Uuid::nil(), agency_id: None, team_id: None, scope: Scope::All };
    activities::get(&mut tx, &all, id).await.unwrap().unwrap()
}

async fn resolution(app: &TestApp, id: Uuid) -> String {
    let mut tx = app.store.read().await.unwrap();
    let all = Viewer { id: Uuid::nil(), agency_id: None, team_id: None, scope: Scope::All };
    passerelle_store::outreach::conflicts::get(&mut tx, &all, id).await.unwrap().unwrap().resolution
}

/// An activity at version 2 (edited to French) and an edit to Spanish made from version 1,
/// kept as a conflict: (activity, conflict).
async fn conflict(app: &TestApp, s: &Session, csrf: &str) -> (Uuid, Uuid) {
    let agent = app.user_id(AGENT).await.to_string();
    let r = post(s, "/outreach/activities", csrf, &activity(&agent, &Uuid::new_v4().to_string(), "Kreyòl"), false).await;
    let id = id_after("/outreach/activities/", &location(&r));
    let path = format!("/outreach/activities/{id}");
    let r = post(s, &path, csrf, &edit(&agent, &Uuid::new_v4().to_string(), "French", 1), false).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(s, &path, csrf, &edit(&agent, &Uuid::new_v4().to_string(), "Spanish", 1), false).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    let k = body.split("href=\"/outreach/conflicts/").nth(1).and_then(|x| x.split('"').next()).unwrap();
    (id, Uuid::parse_str(k).unwrap())
}

both_backends!(a_stale_edit_is_kept_once_and_the_activity_is_untouched, |app| {
    let s = app.signed_in(AGENT).await;
    let agent = app.user_id(AGENT).await.to_string();
    let csrf = s.csrf("/outreach/activities/new").await;
    let sid = Uuid::new_v4().to_string();
    let r = post(&s, "/outreach/activities", &csrf, &activity(&agent, &sid, "Kreyòl"), false).await;
    let id = id_after("/outreach/activities/", &location(&r));
    let path = format!("/outreach/activities/{id}");
    // Each edit form names its own submission, not the record's first one.
    let (_, form) = s.text(&format!("{path}/edit")).await;
    assert!(!form.contains(&sid), "the edit form reuses the creation's submission id");
    assert_eq!(post(&s, &path, &csrf, &edit(&agent, "edit-1", "French", 1), false).await.status(), StatusCode::SEE_OTHER);
    let before = count(&app, "SELECT COUNT(*) FROM outreach_conflicts").await;

    // The late edit: refused over the other one, kept, and the page links to it.
    let late = edit(&agent, "edit-2", "Spanish", 1);
    let r = post(&s, &path, &csrf, &late, false).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains("Someone changed this activity since you opened it"), "{body}");
    assert!(body.contains("value=\"Spanish\""), "what they typed is still on the page");
    let k = body.split("href=\"/outreach/conflicts/").nth(1).and_then(|x| x.split('"').next()).unwrap().to_string();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_conflicts").await, before + 1);
    let a = stored(&app, id).await;
    assert_eq!((a.language.as_str(), a.version), ("French", 2), "the activity is unchanged");

    // Sent again (the offline sync, answered in JSON): the same conflict, not another.
    let r = post(&s, &path, &csrf, &late, true).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["conflict"], k.as_str(), "{v}");
    assert_eq!(v["location"], format!("/outreach/conflicts/{k}"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_conflicts").await, before + 1);

    // An edit resent after its answer was lost reads as the record already does: nothing to resolve.
    let r = post(&s, &path, &csrf, &edit(&agent, "edit-1", "French", 1), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outreach_conflicts").await, before + 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'outreach.conflict.record'").await, before + 1);

    // The comparison: the language differs (said in words), the kind does not.
    let (status, page) = s.text(&format!("/outreach/conflicts/{k}")).await;
    assert_eq!(status, StatusCode::OK);
    let row = |name: &str| page.split(&format!("id=\"row-{name}\"")).nth(1).and_then(|r| r.split("</tr>").next()).unwrap_or_default().to_string();
    assert!(row("language").contains("French") && row("language").contains("Spanish") && row("language").contains("Differs"), "{page}");
    assert!(row("kind").contains("Same"), "{page}");
    assert!(page.contains("One field differs."), "{page}");
});

both_backends!(conflicts_are_scoped_like_activities, |app| {
    let s = app.signed_in(AGENT).await;
    let csrf = s.csrf("/outreach/activities/new").await;
    let (_, k) = conflict(&app, &s, &csrf).await;
    let (_, list) = s.text("/outreach/conflicts").await;
    assert!(list.contains(&format!("/outreach/conflicts/{k}")), "the submitter sees it");
    let m = app.signed_in(MNE).await;
    let (_, list) = m.text("/outreach/conflicts").await;
    assert!(list.contains(&format!("/outreach/conflicts/{k}")), "an all-scope M&E officer sees it");
    // A supervisor of another agency: not listed, not found, cannot resolve.
    let sup = app.signed_in(SUPERVISOR).await;
    let (_, list) = sup.text("/outreach/conflicts").await;
    assert!(!list.contains(&k.to_string()));
    let (status, _) = sup.text(&format!("/outreach/conflicts/{k}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let scsrf = sup.csrf("/outreach/conflicts").await;
    let f = vec![("resolution".to_string(), "kept_theirs".to_string()), ("version".to_string(), "2".to_string())];
    let r = post(&sup, &format!("/outreach/conflicts/{k}"), &scsrf, &f, false).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(resolution(&app, k).await, "open");
});

both_backends!(applying_the_submitted_version_is_version_checked_and_once, |app| {
    let s = app.signed_in(AGENT).await;
    let csrf = s.csrf("/outreach/activities/new").await;
    let (id, k) = conflict(&app, &s, &csrf).await;
    let path = format!("/outreach/conflicts/{k}");
    let apply = |version: &str| vec![("resolution".to_string(), "kept_mine".to_string()), ("version".to_string(), version.to_string())];

    // Made from a version the record is no longer at: refused, shown again, nothing written.
    let r = post(&s, &path, &csrf, &apply("1"), false).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("The activity changed again while you were comparing"));
    assert_eq!(stored(&app, id).await.language, "French");
    assert_eq!(resolution(&app, k).await, "open");

    let r = post(&s, &path, &csrf, &apply("2"), false).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), path);
    let a = stored(&app, id).await;
    assert_eq!((a.language.as_str(), a.version), ("Spanish", 3), "the submitted version is the record now");
    assert_eq!(resolution(&app, k).await, "kept_mine");
    let (_, page) = s.text(&path).await;
    assert!(page.contains("submitted version applied") && !page.contains("id=\"apply-submitted\""), "{page}");
    let (_, list) = s.text("/outreach/conflicts").await;
    assert!(!list.contains(&k.to_string()), "no longer open");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'outreach.conflict.resolve'").await, 1);

    // A second resolution: refused, nothing changes.
    let keep = vec![("resolution".to_string(), "kept_theirs".to_string()), ("version".to_string(), "3".to_string())];
    let r = post(&s, &path, &csrf, &keep, false).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("already been resolved"));
    assert_eq!(resolution(&app, k).await, "kept_mine");
    assert_eq!(stored(&app, id).await.version, 3);

    // A resolution that is neither: a bad request.
    let bad = vec![("resolution".to_string(), "both".to_string()), ("version".to_string(), "3".to_string())];
    assert_eq!(post(&s, &path, &csrf, &bad, false).await.status(), StatusCode::BAD_REQUEST);
});

both_backends!(keeping_the_current_record_leaves_it, |app| {
    let s = app.signed_in(AGENT).await;
    let csrf = s.csrf("/outreach/activities/new").await;
    let (id, k) = conflict(&app, &s, &csrf).await;
    // Kept by someone else in scope: the M&E officer.
    let m = app.signed_in(MNE).await;
    let mcsrf = m.csrf("/outreach/conflicts").await;
    let keep = vec![("resolution".to_string(), "kept_theirs".to_string()), ("version".to_string(), "2".to_string())];
    let r = post(&m, &format!("/outreach/conflicts/{k}"), &mcsrf, &keep, false).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let a = stored(&app, id).await;
    assert_eq!((a.language.as_str(), a.version), ("French", 2));
    assert_eq!(resolution(&app, k).await, "kept_theirs");
    let (_, page) = s.text(&format!("/outreach/conflicts/{k}")).await;
    assert!(page.contains("current record kept"), "{page}");
});
