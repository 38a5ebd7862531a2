//! Every route of Passerelle, with the access it needs. This table is the one place where
//! a route's permission is stated: the router is built from it and the guard reads it.

use crate::access::Access;
use crate::state::AppState;
use crate::{api, ops, pages};
use axum::http::Method;
use axum::routing::{delete, get, post, MethodRouter};
use passerelle_core::access::Permission as P;

pub struct RouteDef {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
}

fn r(method: Method, path: &'static str, access: Access, handler: MethodRouter<AppState>) -> RouteDef {
    RouteDef { method, path, access, handler }
}

use Access::{Perm, Public, SecondFactor, SignedIn};
use Method as M;

pub fn route_defs() -> Vec<RouteDef> {
    vec![
        // Public: the site root, sign-in, language, operations, API description.
        r(M::GET, "/", Public, get(pages::home::home)),
        r(M::GET, "/login", Public, get(pages::auth::login_form)),
        r(M::POST, "/login", Public, post(pages::auth::login)),
        r(M::POST, "/language", Public, post(pages::auth::set_language)),
        r(M::GET, "/healthz", Public, get(ops::healthz)),
        r(M::GET, "/readyz", Public, get(ops::readyz)),
        r(M::GET, "/assets/{file}", Public, get(ops::asset)),
        r(M::GET, "/api/docs", Public, get(ops::api_docs)),
        r(M::GET, "/api/v1/openapi.json", Public, get(api::openapi_json)),
        r(M::GET, "/api/v1/certificates/verify", Public, get(api::verify_certificate)),
        // The second step of sign-in.
        r(M::GET, "/login/totp", SecondFactor, get(pages::auth::totp_form)),
        r(M::POST, "/login/totp", SecondFactor, post(pages::auth::totp_submit)),
        // Any signed-in person: their dashboard and their own account.
        r(M::POST, "/logout", SignedIn, post(pages::auth::logout)),
        r(M::GET, "/dashboard", SignedIn, get(pages::home::dashboard)),
        r(M::GET, "/account", SignedIn, get(pages::account::show)),
        r(M::GET, "/account/password", SignedIn, get(pages::account::password_form)),
        r(M::POST, "/account/password", SignedIn, post(pages::account::change_password)),
        r(M::GET, "/account/security", SignedIn, get(pages::account::security)),
        r(M::POST, "/account/security/totp", SignedIn, post(pages::account::security_submit)),
        r(M::GET, "/account/tokens", SignedIn, get(pages::account::tokens_list)),
        r(M::POST, "/account/tokens", SignedIn, post(pages::account::tokens_create)),
        r(M::POST, "/account/tokens/{id}/revoke", SignedIn, post(pages::account::tokens_revoke)),
        // Standard Operating Procedures: the handbook for everyone, publishing for administrators.
        r(M::GET, "/sops", Perm(P::ViewSops), get(pages::sops::list)),
        r(M::GET, "/sops/{id}", Perm(P::ViewSops), get(pages::sops::handbook)),
        r(M::GET, "/admin/sops/publish", Perm(P::ManageSops), get(pages::sops::publish_form)),
        r(M::GET, "/forms", Perm(P::ViewSops), get(pages::forms::list)),
        r(M::GET, "/forms/{id}", Perm(P::ViewSops), get(pages::forms::show)),
        r(M::GET, "/forms/{id}/fill", Perm(P::FillForms), get(pages::forms::fill::show)),
        r(M::POST, "/forms/{id}/fill", Perm(P::FillForms), post(pages::forms::fill::submit)),
        r(M::POST, "/forms/{id}/fill/relevance", Perm(P::FillForms), post(pages::forms::fill::relevance)),
        r(M::GET, "/forms/{id}/responses", Perm(P::FillForms), get(pages::forms::fill::list)),
        r(M::GET, "/responses/{id}", Perm(P::FillForms), get(pages::forms::fill::response)),
        r(M::GET, "/admin/forms/publish", Perm(P::ManageSops), get(pages::forms::publish::upload_form)),
        r(M::POST, "/admin/forms/preview", Perm(P::ManageSops), post(pages::forms::publish::preview)),
        r(M::POST, "/admin/forms/publish", Perm(P::ManageSops), post(pages::forms::publish::publish)),
        r(M::POST, "/admin/sops/preview", Perm(P::ManageSops), post(pages::sops::preview)),
        r(M::POST, "/admin/sops/publish", Perm(P::ManageSops), post(pages::sops::publish)),
        // Training: the programme for those who follow it, run by trainers; certificates are
        // checked by anyone.
        r(M::GET, "/certificates/verify", Public, get(pages::training::certificates::verify)),
        r(M::GET, "/training", Perm(P::ViewTraining), get(pages::training::curricula::overview)),
        r(M::POST, "/training/curricula", Perm(P::ManageTraining), post(pages::training::curricula::create_curriculum)),
        r(M::GET, "/training/curricula/{id}", Perm(P::ViewTraining), get(pages::training::curricula::show_curriculum)),
        r(M::POST, "/training/curricula/{id}/modules", Perm(P::ManageTraining), post(pages::training::curricula::add_module)),
        r(M::POST, "/training/curricula/{id}/certificates", Perm(P::ManageTraining), post(pages::training::certificates::issue)),
        r(M::GET, "/training/modules/{id}", Perm(P::ViewTraining), get(pages::training::curricula::show_module)),
        r(M::POST, "/training/modules/{id}/costs", Perm(P::ManageTraining), post(pages::training::curricula::add_cost)),
        r(M::POST, "/training/cost-lines/{id}/delete", Perm(P::ManageTraining), post(pages::training::curricula::delete_cost)),
        r(M::POST, "/training/modules/{id}/sessions", Perm(P::ManageTraining), post(pages::training::curricula::create_session)),
        r(M::GET, "/training/sessions/{id}", Perm(P::ViewTraining), get(pages::training::sessions::show)),
        r(M::POST, "/training/sessions/{id}/status", Perm(P::ManageTraining), post(pages::training::sessions::set_status)),
        r(M::POST, "/training/sessions/{id}/enrolments", Perm(P::NominateForTraining), post(pages::training::sessions::enrol_staff)),
        r(M::POST, "/training/sessions/{id}/externals", Perm(P::ManageTraining), post(pages::training::sessions::enrol_external)),
        r(M::POST, "/training/sessions/{id}/attendance", Perm(P::ManageTraining), post(pages::training::sessions::attendance)),
        r(M::POST, "/training/enrolments/{id}/withdraw", Perm(P::NominateForTraining), post(pages::training::sessions::withdraw)),
        r(M::GET, "/training/enrolments/{id}/tests/pre", Perm(P::ManageTraining), get(pages::training::sessions::pre_test)),
        r(M::POST, "/training/enrolments/{id}/tests/pre", Perm(P::ManageTraining), post(pages::training::sessions::pre_test_submit)),
        r(M::GET, "/training/enrolments/{id}/tests/post", Perm(P::ManageTraining), get(pages::training::sessions::post_test)),
        r(M::POST, "/training/enrolments/{id}/tests/post", Perm(P::ManageTraining), post(pages::training::sessions::post_test_submit)),
        r(M::GET, "/training/enrolments/{id}/tests/evaluation", Perm(P::ManageTraining), get(pages::training::sessions::evaluation)),
        r(M::POST, "/training/enrolments/{id}/tests/evaluation", Perm(P::ManageTraining), post(pages::training::sessions::evaluation_submit)),
        r(M::GET, "/training/certificates/{id}", Perm(P::ManageTraining), get(pages::training::certificates::show)),
        r(M::POST, "/training/certificates/{id}/revoke", Perm(P::ManageTraining), post(pages::training::certificates::revoke)),
        r(M::GET, "/training/sops", Perm(P::ViewTraining), get(pages::training::figures::sops)),
        r(M::GET, "/training/figures", Perm(P::ViewTraining), get(pages::training::figures::show)),
        r(M::GET, "/training/figures.xlsx", Perm(P::ViewTraining), get(pages::training::figures::xlsx)),
        // Administration.
        r(M::GET, "/admin/agencies", Perm(P::ViewAgencies), get(pages::admin::agencies::list)),
        r(M::POST, "/admin/agencies", Perm(P::ManageAgencies), post(pages::admin::agencies::create)),
        r(M::GET, "/admin/agencies/{id}", Perm(P::ManageAgencies), get(pages::admin::agencies::show)),
        r(M::POST, "/admin/agencies/{id}", Perm(P::ManageAgencies), post(pages::admin::agencies::update)),
        r(M::POST, "/admin/agencies/{id}/teams", Perm(P::ManageAgencies), post(pages::admin::agencies::create_team)),
        r(M::GET, "/admin/areas", Perm(P::ViewAgencies), get(pages::admin::agencies::areas)),
        r(M::POST, "/admin/areas", Perm(P::ManageAgencies), post(pages::admin::agencies::create_area)),
        r(M::GET, "/admin/users", Perm(P::ViewUsers), get(pages::admin::users::list)),
        r(M::POST, "/admin/users", Perm(P::ManageUsers), post(pages::admin::users::create)),
        r(M::GET, "/admin/users/new", Perm(P::ManageUsers), get(pages::admin::users::new_form)),
        r(M::GET, "/admin/users/{id}", Perm(P::ManageUsers), get(pages::admin::users::show)),
        r(M::POST, "/admin/users/{id}", Perm(P::ManageUsers), post(pages::admin::users::update)),
        r(M::POST, "/admin/users/{id}/deactivate", Perm(P::ManageUsers), post(pages::admin::users::deactivate)),
        r(M::POST, "/admin/users/{id}/reactivate", Perm(P::ManageUsers), post(pages::admin::users::reactivate)),
        r(M::POST, "/admin/users/{id}/reset-password", Perm(P::ManageUsers), post(pages::admin::users::reset_password)),
        r(M::POST, "/admin/users/{id}/unlock", Perm(P::ManageUsers), post(pages::admin::users::unlock)),
        r(M::GET, "/admin/audit", Perm(P::ViewAudit), get(pages::admin::audit::list)),
        r(M::POST, "/admin/audit/verify", Perm(P::ViewAudit), post(pages::admin::audit::verify)),
        r(M::GET, "/admin/security", Perm(P::ManageSecurityPolicy), get(pages::admin::policy::show)),
        r(M::POST, "/admin/security", Perm(P::ManageSecurityPolicy), post(pages::admin::policy::update)),
        // The JSON API: the same permissions as the pages.
        r(M::GET, "/api/v1/me", SignedIn, get(api::me)),
        r(M::GET, "/api/v1/agencies", Perm(P::ViewAgencies), get(api::list_agencies)),
        r(M::POST, "/api/v1/agencies", Perm(P::ManageAgencies), post(api::create_agency)),
        r(M::GET, "/api/v1/agencies/{id}", Perm(P::ViewAgencies), get(api::get_agency)),
        r(M::GET, "/api/v1/areas", Perm(P::ViewAgencies), get(api::list_areas)),
        r(M::GET, "/api/v1/users", Perm(P::ViewUsers), get(api::list_users)),
        r(M::POST, "/api/v1/users", Perm(P::ManageUsers), post(api::create_user)),
        r(M::GET, "/api/v1/users/{id}", Perm(P::ViewUsers), get(api::get_user)),
        r(M::GET, "/api/v1/audit", Perm(P::ViewAudit), get(api::list_audit)),
        r(M::GET, "/api/v1/tokens", SignedIn, get(api::list_tokens)),
        r(M::POST, "/api/v1/tokens", SignedIn, post(api::create_token)),
        r(M::DELETE, "/api/v1/tokens/{id}", SignedIn, delete(api::revoke_token)),
    ]
}
