//! Permanent addresses over time and at their edges: ETag/304 following the change sequence,
//! withdrawn objects still resolvable (reason, replacement), unknown (404) and malformed (400)
//! addresses.

use nap_registry::domain::access::Scope;
use serde_json::json;

use crate::{
    common::{TestApp, fixture::NATIONAL},
    linked_data::BASE,
};

#[tokio::test]
async fn etag_follows_the_change_sequence_and_answers_304() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    let path = "/id/target-group/veterans";
    let first = site.get_accepting(path, "text/html").await;
    let etag = first.header("etag").unwrap().to_owned();
    let json = site.get_accepting(path, "application/ld+json").await;
    assert_ne!(
        json.header("etag"),
        Some(etag.as_str()),
        "each format has its own tag"
    );
    let again = site
        .get(path)
        .headers(&[("accept", "text/html"), ("if-none-match", &etag)])
        .send()
        .await;
    assert_eq!(again.status, 304);
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert_eq!(again.header("vary"), Some("Accept"));
    assert!(again.body.is_empty());

    // A write moves the sequence on: the old tag no longer matches.
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let group = app
        .graphql(r#"{ targetGroup(code: "veterans") { id version } }"#, json!({}))
        .await;
    let group = &group.data()["targetGroup"];
    let withdrawn = app
        .bearer(&token).graphql("mutation($input: WithdrawTargetGroupInput!) { withdrawTargetGroup(input: $input) { targetGroup { status } } }",
            json!({ "input": { "id": group["id"], "version": group["version"], "replacedBy": "internally-displaced-persons" } }),
        )
        .await;
    withdrawn.data();
    let changed = site
        .get(path)
        .headers(&[("accept", "text/html"), ("if-none-match", &etag)])
        .send()
        .await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
}

#[tokio::test]
async fn withdrawn_objects_stay_resolvable_with_reason_and_replacement() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let group = app
        .graphql(r#"{ targetGroup(code: "veterans") { id version } }"#, json!({}))
        .await;
    let group = &group.data()["targetGroup"];
    app.bearer(&token).graphql("mutation($input: WithdrawTargetGroupInput!) { withdrawTargetGroup(input: $input) { targetGroup { status } } }",
        json!({ "input": { "id": group["id"], "version": group["version"], "replacedBy": "internally-displaced-persons" } }),
    )
    .await
    .data();
    let doc = site
        .get_accepting("/id/target-group/veterans", "application/ld+json")
        .await
        .json();
    assert_eq!(doc["nap:status"], "WITHDRAWN");
    assert_eq!(doc["owl:deprecated"], true);
    assert_eq!(
        doc["dct:isReplacedBy"]["@id"],
        "https://nap.example.org/id/target-group/internally-displaced-persons"
    );
    let page = site.get("/id/target-group/veterans").send().await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Withdrawn"), "{}", page.text());
    assert!(
        page.text()
            .contains("href=\"https://nap.example.org/id/target-group/internally-displaced-persons\"")
    );

    let item = app
        .graphql(
            &format!(r#"{{ planItem(code: "{NATIONAL}/2.1.1") {{ id version }} }}"#),
            json!({}),
        )
        .await;
    let item = &item.data()["planItem"];
    app.bearer(&token).graphql("mutation($input: WithdrawPlanItemInput!) { withdrawPlanItem(input: $input) { planItem { status } } }",
        json!({ "input": { "id": item["id"], "version": item["version"], "reason": "Merged into 2.1" } }),
    )
    .await
    .data();
    let doc = site
        .get_accepting(format!("/id/item/{NATIONAL}/2.1.1"), "application/json")
        .await
        .json();
    assert_eq!(doc["nap:status"], "WITHDRAWN");
    assert_eq!(doc["skos:changeNote"], "Merged into 2.1");
}

#[tokio::test]
async fn unknown_addresses_are_404_and_malformed_ones_400() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    for path in [
        format!("/id/item/{NATIONAL}/9.9"),
        "/id/plan/XX-NAP-1900-1901".to_owned(),
        "/id/region/UA-99".to_owned(),
        format!("/id/indicator/{NATIONAL}/1.1.1/I9"),
        "/id/project/XM-DAC-0-NOTHING".to_owned(),
        "/id/widget/1".to_owned(),
    ] {
        let page = site.get_accepting(&path, "text/html").await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.header("content-type").unwrap().starts_with("text/html"));
        assert!(
            page.text().contains("/id/item/UA-NAP-2021-2025/3.1.12"),
            "a helpful page lists the address forms"
        );
    }
    for path in [
        format!("/id/item/{NATIONAL}/1..1"),
        format!("/id/item/{NATIONAL}"),
        "/id/region/Kyiv".to_owned(),
        "/id/target-group/%3Cscript%3E".to_owned(),
    ] {
        let answer = site.get_accepting(&path, "application/json").await;
        assert_eq!(answer.status, 400, "{path}");
        assert_eq!(answer.json()["code"], "BAD_USER_INPUT", "{path}");
    }
}
