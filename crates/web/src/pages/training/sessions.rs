//! A session: its viability, who holds a seat and who waits, nominations by employers,
//! attendance per day, and the pre-test, post-test and evaluation of each participant (forms
//! filled in through the XLSForm engine and stored as responses).

use super::{agency_scope, loc, seats_text, today, viability_warning, Fields};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::admin::agencies::store_problems;
use crate::pages::forms::fill::{self, Filled, Target};
use crate::pages::render_status;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use passerelle_core::access::Permission as P;
use passerelle_core::training::Viability;
use passerelle_core::validate::Problems;
use passerelle_store::responses::{self, Author};
use passerelle_store::training::curricula;
use passerelle_store::training::sessions::{self, AttendanceMark, Enrolment, ExternalInput, Seat, Session, TestResult, SECTORS, SEXES, STATUSES};
use passerelle_store::training::figures::snapshot;
use passerelle_store::training::{Curriculum, Module};
use uuid::Uuid;

/// The forms a session's participants fill in: one knowledge test taken before and after, and
/// the evaluation. Each has a `score` calculation.
pub const TEST_FORM: &str = "training_knowledge_test";
pub const EVALUATION_FORM: &str = "training_evaluation";

#[derive(Template)]
#[template(path = "training_session.html")]
struct SessionPage {
    page: Page,
    session: Session,
    module: Module,
    curriculum: Curriculum,
    enrolments: Vec<Enrolment>,
    /// How many hold a seat and wait, counting everyone (a supervisor sees only their people).
    seated: usize,
    waiting: usize,
    viability: Viability,
    marks: Vec<AttendanceMark>,
    tests: Vec<TestResult>,
    average_gain: Option<String>,
    tested: usize,
    staff: Vec<(Uuid, String)>,
    can_manage: bool,
    can_nominate: bool,
    statuses: &'static [&'static str],
    sexes: &'static [&'static str],
    sectors: &'static [&'static str],
    today: chrono::NaiveDate,
    kinds: &'static [&'static str],
    /// Enrolment is open (the session is neither held nor cancelled).
    open: bool,
    form: Fields,
    errors: FormErrors,
}

impl SessionPage {
    fn present(&self, e: &Uuid, d: &Uuid) -> bool {
        self.marks.iter().any(|m| m.enrolment_id == *e && m.day_id == *d && m.present)
    }
    fn score(&self, e: &Uuid, kind: &str) -> String {
        self.tests.iter().find(|t| t.enrolment_id == *e && t.kind == kind).map(|t| t.score.to_string()).unwrap_or_default()
    }
    /// A participant's score gain (post-test minus pre-test), signed; empty until both are in.
    fn gain(&self, e: &Uuid) -> String {
        let score = |kind: &str| self.tests.iter().find(|t| t.enrolment_id == *e && t.kind == kind).map(|t| t.score);
        match (score("pre"), score("post")) {
            (Some(pre), Some(post)) => format!("{:+}", post - pre),
            _ => String::new(),
        }
    }
    /// The average overall satisfaction (1 to 5) of the evaluations entered, and how many;
    /// empty before the first evaluation.
    fn satisfaction(&self) -> String {
        let scores: Vec<i64> = self.tests.iter().filter(|t| t.kind == "evaluation").map(|t| t.score).collect();
        if scores.is_empty() {
            return String::new();
        }
        let tr = &self.page.tr;
        let mean = passerelle_core::format::decimal(tr.lang, scores.iter().sum::<i64>() as f64 / scores.len() as f64, 1);
        format!("{} ({})", tr.t1("training-satisfaction", "score", mean), tr.count("training-evaluated", scores.len() as i64))
    }
    fn warning(&self) -> String {
        viability_warning(&self.page.tr, self.viability)
    }
    fn seats(&self) -> String {
        let count = seats_text(&self.page.tr, self.seated, self.waiting, self.session.row.max_participants);
        format!("{count} — {}", self.page.tr.t_n("training-minimum", &[("min", self.session.row.min_participants)]))
    }
    fn is_seated(&self, e: &Enrolment) -> bool {
        e.seat == Seat::Seated
    }
    fn seat(&self, e: &Enrolment) -> String {
        match e.seat {
            Seat::Seated => self.page.tr.t("training-seated"),
            Seat::Waiting(n) => self.page.tr.t1("training-waiting", "position", n),
        }
    }
}

async fn session_page(state: &AppState, identity: &Identity, page: Page, id: Uuid, form: Fields, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let session = sessions::get_session(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let module = curricula::get_module(&mut tx, session.row.module_id).await?.ok_or(AppError::NotFound)?;
    let curriculum = curricula::get_curriculum(&mut tx, module.curriculum_id).await?.ok_or(AppError::NotFound)?;
    let mut enrolments = sessions::enrolments(&mut tx, id).await?;
    let seated = enrolments.iter().filter(|e| e.seat == Seat::Seated).count();
    let waiting = enrolments.len() - seated;
    let scope = agency_scope(identity, P::ViewTraining);
    if let Some(agency) = scope {
        enrolments.retain(|e| e.participant.agency_id == Some(agency));
    }
    let marks = sessions::attendance(&mut tx, Some(id)).await?;
    let tests = sessions::test_results(&mut tx, Some(id)).await?;
    let snap = snapshot(&mut tx).await?;
    let (gain, tested) = snap.average_gain(scope, Some(id));
    let staff = sessions::staff_choices(&mut tx, agency_scope(identity, P::NominateForTraining)).await?;
    let viability = session.viability(seated, today());
    let open = !matches!(session.row.status.as_str(), "held" | "cancelled");
    Ok(render_status(status, &SessionPage {
        average_gain: gain.map(|g| passerelle_core::format::decimal(page.tr.lang, g, 1)),
        tested,
        page, session, module, curriculum, enrolments, seated, waiting, viability, marks, tests, staff,
        can_manage: identity.can(P::ManageTraining),
        can_nominate: identity.can(P::NominateForTraining),
        statuses: STATUSES, sexes: SEXES, sectors: SECTORS, today: today(), kinds: sessions::TEST_KINDS, open, form, errors,
    }))
}

pub async fn show(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    session_page(&state, &identity, page, id, Fields::default(), FormErrors::default(), StatusCode::OK).await
}

/// Runs a write on a session and goes back to its page, or shows the page again with what
/// was wrong.
async fn write_then_back<F>(state: &AppState, identity: &Identity, page: Page, id: Uuid, form: Fields, anchor: &str, f: F) -> Result<Response, AppError>
where
    F: AsyncFnOnce(&mut passerelle_store::Tx) -> Result<(), passerelle_store::StoreError>,
{
    let mut p = Problems::default();
    let mut tx = state.store.write().await?;
    match f(&mut tx).await {
        Ok(()) => {
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/training/sessions/{id}{anchor}")).into_response());
        }
        Err(e) => store_problems(e, &mut p)?,
    }
    drop(tx);
    let errors = FormErrors::from_problems(&page.tr, &p);
    session_page(state, identity, page, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn set_status(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let status = f.get("status").to_string();
    let actor = identity.id();
    write_then_back(&state, &identity, page, id, f, "", async |tx| sessions::set_status(tx, Some(actor), id, &status, today()).await).await
}

/// An employer (a supervisor for their agency, or the trainer for anyone) puts a staff member
/// forward. The nomination is the staff member's agency's, so they come before people who
/// asked on their own.
pub async fn enrol_staff(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let scope = agency_scope(&identity, P::NominateForTraining);
    let actor = identity.id();
    let user_id = Uuid::parse_str(f.get("user_id").trim()).ok();
    write_then_back(&state, &identity, page, id, f, "#enrolments", async |tx| {
        let mut p = Problems::default();
        let Some(user_id) = user_id else {
            p.add("user_id", "unknown-choice");
            return Err(passerelle_store::StoreError::Invalid(p));
        };
        sessions::get_session(tx, id).await?.ok_or(passerelle_store::StoreError::NotFound)?;
        let user = passerelle_store::users::get_user(tx, user_id).await?;
        // A supervisor nominates their own agency's staff, nobody else's.
        let Some(user) = user.filter(|u| u.active && scope.is_none_or(|a| u.agency_id == Some(a))) else {
            p.add("user_id", "unknown-choice");
            return Err(passerelle_store::StoreError::Invalid(p));
        };
        let participant = sessions::participant_for_user(tx, user.id).await?;
        sessions::enrol(tx, Some(actor), id, participant.id, user.agency_id).await.map(|_| ())
    }).await
}

/// The trainer enrols an external professional (who asked on their own: no member nomination).
pub async fn enrol_external(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let input = ExternalInput {
        name: f.get("name").into(),
        email: f.get("email").into(),
        organisation: f.get("organisation").into(),
        job_role: f.get("job_role").into(),
        sector: f.get("sector").into(),
        sex: f.get("sex").into(),
    };
    let actor = identity.id();
    write_then_back(&state, &identity, page, id, f, "#enrolments", async |tx| {
        sessions::get_session(tx, id).await?.ok_or(passerelle_store::StoreError::NotFound)?;
        let p = sessions::create_external(tx, &input).await?;
        sessions::enrol(tx, Some(actor), id, p.id, None).await.map(|_| ())
    }).await
}

pub async fn withdraw(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let scope = agency_scope(&identity, P::NominateForTraining);
    let mut tx = state.store.write().await?;
    let (session_id, participant_id) = sessions::enrolment_session(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if let Some(agency) = scope {
        let p = sessions::get_participant(&mut tx, participant_id).await?.ok_or(AppError::NotFound)?;
        if p.agency_id != Some(agency) {
            // Another agency's nominee: as if it did not exist.
            return Err(AppError::NotFound);
        }
    }
    // A held or cancelled session refuses, with the reason (the page offers no button then).
    sessions::withdraw(&mut tx, Some(identity.id()), id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/training/sessions/{session_id}#enrolments")).into_response())
}

/// Attendance as ticked on the grid: each box is `present=<enrolment>:<day>`.
pub async fn attendance(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let mut present = Vec::new();
    let mut malformed = false;
    for v in f.all("present") {
        match v.split_once(':').and_then(|(e, d)| Some((Uuid::parse_str(e).ok()?, Uuid::parse_str(d).ok()?))) {
            Some(pair) => present.push(pair),
            None => malformed = true,
        }
    }
    let actor = identity.id();
    write_then_back(&state, &identity, page, id, f, "#attendance", async |tx| {
        if malformed {
            let mut p = Problems::default();
            p.add("attendance", "unknown-choice");
            return Err(passerelle_store::StoreError::Invalid(p));
        }
        sessions::record_attendance(tx, Some(actor), id, &present, today()).await.map(|_| ())
    }).await
}

/// Which form a test kind is filled in with.
fn form_of(kind: &str) -> &'static str {
    if kind == "evaluation" { EVALUATION_FORM } else { TEST_FORM }
}

async fn test_target(state: &AppState, page: &Page, enrolment: Uuid, kind: &str) -> Result<Target, AppError> {
    let mut tx = state.store.read().await?;
    let (session_id, participant_id) = sessions::enrolment_session(&mut tx, enrolment).await?.ok_or(AppError::NotFound)?;
    let p = sessions::get_participant(&mut tx, participant_id).await?.ok_or(AppError::NotFound)?;
    let s = sessions::get_session(&mut tx, session_id).await?.ok_or(AppError::NotFound)?;
    let m = curricula::get_module(&mut tx, s.row.module_id).await?.ok_or(AppError::NotFound)?;
    let what = page.tr.code("training-test", kind);
    Ok(Target {
        action: format!("/training/enrolments/{enrolment}/tests/{kind}"),
        relevance: None,
        context: Some(format!("{what} — {} — {}", p.name, loc(&page.tr, &m.title))),
        carry: vec![],
        back: None,
    })
}

async fn test_form(state: AppState, page: Page, enrolment: Uuid, kind: &str) -> Result<Response, AppError> {
    let target = test_target(&state, &page, enrolment, kind).await?;
    fill::blank(&state, page, form_of(kind), None, &target).await
}

/// Stores a filled test as a form response by the trainer who entered it, and links it to the
/// enrolment with the score the form calculated.
async fn test_submit(state: AppState, identity: Identity, page: Page, enrolment: Uuid, kind: &str, pairs: Vec<(String, String)>) -> Result<Response, AppError> {
    let target = test_target(&state, &page, enrolment, kind).await?;
    let (form_id, version, answers) = match fill::process(&state, page, form_of(kind), pairs, &target).await? {
        Filled::Page(r) => return Ok(r),
        Filled::Valid { form_id, version, answers } => (form_id, version, answers),
    };
    let score = sessions::score_of(&answers).ok_or_else(|| AppError::Internal(format!("form {form_id} gave no score")))?;
    let author = Author { id: identity.id(), agency_id: identity.user.agency_id, team_id: identity.user.team_id };
    let mut tx = state.store.write().await?;
    let (session_id, _) = sessions::enrolment_session(&mut tx, enrolment).await?.ok_or(AppError::NotFound)?;
    let response_id = responses::submit(&mut tx, &author, &form_id, &version, &answers, None).await?;
    sessions::record_test(&mut tx, Some(identity.id()), enrolment, kind, response_id, score).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/training/sessions/{session_id}#tests")).into_response())
}

pub async fn pre_test(State(state): State<AppState>, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    test_form(state, page, id, "pre").await
}
pub async fn post_test(State(state): State<AppState>, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    test_form(state, page, id, "post").await
}
pub async fn evaluation(State(state): State<AppState>, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    test_form(state, page, id, "evaluation").await
}
pub async fn pre_test_submit(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    test_submit(state, identity, page, id, "pre", pairs).await
}
pub async fn post_test_submit(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    test_submit(state, identity, page, id, "post", pairs).await
}
pub async fn evaluation_submit(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    test_submit(state, identity, page, id, "evaluation", pairs).await
}
