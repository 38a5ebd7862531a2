//! What the programme achieved: which modules each participant completed, who is trained on
//! which SOP (and which agencies have staff applying an SOP they were not trained on), and
//! the figures by agency, role, sex and module, score gain and cost per trained person.
//!
//! A module is completed by a participant who held a seat in a session of it that was held,
//! and was present on every one of its days.

use crate::db::Tx;
use crate::error::StoreResult;
use crate::training::curricula::{self, budgets, Curriculum, Module};
use crate::training::sessions::{self, Participant, Seat, Session};
use chrono::NaiveDate;
use passerelle_core::access::Role;
use passerelle_core::sop::Localized;
use passerelle_core::training::{div_half_even, module_cost, Money};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    pub participant_id: Uuid,
    pub module_id: Uuid,
    pub session_id: Uuid,
    /// The session's last day.
    pub on: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct LiveEnrolment {
    id: Uuid,
    session_id: Uuid,
    participant_id: Uuid,
}

/// Everything the figures are computed from, read in one transaction.
pub struct Snapshot {
    pub curricula: Vec<Curriculum>,
    pub modules: Vec<Module>,
    pub sessions: Vec<Session>,
    pub participants: Vec<Participant>,
    pub completed: Vec<Completed>,
    /// (session id, seated participants) of every session.
    pub seated: BTreeMap<Uuid, usize>,
    /// (participant id, pre score, post score) of every enrolment with both tests.
    pub gains: Vec<(Uuid, Uuid, i64, i64)>,
    lines: Vec<curricula::CostLineRow>,
}

pub async fn snapshot(tx: &mut Tx) -> StoreResult<Snapshot> {
    let curricula = curricula::list_curricula(tx).await?;
    let modules = curricula::list_modules(tx, None).await?;
    let sessions = sessions::list_sessions(tx, None).await?;
    let participants = sessions::list_participants(tx).await?;
    let marks = sessions::attendance(tx, None).await?;
    let tests = sessions::test_results(tx, None).await?;
    let lines = curricula::cost_lines(tx, None, None).await?;
    let live: Vec<LiveEnrolment> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, session_id, participant_id FROM training_enrolments WHERE withdrawn_at IS NULL"
    ).fetch_all(c).await)?;
    let mut seated = BTreeMap::new();
    for s in &sessions {
        let n = sessions::enrolments(tx, s.id()).await?.iter().filter(|e| e.seat == Seat::Seated).count();
        seated.insert(s.id(), n);
    }
    let mut completed = Vec::new();
    for e in &live {
        let Some(s) = sessions.iter().find(|s| s.id() == e.session_id) else { continue };
        if s.row.status != "held" || s.days.is_empty() {
            continue;
        }
        let all_present = s.days.iter().all(|d| marks.iter().any(|m| m.enrolment_id == e.id && m.day_id == d.id && m.present));
        if let (true, Some(on)) = (all_present, s.last_day()) {
            completed.push(Completed { participant_id: e.participant_id, module_id: s.row.module_id, session_id: s.id(), on });
        }
    }
    let mut gains = Vec::new();
    for e in &live {
        let score = |kind: &str| tests.iter().find(|t| t.enrolment_id == e.id && t.kind == kind).map(|t| t.score);
        if let (Some(pre), Some(post)) = (score("pre"), score("post")) {
            gains.push((e.participant_id, e.session_id, pre, post));
        }
    }
    Ok(Snapshot { curricula, modules, sessions, participants, completed, seated, gains, lines })
}

impl Snapshot {
    /// The modules a participant completed (each once, at its earliest completion).
    pub fn completed_by(&self, participant_id: Uuid) -> BTreeMap<Uuid, NaiveDate> {
        let mut out: BTreeMap<Uuid, NaiveDate> = BTreeMap::new();
        for c in self.completed.iter().filter(|c| c.participant_id == participant_id) {
            let e = out.entry(c.module_id).or_insert(c.on);
            if c.on < *e {
                *e = c.on;
            }
        }
        out
    }

    fn in_scope(&self, participant_id: Uuid, agency: Option<Uuid>) -> bool {
        match agency {
            None => true,
            Some(a) => self.participants.iter().any(|p| p.id == participant_id && p.agency_id == Some(a)),
        }
    }

    /// Average post-test minus pre-test score, over those who took both (within `agency`,
    /// or every participant), and how many took both.
    pub fn average_gain(&self, agency: Option<Uuid>, session: Option<Uuid>) -> (Option<f64>, usize) {
        let gains: Vec<i64> = self
            .gains
            .iter()
            .filter(|(p, s, _, _)| self.in_scope(*p, agency) && session.is_none_or(|x| x == *s))
            .map(|(_, _, pre, post)| post - pre)
            .collect();
        if gains.is_empty() {
            return (None, 0);
        }
        (Some(gains.iter().sum::<i64>() as f64 / gains.len() as f64), gains.len())
    }
}

/// People trained, counted by one attribute each.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub trained: usize,
    /// (agency or organisation name, people)
    pub by_agency: Vec<(String, usize)>,
    /// (role code of a staff account, or the job title of an external participant, people)
    pub by_role: Vec<(String, usize)>,
    /// (sex code, or `not_recorded` for staff accounts, people)
    pub by_sex: Vec<(String, usize)>,
    /// (module, people who completed it)
    pub by_module: Vec<(Uuid, usize)>,
    pub average_gain: Option<f64>,
    pub tested: usize,
    pub costs: Vec<CurriculumSpend>,
}

#[derive(Debug, Clone)]
pub struct CurriculumSpend {
    pub curriculum_id: Uuid,
    /// What the held sessions cost, for the participants who held a seat.
    pub spent: Money,
    /// Distinct people who completed at least one module of the curriculum.
    pub trained: usize,
    /// `spent / trained`, rounded half-even to the minor unit.
    pub per_trained: Option<Money>,
}

fn counted(map: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// The figures within `agency` (a supervisor's), or for everyone. Costs are the programme's
/// and are not narrowed to an agency: a session's cost is shared by all who attend it.
pub fn figures(snap: &Snapshot, agencies: &[(Uuid, String)], agency: Option<Uuid>) -> Figures {
    let trained_ids: BTreeSet<Uuid> = snap
        .completed
        .iter()
        .map(|c| c.participant_id)
        .filter(|p| snap.in_scope(*p, agency))
        .collect();
    let mut by_agency = BTreeMap::new();
    let mut by_role = BTreeMap::new();
    let mut by_sex = BTreeMap::new();
    for p in snap.participants.iter().filter(|p| trained_ids.contains(&p.id)) {
        let org = p
            .agency_id
            .and_then(|a| agencies.iter().find(|(id, _)| *id == a).map(|(_, n)| n.clone()))
            .unwrap_or_else(|| p.organisation.clone());
        *by_agency.entry(org).or_insert(0) += 1;
        *by_role.entry(p.job_role.clone()).or_insert(0) += 1;
        *by_sex.entry(p.sex.clone().unwrap_or_else(|| "not_recorded".into())).or_insert(0) += 1;
    }
    let by_module = snap
        .modules
        .iter()
        .map(|m| {
            let people: BTreeSet<Uuid> = snap
                .completed
                .iter()
                .filter(|c| c.module_id == m.id && trained_ids.contains(&c.participant_id))
                .map(|c| c.participant_id)
                .collect();
            (m.id, people.len())
        })
        .collect();
    let (average_gain, tested) = snap.average_gain(agency, None);
    let mut costs = Vec::new();
    for cur in &snap.curricula {
        let modules: Vec<Module> = snap.modules.iter().filter(|m| m.curriculum_id == cur.id).cloned().collect();
        let Ok(budgets) = budgets(cur, &modules, &snap.lines) else { continue };
        let Ok(currency) = passerelle_core::training::Currency::parse(&cur.currency) else { continue };
        let mut spent = Money::zero(currency);
        for s in snap.sessions.iter().filter(|s| s.row.status == "held") {
            let Some(b) = budgets.iter().find(|b| b.module == s.row.module_id.to_string()) else { continue };
            let n = snap.seated.get(&s.id()).copied().unwrap_or(0);
            // A module without cost lines, or a session nobody sat, costs nothing to count.
            if let Ok(c) = module_cost(b, u32::try_from(n).unwrap_or(0)) {
                spent = spent.checked_add(c.total).unwrap_or(spent);
            }
        }
        let trained: BTreeSet<Uuid> = snap
            .completed
            .iter()
            .filter(|c| modules.iter().any(|m| m.id == c.module_id))
            .map(|c| c.participant_id)
            .collect();
        let per_trained = (!trained.is_empty())
            .then(|| Money::new(div_half_even(spent.minor, trained.len() as i64), currency));
        costs.push(CurriculumSpend { curriculum_id: cur.id, spent, trained: trained.len(), per_trained });
    }
    Figures {
        trained: trained_ids.len(),
        by_agency: counted(by_agency),
        by_role: counted(by_role),
        by_sex: counted(by_sex),
        by_module,
        average_gain,
        tested,
        costs,
    }
}

/// A staff member trained on an SOP.
#[derive(Debug, Clone)]
pub struct TrainedStaff {
    pub name: String,
    pub agency_id: Option<Uuid>,
    pub on: NaiveDate,
}

/// An agency whose staff apply an SOP (their roles are among the SOP's) without all being
/// trained on it.
#[derive(Debug, Clone)]
pub struct Gap {
    pub agency_id: Uuid,
    pub untrained: usize,
    pub staff: usize,
}

#[derive(Debug, Clone)]
pub struct SopTraining {
    pub sop_id: String,
    pub title: Localized,
    pub trained: Vec<TrainedStaff>,
    pub gaps: Vec<Gap>,
}

#[derive(sqlx::FromRow)]
struct StaffRole {
    id: Uuid,
    agency_id: Option<Uuid>,
    role: String,
}

/// For each published SOP: the staff trained on it (a completed module linked to it), and the
/// agencies with staff in one of its roles who are not. Until cases record who applies which
/// SOP, a staff member "applies" an SOP when one of their roles is among the SOP's roles.
pub async fn sop_training(tx: &mut Tx, snap: &Snapshot, agency: Option<Uuid>) -> StoreResult<Vec<SopTraining>> {
    let sops = crate::sops::list_latest(tx).await?;
    let staff: Vec<StaffRole> = on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.agency_id, r.role FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.active = TRUE"
    ).fetch_all(c).await)?;
    let mut out = Vec::new();
    for published in sops {
        let sop = published.sop;
        let modules: Vec<Uuid> = snap.modules.iter().filter(|m| m.sop_ids.contains(&sop.id)).map(|m| m.id).collect();
        // user id -> earliest completion of a module on this SOP
        let mut trained_users: BTreeMap<Uuid, (String, Option<Uuid>, NaiveDate)> = BTreeMap::new();
        for c in snap.completed.iter().filter(|c| modules.contains(&c.module_id)) {
            let Some(p) = snap.participants.iter().find(|p| p.id == c.participant_id) else { continue };
            let Some(user) = p.user_id else { continue };
            if agency.is_some() && p.agency_id != agency {
                continue;
            }
            let e = trained_users.entry(user).or_insert((p.name.clone(), p.agency_id, c.on));
            if c.on < e.2 {
                e.2 = c.on;
            }
        }
        let roles: Vec<&str> = sop.roles.iter().map(|r: &Role| r.code()).collect();
        let mut per_agency: BTreeMap<Uuid, (BTreeSet<Uuid>, BTreeSet<Uuid>)> = BTreeMap::new();
        for s in staff.iter().filter(|s| roles.contains(&s.role.as_str())) {
            let Some(a) = s.agency_id else { continue };
            if agency.is_some_and(|x| x != a) {
                continue;
            }
            let entry = per_agency.entry(a).or_default();
            entry.0.insert(s.id);
            if !trained_users.contains_key(&s.id) {
                entry.1.insert(s.id);
            }
        }
        let gaps = per_agency
            .into_iter()
            .filter(|(_, (_, untrained))| !untrained.is_empty())
            .map(|(agency_id, (all, untrained))| Gap { agency_id, untrained: untrained.len(), staff: all.len() })
            .collect();
        let mut trained: Vec<TrainedStaff> = trained_users
            .into_values()
            .map(|(name, agency_id, on)| TrainedStaff { name, agency_id, on })
            .collect();
        trained.sort_by(|a, b| a.agency_id.cmp(&b.agency_id).then(a.name.cmp(&b.name)));
        out.push(SopTraining { sop_id: sop.id.clone(), title: sop.title.clone(), trained, gaps });
    }
    Ok(out)
}
