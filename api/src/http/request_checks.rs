//! What GraphQL over HTTP asks of a request to `/graphql` before it runs, and of the answer when it
//! does not: a POST body declared `application/json` (anything else is 415), a `query` (a body
//! without one is 400, not an empty document), a document that parses (`GRAPHQL_PARSE_FAILED`),
//! mutations only over POST (405), no NUL character in any text, and no `data` entry in the answer
//! to a request that never ran (parse or validation failure).

use async_graphql::{ParseRequestError, ServerError, parser::types::OperationType};
use axum::{
    body::Bytes,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header::ACCEPT, header::ALLOW, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use serde_json::Map;

use super::error_response::error_response_with;
use crate::error::ErrorCode;

/// A request refused before it ran: its code (which gives the status), message and, for a bad
/// value, the field.
#[derive(Debug)]
pub struct Refusal {
    /// The error's `extensions.code`.
    pub code: ErrorCode,
    /// What was wrong, for the client.
    pub message: &'static str,
    /// Where the bad value is (`extensions.field`).
    pub field: Option<String>,
}

impl Refusal {
    /// A refusal with `code` and `message`, naming no field.
    pub fn new(code: ErrorCode, message: &'static str) -> Self {
        Self {
            code,
            message,
            field: None,
        }
    }
}

/// Refuses a POST whose body is not declared JSON (no content type, `text/plain`, a form): such
/// requests are what a browser sends across origins without asking, and the body may be anything.
/// A GraphQL multipart request (`multipart/form-data`, file uploads such as `importIati`) is taken
/// only with an `Authorization` header, which a browser never sends across origins without asking.
pub fn check_content_type(method: &Method, headers: &HeaderMap) -> Result<(), Refusal> {
    if method != Method::POST {
        return Ok(());
    }
    let media_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim);
    let is_json = media_type.is_some_and(|m| m.eq_ignore_ascii_case("application/json"));
    // A file upload (GraphQL multipart request, `importPlan`) carries a token: a page cannot add
    // `Authorization` to a cross-origin form without asking first.
    let is_upload =
        media_type.is_some_and(is_multipart) && headers.contains_key(axum::http::header::AUTHORIZATION);
    if is_json || is_upload {
        Ok(())
    } else {
        Err(Refusal::new(
            ErrorCode::UnsupportedMediaType,
            "send the GraphQL request as JSON with `Content-Type: application/json` (file uploads: `multipart/form-data` with a bearer token)",
        ))
    }
}

/// Whether `media_type` is `multipart/form-data` (a GraphQL multipart request: a file upload).
pub fn is_multipart(media_type: &str) -> bool {
    media_type.trim().eq_ignore_ascii_case("multipart/form-data")
}

/// The refusal of a body that is not one GraphQL request.
pub fn not_a_request(error: &ParseRequestError) -> Refusal {
    match error {
        ParseRequestError::PayloadTooLarge => Refusal::new(
            ErrorCode::PayloadTooLarge,
            "the request body is larger than the limit",
        ),
        ParseRequestError::Io(cause) if cause.to_string().contains("length limit exceeded") => Refusal::new(
            ErrorCode::PayloadTooLarge,
            "the request body is larger than the limit",
        ),
        ParseRequestError::UnsupportedBatch => Refusal::new(
            ErrorCode::BatchNotSupported,
            "batches are not supported; send one request per operation",
        ),
        _ => Refusal::new(
            ErrorCode::BadRequest,
            "the body is not a GraphQL request: send JSON (UTF-8) with `query`, and optionally `operationName` and `variables`",
        ),
    }
}

/// Refuses a request without a `query` (a misspelt key, an empty body object).
pub fn check_has_query(request: &async_graphql::Request) -> Result<(), Refusal> {
    if request.query.trim().is_empty() {
        Err(Refusal::new(
            ErrorCode::BadRequest,
            "the request has no `query`: send the GraphQL document as `query`",
        ))
    } else {
        Ok(())
    }
}

/// Only POST may write: a link or an image tag (GET, or HEAD, which axum routes with GET) must
/// never be able to change the registry.
pub fn check_method(method: &Method, operation: Option<OperationType>) -> Result<(), Refusal> {
    if method != Method::POST && operation == Some(OperationType::Mutation) {
        Err(Refusal::new(
            ErrorCode::MethodNotAllowed,
            "mutations are sent with POST; GET is for queries only",
        ))
    } else {
        Ok(())
    }
}

/// Refuses a request carrying the NUL character, which no text in the registry may hold
/// (PostgreSQL cannot store it, and SQLite would): in a variable, named by the refusal, or as a
/// `\u0000` escape in the document's string literals (`query`). Refused at the door, so both
/// backends answer alike.
pub fn check_no_nul(request: &async_graphql::Request) -> Result<(), Refusal> {
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
    let field = match request.variables.iter().find(|(_, value)| holds_nul(value)) {
        Some((name, _)) => format!("variables.{name}"),
        None if request.query.contains("\\u0000") => "query".to_owned(),
        None => return Ok(()),
    };
    Err(Refusal {
        field: Some(field),
        ..Refusal::new(
            ErrorCode::BadUserInput,
            "text may not contain the NUL character (U+0000)",
        )
    })
}

/// The answer to a refused request: a GraphQL error body under its code's status, with the
/// header that says what would have been accepted.
pub fn refusal_response(refusal: &Refusal) -> Response {
    let mut extensions = Map::new();
    if let Some(field) = &refusal.field {
        extensions.insert("field".to_owned(), field.as_str().into());
    }
    let mut response = error_response_with(refusal.code, refusal.message, extensions);
    let headers = response.headers_mut();
    match refusal.code {
        ErrorCode::UnsupportedMediaType => {
            headers.insert("accept-post", HeaderValue::from_static("application/json"));
        }
        ErrorCode::MethodNotAllowed => {
            headers.insert(ALLOW, HeaderValue::from_static("POST"));
        }
        _ => {}
    }
    response
}

/// The parse error of `request`'s document, if it does not parse (a document over the token limit
/// is left to the executor, which refuses it unparsed).
pub fn parse_failure(request: &mut async_graphql::Request) -> Option<ServerError> {
    if crate::graphql::limits::check_text(&request.query).is_err() {
        return None;
    }
    crate::graphql::documents::parse(request).err()
}

/// The answer to a document that does not parse: `GRAPHQL_PARSE_FAILED`, no `data`, 400 for
/// clients that accept `application/graphql-response+json` (200 for `application/json`, as the
/// specification keeps for that media type).
pub fn parse_failed_response(headers: &HeaderMap, error: ServerError) -> Response {
    let mut error = error;
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", ErrorCode::GraphqlParseFailed);
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
