//! Stable codes for the errors async-graphql raises itself. Errors from resolvers already carry
//! their code (see `crate::error`); a request that is not a valid GraphQL document for this schema
//! (syntax errors, unknown fields, wrong argument types in the document: errors without a path)
//! gets `GRAPHQL_VALIDATION_FAILED`, and an argument or variable value the server could not coerce
//! to its type (an error with a path but no code) gets `BAD_USER_INPUT`.

use async_graphql::{Response, ServerError};

/// Gives every error of `response` an `extensions.code`.
pub fn assign_missing_codes(response: &mut Response) {
    for error in &mut response.errors {
        if has_code(error) {
            continue;
        }
        let code = if error.path.is_empty() {
            "GRAPHQL_VALIDATION_FAILED"
        } else {
            "BAD_USER_INPUT"
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
