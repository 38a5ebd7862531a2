//! Filling in forms over HTTP: answers validated on the server against the version the page
//! showed, errors next to each question, skip logic applied with and without the script,
//! responses stored with their version and read only within scope; and publishing a new
//! version from an uploaded workbook after seeing what changes.

mod common;
use common::post;

use common::{location, Session};
use reqwest::StatusCode;
use serde_json::Value;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const AGENT: &str = "agent@demo.passerelle.test";
const ADMIN: &str = "admin@demo.passerelle.test";

/// The value of the hidden `_hidden` control: what the page hid when it was drawn.
fn hidden_in(html: &str) -> String {
    let start = html.find("name=\"_hidden\" value=\"").expect("_hidden") + "name=\"_hidden\" value=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

fn version_in(html: &str) -> String {
    let start = html.find("name=\"_version\" value=\"").expect("_version") + "name=\"_version\" value=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

both_backends!(a_form_is_filled_checked_and_stored_with_its_version, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let (status, page) = cw.text("/forms/registration/fill").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = common::csrf_in(&page).unwrap();
    let version = version_in(&page);
    let hidden = hidden_in(&page);
    // Before any answer, the questions that depend on consent are hidden, and so is the
    // note for a refusal.
    assert!(page.contains("data-path=\"identity\" hidden"), "identity group hidden");
    assert!(page.contains("data-path=\"no_consent_note\" hidden"));
    assert!(hidden.split(' ').any(|p| p == "given_name"));

    // Nothing answered: each required question says so, next to it and in the summary.
    let r = post(&cw, "/forms/registration/fill", &csrf, &[("_version", &version), ("_hidden", &hidden)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("class=\"error-summary\""));
    assert!(html.contains("id=\"q-registration_date-error\""), "error next to the question");
    assert!(html.contains("aria-invalid=\"true\""));
    // The form's own message is used where it has one.
    assert!(html.contains("This answer is needed."));

    // A date in the future breaks the constraint: the form's own constraint message.
    let r = post(&cw, "/forms/registration/fill", &csrf, &[
        ("_version", &version), ("_hidden", &hidden),
        ("registration_date", "2999-01-01"), ("consent_given_by", "person"), ("consent_registration", "no"),
    ]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("The date cannot be in the future."), "constraint message");
    assert!(html.contains("value=\"2999-01-01\""), "what was typed is kept");

    // Valid answers, but refusing consent brings up a note that was hidden: shown first.
    let answers = [
        ("registration_date", "2026-01-10"), ("consent_given_by", "person"), ("consent_registration", "no"),
        ("given_name", "Should not be kept"),
    ];
    let mut fields = vec![("_version", version.as_str()), ("_hidden", hidden.as_str())];
    fields.extend_from_slice(&answers);
    let r = post(&cw, "/forms/registration/fill", &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Your answers bring up more questions"));
    assert!(!html.contains("data-path=\"no_consent_note\" hidden"), "the note is now shown");
    let hidden_now = hidden_in(&html);

    // Saved once the person has seen every question that applies.
    let mut fields = vec![("_version", version.as_str()), ("_hidden", hidden_now.as_str())];
    fields.extend_from_slice(&answers);
    let r = post(&cw, "/forms/registration/fill", &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let at = location(&r);
    assert!(at.starts_with("/responses/"), "{at}");
    let id: uuid::Uuid = at["/responses/".len()..].split('?').next().unwrap().parse().unwrap();

    // Stored with the version it was checked against; the irrelevant answer is dropped.
    let viewer = passerelle_store::users::Viewer { id: uuid::Uuid::nil(), agency_id: None, team_id: None, scope: passerelle_core::access::Scope::All };
    let mut tx = app.store.write().await.unwrap();
    let stored = passerelle_store::responses::get(&mut tx, &viewer, id).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_eq!(stored.form_version, version);
    assert_eq!(stored.answers["consent_registration"], "no");
    assert!(stored.answers.get("given_name").is_none(), "{:?}", stored.answers);

    // The author and their supervisor read it; another front-line worker and the
    // administrator do not.
    let (status, html) = cw.text(&at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("The answers are saved.") && html.contains("Date of registration"));
    let sup = app.signed_in(SUPERVISOR).await;
    assert_eq!(sup.get(&format!("/responses/{id}")).await.status(), StatusCode::OK);
    let (_, list) = sup.text("/forms/registration/responses").await;
    assert!(list.contains(&format!("/responses/{id}")));
    let agent = app.signed_in(AGENT).await;
    assert_eq!(agent.get(&format!("/responses/{id}")).await.status(), StatusCode::NOT_FOUND);
    let (_, list) = agent.text("/forms/registration/responses").await;
    assert!(!list.contains(&format!("/responses/{id}")));
    let admin = app.signed_in(ADMIN).await;
    assert_eq!(admin.get(&format!("/responses/{id}")).await.status(), StatusCode::FORBIDDEN);

    // The audit log knows a response was stored and read, never its content.
    let mut tx = app.store.read().await.unwrap();
    let filter = passerelle_store::audit::Filter { action: Some("form.response.".into()), limit: 100, ..Default::default() };
    let entries = passerelle_store::audit::list(&mut tx, &filter).await.unwrap();
    let submit = entries.iter().find(|e| e.action == "form.response.submit").expect("submit audited");
    let detail: Value = serde_json::from_str(&submit.detail).unwrap();
    let keys: Vec<&String> = detail.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["form", "version"], "no answer in the audit detail: {detail}");
    assert!(entries.iter().any(|e| e.action == "form.response.view"));
});

both_backends!(the_page_script_asks_which_questions_apply, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let (_, page) = cw.text("/forms/registration/fill").await;
    let csrf = common::csrf_in(&page).unwrap();
    let ask = |answer: &'static str| {
        let cw = &cw;
        let csrf = csrf.clone();
        async move {
            let r = cw.client.post(format!("{}/forms/registration/fill/relevance", cw.base))
                .header("x-csrf-token", &csrf)
                .form(&[("consent_registration", answer), ("birth_date_known", "exact")])
                .send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let v: Value = r.json().await.unwrap();
            v["hidden"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    let yes = ask("yes").await;
    assert!(!yes.contains(&"identity".to_string()) && yes.contains(&"no_consent_note".to_string()), "{yes:?}");
    assert!(!yes.contains(&"birth_date".to_string()), "known birth date is asked");
    let no = ask("no").await;
    assert!(no.contains(&"identity".to_string()) && !no.contains(&"no_consent_note".to_string()), "{no:?}");
    // A choice filter: the trafficking screening offers recruitment indicators for recruitment.
    let r = cw.client.post(format!("{}/forms/trafficking_screening/fill/relevance", cw.base))
        .header("x-csrf-token", &csrf)
        .form(&[("consent", "yes"), ("age_group", "adult"), ("exploitation", "labour")])
        .send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    let offered = v["choices"]["adult_labour_recruitment"].as_array().expect("filtered choices").len();
    let mut tx = app.store.read().await.unwrap();
    let form = passerelle_store::forms::latest(&mut tx, "trafficking_screening").await.unwrap().unwrap().form;
    let all = form.choices["delphi_adult_labour"].len();
    let recruitment = form.choices["delphi_adult_labour"].iter().filter(|c| c.extra.get("recruitment").is_some_and(|x| x == "yes")).count();
    assert!(offered > 0 && offered < all, "{offered} of {all}");
    assert_eq!(offered, recruitment);
    let (_, page) = cw.text("/forms/trafficking_screening/fill").await;
    assert!(page.contains("data-choice="), "choices are marked for the script");
    // Without the CSRF token: refused like any other change.
    let r = cw.client.post(format!("{}/forms/registration/fill/relevance", cw.base)).form(&[("a", "b")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
});

/// An .xlsx workbook built in memory: (sheet name, rows).
fn workbook(sheets: &[(&str, Vec<Vec<&str>>)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn household_form(version: &str, extra_question: bool) -> Vec<u8> {
    let mut survey = vec![
        vec!["type", "name", "label::English (en)", "label::Français (fr)", "required", "relevant", "constraint"],
        vec!["text", "head", "Head of household", "Chef de ménage", "yes", "", ""],
        vec!["begin repeat", "members", "Member", "Membre", "", "", ""],
        vec!["integer", "age", "Age", "Âge", "yes", "", ". >= 0 and . < 120"],
        vec!["text", "school", "School", "École", "", "${age} >= 6", ""],
        vec!["end repeat", "", "", "", "", "", ""],
    ];
    if extra_question {
        survey.push(vec!["text", "notes", "Notes", "Notes", "", "", ""]);
    }
    workbook(&[
        ("survey", survey),
        ("settings", vec![vec!["form_title", "form_id", "version"], vec!["Household", "household", version]]),
    ])
}

async fn upload(s: &Session, csrf: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    s.client
        .post(format!("{}/admin/forms/preview?csrf_token={csrf}", s.base))
        .header("accept-language", "en")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Undoes HTML escaping in an attribute value (named and numeric character references).
fn unescape(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').expect("entity end");
        let entity = &after[..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ if entity.starts_with("#x") => char::from_u32(u32::from_str_radix(&entity[2..], 16).unwrap()).unwrap(),
            _ => char::from_u32(entity[1..].parse().unwrap()).unwrap(),
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The hidden fields of the preview's publish form.
fn publish_fields(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in ["csrf_token", "survey", "choices", "settings"] {
        let key = format!("name=\"{name}\" value=\"");
        let start = html.rfind(&key).unwrap() + key.len();
        let raw = &html[start..start + html[start..].find('"').unwrap()];
        out.push((name.to_string(), unescape(raw)));
    }
    out
}

both_backends!(a_new_form_version_is_uploaded_previewed_published_and_filled, |app| {
    let admin = app.signed_in(ADMIN).await;
    let csrf = admin.csrf("/admin/forms/publish").await;

    // Not a workbook, then a broken workbook: refused with every problem and its cell.
    let r = upload(&admin, &csrf, "form.csv", b"type,name\ntext,a\n".to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("is not an .xlsx workbook"));
    let broken = workbook(&[
        ("survey", vec![vec!["type", "name", "label"], vec!["select_one nolist", "q", "Q"], vec!["integer", "", "Age"]]),
        ("settings", vec![vec!["form_id", "version"], vec!["broken", "1"]]),
    ]);
    let r = upload(&admin, &csrf, "broken.xlsx", broken).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("survey!B3"), "the cell of the missing name: {html}");
    assert!(html.contains("The row has no name."));
    assert!(html.contains("The choice list is not on the choices sheet."));

    // A new form: previewed as new, then published.
    let r = upload(&admin, &csrf, "household.xlsx", household_form("1", false)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("This form is new"), "{html}");
    let fields = publish_fields(&html);
    let r = admin.client.post(format!("{}/admin/forms/publish", admin.base)).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{fields:?} {}", r.text().await.unwrap());
    assert_eq!(location(&r), "/forms/household?version=1&published=1");

    // The caseworker fills version 1 with a repeat: add two members, remove one.
    let cw = app.signed_in(CASEWORKER).await;
    let (_, page) = cw.text("/forms/household/fill").await;
    let cw_csrf = common::csrf_in(&page).unwrap();
    assert!(page.contains("value=\"add:members\""));
    let r = post(&cw, "/forms/household/fill", &cw_csrf, &[("_version", "1"), ("head", "A. Person"), ("members/_n", "0"), ("_action", "add:members")]).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("name=\"members/0/age\"") && html.contains("name=\"members/_n\" value=\"1\""));
    assert!(html.contains("value=\"A. Person\""), "answers kept across the round trip");
    let r = post(&cw, "/forms/household/fill", &cw_csrf, &[
        ("_version", "1"), ("head", "A. Person"), ("members/_n", "2"), ("members/0/age", "3"), ("members/1/age", "abc"),
    ]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"q-members-1-age-error\"") && html.contains("Enter a whole number"));
    assert!(html.contains("data-path=\"members/0/school\" hidden"), "a 3-year-old is not asked about school");
    let r = post(&cw, "/forms/household/fill", &cw_csrf, &[
        ("_version", "1"), ("head", "A. Person"), ("members/_n", "2"), ("members/0/age", "3"), ("members/1/age", "abc"),
        ("_action", "remove:members/1"),
    ]).await;
    let html = r.text().await.unwrap();
    assert!(!html.contains("members/1/age") && html.contains("name=\"members/_n\" value=\"1\""));

    // Meanwhile version 2 is uploaded: the preview names the added question.
    let r = upload(&admin, &csrf, "household.xlsx", household_form("2", true)).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("<code>notes</code> — new question"), "{html}");
    let fields = publish_fields(&html);
    let r = admin.client.post(format!("{}/admin/forms/publish", admin.base)).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The same version again is refused; nothing changes.
    let r = upload(&admin, &csrf, "household.xlsx", household_form("2", false)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Version 2 of this form is already published"));

    // The caseworker's page showed version 1: the answers are checked and kept with it.
    let r = post(&cw, "/forms/household/fill", &cw_csrf, &[
        ("_version", "1"), ("head", "A. Person"), ("members/_n", "1"), ("members/0/age", "9"), ("members/0/school", "North school"),
    ]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&location(&r)).await;
    assert!(html.contains("Version 1") && html.contains("North school") && html.contains("Member 1"), "{html}");
    // A new page uses version 2.
    let (_, page) = cw.text("/forms/household/fill").await;
    assert_eq!(version_in(&page), "2");
    assert!(page.contains("name=\"notes\""));
});

both_backends!(malformed_posts_are_refused_clearly, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let (_, page) = cw.text("/forms/registration/fill").await;
    let csrf = common::csrf_in(&page).unwrap();
    let r = post(&cw, "/forms/registration/fill", &csrf, &[("members/99999999/age", "1")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("could not be read"));
    let r = post(&cw, "/forms/registration/fill", &csrf, &[("_version", "no-such-version")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
});
