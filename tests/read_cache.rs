//! The response cache: anonymous answers are kept per change sequence and never served stale,
//! `If-None-Match` gets 304, concurrent misses run the query once, and memory stays within the
//! configured limit. (Two server processes on one database: `command_line`.)

use axum::{
    Router,
    body::Body,
    http::{Request, header},
};
use http_body_util::BodyExt;
use nap_registry::{
    config::HttpSettings,
    domain::access::Scope,
    reference_data::{self, synthetic::SyntheticSize},
};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::TestApp;

const LINKS: &str = r#"{ projectLinks(first: 100) { totalCount nodes { title } } }"#;

struct Answer {
    status: u16,
    etag: Option<String>,
    body: Value,
}

async fn post(router: &Router, query: &str, variables: Value, if_none_match: Option<&str>) -> Answer {
    let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(tag) = if_none_match {
        request = request.header(header::IF_NONE_MATCH, tag);
    }
    let body = json!({ "query": query, "variables": variables }).to_string();
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        etag,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

/// The same request over GET, as a polling client sends it, with `If-None-Match`.
async fn conditional_get(router: &Router, query: &str, variables: Value, if_none_match: &str) -> Answer {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|byte| {
                if byte.is_ascii_alphanumeric() {
                    (byte as char).to_string()
                } else {
                    format!("%{byte:02X}")
                }
            })
            .collect()
    };
    let url = format!(
        "/graphql?query={}&variables={}",
        encode(query),
        encode(&variables.to_string())
    );
    let response = router
        .clone()
        .oneshot(
            Request::get(url)
                .header(header::IF_NONE_MATCH, if_none_match)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        etag,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

#[tokio::test]
async fn anonymous_answers_are_kept_until_the_next_write_and_never_served_stale() {
    let app = TestApp::with_fixture().await;
    let router = app.router();
    let (first, first_cost) = app.graphql_counting(LINKS, Value::Null).await;
    let (second, second_cost) = app.graphql_counting(LINKS, Value::Null).await;
    assert_eq!(first.body, second.body);
    assert!(first_cost > 1, "the first answer runs the query: {first_cost}");
    assert!(
        second_cost <= 1,
        "a kept answer costs at most the sequence check: {second_cost}"
    );

    let kept = post(&router, LINKS, Value::Null, None).await;
    let etag = kept.etag.expect("an ETag");
    let not_modified = conditional_get(&router, LINKS, Value::Null, &etag).await;
    assert_eq!(not_modified.status, 304);
    assert_eq!(not_modified.etag.as_deref(), Some(etag.as_str()));
    assert_eq!(not_modified.body, Value::Null, "no body");
    let posted = post(&router, LINKS, Value::Null, Some(&etag)).await;
    assert_eq!(
        (posted.status, &posted.body),
        (200, &kept.body),
        "a POST is never answered 304"
    );

    // A write through the API moves the sequence on: the next read sees it, with a new tag.
    let donor = app.token_for("fx-donor-a", &[Scope::ProjectsWrite]).await;
    let created = app
        .graphql_as(
            &donor,
            "mutation { createProjectLink(input: {titleEn: \"Seen at once\", owner: \"fx-donor-a\"}) { projectLink { id } } }",
            Value::Null,
        )
        .await;
    assert!(created.body["errors"].is_null(), "{}", created.body);
    let after = conditional_get(&router, LINKS, Value::Null, &etag).await;
    assert_eq!(after.status, 200, "the old tag no longer matches");
    assert_ne!(after.etag.as_deref(), Some(etag.as_str()));
    assert_eq!(
        after.body["data"]["projectLinks"]["totalCount"],
        kept.body["data"]["projectLinks"]["totalCount"].as_i64().unwrap() + 1
    );
    assert!(after.body.to_string().contains("Seen at once"));

    // So does a reference data load by the operator, which goes around the API.
    let plans = "{ plans { totalCount } }";
    let before_load = post(&router, plans, Value::Null, None).await;
    reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
        .await
        .unwrap();
    let after_load = post(&router, plans, Value::Null, None).await;
    assert_ne!(before_load.body, after_load.body, "{}", after_load.body);
    assert_ne!(before_load.etag, after_load.etag);
}

#[tokio::test]
async fn answers_differ_by_language_and_variables_and_errors_are_not_kept() {
    let app = TestApp::with_fixture().await;
    let query = r#"query($code: String!) { planItem(code: $code) { code title } }"#;
    let item = |code: &str| json!({ "code": code });
    let uk = app.graphql(query, item("FX-RAP-UA-46/1.1.1")).await;
    let en = app
        .graphql_with_headers(query, item("FX-RAP-UA-46/1.1.1"), &[("accept-language", "en")])
        .await;
    let other = app.graphql(query, item("FX-RAP-UA-46/1.1")).await;
    assert_ne!(uk.body, en.body);
    assert_ne!(uk.body, other.body);
    assert_eq!(app.graphql(query, item("FX-RAP-UA-46/1.1.1")).await.body, uk.body);
    let bad = r#"{ planItems(first: 1000) { totalCount } }"#;
    let (_, first_cost) = app.graphql_counting(bad, Value::Null).await;
    let (again, again_cost) = app.graphql_counting(bad, Value::Null).await;
    assert_eq!(again.error_code(), "BAD_USER_INPUT");
    assert_eq!(first_cost, again_cost, "not kept: each asks again");
    let tagged = post(&app.router(), bad, Value::Null, None).await;
    assert_eq!(
        tagged.etag, None,
        "an answer with errors gets no tag and is not kept"
    );
}

#[tokio::test]
async fn concurrent_misses_of_one_query_run_it_once() {
    let app = TestApp::with_fixture().await;
    let query = "{ plans { nodes { code goals { code children { code children { code } } } } } }";
    let (_, alone) = app.graphql_counting(query, Value::Null).await;
    // Make the kept answer stale, then ask 16 times at once.
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let write = app
        .graphql_as(
            &admin,
            "mutation { createProjectLink(input: {titleEn: \"x\", owner: \"fx-donor-a\"}) { projectLink { id } } }",
            Value::Null,
        )
        .await;
    assert!(write.body["errors"].is_null(), "{}", write.body);
    let before = app.statements.total();
    let answers =
        async_graphql::futures_util::future::join_all((0..16).map(|_| app.graphql(query, Value::Null))).await;
    let cost = app.statements.total() - before;
    assert!(answers.iter().all(|a| a.body == answers[0].body));
    assert!(
        cost <= alone as u64 + 16,
        "16 concurrent misses cost {cost} statements; one run costs {alone}"
    );
}

#[tokio::test]
async fn memory_stays_within_the_limit_and_oversized_answers_are_served_uncached() {
    let app = TestApp::migrated().await;
    reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
        .await
        .unwrap();
    let limit = 16 * 1024;
    let router = app.router_with_http(HttpSettings {
        response_cache_bytes: limit,
        ..Default::default()
    });
    let query = "query($n: Int!) { planItems(first: $n) { nodes { code title } } }";
    for n in 1..=40 {
        let answer = post(&router, query, json!({ "n": n }), None).await;
        assert_eq!(answer.status, 200);
        assert!(answer.body["errors"].is_null(), "{}", answer.body);
    }
    let bytes = metric(&router, "nap_response_cache_bytes").await;
    assert!(bytes > 0.0 && bytes <= limit as f64, "{bytes}");
    let misses = r#"nap_response_cache_lookups_total{result="miss"}"#;
    assert_eq!(metric(&router, misses).await, 40.0);

    // An answer over a quarter of the limit is served, and not kept.
    let big = "{ planItems(first: 100) { nodes { code title titles { uk en } parent { code } } } }";
    let first = post(&router, big, Value::Null, None).await;
    let second = post(&router, big, Value::Null, None).await;
    assert_eq!(first.body, second.body);
    assert!(
        first.body.to_string().len() > limit / 4,
        "the test needs a big answer"
    );
    assert_eq!(
        metric(&router, misses).await,
        42.0,
        "both ran: the answer was not kept"
    );
    assert!(first.etag.is_some(), "still tagged: 304 works without keeping it");
    let not_modified = conditional_get(&router, big, Value::Null, first.etag.as_deref().unwrap()).await;
    assert_eq!(not_modified.status, 304);
}

#[tokio::test]
async fn a_zero_limit_turns_the_cache_off() {
    let app = TestApp::with_fixture().await;
    let router = app.router_with_http(HttpSettings {
        response_cache_bytes: 0,
        ..Default::default()
    });
    let answer = post(&router, LINKS, Value::Null, None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.etag, None);
    let app = app.without_response_cache();
    let (_, first) = app.graphql_counting(LINKS, Value::Null).await;
    let (_, second) = app.graphql_counting(LINKS, Value::Null).await;
    assert_eq!(first, second, "each request runs the query");
    assert!(second > 1, "{second}");
}

/// The value of one series of the router's `/metrics`.
async fn metric(router: &Router, series: &str) -> f64 {
    let response = router
        .clone()
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let text = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    crate::common::metric_value(&text, series)
}
