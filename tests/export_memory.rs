//! Exports stream: the real binary serves the large synthetic registry's project links as CSV and
//! then as JSON (a much larger file) without its peak memory growing with the size, and the
//! `export` command writes the same file as the HTTP address.

use std::process::{Command, Stdio};

use crate::common::{
    TestDatabase,
    server::{self, Server, tempdir},
};

/// The peak resident memory of `pid` (`VmHWM`), in bytes.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

fn command(directory: &std::path::Path, database: &TestDatabase) -> Command {
    let mut command = server::command(directory);
    command
        .env("DATABASE_URL", database.url.expose())
        .env("NAP_DATA_DIR", directory.join("data"))
        .env("NAP_SEED_ON_START", "never");
    command
}

#[tokio::test]
async fn exports_of_the_large_synthetic_registry_stream_in_flat_memory() {
    let database = TestDatabase::create().await;
    let directory = tempdir();
    let seeded = command(&directory, &database)
        .args(["seed", "--synthetic", "large"])
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let server = Server::start(
        command(&directory, &database)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .await;
    let pid = server.child.id();
    let download = async |path: &str| {
        let answer = server.client().get(path).send().await;
        assert_eq!(answer.status, 200, "{path}");
        answer.body.len()
    };
    let csv = download("/export/project-links.csv").await;
    let after_csv = peak_rss(pid);
    let json = download("/export/project-links.json").await;
    let after_json = peak_rss(pid);
    eprintln!("project-links: CSV {csv} bytes, JSON {json} bytes; peak RSS {after_csv} then {after_json}");
    assert!(csv > 15_000_000, "the large registry's CSV is big: {csv}");
    assert!(json > csv + 10_000_000, "the JSON is much bigger: {json}");
    // A server that held an export in memory would grow by at least its size; a streaming one
    // only warms its fixed buffers and database caches, whatever the size. SQLite's page cache
    // (up to 2 MiB on each of the pool's connections) is part of that warm-up, and so are the
    // pages the allocator (mimalloc) keeps per thread for a while: the bound is three quarters of
    // the answer, below what buffering it would cost.
    let growth = after_json.saturating_sub(after_csv);
    assert!(
        growth < (json as u64) * 3 / 4,
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
