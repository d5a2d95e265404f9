//! Helpers shared by the integration tests: a private database per test (`database`), and a
//! `TestApp` that sends GraphQL requests through the service's real router.

pub mod database;
pub mod fixture;

use axum::{
    Router,
    body::Body,
    http::{Request, header},
};
use http_body_util::BodyExt;
use nap_registry::{AppState, app, db, reference_data};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};
use tower::ServiceExt;

pub use database::TestDatabase;

/// The service over a migrated, seeded private database.
pub struct TestApp {
    /// The pool the service uses.
    pub db: DatabaseConnection,
    /// How many SQL statements the pool has run so far.
    pub statements: Arc<AtomicUsize>,
    router: Router,
    /// Kept so the database lives as long as the app.
    _database: TestDatabase,
}

/// A GraphQL answer: the HTTP status and the JSON body.
pub struct GraphqlResponse {
    /// HTTP status code.
    pub status: u16,
    /// The parsed body.
    pub body: Value,
}

impl GraphqlResponse {
    /// The `extensions.code` of the first error.
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code: {}", self.body))
    }

    /// `data`, after asserting that there are no errors.
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }
}

impl TestApp {
    /// A migrated database with the canonical reference data.
    pub async fn seeded() -> Self {
        let app = Self::migrated().await;
        reference_data::load_canonical(&app.db)
            .await
            .expect("load the canonical reference data");
        app
    }

    /// A migrated database with the canonical reference data and the hand-made fixture.
    pub async fn with_fixture() -> Self {
        let app = Self::migrated().await;
        fixture::load(&app.db).await;
        app
    }

    /// Sends `query` and returns the answer with the number of SQL statements it took.
    pub async fn graphql_counting(&self, query: &str, variables: Value) -> (GraphqlResponse, usize) {
        let before = self.statements.load(Ordering::SeqCst);
        let response = self.graphql(query, variables).await;
        (response, self.statements.load(Ordering::SeqCst) - before)
    }

    /// A migrated, empty database.
    pub async fn migrated() -> Self {
        let database = TestDatabase::create().await;
        let mut db = database.connect().await;
        db::migrate_up(&db).await.expect("migrate the test database");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&statements);
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let router = app(AppState::new(db.clone()));
        Self {
            db,
            statements,
            router,
            _database: database,
        }
    }

    /// Sends `query` with `variables` as an anonymous client.
    pub async fn graphql(&self, query: &str, variables: Value) -> GraphqlResponse {
        self.graphql_with_headers(query, variables, &[]).await
    }

    /// Sends `query` with extra request headers.
    pub async fn graphql_with_headers(
        &self,
        query: &str,
        variables: Value,
        headers: &[(&str, &str)],
    ) -> GraphqlResponse {
        let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::from(body)).expect("request"))
            .await
            .expect("response");
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("not JSON ({status}): {}", String::from_utf8_lossy(&bytes)));
        GraphqlResponse { status, body }
    }
}
