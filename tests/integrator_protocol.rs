//! What a client written by someone else relies on (issue 16): requests that are not well-formed
//! GraphQL over HTTP are refused with 4xx, a request that never ran has no `data`, parse errors
//! have their own code, `/metrics` in the format asked for, a cacheable JWKS, a favicon, the
//! schema's and scalars' own descriptions, and anonymous reads from any origin when allowed.

use axum::{
    body::Body,
    http::{HeaderMap, Request, header},
};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::common::TestApp;

/// Status, headers and body text of `request` sent to `router`.
async fn send(router: axum::Router, request: Request<Body>) -> (u16, HeaderMap, String) {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

fn post(content_type: Option<&str>, accept: &str, body: &str) -> Request<Body> {
    let mut request = Request::post("/graphql").header(header::ACCEPT, accept);
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

fn code(body: &str) -> String {
    let body: Value = serde_json::from_str(body).unwrap();
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn graphql_post_without_json_content_type_is_refused() {
    let app = TestApp::seeded().await;
    let query = r#"{"query":"{ __typename }"}"#;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let (status, headers, body) = send(app.router(), post(content_type, "application/json", query)).await;
        assert_eq!(status, 415, "{content_type:?}: {body}");
        assert_eq!(code(&body), "UNSUPPORTED_MEDIA_TYPE");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
    }
    let (status, _, _) = send(
        app.router(),
        post(Some("application/json; charset=utf-8"), "application/json", query),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn graphql_request_without_query_is_refused() {
    let app = TestApp::seeded().await;
    for body in [r#"{"qeury":"{ __typename }"}"#, "{}"] {
        let (status, _, answer) = send(
            app.router(),
            post(Some("application/json"), "application/json", body),
        )
        .await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(code(&answer), "BAD_REQUEST");
    }
}

#[tokio::test]
async fn graphql_parse_failure_has_its_code_and_no_data() {
    let app = TestApp::seeded().await;
    let body = r#"{"query":"{"}"#;
    let (status, headers, answer) = send(
        app.router(),
        post(
            Some("application/json"),
            "application/graphql-response+json",
            body,
        ),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/graphql-response+json")
    );
    assert_eq!(code(&answer), "GRAPHQL_PARSE_FAILED");
    assert!(
        serde_json::from_str::<Value>(&answer)
            .unwrap()
            .get("data")
            .is_none(),
        "{answer}"
    );
    let (status, _, answer) = send(
        app.router(),
        post(Some("application/json"), "application/json", body),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(code(&answer), "GRAPHQL_PARSE_FAILED");
    assert!(
        serde_json::from_str::<Value>(&answer)
            .unwrap()
            .get("data")
            .is_none()
    );
}

#[tokio::test]
async fn graphql_validation_failure_has_no_data() {
    let app = TestApp::seeded().await;
    let (status, _, answer) = send(
        app.router(),
        post(
            Some("application/json"),
            "application/graphql-response+json",
            r#"{"query":"{ noSuchField }"}"#,
        ),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(code(&answer), "GRAPHQL_VALIDATION_FAILED");
    assert!(
        serde_json::from_str::<Value>(&answer)
            .unwrap()
            .get("data")
            .is_none(),
        "{answer}"
    );
}

#[tokio::test]
async fn metrics_are_served_in_the_format_asked_for() {
    let app = TestApp::seeded().await;
    app.graphql("{ __typename }", Value::Null).await;
    let metrics = |accept: Option<&str>| {
        let mut request = Request::get("/metrics");
        if let Some(accept) = accept {
            request = request.header(header::ACCEPT, accept);
        }
        request.body(Body::empty()).unwrap()
    };
    let (status, headers, text) = send(app.router(), metrics(None)).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(
        text.contains("# TYPE nap_graphql_requests_total counter\n"),
        "{text}"
    );
    assert!(text.contains("nap_graphql_requests_total{"));
    assert!(!text.contains("# EOF"));
    let (_, headers, text) = send(
        app.router(),
        metrics(Some(
            "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5",
        )),
    )
    .await;
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    assert!(text.contains("# TYPE nap_graphql_requests counter\n"), "{text}");
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test]
async fn jwks_is_cacheable_and_favicon_is_served() {
    let app = TestApp::seeded().await;
    let (status, headers, _) = send(
        app.router(),
        Request::get("/.well-known/jwks.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
    let (status, headers, body) = send(
        app.router(),
        Request::get("/favicon.ico").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
    assert!(body.starts_with("<svg"));
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
    let router = |any: bool| {
        app.router_with_http(nap_registry::config::HttpSettings {
            cors_origins: vec!["https://partner.example.org".to_owned()],
            cors_any_origin_anonymous: any,
            ..Default::default()
        })
    };
    let preflight = |origin: &str, headers: &str| {
        Request::options("/graphql")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, headers)
            .body(Body::empty())
            .unwrap()
    };
    let allowed = |headers: &HeaderMap| headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_some();
    let anyone = "https://reader.example.net";
    let (_, headers, _) = send(router(true), preflight(anyone, "content-type")).await;
    assert!(allowed(&headers), "an anonymous read from any origin");
    let (_, headers, _) = send(router(true), preflight(anyone, "content-type,authorization")).await;
    assert!(!allowed(&headers), "a token from an origin not listed");
    let (_, headers, _) = send(
        router(true),
        preflight("https://partner.example.org", "content-type,authorization"),
    )
    .await;
    assert!(allowed(&headers), "a token from a listed origin");
    let (_, headers, _) = send(router(false), preflight(anyone, "content-type")).await;
    assert!(!allowed(&headers), "without the setting only listed origins");
    let read = |authorization: Option<&str>| {
        let mut request = Request::get("/graphql?query=%7B__typename%7D").header(header::ORIGIN, anyone);
        if let Some(authorization) = authorization {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        request.body(Body::empty()).unwrap()
    };
    let (status, headers, _) = send(router(true), read(None)).await;
    assert_eq!(status, 200);
    assert!(allowed(&headers));
    let (_, headers, _) = send(router(true), read(Some("Bearer x"))).await;
    assert!(!allowed(&headers));
}
