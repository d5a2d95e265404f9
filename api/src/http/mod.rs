//! HTTP routes: `/graphql` (POST, and GET for queries only: a mutation over GET is refused with
//! 405), `/graphiql`, `/healthz`, and the token verification keys at `/.well-known/jwks.json`.

pub mod rate_limit;

use async_graphql::{
    http::GraphiQLSource,
    parser::types::{DocumentOperations, OperationType},
};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use axum::{
    Extension, Json, Router,
    extract::{ConnectInfo, State},
    http::{
        HeaderMap, HeaderValue, Method, Request, StatusCode,
        header::{
            ACCEPT, ACCEPT_LANGUAGE, ALLOW, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE,
        },
    },
    response::{Html, IntoResponse, Response},
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

use self::rate_limit::Client;
use crate::{
    AppState,
    error::ApiError,
    graphql::{errors, language::Language, loaders::Loaders},
};

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
        .allow_headers([AUTHORIZATION, CONTENT_TYPE, ACCEPT, ACCEPT_LANGUAGE])
        .max_age(Duration::from_secs(3600));
    Router::new()
        .route("/graphql", get(graphql).post(graphql))
        .route("/graphiql", get(graphiql))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/.well-known/jwks.json", get(jwks))
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
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, settings.request_timeout)),
        )
}

/// Ready when the database answers and every migration is applied.
async fn readyz(State(state): State<AppState>) -> Response {
    let pending = match state.db.ping().await {
        Ok(()) => migration::Migrator::get_pending_migrations(&state.db)
            .await
            .map(|p| p.len()),
        Err(error) => Err(error),
    };
    match pending {
        Ok(0) => (StatusCode::OK, Json(json!({ "status": "ready" }))).into_response(),
        Ok(count) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "migrations pending", "pending": count })),
        )
            .into_response(),
        Err(error) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "database unavailable" })),
            )
                .into_response()
        }
    }
}

async fn graphql(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    request: GraphQLRequest,
) -> Response {
    let request = request.into_inner();
    // GET may only read: a link or an image tag must never be able to change the registry.
    if method == Method::GET && is_mutation(&request.query, request.operation_name.as_deref()) {
        let body = json!({ "errors": [{
            "message": "mutations are sent with POST; GET is for queries only",
            "extensions": { "code": "METHOD_NOT_ALLOWED" }
        }] });
        let mut response = (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response();
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let authorization = headers
        .get(AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("invalid"));
    let actor = match state.authenticator.authenticate(authorization).await {
        Ok(actor) => actor,
        Err(error) => return refused(&error),
    };
    let client = match (&actor, connection) {
        (Some(actor), _) => actor.token().map_or(Client::Unknown, Client::Token),
        (None, Some(Extension(ConnectInfo(address)))) => Client::Address(address.ip()),
        (None, None) => Client::Unknown,
    };
    if let Err(retry_after) = state.rate_limiter.check(client, Instant::now()) {
        return rate_limited(retry_after);
    }
    let language = Language::from_accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    // Loaders are per request: they batch within it and never share a cache with another request.
    let mut request = request.data(language).data(Loaders::new(&state.db));
    if let Some(actor) = actor {
        request = request.data(actor);
    }
    let mut response = state.schema.execute(request).await;
    errors::assign_missing_codes(&mut response);
    // GraphQL over HTTP: clients that accept `application/graphql-response+json` get that media
    // type, and a request that could not run at all (parse or validation failure) gets 400.
    let graphql_media = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains(GRAPHQL_RESPONSE_MEDIA_TYPE));
    let not_run = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let mut http_response = GraphQLResponse::from(response).into_response();
    if graphql_media {
        http_response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
        );
        if not_run {
            *http_response.status_mut() = StatusCode::BAD_REQUEST;
        }
    }
    http_response
}

/// The answer over the rate limit: 429 with `Retry-After` in whole seconds.
fn rate_limited(retry_after: Duration) -> Response {
    let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    let body = json!({ "errors": [{
        "message": format!("too many requests; retry in {seconds} s"),
        "extensions": { "code": "RATE_LIMITED", "retryAfterSeconds": seconds }
    }] });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

/// The media type of the GraphQL-over-HTTP specification.
const GRAPHQL_RESPONSE_MEDIA_TYPE: &str = "application/graphql-response+json";

/// Whether the operation a request would run is a mutation (a document that does not parse is
/// left to the executor, which reports it).
fn is_mutation(query: &str, operation_name: Option<&str>) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    match &document.operations {
        DocumentOperations::Single(operation) => operation.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations
                .get(name)
                .is_some_and(|op| op.node.ty == OperationType::Mutation),
            None => operations
                .values()
                .any(|op| op.node.ty == OperationType::Mutation),
        },
    }
}

/// The answer to a request whose token is not accepted: 401 with a GraphQL error body.
fn refused(error: &ApiError) -> Response {
    if let ApiError::Database(_) | ApiError::Internal(_) = error {
        tracing::error!(?error, "could not check a token");
    }
    let status = if error.code() == "UNAUTHENTICATED" {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    let message = if status == StatusCode::UNAUTHORIZED {
        "the bearer token is not accepted: malformed, badly signed, for another issuer or audience, expired, revoked or unknown".to_owned()
    } else {
        error.message()
    };
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": error.code() } }] });
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}

async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    Json(state.authenticator.tokens().keys().jwks())
}

async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("NAP 1325 Registry")
            .finish(),
    )
}

async fn healthz() -> &'static str {
    "ok"
}
