//! The service's own answers that fail as a whole, in the GraphQL error shape every route shares:
//! `{"errors": [{"message": ..., "extensions": {"code": ...}}]}`, under the status the code maps to
//! (`crate::error::ErrorCode::status`).

use axum::{
    Json,
    http::{HeaderValue, header::RETRY_AFTER},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use crate::error::ErrorCode;

/// One error with `code` and `message`, under the code's status.
pub fn error_response(code: ErrorCode, message: &str) -> Response {
    error_response_with(code, message, Map::new())
}

/// One error with `code`, `message` and further `extensions` (`field`, `retryAfterSeconds`).
pub fn error_response_with(code: ErrorCode, message: &str, mut extensions: Map<String, Value>) -> Response {
    extensions.insert("code".to_owned(), code.as_str().into());
    let body = json!({ "errors": [{ "message": message, "extensions": extensions }] });
    (code.status(), Json(body)).into_response()
}

/// `response` with `Retry-After: <seconds>`.
pub fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}
