//! Persisted queries over HTTP: automatic ones learned from a client and then named by hash (over
//! GET too, with ETag and 304), and the allow-list mode in which only the manifest's documents run.
//! (Apollo Client's own link against the release binary: `.ci/graphql-http-audit/`.)

use nap_registry::{
    config::HttpSettings,
    http::persisted_queries::{Manifest, Mode, Settings, sha256_hex},
};
use serde_json::{Value, json};

use crate::common::{
    TestApp,
    request::{Client, GraphqlResponse, percent_encode},
};

const PLANS: &str = "{ plans { nodes { code } } }";

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

fn code(response: &GraphqlResponse) -> &str {
    response.body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

async fn post(client: &Client, body: Value) -> GraphqlResponse {
    client.post("/graphql").json(&body).send().await.into()
}

/// A GET naming the document by hash, as Apollo clients send it (`useGETForHashedQueries`).
async fn get_by_hash(client: &Client, hash: &str, if_none_match: Option<&str>) -> GraphqlResponse {
    let path = format!(
        "/graphql?extensions={}",
        percent_encode(&persisted(hash).to_string())
    );
    let mut request = client.get(path);
    if let Some(tag) = if_none_match {
        request = request.header("if-none-match", tag);
    }
    let response = request.send().await;
    GraphqlResponse {
        status: response.status,
        body: response.json_or_null(),
        headers: response.headers,
    }
}

fn with_persisted_queries(app: &TestApp, settings: Settings) -> Client {
    app.with_http(HttpSettings {
        persisted_queries: settings,
        ..HttpSettings::default()
    })
}

#[tokio::test]
async fn an_automatic_persisted_query_is_learned_then_served_by_hash_over_get_with_etag() {
    let app = TestApp::seeded().await;
    let client = app.anonymous();
    let hash = sha256_hex(PLANS);

    let unknown = post(&client, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(unknown.status, 200);
    assert_eq!(code(&unknown), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(unknown.body["errors"][0]["message"], "PersistedQueryNotFound");

    let registered = post(&client, json!({ "query": PLANS, "extensions": persisted(&hash) })).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let plans = registered.body["data"]["plans"]["nodes"].as_array().unwrap();
    assert!(!plans.is_empty());

    let by_hash = get_by_hash(&client, &hash, None).await;
    assert_eq!(by_hash.status, 200, "{}", by_hash.body);
    assert_eq!(by_hash.body["data"], registered.body["data"]);
    let etag = by_hash
        .headers
        .get("etag")
        .expect("a GET by hash is cacheable: it has an ETag")
        .to_str()
        .unwrap()
        .to_owned();
    let again = get_by_hash(&client, &hash, Some(&etag)).await;
    assert_eq!(again.status, 304);

    let wrong = post(
        &client,
        json!({ "query": PLANS, "extensions": persisted(&sha256_hex("{ other }")) }),
    )
    .await;
    assert_eq!(wrong.status, 400);
    assert_eq!(code(&wrong), "PERSISTED_QUERY_HASH_MISMATCH");
}

#[tokio::test]
async fn in_allow_list_mode_only_the_manifests_documents_run() {
    let app = TestApp::seeded().await;
    let hash = sha256_hex(PLANS);
    let manifest = Manifest::parse(&json!({ hash.clone(): PLANS }).to_string()).unwrap();
    let client = with_persisted_queries(
        &app,
        Settings {
            mode: Mode::Only,
            manifest,
            ..Settings::default()
        },
    );

    let by_hash = get_by_hash(&client, &hash, None).await;
    assert_eq!(by_hash.status, 200, "{}", by_hash.body);
    assert!(by_hash.body["data"]["plans"]["nodes"].is_array());
    let in_full = post(&client, json!({ "query": PLANS })).await;
    assert_eq!(in_full.status, 200, "{}", in_full.body);

    let other = "{ organisations { nodes { code } } }";
    for body in [
        json!({ "query": other }),
        json!({ "query": other, "extensions": persisted(&sha256_hex(other)) }),
        json!({ "extensions": persisted(&sha256_hex(other)) }),
    ] {
        let refused = post(&client, body.clone()).await;
        assert_eq!(refused.status, 400, "{body}");
        assert_eq!(code(&refused), "PERSISTED_QUERY_NOT_ALLOWED", "{body}");
        assert!(refused.body.get("data").is_none());
    }
    // Nothing was learned from the refused registration.
    let still_refused = get_by_hash(&client, &sha256_hex(other), None).await;
    assert_eq!(code(&still_refused), "PERSISTED_QUERY_NOT_ALLOWED");
}

#[tokio::test]
async fn with_persisted_queries_off_a_named_hash_is_refused() {
    let app = TestApp::seeded().await;
    let client = with_persisted_queries(
        &app,
        Settings {
            mode: Mode::Off,
            ..Settings::default()
        },
    );
    let refused = post(&client, json!({ "extensions": persisted(&sha256_hex(PLANS)) })).await;
    assert_eq!(refused.status, 400);
    assert_eq!(code(&refused), "PERSISTED_QUERY_NOT_SUPPORTED");
    let plain = post(&client, json!({ "query": PLANS })).await;
    assert_eq!(plain.status, 200);
}
