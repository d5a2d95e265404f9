//! Builds the schema and sets the limits every request runs under.

use async_graphql::{Schema, SchemaBuilder};
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{auth::TokenService, linked_data::PublicUrl};

use super::{mutation::MutationRoot, query::QueryRoot, subscription::SubscriptionRoot};

/// The registry's GraphQL schema.
pub type RegistrySchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Deepest selection a query may make; the standard introspection query needs 13.
const MAX_DEPTH: usize = 16;
/// Most fields, weighted by list size, a query may select.
const MAX_COMPLEXITY: usize = 20_000;

/// The schema with its limits and without request data: what `print-schema` prints.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        // Caps aliases and root fields right after parsing.
        .extension(super::limits::DocumentLimits::default())
        // Reports each query's cost as `extensions.analyzer { complexity depth }`.
        .extension(async_graphql::extensions::Analyzer)
        .extension(super::description::SchemaDescription)
        .override_output_type_description::<chrono::DateTime<chrono::Utc>>(
            super::description::DATE_TIME_DESCRIPTION,
        )
}

/// The schema served over HTTP, reading from `db` and signing tokens with `tokens`. Each request
/// also carries fresh `Loaders` and, when authenticated, its `Actor`.
pub fn build_schema(db: DatabaseConnection, tokens: Arc<TokenService>) -> RegistrySchema {
    build_schema_at(db, tokens, PublicUrl::default())
}

/// [`build_schema`] writing `uri` fields under `public_url`.
pub fn build_schema_at(
    db: DatabaseConnection,
    tokens: Arc<TokenService>,
    public_url: PublicUrl,
) -> RegistrySchema {
    schema_builder().data(db).data(tokens).data(public_url).finish()
}
