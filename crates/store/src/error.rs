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
    /// What was asked is still being computed in the background: ask again shortly.
    #[error("still computing")]
    Computing,
    /// A computation in the background failed (its error, as text: several requests share it).
    #[error("background computation: {0}")]
    Background(String),
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

#[cfg(test)]
mod tests {
    use super::StoreError;
    use std::borrow::Cow;

    /// A database error with only a SQLSTATE, as PostgreSQL sends when it ends a connection.
    #[derive(Debug)]
    struct Sqlstate(&'static str);

    impl std::fmt::Display for Sqlstate {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "sqlstate {}", self.0)
        }
    }

    impl std::error::Error for Sqlstate {}

    impl sqlx::error::DatabaseError for Sqlstate {
        fn message(&self) -> &str {
            "terminating connection due to administrator command"
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    fn of(code: &'static str) -> StoreError {
        StoreError::Database(sqlx::Error::Database(Box::new(Sqlstate(code))))
    }

    #[test]
    fn a_database_shutting_down_is_unavailable_not_an_internal_error() {
        // Connections ended by a shutdown or crash, refused while starting, broken links.
        for code in ["57P01", "57P02", "57P03", "08006", "08001"] {
            assert!(of(code).is_unavailable(), "{code}");
        }
        assert!(StoreError::Database(sqlx::Error::PoolTimedOut).is_unavailable());
        // Our own mistakes stay internal errors (logged, 500): a syntax error, a unique
        // violation, a SQLite constraint (numeric codes).
        for code in ["42601", "23505", "2067"] {
            assert!(!of(code).is_unavailable(), "{code}");
        }
        assert!(!StoreError::NotFound.is_unavailable());
    }
}
