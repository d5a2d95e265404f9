//! The HTTP side of the GraphQL endpoint: queries over GET, mutations only over POST, batches refused.

use axum::{
    body::Body,
    http::{Request, header},
};
use http_body_util::BodyExt;
use nap_registry::domain::access::Scope;
use serde_json::Value;
use tower::ServiceExt;

use crate::common::TestApp;

async fn send(app: &TestApp, request: Request<Body>) -> (u16, Option<String>, Value) {
    let response = app.router().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let allow = response
        .headers()
        .get(header::ALLOW)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        allow,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn get(query: &str) -> Request<Body> {
    let mut url = String::from("/graphql?query=");
    for byte in query.bytes() {
        if byte.is_ascii_alphanumeric() {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    Request::get(url).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn queries_work_over_get() {
    let app = TestApp::seeded().await;
    let (status, _, body) = send(&app, get("{ plans { totalCount } }")).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["plans"]["totalCount"], 2);
}

#[tokio::test]
async fn a_mutation_over_get_is_refused_with_405_and_changes_nothing() {
    let app = TestApp::with_fixture().await;
    let token = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let mutation = r#"mutation { createPlanItem(input: {plan: "FX-RAP-UA-46", number: "1.1.5", titleEn: "via GET"}) { planItem { code } } }"#;
    let mut request = get(mutation);
    request
        .headers_mut()
        .insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    let (status, allow, body) = send(&app, request).await;
    assert_eq!(status, 405, "{body}");
    assert_eq!(allow.as_deref(), Some("POST"));
    assert_eq!(body["errors"][0]["extensions"]["code"], "METHOD_NOT_ALLOWED");
    let item = app
        .graphql(
            r#"{ planItem(code: "FX-RAP-UA-46/1.1.5") { code } }"#,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(item.data()["planItem"], Value::Null);
}

#[tokio::test]
async fn batched_requests_are_refused() {
    let app = TestApp::seeded().await;
    let batch = r#"[{"query":"{ plans { totalCount } }"},{"query":"{ regions { code } }"}]"#;
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(batch))
        .unwrap();
    let (status, _, _) = send(&app, request).await;
    assert_eq!(status, 400, "a batch is not executed");
}

/// The introspection query GraphiQL and code generators send (graphql-js `getIntrospectionQuery`).
const STANDARD_INTROSPECTION: &str = r#"query IntrospectionQuery {
  __schema { queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue } interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name } } } } } } } }"#;

#[tokio::test]
async fn the_standard_introspection_query_fits_the_limits() {
    let app = TestApp::seeded().await;
    let response = app.graphql(STANDARD_INTROSPECTION, serde_json::json!({})).await;
    assert_eq!(response.data()["__schema"]["queryType"]["name"], "Query");
    assert_eq!(response.data()["__schema"]["mutationType"]["name"], "Mutation");
}

#[tokio::test]
async fn nested_connections_cost_their_page_sizes_and_a_query_too_costly_is_refused() {
    let app = TestApp::seeded().await;
    let affordable = app
        .graphql(
            "{ organisations(first: 100) { nodes { code projectLinks(first: 5) { totalCount } } } }",
            serde_json::json!({}),
        )
        .await;
    assert!(affordable.body["errors"].is_null(), "{}", affordable.body);
    let costly = app
        .graphql(
            "{ organisations(first: 100) { nodes { projectLinks(first: 100) { nodes { planItems { code title } regions { code name } } } } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(
        costly.error_code(),
        "GRAPHQL_VALIDATION_FAILED",
        "{}",
        costly.body
    );
    assert!(
        costly.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{}",
        costly.body
    );
}

#[tokio::test]
async fn responses_report_the_query_cost_and_carry_a_request_id() {
    let app = TestApp::seeded().await;
    let response = app
        .graphql("{ plans(first: 10) { nodes { code } } }", serde_json::json!({}))
        .await;
    let analyzer = &response.body["extensions"]["analyzer"];
    assert!(analyzer["complexity"].as_u64().unwrap() >= 10, "{analyzer}");
    assert!(analyzer["depth"].as_u64().unwrap() >= 3, "{analyzer}");

    let request = Request::get("/healthz")
        .header("x-request-id", "client-chosen-id")
        .body(Body::empty())
        .unwrap();
    let echoed = app.router().oneshot(request).await.unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "client-chosen-id");
    let fresh = app
        .router()
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        fresh.headers()["x-request-id"].len(),
        36,
        "a UUID is assigned when the client sends none"
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = TestApp::seeded().await;
    let settings = nap_registry::config::HttpSettings {
        max_body_bytes: 2048,
        ..Default::default()
    };
    let big = format!(
        r#"{{"query":"{{ plans {{ totalCount }} }}","variables":{{"pad":"{}"}}}}"#,
        "x".repeat(4096)
    );
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .unwrap();
    let response = app.router_with_http(settings).oneshot(request).await.unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::seeded().await;
    let settings = nap_registry::config::HttpSettings {
        cors_origins: vec!["https://partner.example.org".to_owned()],
        ..Default::default()
    };
    let router = app.router_with_http(settings);
    let preflight = |origin: &str| {
        Request::options("/graphql")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "content-type,authorization",
            )
            .body(Body::empty())
            .unwrap()
    };
    let allowed = router
        .clone()
        .oneshot(preflight("https://partner.example.org"))
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://partner.example.org"
    );
    let refused = router
        .oneshot(preflight("https://evil.example.com"))
        .await
        .unwrap();
    assert!(
        refused
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
}

#[tokio::test]
async fn readyz_needs_the_database_and_every_migration() {
    use migration::{Migrator, MigratorTrait};
    let app = TestApp::seeded().await;
    let (status, _, body) = send(&app, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
    Migrator::down(&app.db, Some(1)).await.unwrap();
    let (status, _, body) = send(&app, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body["pending"].as_u64()), (503, Some(1)));
}

#[tokio::test]
async fn graphql_response_json_is_negotiated_with_spec_status_codes() {
    let app = TestApp::seeded().await;
    let post = |query: &str, accept: &str| {
        Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, accept)
            .body(Body::from(serde_json::json!({ "query": query }).to_string()))
            .unwrap()
    };
    let media = "application/graphql-response+json";
    let ok = app
        .router()
        .oneshot(post("{ plans { totalCount } }", media))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(
        ok.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(media)
    );
    let invalid = app.router().oneshot(post("{ spaceships }", media)).await.unwrap();
    assert_eq!(invalid.status(), 400);
    let legacy = app
        .router()
        .oneshot(post("{ spaceships }", "application/json"))
        .await
        .unwrap();
    assert_eq!(
        legacy.status(),
        200,
        "application/json clients keep 200 with errors in the body"
    );
}

#[tokio::test]
async fn requests_over_the_rate_limit_get_429_with_retry_after() {
    let app = TestApp::seeded().await;
    let settings = nap_registry::config::HttpSettings {
        rate_per_address: 3,
        rate_per_token: 2,
        ..Default::default()
    };
    let router = app.router_with_http(settings);
    let post = |token: Option<&str>| {
        let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        request
            .body(Body::from(r#"{"query":"{ plans { totalCount } }"}"#))
            .unwrap()
    };
    for _ in 0..3 {
        assert_eq!(router.clone().oneshot(post(None)).await.unwrap().status(), 200);
    }
    let limited = router.clone().oneshot(post(None)).await.unwrap();
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value =
        serde_json::from_slice(&limited.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");

    // A token has its own allowance.
    let token = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    for _ in 0..2 {
        assert_eq!(
            router.clone().oneshot(post(Some(&token))).await.unwrap().status(),
            200
        );
    }
    assert_eq!(router.oneshot(post(Some(&token))).await.unwrap().status(), 429);
}
