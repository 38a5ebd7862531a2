//! `passerelle export ctdc`: the CTDC-format file for international reporting, built by the
//! same store function as the task-force page's download (consented records only, then the
//! core's k-anonymisation), with what was achieved said on standard output.

use anyhow::{Context, Result};
use passerelle_store::{trafficking, Store};
use std::path::Path;

pub async fn export_ctdc(store: &Store, k: usize, to: &Path) -> Result<i32> {
    let mut tx = store.write().await?;
    // The command has no user: the audit entry records the export without an actor.
    let run = trafficking::ctdc(&mut tx, None, k, chrono::Utc::now().date_naive()).await?;
    let run = match run {
        Ok(r) => r,
        Err(e) => {
            eprintln!("passerelle: the CTDC export could not be anonymised: {e}");
            return Ok(1);
        }
    };
    std::fs::write(to, run.export.to_csv()).with_context(|| format!("cannot write {}", to.display()))?;
    tx.commit().await?;
    let e = &run.export;
    println!(
        "exported {} rows to {} (k requested {}, k achieved {}, {} records suppressed, {} records without consent to statistics left out)",
        e.rows.len(),
        to.display(),
        e.k_requested,
        e.k_achieved.map(|k| k.to_string()).unwrap_or_else(|| "none: nothing publishable".into()),
        e.records_suppressed,
        run.without_consent
    );
    Ok(0)
}
