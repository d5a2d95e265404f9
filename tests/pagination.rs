//! Relay pagination: pages, edges, page sizes, invalid cursors, and cursors that survive inserts.

use sea_orm::EntityTrait;
use serde_json::json;

use crate::common::{TestApp, codes};

const GROUPS: &str = "query($first: Int, $after: String, $last: Int, $before: String) {
    targetGroups(first: $first, after: $after, last: $last, before: $before) {
        totalCount edges { cursor node { code } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

#[tokio::test]
async fn pages_walk_forward_to_the_last_page_and_back() {
    let app = TestApp::seeded().await;
    let all = app.graphql(GROUPS, json!({ "first": 100 })).await;
    let all_codes = codes(&all.data()["targetGroups"]);
    assert_eq!(all_codes.len(), 19);

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app.graphql(GROUPS, json!({ "first": 5, "after": after })).await;
        let connection = &page.data()["targetGroups"];
        assert_eq!(connection["totalCount"], 19);
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], after.is_some());
        seen.extend(codes(connection));
        if connection["pageInfo"]["hasNextPage"] == false {
            assert_eq!(codes(connection).len(), 4, "the last page holds the remainder");
            break;
        }
        after = connection["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, all_codes);

    let last = app.graphql(GROUPS, json!({ "last": 3 })).await;
    assert_eq!(codes(&last.data()["targetGroups"]), all_codes[16..].to_vec());
    assert_eq!(last.data()["targetGroups"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(last.data()["targetGroups"]["pageInfo"]["hasNextPage"], false);
    let before = last.data()["targetGroups"]["pageInfo"]["startCursor"].clone();
    let previous = app.graphql(GROUPS, json!({ "last": 3, "before": before })).await;
    assert_eq!(
        codes(&previous.data()["targetGroups"]),
        all_codes[13..16].to_vec()
    );
    assert_eq!(previous.data()["targetGroups"]["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn an_empty_list_and_a_zero_page_have_no_edges() {
    let app = TestApp::seeded().await;
    let empty = app
        .graphql(r#"{ planItems(filter: {plan: "NOPE"}) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"#, json!({}))
        .await;
    assert_eq!(
        empty.data()["planItems"],
        json!({ "totalCount": 0, "edges": [], "pageInfo": { "hasNextPage": false, "hasPreviousPage": false, "startCursor": null, "endCursor": null } })
    );
    let zero = app.graphql(GROUPS, json!({ "first": 0 })).await;
    assert_eq!(zero.data()["targetGroups"]["edges"], json!([]));
    assert_eq!(zero.data()["targetGroups"]["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn page_sizes_above_a_hundred_are_bad_user_input_naming_the_argument() {
    let app = TestApp::seeded().await;
    for (variables, field) in [
        (json!({ "first": 101 }), "first"),
        (json!({ "last": 1000 }), "last"),
        (json!({ "first": -1 }), "first"),
        (json!({ "first": 1, "last": 1 }), "last"),
    ] {
        let response = app.graphql(GROUPS, variables.clone()).await;
        assert_eq!(response.error_code(), "BAD_USER_INPUT", "{variables}");
        assert_eq!(
            response.body["errors"][0]["extensions"]["field"], field,
            "{variables}"
        );
        assert!(
            response.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{field}:"))
        );
    }
}

#[tokio::test]
async fn invalid_cursors_are_bad_user_input() {
    let app = TestApp::seeded().await;
    // A cursor of another list has a different shape (plans sort by one text column, groups by two).
    let plans = app
        .graphql("{ plans(first: 1) { pageInfo { endCursor } } }", json!({}))
        .await;
    let foreign = plans.data()["plans"]["pageInfo"]["endCursor"].clone();
    for cursor in [json!("garbage"), json!("e30"), foreign] {
        let response = app.graphql(GROUPS, json!({ "first": 2, "after": cursor })).await;
        assert_eq!(response.error_code(), "BAD_USER_INPUT", "{cursor}");
        assert_eq!(response.body["errors"][0]["extensions"]["field"], "after");
    }
}

#[tokio::test]
async fn cursors_stay_valid_when_rows_are_added() {
    // The row is added behind the service's back, so every query must really run.
    let app = TestApp::with_fixture().await.without_response_cache();
    let q = r#"query($after: String) { planItems(filter: {plan: "FX-NAP-2021-2025"}, first: 2, after: $after) { edges { node { code } } pageInfo { endCursor } } }"#;
    let first = app.graphql(q, json!({})).await;
    let cursor = first.data()["planItems"]["pageInfo"]["endCursor"].clone();
    let before_insert = app.graphql(q, json!({ "after": cursor })).await;

    // A new item that sorts before the cursor must not shift the next page.
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let existing = entity::plan_item::Entity::find_by_id(nap_registry::domain::ids::stable_id(
        "plan-item",
        "FX-NAP-2021-2025/1.1",
    ))
    .one(&app.db)
    .await
    .unwrap()
    .unwrap();
    let mut added = existing.clone();
    added.id = uuid::Uuid::new_v4();
    added.number = "0".to_owned();
    added.code = "FX-NAP-2021-2025/0".to_owned();
    added.sort_key = "0000".to_owned();
    added.parent_id = None;
    added
        .into_active_model()
        .reset_all()
        .insert(&app.db)
        .await
        .unwrap();
    // Written behind the registry's back: move the change sequence as every write does, so the
    // read model reads the tables again.
    app.advance_change_sequence().await;

    let after_insert = app.graphql(q, json!({ "after": cursor })).await;
    let first_again = app.graphql(q, json!({})).await;
    assert_eq!(
        first_again.data()["planItems"]["edges"][0]["node"]["code"],
        "FX-NAP-2021-2025/0",
        "the new row is seen"
    );
    assert_eq!(
        after_insert.data()["planItems"]["edges"],
        before_insert.data()["planItems"]["edges"]
    );
}
