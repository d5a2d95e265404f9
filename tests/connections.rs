//! Connections as an outside client holds them, over real sockets: idle and dribbling connections
//! are closed after the idle timeout, the connection cap keeps the process within its file
//! descriptors while health checks are still answered, and the real binary serves health checks
//! and GraphQL without writing a log line per request.

use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
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

use crate::common::TestApp;

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

/// One request on a new connection (`Connection: close`): the status and body.
async fn exchange(address: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).await.unwrap();
    exchange_on(&mut stream, method, path, body, true).await
}

async fn exchange_on(
    stream: &mut TcpStream,
    method: &str,
    path: &str,
    body: &str,
    close: bool,
) -> (u16, String) {
    let connection = if close { "close" } else { "keep-alive" };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: {connection}\r\n\r\n{body}",
        body.len()
    );
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
    let (status, _) = exchange_on(&mut kept_alive, "GET", "/healthz", "", false).await;
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
    let (status, body) = exchange(
        address,
        "POST",
        "/graphql",
        r#"{"query":"{ plans { totalCount } }"}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
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
    let (status, body) = exchange(address, "GET", "/healthz", "").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, body) = exchange(address, "GET", "/readyz", "").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = exchange(
        address,
        "POST",
        "/graphql",
        r#"{"query":"{ plans { totalCount } }"}"#,
    )
    .await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("UNAVAILABLE"), "{body}");
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
    let (status, body) = exchange(
        address,
        "POST",
        "/graphql",
        r#"{"query":"{ plans { totalCount } }"}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// A child process killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_answers_health_checks_and_queries_without_a_log_line_per_request() {
    let directory = std::env::temp_dir().join(format!("nap-quiet-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&directory).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = directory.join("server.log");
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_nap-registry"))
            .current_dir(&directory)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NAP_BIND", format!("127.0.0.1:{port}"))
            .env("NAP_IDLE_TIMEOUT_SECONDS", "1")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start nap-registry"),
    );
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(address).await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, _) = exchange(address, "GET", "/readyz", "").await;
    assert_eq!(status, 200);
    let lines_before = std::fs::read_to_string(&log).unwrap().lines().count();
    let long_id = "x".repeat(100_000);
    for _ in 0..50 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        let request = format!(
            "GET /readyz HTTP/1.1\r\nHost: t\r\nX-Request-Id: {long_id}\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "{}",
            &answer[..answer.len().min(200)]
        );
        assert!(!answer.contains(&long_id[..200]), "a 100 KB request id is echoed");
    }
    for _ in 0..20 {
        let (status, _) = exchange(
            address,
            "POST",
            "/graphql",
            r#"{"query":"{ plans { totalCount } }"}"#,
        )
        .await;
        assert_eq!(status, 200);
    }
    // An idle connection is closed by the real binary too.
    let mut idle = TcpStream::connect(address).await.unwrap();
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
    let _ = server.0.kill();
    std::fs::remove_dir_all(&directory).ok();
}
