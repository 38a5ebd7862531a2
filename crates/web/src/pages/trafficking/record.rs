//! The HTCDS record of a trafficking case: one page on the case, for those who may see the case
//! (restricted cases: their members only, checked by `cases::get`), editable by those who may
//! act on it. Every field of the core `VictimRecord` and the HTCDS consent record, checked
//! whole: every problem is named beside its field and nothing is written until all are fixed.

use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::cases::sight;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use chrono::{NaiveDate, Utc};
use passerelle_core::access::Permission;
use passerelle_core::trafficking::htcds::*;
use passerelle_core::validate::Problems;
use passerelle_store::cases::{self, Case};
use passerelle_store::trafficking::{self as store, Informed};
use serde::Deserialize;
use std::collections::BTreeSet;
use uuid::Uuid;

use super::screening::TRAFFICKING_SOP;

/// The form as posted: every field a string (or several), read by [`check`].
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RecordForm {
    version: String,
    registered_on: String,
    status: String,
    decided_by: String,
    decided_on: String,
    gender: String,
    age_at_identification: String,
    age_when_trafficked: String,
    citizenship: String,
    recruitment_methods: Vec<String>,
    relationship: Vec<String>,
    recruitment_country: String,
    recruitment_area: String,
    recruitment_date: String,
    exploitation_types: Vec<String>,
    labour_sectors: Vec<String>,
    sex_types: Vec<String>,
    means_of_control: Vec<String>,
    exploitation_country: String,
    exploitation_area: String,
    exploitation_started_on: String,
    exploitation_ended_on: String,
    support_plan: Vec<String>,
    case_status: String,
    consent_given: String,
    consent_purposes: Vec<String>,
    consent_given_by: String,
    consent_recorded_on: String,
    consent_language: String,
    consent_interpreter: String,
    consent_withdrawn_on: String,
    informed: Vec<String>,
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn codes<T: Copy>(set: &BTreeSet<T>, code: fn(T) -> &'static str) -> Vec<String> {
    set.iter().map(|v| code(*v).to_string()).collect()
}

impl RecordForm {
    /// The form filled from a stored record, or the defaults of a new one.
    fn from_record(r: Option<&store::StoredRecord>, lang: &str, today: NaiveDate) -> RecordForm {
        let Some(s) = r else {
            return RecordForm {
                registered_on: date_text(Some(today)),
                status: TraffickingStatus::PossibleVictim.code().into(),
                case_status: CaseStatus::Active.code().into(),
                consent_language: lang.into(),
                ..Default::default()
            };
        };
        let rec = &s.record;
        let consent = rec.consents.last();
        RecordForm {
            version: s.version.to_string(),
            registered_on: date_text(Some(rec.registered_on)),
            status: rec.status.status.code().into(),
            decided_by: rec.status.decided_by.code().into(),
            decided_on: date_text(rec.status.decided_on),
            gender: rec.gender.map(|g| g.code().to_string()).unwrap_or_default(),
            age_at_identification: rec.age_at_identification.map(|a| a.to_string()).unwrap_or_default(),
            age_when_trafficked: rec.age_when_trafficked.map(|a| a.to_string()).unwrap_or_default(),
            citizenship: rec.citizenship.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            recruitment_methods: codes(&rec.recruitment.methods, RecruitmentMethod::code),
            relationship: codes(&rec.recruitment.relationship, RelationshipToTrafficker::code),
            recruitment_country: rec.recruitment.place.country.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            recruitment_area: rec.recruitment.place.area.clone().unwrap_or_default(),
            recruitment_date: date_text(rec.recruitment.date),
            exploitation_types: codes(&rec.exploitation.types, ExploitationType::code),
            labour_sectors: codes(&rec.exploitation.labour_sectors, IsicSection::code),
            sex_types: codes(&rec.exploitation.sex_types, SexExploitationType::code),
            means_of_control: codes(&rec.exploitation.means_of_control, MeansOfControl::code),
            exploitation_country: rec.exploitation.place.country.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            exploitation_area: rec.exploitation.place.area.clone().unwrap_or_default(),
            exploitation_started_on: date_text(rec.exploitation.started_on),
            exploitation_ended_on: date_text(rec.exploitation.ended_on),
            support_plan: codes(&rec.support_plan, SupportCategory::code),
            case_status: rec.case_status.code().into(),
            consent_given: consent.map(|c| if c.given { "yes" } else { "no" }.to_string()).unwrap_or_default(),
            consent_purposes: consent.map(|c| codes(&c.purposes, ConsentPurpose::code)).unwrap_or_default(),
            consent_given_by: consent.map(|c| c.given_by.code().to_string()).unwrap_or_default(),
            consent_recorded_on: date_text(consent.map(|c| c.recorded_on)),
            consent_language: consent.map(|c| c.language.clone()).unwrap_or_else(|| lang.into()),
            consent_interpreter: if consent.is_some_and(|c| c.interpreter) { "yes".into() } else { String::new() },
            consent_withdrawn_on: date_text(consent.and_then(|c| c.withdrawn_on)),
            informed: Informed::FIELDS.iter().filter(|f| s.informed.get(f)).map(|f| f.to_string()).collect(),
        }
    }
}

/// Reads a date: empty is `None`; not a date, or in the future, is a problem.
fn date(p: &mut Problems, field: &str, v: &str, required: bool, today: NaiveDate) -> Option<NaiveDate> {
    let v = v.trim();
    if v.is_empty() {
        if required {
            p.add(field, "required");
        }
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) if d > today => {
            p.add(field, "trafficking-future-date");
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            p.add(field, "not-a-date");
            None
        }
    }
}

fn one<T>(p: &mut Problems, field: &str, v: &str, required: bool, from: fn(&str) -> Option<T>) -> Option<T> {
    let v = v.trim();
    if v.is_empty() {
        if required {
            p.add(field, "required");
        }
        return None;
    }
    let found = from(v);
    if found.is_none() {
        p.add(field, "unknown-choice");
    }
    found
}

fn set<T: Ord>(p: &mut Problems, field: &str, values: &[String], from: fn(&str) -> Option<T>) -> BTreeSet<T> {
    let mut out = BTreeSet::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match from(v) {
            Some(x) => {
                out.insert(x);
            }
            None => {
                p.add(field, "unknown-choice");
                return out;
            }
        }
    }
    out
}

fn age(p: &mut Problems, field: &str, v: &str) -> Option<u8> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<u8>() {
        Ok(a) if a <= 120 => Some(a),
        Ok(_) => {
            p.add(field, "out-of-range");
            None
        }
        Err(_) => {
            p.add(field, "not-a-number");
            None
        }
    }
}

fn country(p: &mut Problems, field: &str, v: &str) -> Option<CountryCode> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match CountryCode::new(v) {
        Ok(c) => Some(c),
        Err(_) => {
            p.add(field, "trafficking-bad-country");
            None
        }
    }
}

/// An administrative area, never an address: short, one line.
fn area(p: &mut Problems, field: &str, v: &str) -> Option<String> {
    let t = p.text(field, v, false, 100);
    (!t.is_empty()).then_some(t)
}

/// Checks a posted record whole. Every problem is reported with its field.
pub fn check(f: &RecordForm, case_id: Uuid, actor: Uuid, today: NaiveDate) -> Result<(VictimRecord, Informed), Problems> {
    let mut p = Problems::default();
    let registered_on = date(&mut p, "registered_on", &f.registered_on, true, today);
    let status = one(&mut p, "status", &f.status, true, TraffickingStatus::from_code);
    let decided_by = one(&mut p, "decided_by", &f.decided_by, true, OrganisationType::from_code);
    let decided_on = date(&mut p, "decided_on", &f.decided_on, false, today);
    let gender = one(&mut p, "gender", &f.gender, false, Gender::from_code);
    let age_at_identification = age(&mut p, "age_at_identification", &f.age_at_identification);
    let age_when_trafficked = age(&mut p, "age_when_trafficked", &f.age_when_trafficked);
    if let (Some(then), Some(now)) = (age_when_trafficked, age_at_identification) {
        if then > now {
            p.add("age_when_trafficked", "trafficking-age-after-identification");
        }
    }
    let citizenship = country(&mut p, "citizenship", &f.citizenship);
    let recruitment = Recruitment {
        methods: set(&mut p, "recruitment_methods", &f.recruitment_methods, RecruitmentMethod::from_code),
        relationship: set(&mut p, "relationship", &f.relationship, RelationshipToTrafficker::from_code),
        place: Place { country: country(&mut p, "recruitment_country", &f.recruitment_country), area: area(&mut p, "recruitment_area", &f.recruitment_area) },
        date: date(&mut p, "recruitment_date", &f.recruitment_date, false, today),
    };
    let exploitation = Exploitation {
        types: set(&mut p, "exploitation_types", &f.exploitation_types, ExploitationType::from_code),
        labour_sectors: set(&mut p, "labour_sectors", &f.labour_sectors, IsicSection::from_code),
        sex_types: set(&mut p, "sex_types", &f.sex_types, SexExploitationType::from_code),
        means_of_control: set(&mut p, "means_of_control", &f.means_of_control, MeansOfControl::from_code),
        place: Place { country: country(&mut p, "exploitation_country", &f.exploitation_country), area: area(&mut p, "exploitation_area", &f.exploitation_area) },
        started_on: date(&mut p, "exploitation_started_on", &f.exploitation_started_on, false, today),
        ended_on: date(&mut p, "exploitation_ended_on", &f.exploitation_ended_on, false, today),
    };
    if let (Some(s), Some(e)) = (exploitation.started_on, exploitation.ended_on) {
        if e < s {
            p.add("exploitation_ended_on", "trafficking-end-before-start");
        }
    }
    // A sector says where forced labour happened; a kind of sexual exploitation needs that form.
    if !exploitation.labour_sectors.is_empty() && !exploitation.types.contains(&ExploitationType::ForcedLabour) {
        p.add("labour_sectors", "trafficking-sector-without-labour");
    }
    if !exploitation.sex_types.is_empty() && !exploitation.types.contains(&ExploitationType::SexualExploitation) {
        p.add("sex_types", "trafficking-sex-type-without-sexual");
    }
    let support_plan = set(&mut p, "support_plan", &f.support_plan, SupportCategory::from_code);
    let case_status = one(&mut p, "case_status", &f.case_status, true, CaseStatus::from_code);
    // The consent record: none until "given" is answered; then who, when and for what.
    let mut consents = Vec::new();
    match f.consent_given.trim() {
        "" => {}
        g @ ("yes" | "no") => {
            let given = g == "yes";
            let purposes = set(&mut p, "consent_purposes", &f.consent_purposes, ConsentPurpose::from_code);
            if given && purposes.is_empty() {
                p.add("consent_purposes", "required");
            }
            let given_by = one(&mut p, "consent_given_by", &f.consent_given_by, true, ConsentGivenBy::from_code);
            let recorded_on = date(&mut p, "consent_recorded_on", &f.consent_recorded_on, true, today);
            let withdrawn_on = date(&mut p, "consent_withdrawn_on", &f.consent_withdrawn_on, false, today);
            if let (Some(r), Some(w)) = (recorded_on, withdrawn_on) {
                if w < r {
                    p.add("consent_withdrawn_on", "trafficking-end-before-start");
                }
            }
            let language = f.consent_language.trim();
            let language_ok = (2..=8).contains(&language.len()) && language.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !language_ok {
                p.add("consent_language", "trafficking-bad-language");
            }
            if let (Some(given_by), Some(recorded_on)) = (given_by, recorded_on) {
                consents.push(ConsentRecord {
                    given,
                    purposes,
                    given_by,
                    recorded_on,
                    recorded_by: actor,
                    language: language.to_string(),
                    interpreter: f.consent_interpreter == "yes",
                    withdrawn_on,
                });
            }
        }
        _ => p.add("consent_given", "unknown-choice"),
    }
    let mut informed = Informed::default();
    for field in &f.informed {
        match field.as_str() {
            "purpose" => informed.purpose = true,
            "uses" => informed.uses = true,
            "research" => informed.research = true,
            "right_to_see" => informed.right_to_see = true,
            "retention" => informed.retention = true,
            "withdrawal" => informed.withdrawal = true,
            _ => p.add("informed", "unknown-choice"),
        }
    }
    let (Some(registered_on), Some(status), Some(decided_by), Some(case_status), true) = (registered_on, status, decided_by, case_status, p.is_empty()) else {
        return Err(p);
    };
    Ok((
        VictimRecord {
            case_id,
            registered_on,
            status: StatusDecision { status, decided_by, decided_on },
            gender,
            age_at_identification,
            age_when_trafficked,
            citizenship,
            recruitment,
            exploitation,
            support_plan,
            case_status,
            consents,
        },
        informed,
    ))
}

/// One control of the page, built here so the template stays a loop.
pub enum Field {
    Input { name: &'static str, kind: &'static str, value: String, error: Option<String> },
    Choice { name: &'static str, multiple: bool, options: Vec<(String, String, bool)>, error: Option<String> },
}

pub struct Section {
    pub legend: &'static str,
    pub fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "trafficking_record.html")]
struct RecordPage {
    page: Page,
    case: Case,
    version: String,
    sections: Vec<Section>,
    errors: FormErrors,
    can_edit: bool,
    exists: bool,
    saved: bool,
}

impl RecordPage {
    /// `htcds-field-registered-on` for `registered_on`: a field's label id.
    fn label(&self, name: &str) -> String {
        self.page.tr.t(&format!("htcds-field-{}", name.replace('_', "-")))
    }
}

/// The problems, each named by the field's label on this page (`htcds-field-*`).
fn field_errors(page: &Page, problems: &Problems) -> FormErrors {
    FormErrors {
        items: problems
            .0
            .iter()
            .map(|e| {
                let label = page.tr.t(&format!("htcds-field-{}", e.field.replace('_', "-")));
                (e.field.clone(), page.tr.t1(&format!("error-field-{}", e.code), "field", label))
            })
            .collect(),
    }
}

/// The translated options of a category: `htcds-<prefix>-<code>`.
fn options(page: &Page, prefix: &str, all: &[&'static str], chosen: &[String]) -> Vec<(String, String, bool)> {
    all.iter()
        .map(|c| {
            let label = page.tr.t(&format!("htcds-{prefix}-{}", c.to_lowercase().replace('_', "-")));
            (c.to_string(), label, chosen.iter().any(|x| x == c))
        })
        .collect()
}

fn all_codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

fn sections(page: &Page, f: &RecordForm, errors: &FormErrors) -> Vec<Section> {
    let err = |n: &str| errors.get(n).map(str::to_string);
    let input = |name: &'static str, kind: &'static str, value: &str| Field::Input { name, kind, value: value.to_string(), error: err(name) };
    let single = |name: &'static str, prefix: &str, all: Vec<&'static str>, v: &str| Field::Choice {
        name,
        multiple: false,
        options: options(page, prefix, &all, &[v.to_string()]),
        error: err(name),
    };
    let multi = |name: &'static str, prefix: &str, all: Vec<&'static str>, v: &[String]| Field::Choice {
        name,
        multiple: true,
        options: options(page, prefix, &all, v),
        error: err(name),
    };
    vec![
        Section {
            legend: "htcds-section-status",
            fields: vec![
                input("registered_on", "date", &f.registered_on),
                single("status", "status", all_codes(TraffickingStatus::ALL, TraffickingStatus::code), &f.status),
                single("decided_by", "organisation", all_codes(OrganisationType::ALL, OrganisationType::code), &f.decided_by),
                input("decided_on", "date", &f.decided_on),
                single("case_status", "case-status", all_codes(CaseStatus::ALL, CaseStatus::code), &f.case_status),
            ],
        },
        Section {
            legend: "htcds-section-person",
            fields: vec![
                single("gender", "gender", all_codes(Gender::ALL, Gender::code), &f.gender),
                input("age_at_identification", "number", &f.age_at_identification),
                input("age_when_trafficked", "number", &f.age_when_trafficked),
                input("citizenship", "text", &f.citizenship),
            ],
        },
        Section {
            legend: "htcds-section-recruitment",
            fields: vec![
                multi("recruitment_methods", "recruitment", all_codes(RecruitmentMethod::ALL, RecruitmentMethod::code), &f.recruitment_methods),
                multi("relationship", "relationship", all_codes(RelationshipToTrafficker::ALL, RelationshipToTrafficker::code), &f.relationship),
                input("recruitment_country", "text", &f.recruitment_country),
                input("recruitment_area", "text", &f.recruitment_area),
                input("recruitment_date", "date", &f.recruitment_date),
            ],
        },
        Section {
            legend: "htcds-section-exploitation",
            fields: vec![
                multi("exploitation_types", "exploitation", all_codes(ExploitationType::ALL, ExploitationType::code), &f.exploitation_types),
                multi("labour_sectors", "isic", all_codes(IsicSection::ALL, IsicSection::code), &f.labour_sectors),
                multi("sex_types", "sex-type", all_codes(SexExploitationType::ALL, SexExploitationType::code), &f.sex_types),
                multi("means_of_control", "means", all_codes(MeansOfControl::ALL, MeansOfControl::code), &f.means_of_control),
                input("exploitation_country", "text", &f.exploitation_country),
                input("exploitation_area", "text", &f.exploitation_area),
                input("exploitation_started_on", "date", &f.exploitation_started_on),
                input("exploitation_ended_on", "date", &f.exploitation_ended_on),
            ],
        },
        Section {
            legend: "htcds-section-support",
            fields: vec![multi("support_plan", "support", all_codes(SupportCategory::ALL, SupportCategory::code), &f.support_plan)],
        },
        Section {
            legend: "htcds-section-consent",
            fields: vec![
                single("consent_given", "consent-given", vec!["yes", "no"], &f.consent_given),
                multi("consent_purposes", "purpose", all_codes(ConsentPurpose::ALL, ConsentPurpose::code), &f.consent_purposes),
                single("consent_given_by", "given-by", all_codes(ConsentGivenBy::ALL, ConsentGivenBy::code), &f.consent_given_by),
                input("consent_recorded_on", "date", &f.consent_recorded_on),
                input("consent_language", "text", &f.consent_language),
                multi("consent_interpreter", "interpreter", vec!["yes"], std::slice::from_ref(&f.consent_interpreter)),
                input("consent_withdrawn_on", "date", &f.consent_withdrawn_on),
                multi("informed", "informed", Informed::FIELDS.to_vec(), &f.informed),
            ],
        },
    ]
}

/// The case, if the person may see it and it runs under the trafficking SOP (the read is
/// audited). A refused attempt is audited too, and committed, before the refusal: someone
/// trying victims' case ids should show in the log.
async fn trafficking_case(mut tx: passerelle_store::Tx, identity: &Identity, id: Uuid) -> Result<(passerelle_store::Tx, Case), AppError> {
    match cases::get(&mut tx, &sight(identity), id).await? {
        Some(case) if case.sop_id == TRAFFICKING_SOP => Ok((tx, case)),
        Some(_) => Err(AppError::NotFound),
        None => {
            passerelle_store::audit::append(&mut tx, passerelle_store::audit::Event::new(Some(identity.id()), "trafficking.record.refused", "case").entity(id)).await?;
            tx.commit().await?;
            Err(AppError::NotFound)
        }
    }
}

/// Who may change the record: those who may act on the case (its caseworker, a supervisor).
fn may_edit(identity: &Identity, case: &Case) -> bool {
    identity.can(Permission::ManageCases) && (case.assigned_to == identity.id() || identity.can(Permission::ApproveCases))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Query(q): Query<SavedQuery>) -> Result<Response, AppError> {
    let (mut tx, case) = trafficking_case(state.store.write().await?, &identity, id).await?;
    let stored = store::record(&mut tx, identity.id(), case.id).await?;
    tx.commit().await?;
    let form = RecordForm::from_record(stored.as_ref(), page.lang(), Utc::now().date_naive());
    let errors = FormErrors::default();
    Ok(render(&RecordPage {
        sections: sections(&page, &form, &errors),
        version: form.version,
        can_edit: may_edit(&identity, &case),
        exists: stored.is_some(),
        saved: q.saved.is_some(),
        errors,
        case,
        page,
    }))
}

pub async fn save(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(f): Form<RecordForm>) -> Result<Response, AppError> {
    let (mut tx, case) = trafficking_case(state.store.write().await?, &identity, id).await?;
    if !may_edit(&identity, &case) {
        return Err(AppError::Forbidden);
    }
    let version = match f.version.trim() {
        "" => None,
        v => Some(v.parse::<i64>().map_err(|_| AppError::BadRequest { key: "trafficking-record-unreadable", detail: v.to_string() })?),
    };
    match check(&f, case.id, identity.id(), Utc::now().date_naive()) {
        Ok((record, informed)) => {
            store::save_record(&mut tx, identity.id(), &record, informed, version).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/cases/{}/trafficking?saved=1", case.id)).into_response())
        }
        Err(problems) => {
            // The case read is audited even when nothing is saved.
            tx.commit().await?;
            let errors = field_errors(&page, &problems);
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RecordPage {
                    sections: sections(&page, &f, &errors),
                    version: f.version.clone(),
                    can_edit: true,
                    exists: version.is_some(),
                    saved: false,
                    errors,
                    case,
                    page,
                },
            ))
        }
    }
}
