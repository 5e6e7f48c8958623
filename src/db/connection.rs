//! One connection type over both backends. The backend is chosen from the URL scheme, never by
//! trial, so a wrong PostgreSQL password gives libpq's own message instead of a generic one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::r2d2::{self, CustomizeConnection};
use diesel::{Connection, PgConnection, SqliteConnection};

/// A connection to SQLite or PostgreSQL; queries written against it run on either.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// The two backends, for the few places where SQL must differ (locking, upserts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl AnyConnection {
    /// Which backend this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgresql(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Opens connections of the backend named by the URL.
#[derive(Clone, Debug)]
pub struct AnyConnectionManager {
    backend: Backend,
    url: String,
    queries: QueryCounter,
}

impl AnyConnectionManager {
    pub fn new(backend: Backend, url: String, queries: QueryCounter) -> Self {
        Self {
            backend,
            url,
            queries,
        }
    }
}

/// How long after its last answered statement a connection is handed out without asking the
/// server first. A busy server reuses each connection within milliseconds, and a `SELECT 1`
/// before every checkout was a sixth of the statements of a completion on PostgreSQL; an idle
/// one still checks, so a connection that died with a database restart is replaced unseen.
const FRESH_FOR: Duration = Duration::from_secs(2);

impl r2d2::ManageConnection for AnyConnectionManager {
    type Connection = PoolConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<PoolConnection, r2d2::Error> {
        let conn = match self.backend {
            Backend::Sqlite => SqliteConnection::establish(&self.url).map(AnyConnection::Sqlite),
            Backend::Postgres => PgConnection::establish(&self.url).map(AnyConnection::Postgresql),
        };
        conn.map(PoolConnection::new)
            .map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut PoolConnection) -> Result<(), r2d2::Error> {
        if conn.health.answered_within(FRESH_FOR) {
            return Ok(());
        }
        let alive = conn
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError);
        // The pool's liveness check on checkout is not work any caller asked for.
        self.queries.uncount_one();
        alive
    }

    fn has_broken(&self, conn: &mut PoolConnection) -> bool {
        conn.health.is_lost()
    }
}

/// Opens the SQLite file (creating it) and switches it to WAL, which the file keeps, before the
/// pool opens its connections side by side. Switching takes the file exclusively, and a
/// connection that meets another's switch can get "database is locked" at once, whatever its
/// busy timeout: a new user saw that logged as an error on the very first start.
pub fn prepare_sqlite_file(path: &str) -> Result<(), diesel::ConnectionError> {
    let mut conn = SqliteConnection::establish(path)?;
    conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
        .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
}

/// A connection of the pool with what its statements have shown of its health.
pub struct PoolConnection {
    conn: AnyConnection,
    health: Arc<Health>,
}

impl PoolConnection {
    fn new(conn: AnyConnection) -> Self {
        Self {
            conn,
            health: Arc::default(),
        }
    }
}

impl std::ops::Deref for PoolConnection {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for PoolConnection {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// Written by the connection's instrumentation after every statement, read by the pool.
#[derive(Debug)]
struct Health {
    /// Milliseconds since `epoch` when a statement last got an answer.
    answered_ms: AtomicU64,
    /// A statement failed because the connection is gone: the pool drops it.
    lost: AtomicBool,
    epoch: Instant,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            answered_ms: AtomicU64::new(0),
            lost: AtomicBool::new(false),
            epoch: Instant::now(),
        }
    }
}

impl Health {
    fn answered(&self) {
        let ms = self.epoch.elapsed().as_millis() as u64;
        self.answered_ms.store(ms.max(1), Ordering::Relaxed);
    }

    fn answered_within(&self, window: Duration) -> bool {
        let at = self.answered_ms.load(Ordering::Relaxed);
        !self.is_lost()
            && at > 0
            && self.epoch.elapsed().as_millis() as u64 - at < window.as_millis() as u64
    }

    fn lose(&self) {
        self.lost.store(true, Ordering::Relaxed);
    }

    fn is_lost(&self) -> bool {
        self.lost.load(Ordering::Relaxed)
    }
}

/// How every PostgreSQL session plans: for short statements that read a page of rows through
/// an index and join their names, measured with pgbench on the job list (docs/benchmarks.md).
/// - Plans are made once per statement and connection (`force_generic_plan`): Diesel keeps
///   its statements prepared, and planning a seven-join page (1–20 ms) cost far more than
///   running it (0.2 ms). Our statements have one good plan whatever their values.
/// - Joins run in the order written (`join_collapse_limit = 1`): every query starts from the
///   table it filters and orders, and joins names by primary key, so the order is already
///   the right one and the planner need not search every other.
/// - No memoize nodes: a generic plan cannot see a page's LIMIT, sizes their hash tables for
///   the whole table and rebuilds them on every run (7× slower pages).
/// - No parallel workers, no JIT: both start up in tens of milliseconds, for plans whose
///   estimates (again without the LIMIT) look expensive.
const POSTGRES_SESSION: &str = "SET plan_cache_mode = force_generic_plan; \
     SET join_collapse_limit = 1; SET enable_memoize = off; \
     SET max_parallel_workers_per_gather = 0; SET jit = off;";

/// Sets up every new connection: for SQLite, WAL so readers never block the writer, foreign
/// keys (off by default in SQLite), a busy timeout so a second writer waits instead of
/// failing, and reads through a memory map of the file (up to 1 GiB) rather than a copy of
/// each page into every connection's own cache: a list page touches a few hundred pages, and
/// copying them was a fifth of its time; for PostgreSQL, [`POSTGRES_SESSION`]; then the
/// query counter, so the setup itself is not counted.
#[derive(Debug, Clone)]
pub struct ConnectionSetup {
    pub queries: QueryCounter,
}

impl CustomizeConnection<PoolConnection, r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, pooled: &mut PoolConnection) -> Result<(), r2d2::Error> {
        let health = pooled.health.clone();
        let conn = &mut pooled.conn;
        if let AnyConnection::Sqlite(c) = conn {
            // The file is in WAL mode already (`prepare_sqlite_file`); asking again is a no-op.
            c.batch_execute(
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                 PRAGMA mmap_size = 1073741824;",
            )
            .map_err(r2d2::Error::QueryError)?;
        }
        if let AnyConnection::Postgresql(c) = conn {
            c.batch_execute(POSTGRES_SESSION)
                .map_err(r2d2::Error::QueryError)?;
        }
        conn.set_instrumentation(Watch {
            queries: self.queries.0.clone(),
            health,
        });
        Ok(())
    }
}

/// How many statements the connections of one pool have run (each transaction's BEGIN and
/// COMMIT included), so tests can check that a page costs a constant number of queries.
#[derive(Clone, Debug, Default)]
pub struct QueryCounter(Arc<AtomicU64>);

impl QueryCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn uncount_one(&self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Diesel calls this around everything a connection does: it counts statement starts and
/// tells the pool how each ended.
struct Watch {
    queries: Arc<AtomicU64>,
    health: Arc<Health>,
}

impl Instrumentation for Watch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => {
                self.queries.fetch_add(1, Ordering::Relaxed);
            }
            InstrumentationEvent::FinishQuery { error, .. } => match error {
                Some(e) if connection_gone(e) => self.health.lose(),
                _ => self.health.answered(),
            },
            _ => {}
        }
    }
}

/// The server closed the connection or could not be reached: no later statement will work.
pub fn connection_gone(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        error,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        )
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

    use diesel::r2d2::{CustomizeConnection, ManageConnection};

    use super::*;

    /// The pool opens its connections side by side once `prepare_sqlite_file` has made the
    /// new file WAL: none of them fails with "database is locked" (without that step, 7 of 8
    /// did).
    #[test]
    fn connections_set_up_at_once_on_a_new_sqlite_file_all_succeed() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("new.db").to_string_lossy().into_owned();
            prepare_sqlite_file(&path).unwrap();
            let manager = AnyConnectionManager::new(Backend::Sqlite, path, QueryCounter::default());
            let setup = ConnectionSetup {
                queries: QueryCounter::default(),
            };
            let barrier = Barrier::new(8);
            let failures: Vec<String> = std::thread::scope(|s| {
                let workers: Vec<_> = (0..8)
                    .map(|_| {
                        s.spawn(|| {
                            let mut conn = manager.connect().unwrap();
                            barrier.wait();
                            setup.on_acquire(&mut conn).err().map(|e| e.to_string())
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .filter_map(|w| w.join().unwrap())
                    .collect()
            });
            assert!(failures.is_empty(), "{failures:?}");
        }
    }
}
