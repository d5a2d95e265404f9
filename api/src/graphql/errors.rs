//! Stable codes for the errors async-graphql raises itself. Errors from resolvers already carry
//! their code (see `crate::error`); a request that is not a valid GraphQL document for this schema
//! (syntax errors, unknown fields, wrong argument types in the document: errors without a path)
//! gets `GRAPHQL_VALIDATION_FAILED`, and an argument or variable value the server could not coerce
//! to its type (an error with a path but no code) gets `BAD_USER_INPUT`.
//!
//! Answers are bounded whatever the document: at most [`MAX_ERRORS`] errors (the last one says how
//! many more there were), each message at most [`MAX_MESSAGE_CHARS`] characters, so that a
//! document never makes the answer larger than itself (syntax errors quote the offending line).

use async_graphql::{Response, ServerError};

use crate::error::ErrorCode;

/// Most errors in one answer.
pub const MAX_ERRORS: usize = 20;
/// Longest error message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// Cuts `response`'s errors to [`MAX_ERRORS`] and their messages to [`MAX_MESSAGE_CHARS`].
pub fn bound(response: &mut Response) {
    if response.errors.len() > MAX_ERRORS {
        let left_out = response.errors.len() - (MAX_ERRORS - 1);
        response.errors.truncate(MAX_ERRORS - 1);
        let mut note = ServerError::new(format!("... and {left_out} more errors, left out"), None);
        let code = response
            .errors
            .last()
            .and_then(|error| error.extensions.as_ref())
            .and_then(|extensions| extensions.get("code"))
            .cloned();
        if let Some(code) = code {
            note.extensions
                .get_or_insert_with(Default::default)
                .set("code", code);
        }
        response.errors.push(note);
    }
    for error in &mut response.errors {
        if let Some((cut, _)) = error.message.char_indices().nth(MAX_MESSAGE_CHARS) {
            error.message.truncate(cut);
            error.message.push_str("...");
        }
    }
}

/// Gives every error of `response` an `extensions.code`.
pub fn assign_missing_codes(response: &mut Response) {
    for error in &mut response.errors {
        if has_code(error) {
            continue;
        }
        let code = if error.path.is_empty() {
            ErrorCode::GraphqlValidationFailed
        } else {
            ErrorCode::BadUserInput
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

fn has_code(error: &ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some())
}

#[cfg(test)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Pos, Schema};

    use super::*;

    struct Query;

    #[Object]
    impl Query {
        async fn double(&self, value: i32) -> i32 {
            value * 2
        }
    }

    async fn codes(query: &str) -> Vec<String> {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let mut response = schema.execute(query).await;
        assign_missing_codes(&mut response);
        response
            .errors
            .iter()
            .map(|e| {
                e.extensions
                    .as_ref()
                    .and_then(|x| x.get("code"))
                    .map(ToString::to_string)
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn answers_are_bounded() {
        let errors = (0..1000)
            .map(|i| {
                let mut error = ServerError::new(format!("{i} {}", "x".repeat(10_000)), None);
                error
                    .extensions
                    .get_or_insert_with(Default::default)
                    .set("code", "GRAPHQL_VALIDATION_FAILED");
                error
            })
            .collect();
        let mut response = Response::from_errors(errors);
        bound(&mut response);
        assert_eq!(response.errors.len(), MAX_ERRORS);
        assert!(
            response.errors[MAX_ERRORS - 1]
                .message
                .contains("981 more errors")
        );
        assert!(has_code(&response.errors[MAX_ERRORS - 1]));
        assert!(
            response
                .errors
                .iter()
                .all(|e| e.message.chars().count() <= MAX_MESSAGE_CHARS + 3)
        );
        let mut short = Response::from_errors(vec![ServerError::new("ж".repeat(5), None)]);
        bound(&mut short);
        assert_eq!(short.errors[0].message, "жжжжж");
    }

    #[tokio::test]
    async fn server_raised_errors_get_codes() {
        assert_eq!(
            codes("{ double(value: 1").await,
            ["\"GRAPHQL_VALIDATION_FAILED\""]
        );
        assert_eq!(codes("{ triple }").await, ["\"GRAPHQL_VALIDATION_FAILED\""]);
        let mut response =
            Response::from_errors(vec![ServerError::new("bad", Some(Pos { line: 1, column: 1 }))]);
        response.errors[0].path = vec![async_graphql::PathSegment::Field("double".into())];
        assign_missing_codes(&mut response);
        assert_eq!(
            response.errors[0]
                .extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .map(ToString::to_string),
            Some("\"BAD_USER_INPUT\"".to_owned())
        );
    }
}
