//! Connecting to the registry's database (embedded SQLite or PostgreSQL), applying migrations,
//! and knowing whether it is reachable (`DatabaseHealth`), so that requests fail fast while it is
//! away instead of each waiting for the pool's timeout.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnAcquireErr, ConnectOptions, Database, DatabaseConnection, DbErr, RuntimeErr,
    sqlx::{
        self,
        sqlite::{SqliteJournalMode, SqliteSynchronous},
    },
};

use crate::config::DatabaseUrl;

/// Opens a connection pool. For SQLite the file's directory is created first and the connection
/// uses write-ahead logging, enforced foreign keys and a busy timeout, so that concurrent readers
/// and a writer behave as they do on PostgreSQL.
pub async fn connect(url: &DatabaseUrl) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = sqlite_file_path(url.expose())
        && let Some(directory) = Path::new(&path).parent()
        && !directory.as_os_str().is_empty()
    {
        std::fs::create_dir_all(directory).map_err(|error| {
            anyhow::anyhow!(
                "cannot create the database directory {}: {error}",
                directory.display()
            )
        })?;
    }
    let mut options = ConnectOptions::new(url.expose().to_owned());
    options
        .max_connections(16)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .foreign_keys(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
        });
    Database::connect(options)
        .await
        .map_err(|error| anyhow::anyhow!("cannot connect to {}: {error}", url.redacted()))
}

/// Applies every pending migration.
pub async fn migrate_up(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether `error` says the database cannot be reached (refused, closed or timed-out connections,
/// an exhausted pool), as opposed to a statement the database refused.
pub fn is_connection_failure(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout | ConnAcquireErr::ConnectionClosed)
        | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(cause)) | DbErr::Query(RuntimeErr::SqlxError(cause)) => matches!(
            cause.as_ref(),
            sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
        ),
        _ => false,
    }
}

/// How long a health probe waits for the database.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// How often the database is probed while it is known to be away.
const PROBE_INTERVAL: Duration = Duration::from_millis(500);

/// Whether the database is reachable, as last found by a request, a probe or `/readyz`. Once a
/// failure to reach it is known, requests are refused at once (`UNAVAILABLE`) and one background
/// task pings the database until it answers again.
#[derive(Clone)]
pub struct DatabaseHealth {
    inner: Arc<HealthInner>,
}

struct HealthInner {
    db: DatabaseConnection,
    down: AtomicBool,
    probing: AtomicBool,
}

impl DatabaseHealth {
    /// Health of `db`, taken to be reachable until something finds otherwise.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            inner: Arc::new(HealthInner {
                db,
                down: AtomicBool::new(false),
                probing: AtomicBool::new(false),
            }),
        }
    }

    /// Whether the database is taken to be reachable.
    pub fn is_available(&self) -> bool {
        !self.inner.down.load(Ordering::SeqCst)
    }

    /// Records that the database could not be reached, and starts probing it.
    pub fn report_unavailable(&self) {
        if !self.inner.down.swap(true, Ordering::SeqCst) {
            tracing::warn!("the database cannot be reached; refusing requests until it answers");
        }
        self.start_probing();
    }

    /// Records that the database answered.
    pub fn report_available(&self) {
        if self.inner.down.swap(false, Ordering::SeqCst) {
            tracing::info!("the database answers again");
        }
    }

    /// Pings the database (within a short timeout) and records the result.
    pub async fn probe(&self) -> bool {
        // Boxed: the driver's future is large, and every request's future awaits this one.
        let answered = matches!(
            tokio::time::timeout(PROBE_TIMEOUT, Box::pin(self.inner.db.ping())).await,
            Ok(Ok(()))
        );
        if answered {
            self.report_available();
        } else {
            self.report_unavailable();
        }
        answered
    }

    /// One background task pings the database until it answers.
    fn start_probing(&self) {
        if self.inner.probing.swap(true, Ordering::SeqCst) {
            return;
        }
        let health = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_INTERVAL).await;
                let answered = matches!(
                    tokio::time::timeout(PROBE_TIMEOUT, health.inner.db.ping()).await,
                    Ok(Ok(()))
                );
                if answered {
                    health.inner.probing.store(false, Ordering::SeqCst);
                    health.report_available();
                    break;
                }
            }
        });
    }
}

/// The file behind a `sqlite:` URL, or `None` for in-memory databases and other backends.
fn sqlite_file_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::sqlite_file_path;

    #[test]
    fn finds_the_file_behind_sqlite_urls() {
        assert_eq!(
            sqlite_file_path("sqlite://data/r.sqlite?mode=rwc").as_deref(),
            Some("data/r.sqlite")
        );
        assert_eq!(
            sqlite_file_path("sqlite:///tmp/r.sqlite").as_deref(),
            Some("/tmp/r.sqlite")
        );
        assert_eq!(sqlite_file_path("sqlite::memory:"), None);
        assert_eq!(sqlite_file_path("postgres://localhost/db"), None);
    }
}
