//! The minimal read path over HTTP: `plans` and `plan(code:)` answer from the real database.

use serde_json::json;

use crate::common::TestApp;

/// The global ID of `UA-NAP-2021-2025`: derived from the type and the plan's stable key, it is the
/// same on every backend, after every restart and every re-seed. Integrators store it.
const NAP_2021_2025_ID: &str = "UGxhbjoxMWE5NjllMC00ZjE5LTVjYTMtOGU0My0zYmUxZTM4MWU2Nzc";

#[tokio::test]
async fn plans_lists_the_seeded_national_plans() {
    let app = TestApp::seeded().await;
    let response = app
        .graphql(
            "{ plans { totalCount nodes { id code level status startYear endYear } } }",
            json!({}),
        )
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.data()["plans"]["totalCount"], 2);
    assert_eq!(
        response.data()["plans"]["nodes"],
        json!([
            { "id": NAP_2021_2025_ID, "code": "UA-NAP-2021-2025", "level": "NATIONAL", "status": "EXPIRED", "startYear": 2021, "endYear": 2025 },
            { "id": response.data()["plans"]["nodes"][1]["id"], "code": "UA-NAP-2026-2030", "level": "NATIONAL", "status": "DRAFT", "startYear": 2026, "endYear": 2030 }
        ])
    );
}

#[tokio::test]
async fn plans_filter_by_status() {
    let app = TestApp::seeded().await;
    let response = app
        .graphql("{ plans(filter: {status: DRAFT}) { nodes { code } } }", json!({}))
        .await;
    assert_eq!(
        response.data()["plans"]["nodes"],
        json!([{ "code": "UA-NAP-2026-2030" }])
    );
    let response = app
        .graphql(
            "{ plans(filter: {level: REGIONAL}) { totalCount nodes { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(response.data()["plans"], json!({ "totalCount": 0, "nodes": [] }));
}

#[tokio::test]
async fn plan_by_code_answers_in_the_requested_language() {
    let app = TestApp::seeded().await;
    let query =
        r#"query($code: String!) { plan(code: $code) { code title titles { uk en } en: title(lang: EN) } }"#;
    let ukrainian = app.graphql(query, json!({ "code": "UA-NAP-2021-2025" })).await;
    let plan = &ukrainian.data()["plan"];
    assert!(
        plan["title"]
            .as_str()
            .unwrap()
            .starts_with("Національний план дій"),
        "{plan}"
    );
    assert!(
        plan["en"].as_str().unwrap().starts_with("National Action Plan"),
        "{plan}"
    );

    let english = app
        .anonymous()
        .with_header("accept-language", "en-GB,en;q=0.9")
        .graphql(query, json!({ "code": "UA-NAP-2021-2025" }))
        .await;
    assert_eq!(english.data()["plan"]["title"], plan["en"]);

    // The draft's Ukrainian title is not known: Ukrainian readers get the English one, marked absent in `titles`.
    let draft = app.graphql(query, json!({ "code": "UA-NAP-2026-2030" })).await;
    assert_eq!(draft.data()["plan"]["titles"]["uk"], json!(null));
    assert!(
        draft.data()["plan"]["title"]
            .as_str()
            .unwrap()
            .starts_with("National Action Plan")
    );
}

#[tokio::test]
async fn plan_with_an_unknown_code_is_null_without_errors() {
    let app = TestApp::seeded().await;
    let response = app
        .graphql(r#"{ plan(code: "UA-NAP-1999-2000") { code } }"#, json!({}))
        .await;
    assert_eq!(response.data()["plan"], json!(null));
}

#[tokio::test]
async fn plans_query_with_a_wrong_enum_value_is_rejected() {
    let app = TestApp::seeded().await;
    let response = app
        .graphql(
            "{ plans(filter: {status: FOREVER}) { nodes { code } } }",
            json!({}),
        )
        .await;
    assert!(
        response.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("FOREVER"),
        "{}",
        response.body
    );
    assert_eq!(response.body["data"], json!(null));
}
