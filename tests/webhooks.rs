//! Managing webhooks: `createWebhook` and its secret, the caller matrix of every webhook mutation
//! and query, URL and filter checks (including the refusal of private addresses).

use nap_registry::domain::access::Scope;
use serde_json::{Value, json};

use crate::common::{
    TestApp,
    receiver::{Deliveries, fast_settings},
};

pub const CREATE: &str = "mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url status enabled version entityTypes plans regions organisations organisation { code } } } }";
const UPDATE: &str = "mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { id url enabled status version entityTypes } } }";
const DELETE: &str =
    "mutation($input: DeleteWebhookInput!) { deleteWebhook(input: $input) { webhook { id status } } }";
const ROTATE: &str = "mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret previousSecretsExpireAt webhook { id version } } }";
const LIST: &str = "{ webhooks { id url organisation { code } } }";
const ONE: &str = "query($id: ID!) { webhook(id: $id) { id url } }";

const OWNER: &str = "fx-ngo";
const OTHER: &str = "fx-donor-b";

fn field_of(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn create_webhook_returns_its_secret_once() {
    let app = TestApp::with_fixture().await;
    let service = Deliveries::fast(&app);
    let owner = service.bearer(&app.token_for(OWNER, &[Scope::WebhooksManage]).await);
    let created = owner
        .graphql(CREATE, json!({ "input": { "url": "http://127.0.0.1:9/in", "entityTypes": ["PlanItem"], "plans": ["FX-NAP-2021-2025"] } }))
        .await;
    let created = &created.data()["createWebhook"];
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
    assert_eq!(created["webhook"]["status"], "ACTIVE");
    assert_eq!(created["webhook"]["organisation"]["code"], OWNER);
    assert_eq!(created["webhook"]["entityTypes"], json!(["PlanItem"]));
    assert_eq!(created["webhook"]["plans"], json!(["FX-NAP-2021-2025"]));
    // The secret is never shown again: no field of `Webhook` carries it.
    let listed = owner.graphql("{ webhooks { id url status } }", json!({})).await;
    assert_eq!(listed.data()["webhooks"].as_array().unwrap().len(), 1);
    assert!(!listed.body.to_string().contains(secret));
    let introspected = app
        .graphql(r#"{ __type(name: "Webhook") { fields { name } } }"#, json!({}))
        .await;
    assert!(
        !introspected.body.to_string().contains("secret"),
        "{}",
        introspected.body
    );
    // A rotation shows a new secret, once.
    let rotated = owner
        .graphql(
            ROTATE,
            json!({ "input": { "id": created["webhook"]["id"], "overlapSeconds": 3600 } }),
        )
        .await;
    let rotated = &rotated.data()["rotateWebhookSecret"];
    assert!(rotated["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_ne!(rotated["secret"].as_str().unwrap(), secret);
    assert_eq!(rotated["webhook"]["version"], 2);
}

#[tokio::test]
async fn webhook_mutations_enforce_the_caller_matrix() {
    let app = TestApp::with_fixture().await;
    let service = Deliveries::fast(&app);
    let input = json!({ "input": { "url": "http://127.0.0.1:9/in" } });
    // Anonymous, and a token without the scope.
    let anonymous = service.anonymous().graphql(CREATE, input.clone()).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    assert_eq!(
        service.anonymous().graphql(LIST, json!({})).await.error_code(),
        "UNAUTHENTICATED"
    );
    let unscoped = service.bearer(&app.token_for(OWNER, &[Scope::ProjectsWrite]).await);
    assert_eq!(
        unscoped.graphql(CREATE, input.clone()).await.error_code(),
        "FORBIDDEN"
    );
    assert_eq!(unscoped.graphql(LIST, json!({})).await.error_code(), "FORBIDDEN");
    // The owner creates; another organisation cannot create for it, see, change or delete it.
    let owner = service.bearer(&app.token_for(OWNER, &[Scope::WebhooksManage]).await);
    let other = service.bearer(&app.token_for(OTHER, &[Scope::WebhooksManage]).await);
    let for_owner = json!({ "input": { "url": "http://127.0.0.1:9/in", "organisation": OWNER } });
    assert_eq!(other.graphql(CREATE, for_owner).await.error_code(), "FORBIDDEN");
    let created = owner.graphql(CREATE, input.clone()).await;
    let id = created.data()["createWebhook"]["webhook"]["id"].clone();
    assert_eq!(other.graphql(LIST, json!({})).await.data()["webhooks"], json!([]));
    assert_eq!(
        other.graphql(ONE, json!({ "id": id })).await.data()["webhook"],
        Value::Null
    );
    let update = json!({ "input": { "id": id, "version": 1, "url": "http://127.0.0.1:10/other" } });
    assert_eq!(
        other.graphql(UPDATE, update.clone()).await.error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        other
            .graphql(DELETE, json!({ "input": { "id": id } }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        other
            .graphql(ROTATE, json!({ "input": { "id": id } }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    // Nothing changed; an administrator sees every organisation's webhooks.
    let admin = service.bearer(&app.token_for("ministry-of-social-policy", &[Scope::Admin]).await);
    let all = admin.graphql(LIST, json!({})).await;
    assert_eq!(all.data()["webhooks"][0]["url"], "http://127.0.0.1:9/in");
    assert_eq!(all.data()["webhooks"][0]["organisation"]["code"], OWNER);
    // The owner changes (with the version it read) and deletes it.
    let stale = json!({ "input": { "id": id, "version": 7, "enabled": false } });
    assert_eq!(owner.graphql(UPDATE, stale).await.error_code(), "CONFLICT");
    let updated = owner.graphql(UPDATE, update).await;
    assert_eq!(
        updated.data()["updateWebhook"]["webhook"]["url"],
        "http://127.0.0.1:10/other"
    );
    let deleted = owner.graphql(DELETE, json!({ "input": { "id": id } })).await;
    assert_eq!(deleted.data()["deleteWebhook"]["webhook"]["status"], "DELETED");
    assert_eq!(owner.graphql(LIST, json!({})).await.data()["webhooks"], json!([]));
    assert_eq!(admin.graphql(LIST, json!({})).await.data()["webhooks"], json!([]));
}

#[tokio::test]
async fn create_webhook_refuses_private_addresses_and_bad_urls() {
    let app = TestApp::with_fixture().await;
    // The default settings: no host allowed beyond public addresses.
    let service = Deliveries::start(&app, Default::default(), fast_settings());
    let owner = service.bearer(&app.token_for(OWNER, &[Scope::WebhooksManage]).await);
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "https://user:password@hooks.example.org/",
        "ftp://hooks.example.org/",
        "hooks.example.org/in",
    ] {
        let refused = owner.graphql(CREATE, json!({ "input": { "url": url } })).await;
        assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{url}: {}", refused.body);
        assert_eq!(field_of(&refused.body), "input.url", "{url}: {}", refused.body);
    }
    assert_eq!(owner.graphql(LIST, json!({})).await.data()["webhooks"], json!([]));
    // A public address is accepted (it need not answer yet).
    let accepted = owner
        .graphql(
            CREATE,
            json!({ "input": { "url": "https://93.184.216.34/hook" } }),
        )
        .await;
    assert_eq!(accepted.data()["createWebhook"]["webhook"]["status"], "ACTIVE");
}

#[tokio::test]
async fn create_webhook_checks_its_filters() {
    let app = TestApp::with_fixture().await;
    let service = Deliveries::fast(&app);
    let owner = service.bearer(&app.token_for(OWNER, &[Scope::WebhooksManage]).await);
    for (filter, value, field) in [
        ("entityTypes", "ApiToken", "input.entityTypes"),
        ("entityTypes", "planItem", "input.entityTypes"),
        ("plans", "NO-SUCH-PLAN", "input.plans"),
        ("regions", "UA-44", "input.regions"),
        ("organisations", "no-such-org", "input.organisations"),
    ] {
        let refused = owner
            .graphql(
                CREATE,
                json!({ "input": { "url": "http://127.0.0.1:9/", filter: [value] } }),
            )
            .await;
        assert_eq!(
            refused.error_code(),
            "BAD_USER_INPUT",
            "{filter}: {}",
            refused.body
        );
        assert_eq!(field_of(&refused.body), field, "{}", refused.body);
    }
    let created = owner
        .graphql(
            CREATE,
            json!({ "input": { "url": "http://127.0.0.1:9/", "regions": ["UA-46"], "organisations": ["rma-ua-46"] } }),
        )
        .await;
    assert_eq!(
        created.data()["createWebhook"]["webhook"]["regions"],
        json!(["UA-46"])
    );
}

/// The README's receiver is the one CI runs against the real binary (`.ci/webhooks/verify.mjs`).
#[test]
fn the_readme_shows_the_receiver_that_ci_runs() {
    let readme = include_str!("../README.md");
    let receiver = include_str!("../.ci/webhooks/receiver.mjs");
    let code: Vec<&str> = receiver
        .lines()
        .skip_while(|line| line.starts_with("//"))
        .collect();
    let code = code.join("\n");
    assert!(
        readme.contains(code.trim()),
        "the README's receiver differs from .ci/webhooks/receiver.mjs"
    );
}
