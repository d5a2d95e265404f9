//! Builds the schema and sets the limits every request runs under.
//!
//! async-graphql runs every field of a query through the hooks of every extension the schema
//! has (one boxed future per extension per field, lists item by item). So [`Schemas`] holds the
//! same schema three times:
//! - *measuring*, with one extension, [`super::limits::DocumentLimits`], which checks a document's
//!   shape and reports its cost: a request runs here the first time it is seen;
//! - *plain*, with no extension: a request whose cost is already known runs here
//!   ([`super::cost`]);
//! - *introspective*, adding [`super::description::SchemaDescription`], whose hook exists only to
//!   answer `__schema { description }`: only a query whose text names `__schema` runs here.

use async_graphql::{Schema, SchemaBuilder};
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{auth::TokenService, linked_data::PublicUrl};

use super::{
    cost::{Cost, KnownCosts},
    mutation::MutationRoot,
    query::QueryRoot,
    subscription::SubscriptionRoot,
};

/// The registry's GraphQL schema.
pub type RegistrySchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Deepest selection a query may make; the standard introspection query needs 13.
const MAX_DEPTH: usize = 16;
/// Most fields, weighted by list size, a query may select.
const MAX_COMPLEXITY: usize = 20_000;

/// The schema with its limits and without request data: what `print-schema` prints, and what
/// answers `__schema { description }` with the registry's own description.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    measuring_builder().extension(super::description::SchemaDescription)
}

/// [`schema_builder`] without the extension that answers `__schema { description }`: the schema
/// of a query that does not name `__schema` the first time it is run.
fn measuring_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    // Caps aliases and root fields right after parsing, and reports each query's cost as
    // `extensions.analyzer { complexity depth }`.
    plain_builder().extension(super::limits::DocumentLimits::default())
}

/// The schema with its limits and no extension: a query whose cost is known runs here.
fn plain_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .override_output_type_description::<chrono::DateTime<chrono::Utc>>(
            super::description::DATE_TIME_DESCRIPTION,
        )
}

/// The schemas the service runs requests through: the same types, data and limits, with the
/// extensions each kind of request needs (see the module documentation).
#[derive(Clone)]
pub struct Schemas {
    measuring: RegistrySchema,
    plain: RegistrySchema,
    introspective: RegistrySchema,
    costs: Arc<KnownCosts>,
}

impl Schemas {
    /// The schema for a document `query`: the introspective one only when the text names
    /// `__schema` (the one root field through which `__Schema.description` can be reached; a
    /// GraphQL name has no escapes, so no other spelling reaches it).
    pub fn for_query(&self, query: &str) -> &RegistrySchema {
        if query.contains("__schema") {
            &self.introspective
        } else {
            &self.measuring
        }
    }

    /// The schema for subscriptions (and any document run once) that do not name `__schema`:
    /// it checks the document's shape and reports its cost.
    pub fn common(&self) -> &RegistrySchema {
        &self.measuring
    }

    /// Runs `request` through the schema [`Self::for_query`] picks, keeping nothing: for
    /// mutations, whose variables differ from one write to the next, so a kept cost would only
    /// push out the costs of queries.
    pub async fn execute_once(&self, request: impl Into<async_graphql::Request>) -> async_graphql::Response {
        let request = request.into();
        Box::pin(self.for_query(&request.query).execute(request)).await
    }

    /// Runs `request`: through the plain schema with the kept cost when the same request was
    /// measured before, else through the schema [`Self::for_query`] picks, keeping the cost it
    /// reports.
    ///
    /// The executor's future is boxed: it is many kilobytes, and every future awaiting it inline
    /// would carry it, to be copied each time one of them is moved (into a task, a timeout, a box).
    pub async fn execute(&self, request: impl Into<async_graphql::Request>) -> async_graphql::Response {
        let request = request.into();
        let schema = self.for_query(&request.query);
        if !std::ptr::eq(schema, &self.measuring) {
            return Box::pin(schema.execute(request)).await;
        }
        let Some(key) = KnownCosts::key(&request) else {
            return Box::pin(schema.execute(request)).await;
        };
        if let Some(cost) = self.costs.get(&key) {
            return cost.report(Box::pin(self.plain.execute(request)).await);
        }
        let response = Box::pin(schema.execute(request)).await;
        if let Some(cost) = Cost::reported(&response) {
            self.costs.insert(key, cost);
        }
        response
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
        measuring: with_data(measuring_builder()),
        plain: with_data(plain_builder()),
        introspective: with_data(schema_builder()),
        costs: Arc::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas() -> Schemas {
        Schemas {
            measuring: measuring_builder().finish(),
            plain: plain_builder().finish(),
            introspective: schema_builder().finish(),
            costs: Arc::default(),
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

    #[tokio::test]
    async fn a_request_seen_before_runs_without_extensions_and_reports_the_same_cost() {
        let schemas = schemas();
        let request = |first: i64| {
            async_graphql::Request::new("query($first: Int) { plans(first: $first) { nodes { code } } }")
                .variables(async_graphql::Variables::from_json(
                    serde_json::json!({ "first": first }),
                ))
        };
        let cost =
            |response: &async_graphql::Response| Cost::reported(response).expect("the cost is reported");
        let first = cost(&schemas.execute(request(10)).await);
        let key = KnownCosts::key(&request(10)).unwrap();
        assert_eq!(schemas.costs.get(&key), Some(first), "the measured cost is kept");
        assert_eq!(cost(&schemas.execute(request(10)).await), first);
        let larger = cost(&schemas.execute(request(50)).await);
        assert!(larger.complexity > first.complexity, "{larger:?} {first:?}");
        assert_eq!(larger.depth, first.depth);
    }

    #[tokio::test]
    async fn a_request_run_once_reports_its_cost_and_keeps_nothing() {
        let schemas = schemas();
        let query = "{ __typename }";
        let response = schemas.execute_once(query).await;
        assert!(Cost::reported(&response).is_some(), "the cost is reported");
        let key = KnownCosts::key(&async_graphql::Request::new(query)).unwrap();
        assert_eq!(schemas.costs.get(&key), None);
    }

    #[tokio::test]
    async fn a_document_refused_for_its_shape_is_refused_every_time() {
        let schemas = schemas();
        let aliases: String = (0..=super::super::limits::MAX_ALIASES)
            .map(|n| format!("a{n}: __typename "))
            .collect();
        let query = format!("{{ {aliases} }}");
        for _ in 0..2 {
            let response = schemas.execute(query.as_str()).await;
            assert_eq!(response.errors.len(), 1, "{:?}", response.errors);
            assert!(Cost::reported(&response).is_none());
        }
        let key = KnownCosts::key(&async_graphql::Request::new(query)).unwrap();
        assert_eq!(schemas.costs.get(&key), None);
    }
}
