//! What makes the activity form an installable web app that works offline: a web app manifest
//! and a service worker, both served from the binary under `/outreach/` so that the worker's
//! scope is the outreach pages (a worker served from `/assets/` could only control `/assets/`).
//!
//! The worker keeps the form page and its script so that the form opens without a network; the
//! drafts themselves are kept, encrypted, by `assets/outreach.js` (see there).

use axum::http::header;
use axum::response::{IntoResponse, Response};

const SERVICE_WORKER: &str = include_str!("../../../assets/outreach-sw.js");

pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // The browser checks for a new worker at each visit; never keep an old one.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER,
    )
        .into_response()
}

pub async fn manifest() -> Response {
    let body = serde_json::json!({
        "name": "Passerelle — outreach",
        "short_name": "Outreach",
        "start_url": "/outreach/activities/new",
        "scope": "/outreach/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4e89",
        "icons": [{"src": "/assets/icon.svg", "sizes": "any", "type": "image/svg+xml"}]
    });
    ([(header::CONTENT_TYPE, "application/manifest+json")], body.to_string()).into_response()
}
