//! The number of SQL statements a query issues depends on its shape, never on how many objects it
//! returns: every relation goes through per-request DataLoaders.

use serde_json::{Value, json};

use crate::common::TestApp;
use nap_registry::reference_data::{self, SyntheticSize};

const PLAN_TREE: &str = r#"query($code: String!) { plan(code: $code) { code goals { code title children { code title
    children { code title indicators { code name unit values { kind value sex periodStartYear } } targetGroups { code label } } } } } }"#;

fn count_objects(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(count_objects).sum::<usize>(),
        Value::Array(items) => items.iter().map(count_objects).sum(),
        _ => 0,
    }
}

#[tokio::test]
async fn the_whole_plan_tree_costs_the_same_few_statements_at_any_size() {
    let variables = json!({ "code": reference_data::synthetic::SYNTHETIC_PLAN_CODE });
    let medium = TestApp::migrated().await;
    reference_data::load_synthetic(&medium.db, SyntheticSize::MEDIUM)
        .await
        .unwrap();
    let (large, large_statements) = medium.graphql_counting(PLAN_TREE, variables.clone()).await;
    let objects = count_objects(large.data());
    assert!(
        objects > 1_000,
        "the medium tree should return over 1,000 objects, got {objects}"
    );

    let small = TestApp::migrated().await;
    reference_data::load_synthetic(&small.db, SyntheticSize::SMALL)
        .await
        .unwrap();
    let (small, small_statements) = small.graphql_counting(PLAN_TREE, variables).await;
    assert!(count_objects(small.data()) < objects / 10);

    // plan, goals, two levels of children, indicators, values, group links, groups, the
    // response cache's check of the change sequence, and at each of the three item levels the
    // items' plans (an item of a withdrawn plan reads as withdrawn).
    assert!(
        large_statements <= 12,
        "{large_statements} statements for the medium tree"
    );
    assert_eq!(
        large_statements, small_statements,
        "statements grew with the number of objects"
    );
}

#[tokio::test]
async fn a_page_of_tasks_with_groups_and_organisations_costs_a_fixed_number_of_statements() {
    let app = TestApp::migrated().await;
    reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
        .await
        .unwrap();
    let q = r#"query($first: Int!) { planItems(filter: {kind: TASK}, first: $first) { totalCount nodes { code
        targetGroups { code } responsibilities { role organisation { code name } } } } }"#;
    let (_, few) = app.graphql_counting(q, json!({ "first": 2 })).await;
    let (many, many_statements) = app.graphql_counting(q, json!({ "first": 50 })).await;
    assert!(many.data()["planItems"]["nodes"].as_array().unwrap().len() > 2);
    assert_eq!(few, many_statements);
}

#[tokio::test]
async fn a_funders_page_of_links_with_item_goals_costs_a_fixed_number_of_statements() {
    let app = TestApp::migrated().await;
    reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
        .await
        .unwrap();
    let q = r#"query($first: Int!) { projectLinks(first: $first) { totalCount nodes { title
        planItems { code ancestors { kind title } } } } }"#;
    let (_, few) = app.graphql_counting(q, json!({ "first": 2 })).await;
    let (many, many_statements) = app.graphql_counting(q, json!({ "first": 100 })).await;
    assert!(many.data()["projectLinks"]["nodes"].as_array().unwrap().len() > 10);
    assert_eq!(few, many_statements, "statements grew with the page size");
    assert!(many_statements <= 12, "{many_statements} statements");
}
