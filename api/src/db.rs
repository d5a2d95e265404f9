//! Connecting to the registry's database (embedded SQLite or PostgreSQL) and applying migrations.

use std::{path::Path, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
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
