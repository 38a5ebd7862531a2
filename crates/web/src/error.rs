//! The web layer's one error type, and the one place where errors become pages or problems.
//!
//! Handlers return [`AppError`]; its `IntoResponse` only sets the status and tags the response.
//! The [`render_errors`] middleware, which knows the reader's language and whether the
//! request was for the API, then writes the translated HTML page or the RFC 9457 problem.
//! Any other error response (a body too large, a wrong method, an unknown path) is rendered
//! the same way, so no English framework text ever reaches a reader.

use crate::ctx::RequestLang;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use passerelle_core::validate::{FieldError, Problems};
use passerelle_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid CSRF token")]
    Csrf,
    #[error("invalid input")]
    Invalid(Problems),
    #[error("conflict on {0}")]
    Conflict(&'static str),
    /// Someone else changed the record first: the person's change was not written.
    #[error("changed meanwhile: {0}")]
    Stale(&'static str),
    /// A request the server cannot read: `key` names the translated title, `detail` says what.
    #[error("bad request: {detail}")]
    BadRequest { key: &'static str, detail: String },
    #[error("too many requests")]
    TooManyRequests,
    /// It existed but no longer does (an export past its expiry).
    #[error("gone")]
    Gone,
    /// The request body is over the route's limit.
    #[error("too large")]
    TooLarge,
    #[error("unavailable")]
    Unavailable,
    /// What the page shows is still being computed in the background (indicator figures at
    /// scale): the reader is asked to come back (`Retry-After`; a page asked for with GET links
    /// to itself).
    #[error("still computing")]
    Computing,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(field) => AppError::Conflict(field),
            StoreError::Stale(what) => AppError::Stale(what),
            StoreError::Invalid(p) => AppError::Invalid(p),
            StoreError::Computing => AppError::Computing,
            e if e.is_unavailable() => {
                tracing::error!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// Carried by an error response until [`render_errors`] writes its body.
#[derive(Clone, Debug)]
pub struct ErrorTag {
    pub title_key: &'static str,
    pub detail: Option<String>,
    pub fields: Vec<FieldError>,
    /// Seconds after which asking again may succeed (sent as `Retry-After`).
    pub retry_after: Option<u32>,
}

/// How long a reader is asked to wait for figures being computed.
const COMPUTING_RETRY_SECONDS: u32 = 10;

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) | AppError::Stale(_) => StatusCode::CONFLICT,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Gone => StatusCode::GONE,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable | AppError::Computing => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let tag = match self {
            AppError::Csrf => ErrorTag { title_key: "error-csrf", detail: None, fields: vec![], retry_after: None },
            AppError::Invalid(p) => ErrorTag { title_key: "error-invalid", detail: None, fields: p.0, retry_after: None },
            AppError::Conflict(field) => ErrorTag {
                title_key: "error-conflict",
                detail: None,
                fields: vec![FieldError::new(field, "taken")],
                retry_after: None,
            },
            AppError::Computing => ErrorTag { title_key: "error-computing", detail: None, fields: vec![], retry_after: Some(COMPUTING_RETRY_SECONDS) },
            AppError::Stale(_) => ErrorTag { title_key: "error-stale", detail: None, fields: vec![], retry_after: None },
            AppError::BadRequest { key, detail } => ErrorTag { title_key: key, detail: Some(detail), fields: vec![], retry_after: None },
            AppError::Internal(msg) => {
                // The cause goes to the log, never to the reader.
                tracing::error!(error = %msg, "internal error");
                ErrorTag { title_key: status_key(status), detail: None, fields: vec![], retry_after: None }
            }
            _ => ErrorTag { title_key: status_key(status), detail: None, fields: vec![], retry_after: None },
        };
        let mut res = status.into_response();
        if let Some(s) = tag.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res.extensions_mut().insert(tag);
        res
    }
}

fn status_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "error-bad-request",
        401 => "error-unauthorized",
        403 => "error-forbidden",
        404 => "error-not-found",
        405 => "error-method",
        408 => "error-timeout",
        409 => "error-conflict",
        410 => "error-gone",
        413 => "error-too-large",
        415 => "error-media-type",
        422 => "error-invalid",
        429 => "error-too-many",
        503 => "error-unavailable",
        _ => "error-internal",
    }
}

/// RFC 9457 problem details, with the fields at fault.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` when the status says it all).
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    tr: Tr,
    title: String,
    detail: Option<String>,
    fields: Vec<ProblemField>,
    status: u16,
    /// Seconds to wait before asking again, and the address to ask again (a page asked for
    /// with GET: loading it again changes nothing). A link rather than a timed reload: a page
    /// that reloads by itself moves under a screen reader's user (WCAG 2.2.1).
    retry_after: Option<u32>,
    again: Option<String>,
}

/// Renders every error response: translated HTML for pages, problem+json for the API.
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let wants_json = req.uri().path().starts_with("/api/")
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("json") && !a.contains("html"));
    let lang = RequestLang::from_request(&state, &req);
    let again = (req.method() == axum::http::Method::GET).then(|| req.uri().path_and_query().map(|p| p.to_string())).flatten();
    let mut res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    // A handler that already wrote a full page (a form with its errors) keeps it.
    let Some(tag) = res.extensions_mut().remove::<ErrorTag>().or_else(|| {
        let ct = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        (!ct.starts_with("text/html") && !ct.starts_with("application/problem+json"))
            .then(|| ErrorTag { title_key: status_key(status), detail: None, fields: vec![], retry_after: None })
    }) else {
        return res;
    };
    let tr = Tr::new(state.i18n.clone(), lang);
    let fields: Vec<ProblemField> = tag
        .fields
        .iter()
        .map(|f| ProblemField {
            field: f.field.clone(),
            code: f.code.to_string(),
            message: crate::forms::field_message(&tr, &f.field, f.code),
        })
        .collect();
    let title = tr.t(tag.title_key);
    let headers = res.headers().clone();
    let mut out = if wants_json {
        let problem = Problem { type_: "about:blank".into(), title, status: status.as_u16(), detail: tag.detail, errors: fields };
        let mut r = axum::Json(problem).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        r
    } else {
        let page = ErrorPage { tr, title, detail: tag.detail, fields, status: status.as_u16(), retry_after: tag.retry_after, again: again.filter(|_| tag.retry_after.is_some()) };
        match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(_) => status.into_response(),
        }
    };
    *out.status_mut() = status;
    // Keep headers set on the way out (cookies, Retry-After, WWW-Authenticate, Location).
    for (name, value) in headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().append(name, value.clone());
        }
    }
    out
}
