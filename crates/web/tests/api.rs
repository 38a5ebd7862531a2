//! The JSON API: tokens, problem details, bad input of every kind, the OpenAPI document,
//! and script or SQL in text fields.

mod common;

use common::{token_for, Session, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const ADMIN: &str = "admin@demo.passerelle.test";

fn api(app: &TestApp, token: &str, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new().request(method, app.at(path)).bearer_auth(token).header("accept-language", "en")
}

async fn problem(res: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status);
    let ct = res.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    assert_eq!(ct, "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16());
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    body
}

both_backends!(tokens_act_with_their_owners_permissions, |app| {
    let admin = token_for(&app, ADMIN).await;
    let me: Value = api(&app, &admin, reqwest::Method::GET, "/api/v1/me").send().await.unwrap().json().await.unwrap();
    assert_eq!(me["email"], ADMIN);
    let agencies: Value = api(&app, &admin, reqwest::Method::GET, "/api/v1/agencies").send().await.unwrap().json().await.unwrap();
    assert_eq!(agencies.as_array().unwrap().len(), 8);

    // A caseworker's token cannot do an administrator's work.
    let cw = token_for(&app, "caseworker@demo.passerelle.test").await;
    let res = api(&app, &cw, reqwest::Method::GET, "/api/v1/users").send().await.unwrap();
    problem(res, StatusCode::FORBIDDEN).await;
    let res = api(&app, &cw, reqwest::Method::POST, "/api/v1/agencies")
        .json(&json!({"name": "X", "kind": "ngo", "sector": "civil_society"})).send().await.unwrap();
    problem(res, StatusCode::FORBIDDEN).await;

    // A supervisor sees only their team.
    let sup = token_for(&app, "supervisor@demo.passerelle.test").await;
    let team: Value = api(&app, &sup, reqwest::Method::GET, "/api/v1/users").send().await.unwrap().json().await.unwrap();
    let emails: Vec<&str> = team.as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert!(emails.contains(&"caseworker@demo.passerelle.test"));
    assert!(!emails.contains(&"admin@demo.passerelle.test"), "{emails:?}");
    let all: Value = api(&app, &admin, reqwest::Method::GET, "/api/v1/users").send().await.unwrap().json().await.unwrap();
    let outsider = all.as_array().unwrap().iter().find(|u| u["email"] == "trainer@demo.passerelle.test").unwrap();
    let res = api(&app, &sup, reqwest::Method::GET, &format!("/api/v1/users/{}", outsider["id"].as_str().unwrap())).send().await.unwrap();
    problem(res, StatusCode::NOT_FOUND).await;

    // A token cannot mint tokens; a revoked token opens nothing.
    let res = api(&app, &cw, reqwest::Method::POST, "/api/v1/tokens").json(&json!({"name": "more"})).send().await.unwrap();
    problem(res, StatusCode::FORBIDDEN).await;
    let list: Value = api(&app, &cw, reqwest::Method::GET, "/api/v1/tokens").send().await.unwrap().json().await.unwrap();
    let id = list[0]["id"].as_str().unwrap().to_string();
    let res = api(&app, &cw, reqwest::Method::DELETE, &format!("/api/v1/tokens/{id}")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = api(&app, &cw, reqwest::Method::GET, "/api/v1/me").send().await.unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
    let res = api(&app, "psl_not-a-real-token", reqwest::Method::GET, "/api/v1/me").send().await.unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
    let res = reqwest::Client::new().get(app.at("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.headers().get("www-authenticate").unwrap(), "Bearer");
    problem(res, StatusCode::UNAUTHORIZED).await;
});

both_backends!(bad_input_gets_clear_errors_and_writes_nothing, |app| {
    let admin = token_for(&app, ADMIN).await;
    let post = |body: &'static str, ct: &'static str| {
        api(&app, &admin, reqwest::Method::POST, "/api/v1/agencies").header("content-type", ct).body(body)
    };
    let b = problem(post("{not json", "application/json").send().await.unwrap(), StatusCode::BAD_REQUEST).await;
    assert_eq!(b["title"], "The JSON sent is not valid.");
    let b = problem(post(r#"{"name":"A","kind":"ngo","sector":"public","colour":"red"}"#, "application/json").send().await.unwrap(), StatusCode::BAD_REQUEST).await;
    assert!(b["detail"].as_str().unwrap().contains("colour"), "names the unknown field: {b}");
    problem(post(r#"{"name":"A"}"#, "text/plain").send().await.unwrap(), StatusCode::BAD_REQUEST).await;
    let b = problem(post(r#"{"name":"  ","kind":"spaceship","sector":"public"}"#, "application/json").send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<&str> = b["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["name", "kind"], "every problem at once");
    assert_eq!(b["errors"][0]["message"], "Name: this is required.");
    // Oversized body.
    let big = format!(r#"{{"name":"{}","kind":"ngo","sector":"public"}}"#, "x".repeat(2 * 1024 * 1024));
    let res = api(&app, &admin, reqwest::Method::POST, "/api/v1/agencies").header("content-type", "application/json").body(big).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Duplicate name: a conflict naming the field.
    let res = api(&app, &admin, reqwest::Method::POST, "/api/v1/agencies")
        .json(&json!({"name": "Child Protection Unit", "kind": "child_protection_unit", "sector": "public"})).send().await.unwrap();
    let b = problem(res, StatusCode::CONFLICT).await;
    assert_eq!(b["errors"][0]["field"], "name");
    // Nothing of the above was written.
    let list: Value = api(&app, &admin, reqwest::Method::GET, "/api/v1/agencies").send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 8);
    // A user with a bad role and a short password: both named, no account created.
    let res = api(&app, &admin, reqwest::Method::POST, "/api/v1/users")
        .json(&json!({"email": "x@demo.passerelle.test", "display_name": "X", "roles": ["root"], "password": "short"})).send().await.unwrap();
    problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = api(&app, &admin, reqwest::Method::POST, "/api/v1/users")
        .json(&json!({"email": "x@demo.passerelle.test", "display_name": "X", "roles": ["root"], "password": "long enough password"})).send().await.unwrap();
    let b = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(b["errors"][0]["field"], "roles");
    let users: Value = api(&app, &admin, reqwest::Method::GET, "/api/v1/users?q=x@demo").send().await.unwrap().json().await.unwrap();
    assert!(users.as_array().unwrap().is_empty());
    // A malformed id in a path, unknown paths and wrong methods: translated problems.
    problem(api(&app, &admin, reqwest::Method::GET, "/api/v1/agencies/not-a-uuid").send().await.unwrap(), StatusCode::BAD_REQUEST).await;
    problem(api(&app, &admin, reqwest::Method::GET, "/api/v1/nothing-here").send().await.unwrap(), StatusCode::NOT_FOUND).await;
    problem(api(&app, &admin, reqwest::Method::PUT, "/api/v1/agencies").send().await.unwrap(), StatusCode::METHOD_NOT_ALLOWED).await;
    // In Spanish when asked.
    let res = reqwest::Client::new().get(app.at("/api/v1/me")).header("accept-language", "es").send().await.unwrap();
    let b: Value = res.json().await.unwrap();
    assert_ne!(b["title"], "Please sign in.");
});

both_backends!(script_and_sql_in_text_are_data, |app| {
    let admin = token_for(&app, ADMIN).await;
    let evil = "<script>alert(1)</script>'; DROP TABLE users; --";
    let res = api(&app, &admin, reqwest::Method::POST, "/api/v1/agencies")
        .json(&json!({"name": evil, "kind": "ngo", "sector": "civil_society"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["name"], evil, "stored as typed");
    // Shown escaped on every page that shows it.
    let s = app.signed_in(ADMIN).await;
    for page in ["/admin/agencies".to_string(), format!("/admin/agencies/{}", created["id"].as_str().unwrap())] {
        let (_, html) = s.text(&page).await;
        assert!(!html.contains("<script>alert(1)</script>"), "{page}");
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;&#39;"), "{page}");
    }
    // SQL metacharacters in filters are just text.
    for q in ["' OR '1'='1", "%", "_", "\\", "'; DELETE FROM users; --"] {
        let res = api(&app, &admin, reqwest::Method::GET, "/api/v1/users").query(&[("q", q)]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{q}");
        let found: Value = res.json().await.unwrap();
        assert!(found.as_array().unwrap().is_empty(), "{q} matched {found}");
        let (status, _) = s.text(&format!("/admin/users?q={}", url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>())).await;
        assert_eq!(status, StatusCode::OK);
    }
    let all: Value = api(&app, &admin, reqwest::Method::GET, "/api/v1/users").send().await.unwrap().json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 8);
});

both_backends!(openapi_document_and_docs_page, |app| {
    let doc: Value = reqwest::get(app.at("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["title"], "Passerelle API");
    for path in ["/api/v1/me", "/api/v1/agencies", "/api/v1/users", "/api/v1/audit", "/api/v1/tokens/{id}"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    // Every API route of the table is in the document.
    for def in passerelle_web::routes::route_defs() {
        if def.path.starts_with("/api/v1/") && def.path != "/api/v1/openapi.json" {
            let m = def.method.as_str().to_lowercase();
            assert!(doc["paths"][def.path][&m].is_object(), "{} {} missing from OpenAPI", def.method, def.path);
        }
    }
    // What schemathesis found (scripts/attack-api): query parameters documented as required
    // path parameters, errors documented as application/json, and statuses the guard answers
    // (401, 403, 400, 429) missing. Every parameter is where it is read; every error is
    // problem+json; a token route documents 401, a public one does not.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().map(Vec::as_slice).unwrap_or_default() {
                let name = p["name"].as_str().unwrap();
                if p["in"] == "path" {
                    assert!(path.contains(&format!("{{{name}}}")), "{method} {path}: {name} is not in the path");
                }
            }
            let responses = op["responses"].as_object().unwrap();
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(r["content"]["application/problem+json"].is_object(), "{method} {path} {status} is not problem+json");
                    assert!(r["content"].get("application/json").is_none(), "{method} {path} {status}");
                }
            }
            for status in ["400", "429", "503"] {
                assert!(responses.contains_key(status), "{method} {path} does not document {status}");
            }
            let public = path.starts_with("/api/v1/hsds/") || path == "/api/v1/certificates/verify";
            assert_eq!(responses.contains_key("401"), !public, "{method} {path} 401");
        }
    }
    assert_eq!(doc["paths"]["/api/v1/people"]["get"]["parameters"][0]["in"], "query");
    // Also found by schemathesis: a page number near usize::MAX overflowed the offset (a
    // panic, the connection dropped). It is a page past the end.
    for path in ["/api/v1/hsds/taxonomy_terms", "/api/v1/hsds/services", "/api/v1/hsds/organizations"] {
        let res = reqwest::get(app.at(&format!("{path}?page=368934881474191034"))).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["contents"].as_array().map(Vec::len), Some(0), "{path}");
    }
    let s = Session::anonymous(&app);
    let (status, html) = s.text("/api/docs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("/api/v1/agencies") && html.contains("AgencyIn"));
});

both_backends!(operations_and_security_headers, |app| {
    assert_eq!(reqwest::get(app.at("/healthz")).await.unwrap().text().await.unwrap(), "ok");
    assert_eq!(reqwest::get(app.at("/readyz")).await.unwrap().status(), StatusCode::OK);
    let res = reqwest::get(app.at("/login")).await.unwrap();
    let h = res.headers();
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
    assert!(h.get("strict-transport-security").is_none(), "no HSTS without TLS");
    // Signed-in pages are never cached.
    let s = app.signed_in(ADMIN).await;
    let res = s.get("/dashboard").await;
    assert_eq!(res.headers().get("cache-control").unwrap(), "no-store");
    // Compressed when the client accepts it, and small.
    let res = s.client.get(app.at("/assets/app.css")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers().get("content-encoding").unwrap(), "gzip");
    assert_eq!(s.get("/assets/../Cargo.toml").await.status(), StatusCode::NOT_FOUND);
});

both_backends!(readyz_reports_a_database_outage, |app| {
    let s = app.signed_in(ADMIN).await;
    app.store.close().await;
    let res = reqwest::get(app.at("/readyz")).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reqwest::get(app.at("/healthz")).await.unwrap().status(), StatusCode::OK);
    // Pages say the service is unavailable, without a stack trace.
    let res = s.get("/dashboard").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = res.text().await.unwrap();
    assert!(!body.contains("sqlx") && !body.contains("panicked"));
});
