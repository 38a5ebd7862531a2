//! Training and capacity building: the programme's curricula, modules and their costs
//! ([`curricula`]), sessions with enrolment, waiting list, attendance and tests ([`sessions`]),
//! certificates and their public verification ([`certificates`]), and what the programme
//! achieved ([`figures`]).
//!
//! Supervisors see and nominate their own agency's staff only: [`agency_scope`] narrows every
//! list they get, and nominating or withdrawing someone of another agency is refused.

pub mod certificate_pdf;
pub mod certificates;
pub mod curricula;
pub mod figures;
pub mod sessions;

use crate::ctx::Identity;
use crate::i18n::Tr;
use chrono::NaiveDate;
use passerelle_core::access::{Permission, Scope};
use passerelle_core::sop::Localized;
use passerelle_core::training::{Money, Viability};
use uuid::Uuid;

/// Text in the reader's language.
pub fn loc(tr: &Tr, l: &Localized) -> String {
    l.get(tr.lang).to_string()
}

/// An amount in the reader's number format with its currency code: `1 640,50 EUR`.
/// Built from the exact decimal of the minor units, never through a float.
pub fn money(tr: &Tr, m: &Money) -> String {
    let exact = m.decimal();
    let (sign, digits) = match exact.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", exact.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let whole = passerelle_core::format::integer(tr.lang, whole.parse().unwrap_or(0));
    let mark = if tr.lang == passerelle_core::lang::Lang::En { "." } else { "," };
    let number = if frac.is_empty() { whole } else { format!("{whole}{mark}{frac}") };
    format!("{sign}{number} {}", m.currency.code())
}

/// The warning for a session short of its minimum, or nothing when it is viable.
pub fn viability_warning(tr: &Tr, v: Viability) -> String {
    match v {
        Viability::Viable => String::new(),
        Viability::UnderMinimum { missing, days_to_decision } => {
            tr.t_n("training-under-minimum", &[("missing", i64::from(missing)), ("days", days_to_decision)])
        }
        Viability::DecisionOverdue { missing } => tr.t1("training-decision-overdue", "missing", missing),
    }
}

/// "12 of 15 seats taken, 2 waiting".
pub fn seats_text(tr: &Tr, seated: usize, waiting: usize, max: i64) -> String {
    tr.t_n("training-seats-count", &[("seated", seated as i64), ("max", max), ("waiting", waiting as i64)])
}

pub fn today() -> NaiveDate {
    passerelle_store::db::now().date_naive()
}

/// The agency a reader's view of training is narrowed to under `p`: `None` for everyone's,
/// `Some(agency)` for a supervisor's own agency (a supervisor without an agency sees nobody,
/// through an id no agency has).
pub fn agency_scope(identity: &Identity, p: Permission) -> Option<Uuid> {
    match identity.scope(p) {
        Some(Scope::All) => None,
        _ => Some(identity.user.agency_id.unwrap_or(Uuid::nil())),
    }
}

/// The fields of a posted form as sent (repeated names kept), to show them again on error.
#[derive(Default, Clone)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }
}
