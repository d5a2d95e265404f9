//! A fresh, empty database for each test, on the backend `TEST_DATABASE_URL` names:
//!
//! - unset or `sqlite`: a new SQLite file in the system temp directory;
//! - `postgres://…`: a new database `nap_test_<uuid>` created on that server (the URL's own
//!   database is only used to create and drop it);
//! - `testcontainers`: a PostgreSQL container started once per test run with testcontainers
//!   (needs a Docker engine), then as above.
//!
//! The database is dropped (or the file removed) when the `TestDatabase` is dropped.

use std::{path::PathBuf, sync::OnceLock};

use nap_registry::config::{Config, ConfigFlags, DatabaseUrl};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use uuid::Uuid;

/// One test's private database.
pub struct TestDatabase {
    /// The URL to connect to it.
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDatabase {
    /// Creates a new empty database on the configured backend.
    pub async fn create() -> Self {
        let setting = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
        match setting.as_str() {
            "" | "sqlite" => Self::sqlite(),
            "testcontainers" => Self::postgres(container_url()).await,
            url if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Self::postgres(url.to_owned()).await
            }
            other => panic!("TEST_DATABASE_URL={other} is not sqlite, testcontainers or a postgres:// URL"),
        }
    }

    /// Whether this test runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        !self.url.is_sqlite()
    }

    /// Opens a pool on the database the way the service does.
    pub async fn connect(&self) -> DatabaseConnection {
        nap_registry::db::connect(&self.url)
            .await
            .expect("connect to the test database")
    }

    fn sqlite() -> Self {
        let directory = std::env::temp_dir().join("nap-registry-tests");
        std::fs::create_dir_all(&directory).expect("create the test directory");
        let path = directory.join(format!("{}.sqlite", Uuid::new_v4()));
        let url = config_url(&format!("sqlite://{}?mode=rwc", path.display()));
        Self {
            url,
            cleanup: Cleanup::SqliteFile(path),
        }
    }

    async fn postgres(admin_url: String) -> Self {
        let name = format!("nap_test_{}", Uuid::new_v4().simple());
        let admin = Database::connect(admin_url.as_str())
            .await
            .expect("connect to the PostgreSQL server");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the test database");
        admin.close().await.ok();
        let url = config_url(&replace_database(&admin_url, &name));
        Self {
            url,
            cleanup: Cleanup::PostgresDatabase { admin_url, name },
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop may run inside a runtime: do the async work on a thread of its own.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    runtime.block_on(async {
                        let admin = Database::connect(admin_url.as_str()).await.ok()?;
                        admin
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await
                            .ok()
                    })
                })
                .join();
            }
        }
    }
}

/// A URL as the service's configuration would read it from `DATABASE_URL`.
fn config_url(url: &str) -> DatabaseUrl {
    let flags = ConfigFlags {
        database_url: Some(url.to_owned()),
        ..ConfigFlags::default()
    };
    Config::load(&flags, |_| None)
        .expect("a valid test database URL")
        .database_url
}

/// `url` with its database name replaced by `name` (query string kept).
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut result = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        result.push('?');
        result.push_str(query);
    }
    result
}

/// The admin URL of a PostgreSQL container started once for the whole test run.
fn container_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        // The container lives as long as this thread, which lives as long as the test process.
        std::thread::spawn(move || {
            use testcontainers_modules::{
                postgres::Postgres,
                testcontainers::{ImageExt, runners::AsyncRunner},
            };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let container = Postgres::default()
                    .with_tag("16-alpine")
                    .start()
                    .await
                    .expect("start PostgreSQL");
                let host = container.get_host().await.expect("container host");
                let port = container.get_host_port_ipv4(5432).await.expect("container port");
                sender
                    .send(format!("postgres://postgres:postgres@{host}:{port}/postgres"))
                    .expect("send URL");
                std::future::pending::<()>().await;
            });
        });
        receiver.recv().expect("the PostgreSQL container started")
    })
    .clone()
}

#[test]
fn replaces_the_database_name() {
    assert_eq!(
        replace_database("postgres://u@h:5432/test", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        replace_database("postgres://u@h/test?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(replace_database("postgres://u@h", "x"), "postgres://u@h/x");
}
