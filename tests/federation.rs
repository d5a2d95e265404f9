//! The registry as an Apollo Federation 2 subgraph: `_service { sdl }` is the subgraph SDL that
//! `print-schema --federation` prints, with `@key` on the linkable types, and `_entities` resolves
//! references by `id`, `code` and org-id identifier, batched, with `null` for a reference to nothing.
//! (Composition with an example subgraph runs in CI: `.ci/federation/`.)

use serde_json::{Value, json};

use crate::common::{
    TestApp,
    fixture::{LVIV, NATIONAL},
};

const ENTITIES: &str = r#"query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Plan { code }
    ... on PlanItem { code }
    ... on Indicator { code }
    ... on TargetGroup { code }
    ... on Organisation { code }
    ... on Region { code }
    ... on ProjectLink { iatiIdentifier }
  }
}"#;

async fn entities(app: &TestApp, representations: Value) -> (Vec<Value>, usize) {
    let (response, statements) = app
        .graphql_counting(ENTITIES, json!({ "representations": representations }))
        .await;
    assert!(response.body["errors"].is_null(), "{}", response.body);
    let found = response.body["data"]["_entities"].as_array().unwrap().clone();
    (found, statements)
}

#[tokio::test]
async fn the_subgraph_sdl_keys_every_linkable_type_and_imports_federation_2() {
    let app = TestApp::seeded().await;
    let response = app.graphql("{ _service { sdl } }", Value::Null).await;
    let sdl = response.body["data"]["_service"]["sdl"]
        .as_str()
        .unwrap()
        .to_owned();
    let schema = nap_registry::graphql::schema_builder().finish();
    assert_eq!(sdl, nap_registry::graphql::description::subgraph_sdl(&schema));
    assert!(sdl.contains("extend schema @link("), "no @link import");
    assert!(
        sdl.contains(r#"url: "https://specs.apollo.dev/federation/v2"#),
        "not Federation 2"
    );
    for (type_name, keys) in [
        ("Plan", &["id", "code"][..]),
        ("PlanItem", &["id", "code"]),
        ("Indicator", &["id", "planItem { code } code"]),
        ("TargetGroup", &["id", "code"]),
        ("Organisation", &["id", "code", "identifiers"]),
        ("Region", &["id", "code"]),
        ("ProjectLink", &["id"]),
    ] {
        let line = sdl
            .lines()
            .find(|line| line.starts_with(&format!("type {type_name} ")))
            .unwrap_or_else(|| panic!("no type {type_name}"));
        for key in keys {
            assert!(line.contains(&format!(r#"@key(fields: "{key}")"#)), "{line}");
        }
    }
    assert!(
        sdl.contains("type PageInfo @shareable"),
        "PageInfo is not shareable"
    );
    // The federation machinery is not part of the subgraph SDL itself.
    assert!(!sdl.contains("_entities("));
}

#[tokio::test]
async fn entities_resolve_by_code_id_and_identifier_in_one_batch_per_kind() {
    let app = TestApp::with_fixture().await;
    let ids = app
        .graphql(
            &format!(r#"{{ plan(code: "{NATIONAL}") {{ id }} projectLinks(first: 1) {{ nodes {{ id iatiIdentifier }} }} }}"#),
            Value::Null,
        )
        .await;
    let plan_id = ids.body["data"]["plan"]["id"].clone();
    let link = ids.body["data"]["projectLinks"]["nodes"][0].clone();
    let (found, _) = entities(
        &app,
        json!([
            { "__typename": "Plan", "code": LVIV },
            { "__typename": "Plan", "id": plan_id },
            { "__typename": "PlanItem", "code": format!("{NATIONAL}/1.1") },
            { "__typename": "Indicator", "planItem": { "code": format!("{NATIONAL}/1.1.1") }, "code": "I1" },
            { "__typename": "TargetGroup", "code": "veterans" },
            { "__typename": "Organisation", "code": "fx-ngo" },
            { "__typename": "Organisation", "identifiers": ["XM-DAC-99-1"] },
            { "__typename": "Region", "code": "UA-46" },
            { "__typename": "ProjectLink", "id": link["id"] },
            { "__typename": "Plan", "code": "NO-SUCH-PLAN" },
            { "__typename": "Organisation", "identifiers": ["XX-NONE-1", "XM-DAC-99-1"] },
        ]),
    )
    .await;
    let expected = json!([
        { "__typename": "Plan", "code": LVIV },
        { "__typename": "Plan", "code": NATIONAL },
        { "__typename": "PlanItem", "code": format!("{NATIONAL}/1.1") },
        { "__typename": "Indicator", "code": "I1" },
        { "__typename": "TargetGroup", "code": "veterans" },
        { "__typename": "Organisation", "code": "fx-ngo" },
        { "__typename": "Organisation", "code": "fx-donor-a" },
        { "__typename": "Region", "code": "UA-46" },
        { "__typename": "ProjectLink", "iatiIdentifier": link["iatiIdentifier"] },
        null,
        { "__typename": "Organisation", "code": "fx-donor-a" },
    ]);
    assert_eq!(Value::Array(found), expected);
}

#[tokio::test]
async fn many_references_cost_a_fixed_number_of_statements() {
    let app = TestApp::with_fixture().await;
    let items = ["1", "1.1", "1.1.1", "1.1.2", "2", "2.1", "2.1.1"];
    let few: Vec<Value> = items[..2]
        .iter()
        .map(|number| json!({ "__typename": "PlanItem", "code": format!("{NATIONAL}/{number}") }))
        .collect();
    let all: Vec<Value> = items
        .iter()
        .map(|number| json!({ "__typename": "PlanItem", "code": format!("{NATIONAL}/{number}") }))
        .collect();
    // The first query reads the registry into memory; count the ones after it.
    entities(&app, Value::Array(vec![])).await;
    let (found_few, cost_few) = entities(&app, Value::Array(few)).await;
    let (found_all, cost_all) = entities(&app, Value::Array(all)).await;
    assert_eq!(found_few.len(), 2);
    assert!(
        found_all.iter().all(|item| item["__typename"] == "PlanItem"),
        "{found_all:?}"
    );
    assert_eq!(
        cost_few, cost_all,
        "a reference more must not cost a statement more"
    );
}

#[tokio::test]
async fn a_reference_with_the_id_of_another_type_is_a_client_error() {
    let app = TestApp::with_fixture().await;
    let region = app
        .graphql(r#"{ region(code: "UA-46") { id } }"#, Value::Null)
        .await;
    let response = app
        .graphql(
            ENTITIES,
            json!({ "representations": [{ "__typename": "Plan", "id": region.body["data"]["region"]["id"] }] }),
        )
        .await;
    assert_eq!(response.error_code(), "BAD_USER_INPUT", "{}", response.body);
}
