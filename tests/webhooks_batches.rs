//! Webhooks and writes that record several changes under one sequence number (a plan import):
//! every change is delivered, each under its own `webhook-id`, and a failure in the middle of
//! such a write neither skips the rest of it nor moves the cursor past it.

use std::collections::{BTreeMap, BTreeSet};

use nap_registry::domain::access::Scope;
use serde_json::json;

use crate::{
    common::{
        TestApp,
        receiver::{Deliveries, Receiver, Reply, eventually},
    },
    plan_import::{national_files, upload},
    webhooks::CREATE,
};

const PLAN: &str = "UA-NAP-2021-2025";

#[tokio::test]
async fn every_change_of_a_plan_import_is_delivered_even_after_a_failure_inside_it() {
    let app = TestApp::seeded().await;
    let service = Deliveries::fast(&app);
    let receiver = Receiver::start().await;
    // The third message fails: the worker must retry from the start of the import's sequence.
    receiver.reply_next(&[Reply::Status(200), Reply::Status(200), Reply::Status(500)]);
    let admin = service.bearer(
        &app.token_for(
            "ministry-of-social-policy",
            &[Scope::Admin, Scope::WebhooksManage],
        )
        .await,
    );
    let created = admin
        .graphql(CREATE, json!({ "input": { "url": receiver.url() } }))
        .await;
    let webhook = created.data()["createWebhook"]["webhook"]["id"].clone();

    let report = upload(&admin, PLAN, &national_files(), json!({}), "en").await;
    let report = &report["data"]["importPlan"];
    assert_eq!(report["applied"], true, "{report}");
    let sequence = report["sequence"].as_i64().unwrap();
    let changes = crate::common::feed_after(&app, json!((sequence - 1).to_string())).await;
    assert!(
        changes.len() > 3,
        "the import records several changes: {changes:?}"
    );
    let expected: BTreeSet<String> = changes
        .iter()
        .map(|c| c["entityId"].as_str().unwrap().to_owned())
        .collect();

    let accepted = eventually("every change of the import to be accepted", || async {
        let accepted = receiver.accepted();
        let delivered: BTreeSet<String> = accepted
            .iter()
            .map(|r| r.json["data"]["entityId"].as_str().unwrap().to_owned())
            .collect();
        (delivered == expected).then_some(accepted)
    })
    .await;
    // One webhook-id per change, the same on every attempt; all under the import's sequence.
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for delivery in receiver.received() {
        assert_eq!(delivery.json["data"]["sequence"], json!(sequence));
        let entity = delivery.json["data"]["entityId"].as_str().unwrap().to_owned();
        let id = delivery.header("webhook-id").to_owned();
        assert!(id.starts_with(&format!("msg_{sequence}_")), "{id}");
        assert_eq!(ids.entry(entity).or_insert_with(|| id.clone()), &id);
    }
    assert_eq!(
        ids.values().collect::<BTreeSet<_>>().len(),
        expected.len(),
        "a webhook-id per change"
    );
    // The failure made the worker send the first two again before going on.
    assert!(accepted.len() >= expected.len() + 2, "{}", accepted.len());
    let state = admin
        .graphql(
            "query($id: ID!) { webhook(id: $id) { lastDeliveredSequence failedAttempts } }",
            json!({ "id": webhook }),
        )
        .await;
    assert_eq!(state.data()["webhook"]["lastDeliveredSequence"], json!(sequence));
    service.stop().await;
}
