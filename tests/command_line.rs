//! The `nap-registry` binary as an operator runs it: the embedded default serves from a new
//! SQLite file, a bad setting stops start-up naming the variable, and `print-schema` prints the
//! contract.

use std::{
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::json;

use crate::common::server::{BINARY, Server, command, tempdir};

#[tokio::test]
async fn serve_with_no_configuration_creates_migrates_seeds_and_answers() {
    let directory = tempdir();
    // Only the port is set, so that parallel test runs do not collide on 8080.
    let server = Server::start(command(&directory).stdout(Stdio::null()).stderr(Stdio::null())).await;
    assert!(
        directory.join("data/nap-registry.sqlite").exists(),
        "no SQLite file under ./data"
    );
    let client = server.client();
    let answer = client.graphql("{ plans { nodes { code } } }", json!({})).await;
    assert_eq!(answer.status, 200);
    let body = answer.body;
    assert_eq!(
        body["data"],
        json!({ "plans": { "nodes": [{ "code": "UA-NAP-2021-2025" }, { "code": "UA-NAP-2026-2030" }] } })
    );
    assert!(
        body["extensions"]["analyzer"]["complexity"].is_u64(),
        "the cost is reported: {body}"
    );
    let page = client.get("/graphiql").send().await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("graphiql"), "{}", page.text());
    // The binary allocates with mimalloc, with the purge delay it sets itself when the
    // environment names none (it runs itself again with it), and says so.
    let metrics = client.get("/metrics").send().await.text();
    let build_info = format!(
        "nap_build_info{{version=\"{}\",allocator=\"mimalloc, purge delay 10 ms\"}} 1\n",
        env!("CARGO_PKG_VERSION")
    );
    assert!(metrics.contains(&build_info), "no {build_info} in {metrics}");
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
            .env("RUST_BACKTRACE", "1")
            .output()
            .expect("run nap-registry");
        assert!(!output.status.success(), "{variable}={value} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("invalid {variable}")),
            "{variable}: {stderr}"
        );
        // One line, even with RUST_BACKTRACE set: no stack backtrace for a bad setting.
        assert_eq!(stderr.trim_end().lines().count(), 1, "{variable}: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("backtrace"),
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
fn a_database_failure_names_its_cause_in_one_line() {
    let directory = tempdir();
    // Nothing listens on port 1.
    let output = command(&directory)
        .args(["migrate", "up"])
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/postgres")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run nap-registry");
    assert!(
        !output.status.success(),
        "a migration without a database succeeded"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr
        .trim_end()
        .lines()
        .last()
        .unwrap_or_default()
        .to_lowercase();
    assert!(last.starts_with("error: "), "{stderr}");
    // The operator sees which database and the driver's own error, not a bare "internal error".
    assert!(
        last.contains("cannot connect to postgres://postgres@127.0.0.1:1/postgres: connection error"),
        "the cause is lost: {stderr}"
    );
    assert!(!last.contains("internal error"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("backtrace"), "{stderr}");
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

    let log_path = directory.join("server.log");
    let server = Server::start(
        command(&directory)
            .env("NAP_LOG_FORMAT", "json")
            .env("NAP_LOG", "info,nap_registry=debug,tower_http=debug")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).unwrap()),
    )
    .await;
    let holder = server.client().bearer(&token);
    let create = r#"mutation { createProjectLink(input: {titleEn: "From the CLI token"}) { projectLink { owner { code } } } }"#;
    let created = holder.graphql(create, json!({})).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(
        created.data()["createProjectLink"]["projectLink"]["owner"],
        json!({ "code": "cli-ngo" })
    );

    let jti = listing.split('\t').next().unwrap().to_owned();
    run(&["token", "revoke", &jti]);
    let refused = holder.graphql_request(create, json!({})).send().await;
    assert_eq!(refused.status, 401, "{}", refused.text());
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

#[tokio::test]
async fn sigterm_stops_the_server_cleanly_with_exit_code_zero() {
    let directory = tempdir();
    let mut server = Server::start(
        command(&directory)
            .env("NAP_SHUTDOWN_GRACE_SECONDS", "5")
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    )
    .await;
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(killed.success());
    let stop_deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < stop_deadline,
            "the server did not stop within its grace period"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status}");
    assert!(!server.answers().await, "it no longer accepts connections");
    std::fs::remove_dir_all(&directory).ok();
}
