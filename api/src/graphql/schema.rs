//! Builds the schema and sets the limits every request runs under.

use async_graphql::{EmptyMutation, EmptySubscription, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use super::query::QueryRoot;

/// The registry's GraphQL schema.
pub type RegistrySchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Deepest selection a query may make; the standard introspection query needs 13.
const MAX_DEPTH: usize = 16;
/// Most fields, weighted by list size, a query may select.
const MAX_COMPLEXITY: usize = 20_000;

/// The schema with its limits and without request data: what `print-schema` prints.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
}

/// The schema served over HTTP, reading from `db`. Each request must also carry fresh `Loaders`.
pub fn build_schema(db: DatabaseConnection) -> RegistrySchema {
    schema_builder().data(db).finish()
}
