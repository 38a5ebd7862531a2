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

const FOCAL: &str = "focalpoint@demo.passerelle.test";
const ADMIN: &str = "admin@demo.passerelle.test";

both_backends!(focal_point_keeps_only_their_agency_entries, |app| {
    let fp = app.signed_in(FOCAL).await;
    // The demo focal point works for the Grand-Anse Health Centre.
    let (status, body) = fp.text("/directory/manage").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Emergency department"));
    assert!(!body.contains("Abri de nuit"), "another organisation's services are not listed");
    // Another organisation's entry: refused to read and to change.
    let other = service_id(&app, "Abri de nuit à bas seuil — Saint-Aubin").await;
    assert_eq!(fp.get(&format!("/directory/manage/{other}")).await.status(), StatusCode::FORBIDDEN);
    let res = fp.post_form("/directory/manage", &format!("/directory/manage/{other}"), &[("name", "Hijacked"), ("status", "active"), ("needs", "shelter")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let mut tx = app.store.read().await.unwrap();
    let e = directory::get_service(&mut tx, other.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(e.service.name, "Abri de nuit à bas seuil — Saint-Aubin");
    drop(tx);
    // Their own entry: edited, and every HSDS field the form does not show is kept.
    let own = service_id(&app, "Emergency department").await;
    let (_, form) = fp.text(&format!("/directory/manage/{own}")).await;
    let org = form.split("<option value=\"").nth(2).and_then(|s| s.split('"').next()).unwrap().to_string();
    let res = fp.post_form(&format!("/directory/manage/{own}"), &format!("/directory/manage/{own}"), &[
        ("organization_id", &org), ("name", "Emergency room"), ("status", "active"),
        ("needs", "health_emergency"), ("areas", "BT-01"), ("attributes", "confidential"), ("languages", "fr"),
        ("hours", "24/7"), ("phones", "1515"), ("application_process", "Appeler le 1515."),
        ("required_documents", "Rien\nVraiment rien"),
    ]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
    let mut tx = app.store.read().await.unwrap();
    let e = directory::get_service(&mut tx, own.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(e.service.name, "Emergency room");
    assert_eq!(e.service.fields.required_documents.len(), 2);
    assert!(e.service.fields.assured_date.is_some(), "the verification date is kept");
    // Bad input: every problem named, nothing written.
    let res = fp.post_form(&format!("/directory/manage/{own}"), &format!("/directory/manage/{own}"), &[
        ("organization_id", &org), ("name", "<script>alert(1)</script>"), ("status", "open"),
        ("hours", "whenever"), ("phones", "call us"), ("url", "not a site"), ("email", "nobody"),
    ]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    for msg in ["Status: this choice does not exist.", "Needs: this is required.", "Opening hours: these opening hours cannot be read",
                "Phone: this is not a phone number.", "Website: this is not a web address", "Email: this is not a valid email address."] {
        assert!(body.contains(msg), "missing {msg:?}");
    }
    assert!(!body.contains("<script>alert(1)</script>"), "text is escaped");
    let mut tx = app.store.read().await.unwrap();
    assert_eq!(directory::get_service(&mut tx, own.parse().unwrap()).await.unwrap().unwrap().service.name, "Emergency room");
    drop(tx);
    // Verifying is for administrators.
    let res = fp.post_form("/directory/manage", &format!("/directory/manage/{own}/verify"), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
});

both_backends!(focal_point_creates_a_service_for_their_organisation_only, |app| {
    let fp = app.signed_in(FOCAL).await;
    let (_, form) = fp.text("/directory/manage/new").await;
    let own_org = form.split("<option value=\"").nth(2).and_then(|s| s.split('"').next()).unwrap().to_string();
    assert_eq!(form.matches("name=\"organization_id\"").count(), 1);
    // Another organisation's id is refused.
    let mut tx = app.store.read().await.unwrap();
    let others = directory::list_organizations(&mut tx, None).await.unwrap();
    drop(tx);
    let foreign = others.iter().find(|o| o.organization.name.starts_with("Croix")).unwrap().organization.id.clone();
    let fields = |org: &str| vec![("organization_id", org.to_string()), ("name", "Groupe de parole".to_string()), ("status", "active".to_string()),
        ("needs", "psychosocial_group_support".to_string()), ("areas", "BT-04".to_string()), ("hours", "mer 14h-16h".to_string()),
        ("address", "4 rue Neuve".to_string()), ("city", "Morne-Vert".to_string())];
    let f: Vec<(&str, String)> = fields(&foreign);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = fp.post_form("/directory/manage/new", "/directory/manage", &f).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let f: Vec<(&str, String)> = fields(&own_org);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = fp.post_form("/directory/manage/new", "/directory/manage", &f).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // New, never verified: stale, and found by the public finder in its area.
    let (_, body) = Session::anonymous(&app).text("/?q=groupe+parole&area=BT-04").await;
    assert_eq!(result_names(&body), vec!["Groupe de parole"]);
    assert!(body.contains("Information never checked"));
});

/// How many services the staff list says its filters admit ("12 services — export …").
fn listed_count(html: &str) -> usize {
    let end = html.find(" — <a href=\"/directory/manage/export").expect("the count");
    let text = &html[html[..end].rfind("<p>").unwrap() + 3..end];
    let number = text.split(' ').next().unwrap().trim_matches(['\u{2068}', '\u{2069}']);
    if text == "One service" { 1 } else { number.parse().unwrap_or_else(|_| panic!("{text}")) }
}

/// The services the staff list shows on one page, by id.
fn listed_ids(html: &str) -> Vec<String> {
    html.split("<td><a href=\"/directory/manage/").skip(1).filter_map(|s| s.split('"').next()).map(str::to_string).collect()
}

// The staff list shows a national directory fifty services a page, each page following the
// one before in the export's order; the count and the stale filter are over the whole list.
both_backends!(the_staff_list_is_paged_and_its_pages_make_the_export, |app| {
    let admin = app.signed_in(ADMIN).await;
    let mut tx = app.store.read().await.unwrap();
    let entries = directory::list_services(&mut tx, &ServiceFilter::default()).await.unwrap();
    drop(tx);
    let rows = entries.len();
    assert!(rows > 50, "the demo directory holds more than a page: {rows}");
    let (_, first) = admin.text("/directory/manage").await;
    assert_eq!(listed_count(&first), rows);
    assert_eq!(listed_ids(&first).len(), 50);
    assert!(first.contains("href=\"/directory/manage?page=1\" rel=\"next\"") && !first.contains("rel=\"prev\""), "{first}");
    let mut all = Vec::new();
    let mut n = 0;
    loop {
        let (_, html) = admin.text(&format!("/directory/manage?page={n}")).await;
        let ids = listed_ids(&html);
        all.extend(ids.clone());
        if !html.contains("rel=\"next\"") {
            assert!(!ids.is_empty() && ids.len() <= 50);
            break;
        }
        n += 1;
    }
    assert_eq!(all, entries.iter().map(|e| e.id().to_string()).collect::<Vec<_>>(), "pages in the list's order, none twice");
    // The export holds the whole list, not a page.
    let csv = admin.get("/directory/manage/export?format=csv").await.text().await.unwrap();
    assert!(entries.iter().all(|e| csv.contains(&e.service.name)));
    // Past the end: an empty page that leads back to the last one.
    let (status, html) = admin.text("/directory/manage?page=999").await;
    assert_eq!(status, StatusCode::OK);
    assert!(listed_ids(&html).is_empty() && html.contains(&format!("href=\"/directory/manage?page={n}\" rel=\"prev\"")), "{html}");
    // The stale filter counts over the whole list; the filters stay in the pager's links.
    let (_, stale) = admin.text("/directory/manage?stale=1").await;
    let today = passerelle_store::db::now().date_naive();
    assert_eq!(listed_count(&stale), entries.iter().filter(|e| e.is_stale(today)).count());
    let (_, second) = admin.text("/directory/manage?status=active&q=e&page=1").await;
    assert!(second.contains("href=\"/directory/manage?q=e&#38;status=active\" rel=\"prev\""), "{second}");
});

both_backends!(administrator_verifies_and_the_stale_flag_clears, |app| {
    let admin = app.signed_in(ADMIN).await;
    let (_, list) = admin.text("/directory/manage?stale=1").await;
    let stale_before = listed_count(&list);
    assert!(stale_before >= 5, "{stale_before}");
    // The first stale entry.
    let id = list.split("<td><a href=\"/directory/manage/").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let res = admin.post_form("/directory/manage", &format!("/directory/manage/{id}/verify"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mut tx = app.store.read().await.unwrap();
    let e = directory::get_service(&mut tx, id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(e.service.fields.assurer_email.as_deref(), Some(ADMIN));
    assert!(!e.is_stale(passerelle_store::db::now().date_naive()));
    drop(tx);
    let (_, list) = admin.text("/directory/manage?stale=1").await;
    assert_eq!(listed_count(&list), stale_before - 1);
    assert!(!listed_ids(&list).contains(&id));
    let (_, page) = Session::anonymous(&app).text(&format!("/services/{id}")).await;
    assert!(page.contains("Information checked on"));
});

both_backends!(filtered_lists_export_as_csv_and_xlsx, |app| {
    let admin = app.signed_in(ADMIN).await;
    let res = admin.get("/directory/manage/export?need=food&format=csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = String::from_utf8(res.bytes().await.unwrap().to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("Service") && lines[0].contains("Stale"));
    assert!(lines.len() > 3 && lines[1..].iter().all(|l| l.contains("Food") || l.contains("Hot meals") || l.contains("food")), "{text}");
    let res = admin.get("/directory/manage/export?need=food&format=xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX file is a zip");
    let res = admin.get("/directory/manage/export?format=pdf").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // A focal point's export holds only their entries.
    let fp = app.signed_in(FOCAL).await;
    let text = fp.get("/directory/manage/export?format=csv").await.text().await.unwrap();
    assert!(text.lines().count() > 1 && text.lines().skip(1).all(|l| l.contains("Grand-Anse Health Centre")), "{text}");
});

/// Uploads a file to the import page as a browser does (multipart, CSRF in the query).
async fn upload(s: &Session, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let csrf = s.csrf("/directory/import").await;
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    s.client.post(format!("{}/directory/import?csrf_token={csrf}", s.base)).header("accept-language", "en").multipart(form).send().await.unwrap()
}

async fn count(app: &TestApp) -> usize {
    let mut tx = app.store.read().await.unwrap();
    directory::list_services(&mut tx, &ServiceFilter::default()).await.unwrap().len()
}

both_backends!(spreadsheet_import_previews_then_writes_on_confirmation, |app| {
    let admin = app.signed_in(ADMIN).await;
    let before = count(&app).await;
    let csv = "Organisation;Service;Besoins;Zone;Téléphone;Horaires\nNouvelle Asso;Aide aux devoirs;education_non_formal;BT-02;555 1234;lun-ven 16h-18h\nNouvelle Asso;Cours d'anglais;Cours de langue;BT-02;;\n";
    let res = upload(&admin, "mapping.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let preview = location(&res);
    let (status, body) = admin.text(&preview).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("3 new records"), "two services and their organisation");
    assert_eq!(count(&app).await, before, "nothing written before confirmation");
    let res = admin.post_form(&preview, &preview, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app).await, before + 2);
    // The staged upload is gone.
    assert_eq!(admin.get(&preview).await.status(), StatusCode::NOT_FOUND);
});

both_backends!(broken_spreadsheets_are_refused_with_row_and_column, |app| {
    let admin = app.signed_in(ADMIN).await;
    let before = count(&app).await;
    // Unknown taxonomy term, unknown area, bad phone, a duplicate row: every problem named.
    let csv = "Organisation,Service,Needs,Area,Phone\nA,S1,shleter,BT-01,555 1234\nA,S2,health,Atlantis,555 1234\nA,S3,health,BT-01,call me\nA,S4,food,BT-01,\nA,S4,food,BT-01,\n";
    let res = upload(&admin, "broken.csv", csv.as_bytes().to_vec()).await;
    let preview = location(&res);
    let (status, body) = admin.text(&preview).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in ["Nothing will be imported", "Cell C2 (Needs) « shleter »", "Not a known need or attribute",
                     "Cell D3 (Area) « Atlantis »", "Not a known area", "Cell E4 (Phone) « call me »", "Not a phone number",
                     "Row 6", "This row repeats an earlier one"] {
        assert!(body.contains(expected), "missing {expected:?}");
    }
    assert!(!body.contains("Import now"), "no confirmation offered");
    let res = admin.post_form(&preview, &preview, &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app).await, before, "nothing half-written");
    // A missing required column, bad encodings, garbage XLSX, unknown format, empty upload.
    let res = upload(&admin, "cols.csv", b"Organisation;Phone\nA;555\n".to_vec()).await;
    let (_, body) = admin.text(&location(&res)).await;
    assert!(body.contains("A required column is missing"));
    let mut latin1 = b"Organisation;Service;Besoins\nCroix;Abri \xe9t\xe9;shelter\n".to_vec();
    latin1.extend_from_slice(b"");
    let res = upload(&admin, "latin1.csv", latin1).await;
    let (_, body) = admin.text(&location(&res)).await;
    assert!(body.contains("Abri été"), "Windows-1252 is read");
    assert!(body.contains("Read with another encoding"));
    let res = upload(&admin, "fake.xlsx", b"this is not a workbook".to_vec()).await;
    let (_, body) = admin.text(&location(&res)).await;
    assert!(body.contains("The workbook cannot be read"));
    let res = upload(&admin, "notes.docx", b"hello".to_vec()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("This kind of file cannot be imported"));
    // Over the size limit: a translated 413 (or, when the server stops reading before the
    // client has finished sending, a closed connection), and nothing staged.
    let csrf = admin.csrf("/directory/import").await;
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(vec![b'a'; 2 * 1024 * 1024]).file_name("big.csv"));
    match admin.client.post(format!("{}/directory/import?csrf_token={csrf}", admin.base)).header("accept-language", "en").multipart(form).send().await {
        Ok(res) => {
            assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        }
        Err(e) => assert!(e.is_request(), "{e}"),
    }
    assert_eq!(count(&app).await, before);
});

both_backends!(hsds_export_imports_back_unchanged_and_validates, |app| {
    let admin = app.signed_in(ADMIN).await;
    let res = admin.get("/directory/export.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: serde_json::Value = res.json().await.unwrap();
    let services = doc["services"].as_array().unwrap().len();
    assert_eq!(services, count(&app).await);
    assert!(doc["taxonomy_terms"].as_array().unwrap().len() > 60);
    // Round trip: importing the export updates every record and changes nothing.
    let res = upload(&admin, "export.json", serde_json::to_vec(&doc).unwrap()).await;
    let preview = location(&res);
    let (status, body) = admin.text(&preview).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("0 new records"), "every record is known: {}", body.split("new record").next().unwrap_or(""));
    let res = admin.post_form(&preview, &preview, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again: serde_json::Value = admin.get("/directory/export.json").await.json().await.unwrap();
    assert_eq!(again["services"], doc["services"], "lossless round trip");
    assert_eq!(again["organizations"], doc["organizations"]);
    // Broken JSON, script in a name: refused, named.
    let res = upload(&admin, "bad.json", b"{\"services\": [".to_vec()).await;
    let (_, body) = admin.text(&location(&res)).await;
    assert!(body.contains("This is not valid JSON"));
    let bad = serde_json::json!({"services": [{"id": "not-a-uuid", "name": "<script>x</script>", "status": "open"}]});
    let res = upload(&admin, "bad2.json", serde_json::to_vec(&bad).unwrap()).await;
    let (_, body) = admin.text(&location(&res)).await;
    assert!(body.contains("Unknown status"));
    assert!(!body.contains("<script>x</script>"));
});

both_backends!(hsds_api_is_public_paged_and_searchable, |app| {
    let anon = Session::anonymous(&app);
    let page: serde_json::Value = anon.get("/api/v1/hsds/services?per_page=10&page=2").await.json().await.unwrap();
    assert_eq!(page["page_number"], 2);
    assert_eq!(page["size"], 10);
    assert_eq!(page["first_page"], false);
    assert_eq!(page["empty"], false);
    let total = page["total_items"].as_u64().unwrap();
    assert!(total >= 60);
    assert_eq!(page["total_pages"].as_u64().unwrap(), total.div_ceil(10));
    let found: serde_json::Value = anon.get("/api/v1/hsds/services?search=hebergment").await.json().await.unwrap();
    assert!(found["contents"].as_array().unwrap().iter().any(|s| s["name"].as_str().unwrap().starts_with("Abri de nuit")));
    let id = found["contents"][0]["id"].as_str().unwrap().to_string();
    let one: serde_json::Value = anon.get(&format!("/api/v1/hsds/services/{id}")).await.json().await.unwrap();
    assert!(one["organization"]["name"].is_string(), "a single service embeds its organisation");
    let orgs: serde_json::Value = anon.get("/api/v1/hsds/organizations?search=croix").await.json().await.unwrap();
    assert_eq!(orgs["contents"][0]["name"], "Croix Solidaire de Belleterre");
    let terms: serde_json::Value = anon.get("/api/v1/hsds/taxonomy_terms?search=albergue&lang=es").await.json().await.unwrap();
    assert!(terms["contents"].as_array().unwrap().iter().any(|t| t["code"] == "shelter"));
    let res = anon.get("/api/v1/hsds/services?per_page=100000").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = anon.get(&format!("/api/v1/hsds/services/{}", uuid::Uuid::new_v4())).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
});

/// The figures of one row of the coverage table, by area name.
fn coverage_row(html: &str, need: &str) -> Vec<u32> {
    let need = need.replace('\'', "&#39;");
    let row = html.split(&format!("<th scope=\"row\">{need}</th>")).nth(1).unwrap_or_else(|| panic!("no row {need}"));
    let row = row.split("</tr>").next().unwrap();
    row.split("<td").skip(1).map(|c| c.split('>').nth(1).unwrap().trim().split(' ').next().unwrap().split('<').next().unwrap().parse().unwrap()).collect()
}

fn area_columns(html: &str) -> Vec<String> {
    let head = html.split("<table class=\"coverage\">").nth(1).unwrap().split("</thead>").next().unwrap();
    head.split("<th scope=\"col\">").skip(2).map(|c| c.split('<').next().unwrap().to_string()).collect()
}

both_backends!(coverage_counts_active_services_and_shows_gaps, |app| {
    let me = app.signed_in("mne@demo.passerelle.test").await;
    let (status, html) = me.text("/coverage").await;
    assert_eq!(status, StatusCode::OK);
    let areas = area_columns(&html);
    assert_eq!(areas.len(), 6);
    let col = areas.iter().position(|a| a == "Grand-Anse").unwrap();
    // The figures agree with the store: active services with the need in the area.
    let mut tx = app.store.read().await.unwrap();
    let f = ServiceFilter { need: Some("health".into()), area: Some("BT-02".into()), status: Some("active".into()), ..Default::default() };
    let expected = directory::list_services(&mut tx, &f).await.unwrap().len() as u32;
    drop(tx);
    let health = coverage_row(&html, "Health");
    assert_eq!(health[col], expected);
    assert!(expected >= 1);
    // Nobody cares for older people in Grand-Anse in the demo: a gap, marked.
    assert_eq!(coverage_row(&html, "Older persons' care")[col], 0);
    assert!(html.contains("class=\"gap\""));
    // Free services only: the paying clinic no longer counts.
    let (_, free) = me.text("/coverage?free=1").await;
    assert!(coverage_row(&free, "Health")[col] < expected || expected == 0);
    // Per community: which needs are covered in its area.
    let (_, list) = me.text("/communities").await;
    let id = list.split("<td><a href=\"/communities/").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let (_, com) = me.text(&format!("/coverage?community={id}")).await;
    assert!(com.contains("Needs covered for"));
    // The report on screen and as a workbook; refused to a caseworker.
    let (status, report) = me.text("/coverage/report").await;
    assert_eq!(status, StatusCode::OK);
    for part in ["Mapping assessment report", "Services per kind of provider", "Entries not checked for 6 months", "Health service", "Organisation not linked to an agency"] {
        assert!(report.contains(part), "missing {part:?}");
    }
    let x = me.get("/coverage/report.xlsx").await;
    assert_eq!(x.status(), StatusCode::OK);
    assert_eq!(&x.bytes().await.unwrap()[..2], b"PK");
    let cw = app.signed_in("caseworker@demo.passerelle.test").await;
    assert_eq!(cw.get("/coverage").await.status(), StatusCode::FORBIDDEN);
});

both_backends!(communities_are_recorded_and_checked, |app| {
    let agent = app.signed_in("agent@demo.passerelle.test").await;
    let (_, list) = agent.text("/communities").await;
    assert!(list.contains("Quartier des Palmiers"), "the demo has communities");
    let res = agent.post_form("/communities/new", "/communities", &[
        ("name", "Campement du Morne"), ("kind", "migrant"), ("pop_female_18-59", "25"), ("pop_male_0-4", "4"),
        ("estimate_date", "2026-10-01"), ("focal_roles", "Camp committee desk"), ("languages", "es"),
    ]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, list) = agent.text("/communities").await;
    assert!(list.contains("Campement du Morne") && list.contains("<td>29</td>"), "population total shown");
    // Bad input: unknown kind, a population that is not a number, a bad date.
    let res = agent.post_form("/communities/new", "/communities", &[("name", ""), ("kind", "tribe"), ("pop_female_0-4", "many"), ("estimate_date", "last year")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    for m in ["Estimated population: enter a number.", "Date of the estimate: this is not a date."] {
        assert!(body.contains(m), "missing {m:?}");
    }
    // A caseworker reads but does not edit.
    let cw = app.signed_in("caseworker@demo.passerelle.test").await;
    assert_eq!(cw.get("/communities").await.status(), StatusCode::OK);
    assert_eq!(cw.get("/communities/new").await.status(), StatusCode::FORBIDDEN);
});

// The finder reads ids first and documents only for the page it shows: the ids a filter admits
// are the listed services', in the same order, for every kind of filter — more than four
// protection attributes at once included (all in SQL), and every attribute of the taxonomy
// with one more that does not exist admits nothing.
both_backends!(service_ids_agree_with_the_listed_services, |app| {
    use passerelle_core::directory::profile;
    use passerelle_core::directory::taxonomy::Taxonomy;
    let today = passerelle_store::db::now().date_naive();
    let mut tx = app.store.read().await.unwrap();
    let all = directory::list_services(&mut tx, &ServiceFilter::default()).await.unwrap();
    let richest = all.iter().max_by_key(|e| profile::codes(&e.service, Taxonomy::protection()).len()).unwrap();
    let attributes: Vec<String> = profile::codes(&richest.service, Taxonomy::protection()).into_iter().collect();
    assert!(attributes.len() > 4, "a demo service with more than four attributes: {attributes:?}");
    let need = profile::codes(&richest.service, Taxonomy::needs()).into_iter().next().unwrap();
    let mut nine: Vec<String> = Taxonomy::protection().terms().iter().map(|t| t.code.clone()).collect();
    nine.push("unicorns".into());
    let filters = [
        ServiceFilter::default(),
        ServiceFilter { status: Some("active".into()), ..Default::default() },
        ServiceFilter { need: Some(need.clone()), language: Some("FR".into()), ..Default::default() },
        ServiceFilter { attributes: attributes.clone(), ..Default::default() },
        ServiceFilter { attributes: [attributes.clone(), attributes.clone()].concat(), ..Default::default() },
        ServiceFilter { name: Some("SANTÉ".into()), ..Default::default() },
        ServiceFilter { attributes: nine, ..Default::default() },
        ServiceFilter { verified_on_or_before: Some(profile::stale_on_or_before(today)), ..Default::default() },
    ];
    for f in &filters {
        let listed: Vec<String> = directory::list_services(&mut tx, f).await.unwrap().iter().map(|e| e.id().to_string()).collect();
        let ids: Vec<String> = directory::service_ids(&mut tx, f).await.unwrap().iter().map(|(id, _)| id.to_string()).collect();
        assert_eq!(ids, listed, "{f:?}");
    }
    let with_all = directory::list_services(&mut tx, &filters[3]).await.unwrap();
    assert!(with_all.iter().any(|e| e.id() == richest.id()));
    assert!(with_all.iter().all(|e| attributes.iter().all(|a| profile::codes(&e.service, Taxonomy::protection()).contains(a))));
    assert!(with_all.len() < all.len());
    assert!(directory::service_ids(&mut tx, &filters[6]).await.unwrap().is_empty(), "every attribute and an unknown one: no service");
    // The stale filter selects exactly the entries flagged stale.
    let stale: Vec<String> = directory::list_services(&mut tx, &filters[7]).await.unwrap().iter().map(|e| e.id().to_string()).collect();
    let flagged: Vec<String> = all.iter().filter(|e| e.is_stale(today)).map(|e| e.id().to_string()).collect();
    assert!(!stale.is_empty() && stale.len() < all.len(), "{} of {}", stale.len(), all.len());
    assert_eq!(stale, flagged);
    // Read back by ids in the order asked, unknown ids left out.
    let mut ids: Vec<uuid::Uuid> = all.iter().take(30).map(|e| e.id().parse().unwrap()).rev().collect();
    ids.insert(3, uuid::Uuid::now_v7());
    let read: Vec<String> = directory::services_by_ids(&mut tx, &ids).await.unwrap().iter().map(|e| e.id().to_string()).collect();
    let wanted: Vec<String> = all.iter().take(30).map(|e| e.id().to_string()).rev().collect();
    assert_eq!(read, wanted);
});
