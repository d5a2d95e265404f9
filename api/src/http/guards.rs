//! Layers that keep what a client sends from reaching logs or answers unbounded, and keep every
//! answer in one shape: a client's `X-Request-Id` is kept only when it is short and printable (else
//! a new UUID replaces it), and failures answered before any route ran (a body over the limit,
//! a request over the timeout, an unknown path) get a JSON error body with a stable code and are
//! counted in the metrics like every routed answer.

use super::error_response::error_response;
use crate::{AppState, error::ErrorCode};
use axum::{
    body::Body,
    extract::State,
    http::{HeaderValue, Request, StatusCode, header::CONTENT_TYPE},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Longest client-sent request id kept.
pub const MAX_REQUEST_ID_LENGTH: usize = 128;

/// The fixed routes, by which answers given before routing are counted.
const ROUTES: [&str; 6] = [
    "/graphql",
    "/graphiql",
    "/healthz",
    "/readyz",
    "/metrics",
    "/.well-known/jwks.json",
];

/// Marks a response already counted by the routed-response counter.
#[derive(Clone, Copy, Debug)]
pub struct Counted;

/// Whether a client's request id may be kept: 1 to [`MAX_REQUEST_ID_LENGTH`] visible ASCII
/// characters.
pub fn acceptable_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty() && bytes.len() <= MAX_REQUEST_ID_LENGTH && bytes.iter().all(u8::is_ascii_graphic)
}

/// Drops a client's `X-Request-Id` that is too long or not visible ASCII (a new one is then
/// assigned), so that it can neither flood the logs nor break their lines.
pub async fn bound_request_id(mut request: Request<Body>, next: Next) -> Response {
    let headers = request.headers_mut();
    let bad = headers
        .get_all("x-request-id")
        .iter()
        .enumerate()
        .any(|(index, value)| index > 0 || !acceptable_request_id(value));
    if bad {
        headers.remove("x-request-id");
    }
    next.run(request).await
}

/// Gives an error answered without a JSON body (by the body limit, the timeout, or the router's
/// fallback) a JSON error body with a code, and counts answers the routes did not count.
pub async fn json_failures(State(state): State<AppState>, request: Request<Body>, next: Next) -> Response {
    let route = ROUTES
        .iter()
        .find(|route| **route == request.uri().path())
        .copied()
        .unwrap_or("unmatched");
    let response = next.run(request).await;
    if response.extensions().get::<Counted>().is_some() {
        return response;
    }
    let status = response.status();
    state.metrics.http_response(route.into(), status.as_u16());
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("json"));
    if status.is_success() || status.is_redirection() || is_json {
        return response;
    }
    let (code, message) = failure(status);
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(CONTENT_TYPE);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    // The status stays the one the layer chose; only the body is given the common shape.
    let (body_parts, body) = error_response(code, message).into_parts();
    parts.headers.extend(body_parts.headers);
    (parts, body).into_response()
}

/// The body limits: every request's, and a plan import upload's.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// `NAP_MAX_BODY_BYTES`.
    pub body: usize,
    /// `NAP_IMPORT_MAX_BYTES`: a multipart request may be this much larger.
    pub import: usize,
}

/// Bounds request bodies to `max_body_bytes`, or for a multipart request (a plan import's upload)
/// to the import limit on top of it; a larger body is answered 413.
pub async fn body_limit(State(limits): State<BodyLimits>, request: Request<Body>, next: Next) -> Response {
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(super::request_checks::is_multipart);
    let limit = if multipart {
        limits.body.saturating_add(limits.import)
    } else {
        limits.body
    };
    let length = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if length.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}

/// The stable code and message of an HTTP-level failure.
pub fn failure(status: StatusCode) -> (ErrorCode, &'static str) {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            "the request body is larger than the limit",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            ErrorCode::RequestTimeout,
            "the request did not arrive within the request timeout",
        ),
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "no such path"),
        StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::MethodNotAllowed, "this method is not allowed here"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "send the request as application/json",
        ),
        StatusCode::SERVICE_UNAVAILABLE => {
            (ErrorCode::Unavailable, "the service is unavailable; retry later")
        }
        status if status.is_server_error() => (ErrorCode::Internal, "internal error"),
        _ => (
            ErrorCode::BadRequest,
            "the request is not a valid HTTP request for this service",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_bounded_and_printable() {
        let ok = |text: &str| acceptable_request_id(&HeaderValue::from_str(text).unwrap());
        assert!(ok("3f2a-client-id"));
        assert!(ok(&"a".repeat(128)));
        assert!(!ok(&"a".repeat(129)));
        assert!(!ok("two words"));
        assert!(!ok(""));
        assert!(!acceptable_request_id(
            &HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap()
        ));
    }
}
