//! Builds the schema and sets the limits every request runs under.
//!
//! async-graphql runs every field of a query through the hooks of every extension the schema
//! has (one boxed future per extension per field, lists item by item). So the schema that serves
//! ordinary queries carries one extension only ([`super::limits::DocumentLimits`], which also
//! reports each query's cost), and [`super::description::SchemaDescription`], whose hook exists
//! only to answer `__schema { description }`, sits on a second schema that [`Schemas`] picks only
//! for a query whose text names `__schema`.

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

/// The schema with its limits and without request data: what `print-schema` prints, and what
/// answers `__schema { description }` with the registry's own description.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    common_builder().extension(super::description::SchemaDescription)
}

/// [`schema_builder`] without the extension that answers `__schema { description }`: the schema
/// of every query that does not name `__schema`.
fn common_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        // Caps aliases and root fields right after parsing, and reports each query's cost as
        // `extensions.analyzer { complexity depth }`.
        .extension(super::limits::DocumentLimits::default())
        .override_output_type_description::<chrono::DateTime<chrono::Utc>>(
            super::description::DATE_TIME_DESCRIPTION,
        )
}

/// The two schemas the service runs requests through: the same types, data and limits, one with
/// the per-field hook that answers `__schema { description }` and one without.
#[derive(Clone)]
pub struct Schemas {
    common: RegistrySchema,
    introspective: RegistrySchema,
}

impl Schemas {
    /// The schema for a document `query`: the introspective one only when the text names
    /// `__schema` (the one root field through which `__Schema.description` can be reached; a
    /// GraphQL name has no escapes, so no other spelling reaches it).
    pub fn for_query(&self, query: &str) -> &RegistrySchema {
        if query.contains("__schema") {
            &self.introspective
        } else {
            &self.common
        }
    }

    /// The schema for queries, mutations and subscriptions that do not name `__schema`.
    pub fn common(&self) -> &RegistrySchema {
        &self.common
    }

    /// Runs `request` through the schema [`Self::for_query`] picks for its text.
    pub async fn execute(&self, request: impl Into<async_graphql::Request>) -> async_graphql::Response {
        let request = request.into();
        self.for_query(&request.query).execute(request).await
    }
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

/// The [`Schemas`] served over HTTP, reading from `db`, signing tokens with `tokens` and writing
/// `uri` fields under `public_url`.
pub fn build_schemas(db: &DatabaseConnection, tokens: &Arc<TokenService>, public_url: &PublicUrl) -> Schemas {
    let with_data = |builder: SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot>| {
        builder
            .data(db.clone())
            .data(Arc::clone(tokens))
            .data(public_url.clone())
            .finish()
    };
    Schemas {
        common: with_data(common_builder()),
        introspective: with_data(schema_builder()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas() -> Schemas {
        Schemas {
            common: common_builder().finish(),
            introspective: schema_builder().finish(),
        }
    }

    #[tokio::test]
    async fn the_schema_describes_itself_when_asked_and_queries_run_without_the_hook() {
        let schemas = schemas();
        let response = schemas.execute("{ __schema { description } }").await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let data = response.data.into_json().unwrap();
        assert_eq!(
            data["__schema"]["description"],
            super::super::description::SCHEMA_DESCRIPTION
        );
        let query = "{ __typename }";
        assert!(std::ptr::eq(schemas.for_query(query), schemas.common()));
        let response = schemas.execute(query).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let analyzer = response.extensions.get("analyzer").expect("the cost is reported");
        let analyzer = serde_json::to_value(analyzer).unwrap();
        assert!(
            analyzer["complexity"].is_u64() && analyzer["depth"].is_u64(),
            "{analyzer}"
        );
    }
}
