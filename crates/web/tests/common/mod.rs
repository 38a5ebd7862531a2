//! The test harness: the real app on a random port, over real HTTP, on a fresh database of
//! either backend. `both_backends!` turns one test body into a SQLite and a PostgreSQL test.
#![allow(dead_code)]

use passerelle_store::{demo, Store};
use passerelle_web::{build_app, WebConfig};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use std::net::SocketAddr;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub url: String,
    pub store: Store,
    pub backend: Backend,
    _dir: tempfile::TempDir,
}

/// Creates a fresh PostgreSQL database from `PASSERELLE_TEST_DATABASE_URL` (a role with
/// CREATEDB). Without it the PostgreSQL half of the suite fails loudly: both backends are
/// tested on every run.
pub async fn fresh_postgres_url() -> String {
    let admin = std::env::var("PASSERELLE_TEST_DATABASE_URL").expect(
        "PASSERELLE_TEST_DATABASE_URL is not set: run the suite with scripts/test, which starts PostgreSQL",
    );
    let name = format!("passerelle_test_{}", uuid::Uuid::new_v4().simple());
    let pool = sqlx::PgPool::connect(&admin).await.expect("connect to the test PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .expect("create a test database");
    pool.close().await;
    let mut url = url::Url::parse(&admin).expect("a valid URL");
    url.set_path(&name);
    url.to_string()
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, WebConfig::default()).await
    }

    pub async fn spawn_with(backend: Backend, config: WebConfig) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = match backend {
            Backend::Sqlite => Store::open(None, dir.path()).await,
            Backend::Postgres => Store::open(Some(&fresh_postgres_url().await), dir.path()).await,
        }
        .expect("open the store");
        demo::seed_defaults(&store).await.expect("seed the default content");
        demo::load_if_empty(&store).await.expect("load the demo");
        let app = build_app(store.clone(), config).expect("build the app");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.ok();
        });
        TestApp { url: format!("http://{addr}"), store, backend, _dir: dir }
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client")
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// A client signed in as `email` (English pages).
    pub async fn signed_in(&self, email: &str) -> Session {
        let s = Session { client: self.client(), base: self.url.clone() };
        let res = s.sign_in(email, demo::DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign-in of {email}");
        s
    }

    /// The id of the account `email`.
    #[allow(dead_code)]
    pub async fn user_id(&self, email: &str) -> uuid::Uuid {
        let mut tx = self.store.read().await.expect("read");
        passerelle_store::users::find_by_email(&mut tx, email).await.expect("query").expect("user").id
    }
}

/// A client and the app it talks to.
pub struct Session {
    pub client: Client,
    pub base: String,
}

impl Session {
    pub fn anonymous(app: &TestApp) -> Session {
        Session { client: app.client(), base: app.url.clone() }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .header("accept-language", "en")
            .send()
            .await
            .expect("GET")
    }

    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.text().await.unwrap_or_default())
    }

    /// The CSRF token the server put in the forms of `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let (_, body) = self.text(path).await;
        csrf_in(&body).unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    /// Posts a form from `page` (whose CSRF token is added).
    pub async fn post_form(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf(page).await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(format!("{}{}", self.base, action))
            .header("accept-language", "en")
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post_form("/login", "/login", &[("email", email), ("password", password)]).await
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

pub fn location(r: &Response) -> String {
    r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// Runs one async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$app:ident| $body:block) => {
        both_backends!($name, with passerelle_web::WebConfig::default(), |$app| $body);
    };
    // The same, with a server configured for the test (lower limits, mail…).
    ($name:ident, with $config:expr, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($app: $crate::common::TestApp) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::common::TestApp::spawn_with($crate::common::Backend::Sqlite, $config).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::common::TestApp::spawn_with($crate::common::Backend::Postgres, $config).await).await
            }
        }
    };
}

/// Posts a form as the page would, with its CSRF token, in English.
#[allow(dead_code)]
pub async fn post(s: &Session, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Response {
    let mut all = vec![("csrf_token", csrf)];
    all.extend_from_slice(fields);
    s.client.post(format!("{}{}", s.base, path)).header("accept-language", "en").form(&all).send().await.unwrap()
}

/// The id that follows `prefix` in a redirect location (`/cases/<id>?…`, `/x/<id>#part`, `/x/<id>/edit`).
#[allow(dead_code)]
pub fn id_after(prefix: &str, location: &str) -> uuid::Uuid {
    let rest = location.strip_prefix(prefix).unwrap_or_else(|| panic!("{location} does not start with {prefix}"));
    rest.split(['#', '?', '/']).next().unwrap().parse().unwrap()
}

/// Registers a person through the page form (a new person, sex female, any `extra` fields) and
/// returns their id.
#[allow(dead_code)]
pub async fn register_person(s: &Session, csrf: &str, given: &str, family: &str, extra: &[(&str, &str)]) -> uuid::Uuid {
    let mut fields = vec![("given_names", given), ("family_names", family), ("sex", "female"), ("confirm_new", "1")];
    fields.extend_from_slice(extra);
    let r = post(s, "/people", csrf, &fields).await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "registering {given} {family}");
    id_after("/people/", &location(&r))
}

/// Opens a medium-risk case under `sop` for `person` and returns its id.
#[allow(dead_code)]
pub async fn open_case(s: &Session, csrf: &str, person: uuid::Uuid, sop: &str) -> uuid::Uuid {
    let r = post(s, &format!("/people/{person}/cases"), csrf, &[("sop", sop), ("risk", "medium")]).await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "opening a {sop} case");
    id_after("/cases/", &location(&r))
}

/// Creates an account with the demo password in the team named `team` (its agency too).
pub async fn staff(app: &TestApp, email: &str, role: &str, team: &str) -> (uuid::Uuid, uuid::Uuid) {
    let hash = passerelle_web::passwords::hash(passerelle_store::demo::DEMO_PASSWORD.to_string()).await.unwrap();
    let mut tx = app.store.write().await.unwrap();
    let teams = passerelle_store::agencies::list_teams(&mut tx, None).await.unwrap();
    let t = teams.iter().find(|t| t.name == team).unwrap_or_else(|| panic!("team {team}"));
    let input = passerelle_store::users::UserInput {
        email: email.into(),
        display_name: format!("{role} of {team}"),
        agency_id: Some(t.agency_id),
        team_id: Some(t.id),
        roles: vec![role.into()],
        language: None,
    };
    let u = passerelle_store::users::create_user(&mut tx, None, &input, Some(&hash), false).await.unwrap();
    tx.commit().await.unwrap();
    (u.id, t.agency_id)
}

/// A new personal API token of `email`, minted over HTTP as its owner would.
pub async fn token_for(app: &TestApp, email: &str) -> String {
    let s = app.signed_in(email).await;
    let csrf = s.csrf("/dashboard").await;
    let res = s.client.post(app.at("/api/v1/tokens")).header("x-csrf-token", csrf)
        .json(&serde_json::json!({"name": "integration test"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: serde_json::Value = res.json().await.unwrap();
    let secret = body["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("psl_"));
    secret
}
