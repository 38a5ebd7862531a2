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
