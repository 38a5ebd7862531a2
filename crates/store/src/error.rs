use passerelle_core::validate::Problems;

/// The one error type of the store. `Conflict` and `Invalid` are the caller's fault and carry
/// what the person needs to fix; `Database` is ours and is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique value already exists (an email, an agency name, an area code).
    #[error("already exists: {0}")]
    Conflict(&'static str),
    #[error("invalid input")]
    Invalid(Problems),
    /// The record changed since the person read it (another edit came first): nothing was
    /// written, rather than overwrite the other person's change without them knowing.
    #[error("changed meanwhile: {0}")]
    Stale(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("configuration error: {0}")]
    Config(String),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// A sealed value that does not open (wrong data key, altered or moved bytes), or no key.
    #[error("sealed data: {0}")]
    Sealed(#[from] passerelle_core::privacy::seal::SealError),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// The database cannot be reached right now (down, restarting, pool exhausted): the
    /// request may succeed later, and `/readyz` says so.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed) => true,
            // PostgreSQL stopping or starting: connections it ends (57P01 admin_shutdown, 57P02
            // crash_shutdown), connections refused meanwhile (57P03 cannot_connect_now) and
            // broken links (class 08): the outage seen from inside a query or a connect.
            StoreError::Database(sqlx::Error::Database(d)) => {
                d.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08"))
            }
            _ => false,
        }
    }

    /// Turns a unique-constraint violation into a [`StoreError::Conflict`] on `what`.
    pub fn unique_as(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::Database(e),
        }
    }
}
