//! Every route of Passerelle, with the access it needs. This table is the one place where
//! a route's permission is stated: the router is built from it and the guard reads it.

use crate::access::Access;
use crate::state::AppState;
use crate::{api, api_cases, api_hsds, ops, pages};
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
        // Public: the service finder at the site root, sign-in, language, operations, API description.
        r(M::GET, "/", Public, get(pages::directory::finder::finder)),
        r(M::GET, "/services/{id}", Public, get(pages::directory::finder::service)),
        r(M::GET, "/directory/print", Public, get(pages::directory::finder::print)),
        r(M::GET, "/login", Public, get(pages::auth::login_form)),
        r(M::POST, "/login", Public, post(pages::auth::login)),
        r(M::POST, "/language", Public, post(pages::auth::set_language)),
        r(M::GET, "/healthz", Public, get(ops::healthz)),
        r(M::GET, "/readyz", Public, get(ops::readyz)),
        r(M::GET, "/assets/{file}", Public, get(ops::asset)),
        r(M::GET, "/api/docs", Public, get(ops::api_docs)),
        r(M::GET, "/api/v1/openapi.json", Public, get(api::openapi_json)),
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
        // People and their cases.
        r(M::GET, "/people", Perm(P::ViewCases), get(pages::people::search)),
        r(M::GET, "/people/new", Perm(P::ManageCases), get(pages::people::new_form)),
        r(M::POST, "/people", Perm(P::ManageCases), post(pages::people::register)),
        r(M::GET, "/people/{id}", Perm(P::ViewCases), get(pages::people::show)),
        r(M::POST, "/people/{id}/cases", Perm(P::ManageCases), post(pages::cases::open)),
        r(M::GET, "/cases", Perm(P::ViewCases), get(pages::cases::list)),
        r(M::GET, "/cases/{id}", Perm(P::ViewCases), get(pages::cases::show)),
        r(M::POST, "/cases/{id}/steps", Perm(P::ManageCases), post(pages::cases::complete_step)),
        r(M::POST, "/cases/{id}/approvals", Perm(P::ManageCases), post(pages::cases::request_approval)),
        r(M::POST, "/cases/{id}/decisions", Perm(P::ApproveCases), post(pages::cases::decide)),
        r(M::POST, "/cases/{id}/notes", Perm(P::ManageCases), post(pages::cases::add_note)),
        r(M::POST, "/cases/{id}/close", Perm(P::ManageCases), post(pages::cases::close)),
        r(M::POST, "/cases/{id}/reopen", Perm(P::ManageCases), post(pages::cases::reopen)),
        r(M::POST, "/cases/{id}/reassign", Perm(P::ApproveCases), post(pages::cases::reassign)),
        r(M::POST, "/cases/{id}/transfers", Perm(P::ManageCases), post(pages::cases::request_transfer)),
        r(M::POST, "/transfers/{id}/accept", Perm(P::ApproveCases), post(pages::cases::accept_transfer)),
        r(M::POST, "/transfers/{id}/decline", Perm(P::ApproveCases), post(pages::cases::decline_transfer)),
        r(M::POST, "/cases/{id}/consents", Perm(P::ManageCases), post(pages::cases::record_consent)),
        r(M::POST, "/cases/{id}/consents/withdraw", Perm(P::ManageCases), post(pages::cases::withdraw_consent)),
        r(M::POST, "/cases/{id}/attachments", Perm(P::ManageCases), post(pages::cases::upload)),
        r(M::GET, "/attachments/{id}", Perm(P::ViewCases), get(pages::cases::download)),
        r(M::GET, "/people/{id}/duplicates", Perm(P::ManageCases), get(pages::people::duplicates)),
        r(M::POST, "/people/{id}/merge", Perm(P::ManageCases), post(pages::people::merge)),
        r(M::POST, "/people/{id}/distinct", Perm(P::ManageCases), post(pages::people::distinct)),
        r(M::POST, "/merges/{id}/undo", Perm(P::ManageCases), post(pages::people::undo_merge)),
        // The service directory: each focal point keeps their agency's entries; administrators
        // keep, verify, import and export them all.
        r(M::GET, "/directory/manage", Perm(P::ManageDirectory), get(pages::directory::manage::list)),
        r(M::POST, "/directory/manage", Perm(P::ManageDirectory), post(pages::directory::manage::create)),
        r(M::GET, "/directory/manage/new", Perm(P::ManageDirectory), get(pages::directory::manage::new_form)),
        r(M::GET, "/directory/manage/export", Perm(P::ManageDirectory), get(pages::directory::manage::export)),
        r(M::GET, "/directory/manage/{id}", Perm(P::ManageDirectory), get(pages::directory::manage::edit_form)),
        r(M::POST, "/directory/manage/{id}", Perm(P::ManageDirectory), post(pages::directory::manage::update)),
        r(M::POST, "/directory/manage/{id}/verify", Perm(P::VerifyDirectory), post(pages::directory::manage::verify)),
        r(M::POST, "/directory/organizations", Perm(P::ManageDirectory), post(pages::directory::manage::create_organization)),
        r(M::POST, "/directory/organizations/{id}/agency", Perm(P::ImportDirectory), post(pages::directory::manage::link_organization)),
        r(M::GET, "/directory/import", Perm(P::ImportDirectory), get(pages::directory::import::form)),
        r(M::POST, "/directory/import", Perm(P::ImportDirectory), post(pages::directory::import::upload)),
        r(M::GET, "/directory/import/{id}", Perm(P::ImportDirectory), get(pages::directory::import::show)),
        r(M::POST, "/directory/import/{id}", Perm(P::ImportDirectory), post(pages::directory::import::confirm)),
        r(M::GET, "/directory/export.json", Perm(P::ImportDirectory), get(pages::directory::import::export_hsds)),
        // Community mapping and the mapping assessment.
        r(M::GET, "/communities", Perm(P::ViewCommunities), get(pages::directory::communities::list)),
        r(M::POST, "/communities", Perm(P::ManageCommunities), post(pages::directory::communities::create)),
        r(M::GET, "/communities/new", Perm(P::ManageCommunities), get(pages::directory::communities::new_form)),
        r(M::GET, "/communities/{id}", Perm(P::ViewCommunities), get(pages::directory::communities::show)),
        r(M::POST, "/communities/{id}", Perm(P::ManageCommunities), post(pages::directory::communities::update)),
        r(M::GET, "/coverage", Perm(P::ViewCoverage), get(pages::directory::coverage::view)),
        r(M::GET, "/coverage/report", Perm(P::ViewCoverage), get(pages::directory::coverage::report)),
        r(M::GET, "/coverage/report.xlsx", Perm(P::ViewCoverage), get(pages::directory::coverage::report_xlsx)),
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
        // The HSDS read API of the public directory: public, like the finder.
        r(M::GET, "/api/v1/hsds/services", Public, get(api_hsds::services)),
        r(M::GET, "/api/v1/hsds/services/{id}", Public, get(api_hsds::service)),
        r(M::GET, "/api/v1/hsds/organizations", Public, get(api_hsds::organizations)),
        r(M::GET, "/api/v1/hsds/taxonomy_terms", Public, get(api_hsds::taxonomy_terms)),
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
        r(M::GET, "/api/v1/people", Perm(P::ViewCases), get(api_cases::list_people)),
        r(M::POST, "/api/v1/people", Perm(P::ManageCases), post(api_cases::create_person)),
        r(M::GET, "/api/v1/people/{id}", Perm(P::ViewCases), get(api_cases::get_person)),
        r(M::GET, "/api/v1/cases", Perm(P::ViewCases), get(api_cases::list_cases)),
        r(M::GET, "/api/v1/cases/{id}", Perm(P::ViewCases), get(api_cases::get_case)),
    ]
}
