//! What the server does on its own, besides serving: the housekeeping (expired sessions,
//! exports and staged uploads), the retention job, when enabled, and SQLite backups with
//! rotation, when a backup folder is given. Each runs in its own task so that a slow backup
//! never delays the sessions clean-up.

use anyhow::{bail, Result};
use chrono::Utc;
use passerelle_store::{retention, Backend, Store};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Periodic clean-up: expired sessions, expired export archives. The first tick is immediate,
/// so archives that expired while the server was down are deleted at start-up.
pub async fn housekeeping(store: Store) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        match passerelle_store::exports::sweep(&store, Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "expired exports deleted"),
            Err(e) => tracing::warn!(error = %e, "export clean-up failed"),
        }
        let purged = async {
            let mut tx = store.write().await?;
            let n = passerelle_store::sessions::purge_expired(&mut tx).await?;
            // Directory uploads nobody confirmed within a day are dropped.
            let day_ago = passerelle_store::db::now() - chrono::Duration::days(1);
            passerelle_store::directory::purge_staged(&mut tx, day_ago).await?;
            tx.commit().await?;
            Ok::<u64, passerelle_store::StoreError>(n)
        }
        .await;
        if let Err(e) = purged {
            tracing::warn!(error = %e, "session clean-up failed");
        }
    }
}

/// How often the retention job runs in the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RetentionSchedule {
    /// Never (the default): run `passerelle retention` by hand.
    Off,
    /// At start, then every 24 hours.
    Daily,
}

/// Parses a period written `30s`, `15m`, `24h` or `7d` (whole numbers, at least one second).
pub fn parse_every(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let Some((num, unit)) = passerelle_core::validate::count_and_unit(t) else {
        return Err(format!("{s:?}: write a whole number then s, m, h or d (e.g. 24h)"));
    };
    let n: u64 = num.parse().map_err(|_| format!("{s:?} is too large"))?;
    let secs = match unit {
        's' => Some(n),
        'm' => n.checked_mul(60),
        'h' => n.checked_mul(3600),
        'd' => n.checked_mul(86_400),
        _ => return Err(format!("{s:?}: write a whole number then s, m, h or d (e.g. 24h)")),
    };
    match secs {
        Some(0) => Err("the period must be at least 1s".into()),
        Some(secs) => Ok(Duration::from_secs(secs)),
        None => Err(format!("{s:?} is too large")),
    }
}

/// Runs the retention job at start and every day: plan, apply, log the counts (the audit entry
/// `retention.run` holds them too).
pub async fn retention_daily(store: Store) {
    let mut tick = tokio::time::interval(Duration::from_secs(86_400));
    loop {
        tick.tick().await;
        let run = async {
            let plan = {
                let mut tx = store.read().await?;
                retention::plan(&mut tx, passerelle_store::db::now()).await?
            };
            retention::apply(&store, None, &plan).await
        }
        .await;
        match run {
            Ok(a) => tracing::info!(anonymised = a.anonymised, deleted = a.deleted, cases = a.cases, skipped = a.skipped,
                "retention run done"),
            Err(e) => tracing::warn!(error = %e, "retention run failed"),
        }
    }
}

/// Backups of the SQLite database into `dir` every `every`, keeping the newest `keep`.
/// PostgreSQL is backed up with its own tools (README): refused with a warning.
pub fn start_backups(store: &Store, dir: PathBuf, every: Duration, keep: usize) {
    if store.backend() == Backend::Postgres {
        tracing::warn!("--backup-dir is ignored on PostgreSQL: back it up with pg_dump (see the README)");
        return;
    }
    let store = store.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match backup_once(&store, &dir, keep).await {
                Ok((file, removed)) => tracing::info!(file = %file.display(), removed, "backup written"),
                Err(e) => tracing::warn!(error = %e, dir = %dir.display(), "backup failed"),
            }
        }
    });
}

const PREFIX: &str = "passerelle-";
const SUFFIX: &str = ".sqlite3";

/// One backup, named by its UTC time (`passerelle-20261126T110000Z.sqlite3`, so that names sort
/// as times), written under a temporary name first so that a crash never leaves a half-written
/// file looking like a backup; then the oldest beyond `keep` are deleted. Returns the file and
/// how many were deleted.
pub async fn backup_once(store: &Store, dir: &Path, keep: usize) -> Result<(PathBuf, usize)> {
    tokio::fs::create_dir_all(dir).await?;
    let name = format!("{PREFIX}{}{SUFFIX}", Utc::now().format("%Y%m%dT%H%M%SZ"));
    let file = dir.join(&name);
    if tokio::fs::try_exists(&file).await? {
        bail!("{} exists already (backups less than a second apart)", file.display());
    }
    let partial = dir.join(format!("{name}.partial"));
    let _ = tokio::fs::remove_file(&partial).await;
    store.backup_sqlite(&partial).await?;
    tokio::fs::rename(&partial, &file).await?;
    let mut names = Vec::new();
    let mut rd = tokio::fs::read_dir(dir).await?;
    while let Some(e) = rd.next_entry().await? {
        let n = e.file_name().to_string_lossy().to_string();
        if n.starts_with(PREFIX) && n.ends_with(SUFFIX) {
            names.push(n);
        }
    }
    names.sort();
    let excess = names.len().saturating_sub(keep.max(1));
    for old in &names[..excess] {
        tokio::fs::remove_file(dir.join(old)).await?;
    }
    Ok((file, excess))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse() {
        assert_eq!(parse_every("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_every("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_every("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_every("7d"), Ok(Duration::from_secs(604_800)));
        // A last character of several bytes is a mistake named, not a panic.
        for bad in ["", "0s", "h", "24", "1.5h", "-1h", "+1h", "3w", "99999999999999999999d", "\u{354}", "3é", "1🙂"] {
            assert!(parse_every(bad).is_err(), "{bad:?}");
        }
    }
}
