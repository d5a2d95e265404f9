//! The one error type of the service, and the one place that assigns the stable error codes
//! clients branch on. Resolvers and the domain layer return `ApiError`; it becomes a GraphQL
//! error with `extensions.code`, and internal causes are logged, never shown.

use sea_orm::DbErr;

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
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Validation { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            // The database cannot be reached: answered 503 with `Retry-After`, nothing was kept.
            Self::Database(cause) if crate::db::is_connection_failure(cause) => "UNAVAILABLE",
            Self::Database(_) | Self::Internal(_) => "INTERNAL",
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
