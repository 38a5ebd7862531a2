//! The shipped forms are published at start-up and readable by staff in their language;
//! a published version never changes and a broken form is refused with its problems.

mod common;

use passerelle_store::forms::{self, FormRefusal, Sheets};
use reqwest::StatusCode;

both_backends!(shipped_forms_are_published_and_readable, |app| {
    let s = app.signed_in("trainer@demo.passerelle.test").await;
    let (status, list) = s.text("/forms").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.matches("<a href=\"/forms/").count(), forms::shipped().len());
    assert!(forms::shipped().len() >= 10);
    let (status, page) = s.text("/forms/registration").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<code>select_one"), "select questions show their list");
    assert!(page.contains("Asked when"), "skip logic is shown");
    let fr = s.client.get(app.at("/forms/registration")).header("accept-language", "fr").send().await.unwrap();
    assert_eq!(fr.status(), StatusCode::OK);
    let fr = fr.text().await.unwrap();
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Posée si"), "French page and rules");
    assert!(fr.contains("Prénom") || fr.contains("prénom"), "French question labels from the form");
    assert_eq!(s.get("/forms/no_such_form").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.get("/forms/registration?version=0").await.status(), StatusCode::NOT_FOUND);
});

both_backends!(a_published_version_never_changes, |app| {
    let shipped = forms::shipped();
    let registration = shipped.iter().find(|s| s.survey.contains("given_name")).unwrap().clone();
    let mut tx = app.store.write().await.unwrap();
    // The same version number again, with a question added: refused.
    let altered = Sheets { survey: format!("{}\nnote,extra_note,An added note\n", registration.survey.trim_end()), ..registration.clone() };
    match forms::publish(&mut tx, None, &altered).await.unwrap() {
        Err(FormRefusal::VersionTaken) => {}
        other => panic!("expected VersionTaken, got {other:?}"),
    }
    // A broken form: every problem, nothing stored.
    let broken = Sheets {
        survey: "type,name,label\nselect_one nolist,q1,Q\ntext,q1,Dup\n".into(),
        choices: None,
        settings: Some("form_title,form_id,version\nBroken,broken,1\n".into()),
    };
    match forms::publish(&mut tx, None, &broken).await.unwrap() {
        Err(FormRefusal::Invalid(errors)) => assert!(errors.len() >= 2, "{errors:?}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(forms::latest(&mut tx, "broken").await.unwrap().is_none());
    tx.commit().await.unwrap();
    // The table itself refuses changes.
    let mut tx = app.store.write().await.unwrap();
    let r = passerelle_store::db::test_support::execute(&mut tx, "UPDATE form_versions SET survey = 'x'").await;
    assert!(r.is_err());
});

both_backends!(a_version_is_parsed_once_and_never_mistaken_for_another, |app| {
    let sheets = |label: &str, version: &str| Sheets {
        survey: format!("type,name,label\ntext,q1,{label}\n"),
        choices: None,
        settings: Some(format!("form_title,form_id,version\nParsed once,parsed_once,{version}\n")),
    };
    let labels = |f: &passerelle_core::forms::Form| format!("{:?}", f.items);
    // Published and read in a transaction that is rolled back…
    let mut tx = app.store.write().await.unwrap();
    forms::publish(&mut tx, None, &sheets("Rolled back question", "1")).await.unwrap().unwrap();
    let read = forms::latest(&mut tx, "parsed_once").await.unwrap().unwrap();
    assert!(labels(&read.form).contains("Rolled back question"));
    drop(tx);
    // …then the same version published with another text: that text is what is read.
    let mut tx = app.store.write().await.unwrap();
    forms::publish(&mut tx, None, &sheets("Kept question", "1")).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    let mut tx = app.store.read().await.unwrap();
    let latest = forms::latest(&mut tx, "parsed_once").await.unwrap().unwrap();
    let exact = forms::get(&mut tx, "parsed_once", "1").await.unwrap().unwrap();
    assert!(labels(&latest.form).contains("Kept question") && !labels(&latest.form).contains("Rolled back"), "{}", labels(&latest.form));
    // Parsed once: both reads share the same parsed form.
    assert!(std::sync::Arc::ptr_eq(&latest.form, &exact.form));
    drop(tx);
    // A newer version is the latest, alone and in the list of every form's latest.
    let mut tx = app.store.write().await.unwrap();
    forms::publish(&mut tx, None, &sheets("Newer question", "2")).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    let mut tx = app.store.read().await.unwrap();
    let latest = forms::latest(&mut tx, "parsed_once").await.unwrap().unwrap();
    assert_eq!(latest.form.version.as_deref(), Some("2"));
    let all = forms::list_latest(&mut tx).await.unwrap();
    let listed: Vec<_> = all.iter().filter(|p| p.form.id == "parsed_once").collect();
    assert_eq!(listed.len(), 1);
    assert!(std::sync::Arc::ptr_eq(&listed[0].form, &latest.form));
    assert_eq!(all.len(), forms::shipped().len() + 1, "one entry per form");
});
