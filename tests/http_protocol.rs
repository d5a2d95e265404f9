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
    // HEAD is routed with GET, and its body would be read as JSON: it may not write either.
    let head = Request::head("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(serde_json::json!({ "query": mutation }).to_string()))
        .unwrap();
    let (status, allow, _) = send(&app, head).await;
    assert_eq!((status, allow.as_deref()), (405, Some("POST")));
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
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, 400, "a batch is not executed: {body}");
    assert!(
        body.get("data").is_none() && !body.is_array(),
        "nothing ran: {body}"
    );
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
        .body(Body::from(big.clone()))
        .unwrap();
    let router = app.router_with_http(settings);
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 413);
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE",
        "{body}"
    );
    // Without a Content-Length, the limit strikes while the body is read: the same answer.
    let streamed = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(big))
        .unwrap();
    let response = router.clone().oneshot(streamed).await.unwrap();
    assert_eq!(response.status(), 413);
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE",
        "{body}"
    );
    let metrics = router
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let text = String::from_utf8(metrics.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let counted = crate::common::metric_value(
        &text,
        r#"nap_http_responses_total{route="/graphql",status="413"}"#,
    );
    assert_eq!(counted, 2.0, "413s are counted");
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
    // Migrations are checked until found applied (then only the connection): a new instance
    // sees the one rolled back.
    let router = app.router_with_http(Default::default());
    let response = router
        .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["pending"].as_u64(), Some(1));
}

#[tokio::test]
async fn readyz_is_cheap_one_answer_a_second_and_migrations_checked_once() {
    let app = TestApp::seeded().await;
    let readyz = || Request::get("/readyz").body(Body::empty()).unwrap();
    let router = app.router();
    let before = app.statements.total();
    assert_eq!(router.clone().oneshot(readyz()).await.unwrap().status(), 200);
    let first = app.statements.total() - before;
    assert!(first > 0, "the first check reads the migrations");
    let before = app.statements.total();
    for _ in 0..200 {
        assert_eq!(router.clone().oneshot(readyz()).await.unwrap().status(), 200);
    }
    assert_eq!(
        app.statements.total() - before,
        0,
        "200 calls within a second ran statements"
    );
    tokio::time::sleep(nap_registry::http::health::READINESS_CACHE + std::time::Duration::from_millis(100))
        .await;
    let before = app.statements.total();
    assert_eq!(router.clone().oneshot(readyz()).await.unwrap().status(), 200);
    assert_eq!(
        app.statements.total() - before,
        0,
        "later checks only ping (no migration table statements)"
    );
}

#[tokio::test]
async fn request_ids_are_kept_only_when_short_and_printable() {
    let app = TestApp::seeded().await;
    let with_id = |id: &str| {
        Request::get("/healthz")
            .header("x-request-id", id)
            .body(Body::empty())
            .unwrap()
    };
    let kept = "client-7f3a".repeat(11);
    let response = app.router().oneshot(with_id(&kept)).await.unwrap();
    assert_eq!(response.headers()["x-request-id"], kept.as_str());
    for bad in ["x".repeat(129), "two words".to_owned(), "x".repeat(100_000)] {
        let response = app.router().oneshot(with_id(&bad)).await.unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert_eq!(id.len(), 36, "replaced by a UUID: {id:.40}");
        assert!(uuid::Uuid::parse_str(id).is_ok());
    }
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

#[tokio::test]
async fn requests_with_a_refused_token_count_against_the_rate_limit() {
    let app = TestApp::seeded().await;
    let router = app.router_with_http(nap_registry::config::HttpSettings {
        rate_per_address: 3,
        ..Default::default()
    });
    let forged = || {
        Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, "Bearer not.a.token")
            .body(Body::from(r#"{"query":"{ plans { totalCount } }"}"#))
            .unwrap()
    };
    for _ in 0..3 {
        assert_eq!(router.clone().oneshot(forged()).await.unwrap().status(), 401);
    }
    let limited = router.oneshot(forged()).await.unwrap();
    assert_eq!(limited.status(), 429, "guessing tokens skips the rate limit");
    assert!(limited.headers().contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = TestApp::seeded().await;
    let token = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = app
            .graphql_with_headers(
                "{ plans { totalCount } }",
                Value::Null,
                &[("authorization", &format!("{scheme} {token}"))],
            )
            .await;
        assert_eq!(response.status, 200, "{scheme}: {}", response.body);
        assert_eq!(response.data()["plans"]["totalCount"], 2);
    }
}

#[tokio::test]
async fn aliases_and_root_fields_are_capped() {
    let app = TestApp::seeded().await;
    let aliases = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: __typename")).collect();
        format!("{{ plans {{ {} }} }}", fields.join(" "))
    };
    let roots = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("r{i}: __typename")).collect();
        format!("{{ {} }}", fields.join(" "))
    };
    let within = app.graphql(&aliases(100), Value::Null).await;
    assert!(within.body["errors"].is_null(), "{}", within.body);
    let over = app.graphql(&aliases(101), Value::Null).await;
    assert_eq!(over.error_code(), "GRAPHQL_VALIDATION_FAILED");
    assert!(
        over.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("101 aliases"),
        "{}",
        over.body
    );
    // Root fields without aliases, through a fragment.
    let fragment_roots: Vec<String> = (0..31)
        .map(|i| format!("f{i}: regions {{ totalCount }}"))
        .collect();
    let over_roots = app
        .graphql(
            &format!(
                "{{ ...F }} fragment F on Query {{ {} }}",
                fragment_roots.join(" ")
            ),
            Value::Null,
        )
        .await;
    assert_eq!(over_roots.error_code(), "GRAPHQL_VALIDATION_FAILED");
    assert!(
        over_roots.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("31 fields at its root"),
        "{}",
        over_roots.body
    );
    let ok_roots = app.graphql(&roots(30), Value::Null).await;
    assert!(ok_roots.body["errors"].is_null(), "{}", ok_roots.body);
}

#[tokio::test]
async fn graphiql_is_served_from_the_registry_itself() {
    let app = TestApp::seeded().await;
    let response = app
        .router()
        .oneshot(Request::get("/graphiql").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("default-src 'self'") && policy.contains("script-src 'self'"));
    let page = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(!page.contains("//cdn") && !page.contains("https://") && !page.contains("http://"));
    let references: Vec<&str> = page
        .split(['"', '\''])
        .filter(|part| part.starts_with("/graphiql/"))
        .collect();
    assert_eq!(references.len(), 6, "{references:?}");
    for reference in references {
        let asset = app
            .router()
            .oneshot(Request::get(reference).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(asset.status(), 200, "{reference}");
        let media = asset.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
        let expected = if reference.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(media.starts_with(expected), "{reference}: {media}");
        let body = asset.into_body().collect().await.unwrap().to_bytes();
        assert!(body.len() > 50, "{reference}");
    }
    let missing = app
        .router()
        .oneshot(Request::get("/graphiql/other.js").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn metrics_count_requests_errors_statements_and_the_pool() {
    let app = TestApp::seeded().await;
    let router = app.router();
    let post = |body: &'static str| {
        Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    for body in [
        r#"{"query":"{ plans { totalCount } }"}"#,
        r#"{"query":"{ plans { totalCount } }"}"#,
        r#"{"query":"{ nothing }"}"#,
    ] {
        router.clone().oneshot(post(body)).await.unwrap();
    }
    let response = router
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let value = |series: &str| crate::common::metric_value(&text, series);
    // The second identical anonymous query is answered from the response cache.
    assert_eq!(
        value(r#"nap_graphql_requests_total{operation_type="query",outcome="ok"}"#),
        1.0
    );
    assert_eq!(
        value(r#"nap_graphql_requests_total{operation_type="query",outcome="cached"}"#),
        1.0
    );
    assert_eq!(value(r#"nap_response_cache_lookups_total{result="hit"}"#), 1.0);
    assert_eq!(
        value(r#"nap_graphql_requests_total{operation_type="query",outcome="failed"}"#),
        1.0
    );
    assert_eq!(
        value(r#"nap_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}"#),
        1.0
    );
    assert_eq!(
        value(r#"nap_graphql_request_duration_seconds_count{operation_type="query"}"#),
        3.0
    );
    assert_eq!(
        value(r#"nap_http_responses_total{route="/graphql",status="200"}"#),
        3.0
    );
    assert!(value("nap_sql_statements_total") >= 2.0);
    assert!(value(r#"nap_db_pool_connections{state="idle"}"#) >= 1.0);
    assert!(value("nap_db_pool_max_connections") >= 1.0);
}

#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_counted_by_their_forwarded_address() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;

    let app = TestApp::seeded().await;
    let request = |forwarded_for: &str| {
        let mut request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", forwarded_for)
            .body(Body::from(r#"{"query":"{ plans { totalCount } }"}"#))
            .unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 40000))));
        request
    };
    let limits = nap_registry::config::HttpSettings {
        rate_per_address: 1,
        ..Default::default()
    };
    let behind_proxy = app.router_with_http(nap_registry::config::HttpSettings {
        trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
        ..limits.clone()
    });
    let status = |router: axum::Router, forwarded_for: &'static str| async move {
        router
            .oneshot(request(forwarded_for))
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(status(behind_proxy.clone(), "203.0.113.1").await, 200);
    assert_eq!(status(behind_proxy.clone(), "203.0.113.1").await, 429);
    assert_eq!(
        status(behind_proxy.clone(), "203.0.113.2").await,
        200,
        "another client, another window"
    );
    assert_eq!(
        status(behind_proxy, "203.0.113.2, 203.0.113.3").await,
        200,
        "the nearest untrusted hop counts, not what the client wrote"
    );
    // Without trusted proxies the header is ignored: every request counts against the peer.
    let direct = app.router_with_http(limits);
    assert_eq!(status(direct.clone(), "203.0.113.1").await, 200);
    assert_eq!(status(direct, "203.0.113.9").await, 429);
}

/// A write blocked behind another transaction's lock is answered 503 `TIMEOUT` within the
/// configured timeout, and nothing of it is kept.
#[tokio::test]
async fn a_request_over_the_timeout_fails_fast_and_keeps_nothing() {
    use sea_orm::{ConnectionTrait, TransactionTrait};

    let app = TestApp::with_fixture().await;
    let editor = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let item = app
        .graphql(
            r#"{ planItem(code: "FX-RAP-UA-46/1.1.1") { id version } }"#,
            Value::Null,
        )
        .await;
    let (id, version) = (
        item.data()["planItem"]["id"].clone(),
        item.data()["planItem"]["version"].as_i64().unwrap(),
    );
    let before = crate::common::dump(&app.db).await;
    // Every write bumps the registry's change sequence first; holding that row blocks them all.
    let blocker = app.db.begin().await.unwrap();
    blocker
        .execute_unprepared("UPDATE registry_state SET change_sequence = change_sequence")
        .await
        .unwrap();
    let router = app.router_with_http(nap_registry::config::HttpSettings {
        request_timeout: std::time::Duration::from_secs(1),
        ..Default::default()
    });
    let body = serde_json::json!({
        "query": "mutation($input: UpdatePlanItemInput!) { updatePlanItem(input: $input) { planItem { version } } }",
        "variables": { "input": { "id": id, "version": version, "titleEn": "Never kept" } },
    });
    let started = std::time::Instant::now();
    let response = router
        .oneshot(
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {editor}"))
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT");
    assert!(elapsed < std::time::Duration::from_secs(3), "{elapsed:?}");
    blocker.rollback().await.unwrap();
    assert!(
        crate::common::dump(&app.db).await == before,
        "the timed-out write left nothing"
    );
}
