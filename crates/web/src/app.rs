//! Assembling the application: routes from the table, the guard, error rendering, security
//! headers, compression and limits.

use crate::access::guard;
use crate::error::render_errors;
use crate::routes::route_defs;
use crate::state::{AppState, WebConfig};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::Router;
use passerelle_store::Store;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Builds the whole web application on `store`.
pub fn build_app(store: Store, config: WebConfig) -> Result<Router, crate::i18n::I18nError> {
    let state = AppState::new(store, config)?;
    if state.config.warm {
        let state = state.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            match crate::pages::indicators::dashboard::warm(&state).await {
                Ok(n) => tracing::info!(figures = n, seconds = started.elapsed().as_secs_f64(), "indicator figures warmed"),
                // The dashboards compute their figures when first viewed instead.
                Err(e) => tracing::warn!(error = %e, "indicator figures not warmed"),
            }
        });
    }
    let limit = state.config.max_body_bytes;
    let mut router: Router<AppState> = Router::new();
    for def in route_defs() {
        // Uploads of case files may be larger than any other request; every other route keeps
        // the small limit.
        let max = if def.path.ends_with("/attachments") { passerelle_store::attachments::MAX_BYTES + 64 * 1024 } else { limit };
        router = router.route(def.path, def.handler.layer(DefaultBodyLimit::max(max)));
    }
    // The outer limit is the largest any route takes; each route's extractors hold it to its own.
    let outer = limit.max(passerelle_store::attachments::MAX_BYTES + 64 * 1024);
    Ok(router
        // The guard runs on matched routes only, so it sees the route's pattern.
        .route_layer(from_fn_with_state(state.clone(), guard))
        // Every page sees the needs taxonomy administrators keep (see directory_index).
        .route_layer(from_fn_with_state(state.clone(), crate::directory_index::keep_needs_fresh))
        .fallback(|| async { crate::error::AppError::NotFound })
        .layer(from_fn_with_state(state.clone(), render_errors))
        .layer(from_fn_with_state(state.clone(), security_headers))
        .layer(RequestBodyLimitLayer::new(outer))
        // Brotli's own default is its slowest quality (11), made for files compressed once:
        // on every page it cost a tenth of the server's time. Quality 4 is within a few per
        // cent of its size at a fraction of the work (gzip and zstd at 4 likewise).
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(4)))
        .layer(TimeoutLayer::with_status_code(http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(TraceLayer::new_for_http())
        .with_state(state))
}

/// Headers every answer carries. The policy allows scripts and styles from this server only:
/// no inline script, no third party, no framing.
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if state.config.secure {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    res
}
