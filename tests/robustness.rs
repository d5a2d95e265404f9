//! Hostile and malformed requests: each gets a 4xx or a GraphQL error with a code, never a 5xx,
//! and the service answers the next request as usual.

use axum::http::header;
use serde_json::{Value, json};

use crate::common::{Client, TestApp};

/// Posts `body`, byte for byte and with its Content-Length, to `/graphql`: the status and the
/// JSON answer (`null` where the answer is not JSON).
async fn post_raw(client: &Client, body: Vec<u8>) -> (u16, Value) {
    let response = client
        .post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, body.len())
        .body(body)
        .send()
        .await;
    (response.status, response.json_or_null())
}

fn query(text: &str) -> Vec<u8> {
    json!({ "query": text }).to_string().into_bytes()
}

#[tokio::test]
async fn hostile_requests_are_refused_cleanly_and_the_service_stays_up() {
    let app = TestApp::seeded().await;
    let aliases: String = (0..2000)
        .map(|i| format!("a{i}: plans {{ totalCount }} "))
        .collect();
    let deep = format!(
        "{{ planItems {{ nodes {}{}",
        "{ children ".repeat(40),
        "} ".repeat(40)
    ) + "} } }";
    let nested_items = "{ plans { nodes { goals { children { children { children { children { children { children { children { children { children { children { children { children { children { code } } } } } } } } } } } } } } } }";
    let huge_search = format!(
        r#"{{ planItems(filter: {{search: "{}"}}) {{ totalCount }} }}"#,
        "ж".repeat(5000)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("malformed JSON", b"{\"query\": \"{ plans".to_vec()),
        ("invalid UTF-8", vec![b'{', b'"', b'q', 0xff, 0xfe, b'"', b'}']),
        ("not an object", b"42".to_vec()),
        ("empty body", Vec::new()),
        ("syntax error", query("{ plans { ")),
        ("unknown field", query("{ spaceships { id } }")),
        ("unknown type in fragment", query("{ plans { ...F } } fragment F on Spaceship { id }")),
        ("fragment cycle", query("{ plans { ...A } } fragment A on PlanConnection { ...B } fragment B on PlanConnection { ...A }")),
        ("alias bomb", query(&format!("{{ {aliases} }}"))),
        ("deep selection", query(&deep)),
        ("deep tree", query(nested_items)),
        ("huge string", query(&huge_search)),
        ("wrong variable type", json!({ "query": "query($n: Int) { plans(first: $n) { totalCount } }", "variables": { "n": "many" } }).to_string().into_bytes()),
        ("variables not an object", json!({ "query": "{ plans { totalCount } }", "variables": [1, 2] }).to_string().into_bytes()),
        ("too many ids", json!({ "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": { "ids": vec!["x"; 500] } }).to_string().into_bytes()),
        ("huge list of nulls", json!({ "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": { "ids": vec![Value::Null; 5000] } }).to_string().into_bytes()),
        ("oversized body", query(&"x".repeat(300 * 1024))),
    ];
    for (case, body) in cases {
        let (status, answer) = post_raw(&app.anonymous(), body).await;
        assert!(status < 500, "{case}: {status} {answer}");
        if status == 200 {
            let code = answer["errors"][0]["extensions"]["code"].as_str();
            assert!(code.is_some(), "{case}: an error with a code: {answer}");
        }
        let text = answer.to_string().to_lowercase();
        assert!(
            !text.contains("select ") && !text.contains("/src/") && !text.contains("panicked"),
            "{case}: leaks internals: {answer}"
        );
    }
    let (status, answer) = post_raw(&app.anonymous(), query("{ plans { totalCount } }")).await;
    assert_eq!(
        (status, answer["data"]["plans"]["totalCount"].clone()),
        (200, json!(2)),
        "the service still answers"
    );
}

#[tokio::test]
async fn database_failures_reach_the_client_only_as_internal_error() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::with_fixture().await;
    app.db
        .execute_unprepared("DROP TABLE indicator_values")
        .await
        .unwrap();
    let response = app
        .graphql(
            r#"{ planItem(code: "FX-NAP-2021-2025/1.1.1") { code indicators { code values { value } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.error_code(), "INTERNAL");
    assert_eq!(response.body["errors"][0]["message"], "internal error");
    let text = response.body.to_string().to_lowercase();
    assert!(
        !text.contains("indicator_values") && !text.contains("select") && !text.contains("no such table"),
        "{text}"
    );
    // What did not fail is still answered.
    assert_eq!(
        response.body["data"]["planItem"]["code"],
        "FX-NAP-2021-2025/1.1.1"
    );
}

/// A small deterministic generator (xorshift), so every run sends the same inputs and a failure
/// can be replayed from its seed.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % bound as u64).unwrap()
    }
}

/// Valid requests the mutations start from: reads, a mutation, variables and fragments.
const SEEDS: &[&str] = &[
    r#"{"query":"{ plans { totalCount nodes { code titles { en uk } goals { code children { code } } } } }"}"#,
    r#"{"query":"query($c: String!) { planItem(code: $c) { code parent { code } indicators { code } } }","variables":{"c":"UA-NAP-2021-2025/1"}}"#,
    r#"{"query":"{ planItems(first: 5, filter: {search: \"gender\"}) { edges { cursor node { code } } pageInfo { hasNextPage } } }"}"#,
    r#"{"query":"query Q { ...F } fragment F on Query { regions { code names { en } } }","operationName":"Q"}"#,
    r#"{"query":"mutation($i: UpdatePlanItemInput!) { updatePlanItem(input: $i) { planItem { version } } }","variables":{"i":{"id":"x","version":1}}}"#,
    r#"{"query":"{ organisations(first: 3) { nodes { code names { uk } } } targetGroups { totalCount } }"}"#,
];

/// Pieces spliced into inputs: GraphQL and JSON syntax, odd numbers and characters.
const PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "\\",
    ":",
    ",",
    "...",
    "$",
    "@skip(if: true)",
    "query",
    "mutation",
    "fragment",
    "on",
    "first: 100000",
    "first: -1",
    "after: \"???\"",
    "9999999999999999999999",
    "null",
    "\\u0000",
    "\u{202e}",
    "ж",
    "__typename",
    "__schema { types { name } }",
    "plans",
    "node(id: \"\")",
    "{ a { a { a { a { a { a } } } } } }",
];

/// A bounded fuzz run: thousands of mutated requests (bytes flipped, cut, repeated, spliced with
/// syntax), each answered with a 4xx or a GraphQL error within a second, never a 5xx.
#[tokio::test]
async fn fuzzed_requests_never_get_a_server_error() {
    let app = TestApp::seeded().await;
    // Without the rate limit, which would otherwise answer most of the run with 429.
    let client = app.with_http(nap_registry::config::HttpSettings {
        rate_per_address: 1_000_000,
        ..Default::default()
    });
    let mut random = Xorshift(0x1325_2026_cafe_f00d);
    let mut answered = std::collections::BTreeMap::<u16, usize>::new();
    let mut executed = 0;
    for seed in SEEDS {
        let (status, body) = post_raw(&client, seed.as_bytes().to_vec()).await;
        assert_eq!(status, 200, "{seed}: {body}");
        assert_ne!(
            body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{seed}: {body}"
        );
    }
    let budget = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut sent = 0;
    while sent < 4000 && std::time::Instant::now() < budget {
        let mut input = SEEDS[random.below(SEEDS.len())].as_bytes().to_vec();
        for _ in 0..=random.below(4) {
            let at = random.below(input.len() + 1);
            match random.below(6) {
                0 => input.insert(at, u8::try_from(random.below(256)).unwrap()),
                1 if !input.is_empty() => {
                    input.remove(at.min(input.len() - 1));
                }
                2 => input.truncate(at),
                3 => {
                    let piece = PIECES[random.below(PIECES.len())].as_bytes();
                    input.splice(at..at, piece.iter().copied());
                }
                4 => {
                    let end = (at + random.below(40)).min(input.len());
                    let repeated = input[at..end].repeat(1 + random.below(50));
                    input.splice(at..at, repeated);
                }
                _ => {
                    if let Some(byte) = input.get_mut(at) {
                        *byte ^= 1 << random.below(8);
                    }
                }
            }
        }
        let shown = String::from_utf8_lossy(&input).into_owned();
        let started = std::time::Instant::now();
        let (status, body) = post_raw(&client, input).await;
        let elapsed = started.elapsed();
        *answered.entry(status).or_default() += 1;
        executed += usize::from(!body["data"].is_null());
        assert!(status < 500, "{status} for {shown}: {body}");
        assert!(
            elapsed < std::time::Duration::from_secs(1),
            "{elapsed:?} for {shown}"
        );
        if status == 200 {
            for error in body["errors"].as_array().into_iter().flatten() {
                let code = error["extensions"]["code"].as_str().unwrap_or("");
                assert!(!code.is_empty() && code != "INTERNAL", "{shown}: {body}");
            }
        }
        sent += 1;
    }
    assert!(sent >= 300, "only {sent} requests within the time budget");
    assert!(
        !answered.contains_key(&429) && executed >= 40,
        "the run reached the executor: {answered:?}, {executed} returned data"
    );
    eprintln!("fuzz run: {sent} requests, answered {answered:?}, {executed} returned data");
    let (status, body) = post_raw(&client, query("{ plans { totalCount } }")).await;
    assert_eq!(status, 200, "{body}");
}

/// PostgreSQL cannot store the NUL character and SQLite would: it is refused at the door, on both
/// backends alike, naming where it was.
#[tokio::test]
async fn the_nul_character_is_refused_naming_where_it_was() {
    let app = TestApp::with_fixture().await;
    let lookup = "query($c: String!) { planItem(code: $c) { code } }";
    let in_variable = json!({ "query": lookup, "variables": { "c": "FX-NAP-2021-2025/1\u{0}" } });
    let (status, body) = post_raw(&app.anonymous(), in_variable.to_string().into_bytes()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "variables.c");
    let in_literal = json!({ "query": r#"{ planItem(code: "FX\u0000") { code } }"# });
    let (status, body) = post_raw(&app.anonymous(), in_literal.to_string().into_bytes()).await;
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["field"]),
        (400, &json!("query")),
        "{body}"
    );
    let (status, _) = post_raw(
        &app.anonymous(),
        query(r#"{ planItem(code: "FX-NAP-2021-2025/1") { code } }"#),
    )
    .await;
    assert_eq!(status, 200, "the next request is answered");
}

/// The message and code of the only error of `answer`, after asserting there is one and no data.
fn only_error(case: &str, status: u16, answer: &Value) -> (String, String) {
    assert!(status == 200 || status == 400, "{case}: {status} {answer}");
    assert!(answer["data"].is_null(), "{case}: nothing ran: {answer}");
    let errors = answer["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{case}: {answer}"));
    assert_eq!(errors.len(), 1, "{case}: one error: {answer}");
    (
        errors[0]["message"].as_str().unwrap_or_default().to_owned(),
        errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test]
async fn documents_under_the_body_limit_are_refused_by_their_shape_before_validation() {
    let app = TestApp::seeded().await;
    let many_operations: String = (0..5_000).map(|i| format!("query q{i}{{a}}")).collect();
    let some_operations: String = (0..51)
        .map(|i| format!("query q{i} {{ plans {{ totalCount }} }} "))
        .collect();
    let cases = [
        // What the outside probe sent: each took up to 54 ms of CPU before it was refused.
        (
            "40,000 repeated fields",
            format!("{{ plans {{ {} }} }}", "a ".repeat(40_000)),
            "tokens",
        ),
        (
            "10,000 @skip",
            format!(
                "{{ plans @skip(if: false) {} {{ totalCount }} }}",
                "@skip(if:false)".repeat(10_000)
            ),
            "tokens",
        ),
        ("5,000 operations", many_operations, "tokens"),
        // Under the token limit, each shape limit names itself.
        (
            "1,000 fields in a selection",
            format!("{{ plans {{ {} }} }}", "totalCount ".repeat(1_000)),
            "at most 100 are allowed in one",
        ),
        (
            "6 directives on a field",
            format!("{{ plans {} {{ totalCount }} }}", "@skip(if: false) ".repeat(6)),
            "6 directives; at most 5",
        ),
        ("51 operations", some_operations, "51 operations; at most 50"),
    ];
    for (case, document, names) in cases {
        let (status, answer) = post_raw(&app.anonymous(), query(&document)).await;
        let (message, code) = only_error(case, status, &answer);
        assert_eq!(code, "GRAPHQL_VALIDATION_FAILED", "{case}: {answer}");
        assert!(message.contains(names), "{case}: {message}");
    }
    // Within the limits, a document as wide as allowed still runs.
    let wide = format!("{{ plans {{ {} }} }}", "totalCount ".repeat(100));
    let (status, answer) = post_raw(&app.anonymous(), query(&wide)).await;
    assert_eq!(
        (status, answer["data"]["plans"]["totalCount"].clone()),
        (200, json!(2)),
        "{answer}"
    );
}

#[tokio::test]
async fn error_answers_are_bounded_whatever_the_document() {
    let app = TestApp::seeded().await;
    // A 200 KB line with a syntax error at its end: the error quotes the line, cut short.
    let long_line = format!(
        "{{ plans(filter: {{search: \"{}\"}}) {{ totalCount ",
        "x".repeat(200_000)
    );
    let (status, answer) = post_raw(&app.anonymous(), query(&long_line)).await;
    let size = answer.to_string().len();
    assert!(
        status < 500 && answer["errors"].is_array(),
        "{status} {answer:.300}"
    );
    assert!(size < 2_000, "a {size}-byte answer to a 200 KB document");
    // Many errors of one kind: at most 20, the last saying how many more.
    let unknown: String = (0..90).map(|i| format!("f{i}: spaceship{i} ")).collect();
    let (_, answer) = post_raw(&app.anonymous(), query(&format!("{{ plans {{ {unknown} }} }}"))).await;
    let errors = answer["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 20, "{answer:.500}");
    assert!(
        errors[19]["message"].as_str().unwrap().contains("more errors"),
        "{}",
        errors[19]
    );
    assert!(answer.to_string().len() < 10_000);
}

#[tokio::test]
async fn http_level_failures_answer_json_with_a_code_and_no_debug_strings() {
    let app = TestApp::seeded().await;
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "invalid unicode escape",
            br#"{"query": "{ plans { totalCount } }", "x": "\udc00"}"#.to_vec(),
            400,
            "BAD_REQUEST",
        ),
        (
            "malformed JSON",
            b"{\"query\": \"{ plans".to_vec(),
            400,
            "BAD_REQUEST",
        ),
        (
            "invalid UTF-8",
            vec![b'{', b'"', b'q', 0xff, 0xfe, b'"', b'}'],
            400,
            "BAD_REQUEST",
        ),
        (
            "a batch",
            br#"[{"query":"{ plans { totalCount } }"}]"#.to_vec(),
            400,
            "BATCH_NOT_SUPPORTED",
        ),
        (
            "oversized body",
            query(&"x".repeat(300 * 1024)),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
    ];
    for (case, body, expected_status, expected_code) in cases {
        let (status, answer) = post_raw(&app.anonymous(), body).await;
        assert_eq!(status, expected_status, "{case}: {answer}");
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], expected_code,
            "{case}: {answer}"
        );
        let text = answer.to_string();
        for debug in [
            "InvalidRequest",
            "Error(",
            "Io(",
            "Custom {",
            "UnsupportedBatch",
            "kind:",
        ] {
            assert!(!text.contains(debug), "{case}: a Rust debug string: {text}");
        }
    }
    let unknown = app.get("/no-such-path").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["errors"][0]["extensions"]["code"], "NOT_FOUND");
}
