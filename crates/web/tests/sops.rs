//! SOPs: the shipped pack is published at start-up, every role reads the handbook in its
//! language, an administrator previews the diff and publishes a new version, and a bad file
//! is refused with every problem named.

mod common;

use common::location;
use reqwest::StatusCode;

const ADMIN: &str = "admin@demo.passerelle.test";

fn pack_source(id: &str) -> String {
    passerelle_core::sop::default_pack()
        .into_iter()
        .map(|(_, text)| text)
        .find(|text| text.contains(&format!("id = \"{id}\"")))
        .unwrap_or_else(|| panic!("no shipped SOP {id}"))
        .to_string()
}

both_backends!(the_pack_is_published_and_readable, |app| {
    let s = app.signed_in("caseworker@demo.passerelle.test").await;
    let (status, list) = s.text("/sops").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.matches("<a href=\"/sops/").count(), 8, "eight SOPs in the default pack");
    let (status, book) = s.text("/sops/child_protection").await;
    assert_eq!(status, StatusCode::OK);
    assert!(book.contains("Version 1"));
    assert!(book.contains("<h2"), "sections rendered");
    // In French and Spanish too.
    for (lang, heading) in [("fr", "Présentation"), ("es", "Presentación"), ("en", "Overview")] {
        let page = s.client.get(app.at("/sops/child_protection")).header("accept-language", lang)
            .send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
        assert!(page.contains(heading), "the {lang} handbook has its own headings");
    }
    assert_eq!(s.get("/sops/no_such_sop").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.get("/sops/child_protection?version=99").await.status(), StatusCode::NOT_FOUND);
});

both_backends!(publish_a_new_version_after_the_diff, |app| {
    let admin = app.signed_in(ADMIN).await;
    let old = pack_source("child_protection");
    let new = old.replacen("version = 1", "version = 2", 1);
    assert_ne!(old, new);
    // Same text with a higher number only: nothing changed, refused.
    let res = admin.post_form("/admin/sops/publish", "/admin/sops/preview", &[("source", &new)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("there is nothing to publish"));
    // A real change: a step removed shows in the preview, then publishes.
    let changed = new.replacen("[[steps]]", "[[steps]]", 1);
    let start = changed.rfind("[[steps]]").unwrap();
    let tail = &changed[start..];
    // Drop the last-but-one step if the file has several; otherwise change a title.
    let edited = if changed.matches("[[steps]]").count() > 2 {
        let prev = changed[..start].rfind("[[steps]]").unwrap();
        format!("{}{}", &changed[..prev], tail)
    } else {
        changed.replacen("en = \"", "en = \"Revised: ", 1)
    };
    let res = admin.post_form("/admin/sops/publish", "/admin/sops/preview", &[("source", &edited)]).await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{}", &body[body.find("<main").unwrap_or(0)..][..2000.min(body.len() - body.find("<main").unwrap_or(0))]);
    assert!(body.contains("Publishing version 2"));
    assert!(body.contains("Step removed") || body.contains("Title changed"));
    let res = admin.post_form("/admin/sops/publish", "/admin/sops/publish", &[("source", &edited)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/sops/child_protection?version=2");
    // Both versions stay readable; the old one says it is not in force.
    let (_, v1) = admin.text("/sops/child_protection?version=1").await;
    assert!(v1.contains("this is not the version in force"));
    let (_, v2) = admin.text("/sops/child_protection").await;
    assert!(v2.contains("Version 2") && v2.contains("Published versions"));
    // Publishing the same version again is refused.
    let res = admin.post_form("/admin/sops/publish", "/admin/sops/publish", &[("source", &edited)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // It is in the audit log.
    let (_, audit) = admin.text("/admin/audit?action=sop.publish").await;
    assert!(audit.contains("sop.publish"));
});

both_backends!(a_bad_file_is_refused_with_every_problem, |app| {
    let admin = app.signed_in(ADMIN).await;
    let res = admin.post_form("/admin/sops/publish", "/admin/sops/preview", &[("source", "id = \"x\"\nversion = -1\n<script>")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("role=\"alert\""));
    assert!(body.contains("Line "));
    assert!(!body.contains("<script>"), "the source is escaped when shown back");
    let res = admin.post_form("/admin/sops/publish", "/admin/sops/preview", &[("source", "id = \"x\"\nversion = -1\n")]).await;
    let body = res.text().await.unwrap();
    assert!(body.contains("The version must be a whole number of at least 1."));
    assert!(body.contains("This required field is missing."));
    // Nothing was published.
    let (_, list) = admin.text("/sops").await;
    assert_eq!(list.matches("<a href=\"/sops/").count(), 8);
    // A caseworker cannot publish.
    let cw = app.signed_in("caseworker@demo.passerelle.test").await;
    let res = cw.post_form("/sops", "/admin/sops/publish", &[("source", &pack_source("gbv"))]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
});

// The versions a list of cases follows are read together: each found once, whatever the
// repeats, and a version never published is simply not among them.
both_backends!(several_versions_are_read_in_one_go, |app| {
    let mut tx = app.store.read().await.unwrap();
    let wanted = [("child_protection", 1), ("gbv", 1), ("child_protection", 1), ("child_protection", 99), ("no_such_sop", 1)];
    let mut found: Vec<(String, u32)> = passerelle_store::sops::get_many(&mut tx, &wanted).await.unwrap()
        .into_iter().map(|p| (p.sop.id.clone(), p.sop.version)).collect();
    found.sort();
    assert_eq!(found, vec![("child_protection".to_string(), 1), ("gbv".to_string(), 1)]);
    // The same parsed version as one read alone.
    let one = passerelle_store::sops::get(&mut tx, "gbv", 1).await.unwrap().unwrap();
    let many = passerelle_store::sops::get_many(&mut tx, &[("gbv", 1)]).await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&one.sop, &many[0].sop));
});
