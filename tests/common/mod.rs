//! Helpers shared by the integration tests: a private database per test (`database`), the
//! hand-made fixture (`fixture`), the one request builder, in process or over HTTP (`request`),
//! the real binary as a server process (`server`), and a `TestApp` whose callers (`anonymous()`,
//! `as_org(org, scopes)`, `bearer(token)`) send requests through the service's real router.

pub mod database;
pub mod fixture;
pub mod receiver;
pub mod request;
pub mod server;

use axum::Router;
use nap_registry::{AppState, app, db, reference_data};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::Value;
use std::collections::BTreeSet;

use nap_registry::{
    auth::{KeyRing, TokenService},
    domain::{
        access::{Actor, Scope},
        audit::WriteTransaction,
        write,
    },
};
use std::sync::Arc;

pub use database::TestDatabase;
pub use request::{Client, GraphqlResponse, TestResponse, codes, error_codes, metric_value, project_keys};

/// The service over a migrated, seeded private database.
pub struct TestApp {
    /// The pool the service uses.
    pub db: DatabaseConnection,
    /// How many SQL statements the pool has run so far.
    pub statements: nap_registry::metrics::StatementCounter,
    /// The service's token signer (a fixed test key).
    pub tokens: Arc<TokenService>,
    router: Router,
    /// Kept so the database lives as long as the app.
    _database: TestDatabase,
}

/// How many steps down undo every migration from `name` (inclusive) to the last, so that tests
/// of older schemas keep working as migrations are added.
pub fn steps_down_through(name: &str) -> u32 {
    use migration::MigratorTrait;
    let migrations = migration::Migrator::migrations();
    let position = migrations
        .iter()
        .position(|m| m.name() == name)
        .expect("a known migration");
    u32::try_from(migrations.len() - position).expect("few migrations")
}

/// A token service with a fixed key (`seed`) and the default issuer and audience.
pub fn test_token_service(seed: u8) -> TokenService {
    test_token_service_for(seed, "nap-1325-registry")
}

/// A token service with a fixed key (`seed`) for `audience`.
pub fn test_token_service_for(seed: u8, audience: &str) -> TokenService {
    let keys = KeyRing::new(&ed25519_dalek::SigningKey::from_bytes(&[seed; 32]), vec![]).unwrap();
    TokenService::new(keys, "nap-1325-registry".to_owned(), audience.to_owned())
}

/// Settings under which every answer is read from the database.
fn reading_the_database() -> nap_registry::config::HttpSettings {
    nap_registry::config::HttpSettings {
        response_cache_bytes: 0,
        read_model_bytes: 0,
        ..Default::default()
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
        let before = self.statements.total();
        let response = self.graphql(query, variables).await;
        let after = self.statements.total();
        (response, usize::try_from(after - before).expect("a count fits"))
    }

    /// A migrated, empty database.
    pub async fn migrated() -> Self {
        let database = TestDatabase::create().await;
        let db = database.connect().await;
        db::migrate_up(&db).await.expect("migrate the test database");
        let tokens = Arc::new(test_token_service(1));
        let state = AppState::new(db.clone(), Arc::clone(&tokens));
        let statements = state.statements.clone();
        let router = app(state);
        Self {
            db,
            statements,
            tokens,
            router,
            _database: database,
        }
    }

    /// Records a token for the organisation `code` with `scopes` (as the operator) and signs it.
    pub async fn token_for(&self, code: &str, scopes: &[Scope]) -> String {
        self.token_signed_by(&self.tokens, code, scopes).await
    }

    /// Records a token and signs it with `signer` (which may use another key or audience).
    pub async fn token_signed_by(&self, signer: &TokenService, code: &str, scopes: &[Scope]) -> String {
        let (record, scopes) = self.record_token(code, scopes).await;
        signer
            .sign(
                record.id,
                record.organisation_id,
                &scopes,
                record.created_at,
                record.expires_at,
            )
            .unwrap()
    }

    /// A token whose record is valid but whose JWT expired yesterday.
    pub async fn expired_token_for(&self, code: &str, scopes: &[Scope]) -> String {
        let (record, scopes) = self.record_token(code, scopes).await;
        let now = chrono::Utc::now();
        self.tokens
            .sign(
                record.id,
                record.organisation_id,
                &scopes,
                now - chrono::Duration::days(10),
                now - chrono::Duration::days(1),
            )
            .unwrap()
    }

    /// Records a 30-day token for the organisation `code` as the operator.
    async fn record_token(
        &self,
        code: &str,
        scopes: &[Scope],
    ) -> (entity::api_token::Model, BTreeSet<Scope>) {
        let scopes: BTreeSet<Scope> = scopes.iter().copied().collect();
        let mut write = WriteTransaction::begin(&self.db, &Actor::CommandLine)
            .await
            .unwrap();
        let organisation = write::organisation_by_key(&write.txn, "org", code).await.unwrap();
        let record = write::tokens::record_token(&mut write, organisation.id, &scopes, 30, "test")
            .await
            .unwrap();
        write.commit().await.unwrap();
        (record, scopes)
    }

    /// A signed token for `code` whose record has been revoked.
    pub async fn revoked_token_for(&self, code: &str, scopes: &[Scope]) -> String {
        let token = self.token_for(code, scopes).await;
        let claims = self.tokens.verify(&token).unwrap();
        let mut write = WriteTransaction::begin(&self.db, &Actor::CommandLine)
            .await
            .unwrap();
        write::tokens::revoke_token(&mut write, claims.jti).await.unwrap();
        write.commit().await.unwrap();
        token
    }

    /// The same app without the response cache, for tests that change the database behind the
    /// service's back (which no instance could notice) and must see every query run.
    pub fn without_response_cache(self) -> Self {
        self.with_settings(nap_registry::config::HttpSettings {
            response_cache_bytes: 0,
            ..Default::default()
        })
    }

    /// The same app reading every query from the database: no response cache, no read model
    /// (the path mutations take, and queries when the read model is over its memory limit).
    pub fn reading_the_database(self) -> Self {
        self.with_settings(reading_the_database())
    }

    /// A client of another router on this app's database that reads the database alone (no
    /// response cache, no read model): what the read model's answers are compared with.
    pub fn database_reader(&self) -> Client {
        self.with_http(reading_the_database())
    }

    fn with_settings(mut self, http: nap_registry::config::HttpSettings) -> Self {
        let state = AppState::new(self.db.clone(), Arc::clone(&self.tokens)).with_http(http);
        self.statements = state.statements.clone();
        self.router = app(state);
        self
    }

    /// Moves the registry's change sequence on without recording a change, as a repair made
    /// directly in the database must: readers then read every table again.
    pub async fn advance_change_sequence(&self) {
        use sea_orm::ConnectionTrait;
        self.db
            .execute_unprepared("UPDATE registry_state SET change_sequence = change_sequence + 1")
            .await
            .expect("advance the change sequence");
    }

    /// An anonymous caller of a router over the same database with other HTTP limits and
    /// cross-origin rules.
    pub fn with_http(&self, http: nap_registry::config::HttpSettings) -> Client {
        Client::new(app(
            AppState::new(self.db.clone(), Arc::clone(&self.tokens)).with_http(http)
        ))
    }

    /// A router over the same database writing URIs under `public_url`.
    pub fn router_at(&self, public_url: &str) -> Router {
        let base = nap_registry::linked_data::PublicUrl::parse(public_url).unwrap();
        app(AppState::new(self.db.clone(), Arc::clone(&self.tokens)).with_public_url(base))
    }

    /// An anonymous caller of a router over the same database writing URIs under `public_url`.
    pub fn at(&self, public_url: &str) -> Client {
        Client::new(self.router_at(public_url))
    }

    /// The test's private database (its URL, for a binary serving the same registry).
    pub fn database(&self) -> &TestDatabase {
        &self._database
    }

    /// The service's router, for requests other than GraphQL.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// An anonymous caller of the service.
    pub fn anonymous(&self) -> Client {
        Client::new(self.router.clone())
    }

    /// A caller sending `token`.
    pub fn bearer(&self, token: &str) -> Client {
        self.anonymous().bearer(token)
    }

    /// A caller of the organisation `code` with a new token for `scopes`.
    pub async fn as_org(&self, code: &str, scopes: &[Scope]) -> Client {
        self.bearer(&self.token_for(code, scopes).await)
    }

    /// `GET path` as an anonymous client, the whole answer.
    pub async fn get(&self, path: impl AsRef<str>) -> TestResponse {
        self.anonymous().get(path).send().await
    }

    /// Sends `query` with `variables` as an anonymous client.
    pub async fn graphql(&self, query: &str, variables: Value) -> GraphqlResponse {
        self.anonymous().graphql(query, variables).await
    }
}

/// Every change of the feed after `after` (a cursor, a sequence number or null), paging through
/// to its end.
pub async fn feed_after(app: &TestApp, after: Value) -> Vec<Value> {
    const FEED: &str = "query($after: String) { changes(first: 100, after: $after) { nodes { sequence entityType entityId entityCode action version } pageInfo { endCursor hasNextPage } } }";
    let mut after = after;
    let mut changes = Vec::new();
    loop {
        let page = app.graphql(FEED, serde_json::json!({ "after": after })).await;
        let page = page.data()["changes"].clone();
        changes.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            return changes;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// Every row of every table, as JSON, in key order.
pub async fn dump(db: &DatabaseConnection) -> Vec<(&'static str, Vec<Value>)> {
    macro_rules! dump_tables {
        ($($module:ident),+ $(,)?) => {
            vec![$((
                stringify!($module),
                entity::$module::Entity::find()
                    .order_by_asc(entity::$module::Column::Id)
                    .into_json()
                    .all(db)
                    .await
                    .expect("dump table"),
            )),+]
        };
    }
    dump_tables!(
        region,
        organisation,
        organisation_name,
        organisation_identifier,
        organisation_succession,
        legal_act,
        plan,
        plan_legal_act,
        vocabulary,
        vocabulary_carry_over,
        target_group,
        plan_item,
        funding_line,
        responsibility,
        plan_item_target_group,
        plan_item_implementation,
        indicator,
        indicator_value,
        project_link,
        project_participant,
        project_dac_purpose,
        project_region,
        project_plan_item,
        project_budget,
        project_iati_record,
        audit_event,
        registry_state,
    )
}
