//! HTTP routes: `/graphql` (`graphql_endpoint`), GraphiQL served from the registry itself
//! (`graphiql`), `/healthz`, `/readyz`, Prometheus `/metrics`, and the token verification keys at
//! `/.well-known/jwks.json`, the permanent addresses `/id/…` and `/vocabulary/…` (`linked_data`), `/favicon.ico`;
//! and the layers every request passes: request id (bounded), tracing
//! span, metrics, body limit, CORS and timeout, with JSON bodies for failures found before routing
//! (`guards`). Rate limiting (`rate_limit`) counts clients by token or by address
//! (`client_address`); `health` owns the health routes, `server` the bounded connection loop,
//! `subscriptions` GraphQL subscriptions over WebSocket on `/graphql`.

pub mod client_address;
pub mod compression;
pub mod error_response;
pub mod export;
pub mod graphiql;
pub mod graphql_endpoint;
pub mod guards;
pub mod health;
pub mod persisted_queries;
pub mod rate_limit;
pub mod request_checks;
pub mod server;
pub mod subscriptions;

use std::time::Duration;

use axum::{
    Extension, Json, Router,
    extract::{MatchedPath, State},
    http::{
        HeaderMap, HeaderValue, Method, Request, StatusCode,
        header::{ACCEPT, ACCEPT_LANGUAGE, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, IF_NONE_MATCH},
    },
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use tower::ServiceBuilder;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{AppState, db::DatabaseHealth, error::ErrorCode, metrics::Exposition};
use health::{Readiness, healthz, readyz};

/// The service's router over `state`, with its request id, tracing, timeout, body limit and
/// CORS layers.
pub fn router(state: AppState) -> Router {
    routers(state).app
}

/// The service's routes, and the health routes alone for connections over the cap; both share
/// one view of the database's health and one readiness answer.
pub struct Routers {
    /// Every route.
    pub app: Router,
    /// `/healthz` and `/readyz` only (anything else: 503 `UNAVAILABLE`).
    pub reserve: Router,
}

/// The routers over `state`.
pub fn routers(state: AppState) -> Routers {
    let health = DatabaseHealth::new(state.db.clone());
    let readiness = Readiness::new(state.db.clone(), health.clone());
    let reserve = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(over_capacity)
        .layer(Extension(readiness.clone()))
        .layer(middleware::from_fn(guards::bound_request_id));
    let app = app_router(state, health, readiness);
    Routers { app, reserve }
}

/// The answer to anything but a health check on a connection over the cap.
async fn over_capacity() -> Response {
    error_response::with_retry_after(
        error_response::error_response(
            ErrorCode::Unavailable,
            "the service is at its connection limit; retry later",
        ),
        1,
    )
}

fn app_router(state: AppState, health: DatabaseHealth, readiness: Readiness) -> Router {
    let settings = state.http.clone();
    let cors = CorsLayer::new()
        .allow_origin(allowed_origins(&settings))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            AUTHORIZATION,
            CONTENT_TYPE,
            ACCEPT,
            ACCEPT_LANGUAGE,
            IF_NONE_MATCH,
        ])
        .expose_headers([
            axum::http::header::ETAG,
            axum::http::HeaderName::from_static("x-request-id"),
        ])
        .max_age(Duration::from_secs(3600));
    Router::new()
        .route(
            "/graphql",
            get(graphql_endpoint::graphql)
                .post(graphql_endpoint::graphql)
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    subscriptions::upgrade_or_pass,
                )),
        )
        .route("/graphiql", get(graphiql::page))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/.well-known/jwks.json", get(jwks))
        .merge(crate::linked_data::routes())
        .route("/export/{file}", get(export::export))
        .route("/favicon.ico", get(favicon))
        .route_layer(middleware::from_fn_with_state(state.clone(), count_response))
        .layer(Extension(readiness))
        .layer(Extension(health))
        .with_state(state.clone())
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn(guards::bound_request_id))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
                }))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(middleware::from_fn_with_state(state, guards::json_failures))
                .layer(middleware::from_fn_with_state(
                    guards::BodyLimits {
                        body: settings.max_body_bytes,
                        import: settings.import_max_bytes,
                    },
                    guards::body_limit,
                ))
                .layer(cors)
                .map_response(compression::weaken_etag_when_encoded)
                .layer(compression::layer())
                // GraphQL execution has its own timeout with a GraphQL error body; this one, a
                // little longer, bounds everything else, such as a body that arrives too slowly.
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    settings.request_timeout + Duration::from_secs(1),
                )),
        )
}

/// `GET /.well-known/jwks.json`, cacheable for five minutes: keys change only with a restart, and
/// a new key is published before tokens are signed with it.
/// The origins CORS allows: those of `NAP_CORS_ORIGINS`, and with
/// `NAP_CORS_ANONYMOUS_ANY_ORIGIN` any origin for a request (or a preflight) that carries no
/// `Authorization`. Bearer tokens travel in that header, never in cookies, so a page on any origin
/// can read public data but cannot act with a token unless its origin is listed.
fn allowed_origins(settings: &crate::config::HttpSettings) -> AllowOrigin {
    let listed: Vec<HeaderValue> = settings
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if !settings.cors_any_origin_anonymous {
        return AllowOrigin::list(listed);
    }
    AllowOrigin::predicate(move |origin, request| {
        let asks_for_authorization = request
            .headers
            .get_all("access-control-request-headers")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|name| name.trim().eq_ignore_ascii_case("authorization"));
        listed.contains(origin) || !(request.headers.contains_key(AUTHORIZATION) || asks_for_authorization)
    })
}

async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(CACHE_CONTROL, "public, max-age=300")],
        Json(state.authenticator.tokens().keys().jwks()),
    )
}

/// `GET /favicon.ico`: the registry's icon (SVG).
async fn favicon() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "image/svg+xml"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_bytes!("../../assets/favicon.svg").as_slice(),
    )
}

/// `GET /metrics`: OpenMetrics when `Accept` asks for it, else the Prometheus text format 0.0.4.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let exposition = Exposition::from_accept(headers.get(ACCEPT).and_then(|v| v.to_str().ok()));
    if let Some(snapshot) = state.read_model.current() {
        state.metrics.read_model(
            snapshot.bytes,
            snapshot.sequence,
            snapshot.rows_read,
            snapshot.answers_queries(),
        );
    }
    (
        [(CONTENT_TYPE, exposition.content_type())],
        state.metrics.render(&state.db, exposition),
    )
        .into_response()
}

/// Counts every routed response by route and status.
async fn count_response(
    State(state): State<AppState>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let route: std::borrow::Cow<'static, str> = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched".into(), |path| path.as_str().to_owned().into());
    let mut response = next.run(request).await;
    state.metrics.http_response(route, response.status().as_u16());
    response.extensions_mut().insert(guards::Counted);
    response
}
