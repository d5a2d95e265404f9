//! Every read entry point, its filters, unknown codes (null, no error) and malformed IDs.

use serde_json::json;

use crate::common::{
    TestApp, codes,
    fixture::{KHARKIV, LVIV, NATIONAL},
    project_keys,
};

#[tokio::test]
async fn node_and_nodes_resolve_global_ids_of_every_type() {
    let app = TestApp::with_fixture().await;
    let ids = app
        .graphql(
            r#"{ plan(code: "FX-NAP-2021-2025") { id } planItem(code: "FX-NAP-2021-2025/1.1.1") { id indicators { id } }
                 targetGroup(code: "veterans") { id } organisation(identifier: "XM-DAC-99-1") { id } region(code: "UA-46") { id }
                 projectLinks(first: 1) { nodes { id } } }"#,
            json!({}),
        )
        .await;
    let data = ids.data();
    let all = [
        data["plan"]["id"].clone(),
        data["planItem"]["id"].clone(),
        data["planItem"]["indicators"][0]["id"].clone(),
        data["targetGroup"]["id"].clone(),
        data["organisation"]["id"].clone(),
        data["region"]["id"].clone(),
        data["projectLinks"]["nodes"][0]["id"].clone(),
    ];
    let response = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": all }),
        )
        .await;
    let types: Vec<&str> = response.data()["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "Plan",
            "PlanItem",
            "Indicator",
            "TargetGroup",
            "Organisation",
            "Region",
            "ProjectLink"
        ]
    );
    for (node, id) in response.data()["nodes"].as_array().unwrap().iter().zip(&all) {
        assert_eq!(&node["id"], id);
    }
    let single = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Plan { code } } }",
            json!({ "id": all[0] }),
        )
        .await;
    assert_eq!(single.data()["node"]["code"], NATIONAL);
}

#[tokio::test]
async fn node_with_a_malformed_id_is_bad_user_input_and_an_unknown_one_is_null() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(r#"{ node(id: "not-an-id") { id } }"#, json!({}))
        .await;
    assert_eq!(response.error_code(), "BAD_USER_INPUT");
    assert_eq!(response.body["errors"][0]["extensions"]["field"], "id");
    // Well-formed, but no such plan.
    let unknown = base64_id("Plan:00000000-0000-0000-0000-000000000000");
    let response = app
        .graphql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": unknown }),
        )
        .await;
    assert_eq!(response.data()["node"], json!(null));
    let foreign = base64_id("Spaceship:00000000-0000-0000-0000-000000000000");
    let response = app
        .graphql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": foreign }),
        )
        .await;
    assert_eq!(response.error_code(), "BAD_USER_INPUT");
}

fn base64_id(text: &str) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(text)
}

#[tokio::test]
async fn nodes_refuses_more_than_a_hundred_ids() {
    let app = TestApp::with_fixture().await;
    let ids: Vec<String> = (0..101)
        .map(|_| base64_id("Plan:00000000-0000-0000-0000-000000000000"))
        .collect();
    let response = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(response.error_code(), "BAD_USER_INPUT");
    assert_eq!(response.body["errors"][0]["extensions"]["field"], "ids");
}

#[tokio::test]
async fn single_lookups_of_unknown_codes_are_null_without_errors() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(
            r#"{ plan(code: "NOPE") { id } planItem(code: "FX-NAP-2021-2025/9.9") { id } targetGroup(code: "nope") { id }
                 organisation(identifier: "UA-EDR-00000000") { id } region(code: "UA-44") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        response.data(),
        &json!({ "plan": null, "planItem": null, "targetGroup": null, "organisation": null, "region": null })
    );
}

#[tokio::test]
async fn plans_filter_by_region_level_and_parent() {
    let app = TestApp::with_fixture().await;
    let q = "query($f: PlanFilter) { plans(filter: $f) { totalCount nodes { code } } }";
    let by_parent = app.graphql(q, json!({ "f": { "parentPlan": NATIONAL } })).await;
    assert_eq!(codes(&by_parent.data()["plans"]), [LVIV, KHARKIV]);
    let by_region = app.graphql(q, json!({ "f": { "region": "UA-46" } })).await;
    assert_eq!(codes(&by_region.data()["plans"]), [LVIV]);
    let regional_drafts = app
        .graphql(q, json!({ "f": { "level": "REGIONAL", "status": "DRAFT" } }))
        .await;
    assert_eq!(codes(&regional_drafts.data()["plans"]), [KHARKIV]);
    let unknown_region = app.graphql(q, json!({ "f": { "region": "UA-99" } })).await;
    assert_eq!(unknown_region.data()["plans"]["totalCount"], 0);
}

#[tokio::test]
async fn plan_items_filter_by_plan_kind_parent_group_organisation_role_region_and_search() {
    let app = TestApp::with_fixture().await;
    let q = "query($f: PlanItemFilter) { planItems(filter: $f, first: 100) { totalCount nodes { code } } }";
    let run = |filter: serde_json::Value| {
        let app = &app;
        async move { codes(&app.graphql(q, json!({ "f": filter })).await.data()["planItems"]) }
    };
    let n = |numbers: &[&str]| {
        numbers
            .iter()
            .map(|x| format!("{NATIONAL}/{x}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        run(json!({ "plan": NATIONAL })).await,
        n(&["1", "1.1", "1.1.1", "1.1.2", "2", "2.1", "2.1.1"])
    );
    assert_eq!(
        run(json!({ "plan": NATIONAL, "kind": "TASK" })).await,
        n(&["1.1.1", "1.1.2", "2.1.1"])
    );
    assert_eq!(
        run(json!({ "parent": format!("{NATIONAL}/1.1") })).await,
        n(&["1.1.1", "1.1.2"])
    );
    assert_eq!(
        run(json!({ "targetGroup": "internally-displaced-persons" })).await,
        n(&["1.1.1", "2.1.1"])
    );
    assert_eq!(run(json!({ "organisation": "fx-ngo" })).await, n(&["1.1.2"]));
    assert_eq!(
        run(json!({ "organisation": "ministry-of-social-policy", "role": "RESPONSIBLE" })).await,
        n(&["1.1.1"])
    );
    assert_eq!(
        run(json!({ "organisation": "ministry-of-social-policy", "role": "CO_EXECUTOR" })).await,
        Vec::<String>::new()
    );
    assert_eq!(run(json!({ "region": "UA-63" })).await, [format!("{KHARKIV}/1")]);
    assert_eq!(
        run(json!({ "plan": NATIONAL, "status": "WITHDRAWN" })).await,
        Vec::<String>::new()
    );
    assert_eq!(
        run(json!({ "parent": "NOPE/1" })).await,
        Vec::<String>::new(),
        "an unknown parent matches nothing"
    );
    // Across plans the order is by number, then code.
    let goals = run(json!({ "kind": "STRATEGIC_GOAL", "search": "fx-" })).await;
    assert_eq!(
        goals,
        [
            format!("{NATIONAL}/1"),
            format!("{LVIV}/1"),
            format!("{KHARKIV}/1"),
            format!("{NATIONAL}/2")
        ]
    );
}

#[tokio::test]
async fn search_matches_ukrainian_and_english_in_any_case() {
    let app = TestApp::with_fixture().await;
    let q = "query($s: String!) { planItems(filter: {search: $s}) { nodes { code } } organisations(filter: {search: $s}) { nodes { code } } }";
    let ukrainian = app.graphql(q, json!({ "s": "ПУНКТ 1.1.2 плану fx-nap" })).await;
    assert_eq!(
        codes(&ukrainian.data()["planItems"]),
        [format!("{NATIONAL}/1.1.2")]
    );
    let english = app.graphql(q, json!({ "s": "item 2.1.1 OF fx-nap" })).await;
    assert_eq!(codes(&english.data()["planItems"]), [format!("{NATIONAL}/2.1.1")]);
    // An organisation is found under its former name, in any case.
    let former = app
        .graphql(q, json!({ "s": "МІНІСТЕРСТВО СОЦІАЛЬНОЇ ПОЛІТИКИ УКРАЇНИ" }))
        .await;
    assert_eq!(
        codes(&former.data()["organisations"]),
        ["ministry-of-social-policy"]
    );
    let wildcard = app.graphql(q, json!({ "s": "%" })).await;
    assert_eq!(
        codes(&wildcard.data()["planItems"]),
        Vec::<String>::new(),
        "LIKE wildcards are matched literally"
    );
    let empty = app.graphql(q, json!({ "s": "   " })).await;
    assert_eq!(empty.error_code(), "BAD_USER_INPUT");
    assert_eq!(empty.body["errors"][0]["extensions"]["field"], "filter.search");
}

#[tokio::test]
async fn indicators_filter_by_plan_item_sdg_and_search() {
    let app = TestApp::with_fixture().await;
    let q = "query($f: IndicatorFilter) { indicators(filter: $f) { totalCount nodes { code planItem { code } } } }";
    for filter in [
        json!({ "plan": NATIONAL }),
        json!({ "planItem": format!("{NATIONAL}/1.1.1") }),
        json!({ "sdgIndicator": "5.5.1" }),
        json!({ "search": "share of WOMEN" }),
        json!({ "search": "частка жінок" }),
    ] {
        let response = app.graphql(q, json!({ "f": filter })).await;
        assert_eq!(response.data()["indicators"]["totalCount"], 1, "{filter}");
        assert_eq!(
            response.data()["indicators"]["nodes"][0]["planItem"]["code"],
            format!("{NATIONAL}/1.1.1")
        );
    }
    let none = app.graphql(q, json!({ "f": { "plan": LVIV } })).await;
    assert_eq!(none.data()["indicators"]["totalCount"], 0);
}

#[tokio::test]
async fn target_groups_organisations_and_regions_list_and_filter() {
    let app = TestApp::with_fixture().await;
    let groups = app
        .graphql(r#"{ targetGroups(filter: {vocabulary: "UA-NAP-TG-2020", status: ACTIVE}, first: 3) { totalCount nodes { code position } } }"#, json!({}))
        .await;
    assert_eq!(groups.data()["targetGroups"]["totalCount"], 19);
    assert_eq!(
        groups.data()["targetGroups"]["nodes"][0],
        json!({ "code": "internally-displaced-persons", "position": 1 })
    );
    let donors = app
        .graphql(
            "{ organisations(filter: {kind: DONOR}) { nodes { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        codes(&donors.data()["organisations"]),
        ["fx-donor-a", "fx-donor-b"]
    );
    let lviv = app
        .graphql(
            r#"{ organisations(filter: {region: "UA-46"}) { nodes { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(codes(&lviv.data()["organisations"]), ["rma-ua-46"]);
    let regions = app.graphql("{ regions { code } }", json!({})).await;
    assert_eq!(regions.data()["regions"].as_array().unwrap().len(), 27);
    assert_eq!(regions.data()["regions"][0]["code"], "UA-05");
}

#[tokio::test]
async fn project_links_filter_by_funder_implementer_item_region_date_and_iati_id() {
    let app = TestApp::with_fixture().await;
    let q =
        "query($f: ProjectLinkFilter) { projectLinks(filter: $f) { totalCount nodes { iatiIdentifier } } }";
    let run = |filter: serde_json::Value| {
        let app = &app;
        async move {
            let response = app.graphql(q, json!({ "f": filter })).await;
            project_keys(&response.data()["projectLinks"])
        }
    };
    assert_eq!(run(json!({ "funder": "XM-DAC-99-1" })).await, ["P1", "P2"]);
    assert_eq!(run(json!({ "funder": "fx-donor-b" })).await, ["P3"]);
    assert_eq!(run(json!({ "implementer": "fx-ngo" })).await, ["P1", "P2", "P3"]);
    assert_eq!(run(json!({ "planItem": format!("{NATIONAL}/1") })).await, ["P3"]);
    assert_eq!(
        run(json!({ "planItem": format!("{NATIONAL}/1"), "includeDescendants": true })).await,
        ["P1", "P2", "P3"]
    );
    assert_eq!(run(json!({ "region": "UA-46" })).await, ["P1", "P2"]);
    assert_eq!(run(json!({ "activeOn": "2024-06-01" })).await, ["P2", "P3"]);
    assert_eq!(run(json!({ "iatiIdentifier": "XM-DAC-99-1-P3" })).await, ["P3"]);
    assert_eq!(run(json!({ "funder": "nobody" })).await, Vec::<String>::new());
    let bad_date = app.graphql(q, json!({ "f": { "activeOn": "June" } })).await;
    assert_eq!(bad_date.error_code(), "BAD_USER_INPUT");
    assert!(
        bad_date.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD"),
        "{}",
        bad_date.body
    );
}
