//! Database outages against a PostgreSQL server this test starts and stops itself (its own data
//! directory and port, with the machine's `initdb` and `pg_ctl`): whether the database is down or
//! hangs, `/readyz` fails and GraphQL requests get one answer, 503 `UNAVAILABLE` with
//! `Retry-After`: the first within the request timeout, the next ones at once, since the service
//! then knows the database is away; when it returns the service recovers by itself.
//!
//! Needs PostgreSQL's server binaries (found through `pg_config --bindir` or under
//! `/usr/lib/postgresql/*/bin`); where there are none the test says so and passes without running.
//! As root, the server runs as the `postgres` user through `runuser`, since PostgreSQL refuses root.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use axum::http::header;
use nap_registry::{AppState, app, config::HttpSettings, db, reference_data};
use serde_json::Value;
use uuid::Uuid;

use crate::common::{Client, TestResponse, test_token_service};

/// A PostgreSQL server of the test's own, stopped and removed when dropped.
struct OwnPostgres {
    binaries: PathBuf,
    directory: PathBuf,
    port: u16,
    as_postgres_user: bool,
}

impl OwnPostgres {
    /// Initialises and starts a new server, or `None` where PostgreSQL's binaries are missing.
    fn start() -> Option<Self> {
        let binaries = server_binaries()?;
        let directory = std::env::temp_dir().join(format!("nap-outage-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&directory).unwrap();
        let as_postgres_user = is_root();
        if as_postgres_user {
            run(Command::new("chown").arg("postgres:postgres").arg(&directory));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = Self {
            binaries,
            directory,
            port,
            as_postgres_user,
        };
        let data = server.data_directory();
        run(server
            .command("initdb")
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D"])
            .arg(&data));
        server.resume();
        Some(server)
    }

    fn data_directory(&self) -> PathBuf {
        self.directory.join("data")
    }

    fn command(&self, program: &str) -> Command {
        let program = self.binaries.join(program);
        let mut command = if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        command
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    fn resume(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.directory.display()
        );
        run(self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data_directory())
            .args(["-o", &options, "-l"])
            .arg(self.directory.join("server.log"))
            .args(["-w", "start"]));
    }

    /// Stops the server (fast shutdown: sessions are cut).
    fn stop(&self) {
        run(self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data_directory())
            .args(["-m", "fast", "-w", "stop"]));
    }

    /// Freezes (`STOP`) or thaws (`CONT`) every process of the server: connections stay open but
    /// nothing answers.
    fn signal_all(&self, signal: &str) {
        let pid_file = std::fs::read_to_string(self.data_directory().join("postmaster.pid")).unwrap();
        let postmaster = pid_file.lines().next().unwrap().trim().to_owned();
        let children = Command::new("pgrep").args(["-P", &postmaster]).output().unwrap();
        let mut pids = vec![postmaster];
        pids.extend(
            String::from_utf8_lossy(&children.stdout)
                .split_whitespace()
                .map(str::to_owned),
        );
        run(Command::new("kill").arg(format!("-{signal}")).args(&pids));
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data_directory())
            .args(["-m", "immediate", "-w", "stop"])
            .status();
        let _ = std::fs::remove_dir_all(&self.directory);
    }
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`.
fn server_binaries() -> Option<PathBuf> {
    let has_server =
        |directory: &Path| directory.join("initdb").is_file() && directory.join("pg_ctl").is_file();
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin"));
    from_pg_config
        .into_iter()
        .chain(installed)
        .find(|directory| has_server(directory))
}

/// `GET path`, its answer and the time it took, which must be under 30 s.
async fn get(client: &Client, path: &str) -> (u16, Duration) {
    let (answer, elapsed) = timed(client.get(path).send()).await;
    (answer.status, elapsed)
}

/// A query's status, body, time taken and `Retry-After` header.
async fn query(client: &Client) -> (u16, Value, Duration, Option<String>) {
    let (answer, elapsed) = timed(client.graphql_request("{ regions { code } }", Value::Null).send()).await;
    let retry_after = answer.header(header::RETRY_AFTER).map(str::to_owned);
    (answer.status, answer.json(), elapsed, retry_after)
}

async fn timed(request: impl Future<Output = TestResponse>) -> (TestResponse, Duration) {
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(30), request)
        .await
        .expect("an answer within 30 s");
    (answer, started.elapsed())
}

/// Asserts the one answer to a request while the database is away.
fn assert_unavailable(status: u16, body: &Value, retry_after: Option<&str>) {
    assert_eq!(
        (status, code(body), retry_after),
        (503, "UNAVAILABLE", Some("1")),
        "{body}"
    );
    let text = body.to_string();
    assert!(
        !text.contains("127.0.0.1") && !text.contains("onnection") && !text.contains("sqlx"),
        "no cause reaches the client: {text}"
    );
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn the_service_fails_fast_while_the_database_is_away_and_recovers_when_it_returns() {
    let Some(postgres) = OwnPostgres::start() else {
        eprintln!("skipped: PostgreSQL's server binaries (initdb, pg_ctl) are not installed");
        return;
    };
    let url = nap_registry::config::Config::load(&Default::default(), |name| {
        (name == "DATABASE_URL").then(|| postgres.url())
    })
    .unwrap()
    .database_url;
    let connection = db::connect(&url).await.unwrap();
    db::migrate_up(&connection).await.unwrap();
    reference_data::load_canonical(&connection).await.unwrap();
    let timeout = Duration::from_secs(3);
    let client = Client::new(app(AppState::new(connection, Arc::new(test_token_service(1)))
        .with_http(HttpSettings {
            request_timeout: timeout,
            ..Default::default()
        })));
    assert_eq!(get(&client, "/readyz").await.0, 200);
    let (status, body, _, _) = query(&client).await;
    assert_eq!(
        (status, body["data"]["regions"].as_array().map(Vec::len)),
        (200, Some(27))
    );

    // Down: refused connections. The first request finds out within the request timeout; the
    // next ones fail at once. Every one gets 503 UNAVAILABLE with Retry-After.
    postgres.stop();
    let (status, body, elapsed, retry_after) = query(&client).await;
    assert!(elapsed <= timeout + Duration::from_secs(1), "{elapsed:?}");
    assert_unavailable(status, &body, retry_after.as_deref());
    for _ in 0..3 {
        let (status, body, elapsed, retry_after) = query(&client).await;
        assert_unavailable(status, &body, retry_after.as_deref());
        assert!(
            elapsed < Duration::from_millis(300),
            "not failing fast: {elapsed:?}"
        );
    }
    let (status, elapsed) = get(&client, "/readyz").await;
    assert_eq!(status, 503);
    assert!(elapsed < Duration::from_secs(3), "readyz took {elapsed:?}");
    assert_eq!(
        get(&client, "/healthz").await.0,
        200,
        "the process itself is alive"
    );

    // Back: the pool reconnects by itself.
    postgres.resume();
    let deadline = Instant::now() + Duration::from_secs(20);
    while get(&client, "/readyz").await.0 != 200 {
        assert!(Instant::now() < deadline, "the service did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, body, _, _) = query(&client).await;
    assert_eq!((status, code(&body)), (200, ""), "{body}");

    // Hung: connections open, nothing answers. Requests end at the timeout, not later.
    postgres.signal_all("STOP");
    let (status, body, elapsed, retry_after) = query(&client).await;
    let (next_status, next_body, next_elapsed, next_retry_after) = query(&client).await;
    let (ready, ready_elapsed) = get(&client, "/readyz").await;
    postgres.signal_all("CONT");
    assert_unavailable(status, &body, retry_after.as_deref());
    assert!(elapsed < timeout + Duration::from_secs(1), "{elapsed:?}");
    assert_unavailable(next_status, &next_body, next_retry_after.as_deref());
    assert!(
        next_elapsed < Duration::from_millis(300),
        "not failing fast: {next_elapsed:?}"
    );
    assert_eq!(ready, 503);
    assert!(ready_elapsed < Duration::from_secs(3), "{ready_elapsed:?}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body, _, _) = query(&client).await;
        if status == 200 && code(&body).is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the service did not recover: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
