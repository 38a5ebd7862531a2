//! Permissions checked in one place.
//!
//! Every route is declared once in [`crate::routes::route_defs`] with the [`Access`] it needs.
//! The [`guard`] middleware runs before every handler: it finds who is asking (session cookie
//! or API token), checks CSRF on every state-changing request, enforces the sign-in steps still
//! owed (second factor, password change, mandatory enrolment), then allows or refuses the route
//! by looking its access up in that table, through `passerelle_core::access::scope_for`.
//! A route missing from the table is refused to everyone.

use crate::ctx::{CsrfToken, Identity, RequestLang, ResolvedLang, Via, CSRF_COOKIE, SESSION_COOKIE};
use crate::error::AppError;
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use passerelle_core::access::{scope_for, Permission, Role};
use passerelle_store::secrets::{constant_time_eq, random_token};
use passerelle_store::{sessions, tokens};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A session that has passed the password and still owes the second factor.
    SecondFactor,
    /// Any fully signed-in user.
    SignedIn,
    /// A signed-in user whose roles grant this permission.
    Perm(Permission),
    /// A signed-in user granted any of these: a page two sides of one piece of work share
    /// (a referral: the referring caseworker and the receiving service). The handler then
    /// decides what each side sees.
    Any(&'static [Permission]),
}

/// The access table, built once from the route definitions.
static TABLE: OnceLock<HashMap<(Method, &'static str), Access>> = OnceLock::new();

pub fn table() -> &'static HashMap<(Method, &'static str), Access> {
    TABLE.get_or_init(|| {
        crate::routes::route_defs()
            .into_iter()
            .map(|d| ((d.method, d.path), d.access))
            .collect()
    })
}

pub fn access_of(method: &Method, path: &str) -> Option<Access> {
    table().get(&(method.clone(), path)).copied()
}

/// Whether a user with `roles` passes `access` (fully signed in).
pub fn allows(access: Access, roles: &[Role]) -> bool {
    match access {
        Access::Public | Access::SignedIn => true,
        Access::SecondFactor => false,
        Access::Perm(p) => scope_for(roles, p).is_some(),
        Access::Any(ps) => ps.iter().any(|p| scope_for(roles, *p).is_some()),
    }
}

/// A navigation entry: a translated label and where it leads.
#[derive(Clone, Debug)]
pub struct NavItem {
    pub key: &'static str,
    pub href: &'static str,
}

/// The navigation, in order; an entry shows when the user may open its page.
const NAV: &[(&str, &str)] = &[
    ("nav-dashboard", "/dashboard"),
    ("nav-cases", "/cases"),
    ("nav-people", "/people"),
    ("nav-referrals", "/referrals"),
    ("nav-referral-figures", "/referrals/figures"),
    ("nav-users", "/admin/users"),
    ("nav-agencies", "/admin/agencies"),
    ("nav-areas", "/admin/areas"),
    ("nav-directory", "/directory/manage"),
    ("nav-communities", "/communities"),
    ("nav-coverage", "/coverage"),
    ("nav-sops", "/sops"),
    ("nav-forms", "/forms"),
    ("nav-training", "/training"),
    ("nav-pathways", "/admin/pathways"),
    ("nav-indicators", "/indicators"),
    ("nav-quality", "/quality/assessments"),
    ("nav-trafficking-screenings", "/trafficking/screenings"),
    ("nav-trafficking-taskforce", "/trafficking/taskforce"),
    ("nav-outreach", "/outreach"),
    ("nav-outreach-figures", "/outreach/figures"),
    ("nav-audit", "/admin/audit"),
    ("nav-security-policy", "/admin/security"),
    ("nav-personal-data", "/admin/people"),
    ("nav-retention", "/admin/retention"),
    ("nav-account", "/account"),
    ("nav-exports", "/exports"),
];

pub fn nav_for(roles: &[Role]) -> Vec<NavItem> {
    NAV.iter()
        .filter(|(_, href)| access_of(&Method::GET, href).is_some_and(|a| allows(a, roles)))
        .map(|(key, href)| NavItem { key, href })
        .collect()
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Where a signed-in person who still owes a step may go; everything else leads to that step.
fn owed_step(identity: &Identity, totp_required: bool) -> Option<(&'static str, &'static [&'static str])> {
    if identity.user.must_change_password {
        return Some(("/account/password", &["/account/password", "/logout", "/language"]));
    }
    if totp_required && !identity.user.totp_enabled {
        return Some(("/account/security", &["/account/security", "/account/security/totp", "/logout", "/language"]));
    }
    None
}

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match guard_inner(&state, req, next).await {
        Ok(res) => res,
        Err(e) => e.into_response(),
    }
}

async fn guard_inner(state: &AppState, mut req: Request, next: Next) -> Result<Response, AppError> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let matched = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    // Fail closed: a route that is not in the table is refused. A known path asked with a
    // method it does not have goes on to the router, which answers 405 (no handler runs).
    let access = match matched.as_deref() {
        Some(m) => match access_of(&method, m) {
            Some(a) => a,
            None if table().keys().any(|(_, p)| *p == m) => return Ok(next.run(req).await),
            None => return Err(AppError::Forbidden),
        },
        None => return Err(AppError::Forbidden),
    };

    let jar = CookieJar::from_headers(req.headers());
    let (identity, session_csrf, totp_required) = match identify(state, req.headers(), &jar).await? {
        Some(Found { identity, session_csrf, totp_required }) => (Some(identity), session_csrf, totp_required),
        None => (None, None, false),
    };
    let lang = RequestLang::resolve(identity.as_ref().map(|i| &i.user), req.headers());

    // CSRF: a session's token, or for someone not yet signed in, the double-submit cookie.
    let mut new_anon_csrf = None;
    let csrf_expected = match &identity {
        Some(Identity { via: Via::ApiToken { .. }, .. }) => None,
        Some(Identity { via: Via::Session { .. }, .. }) => session_csrf,
        None => match jar.get(CSRF_COOKIE) {
            Some(c) if c.value().len() >= 32 => Some(c.value().to_string()),
            _ => {
                let t = random_token();
                new_anon_csrf = Some(t.clone());
                Some(t)
            }
        },
    };
    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        if let Some(expected) = &csrf_expected {
            let (r, ok) = check_csrf(state, req, expected).await?;
            req = r;
            if !ok || new_anon_csrf.is_some() {
                return Err(AppError::Csrf);
            }
        }
    }

    // The access decision.
    match (&identity, access) {
        (_, Access::Public) => {}
        (Some(Identity { via: Via::Session { second_factor_pending: true, .. }, .. }), Access::SecondFactor) => {}
        (Some(Identity { via: Via::Session { second_factor_pending: true, .. }, .. }), _) => {
            if is_api(&path) {
                return Err(AppError::Unauthorized);
            }
            return Ok(Redirect::to("/login/totp").into_response());
        }
        (Some(_), Access::SecondFactor) => return Ok(Redirect::to("/dashboard").into_response()),
        (Some(i), a) => {
            if let Some((to, allowed)) = owed_step(i, totp_required) {
                if !allowed.contains(&path.as_str()) {
                    if is_api(&path) {
                        return Err(AppError::Forbidden);
                    }
                    return Ok(Redirect::to(to).into_response());
                }
            } else if !allows(a, &i.user.roles) {
                return Err(AppError::Forbidden);
            }
        }
        (None, _) => {
            if is_api(&path) || method != Method::GET {
                let mut res = AppError::Unauthorized.into_response();
                res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return Ok(res);
            }
            let next_q = serde_urlencoded::to_string([("next", path.as_str())]).unwrap_or_default();
            return Ok(Redirect::to(&format!("/login?{next_q}")).into_response());
        }
    }

    // Making a personal-data export is a POST: it spends the same allowance as a download.
    let makes_export = method == Method::POST && crate::limits::is_export(matched.as_deref().unwrap_or_default());
    if method == Method::GET || makes_export {
        if let Some(kind) = crate::limits::kind_of(matched.as_deref().unwrap_or_default(), req.uri().query()) {
            let who = match &identity {
                Some(i) => crate::limits::Who::User(i.id()),
                None => {
                    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0).unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
                    crate::limits::Who::Address(crate::pages::auth::client_ip(state, req.headers(), peer))
                }
            };
            if let Err(wait) = state.limits.check(kind, who) {
                let mut res = AppError::TooManyRequests.into_response();
                res.extensions_mut().insert(ResolvedLang(lang));
                if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
                    res.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return Ok(res);
            }
        }
    }

    let signed_in = identity.is_some();
    if let Some(t) = csrf_expected.clone() {
        req.extensions_mut().insert(CsrfToken(t));
    }
    req.extensions_mut().insert(ResolvedLang(lang));
    if let Some(i) = identity.clone() {
        req.extensions_mut().insert(i);
    }
    let mut res = next.run(req).await;
    res.extensions_mut().insert(ResolvedLang(lang));
    if let Some(t) = new_anon_csrf {
        let cookie = Cookie::build((CSRF_COOKIE, t))
            .path("/")
            .http_only(true)
            .secure(state.config.secure)
            .same_site(SameSite::Strict)
            .build();
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    if signed_in {
        // Pages and API answers for a signed-in user may hold personal data: never cache them.
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

/// The user behind a request, with what the access decision needs about them, read in the one
/// transaction: every request of a signed-in user goes through here.
struct Found {
    identity: Identity,
    /// The session's CSRF token (none for an API token).
    session_csrf: Option<String>,
    /// Whether a role of the user requires a second factor they have not set up.
    totp_required: bool,
}

/// Finds the user behind an `Authorization: Bearer` API token or the session cookie.
async fn identify(state: &AppState, headers: &axum::http::HeaderMap, jar: &CookieJar) -> Result<Option<Found>, AppError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let secret = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
        let Some(secret) = secret else { return Err(AppError::Unauthorized) };
        let Some((t, user)) = tokens::authenticate(&state.store, secret).await? else {
            return Err(AppError::Unauthorized);
        };
        let totp_required = totp_required(&user);
        if t.last_used_at.is_none_or(|at| passerelle_store::db::now() - at > chrono::Duration::minutes(1)) {
            let mut tx = state.store.write().await?;
            tokens::mark_used(&mut tx, t.id).await?;
            tx.commit().await?;
        }
        let identity = Identity { user, via: Via::ApiToken { id: t.id } };
        return Ok(Some(Found { identity, session_csrf: None, totp_required }));
    }
    let Some(cookie) = jar.get(SESSION_COOKIE) else { return Ok(None) };
    let Some((s, user)) = sessions::find(&state.store, cookie.value()).await? else { return Ok(None) };
    if !user.active {
        return Ok(None);
    }
    let totp_required = totp_required(&user);
    if sessions::needs_touch(&s) {
        let mut tx = state.store.write().await?;
        sessions::touch(&mut tx, &s.token_hash).await?;
        tx.commit().await?;
    }
    let identity = Identity { user, via: Via::Session { token_hash: s.token_hash, second_factor_pending: s.second_factor_pending } };
    Ok(Some(Found { identity, session_csrf: Some(s.csrf_token), totp_required }))
}

/// Whether one of the user's roles requires a second factor the user has not set up.
fn totp_required(user: &passerelle_store::users::User) -> bool {
    !user.totp_enabled && user.second_factor_required
}

/// Checks the CSRF token of a state-changing request: the `X-CSRF-Token` header, the
/// `csrf_token` query parameter (multipart uploads), or the `csrf_token` field of a form body.
/// Returns the request (its body restored) and whether the token matched.
async fn check_csrf(state: &AppState, req: Request, expected: &str) -> Result<(Request, bool), AppError> {
    if let Some(h) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        let ok = constant_time_eq(h, expected);
        return Ok((req, ok));
    }
    if let Some(q) = req.uri().query() {
        if let Some((_, v)) = form_urlencoded_pairs(q).into_iter().find(|(k, _)| k == "csrf_token") {
            let ok = constant_time_eq(&v, expected);
            return Ok((req, ok));
        }
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((req, false));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, state.config.max_body_bytes).await.map_err(|_| AppError::BadRequest {
        key: "error-too-large",
        detail: format!("{} bytes at most", state.config.max_body_bytes),
    })?;
    let ok = form_urlencoded_pairs(&String::from_utf8_lossy(&bytes))
        .into_iter()
        .find(|(k, _)| k == "csrf_token")
        .is_some_and(|(_, v)| constant_time_eq(&v, expected));
    Ok((Request::from_parts(parts, Body::from(bytes)), ok))
}

fn form_urlencoded_pairs(s: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(s).unwrap_or_default()
}
