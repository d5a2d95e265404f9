//! The public change feed replays to the registry: from the start it names every object (the
//! reference data loads included), every code it gives resolves with the lookup of its type,
//! `after` takes a cursor or a sequence number, and `changesHead` gives the end without paging.

use std::collections::{BTreeMap, BTreeSet};

use nap_registry::{domain::access::Scope, graphql::node_id, reference_data};
use sea_orm::{EntityTrait, QuerySelect};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{TestApp, feed_after};

const HEAD: &str = "{ changesHead { sequence cursor } }";

/// The fixture, the small synthetic registry, and API writes of every kind of object, among them
/// an indicator of a regional plan's goal (whose code the feed once gave as `…/0001/I1`).
async fn registry_with_every_kind() -> TestApp {
    let app = TestApp::with_fixture().await;
    reference_data::load_synthetic(&app.db, reference_data::SyntheticSize::SMALL)
        .await
        .unwrap();
    let editor = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let indicator = app
        .bearer(&editor).graphql("mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { id } } }",
            json!({ "input": { "planItem": "FX-RAP-UA-46/1", "code": "I1", "nameEn": "Shelters audited", "unit": "shelters", "direction": "INCREASE" } }),
        )
        .await
        .data()["createIndicator"]["indicator"]["id"]
        .clone();
    app.bearer(&editor).graphql("mutation($input: CreateIndicatorValueInput!) { createIndicatorValue(input: $input) { indicatorValue { id } } }",
        json!({ "input": { "indicator": indicator, "kind": "BASELINE", "periodStartYear": 2025, "periodEndYear": 2025, "value": 3.0, "sex": "T" } }),
    )
    .await
    .data();
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    app.bearer(&admin).graphql("mutation($input: CreateTargetGroupInput!) { createTargetGroup(input: $input) { targetGroup { id } } }",
        json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": "war-widows", "labelEn": "War widows" } }),
    )
    .await
    .data();
    app
}

/// The global IDs of every object of the registry.
async fn every_object(app: &TestApp) -> BTreeSet<String> {
    macro_rules! ids {
        ($($module:ident => $type_name:literal),+ $(,)?) => {{
            let mut all = BTreeSet::new();
            $(
                let keys: Vec<Uuid> = entity::$module::Entity::find()
                    .select_only()
                    .column(entity::$module::Column::Id)
                    .into_tuple()
                    .all(&app.db)
                    .await
                    .unwrap();
                all.extend(keys.into_iter().map(|key| node_id::encode($type_name, key).0));
            )+
            all
        }};
    }
    ids!(
        region => "Region",
        organisation => "Organisation",
        legal_act => "LegalAct",
        plan => "Plan",
        target_group => "TargetGroup",
        plan_item => "PlanItem",
        indicator => "Indicator",
        indicator_value => "IndicatorValue",
        project_link => "ProjectLink",
    )
}

#[tokio::test]
async fn replaying_the_feed_from_the_start_reaches_every_object() {
    let app = registry_with_every_kind().await;
    let changes = feed_after(&app, Value::Null).await;
    let named: BTreeSet<String> = changes
        .iter()
        .map(|c| c["entityId"].as_str().unwrap().to_owned())
        .collect();
    let all = every_object(&app).await;
    let missing: Vec<&String> = all.difference(&named).collect();
    assert!(
        missing.is_empty(),
        "{} objects are not in the feed: {missing:?}",
        missing.len()
    );
    let types: BTreeSet<&str> = changes
        .iter()
        .map(|c| c["entityType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "Indicator",
            "IndicatorValue",
            "LegalAct",
            "Organisation",
            "Plan",
            "PlanItem",
            "ProjectLink",
            "Region",
            "TargetGroup"
        ])
    );
    // Each named object can be fetched with `node(id:)`, whatever its type.
    let mut one_per_type: BTreeMap<&str, &str> = BTreeMap::new();
    for change in &changes {
        one_per_type
            .entry(change["entityType"].as_str().unwrap())
            .or_insert(change["entityId"].as_str().unwrap());
    }
    for (type_name, id) in one_per_type {
        let node = app
            .graphql(
                "query($id: ID!) { node(id: $id) { id __typename } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(node.data()["node"]["__typename"], type_name);
    }
    let sequences: Vec<i64> = changes.iter().map(|c| c["sequence"].as_i64().unwrap()).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]));
}

/// The lookup of each type that has codes: the root field and its argument.
fn lookup(type_name: &str) -> Option<(&'static str, &'static str)> {
    Some(match type_name {
        "Plan" => ("plan", "code"),
        "PlanItem" => ("planItem", "code"),
        "Indicator" => ("indicator", "code"),
        "TargetGroup" => ("targetGroup", "code"),
        "Organisation" => ("organisation", "identifier"),
        "Region" => ("region", "code"),
        _ => return None,
    })
}

#[tokio::test]
async fn every_code_in_the_feed_resolves_with_the_lookup_of_its_type() {
    let app = registry_with_every_kind().await;
    let changes = feed_after(&app, Value::Null).await;
    let mut codes: BTreeMap<(String, String), String> = BTreeMap::new();
    for change in &changes {
        if let Some(code) = change["entityCode"].as_str() {
            let type_name = change["entityType"].as_str().unwrap().to_owned();
            codes.insert(
                (type_name, code.to_owned()),
                change["entityId"].as_str().unwrap().to_owned(),
            );
        }
    }
    assert!(
        codes.contains_key(&("Indicator".to_owned(), "FX-RAP-UA-46/1/I1".to_owned())),
        "the regional indicator is named by its canonical code"
    );
    let mut project_links = Vec::new();
    let mut lookups = Vec::new();
    for ((type_name, code), id) in &codes {
        match lookup(type_name) {
            Some((field, argument)) => lookups.push((field, argument, code.clone(), id.clone())),
            None if type_name == "ProjectLink" => project_links.push((code.clone(), id.clone())),
            None => panic!("{type_name} {code}: a type with codes but no lookup"),
        }
    }
    assert!(lookups.iter().any(|(field, ..)| *field == "indicator"));
    for batch in lookups.chunks(25) {
        let fields: Vec<String> = batch
            .iter()
            .enumerate()
            .map(|(n, (field, argument, code, _))| {
                format!("l{n}: {field}({argument}: {}) {{ id }}", json!(code))
            })
            .collect();
        let answer = app
            .graphql(&format!("{{ {} }}", fields.join(" ")), json!({}))
            .await;
        for (n, (field, _, code, id)) in batch.iter().enumerate() {
            assert_eq!(
                answer.data()[format!("l{n}")]["id"],
                json!(id),
                "{field}({code}) does not resolve to the object the feed named"
            );
        }
    }
    for (code, id) in project_links.iter().take(10) {
        let answer = app
            .graphql(
                "query($code: String!) { projectLinks(filter: { iatiIdentifier: $code }) { nodes { id } } }",
                json!({ "code": code }),
            )
            .await;
        assert_eq!(answer.data()["projectLinks"]["nodes"], json!([{ "id": id }]));
    }
}

#[tokio::test]
async fn changes_after_accepts_a_cursor_and_a_sequence_number() {
    let app = TestApp::with_fixture().await;
    let first = app
        .graphql(
            "{ changes(first: 3) { edges { cursor node { sequence } } } }",
            json!({}),
        )
        .await;
    let edges = first.data()["changes"]["edges"].as_array().unwrap().clone();
    let sequence = edges[1]["node"]["sequence"].as_i64().unwrap();
    let page = "query($after: String) { changes(first: 5, after: $after) { nodes { sequence } } }";
    let by_cursor = app.graphql(page, json!({ "after": edges[1]["cursor"] })).await;
    let by_sequence = app.graphql(page, json!({ "after": sequence.to_string() })).await;
    assert_eq!(by_cursor.data(), by_sequence.data());
    assert_eq!(
        by_sequence.data()["changes"]["nodes"][0]["sequence"],
        json!(edges[2]["node"]["sequence"])
    );
    let from_zero = app.graphql(page, json!({ "after": "0" })).await;
    let from_start = app.graphql(page, json!({})).await;
    assert_eq!(from_zero.data(), from_start.data());
    assert_eq!(from_start.data()["changes"]["nodes"][0]["sequence"], 1);
    for bad in ["-1", "abc", "99999999999999999999"] {
        let refused = app.graphql(page, json!({ "after": bad })).await;
        assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{bad}");
        assert_eq!(refused.body["errors"][0]["extensions"]["field"], "after", "{bad}");
    }
}

#[tokio::test]
async fn changes_head_gives_the_end_of_the_feed_without_paging() {
    let app = TestApp::with_fixture().await;
    let head = app.graphql(HEAD, json!({})).await.data()["changesHead"].clone();
    let all = feed_after(&app, Value::Null).await;
    assert_eq!(
        all.last().unwrap()["sequence"].as_i64().unwrap(),
        head["sequence"].as_i64().unwrap()
    );
    assert_eq!(
        feed_after(&app, head["cursor"].clone()).await,
        Vec::<Value>::new()
    );

    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    app.bearer(&admin).graphql("mutation($input: CreateTargetGroupInput!) { createTargetGroup(input: $input) { targetGroup { id } } }",
        json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": "war-widows", "labelEn": "War widows" } }),
    )
    .await
    .data();
    let since = feed_after(&app, head["cursor"].clone()).await;
    let named: Vec<(&Value, &Value)> = since.iter().map(|c| (&c["entityCode"], &c["action"])).collect();
    assert_eq!(named, [(&json!("war-widows"), &json!("CREATE"))]);
}
