//! Operations: liveness, readiness, the static assets and the readable API page.

use crate::ctx::Page;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers. A load balancer takes a node out on 503.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(std::time::Duration::from_secs(3), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        _ => {
            let mut r = (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
            // Tagged so the error renderer leaves this plain answer for probes as it is.
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            r
        }
    }
}

/// CSS, the one small script and icons, embedded in the binary: field offices may have no
/// internet beyond the server, so nothing is fetched from elsewhere.
#[derive(rust_embed::Embed)]
#[folder = "assets/"]
struct Assets;

pub async fn asset(Path(file): Path<String>) -> Response {
    match Assets::get(&file) {
        Some(content) => {
            let mime = mime_of(&file);
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                    // Assets change only with a release; a day keeps slow links from refetching.
                    (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
                ],
                content.data,
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn mime_of(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// One operation of the API, for the readable page.
pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub tag: String,
    pub params: Vec<String>,
    pub body: Option<String>,
    pub responses: Vec<String>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocsPage {
    page: Page,
    operations: Vec<Operation>,
}

/// The OpenAPI document as a page people can read without any script.
pub async fn api_docs(page: Page) -> Response {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(crate::api::ApiDoc::openapi()).unwrap_or_default();
    let mut operations = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (method, op) in item {
                let name = |v: &serde_json::Value| v.get("name").and_then(|n| n.as_str()).unwrap_or("").to_string();
                operations.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: op.get("summary").or(op.get("description")).and_then(|s| s.as_str()).unwrap_or("").to_string(),
                    tag: op.get("tags").and_then(|t| t.get(0)).and_then(|t| t.as_str()).unwrap_or("").to_string(),
                    params: op.get("parameters").and_then(|p| p.as_array()).map(|a| a.iter().map(name).collect()).unwrap_or_default(),
                    body: op.pointer("/requestBody/content/application~1json/schema/$ref")
                        .and_then(|r| r.as_str()).map(|r| r.rsplit('/').next().unwrap_or(r).to_string()),
                    responses: op.get("responses").and_then(|r| r.as_object()).map(|r| r.keys().cloned().collect()).unwrap_or_default(),
                });
            }
        }
    }
    operations.sort_by(|a, b| (&a.tag, &a.path, &a.method).cmp(&(&b.tag, &b.path, &b.method)));
    render(&ApiDocsPage { page, operations })
}
