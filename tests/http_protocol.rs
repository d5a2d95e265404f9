//! The HTTP side of the GraphQL endpoint: queries over GET, mutations only over POST, batches refused.

use axum::http::{Method, header};
use nap_registry::{config::HttpSettings, domain::access::Scope};
use serde_json::{Value, json};

use crate::common::{Client, TestApp, metric_value};

const PLANS: &str = "{ plans { totalCount } }";

#[tokio::test]
async fn queries_work_over_get() {
    let app = TestApp::seeded().await;
    let response = app.anonymous().graphql_get(PLANS, None).send().await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["data"]["plans"]["totalCount"], 2);
}

#[tokio::test]
async fn a_mutation_over_get_is_refused_with_405_and_changes_nothing() {
    let app = TestApp::with_fixture().await;
    let editor = app.as_org("rma-ua-46", &[Scope::PlansWrite]).await;
    let mutation = r#"mutation { createPlanItem(input: {plan: "FX-RAP-UA-46", number: "1.1.5", titleEn: "via GET"}) { planItem { code } } }"#;
    let response = editor.graphql_get(mutation, None).send().await;
    let body = response.json();
    assert_eq!(response.status, 405, "{body}");
    assert_eq!(response.header(header::ALLOW), Some("POST"));
    assert_eq!(body["errors"][0]["extensions"]["code"], "METHOD_NOT_ALLOWED");
    // HEAD is routed with GET, and its body would be read as JSON: it may not write either.
    let head = editor
        .request(Method::HEAD, "/graphql")
        .json(&json!({ "query": mutation }))
        .send()
        .await;
    assert_eq!((head.status, head.header(header::ALLOW)), (405, Some("POST")));
    let item = app
        .graphql(r#"{ planItem(code: "FX-RAP-UA-46/1.1.5") { code } }"#, json!({}))
        .await;
    assert_eq!(item.data()["planItem"], Value::Null);
}

#[tokio::test]
async fn batched_requests_are_refused() {
    let app = TestApp::seeded().await;
    let batch = r#"[{"query":"{ plans { totalCount } }"},{"query":"{ regions { code } }"}]"#;
    let response = app
        .anonymous()
        .post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(batch)
        .send()
        .await;
    let body = response.json_or_null();
    assert_eq!(response.status, 400, "a batch is not executed: {body}");
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
    let response = app.graphql(STANDARD_INTROSPECTION, json!({})).await;
    assert_eq!(response.data()["__schema"]["queryType"]["name"], "Query");
    assert_eq!(response.data()["__schema"]["mutationType"]["name"], "Mutation");
}

#[tokio::test]
async fn nested_connections_cost_their_page_sizes_and_a_query_too_costly_is_refused() {
    let app = TestApp::seeded().await;
    let affordable = app
        .graphql(
            "{ organisations(first: 100) { nodes { code projectLinks(first: 5) { totalCount } } } }",
            json!({}),
        )
        .await;
    assert!(affordable.body["errors"].is_null(), "{}", affordable.body);
    let costly = app
        .graphql(
            "{ organisations(first: 100) { nodes { projectLinks(first: 100) { nodes { planItems { code title } regions { code name } } } } } }",
            json!({}),
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
        .graphql("{ plans(first: 10) { nodes { code } } }", json!({}))
        .await;
    let analyzer = &response.body["extensions"]["analyzer"];
    assert!(analyzer["complexity"].as_u64().unwrap() >= 10, "{analyzer}");
    assert!(analyzer["depth"].as_u64().unwrap() >= 3, "{analyzer}");

    let echoed = app
        .anonymous()
        .get("/healthz")
        .header("x-request-id", "client-chosen-id")
        .send()
        .await;
    assert_eq!(echoed.header("x-request-id"), Some("client-chosen-id"));
    let fresh = app.get("/healthz").await;
    assert_eq!(
        fresh.header("x-request-id").unwrap().len(),
        36,
        "a UUID is assigned when the client sends none"
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = TestApp::seeded().await;
    let client = app.with_http(HttpSettings {
        max_body_bytes: 2048,
        ..Default::default()
    });
    let big = json!({ "query": PLANS, "variables": { "pad": "x".repeat(4096) } });
    let declared = big.to_string().len();
    // With a Content-Length the request is refused before it is read; without one, the limit
    // strikes while the body is read: the same answer.
    for content_length in [Some(declared), None] {
        let mut request = client.post("/graphql").json(&big);
        if let Some(length) = content_length {
            request = request.header(header::CONTENT_LENGTH, length);
        }
        let response = request.send().await;
        assert_eq!(response.status, 413);
        let body = response.json();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE",
            "{body}"
        );
    }
    let counted = client
        .metric(r#"nap_http_responses_total{route="/graphql",status="413"}"#)
        .await;
    assert_eq!(counted, 2.0, "413s are counted");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::seeded().await;
    let client = app.with_http(HttpSettings {
        cors_origins: vec!["https://partner.example.org".to_owned()],
        ..Default::default()
    });
    let preflight = async |origin: &str| {
        client
            .request(Method::OPTIONS, "/graphql")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "content-type,authorization",
            )
            .send()
            .await
    };
    let allowed = preflight("https://partner.example.org").await;
    assert_eq!(
        allowed.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("https://partner.example.org")
    );
    let refused = preflight("https://evil.example.com").await;
    assert!(refused.header(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[tokio::test]
async fn readyz_needs_the_database_and_every_migration() {
    use migration::{Migrator, MigratorTrait};
    let app = TestApp::seeded().await;
    let ready = app.get("/readyz").await;
    assert_eq!(
        (ready.status, ready.json()["status"].as_str()),
        (200, Some("ready"))
    );
    Migrator::down(&app.db, Some(1)).await.unwrap();
    // Migrations are checked until found applied (then only the connection): a new instance
    // sees the one rolled back.
    let response = app.with_http(Default::default()).get("/readyz").send().await;
    assert_eq!(response.status, 503);
    assert_eq!(response.header(header::RETRY_AFTER), Some("1"));
    assert_eq!(response.json()["pending"].as_u64(), Some(1));
}

#[tokio::test]
async fn readyz_is_cheap_one_answer_a_second_and_migrations_checked_once() {
    let app = TestApp::seeded().await;
    let readyz = async || app.get("/readyz").await.status;
    let before = app.statements.total();
    assert_eq!(readyz().await, 200);
    let first = app.statements.total() - before;
    assert!(first > 0, "the first check reads the migrations");
    let before = app.statements.total();
    for _ in 0..200 {
        assert_eq!(readyz().await, 200);
    }
    assert_eq!(
        app.statements.total() - before,
        0,
        "200 calls within a second ran statements"
    );
    tokio::time::sleep(nap_registry::http::health::READINESS_CACHE + std::time::Duration::from_millis(100))
        .await;
    let before = app.statements.total();
    assert_eq!(readyz().await, 200);
    assert_eq!(
        app.statements.total() - before,
        0,
        "later checks only ping (no migration table statements)"
    );
}

#[tokio::test]
async fn request_ids_are_kept_only_when_short_and_printable() {
    let app = TestApp::seeded().await;
    let with_id = async |id: &str| {
        app.anonymous()
            .get("/healthz")
            .header("x-request-id", id)
            .send()
            .await
    };
    let kept = "client-7f3a".repeat(11);
    let response = with_id(&kept).await;
    assert_eq!(response.header("x-request-id"), Some(kept.as_str()));
    for bad in ["x".repeat(129), "two words".to_owned(), "x".repeat(100_000)] {
        let response = with_id(&bad).await;
        let id = response.header("x-request-id").unwrap();
        assert_eq!(id.len(), 36, "replaced by a UUID: {id:.40}");
        assert!(uuid::Uuid::parse_str(id).is_ok());
    }
}

#[tokio::test]
async fn graphql_response_json_is_negotiated_with_spec_status_codes() {
    let app = TestApp::seeded().await;
    let post = async |query: &str, accept: &str| {
        app.anonymous()
            .post("/graphql")
            .json(&json!({ "query": query }))
            .header(header::ACCEPT, accept)
            .send()
            .await
    };
    let media = "application/graphql-response+json";
    let ok = post(PLANS, media).await;
    assert_eq!(ok.status, 200);
    assert!(ok.header(header::CONTENT_TYPE).unwrap().starts_with(media));
    let invalid = post("{ spaceships }", media).await;
    assert_eq!(invalid.status, 400);
    let legacy = post("{ spaceships }", "application/json").await;
    assert_eq!(
        legacy.status, 200,
        "application/json clients keep 200 with errors in the body"
    );
}

#[tokio::test]
async fn requests_over_the_rate_limit_get_429_with_retry_after() {
    let app = TestApp::seeded().await;
    let anonymous = app.with_http(HttpSettings {
        rate_per_address: 3,
        rate_per_token: 2,
        ..Default::default()
    });
    for _ in 0..3 {
        assert_eq!(anonymous.graphql(PLANS, Value::Null).await.status, 200);
    }
    let limited = anonymous.graphql(PLANS, Value::Null).await;
    assert_eq!(limited.status, 429);
    let retry: u64 = limited.header(header::RETRY_AFTER).unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(limited.error_code(), "RATE_LIMITED");

    // A token has its own allowance.
    let token = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let holder = anonymous.bearer(&token);
    for _ in 0..2 {
        assert_eq!(holder.graphql(PLANS, Value::Null).await.status, 200);
    }
    assert_eq!(holder.graphql(PLANS, Value::Null).await.status, 429);
}

#[tokio::test]
async fn requests_with_a_refused_token_count_against_the_rate_limit() {
    let app = TestApp::seeded().await;
    let forger = app
        .with_http(HttpSettings {
            rate_per_address: 3,
            ..Default::default()
        })
        .bearer("not.a.token");
    for _ in 0..3 {
        assert_eq!(forger.graphql(PLANS, Value::Null).await.status, 401);
    }
    let limited = forger.graphql(PLANS, Value::Null).await;
    assert_eq!(limited.status, 429, "guessing tokens skips the rate limit");
    assert!(limited.header(header::RETRY_AFTER).is_some());
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = TestApp::seeded().await;
    let token = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = app
            .anonymous()
            .with_header("authorization", &format!("{scheme} {token}"))
            .graphql(PLANS, Value::Null)
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
    let client = app.anonymous();
    let response = client.get("/graphiql").send().await;
    assert_eq!(response.status, 200);
    let policy = response.header(header::CONTENT_SECURITY_POLICY).unwrap();
    assert!(policy.contains("default-src 'self'") && policy.contains("script-src 'self'"));
    let page = response.text();
    assert!(!page.contains("//cdn") && !page.contains("https://") && !page.contains("http://"));
    let references: Vec<&str> = page
        .split(['"', '\''])
        .filter(|part| part.starts_with("/graphiql/"))
        .collect();
    assert_eq!(references.len(), 6, "{references:?}");
    for reference in references {
        let asset = client.get(reference).send().await;
        assert_eq!(asset.status, 200, "{reference}");
        let media = asset.header(header::CONTENT_TYPE).unwrap();
        let expected = if reference.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(media.starts_with(expected), "{reference}: {media}");
        assert!(asset.body.len() > 50, "{reference}");
    }
    let missing = client.get("/graphiql/other.js").send().await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn metrics_count_requests_errors_statements_and_the_pool() {
    let app = TestApp::seeded().await;
    let client = app.anonymous();
    for query in [PLANS, PLANS, "{ nothing }"] {
        client.graphql(query, Value::Null).await;
    }
    let response = client.get("/metrics").send().await;
    assert_eq!(response.status, 200);
    assert!(
        response
            .header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text();
    let value = |series: &str| metric_value(&text, series);
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
    let limits = HttpSettings {
        rate_per_address: 1,
        ..Default::default()
    };
    let behind_proxy = app.with_http(HttpSettings {
        trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
        ..limits.clone()
    });
    let status = async |client: Client, forwarded_for: &'static str| {
        client
            .graphql_request(PLANS, Value::Null)
            .header("x-forwarded-for", forwarded_for)
            .extension(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 40000))))
            .send()
            .await
            .status
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
    let direct = app.with_http(limits);
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
    let impatient = app
        .with_http(HttpSettings {
            request_timeout: std::time::Duration::from_secs(1),
            ..Default::default()
        })
        .bearer(&editor);
    let started = std::time::Instant::now();
    let response = impatient
        .graphql(
            "mutation($input: UpdatePlanItemInput!) { updatePlanItem(input: $input) { planItem { version } } }",
            json!({ "input": { "id": id, "version": version, "titleEn": "Never kept" } }),
        )
        .await;
    let elapsed = started.elapsed();
    assert_eq!(response.status, 503);
    assert!(response.header(header::RETRY_AFTER).is_some());
    assert_eq!(response.error_code(), "TIMEOUT");
    assert!(elapsed < std::time::Duration::from_secs(3), "{elapsed:?}");
    blocker.rollback().await.unwrap();
    assert!(
        crate::common::dump(&app.db).await == before,
        "the timed-out write left nothing"
    );
}
