//! The programme's overview, curricula with their modules and cost scenarios, and modules
//! with their cost lines and sessions.

use super::{agency_scope, loc, money, seats_text, today, viability_warning, Fields};
use crate::ctx::{Identity, Page};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::admin::agencies::store_problems;
use crate::pages::render_status;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::Query;
use passerelle_core::access::Permission as P;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::training::{scenarios, split, CurriculumCost, Funding, Payer, Viability};
use passerelle_core::validate::Problems;
use passerelle_store::training::curricula::{self, CostLineInput, CostLineRow, Curriculum, CurriculumInput, Module, ModuleInput, COST_KINDS, MODES, PAYERS};
use passerelle_store::training::figures::snapshot;
use passerelle_store::training::sessions::{self, Session, SessionInput};
use passerelle_store::training::certificates;
use serde::Deserialize;
use uuid::Uuid;

/// A session as lists show it.
pub struct SessionLine {
    pub session: Session,
    pub module_title: String,
    pub seated: usize,
    pub waiting: usize,
    pub viability: Viability,
}

impl SessionLine {
    /// "12 of 15 seats, 2 waiting".
    pub fn seats(&self, page: &Page) -> String {
        seats_text(&page.tr, self.seated, self.waiting, self.session.row.max_participants)
    }
    /// The warning for a session short of its minimum, or nothing.
    pub fn warning(&self, page: &Page) -> String {
        viability_warning(&page.tr, self.viability)
    }
}

pub async fn session_lines(tx: &mut passerelle_store::Tx, module: Option<Uuid>, page: &Page) -> Result<Vec<SessionLine>, AppError> {
    let modules = curricula::list_modules(tx, None).await?;
    let mut out = Vec::new();
    for s in sessions::list_sessions(tx, module).await? {
        let es = sessions::enrolments(tx, s.id()).await?;
        let seated = es.iter().filter(|e| e.seat == sessions::Seat::Seated).count();
        let title = modules.iter().find(|m| m.id == s.row.module_id).map(|m| loc(&page.tr, &m.title)).unwrap_or_default();
        out.push(SessionLine { viability: s.viability(seated, today()), waiting: es.len() - seated, seated, module_title: title, session: s });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "training.html")]
struct OverviewPage {
    page: Page,
    curricula: Vec<Curriculum>,
    sessions: Vec<SessionLine>,
    can_manage: bool,
    form: Fields,
    errors: FormErrors,
}

async fn overview_page(state: &AppState, identity: &Identity, page: Page, form: Fields, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let list = curricula::list_curricula(&mut tx).await?;
    let sessions = session_lines(&mut tx, None, &page).await?;
    Ok(render_status(status, &OverviewPage { page, curricula: list, sessions, can_manage: identity.can(P::ManageTraining), form, errors }))
}

pub async fn overview(State(state): State<AppState>, identity: Identity, page: Page) -> Result<Response, AppError> {
    let form = Fields(vec![("version".into(), "1".into()), ("currency".into(), "EUR".into()), ("optional_required".into(), "0".into())]);
    overview_page(&state, &identity, page, form, FormErrors::default(), StatusCode::OK).await
}

pub async fn create_curriculum(State(state): State<AppState>, identity: Identity, page: Page, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let input = CurriculumInput {
        code: f.get("code").into(),
        version: f.get("version").into(),
        title_fr: f.get("title_fr").into(),
        title_en: f.get("title_en").into(),
        title_es: f.get("title_es").into(),
        currency: f.get("currency").into(),
        optional_required: f.get("optional_required").into(),
    };
    let mut p = Problems::default();
    let mut tx = state.store.write().await?;
    match curricula::create_curriculum(&mut tx, Some(identity.id()), &input).await {
        Ok(c) => {
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/training/curricula/{}", c.id)).into_response());
        }
        Err(e) => store_problems(e, &mut p)?,
    }
    drop(tx);
    let errors = FormErrors::from_problems(&page.tr, &p);
    overview_page(&state, &identity, page, f, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// One module's row in the cost table: its cost in each scenario.
pub struct CostRow {
    pub module: String,
    pub cells: Vec<(String, String)>,
}

/// A participant's progress through a curriculum, for the certificates section.
pub struct Progress {
    pub participant_id: Uuid,
    pub name: String,
    pub organisation: String,
    pub done: usize,
    pub complete: bool,
    pub certified: bool,
}

#[derive(Template)]
#[template(path = "training_curriculum.html")]
struct CurriculumPage {
    page: Page,
    curriculum: Curriculum,
    modules: Vec<Module>,
    /// (module id, sessions, SOP titles)
    counts: Vec<(Uuid, usize)>,
    counts_a: u32,
    counts_b: u32,
    scenario_heads: Vec<u32>,
    cost_rows: Vec<CostRow>,
    totals: Vec<(String, String)>,
    payers: Vec<(String, Vec<String>)>,
    cost_error: Option<String>,
    progress: Vec<Progress>,
    certificates: Vec<certificates::Certificate>,
    can_manage: bool,
    sops: Vec<(String, String)>,
    needs: Vec<(String, String)>,
    modes: &'static [&'static str],
    form: Fields,
    errors: FormErrors,
}

impl CurriculumPage {
    fn sessions_of(&self, id: &Uuid) -> usize {
        self.counts.iter().find(|(m, _)| m == id).map(|(_, n)| *n).unwrap_or(0)
    }
    fn sop_titles(&self, m: &Module) -> String {
        m.sop_ids.iter().map(|s| self.sops.iter().find(|(id, _)| id == s).map(|(_, t)| t.clone()).unwrap_or_else(|| s.clone())).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScenarioQuery {
    a: Option<String>,
    b: Option<String>,
}

/// The participant counts to compare: 10 and 15 unless asked otherwise (1 to 500 each).
fn scenario_counts(q: &ScenarioQuery, p: &mut Problems) -> (u32, u32) {
    let read = |v: &Option<String>, field: &str, default: u32, p: &mut Problems| match v.as_deref().map(str::trim) {
        None | Some("") => default,
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=500).contains(&n) => n,
            _ => {
                p.add(field, "out-of-range");
                default
            }
        },
    };
    (read(&q.a, "a", 10, p), read(&q.b, "b", 15, p))
}

fn payer_code(p: Payer) -> &'static str {
    match p {
        Payer::Employer => "employer",
        Payer::Ministry => "ministry",
        Payer::Donor => "donor",
    }
}

#[allow(clippy::too_many_arguments)]
async fn curriculum_page(state: &AppState, identity: &Identity, page: Page, id: Uuid, q: ScenarioQuery, form: Fields, mut errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let curriculum = curricula::get_curriculum(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let modules = curricula::list_modules(&mut tx, Some(id)).await?;
    let lines = curricula::cost_lines(&mut tx, None, Some(id)).await?;
    let mut counts = Vec::new();
    for m in &modules {
        counts.push((m.id, sessions::list_sessions(&mut tx, Some(m.id)).await?.len()));
    }
    let mut p = Problems::default();
    let (a, b) = scenario_counts(&q, &mut p);
    if !p.is_empty() {
        errors.items.extend(FormErrors::from_problems(&page.tr, &p).items);
    }
    let mut cost_rows = Vec::new();
    let mut totals = Vec::new();
    let mut payers: Vec<(String, Vec<String>)> = Vec::new();
    let mut cost_error = None;
    let computed: Result<Vec<CurriculumCost>, _> = curricula::budgets(&curriculum, &modules, &lines).and_then(|bs| scenarios(&bs, &[a, b]));
    match computed {
        Ok(sc) => {
            for m in &modules {
                let cells = sc
                    .iter()
                    .map(|c| match c.modules.iter().find(|x| x.module == m.id.to_string()) {
                        Some(mc) => (money(&page.tr, &mc.total), money(&page.tr, &mc.per_participant)),
                        None => ("—".into(), "—".into()),
                    })
                    .collect();
                cost_rows.push(CostRow { module: loc(&page.tr, &m.title), cells });
            }
            totals = sc.iter().map(|c| (money(&page.tr, &c.total), money(&page.tr, &c.per_participant))).collect();
            // Lines that name no payer are the employer's: the participant's organisation pays
            // what nobody else took on.
            for payer in PAYERS {
                let mut row = Vec::new();
                for c in &sc {
                    let parts = split(c, &Funding::ByLine { default: Some(Payer::Employer) }).unwrap_or_default();
                    let amount = parts.iter().find(|(p, _)| payer_code(*p) == *payer).map(|(_, m)| money(&page.tr, m)).unwrap_or_else(|| "—".into());
                    row.push(amount);
                }
                payers.push((payer.to_string(), row));
            }
        }
        Err(e) => cost_error = Some(page.tr.t(e.code())),
    }
    let snap = snapshot(&mut tx).await?;
    let certs = certificates::list(&mut tx, id).await?;
    let rule = curricula::completion_rule(&curriculum, &modules);
    let mut progress = Vec::new();
    for part in &snap.participants {
        let done: std::collections::BTreeSet<String> = snap
            .completed_by(part.id)
            .into_keys()
            .filter(|m| modules.iter().any(|x| x.id == *m))
            .map(|m| m.to_string())
            .collect();
        if done.is_empty() {
            continue;
        }
        let complete = rule.completion(&done).map(|c| c.complete).unwrap_or(false);
        progress.push(Progress {
            participant_id: part.id,
            name: part.name.clone(),
            organisation: part.organisation.clone(),
            done: done.len(),
            complete,
            certified: certs.iter().any(|c| c.participant_id == part.id && c.revoked_at.is_none()),
        });
    }
    progress.sort_by(|x, y| y.complete.cmp(&x.complete).then(y.done.cmp(&x.done)).then(x.name.cmp(&y.name)));
    let sops = passerelle_store::sops::list_latest(&mut tx).await?.into_iter().map(|s| (s.sop.id.clone(), s.sop.title.get(page.tr.lang).to_string())).collect();
    let needs = Taxonomy::needs().top_level().map(|t| (t.code.clone(), t.label.get(page.tr.lang).to_string())).collect();
    let can_manage = identity.can(P::ManageTraining);
    // Supervisors follow the programme but see only their own agency's people.
    if let Some(agency) = agency_scope(identity, P::ViewTraining) {
        progress.retain(|pr| snap.participants.iter().any(|x| x.id == pr.participant_id && x.agency_id == Some(agency)));
    }
    let certificates = if can_manage { certs } else { Vec::new() };
    Ok(render_status(status, &CurriculumPage {
        page, curriculum, modules, counts, counts_a: a, counts_b: b, scenario_heads: vec![a, b], cost_rows, totals, payers, cost_error,
        progress, certificates, can_manage, sops, needs, modes: MODES, form, errors,
    }))
}

pub async fn show_curriculum(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Query(q): Query<ScenarioQuery>) -> Result<Response, AppError> {
    let form = Fields(vec![("mode".into(), "in_person".into()), ("duration_hours".into(), "6".into())]);
    curriculum_page(&state, &identity, page, id, q, form, FormErrors::default(), StatusCode::OK).await
}

pub async fn add_module(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let input = ModuleInput {
        code: f.get("code").into(),
        title_fr: f.get("title_fr").into(),
        title_en: f.get("title_en").into(),
        title_es: f.get("title_es").into(),
        objectives_fr: f.get("objectives_fr").into(),
        objectives_en: f.get("objectives_en").into(),
        objectives_es: f.get("objectives_es").into(),
        outline_fr: f.get("outline_fr").into(),
        outline_en: f.get("outline_en").into(),
        outline_es: f.get("outline_es").into(),
        duration_hours: f.get("duration_hours").into(),
        mode: f.get("mode").into(),
        prerequisites: f.get("prerequisites").into(),
        audience: f.get("audience").into(),
        trainers: f.get("trainers").into(),
        sop_ids: f.all("sop_ids"),
        need_codes: f.all("need_codes"),
        mandatory: f.get("mandatory") == "yes",
    };
    let mut p = Problems::default();
    let mut tx = state.store.write().await?;
    let sops: Vec<String> = passerelle_store::sops::list_latest(&mut tx).await?.into_iter().map(|s| s.sop.id.clone()).collect();
    let needs: Vec<String> = Taxonomy::needs().top_level().map(|t| t.code.clone()).collect();
    match curricula::add_module(&mut tx, Some(identity.id()), id, &input, &sops, &needs).await {
        Ok(m) => {
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/training/modules/{}", m.id)).into_response());
        }
        Err(e) => store_problems(e, &mut p)?,
    }
    drop(tx);
    let errors = FormErrors::from_problems(&page.tr, &p);
    curriculum_page(&state, &identity, page, id, ScenarioQuery::default(), f, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Template)]
#[template(path = "training_module.html")]
struct ModulePage {
    page: Page,
    curriculum: Curriculum,
    module: Module,
    lines: Vec<CostLineRow>,
    sessions: Vec<SessionLine>,
    sops: Vec<(String, String)>,
    can_manage: bool,
    kinds: &'static [&'static str],
    payers: &'static [&'static str],
    cost_form: Fields,
    cost_errors: FormErrors,
    form: Fields,
    errors: FormErrors,
}

impl ModulePage {
    fn amount(&self, l: &CostLineRow) -> String {
        match passerelle_core::training::Currency::parse(&self.curriculum.currency) {
            Ok(c) => money(&self.page.tr, &passerelle_core::training::Money::new(l.amount_minor, c)),
            Err(_) => l.amount_minor.to_string(),
        }
    }
    fn need_label(&self, code: &str) -> String {
        Taxonomy::needs().get(code).map(|t| t.label.get(self.page.tr.lang).to_string()).unwrap_or_else(|| code.to_string())
    }
    fn sop_title(&self, id: &str) -> String {
        self.sops.iter().find(|(s, _)| s == id).map(|(_, t)| t.clone()).unwrap_or_else(|| id.to_string())
    }
}

#[allow(clippy::too_many_arguments)]
async fn module_page(state: &AppState, identity: &Identity, page: Page, id: Uuid, cost_form: Fields, cost_errors: FormErrors, form: Fields, errors: FormErrors, status: StatusCode) -> Result<Response, AppError> {
    let mut tx = state.store.read().await?;
    let module = curricula::get_module(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let curriculum = curricula::get_curriculum(&mut tx, module.curriculum_id).await?.ok_or(AppError::NotFound)?;
    let lines = curricula::cost_lines(&mut tx, Some(id), None).await?;
    let sessions = session_lines(&mut tx, Some(id), &page).await?;
    let sops = passerelle_store::sops::list_latest(&mut tx).await?.into_iter().map(|s| (s.sop.id.clone(), s.sop.title.get(page.tr.lang).to_string())).collect();
    Ok(render_status(status, &ModulePage {
        page, curriculum, module, lines, sessions, sops, can_manage: identity.can(P::ManageTraining),
        kinds: COST_KINDS, payers: PAYERS, cost_form, cost_errors, form, errors,
    }))
}

fn session_defaults() -> Fields {
    let t = today();
    Fields(vec![
        ("min_participants".into(), "10".into()),
        ("max_participants".into(), "15".into()),
        ("go_no_go".into(), (t + chrono::Duration::days(14)).to_string()),
        ("days".into(), (t + chrono::Duration::days(28)).to_string()),
    ])
}

pub async fn show_module(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    module_page(&state, &identity, page, id, Fields::default(), FormErrors::default(), session_defaults(), FormErrors::default(), StatusCode::OK).await
}

pub async fn add_cost(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let input = CostLineInput { label: f.get("label").into(), kind: f.get("kind").into(), amount: f.get("amount").into(), payer: f.get("payer").into() };
    let mut p = Problems::default();
    let mut tx = state.store.write().await?;
    match curricula::add_cost_line(&mut tx, Some(identity.id()), id, &input).await {
        Ok(_) => {
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/training/modules/{id}#costs")).into_response());
        }
        Err(e) => store_problems(e, &mut p)?,
    }
    drop(tx);
    let errors = FormErrors::from_problems(&page.tr, &p);
    module_page(&state, &identity, page, id, f, errors, session_defaults(), FormErrors::default(), StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn create_session(State(state): State<AppState>, identity: Identity, page: Page, Path(id): Path<Uuid>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let f = Fields(pairs);
    let input = SessionInput {
        place: f.get("place").into(),
        trainer: f.get("trainer").into(),
        min_participants: f.get("min_participants").into(),
        max_participants: f.get("max_participants").into(),
        go_no_go: f.get("go_no_go").into(),
        days: f.get("days").into(),
    };
    let mut p = Problems::default();
    let mut tx = state.store.write().await?;
    match sessions::create_session(&mut tx, Some(identity.id()), id, &input).await {
        Ok(s) => {
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/training/sessions/{}", s.id())).into_response());
        }
        Err(e) => store_problems(e, &mut p)?,
    }
    drop(tx);
    let errors = FormErrors::from_problems(&page.tr, &p);
    module_page(&state, &identity, page, id, Fields::default(), FormErrors::default(), f, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// Removes a cost line entered by mistake (costs are estimates until sessions are held; the
/// figures of held sessions are computed from the lines as they are now).
pub async fn delete_cost(State(state): State<AppState>, identity: Identity, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = state.store.write().await?;
    let module = curricula::delete_cost_line(&mut tx, Some(identity.id()), id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/training/modules/{module}#costs")).into_response())
}
