//! The data layer. Diesel is blocking, so every query runs on tokio's blocking pool through
//! [`Db::read`] or [`Db::write`]; handlers never hold a connection across an await.

/// Runs the same diesel expression against whichever concrete connection `conn` holds: what
/// MultiBackend cannot build (batch inserts, upserts, raw SQL) is written once and compiled
/// for each backend. Defined before the modules so every one of them can use it.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            AnyConnection::Postgresql($c) => $body,
            AnyConnection::Sqlite($c) => $body,
        }
    };
}

pub mod audit;
pub mod blasts;
pub mod bulk;
pub mod connection;
pub mod customer_list;
pub mod customer_search;
pub mod customers;
pub mod fixed_sql;
pub mod inventory;
pub mod invites;
pub mod invoice_list;
pub mod invoice_number;
pub mod invoices;
pub mod job_lines;
pub mod job_list;
pub mod job_runs;
pub mod jobs;
pub mod login_attempts;
pub mod mechanics;
pub mod migrations;
pub mod numbers;
pub mod outbox;
pub mod outbox_list;
pub mod paging;
pub mod prepared;
pub mod products;
pub mod promotions;
pub mod reminders;
pub mod schema;
pub mod scope;
pub mod service_catalog;
pub mod sites;
pub mod staff;
pub mod stamp;
pub mod tokens;
pub mod users;
pub mod vehicles;

use std::time::Duration;

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2;

pub use connection::{AnyConnection, Backend};

use crate::config::DatabaseUrl;

/// A pooled connection source for either backend.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<connection::AnyConnectionManager>,
    backend: Backend,
    queries: connection::QueryCounter,
    /// The SQLite file, checked by [`Db::ping`]: a deleted file keeps working through open
    /// handles while every write is lost, which must show as unhealthy.
    sqlite_file: Option<std::path::PathBuf>,
    /// SQLite writers take turns here, first come first served, before they ask for the file's
    /// write lock: SQLite's own busy handler polls with growing sleeps (up to 100 ms), so under
    /// load a writer that has waited longest keeps losing to newcomers (p99 of 1.1 s at 16
    /// concurrent completions). PostgreSQL locks rows, not the database, and skips this.
    writer_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// What can go wrong below the handlers.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database query failed")]
    Query(#[from] diesel::result::Error),
    #[error("no database connection available")]
    Pool(#[from] r2d2::PoolError),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database task was cancelled")]
    Cancelled,
}

impl Db {
    /// Connects (failing fast with the backend's own message) and builds the pool.
    pub fn connect(url: &DatabaseUrl, pool_size: u32) -> Result<Self, DbError> {
        let (backend, raw) = match url {
            DatabaseUrl::Sqlite(path) => (Backend::Sqlite, path.clone()),
            DatabaseUrl::Postgres(url) => (Backend::Postgres, url.clone()),
        };
        // One direct connection first: r2d2 would hide the real error behind a timeout.
        match backend {
            Backend::Sqlite => connection::prepare_sqlite_file(&raw).map_err(conn_err)?,
            Backend::Postgres => drop(diesel::PgConnection::establish(&raw).map_err(conn_err)?),
        }
        let queries = connection::QueryCounter::default();
        let setup = connection::ConnectionSetup {
            queries: queries.clone(),
        };
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(5))
            .connection_customizer(Box::new(setup))
            .build(connection::AnyConnectionManager::new(
                backend,
                raw,
                queries.clone(),
            ))?;
        let sqlite_file = match url {
            DatabaseUrl::Sqlite(path) if !path.starts_with(':') => Some(path.into()),
            _ => None,
        };
        Ok(Self {
            pool,
            backend,
            queries,
            sqlite_file,
            writer_turn: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Statements run so far by every connection of the pool (the pool's own liveness checks
    /// left out): take the difference around a request to see what it cost.
    pub fn queries_run(&self) -> u64 {
        self.queries.get()
    }

    /// Whether the database answers a query (and, for SQLite, its file is still there).
    pub async fn ping(&self) -> Result<(), DbError> {
        use diesel::connection::SimpleConnection;
        if let Some(file) = &self.sqlite_file
            && !file.exists()
        {
            let missing = format!("database file {} is missing", file.display());
            return Err(DbError::Connect(missing));
        }
        self.read(|c| Ok(c.batch_execute("SELECT 1")?)).await
    }

    /// Runs `f` with a connection on the blocking pool, outside any transaction.
    pub async fn read<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|_| DbError::Cancelled)?
    }

    /// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite, so two writers queue for
    /// the lock instead of deadlocking when both upgrade a read lock; a plain transaction on
    /// PostgreSQL, where callers lock the rows they change with `FOR UPDATE`.
    pub async fn write<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, DbError> + Send + 'static,
    {
        self.writing(|conn| write_transaction(conn, f)).await
    }

    /// Like [`Db::read`] after waiting for this process's turn to write to SQLite: for `f`
    /// that opens its own [`write_transaction`] (work whose result carries its own error).
    pub async fn writing<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, DbError> + Send + 'static,
    {
        let _turn = self.writer_turn().await;
        self.read(f).await
    }

    /// Waits for this process's turn to write to SQLite (see `writer_turn`); nothing to wait
    /// for on PostgreSQL.
    async fn writer_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.writer_turn.lock().await),
            Backend::Postgres => None,
        }
    }

    /// Like [`Db::write`], for work that fails with its own error type `E` (a refused
    /// completion, say): any `Err` rolls the whole transaction back.
    pub async fn write_or<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    {
        let _turn = self.writer_turn().await;
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            write_transaction(&mut conn, f)
        })
        .await
        .map_err(|_| DbError::Cancelled)?
    }

    /// Blocking access for the command line, where no runtime is needed.
    pub fn blocking(
        &self,
    ) -> Result<r2d2::PooledConnection<connection::AnyConnectionManager>, DbError> {
        Ok(self.pool.get()?)
    }
}

/// A write transaction on an already checked-out connection.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    E: From<diesel::result::Error>,
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
{
    match conn {
        AnyConnection::Postgresql(_) => conn.transaction(f),
        AnyConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => {
                    if let AnyConnection::Sqlite(inner) = conn {
                        AnsiTransactionManager::commit_transaction(inner)?;
                    }
                    Ok(value)
                }
                Err(e) => {
                    if let AnyConnection::Sqlite(inner) = conn {
                        AnsiTransactionManager::rollback_transaction(inner)?;
                    }
                    Err(e)
                }
            }
        }
    }
}

fn conn_err(e: diesel::ConnectionError) -> DbError {
    DbError::Connect(e.to_string())
}

/// The current UTC time at microsecond precision, the finest both backends keep, so a value
/// read back equals the value written.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    let now = chrono::Utc::now().naive_utc();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends, for case-insensitive search and uniqueness.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}
