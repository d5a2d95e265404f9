//! Connections as an outside client holds them, over real sockets: idle and dribbling connections
//! are closed after the idle timeout, the connection cap keeps the process within its file
//! descriptors while health checks are still answered, and the real binary serves health checks
//! and GraphQL without writing a log line per request.

use std::{
    net::SocketAddr,
    process::Stdio,
    sync::Arc,
    time::{Duration, Instant},
};

use nap_registry::{
    AppState,
    http::{
        routers,
        server::{ConnectionLimits, HEALTH_RESERVE, serve},
    },
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use serde_json::json;

use crate::common::{
    Client, TestApp,
    server::{Server, command, tempdir},
};

const PLANS: &str = "{ plans { totalCount } }";

/// Serves `app`'s routers on a new local port within `limits`; stops when the test ends.
async fn listen(app: &TestApp, limits: ConnectionLimits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let routers = routers(AppState::new(app.db.clone(), Arc::clone(&app.tokens)));
    tokio::spawn(serve(
        listener,
        routers.app,
        routers.reserve,
        limits,
        std::future::pending(),
    ));
    address
}

/// One request on a connection the test holds open (`Connection: keep-alive`), written by hand
/// since the test needs the socket afterwards: the status and body.
async fn exchange_on(stream: &mut TcpStream, method: &str, path: &str) -> (u16, String) {
    let request = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let mut buffer = [0_u8; 8192];
    // Read until the whole answer is in (by Content-Length), or the server closes.
    loop {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
            .await
            .expect("an answer within 10 s")
            .unwrap_or(0);
        response.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&response);
        if let Some((head, rest)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_owned())
                })
                .and_then(|v| v.parse::<usize>().ok());
            if length.is_some_and(|length| rest.len() >= length) {
                break;
            }
        }
        if read == 0 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Whether the server has closed `stream` (end of file or reset) within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0_u8; 64];
    matches!(
        tokio::time::timeout(within, stream.read(&mut buffer)).await,
        Ok(Ok(0) | Err(_))
    )
}

#[tokio::test]
async fn idle_and_dribbling_connections_are_closed_after_the_idle_timeout() {
    let app = TestApp::seeded().await;
    let address = listen(
        &app,
        ConnectionLimits {
            max_connections: 64,
            idle_timeout: Duration::from_secs(1),
        },
    )
    .await;
    let started = Instant::now();
    let mut silent = TcpStream::connect(address).await.unwrap();
    let mut dribbling = TcpStream::connect(address).await.unwrap();
    let mut kept_alive = TcpStream::connect(address).await.unwrap();
    let (status, _) = exchange_on(&mut kept_alive, "GET", "/healthz").await;
    assert_eq!(status, 200);
    // One byte of a request head every 300 ms: never a complete head.
    let dribble = tokio::spawn(async move {
        for byte in b"GET /graphql?query=%7Bplans%7BtotalCount%7D%7D HTTP/1.1\r\n" {
            if dribbling.write_all(&[*byte]).await.is_err() {
                return (dribbling, true);
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        (dribbling, false)
    });
    assert!(
        closed_within(&mut silent, Duration::from_secs(5)).await,
        "a silent connection stays open"
    );
    assert!(
        closed_within(&mut kept_alive, Duration::from_secs(5)).await,
        "an idle kept-alive connection stays open"
    );
    let (mut dribbling, write_failed) = dribble.await.unwrap();
    assert!(
        write_failed || closed_within(&mut dribbling, Duration::from_secs(1)).await,
        "a connection dribbling its head stays open"
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    // Meanwhile and after, real requests are served.
    let answer = Client::http(address).graphql(PLANS, json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn at_the_connection_cap_health_checks_are_answered_and_others_closed() {
    let app = TestApp::seeded().await;
    let cap = 8;
    let address = listen(
        &app,
        ConnectionLimits {
            max_connections: cap,
            idle_timeout: Duration::from_secs(2),
        },
    )
    .await;
    // A client holds every connection the cap allows, sending nothing.
    let mut held = Vec::new();
    for _ in 0..cap {
        held.push(TcpStream::connect(address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = Client::http(address);
    let health = client.get("/healthz").send().await;
    assert_eq!((health.status, health.text().as_str()), (200, "ok"));
    let ready = client.get("/readyz").send().await;
    assert_eq!(ready.status, 200, "{}", ready.text());
    let refused = client.graphql_request(PLANS, json!({})).send().await;
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert!(refused.text().contains("UNAVAILABLE"), "{}", refused.text());
    // Beyond the cap and the health reserve, new connections are closed at once.
    let mut extra = Vec::new();
    for _ in 0..HEALTH_RESERVE {
        extra.push(TcpStream::connect(address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut over = TcpStream::connect(address).await.unwrap();
    assert!(
        closed_within(&mut over, Duration::from_secs(1)).await,
        "a connection over cap and reserve is kept"
    );
    // Once the idle ones are closed by the timeout, everything is served again.
    for stream in held.iter_mut().chain(extra.iter_mut()) {
        assert!(
            closed_within(stream, Duration::from_secs(6)).await,
            "a held connection stays open"
        );
    }
    let answer = Client::http(address).graphql(PLANS, json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn the_binary_answers_health_checks_and_queries_without_a_log_line_per_request() {
    let directory = tempdir();
    let log = directory.join("server.log");
    let server = Server::start(
        command(&directory)
            .env("NAP_IDLE_TIMEOUT_SECONDS", "1")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap()),
    )
    .await;
    let client = server.client();
    assert_eq!(client.get("/readyz").send().await.status, 200);
    let lines_before = std::fs::read_to_string(&log).unwrap().lines().count();
    let long_id = "x".repeat(100_000);
    for _ in 0..50 {
        let answer = client
            .get("/readyz")
            .header("x-request-id", long_id.as_str())
            .send()
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        let echoed = answer.headers.values().any(|value| {
            value
                .as_bytes()
                .windows(200)
                .any(|w| w == &long_id.as_bytes()[..200])
        });
        assert!(
            !echoed && !answer.text().contains(&long_id[..200]),
            "a 100 KB request id is echoed"
        );
    }
    for _ in 0..20 {
        let answer = client.graphql(PLANS, json!({})).await;
        assert_eq!(answer.status, 200);
    }
    // An idle connection is closed by the real binary too.
    let mut idle = TcpStream::connect(server.address).await.unwrap();
    assert!(
        closed_within(&mut idle, Duration::from_secs(5)).await,
        "an idle connection stays open"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let new_lines: Vec<&str> = text.lines().skip(lines_before).collect();
    assert!(
        new_lines.is_empty(),
        "70 requests wrote {} log lines: {:?}",
        new_lines.len(),
        new_lines.iter().take(5).collect::<Vec<_>>()
    );
    drop(server);
    std::fs::remove_dir_all(&directory).ok();
}
