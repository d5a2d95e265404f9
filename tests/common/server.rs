//! The real `nap-registry` binary as an operator runs it: a command with a clean environment in a
//! directory of its own, and a [`Server`] process on a free local port, stopped when dropped,
//! reached with the shared [`Client`] over real HTTP. A [`Registry`] is a test database with such
//! a directory: every test that runs the binary over a database of its own starts from one.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use super::{Client, TestDatabase};

/// The binary under test.
pub const BINARY: &str = env!("CARGO_BIN_EXE_nap-registry");

/// The binary run in `directory` with nothing from the test's environment but `PATH`.
pub fn command(directory: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command
        .current_dir(directory)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// A new empty directory under the system's temporary directory.
pub fn tempdir() -> PathBuf {
    let directory = std::env::temp_dir().join(format!("nap-registry-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// A local port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A serving process, killed when dropped.
pub struct Server {
    /// The process.
    pub child: Child,
    /// Where it listens.
    pub address: SocketAddr,
}

impl Server {
    /// Starts `command` listening on a free local port (`NAP_BIND`) and waits until it answers
    /// `/healthz`.
    pub async fn start(command: &mut Command) -> Self {
        let address = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let child = command
            .env("NAP_BIND", address.to_string())
            .spawn()
            .expect("start nap-registry");
        let server = Self { child, address };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !server.answers().await {
            assert!(Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    /// Whether the server answers `/healthz`.
    pub async fn answers(&self) -> bool {
        self.client().get("/healthz").try_send().await.is_ok()
    }

    /// An anonymous client of this server.
    pub fn client(&self) -> Client {
        Client::http(self.address)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test database (the suite's backend) and a directory of its own, and the binary run over them
/// as an operator would: commands ([`Registry::run`]) and serving processes ([`Registry::serve`]).
/// The directory is removed when dropped.
pub struct Registry {
    /// The database.
    pub database: TestDatabase,
    /// The binary's working directory; `NAP_DATA_DIR` is its `data`.
    pub directory: PathBuf,
}

impl Registry {
    /// A new empty database and directory.
    pub async fn new() -> Self {
        Self {
            database: TestDatabase::create().await,
            directory: tempdir(),
        }
    }

    /// [`Registry::new`] loaded with the canonical reference data (`nap-registry seed`).
    pub async fn seeded() -> Self {
        let registry = Self::new().await;
        registry.run(&["seed"]);
        registry
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        self.database.url.expose()
    }

    /// Whether the database is PostgreSQL (else a SQLite file).
    pub fn is_postgres(&self) -> bool {
        self.database.is_postgres()
    }

    /// The binary over this database and directory, logging warnings and errors only.
    pub fn command(&self) -> Command {
        let mut command = command(&self.directory);
        command
            .env("DATABASE_URL", self.url())
            .env("NAP_DATA_DIR", self.directory.join("data"))
            .env("NAP_LOG", "warn");
        command
    }

    /// Runs the binary with `args` and answers what it printed on standard output, trimmed;
    /// fails the test when it fails.
    pub fn run(&self, args: &[&str]) -> String {
        let output = self.command().args(args).output().expect("run nap-registry");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Creates a civil-society organisation `code` and answers a day-long token of it with
    /// `scopes` (comma-separated).
    pub fn organisation_with_token(&self, code: &str, scopes: &str) -> String {
        self.run(&[
            "org",
            "create",
            "--code",
            code,
            "--kind",
            "CIVIL_SOCIETY",
            "--name-en",
            &format!("Organisation {code}"),
        ]);
        self.run(&[
            "token", "issue", "--org", code, "--scopes", scopes, "--ttl", "1d", "--label", code,
        ])
    }

    /// A serving process over this registry (which must be seeded), quiet, with the settings
    /// `configure` adds.
    pub async fn serve(&self, configure: impl FnOnce(&mut Command)) -> Server {
        let mut command = self.command();
        command
            .env("NAP_SEED_ON_START", "never")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        configure(&mut command);
        Server::start(&mut command).await
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.directory);
    }
}
