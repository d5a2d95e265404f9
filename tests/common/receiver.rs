//! Webhook test helpers: a real receiver (an HTTP server on 127.0.0.1 that records what it is
//! sent and answers as the test scripts it), the service with a delivery worker over a test's
//! database (`Deliveries`), and `eventually`, which waits for a condition without timing it.

use std::{
    collections::{BTreeMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::{ConnectInfo, State, connect_info::Connected},
    http::HeaderMap,
    http::StatusCode,
    response::{IntoResponse, Response},
    serve::IncomingStream,
};
use nap_registry::{AppState, app, config::WebhookSettings, linked_data::PublicUrl, webhooks};
use serde_json::Value;
use tokio::sync::watch;

use super::{Client, TestApp};

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy)]
pub enum Reply {
    /// Answer with this status at once.
    Status(u16),
    /// Answer 200 only after this long (longer than the test's delivery timeout).
    Hang(Duration),
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its headers, lower-case names.
    pub headers: BTreeMap<String, String>,
    /// Its body as sent.
    pub body: String,
    /// Its body as JSON.
    pub json: Value,
    /// The status the receiver answered with (0 for a hang: it answers too late).
    pub answered: u16,
    /// When the connection it came on was opened: a request a killed sender wrote before it died
    /// can still be read after it, on a connection opened before the kill.
    pub connection_opened: Instant,
}

/// What the receiver knows of a connection: when it was accepted.
#[derive(Debug, Clone, Copy)]
struct Connection {
    opened: Instant,
}

impl Connected<IncomingStream<'_, tokio::net::TcpListener>> for Connection {
    fn connect_info(_: IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        Self {
            opened: Instant::now(),
        }
    }
}

impl Received {
    /// Header `name`.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

#[derive(Default)]
struct Script {
    next: VecDeque<Reply>,
    otherwise: Option<Reply>,
    received: Vec<Received>,
}

/// A webhook receiver listening on 127.0.0.1.
pub struct Receiver {
    /// Where it listens.
    pub address: SocketAddr,
    script: Arc<Mutex<Script>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Starts a receiver that answers 204 unless told otherwise.
    pub async fn start() -> Self {
        let script = Arc::new(Mutex::new(Script::default()));
        let router = Router::new().fallback(answer).with_state(Arc::clone(&script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<Connection>(),
            )
            .await
            .unwrap();
        });
        Self {
            address,
            script,
            task,
        }
    }

    /// The URL to register.
    pub fn url(&self) -> String {
        format!("http://{}/hooks/nap", self.address)
    }

    /// Answers the next requests with `replies`, in order.
    pub fn reply_next(&self, replies: &[Reply]) {
        self.script.lock().unwrap().next.extend(replies.iter().copied());
    }

    /// Answers every request after the scripted ones with `reply`.
    pub fn reply_always(&self, reply: Reply) {
        self.script.lock().unwrap().otherwise = Some(reply);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }

    /// The requests answered 2xx so far.
    pub fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| (200..300).contains(&r.answered))
            .collect()
    }

    /// Waits until `count` requests have been accepted and returns them.
    pub async fn wait_for_accepted(&self, count: usize) -> Vec<Received> {
        self.wait_for_accepted_on_connections_since(count, None).await
    }

    /// Waits until `count` requests on connections opened after `since` (all, for `None`) have
    /// been accepted and returns those requests.
    pub async fn wait_for_accepted_on_connections_since(
        &self,
        count: usize,
        since: Option<Instant>,
    ) -> Vec<Received> {
        eventually(&format!("{count} accepted deliveries"), || async {
            let accepted: Vec<Received> = self
                .accepted()
                .into_iter()
                .filter(|r| since.is_none_or(|since| r.connection_opened > since))
                .collect();
            (accepted.len() >= count).then_some(accepted)
        })
        .await
    }
}

/// Records a request and answers it as the script says.
async fn answer(
    State(script): State<Arc<Mutex<Script>>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    let reply = {
        let mut script = script.lock().unwrap();
        let reply = script
            .next
            .pop_front()
            .or(script.otherwise)
            .unwrap_or(Reply::Status(204));
        let answered = match reply {
            Reply::Status(status) => status,
            Reply::Hang(_) => 0,
        };
        script.received.push(Received {
            headers: headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
                .collect(),
            json: serde_json::from_str(&body).unwrap_or(Value::Null),
            body,
            answered,
            connection_opened: connection.opened,
        });
        reply
    };
    match reply {
        Reply::Status(status) => StatusCode::from_u16(status).unwrap().into_response(),
        Reply::Hang(duration) => {
            tokio::time::sleep(duration).await;
            StatusCode::OK.into_response()
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Polls `check` until it gives a value; panics, naming `what`, after a minute. Waits are for
/// work in the background to happen, never a measure of how fast it happens.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Fast settings for tests: 127.0.0.1 allowed, short timeout and retries.
pub fn fast_settings() -> WebhookSettings {
    WebhookSettings {
        allowed_hosts: vec!["127.0.0.1".to_owned()],
        poll_interval: Duration::from_millis(50),
        timeout: Duration::from_millis(500),
        retry_initial_delay: Duration::from_millis(10),
        retry_max_delay: Duration::from_millis(40),
        ..WebhookSettings::default()
    }
}

/// The service over a test app's database with webhook settings, and a delivery worker.
pub struct Deliveries {
    router: Router,
    stop: watch::Sender<bool>,
    worker: Option<tokio::task::JoinHandle<()>>,
}

impl Deliveries {
    /// A router whose endpoints are checked with `api` and a worker delivering with `worker`.
    pub fn start(test: &TestApp, api: WebhookSettings, worker: WebhookSettings) -> Self {
        Self::with_hubs(test, webhooks::Hub::new(api), webhooks::Hub::new(worker))
    }

    fn with_hubs(test: &TestApp, api: webhooks::Hub, worker: webhooks::Hub) -> Self {
        let router = app(AppState::new(test.db.clone(), Arc::clone(&test.tokens)).with_webhooks(api));
        let (stop, stopped) = watch::channel(false);
        let worker = webhooks::spawn(test.db.clone(), worker, PublicUrl::default(), None, stopped).unwrap();
        Self {
            router,
            stop,
            worker: Some(worker),
        }
    }

    /// The service and a worker with the same fast settings.
    /// They share one hub, so a commit wakes the worker.
    pub fn fast(test: &TestApp) -> Self {
        let hub = webhooks::Hub::new(fast_settings());
        Self::with_hubs(test, hub.clone(), hub)
    }

    /// An anonymous caller of the service.
    pub fn anonymous(&self) -> Client {
        Client::new(self.router.clone())
    }

    /// A caller of the service sending `token`.
    pub fn bearer(&self, token: &str) -> Client {
        Client::new(self.router.clone()).bearer(token)
    }

    /// Stops the worker and waits for it.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(worker) = self.worker.take() {
            worker.await.unwrap();
        }
    }
}

impl Drop for Deliveries {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
