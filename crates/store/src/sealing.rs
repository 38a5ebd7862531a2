//! The data key and the sealed fields' upkeep: loading the keyring, checking it is the key the
//! data were sealed with, sealing rows written in the clear (before sealing existed, or by an
//! older version), and re-sealing everything under a new key (`passerelle keys rotate`).
//!
//! What is sealed, and how, is in `passerelle_core::privacy::seal`; each table's fields are
//! sealed by its own module (`people::reseal`, `cases::reseal_note`, `attachments::reseal`); the
//! other free text by `narratives`.
//! Every batch is one transaction and records the key it used (`seal_key`), so an interrupted
//! start-up or rotation simply resumes where it stopped.

use crate::db::{now, Store};
use crate::error::{StoreError, StoreResult};
use passerelle_core::privacy::seal::{self, Keyring};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// Where the data key comes from.
#[derive(Debug, Clone, Default)]
pub enum DataKey {
    /// `<data dir>/keys/data.key`, generated at the first start (the zero-configuration demo).
    #[default]
    Default,
    /// A key file kept elsewhere (`--data-key-file`): `<id>:<base64>` lines, newest last.
    File(PathBuf),
    /// The keys themselves (`PASSERELLE_DATA_KEY`): a base64 key, or `<id>:<base64>` entries
    /// separated by commas.
    Text(String),
}

/// The key file of the zero-configuration setup.
pub fn default_key_file(data_dir: &Path) -> PathBuf {
    data_dir.join("keys").join("data.key")
}

/// Rows sealed per transaction at start-up and during rotation.
pub const BATCH: i64 = 200;

/// Loads the keyring; for [`DataKey::Default`], generates the key file when it is missing.
pub fn load_keyring(key: &DataKey, data_dir: &Path) -> StoreResult<Keyring> {
    let (text, origin) = match key {
        DataKey::Text(t) => (t.clone(), "PASSERELLE_DATA_KEY".to_string()),
        DataKey::File(path) => (read_key_file(path)?, path.display().to_string()),
        DataKey::Default => {
            let path = default_key_file(data_dir);
            if !path.exists() {
                match write_new_key_file(&path, 1) {
                    // Another process starting at the same moment wrote it first: use theirs.
                    Err(StoreError::Io(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    other => other?,
                }
                tracing::warn!(file = %path.display(),
                    "generated a data key next to the database: a copy of the data directory holds both; \
                     in production keep the key elsewhere (--data-key-file or PASSERELLE_DATA_KEY)");
            }
            (read_key_file(&path)?, path.display().to_string())
        }
    };
    Keyring::parse(&text).map_err(|e| StoreError::Config(format!("data key ({origin}): {e}")))
}

fn read_key_file(path: &Path) -> StoreResult<String> {
    std::fs::read_to_string(path).map_err(|e| StoreError::Config(format!("cannot read the data key file {}: {e}", path.display())))
}

/// Creates `path` holding one new key with id `id`, readable by its owner only. Refuses to
/// overwrite an existing file (it may hold the only copy of a key).
pub fn write_new_key_file(path: &Path, id: u32) -> StoreResult<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
        restrict(dir, 0o700)?;
    }
    let line = format!("# Passerelle data key: without it the sealed data cannot be read. Keep a copy apart from backups of the database.\n{}\n", seal::key_line(id, &seal::generate_key()));
    let mut f = create_private(path)?;
    std::io::Write::write_all(&mut f, line.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

/// Appends a new key (the next id) to a key file; returns its id.
pub fn append_new_key(path: &Path) -> StoreResult<u32> {
    let ring = Keyring::parse(&read_key_file(path)?).map_err(|e| StoreError::Config(format!("{}: {e}", path.display())))?;
    let id = ring.current().unwrap_or(0).checked_add(1).ok_or_else(|| StoreError::Config("no key id left".into()))?;
    let mut f = std::fs::OpenOptions::new().append(true).open(path)?;
    std::io::Write::write_all(&mut f, format!("{}\n", seal::key_line(id, &seal::generate_key())).as_bytes())?;
    f.sync_all()?;
    Ok(id)
}

#[cfg(unix)]
fn create_private(path: &Path) -> StoreResult<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    Ok(std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> StoreResult<std::fs::File> {
    Ok(std::fs::OpenOptions::new().write(true).create_new(true).open(path)?)
}

#[cfg(unix)]
fn restrict(dir: &Path, mode: u32) -> StoreResult<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: u32) -> StoreResult<()> {
    Ok(())
}

/// Refuses a keyring whose keys are not those the database knows under the same ids, or that
/// lacks a key some rows are still sealed with; records the check value of new keys.
///
/// Every key a row was ever sealed with was recorded here at the start that used it, so the rows
/// need reading only for a recorded key the keyring no longer holds (after a rotation), or on a
/// database that has recorded none yet. A recorded key found unused is forgotten, so the next
/// start does not read the rows for it again: at a million cases that reading takes seconds.
pub async fn check_keys(store: &Store) -> StoreResult<()> {
    let ring = store.keyring();
    let mut tx = store.write().await?;
    let recorded: Vec<(i64, Vec<u8>)> = on_tx!(tx, c => sqlx::query_as("SELECT key_id, key_check FROM data_keys").fetch_all(c).await)?;
    for id in ring.ids() {
        let check = ring.check(id).ok_or(StoreError::Sealed(seal::SealError::UnknownKey(id)))?.to_vec();
        match recorded.iter().find(|(k, _)| *k == i64::from(id)) {
            Some((_, known)) if *known != check => {
                return Err(StoreError::Config(format!(
                    "data key {id} is not the key this database was sealed with: start with the right key file (or PASSERELLE_DATA_KEY)"
                )));
            }
            Some(_) => {}
            None => {
                exec!(tx, c => sqlx::query("INSERT INTO data_keys (key_id, key_check, added_at) VALUES ($1, $2, $3)").bind(i64::from(id)).bind(&check).bind(now()))?;
            }
        }
    }
    let held = |k: i64| u32::try_from(k).is_ok_and(|k| ring.ids().contains(&k));
    let unheld: Vec<i64> = if recorded.is_empty() {
        let sql = sealed_tables().map(|t| format!("SELECT DISTINCT seal_key FROM {t} WHERE seal_key IS NOT NULL")).collect::<Vec<_>>().join(" UNION ");
        let used: Vec<(i64,)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(c).await)?;
        used.into_iter().map(|(k,)| k).filter(|&k| !held(k)).collect()
    } else {
        let mut unheld = Vec::new();
        for &(k, _) in recorded.iter().filter(|(k, _)| !held(*k)) {
            if key_in_use(&mut tx, k).await? {
                unheld.push(k);
            } else {
                exec!(tx, c => sqlx::query("DELETE FROM data_keys WHERE key_id = $1").bind(k))?;
            }
        }
        unheld
    };
    if let Some(k) = unheld.first() {
        return Err(StoreError::Config(format!("some data are sealed with data key {k}, which the keyring does not hold")));
    }
    tx.commit().await
}

/// Every table with sealed values (a `seal_key` column).
fn sealed_tables() -> impl Iterator<Item = &'static str> {
    ["people", "case_notes", "case_attachments", "case_consents", "case_visits"].into_iter().chain(crate::narratives::ALL.iter().map(|n| n.table))
}

/// Whether any row is still sealed with `key`.
async fn key_in_use(tx: &mut crate::db::Tx, key: i64) -> StoreResult<bool> {
    for table in sealed_tables() {
        let sql = format!("SELECT 1 FROM {table} WHERE seal_key = $1 LIMIT 1");
        let found: Option<(i32,)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(key).fetch_optional(c).await)?;
        if found.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// What a sealing pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Resealed {
    pub people: u64,
    pub notes: u64,
    pub files: u64,
    pub consents: u64,
    pub visits: u64,
    /// Rows of the other free text (`narratives::ALL`: answers, referrals, reasons, comments).
    pub narratives: u64,
}

/// Seals the rows still in the clear (`seal_key` NULL), in batches.
pub async fn seal_clear_rows(store: &Store) -> StoreResult<Resealed> {
    reseal_where(store, None).await
}

/// Re-seals every sealed value and recomputes every blind index under the current key (the
/// newest of the keyring): the second half of a key rotation. Resumable: rows already under
/// the current key are skipped.
pub async fn rotate(store: &Store) -> StoreResult<Resealed> {
    let current = store.keyring().current().ok_or(StoreError::Sealed(seal::SealError::NoKey))?;
    reseal_where(store, Some(current)).await
}

/// The next batch of a table's rows to seal: those in the clear, and with `current` those
/// under another key too.
async fn to_reseal(tx: &mut crate::db::Tx, table: &str, current: Option<u32>) -> StoreResult<Vec<Uuid>> {
    // The clear rows alone are asked for in the form the `<table>_clear` partial indexes answer
    // (migration 0028): at every start, finding none then reads an empty index, not the table.
    let ids: Vec<(Uuid,)> = match current {
        None => {
            let sql = format!("SELECT id FROM {table} WHERE seal_key IS NULL ORDER BY id LIMIT $1");
            on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(BATCH).fetch_all(c).await)?
        }
        Some(key) => {
            let sql = format!("SELECT id FROM {table} WHERE seal_key IS NULL OR seal_key <> $1 ORDER BY id LIMIT $2");
            on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(i64::from(key)).bind(BATCH).fetch_all(c).await)?
        }
    };
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

async fn reseal_where(store: &Store, current: Option<u32>) -> StoreResult<Resealed> {
    let mut done = Resealed::default();
    let tables = [("people", &mut done.people), ("case_notes", &mut done.notes), ("case_attachments", &mut done.files), ("case_consents", &mut done.consents), ("case_visits", &mut done.visits)];
    for (table, count) in tables {
        loop {
            let mut tx = store.write().await?;
            let ids = to_reseal(&mut tx, table, current).await?;
            if ids.is_empty() {
                break;
            }
            for &id in &ids {
                match table {
                    "people" => crate::people::reseal(&mut tx, id).await?,
                    "case_notes" => crate::cases::reseal_note(&mut tx, id).await?,
                    "case_consents" => crate::consents::reseal(&mut tx, id).await?,
                    "case_visits" => crate::visits::reseal(&mut tx, id).await?,
                    _ => crate::attachments::reseal(&mut tx, store.files_dir(), id).await?,
                }
            }
            tx.commit().await?;
            *count += ids.len() as u64;
        }
    }
    for n in crate::narratives::ALL {
        loop {
            let mut tx = store.write().await?;
            let ids = to_reseal(&mut tx, n.table, current).await?;
            if ids.is_empty() {
                break;
            }
            for &id in &ids {
                n.reseal(&mut tx, id).await?;
            }
            tx.commit().await?;
            done.narratives += ids.len() as u64;
        }
    }
    if done != Resealed::default() {
        tracing::info!(people = done.people, notes = done.notes, files = done.files, consents = done.consents, visits = done.visits, narratives = done.narratives, "sealed personal data under data key {}", store.keyring().current().unwrap_or(0));
    }
    Ok(done)
}
