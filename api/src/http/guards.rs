//! Layers that keep what a client sends from reaching logs or answers unbounded, and keep every
//! answer in one shape: a client's `X-Request-Id` is kept only when it is short and printable (else
//! a new UUID replaces it), and failures answered before any route ran (a body over the limit,
//! a request over the timeout, an unknown path) get a JSON error body with a stable code and are
//! counted in the metrics like every routed answer.

use axum::{
    Json,
    body::Body,
    extract::State,
    http::{HeaderValue, Request, StatusCode, header::CONTENT_TYPE},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::AppState;

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
    state.metrics.http_response(route, status.as_u16());
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
    let body = Json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }));
    (parts, body).into_response()
}

/// The stable code and message of an HTTP-level failure.
pub fn failure(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("PAYLOAD_TOO_LARGE", "the request body is larger than the limit"),
        StatusCode::REQUEST_TIMEOUT => (
            "REQUEST_TIMEOUT",
            "the request did not arrive within the request timeout",
        ),
        StatusCode::NOT_FOUND => ("NOT_FOUND", "no such path"),
        StatusCode::METHOD_NOT_ALLOWED => ("METHOD_NOT_ALLOWED", "this method is not allowed here"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("UNSUPPORTED_MEDIA_TYPE", "send the request as application/json")
        }
        StatusCode::SERVICE_UNAVAILABLE => ("UNAVAILABLE", "the service is unavailable; retry later"),
        status if status.is_server_error() => ("INTERNAL", "internal error"),
        _ => (
            "BAD_REQUEST",
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
