//! The response cache: anonymous answers are kept per change sequence and never served stale,
//! `If-None-Match` gets 304, concurrent misses run the query once, and memory stays within the
//! configured limit. (Two server processes on one database: `command_line`.)

use axum::http::header;
use nap_registry::{
    config::HttpSettings,
    domain::access::Scope,
    reference_data::{self, synthetic::SyntheticSize},
};
use serde_json::{Value, json};

use crate::common::{Client, TestApp, TestResponse};

const LINKS: &str = r#"{ projectLinks(first: 100) { totalCount nodes { title } } }"#;

/// The same request over GET, as a polling client sends it, with `If-None-Match`.
async fn conditional_get(client: &Client, query: &str, if_none_match: &str) -> TestResponse {
    client
        .graphql_get(query, Some(&Value::Null))
        .header(header::IF_NONE_MATCH, if_none_match)
        .send()
        .await
}

#[tokio::test]
async fn anonymous_answers_are_kept_until_the_next_write_and_never_served_stale() {
    let app = TestApp::with_fixture().await;
    let client = app.anonymous();
    let (first, first_cost) = app.graphql_counting(LINKS, Value::Null).await;
    let (second, second_cost) = app.graphql_counting(LINKS, Value::Null).await;
    assert_eq!(first.body, second.body);
    assert!(first_cost > 1, "the first answer runs the query: {first_cost}");
    assert!(
        second_cost <= 1,
        "a kept answer costs at most the sequence check: {second_cost}"
    );

    let kept = client.graphql(LINKS, Value::Null).await;
    let etag = kept.header(header::ETAG).expect("an ETag");
    let not_modified = conditional_get(&client, LINKS, etag).await;
    assert_eq!(not_modified.status, 304);
    assert_eq!(not_modified.header(header::ETAG), Some(etag));
    assert!(not_modified.body.is_empty(), "no body");
    let posted = client
        .graphql_request(LINKS, Value::Null)
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await;
    assert_eq!(
        (posted.status, &posted.json()),
        (200, &kept.body),
        "a POST is never answered 304"
    );

    // A write through the API moves the sequence on: the next read sees it, with a new tag.
    let donor = app.token_for("fx-donor-a", &[Scope::ProjectsWrite]).await;
    let created = app
        .bearer(&donor).graphql("mutation { createProjectLink(input: {titleEn: \"Seen at once\", owner: \"fx-donor-a\"}) { projectLink { id } } }",
            Value::Null,
        )
        .await;
    assert!(created.body["errors"].is_null(), "{}", created.body);
    let after = conditional_get(&client, LINKS, etag).await;
    assert_eq!(after.status, 200, "the old tag no longer matches");
    assert_ne!(after.header(header::ETAG), Some(etag));
    assert_eq!(
        after.json()["data"]["projectLinks"]["totalCount"],
        kept.body["data"]["projectLinks"]["totalCount"].as_i64().unwrap() + 1
    );
    assert!(after.text().contains("Seen at once"));

    // So does a reference data load by the operator, which goes around the API.
    let plans = "{ plans { totalCount } }";
    let before_load = client.graphql(plans, Value::Null).await;
    reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
        .await
        .unwrap();
    let after_load = client.graphql(plans, Value::Null).await;
    assert_ne!(before_load.body, after_load.body, "{}", after_load.body);
    assert_ne!(before_load.header(header::ETAG), after_load.header(header::ETAG));
}

#[tokio::test]
async fn answers_differ_by_language_and_variables_and_errors_are_not_kept() {
    let app = TestApp::with_fixture().await;
    let query = r#"query($code: String!) { planItem(code: $code) { code title } }"#;
    let item = |code: &str| json!({ "code": code });
    let uk = app.graphql(query, item("FX-RAP-UA-46/1.1.1")).await;
    let en = app
        .anonymous()
        .with_header("accept-language", "en")
        .graphql(query, item("FX-RAP-UA-46/1.1.1"))
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
    let tagged = app.graphql(bad, Value::Null).await;
    assert_eq!(
        tagged.header(header::ETAG),
        None,
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
        .bearer(&admin).graphql("mutation { createProjectLink(input: {titleEn: \"x\", owner: \"fx-donor-a\"}) { projectLink { id } } }",
            Value::Null,
        )
        .await;
    assert!(write.body["errors"].is_null(), "{}", write.body);
    let before = app.statements.total();
    let answers = futures_util::future::join_all((0..16).map(|_| app.graphql(query, Value::Null))).await;
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
    let client = app.with_http(HttpSettings {
        response_cache_bytes: limit,
        ..Default::default()
    });
    let query = "query($n: Int!) { planItems(first: $n) { nodes { code title } } }";
    for n in 1..=40 {
        let answer = client.graphql(query, json!({ "n": n })).await;
        assert_eq!(answer.status, 200);
        assert!(answer.body["errors"].is_null(), "{}", answer.body);
    }
    let bytes = client.metric("nap_response_cache_bytes").await;
    assert!(bytes > 0.0 && bytes <= limit as f64, "{bytes}");
    let misses = r#"nap_response_cache_lookups_total{result="miss"}"#;
    assert_eq!(client.metric(misses).await, 40.0);

    // An answer over a quarter of the limit is served, and not kept.
    let big = "{ planItems(first: 100) { nodes { code title titles { uk en } parent { code } } } }";
    let first = client.graphql(big, Value::Null).await;
    let second = client.graphql(big, Value::Null).await;
    assert_eq!(first.body, second.body);
    assert!(
        first.body.to_string().len() > limit / 4,
        "the test needs a big answer"
    );
    assert_eq!(
        client.metric(misses).await,
        42.0,
        "both ran: the answer was not kept"
    );
    let etag = first.header(header::ETAG);
    assert!(etag.is_some(), "still tagged: 304 works without keeping it");
    let not_modified = conditional_get(&client, big, etag.unwrap()).await;
    assert_eq!(not_modified.status, 304);
}

#[tokio::test]
async fn a_zero_limit_turns_the_cache_off() {
    let app = TestApp::with_fixture().await;
    let client = app.with_http(HttpSettings {
        response_cache_bytes: 0,
        ..Default::default()
    });
    let answer = client.graphql(LINKS, Value::Null).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header(header::ETAG), None);
    let app = app.reading_the_database();
    let (_, first) = app.graphql_counting(LINKS, Value::Null).await;
    let (_, second) = app.graphql_counting(LINKS, Value::Null).await;
    assert_eq!(first, second, "each request runs the query");
    assert!(second > 1, "{second}");
}
