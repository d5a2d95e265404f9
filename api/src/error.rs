//! The one error type of the service, and the one place that assigns the stable error codes
//! clients branch on ([`ErrorCode`], with the HTTP status each is answered with). Resolvers and
//! the domain layer return `ApiError`; it becomes a GraphQL error with `extensions.code`, and
//! internal causes are logged, never shown. The HTTP layer answers its own refusals (a wrong
//! method, the rate limit, the timeout) with codes from the same table.

use axum::http::StatusCode;
use sea_orm::DbErr;

/// Every code the service answers with, in `extensions.code` (or an export's `code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// No valid token where one is needed.
    Unauthenticated,
    /// The token does not allow this.
    Forbidden,
    /// A referenced object, path or export does not exist.
    NotFound,
    /// An argument, input field or variable is invalid.
    BadUserInput,
    /// A stale version, or a collision with existing data.
    Conflict,
    /// The database cannot be reached, or the service is at its connection limit.
    Unavailable,
    /// Something of the service's own failed; the cause is logged.
    Internal,
    /// A GraphQL request that did not finish within the request timeout.
    Timeout,
    /// A request whose body did not arrive within the request timeout.
    RequestTimeout,
    /// Over the rate limit.
    RateLimited,
    /// A method the route does not take (a mutation over GET).
    MethodNotAllowed,
    /// A body that is not declared JSON.
    UnsupportedMediaType,
    /// A body over the size limit.
    PayloadTooLarge,
    /// A JSON array of GraphQL requests.
    BatchNotSupported,
    /// A request that is not a GraphQL (or HTTP) request this service understands.
    BadRequest,
    /// A GraphQL document that does not parse.
    GraphqlParseFailed,
    /// A GraphQL document that is not valid for the schema or exceeds its limits.
    GraphqlValidationFailed,
    /// None of the media types the client accepts is offered.
    NotAcceptable,
    /// A persisted query's hash this instance does not know (the client should send the
    /// document); answered 200, as Apollo's protocol expects.
    PersistedQueryNotFound,
    /// A persisted query named while persisted queries are off.
    PersistedQueryNotSupported,
    /// A persisted query's hash that is not the SHA-256 of the document sent with it.
    PersistedQueryHashMismatch,
    /// A document not in the allow-list (`NAP_PERSISTED_QUERIES=only`).
    PersistedQueryNotAllowed,
    /// Over a subscription limit: subscriptions on one WebSocket connection, or WebSocket
    /// connections of one client.
    SubscriptionLimit,
}

impl ErrorCode {
    /// Every code, for the table's tests and documentation.
    pub const ALL: [Self; 23] = [
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::BadUserInput,
        Self::Conflict,
        Self::Unavailable,
        Self::Internal,
        Self::Timeout,
        Self::RequestTimeout,
        Self::RateLimited,
        Self::MethodNotAllowed,
        Self::UnsupportedMediaType,
        Self::PayloadTooLarge,
        Self::BatchNotSupported,
        Self::BadRequest,
        Self::GraphqlParseFailed,
        Self::GraphqlValidationFailed,
        Self::NotAcceptable,
        Self::PersistedQueryNotFound,
        Self::PersistedQueryNotSupported,
        Self::PersistedQueryHashMismatch,
        Self::PersistedQueryNotAllowed,
        Self::SubscriptionLimit,
    ];

    /// The stable wire string clients branch on.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::Unavailable => "UNAVAILABLE",
            Self::Internal => "INTERNAL",
            Self::Timeout => "TIMEOUT",
            Self::RequestTimeout => "REQUEST_TIMEOUT",
            Self::RateLimited => "RATE_LIMITED",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::BatchNotSupported => "BATCH_NOT_SUPPORTED",
            Self::BadRequest => "BAD_REQUEST",
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::NotAcceptable => "NOT_ACCEPTABLE",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryNotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
            Self::PersistedQueryHashMismatch => "PERSISTED_QUERY_HASH_MISMATCH",
            Self::PersistedQueryNotAllowed => "PERSISTED_QUERY_NOT_ALLOWED",
            Self::SubscriptionLimit => "SUBSCRIPTION_LIMIT",
        }
    }

    /// The HTTP status of an answer that fails as a whole with this code. (Inside a GraphQL
    /// answer that ran, errors travel with 200 beside the data.)
    pub const fn status(self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadUserInput
            | Self::BadRequest
            | Self::BatchNotSupported
            | Self::GraphqlParseFailed
            | Self::GraphqlValidationFailed => StatusCode::BAD_REQUEST,
            Self::Conflict => StatusCode::CONFLICT,
            Self::Unavailable | Self::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::RateLimited | Self::SubscriptionLimit => StatusCode::TOO_MANY_REQUESTS,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Self::PersistedQueryNotFound => StatusCode::OK,
            Self::PersistedQueryNotSupported
            | Self::PersistedQueryHashMismatch
            | Self::PersistedQueryNotAllowed => StatusCode::BAD_REQUEST,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets a code be compared with its wire string (`error.code() == "FORBIDDEN"` in tests).
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<ErrorCode> for async_graphql::Value {
    fn from(code: ErrorCode) -> Self {
        Self::from(code.as_str())
    }
}

/// What a client is told while the database cannot be reached (code `UNAVAILABLE`).
pub const UNAVAILABLE_MESSAGE: &str =
    "the registry's database is unavailable; nothing was changed, retry later";

/// Everything that can go wrong while answering a request.
///
/// It deliberately does not implement `Display`: async-graphql converts any displayable error into
/// a bare message, and this type must instead carry its code (see the `From` impl below).
#[derive(Debug)]
pub enum ApiError {
    /// The request needs a valid token and has none.
    Unauthenticated,
    /// The token is valid but does not allow this.
    Forbidden(String),
    /// A referenced object does not exist.
    NotFound {
        /// What was looked for, e.g. `plan UA-NAP-2021-2025`.
        what: String,
    },
    /// An argument or input field is invalid.
    Validation {
        /// The argument or input field, as the client spelled it (e.g. `input.number`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The write was based on a stale version or collides with existing data.
    Conflict(String),
    /// The database failed; the cause is logged and never shown to the client.
    Database(DbErr),
    /// Any other unexpected failure; the cause is logged and never shown to the client.
    Internal(String),
}

impl ApiError {
    /// A validation error naming the offending field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The message shown to the client. Internal causes are replaced by "internal error".
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => "authentication required".to_owned(),
            Self::Forbidden(message) | Self::Conflict(message) => message.clone(),
            Self::NotFound { what } => format!("{what} not found"),
            Self::Validation { field, message } => format!("{field}: {message}"),
            Self::Database(cause) if crate::db::is_connection_failure(cause) => {
                UNAVAILABLE_MESSAGE.to_owned()
            }
            Self::Database(_) | Self::Internal(_) => "internal error".to_owned(),
        }
    }

    /// The stable code clients branch on; it lands in the GraphQL error's `extensions.code`.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Validation { .. } => ErrorCode::BadUserInput,
            Self::Conflict(_) => ErrorCode::Conflict,
            // The database cannot be reached: answered 503 with `Retry-After`, nothing was kept.
            Self::Database(cause) if crate::db::is_connection_failure(cause) => ErrorCode::Unavailable,
            Self::Database(_) | Self::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<DbErr> for ApiError {
    fn from(error: DbErr) -> Self {
        Self::Database(error)
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        match &error {
            ApiError::Database(cause) => tracing::error!(error = %cause, "database error"),
            ApiError::Internal(cause) => tracing::error!(error = %cause, "internal error"),
            _ => {}
        }
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", error.code());
        if let ApiError::Validation { field, .. } = &error {
            extensions.set("field", field.as_str());
        }
        async_graphql::Error {
            message: error.message(),
            source: None,
            extensions: Some(extensions),
        }
    }
}

/// The result type of the domain layer and the resolvers.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_maps_to_its_stable_code() {
        let cases = [
            (ApiError::Unauthenticated, "UNAUTHENTICATED"),
            (ApiError::Forbidden("no".into()), "FORBIDDEN"),
            (
                ApiError::NotFound {
                    what: "plan X".into(),
                },
                "NOT_FOUND",
            ),
            (ApiError::invalid("first", "too large"), "BAD_USER_INPUT"),
            (ApiError::Conflict("stale".into()), "CONFLICT"),
            (ApiError::Database(DbErr::Custom("boom".into())), "INTERNAL"),
            (ApiError::Internal("boom".into()), "INTERNAL"),
            (
                ApiError::Database(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout)),
                "UNAVAILABLE",
            ),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code, "{error:?}");
        }
    }

    #[test]
    fn codes_are_unique_screaming_snake_and_map_to_their_status() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} appears twice");
            assert!(
                !text.is_empty()
                    && !text.starts_with('_')
                    && !text.ends_with('_')
                    && text.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{text} is not SCREAMING_SNAKE"
            );
            assert_eq!(code.to_string(), text);
        }
        let statuses = [
            (ErrorCode::Unauthenticated, 401),
            (ErrorCode::Forbidden, 403),
            (ErrorCode::NotFound, 404),
            (ErrorCode::BadUserInput, 400),
            (ErrorCode::Conflict, 409),
            (ErrorCode::Unavailable, 503),
            (ErrorCode::Internal, 500),
            (ErrorCode::Timeout, 503),
            (ErrorCode::RequestTimeout, 408),
            (ErrorCode::RateLimited, 429),
            (ErrorCode::MethodNotAllowed, 405),
            (ErrorCode::UnsupportedMediaType, 415),
            (ErrorCode::PayloadTooLarge, 413),
            (ErrorCode::BatchNotSupported, 400),
            (ErrorCode::BadRequest, 400),
            (ErrorCode::GraphqlParseFailed, 400),
            (ErrorCode::GraphqlValidationFailed, 400),
            (ErrorCode::NotAcceptable, 406),
            (ErrorCode::PersistedQueryNotFound, 200),
            (ErrorCode::PersistedQueryNotSupported, 400),
            (ErrorCode::PersistedQueryHashMismatch, 400),
            (ErrorCode::PersistedQueryNotAllowed, 400),
            (ErrorCode::SubscriptionLimit, 429),
        ];
        assert_eq!(
            statuses.len(),
            ErrorCode::ALL.len(),
            "every code has its status here"
        );
        for (code, status) in statuses {
            assert_eq!(code.status().as_u16(), status, "{code}");
        }
    }

    #[test]
    fn internal_causes_never_reach_the_message() {
        let error = ApiError::Database(DbErr::Custom("SELECT secret FROM /var/lib".into()));
        let graphql_error: async_graphql::Error = error.into();
        assert_eq!(graphql_error.message, "internal error");
    }

    #[test]
    fn validation_errors_name_the_field() {
        let graphql_error: async_graphql::Error = ApiError::invalid("first", "at most 100").into();
        assert_eq!(graphql_error.message, "first: at most 100");
        let extensions = graphql_error.extensions.expect("extensions are set");
        assert_eq!(
            extensions.get("field"),
            Some(&async_graphql::Value::from("first"))
        );
        assert_eq!(
            extensions.get("code"),
            Some(&async_graphql::Value::from("BAD_USER_INPUT"))
        );
    }
}
