//! `/graphql`: GraphQL over HTTP. POST with JSON (`request_checks` refuses what is not a well-formed
//! request), GET for queries only (a mutation over GET is
//! refused with 405 and `Allow: POST`), `application/graphql-response+json` when the client
//! accepts it, no batches. Each request is authenticated, rate limited, run under the request
//! timeout and counted in the metrics. Anonymous queries go through the response cache
//! (`crate::read_cache`), with an `ETag` and 304 answers to `If-None-Match`.

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use async_graphql::ParseRequestError;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql_axum::{GraphQLRequest, rejection::GraphQLRejection};
use axum::{
    Extension, Json,
    body::Bytes,
    extract::{ConnectInfo, State},
    http::{
        HeaderMap, HeaderValue, Method, StatusCode,
        header::{
            ACCEPT_LANGUAGE, ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
            RETRY_AFTER, VARY, WWW_AUTHENTICATE,
        },
    },
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{
    client_address::client_address,
    rate_limit::Client,
    request_checks::{self, accepts_graphql_response},
};
use crate::{
    AppState,
    db::DatabaseHealth,
    error::{ApiError, UNAVAILABLE_MESSAGE},
    graphql::{errors, language::Language, loaders::Loaders},
    metrics::Outcome,
    read_cache::CacheKey,
};

/// `GET` and `POST /graphql`.
pub async fn graphql(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    Extension(health): Extension<DatabaseHealth>,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let started = Instant::now();
    if let Err(refusal) = request_checks::check_content_type(&method, &headers) {
        return refuse(&state, started, &refusal);
    }
    let mut request = match request {
        Ok(request) => request.into_inner(),
        Err(rejection) => {
            let (status, code, message) = not_a_request(&rejection.0);
            state.metrics.graphql_error(code);
            state
                .metrics
                .graphql_request("unknown", Outcome::Refused, started.elapsed().as_secs_f64());
            return error_response(status, message, code);
        }
    };
    if let Err(refusal) = state.persisted_queries.resolve(&mut request) {
        return refuse(&state, started, &refusal);
    }
    if let Err(refusal) = request_checks::check_has_query(&request) {
        return refuse(&state, started, &refusal);
    }
    if let Some(error) = request_checks::parse_failure(&mut request) {
        state.metrics.graphql_error("GRAPHQL_PARSE_FAILED");
        state
            .metrics
            .graphql_request("unknown", Outcome::Failed, started.elapsed().as_secs_f64());
        return request_checks::parse_failed_response(&headers, error);
    }
    let operation_type = operation_type(&mut request);
    // While the database is known to be away, fail at once rather than wait for the pool.
    let (outcome, response) = if health.is_available() {
        // Dropping the answer on timeout rolls back any write it had begun.
        match tokio::time::timeout(
            state.http.request_timeout,
            answer(
                &state,
                &health,
                method,
                &headers,
                connection,
                request,
                operation_type,
            ),
        )
        .await
        {
            Ok(answered) => answered,
            Err(_) if !health.probe().await => unavailable(&state),
            Err(_) => timed_out(&state),
        }
    } else {
        unavailable(&state)
    };
    state
        .metrics
        .graphql_request(operation_type, outcome, started.elapsed().as_secs_f64());
    response
}

/// Counts and answers a request refused before it ran.
fn refuse(state: &AppState, started: Instant, refusal: &request_checks::Refusal) -> Response {
    state.metrics.graphql_error(refusal.code);
    state
        .metrics
        .graphql_request("unknown", Outcome::Refused, started.elapsed().as_secs_f64());
    request_checks::refusal_response(refusal)
}

/// The status, code and message for a body that is not a GraphQL request.
fn not_a_request(error: &ParseRequestError) -> (StatusCode, &'static str, &'static str) {
    match error {
        ParseRequestError::PayloadTooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "the request body is larger than the limit",
        ),
        ParseRequestError::Io(cause) if cause.to_string().contains("length limit exceeded") => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "the request body is larger than the limit",
        ),
        ParseRequestError::UnsupportedBatch => (
            StatusCode::BAD_REQUEST,
            "BATCH_NOT_SUPPORTED",
            "batches are not supported; send one request per operation",
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the body is not a GraphQL request: send JSON (UTF-8) with `query`, and optionally `operationName` and `variables`",
        ),
    }
}

/// The answer while the database cannot be reached: 503 `UNAVAILABLE` with `Retry-After`.
fn unavailable(state: &AppState) -> (Outcome, Response) {
    state.metrics.graphql_error("UNAVAILABLE");
    (
        Outcome::Failed,
        with_retry_after(error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            UNAVAILABLE_MESSAGE,
            "UNAVAILABLE",
        )),
    )
}

/// `response` with `Retry-After: 1`.
fn with_retry_after(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

async fn answer(
    state: &AppState,
    health: &DatabaseHealth,
    method: Method,
    headers: &HeaderMap,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    request: async_graphql::Request,
    operation_type: &'static str,
) -> (Outcome, Response) {
    // Only POST may write: a link or an image tag (GET, or HEAD, which axum routes with GET) must
    // never be able to change the registry.
    if method != Method::POST && operation_type == "mutation" {
        state.metrics.graphql_error("METHOD_NOT_ALLOWED");
        let mut response = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "mutations are sent with POST; GET is for queries only",
            "METHOD_NOT_ALLOWED",
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return (Outcome::Refused, response);
    }
    if let Some(field) = field_with_nul(&request) {
        state.metrics.graphql_error("BAD_USER_INPUT");
        let body = json!({ "errors": [{
            "message": "text may not contain the NUL character (U+0000)",
            "extensions": { "code": "BAD_USER_INPUT", "field": field }
        }] });
        return (
            Outcome::Refused,
            (StatusCode::BAD_REQUEST, Json(body)).into_response(),
        );
    }
    let authorization = headers
        .get(AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("invalid"));
    let address = connection.map(|Extension(ConnectInfo(peer))| {
        Client::Address(client_address(peer.ip(), headers, &state.http.trusted_proxies))
    });
    let actor = match state.authenticator.authenticate(authorization).await {
        Ok(actor) => actor,
        Err(error) => {
            // A refused token counts against its client address like an anonymous request, so
            // that guessing tokens is no way around the rate limit.
            if let Err(retry_after) = state
                .rate_limiter
                .check(address.unwrap_or(Client::Unknown), Instant::now())
            {
                state.metrics.graphql_error("RATE_LIMITED");
                return (Outcome::Refused, rate_limited(retry_after));
            }
            if error.code() == "UNAVAILABLE" {
                health.report_unavailable();
            }
            state.metrics.graphql_error(error.code());
            return (Outcome::Refused, refused(&error));
        }
    };
    let client = match &actor {
        Some(actor) => actor.token().map_or(Client::Unknown, Client::Token),
        None => address.unwrap_or(Client::Unknown),
    };
    if let Err(retry_after) = state.rate_limiter.check(client, Instant::now()) {
        state.metrics.graphql_error("RATE_LIMITED");
        return (Outcome::Refused, rate_limited(retry_after));
    }
    let language = Language::from_accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    // Anonymous queries are the same for everyone: they are answered from the response cache.
    if actor.is_none() && operation_type == "query" && state.response_cache.is_enabled() {
        return cached_answer(state, health, &method, headers, request, language).await;
    }
    // Loaders are per request: they batch within it and never share a cache with another request.
    let mut request = request.data(language).data(Loaders::new(&state.db));
    if let Some(actor) = actor {
        request = request.data(actor);
    }
    let response = state.schema.execute(request).await;
    finish(state, health, headers, response).await
}

/// Answers an anonymous query from the response cache when its answer at the current change
/// sequence is kept (or with 304 when the client already has it), else runs it once however many
/// ask at the same time, and keeps the answer if it has no errors.
async fn cached_answer(
    state: &AppState,
    health: &DatabaseHealth,
    method: &Method,
    headers: &HeaderMap,
    request: async_graphql::Request,
    language: Language,
) -> (Outcome, Response) {
    let cache = &state.response_cache;
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    let language_code = match language {
        Language::Uk => "uk",
        Language::En => "en",
    };
    let key = CacheKey::new(
        &request.query,
        request.operation_name.as_deref(),
        &variables,
        language_code,
    );
    let sequence = match state.change_sequence.current().await {
        Ok(sequence) => sequence,
        Err(error) => {
            // This one small statement fails when the database cannot be reached.
            tracing::warn!(?error, "cannot read the registry's change sequence");
            health.report_unavailable();
            return unavailable(state);
        }
    };
    let etag = key.etag(sequence);
    // Conditional requests are for safe methods (RFC 9110): a POST always gets the answer.
    if method != Method::POST && client_has(headers, &etag) {
        state.metrics.cache_lookup("not_modified");
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        set_cache_headers(&mut response, &etag);
        return (Outcome::Cached, response);
    }
    if let Some(body) = cache.get(&key, sequence) {
        state.metrics.cache_lookup("hit");
        return (Outcome::Cached, json_response(headers, body, Some(&etag)));
    }
    let turn = cache.compute_alone(key, sequence).await;
    if let Some(body) = cache.get(&key, sequence) {
        state.metrics.cache_lookup("hit");
        return (Outcome::Cached, json_response(headers, body, Some(&etag)));
    }
    // Held while running, so that the others wait for the answer, unless it could not be kept.
    let turn = (!turn.answer_was_not_kept()).then_some(turn);
    state.metrics.cache_lookup("miss");
    let request = request.data(language).data(Loaders::new(&state.db));
    let response = state.schema.execute(request).await;
    if let Some(turn) = &turn {
        turn.ran();
    }
    if !response.errors.is_empty() {
        return finish(state, health, headers, response).await;
    }
    let Some(body) = serialize(&response) else {
        return internal_error();
    };
    cache.insert(key, sequence, body.clone());
    let size = cache.size();
    state.metrics.cache_size(size.bytes, size.entries);
    (Outcome::Ok, json_response(headers, body, Some(&etag)))
}

/// The JSON of an executed response (`None`, logged, if it cannot be made).
fn serialize(response: &async_graphql::Response) -> Option<Bytes> {
    serde_json::to_vec(response)
        .map(Bytes::from)
        .map_err(|error| tracing::error!(%error, "cannot serialize a response"))
        .ok()
}

/// The answer when something of our own failed: "internal error", code INTERNAL.
fn internal_error() -> (Outcome, Response) {
    (
        Outcome::Failed,
        error_response(StatusCode::INTERNAL_SERVER_ERROR, "internal error", "INTERNAL"),
    )
}

/// Whether `If-None-Match` names `etag` (or `*`).
fn client_has(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// `ETag`, and `Cache-Control: no-cache` (keep it, but ask each time: the tag makes asking cheap).
fn set_cache_headers(response: &mut Response, etag: &str) {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(ETAG, value);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        VARY,
        HeaderValue::from_static("Accept, Accept-Language, Authorization"),
    );
}

/// Codes the errors of an executed `response`, bounds them, counts them, and answers it. Errors
/// the database's absence caused answer 503 `UNAVAILABLE` with `Retry-After` as a whole, however
/// they were reported.
async fn finish(
    state: &AppState,
    health: &DatabaseHealth,
    headers: &HeaderMap,
    mut response: async_graphql::Response,
) -> (Outcome, Response) {
    errors::assign_missing_codes(&mut response);
    errors::bound(&mut response);
    if has_code(&response, "UNAVAILABLE") || (has_code(&response, "INTERNAL") && !health.probe().await) {
        health.report_unavailable();
        return unavailable(state);
    }
    for error in &response.errors {
        let code = error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .and_then(|code| match code {
                async_graphql::Value::String(code) => Some(code.as_str()),
                _ => None,
            })
            .unwrap_or("UNKNOWN");
        state.metrics.graphql_error(code);
    }
    let no_data = response.data == async_graphql::Value::Null;
    let outcome = match (response.errors.is_empty(), no_data) {
        (true, _) => Outcome::Ok,
        (false, true) => Outcome::Failed,
        (false, false) => Outcome::Partial,
    };
    // GraphQL over HTTP: a request that could not run at all (parse or validation failure) gets
    // 400 when the client accepts `application/graphql-response+json`.
    // Such a request never ran, so its answer has no `data` entry.
    let not_run = no_data && !response.errors.is_empty() && response.errors.iter().all(|e| e.path.is_empty());
    let body = if not_run {
        request_checks::without_data(&response)
    } else {
        serialize(&response)
    };
    let Some(body) = body else {
        return internal_error();
    };
    let mut http_response = json_response(headers, body, None);
    if not_run && accepts_graphql_response(headers) {
        *http_response.status_mut() = StatusCode::BAD_REQUEST;
    }
    (outcome, http_response)
}

/// Whether an error of `response` carries `code`.
fn has_code(response: &async_graphql::Response, code: &str) -> bool {
    response.errors.iter().any(|error| {
        error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .is_some_and(|value| matches!(value, async_graphql::Value::String(c) if c == code))
    })
}

/// A 200 answer with a serialized GraphQL response: `application/graphql-response+json` for
/// clients that accept it, else `application/json`.
fn json_response(headers: &HeaderMap, body: Bytes, etag: Option<&str>) -> Response {
    let media_type = if accepts_graphql_response(headers) {
        "application/graphql-response+json; charset=utf-8"
    } else {
        "application/json"
    };
    let mut response = ([(CONTENT_TYPE, media_type)], body).into_response();
    if let Some(etag) = etag {
        set_cache_headers(&mut response, etag);
    }
    response
}

/// The answer to a request that did not finish within the request timeout: 503 `TIMEOUT`.
fn timed_out(state: &AppState) -> (Outcome, Response) {
    state.metrics.graphql_error("TIMEOUT");
    let seconds = state.http.request_timeout.as_secs_f64();
    tracing::warn!(
        seconds,
        "a GraphQL request did not finish within the request timeout"
    );
    let mut response = error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("the request did not finish within {seconds} s; nothing it began was kept"),
        "TIMEOUT",
    );
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    (Outcome::TimedOut, response)
}

/// Where a request carries the NUL character, which no text in the registry may hold (PostgreSQL
/// cannot store it, and SQLite would): a variable, by name, or `query` for a `\u0000` escape in the
/// document's string literals. Refused at the door, so both backends answer alike.
fn field_with_nul(request: &async_graphql::Request) -> Option<String> {
    fn holds_nul(value: &async_graphql::Value) -> bool {
        match value {
            async_graphql::Value::String(text) => text.contains('\0'),
            async_graphql::Value::List(items) => items.iter().any(holds_nul),
            async_graphql::Value::Object(fields) => fields
                .iter()
                .any(|(name, value)| name.contains('\0') || holds_nul(value)),
            _ => false,
        }
    }
    if let Some((name, _)) = request.variables.iter().find(|(_, value)| holds_nul(value)) {
        return Some(format!("variables.{name}"));
    }
    request.query.contains("\\u0000").then(|| "query".to_owned())
}

/// A GraphQL error body with one error, `message` and `code`, under `status`.
fn error_response(status: StatusCode, message: &str, code: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
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

/// The type of the operation a request would run: `query`, `mutation`, or `unknown` when the
/// document does not parse or names no operation it has (the executor reports those). The parsed
/// document stays in the request, so the executor does not parse it again.
fn operation_type(request: &mut async_graphql::Request) -> &'static str {
    // A document over the token limit is not parsed here; the executor refuses it unparsed.
    if crate::graphql::limits::check_text(&request.query).is_err() {
        return "unknown";
    }
    let operation_name = request.operation_name.clone();
    let operation_name = operation_name.as_deref();
    let Ok(document) = request.parsed_query() else {
        return "unknown";
    };
    let operation = match &document.operations {
        DocumentOperations::Single(operation) => Some(operation.node.ty),
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations.get(name).map(|op| op.node.ty),
            // Without a name the executor refuses a document of several operations; count it
            // as a mutation if any is one, so GET never runs it.
            None => Some(
                if operations
                    .values()
                    .any(|op| op.node.ty == OperationType::Mutation)
                {
                    OperationType::Mutation
                } else {
                    OperationType::Query
                },
            ),
        },
    };
    match operation {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "unknown",
    }
}

/// The answer to a request whose token is not accepted: 401 with a GraphQL error body.
fn refused(error: &ApiError) -> Response {
    if let ApiError::Database(_) | ApiError::Internal(_) = error {
        tracing::error!(?error, "could not check a token");
    }
    if error.code() == "UNAVAILABLE" {
        return with_retry_after(error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &error.message(),
            error.code(),
        ));
    }
    if error.code() != "UNAUTHENTICATED" {
        return error_response(StatusCode::INTERNAL_SERVER_ERROR, &error.message(), error.code());
    }
    let mut response = error_response(
        StatusCode::UNAUTHORIZED,
        "the bearer token is not accepted: malformed, badly signed, for another issuer or audience, expired, revoked or unknown",
        error.code(),
    );
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}
