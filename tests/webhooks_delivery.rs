//! Delivering webhooks to a real receiver: Standard Webhooks signatures that verify (also across
//! a secret rotation), sequence order, only public changes, retries after 500s and timeouts, the
//! endpoint disabled after the retry period and resumed without loss, filters, and the refusal of
//! a host that resolves to a private address.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use nap_registry::domain::access::Scope;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{
    common::{
        Client, TestApp,
        receiver::{Deliveries, Received, Receiver, Reply, eventually, fast_settings},
    },
    webhooks::CREATE,
};

const OWNER: &str = "fx-ngo";
const STATE: &str = "query($id: ID!) { webhook(id: $id) { status disabledReason lastDeliveredSequence failedAttempts deliveries(first: 100) { sequence messageId attempt delivered statusCode latencyMs error } } changesHead { sequence } }";

/// Verifies a delivery as the Standard Webhooks specification says, written out here apart from
/// the registry's own signing code: HMAC-SHA256 with the secret's decoded bytes over
/// `id.timestamp.body`, any one `v1,` signature of the header matching.
fn verifies(secret: &str, delivery: &Received) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(
        format!(
            "{}.{}.{}",
            delivery.header("webhook-id"),
            delivery.header("webhook-timestamp"),
            delivery.body
        )
        .as_bytes(),
    );
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    delivery
        .header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

async fn create_webhook(client: &Client, input: Value) -> (Value, String) {
    let created = client.graphql(CREATE, json!({ "input": input })).await;
    let created = &created.data()["createWebhook"];
    (
        created["webhook"]["id"].clone(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

async fn state(client: &Client, id: &Value) -> Value {
    client.graphql(STATE, json!({ "id": id })).await.data().clone()
}

/// Waits until the webhook has been given (or passed over) every change so far.
async fn caught_up(client: &Client, id: &Value) -> Value {
    eventually("the webhook to catch up with the feed", || async {
        let state = state(client, id).await;
        (state["webhook"]["lastDeliveredSequence"] == state["changesHead"]["sequence"]).then_some(state)
    })
    .await
}

#[tokio::test]
async fn deliveries_are_signed_in_order_and_only_of_public_changes() {
    let app = TestApp::with_fixture().await;
    let service = Deliveries::fast(&app);
    let receiver = Receiver::start().await;
    let owner = service.bearer(
        &app.token_for(
            OWNER,
            &[Scope::WebhooksManage, Scope::ProjectsWrite, Scope::TokensManage],
        )
        .await,
    );
    let (id, secret) = create_webhook(&owner, json!({ "url": receiver.url() })).await;
    let mut projects = Vec::new();
    for round in 0..4 {
        projects.push(owner.create_project_link(&format!("Project {round}")).await);
        if round == 1 {
            // A private change in between: issuing a token is not in the public feed.
            owner
                .graphql(
                    r#"mutation { issueToken(input: { scopes: ["projects:write"], ttlDays: 1, label: "x" }) { token } }"#,
                    json!({}),
                )
                .await
                .data();
        }
    }
    let received = receiver.wait_for_accepted(4).await;
    let state = caught_up(&owner, &id).await;
    assert_eq!(receiver.received().len(), 4, "nothing else was sent");
    let mut last = 0;
    for (delivery, project) in received.iter().zip(&projects) {
        assert!(verifies(&secret, delivery), "{delivery:?}");
        assert!(!verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", delivery));
        let timestamp: i64 = delivery.header("webhook-timestamp").parse().unwrap();
        assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 300);
        assert_eq!(delivery.header("content-type"), "application/json");
        let data = &delivery.json["data"];
        assert_eq!(delivery.json["type"], "registry.change");
        assert_eq!(data["entityType"], "ProjectLink");
        assert_eq!(data["action"], "CREATE");
        assert_eq!(data["entityId"], project.as_str());
        assert_eq!(data["version"], 1);
        assert!(data["uri"].as_str().unwrap().contains("/id/project/"), "{data}");
        let sequence = data["sequence"].as_i64().unwrap();
        assert!(sequence > last, "in sequence order");
        assert!(
            delivery
                .header("webhook-id")
                .starts_with(&format!("msg_{sequence}_"))
        );
        last = sequence;
        // Only the change-feed fields: never the object's contents.
        let keys: Vec<&String> = data.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "action",
                "entityCode",
                "entityId",
                "entityType",
                "occurredAt",
                "sequence",
                "uri",
                "version"
            ]
        );
    }
    // The delivery log, newest first.
    let log = state["webhook"]["deliveries"].as_array().unwrap();
    assert_eq!(log.len(), 4);
    assert!(
        log.iter()
            .all(|d| d["delivered"] == true && d["attempt"] == 1 && d["statusCode"] == 204)
    );
    assert_eq!(log[0]["sequence"], last);

    // A rotation: during the overlap both secrets sign; after a rotation without overlap only
    // the newest does.
    let rotate =
        "mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret } }";
    let rotated = owner
        .graphql(rotate, json!({ "input": { "id": id, "overlapSeconds": 3600 } }))
        .await;
    let second = rotated.data()["rotateWebhookSecret"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    owner.create_project_link("After the rotation").await;
    let delivery = receiver.wait_for_accepted(5).await.pop().unwrap();
    assert_eq!(delivery.header("webhook-signature").split(' ').count(), 2);
    assert!(verifies(&second, &delivery) && verifies(&secret, &delivery));
    let rotated = owner
        .graphql(rotate, json!({ "input": { "id": id, "overlapSeconds": 0 } }))
        .await;
    let third = rotated.data()["rotateWebhookSecret"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    owner.create_project_link("After the second rotation").await;
    let delivery = receiver.wait_for_accepted(6).await.pop().unwrap();
    assert!(verifies(&third, &delivery));
    assert!(!verifies(&second, &delivery) && !verifies(&secret, &delivery));
    service.stop().await;
}

#[tokio::test]
async fn deliveries_are_retried_after_500s_and_timeouts() {
    let app = TestApp::with_fixture().await;
    let service = Deliveries::fast(&app);
    let receiver = Receiver::start().await;
    // The worker waits 500 ms for an answer; the second answer comes after 3 s.
    receiver.reply_next(&[
        Reply::Status(500),
        Reply::Hang(Duration::from_secs(3)),
        Reply::Status(503),
    ]);
    let owner = service.bearer(
        &app.token_for(OWNER, &[Scope::WebhooksManage, Scope::ProjectsWrite])
            .await,
    );
    let (id, secret) = create_webhook(&owner, json!({ "url": receiver.url() })).await;
    owner.create_project_link("Retried").await;
    owner.create_project_link("Queued behind it").await;
    let accepted = receiver.wait_for_accepted(2).await;
    let received = receiver.received();
    assert_eq!(received.len(), 5, "{received:?}");
    // The first change four times with the same id, then the second: never out of order.
    let ids: Vec<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    assert!(
        ids[..4].iter().all(|i| *i == ids[0]) && ids[4] != ids[0],
        "{ids:?}"
    );
    assert!(received.iter().all(|r| verifies(&secret, r)));
    assert_eq!(accepted[0].header("webhook-id"), ids[0]);
    let state = caught_up(&owner, &id).await;
    let log = state["webhook"]["deliveries"].as_array().unwrap();
    let attempts: Vec<(i64, bool, Value)> = log
        .iter()
        .rev()
        .map(|d| {
            (
                d["attempt"].as_i64().unwrap(),
                d["delivered"] == true,
                d["statusCode"].clone(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        [
            (1, false, json!(500)),
            (2, false, Value::Null),
            (3, false, json!(503)),
            (4, true, json!(204)),
            (1, true, json!(204)),
        ]
    );
    assert!(
        log[3]["error"].as_str().unwrap().contains("no answer within"),
        "{}",
        log[3]
    );
    assert_eq!(state["webhook"]["failedAttempts"], 0);
    service.stop().await;
}

#[tokio::test]
async fn an_endpoint_failing_for_the_whole_retry_period_is_disabled_and_resumes_without_loss() {
    let app = TestApp::with_fixture().await;
    let settings = nap_registry::config::WebhookSettings {
        retry_for: Duration::from_millis(1),
        ..fast_settings()
    };
    let service = Deliveries::start(&app, settings.clone(), settings);
    let receiver = Receiver::start().await;
    receiver.reply_always(Reply::Status(500));
    let owner = service.bearer(
        &app.token_for(OWNER, &[Scope::WebhooksManage, Scope::ProjectsWrite])
            .await,
    );
    let (id, _) = create_webhook(&owner, json!({ "url": receiver.url() })).await;
    let first = owner.create_project_link("Undeliverable for now").await;
    let disabled = eventually("the webhook to be disabled", || async {
        let state = state(&owner, &id).await;
        (state["webhook"]["status"] == "DISABLED").then_some(state)
    })
    .await;
    let reason = disabled["webhook"]["disabledReason"].as_str().unwrap();
    assert!(
        reason.contains("could not be delivered") && reason.contains("answered 500"),
        "{reason}"
    );
    // Nothing is sent while it is disabled; changes wait.
    let tried = receiver.received().len();
    let second = owner.create_project_link("Made while disabled").await;
    receiver.reply_always(Reply::Status(204));
    let version = owner
        .graphql(
            "query($id: ID!) { webhook(id: $id) { version } }",
            json!({ "id": id }),
        )
        .await
        .data()["webhook"]["version"]
        .clone();
    assert_eq!(receiver.received().len(), tried);
    let enabled = owner
        .graphql(
            "mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { status disabledReason } } }",
            json!({ "input": { "id": id, "version": version, "enabled": true } }),
        )
        .await;
    assert_eq!(enabled.data()["updateWebhook"]["webhook"]["status"], "ACTIVE");
    assert_eq!(
        enabled.data()["updateWebhook"]["webhook"]["disabledReason"],
        Value::Null
    );
    let accepted = receiver.wait_for_accepted(2).await;
    let delivered: Vec<&str> = accepted
        .iter()
        .map(|r| r.json["data"]["entityId"].as_str().unwrap())
        .collect();
    assert_eq!(delivered, [first.as_str(), second.as_str()]);
    service.stop().await;
}

#[tokio::test]
async fn filters_choose_the_changes_an_endpoint_receives() {
    let app = TestApp::with_fixture().await;
    let service = Deliveries::fast(&app);
    let (by_type, by_plan, by_organisation) = (
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
    );
    let manager = service.bearer(
        &app.token_for(OWNER, &[Scope::WebhooksManage, Scope::ProjectsWrite])
            .await,
    );
    let (types_id, _) = create_webhook(
        &manager,
        json!({ "url": by_type.url(), "entityTypes": ["ProjectLink"] }),
    )
    .await;
    let (plan_id, _) = create_webhook(
        &manager,
        json!({ "url": by_plan.url(), "plans": ["FX-RAP-UA-46"] }),
    )
    .await;
    let (organisation_id, _) = create_webhook(
        &manager,
        json!({ "url": by_organisation.url(), "organisations": [OWNER] }),
    )
    .await;
    let by_region = Receiver::start().await;
    let (region_id, _) =
        create_webhook(&manager, json!({ "url": by_region.url(), "regions": ["UA-46"] })).await;
    let own = manager.create_project_link("The NGO's project").await;
    let donor = service.bearer(&app.token_for("fx-donor-b", &[Scope::ProjectsWrite]).await);
    let donors = donor.create_project_link("The donor's project").await;
    let editor = service.bearer(&app.token_for("rma-ua-46", &[Scope::PlansWrite]).await);
    editor
        .graphql(
            "mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { id } } }",
            json!({ "input": { "planItem": "FX-RAP-UA-46/1", "code": "I9", "nameEn": "Shelters audited", "unit": "shelters", "direction": "INCREASE" } }),
        )
        .await
        .data();
    for id in [&types_id, &plan_id, &organisation_id, &region_id] {
        caught_up(&manager, id).await;
    }
    let ids = |receiver: &Receiver| -> Vec<String> {
        receiver
            .accepted()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r.json["data"]["entityType"], r.json["data"]["entityCode"]
                )
            })
            .collect()
    };
    let entity_ids = |receiver: &Receiver| -> Vec<String> {
        receiver
            .accepted()
            .iter()
            .map(|r| r.json["data"]["entityId"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(entity_ids(&by_type), [own.clone(), donors]);
    assert_eq!(ids(&by_plan), [r#""Indicator" "FX-RAP-UA-46/1/I9""#]);
    // FX-RAP-UA-46 is the Lviv region's plan: a change of its indicator is a change of the region's.
    assert_eq!(ids(&by_region), [r#""Indicator" "FX-RAP-UA-46/1/I9""#]);
    assert_eq!(entity_ids(&by_organisation), [own]);
    service.stop().await;
}

#[tokio::test]
async fn a_host_resolving_to_a_private_address_is_not_delivered_to() {
    let app = TestApp::with_fixture().await;
    // The API accepts `localhost` (as if the operator had allowed it when the webhook was
    // registered); the worker's settings do not, so it checks the resolved address and refuses.
    let api = nap_registry::config::WebhookSettings {
        allowed_hosts: vec!["localhost".to_owned()],
        ..fast_settings()
    };
    let worker = nap_registry::config::WebhookSettings {
        allowed_hosts: Vec::new(),
        ..fast_settings()
    };
    let service = Deliveries::start(&app, api, worker);
    let receiver = Receiver::start().await;
    let owner = service.bearer(
        &app.token_for(OWNER, &[Scope::WebhooksManage, Scope::ProjectsWrite])
            .await,
    );
    let url = format!("http://localhost:{}/hook", receiver.address.port());
    let (id, _) = create_webhook(&owner, json!({ "url": url })).await;
    owner.create_project_link("Not for localhost").await;
    let state = eventually("a refused attempt", || async {
        let state = state(&owner, &id).await;
        (!state["webhook"]["deliveries"].as_array().unwrap().is_empty()).then_some(state)
    })
    .await;
    let attempt = &state["webhook"]["deliveries"][0];
    assert_eq!(attempt["delivered"], false);
    assert_eq!(attempt["statusCode"], Value::Null);
    assert!(
        attempt["error"].as_str().unwrap().contains("non-public address"),
        "{attempt}"
    );
    assert!(receiver.received().is_empty());
    service.stop().await;
}
