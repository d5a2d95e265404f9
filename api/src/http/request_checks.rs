//! What GraphQL over HTTP asks of a request to `/graphql` before it runs, and of the answer when it
//! does not: a POST body declared `application/json` (anything else is 415), a `query` (a body
//! without one is 400, not an empty document), a document that parses (`GRAPHQL_PARSE_FAILED`), and
//! no `data` entry in the answer to a request that never ran (parse or validation failure).

use async_graphql::ServerError;
use axum::{
    Json,
    body::Bytes,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header::ACCEPT, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use serde_json::json;

/// A request refused before it ran: its status, code and message.
#[derive(Debug)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error's `extensions.code`.
    pub code: &'static str,
    /// What was wrong, for the client.
    pub message: &'static str,
}

/// Refuses a POST whose body is not declared JSON (no content type, `text/plain`, a form): such
/// requests are what a browser sends across origins without asking, and the body may be anything.
pub fn check_content_type(method: &Method, headers: &HeaderMap) -> Result<(), Refusal> {
    if method != Method::POST {
        return Ok(());
    }
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(Refusal {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "UNSUPPORTED_MEDIA_TYPE",
            message: "send the GraphQL request as JSON with `Content-Type: application/json`",
        })
    }
}

/// Refuses a request without a `query` (a misspelt key, an empty body object).
pub fn check_has_query(request: &async_graphql::Request) -> Result<(), Refusal> {
    if request.query.trim().is_empty() {
        Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            code: "BAD_REQUEST",
            message: "the request has no `query`: send the GraphQL document as `query`",
        })
    } else {
        Ok(())
    }
}

/// The answer to a refused request: a GraphQL error body under its status.
pub fn refusal_response(refusal: &Refusal) -> Response {
    let body = json!({ "errors": [{
        "message": refusal.message,
        "extensions": { "code": refusal.code }
    }] });
    let mut response = (refusal.status, Json(body)).into_response();
    if refusal.status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        response
            .headers_mut()
            .insert("accept-post", HeaderValue::from_static("application/json"));
    }
    response
}

/// The parse error of `request`'s document, if it does not parse (a document over the token limit
/// is left to the executor, which refuses it unparsed).
pub fn parse_failure(request: &mut async_graphql::Request) -> Option<ServerError> {
    if crate::graphql::limits::check_text(&request.query).is_err() {
        return None;
    }
    request.parsed_query().err()
}

/// The answer to a document that does not parse: `GRAPHQL_PARSE_FAILED`, no `data`, 400 for
/// clients that accept `application/graphql-response+json` (200 for `application/json`, as the
/// specification keeps for that media type).
pub fn parse_failed_response(headers: &HeaderMap, error: ServerError) -> Response {
    let mut error = error;
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", "GRAPHQL_PARSE_FAILED");
    let mut response = async_graphql::Response::from_errors(vec![error]);
    crate::graphql::errors::bound(&mut response);
    let body = without_data(&response).unwrap_or_else(|| Bytes::from_static(b"{}"));
    let (status, media_type) = if accepts_graphql_response(headers) {
        (
            StatusCode::BAD_REQUEST,
            "application/graphql-response+json; charset=utf-8",
        )
    } else {
        (StatusCode::OK, "application/json")
    };
    (status, [(CONTENT_TYPE, media_type)], body).into_response()
}

/// The JSON of a response that never ran, without its `data` entry (`None`, logged, if it cannot
/// be made).
pub fn without_data(response: &async_graphql::Response) -> Option<Bytes> {
    let mut value = serde_json::to_value(response)
        .map_err(|error| tracing::error!(%error, "cannot serialize a response"))
        .ok()?;
    if let Some(object) = value.as_object_mut() {
        object.remove("data");
    }
    serde_json::to_vec(&value).ok().map(Bytes::from)
}

/// Whether the client asked for `application/graphql-response+json`.
pub fn accepts_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/graphql-response+json"))
}
