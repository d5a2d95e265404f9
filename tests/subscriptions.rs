//! GraphQL subscriptions over WebSocket (graphql-transport-ws on `/graphql`), spoken by a real
//! WebSocket client (tokio-tungstenite) against the real server loop or the real binary: the
//! `changes` subscription replays from a cursor exactly what the `changes` query gives, then
//! follows live changes made on this instance and on another one (two binaries on one
//! PostgreSQL); `connection_init` is anonymous or carries a token (a bad one closes with 4403);
//! the limits per connection and per client, and the connection cap, hold; shutdown closes every
//! socket with 1001.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use futures_util::{SinkExt, StreamExt};
use nap_registry::{
    AppState,
    config::{HttpSettings, SubscriptionSettings},
    domain::access::Scope,
    http::{
        routers,
        server::{ConnectionLimits, serve},
    },
};
use serde_json::{Value, json};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::oneshot,
    task::JoinHandle,
};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{self, Message, client::IntoClientRequest},
};

use crate::common::{
    Client, TestApp,
    server::{Server, command, tempdir},
};

const CHANGES: &str = "subscription($after: String, $filter: ChangeFilter) { changes(after: $after, filter: $filter) { sequence entityType entityId entityCode action version } }";
const FEED: &str = "query($after: String, $filter: ChangeFilter) { changes(first: 100, after: $after, filter: $filter) { nodes { sequence entityType entityId entityCode action version } pageInfo { hasNextPage } } }";
const CREATE_TARGET_GROUP: &str =
    "mutation($input: CreateTargetGroupInput!) { createTargetGroup(input: $input) { targetGroup { id } } }";
/// Longest wait for a message the test expects; only a broken server makes a test wait this long.
const PATIENCE: Duration = Duration::from_secs(30);

/// A server of `app`'s database on a local port with `http`'s settings; it shuts down when the
/// returned sender is used (or dropped), and the handle finishes when it has.
async fn listen(app: &TestApp, http: HttpSettings) -> (SocketAddr, oneshot::Sender<()>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let limits = ConnectionLimits {
        max_connections: http.max_connections,
        idle_timeout: http.idle_timeout,
    };
    let routers = routers(AppState::new(app.db.clone(), Arc::clone(&app.tokens)).with_http(http));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, routers.app, routers.reserve, limits, async {
        let _ = stopped.await;
    }));
    (address, stop, server)
}

/// Settings in which only a write's own notice (never the poll) can tell of it in time.
fn without_polling() -> HttpSettings {
    HttpSettings {
        subscriptions: SubscriptionSettings {
            poll_interval: Duration::from_secs(300),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// What the server sent.
#[derive(Debug)]
enum Received {
    Message(Value),
    Closed(Option<(u16, String)>),
}

/// A graphql-transport-ws client connection.
struct Socket(WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Socket {
    /// Opens a WebSocket to `/graphql` asking for graphql-transport-ws.
    async fn open(address: SocketAddr) -> Result<Self, tungstenite::Error> {
        let mut request = format!("ws://{address}/graphql").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
        let (stream, response) = tokio_tungstenite::connect_async(request).await?;
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "graphql-transport-ws"
        );
        Ok(Self(stream))
    }

    /// Opens a socket and completes `connection_init` with `payload`.
    async fn initialised(address: SocketAddr, payload: Value) -> Self {
        let mut socket = Self::open(address).await.unwrap();
        let reply = socket.init(payload).await;
        assert!(
            matches!(&reply, Received::Message(m) if m["type"] == "connection_ack"),
            "{reply:?}"
        );
        socket
    }

    async fn send(&mut self, message: Value) {
        self.0.send(Message::text(message.to_string())).await.unwrap();
    }

    async fn init(&mut self, payload: Value) -> Received {
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        self.receive().await
    }

    async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(
            json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }),
        )
        .await;
    }

    /// The next message (pings answered and skipped), or the close.
    async fn receive(&mut self) -> Received {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.0.next())
                .await
                .expect("the server sends something in time");
            match message {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(text.as_str()).unwrap();
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Received::Message(message);
                }
                Some(Ok(Message::Close(frame))) => {
                    return Received::Closed(
                        frame.map(|f| (u16::from(f.code), f.reason.as_str().to_owned())),
                    );
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Received::Closed(None),
            }
        }
    }

    /// The payload of the next `next` message of subscription `id`.
    async fn next_of(&mut self, id: &str) -> Value {
        match self.receive().await {
            Received::Message(message) if message["type"] == "next" && message["id"] == id => {
                message["payload"].clone()
            }
            other => panic!("expected `next` of {id}, got {other:?}"),
        }
    }

    /// The next `count` changes of subscription `id`.
    async fn changes(&mut self, id: &str, count: usize) -> Vec<Value> {
        let mut changes = Vec::new();
        while changes.len() < count {
            let payload = self.next_of(id).await;
            assert_eq!(payload.get("errors"), None, "{payload}");
            changes.push(payload["data"]["changes"].clone());
        }
        changes
    }
}

/// The sequence of the feed's end now, as a subscription's `after`: whatever is written after this
/// reaches a subscription from it, however late it starts.
async fn head(app: &TestApp) -> String {
    app.graphql("{ changesHead { sequence } }", Value::Null)
        .await
        .data()["changesHead"]["sequence"]
        .to_string()
}

/// Creates the target group `code` through the HTTP endpoint at `address`.
async fn create_target_group(app: &TestApp, address: SocketAddr, code: &str) {
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    Client::http(address)
        .bearer(&admin)
        .graphql(
            CREATE_TARGET_GROUP,
            json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": code, "labelEn": code } }),
        )
        .await
        .data();
}

/// Every change the `changes` query gives after `after` with `filter`.
async fn queried(client: &Client, after: &str, filter: &Value) -> Vec<Value> {
    let page = client
        .graphql(FEED, json!({ "after": after, "filter": filter }))
        .await;
    let page = &page.data()["changes"];
    assert_eq!(page["pageInfo"]["hasNextPage"], false, "the test needs one page");
    page["nodes"].as_array().unwrap().clone()
}

#[tokio::test]
async fn replays_what_the_query_gives_then_follows_a_write_on_this_instance() {
    let app = TestApp::with_fixture().await;
    let (address, _stop, _server) = listen(&app, without_polling()).await;
    let filter = json!({ "entityTypes": ["Plan", "TargetGroup"] });
    let expected = queried(&app.anonymous(), "0", &filter).await;
    assert!(expected.len() > 2, "the fixture has plans and target groups");
    assert!(
        expected
            .iter()
            .all(|c| c["entityType"] == "Plan" || c["entityType"] == "TargetGroup")
    );

    let mut socket = Socket::initialised(address, json!({})).await;
    socket
        .subscribe("1", CHANGES, json!({ "after": "0", "filter": filter }))
        .await;
    assert_eq!(socket.changes("1", expected.len()).await, expected);

    // A write through this instance's HTTP endpoint reaches the subscriber at once (the poll is
    // five minutes away), and a change the filter leaves out never does.
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let writer = Client::http(address).bearer(&admin);
    writer
        .graphql(
            "mutation { createOrganisation(input: { code: \"subscription-test-org\", kind: CIVIL_SOCIETY, nameEn: \"Watchers\" }) { organisation { id } } }",
            Value::Null,
        )
        .await;
    writer
        .graphql(
            CREATE_TARGET_GROUP,
            json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": "war-widows", "labelEn": "War widows" } }),
        )
        .await
        .data();
    let live = socket.changes("1", 1).await.remove(0);
    assert_eq!(live["entityType"], "TargetGroup");
    assert_eq!(live["entityCode"], "war-widows");
    assert_eq!(live["action"], "CREATE");
    let last = expected.last().unwrap()["sequence"].as_i64().unwrap();
    assert!(
        live["sequence"].as_i64().unwrap() > last + 1,
        "after the organisation's change"
    );
}

#[tokio::test]
async fn a_subscription_without_a_cursor_starts_now_and_a_bad_cursor_fails_it() {
    let app = TestApp::with_fixture().await;
    let (address, _stop, _server) = listen(&app, without_polling()).await;
    let mut socket = Socket::initialised(address, Value::Null).await;
    socket
        .subscribe("bad", CHANGES, json!({ "after": "not a cursor" }))
        .await;
    let refused = socket.next_of("bad").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    assert!(
        matches!(socket.receive().await, Received::Message(m) if m["type"] == "complete" && m["id"] == "bad")
    );

    create_target_group(&app, address, "written-before").await;
    socket.subscribe("now", CHANGES, json!({})).await;
    // No answer tells when the subscription has started: write until one change arrives. It is
    // never the change written before subscribing.
    for attempt in 0.. {
        create_target_group(&app, address, &format!("written-after-{attempt}")).await;
        let arrived = tokio::time::timeout(Duration::from_millis(200), socket.0.next()).await;
        if let Ok(Some(Ok(Message::Text(text)))) = arrived {
            let message: Value = serde_json::from_str(text.as_str()).unwrap();
            assert_eq!(message["id"], "now", "{message}");
            let code = message["payload"]["data"]["changes"]["entityCode"]
                .as_str()
                .unwrap();
            assert!(code.starts_with("written-after-"), "{message}");
            break;
        }
        assert!(attempt < 100, "no change arrived");
    }
}

#[tokio::test]
async fn connection_init_is_anonymous_or_carries_a_token_and_a_bad_token_is_forbidden() {
    let app = TestApp::with_fixture().await;
    let (address, _stop, _server) = listen(&app, HttpSettings::default()).await;
    Socket::initialised(address, json!({})).await;
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    Socket::initialised(address, json!({ "Authorization": format!("Bearer {token}") })).await;
    Socket::initialised(address, json!({ "token": token })).await;

    let revoked = app
        .revoked_token_for("ministry-of-social-policy", &[Scope::Admin])
        .await;
    for payload in [
        json!({ "Authorization": "Bearer not-a-token" }),
        json!({ "token": revoked }),
        json!({ "Authorization": "Basic dXNlcjpwYXNz" }),
    ] {
        let mut socket = Socket::open(address).await.unwrap();
        match socket.init(payload.clone()).await {
            Received::Closed(Some((4403, reason))) => assert!(reason.starts_with("Forbidden"), "{reason}"),
            other => panic!("{payload}: expected a 4403 close, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn only_subscriptions_run_over_the_socket() {
    let app = TestApp::with_fixture().await;
    let (address, _stop, _server) = listen(&app, HttpSettings::default()).await;
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let mut socket = Socket::initialised(address, json!({ "token": token })).await;
    socket
        .subscribe("q", "{ changesHead { sequence } }", Value::Null)
        .await;
    let refused = socket.next_of("q").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{refused}"
    );
    assert!(
        matches!(socket.receive().await, Received::Message(m) if m["type"] == "complete" && m["id"] == "q")
    );
    socket
        .subscribe(
            "m",
            CREATE_TARGET_GROUP,
            json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": "war-widows", "labelEn": "War widows" } }),
        )
        .await;
    let refused = socket.next_of("m").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{refused}"
    );
    let groups = app
        .graphql("{ targetGroup(code: \"war-widows\") { code } }", Value::Null)
        .await;
    assert_eq!(groups.data()["targetGroup"], Value::Null, "nothing was written");
}

#[tokio::test]
async fn subscriptions_per_connection_and_connections_per_client_are_limited() {
    let app = TestApp::with_fixture().await;
    let http = HttpSettings {
        subscriptions: SubscriptionSettings {
            per_connection: 2,
            connections_per_client: 2,
            ..Default::default()
        },
        ..Default::default()
    };
    let (address, _stop, _server) = listen(&app, http).await;
    let from = json!({ "after": head(&app).await });
    let mut socket = Socket::initialised(address, json!({})).await;
    socket.subscribe("a", CHANGES, from.clone()).await;
    socket.subscribe("b", CHANGES, from.clone()).await;
    socket.subscribe("c", CHANGES, from.clone()).await;
    let refused = socket.next_of("c").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "SUBSCRIPTION_LIMIT",
        "{refused}"
    );
    assert!(
        matches!(socket.receive().await, Received::Message(m) if m["type"] == "complete" && m["id"] == "c")
    );
    // Completing one frees its place.
    socket.send(json!({ "id": "a", "type": "complete" })).await;
    assert!(
        matches!(socket.receive().await, Received::Message(m) if m["type"] == "complete" && m["id"] == "a")
    );
    socket.subscribe("d", CHANGES, from).await;
    create_target_group(&app, address, "war-widows").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        match socket.receive().await {
            Received::Message(m) if m["type"] == "next" => {
                assert_eq!(m["payload"]["data"]["changes"]["entityCode"], "war-widows");
                ids.push(m["id"].as_str().unwrap().to_owned());
            }
            other => panic!("{other:?}"),
        }
    }
    ids.sort();
    assert_eq!(ids, ["b", "d"]);

    // A second socket of the same client is allowed, a third is refused before the upgrade.
    let _second = Socket::open(address).await.unwrap();
    match Socket::open(address).await {
        Err(tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429);
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "SUBSCRIPTION_LIMIT",
                "{body}"
            );
        }
        other => panic!("expected a 429 refusal, got {:?}", other.map(|_| ())),
    }
    drop(socket);
    // Once one closes, the client may open another.
    let mut reopened = None;
    for _ in 0..100 {
        if let Ok(socket) = Socket::open(address).await {
            reopened = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reopened.is_some(), "a closed socket gives its place back");
}

#[tokio::test]
async fn a_websocket_keeps_its_place_under_the_connection_cap() {
    let app = TestApp::with_fixture().await;
    let http = HttpSettings {
        max_connections: 1,
        ..Default::default()
    };
    let (address, _stop, _server) = listen(&app, http).await;
    let socket = Socket::initialised(address, json!({})).await;
    // The only place is the socket's: a new connection gets only the health routes.
    let refused = Client::http(address)
        .graphql_request("{ changesHead { sequence } }", Value::Null)
        .send()
        .await;
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert_eq!(Client::http(address).get("/healthz").send().await.status, 200);
    drop(socket);
    let mut served = false;
    for _ in 0..100 {
        let answer = Client::http(address)
            .graphql_request("{ changesHead { sequence } }", Value::Null)
            .send()
            .await;
        if answer.status == 200 {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "a closed socket gives its place back");
}

#[tokio::test]
async fn shutdown_closes_every_socket_with_going_away() {
    let app = TestApp::with_fixture().await;
    let (address, stop, server) = listen(&app, HttpSettings::default()).await;
    let mut socket = Socket::initialised(address, json!({})).await;
    socket.subscribe("1", CHANGES, json!({})).await;
    let mut idle = Socket::initialised(address, json!({})).await;
    stop.send(()).unwrap();
    for socket in [&mut socket, &mut idle] {
        match socket.receive().await {
            Received::Closed(Some((code, _))) => assert_eq!(code, 1001),
            other => panic!("expected a 1001 close, got {other:?}"),
        }
    }
    tokio::time::timeout(PATIENCE, server)
        .await
        .expect("the server stops once its sockets are closed")
        .unwrap();
}

/// `nap-registry serve` on `database_url`, signing and checking tokens with the tests' key, never
/// polling (only notifications tell of other instances' writes in time).
async fn binary_on(database_url: &str, key: &std::path::Path) -> (Server, std::path::PathBuf) {
    let directory = tempdir();
    let server = Server::start(
        command(&directory)
            .env("DATABASE_URL", database_url)
            .env("NAP_DATA_DIR", &directory)
            .env("NAP_JWT_PRIVATE_KEY_FILE", key)
            .env("NAP_SEED_ON_START", "never")
            .env("NAP_CHANGE_POLL_SECONDS", "300")
            .env("NAP_LOG", "warn"),
    )
    .await;
    (server, directory)
}

#[tokio::test]
async fn a_write_on_another_instance_reaches_subscribers_through_postgres_notifications() {
    let app = TestApp::with_fixture().await;
    if !app.database().is_postgres() {
        eprintln!("skipped: two instances share one registry only on PostgreSQL");
        return;
    }
    use ed25519_dalek::pkcs8::{EncodePrivateKey, spki::der::pem::LineEnding};
    let directory = tempdir();
    let key = directory.join("signing-key.pem");
    let pem = ed25519_dalek::SigningKey::from_bytes(&[1; 32])
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap();
    std::fs::write(&key, pem.as_bytes()).unwrap();
    let url = app.database().url.expose().to_owned();
    let (follower, _) = binary_on(&url, &key).await;
    let (writer, _) = binary_on(&url, &key).await;

    let mut socket = Socket::initialised(follower.address, json!({})).await;
    socket
        .subscribe(
            "1",
            CHANGES,
            json!({ "after": head(&app).await, "filter": { "entityTypes": ["TargetGroup"] } }),
        )
        .await;
    // The follower never polls and these writes are not its own: only PostgreSQL's notifications
    // tell it in time (the second one surely: by then the follower listens and has read).
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    for code in ["war-widows", "women-veterans"] {
        writer
            .client()
            .bearer(&admin)
            .graphql(
                CREATE_TARGET_GROUP,
                json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": code, "labelEn": code } }),
            )
            .await
            .data();
        let change = socket.changes("1", 1).await.remove(0);
        assert_eq!(change["entityCode"], code);
        assert_eq!(change["action"], "CREATE");
    }
}
