//! Permanent addresses over time and at their edges: ETag/304 following the change sequence,
//! withdrawn objects still resolvable (reason, replacement), unknown (404) and malformed (400)
//! addresses.

use axum::http::StatusCode;
use nap_registry::domain::access::Scope;
use serde_json::json;

use crate::{
    common::{TestApp, fixture::NATIONAL},
    linked_data::{BASE, get},
};

#[tokio::test]
async fn etag_follows_the_change_sequence_and_answers_304() {
    let app = TestApp::with_fixture().await;
    let router = app.router_at(BASE);
    let path = "/id/target-group/veterans";
    let first = get(&router, path, &[("accept", "text/html")]).await;
    let etag = first.header("etag").to_owned();
    let json = get(&router, path, &[("accept", "application/ld+json")]).await;
    assert_ne!(json.header("etag"), etag, "each format has its own tag");
    let again = get(
        &router,
        path,
        &[("accept", "text/html"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.header("etag"), etag);
    assert_eq!(again.header("vary"), "Accept");
    assert!(again.body.is_empty());

    // A write moves the sequence on: the old tag no longer matches.
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let group = app
        .graphql(r#"{ targetGroup(code: "veterans") { id version } }"#, json!({}))
        .await;
    let group = &group.data()["targetGroup"];
    let withdrawn = app
        .graphql_as(
            &token,
            "mutation($input: WithdrawTargetGroupInput!) { withdrawTargetGroup(input: $input) { targetGroup { status } } }",
            json!({ "input": { "id": group["id"], "version": group["version"], "replacedBy": "internally-displaced-persons" } }),
        )
        .await;
    withdrawn.data();
    let changed = get(
        &router,
        path,
        &[("accept", "text/html"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), etag);
}

#[tokio::test]
async fn withdrawn_objects_stay_resolvable_with_reason_and_replacement() {
    let app = TestApp::with_fixture().await;
    let router = app.router_at(BASE);
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let group = app
        .graphql(r#"{ targetGroup(code: "veterans") { id version } }"#, json!({}))
        .await;
    let group = &group.data()["targetGroup"];
    app.graphql_as(
        &token,
        "mutation($input: WithdrawTargetGroupInput!) { withdrawTargetGroup(input: $input) { targetGroup { status } } }",
        json!({ "input": { "id": group["id"], "version": group["version"], "replacedBy": "internally-displaced-persons" } }),
    )
    .await
    .data();
    let doc = get(
        &router,
        "/id/target-group/veterans",
        &[("accept", "application/ld+json")],
    )
    .await
    .json();
    assert_eq!(doc["nap:status"], "WITHDRAWN");
    assert_eq!(doc["owl:deprecated"], true);
    assert_eq!(
        doc["dct:isReplacedBy"]["@id"],
        "https://nap.example.org/id/target-group/internally-displaced-persons"
    );
    let page = get(&router, "/id/target-group/veterans", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Withdrawn"), "{}", page.body);
    assert!(
        page.body
            .contains("href=\"https://nap.example.org/id/target-group/internally-displaced-persons\"")
    );

    let item = app
        .graphql(
            &format!(r#"{{ planItem(code: "{NATIONAL}/2.1.1") {{ id version }} }}"#),
            json!({}),
        )
        .await;
    let item = &item.data()["planItem"];
    app.graphql_as(
        &token,
        "mutation($input: WithdrawPlanItemInput!) { withdrawPlanItem(input: $input) { planItem { status } } }",
        json!({ "input": { "id": item["id"], "version": item["version"], "reason": "Merged into 2.1" } }),
    )
    .await
    .data();
    let doc = get(
        &router,
        &format!("/id/item/{NATIONAL}/2.1.1"),
        &[("accept", "application/json")],
    )
    .await
    .json();
    assert_eq!(doc["nap:status"], "WITHDRAWN");
    assert_eq!(doc["skos:changeNote"], "Merged into 2.1");
}

#[tokio::test]
async fn unknown_addresses_are_404_and_malformed_ones_400() {
    let app = TestApp::with_fixture().await;
    let router = app.router_at(BASE);
    for path in [
        format!("/id/item/{NATIONAL}/9.9"),
        "/id/plan/XX-NAP-1900-1901".to_owned(),
        "/id/region/UA-99".to_owned(),
        format!("/id/indicator/{NATIONAL}/1.1.1/I9"),
        "/id/project/XM-DAC-0-NOTHING".to_owned(),
        "/id/widget/1".to_owned(),
    ] {
        let page = get(&router, &path, &[("accept", "text/html")]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.header("content-type").starts_with("text/html"));
        assert!(
            page.body.contains("/id/item/UA-NAP-2021-2025/3.1.12"),
            "a helpful page lists the address forms"
        );
    }
    for path in [
        format!("/id/item/{NATIONAL}/1..1"),
        format!("/id/item/{NATIONAL}"),
        "/id/region/Kyiv".to_owned(),
        "/id/target-group/%3Cscript%3E".to_owned(),
    ] {
        let answer = get(&router, &path, &[("accept", "application/json")]).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(answer.json()["code"], "BAD_USER_INPUT", "{path}");
    }
}
