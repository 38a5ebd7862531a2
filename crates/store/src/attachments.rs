//! Files attached to a case (a scanned document, a medical certificate, a photo). The bytes live
//! under the data directory, named by the attachment's id, never in the database rows and never
//! served from a public path: the web layer reads them only after checking the case is visible.
//! The kind of a file is decided from its first bytes, not from its name or the browser's word,
//! and only document and image kinds are accepted (no HTML, no scripts, no executables).

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The largest attachment accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: Uuid,
    pub case_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// The file on disk is sealed (see `passerelle_core::privacy::seal`).
    pub sealed: bool,
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    TooLarge,
    /// Not one of the accepted kinds (judged from the content).
    Kind,
    /// Attachments are not configured on this server (no data directory).
    NoStorage,
}

/// The content type of an accepted file, judged from its bytes and, for the zip-based office
/// formats and plain text, its extension.
pub fn sniff(name: &str, bytes: &[u8]) -> Option<&'static str> {
    let ext = Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return match ext.as_str() {
            "docx" => Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "xlsx" => Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "odt" => Some("application/vnd.oasis.opendocument.text"),
            _ => None,
        };
    }
    let text = std::str::from_utf8(bytes).ok()?;
    // Plain text only: anything a browser could read as markup is refused.
    let looks_like_markup = text.trim_start().starts_with('<');
    (ext == "txt" && !text.contains('\0') && !looks_like_markup).then_some("text/plain; charset=utf-8")
}

/// A file name safe to show and to offer for download: no path, no control characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(150).collect();
    if cleaned.trim().is_empty() { "attachment".to_string() } else { cleaned.trim().to_string() }
}

fn path_of(dir: &Path, id: Uuid) -> PathBuf {
    let s = id.simple().to_string();
    dir.join(&s[s.len() - 2..]).join(s)
}

/// A file checked and written under the data directory, not yet recorded in any table.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub id: Uuid,
    pub name: String,
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub sha256: String,
    path: PathBuf,
}

impl StoredFile {
    /// Removes the file again, when the row that should point to it could not be written.
    pub async fn discard(self) {
        let _ = tokio::fs::remove_file(&self.path).await;
    }
}

/// Checks a file (size, kind from its bytes) and writes it under `dir`, named by a new id.
/// Shared by every module that keeps uploaded files (case attachments, campaign materials):
/// the caller then writes its row, and [`StoredFile::discard`]s the file if that fails.
pub async fn store_file(dir: Option<&Path>, name: &str, bytes: &[u8]) -> StoreResult<Result<StoredFile, Refusal>> {
    write_checked(dir, name, bytes, None).await
}

/// The place (associated data) of a case attachment's sealed file.
fn file_place(id: Uuid) -> Vec<u8> {
    passerelle_core::privacy::seal::aad("case_attachments", "file", id.as_bytes())
}

/// [`store_file`], the bytes on disk sealed with `keyring` when given (case attachments: a copy
/// of the data directory must not reveal them). The size and hash are those of the clear file.
async fn write_checked(dir: Option<&Path>, name: &str, bytes: &[u8], keyring: Option<&passerelle_core::privacy::seal::Keyring>) -> StoreResult<Result<StoredFile, Refusal>> {
    let Some(dir) = dir else { return Ok(Err(Refusal::NoStorage)) };
    if bytes.is_empty() {
        return Ok(Err(Refusal::Empty));
    }
    if bytes.len() > MAX_BYTES {
        return Ok(Err(Refusal::TooLarge));
    }
    let name = clean_name(name);
    let Some(kind) = sniff(&name, bytes) else { return Ok(Err(Refusal::Kind)) };
    let id = Uuid::now_v7();
    let path = path_of(dir, id);
    let sealed;
    let on_disk = match keyring {
        Some(k) => {
            sealed = k.seal(bytes, &file_place(id))?;
            &sealed[..]
        }
        None => bytes,
    };
    crate::files::write_atomically(&path, on_disk).await?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    Ok(Ok(StoredFile { id, name, content_type: kind, size_bytes: bytes.len() as i64, sha256, path }))
}

/// Seals an attachment's file under the current key (a file stored in the clear before
/// sealing, or key rotation). The file is replaced atomically; reading tells a sealed file
/// from a clear one by trying to open it, so a crash between the file and the row is harmless.
pub(crate) async fn reseal(tx: &mut Tx, dir: Option<&Path>, id: Uuid) -> StoreResult<()> {
    if let Some(dir) = dir {
        match read_file(Some(dir), id).await {
            Ok(on_disk) => {
                let was: Option<(Option<i64>,)> = on_tx!(tx, c => sqlx::query_as("SELECT seal_key FROM case_attachments WHERE id = $1").bind(id).fetch_optional(c).await)?;
                let clear = unseal(tx, id, was.and_then(|w| w.0).is_some(), on_disk)?;
                let sealed = tx.keyring().seal(&clear, &file_place(id))?;
                crate::files::write_atomically(&path_of(dir, id), &sealed).await?;
            }
            // A missing file stays missing (it answers 404 as before); the row is still marked.
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let key = tx.keyring().current().map(i64::from);
    exec!(tx, c => sqlx::query("UPDATE case_attachments SET seal_key = $1 WHERE id = $2").bind(key).bind(id))?;
    Ok(())
}

/// The clear bytes of a file: a sealed file opens. One that does not open is served as it is
/// only when its row says it was written in the clear (before sealing); when the row says
/// sealed, it was altered or swapped and is refused. (Resealing writes the file before the
/// row, so a crash in between leaves a sealed file under a row still saying "clear": it opens.)
fn unseal(tx: &Tx, id: Uuid, sealed: bool, on_disk: Vec<u8>) -> StoreResult<Vec<u8>> {
    match tx.keyring().open(&on_disk, &file_place(id)) {
        Ok(clear) => Ok(clear),
        Err(_) if !sealed => Ok(on_disk),
        Err(e) => Err(e.into()),
    }
}

/// The bytes of a stored file (after the caller's permission check).
pub async fn read_file(dir: Option<&Path>, id: Uuid) -> StoreResult<Vec<u8>> {
    let dir = dir.ok_or(StoreError::NotFound)?;
    tokio::fs::read(path_of(dir, id)).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::NotFound,
        _ => StoreError::Io(e),
    })
}

/// Removes a stored file for good (after the transaction that deleted its row committed: a
/// rolled-back erasure must not lose the file). A file already gone is not an error.
pub async fn remove_file(dir: Option<&Path>, id: Uuid) -> StoreResult<()> {
    let Some(dir) = dir else { return Ok(()) };
    crate::files::remove_if_present(&path_of(dir, id)).await
}

/// Checks and stores a file for a case. The file is written first, then the row; if the row
/// cannot be written the file is removed, so neither exists without the other.
pub async fn add(tx: &mut Tx, dir: Option<&Path>, actor: Uuid, case_id: Uuid, name: &str, bytes: &[u8]) -> StoreResult<Result<Uuid, Refusal>> {
    let file = match write_checked(dir, name, bytes, Some(tx.keyring())).await? {
        Ok(f) => f,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let id = file.id;
    let key = tx.keyring().current().map(i64::from);
    let written = exec!(tx, c => sqlx::query(
        "INSERT INTO case_attachments (id, case_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at, seal_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(id).bind(case_id).bind(&file.name).bind(file.content_type).bind(file.size_bytes).bind(&file.sha256).bind(actor).bind(now())
        .bind(key));
    if let Err(e) = written {
        file.discard().await;
        return Err(StoreError::Database(e));
    }
    audit::append(tx, Event::new(Some(actor), "case.attachment.add", "case").entity(case_id)
        .detail(json!({"attachment": id, "type": file.content_type, "bytes": file.size_bytes}))).await?;
    Ok(Ok(id))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    case_id: Uuid,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    display_name: String,
    uploaded_at: DateTime<Utc>,
    seal_key: Option<i64>,
}

impl From<Row> for Attachment {
    fn from(r: Row) -> Attachment {
        Attachment {
            id: r.id,
            case_id: r.case_id,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            uploaded_by: r.display_name,
            uploaded_at: r.uploaded_at,
            sealed: r.seal_key.is_some(),
        }
    }
}

const SELECT: &str = "SELECT a.id, a.case_id, a.file_name, a.content_type, a.size_bytes, a.sha256, u.display_name, a.uploaded_at, a.seal_key
     FROM case_attachments a JOIN users u ON u.id = a.uploaded_by";

pub async fn of_case(tx: &mut Tx, case_id: Uuid) -> StoreResult<Vec<Attachment>> {
    let sql = format!("{SELECT} WHERE a.case_id = $1 ORDER BY a.uploaded_at DESC");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(case_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The row of an attachment; the caller checks the case is visible before reading the bytes.
pub async fn get(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Attachment>> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

/// Reads an attachment's bytes (after the caller's permission check), and audits the read.
pub async fn read(tx: &mut Tx, dir: Option<&Path>, actor: Uuid, a: &Attachment) -> StoreResult<Vec<u8>> {
    let bytes = unseal(tx, a.id, a.sealed, read_file(dir, a.id).await?)?;
    audit::append(tx, Event::new(Some(actor), "case.attachment.read", "case").entity(a.case_id).detail(json!({"attachment": a.id}))).await?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(sniff("x.pdf", b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff("photo.txt", b"\xFF\xD8\xFF\xE0rest"), Some("image/jpeg"), "the bytes win over the name");
        assert_eq!(sniff("a.png", b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert!(sniff("letter.docx", b"PK\x03\x04....").is_some());
        assert_eq!(sniff("archive.zip", b"PK\x03\x04...."), None, "a zip that is not an office document");
        assert_eq!(sniff("notes.txt", "Rendez-vous mardi".as_bytes()), Some("text/plain; charset=utf-8"));
        assert_eq!(sniff("page.txt", b"<html><script>alert(1)</script>"), None, "markup is refused");
        assert_eq!(sniff("page.html", b"<html></html>"), None);
        assert_eq!(sniff("tool.exe", b"MZ\x90\x00"), None);
        assert_eq!(sniff("notes.txt", b"a\0b"), None);
    }

    #[test]
    fn names_lose_their_path_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\scan 1.pdf"), "scan 1.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\nc.pdf"), "abc.pdf");
        assert_eq!(clean_name("///"), "attachment");
    }
}
