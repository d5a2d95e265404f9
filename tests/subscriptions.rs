//! GraphQL subscriptions over WebSocket (graphql-transport-ws on `/graphql`), spoken by a real
//! WebSocket client (tokio-tungstenite) against the real server loop or the real binary: the
//! `changes` subscription replays from a cursor exactly what the `changes` query gives, then
//! follows live changes made on this instance and on another one (two binaries on one
//! PostgreSQL); `connection_init` is anonymous or carries a token (a bad one closes with 4403);
//! the limits per connection and per client, and the connection cap, hold; shutdown closes every
//! socket with 1001.

use std::{net::SocketAddr, sync::Arc, time::Duration};

mod feed;
mod protocol;

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

use crate::common::{Client, TestApp};

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
