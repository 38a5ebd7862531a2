//! Connecting, migrating, and running one SQL text on either backend.

use crate::error::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use passerelle_core::privacy::seal::Keyring;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Runs `$body` with `$c` bound to the transaction's connection, compiled once per backend.
/// The SQL inside must be portable: `$1` placeholders, no backend-only functions.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx.raw() {
            $crate::db::RawTx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::RawTx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Executes a statement built by `$q` (with `$c` the connection) on either backend and returns
/// the number of rows it affected.
macro_rules! exec {
    ($tx:expr, $c:ident => $q:expr) => {
        on_tx!($tx, $c => $q.execute($c).await.map(|r| r.rows_affected()))
    };
}

/// Runs `$body` with `$c` bound to the store's pool, outside any transaction: for a read of one
/// statement (consistent on its own) that every request makes, where a transaction's BEGIN and
/// ROLLBACK would double its round trips. Everything else goes through a [`Tx`].
macro_rules! on_pool {
    ($store:expr, $c:ident => $body:expr) => {
        match $store.pool() {
            $crate::db::Pool::Sqlite(p) => {
                let $c = p;
                $body
            }
            $crate::db::Pool::Postgres(p) => {
                let $c = p;
                $body
            }
        }
    };
}

/// `$first, $first+1, …` for `n` values: the placeholders of an `IN (…)` list bound one by one,
/// the same text on both backends. Callers keep `n` well under SQLite's 32,766 variables.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The VALUES list of a multi-row insert: `rows` copies of `row`, a row written with `?` for
/// each bound value (`"(?, '', ?)"`; no `?` inside its literals), the values bound row after
/// row. PostgreSQL numbers them (`$1, $2, …`); SQLite keeps them anonymous, because sqlx asks
/// SQLite the name of each numbered parameter and SQLite finds it by walking the statement's
/// list of names: binding n numbered values costs n², a tenth of a bulk insert's time.
pub fn values_rows(backend: Backend, row: &str, rows: usize) -> String {
    let mut out = String::with_capacity((row.len() + 16) * rows);
    let mut n = 0;
    for i in 0..rows {
        if i > 0 {
            out.push_str(", ");
        }
        match backend {
            Backend::Sqlite => out.push_str(row),
            Backend::Postgres => {
                for (j, part) in row.split('?').enumerate() {
                    if j > 0 {
                        n += 1;
                        out.push_str(&format!("${n}"));
                    }
                    out.push_str(part);
                }
            }
        }
    }
    out
}

/// Rows a SQLite connection may hand over before the request reads them (see `open_sqlite`).
const ROW_BUFFER: usize = 1024;

/// How many ids a batched read binds at once.
pub const BATCH: usize = 500;

/// A row both backends can read into `Self`.
pub trait AnyRow: Send + Unpin + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> {}
impl<R> AnyRow for R where R: Send + Unpin + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> {}

/// A value both backends can bind (an id, a `&str`).
pub trait AnyValue: Copy + Send + for<'q> sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> {}
impl<V> AnyValue for V where V: Copy + Send + for<'q> sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> {}

/// The rows of `sql` for every id of `ids`, read [`BATCH`] ids at a time: `sql` is given the
/// placeholders of a batch (`$1, $2, …`) for its `IN (…)` list. Reads what a list of cases or
/// people needs in one query per batch rather than one per row. Ids are usually UUIDs; any
/// value both backends bind will do (blind keys are text).
pub async fn rows_for_ids<R: AnyRow, V: AnyValue>(tx: &mut Tx, sql: impl Fn(&str) -> String, ids: &[V]) -> StoreResult<Vec<R>> {
    let mut out = Vec::new();
    for batch in ids.chunks(BATCH) {
        let text = sql(&placeholders(1, batch.len()));
        let rows: Vec<R> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(text.as_str()));
            for id in batch {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The handle every layer uses. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// The SQLite file, when the store is SQLite (used by backup).
    sqlite_path: Option<PathBuf>,
    /// Where uploaded files (case attachments) are kept: `<data dir>/attachments`. Several
    /// servers on one PostgreSQL must share it (a network volume).
    files: Option<PathBuf>,
    /// The data keys that seal personal fields (`crate::sealing`); empty until
    /// [`Store::open_keyed`] loads them.
    keyring: Arc<Keyring>,
    /// The published SOP and form versions parsed so far, shared by the store's clones.
    parsed: Arc<crate::parsed::Parsed>,
}

/// A transaction on either backend. Dropped without [`Tx::commit`], it rolls back. It carries
/// the data keyring, so that every query that reads a sealed field can open it, and the audit
/// entries appended in it not written yet (`crate::audit::append`): they are written together
/// before it commits, and before the log is read in it (through `crate::audit`; a query on
/// [`Tx::raw`] does not see them). It also carries the store's parsed SOP and form versions
/// (`crate::parsed`).
pub struct Tx(RawTx, Arc<Keyring>, Option<AuditTail>, Vec<passerelle_core::audit::AuditEntry>, Arc<crate::parsed::Parsed>);

/// The last audit entry this transaction appended (sequence number and hash). Appends are
/// serialised for the whole transaction (SQLite's write lock, PostgreSQL's transaction-scoped
/// advisory lock), so once a transaction has appended, no one else can append before it ends:
/// its next entry follows this one without reading the log again.
pub(crate) type AuditTail = (i64, String);

pub enum RawTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn raw(&mut self) -> &mut RawTx {
        &mut self.0
    }
    pub fn backend(&self) -> Backend {
        match self.0 {
            RawTx::Sqlite(_) => Backend::Sqlite,
            RawTx::Postgres(_) => Backend::Postgres,
        }
    }
    /// The data keys, to seal and open personal fields.
    pub fn keyring(&self) -> &Keyring {
        &self.1
    }
    /// The SOP and form versions this store has already parsed.
    pub(crate) fn parsed(&self) -> &crate::parsed::Parsed {
        &self.4
    }
    pub(crate) fn audit_tail(&self) -> Option<&AuditTail> {
        self.2.as_ref()
    }
    pub(crate) fn set_audit_tail(&mut self, tail: AuditTail) {
        self.2 = Some(tail);
    }
    pub(crate) fn pending_audit(&mut self) -> &mut Vec<passerelle_core::audit::AuditEntry> {
        &mut self.3
    }
    pub async fn commit(mut self) -> StoreResult<()> {
        crate::audit::flush(&mut self).await?;
        match self.0 {
            RawTx::Sqlite(t) => t.commit().await?,
            RawTx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

pub const SQLITE_FILE: &str = "passerelle.sqlite3";

impl Store {
    /// Opens the database named by `database` (a `postgres://` URL), or else the SQLite file in
    /// `data_dir` (created if missing), and brings its schema up to date. The data key is the
    /// one kept in `data_dir/keys/` (generated at the first start): see [`Store::open_keyed`].
    pub async fn open(database: Option<&str>, data_dir: &Path) -> StoreResult<Store> {
        Store::open_keyed(database, data_dir, &crate::sealing::DataKey::Default).await
    }

    /// [`Store::open`] with the data key from `key`; checks the key is the one the data were
    /// sealed with, and seals any row still in the clear (written before sealing existed).
    pub async fn open_keyed(database: Option<&str>, data_dir: &Path, key: &crate::sealing::DataKey) -> StoreResult<Store> {
        let keyring = crate::sealing::load_keyring(key, data_dir)?;
        let store = Store::open_unkeyed(database, data_dir).await?.with_keyring(keyring);
        crate::sealing::check_keys(&store).await?;
        crate::sealing::seal_clear_rows(&store).await?;
        Ok(store)
    }

    /// The same store with other data keys (key rotation, tests).
    pub fn with_keyring(self, keyring: Keyring) -> Store {
        Store { keyring: Arc::new(keyring), ..self }
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    async fn open_unkeyed(database: Option<&str>, data_dir: &Path) -> StoreResult<Store> {
        let store = match database {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Store::open_postgres(url).await?
            }
            Some(url) if url.starts_with("sqlite:") => {
                let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
                Store::open_sqlite(Path::new(path)).await?
            }
            Some(other) => {
                return Err(StoreError::Config(format!(
                    "unsupported database URL (expected postgres://… or sqlite:…): {}",
                    redact_url(other)
                )));
            }
            None => {
                std::fs::create_dir_all(data_dir)?;
                Store::open_sqlite(&data_dir.join(SQLITE_FILE)).await?
            }
        };
        store.migrate().await?;
        Ok(Store { files: Some(data_dir.join("attachments")), ..store })
    }

    pub async fn open_sqlite(path: &Path) -> StoreResult<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            // Each connection's thread hands rows to the request one by one through a channel;
            // with sqlx's 50, a statement of more rows stopped the thread until the request
            // drained it, back and forth: 66 thread switches a caseload view, 37 with room for
            // a page's rows (2.30 → 2.11 ms of CPU a view at a million cases).
            .row_buffer_size(ROW_BUFFER);
        sqlite_process_settings();
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            // Each statement, and each check of a connection, is a round trip to the connection's
            // thread. sqlx checks a connection when it is taken from the pool as well as when it
            // is given back; a connection to a local file cannot have been dropped by a server
            // in between, and one whose thread died fails the check on its way back.
            .test_before_acquire(false)
            .after_connect(|conn, _| Box::pin(async move { stable_plans(conn).await }))
            .connect_with(opts)
            .await?;
        Ok(Store { pool: Pool::Sqlite(pool), sqlite_path: Some(path.to_path_buf()), files: None, keyring: Arc::default(), parsed: Arc::default() })
    }

    /// Connects to PostgreSQL, creating the database first when it does not exist yet (the
    /// role needs CREATEDB for that; otherwise the administrator creates it).
    pub async fn open_postgres(url: &str) -> StoreResult<Store> {
        let opts = PgConnectOptions::from_str(url)?;
        let connect = |opts: PgConnectOptions| {
            PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(5)).connect_with(opts)
        };
        let pool = match connect(opts.clone()).await {
            // 3D000: invalid_catalog_name, "database … does not exist".
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("3D000") => {
                let name = opts.get_database().unwrap_or_default().to_string();
                create_postgres_database(&opts, &name).await?;
                connect(opts).await?
            }
            other => other?,
        };
        Ok(Store { pool: Pool::Postgres(pool), sqlite_path: None, files: None, keyring: Arc::default(), parsed: Arc::default() })
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The pool itself, for [`on_pool!`].
    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    /// A transaction for reading: a consistent snapshot, no write lock.
    pub async fn read(&self) -> StoreResult<Tx> {
        Ok(Tx(
            match &self.pool {
                Pool::Sqlite(p) => RawTx::Sqlite(p.begin().await?),
                Pool::Postgres(p) => RawTx::Postgres(p.begin().await?),
            },
            self.keyring.clone(),
            None,
            Vec::new(),
            self.parsed.clone(),
        ))
    }

    /// A transaction that will write: on SQLite it takes the write lock at once.
    pub async fn write(&self) -> StoreResult<Tx> {
        Ok(Tx(
            match &self.pool {
                Pool::Sqlite(p) => RawTx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
                Pool::Postgres(p) => RawTx::Postgres(p.begin().await?),
            },
            self.keyring.clone(),
            None,
            Vec::new(),
            self.parsed.clone(),
        ))
    }

    /// Answers when the database does (for `/readyz`).
    pub async fn ping(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?,
            Pool::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?,
        }
        Ok(())
    }

    /// An online, consistent copy of the SQLite database into `to` (`VACUUM INTO`), safe while
    /// the server runs. PostgreSQL is backed up with its own tools (`pg_dump`), see README.
    pub async fn backup_sqlite(&self, to: &Path) -> StoreResult<()> {
        let Pool::Sqlite(p) = &self.pool else {
            return Err(StoreError::Config(
                "backup --to works on the SQLite default; back PostgreSQL up with pg_dump".into(),
            ));
        };
        if to.exists() {
            return Err(StoreError::Config(format!("{} already exists", to.display())));
        }
        let target = to.to_str().ok_or_else(|| StoreError::Config("path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(p).await?;
        Ok(())
    }

    /// The directory of uploaded files, when the store was opened with a data directory.
    pub fn files_dir(&self) -> Option<&Path> {
        self.files.as_deref()
    }

    pub fn sqlite_path(&self) -> Option<&Path> {
        self.sqlite_path.as_deref()
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

async fn create_postgres_database(opts: &PgConnectOptions, name: &str) -> StoreResult<()> {
    use sqlx::Connection;
    if name.is_empty() {
        return Err(StoreError::Config("the PostgreSQL URL names no database".into()));
    }
    let mut conn = sqlx::PgConnection::connect_with(&opts.clone().database("postgres")).await?;
    // An identifier cannot be a bound parameter: quote it, doubling any quote inside.
    let sql = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await?;
    conn.close().await?;
    tracing::info!(database = name, "created the PostgreSQL database");
    Ok(())
}

/// A database URL with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "<unparseable URL>".to_string(),
    }
}

/// A list filter's condition on `column = $n` when the filter is set, `$n IS NULL` when it is
/// not. One statement `($n IS NULL OR column = $n)` serves both, but its plan cannot use an
/// index on `column` (the planner does not know the bind): the person page's cases or a case's
/// referrals would read every row of the table. Two statement texts, each planned for its case.
pub(crate) fn filter_eq(set: bool, column: &str, n: u8) -> String {
    if set {
        format!("{column} = ${n}")
    } else {
        format!("${n} IS NULL")
    }
}

/// Escapes `\\`, `%` and `_` so that text typed by a person matches itself in a
/// `LIKE … ESCAPE '\\'` pattern (the same on both backends).
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The current time at the precision both databases keep (microseconds), so that what is
/// written is what is read back.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    passerelle_core::audit::normalise_time(chrono::Utc::now())
}

/// Restores a SQLite backup into `data_dir`: checks it is a Passerelle database, then swaps it
/// in atomically. Refuses to overwrite an existing database unless `force`.
pub async fn restore_sqlite(from: &Path, data_dir: &Path, force: bool) -> StoreResult<()> {
    // Open the backup read-only first: a file that is not a Passerelle database is refused
    // before anything in the data directory is touched.
    let opts = SqliteConnectOptions::new().filename(from).read_only(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?;
    let check: Result<(i64,), _> =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(&pool).await;
    pool.close().await;
    if check.is_err() {
        return Err(StoreError::Config(format!(
            "{} is not a Passerelle backup (no audit log found)",
            from.display()
        )));
    }
    std::fs::create_dir_all(data_dir)?;
    let target = data_dir.join(SQLITE_FILE);
    if target.exists() && !force {
        return Err(StoreError::Config(format!(
            "{} already holds a database; stop the server and pass --force to replace it",
            data_dir.display()
        )));
    }
    let tmp = data_dir.join(format!("{SQLITE_FILE}.restoring"));
    std::fs::copy(from, &tmp)?;
    for suffix in ["-wal", "-shm"] {
        let side = data_dir.join(format!("{SQLITE_FILE}{suffix}"));
        if side.exists() {
            std::fs::remove_file(side)?;
        }
    }
    std::fs::rename(&tmp, &target)?;
    Ok(())
}

/// Raw statements for tests that play an attacker with direct database access (tampering
/// with the audit log). Not used by the application.
pub mod test_support {
    use super::Tx;
    use crate::error::StoreResult;

    pub async fn execute(tx: &mut Tx, sql: &str) -> StoreResult<u64> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        Ok(on_tx!(tx, c => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected()))?)
    }

    /// Every row of every table of a PostgreSQL database as text (`row::text`), for tests that
    /// look for personal data in the clear as someone with a copy of the database would.
    pub async fn postgres_rows_as_text(tx: &mut Tx) -> StoreResult<String> {
        let super::RawTx::Postgres(t) = tx.raw() else {
            return Err(crate::error::StoreError::Config("PostgreSQL only; read the SQLite file".into()));
        };
        let tables: Vec<(String,)> = sqlx::query_as("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
            .fetch_all(&mut **t).await?;
        let mut out = String::new();
        for (table,) in tables {
            let sql = sqlx::AssertSqlSafe(format!("SELECT COALESCE(string_agg(x::text, E'\\n'), '') FROM \"{}\" x", table.replace('"', "\"\"")));
            let (text,): (String,) = sqlx::query_as(sql).fetch_one(&mut **t).await?;
            out.push_str(&text);
            out.push('\n');
        }
        Ok(out)
    }

    /// The single number a `SELECT COUNT(*) …` answers (tests check that nothing was written).
    pub async fn count(tx: &mut Tx, sql: &str) -> StoreResult<i64> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        let n: (i64,) = on_tx!(tx, c => sqlx::query_as(sql).fetch_one(c).await)?;
        Ok(n.0)
    }
}

/// Turns off SQLite's memory statistics, once per process and before its first connection
/// (SQLite refuses the setting afterwards, harmlessly). Every allocation SQLite makes (each
/// value sqlx copies out of a row) otherwise takes one process-wide mutex to count it: under
/// load the pool's connections queued on it (a fifth of the server's CPU in lock and futex
/// calls on the caseload page). Nothing reads the statistics.
fn sqlite_process_settings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config must not run beside other SQLite calls. It runs here, at the
        // process's first opening of a SQLite store, before its first connection: every
        // connection Passerelle makes is made after it. Once SQLite is initialised the call
        // only returns SQLITE_MISUSE.
        unsafe {
            libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
        }
    });
}

/// Asks a new SQLite connection for query plans that do not depend on bound values (the
/// "query planner stability guarantee"). Without it a statement with `LIKE $n` (the caseload's
/// reference filter, the directory's filters) is planned for the value bound, so sqlx's cached
/// statement is parsed and planned again at every use: a tenth of the caseload page's CPU.
/// The plans lose nothing: none of those LIKE patterns can use an index.
async fn stable_plans(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is this connection's open handle, held locked for the call; the option
    // takes an int (1: on) and an optional int pointer for the new setting (none).
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(db, libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG, 1 as std::ffi::c_int, std::ptr::null_mut::<std::ffi::c_int>())
    };
    if rc != libsqlite3_sys::SQLITE_OK {
        return Err(sqlx::Error::Protocol(format!("SQLite refused the query planner stability guarantee ({rc})")));
    }
    Ok(())
}

/// A migrated SQLite store in a temporary directory, for the store's unit tests (the
/// directory lives as long as the returned guard).
#[cfg(test)]
pub(crate) async fn migrated_sqlite() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(&dir.path().join("t.sqlite3")).await.unwrap();
    store.migrate().await.unwrap();
    (dir, store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_connections_plan_stably_and_count_no_memory() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(&dir.path().join("t.sqlite3")).await.unwrap();
        let Pool::Sqlite(pool) = &store.pool else { unreachable!() };
        let mut conn = pool.acquire().await.unwrap();
        // A LIKE with a bound pattern, the kind that was planned again at each use.
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 'abc' AS t) WHERE t LIKE $1").bind("a%").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(n, 1);
        let mut handle = conn.lock_handle().await.unwrap();
        let mut on: std::ffi::c_int = -1;
        // SAFETY: reading the setting back (-1: leave it as it is) into `on`.
        let rc = unsafe {
            libsqlite3_sys::sqlite3_db_config(handle.as_raw_handle().as_ptr(), libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG, -1 as std::ffi::c_int, &mut on as *mut std::ffi::c_int)
        };
        assert_eq!((rc, on), (libsqlite3_sys::SQLITE_OK, 1), "every connection of the pool plans stably");
        // With the statistics off, SQLite counts nothing (connections are open and used).
        // SAFETY: a read of a process-wide counter.
        assert_eq!(unsafe { libsqlite3_sys::sqlite3_memory_used() }, 0);
    }

    #[test]
    fn values_rows_number_postgres_parameters_in_order_and_leave_sqlites_anonymous() {
        assert_eq!(values_rows(Backend::Postgres, "(?, '', ?)", 3), "($1, '', $2), ($3, '', $4), ($5, '', $6)");
        assert_eq!(values_rows(Backend::Sqlite, "(?, '', ?)", 2), "(?, '', ?), (?, '', ?)");
        assert_eq!(values_rows(Backend::Postgres, "(?)", 0), "");
    }

    /// Values bound to anonymous parameters land in their rows, in order.
    #[tokio::test]
    async fn a_multi_row_insert_binds_each_row_in_order() {
        let (_dir, store) = migrated_sqlite().await;
        let Pool::Sqlite(pool) = &store.pool else { unreachable!() };
        let mut conn = pool.acquire().await.unwrap();
        sqlx::query("CREATE TEMP TABLE t (a INTEGER, b TEXT, c TEXT)").execute(&mut *conn).await.unwrap();
        let sql = format!("INSERT INTO t (a, b, c) VALUES {}", values_rows(Backend::Sqlite, "(?, 'x', ?)", 3));
        let q = (1..=3).fold(sqlx::query(sqlx::AssertSqlSafe(sql)), |q, i| q.bind(i).bind(format!("v{i}")));
        q.execute(&mut *conn).await.unwrap();
        let rows: Vec<(i64, String, String)> = sqlx::query_as("SELECT a, b, c FROM t ORDER BY a").fetch_all(&mut *conn).await.unwrap();
        assert_eq!(rows, vec![(1, "x".into(), "v1".into()), (2, "x".into(), "v2".into()), (3, "x".into(), "v3".into())]);
    }
}
