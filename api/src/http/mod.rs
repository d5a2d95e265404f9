//! HTTP routes: `/graphql` (`graphql_endpoint`), GraphiQL served from the registry itself
//! (`graphiql`), `/healthz`, `/readyz`, Prometheus `/metrics`, and the token verification keys at
//! `/.well-known/jwks.json`; and the layers every request passes: request id, tracing span,
//! metrics, body limit, CORS and timeout. Rate limiting (`rate_limit`) counts clients by token or
//! by address (`client_address`).

pub mod client_address;
pub mod compression;
pub mod export;
pub mod graphiql;
pub mod graphql_endpoint;
pub mod rate_limit;

use std::time::Duration;

use axum::{
    Json, Router,
    extract::{MatchedPath, State},
    http::{
        HeaderValue, Method, Request, StatusCode,
        header::{ACCEPT, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE, IF_NONE_MATCH},
    },
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use migration::MigratorTrait;
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::AppState;

/// The service's router over `state`, with its request id, tracing, timeout, body limit and
/// CORS layers.
pub fn router(state: AppState) -> Router {
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
        .route("/export/{file}", get(export::export))
        .route_layer(middleware::from_fn_with_state(state.clone(), count_response))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
                }))
                .layer(PropagateRequestIdLayer::x_request_id())
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

/// Longest `/readyz` waits for the database before calling it unavailable.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

/// Ready when the database answers (within [`READINESS_TIMEOUT`]) and every migration is applied.
async fn readyz(State(state): State<AppState>) -> Response {
    let check = async {
        state.db.ping().await?;
        migration::Migrator::get_pending_migrations(&state.db)
            .await
            .map(|pending| pending.len())
    };
    let unavailable =
        |status: &str| (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": status }))).into_response();
    match tokio::time::timeout(READINESS_TIMEOUT, check).await {
        Ok(Ok(0)) => (StatusCode::OK, Json(json!({ "status": "ready" }))).into_response(),
        Ok(Ok(count)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "migrations pending", "pending": count })),
        )
            .into_response(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            unavailable("database unavailable")
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            unavailable("database unavailable")
        }
    }
}

async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    Json(state.authenticator.tokens().keys().jwks())
}

async fn healthz() -> &'static str {
    "ok"
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
    let response = next.run(request).await;
    state.metrics.http_response(&route, response.status().as_u16());
    response
}
