//! The read model catching up row by row: after a write of an indicator or of an indicator value,
//! only that object's row is read again (`nap_read_model{value="rows_read"}`), and the read model
//! then answers exactly what the database answers. (A project link's write is checked in
//! `query_cost`.)

use serde_json::{Value, json};

use crate::common::{Client, TestApp};
use nap_registry::{
    config::HttpSettings,
    domain::access::Scope,
    reference_data::{self, SyntheticSize},
};

/// Every indicator of the synthetic plan with every value, withdrawn ones too.
const PLAN_INDICATORS: &str = r#"query($code: String!) { plan(code: $code) { goals { children { children {
    code indicators(includeWithdrawn: true) { id code version name unit withdrawnAt
    values(includeWithdrawn: true) { id version value source withdrawnAt } } } } } } }"#;

/// The first object in `value` (depth first) with `key` equal to `wanted` (any value when `None`).
fn find_object<'a>(value: &'a Value, key: &str, wanted: Option<&Value>) -> Option<&'a Value> {
    match value {
        Value::Object(map) => {
            if map
                .get(key)
                .is_some_and(|found| wanted.is_none_or(|w| w == found))
            {
                return Some(value);
            }
            map.values().find_map(|v| find_object(v, key, wanted))
        }
        Value::Array(items) => items.iter().find_map(|v| find_object(v, key, wanted)),
        _ => None,
    }
}

/// The small synthetic registry read through its read model, the same registry read from the
/// database alone, and an administrator writing to it.
struct Registry {
    app: TestApp,
    database: Client,
    writer: Client,
    variables: Value,
    /// The plan's indicators and values as first read (which builds the read model).
    first_read: Value,
}

impl Registry {
    async fn new() -> Self {
        let app = TestApp::migrated().await.without_response_cache();
        reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
            .await
            .unwrap();
        let database = app.with_http(HttpSettings {
            response_cache_bytes: 0,
            read_model_bytes: 0,
            ..Default::default()
        });
        let writer = app.bearer(&app.token_for("syn-org-0001", &[Scope::Admin]).await);
        let variables = json!({ "code": reference_data::synthetic::SYNTHETIC_PLAN_CODE });
        let first_read = app
            .graphql(PLAN_INDICATORS, variables.clone())
            .await
            .data()
            .clone();
        Self {
            app,
            database,
            writer,
            variables,
            first_read,
        }
    }

    /// Runs `mutation` with `input` as the administrator; answers the payload's object.
    async fn write(&self, mutation: &str, input: Value) -> Value {
        let answer = self.writer.graphql(mutation, json!({ "input": input })).await;
        let payload = answer.data().as_object().and_then(|data| data.values().next());
        let object = payload
            .and_then(|p| p.as_object())
            .and_then(|p| p.values().next());
        object.unwrap_or_else(|| panic!("{}", answer.body)).clone()
    }

    /// Reads every indicator and value through the read model, checks that catching up read one
    /// row and that the answer is the database's, and answers the object `id` as it is shown.
    async fn caught_up_by_one_row(&self, id: &Value, after: &str) -> Value {
        let from_memory = self.app.graphql(PLAN_INDICATORS, self.variables.clone()).await;
        let rows_read = self
            .app
            .anonymous()
            .metric(r#"nap_read_model{value="rows_read"}"#)
            .await;
        assert_eq!(rows_read, 1.0, "rows read to catch up after it was {after}");
        let from_database = self
            .database
            .graphql(PLAN_INDICATORS, self.variables.clone())
            .await;
        assert_eq!(
            from_memory.data(),
            from_database.data(),
            "after it was {after}, the read model answers otherwise than the database"
        );
        find_object(from_memory.data(), "id", Some(id))
            .unwrap_or_else(|| panic!("{id} is not in {}", from_memory.body))
            .clone()
    }
}

/// Recording, correcting and withdrawing an indicator value.
#[tokio::test]
async fn an_indicator_value_write_is_caught_up_by_its_row_alone() {
    let registry = Registry::new().await;
    let indicator = find_object(&registry.first_read, "values", None).expect("an indicator")["id"].clone();
    let created = registry
        .write(
            "mutation($input: CreateIndicatorValueInput!) { createIndicatorValue(input: $input) { indicatorValue { id version } } }",
            json!({ "indicator": indicator, "kind": "ACTUAL", "periodStartYear": 2024,
                "periodEndYear": 2024, "value": 42.0, "sex": "T" }),
        )
        .await;
    let id = &created["id"];
    // Recorded, then corrected before anything reads: one catch-up reads the one row both wrote.
    registry
        .write(
            "mutation($input: UpdateIndicatorValueInput!) { updateIndicatorValue(input: $input) { indicatorValue { version } } }",
            json!({ "id": id, "version": created["version"], "value": 43.5, "source": "Corrected" }),
        )
        .await;
    let shown = registry.caught_up_by_one_row(id, "recorded and corrected").await;
    assert_eq!(
        (shown["value"].as_f64(), shown["source"].as_str()),
        (Some(43.5), Some("Corrected"))
    );
    registry
        .write(
            "mutation($input: WithdrawInput!) { withdrawIndicatorValue(input: $input) { indicatorValue { version } } }",
            json!({ "id": id, "version": shown["version"], "reason": "Counted twice" }),
        )
        .await;
    let shown = registry.caught_up_by_one_row(id, "withdrawn").await;
    assert!(shown["withdrawnAt"].is_string(), "{shown}");
}

/// Creating, changing and withdrawing an indicator.
#[tokio::test]
async fn an_indicator_write_is_caught_up_by_its_row_alone() {
    let registry = Registry::new().await;
    let item = find_object(&registry.first_read, "indicators", None).expect("a task")["code"].clone();
    let created = registry
        .write(
            "mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { id version } } }",
            json!({ "planItem": item, "code": "ROW-1", "nameEn": "Caught up", "unit": "persons",
                "direction": "INCREASE" }),
        )
        .await;
    let id = &created["id"];
    registry
        .write(
            "mutation($input: UpdateIndicatorInput!) { updateIndicator(input: $input) { indicator { version } } }",
            json!({ "id": id, "version": created["version"], "unit": "people" }),
        )
        .await;
    let shown = registry.caught_up_by_one_row(id, "created and changed").await;
    assert_eq!(
        (shown["code"].as_str(), shown["unit"].as_str()),
        (Some("ROW-1"), Some("people"))
    );
    registry
        .write(
            "mutation($input: WithdrawInput!) { withdrawIndicator(input: $input) { indicator { version } } }",
            json!({ "id": id, "version": shown["version"], "reason": "Measured elsewhere" }),
        )
        .await;
    let shown = registry.caught_up_by_one_row(id, "withdrawn").await;
    assert!(shown["withdrawnAt"].is_string(), "{shown}");
}
