//! Long lists come in pages (issue 7): the caseload and the referral lists show a page at a
//! time with links to go on, every case or referral exactly once across the pages; the
//! supervisor's counts and the caseload export cover every page. A case's notes are shown
//! newest first, the rest on their own pages. Reads of a case or a person are recorded once per
//! reader and window, not at every reload.

mod common;

use common::*;
use passerelle_core::access::{scope_for, Permission, Scope};
use passerelle_core::referral::Status;
use passerelle_core::sop::RiskLevel;
use passerelle_store::people::{self, PersonInput, Sight};
use passerelle_store::referrals::{self, NewReferral};
use passerelle_store::users::{self, Viewer};
use passerelle_store::{cases, directory, sops};
use reqwest::StatusCode;
use std::collections::BTreeSet;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";
const FOCAL: &str = "focalpoint@demo.passerelle.test";

/// What `email` sees, as the pages build it.
async fn sight_of(app: &TestApp, email: &str) -> Sight {
    let mut tx = app.store.read().await.unwrap();
    let user = users::find_by_email(&mut tx, email).await.unwrap().unwrap();
    Sight {
        viewer: Viewer { id: user.id, agency_id: user.agency_id, team_id: user.team_id, scope: scope_for(&user.roles, Permission::ViewCases).unwrap_or(Scope::Own) },
        supervises: scope_for(&user.roles, Permission::ApproveCases).and(user.team_id),
    }
}

/// `n` people registered by the caseworker, each with an open case; every one also referred
/// (sent) to a service of the focal point's agency when `refer`.
async fn grow(app: &TestApp, n: usize, refer: bool) -> Vec<Uuid> {
    let cw = sight_of(app, CASEWORKER).await;
    let focal = sight_of(app, FOCAL).await;
    let mut tx = app.store.write().await.unwrap();
    let sop = sops::latest(&mut tx, "social_welfare").await.unwrap().unwrap().sop;
    let filter = directory::ServiceFilter { agency_id: focal.viewer.agency_id, status: Some("active".into()), ..Default::default() };
    let service: Uuid = directory::list_services(&mut tx, &filter).await.unwrap()[0].id().parse().unwrap();
    let today = chrono::Utc::now().date_naive();
    let mut ids = Vec::new();
    for i in 0..n {
        let input = PersonInput { given_names: format!("Page{i:03}"), family_names: "Listperson".into(), sex: "female".into(), ..Default::default() };
        let person = people::register(&mut tx, &cw.viewer, people::check(&input, today).unwrap()).await.unwrap();
        let case = cases::open(&mut tx, &cw, person.id, &sop, RiskLevel::Medium, false).await.unwrap();
        if refer {
            let new = NewReferral {
                service_id: Some(service),
                need: "health".into(),
                reason: "Listed in pages (test).".into(),
                legal_ground: Some("vital_interest".into()),
                send: true,
                ..Default::default()
            };
            let r = referrals::create(&mut tx, &cw, &case, &new).await.unwrap();
            assert_eq!(r.status, Status::Requested);
        }
        ids.push(case.id);
    }
    tx.commit().await.unwrap();
    ids
}

/// The links of a page's pager.
fn link(html: &str, rel: &str) -> Option<String> {
    let at = html.find(&format!("rel=\"{rel}\""))?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    Some(html[start..].split('"').next()?.replace("&amp;", "&").replace("&#38;", "&"))
}

/// The ids linked as `/{prefix}/{id}` in a page's table.
fn ids_in(html: &str, prefix: &str) -> Vec<Uuid> {
    let body = &html[html.find("<tbody>").unwrap_or(0)..];
    body.match_indices(&format!("href=\"/{prefix}/"))
        .filter_map(|(i, m)| body.get(i + m.len()..i + m.len() + 36)?.parse().ok())
        .collect()
}

/// Every page of a list from `first`, following the "next" links: the ids of each page.
async fn every_page(s: &Session, first: &str, prefix: &str) -> Vec<Vec<Uuid>> {
    let mut out = Vec::new();
    let mut at = Some(first.to_string());
    while let Some(path) = at {
        let (status, html) = s.text(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        out.push(ids_in(&html, prefix));
        at = link(&html, "next");
        assert!(out.len() < 20, "pages never end");
    }
    out
}

both_backends!(the_caseload_comes_in_pages_each_case_once, |app| {
    let grown = grow(&app, 70, false).await;
    let cw = app.signed_in(CASEWORKER).await;
    // The whole open caseload, as the API lists it (up to 1,000).
    let all: Vec<serde_json::Value> = cw.get("/api/v1/cases?status=open").await.json().await.unwrap();
    let all: BTreeSet<Uuid> = all.iter().map(|c| c["id"].as_str().unwrap().parse().unwrap()).collect();
    assert!(all.len() > 100, "{}", all.len());

    let pages = every_page(&cw, "/cases", "cases").await;
    assert!(pages.len() >= 3, "{} pages", pages.len());
    assert!(pages[..pages.len() - 1].iter().all(|p| p.len() == 50), "full pages of 50: {:?}", pages.iter().map(Vec::len).collect::<Vec<_>>());
    let listed: Vec<Uuid> = pages.concat();
    let unique: BTreeSet<Uuid> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "no case on two pages");
    assert_eq!(unique, all, "every case on a page");
    // Newest first: the cases just opened lead the first page.
    assert!(grown.iter().rev().take(50).all(|c| pages[0].contains(c)));

    // The second page links back to the first, keeping the filters.
    let (_, first) = cw.text("/cases?risk=medium").await;
    let next = link(&first, "next").expect("more than a page of medium-risk cases");
    assert!(next.contains("risk=medium") && next.contains("after="), "{next}");
    let (_, second) = cw.text(&next).await;
    assert!(second.contains("href=\"/cases?risk=medium\""), "a link to the first page");
    assert!(second.contains("cases on this page"));

    // A filter computed from the deadlines (not assessed, high risk) still fills its pages:
    // none here, and the page says so.
    let (status, html) = cw.text("/cases?unassessed=1&risk=low").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ids_in(&html, "cases").is_empty() && link(&html, "next").is_none());

    // The supervisor's counts are of the whole list, not of the page shown.
    let sup = app.signed_in(SUPERVISOR).await;
    let (_, html) = sup.text("/cases").await;
    let sup_all = every_page(&sup, "/cases", "cases").await.concat().len();
    assert_eq!(counted(&html), sup_all, "counts over {sup_all} cases");
    assert!(sup_all > 50);
});

/// The supervisor's count of cases by status, summed, as the caseload page shows it.
fn counted(html: &str) -> usize {
    let counts = &html[html.find("id=\"counts-h\"").unwrap()..html.find("</section>").unwrap()];
    let by_status = counts.split("<caption>").last().unwrap();
    by_status.match_indices("<td>").map(|(i, _)| by_status[i + 4..].split('<').next().unwrap().parse::<usize>().unwrap()).sum()
}

both_backends!(the_supervisors_counts_are_kept_a_minute_and_say_when, |app| {
    let sup = app.signed_in(SUPERVISOR).await;
    let (_, html) = sup.text("/cases").await;
    let before = counted(&html);
    assert!(html.contains("id=\"counted-at\"") && html.contains("Counted on") && html.contains("counted again after one minute"), "{html}");
    grow(&app, 3, false).await;
    let (_, html) = sup.text("/cases").await;
    assert_eq!(counted(&html), before, "the kept counts, within their minute");
    // Another filter is another count, counted now.
    let (_, html) = sup.text("/cases?risk=medium").await;
    let medium = every_page(&sup, "/cases?risk=medium", "cases").await.concat().len();
    assert_eq!(counted(&html), medium);
    assert!(medium >= 3);
});

both_backends!(counts_without_a_max_age_are_counted_at_every_view,
    with passerelle_web::WebConfig { counts_max_age: std::time::Duration::ZERO, ..Default::default() }, |app| {
    let sup = app.signed_in(SUPERVISOR).await;
    let (_, html) = sup.text("/cases").await;
    let before = counted(&html);
    grow(&app, 3, false).await;
    let (_, html) = sup.text("/cases").await;
    assert_eq!(counted(&html), before + 3);
    // Counted at every view: the page does not say they are kept.
    assert!(html.contains("Counted on") && !html.contains("counted again after"), "{html}");
});

both_backends!(the_referral_lists_come_in_pages, |app| {
    grow(&app, 60, true).await;
    let focal = app.signed_in(FOCAL).await;
    let inbox = every_page(&focal, "/referrals?box=received", "referrals").await;
    assert!(inbox.len() >= 2 && inbox[0].len() == 50);
    let listed: Vec<Uuid> = inbox.concat();
    let unique: BTreeSet<Uuid> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "no referral on two pages");
    assert!(unique.len() >= 60);
    // The API still answers with the whole list (up to 500).
    let api: Vec<serde_json::Value> = focal.get("/api/v1/referrals?box=received").await.json().await.unwrap();
    assert_eq!(api.len(), unique.len());
    // The second page goes back.
    let (_, second) = focal.text("/referrals?box=received&page=1").await;
    assert_eq!(link(&second, "prev").as_deref(), Some("/referrals?box=received"));

    let cw = app.signed_in(CASEWORKER).await;
    let sent = every_page(&cw, "/referrals?box=sent", "referrals").await.concat();
    assert_eq!(sent.len(), sent.iter().collect::<BTreeSet<_>>().len());
    assert!(sent.len() >= 60);
});

both_backends!(a_caseload_export_holds_every_page, |app| {
    grow(&app, 60, false).await;
    let cw = app.signed_in(CASEWORKER).await;
    let listed = every_page(&cw, "/cases", "cases").await.concat().len();
    assert!(listed > 50);
    let r = cw.post_form("/cases", "/cases/export", &[("format", "csv")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut tx = app.store.read().await.unwrap();
    let filter = passerelle_store::audit::Filter { action: Some("export.create".into()), limit: 10, ..Default::default() };
    let entries = passerelle_store::audit::list(&mut tx, &filter).await.unwrap();
    assert!(entries.iter().any(|e| e.detail.contains(&format!("\"rows\":{listed}"))), "{listed} rows: {entries:?}");
});

both_backends!(a_readers_reloads_of_a_record_are_recorded_once, |app| {
    let case = grow(&app, 1, false).await[0];
    let person = {
        let mut tx = app.store.read().await.unwrap();
        cases::visible(&mut tx, &sight_of(&app, CASEWORKER).await, case).await.unwrap().unwrap().person_id
    };
    let cw = app.signed_in(CASEWORKER).await;
    let sup = app.signed_in(SUPERVISOR).await;
    for _ in 0..3 {
        assert_eq!(cw.get(&format!("/cases/{case}")).await.status(), StatusCode::OK);
        assert_eq!(cw.get(&format!("/people/{person}")).await.status(), StatusCode::OK);
    }
    assert_eq!(sup.get(&format!("/cases/{case}")).await.status(), StatusCode::OK);
    // Someone who may not read cases is neither shown the case nor recorded.
    let admin = app.signed_in("admin@demo.passerelle.test").await;
    assert_eq!(admin.get(&format!("/cases/{case}")).await.status(), StatusCode::FORBIDDEN);
    let cw_id = app.user_id(CASEWORKER).await;
    let sup_id = app.user_id(SUPERVISOR).await;
    let mut tx = app.store.read().await.unwrap();
    let views = |action: &'static str, entity: Uuid| passerelle_store::audit::Filter { action: Some(action.into()), entity_id: Some(entity.to_string()), limit: 100, ..Default::default() };
    let case_views = passerelle_store::audit::list(&mut tx, &views("case.view", case)).await.unwrap();
    assert_eq!(case_views.iter().filter(|e| e.actor_id == Some(cw_id)).count(), 1, "{case_views:?}");
    assert_eq!(case_views.iter().filter(|e| e.actor_id == Some(sup_id)).count(), 1, "another reader is recorded");
    let person_views = passerelle_store::audit::list(&mut tx, &views("person.view", person)).await.unwrap();
    assert_eq!(person_views.len(), 1, "{person_views:?}");
    assert_eq!(case_views.len(), 2);
});

/// The note bodies a page shows, in its order.
fn notes_in(html: &str) -> Vec<String> {
    html.match_indices("<p>Note ").map(|(i, _)| html[i + 3..].split('<').next().unwrap().to_string()).collect()
}

both_backends!(a_case_shows_its_newest_notes_and_the_rest_page_by_page, |app| {
    let case = grow(&app, 1, false).await[0];
    let cw = app.signed_in(CASEWORKER).await;
    {
        let mut tx = app.store.write().await.unwrap();
        let author = sight_of(&app, CASEWORKER).await.viewer.id;
        for i in 0..75 {
            cases::add_note(&mut tx, author, case, &format!("Note {i:03}")).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    let newest: Vec<String> = (0..75).rev().map(|i| format!("Note {i:03}")).collect();
    let (status, html) = cw.text(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notes_in(&html), newest[..20], "the case page shows the 20 newest");
    assert!(html.contains(&format!("href=\"/cases/{case}/notes\" id=\"all-notes\"")), "{html}");
    // Every note exactly once across the pages, newest first.
    let mut seen = Vec::new();
    let mut path = Some(format!("/cases/{case}/notes"));
    let mut pages = 0;
    while let Some(p) = path {
        let (status, html) = cw.text(&p).await;
        assert_eq!(status, StatusCode::OK, "{p}");
        seen.extend(notes_in(&html));
        if pages > 0 {
            assert!(html.contains(&format!("href=\"/cases/{case}/notes\"")), "back to the first page: {html}");
        }
        path = link(&html, "next");
        pages += 1;
    }
    assert_eq!(pages, 2);
    assert_eq!(seen, newest);
    // An unreadable cursor is the first page.
    let (_, html) = cw.text(&format!("/cases/{case}/notes?after=not-a-note")).await;
    assert_eq!(notes_in(&html), newest[..50]);
    // Someone who may not see the case does not see its notes either.
    let focal = app.signed_in(FOCAL).await;
    assert!(matches!(focal.text(&format!("/cases/{case}/notes")).await.0, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN));
    // A case with few notes has no link to more.
    let other = grow(&app, 1, false).await[0];
    let (_, html) = cw.text(&format!("/cases/{other}")).await;
    assert!(!html.contains("id=\"all-notes\""));
});
