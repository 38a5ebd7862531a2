//! `passerelle import people FILE` and `passerelle people duplicates`: loading a people list
//! kept in a spreadsheet (columns in the README), and listing the possible duplicates of the
//! register for review.
//!
//! An import is all or nothing: every row is checked as the registration page checks it and
//! every problem printed with its row and column; with any problem nothing is written and the
//! exit code is 1. A row that is very likely someone already registered (or a repeat of an
//! earlier row) is a problem too: merge or correct it first, since two records of one person
//! split their history. People are registered for the team of the account named by `--for`.

use anyhow::{bail, Context, Result};
use passerelle_core::access::{scope_for, Permission, Scope};
use passerelle_core::matching::MatchBand;
use passerelle_core::people_sheet::{self, Column, PersonRow};
use passerelle_store::people::{self, PersonInput, Sight};
use passerelle_store::users::{self, Viewer};
use passerelle_store::Store;
use serde_json::json;
use std::io::Write;
use std::path::Path;

fn input_of(row: &PersonRow) -> PersonInput {
    PersonInput {
        given_names: row.get(Column::GivenName).to_string(),
        family_names: row.get(Column::FamilyName).to_string(),
        other_names: row.get(Column::OtherNames).replace(';', "\n"),
        sex: row.get(Column::Sex).to_lowercase(),
        birth_date: row.get(Column::DateOfBirth).to_string(),
        age_estimate: row.get(Column::Age).to_string(),
        nationality: row.get(Column::Nationality).to_string(),
        migration_status: row.get(Column::MigrationStatus).to_lowercase(),
        languages: row.get(Column::Languages).to_string(),
        phone: row.get(Column::Phone).to_string(),
        address: row.get(Column::Address).to_string(),
        external_id: row.get(Column::ExternalId).to_string(),
        ..Default::default()
    }
}

/// The registration field a problem names, back to the sheet's column.
fn column_of(field: &str) -> Option<Column> {
    Some(match field {
        "given_names" => Column::GivenName,
        "family_names" => Column::FamilyName,
        "other_names" => Column::OtherNames,
        "sex" => Column::Sex,
        "birth_date" => Column::DateOfBirth,
        "age_estimate" => Column::Age,
        "nationality" => Column::Nationality,
        "migration_status" => Column::MigrationStatus,
        "languages" => Column::Languages,
        "phone" => Column::Phone,
        "address" => Column::Address,
        "external_id" => Column::ExternalId,
        _ => return None,
    })
}

async fn sight_for(store: &Store, email: &str) -> Result<Sight> {
    let mut tx = store.read().await?;
    let user = users::find_by_email(&mut tx, email).await?.with_context(|| format!("no account {email}"))?;
    let roles = user.roles.clone();
    if scope_for(&roles, Permission::ManageCases).is_none() {
        bail!("{email} may not register people (a caseworker or supervisor account is needed)");
    }
    Ok(Sight {
        viewer: Viewer { id: user.id, agency_id: user.agency_id, team_id: user.team_id, scope: scope_for(&roles, Permission::ViewCases).unwrap_or(Scope::Own) },
        supervises: scope_for(&roles, Permission::ApproveCases).and(user.team_id),
    })
}

pub async fn import(store: &Store, file: &Path, for_email: &str, dry_run: bool) -> Result<i32> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let sheet = match people_sheet::read(&bytes) {
        Ok(s) => s,
        Err(errors) => {
            println!("{}: cannot be imported", file.display());
            for e in errors {
                println!("  {e}");
            }
            return Ok(1);
        }
    };
    for (letter, header) in &sheet.unknown_columns {
        println!("column {letter} ({header}): not a people column, not read");
    }
    let sight = sight_for(store, for_email).await?;
    let today = passerelle_store::db::now().date_naive();
    let mut problems = Vec::new();
    for (row, letter) in &sheet.cell_errors {
        problems.push((*row, format!("row {row}, column {letter}: the cell holds a spreadsheet error")));
    }
    // Every row checked as the registration page checks it, before anything is read.
    let mut checked = Vec::new();
    for row in &sheet.rows {
        match people::check(&input_of(row), today) {
            Ok(person) => checked.push((row.row, person)),
            Err(p) => {
                for e in &p.0 {
                    let place = column_of(&e.field).and_then(|c| row.place(c)).map(|(h, l)| format!("column {l} ({h})")).unwrap_or_else(|| e.field.clone());
                    problems.push((row.row, format!("row {}, {place}: {}", row.row, e.code)));
                }
            }
        }
    }
    let mut tx = store.write().await?;
    // The part of the register the rows' duplicate keys reach, read and opened once; each
    // accepted row joins it, so that the next rows are checked against the register as it
    // stands and against the rows already accepted. Nothing is written until every row passed.
    // Each row prepared for matching once: checked, joined to the register, then written.
    let (rows, probes): (Vec<_>, Vec<_>) = checked
        .into_iter()
        .map(|(row, mut person)| {
            // An id for the time of the check, to tell the sheet's rows apart in the register
            // (each gets its own when it is registered).
            person.id = uuid::Uuid::new_v4();
            (row, people::Prepared::new(person))
        })
        .unzip();
    let mut register = people::Register::read_around(&mut tx, &sight, &probes).await?;
    let mut sheet_row = std::collections::HashMap::new();
    let mut accepted = Vec::new();
    for (row, prepared) in rows.into_iter().zip(probes) {
        let person = &prepared.person;
        if let Some(c) = register.likely_duplicates(&prepared).first() {
            let (name, score) = (c.person.full_name(), c.score.score);
            problems.push((row, match sheet_row.get(&c.person.id) {
                Some(earlier) => format!("row {row}: very likely the same person as row {earlier} ({name}, score {score:.2})"),
                None => format!("row {row}: very likely already registered as {} ({name}, score {score:.2})", c.person.id),
            }));
            continue;
        }
        sheet_row.insert(person.id, row);
        register.add(&prepared);
        accepted.push(prepared);
    }
    // In the sheet's order, whichever check found them.
    problems.sort_by_key(|(row, _)| *row);
    println!("{} rows read ({}), {} accepted, {} problems", sheet.rows.len(), sheet.encoding, accepted.len(), problems.len());
    for (_, p) in &problems {
        println!("  {p}");
    }
    if !problems.is_empty() {
        println!("nothing written: fix the file and import it again");
        return Ok(1);
    }
    // Written even in a dry run (then rolled back), so that it also proves the database takes them.
    let registered = people::register_prepared(&mut tx, &sight.viewer, accepted).await?;
    if dry_run {
        println!("dry run: nothing written");
        return Ok(0);
    }
    tx.commit().await?;
    println!("{} people registered", registered.len());
    Ok(0)
}

/// Pairs printed together: their people are read and opened this many pairs at a time rather
/// than all held at once.
const PRINT_BATCH: usize = 500;

/// Prints one JSON object per candidate pair (`--json`), or a readable line per pair; only
/// the likely band's pairs with `likely_only`.
pub async fn duplicates(store: &Store, json_lines: bool, likely_only: bool) -> Result<i32> {
    // The whole register, except restricted records: those stay with their caseworker.
    let sight = Sight { viewer: Viewer { id: uuid::Uuid::nil(), agency_id: None, team_id: None, scope: Scope::All }, supervises: None };
    let mut tx = store.read().await?;
    // On the terminal only (indicatif draws nothing when stderr is not one): stdout is the list.
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(indicatif::ProgressStyle::with_template("{msg:8} {bar:40} {pos}/{len} people {per_sec} eta {eta}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()));
    let shown = |step: people::ScanProgress| {
        let (msg, done, of) = match step {
            people::ScanProgress::Read { done, of } => ("read", done, of),
            people::ScanProgress::Checked { done, of } => ("checked", done, of),
        };
        if bar.message() != msg {
            bar.reset();
            bar.set_message(msg);
        }
        bar.set_length(of as u64);
        bar.set_position(done as u64);
    };
    let mut pairs = people::all_duplicates(&mut tx, &sight, &shown).await?;
    bar.finish_and_clear();
    if likely_only {
        pairs.retain(|p| p.band == MatchBand::Likely);
    }
    // Millions of lines at a million people: written in blocks, not a system call a line.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for batch in pairs.chunks(PRINT_BATCH) {
        let ids: Vec<uuid::Uuid> = batch.iter().flat_map(|p| [p.a, p.b]).collect();
        let people: std::collections::HashMap<uuid::Uuid, people::Person> =
            people::get_many(&mut tx, &sight, &ids).await?.into_iter().map(|p| (p.id, p)).collect();
        for pair in batch {
            let (Some(a), Some(b)) = (people.get(&pair.a), people.get(&pair.b)) else { continue };
            if json_lines {
                let band = match pair.band {
                    MatchBand::Likely => "likely",
                    MatchBand::Possible => "possible",
                    MatchBand::Unlikely => "unlikely",
                };
                writeln!(out, "{}", json!({
                    "a": {"id": a.id, "external_id": a.external_id},
                    "b": {"id": b.id, "external_id": b.external_id},
                    "score": (pair.score * 1000.0).round() / 1000.0,
                    "band": band,
                }))?;
            } else {
                writeln!(out, "{:.2}  {} ({})  ~  {} ({})", pair.score, a.full_name(), a.id, b.full_name(), b.id)?;
            }
        }
    }
    if !json_lines {
        writeln!(out, "{} {} duplicate pairs", pairs.len(), if likely_only { "likely" } else { "possible" })?;
    }
    out.flush()?;
    Ok(0)
}
