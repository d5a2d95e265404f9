//! The endpoint's answers that fail as a whole: the database unavailable, the request timed out,
//! over the rate limit, a token not accepted, or a failure of the service's own.

use std::time::Duration;

use axum::{
    http::{HeaderValue, header::WWW_AUTHENTICATE},
    response::Response,
};
use serde_json::Map;

use crate::{
    AppState,
    error::{ApiError, ErrorCode, UNAVAILABLE_MESSAGE},
    http::error_response::{error_response, error_response_with, with_retry_after},
    metrics::Outcome,
};

/// The answer while the database cannot be reached: 503 `UNAVAILABLE` with `Retry-After`.
pub(super) fn unavailable(state: &AppState) -> (Outcome, Response) {
    state.metrics.graphql_error(ErrorCode::Unavailable.as_str());
    (
        Outcome::Failed,
        with_retry_after(error_response(ErrorCode::Unavailable, UNAVAILABLE_MESSAGE), 1),
    )
}

/// The answer to a request that did not finish within the request timeout: 503 `TIMEOUT`.
pub(super) fn timed_out(state: &AppState) -> (Outcome, Response) {
    state.metrics.graphql_error(ErrorCode::Timeout.as_str());
    let seconds = state.http.request_timeout.as_secs_f64();
    tracing::warn!(
        seconds,
        "a GraphQL request did not finish within the request timeout"
    );
    let message = format!("the request did not finish within {seconds} s; nothing it began was kept");
    (
        Outcome::TimedOut,
        with_retry_after(error_response(ErrorCode::Timeout, &message), 1),
    )
}

/// The answer when something of our own failed: "internal error", code INTERNAL.
pub(super) fn internal_error() -> (Outcome, Response) {
    (
        Outcome::Failed,
        error_response(ErrorCode::Internal, "internal error"),
    )
}

/// The answer over the rate limit: 429 with `Retry-After` in whole seconds.
pub(super) fn rate_limited(retry_after: Duration) -> Response {
    let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    let mut extensions = Map::new();
    extensions.insert("retryAfterSeconds".to_owned(), seconds.into());
    with_retry_after(
        error_response_with(
            ErrorCode::RateLimited,
            &format!("too many requests; retry in {seconds} s"),
            extensions,
        ),
        seconds,
    )
}

/// The answer to a request whose token could not be accepted: 401 when it is not valid, 503 or
/// 500 when it could not be checked.
pub(super) fn token_refused(error: &ApiError) -> Response {
    if let ApiError::Database(_) | ApiError::Internal(_) = error {
        tracing::error!(?error, "could not check a token");
    }
    match error.code() {
        ErrorCode::Unavailable => {
            with_retry_after(error_response(ErrorCode::Unavailable, &error.message()), 1)
        }
        ErrorCode::Unauthenticated => {
            let mut response = error_response(
                ErrorCode::Unauthenticated,
                "the bearer token is not accepted: malformed, badly signed, for another issuer or audience, expired, revoked or unknown",
            );
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            response
        }
        other => error_response(other, &error.message()),
    }
}
