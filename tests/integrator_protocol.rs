//! What a client written by someone else relies on (issue 16): requests that are not well-formed
//! GraphQL over HTTP are refused with 4xx, a request that never ran has no `data`, parse errors
//! have their own code, `/metrics` in the format asked for, a cacheable JWKS, a favicon, the
//! schema's and scalars' own descriptions, and anonymous reads from any origin when allowed.

use axum::http::{Method, header};
use serde_json::Value;

use crate::common::{Client, TestApp, TestResponse, error_codes};

/// `POST /graphql` with `body` as it is, an optional content type and `accept`.
async fn post(client: &Client, content_type: Option<&str>, accept: &str, body: &str) -> TestResponse {
    let mut request = client
        .post("/graphql")
        .header(header::ACCEPT, accept)
        .body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.send().await
}

/// The code of the first error of a JSON answer, or "" where there is none.
fn code(response: &TestResponse) -> String {
    error_codes(&response.json())
        .first()
        .copied()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn graphql_post_without_json_content_type_is_refused() {
    let app = TestApp::seeded().await;
    let client = app.anonymous();
    let query = r#"{"query":"{ __typename }"}"#;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let answer = post(&client, content_type, "application/json", query).await;
        assert_eq!(answer.status, 415, "{content_type:?}: {}", answer.text());
        assert_eq!(code(&answer), "UNSUPPORTED_MEDIA_TYPE");
        assert!(
            answer
                .header(header::CONTENT_TYPE)
                .unwrap()
                .starts_with("application/json")
        );
    }
    let json = Some("application/json; charset=utf-8");
    assert_eq!(post(&client, json, "application/json", query).await.status, 200);
}

#[tokio::test]
async fn graphql_request_without_query_is_refused() {
    let app = TestApp::seeded().await;
    for body in [r#"{"qeury":"{ __typename }"}"#, "{}"] {
        let answer = post(
            &app.anonymous(),
            Some("application/json"),
            "application/json",
            body,
        )
        .await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text());
        assert_eq!(code(&answer), "BAD_REQUEST");
    }
}

#[tokio::test]
async fn graphql_parse_failure_has_its_code_and_no_data() {
    let app = TestApp::seeded().await;
    let body = r#"{"query":"{"}"#;
    let client = app.anonymous();
    let json = Some("application/json");
    let answer = post(&client, json, "application/graphql-response+json", body).await;
    assert_eq!(answer.status, 400);
    assert!(
        answer
            .header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("application/graphql-response+json")
    );
    assert_eq!(code(&answer), "GRAPHQL_PARSE_FAILED");
    assert!(answer.json().get("data").is_none(), "{}", answer.text());
    let answer = post(&client, json, "application/json", body).await;
    assert_eq!(answer.status, 200);
    assert_eq!(code(&answer), "GRAPHQL_PARSE_FAILED");
    assert!(answer.json().get("data").is_none());
}

#[tokio::test]
async fn graphql_validation_failure_has_no_data() {
    let app = TestApp::seeded().await;
    let answer = post(
        &app.anonymous(),
        Some("application/json"),
        "application/graphql-response+json",
        r#"{"query":"{ noSuchField }"}"#,
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(code(&answer), "GRAPHQL_VALIDATION_FAILED");
    assert!(answer.json().get("data").is_none(), "{}", answer.text());
}

#[tokio::test]
async fn metrics_are_served_in_the_format_asked_for() {
    let app = TestApp::seeded().await;
    app.graphql("{ __typename }", Value::Null).await;
    let client = app.anonymous();
    let answer = client.get("/metrics").send().await;
    let text = answer.text();
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header(header::CONTENT_TYPE),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert!(
        text.contains("# TYPE nap_graphql_requests_total counter\n"),
        "{text}"
    );
    assert!(text.contains("nap_graphql_requests_total{"));
    // The tests run the service on the system's allocator; the binary reports its own.
    assert!(
        text.contains(&format!(
            "nap_build_info{{version=\"{}\",allocator=\"system\"}} 1\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(!text.contains("# EOF"));
    let answer = client
        .get("/metrics")
        .header(
            header::ACCEPT,
            "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5",
        )
        .send()
        .await;
    let text = answer.text();
    assert_eq!(
        answer.header(header::CONTENT_TYPE),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    assert!(text.contains("# TYPE nap_graphql_requests counter\n"), "{text}");
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test]
async fn jwks_is_cacheable_and_favicon_is_served() {
    let app = TestApp::seeded().await;
    let jwks = app.get("/.well-known/jwks.json").await;
    assert_eq!(jwks.status, 200);
    assert_eq!(jwks.header(header::CACHE_CONTROL), Some("public, max-age=300"));
    let icon = app.get("/favicon.ico").await;
    assert_eq!(icon.status, 200);
    assert_eq!(icon.header(header::CONTENT_TYPE), Some("image/svg+xml"));
    assert!(icon.text().starts_with("<svg"));
}

#[tokio::test]
async fn schema_and_scalars_describe_themselves() {
    let app = TestApp::seeded().await;
    let answer = app
        .graphql(
            r#"{ __schema { description }
                 dateTime: __type(name: "DateTime") { description specifiedByURL }
                 date: __type(name: "Date") { specifiedByURL } }"#,
            Value::Null,
        )
        .await;
    let data = answer.data();
    assert!(
        data["__schema"]["description"]
            .as_str()
            .unwrap()
            .starts_with("The NAP 1325 Registry")
    );
    let date_time = data["dateTime"]["description"].as_str().unwrap();
    assert!(
        date_time.contains("RFC 3339") && !date_time.contains("Implement"),
        "{date_time}"
    );
    assert_eq!(
        data["dateTime"]["specifiedByURL"],
        "https://datatracker.ietf.org/doc/html/rfc3339"
    );
    assert_eq!(
        data["date"]["specifiedByURL"],
        "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
    );
}

#[tokio::test]
async fn cors_any_origin_may_read_anonymously_but_tokens_keep_the_allow_list() {
    let app = TestApp::seeded().await;
    let client = |any: bool| {
        app.with_http(nap_registry::config::HttpSettings {
            cors_origins: vec!["https://partner.example.org".to_owned()],
            cors_any_origin_anonymous: any,
            ..Default::default()
        })
    };
    let preflight = async |any: bool, origin: &str, headers: &str| {
        client(any)
            .request(Method::OPTIONS, "/graphql")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, headers)
            .send()
            .await
    };
    let allowed = |answer: &TestResponse| answer.header(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_some();
    let anyone = "https://reader.example.net";
    let answer = preflight(true, anyone, "content-type").await;
    assert!(allowed(&answer), "an anonymous read from any origin");
    let answer = preflight(true, anyone, "content-type,authorization").await;
    assert!(!allowed(&answer), "a token from an origin not listed");
    let partner = "https://partner.example.org";
    let answer = preflight(true, partner, "content-type,authorization").await;
    assert!(allowed(&answer), "a token from a listed origin");
    let answer = preflight(false, anyone, "content-type").await;
    assert!(!allowed(&answer), "without the setting only listed origins");
    let read = async |client: Client| {
        client
            .graphql_get("{__typename}", None)
            .header(header::ORIGIN, anyone)
            .send()
            .await
    };
    let answer = read(client(true)).await;
    assert_eq!(answer.status, 200);
    assert!(allowed(&answer));
    let answer = read(client(true).bearer("x")).await;
    assert!(!allowed(&answer));
}
