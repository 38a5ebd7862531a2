//! The service directory over real HTTP on both backends: the public finder (filters, typos,
//! accents, paging, cache headers), service pages in plain words, the printable directory,
//! the staff pages (own-agency scope, verification, stale flag), imports with preview and
//! confirmation, communities, coverage and the assessment report, exports and the HSDS API.

mod common;

use common::{location, Session, TestApp};
use passerelle_store::directory::{self, ServiceFilter};
use reqwest::StatusCode;

/// The id of the first demo service whose name starts with `name`.
async fn service_id(app: &TestApp, name: &str) -> String {
    let mut tx = app.store.read().await.unwrap();
    let all = directory::list_services(&mut tx, &ServiceFilter::default()).await.unwrap();
    all.into_iter().find(|e| e.service.name.starts_with(name)).unwrap_or_else(|| panic!("no demo service {name}")).service.id
}

/// The names of the services a finder page lists.
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

both_backends!(finder_lists_the_demo_directory_without_an_account, |app| {
    let anon = Session::anonymous(&app);
    let res = anon.get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "private, max-age=300");
    let body = res.text().await.unwrap();
    assert!(body.contains("Find a service"));
    assert!(body.contains("href=\"/login\""), "a staff sign-in link stays on the root page");
    let names = result_names(&body);
    assert_eq!(names.len(), 20, "the first page holds 20 services");
    assert!(body.contains("rel=\"next\""));
    // The demo directory is large enough to page through.
    let (_, page5) = anon.text("/?page=5").await;
    assert!(!result_names(&page5).is_empty());
    // Signed in, the same page is never cached.
    let staff = app.signed_in("caseworker@demo.passerelle.test").await;
    assert_eq!(staff.get("/").await.headers()["cache-control"], "no-store");
});

both_backends!(finder_forgives_typos_and_accents, |app| {
    let anon = Session::anonymous(&app);
    // A typo ("hebergment") and no accent: the night shelter is found by its need.
    let (_, body) = anon.text("/?q=hebergment").await;
    let names = result_names(&body);
    assert!(names.iter().any(|n| n.starts_with("Abri de nuit")), "{names:?}");
    // No accent for "Écoute", upper case, one typo in "survivantes".
    let (_, body) = anon.text("/?q=ECOUTE+survivantse").await;
    let names = result_names(&body);
    let best: Vec<&String> = names.iter().take(6).collect();
    assert!(best.iter().all(|n| n.starts_with("Écoute et accompagnement")), "the six parishes' entries first: {names:?}");
    // Spanish words find a French-described service through the needs taxonomy.
    let (_, body) = anon.text("/?q=albergue").await;
    assert!(result_names(&body).iter().any(|n| n.starts_with("Abri de nuit")));
    // Nonsense finds nothing, and says so.
    let (_, body) = anon.text("/?q=xylophone").await;
    assert!(result_names(&body).is_empty());
    assert!(body.contains("No service matches"));
});

both_backends!(finder_filters_by_need_area_language_and_attributes, |app| {
    let anon = Session::anonymous(&app);
    // "shelter" includes its narrower terms (low-threshold, emergency, GBV safe shelter).
    let (_, body) = anon.text("/?need=shelter&area=BT-01").await;
    let names = result_names(&body);
    assert_eq!(names, vec!["Abri de nuit à bas seuil — Saint-Aubin"], "{names:?}");
    // Spanish-speaking legal aid.
    let (_, body) = anon.text("/?need=legal_aid&language=es").await;
    let names = result_names(&body);
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.starts_with("Orientación jurídica") || n.starts_with("Permanence d'accueil") || n.starts_with("Free legal")), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("Free legal")), "the legal aid collective speaks no Spanish");
    // Two attributes at once: women staff and confidential.
    let (_, body) = anon.text("/?attr=women_staff_available&attr=child_friendly").await;
    let names = result_names(&body);
    assert_eq!(names, vec!["Hébergement d'urgence pour femmes"], "{names:?}");
    // Filters and words together.
    let (_, body) = anon.text("/?q=clinic&area=BT-02").await;
    assert_eq!(result_names(&body).first().map(String::as_str), Some("Primary health care clinic — Grand-Anse"), "the best match first");
    // Unknown codes are ignored, not an error.
    let (status, _) = anon.text("/?need=astrology&attr=unicorns").await;
    assert_eq!(status, StatusCode::OK);
});

both_backends!(service_page_says_how_to_get_there_hours_how_to_apply_what_to_bring, |app| {
    let anon = Session::anonymous(&app);
    let id = service_id(&app, "Social assistance desk — Grand-Anse").await;
    let res = anon.get(&format!("/services/{id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "private, max-age=300");
    let body = res.text().await.unwrap();
    for expected in ["How to get there", "rue des Flamboyants", "Opening hours", "Monday, Tuesday, Wednesday, Thursday : 08:30–15:30",
                     "How to apply", "Book an appointment at the parish office.", "What to bring", "Proof of address",
                     "Household income statement", "Cost", "href=\"tel:+"] {
        assert!(body.contains(expected), "missing {expected:?}");
    }
    // In French, the same page speaks French.
    let fr = anon.client.get(app.at(&format!("/services/{id}"))).header("accept-language", "fr").send().await.unwrap();
    let body = fr.text().await.unwrap();
    assert!(body.contains("Comment s&#39;y rendre") || body.contains("Comment s'y rendre"));
    assert!(body.contains("lundi, mardi, mercredi, jeudi : 08:30–15:30"));
    // A service that needs no papers says so.
    let id = service_id(&app, "Abri de nuit à bas seuil — Saint-Aubin").await;
    let (_, body) = anon.text(&format!("/services/{id}")).await;
    assert!(body.contains("No document is needed."));
    assert!(body.contains("Free"));
    // Unknown ids are 404 pages.
    let (status, _) = anon.text(&format!("/services/{}", uuid::Uuid::new_v4())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

both_backends!(stale_and_closed_entries_are_flagged_in_the_finder, |app| {
    let anon = Session::anonymous(&app);
    let mut stale = 0;
    let mut closed = 0;
    for page in 1..=6 {
        let (_, body) = anon.text(&format!("/?page={page}")).await;
        stale += body.matches("class=\"badge stale\"").count();
        closed += body.matches("Temporarily closed").count();
    }
    assert!(stale >= 5, "stale entries are flagged ({stale})");
    assert!(closed >= 3, "temporarily closed entries are flagged ({closed})");
});

both_backends!(printable_directory_by_area_and_need, |app| {
    let anon = Session::anonymous(&app);
    let (status, body) = anon.text("/directory/print?area=BT-03&need=health").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Directory of services — Rivière-Salée — Health"));
    assert!(body.contains("Primary health care clinic — Rivière-Salée"));
    assert!(!body.contains("Saint-Aubin</h3>"));
    assert!(!body.contains("Abri de nuit"), "only health services are printed");
    // The whole directory, grouped by need.
    let (_, all) = anon.text("/directory/print").await;
    assert!(all.matches("class=\"print-section\"").count() >= 10);
    let _ = location;
});
