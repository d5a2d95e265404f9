//! Persisted queries over HTTP: automatic ones learned from a client and then named by hash (over
//! GET too, with ETag and 304), and the allow-list mode in which only the manifest's documents run.

use axum::{
    Router,
    body::Body,
    http::{Request, header},
};
use http_body_util::BodyExt;
use nap_registry::{
    config::HttpSettings,
    http::persisted_queries::{Manifest, Mode, Settings, sha256_hex},
};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::TestApp;

const PLANS: &str = "{ plans { nodes { code } } }";

struct Answer {
    status: u16,
    etag: Option<String>,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("")
    }
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get(header::ETAG)
        .map(|value| value.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        etag,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

async fn post(router: &Router, body: Value) -> Answer {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(router, request).await
}

/// A GET naming the document by hash, as Apollo clients send it (`useGETForHashedQueries`).
async fn get_by_hash(router: &Router, hash: &str, if_none_match: Option<&str>) -> Answer {
    let extensions: String = persisted(hash)
        .to_string()
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    let mut request = Request::get(format!("/graphql?extensions={extensions}"));
    if let Some(tag) = if_none_match {
        request = request.header(header::IF_NONE_MATCH, tag);
    }
    send(router, request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn an_automatic_persisted_query_is_learned_then_served_by_hash_over_get_with_etag() {
    let app = TestApp::seeded().await;
    let router = app.router();
    let hash = sha256_hex(PLANS);

    let unknown = post(&router, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(unknown.status, 200);
    assert_eq!(unknown.code(), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(unknown.body["errors"][0]["message"], "PersistedQueryNotFound");

    let registered = post(&router, json!({ "query": PLANS, "extensions": persisted(&hash) })).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let plans = registered.body["data"]["plans"]["nodes"].as_array().unwrap();
    assert!(!plans.is_empty());

    let by_hash = get_by_hash(&router, &hash, None).await;
    assert_eq!(by_hash.status, 200, "{}", by_hash.body);
    assert_eq!(by_hash.body["data"], registered.body["data"]);
    let etag = by_hash.etag.expect("a GET by hash is cacheable: it has an ETag");
    let again = get_by_hash(&router, &hash, Some(&etag)).await;
    assert_eq!(again.status, 304);

    let wrong = post(
        &router,
        json!({ "query": PLANS, "extensions": persisted(&sha256_hex("{ other }")) }),
    )
    .await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.code(), "PERSISTED_QUERY_HASH_MISMATCH");
}

#[tokio::test]
async fn in_allow_list_mode_only_the_manifests_documents_run() {
    let app = TestApp::seeded().await;
    let hash = sha256_hex(PLANS);
    let manifest = Manifest::parse(&json!({ hash.clone(): PLANS }).to_string()).unwrap();
    let router = app.router_with_http(HttpSettings {
        persisted_queries: Settings {
            mode: Mode::Only,
            manifest,
            ..Settings::default()
        },
        ..HttpSettings::default()
    });

    let by_hash = get_by_hash(&router, &hash, None).await;
    assert_eq!(by_hash.status, 200, "{}", by_hash.body);
    assert!(by_hash.body["data"]["plans"]["nodes"].is_array());
    let in_full = post(&router, json!({ "query": PLANS })).await;
    assert_eq!(in_full.status, 200, "{}", in_full.body);

    let other = "{ organisations { nodes { code } } }";
    for body in [
        json!({ "query": other }),
        json!({ "query": other, "extensions": persisted(&sha256_hex(other)) }),
        json!({ "extensions": persisted(&sha256_hex(other)) }),
    ] {
        let refused = post(&router, body.clone()).await;
        assert_eq!(refused.status, 400, "{body}");
        assert_eq!(refused.code(), "PERSISTED_QUERY_NOT_ALLOWED", "{body}");
        assert!(refused.body.get("data").is_none());
    }
    // Nothing was learned from the refused registration.
    let still_refused = get_by_hash(&router, &sha256_hex(other), None).await;
    assert_eq!(still_refused.code(), "PERSISTED_QUERY_NOT_ALLOWED");
}

#[tokio::test]
async fn with_persisted_queries_off_a_named_hash_is_refused() {
    let app = TestApp::seeded().await;
    let router = app.router_with_http(HttpSettings {
        persisted_queries: Settings {
            mode: Mode::Off,
            ..Settings::default()
        },
        ..HttpSettings::default()
    });
    let refused = post(&router, json!({ "extensions": persisted(&sha256_hex(PLANS)) })).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.code(), "PERSISTED_QUERY_NOT_SUPPORTED");
    let plain = post(&router, json!({ "query": PLANS })).await;
    assert_eq!(plain.status, 200);
}
