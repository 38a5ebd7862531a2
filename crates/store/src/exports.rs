//! Exports of personal data (a filtered caseload, a subject-access dossier) as encrypted,
//! logged, expiring archives.
//!
//! A file of names taken away on a laptop is the likeliest leak of all. So a personal-data
//! export is never served in the clear: the server builds the file, puts it in a standard
//! AES-256 encrypted ZIP (WinZip AE-2, opened by 7-Zip, macOS Archive Utility, most Linux
//! archivers and Windows 11's own) under a passphrase generated for that export, shown once to
//! the requester and never stored, and keeps the archive under `<data dir>/exports/` until it
//! expires. Only the requester can download it; after expiry it answers "gone" and the file
//! is deleted by [`sweep`] (run by the housekeeping job and at start-up). Every step is
//! audited (`export.create` with the kind and the row count, `export.download`,
//! `export.expire`), never the content or the passphrase.

use crate::audit::{self, Event};
use crate::db::{now, Store, Tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The kinds of export that go through here.
pub const KINDS: &[&str] = &["caseload-xlsx", "caseload-csv", "dossier-json"];

/// How long an archive is kept when the server is not told otherwise.
pub const DEFAULT_TTL_HOURS: u32 = 24;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Export {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    /// The archive's name offered for download (no personal data in it).
    pub file_name: String,
    pub row_count: i64,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub removed_at: Option<DateTime<Utc>>,
}

impl Export {
    /// Past its expiry, or its file already deleted.
    pub fn is_expired(&self, at: DateTime<Utc>) -> bool {
        self.removed_at.is_some() || self.expires_at <= at
    }
}

/// What to put in an archive.
pub struct Content<'a> {
    /// One of [`KINDS`].
    pub kind: &'static str,
    /// The name of the file inside the archive. ZIP encrypts contents, not names: this name
    /// must hold no personal data (`caseload.xlsx`, `dossier.json`).
    pub inner_name: &'a str,
    /// The name of the archive offered for download (no personal data either).
    pub file_name: String,
    pub bytes: &'a [u8],
    /// How many records it holds (audited).
    pub rows: i64,
}

/// Where the archives live: `<data dir>/exports`, beside the attachments.
pub fn dir_of(store: &Store) -> Option<PathBuf> {
    store.files_dir().and_then(Path::parent).map(|d| d.join("exports"))
}

fn path_of(dir: &Path, id: Uuid) -> PathBuf {
    dir.join(format!("{}.zip", id.simple()))
}

/// A passphrase for one export: 25 characters from a 32-letter alphabet without look-alikes
/// (125 bits), in groups of five to be read and typed.
pub fn passphrase() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let groups: Vec<String> = (0..5)
        .map(|_| (0..5).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect())
        .collect();
    groups.join("-")
}

/// An AES-256 encrypted ZIP holding one file, compressed first (deflate).
pub fn archive(inner_name: &str, bytes: &[u8], passphrase: &str) -> StoreResult<Vec<u8>> {
    let zip_err = |e: zip::result::ZipError| StoreError::Io(std::io::Error::other(e.to_string()));
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .with_aes_encryption(zip::AesMode::Aes256, passphrase);
    out.start_file(inner_name, options).map_err(zip_err)?;
    out.write_all(bytes)?;
    Ok(out.finish().map_err(zip_err)?.into_inner())
}

/// Builds, encrypts and keeps an export for `actor` until `ttl` from now. Returns the export
/// and its passphrase, to be shown once. The file is written before the row; if the row cannot
/// be written the file is removed (a rolled-back transaction leaves a file without a row,
/// which [`sweep`] removes).
pub async fn create(tx: &mut Tx, dir: Option<&Path>, actor: Uuid, content: Content<'_>, ttl: Duration) -> StoreResult<(Export, String)> {
    let dir = dir.ok_or_else(|| StoreError::Config("exports need a data directory".into()))?;
    let secret = passphrase();
    let zipped = archive(content.inner_name, content.bytes, &secret)?;
    let id = Uuid::now_v7();
    let path = path_of(dir, id);
    crate::files::write_atomically(&path, &zipped).await?;
    let at = now();
    let export = Export {
        id,
        user_id: actor,
        kind: content.kind.to_string(),
        file_name: content.file_name,
        row_count: content.rows,
        size_bytes: i64::try_from(zipped.len()).unwrap_or(i64::MAX),
        created_at: at,
        expires_at: at + ttl,
        removed_at: None,
    };
    let written = exec!(tx, c => sqlx::query(
        "INSERT INTO exports (id, user_id, kind, file_name, row_count, size_bytes, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id).bind(actor).bind(&export.kind).bind(&export.file_name).bind(export.row_count)
        .bind(export.size_bytes).bind(export.created_at).bind(export.expires_at));
    if let Err(e) = written {
        let _ = crate::files::remove_if_present(&path).await;
        return Err(StoreError::Database(e));
    }
    audit::append(tx, Event::new(Some(actor), "export.create", "export").entity(id)
        .detail(json!({"kind": content.kind, "rows": content.rows, "expires_at": export.expires_at}))).await?;
    Ok((export, secret))
}

const SELECT: &str = "SELECT id, user_id, kind, file_name, row_count, size_bytes, created_at, expires_at, removed_at FROM exports";

/// One export, only if `user` asked for it (anyone else: `None`, answered as not found).
pub async fn own(tx: &mut Tx, user: Uuid, id: Uuid) -> StoreResult<Option<Export>> {
    let sql = format!("{SELECT} WHERE id = $1 AND user_id = $2");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).bind(user).fetch_optional(c).await)?)
}

/// The user's exports still waiting to be downloaded or to expire, newest first.
pub async fn pending(tx: &mut Tx, user: Uuid) -> StoreResult<Vec<Export>> {
    let sql = format!("{SELECT} WHERE user_id = $1 AND removed_at IS NULL ORDER BY created_at DESC");
    let all: Vec<Export> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(user).fetch_all(c).await)?;
    let at = Utc::now();
    // Compared here rather than in SQL: times are text on SQLite.
    Ok(all.into_iter().filter(|e| !e.is_expired(at)).collect())
}

/// What a download finds.
pub enum Fetched {
    Ready(Export, Vec<u8>),
    /// Expired (the file is or will be deleted).
    Gone,
}

/// The archive's bytes for its requester, audited; `None` for anyone else or an unknown id.
pub async fn download(tx: &mut Tx, dir: Option<&Path>, actor: Uuid, id: Uuid) -> StoreResult<Option<Fetched>> {
    let Some(export) = own(tx, actor, id).await? else { return Ok(None) };
    if export.is_expired(Utc::now()) {
        return Ok(Some(Fetched::Gone));
    }
    let dir = dir.ok_or(StoreError::NotFound)?;
    let bytes = match tokio::fs::read(path_of(dir, id)).await {
        Ok(b) => b,
        // Its row says it is there but the file is not (removed by hand): it is gone.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Some(Fetched::Gone)),
        Err(e) => return Err(StoreError::Io(e)),
    };
    audit::append(tx, Event::new(Some(actor), "export.download", "export").entity(id).detail(json!({"kind": export.kind}))).await?;
    Ok(Some(Fetched::Ready(export, bytes)))
}

/// Deletes the archives expired at `at` (their rows stay, marked removed, so that a late
/// download answers "gone"), audited as `export.expire`; and any file in the directory that
/// no pending export owns (left by a transaction rolled back after the file was written).
/// Returns how many exports expired.
pub async fn sweep(store: &Store, at: DateTime<Utc>) -> StoreResult<usize> {
    let dir = dir_of(store);
    let mut tx = store.write().await?;
    let sql = format!("{SELECT} WHERE removed_at IS NULL");
    let live: Vec<Export> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(c).await)?;
    let (due, keep): (Vec<Export>, Vec<Export>) = live.into_iter().partition(|e| e.is_expired(at));
    for e in &due {
        exec!(tx, c => sqlx::query("UPDATE exports SET removed_at = $1 WHERE id = $2").bind(now()).bind(e.id))?;
        audit::append(&mut tx, Event::new(None, "export.expire", "export").entity(e.id).detail(json!({"kind": e.kind}))).await?;
    }
    tx.commit().await?;
    // Files go once the rows say so: a crash in between leaves files the next sweep removes.
    let Some(dir) = dir else { return Ok(due.len()) };
    let kept: std::collections::HashSet<String> = keep.iter().map(|e| format!("{}.zip", e.id.simple())).collect();
    let mut entries = match tokio::fs::read_dir(&dir).await {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(due.len()),
        Err(e) => return Err(StoreError::Io(e)),
    };
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().to_string();
        if !kept.contains(&name) {
            crate::files::remove_if_present(&entry.path()).await?;
        }
    }
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn passphrases_are_long_and_differ() {
        let a = passphrase();
        assert_eq!(a.len(), 29);
        assert_eq!(a.split('-').count(), 5);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert_ne!(a, passphrase());
    }

    #[test]
    fn an_archive_opens_with_its_passphrase_only() {
        let zipped = archive("caseload.csv", b"reference,name\nX-1,Amina\n", "RIGHT").unwrap();
        assert!(!zipped.windows(5).any(|w| w == b"Amina"), "the content is not in the clear");
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
        assert!(z.by_name_decrypt("caseload.csv", b"WRONG").is_err());
        let mut text = String::new();
        z.by_name_decrypt("caseload.csv", b"RIGHT").unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "reference,name\nX-1,Amina\n");
    }
}
