//! Exports stream: the real binary serves the large synthetic registry's project links as CSV and
//! then as JSON (a much larger file) without its peak memory growing with the size, and the
//! `export` command writes the same file as the HTTP address.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::common::TestDatabase;

const BINARY: &str = env!("CARGO_BIN_EXE_nap-registry");

/// A child process killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The peak resident memory of `pid` (`VmHWM`), in bytes.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// Reads `GET path` to the end in small pieces and returns the body's size in bytes (the
/// response head included; it is a few hundred bytes).
async fn download(port: u16, path: &str) -> Option<usize> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut buffer = vec![0; 16 * 1024];
    let mut total = 0;
    loop {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return Some(total);
        }
        if total == 0 && !buffer.starts_with(b"HTTP/1.1 200") {
            return None;
        }
        total += read;
    }
}

fn command(directory: &std::path::Path, database: &TestDatabase) -> Command {
    let mut command = Command::new(BINARY);
    command
        .current_dir(directory)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", database.url.expose())
        .env("NAP_DATA_DIR", directory.join("data"))
        .env("NAP_SEED_ON_START", "never");
    command
}

#[tokio::test]
async fn exports_of_the_large_synthetic_registry_stream_in_flat_memory() {
    let database = TestDatabase::create().await;
    let directory = std::env::temp_dir().join(format!("nap-registry-export-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&directory).unwrap();
    let seeded = command(&directory, &database)
        .args(["seed", "--synthetic", "large"])
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server(
        command(&directory, &database)
            .env("NAP_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let pid = server.0.id();
    let deadline = Instant::now() + Duration::from_secs(60);
    while download(port, "/healthz").await.is_none() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let csv = download(port, "/export/project-links.csv").await.unwrap();
    let after_csv = peak_rss(pid);
    let json = download(port, "/export/project-links.json").await.unwrap();
    let after_json = peak_rss(pid);
    eprintln!("project-links: CSV {csv} bytes, JSON {json} bytes; peak RSS {after_csv} then {after_json}");
    assert!(csv > 15_000_000, "the large registry's CSV is big: {csv}");
    assert!(json > csv + 10_000_000, "the JSON is much bigger: {json}");
    // A server that held an export in memory would grow by at least its size; a streaming one
    // only warms its fixed buffers and database caches, whatever the size. SQLite's page cache
    // (up to 2 MiB on each of the pool's connections) is part of that warm-up, so the bound is
    // half the answer: far below what buffering it would cost.
    let growth = after_json.saturating_sub(after_csv);
    assert!(
        growth < (json as u64) / 2,
        "serving {json} bytes after {csv} raised the peak by {growth} bytes"
    );
    drop(server);

    // The command writes the file the address serves.
    let out = directory.join("organisations.csv");
    let written = command(&directory, &database)
        .args(["export", "organisations", "--format", "csv", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(written.success());
    let mut reader = csv::Reader::from_path(&out).unwrap();
    assert_eq!(reader.headers().unwrap().get(0), Some("code"));
    assert!(
        reader.records().count() >= 1_000,
        "the large registry's organisations"
    );
    std::fs::remove_dir_all(&directory).ok();
}
