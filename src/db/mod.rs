//! Database access: one connection type over SQLite and PostgreSQL, pools, pragmas, migrations.
//!
//! Reads go through `Db::read`; writes through `Db::write`, a transaction that on SQLite starts
//! with `BEGIN IMMEDIATE` on a single writer connection, so concurrent writers queue instead of
//! failing with "database is locked". Both run on the blocking thread pool.

pub mod group_commit;
pub mod models;
pub mod schema;
pub mod search;
pub mod shared_counter;
pub mod views;

/// A fresh SQLite database in the temp folder, for unit tests that need a real one.
#[cfg(test)]
pub fn scratch_sqlite(name: &str) -> Db {
    let dir = std::env::temp_dir().join(format!("ideabox-unit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let settings = crate::config::RawSettings::from_pairs([(
        "IDEABOX_DATABASE_URL",
        format!("sqlite://{}", dir.join("t.db").display()),
    )])
    .validate()
    .expect("scratch settings");
    Db::connect(&settings).expect("scratch database")
}

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use secrecy::ExposeSecret;

use crate::cache::{WriteEffect, WriteGeneration};
use crate::config::{DatabaseUrl, Settings, SqliteSynchronous};
use crate::error::AppError;

/// A connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which database engine a pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any PostgreSQL advisory-lock key works as long as every instance uses the same one.
const MIGRATION_LOCK_KEY: i64 = 0x1DEA_B0C5;

/// Opens connections for the backend named by the URL (the derived `establish` hides errors).
#[derive(Clone, Debug)]
pub struct Manager {
    target: String,
    backend: Backend,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        match self.backend {
            Backend::Postgres => {
                diesel::PgConnection::establish(&self.target).map(AnyConnection::Postgresql)
            }
            Backend::Sqlite => {
                diesel::SqliteConnection::establish(&self.target).map(AnyConnection::Sqlite)
            }
        }
        .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        match conn {
            AnyConnection::Postgresql(c) => {
                AnsiTransactionManager::is_broken_transaction_manager(c)
            }
            AnyConnection::Sqlite(c) => AnsiTransactionManager::is_broken_transaction_manager(c),
        }
    }
}

/// Per-connection SQLite settings (only WAL persists in the file; the rest must be set each time).
#[derive(Debug)]
struct SqlitePragmas {
    synchronous: SqliteSynchronous,
    /// Page cache of each connection, in KiB. The file's pages stay in the system's cache
    /// anyway; a connection's own copy mainly saves a read call.
    cache_kib: u32,
}

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = conn {
            // busy_timeout first, so the WAL switch itself waits for other processes.
            let pragmas = [
                "PRAGMA busy_timeout = 5000;".to_owned(),
                "PRAGMA journal_mode = WAL;".to_owned(),
                format!("PRAGMA synchronous = {};", self.synchronous.as_pragma()),
                "PRAGMA foreign_keys = ON;".to_owned(),
                format!("PRAGMA cache_size = -{};", self.cache_kib),
            ];
            for pragma in pragmas {
                c.batch_execute(&pragma)
                    .map_err(diesel::r2d2::Error::QueryError)?;
            }
        }
        Ok(())
    }
}

pub type Pool = diesel::r2d2::Pool<Manager>;
pub type PooledConn = diesel::r2d2::PooledConnection<Manager>;

/// The application's handle on the database: a read pool and a write pool.
#[derive(Clone)]
pub struct Db {
    read: Pool,
    write: Pool,
    backend: Backend,
    /// Advanced by every committed write that readers can see, so kept values know when
    /// they are stale (`cache`).
    generation: WriteGeneration,
    /// SQLite: the queue that commits concurrent writes together.
    group_commit: Option<group_commit::GroupCommit>,
}

impl Db {
    /// Opens the pools (creating the SQLite folder if needed). Fails fast on a bad URL.
    pub fn connect(settings: &Settings) -> anyhow::Result<Db> {
        match &settings.database_url {
            DatabaseUrl::Sqlite { path } => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        anyhow::anyhow!("cannot create database folder {}: {e}", parent.display())
                    })?;
                }
                let manager = Manager {
                    target: path.to_string_lossy().into_owned(),
                    backend: Backend::Sqlite,
                };
                let pragmas = |cache_kib| {
                    Box::new(SqlitePragmas {
                        synchronous: settings.sqlite_synchronous,
                        cache_kib,
                    })
                };
                // One writer: SQLite allows one write transaction at a time anyway, and queuing
                // in the pool is fairer and faster than spinning on SQLITE_BUSY. It keeps
                // SQLite's usual 2 MB of pages (index updates); the readers, one per pool
                // slot, 1 MB each, so that their caches do not add up to the server's largest
                // use of memory.
                let write = build_pool(manager.clone(), 1, Some(pragmas(2048)))?;
                let read = build_pool(manager, settings.database_pool_size, Some(pragmas(1024)))?;
                let generation = WriteGeneration::default();
                let group_commit =
                    group_commit::GroupCommit::start(write.clone(), generation.clone())?;
                Ok(Db {
                    read,
                    write,
                    backend: Backend::Sqlite,
                    generation,
                    group_commit: Some(group_commit),
                })
            }
            DatabaseUrl::Postgres { url } => {
                let manager = Manager {
                    target: url.expose_secret().to_owned(),
                    backend: Backend::Postgres,
                };
                let pool = build_pool(manager, settings.database_pool_size, None)?;
                Ok(Db {
                    read: pool.clone(),
                    write: pool,
                    backend: Backend::Postgres,
                    generation: WriteGeneration::default(),
                    // Concurrent transactions on PostgreSQL share WAL flushes by themselves.
                    group_commit: None,
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The write generation that kept values are checked against.
    pub fn generation(&self) -> &WriteGeneration {
        &self.generation
    }

    /// Records a change made outside `write` (by another tool on the same database), so
    /// kept values are read again.
    pub fn note_external_write(&self) {
        self.generation.advance(1);
    }

    /// Whether the database answers a trivial query (the health check).
    pub async fn ping(&self) -> Result<(), AppError> {
        self.read(|c| Ok(c.batch_execute("SELECT 1")?)).await
    }

    /// Applies pending migrations; safe when several instances start together.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut conn = self.write.get()?;
        run_migrations(&mut conn)
    }

    /// Runs a read on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.read.clone();
        run_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
    }

    /// Runs a read of a few indexed rows (a session by its token, a reader's vote): on
    /// SQLite, with an idle connection at hand, right here, as handing it to the blocking
    /// pool costs more than the read (two thread wake-ups against tens of microseconds of
    /// work). Otherwise, and always on PostgreSQL (a network round trip), like `read`.
    pub async fn read_point<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if self.backend == Backend::Sqlite
            && let Some(mut conn) = self.read.try_get()
        {
            return f(&mut conn);
        }
        self.read(f).await
    }

    /// Runs a write transaction (committed only if `f` returns Ok); answers once it is durable.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(queue) = &self.group_commit {
            return queue.write(f, true).await;
        }
        let db = self.clone();
        run_blocking(move || db.write_sync(f)).await
    }

    /// A write that changes nothing any page, API answer or kept value shows (the mail queue,
    /// rate-limit counters, session and token activity): committed like any other, but it
    /// leaves kept values fresh, so bookkeeping does not make every page render again.
    pub async fn write_bookkeeping<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(queue) = &self.group_commit {
            return queue.write(f, false).await;
        }
        let write = self.write.clone();
        run_blocking(move || {
            let mut conn = write.get()?;
            transaction(&mut conn, f)
        })
        .await
    }

    /// The synchronous form of `write`, for the command line and background work.
    pub fn write_sync<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError>,
    {
        self.write_sync_as(WriteEffect::Seen, f)
    }

    /// The synchronous form of `write_bookkeeping`.
    pub fn write_bookkeeping_sync<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError>,
    {
        self.write_sync_as(WriteEffect::Bookkeeping, f)
    }

    fn write_sync_as<T, F>(&self, effect: WriteEffect, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError>,
    {
        let mut conn = self.write.get()?;
        let result = transaction(&mut conn, f);
        if result.is_ok() && effect == WriteEffect::Seen {
            self.generation.advance(1);
        }
        result
    }

    /// The synchronous form of `read`.
    pub fn read_sync<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError>,
    {
        let mut conn = self.read.get()?;
        f(&mut conn)
    }
}

fn build_pool(
    manager: Manager,
    max_size: u32,
    customizer: Option<Box<SqlitePragmas>>,
) -> anyhow::Result<Pool> {
    // A SQLite connection is a handle on a local file: nothing can break it between uses, so
    // checking it with a query at every checkout (r2d2's default) is work for nothing. A
    // PostgreSQL connection can die with the server, and is checked.
    let check_on_checkout = manager.backend == Backend::Postgres;
    let mut builder = diesel::r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .test_on_check_out(check_on_checkout)
        // r2d2 waits 30 s by default before reporting a bad URL; fail sooner.
        .connection_timeout(Duration::from_secs(5));
    if let Some(c) = customizer {
        builder = builder.connection_customizer(c);
    }
    // Connect once by hand first: the pool would only report a timeout, not the real error.
    let probe = manager
        .connect()
        .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
    drop(probe);
    Ok(builder.build_unchecked(manager))
}

/// A transaction that takes SQLite's write lock up front (`BEGIN IMMEDIATE`): a deferred
/// transaction that reads first cannot wait for the lock and fails with "database is locked".
pub fn transaction<T, F>(conn: &mut AnyConnection, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError>,
{
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let ended = match f(conn) {
        Ok(value) => <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)
            .map(|_| value)
            .map_err(AppError::from),
        Err(err) => {
            if let Err(rollback) =
                <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)
            {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(err)
        }
    };
    // After the commit and before anyone is answered: what the transaction announced on the
    // shared counter (an ended access, on SQLite) is seen only once it is committed.
    shared_counter::transaction_ended();
    ended
}

/// Runs blocking work on the blocking pool, keeping the caller's tracing span.
pub async fn run_blocking<T, F>(f: F) -> Result<T, AppError>
where
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f))
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// Applies pending migrations on one connection.
pub fn run_migrations(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    let to_err =
        |e: Box<dyn std::error::Error + Send + Sync>| anyhow::anyhow!("migration failed: {e}");
    match conn {
        AnyConnection::Sqlite(c) => Ok(c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map_err(to_err)?
            .len()),
        AnyConnection::Postgresql(c) => {
            // Instances that start together would otherwise race to create the same tables.
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len())
                .map_err(to_err);
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            result
        }
    }
}

/// Reverts every migration (used by the migration round-trip test).
pub fn revert_all_migrations(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    let to_err =
        |e: Box<dyn std::error::Error + Send + Sync>| anyhow::anyhow!("revert failed: {e}");
    match conn {
        AnyConnection::Sqlite(c) => Ok(c
            .revert_all_migrations(SQLITE_MIGRATIONS)
            .map_err(to_err)?
            .len()),
        AnyConnection::Postgresql(c) => Ok(c
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map_err(to_err)?
            .len()),
    }
}

/// Opens one connection outside any pool (migration tests, tools), set up like pooled ones.
pub fn connect_single(url: &DatabaseUrl) -> anyhow::Result<AnyConnection> {
    Ok(match url {
        DatabaseUrl::Sqlite { path } => {
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
            conn.batch_execute("PRAGMA busy_timeout = 5000;")?;
            conn.batch_execute("PRAGMA foreign_keys = ON;")?;
            AnyConnection::Sqlite(conn)
        }
        DatabaseUrl::Postgres { url } => {
            AnyConnection::Postgresql(diesel::PgConnection::establish(url.expose_secret())?)
        }
    })
}

/// The current time as stored in the database (UTC, microsecond precision on both backends).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    // PostgreSQL keeps microseconds; truncate so values round-trip identically on both backends.
    chrono::Timelike::with_nanosecond(&now, now.and_utc().timestamp_subsec_micros() * 1000)
        .unwrap_or(now)
}

/// `?` placeholders as PostgreSQL's `$1, $2, …`, so one SQL text serves both backends.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

/// The SQL text for this connection's backend (placeholders written as `?`).
pub fn sql_for(conn: &AnyConnection, sql: &str) -> String {
    match conn {
        AnyConnection::Postgresql(_) => numbered(sql),
        AnyConnection::Sqlite(_) => sql.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(super::numbered("a = ? AND b = ?"), "a = $1 AND b = $2");
    }
}
