//! Password hashing and checking off the async workers: argon2 is deliberately slow, and a
//! request thread blocked on it would stall every other request on that thread.

use crate::error::AppError;
use passerelle_store::secrets;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(e.to_string()))
}

pub async fn hash(password: String) -> Result<String, AppError> {
    blocking(move || secrets::hash_password(&password)).await
}

/// Whether `password` matches the stored hash. Without a hash (no account, or no password
/// set), a decoy hash is checked so that the answer takes as long either way.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    blocking(move || match stored {
        Some(h) => secrets::verify_password(&password, &h),
        None => {
            secrets::verify_password(&password, secrets::decoy_hash());
            false
        }
    })
    .await
}
