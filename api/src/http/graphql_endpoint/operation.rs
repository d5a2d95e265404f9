//! The type of the operation a request would run, read before it runs: a mutation is refused over
//! GET, only queries are cached, and the metrics count requests by type.

use async_graphql::parser::types::{DocumentOperations, OperationType};

/// The operation `request` would run, or `None` when the document does not parse or names no
/// operation it has (the executor reports those). The parsed document stays in the request, so
/// the executor does not parse it again.
pub(crate) fn of(request: &mut async_graphql::Request) -> Option<OperationType> {
    // A document over the token limit is not parsed here; the executor refuses it unparsed.
    if crate::graphql::limits::check_text(&request.query).is_err() {
        return None;
    }
    let operation_name = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    match &document.operations {
        DocumentOperations::Single(operation) => Some(operation.node.ty),
        DocumentOperations::Multiple(operations) => match operation_name.as_deref() {
            Some(name) => operations.get(name).map(|operation| operation.node.ty),
            // Without a name the executor refuses a document of several operations; count it
            // as a mutation if any is one, so GET never runs it.
            None if operations
                .values()
                .any(|operation| operation.node.ty == OperationType::Mutation) =>
            {
                Some(OperationType::Mutation)
            }
            None => Some(OperationType::Query),
        },
    }
}

/// The metrics' `operation_type` label.
pub(super) fn label(operation: Option<OperationType>) -> &'static str {
    match operation {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "unknown",
    }
}
