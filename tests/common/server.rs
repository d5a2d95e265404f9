//! The real `nap-registry` binary as an operator runs it: a command with a clean environment in a
//! directory of its own, and a [`Server`] process on a free local port, stopped when dropped,
//! reached with the shared [`Client`] over real HTTP.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command},
    time::{Duration, Instant},
};

use super::Client;

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
