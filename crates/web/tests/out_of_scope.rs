//! Records out of a user's scope are absent, not merely refused: a caseworker of the same team
//! who is not assigned, and a caseworker and a supervisor of another agency, never meet a person
//! or case that is not theirs, on any page, list, count, search, JSON API list or export
//! (CSV, XLSX, JSON). A person with unique marker values (names, external id) and a case are
//! registered by the demo caseworker; every parameterless GET route of the route table is then
//! fetched by each outsider and searched for those markers, and their counts are compared
//! before and after the record exists. The assigned caseworker and their supervisor see the
//! markers on the same pages, so the absence is not an artefact of the checks.

mod common;

use common::{id_after, location, post, staff, token_for, Session, TestApp};
use reqwest::StatusCode;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const GIVEN: &str = "Quillibrand";
const FAMILY: &str = "Zorvathine";
const EXTERNAL_ID: &str = "ZX774410Q";

/// The text of an answer as a reader would see it: XLSX cells, or the body itself.
async fn readable(res: reqwest::Response) -> String {
    let bytes = res.bytes().await.unwrap_or_default().to_vec();
    if bytes.starts_with(b"PK\x03\x04") {
        use calamine::Reader;
        let Ok(mut book) = calamine::Xlsx::new(std::io::Cursor::new(bytes)) else { return String::new() };
        let mut out = String::new();
        for (_, range) in book.worksheets() {
            for row in range.rows() {
                for cell in row {
                    out.push_str(&cell.to_string());
                    out.push('\t');
                }
                out.push('\n');
            }
        }
        return out;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The pages whose figures count cases and people, with the CSRF token values taken out (they
/// are the only part that changes between two loads by the same session).
async fn counts(s: &Session) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in ["/dashboard", "/cases", "/cases?mine=1", "/people", "/referrals"] {
        let (_, html) = s.text(path).await;
        let mut clean = String::new();
        let mut rest = html.as_str();
        while let Some(i) = rest.find("csrf_token\" value=\"") {
            let start = i + "csrf_token\" value=\"".len();
            clean.push_str(&rest[..start]);
            rest = &rest[start..];
            rest = &rest[rest.find('"').unwrap_or(0)..];
        }
        clean.push_str(rest);
        out.push((path.to_string(), clean));
    }
    out
}

struct Marker {
    person: Uuid,
    case: Uuid,
    reference: String,
}

impl Marker {
    /// The marker values found in `text`, if any.
    fn found_in(&self, text: &str) -> Vec<String> {
        [GIVEN.to_string(), FAMILY.to_string(), EXTERNAL_ID.to_string(), self.person.to_string(), self.case.to_string()]
            .into_iter()
            .filter(|m| text.contains(m.as_str()))
            .collect()
    }
}

/// Every place where an outsider could meet the marker: each parameterless GET route, the
/// searches by name, external id and reference, the single reads and the JSON API.
async fn sweep(app: &TestApp, s: &Session, token: &str, m: &Marker) -> Vec<String> {
    let mut paths: Vec<String> = passerelle_web::routes::route_defs()
        .into_iter()
        .filter(|d| d.method == reqwest::Method::GET && !d.path.contains('{'))
        .map(|d| d.path.to_string())
        .collect();
    let q = format!("{GIVEN} {FAMILY}");
    for extra in [
        format!("/people?q={q}"),
        format!("/people?q={EXTERNAL_ID}"),
        format!("/cases?reference={}", m.reference),
        format!("/cases?reference={EXTERNAL_ID}"),
        format!("/api/v1/people?q={q}"),
        format!("/api/v1/people?q={EXTERNAL_ID}"),
        format!("/api/v1/cases?reference={}", m.reference),
        format!("/api/v1/cases?reference={EXTERNAL_ID}"),
        format!("/api/v1/cases?person={}", m.person),
        "/api/v1/cases?status=open".to_string(),
    ] {
        paths.push(extra);
    }
    let mut seen = Vec::new();
    for path in &paths {
        let res = if path.starts_with("/api/") {
            reqwest::Client::new().get(app.at(path)).bearer_auth(token).send().await.unwrap()
        } else {
            s.get(path).await
        };
        let status = res.status();
        let mut text = readable(res).await;
        // A search page shows what was searched for in its search box: that echo is not a record.
        if let Some((_, query)) = path.split_once('?') {
            for (_, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
                text = text.replace(&format!("value=\"{v}\""), "");
            }
        }
        let found = m.found_in(&text);
        if !found.is_empty() {
            seen.push(format!("{path} ({status}): {}", found.join(", ")));
        }
    }
    // A search by reference lists no case at all (the API answers an empty list).
    let res = reqwest::Client::new().get(app.at(&format!("/api/v1/cases?reference={}", m.reference))).bearer_auth(token).send().await.unwrap();
    let list: serde_json::Value = res.json().await.unwrap_or_default();
    if list.as_array().is_some_and(|a| a.iter().any(|c| c["reference"] == m.reference.as_str())) {
        seen.push(format!("/api/v1/cases?reference={}: listed", m.reference));
    }
    // Single reads answer 404, as for a record that does not exist.
    for path in [format!("/people/{}", m.person), format!("/cases/{}", m.case)] {
        let status = s.get(&path).await.status();
        if status != StatusCode::NOT_FOUND {
            seen.push(format!("{path}: {status}"));
        }
    }
    for path in [format!("/api/v1/people/{}", m.person), format!("/api/v1/cases/{}", m.case)] {
        let status = reqwest::Client::new().get(app.at(&path)).bearer_auth(token).send().await.unwrap().status();
        if status != StatusCode::NOT_FOUND {
            seen.push(format!("{path}: {status}"));
        }
    }
    seen
}

both_backends!(records_out_of_scope_are_absent_from_every_list_count_search_and_export, |app| {
    staff(&app, "unassigned@demo.passerelle.test", "caseworker", "Social welfare team Saint-Aubin").await;
    staff(&app, "cw.cpu@demo.passerelle.test", "caseworker", "Child protection team North").await;
    staff(&app, "sup.cpu@demo.passerelle.test", "supervisor", "Child protection team North").await;
    let outsiders = ["unassigned@demo.passerelle.test", "cw.cpu@demo.passerelle.test", "sup.cpu@demo.passerelle.test"];
    let mut sessions = Vec::new();
    for email in outsiders {
        let token = token_for(&app, email).await;
        let s = app.signed_in(email).await;
        let before = counts(&s).await;
        sessions.push((email, s, token, before));
    }

    // The marker: a person with unique names and external id, and an open case.
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let r = post(&cw, "/people", &csrf, &[("given_names", GIVEN), ("family_names", FAMILY), ("birth_date", "1990-03-04"),
        ("sex", "female"), ("nationality", "HT"), ("external_id", EXTERNAL_ID), ("confirm_new", "1")]).await;
    let person = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{person}/cases"), &csrf, &[("sop", "social_welfare"), ("risk", "high")]).await;
    let case = id_after("/cases/", &location(&r));
    let (status, html) = cw.text(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    let title = &html[html.find("<title>").unwrap() + 7..];
    let reference = title[..title.find(|c: char| c.is_whitespace() || c == '<').unwrap()].to_string();
    assert!(reference.len() > 4, "case reference {reference}");
    let m = Marker { person, case, reference };

    // Those who work on it meet it in the same places the outsiders are searched.
    for email in [CASEWORKER, SUPERVISOR] {
        let token = token_for(&app, email).await;
        let s = app.signed_in(email).await;
        let seen = sweep(&app, &s, &token, &m).await;
        for place in ["/cases".to_string(), format!("/people?q={GIVEN} {FAMILY}"), format!("/cases?reference={}", m.reference), "/api/v1/cases?status=open".to_string()] {
            assert!(seen.iter().any(|p| p.starts_with(&format!("{place} ("))), "{email} should see the marker at {place}: {seen:#?}");
        }
    }

    for (email, s, token, before) in &sessions {
        let seen = sweep(&app, s, token, &m).await;
        assert!(seen.is_empty(), "{email} meets a record out of their scope:\n{seen:#?}");
        // Counts (dashboard figures, caseload totals, list lengths) did not move.
        for ((path, was), (_, now)) in before.iter().zip(counts(s).await.iter()) {
            assert!(was == now, "{email}: {path} changed when a record out of their scope was added");
        }
    }
});
