//! Directory upkeep over real HTTP on both backends: administrators extend the needs taxonomy
//! and retire terms (every list of needs follows), the finder's index follows edits service by
//! service, coverage counts narrower needs under their broad need and shows them on demand,
//! services and communities are archived, and deleted only when nothing points to them.

mod common;

use common::{location, Session, TestApp};
use passerelle_core::directory::hsds::{Service, ServiceStatus};
use passerelle_core::directory::profile;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::lang::Lang;
use passerelle_store::communities;
use passerelle_store::directory::{self, ServiceEntry, ServiceFilter};
use passerelle_web::directory_index::{DirectoryIndex, Searchable};
use reqwest::StatusCode;

const ADMIN: &str = "admin@demo.passerelle.test";

async fn all_services(app: &TestApp) -> Vec<ServiceEntry> {
    let mut tx = app.store.read().await.unwrap();
    directory::list_services(&mut tx, &ServiceFilter::default()).await.unwrap()
}

/// Saves `s` (created when new) as an administrator would.
async fn save(app: &TestApp, s: &Service) {
    let mut tx = app.store.write().await.unwrap();
    directory::save_service(&mut tx, None, s).await.unwrap();
    tx.commit().await.unwrap();
}

/// A copy of an active demo service under a new id and name.
async fn new_service(app: &TestApp, name: &str) -> Service {
    let base = all_services(app).await.into_iter().find(|e| e.service.status == ServiceStatus::Active).unwrap();
    let mut s = base.service;
    s.id = uuid::Uuid::now_v7().to_string();
    s.name = name.to_string();
    s
}

fn result_names(html: &str) -> Vec<String> {
    html.split("<h3><a href=\"/services/")
        .skip(1)
        .filter_map(|part| {
            let start = part.find('>')? + 1;
            let end = part.find("</a>")?;
            Some(part[start..end].replace("&#39;", "'").replace("&amp;", "&"))
        })
        .collect()
}

both_backends!(administrators_add_needs_that_every_list_offers_and_retire_them, |app| {
    let admin = app.signed_in(ADMIN).await;
    let (status, body) = admin.text("/directory/needs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("shelter_low_threshold") && body.contains("shipped"));
    let add = |code: &'static str, parent: &'static str, en: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post_form("/directory/needs", "/directory/needs", &[
                    ("code", code), ("parent", parent), ("label_fr", &format!("{en} (fr)")), ("label_en", en),
                    ("label_es", &format!("{en} (es)")), ("description", ""),
                ])
                .await
        }
    };
    let res = add("shelter_winter_plan", "shelter", "Winter shelter plan").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    assert_eq!(add("digital_help", "", "Digital help").await.status(), StatusCode::SEE_OTHER);

    // Every list of needs offers them at once.
    let anon = Session::anonymous(&app);
    let (_, finder) = anon.text("/").await;
    assert!(finder.contains("value=\"shelter_winter_plan\"") && finder.contains("value=\"digital_help\""));
    let (_, form) = admin.text("/directory/manage/new").await;
    assert!(form.contains("value=\"shelter_winter_plan\""));
    let (_, pathways) = admin.text("/admin/pathways").await;
    assert!(pathways.contains("value=\"digital_help\""), "referral needs are the broad ones, added ones too");
    let (_, terms) = anon.text("/api/v1/hsds/taxonomy_terms?lang=en&per_page=500").await;
    assert!(terms.contains("\"shelter_winter_plan\"") && terms.contains("Winter shelter plan"));
    let sup = app.signed_in("supervisor@demo.passerelle.test").await;
    let (_, coverage) = sup.text("/coverage?detail=1").await;
    assert!(coverage.contains("Winter shelter plan") && coverage.contains("Digital help"));

    // A service tagged with it, then the term retired: no longer offered, still read.
    let mut s = new_service(&app, "Plan grand froid de test").await;
    assert!(profile::add_code(&mut s, Taxonomy::needs(), "shelter_winter_plan", Lang::Fr));
    save(&app, &s).await;
    let res = admin.post_form("/directory/needs", "/directory/needs/shelter_winter_plan/retire", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, finder) = anon.text("/").await;
    assert!(!finder.contains("value=\"shelter_winter_plan\""), "retired: not offered");
    let (_, page) = anon.text(&format!("/services/{}", s.id)).await;
    assert!(page.contains("Winter shelter plan"), "retired: still read on the records that carry it");
    let (_, edit) = admin.text(&format!("/directory/manage/{}", s.id)).await;
    assert!(edit.contains("value=\"shelter_winter_plan\" checked") || edit.contains("value=\"shelter_winter_plan\"  checked"), "kept on the service's own form");
    let (_, list) = admin.text("/directory/needs").await;
    assert!(list.contains("retired") && list.contains("/directory/needs/shelter_winter_plan/offer"));
    // Offered again.
    assert_eq!(admin.post_form("/directory/needs", "/directory/needs/shelter_winter_plan/offer", &[]).await.status(), StatusCode::SEE_OTHER);
    assert!(anon.text("/").await.1.contains("value=\"shelter_winter_plan\""));
    // Stored: the taxonomy read from the database has them, one retired code survives a reload.
    let mut tx = app.store.read().await.unwrap();
    let t = passerelle_store::need_terms::taxonomy(&mut tx).await.unwrap();
    assert!(t.is_within("shelter_winter_plan", "shelter") && t.is_offered("digital_help"));
    drop(tx);
    // Unknown codes are 404; the page is administrators' only.
    assert_eq!(admin.post_form("/directory/needs", "/directory/needs/no_such_need/retire", &[]).await.status(), StatusCode::NOT_FOUND);
    let focal = app.signed_in("focalpoint@demo.passerelle.test").await;
    assert_eq!(focal.get("/directory/needs").await.status(), StatusCode::FORBIDDEN);
});

both_backends!(a_bad_need_is_refused_with_the_reason_and_nothing_written, |app| {
    let admin = app.signed_in(ADMIN).await;
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let admin = &admin;
        async move {
            let res = admin.post_form("/directory/needs", "/directory/needs", &fields).await;
            (res.status(), res.text().await.unwrap())
        }
    };
    let full = |code: &'static str, parent: &'static str, en: &'static str| {
        vec![("code", code), ("parent", parent), ("label_fr", "Libellé test"), ("label_en", en), ("label_es", "Etiqueta prueba")]
    };
    let (s, b) = post(full("Bad Code", "", "Bad code test")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b.contains("Code: use lower-case letters"), "{b}");
    let (s, b) = post(full("gbv", "", "Another GBV")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b.contains("Code: this is already used"));
    let (s, b) = post(full("health_again", "", "Health")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b.contains("this label already names another need"), "{b}");
    let (s, b) = post(full("orphan_need", "nowhere", "Orphan need")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b.contains("Broader need: this choice does not exist"));
    let (s, b) = post(vec![("code", "no_spanish"), ("label_fr", "Sans espagnol"), ("label_en", "No Spanish")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b.contains("Label in Spanish: this is required"));
    let mut tx = app.store.read().await.unwrap();
    assert!(passerelle_store::need_terms::added(&mut tx).await.unwrap().is_empty(), "nothing half-written");
});

/// The search results of `queries` in `all`, each with whether the public is shown it.
fn results(all: &Searchable, queries: &[&str]) -> Vec<Vec<(String, bool)>> {
    queries.iter().map(|q| all.index.search(q, usize::MAX).into_iter().map(|h| (h.id.clone(), all.is_shown(&h.id))).collect()).collect()
}

both_backends!(the_finder_index_follows_each_edit_without_changing_other_results, |app| {
    let anon = Session::anonymous(&app);
    let (_, before) = anon.text("/?q=hebergment").await;
    let before = result_names(&before);
    assert!(!before.is_empty());
    // A new service and an edited one are found at once.
    let s = new_service(&app, "Cercle quokka de lecture").await;
    save(&app, &s).await;
    assert_eq!(result_names(&anon.text("/?q=quokka").await.1), vec!["Cercle quokka de lecture".to_string()]);
    let mut edited = s.clone();
    edited.name = "Cercle wombat de lecture".into();
    save(&app, &edited).await;
    assert!(result_names(&anon.text("/?q=quokka").await.1).is_empty(), "the old name is gone");
    assert_eq!(result_names(&anon.text("/?q=wombat").await.1), vec!["Cercle wombat de lecture".to_string()]);
    // The copy shares its original's needs, so it may join this search; nothing else moves.
    let mut after = result_names(&anon.text("/?q=hebergment").await.1);
    after.retain(|n| n != "Cercle wombat de lecture");
    assert_eq!(after, before, "other results unchanged");

    // The index brought up to date edit by edit holds what a rebuild from scratch holds.
    let index = DirectoryIndex::default();
    index.documents(&app.store).await.unwrap();
    let mut third = new_service(&app, "Atelier numbat").await;
    save(&app, &third).await;
    assert_eq!(result_names(&anon.text("/?q=numbat").await.1), vec!["Atelier numbat".to_string()]);
    third.status = ServiceStatus::Inactive;
    save(&app, &third).await;
    assert!(result_names(&anon.text("/?q=numbat").await.1).is_empty(), "an inactive service is not shown");
    let mut tx = app.store.write().await.unwrap();
    directory::delete_service(&mut tx, None, uuid::Uuid::parse_str(&edited.id).unwrap()).await.unwrap();
    tx.commit().await.unwrap();
    index.forget(&edited.id);
    let updated = index.documents(&app.store).await.unwrap();
    let fresh = DirectoryIndex::default().documents(&app.store).await.unwrap();
    assert_eq!(updated.len(), fresh.len());
    let queries = ["hebergment", "numbat", "wombat", "ecoute survivantes", "juridique", "santé mentale"];
    assert_eq!(results(&updated, &queries), results(&fresh, &queries));
    // Made inactive: still indexed (the counts must follow the database), not shown.
    assert_eq!(results(&updated, &["numbat"])[0], vec![(third.id.clone(), false)]);
    assert!(results(&updated, &["wombat"])[0].is_empty());
});

/// The cells of the coverage row labelled `label`.
fn row_cells(html: &str, label: &str) -> Option<Vec<u32>> {
    let at = html.find(&format!("{label}</th>"))?;
    let rest = &html[at..];
    let row = &rest[..rest.find("</tr>")?];
    Some(row.split("<td").skip(1).filter_map(|c| c.split('>').nth(1)?.trim().split(' ').next()?.trim_end_matches("</td").parse().ok()).collect())
}

both_backends!(coverage_counts_narrower_needs_under_their_broad_need_and_shows_them_on_demand, |app| {
    let sup = app.signed_in("supervisor@demo.passerelle.test").await;
    let shelter = Taxonomy::needs().get("shelter").unwrap().label.en.clone();
    let low = Taxonomy::needs().get("shelter_low_threshold").unwrap().label.en.clone();
    let (_, plain) = sup.text("/coverage").await;
    assert!(!plain.contains("class=\"sub-need\""), "narrower needs only on demand");
    let (_, before) = sup.text("/coverage?detail=1").await;
    let (parent0, sub0) = (row_cells(&before, &shelter).unwrap(), row_cells(&before, &low).unwrap());
    assert!(parent0.iter().zip(&sub0).all(|(p, s)| p >= s), "a broad need counts its narrower ones");
    // A service tagged with the narrower need only counts in both rows, in its areas.
    let mut s = new_service(&app, "Accueil de jour test").await;
    s.fields.attributes.retain(|a| Taxonomy::needs().code_of(a).is_none());
    assert!(profile::add_code(&mut s, Taxonomy::needs(), "shelter_low_threshold", Lang::Fr));
    save(&app, &s).await;
    let mut tx = app.store.read().await.unwrap();
    let areas: Vec<String> = passerelle_store::agencies::list_areas(&mut tx).await.unwrap().into_iter().filter(|a| a.level > 0).map(|a| a.code).collect();
    drop(tx);
    let mine = profile::area_ids(&s);
    assert!(!mine.is_empty());
    let (_, after) = sup.text("/coverage?detail=1").await;
    let (parent1, sub1) = (row_cells(&after, &shelter).unwrap(), row_cells(&after, &low).unwrap());
    for (i, code) in areas.iter().enumerate() {
        let plus = u32::from(mine.contains(code));
        assert_eq!(parent1[i], parent0[i] + plus, "{code}");
        assert_eq!(sub1[i], sub0[i] + plus, "{code}");
    }
    assert_eq!(row_cells(&sup.text("/coverage").await.1, &shelter).unwrap(), parent1, "the same broad counts without detail");
});

both_backends!(services_are_archived_and_deleted_only_when_nothing_points_to_them, |app| {
    let admin = app.signed_in(ADMIN).await;
    let anon = Session::anonymous(&app);
    // Unused: deleted for good.
    let s = new_service(&app, "Fiche créée par erreur").await;
    save(&app, &s).await;
    let page = format!("/directory/manage/{}", s.id);
    assert!(admin.text(&page).await.1.contains(&format!("{page}/delete")));
    let res = admin.post_form(&page, &format!("{page}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/directory/manage?deleted=1");
    assert_eq!(admin.get(&page).await.status(), StatusCode::NOT_FOUND);
    // Used by referrals: the delete button is not offered and the request is refused.
    let mut used = None;
    for e in all_services(&app).await {
        let mut tx = app.store.read().await.unwrap();
        let n = directory::service_uses(&mut tx, uuid::Uuid::parse_str(e.id()).unwrap()).await.unwrap();
        if n > 0 && e.service.status == ServiceStatus::Active {
            used = Some(e);
            break;
        }
    }
    let used = used.expect("the demo refers people to services");
    let page = format!("/directory/manage/{}", used.id());
    let (_, form) = admin.text(&page).await;
    assert!(!form.contains(&format!("{page}/delete")) && form.contains("it can be archived, not deleted"));
    let res = admin.post_form(&page, &format!("{page}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("records point to it"));
    // Archived: inactive, out of the finder, still there for its referrals.
    let (_, found) = anon.text(&format!("/?q={}", urlencode(&used.service.name))).await;
    assert!(result_names(&found).contains(&used.service.name));
    let res = admin.post_form(&page, &format!("{page}/archive"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mut tx = app.store.read().await.unwrap();
    let after = directory::get_service(&mut tx, uuid::Uuid::parse_str(used.id()).unwrap()).await.unwrap().unwrap();
    assert_eq!(after.service.status, ServiceStatus::Inactive);
    let actions: Vec<String> = passerelle_store::audit::list(&mut tx, &passerelle_store::audit::Filter { limit: 5000, ..Default::default() }).await.unwrap().into_iter().map(|e| e.action).collect();
    drop(tx);
    assert!(actions.iter().any(|a| a == "directory.service.archive") && actions.iter().any(|a| a == "directory.service.delete"));
    let (_, found) = anon.text(&format!("/?q={}", urlencode(&used.service.name))).await;
    assert!(!result_names(&found).contains(&used.service.name));
    assert_eq!(anon.get(&format!("/services/{}", used.id())).await.status(), StatusCode::NOT_FOUND);
});

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).unwrap().trim_start_matches("q=").to_string()
}

both_backends!(communities_are_archived_and_deleted_when_unused, |app| {
    let agent = app.signed_in(ADMIN).await;
    let mut tx = app.store.read().await.unwrap();
    let first = communities::list(&mut tx).await.unwrap().into_iter().next().unwrap();
    drop(tx);
    let page = format!("/communities/{}", first.id);
    let res = agent.post_form(&page, &format!("{page}/archive"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = agent.text(&page).await;
    assert!(body.contains("Archived") && body.contains(&format!("{page}/restore")));
    let sup = app.signed_in("supervisor@demo.passerelle.test").await;
    let (_, coverage) = sup.text("/coverage").await;
    assert!(!coverage.contains(&format!("value=\"{}\"", first.id)), "archived: not offered");
    assert_eq!(agent.post_form(&page, &format!("{page}/restore"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert!(sup.text("/coverage").await.1.contains(&format!("value=\"{}\"", first.id)));
    // Nothing points to it: it may be deleted for good.
    let res = agent.post_form(&page, &format!("{page}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(agent.get(&page).await.status(), StatusCode::NOT_FOUND);
    let mut tx = app.store.read().await.unwrap();
    let actions: Vec<String> = passerelle_store::audit::list(&mut tx, &passerelle_store::audit::Filter { limit: 5000, ..Default::default() }).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(["community.archive", "community.restore", "community.delete"].iter().all(|a| actions.iter().any(|x| x == a)));
    // A caseworker sees communities but does not keep them.
    let cw = app.signed_in("caseworker@demo.passerelle.test").await;
    let other = communities::list(&mut tx).await.unwrap().into_iter().next().unwrap();
    drop(tx);
    let p = format!("/communities/{}", other.id);
    assert_eq!(cw.post_form(&p, &format!("{p}/delete"), &[]).await.status(), StatusCode::FORBIDDEN);
});

/// Index figures at 10,000 services (SQLite, debug build): `cargo nextest run -p
/// passerelle-web --test directory_upkeep --run-ignored only --no-capture index_figures`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn index_figures_at_ten_thousand_services() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let base = new_service(&app, "x").await;
    let have = all_services(&app).await.len();
    let mut tx = app.store.write().await.unwrap();
    for i in have..10_000 {
        let mut s = base.clone();
        s.id = uuid::Uuid::now_v7().to_string();
        s.name = format!("Service généré {i}");
        directory::put_service(&mut tx, &s).await.unwrap();
    }
    tx.commit().await.unwrap();
    let index = DirectoryIndex::default();
    let t = std::time::Instant::now();
    let docs = index.documents(&app.store).await.unwrap();
    let rebuild = t.elapsed();
    assert_eq!(docs.len(), 10_000);
    drop(docs);
    let mut s = base.clone();
    s.name = "Service modifié".into();
    save(&app, &s).await;
    let t = std::time::Instant::now();
    let docs = index.documents(&app.store).await.unwrap();
    let update = t.elapsed();
    let t = std::time::Instant::now();
    let _ = index.documents(&app.store).await.unwrap();
    let unchanged = t.elapsed();
    println!("index at {} services: rebuild {rebuild:?}, after one edit {update:?}, unchanged {unchanged:?}", docs.len());
}
