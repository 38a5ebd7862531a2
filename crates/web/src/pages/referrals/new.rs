//! Referring from a case: pick the need (the SOP's due referrals are offered first), see the
//! services that fit — area, language, status, attributes, and whether they have room — choose
//! what to share, name the legal basis, send.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::cases::for_action;
use crate::pages::render;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use chrono::Utc;
use passerelle_core::directory::profile;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::referral::{self, sharing::DEFAULT_SHARED, Candidate, Urgency, LEGAL_GROUNDS, SHAREABLE};
use passerelle_core::sop::{self, CaseFacts};
use passerelle_store::cases::Case;
use passerelle_store::directory::{self, ServiceFilter};
use passerelle_store::referrals::{self, NewReferral};
use passerelle_store::{consents, people};
use serde::Deserialize;
use std::collections::BTreeSet;
use uuid::Uuid;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReferralForm {
    pub need: String,
    pub step: String,
    pub service: String,
    pub urgency: String,
    pub reason: String,
    pub share: Vec<String>,
    pub consent: String,
    pub legal_ground: String,
    /// `send` or `draft`.
    pub action: String,
    /// The outreach follow-up this referral is made for (see `pages::outreach::follow_ups::refer`):
    /// the referral is linked back to it, in the same transaction.
    pub follow_up: String,
}

/// A service offered on the form, with why it ranks where it does.
pub struct Option_ {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub reasons: Vec<String>,
    pub full: bool,
}

/// A referral the SOP makes due for this case.
pub struct Due {
    pub step: String,
    pub need: String,
    pub label: String,
    pub consent_required: bool,
}

#[derive(Template)]
#[template(path = "referral_new.html")]
struct NewPage {
    page: Page,
    case: Case,
    form: ReferralForm,
    errors: FormErrors,
    due: Vec<Due>,
    needs: Vec<(String, String)>,
    services: Vec<Option_>,
    consents: Vec<consents::Consent>,
}

impl NewPage {
    fn shareable(&self) -> &'static [&'static str] {
        SHAREABLE
    }
    fn urgencies(&self) -> [Urgency; 3] {
        Urgency::ALL
    }
    fn legal_grounds(&self) -> &'static [&'static str] {
        LEGAL_GROUNDS
    }
    fn shared(&self, code: &&str) -> bool {
        self.form.share.iter().any(|s| s == code)
    }
}

async fn page_for(state: &AppState, identity: &Identity, page: Page, id: Uuid, mut form: ReferralForm, errors: FormErrors) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let (case, sop) = for_action(&mut tx, identity, id, None).await?;
    let sight = crate::pages::cases::sight(identity);
    let person = people::get(&mut tx, &sight, case.person_id).await?.ok_or(AppError::NotFound)?;
    let facts = CaseFacts { risk: case.risk, age: person.age_on(Utc::now().date_naive()), flags: BTreeSet::new() };
    let lang = page.tr.lang;
    let due: Vec<Due> = sop::mandatory_referrals(&sop, &facts)
        .into_iter()
        .map(|r| Due { need: referral::need_of_target(&r.to).to_string(), label: sop::labels::target(lang, &r.to), step: r.step, consent_required: r.consent_required })
        .collect();
    if form.need.is_empty() {
        if let Some(d) = due.first() {
            form.need = d.need.clone();
            form.step = d.step.clone();
        }
    }
    if form.urgency.is_empty() {
        form.urgency = Urgency::for_risk(case.risk).code().to_string();
    }
    if form.share.is_empty() && errors.is_empty() {
        form.share = DEFAULT_SHARED.iter().map(|s| s.to_string()).collect();
    }
    let needs = Taxonomy::needs().top_level().map(|t| (t.code.clone(), t.label.get(lang).to_string())).collect();
    let area_code: Option<String> = match person.area_id {
        Some(a) => passerelle_store::agencies::list_areas(&mut tx).await?.into_iter().find(|x| x.id == a).map(|x| x.code),
        None => None,
    };
    let mut services = Vec::new();
    if !form.need.is_empty() {
        let entries = directory::list_services(&mut tx, &ServiceFilter { need: Some(form.need.clone()), ..Default::default() }).await?;
        let candidates: Vec<Candidate> = entries
            .iter()
            .map(|e| Candidate {
                id: e.id().to_string(),
                needs: vec![form.need.clone()],
                areas: profile::area_ids(&e.service),
                languages: profile::language_codes(&e.service),
                attributes: profile::codes(&e.service, Taxonomy::protection()),
                active: profile::is_open(&e.service),
                taking_referrals: profile::taking_referrals(&e.service),
            })
            .collect();
        let request = referral::Request {
            need: form.need.clone(),
            area: area_code,
            language: person.languages.split([',', ' ']).map(str::trim).find(|l| !l.is_empty()).map(str::to_lowercase),
            migrant: !matches!(person.migration_status.as_str(), "national" | "unknown"),
            attributes: vec![],
        };
        for s in referral::suggest(&request, &candidates) {
            if let Some(e) = entries.iter().find(|e| e.id() == s.id) {
                services.push(Option_ { id: s.id, name: e.service.name.clone(), organization: e.organization_name.clone().unwrap_or_default(), reasons: s.reasons, full: s.full });
            }
        }
    }
    let consents = consents::of_case(&mut tx, case.id).await?.into_iter().filter(|c| c.is_active() && c.scope.iter().any(|s| s == "referral")).collect();
    tx.commit().await?;
    Ok(render(&NewPage { page, case, form, errors, due, needs, services, consents }))
}

pub async fn form(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Query(q): Query<ReferralForm>) -> Result<Response, AppError> {
    page_for(&state, &identity, page, id, q, FormErrors::default()).await
}

pub async fn create(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(f): Form<ReferralForm>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let (case, sop) = for_action(&mut tx, &identity, id, None).await?;
    // The SOP may set how long the service has to answer a referral made under one of its rules.
    let respond_within_hours = sop
        .step(&f.step)
        .and_then(|s| s.referrals.iter().find(|r| referral::need_of_target(&r.to) == f.need && r.respond_within.is_some()))
        .and_then(|r| r.respond_within)
        .map(|p| match p {
            sop::Period::Hours(h) => i64::from(h),
            sop::Period::Days(d) => i64::from(d) * 24,
        });
    let new = NewReferral {
        respond_within_hours,
        service_id: f.service.parse().ok(),
        need: f.need.clone(),
        sop_step: (!f.step.is_empty()).then(|| f.step.clone()),
        urgency: Urgency::from_code(&f.urgency),
        reason: f.reason.clone(),
        shared_fields: f.share.clone(),
        consent_id: f.consent.parse().ok(),
        legal_ground: (!f.legal_ground.is_empty()).then(|| f.legal_ground.clone()),
        send: f.action != "draft",
    };
    // A follow-up named must be this person's and still wait for its referral: checked before
    // anything is written, so a stale or forged id leaves no referral behind.
    let follow_up = match f.follow_up.trim() {
        "" => None,
        raw => {
            let found = match raw.parse::<Uuid>() {
                Ok(fid) => passerelle_store::outreach::follow_ups::for_case_person(&mut tx, fid, case.person_id).await?,
                Err(_) => None,
            };
            let Some(fu) = found else {
                drop(tx);
                let mut p = passerelle_core::validate::Problems::default();
                p.add("follow_up", "referral-follow-up-gone");
                let errors = FormErrors::from_problems(&page.tr, &p);
                let mut res = page_for(&state, &identity, page, id, f, errors).await?;
                *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                return Ok(res);
            };
            Some(fu.id)
        }
    };
    match referrals::create(&mut tx, &crate::pages::cases::sight(&identity), &case, &new).await {
        Ok(r) => {
            if let Some(fid) = follow_up {
                passerelle_store::outreach::follow_ups::link_referral(&mut tx, identity.id(), fid, r.id).await?;
            }
            tx.commit().await?;
            super::notify_sent(&state, &r).await?;
            Ok(Redirect::to(&format!("/referrals/{}", r.id)).into_response())
        }
        Err(passerelle_store::StoreError::Invalid(p)) => {
            drop(tx);
            let errors = FormErrors::from_problems(&page.tr, &p);
            let mut res = page_for(&state, &identity, page, id, f, errors).await?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
