//! Files the store keeps beside the database: case attachments and export archives.

use crate::error::{StoreError, StoreResult};
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file and a rename, creating the folder if
/// needed, so that a crash never leaves a half-written file under the final name.
pub(crate) async fn write_atomically(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    let tmp = path.with_extension("part");
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, path).await?;
    Ok(())
}

/// Removes a file; one already gone is not an error.
pub(crate) async fn remove_if_present(path: &Path) -> StoreResult<()> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::Io(e)),
    }
}
