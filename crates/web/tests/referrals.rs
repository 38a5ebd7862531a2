//! Referrals over HTTP on both backends: the whole lifecycle between a caseworker and a
//! receiving service, consent enforcement, data minimisation (asserted on the bytes the receiver
//! gets), who may set which status, deadlines, a service outside Passerelle, capacity, anonymous
//! feedback, pathways, and the suppressed figures.

mod common;
use common::post;
use common::id_after;

use common::{location, Session, TestApp};
use passerelle_core::directory::profile;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_store::directory::{self, ServiceFilter};
use reqwest::StatusCode;
use uuid::Uuid;

const CASEWORKER: &str = "caseworker@demo.passerelle.test";
const FOCAL_POINT: &str = "focalpoint@demo.passerelle.test";
const MNE: &str = "mne@demo.passerelle.test";
const ADMIN: &str = "admin@demo.passerelle.test";

const NAME: &str = "Zéphirine";
const FAMILY: &str = "Moraliste";
const PHONE: &str = "+509 3777 0142";

/// A service and its top-level need: kept by the focal point's agency (`internal`) or by an
/// organisation outside Passerelle.
async fn service(app: &TestApp, internal: bool) -> (Uuid, String) {
    let mut tx = app.store.read().await.unwrap();
    let agency = passerelle_store::users::find_by_email(&mut tx, FOCAL_POINT).await.unwrap().unwrap().agency_id;
    let all = directory::list_services(&mut tx, &ServiceFilter { status: Some("active".into()), ..Default::default() }).await.unwrap();
    let entry = all
        .into_iter()
        .find(|e| if internal { e.agency_id == agency } else { e.agency_id.is_none() })
        .expect("a demo service");
    let code = profile::codes(&entry.service, Taxonomy::needs()).into_iter().next().expect("a need");
    let root = Taxonomy::needs().lineage(&code).into_iter().find(|c| Taxonomy::needs().get(c).is_some_and(|t| t.parent.is_none())).unwrap().to_string();
    (entry.id().parse().unwrap(), root)
}

/// Registers a person and opens a case; returns the case id.
async fn a_case(cw: &Session, csrf: &str) -> Uuid {
    let r = post(cw, "/people", csrf, &[("given_names", NAME), ("family_names", FAMILY), ("birth_date", "1994-02-03"), ("sex", "female"),
        ("phone", PHONE), ("nationality", "HT"), ("migration_status", "irregular_migrant"), ("languages", "ht, fr"), ("confirm_new", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let person = id_after("/people/", &location(&r));
    let r = post(cw, &format!("/people/{person}/cases"), csrf, &[("sop", "social_welfare"), ("risk", "medium")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    id_after("/cases/", &location(&r))
}

async fn consent(app: &TestApp, cw: &Session, csrf: &str, case: Uuid) -> Uuid {
    let r = post(cw, &format!("/cases/{case}/consents"), csrf, &[("given_by", "person"), ("scope", "referral")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut tx = app.store.read().await.unwrap();
    passerelle_store::consents::of_case(&mut tx, case).await.unwrap()[0].id
}

async fn refer(cw: &Session, csrf: &str, case: Uuid, service: Uuid, need: &str, basis: (&str, &str)) -> reqwest::Response {
    let svc = service.to_string();
    post(cw, &format!("/cases/{case}/referrals"), csrf, &[("need", need), ("service", &svc), ("urgency", "urgent"),
        ("reason", "Needs an appointment this week"), ("share", "age"), ("share", "sex"), ("share", "languages"), basis, ("action", "send")]).await
}

async fn count_referrals(app: &TestApp) -> i64 {
    let mut tx = app.store.read().await.unwrap();
    passerelle_store::referrals::figure_rows(&mut tx, chrono::Utc::now() - chrono::Duration::days(3650), chrono::Utc::now() + chrono::Duration::days(1)).await.unwrap().len() as i64
}

async fn set(s: &Session, csrf: &str, referral: Uuid, to: &str, note: &str, outcome: &str) -> reqwest::Response {
    // The version as the API gives it, the same one the page puts in its forms.
    let (_, json) = s.text(&format!("/api/v1/referrals/{referral}")).await;
    let v = serde_json::from_str::<serde_json::Value>(&json).unwrap()["version"].to_string();
    post(s, &format!("/referrals/{referral}/status"), csrf, &[("version", &v), ("to", to), ("note", note), ("outcome", outcome)]).await
}

both_backends!(lifecycle_consent_and_minimisation, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let fp = app.signed_in(FOCAL_POINT).await;
    let csrf = cw.csrf("/people/new").await;
    let fp_csrf = fp.csrf("/referrals").await;
    let case = a_case(&cw, &csrf).await;
    let (svc, need) = service(&app, true).await;

    // The form suggests the receiving agency's service for its need.
    let (status, html) = cw.text(&format!("/cases/{case}/referrals/new?need={need}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&svc.to_string()), "suggested");

    // Without consent or legal ground: refused with a named error, nothing written.
    let r = refer(&cw, &csrf, case, svc, &need, ("consent", "")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("cannot be sent"));
    assert_eq!(count_referrals(&app).await, 0);
    // An unknown legal ground is refused too.
    let r = refer(&cw, &csrf, case, svc, &need, ("legal_ground", "convenience")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let k = consent(&app, &cw, &csrf, case).await.to_string();
    let r = refer(&cw, &csrf, case, svc, &need, ("consent", &k)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let referral = id_after("/referrals/", &location(&r));

    // The receiver: in the inbox, and the page and the API carry only what was shared.
    let (_, inbox) = fp.text("/referrals?box=received").await;
    assert!(inbox.contains(&referral.to_string()), "in the inbox");
    let (status, page) = fp.text(&format!("/referrals/{referral}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, api) = fp.text(&format!("/api/v1/referrals/{referral}")).await;
    for body in [&page, &api] {
        for secret in [NAME, FAMILY, PHONE, "1994-02-03", &case.to_string(), "irregular"] {
            assert!(!body.contains(secret), "the receiver must not see {secret}");
        }
        assert!(body.contains("Needs an appointment this week"));
    }
    assert!(page.contains("ht, fr"), "a shared field is shown");
    assert!(!api.contains("case_id") && !api.contains("feedback_code"));
    // The receiver cannot open the case itself.
    let (status, _) = fp.text(&format!("/cases/{case}")).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{status}");

    // Who may set which status.
    let r = set(&cw, &csrf, referral, "accepted", "", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "the referrer cannot accept");
    let r = set(&fp, &fp_csrf, referral, "cancelled", "", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "the receiver cannot cancel");
    let r = set(&fp, &fp_csrf, referral, "rejected", "", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a rejection needs a reason");
    assert!(r.text().await.unwrap().contains("reason for rejecting"));
    // A stale version is a conflict.
    let r = post(&fp, &format!("/referrals/{referral}/status"), &fp_csrf, &[("version", "0"), ("to", "accepted")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(set(&fp, &fp_csrf, referral, "accepted", "", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(set(&fp, &fp_csrf, referral, "in-progress", "", "").await.status(), StatusCode::SEE_OTHER);
    let r = set(&fp, &fp_csrf, referral, "completed", "", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "completion needs the outcome");
    assert_eq!(set(&fp, &fp_csrf, referral, "completed", "", "Seen by the nurse, follow-up booked").await.status(), StatusCode::SEE_OTHER);
    let r = set(&fp, &fp_csrf, referral, "in-progress", "", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "nothing moves after completion");

    // The referrer sees every change and the outcome.
    let (_, page) = cw.text(&format!("/referrals/{referral}")).await;
    for s in ["Requested", "Accepted", "In progress", "Completed", "Seen by the nurse, follow-up booked"] {
        assert!(page.contains(s), "history shows {s}");
    }
    let (_, case_page) = cw.text(&format!("/cases/{case}")).await;
    assert!(case_page.contains(&format!("/referrals/{referral}")));
    // The completed referral is among the services the person received.
    let provided = &case_page[case_page.find("id=\"provided-h\"").unwrap()..];
    assert!(provided.contains("Seen by the nurse, follow-up booked") && provided.contains("through a referral"), "{provided}");
    // And a service recorded by hand, with bad input refused first.
    let r = post(&cw, &format!("/cases/{case}/services"), &csrf, &[("service", &svc.to_string()), ("provided_on", "2999-01-01")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(&cw, &format!("/cases/{case}/services"), &csrf, &[("service", &svc.to_string()), ("provided_on", "2026-01-05"), ("notes", "Food parcel")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, case_page) = cw.text(&format!("/cases/{case}")).await;
    assert!(case_page.contains("Food parcel"));

    // Every change is audited with codes, never the shared values.
    let mut tx = app.store.read().await.unwrap();
    let filter = passerelle_store::audit::Filter { action: Some("referral.".into()), limit: 500, ..Default::default() };
    let entries = passerelle_store::audit::list(&mut tx, &filter).await.unwrap();
    let changes = entries.iter().filter(|e| e.action == "referral.status").count();
    assert_eq!(changes, 3);
    assert!(entries.iter().all(|e| !e.detail.contains("ht, fr")));
});

// A national directory holds thousands of services: the forms about a case offer those near
// it (the caseworker's agency's, those the case was referred to), and find any other by name.
both_backends!(a_case_offers_the_services_near_it_and_finds_others_by_name, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let case = a_case(&cw, &csrf).await;
    let (referred, need) = service(&app, true).await;
    let (outside, _) = service(&app, false).await;
    let (own, outside_name, active) = {
        let mut tx = app.store.read().await.unwrap();
        let agency = passerelle_store::users::find_by_email(&mut tx, CASEWORKER).await.unwrap().unwrap().agency_id;
        let all = directory::list_services(&mut tx, &ServiceFilter { status: Some("active".into()), ..Default::default() }).await.unwrap();
        let own: Vec<String> = all.iter().filter(|e| e.agency_id == agency && agency.is_some()).map(|e| e.id().to_string()).collect();
        let name = all.iter().find(|e| e.id() == outside.to_string()).unwrap().service.name.clone();
        (own, name, all.len())
    };
    assert!(!own.is_empty(), "the caseworker's agency keeps services in the demo directory");
    let offered = |html: &str, prefix: &str| -> Vec<String> {
        html.split(&format!("<option value=\"{prefix}")).skip(1).filter_map(|s| s.get(..36)).filter(|id| id.parse::<Uuid>().is_ok()).map(str::to_string).collect()
    };
    let page = |html: String| html[html.find("id=\"provided-h\"").unwrap()..].to_string();

    // The caseworker's agency's services, not the whole directory.
    let (status, html) = cw.text(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    let first = offered(&page(html), "");
    assert!(own.iter().all(|id| first.contains(id)), "{first:?}");
    assert!(!first.contains(&referred.to_string()) && !first.contains(&outside.to_string()));
    assert!(first.len() < active, "{} of {active}", first.len());

    // Referred: the service is offered from then on.
    let k = consent(&app, &cw, &csrf, case).await.to_string();
    let r = refer(&cw, &csrf, case, referred, &need, ("consent", &k)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cw.text(&format!("/cases/{case}")).await;
    assert!(offered(&page(html), "").contains(&referred.to_string()));

    // Any other found by a word of its name, in another case, without script (a GET form).
    let word = outside_name.split_whitespace().max_by_key(|w| w.chars().count()).unwrap().to_lowercase();
    let q = urlencoding(&word);
    let (_, html) = cw.text(&format!("/cases/{case}?service_q={q}")).await;
    let html = page(html);
    assert!(html.contains("name=\"service_q\"") && html.contains(&format!("value=\"{}\"", word)), "the words stay in the field");
    assert!(offered(&html, "").contains(&outside.to_string()), "{word}");
    // The plan's lists alike.
    let r = post(&cw, &format!("/cases/{case}/plan/goals"), &csrf, &[("goal_title", "Health")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, plan) = cw.text(&format!("/cases/{case}/plan")).await;
    assert!(!offered(&plan, "service:").contains(&outside.to_string()));
    let (_, plan) = cw.text(&format!("/cases/{case}/plan?service_q={q}")).await;
    assert!(offered(&plan, "service:").contains(&outside.to_string()));
    // Words that are no service's name add nothing, and break nothing.
    let (status, html) = cw.text(&format!("/cases/{case}?service_q=%25_%3Cscript%3E")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>") && !offered(&page(html), "").contains(&outside.to_string()));
});

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

both_backends!(deadlines_outside_services_capacity_feedback, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let fp = app.signed_in(FOCAL_POINT).await;
    let csrf = cw.csrf("/people/new").await;
    let fp_csrf = fp.csrf("/referrals").await;
    let case = a_case(&cw, &csrf).await;
    let (svc, need) = service(&app, true).await;

    // A child-protection duty stands in for consent.
    let r = refer(&cw, &csrf, case, svc, &need, ("legal_ground", "child_protection_duty")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let referral = id_after("/referrals/", &location(&r));
    // Urgent: due 72 hours after sending. Past it, overdue on both sides.
    let mut tx = app.store.write().await.unwrap();
    let past = chrono::Utc::now() - chrono::Duration::hours(80);
    passerelle_store::referrals::backdate(&mut tx, referral, past).await.unwrap();
    tx.commit().await.unwrap();
    let (_, inbox) = fp.text("/referrals?box=received&overdue=1").await;
    assert!(inbox.contains(&referral.to_string()) && inbox.contains("Overdue"));
    let (_, sent) = cw.text("/referrals?box=sent&overdue=1").await;
    assert!(sent.contains(&referral.to_string()));
    let (_, page) = cw.text(&format!("/referrals/{referral}")).await;
    assert!(page.contains("has not answered within"));
    let (_, dash) = fp.text("/dashboard").await;
    assert!(dash.contains("One referral to your agency is waiting"), "{dash}");
    // Answered: no longer overdue.
    assert_eq!(set(&fp, &fp_csrf, referral, "accepted", "", "").await.status(), StatusCode::SEE_OTHER);
    let (_, inbox) = fp.text("/referrals?box=received&overdue=1").await;
    assert!(!inbox.contains(&referral.to_string()));

    // A service outside Passerelle: the referrer records its answers on its behalf.
    let (outside, outside_need) = service(&app, false).await;
    let r = refer(&cw, &csrf, case, outside, &outside_need, ("legal_ground", "vital_interest")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ext = id_after("/referrals/", &location(&r));
    let (_, print) = cw.text(&format!("/referrals/{ext}/print")).await;
    assert!(print.contains("Needs an appointment this week") && !print.contains(PHONE));
    assert_eq!(set(&cw, &csrf, ext, "accepted", "", "").await.status(), StatusCode::SEE_OTHER);
    let (_, fp_page) = fp.text(&format!("/referrals/{ext}")).await;
    assert!(fp_page.contains("Not found") || !fp_page.contains(&ext.to_string()), "another agency's referral is not the focal point's");

    // Anonymous feedback with the slip's code: once.
    let code = {
        let mut tx = app.store.read().await.unwrap();
        let sight = passerelle_store::people::Sight { viewer: passerelle_store::users::Viewer { id: app.user_id(CASEWORKER).await, agency_id: None, team_id: None, scope: passerelle_core::access::Scope::All }, supervises: None };
        passerelle_store::referrals::get(&mut tx, &sight, true, None, referral).await.unwrap().unwrap().0.feedback_code.unwrap()
    };
    let anon = Session::anonymous(&app);
    let acsrf = anon.csrf("/feedback").await;
    let r = post(&anon, "/feedback", &acsrf, &[("code", &code.to_lowercase()), ("received", "yes"), ("quality", "4"), ("waiting_days", "3"), ("difficulty", "distance")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Thank you"));
    let r = post(&anon, "/feedback", &acsrf, &[("code", &code), ("received", "yes")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a code is good for one answer");
    let r = post(&anon, "/feedback", &acsrf, &[("code", "NOTACODE"), ("received", "maybe"), ("quality", "9")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut tx = app.store.read().await.unwrap();
    let summary = passerelle_store::referrals::feedback_summary(&mut tx, svc).await.unwrap();
    assert_eq!((summary.answers, summary.received, summary.mean_quality), (1, 1, Some(4.0)));
    drop(tx);

    // Capacity: the receiving agency says the service is full; referrers see it before referring.
    let r = post(&fp, "/referrals/capacity", &fp_csrf, &[("service", &svc.to_string()), ("taking", "yes"), ("places", "0")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, form) = cw.text(&format!("/cases/{case}/referrals/new?need={need}")).await;
    assert!(form.contains("Full: not taking referrals now"));
    let (_, public) = Session::anonymous(&app).text(&format!("/services/{svc}")).await;
    assert!(public.contains("Full: not taking referrals now"), "the public service page says so too");
    assert!(!public.contains("What people referred here said"), "one answer is not shown");
    // Another agency's service is not the focal point's to change.
    let r = post(&fp, "/referrals/capacity", &fp_csrf, &[("service", &outside.to_string()), ("taking", "no")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Pathways: kept by the administrator, read by staff.
    let admin = app.signed_in(ADMIN).await;
    let a_csrf = admin.csrf("/admin/pathways").await;
    let r = post(&admin, "/admin/pathways", &a_csrf, &[("need", &need), ("area", ""), ("service", &svc.to_string()), ("note", "First stop")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(&admin, "/admin/pathways", &a_csrf, &[("need", "not-a-need"), ("service", &svc.to_string())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, pw) = cw.text("/referrals/pathways").await;
    assert!(pw.contains("First stop"));
});

both_backends!(figures_are_suppressed, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let case = a_case(&cw, &csrf).await;
    let (svc, need) = service(&app, true).await;
    let (outside, outside_need) = service(&app, false).await;
    for _ in 0..6 {
        assert_eq!(refer(&cw, &csrf, case, svc, &need, ("legal_ground", "vital_interest")).await.status(), StatusCode::SEE_OTHER);
    }
    for _ in 0..2 {
        assert_eq!(refer(&cw, &csrf, case, outside, &outside_need, ("legal_ground", "vital_interest")).await.status(), StatusCode::SEE_OTHER);
    }
    let mne = app.signed_in(MNE).await;
    let (status, html) = mne.text("/referrals/figures?by=to_agency").await;
    assert_eq!(status, StatusCode::OK);
    let table = &html[html.find("id=\"referral-figures\"").unwrap()..];
    // The two sent outside are hidden, and so is a complement (here the six), so that the
    // total of eight cannot give them away.
    assert!(table.contains("<td>8</td>"), "{table}");
    assert!(!table.contains("<td>2</td>") && !table.contains("<td>6</td>"), "{table}");
    assert_eq!(table.matches("<td>—</td>").count(), 2 * 6, "both rows' counts and rates hidden: {table}");
    // The figures need their own permission.
    let (status, _) = cw.text("/referrals/figures").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

both_backends!(the_sop_sets_the_response_time, |app| {
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let r = post(&cw, "/people", &csrf, &[("given_names", "Ti-Jean"), ("family_names", "Exemple"), ("birth_date", "2017-05-01"), ("confirm_new", "1")]).await;
    let person = id_after("/people/", &location(&r));
    let r = post(&cw, &format!("/people/{person}/cases"), &csrf, &[("sop", "child_protection"), ("risk", "high")]).await;
    let case = id_after("/cases/", &location(&r));
    // The case page lists the statutory referral as due, with its link.
    let (_, page) = cw.text(&format!("/cases/{case}")).await;
    assert!(page.contains("referrals/new?need=child_protection&amp;step="), "{page}");
    let mut tx = app.store.read().await.unwrap();
    let svc = directory::list_services(&mut tx, &ServiceFilter { need: Some("child_protection".into()), status: Some("active".into()), ..Default::default() }).await.unwrap()[0].id().to_string();
    let step = passerelle_store::sops::latest(&mut tx, "child_protection").await.unwrap().unwrap().sop.steps.iter().find(|s| !s.referrals.is_empty()).unwrap().id.clone();
    drop(tx);
    let r = post(&cw, &format!("/cases/{case}/referrals"), &csrf, &[("need", "child_protection"), ("step", &step), ("service", &svc), ("urgency", "normal"),
        ("reason", "Report of a child at risk"), ("legal_ground", "child_protection_duty"), ("action", "send")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let referral = id_after("/referrals/", &location(&r));
    let (_, json) = cw.text(&format!("/api/v1/referrals/{referral}")).await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let at = |k: &str| chrono::DateTime::parse_from_rfc3339(v[k].as_str().unwrap()).unwrap();
    // Normal urgency would give two weeks; the procedure says 24 hours.
    assert_eq!((at("due_at") - at("sent_at")).num_hours(), 24, "{json}");
});

/// A mail relay that accepts everything and keeps each message's text.
async fn smtp_sink() -> (String, std::sync::Arc<tokio::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let got = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let keep = got.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink\r\n").await.ok();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            keep.lock().await.push(std::mem::take(body));
                            data = None;
                            write.write_all(b"250 kept\r\n").await.ok();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let reply: &[u8] = match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => b"221 bye\r\n",
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.ok();
                }
            });
        }
    });
    (url, got)
}

async fn notification_carries_no_personal_data(backend: common::Backend) {
    let (url, got) = smtp_sink().await;
    let mailer = passerelle_web::notify::Mailer::new(&url, "Passerelle <noreply@belleterre.example>", "https://passerelle.belleterre.example").unwrap();
    let config = passerelle_web::WebConfig { mailer: Some(std::sync::Arc::new(mailer)), ..Default::default() };
    let app = TestApp::spawn_with(backend, config).await;
    let cw = app.signed_in(CASEWORKER).await;
    let csrf = cw.csrf("/people/new").await;
    let case = a_case(&cw, &csrf).await;
    let (svc, need) = service(&app, true).await;
    let r = refer(&cw, &csrf, case, svc, &need, ("legal_ground", "vital_interest")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut messages = Vec::new();
    for _ in 0..100 {
        messages = got.lock().await.clone();
        if !messages.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The focal point of the receiving agency is told; the message names no one and nothing.
    assert_eq!(messages.len(), 1, "{messages:?}");
    // Undo quoted-printable's soft line breaks and the one escape a URL needs here.
    let m = &messages[0].replace("=\n", "").replace("=3D", "=");
    assert!(m.contains("To: focalpoint@demo.passerelle.test"), "{m}");
    assert!(m.contains("https://passerelle.belleterre.example/referrals?box=received"), "{m}");
    for secret in [NAME, FAMILY, PHONE, "Needs an appointment", "REF-", &case.to_string()] {
        assert!(!m.contains(secret), "the email must not carry {secret}");
    }
    // A draft is not sent: no mail.
    let r = post(&cw, &format!("/cases/{case}/referrals"), &csrf, &[("need", &need), ("service", &svc.to_string()), ("reason", "Later"), ("action", "draft")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(got.lock().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notification_sqlite() {
    notification_carries_no_personal_data(common::Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notification_postgres() {
    notification_carries_no_personal_data(common::Backend::Postgres).await
}
