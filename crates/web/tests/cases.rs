//! People and cases over HTTP on both backends: registration with the duplicate check, a case's
//! whole life under every default SOP (forms, approvals, deadlines, closure, reopening), the
//! lost-update conflict, and who sees what.

mod common;
use common::post;
use common::id_after;
use common::staff;

use common::{location, Session, TestApp};
use passerelle_core::access::Scope;
use passerelle_store::people::Sight;
use passerelle_store::users::Viewer;
use reqwest::StatusCode;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const SUPERVISOR: &str = "supervisor@demo.passerelle.test";

/// The version the case page shows in its forms.
async fn case_version(s: &Session, case: Uuid) -> String {
    let (status, html) = s.text(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let key = "name=\"version\" value=\"";
    let start = html.find(key).expect("version field") + key.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Registers a person, past the duplicate check (tests of that check post it themselves).
async fn register(s: &Session, csrf: &str, given: &str, family: &str, birth: &str) -> reqwest::Response {
    post(s, "/people", csrf, &[("given_names", given), ("family_names", family), ("birth_date", birth), ("sex", "female"), ("nationality", "HT"), ("confirm_new", "1")]).await
}

both_backends!(registration_looks_for_duplicates_first, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    // Bad input: every problem at once.
    let r = post(&cw, "/people", &csrf, &[("given_names", ""), ("birth_date", "2999-01-01"), ("sex", "x")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"given_names-error\"") && html.contains("id=\"birth_date-error\"") && html.contains("id=\"sex\""));

    let r = register(&cw, &csrf, "Marie-Lourdes", "Jean-Baptiste", "1990-04-12").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let first = id_after("/people/", &location(&r));
    // Typed again with a slip and the names swapped: shown as a possible duplicate, not registered.
    let r = post(&cw, "/people", &csrf, &[("given_names", "Jean Baptiste"), ("family_names", "Marie Lourde"), ("birth_date", "1990-04-12")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("This person may already be registered"), "{html}");
    assert!(html.contains(&format!("/people/{first}")));
    assert!(html.contains("name=\"confirm_new\""));
    // The caseworker decides it is someone else: registered.
    let r = post(&cw, "/people", &csrf, &[("given_names", "Jean Baptiste"), ("family_names", "Marie Lourde"), ("birth_date", "1990-04-12"), ("confirm_new", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Fuzzy search finds her without accents and with a typo.
    let (_, html) = cw.text("/people?q=marie%20lourdes%20jean%20batiste").await;
    assert!(html.contains(&format!("/people/{first}")), "{html}");
});

// The search reads the blocks of one name alone only when the keys of two names (or a phone, an
// id) found few people: then people sharing a single name with the query are found too, after
// the one sharing both.
both_backends!(a_search_finds_people_sharing_one_name_after_those_sharing_both, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let mut ids = Vec::new();
    for (given, family, born) in [("Ysolde", "Quarantaine", "1980-02-03"), ("Ysolde", "Brevannes", "1975-06-07"), ("Ismérie", "Quarantaine", "1970-09-10")] {
        let r = post(&cw, "/people", &csrf, &[("given_names", given), ("family_names", family), ("birth_date", born), ("confirm_new", "1")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        ids.push(id_after("/people/", &location(&r)));
    }
    let at = |html: &str, id: &Uuid| html.find(&format!("/people/{id}\"")).unwrap_or_else(|| panic!("{id} not found: {html}"));
    let (_, html) = cw.text("/people?q=ysolde%20quarantain").await;
    let (both, given_only, family_only) = (at(&html, &ids[0]), at(&html, &ids[1]), at(&html, &ids[2]));
    assert!(both < given_only && both < family_only, "the person sharing both names comes first");
    // One name: only that name's block, both people bearing it.
    let (_, html) = cw.text("/people?q=quarantain").await;
    at(&html, &ids[0]);
    at(&html, &ids[2]);
    assert!(!html.contains(&format!("/people/{}\"", ids[1])), "Ysolde Brevannes shares no name with the query");
});

// A caseworker sees the people they registered, read through their own registrations: the
// search finds none of a teammate's people bearing the same name, the list shows their own newest
// first, and their supervisor finds everyone the team registered.
both_backends!(a_caseworker_searches_and_lists_the_people_they_registered, |app| {
    staff(&app, "cw2@demo.passerelle.test", "caseworker", "Social welfare team Saint-Aubin").await;
    let cw = app.signed_in(CASEWORKER).await;
    let cw2 = app.signed_in("cw2@demo.passerelle.test").await;
    let (csrf, csrf2) = (cw.csrf("/people/new").await, cw2.csrf("/people/new").await);
    let mine = id_after("/people/", &location(&register(&cw, &csrf, "Ysolde", "Vérandon", "1981-03-04").await));
    let theirs = id_after("/people/", &location(&register(&cw2, &csrf2, "Ysolde", "Vérandon", "1979-05-06").await));
    let later = id_after("/people/", &location(&register(&cw2, &csrf2, "Ysolde", "Tillac", "1985-07-08").await));
    let shows = |html: &str, id: &Uuid| html.contains(&format!("/people/{id}\""));
    let (_, html) = cw.text("/people?q=ysolde%20verandon").await;
    assert!(shows(&html, &mine) && !shows(&html, &theirs) && !shows(&html, &later), "{html}");
    let (_, html) = cw2.text("/people?q=ysolde%20verandon").await;
    assert!(shows(&html, &theirs) && shows(&html, &later) && !shows(&html, &mine), "{html}");
    let (_, html) = cw2.text("/people").await;
    let at = |id: &Uuid| html.find(&format!("/people/{id}\"")).unwrap_or_else(|| panic!("{id} listed: {html}"));
    assert!(at(&later) < at(&theirs), "newest first");
    assert!(!shows(&html, &mine));
    let sup = app.signed_in(SUPERVISOR).await;
    let (_, html) = sup.text("/people?q=ysolde%20verandon").await;
    assert!(shows(&html, &mine) && shows(&html, &theirs), "{html}");
});

// A search opens only the people sharing the most keys with the query: the one person sharing
// both names is found first even when registered after more people sharing one name (and one
// key) than the search opens.
both_backends!(a_search_opens_those_sharing_most_keys_first, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    for (i, family) in ["Quibert", "Quenot", "Quillard", "Quintal", "Quesnel", "Quimper", "Quoniam", "Quélard"].iter().enumerate() {
        let born = format!("19{}-01-01", 60 + i);
        let r = post(&cw, "/people", &csrf, &[("given_names", "Ysolde"), ("family_names", family), ("birth_date", &born), ("confirm_new", "1")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = post(&cw, "/people", &csrf, &[("given_names", "Ysolde"), ("family_names", "Quarantaine"), ("birth_date", "1980-02-03"), ("confirm_new", "1")]).await;
    let target = id_after("/people/", &location(&r));
    let mut tx = app.store.read().await.unwrap();
    let reader = Sight { viewer: Viewer { id: Uuid::now_v7(), agency_id: None, team_id: None, scope: Scope::All }, supervises: None };
    // A limit of two opens four people of the nine sharing the key "Ysolde, Q…".
    let found = passerelle_store::people::search(&mut tx, &reader, "ysolde quarantain", 2).await.unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].id, target, "{found:?}");
});

/// Walks one case through every step of its SOP: forms stored for the step (one of them filled
/// over HTTP for the first step), approvals asked and granted, steps completed, then closed and
/// reopened.
async fn whole_life(app: &TestApp, cw: &Session, sup: &Session, sop_id: &str) {
    let csrf = cw.csrf("/people/new").await;
    let r = register(cw, &csrf, &format!("Test {sop_id}"), "Person", "2012-06-01").await;
    let person = id_after("/people/", &location(&r));
    let r = post(cw, &format!("/people/{person}/cases"), &csrf, &[("sop", sop_id), ("risk", "high")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{sop_id}");
    let case = id_after("/cases/", &location(&r));
    let mut tx = app.store.read().await.unwrap();
    let sop = passerelle_store::sops::latest(&mut tx, sop_id).await.unwrap().unwrap().sop;
    drop(tx);
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    assert!(page.contains("to do") || page.contains("waiting"), "{sop_id}: step states shown");
    let sup_csrf = sup.csrf("/cases").await;
    let cw_user = app.user_id(CASEWORKER).await;
    let (last, rest) = sop.steps.split_last().unwrap();
    for (i, step) in rest.iter().enumerate() {
        if i == 0 && !step.forms.is_empty() {
            // A step with forms cannot be completed before they are filled in.
            let v = case_version(cw, case).await;
            let r = post(cw, &format!("/cases/{case}/steps"), &csrf, &[("step", &step.id), ("version", &v)]).await;
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{sop_id}/{}", step.id);
        }
        store_forms(app, cw_user, case, step).await;
        if !step.approvals.is_empty() {
            approve(cw, sup, &csrf, &sup_csrf, case, &step.id).await;
        }
        let v = case_version(cw, case).await;
        let r = post(cw, &format!("/cases/{case}/steps"), &csrf, &[("step", &step.id), ("version", &v)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{sop_id}/{}: {}", step.id, r.text().await.unwrap());
    }
    // Closing is the last step: refused until its forms and approval are done.
    let v = case_version(cw, case).await;
    let r = post(cw, &format!("/cases/{case}/close"), &csrf, &[("reason", "Goals reached"), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{sop_id}");
    store_forms(app, cw_user, case, last).await;
    if !last.approvals.is_empty() {
        approve(cw, sup, &csrf, &sup_csrf, case, &last.id).await;
    }
    let v = case_version(cw, case).await;
    let r = post(cw, &format!("/cases/{case}/close"), &csrf, &[("reason", "Goals reached"), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{sop_id}: {}", r.text().await.unwrap());
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    assert!(page.contains("Closed") && page.contains("Goals reached"), "{sop_id}");
    // Reopened: open again, history kept, the closure step to do again.
    let v = case_version(cw, case).await;
    let r = post(cw, &format!("/cases/{case}/reopen"), &csrf, &[("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    assert!(page.contains("Close the case"), "{sop_id}: reopened");
}

/// Stores a completed response for each form of `step` (filling them over HTTP is covered by
/// the form tests; here the case's rules are under test).
async fn store_forms(app: &TestApp, author: Uuid, case: Uuid, step: &passerelle_core::sop::Step) {
    let mut tx = app.store.write().await.unwrap();
    for form in &step.forms {
        let f = passerelle_store::forms::latest(&mut tx, form).await.unwrap().unwrap().form;
        let link = passerelle_store::responses::CaseStep { case_id: case, step_id: step.id.clone() };
        let author = passerelle_store::responses::Author { id: author, agency_id: None, team_id: None };
        passerelle_store::responses::submit(&mut tx, &author, form, f.version.as_deref().unwrap(), &serde_json::json!({}), Some(&link)).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn approve(cw: &Session, sup: &Session, csrf: &str, sup_csrf: &str, case: Uuid, step: &str) {
    let v = case_version(cw, case).await;
    let r = post(cw, &format!("/cases/{case}/approvals"), csrf, &[("step", step), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "request approval of {step}");
    // The caseworker cannot approve their own step.
    let r = post(cw, &format!("/cases/{case}/decisions"), csrf, &[("decision", "approve"), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, page) = sup.text(&format!("/cases/{case}")).await;
    let key = "name=\"approval\" value=\"";
    let start = page.find(key).expect("approval form for the supervisor") + key.len();
    let approval = page[start..start + 36].to_string();
    let v = case_version(sup, case).await;
    // Sending back needs a reason.
    let r = post(sup, &format!("/cases/{case}/decisions"), sup_csrf, &[("approval", &approval), ("decision", "reject"), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(sup, &format!("/cases/{case}/decisions"), sup_csrf, &[("approval", &approval), ("decision", "approve"), ("comment", "Fine"), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "approve {step}");
}

both_backends!(a_case_lives_through_every_default_sop, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let sup = app.signed_in(SUPERVISOR).await;
    let mut tx = app.store.read().await.unwrap();
    let sops = passerelle_store::sops::list_latest(&mut tx).await.unwrap();
    drop(tx);
    assert!(sops.len() >= 8);
    for p in &sops {
        whole_life(&app, &cw, &sup, &p.sop.id).await;
    }
});

both_backends!(a_form_filled_from_a_case_goes_into_its_step, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let r = register(&cw, &csrf, "Form", "Filler", "2010-01-01").await;
    let person = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{person}/cases"), &csrf, &[("sop", "child_protection"), ("risk", "critical")]).await;
    let case = id_after("/cases/", &location(&r));
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    let link = format!("/forms/registration/fill?case={case}&amp;step=registration");
    assert!(page.contains(&link), "fill link on the step");
    // Critical and not yet assessed: in the supervisor's and caseworker's "not assessed" view.
    let (_, list) = cw.text("/cases?unassessed=1").await;
    assert!(list.contains(&case.to_string()), "critical case without assessment listed");
    let (_, list) = cw.text("/cases?unassessed=1&risk=low").await;
    assert!(!list.contains(&case.to_string()));
    // A critical child case: the statutory referral is required.
    assert!(page.contains("Referrals the procedure requires"));
    let (_, form) = cw.text(&link.replace("&amp;", "&")).await;
    assert!(form.contains(&format!("name=\"_case\" value=\"{case}\"")));
    let version = {
        let k = "name=\"_version\" value=\"";
        let s = form.find(k).unwrap() + k.len();
        form[s..s + form[s..].find('"').unwrap()].to_string()
    };
    let fields = [
        ("_version", version.as_str()), ("_case", &case.to_string()), ("_step", "registration"),
        ("registration_date", "2026-01-10"), ("consent_given_by", "parent_or_guardian"), ("consent_registration", "no"),
    ];
    let r = post(&cw, "/forms/registration/fill", &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    assert_eq!(location(&r), format!("/cases/{case}?saved=1"));
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    assert!(page.contains("completed"), "the form shows as completed");
    // A form the step does not ask for is refused.
    let fields = [("_version", version.as_str()), ("_case", &case.to_string()), ("_step", "initial_assessment")];
    let r = post(&cw, "/forms/registration/fill", &csrf, &fields).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
});

both_backends!(two_people_editing_one_case_get_a_conflict, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let sup = app.signed_in(SUPERVISOR).await;
    let csrf = cw.csrf("/people/new").await;
    let r = register(&cw, &csrf, "Conflict", "Case", "1985-01-01").await;
    let person = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{person}/cases"), &csrf, &[("sop", "gbv"), ("risk", "medium")]).await;
    let case = id_after("/cases/", &location(&r));
    // Both open the page at the same version.
    let seen = case_version(&cw, case).await;
    assert_eq!(case_version(&sup, case).await, seen);
    let cw_user = app.user_id(CASEWORKER).await;
    let mut tx = app.store.read().await.unwrap();
    let sop = passerelle_store::sops::latest(&mut tx, "gbv").await.unwrap().unwrap().sop;
    drop(tx);
    // The caseload's "next step" column comes from the completed steps of all its cases, read at
    // once: it names the first step now, and moves on when that step is done.
    let first = sop.steps[0].title.get(passerelle_core::lang::Lang::En).to_string();
    let next_of = |list: &str| list.split("<tr>").find(|r| r.contains(&case.to_string())).map(str::to_string).unwrap_or_default();
    assert!(next_of(&cw.text("/cases").await.1).contains(&first), "the first step is next");
    store_forms(&app, cw_user, case, &sop.steps[0]).await;
    let sup_csrf = sup.csrf("/cases").await;
    let r = post(&sup, &format!("/cases/{case}/steps"), &sup_csrf, &[("step", &sop.steps[0].id), ("version", &seen)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let row = next_of(&cw.text("/cases").await.1);
    assert!(row.contains(&case.to_string()) && !row.contains(&first), "the row moved on: {row}");
    // The caseworker acts on what they saw: refused, with the reason, nothing written.
    let r = post(&cw, &format!("/cases/{case}/close"), &csrf, &[("reason", "x"), ("version", &seen)]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("Someone else changed this record"));
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    assert!(!page.contains("Closed"));
});

both_backends!(restricted_cases_are_out_of_every_list_and_count, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let r = post(&cw, "/people", &csrf, &[("given_names", "Hidden"), ("family_names", "Survivor"), ("restricted", "1")]).await;
    let person = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{person}/cases"), &csrf, &[("sop", "gbv"), ("risk", "high"), ("restricted", "1")]).await;
    let case = id_after("/cases/", &location(&r));
    let r = register(&cw, &csrf, "Open", "Record", "1980-01-01").await;
    let open_person = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{open_person}/cases"), &csrf, &[("sop", "social_welfare"), ("risk", "low")]).await;
    let open_case = id_after("/cases/", &location(&r));

    // The caseworker and their supervisor see it.
    assert_eq!(cw.get(&format!("/cases/{case}")).await.status(), StatusCode::OK);
    let sup = app.signed_in(SUPERVISOR).await;
    assert_eq!(sup.get(&format!("/cases/{case}")).await.status(), StatusCode::OK);
    let (_, list) = sup.text("/cases").await;
    assert!(list.contains(&case.to_string()));

    // Someone with a wider scope but no part in it (a national reader) does not: not one by
    // one, not in lists, not in counts, not in people search.
    let mut tx = app.store.write().await.unwrap();
    let outsider = Sight { viewer: Viewer { id: Uuid::now_v7(), agency_id: None, team_id: None, scope: Scope::All }, supervises: None };
    assert!(passerelle_store::cases::get(&mut tx, &outsider, case).await.unwrap().is_none());
    assert!(passerelle_store::cases::get(&mut tx, &outsider, open_case).await.unwrap().is_some());
    let all = passerelle_store::cases::list(&mut tx, &outsider, &passerelle_store::cases::Filter { limit: 1000, ..Default::default() }).await.unwrap();
    assert!(all.iter().all(|c| c.id != case) && all.iter().any(|c| c.id == open_case));
    let found = passerelle_store::people::search(&mut tx, &outsider, "Hidden Survivor", 50).await.unwrap();
    assert!(found.iter().all(|p| p.id != person));
    assert!(passerelle_store::people::get(&mut tx, &outsider, person).await.unwrap().is_none());
    // Every view of the case was written to the audit log.
    let filter = passerelle_store::audit::Filter { action: Some("case.view".into()), limit: 100, ..Default::default() };
    let views = passerelle_store::audit::list(&mut tx, &filter).await.unwrap();
    assert!(views.iter().filter(|e| e.entity_id.as_deref() == Some(&case.to_string())).count() >= 2);
    tx.commit().await.unwrap();

    // Administrators run the system; they do not read case files.
    let admin = app.signed_in("admin@demo.passerelle.test").await;
    assert_eq!(admin.get(&format!("/cases/{open_case}")).await.status(), StatusCode::FORBIDDEN);
});

async fn new_case(cw: &Session, csrf: &str, name: &str, sop: &str) -> (Uuid, Uuid) {
    let r = register(cw, csrf, name, "Testperson", "1992-02-02").await;
    let person = id_after("/people/", &location(&r));
    let r = post(cw, &format!("/people/{person}/cases"), csrf, &[("sop", sop), ("risk", "medium")]).await;
    (person, id_after("/cases/", &location(&r)))
}

both_backends!(a_case_is_transferred_to_another_agency_which_accepts, |app| {
    let (_, agency) = staff(&app, "sup.cpu@demo.passerelle.test", "supervisor", "Child protection team North").await;
    let (cpu_worker, _) = staff(&app, "cw.cpu@demo.passerelle.test", "caseworker", "Child protection team North").await;
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let (_, case) = new_case(&cw, &csrf, "Transfer", "child_protection").await;
    let v = case_version(&cw, case).await;
    // A reason is required.
    let r = post(&cw, &format!("/cases/{case}/transfers"), &csrf, &[("agency", &agency.to_string()), ("reason", ""), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(&cw, &format!("/cases/{case}/transfers"), &csrf, &[("agency", &agency.to_string()), ("reason", "Child protection concern"), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The receiving supervisor sees the request (not the person) and cannot open the case yet.
    let sup = app.signed_in("sup.cpu@demo.passerelle.test").await;
    let (_, list) = sup.text("/cases").await;
    assert!(list.contains("Transfers waiting for your team") && list.contains("Child protection concern"));
    assert!(!list.contains("Transfer Testperson"), "no personal data before acceptance");
    assert_eq!(sup.get(&format!("/cases/{case}")).await.status(), StatusCode::NOT_FOUND);
    let key = "action=\"/transfers/";
    let start = list.find(key).unwrap() + key.len();
    let transfer = &list[start..start + 36];
    let sup_csrf = sup.csrf("/cases").await;
    let r = post(&sup, &format!("/transfers/{transfer}/accept"), &sup_csrf, &[("assignee", &cpu_worker.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Now theirs: the new caseworker sees it, the former one no longer does.
    let cpu = app.signed_in("cw.cpu@demo.passerelle.test").await;
    assert_eq!(cpu.get(&format!("/cases/{case}")).await.status(), StatusCode::OK);
    assert_eq!(cw.get(&format!("/cases/{case}")).await.status(), StatusCode::NOT_FOUND);
    // Accepting twice is not possible.
    let r = post(&sup, &format!("/transfers/{transfer}/accept"), &sup_csrf, &[("assignee", &cpu_worker.to_string())]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
});

both_backends!(a_supervisor_reassigns_within_the_team, |app| {
    let (other, _) = staff(&app, "cw2@demo.passerelle.test", "caseworker", "Social welfare team Saint-Aubin").await;
    let (outsider, _) = staff(&app, "cw3@demo.passerelle.test", "caseworker", "Older persons unit").await;
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let (_, case) = new_case(&cw, &csrf, "Reassign", "social_welfare").await;
    let sup = app.signed_in(SUPERVISOR).await;
    let sup_csrf = sup.csrf("/cases").await;
    let v = case_version(&sup, case).await;
    // Not to someone of another team; not by the caseworker.
    let r = post(&sup, &format!("/cases/{case}/reassign"), &sup_csrf, &[("user", &outsider.to_string()), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(&cw, &format!("/cases/{case}/reassign"), &csrf, &[("user", &other.to_string()), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(&sup, &format!("/cases/{case}/reassign"), &sup_csrf, &[("user", &other.to_string()), ("version", &v)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(cw.get(&format!("/cases/{case}")).await.status(), StatusCode::NOT_FOUND);
    let cw2 = app.signed_in("cw2@demo.passerelle.test").await;
    assert_eq!(cw2.get(&format!("/cases/{case}")).await.status(), StatusCode::OK);
});

both_backends!(consent_is_recorded_and_withdrawn_never_erased, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let (_, case) = new_case(&cw, &csrf, "Consent", "gbv").await;
    let r = post(&cw, &format!("/cases/{case}/consents"), &csrf, &[("given_by", "person")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a scope is required");
    let r = post(&cw, &format!("/cases/{case}/consents"), &csrf, &[("given_by", "person"), ("scope", "referral"), ("scope", "share_with_agencies"), ("notes", "Explained in Kreyòl")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut tx = app.store.read().await.unwrap();
    let list = passerelle_store::consents::of_case(&mut tx, case).await.unwrap();
    drop(tx);
    assert!(passerelle_store::consents::covers(&list, "referral"));
    let r = post(&cw, &format!("/cases/{case}/consents/withdraw"), &csrf, &[("consent", &list[0].id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut tx = app.store.read().await.unwrap();
    let list = passerelle_store::consents::of_case(&mut tx, case).await.unwrap();
    assert_eq!(list.len(), 1, "kept");
    assert!(!passerelle_store::consents::covers(&list, "referral"), "no longer in force");
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    assert!(page.contains("withdrawn"));
});

async fn upload(s: &Session, csrf: &str, case: Uuid, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    s.client.post(format!("{}/cases/{case}/attachments?csrf_token={csrf}", s.base)).header("accept-language", "en").multipart(form).send().await.unwrap()
}

both_backends!(attachments_are_checked_and_served_only_to_those_who_see_the_case, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let (_, case) = new_case(&cw, &csrf, "Files", "social_welfare").await;
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let r = upload(&cw, &csrf, case, "../certificate \"medical\".pdf", pdf.clone()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Markup and executables are refused, whatever they are called; so is an empty file.
    for (name, bytes) in [("letter.pdf", b"<html><script>alert(1)</script></html>".to_vec()), ("x.txt", b"MZ\x90\x00\x03".to_vec()), ("e.pdf", vec![])] {
        let r = upload(&cw, &csrf, case, name, bytes).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{name}");
    }
    // Over the limit: 413, or a closed connection when the server stops reading first.
    let big = [b"%PDF-".as_slice(), &vec![b'a'; 11 * 1024 * 1024]].concat();
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(big).file_name("big.pdf"));
    match cw.client.post(format!("{}/cases/{case}/attachments?csrf_token={csrf}", cw.base)).multipart(form).send().await {
        Ok(r) => assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(e) => assert!(e.is_request(), "{e}"),
    }
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    let key = "href=\"/attachments/";
    let start = page.find(key).expect("listed") + key.len();
    let id = &page[start..start + 36];
    assert!(page.contains("certificate medical.pdf"), "path and quotes removed from the name");
    let r = cw.get(&format!("/attachments/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    // Nobody else: not another caseworker, not the administrator.
    staff(&app, "cw4@demo.passerelle.test", "caseworker", "Social welfare team Saint-Aubin").await;
    let other = app.signed_in("cw4@demo.passerelle.test").await;
    assert_eq!(other.get(&format!("/attachments/{id}")).await.status(), StatusCode::NOT_FOUND);
    let admin = app.signed_in("admin@demo.passerelle.test").await;
    assert_eq!(admin.get(&format!("/attachments/{id}")).await.status(), StatusCode::FORBIDDEN);
    // The bytes are not in the database.
    let mut tx = app.store.read().await.unwrap();
    let a = passerelle_store::attachments::of_case(&mut tx, case).await.unwrap();
    assert_eq!(a[0].size_bytes as usize, pdf.len());
    assert!(app.store.files_dir().unwrap().exists());
});

both_backends!(duplicates_are_merged_with_history_and_the_merge_undone, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let (kept, kept_case) = new_case(&cw, &csrf, "Mohamed", "social_welfare").await;
    let r = post(&cw, "/people", &csrf, &[("given_names", "Mohammed"), ("family_names", "Testperson"), ("birth_date", "1992-02-02"), ("confirm_new", "1")]).await;
    let dup = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{dup}/cases"), &csrf, &[("sop", "gbv"), ("risk", "low")]).await;
    let dup_case = id_after("/cases/", &location(&r));
    let (_, page) = cw.text(&format!("/people/{kept}/duplicates")).await;
    assert!(page.contains(&format!("name=\"other\" value=\"{dup}\"")), "{page}");
    let r = post(&cw, &format!("/people/{kept}/merge"), &csrf, &[("other", &dup.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = cw.text(&format!("/people/{kept}")).await;
    assert!(page.contains(&kept_case.to_string()) && page.contains(&dup_case.to_string()), "both cases on the kept record");
    let (_, page) = cw.text(&format!("/people/{dup}")).await;
    assert!(page.contains("This record was merged into another."));
    let (_, found) = cw.text("/people?q=Mohammed%20Testperson").await;
    assert!(!found.contains(&format!("/people/{dup}\"")), "merged records leave the search");
    // Undone: each record has its own case again.
    let (_, page) = cw.text(&format!("/people/{kept}")).await;
    let key = "action=\"/merges/";
    let start = page.find(key).unwrap() + key.len();
    let merge = &page[start..start + 36];
    let r = post(&cw, &format!("/merges/{merge}/undo"), &csrf, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = cw.text(&format!("/people/{dup}")).await;
    assert!(page.contains(&dup_case.to_string()) && !page.contains("merged into another"));
    // Judged distinct: not proposed again.
    let r = post(&cw, &format!("/people/{kept}/distinct"), &csrf, &[("other", &dup.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = cw.text(&format!("/people/{kept}/duplicates")).await;
    assert!(!page.contains(&format!("value=\"{dup}\"")));
});

both_backends!(the_api_reads_people_and_cases_within_the_same_limits, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let body = serde_json::json!({"given_names": "Api", "family_names": "Testperson", "birth_date": "1990-05-05", "external_id": "API-1"});
    let post_json = |body: serde_json::Value| cw.client.post(format!("{}/api/v1/people", cw.base)).header("x-csrf-token", &csrf).json(&body).send();
    let r = post_json(body.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let person: serde_json::Value = r.json().await.unwrap();
    // The same person again: possible duplicates, nothing registered, until confirmed.
    let r = post_json(body.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::MULTIPLE_CHOICES);
    let dup: serde_json::Value = r.json().await.unwrap();
    assert_eq!(dup["candidates"][0]["person"]["id"], person["id"]);
    let r = post_json(serde_json::json!({"given_names": "", "colour": "red"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "unknown fields are refused");
    let id = person["id"].as_str().unwrap();
    let r = post(&cw, &format!("/people/{id}/cases"), &csrf, &[("sop", "older_persons"), ("risk", "low")]).await;
    let case = id_after("/cases/", &location(&r));
    let list: serde_json::Value = cw.get(&format!("/api/v1/cases?person={id}")).await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let one: serde_json::Value = cw.get(&format!("/api/v1/cases/{case}")).await.json().await.unwrap();
    assert_eq!(one["sop_id"], "older_persons");
    assert_eq!(one["steps"][0]["status"], "open");
    let found: serde_json::Value = cw.get("/api/v1/people?q=API-1").await.json().await.unwrap();
    assert!(found.as_array().unwrap().iter().any(|p| p["id"] == person["id"]));
    // The administrator reads no case file through the API either.
    let admin = app.signed_in("admin@demo.passerelle.test").await;
    assert_eq!(admin.get(&format!("/api/v1/cases/{case}")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/api/v1/people").await.status(), StatusCode::FORBIDDEN);
});

both_backends!(a_restricted_case_is_shared_by_naming_a_colleague, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let r = post(&cw, "/people", &csrf, &[("given_names", "Named"), ("family_names", "Only"), ("restricted", "1")]).await;
    let person = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{person}/cases"), &csrf, &[("sop", "gbv"), ("risk", "high"), ("restricted", "1")]).await;
    let case = id_after("/cases/", &location(&r));
    let (colleague, _) = staff(&app, "colleague@demo.passerelle.test", "caseworker", "Social welfare team Saint-Aubin").await;
    let other = app.signed_in("colleague@demo.passerelle.test").await;
    let refused = |s: StatusCode| s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN;
    assert!(refused(other.get(&format!("/cases/{case}")).await.status()));
    // The colleague is offered on the case page, named, and then sees the case.
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    assert!(page.contains(&colleague.to_string()));
    let r = post(&cw, &format!("/cases/{case}/members"), &csrf, &[("user", &colleague.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(other.get(&format!("/cases/{case}")).await.status(), StatusCode::OK);
    let (_, list) = other.text("/cases").await;
    assert!(list.contains(&case.to_string()), "in their caseload too");
    // Someone outside the agency cannot be named.
    let r = post(&cw, &format!("/cases/{case}/members"), &csrf, &[("user", &app.user_id("focalpoint@demo.passerelle.test").await.to_string())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Removed: hidden again.
    let r = post(&cw, &format!("/cases/{case}/members/remove"), &csrf, &[("user", &colleague.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(refused(other.get(&format!("/cases/{case}")).await.status()));
});

both_backends!(a_duplicate_check_weighs_a_name_by_how_common_it_is_in_the_register, |app| {
    use passerelle_core::matching::{self, MatchTables, PreparedPerson};
    use passerelle_store::people::{self, PersonInput};
    let today = chrono::Utc::now().date_naive();
    let reader = Sight { viewer: Viewer { id: app.user_id(CASEWORKER).await, agency_id: None, team_id: None, scope: Scope::All }, supervises: None };
    let mut tx = app.store.write().await.unwrap();
    let person = |given: &str, family: &str| {
        let input = PersonInput { given_names: given.into(), family_names: family.into(), sex: "male".into(), ..Default::default() };
        people::check(&input, today).unwrap()
    };
    // Eighty men called Wilner, each with another family name: "Wilner" is a common name here.
    let families = ["Augustin", "Bellegarde", "Cadet", "Dorval", "Estime", "Fleurant", "Guerrier", "Hyppolite", "Innocent", "Jeanty"];
    for f in &families[..8] {
        for j in families {
            people::register(&mut tx, &reader.viewer, person("Wilner", &format!("{f}-{j}"))).await.unwrap();
        }
    }
    // Two pairs of records of one name each, no birth date: a common given name, a rare one.
    // Without the register's counts both pairs score alike, in the possible band; with them,
    // the rare name is still proposed, and the name eighty people of this register carry is not.
    let mut proposed = Vec::new();
    for given in ["Wilner", "Ysolde"] {
        let first = people::register(&mut tx, &reader.viewer, person(given, "Quarantain")).await.unwrap();
        let second = people::register(&mut tx, &reader.viewer, person(given, "Quarantain")).await.unwrap();
        let plain = matching::score(&PreparedPerson::new(&first.record(), MatchTables::builtin()), &PreparedPerson::new(&second.record(), MatchTables::builtin()));
        assert_eq!(plain.band, matching::MatchBand::Possible, "{given}: {plain:?}");
        let found = people::possible_duplicates(&mut tx, &reader, &second).await.unwrap();
        proposed.push(found.iter().find(|c| c.person.id == first.id).map(|c| c.score.score));
    }
    assert_eq!(proposed[0], None, "Wilner Quarantain: {proposed:?}");
    assert!(proposed[1].is_some_and(|s| s >= 0.75), "Ysolde Quarantain: {proposed:?}");
    // The register-wide scan weighs them alike.
    let scanned = people::all_duplicates(&mut tx, &reader, &|_| ()).await.unwrap();
    assert_eq!(scanned.iter().filter(|p| Some(p.score) == proposed[1]).count(), 1);
});

/// The reference for the register-wide scan: every person checked one by one, as registration
/// does, each pair once from its earlier-registered side.
async fn one_by_one(tx: &mut passerelle_store::Tx, reader: &Sight) -> Vec<(passerelle_store::people::Person, passerelle_store::people::Candidate)> {
    use passerelle_store::people;
    let everyone = people::search(tx, reader, "", 10_000).await.unwrap();
    let mut found = Vec::new();
    for p in &everyone {
        for c in people::possible_duplicates(tx, reader, p).await.unwrap() {
            if (p.created_at, p.id) < (c.person.created_at, c.person.id) {
                found.push((p.clone(), c));
            }
        }
    }
    found
}

both_backends!(the_register_wide_duplicate_scan_finds_what_each_persons_check_finds, |app| {
    use passerelle_core::matching::generator::{Generator, GeneratorConfig};
    use passerelle_core::matching::{BirthDate, Sex};
    use passerelle_store::people::{self, PersonInput};
    use std::collections::BTreeSet;
    let today = chrono::Utc::now().date_naive();
    let generated = Generator::builtin(GeneratorConfig { seed: 7, duplicate_rate: 0.2, reference_date: today });
    let reader = Sight { viewer: Viewer { id: app.user_id(CASEWORKER).await, agency_id: None, team_id: None, scope: Scope::All }, supervises: None };
    let mut tx = app.store.write().await.unwrap();
    for g in generated.people(300) {
        let r = &g.record;
        let input = PersonInput {
            given_names: r.given_names.clone(),
            family_names: r.family_names.clone(),
            other_names: r.other_names.join("\n"),
            sex: match r.sex { Some(Sex::Female) => "female", Some(Sex::Male) => "male", _ => "" }.into(),
            birth_date: match r.birth { Some(BirthDate::Exact(d)) => d.to_string(), _ => String::new() },
            phone: r.phone.clone().unwrap_or_default(),
            external_id: r.external_id.clone().unwrap_or_default(),
            ..Default::default()
        };
        let Ok(person) = people::check(&input, today) else { continue };
        people::register(&mut tx, &reader.viewer, person).await.unwrap();
    }
    let pairs = |found: &[(people::Person, people::Candidate)]| -> BTreeSet<(Uuid, Uuid)> {
        found.iter().map(|(a, c)| (a.id.min(c.person.id), a.id.max(c.person.id))).collect()
    };
    let scanned_pairs = |found: &[people::DuplicatePair]| -> BTreeSet<(Uuid, Uuid)> {
        found.iter().map(|p| (p.a.min(p.b), p.a.max(p.b))).collect()
    };
    let checked = one_by_one(&mut tx, &reader).await;
    let reference = pairs(&checked);
    let reports = std::sync::Mutex::new(Vec::new());
    let scanned = people::all_duplicates(&mut tx, &reader, &|step| reports.lock().unwrap().push(step)).await.unwrap();
    let reports = reports.into_inner().unwrap();
    let everyone = people::search(&mut tx, &reader, "", 10_000).await.unwrap().len();
    assert_eq!(reports.first(), Some(&people::ScanProgress::Read { done: everyone, of: everyone }), "300 people: one batch read");
    assert_eq!(reports.last(), Some(&people::ScanProgress::Checked { done: everyone, of: everyone }));
    for (a, c) in &checked {
        let pair = scanned.iter().find(|p| (p.a, p.b) == (a.id, c.person.id)).expect("each pair from its earlier side");
        assert_eq!((pair.score, pair.band), (c.score.score, c.score.band), "the scan scores as the person's check does");
    }
    assert!(reference.len() >= 20, "the generator plants duplicates: {}", reference.len());
    assert_eq!(scanned_pairs(&scanned), reference);
    assert_eq!(scanned.len(), reference.len(), "each pair once");
    assert!(scanned.windows(2).all(|w| w[0].score >= w[1].score), "best first");
    // Each pair from its earlier-registered side, as the one-by-one check scores it.
    for pair in &scanned {
        let a = people::get(&mut tx, &reader, pair.a).await.unwrap().unwrap();
        let b = people::get(&mut tx, &reader, pair.b).await.unwrap().unwrap();
        assert!((a.created_at, a.id) < (b.created_at, b.id));
    }
    let opened = people::get_many(&mut tx, &reader, &[scanned[0].a, scanned[0].b, Uuid::now_v7()]).await.unwrap();
    assert_eq!(opened.len(), 2, "the people of a pair, and no one for an unknown id");
    // A pair judged to be two people leaves both.
    let (a, b) = *reference.iter().next().unwrap();
    people::mark_distinct(&mut tx, reader.viewer.id, a, b).await.unwrap();
    let after = scanned_pairs(&people::all_duplicates(&mut tx, &reader, &|_| ()).await.unwrap());
    assert!(!after.contains(&(a, b)));
    assert_eq!(after, pairs(&one_by_one(&mut tx, &reader).await));
    assert_eq!(after.len(), reference.len() - 1);
});
