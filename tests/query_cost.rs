//! What a query costs in SQL statements. From the read model: one (the change sequence, shared
//! by concurrent requests), at any size, once the registry is in memory. From the database (the
//! path mutations take, and queries when the read model is off or over its limit): a number set
//! by the query's shape, never by how many objects it returns, as every relation goes through
//! per-request DataLoaders.

use serde_json::{Value, json};

use crate::common::TestApp;
use nap_registry::reference_data::{self, SyntheticSize};

const PLAN_TREE: &str = r#"query($code: String!) { plan(code: $code) { code goals { code title children { code title
    children { code title indicators { code name unit values { kind value sex periodStartYear } } targetGroups { code label } } } } } }"#;

/// `app` with the synthetic dataset of `size` loaded.
async fn synthetic(app: TestApp, size: SyntheticSize) -> TestApp {
    reference_data::load_synthetic(&app.db, size).await.unwrap();
    app
}

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
    let medium = synthetic(
        TestApp::migrated().await.reading_the_database(),
        SyntheticSize::MEDIUM,
    )
    .await;
    let (large, large_statements) = medium.graphql_counting(PLAN_TREE, variables.clone()).await;
    let objects = count_objects(large.data());
    assert!(
        objects > 1_000,
        "the medium tree should return over 1,000 objects, got {objects}"
    );

    let small = synthetic(
        TestApp::migrated().await.reading_the_database(),
        SyntheticSize::SMALL,
    )
    .await;
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
    let app = synthetic(
        TestApp::migrated().await.reading_the_database(),
        SyntheticSize::SMALL,
    )
    .await;
    let q = r#"query($first: Int!) { planItems(filter: {kind: TASK}, first: $first) { totalCount nodes { code
        targetGroups { code } responsibilities { role organisation { code name } } } } }"#;
    let (_, few) = app.graphql_counting(q, json!({ "first": 2 })).await;
    let (many, many_statements) = app.graphql_counting(q, json!({ "first": 50 })).await;
    assert!(many.data()["planItems"]["nodes"].as_array().unwrap().len() > 2);
    assert_eq!(few, many_statements);
}

#[tokio::test]
async fn a_funders_page_of_links_with_item_goals_costs_a_fixed_number_of_statements() {
    let app = synthetic(
        TestApp::migrated().await.reading_the_database(),
        SyntheticSize::SMALL,
    )
    .await;
    let q = r#"query($first: Int!) { projectLinks(first: $first) { totalCount nodes { title
        planItems { code ancestors { kind title } } } } }"#;
    let (_, few) = app.graphql_counting(q, json!({ "first": 2 })).await;
    let (many, many_statements) = app.graphql_counting(q, json!({ "first": 100 })).await;
    assert!(many.data()["projectLinks"]["nodes"].as_array().unwrap().len() > 10);
    assert_eq!(few, many_statements, "statements grew with the page size");
    assert!(many_statements <= 12, "{many_statements} statements");
}

#[tokio::test]
async fn queries_read_the_registry_from_memory_with_one_statement_at_any_size() {
    let app = synthetic(
        TestApp::migrated().await.without_response_cache(),
        SyntheticSize::SMALL,
    )
    .await;
    let variables = json!({ "code": reference_data::synthetic::SYNTHETIC_PLAN_CODE });
    let (_, building) = app.graphql_counting(PLAN_TREE, variables.clone()).await;
    assert!(building > 20, "the first query reads every table: {building}");
    let rows_in_all = app
        .anonymous()
        .metric(r#"nap_read_model{value="rows_read"}"#)
        .await;
    assert!(rows_in_all > 500.0, "a full read reads every row: {rows_in_all}");
    let (tree, statements) = app.graphql_counting(PLAN_TREE, variables.clone()).await;
    assert!(count_objects(tree.data()) > 50);
    assert_eq!(statements, 1, "only the change sequence is read");
    let tasks = r#"{ planItems(filter: {kind: TASK}, first: 50) { totalCount nodes { code
        targetGroups { code } responsibilities { role organisation { code name } } } } }"#;
    let links = r#"{ projectLinks(first: 100) { totalCount nodes { title planItems { code ancestors { kind title } } } } }"#;
    for query in [tasks, links] {
        let (answer, statements) = app.graphql_counting(query, Value::Null).await;
        assert!(answer.body["errors"].is_null(), "{}", answer.body);
        assert_eq!(statements, 1, "{query}");
    }
    // A write moves the sequence: the next query reads only the tables it touched, then one again.
    let link = app
        .graphql("{ projectLinks(first: 1) { nodes { id version } } }", Value::Null)
        .await
        .data()["projectLinks"]["nodes"][0]
        .clone();
    let admin = app
        .token_for("syn-org-0001", &[nap_registry::domain::access::Scope::Admin])
        .await;
    app.bearer(&admin)
        .graphql(
            r#"mutation($input: UpdateProjectLinkInput!) { updateProjectLink(input: $input) { projectLink { version } } }"#,
            json!({ "input": { "id": link["id"], "version": link["version"], "titleEn": "Read again" } }),
        )
        .await
        .data();
    let (_, catching_up) = app.graphql_counting(links, Value::Null).await;
    // Debug builds check each catch-up against a whole read (the `read_model` module's docs): a
    // full read's statements less the sequence, which both share.
    let check = if cfg!(debug_assertions) { building - 1 } else { 0 };
    assert!(
        (2..building).contains(&(catching_up - check)),
        "{catching_up} statements to catch up after a write of one link, {check} of them the \
         debug build's check (a full read costs {building})"
    );
    // Of the tables a link's write touches, only that link's rows are read again.
    let rows_read = app
        .anonymous()
        .metric(r#"nap_read_model{value="rows_read"}"#)
        .await;
    assert!(
        (1.0..=20.0).contains(&rows_read),
        "{rows_read} rows read to catch up after a write of one link"
    );
    let (_, statements) = app.graphql_counting(PLAN_TREE, variables).await;
    assert_eq!(statements, 1);
}

#[tokio::test]
async fn a_read_model_over_its_memory_limit_steps_aside_and_the_database_answers_the_same() {
    let app = synthetic(TestApp::migrated().await, SyntheticSize::SMALL).await;
    let variables = json!({ "code": reference_data::synthetic::SYNTHETIC_PLAN_CODE });
    let in_memory = app.without_response_cache();
    let from_memory = in_memory.graphql(PLAN_TREE, variables.clone()).await;
    let tight = in_memory.with_http(nap_registry::config::HttpSettings {
        response_cache_bytes: 0,
        read_model_bytes: 4 * 1024,
        ..Default::default()
    });
    let from_database = tight.graphql(PLAN_TREE, variables).await;
    assert!(from_database.body["errors"].is_null(), "{}", from_database.body);
    assert_eq!(from_memory.body["data"], from_database.body["data"]);
    assert!(count_objects(from_database.data()) > 50);
    let metrics = tight.get("/metrics").send().await.text();
    assert!(
        metrics.contains(r#"nap_read_model{value="in_memory"} 0"#),
        "the read model says it stepped aside: {metrics}"
    );
    let metrics = in_memory.anonymous().get("/metrics").send().await.text();
    assert!(
        metrics.contains(r#"nap_read_model{value="in_memory"} 1"#),
        "{metrics}"
    );
}
