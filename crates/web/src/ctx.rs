//! Who is asking, in which language, and the context every page template receives.

use crate::access::{nav_for, NavItem};
use crate::i18n::Tr;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum_extra::extract::CookieJar;
use passerelle_core::access::{scope_for, Permission, Scope};
use passerelle_core::lang::{negotiate, Lang};
use passerelle_store::users::{User, Viewer};
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "passerelle_session";
pub const LANG_COOKIE: &str = "passerelle_lang";
pub const CSRF_COOKIE: &str = "passerelle_csrf";

/// How the request proved who it is.
#[derive(Clone, Debug)]
pub enum Via {
    Session { token_hash: String, second_factor_pending: bool },
    ApiToken { id: Uuid },
}

/// The signed-in user of this request (set by the access middleware).
#[derive(Clone, Debug)]
pub struct Identity {
    pub user: User,
    pub via: Via,
}

impl Identity {
    pub fn id(&self) -> Uuid {
        self.user.id
    }
    pub fn scope(&self, p: Permission) -> Option<Scope> {
        scope_for(&self.user.roles, p)
    }
    pub fn can(&self, p: Permission) -> bool {
        self.scope(p).is_some()
    }
    /// The viewer of a list guarded by `p` (the route already checked `p` is granted).
    pub fn viewer(&self, p: Permission) -> Viewer {
        Viewer {
            id: self.user.id,
            agency_id: self.user.agency_id,
            team_id: self.user.team_id,
            scope: self.scope(p).unwrap_or(Scope::Own),
        }
    }
}

/// The CSRF token to put in this request's forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// The language this request is answered in, once decided.
#[derive(Clone, Copy, Debug)]
pub struct ResolvedLang(pub Lang);

pub struct RequestLang;

impl RequestLang {
    /// The user's own choice, else the language cookie, else the browser's, else French.
    pub fn resolve(user: Option<&User>, headers: &HeaderMap) -> Lang {
        if let Some(l) = user.and_then(|u| u.language.as_deref()).and_then(|l| l.parse().ok()) {
            return l;
        }
        let jar = CookieJar::from_headers(headers);
        if let Some(l) = jar.get(LANG_COOKIE).and_then(|c| c.value().parse().ok()) {
            return l;
        }
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(negotiate)
            .unwrap_or_default()
    }

    pub fn from_request(_state: &AppState, req: &Request) -> Lang {
        if let Some(ResolvedLang(l)) = req.extensions().get::<ResolvedLang>() {
            return *l;
        }
        Self::resolve(req.extensions().get::<Identity>().map(|i| &i.user), req.headers())
    }
}

/// What the layout needs on every page.
#[derive(Clone)]
pub struct Page {
    pub tr: Tr,
    pub user: Option<User>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// The current path, to mark the current nav item and to come back after a language change.
    pub path: String,
}

impl Page {
    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }
    /// A text kept in each language (an SOP's or a module's title), in the reader's.
    pub fn loc<'a>(&self, text: &'a passerelle_core::sop::Localized) -> &'a str {
        text.get(self.tr.lang)
    }
    pub fn is_current(&self, href: &str) -> bool {
        self.path == href || (href != "/" && self.path.starts_with(&format!("{href}/")))
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let identity = parts.extensions.get::<Identity>().cloned();
        let lang = parts
            .extensions
            .get::<ResolvedLang>()
            .map(|l| l.0)
            .unwrap_or_else(|| RequestLang::resolve(identity.as_ref().map(|i| &i.user), &parts.headers));
        let csrf = parts.extensions.get::<CsrfToken>().map(|c| c.0.clone()).unwrap_or_default();
        let fully_signed_in = identity.as_ref().filter(|i| {
            !matches!(i.via, Via::Session { second_factor_pending: true, .. })
        });
        Ok(Page {
            tr: Tr::new(state.i18n.clone(), lang),
            nav: fully_signed_in.map(|i| nav_for(&i.user.roles)).unwrap_or_default(),
            user: fully_signed_in.map(|i| i.user.clone()),
            csrf,
            path: parts.uri.path().to_string(),
        })
    }
}

/// The signed-in user, for handlers behind a route that requires one.
impl FromRequestParts<AppState> for Identity {
    type Rejection = crate::error::AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Identity>().cloned().ok_or(crate::error::AppError::Unauthorized)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for Identity {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Identity>().cloned())
    }
}
