//! HTTP routes: `/graphql` (`graphql_endpoint`), GraphiQL served from the registry itself
//! (`graphiql`), `/healthz`, `/readyz`, Prometheus `/metrics`, and the token verification keys at
//! `/.well-known/jwks.json`, the permanent addresses `/id/…` and `/vocabulary/…` (`linked_data`);
//! and the layers every request passes: request id (bounded), tracing
//! span, metrics, body limit, CORS and timeout, with JSON bodies for failures found before routing
//! (`guards`). Rate limiting (`rate_limit`) counts clients by token or by address
//! (`client_address`); `health` owns the health routes, `server` the bounded connection loop.

pub mod client_address;
pub mod compression;
pub mod export;
pub mod graphiql;
pub mod graphql_endpoint;
pub mod guards;
pub mod health;
pub mod rate_limit;
pub mod server;

use std::time::Duration;

use axum::{
    Extension, Json, Router,
    extract::{MatchedPath, State},
    http::{
        HeaderValue, Method, Request, StatusCode,
        header::{ACCEPT, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE, IF_NONE_MATCH},
    },
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use tower::ServiceBuilder;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{AppState, db::DatabaseHealth};
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
    let body = serde_json::json!({ "errors": [{
        "message": "the service is at its connection limit; retry later",
        "extensions": { "code": "UNAVAILABLE" }
    }] });
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    response
        .headers_mut()
        .insert(axum::http::header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

fn app_router(state: AppState, health: DatabaseHealth, readiness: Readiness) -> Router {
    let settings = state.http.clone();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(
            settings
                .cors_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok()),
        ))
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
            get(graphql_endpoint::graphql).post(graphql_endpoint::graphql),
        )
        .route("/graphiql", get(graphiql::page))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/.well-known/jwks.json", get(jwks))
        .merge(crate::linked_data::routes())
        .route("/export/{file}", get(export::export))
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
                .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
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

async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    Json(state.authenticator.tokens().keys().jwks())
}

/// `GET /metrics`: Prometheus text format.
async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(&state.db),
    )
        .into_response()
}

/// Counts every routed response by route and status.
async fn count_response(
    State(state): State<AppState>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let mut response = next.run(request).await;
    state.metrics.http_response(&route, response.status().as_u16());
    response.extensions_mut().insert(guards::Counted);
    response
}
