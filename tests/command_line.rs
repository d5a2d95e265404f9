//! The `nap-registry` binary as an operator runs it: the embedded default serves from a new
//! SQLite file, a bad setting stops start-up naming the variable, and `print-schema` prints the
//! contract.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

const BINARY: &str = env!("CARGO_BIN_EXE_nap-registry");

/// A child process killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal HTTP/1.1 exchange, so the test needs no HTTP client library.
async fn http(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

fn command(directory: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command
        .current_dir(directory)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

#[tokio::test]
async fn serve_with_no_configuration_creates_migrates_seeds_and_answers() {
    let directory = tempdir();
    let port = free_port();
    // Only the port is set, so that parallel test runs do not collide on 8080.
    let _server = Server(
        command(&directory)
            .env("NAP_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nap-registry"),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while http(port, "GET", "/healthz", "").await.is_none() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        directory.join("data/nap-registry.sqlite").exists(),
        "no SQLite file under ./data"
    );
    let (status, body) = http(
        port,
        "POST",
        "/graphql",
        r#"{"query":"{ plans { nodes { code } } }"}"#,
    )
    .await
    .expect("GraphQL answer");
    assert_eq!(status, 200);
    let body: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        body["data"],
        serde_json::json!({ "plans": { "nodes": [{ "code": "UA-NAP-2021-2025" }, { "code": "UA-NAP-2026-2030" }] } })
    );
    assert!(
        body["extensions"]["analyzer"]["complexity"].is_u64(),
        "the cost is reported: {body}"
    );
    let (status, page) = http(port, "GET", "/graphiql", "").await.expect("GraphiQL page");
    assert_eq!(status, 200);
    assert!(page.contains("graphiql"), "{page}");
    std::fs::remove_dir_all(&directory).ok();
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_variable() {
    let directory = tempdir();
    for (variable, value) in [
        ("NAP_BIND", "everywhere"),
        ("DATABASE_URL", "mysql://db"),
        ("NAP_LOG_FORMAT", "xml"),
    ] {
        let output = command(&directory)
            .env(variable, value)
            .output()
            .expect("run nap-registry");
        assert!(!output.status.success(), "{variable}={value} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("invalid {variable}")),
            "{variable}: {stderr}"
        );
    }
    assert!(
        !directory.join("data").exists(),
        "a refused start-up created files"
    );
    std::fs::remove_dir_all(&directory).ok();
}

#[test]
fn print_schema_prints_the_committed_contract() {
    let output = Command::new(BINARY)
        .arg("print-schema")
        .output()
        .expect("run print-schema");
    assert!(output.status.success());
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql")).unwrap();
    assert!(
        String::from_utf8(output.stdout).unwrap() == committed,
        "print-schema differs from schema.graphql"
    );
}

#[test]
fn seed_command_is_idempotent_and_reports_it() {
    let directory = tempdir();
    let run = || {
        let output = command(&directory).args(["seed"]).output().expect("run seed");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let first = run();
    assert!(
        first.contains("regions                             27         0         0"),
        "{first}"
    );
    let second = run();
    assert!(
        second.contains("regions                              0         0        27"),
        "{second}"
    );
    std::fs::remove_dir_all(&directory).ok();
}

fn tempdir() -> std::path::PathBuf {
    let directory = std::env::temp_dir().join(format!("nap-registry-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

#[tokio::test]
async fn the_operator_issues_a_token_the_server_accepts_and_revokes_it() {
    let directory = tempdir();
    let run = |args: &[&str]| {
        let output = command(&directory).args(args).output().expect("run nap-registry");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        (
            String::from_utf8_lossy(&output.stdout).trim().to_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    run(&["seed"]);
    let (_, log) = run(&[
        "org",
        "create",
        "--code",
        "cli-ngo",
        "--kind",
        "CIVIL_SOCIETY",
        "--name-en",
        "CLI NGO",
        "--identifier",
        "UA-EDR-87654321",
    ]);
    assert!(log.contains("organisation created"), "{log}");
    let (token, log) = run(&[
        "token",
        "issue",
        "--org",
        "UA-EDR-87654321",
        "--scopes",
        "projects:write,tokens:manage",
        "--ttl",
        "30d",
        "--label",
        "integration",
    ]);
    assert!(
        log.contains("generated a new token signing key"),
        "the first use generates the key: {log}"
    );
    assert_eq!(token.split('.').count(), 3, "{token}");
    let (listing, _) = run(&["token", "list", "--org", "cli-ngo"]);
    assert!(
        listing.contains("projects:write tokens:manage") && listing.contains("active"),
        "{listing}"
    );
    assert!(!listing.contains(&token), "token list never shows token strings");

    let port = free_port();
    let log_path = directory.join("server.log");
    let server = Server(
        command(&directory)
            .env("NAP_BIND", format!("127.0.0.1:{port}"))
            .env("NAP_LOG_FORMAT", "json")
            .env("NAP_LOG", "info,nap_registry=debug,tower_http=debug")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).unwrap())
            .spawn()
            .expect("start nap-registry"),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while http(port, "GET", "/healthz", "").await.is_none() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let create = r#"{"query":"mutation { createProjectLink(input: {titleEn: \"From the CLI token\"}) { projectLink { owner { code } } } }"}"#;
    let (status, body) = http_with_token(port, create, &token).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""owner":{"code":"cli-ngo"}"#), "{body}");

    let jti = listing.split('\t').next().unwrap().to_owned();
    run(&["token", "revoke", &jti]);
    let (status, body) = http_with_token(port, create, &token).await;
    assert_eq!(status, 401, "{body}");
    drop(server);
    check_request_logs(&std::fs::read_to_string(&log_path).unwrap(), &token, &directory);
    std::fs::remove_dir_all(&directory).ok();
}

/// Every line logged while serving is JSON and carries the request id of the request it belongs
/// to; neither the token nor the signing key appears anywhere.
fn check_request_logs(log: &str, token: &str, directory: &Path) {
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let serving = lines
        .iter()
        .position(|line| {
            line["fields"]["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("serving on")
        })
        .expect("a start-up line");
    let during_requests = &lines[serving + 1..];
    assert!(
        during_requests.len() >= 6,
        "request lines are logged at debug: {log}"
    );
    for line in during_requests {
        let request_id = line["span"]["request_id"].as_str().unwrap_or("");
        assert!(uuid::Uuid::parse_str(request_id).is_ok(), "no request id: {line}");
    }
    assert!(!log.contains(token), "the token was logged");
    let signature = token.rsplit('.').next().unwrap();
    assert!(!log.contains(signature), "part of the token was logged");
    let key = std::fs::read_to_string(directory.join("data/jwt-signing-key.pem")).unwrap();
    let key_body: String = key.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(!log.contains(&key_body), "the signing key was logged");
}

async fn http_with_token(port: u16, body: &str, token: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    (
        status,
        response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly_with_exit_code_zero() {
    let directory = tempdir();
    let port = free_port();
    let mut child = command(&directory)
        .env("NAP_BIND", format!("127.0.0.1:{port}"))
        .env("NAP_SHUTDOWN_GRACE_SECONDS", "5")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nap-registry");
    let deadline = Instant::now() + Duration::from_secs(60);
    while http(port, "GET", "/healthz", "").await.is_none() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(killed.success());
    let stop_deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < stop_deadline,
            "the server did not stop within its grace period"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status}");
    assert!(
        http(port, "GET", "/healthz", "").await.is_none(),
        "it no longer accepts connections"
    );
    std::fs::remove_dir_all(&directory).ok();
}

/// Two instances of the service on one database, as behind a load balancer: a write through one
/// is seen at once by a read through the other, although the other keeps answers in memory.
#[tokio::test]
async fn two_servers_on_one_database_never_serve_a_stale_read() {
    let database = crate::common::TestDatabase::create().await;
    let url = database.url.expose().to_owned();
    let directory = tempdir();
    let run = |args: &[&str]| {
        let output = command(&directory)
            .env("DATABASE_URL", &url)
            .args(args)
            .output()
            .expect("run nap-registry");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    run(&["seed"]);
    run(&[
        "org",
        "create",
        "--code",
        "two-ngo",
        "--kind",
        "CIVIL_SOCIETY",
        "--name-en",
        "Two NGO",
    ]);
    let token = run(&[
        "token",
        "issue",
        "--org",
        "two-ngo",
        "--scopes",
        "projects:write",
        "--ttl",
        "1d",
        "--label",
        "two",
    ]);
    let start = |port: u16| {
        Server(
            command(&directory)
                .env("DATABASE_URL", &url)
                .env("NAP_BIND", format!("127.0.0.1:{port}"))
                .env("NAP_SEED_ON_START", "never")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start nap-registry"),
        )
    };
    let (writer_port, reader_port) = (free_port(), free_port());
    let _writer = start(writer_port);
    let _reader = start(reader_port);
    let deadline = Instant::now() + Duration::from_secs(60);
    for port in [writer_port, reader_port] {
        while http(port, "GET", "/healthz", "").await.is_none() {
            assert!(Instant::now() < deadline, "a server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let read = r#"{"query":"{ projectLinks(first: 1) { totalCount } }"}"#;
    let count = |body: &str| -> i64 {
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        value["data"]["projectLinks"]["totalCount"]
            .as_i64()
            .unwrap_or_else(|| panic!("{body}"))
    };
    for round in 0..10 {
        // Read twice through the reader, so the answer is kept there.
        let (_, first) = http(reader_port, "POST", "/graphql", read).await.unwrap();
        let (_, kept) = http(reader_port, "POST", "/graphql", read).await.unwrap();
        assert_eq!(count(&first), count(&kept));
        let create = format!(
            r#"{{"query":"mutation {{ createProjectLink(input: {{titleEn: \"Round {round}\"}}) {{ projectLink {{ id }} }} }}"}}"#
        );
        let (status, body) = http_with_token(writer_port, &create, &token).await;
        assert_eq!(status, 200, "{body}");
        assert!(!body.contains("errors"), "{body}");
        let (_, after) = http(reader_port, "POST", "/graphql", read).await.unwrap();
        assert_eq!(
            count(&after),
            count(&kept) + 1,
            "round {round}: the reader served an answer older than an acknowledged write"
        );
    }
    std::fs::remove_dir_all(&directory).ok();
}
