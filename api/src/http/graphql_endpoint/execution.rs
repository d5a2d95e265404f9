//! Running a request through the schema (the one place that does), and turning the executed
//! response into the HTTP answer: codes for errors the executor raised, bounded errors, counted
//! error codes, the outcome, and 400 for a request that could not run at all.

use std::sync::Arc;

use axum::{
    body::Bytes,
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};

use super::refusals;
use crate::{
    AppState,
    db::DatabaseHealth,
    domain::access::Actor,
    error::ErrorCode,
    graphql::{errors, language::Language, loaders::Loaders},
    http::request_checks::{self, accepts_graphql_response},
    metrics::Outcome,
};

/// Where a request's resolvers read.
#[derive(Debug, Clone, Copy)]
pub(super) enum ReadFrom {
    /// The read model, showing at least every write up to this change sequence (queries).
    ReadModel(i64),
    /// The database (mutations: they must see their own writes).
    Database,
}

/// Runs `request` as `actor` (`None`: anonymous) with texts in `language`, reading `from`.
pub(super) async fn execute(
    state: &AppState,
    request: async_graphql::Request,
    language: Language,
    actor: Option<Actor>,
    from: ReadFrom,
) -> async_graphql::Response {
    let loaders = match from {
        ReadFrom::ReadModel(sequence) => state.read_model.loaders_at(sequence).await,
        ReadFrom::Database => Arc::new(Loaders::new(&state.db)),
    };
    let mut request = request
        .data(language)
        .data(loaders)
        .data(state.webhooks.clone())
        .data(crate::graphql::mutation::ImportLimit(state.http.import_max_bytes));
    if let Some(actor) = actor {
        request = request.data(actor);
    }
    match from {
        ReadFrom::ReadModel(_) => state.schema.execute(request).await,
        ReadFrom::Database => state.schema.execute_once(request).await,
    }
}

/// Codes the errors of an executed `response`, bounds them, counts them, and answers it. Errors
/// the database's absence caused answer 503 `UNAVAILABLE` with `Retry-After` as a whole, however
/// they were reported.
pub(super) async fn finish(
    state: &AppState,
    health: &DatabaseHealth,
    headers: &HeaderMap,
    mut response: async_graphql::Response,
) -> (Outcome, Response) {
    errors::assign_missing_codes(&mut response);
    errors::bound(&mut response);
    let has_code = |code: ErrorCode| {
        response
            .errors
            .iter()
            .any(|error| code_of(error) == Some(code.as_str()))
    };
    if has_code(ErrorCode::Unavailable) || (has_code(ErrorCode::Internal) && !health.probe().await) {
        health.report_unavailable();
        return refusals::unavailable(state);
    }
    for error in &response.errors {
        state.metrics.graphql_error(code_of(error).unwrap_or("UNKNOWN"));
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
        return refusals::internal_error();
    };
    let mut http_response = json_response(headers, body);
    if not_run && accepts_graphql_response(headers) {
        *http_response.status_mut() = StatusCode::BAD_REQUEST;
    }
    (outcome, http_response)
}

/// The `extensions.code` of an error, if it has one.
fn code_of(error: &async_graphql::ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code.as_str()),
        _ => None,
    }
}

/// The JSON of an executed response (`None`, logged, if it cannot be made). `sonic_rs` writes
/// the same bytes as `serde_json` (the same escapes and number formats) and finds the characters
/// to escape with SIMD: a whole plan tree's answer is mostly text.
pub(super) fn serialize(response: &async_graphql::Response) -> Option<Bytes> {
    sonic_rs::to_vec(response)
        .map(Bytes::from)
        .map_err(|error| tracing::error!(%error, "cannot serialize a response"))
        .ok()
}

/// A 200 answer with a serialized GraphQL response: `application/graphql-response+json` for
/// clients that accept it, else `application/json`.
pub(super) fn json_response(headers: &HeaderMap, body: Bytes) -> Response {
    let media_type = if accepts_graphql_response(headers) {
        "application/graphql-response+json; charset=utf-8"
    } else {
        "application/json"
    };
    ([(CONTENT_TYPE, media_type)], body).into_response()
}

#[cfg(test)]
mod tests {
    use async_graphql::{
        ErrorExtensionValues, Name, PathSegment, Pos, ServerError, Value, indexmap::IndexMap,
    };

    use super::serialize;

    /// Every character that must be escaped, characters that must not be, and text around them.
    fn tricky_strings() -> Vec<String> {
        let mut strings: Vec<String> = (0_u8..0x80)
            .map(|byte| format!("a{}b", char::from(byte)))
            .collect();
        strings.extend(
            [
                "",
                "\"",
                "\\",
                "/",
                "\u{7f}",
                "Синтетичний пункт \"1.1\"\n\tз\\лапками",
                "emoji 🎗️ and \u{2028}\u{2029} separators",
                "a long run of plain text that a SIMD scan covers sixteen or thirty-two bytes at a time, then \"",
            ]
            .map(str::to_owned),
        );
        strings
    }

    fn numbers() -> Vec<Value> {
        let floats = [
            0.0,
            -0.0,
            0.1,
            5.0,
            23.3,
            -1.5e-7,
            1e21,
            1e-7,
            123_456_789.125,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        let mut numbers: Vec<Value> = floats.into_iter().map(Value::from).collect();
        numbers.extend([
            Value::from(0),
            Value::from(-1),
            Value::from(i64::MIN),
            Value::from(u64::MAX),
        ]);
        numbers
    }

    #[test]
    fn responses_are_written_exactly_as_serde_json_writes_them() {
        let mut object = IndexMap::new();
        for (index, text) in tricky_strings().into_iter().enumerate() {
            object.insert(Name::new(format!("field{index}")), Value::String(text));
        }
        object.insert(Name::new("numbers"), Value::List(numbers()));
        object.insert(
            Name::new("flags"),
            Value::List(vec![Value::Boolean(true), Value::Null]),
        );
        object.insert(Name::new("level"), Value::Enum(Name::new("NATIONAL")));
        let mut error = ServerError::new("bad \"input\"\n", Some(Pos { line: 2, column: 7 }));
        error.path = vec![PathSegment::Field("plan".to_owned()), PathSegment::Index(3)];
        let mut extensions = ErrorExtensionValues::default();
        extensions.set("code", "BAD_USER_INPUT");
        error.extensions = Some(extensions);
        let mut response = async_graphql::Response::new(Value::Object(object))
            .extension("cost", Value::from(12))
            .extension("note", Value::String("\u{1}".to_owned()));
        response.errors.push(error);

        let written = serialize(&response).unwrap();

        assert_eq!(
            written.as_ref(),
            serde_json::to_vec(&response).unwrap().as_slice()
        );
    }
}
