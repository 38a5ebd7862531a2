//! Community outreach: activities and the people they reached ([`activities`]), individual
//! follow-ups ([`follow_ups`]), campaigns ([`campaigns`]), late edits kept as conflicts ([`conflicts`]), figures ([`figures`]), the spreadsheet
//! import ([`import`]) and what makes the activity form work offline ([`offline`]).

pub mod activities;
pub mod campaigns;
pub mod conflicts;
pub mod figures;
pub mod follow_ups;
pub mod import;
pub mod offline;

use crate::forms::FormErrors;
use crate::i18n::Tr;
use chrono::NaiveDate;
use passerelle_core::outreach::Mismatch;
use passerelle_core::validate::Problems;
use passerelle_store::outreach::activities::Rejected;
use uuid::Uuid;

pub fn today() -> NaiveDate {
    passerelle_store::db::now().date_naive()
}

/// "Sex and age: 3 people missing to reach the total of 15" — names the breakdown and by how much.
pub fn mismatch_message(tr: &Tr, m: &Mismatch) -> String {
    let breakdown = tr.code("outreach-breakdown", m.breakdown);
    let id = if m.missing() > 0 { "outreach-mismatch-short" } else { "outreach-mismatch-over" };
    let text = tr.t_n(id, &[("people", m.missing().abs()), ("total", m.total as i64)]);
    format!("{breakdown}: {text}")
}

/// Field problems with outreach's own field labels (`outreach-field-<name>`), falling back to
/// the shared ones: outreach's ids stay in its own file and never collide with another module's.
pub fn field_errors(tr: &Tr, p: &Problems) -> FormErrors {
    FormErrors {
        items: p
            .0
            .iter()
            .map(|e| {
                let id = format!("outreach-field-{}", e.field.replace(['_', '.'], "-"));
                let msg = if let Some(label) = count_label(tr, &e.field) {
                    tr.t1(&format!("error-field-{}", e.code), "field", label)
                } else if tr.has(&id) {
                    tr.t1(&format!("error-field-{}", e.code), "field", tr.t(&id))
                } else {
                    crate::forms::field_message(tr, &e.field, e.code)
                };
                (e.field.clone(), msg)
            })
            .collect(),
    }
}

/// "Migration status, refugee" for the count field `n.migration_status.refugee`.
pub(crate) fn count_label(tr: &Tr, field: &str) -> Option<String> {
    let parts: Vec<&str> = field.strip_prefix("n.")?.split('.').collect();
    let breakdown = tr.code("outreach-breakdown", parts.first()?);
    let value = match parts.as_slice() {
        ["sex_age", sex, band] => format!("{}, {}", tr.code("outreach-sex", sex), tr.code("outreach-age", band)),
        ["migration_status", v] => tr.code("migration-status", v),
        ["disability", v] => tr.code("outreach-disability", v),
        _ => parts[1..].join(", "),
    };
    Some(format!("{breakdown} ({value})"))
}

/// The errors of a refused activity, ready for the form: field problems, then sums.
pub fn rejected_errors(tr: &Tr, r: &Rejected) -> FormErrors {
    let mut errors = field_errors(tr, &r.problems);
    for m in &r.mismatches {
        errors.items.push((format!("reached-{}", m.breakdown), mismatch_message(tr, m)));
    }
    errors
}

/// An optional id typed in a form: empty is none; anything else must be an id.
pub fn optional_id(v: &str) -> Result<Option<Uuid>, ()> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(v).map(Some).map_err(|_| ())
}

/// The key that encrypts this session's offline drafts, handed to the page: derived from the
/// session's CSRF secret, so it changes with every sign-in and is never stored on the device.
pub fn draft_key(csrf: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(format!("passerelle-outreach-drafts:{csrf}").as_bytes()))
}
