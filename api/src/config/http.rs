//! The HTTP endpoint's settings: timeouts, body and import sizes, cross-origin rules, rate limits,
//! trusted proxies, cache and read-model budgets, connection limits, persisted queries and
//! subscriptions.

use std::time::Duration;

use super::{AddressRange, persisted_queries};

/// Limits and cross-origin rules of the HTTP endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// Longest a request may take before it is answered 408.
    pub request_timeout: Duration,
    /// Largest request body accepted; larger ones are answered 413.
    pub max_body_bytes: usize,
    /// Largest plan import file (`importPlan` upload, `import plan` files together); a
    /// multipart GraphQL request may be this much larger than `max_body_bytes`.
    pub import_max_bytes: usize,
    /// Origins allowed to call the API from a browser (CORS); empty allows none.
    pub cors_origins: Vec<String>,
    /// Whether any origin may make anonymous requests from a browser (no `Authorization`);
    /// requests with a token are still allowed only from `cors_origins`.
    pub cors_any_origin_anonymous: bool,
    /// GraphQL requests per minute per organisation token.
    pub rate_per_token: u32,
    /// GraphQL requests per minute per client address without a token.
    pub rate_per_address: u32,
    /// Proxies whose `X-Forwarded-For` names the client address (empty: the TCP peer counts).
    pub trusted_proxies: Vec<AddressRange>,
    /// Most bytes of serialized responses kept in the response cache (0 turns it off).
    pub response_cache_bytes: usize,
    /// Most bytes the read model may hold (0 turns it off: queries read the database).
    pub read_model_bytes: usize,
    /// Most client connections served at once; over it, only health checks are answered (from a
    /// small reserve of further connections) and other connections are closed.
    pub max_connections: usize,
    /// Longest a connection may take to send a complete request head, whether it is new or idle
    /// after an answer; then it is closed.
    pub idle_timeout: Duration,
    /// Persisted queries: automatic, allow-list only, or off.
    pub persisted_queries: persisted_queries::Settings,
    /// Limits of GraphQL subscriptions over WebSocket.
    pub subscriptions: SubscriptionSettings,
}

/// Limits of GraphQL subscriptions over WebSocket, and how changes are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionSettings {
    /// Most subscriptions running at once on one WebSocket connection
    /// (`NAP_SUBSCRIPTIONS_PER_CONNECTION`).
    pub per_connection: usize,
    /// Most WebSocket connections open at once from one client address
    /// (`NAP_WEBSOCKETS_PER_CLIENT`).
    pub connections_per_client: usize,
    /// How often the change sequence is read when no notification announces a change
    /// (`NAP_CHANGE_POLL_SECONDS`).
    pub poll_interval: Duration,
}

impl Default for SubscriptionSettings {
    fn default() -> Self {
        Self {
            per_connection: 16,
            connections_per_client: 8,
            poll_interval: crate::change_notify::DEFAULT_POLL_INTERVAL,
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            max_body_bytes: 256 * 1024,
            import_max_bytes: 4 * 1024 * 1024,
            cors_origins: Vec::new(),
            cors_any_origin_anonymous: false,
            rate_per_token: 6_000,
            rate_per_address: 600,
            trusted_proxies: Vec::new(),
            response_cache_bytes: 16 * 1024 * 1024,
            read_model_bytes: crate::read_model::DEFAULT_LIMIT_BYTES,
            max_connections: 512,
            idle_timeout: Duration::from_secs(10),
            persisted_queries: persisted_queries::Settings::default(),
            subscriptions: SubscriptionSettings::default(),
        }
    }
}
