//! Hostile and malformed requests: each gets a 4xx or a GraphQL error with a code, never a 5xx,
//! and the service answers the next request as usual.

use axum::{
    body::Body,
    http::{Request, header},
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::TestApp;

async fn post_raw(app: &TestApp, body: Vec<u8>) -> (u16, Value) {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .unwrap();
    let response = app.router().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn query(text: &str) -> Vec<u8> {
    json!({ "query": text }).to_string().into_bytes()
}

#[tokio::test]
async fn hostile_requests_are_refused_cleanly_and_the_service_stays_up() {
    let app = TestApp::seeded().await;
    let aliases: String = (0..2000)
        .map(|i| format!("a{i}: plans {{ totalCount }} "))
        .collect();
    let deep = format!(
        "{{ planItems {{ nodes {}{}",
        "{ children ".repeat(40),
        "} ".repeat(40)
    ) + "} } }";
    let nested_items = "{ plans { nodes { goals { children { children { children { children { children { children { children { children { children { children { children { children { children { code } } } } } } } } } } } } } } } }";
    let huge_search = format!(
        r#"{{ planItems(filter: {{search: "{}"}}) {{ totalCount }} }}"#,
        "ж".repeat(5000)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("malformed JSON", b"{\"query\": \"{ plans".to_vec()),
        ("invalid UTF-8", vec![b'{', b'"', b'q', 0xff, 0xfe, b'"', b'}']),
        ("not an object", b"42".to_vec()),
        ("empty body", Vec::new()),
        ("syntax error", query("{ plans { ")),
        ("unknown field", query("{ spaceships { id } }")),
        ("unknown type in fragment", query("{ plans { ...F } } fragment F on Spaceship { id }")),
        ("fragment cycle", query("{ plans { ...A } } fragment A on PlanConnection { ...B } fragment B on PlanConnection { ...A }")),
        ("alias bomb", query(&format!("{{ {aliases} }}"))),
        ("deep selection", query(&deep)),
        ("deep tree", query(nested_items)),
        ("huge string", query(&huge_search)),
        ("wrong variable type", json!({ "query": "query($n: Int) { plans(first: $n) { totalCount } }", "variables": { "n": "many" } }).to_string().into_bytes()),
        ("variables not an object", json!({ "query": "{ plans { totalCount } }", "variables": [1, 2] }).to_string().into_bytes()),
        ("too many ids", json!({ "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": { "ids": vec!["x"; 500] } }).to_string().into_bytes()),
        ("huge list of nulls", json!({ "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": { "ids": vec![Value::Null; 5000] } }).to_string().into_bytes()),
        ("oversized body", query(&"x".repeat(300 * 1024))),
    ];
    for (case, body) in cases {
        let (status, answer) = post_raw(&app, body).await;
        assert!(status < 500, "{case}: {status} {answer}");
        if status == 200 {
            let code = answer["errors"][0]["extensions"]["code"].as_str();
            assert!(code.is_some(), "{case}: an error with a code: {answer}");
        }
        let text = answer.to_string().to_lowercase();
        assert!(
            !text.contains("select ") && !text.contains("/src/") && !text.contains("panicked"),
            "{case}: leaks internals: {answer}"
        );
    }
    let (status, answer) = post_raw(&app, query("{ plans { totalCount } }")).await;
    assert_eq!(
        (status, answer["data"]["plans"]["totalCount"].clone()),
        (200, json!(2)),
        "the service still answers"
    );
}

#[tokio::test]
async fn database_failures_reach_the_client_only_as_internal_error() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::with_fixture().await;
    app.db
        .execute_unprepared("DROP TABLE indicator_values")
        .await
        .unwrap();
    let response = app
        .graphql(
            r#"{ planItem(code: "FX-NAP-2021-2025/1.1.1") { code indicators { code values { value } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.error_code(), "INTERNAL");
    assert_eq!(response.body["errors"][0]["message"], "internal error");
    let text = response.body.to_string().to_lowercase();
    assert!(
        !text.contains("indicator_values") && !text.contains("select") && !text.contains("no such table"),
        "{text}"
    );
    // What did not fail is still answered.
    assert_eq!(
        response.body["data"]["planItem"]["code"],
        "FX-NAP-2021-2025/1.1.1"
    );
}
