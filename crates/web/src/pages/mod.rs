//! The HTML pages, one module per part of the app.

pub mod account;
pub mod admin;
pub mod auth;
pub mod cases;
pub mod directory;
pub mod forms;
pub mod home;
pub mod indicators;
pub mod outreach;
pub mod people;
pub mod referrals;
pub mod sops;
pub mod trafficking;
pub mod training;
pub mod functioning;
pub mod households;
pub mod exports;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use axum::http::StatusCode;

/// A list page's link with its query: the parameters with a value, none when none has one.
pub fn list_href(path: &str, pairs: &[(&str, &str)]) -> String {
    let kept: Vec<_> = pairs.iter().filter(|(_, v)| !v.is_empty()).collect();
    match serde_urlencoded::to_string(kept).unwrap_or_default() {
        q if q.is_empty() => path.to_string(),
        q => format!("{path}?{q}"),
    }
}

/// The value of a checkbox parameter in a link: "1" when ticked.
pub fn flag(f: &Option<String>) -> &'static str {
    if f.is_some() {
        "1"
    } else {
        ""
    }
}

/// A link of a list's pager: where it goes, its label's message id, its `rel` (none for the
/// first page: HTML has no link type for it).
pub struct PagerLink {
    pub href: String,
    pub label: &'static str,
    pub rel: &'static str,
}

/// The links below a list in pages (`_pager.html`): back (to the previous page, or to the first
/// one for a list read after a cursor) and on to the next page, each when there is one.
pub struct Pager {
    pub back: Option<PagerLink>,
    pub next: Option<String>,
}

impl Pager {
    /// A list in numbered pages: back is the previous page.
    pub fn numbered(previous: Option<String>, next: Option<String>) -> Pager {
        Pager { back: previous.map(|href| PagerLink { href, label: "pager-previous", rel: "prev" }), next }
    }

    /// A list read after a cursor (the last row of the page before): back is the first page.
    pub fn cursor(first: Option<String>, next: Option<String>) -> Pager {
        Pager { back: first.map(|href| PagerLink { href, label: "pager-first", rel: "" }), next }
    }

    pub fn is_empty(&self) -> bool {
        self.back.is_none() && self.next.is_none()
    }
}

/// Renders a template into a response; a template error is an internal error, logged.
pub fn render<T: Template>(t: &T) -> Response {
    render_status(StatusCode::OK, t)
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => crate::error::AppError::Internal(format!("template: {e}")).into_response(),
    }
}
