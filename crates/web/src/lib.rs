//! Passerelle's web layer: server-rendered pages that work without JavaScript, a JSON API
//! under `/api/v1` with its OpenAPI document, sessions, sign-in and the permission guard.

pub mod access;
pub mod api;
pub mod api_cases;
pub mod api_hsds;
pub mod api_referrals;
pub mod api_indicators;
pub mod app;
pub mod ctx;
pub mod directory_index;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod limits;
pub mod notify;
pub mod ops;
pub mod passwords;
pub mod pages;
pub mod routes;
pub mod state;
pub mod totp;
pub mod views;

pub use app::build_app;
pub use state::WebConfig;
