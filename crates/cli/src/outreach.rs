//! `passerelle import outreach FILE`: activities collected on paper or in KoboToolbox, one per
//! row (columns in the README). All or nothing: every problem is printed with its row and
//! column, and with any problem nothing is written and the exit code is 1. The activities are
//! recorded for the account named by `--for` (its agency and team keep them).

use anyhow::{bail, Context, Result};
use passerelle_core::access::{scope_for, Permission};
use passerelle_store::outreach::import;
use passerelle_store::users::{self, Viewer};
use passerelle_store::Store;
use std::path::Path;

pub async fn import(store: &Store, file: &Path, for_email: &str, dry_run: bool) -> Result<i32> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let rows = match import::read_rows(name, &bytes) {
        Ok(r) => r,
        Err(e) => {
            println!("{}: cannot be imported: {e}", file.display());
            return Ok(1);
        }
    };
    let mut tx = store.write().await?;
    let user = users::find_by_email(&mut tx, for_email).await?.with_context(|| format!("no account {for_email}"))?;
    let Some(scope) = scope_for(&user.roles, Permission::RecordOutreach) else {
        bail!("{for_email} may not record outreach (a community agent, supervisor or M&E account is needed)");
    };
    let viewer = Viewer { id: user.id, agency_id: user.agency_id, team_id: user.team_id, scope };
    let today = passerelle_store::db::now().date_naive();
    let report = import::import(&mut tx, &viewer, &rows, today).await?;
    println!("{} rows read, {} new, {} already imported, {} problems", report.rows, report.created, report.existing, report.problems.len());
    for p in &report.problems {
        let detail = if p.detail.is_empty() { String::new() } else { format!(" ({})", p.detail) };
        println!("  row {}, column {}: {}{detail}", p.row, p.column, p.code);
    }
    if !report.problems.is_empty() {
        println!("nothing written: fix the file and import it again");
        return Ok(1);
    }
    if dry_run {
        println!("dry run: nothing written");
        return Ok(0);
    }
    tx.commit().await?;
    println!("{} activities recorded", report.created);
    Ok(0)
}
