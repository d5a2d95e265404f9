//! GraphQL subscriptions over WebSocket on `/graphql`: a `GET` with `Upgrade: websocket` and the
//! `graphql-transport-ws` subprotocol (the legacy `graphql-ws` of subscriptions-transport-ws is
//! also spoken). Other requests to `/graphql` pass on to the HTTP endpoint.
//!
//! - `connection_init` may carry a token (`{"Authorization": "Bearer <token>"}` or
//!   `{"token": "<token>"}`), checked like the HTTP bearer token; without one the connection is
//!   anonymous (the change feed is public). A token that is not accepted closes the socket with
//!   4403 Forbidden.
//! - Only subscriptions run over the socket; a query or mutation is answered with one error
//!   (`BAD_REQUEST`): they go over HTTP, with its caching and rate limits.
//! - Limits: `NAP_SUBSCRIPTIONS_PER_CONNECTION` subscriptions at once per socket (one more is
//!   answered with an error `SUBSCRIPTION_LIMIT`), `NAP_WEBSOCKETS_PER_CLIENT` sockets at once per
//!   client address (one more is refused before the upgrade: 429 `SUBSCRIPTION_LIMIT`). Every
//!   socket keeps its connection's place under `NAP_MAX_CONNECTIONS` for its whole life.
//! - On shutdown every socket is closed with 1001 (going away), so clients reconnect elsewhere.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicUsize, Ordering},
    },
};

use async_graphql::{
    Data, Executor, Request as GraphqlRequest, Response as GraphqlResponse, ServerError,
    http::ALL_WEBSOCKET_PROTOCOLS, parser::types::OperationType,
};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::{
        ConnectInfo, FromRequestParts, Request, State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket, close_code},
    },
    http::header::{CONNECTION, UPGRADE},
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures_util::{SinkExt, StreamExt, future, stream::BoxStream};
use sea_orm::DatabaseConnection;

use super::{
    client_address::client_address, error_response, graphql_endpoint::operation, server::ServedConnection,
};
use crate::{
    AppState,
    error::ErrorCode,
    graphql::{RegistrySchema, loaders::Loaders},
};

/// The close code of a refused `connection_init` (graphql-transport-ws: Forbidden).
const FORBIDDEN: u16 = 4403;
/// The start of the message of a refused `connection_init`, by which its close is recognised.
const FORBIDDEN_REASON: &str = "Forbidden";

/// Middleware on `/graphql`: serves WebSocket upgrades, passes every other request on.
pub async fn upgrade_or_pass(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_websocket_upgrade(&request) {
        return next.run(request).await;
    }
    let (mut parts, _body) = request.into_parts();
    let Ok(protocol) = GraphQLProtocol::from_request_parts(&mut parts, &()).await else {
        return error_response::error_response(
            ErrorCode::BadRequest,
            "a WebSocket to /graphql must ask for the `graphql-transport-ws` subprotocol (Sec-WebSocket-Protocol)",
        );
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let address = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| client_address(peer.ip(), &parts.headers, &state.http.trusted_proxies));
    let Some(client) = state.websocket_clients.enter(address) else {
        return error_response::with_retry_after(
            error_response::error_response(
                ErrorCode::SubscriptionLimit,
                &format!(
                    "at most {} WebSocket connections per client at once (NAP_WEBSOCKETS_PER_CLIENT); close one first",
                    state.websocket_clients.limit
                ),
            ),
            1,
        );
    };
    let connection = parts.extensions.get::<ServedConnection>().cloned();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            serve_socket(socket, state, protocol, connection).await;
            drop(client);
        })
}

/// Whether `request` asks to become a WebSocket.
fn is_websocket_upgrade(request: &Request) -> bool {
    let has = |name, token: &str| {
        request
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|value| value.trim().eq_ignore_ascii_case(token))
    };
    has(UPGRADE, "websocket") && has(CONNECTION, "upgrade")
}

/// Speaks the GraphQL WebSocket protocol on `socket` until the client leaves or the server shuts
/// down (then closes with 1001).
async fn serve_socket(
    socket: WebSocket,
    state: AppState,
    protocol: GraphQLProtocol,
    connection: Option<ServedConnection>,
) {
    let (mut sink, stream) = socket.split();
    let shutdown = {
        let connection = connection.clone();
        async move {
            match connection {
                Some(connection) => connection.shutting_down().await,
                None => future::pending().await,
            }
        }
    };
    let stopped = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mark_stopped = Arc::clone(&stopped);
    // The client's messages end when the server shuts down, which ends the protocol.
    let input = stream.take_until(async move {
        shutdown.await;
        mark_stopped.store(true, Ordering::SeqCst);
    });
    let executor = Subscriptions {
        // Subscriptions never reach `__schema`: the schema without its per-field hook.
        schema: state.schema.common().clone(),
        db: state.db.clone(),
        active: Arc::new(AtomicUsize::new(0)),
        limit: state.http.subscriptions.per_connection,
    };
    let mut data = Data::default();
    data.insert(state.change_notifier.clone());
    let authenticator = state.authenticator.clone();
    let on_init = move |payload: serde_json::Value| async move {
        let mut data = Data::default();
        match authenticator
            .authenticate(init_authorization(&payload).as_deref(), None)
            .await
        {
            Ok(Some(actor)) => data.insert(actor),
            Ok(None) => {}
            Err(error) => {
                return Err(async_graphql::Error::new(format!(
                    "{FORBIDDEN_REASON}: the token in connection_init is not accepted ({})",
                    error.code()
                )));
            }
        }
        Ok(data)
    };
    // graphql-transport-ws closes a refused init with 4403 Forbidden.
    let to_client = (&mut sink).with(|message: Message| {
        future::ready(Ok::<_, axum::Error>(match message {
            Message::Close(Some(frame)) if frame.reason.as_str().starts_with(FORBIDDEN_REASON) => {
                Message::Close(Some(CloseFrame {
                    code: FORBIDDEN,
                    reason: frame.reason,
                }))
            }
            other => other,
        }))
    });
    GraphQLWebSocket::new_with_pair(to_client, input, executor, protocol)
        .with_data(data)
        .on_connection_init(on_init)
        .serve()
        .await;
    if stopped.load(Ordering::SeqCst) {
        let _ = sink
            .send(Message::Close(Some(CloseFrame {
                code: close_code::AWAY,
                reason: "the server is shutting down; reconnect and resume from your last sequence".into(),
            })))
            .await;
    }
    let _ = sink.close().await;
    drop(connection);
}

/// The `Authorization` value a `connection_init` payload carries: its `Authorization` (or
/// `authorization`) entry, or `Bearer <token>` from its `token` entry; `None` for anonymous.
fn init_authorization(payload: &serde_json::Value) -> Option<String> {
    let text = |key: &str| payload.get(key).and_then(serde_json::Value::as_str);
    text("Authorization")
        .or_else(|| text("authorization"))
        .map(str::to_owned)
        .or_else(|| text("token").map(|token| format!("Bearer {token}")))
}

/// Runs the subscriptions of one socket: subscriptions only, at most `limit` at once.
#[derive(Clone)]
struct Subscriptions {
    schema: RegistrySchema,
    db: DatabaseConnection,
    active: Arc<AtomicUsize>,
    limit: usize,
}

/// One running subscription of a socket; counted until its stream is dropped.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Executor for Subscriptions {
    async fn execute(&self, _request: GraphqlRequest) -> GraphqlResponse {
        refusal(ErrorCode::BadRequest, ONLY_SUBSCRIPTIONS)
    }

    fn execute_stream(
        &self,
        mut request: GraphqlRequest,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, GraphqlResponse> {
        match operation::of(&mut request) {
            // A document that does not parse or names no operation: the executor explains.
            None | Some(OperationType::Subscription) => {}
            Some(_) => return once(refusal(ErrorCode::BadRequest, ONLY_SUBSCRIPTIONS)),
        }
        if self.active.fetch_add(1, Ordering::SeqCst) >= self.limit {
            self.active.fetch_sub(1, Ordering::SeqCst);
            return once(refusal(
                ErrorCode::SubscriptionLimit,
                &format!(
                    "at most {} subscriptions at once on one connection (NAP_SUBSCRIPTIONS_PER_CONNECTION); complete one first",
                    self.limit
                ),
            ));
        }
        let running = Running(Arc::clone(&self.active));
        let request = request.data(Arc::new(Loaders::new(&self.db)));
        Executor::execute_stream(&self.schema, request, session_data)
            .map(move |mut response| {
                let _counted = &running;
                crate::graphql::errors::assign_missing_codes(&mut response);
                response
            })
            .boxed()
    }
}

/// What a query or mutation sent over the socket is told.
const ONLY_SUBSCRIPTIONS: &str =
    "only subscriptions run over WebSocket; send queries and mutations to /graphql over HTTP";

/// A response of one error with `code`.
fn refusal(code: ErrorCode, message: &str) -> GraphqlResponse {
    let mut error = ServerError::new(message, None);
    error.extensions = Some({
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", code);
        extensions
    });
    GraphqlResponse::from_errors(vec![error])
}

/// A stream of the one `response`.
fn once(response: GraphqlResponse) -> BoxStream<'static, GraphqlResponse> {
    futures_util::stream::once(future::ready(response)).boxed()
}

/// The WebSocket connections open per client address, within a limit.
#[derive(Debug)]
pub struct WebSocketClients {
    /// Most connections per client address.
    pub limit: usize,
    open: Mutex<HashMap<Option<IpAddr>, usize>>,
}

impl WebSocketClients {
    /// No connections yet; at most `limit` per client address.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one more connection of `client` (`None`: address unknown); `None` when it already
    /// has `limit` open.
    fn enter(self: &Arc<Self>, client: Option<IpAddr>) -> Option<ClientConnection> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(client).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(ClientConnection {
            clients: Arc::clone(self),
            client,
        })
    }
}

/// One counted WebSocket connection of a client; uncounted when dropped.
struct ClientConnection {
    clients: Arc<WebSocketClients>,
    client: Option<IpAddr>,
}

impl Drop for ClientConnection {
    fn drop(&mut self) {
        let mut open = self.clients.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{net::IpAddr, sync::Arc};

    use serde_json::json;

    use super::{WebSocketClients, init_authorization};

    #[test]
    fn the_init_payload_names_the_token_in_either_form() {
        assert_eq!(
            init_authorization(&json!({ "Authorization": "Bearer abc" })).as_deref(),
            Some("Bearer abc")
        );
        assert_eq!(
            init_authorization(&json!({ "authorization": "Bearer abc" })).as_deref(),
            Some("Bearer abc")
        );
        assert_eq!(
            init_authorization(&json!({ "token": "abc" })).as_deref(),
            Some("Bearer abc")
        );
        assert_eq!(init_authorization(&json!({})), None);
        assert_eq!(init_authorization(&serde_json::Value::Null), None);
        assert_eq!(init_authorization(&json!({ "token": 5 })), None);
    }

    #[test]
    fn each_client_has_its_own_count_and_gets_a_place_back_on_close() {
        let clients = Arc::new(WebSocketClients::new(1));
        let one = IpAddr::from([192, 0, 2, 1]);
        let other = IpAddr::from([192, 0, 2, 2]);
        let first = clients.enter(Some(one));
        assert!(first.is_some());
        assert!(clients.enter(Some(one)).is_none());
        assert!(clients.enter(Some(other)).is_some());
        drop(first);
        assert!(clients.enter(Some(one)).is_some());
    }
}
