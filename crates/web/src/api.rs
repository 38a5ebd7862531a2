//! The JSON API under `/api/v1`, described by the OpenAPI document it serves.
//!
//! It answers with the same permissions as the pages (the same route table guards both):
//! a personal API token acts as its owner. Errors are RFC 9457 problem details.

use crate::ctx::{Identity, Via};
use crate::error::{AppError, Problem};
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Query;
use chrono::{DateTime, Utc};
use passerelle_core::access::Permission;
use passerelle_store::agencies::{self, AgencyInput};
use passerelle_store::users::{self, UserFilter, UserInput};
use passerelle_store::tokens;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// `Json<T>` whose rejections (malformed JSON, unknown fields, wrong content type) become
/// translated problem details naming what is wrong.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::BadRequest {
                key: "error-media-type",
                detail: "Content-Type: application/json".into(),
            }),
            Err(JsonRejection::BytesRejection(_)) => Err(AppError::TooLarge),
            Err(e) => Err(AppError::BadRequest { key: "error-json", detail: e.body_text() }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub agency_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub language: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(identity: Identity) -> axum::Json<Me> {
    let u = identity.user;
    axum::Json(Me {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        roles: u.roles.iter().map(|r| r.code().to_string()).collect(),
        agency_id: u.agency_id,
        team_id: u.team_id,
        language: u.language,
    })
}

#[derive(Serialize, ToSchema)]
pub struct AgencyOut {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub sector: String,
    pub area_id: Option<Uuid>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<agencies::Agency> for AgencyOut {
    fn from(a: agencies::Agency) -> Self {
        AgencyOut { id: a.id, name: a.name, kind: a.kind, sector: a.sector, area_id: a.area_id, active: a.active, created_at: a.created_at, updated_at: a.updated_at }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyIn {
    pub name: String,
    /// One of: ministry, child_protection_unit, police, health, ngo, employment_agency,
    /// international_organisation, other.
    pub kind: String,
    /// One of: public, civil_society, private, international.
    pub sector: String,
    #[serde(default)]
    pub area_id: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/agencies", tag = "agencies",
    responses((status = 200, body = Vec<AgencyOut>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_agencies(State(state): State<AppState>) -> Result<axum::Json<Vec<AgencyOut>>, AppError> {
    let mut tx = state.store.read().await?;
    Ok(axum::Json(agencies::list_agencies(&mut tx).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/agencies/{id}", tag = "agencies",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AgencyOut), (status = 404, body = Problem)))]
pub async fn get_agency(State(state): State<AppState>, Path(id): Path<Uuid>) -> Result<axum::Json<AgencyOut>, AppError> {
    let mut tx = state.store.read().await?;
    Ok(axum::Json(agencies::get_agency(&mut tx, id).await?.ok_or(AppError::NotFound)?.into()))
}

#[utoipa::path(post, path = "/api/v1/agencies", tag = "agencies", request_body = AgencyIn,
    responses((status = 201, body = AgencyOut), (status = 400, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_agency(State(state): State<AppState>, identity: Identity, ApiJson(body): ApiJson<AgencyIn>) -> Result<Response, AppError> {
    let input = AgencyInput { name: body.name, kind: body.kind, sector: body.sector, area_id: body.area_id };
    let mut tx = state.store.write().await?;
    let a = agencies::create_agency(&mut tx, Some(identity.id()), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(AgencyOut::from(a))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct AreaOut {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub level: i32,
    pub parent_id: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/areas", tag = "agencies",
    responses((status = 200, body = Vec<AreaOut>), (status = 401, body = Problem)))]
pub async fn list_areas(State(state): State<AppState>) -> Result<axum::Json<Vec<AreaOut>>, AppError> {
    let mut tx = state.store.read().await?;
    Ok(axum::Json(
        agencies::list_areas(&mut tx).await?.into_iter()
            .map(|a| AreaOut { id: a.id, code: a.code, name: a.name, level: a.level, parent_id: a.parent_id })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub agency_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub active: bool,
    pub totp_enabled: bool,
    pub created_at: DateTime<Utc>,
}

impl From<users::User> for UserOut {
    fn from(u: users::User) -> Self {
        UserOut {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            roles: u.roles.iter().map(|r| r.code().to_string()).collect(),
            agency_id: u.agency_id,
            team_id: u.team_id,
            active: u.active,
            totp_enabled: u.totp_enabled,
            created_at: u.created_at,
        }
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of a name or email.
    pub q: Option<String>,
    pub agency_id: Option<Uuid>,
    pub role: Option<String>,
    pub include_inactive: bool,
    /// At most 500; 100 when absent.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = Vec<UserOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_users(State(state): State<AppState>, identity: Identity, Query(q): Query<UserQuery>) -> Result<axum::Json<Vec<UserOut>>, AppError> {
    let role = match q.role.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(r.parse().map_err(|_| {
            let mut p = passerelle_core::validate::Problems::default();
            p.add("role", "unknown-choice");
            AppError::Invalid(p)
        })?),
        None => None,
    };
    let filter = UserFilter {
        q: q.q,
        agency_id: q.agency_id,
        role,
        include_inactive: q.include_inactive,
        limit: q.limit.unwrap_or(100),
        offset: q.offset.unwrap_or(0),
    };
    let mut tx = state.store.read().await?;
    let list = users::list_users(&mut tx, identity.viewer(Permission::ViewUsers), &filter).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = Problem)))]
pub async fn get_user(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<axum::Json<UserOut>, AppError> {
    let mut tx = state.store.read().await?;
    // Out of the viewer's scope reads as "not found": its existence is not revealed.
    let user = users::get_user(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !users::visible_to(&identity.viewer(Permission::ViewUsers), &user) {
        return Err(AppError::NotFound);
    }
    Ok(axum::Json(user.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    #[serde(default)]
    pub agency_id: Option<Uuid>,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    #[serde(default)]
    pub language: Option<String>,
    /// A temporary password (12 characters at least), to be changed at first sign-in.
    pub password: String,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserIn,
    responses((status = 201, body = UserOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(State(state): State<AppState>, identity: Identity, ApiJson(body): ApiJson<UserIn>) -> Result<Response, AppError> {
    let mut p = passerelle_core::validate::Problems::default();
    p.new_password("password", &body.password);
    if !p.is_empty() {
        return Err(AppError::Invalid(p));
    }
    let input = UserInput {
        email: body.email,
        display_name: body.display_name,
        agency_id: body.agency_id,
        team_id: body.team_id,
        roles: body.roles,
        language: body.language,
    };
    let hash = crate::passwords::hash(body.password).await?;
    let mut tx = state.store.write().await?;
    let u = users::create_user(&mut tx, Some(identity.id()), &input, Some(&hash), true).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(UserOut::from(u))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryOut {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub detail: serde_json::Value,
    pub hash: String,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An action prefix, e.g. `user.`.
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    /// Entries with a sequence number below this (paging from the newest).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntryOut>), (status = 403, body = Problem)))]
pub async fn list_audit(State(state): State<AppState>, Query(q): Query<AuditQuery>) -> Result<axum::Json<Vec<AuditEntryOut>>, AppError> {
    let filter = passerelle_store::audit::Filter {
        actor_id: q.actor_id,
        action: q.action,
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        from: None,
        until: None,
        before_seq: q.before,
        limit: q.limit.unwrap_or(100),
    };
    let mut tx = state.store.read().await?;
    let entries = passerelle_store::audit::list(&mut tx, &filter).await?;
    Ok(axum::Json(
        entries.into_iter()
            .map(|e| AuditEntryOut {
                seq: e.seq,
                at: e.at,
                actor_id: e.actor_id,
                action: e.action,
                entity_type: e.entity_type,
                entity_id: e.entity_id,
                detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
                hash: e.hash,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<tokens::ApiToken> for TokenOut {
    fn from(t: tokens::ApiToken) -> Self {
        TokenOut { id: t.id, name: t.name, prefix: t.prefix, created_at: t.created_at, last_used_at: t.last_used_at, revoked_at: t.revoked_at }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NewToken {
    #[serde(flatten)]
    pub token: TokenOut,
    /// The token itself, shown this once.
    pub secret: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    pub name: String,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "account",
    responses((status = 200, body = Vec<TokenOut>)))]
pub async fn list_tokens(State(state): State<AppState>, identity: Identity) -> Result<axum::Json<Vec<TokenOut>>, AppError> {
    let mut tx = state.store.read().await?;
    Ok(axum::Json(tokens::list_for_user(&mut tx, identity.id()).await?.into_iter().map(Into::into).collect()))
}

/// Creating a token needs a signed-in session: a token cannot mint more tokens.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = TokenIn,
    responses((status = 201, body = NewToken), (status = 403, body = Problem)))]
pub async fn create_token(State(state): State<AppState>, identity: Identity, ApiJson(body): ApiJson<TokenIn>) -> Result<Response, AppError> {
    if !matches!(identity.via, Via::Session { .. }) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.store.write().await?;
    let (secret, t) = tokens::create(&mut tx, Some(identity.id()), identity.id(), &body.name).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(NewToken { token: t.into(), secret })).into_response())
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke_token(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<StatusCode, AppError> {
    let mut tx = state.store.write().await?;
    tokens::revoke(&mut tx, Some(identity.id()), identity.id(), id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A text in each of Passerelle's languages.
#[derive(Serialize, ToSchema)]
pub struct Texts {
    pub fr: String,
    pub en: String,
    pub es: String,
}

impl From<&passerelle_core::sop::Localized> for Texts {
    fn from(l: &passerelle_core::sop::Localized) -> Self {
        Texts { fr: l.fr.clone(), en: l.en.clone(), es: l.es.clone() }
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// The verification code as printed (`XXXXX-XXXXX`; any case, hyphen optional).
    code: String,
}

/// What a training certificate's code says. Only a valid certificate names its holder.
#[derive(Serialize, ToSchema)]
pub struct CertificateCheck {
    /// `valid`, `revoked`, `unknown` (well formed, but no certificate has it) or `malformed`
    /// (a typing mistake, caught by the check character).
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curriculum: Option<Texts>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<Texts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_on: Option<chrono::NaiveDate>,
}

/// Checks a training certificate's code, for an employer's own system; no account needed,
/// like the page `/certificates/verify`.
#[utoipa::path(get, path = "/api/v1/certificates/verify", tag = "training", params(VerifyQuery),
    security(()),
    responses((status = 200, body = CertificateCheck)))]
pub async fn verify_certificate(State(state): State<AppState>, Query(q): Query<VerifyQuery>) -> Result<axum::Json<CertificateCheck>, AppError> {
    use passerelle_store::training::certificates::{self, Verification};
    use passerelle_store::training::curricula;
    let empty = |status| CertificateCheck { status, holder: None, curriculum: None, modules: vec![], issued_on: None, revoked_on: None };
    if q.code.chars().count() > 64 {
        return Ok(axum::Json(empty("malformed")));
    }
    let mut tx = state.store.read().await?;
    Ok(axum::Json(match certificates::verify(&mut tx, &q.code).await? {
        Verification::Malformed(_) => empty("malformed"),
        Verification::Unknown => empty("unknown"),
        Verification::Revoked { revoked_at } => CertificateCheck { revoked_on: Some(revoked_at.date_naive()), ..empty("revoked") },
        Verification::Valid(c) => {
            let curriculum = curricula::get_curriculum(&mut tx, c.curriculum_id).await?.ok_or(AppError::NotFound)?;
            let ids = c.module_ids();
            let modules = curricula::list_modules(&mut tx, Some(c.curriculum_id)).await?;
            CertificateCheck {
                holder: Some(c.holder_name.clone()),
                curriculum: Some((&curriculum.title).into()),
                modules: modules.iter().filter(|m| ids.contains(&m.id)).map(|m| (&m.title).into()).collect(),
                issued_on: Some(c.issued_at.date_naive()),
                ..empty("valid")
            }
        }
    }))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Passerelle API", description = "Protection case management, referrals and service mapping. \
Authenticate with a personal API token: `Authorization: Bearer psl_…`. Errors are RFC 9457 problem details."),
    paths(me, list_agencies, get_agency, create_agency, list_areas, list_users, get_user, create_user,
          list_audit, list_tokens, create_token, revoke_token, verify_certificate,
          crate::api_hsds::services, crate::api_hsds::service, crate::api_hsds::organizations, crate::api_hsds::taxonomy_terms,
          crate::api_cases::list_people, crate::api_cases::get_person, crate::api_cases::create_person,
          crate::api_cases::list_cases, crate::api_cases::get_case,
          crate::api_referrals::list, crate::api_referrals::get_one, crate::api_referrals::change_status,
          crate::api_indicators::figures),
    modifiers(&BearerAuth, &ErrorResponses),
    security(("bearer" = [])),
    tags((name = "account"), (name = "agencies"), (name = "users"), (name = "audit"), (name = "training"),
          (name = "cases", description = "People and their cases: the same permissions and visibility as the pages."),
          (name = "referrals", description = "Referrals: the referring side sees the case link, the receiving side only what was shared."),
          (name = "indicators", description = "Indicator figures, broken down and with small cells hidden, as on the pages."),
          (name = "directory", description = "The public service directory in Open Referral HSDS 3.0: no token needed."))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Documents the errors every operation can answer, whatever its handler does, because the
/// guard, the extractors and the limits answer them before it runs: 400 (a parameter, path or
/// body that cannot be read), 401 (no valid token), 403 (permission, or CSRF for a session),
/// 404 (an id not found or out of scope), 413 (body over the limit), 429 (searches or exports
/// over the limit), 503 (database unavailable). Every error is `application/problem+json`
/// (RFC 9457), which is what schemathesis checks against (scripts/test, stage "API fuzzing").
struct ErrorResponses;

impl ErrorResponses {
    fn common(path: &str, public: bool, has_body: bool) -> Vec<(&'static str, &'static str)> {
        let mut out = vec![("400", "The request cannot be read: a malformed parameter, path or body.")];
        if !public {
            out.push(("401", "No valid API token."));
            out.push(("403", "The token's owner lacks the permission (or a session request lacks its CSRF token)."));
        }
        if path.contains('{') {
            out.push(("404", "No such record, or one out of the caller's scope."));
        }
        if has_body {
            out.push(("413", "The body is over the size limit."));
        }
        out.push(("429", "Too many searches or exports in a minute: retry after `Retry-After` seconds."));
        out.push(("503", "The database cannot be reached."));
        out
    }
}

impl utoipa::Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::SecurityRequirement;
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        const PROBLEM: &str = "application/problem+json";
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in ops.into_iter().flatten() {
                // `security(())` in an annotation: the operation needs no token.
                let public = op.security.as_ref().is_some_and(|reqs| reqs.iter().all(|r| *r == SecurityRequirement::default()));
                for (status, response) in op.responses.responses.iter_mut() {
                    if let RefOr::T(r) = response
                        && (status.starts_with('4') || status.starts_with('5'))
                        && let Some(c) = r.content.shift_remove("application/json")
                    {
                        r.content.insert(PROBLEM.to_string(), c);
                    }
                }
                for (status, description) in Self::common(path, public, op.request_body.is_some()) {
                    op.responses.responses.entry(status.to_string()).or_insert_with(|| {
                        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
                        RefOr::T(ResponseBuilder::new().description(description).content(PROBLEM, content).build())
                    });
                }
            }
        }
    }
}

pub async fn openapi_json() -> Response {
    axum::Json(ApiDoc::openapi()).into_response()
}
