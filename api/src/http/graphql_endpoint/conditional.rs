//! Conditional answers to cached queries: an `ETag` on each answer, and 304 Not Modified when a
//! safe request's `If-None-Match` names it.

use axum::{
    http::{
        HeaderMap, HeaderValue, Method, StatusCode,
        header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH, VARY},
    },
    response::{IntoResponse, Response},
};

/// Whether the client already has the answer tagged `etag`: its `If-None-Match` names it (or `*`).
/// Conditional requests are for safe methods (RFC 9110): a POST always gets the answer.
pub(super) fn client_has(method: &Method, headers: &HeaderMap, etag: &str) -> bool {
    method != Method::POST
        && headers
            .get_all(IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == etag || tag == "*")
}

/// The 304 answer for `etag`.
pub(super) fn not_modified(etag: &str) -> Response {
    tagged(StatusCode::NOT_MODIFIED.into_response(), etag)
}

/// `response` with `ETag`, and `Cache-Control: no-cache` (keep it, but ask each time: the tag
/// makes asking cheap).
pub(super) fn tagged(mut response: Response, etag: &str) -> Response {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(ETAG, value);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        VARY,
        HeaderValue::from_static("Accept, Accept-Language, Authorization"),
    );
    response
}
