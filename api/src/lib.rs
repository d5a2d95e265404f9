//! The NAP 1325 Registry: the canonical registry of Ukraine's National Action Plan for UN Security
//! Council Resolution 1325 "Women, Peace and Security", served as a GraphQL API.
//!
//! Rooms: `config` (typed configuration), `db` (connection and migrations), `domain` (rules and
//! queries), `reference_data` (canonical and synthetic data loading), `graphql` (schema, types and
//! resolvers), `http` (routes), `linked_data` (permanent addresses, pages and vocabularies), `export` (bulk exports), `error` (the one error type and its codes), `telemetry` (logging), `metrics` (Prometheus), `read_cache` (answers kept in memory,
//! never stale), `webhooks` (the delivery worker).
//! never stale), `change_notify` (tells subscribers when the registry changes).
//! `main.rs` wires them into the `nap-registry` command; the integration tests use `app` directly.

pub mod auth;
pub mod change_notify;
pub mod config;
pub mod db;
pub mod digest;
pub mod domain;
pub mod error;
pub mod export;
pub mod graphql;
pub mod http;
pub mod linked_data;
pub mod metrics;
pub mod read_cache;
pub mod read_model;
pub mod reference_data;
pub mod telemetry;
pub mod webhooks;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use auth::{Authenticator, TokenService};
use graphql::Schemas;

/// What every request handler shares: a handle to [`Services`] that costs one reference count to
/// copy (axum hands each middleware and handler its own copy, several per request).
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The services behind an [`AppState`].
#[derive(Clone)]
pub struct Services {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The GraphQL schema, reading from the same pool (two of them: `Schemas::execute` picks).
    pub schema: Schemas,
    /// Checks bearer tokens.
    pub authenticator: Authenticator,
    /// Limits and cross-origin rules of the HTTP endpoint.
    pub http: config::HttpSettings,
    /// Counts requests per token and client address.
    pub rate_limiter: Arc<http::rate_limit::RateLimiter>,
    /// Prometheus metrics.
    pub metrics: Arc<metrics::Metrics>,
    /// Counts the SQL statements sent through `db` (shared with `metrics`).
    pub statements: metrics::StatementCounter,
    /// Answers to anonymous queries, by query and change sequence.
    pub response_cache: Arc<read_cache::ResponseCache>,
    /// The registry's change sequence, read once for many concurrent requests.
    pub change_sequence: read_cache::ChangeSequence,
    /// The base of every URI the service writes (`NAP_PUBLIC_URL`).
    pub public_url: linked_data::PublicUrl,
    /// Persisted query documents: the operator's manifest and those learned from clients.
    pub persisted_queries: Arc<http::persisted_queries::PersistedQueries>,
    /// Webhook settings and the delivery worker's wake-up call.
    pub webhooks: webhooks::Hub,
    /// The registry held in memory for queries (`read_model`).
    pub read_model: Arc<read_model::ReadModel>,
    /// Tells subscriptions when the change sequence advances.
    pub change_notifier: change_notify::ChangeNotifier,
    /// WebSocket connections open per client.
    pub websocket_clients: Arc<http::subscriptions::WebSocketClients>,
    /// The token service, kept to rebuild the schema for another public URL.
    tokens: Arc<TokenService>,
}

impl AppState {
    /// State over an open, migrated database and the registry's token service.
    /// Statements sent through this state's connection are counted (`statements`); the
    /// connection's own metric callback, if any, is replaced.
    pub fn new(mut db: DatabaseConnection, tokens: Arc<TokenService>) -> Self {
        let statements = metrics::StatementCounter::default();
        let counter = statements.clone();
        db.set_metric_callback(move |_| counter.count());
        let metrics = Arc::new(metrics::Metrics::new(statements.clone()));
        let public_url = linked_data::PublicUrl::default();
        let schema = graphql::build_schemas(&db, &tokens, &public_url);
        let authenticator = Authenticator::new(Arc::clone(&tokens), db.clone());
        let http = config::HttpSettings::default();
        let rate_limiter = Arc::new(http::rate_limit::RateLimiter::new((&http).into()));
        let response_cache = Arc::new(read_cache::ResponseCache::new(http.response_cache_bytes));
        let change_sequence = read_cache::ChangeSequence::new(db.clone());
        let read_model = Arc::new(read_model::ReadModel::new(db.clone(), http.read_model_bytes));
        let persisted_queries = Arc::new(http::persisted_queries::PersistedQueries::new(
            http.persisted_queries.clone(),
        ));
        let change_notifier = change_notify::ChangeNotifier::new(
            db.clone(),
            change_sequence.clone(),
            http.subscriptions.poll_interval,
        );
        let websocket_clients = Arc::new(http::subscriptions::WebSocketClients::new(
            http.subscriptions.connections_per_client,
        ));
        Self(Arc::new(Services {
            read_model,
            change_notifier,
            websocket_clients,
            db,
            schema,
            authenticator,
            http,
            rate_limiter,
            metrics,
            statements,
            response_cache,
            change_sequence,
            public_url,
            persisted_queries,
            webhooks: webhooks::Hub::default(),
            tokens,
        }))
    }

    /// The same state with webhook settings and wake-up call `hub` (share it with the worker).
    pub fn with_webhooks(mut self, hub: webhooks::Hub) -> Self {
        Arc::make_mut(&mut self.0).webhooks = hub;
        self
    }

    /// The same state writing URIs under `public_url`.
    pub fn with_public_url(mut self, public_url: linked_data::PublicUrl) -> Self {
        let services = Arc::make_mut(&mut self.0);
        services.schema = graphql::build_schemas(&services.db, &services.tokens, &public_url);
        services.public_url = public_url;
        self
    }

    /// The same state with the HTTP limits and cross-origin rules of `http`.
    pub fn with_http(mut self, http: config::HttpSettings) -> Self {
        let services = Arc::make_mut(&mut self.0);
        services.rate_limiter = Arc::new(http::rate_limit::RateLimiter::new((&http).into()));
        services.response_cache = Arc::new(read_cache::ResponseCache::new(http.response_cache_bytes));
        services.read_model = Arc::new(read_model::ReadModel::new(
            services.db.clone(),
            http.read_model_bytes,
        ));
        services.persisted_queries = Arc::new(http::persisted_queries::PersistedQueries::new(
            http.persisted_queries.clone(),
        ));
        services.change_notifier = change_notify::ChangeNotifier::new(
            services.db.clone(),
            services.change_sequence.clone(),
            http.subscriptions.poll_interval,
        );
        services.websocket_clients = Arc::new(http::subscriptions::WebSocketClients::new(
            http.subscriptions.connections_per_client,
        ));
        services.http = http;
        self
    }
}

/// The service's HTTP application, shared by `serve` and the tests.
pub fn app(state: AppState) -> axum::Router {
    http::router(state)
}
