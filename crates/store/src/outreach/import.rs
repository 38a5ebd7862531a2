//! Importing activities from a spreadsheet, for teams that collect on paper or in KoboToolbox:
//! one activity per row, the counts in columns such as `female_18_24`, `migration_status_refugee`,
//! `disability_yes`. KoboToolbox group prefixes (`group_reach/female_18_24`) are ignored, its
//! `_uuid` becomes the submission id (importing the same export twice creates nothing new), and
//! its other metadata columns (`_id`, `_submission_time`, …) are skipped.
//!
//! All or nothing: every row is checked, and if any has a problem nothing is written and every
//! problem is listed by row and column. A dry run checks and counts without writing.

use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::outreach::activities::{self, count_name, ActivityInput, Saved};
use crate::users::Viewer;
use chrono::NaiveDate;
use passerelle_core::directory::sheet::{csv_rows, xlsx_sheets};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::outreach as rules;
use uuid::Uuid;

/// A problem of one cell or column: `row` as the spreadsheet shows it (the header is row 1;
/// 0 for the header's own problems), the column's header, a problem code (`error-field-<code>`
/// or `outreach-import-<code>`) and, for sums, the numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub code: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub rows: usize,
    pub created: usize,
    /// Rows whose submission id was already imported: found, not created again.
    pub existing: usize,
    pub problems: Vec<RowProblem>,
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Col {
    Field(&'static str),
    Count(String),
    Ignored,
}

const FIELDS: &[&str] = &[
    "submission_id", "kind", "setting", "held_on", "area", "community", "host_agency", "campaign", "agents", "topics",
    "language", "women_only", "people_reached", "nationality_groups", "notes",
];

fn column(header: &str) -> Option<Col> {
    let h = header.trim().to_lowercase();
    let h = h.rsplit('/').next().unwrap_or("").trim().replace([' ', '-'], "_");
    match h.as_str() {
        "_uuid" | "instanceid" => return Some(Col::Field("submission_id")),
        "date" | "today" => return Some(Col::Field("held_on")),
        _ => {}
    }
    if let Some(f) = FIELDS.iter().find(|f| **f == h) {
        return Some(Col::Field(*f));
    }
    if h.starts_with('_') || h.is_empty() {
        return Some(Col::Ignored);
    }
    for sex in rules::SEXES {
        if let Some(band) = h.strip_prefix(&format!("{sex}_")) {
            if rules::AGE_BANDS.contains(&band) {
                return Some(Col::Count(count_name("sex_age", sex, band)));
            }
        }
    }
    for b in ["migration_status", "disability"] {
        if let Some(code) = h.strip_prefix(&format!("{b}_")) {
            if rules::codes_of(b).is_some_and(|codes| codes.contains(&code)) {
                return Some(Col::Count(count_name(b, code, "")));
            }
        }
    }
    None
}

/// The rows of a `.csv` or `.xlsx` file (the first sheet of a workbook).
pub fn read_rows(file_name: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    if file_name.to_lowercase().ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        let sheets = xlsx_sheets(bytes).map_err(|e| e.to_string())?;
        let first = sheets.into_iter().next().ok_or_else(|| "the workbook has no sheet".to_string())?;
        Ok(first.rows)
    } else {
        csv_rows(bytes).map(|(rows, _, _)| rows).map_err(|e| e.to_string())
    }
}

fn yes(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().as_str() {
        "" | "no" | "non" | "false" | "0" | "n" => Some(false),
        "yes" | "oui" | "sí" | "si" | "true" | "1" | "y" | "o" => Some(true),
        _ => None,
    }
}

struct Lookups {
    areas: Vec<(Uuid, String, String)>,
    communities: Vec<(Uuid, String)>,
    agencies: Vec<(Uuid, String)>,
    campaigns: Vec<(Uuid, String)>,
    users: Vec<(Uuid, String)>,
}

async fn lookups(tx: &mut Tx) -> StoreResult<Lookups> {
    Ok(Lookups {
        areas: on_tx!(tx, c => sqlx::query_as("SELECT id, code, name FROM areas").fetch_all(c).await)?,
        communities: on_tx!(tx, c => sqlx::query_as("SELECT id, name FROM communities").fetch_all(c).await)?,
        agencies: on_tx!(tx, c => sqlx::query_as("SELECT id, name FROM agencies").fetch_all(c).await)?,
        campaigns: on_tx!(tx, c => sqlx::query_as("SELECT id, name FROM outreach_campaigns").fetch_all(c).await)?,
        users: on_tx!(tx, c => sqlx::query_as("SELECT id, email FROM users WHERE active = TRUE").fetch_all(c).await)?,
    })
}

fn by_name(list: &[(Uuid, String)], v: &str) -> Option<Uuid> {
    let v = v.trim().to_lowercase();
    list.iter().find(|(_, n)| n.to_lowercase() == v).map(|(id, _)| *id)
}

/// Checks every row and, when no row has a problem, records every activity in `tx`. The caller
/// commits only a clean run that is not a dry run.
pub async fn import(tx: &mut Tx, viewer: &Viewer, rows: &[Vec<String>], today: NaiveDate) -> StoreResult<Report> {
    let mut report = Report::default();
    let Some((header, body)) = rows.split_first() else {
        report.problems.push(RowProblem { row: 0, column: String::new(), code: "outreach-import-empty".into(), detail: String::new() });
        return Ok(report);
    };
    let mut cols = Vec::new();
    for h in header {
        match column(h) {
            Some(c) => cols.push(c),
            None => {
                report.problems.push(RowProblem { row: 1, column: h.clone(), code: "outreach-import-unknown-column".into(), detail: String::new() });
                cols.push(Col::Ignored);
            }
        }
    }
    for required in ["kind", "held_on", "agents", "people_reached"] {
        if !cols.contains(&Col::Field(required)) {
            report.problems.push(RowProblem { row: 1, column: required.into(), code: "outreach-import-missing-column".into(), detail: String::new() });
        }
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }
    let look = lookups(tx).await?;
    let header_of = |field: &str| -> String {
        header.iter().zip(&cols).find(|(_, c)| matches!(c, Col::Field(f) if *f == field) || matches!(c, Col::Count(n) if n == field))
            .map(|(h, _)| h.clone()).unwrap_or_else(|| field.to_string())
    };
    let mut checked = Vec::new();
    for (i, row) in body.iter().enumerate() {
        let at = i + 2;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        let mut input = ActivityInput::default();
        let mut bad = |column: &str, code: &str| {
            report.problems.push(RowProblem { row: at, column: column.to_string(), code: code.to_string(), detail: String::new() })
        };
        for (col, cell) in cols.iter().zip(row.iter()) {
            let v = cell.trim();
            match col {
                Col::Ignored => {}
                Col::Count(name) => input.counts.push((name.clone(), v.to_string())),
                Col::Field(f) => match *f {
                    "submission_id" => input.submission_id = v.to_string(),
                    "kind" => input.kind = v.to_lowercase(),
                    "setting" => input.setting = v.to_lowercase(),
                    "held_on" => input.held_on = v.get(..10).unwrap_or(v).to_string(),
                    "language" => input.language = v.to_string(),
                    "notes" => input.notes = v.to_string(),
                    "people_reached" => input.people_reached = v.to_string(),
                    "nationality_groups" => input.nationality_groups = v.replace(';', "\n"),
                    "women_only" => match yes(v) {
                        Some(b) => input.women_only = b,
                        None => bad(&header_of("women_only"), "error-field-unknown-choice"),
                    },
                    "area" if !v.is_empty() => {
                        let lv = v.to_lowercase();
                        match look.areas.iter().find(|(_, code, name)| code.to_lowercase() == lv || name.to_lowercase() == lv) {
                            Some((id, _, _)) => input.area_id = Some(*id),
                            None => bad(&header_of("area"), "error-field-unknown-choice"),
                        }
                    }
                    "community" if !v.is_empty() => match by_name(&look.communities, v) {
                        Some(id) => input.community_id = Some(id),
                        None => bad(&header_of("community"), "error-field-unknown-choice"),
                    },
                    "host_agency" if !v.is_empty() => match by_name(&look.agencies, v) {
                        Some(id) => input.host_agency_id = Some(id),
                        None => bad(&header_of("host_agency"), "error-field-unknown-choice"),
                    },
                    "campaign" if !v.is_empty() => match by_name(&look.campaigns, v) {
                        Some(id) => input.campaign_id = Some(id),
                        None => bad(&header_of("campaign"), "error-field-unknown-choice"),
                    },
                    "agents" => {
                        for email in v.split([' ', ',', ';']).filter(|s| !s.is_empty()) {
                            match by_name(&look.users, email) {
                                Some(id) => input.agents.push(id),
                                None => bad(&header_of("agents"), "outreach-import-unknown-agent"),
                            }
                        }
                    }
                    "topics" => {
                        for t in v.split([' ', ',', ';']).filter(|s| !s.is_empty()) {
                            let needs = Taxonomy::needs();
                            match needs.get(t).or_else(|| needs.resolve(t)) {
                                Some(term) => input.topics.push(term.code.clone()),
                                None => bad(&header_of("topics"), "error-field-unknown-choice"),
                            }
                        }
                    }
                    _ => {}
                },
            }
        }
        match activities::check(&input, today, rules::DEFAULT_REQUIRED) {
            Ok(c) => checked.push((at, c)),
            Err(rejected) => {
                for e in rejected.problems.0 {
                    let column = match e.field.as_str() {
                        "area_id" => header_of("area"),
                        "community_id" => header_of("community"),
                        f => header_of(f),
                    };
                    report.problems.push(RowProblem { row: at, column, code: format!("error-field-{}", e.code), detail: String::new() });
                }
                for m in rejected.mismatches {
                    report.problems.push(RowProblem {
                        row: at,
                        column: m.breakdown.to_string(),
                        code: "outreach-import-mismatch".into(),
                        detail: format!("{} / {}", m.sum, m.total),
                    });
                }
            }
        }
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }
    for (at, c) in &checked {
        // Even a dry run records, inside the transaction the caller rolls back: so a dry run
        // finds exactly what a real one would (an already imported row, a refused reference).
        match activities::create(tx, viewer, c, "import").await {
            Ok(Saved::Created(_)) => report.created += 1,
            Ok(Saved::Existing(_)) => report.existing += 1,
            Err(StoreError::Invalid(p)) => {
                for e in p.0 {
                    report.problems.push(RowProblem { row: *at, column: e.field.clone(), code: format!("error-field-{}", e.code), detail: String::new() });
                }
            }
            Err(StoreError::Conflict(_)) => report.problems.push(RowProblem {
                row: *at,
                column: header_of("submission_id"),
                code: "outreach-import-submission-taken".into(),
                detail: String::new(),
            }),
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_from_paper_and_kobo() {
        assert_eq!(column("Female_18_24"), Some(Col::Count("n.sex_age.female.18_24".into())));
        assert_eq!(column("group_reach/male_60_plus"), Some(Col::Count("n.sex_age.male.60_plus".into())));
        assert_eq!(column("disability_yes"), Some(Col::Count("n.disability.yes".into())));
        assert_eq!(column("_uuid"), Some(Col::Field("submission_id")));
        assert_eq!(column("_submission_time"), Some(Col::Ignored));
        assert_eq!(column("held on"), Some(Col::Field("held_on")));
        assert_eq!(column("colour"), None);
        assert_eq!(column("female_18_99"), None);
    }
}
