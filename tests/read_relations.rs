//! Every relation, in both directions, and both languages.

use serde_json::json;

use crate::common::{
    TestApp, codes,
    fixture::{KHARKIV, LVIV, NATIONAL},
};

#[tokio::test]
async fn plan_item_relations_reach_plan_tree_indicators_groups_responsibilities_funding_and_projects() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(
            r#"{ planItem(code: "FX-NAP-2021-2025/1.1.1") {
                number kind status plan { code } parent { code } children { code }
                ancestors { code kind }
                indicators { code unit direction sdgIndicator sdgIndicatorUri planItem { code }
                             values { kind periodStartYear periodEndYear value sex } females: values(sex: F) { value } }
                targetGroups { code }
                responsibilities { role organisation { code } planItem { code } }
                funding { source }
                localizations { code plan { code } }
                projectLinks { totalCount nodes { iatiIdentifier } }
            } }"#,
            json!({}),
        )
        .await;
    let item = &response.data()["planItem"];
    assert_eq!(item["number"], "1.1.1");
    assert_eq!(item["kind"], "TASK");
    assert_eq!(item["status"], "ACTIVE");
    assert_eq!(item["plan"]["code"], NATIONAL);
    assert_eq!(item["parent"]["code"], format!("{NATIONAL}/1.1"));
    assert_eq!(item["children"], json!([]));
    assert_eq!(
        item["ancestors"],
        json!([{ "code": format!("{NATIONAL}/1"), "kind": "STRATEGIC_GOAL" }, { "code": format!("{NATIONAL}/1.1"), "kind": "OPERATIONAL_GOAL" }])
    );
    let indicator = &item["indicators"][0];
    assert_eq!(indicator["sdgIndicatorUri"], "http://metadata.un.org/sdg/5.5.1");
    assert_eq!(
        indicator["values"],
        json!([
            { "kind": "BASELINE", "periodStartYear": 2020, "periodEndYear": 2020, "value": 10.0, "sex": "T" },
            { "kind": "TARGET", "periodStartYear": 2021, "periodEndYear": 2025, "value": 20.0, "sex": "F" }
        ])
    );
    assert_eq!(indicator["females"], json!([{ "value": 20.0 }]));
    assert_eq!(
        codes(&item["targetGroups"]),
        ["internally-displaced-persons", "veterans"]
    );
    assert_eq!(
        item["responsibilities"],
        json!([{ "role": "RESPONSIBLE", "organisation": { "code": "ministry-of-social-policy" }, "planItem": { "code": format!("{NATIONAL}/1.1.1") } }])
    );
    assert_eq!(item["funding"], json!([]));
    assert_eq!(
        codes(&item["localizations"]),
        [format!("{LVIV}/1.1.1"), format!("{LVIV}/1.1.2")]
    );
    assert_eq!(item["projectLinks"]["totalCount"], 2);
}

#[tokio::test]
async fn regional_items_point_to_the_national_items_they_implement() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(r#"{ planItem(code: "FX-RAP-UA-63/1") { implements { code } plan { parentPlan { code } region { code } } } }"#, json!({}))
        .await;
    let item = &response.data()["planItem"];
    assert_eq!(codes(&item["implements"]), [format!("{NATIONAL}/2")]);
    assert_eq!(item["plan"]["parentPlan"]["code"], NATIONAL);
    assert_eq!(item["plan"]["region"]["code"], "UA-63");
}

#[tokio::test]
async fn plan_relations_reach_tree_localizing_plans_acts_owner_and_succession() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(
            r#"{ fx: plan(code: "FX-NAP-2021-2025") { goals { code children { code children { code } } } localizingPlans { code }
                    legalActs { role act { number issuer { code } } } owner { code } }
                 nap2: plan(code: "UA-NAP-2021-2025") { supersededBy { code } legalActs { role act { number adoptedOn amends { number } } } }
                 nap3: plan(code: "UA-NAP-2026-2030") { supersedes { code } } }"#,
            json!({}),
        )
        .await;
    let data = response.data();
    assert_eq!(
        codes(&data["fx"]["goals"]),
        [format!("{NATIONAL}/1"), format!("{NATIONAL}/2")]
    );
    assert_eq!(
        codes(&data["fx"]["goals"][0]["children"][0]["children"]),
        [format!("{NATIONAL}/1.1.1"), format!("{NATIONAL}/1.1.2")]
    );
    assert_eq!(codes(&data["fx"]["localizingPlans"]), [LVIV, KHARKIV]);
    assert_eq!(
        data["fx"]["legalActs"],
        json!([{ "role": "APPROVES", "act": { "number": "FX-1", "issuer": { "code": "cabinet-of-ministers" } } }])
    );
    assert_eq!(data["fx"]["owner"]["code"], "ministry-of-social-policy");
    assert_eq!(codes(&data["nap2"]["supersededBy"]), ["UA-NAP-2026-2030"]);
    assert_eq!(
        data["nap2"]["legalActs"],
        json!([
            { "role": "APPROVES", "act": { "number": "1544-r", "adoptedOn": "2020-10-28", "amends": null } },
            { "role": "AMENDS", "act": { "number": "1150-r", "adoptedOn": "2022-12-16", "amends": { "number": "1544-r" } } }
        ])
    );
    assert_eq!(data["nap3"]["supersedes"]["code"], "UA-NAP-2021-2025");
}

#[tokio::test]
async fn organisation_relations_reach_names_identifiers_responsibilities_plans_and_projects() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(
            r#"{ msp: organisation(identifier: "ministry-of-social-policy") { kind nameHistory { names { en } } ownedPlans { code }
                    responsibilities { totalCount nodes { role planItem { code } } } }
                 donor: organisation(identifier: "XM-DAC-99-1") { code identifiers funded: projectLinks(role: FUNDING) { totalCount }
                    implemented: projectLinks(role: IMPLEMENTING) { totalCount } }
                 rma: organisation(identifier: "rma-ua-12") { region { code } predecessors { code } successors { code } } }"#,
            json!({}),
        )
        .await;
    let data = response.data();
    assert_eq!(data["msp"]["kind"], "CENTRAL_AUTHORITY");
    assert_eq!(
        data["msp"]["nameHistory"],
        json!([{ "names": { "en": "Ministry of Social Policy of Ukraine" } }, { "names": { "en": "Ministry of Social Policy, Family and Unity of Ukraine" } }])
    );
    assert_eq!(
        codes(&data["msp"]["ownedPlans"]),
        [NATIONAL, "UA-NAP-2021-2025", "UA-NAP-2026-2030"]
    );
    assert_eq!(data["msp"]["responsibilities"]["totalCount"], 1);
    assert_eq!(data["donor"]["code"], "fx-donor-a");
    assert_eq!(data["donor"]["identifiers"], json!(["XM-DAC-99-1"]));
    assert_eq!(data["donor"]["funded"]["totalCount"], 2);
    assert_eq!(data["donor"]["implemented"]["totalCount"], 0);
    assert_eq!(
        data["rma"],
        json!({ "region": { "code": "UA-12" }, "predecessors": [], "successors": [] })
    );
}

#[tokio::test]
async fn region_target_group_and_project_relations() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(
            r#"{ region(code: "UA-46") { kind plans { code } projectLinks { totalCount } }
                 targetGroup(code: "internally-displaced-persons") { vocabulary { code edition } planItems { totalCount nodes { code } } indicators { code } }
                 projectLinks(filter: {iatiIdentifier: "XM-DAC-99-1-P2"}) { nodes { budget { amount currency } genderMarker dacPurposes
                    participants { role organisation { code } } regions { code } planItems { code } owner { code } startDate endDate } } }"#,
            json!({}),
        )
        .await;
    let data = response.data();
    assert_eq!(data["region"]["kind"], "OBLAST");
    assert_eq!(codes(&data["region"]["plans"]), [LVIV]);
    assert_eq!(data["region"]["projectLinks"]["totalCount"], 2);
    assert_eq!(
        data["targetGroup"]["vocabulary"],
        json!({ "code": "UA-NAP-TG-2020", "edition": "2020" })
    );
    assert_eq!(
        codes(&data["targetGroup"]["planItems"]["nodes"]),
        [format!("{NATIONAL}/1.1.1"), format!("{NATIONAL}/2.1.1")]
    );
    assert_eq!(codes(&data["targetGroup"]["indicators"]), ["I1"]);
    assert_eq!(
        data["projectLinks"]["nodes"][0],
        json!({
            "budget": { "amount": "500.00", "currency": "EUR" }, "genderMarker": 2, "dacPurposes": ["15170"],
            "participants": [{ "role": "FUNDING", "organisation": { "code": "fx-donor-a" } }, { "role": "IMPLEMENTING", "organisation": { "code": "fx-ngo" } }],
            "regions": [{ "code": "UA-46" }, { "code": "UA-63" }],
            "planItems": [{ "code": format!("{NATIONAL}/1.1.1") }, { "code": format!("{NATIONAL}/1.1.2") }],
            "owner": { "code": "fx-donor-a" }, "startDate": "2023-01-01", "endDate": "2025-12-31"
        })
    );
}

#[tokio::test]
async fn texts_answer_in_the_argument_language_then_accept_language_with_fallback() {
    let app = TestApp::with_fixture().await;
    let q = r#"{ region(code: "UA-12") { name en: name(lang: EN) uk: name(lang: UK) names { uk en } }
                 targetGroup(code: "veterans") { label } }"#;
    let default = app.graphql(q, json!({})).await;
    assert_eq!(default.data()["region"]["name"], "Дніпропетровська область");
    assert_eq!(default.data()["region"]["en"], "Dnipropetrovsk");
    assert_eq!(
        default.data()["region"]["names"],
        json!({ "uk": "Дніпропетровська область", "en": "Dnipropetrovsk" })
    );
    assert_eq!(default.data()["targetGroup"]["label"], "Ветерани");
    let english = app
        .anonymous()
        .with_header("accept-language", "en-US,en;q=0.9,uk;q=0.5")
        .graphql(q, json!({}))
        .await;
    assert_eq!(english.data()["region"]["name"], "Dnipropetrovsk");
    assert_eq!(
        english.data()["region"]["uk"],
        "Дніпропетровська область",
        "the argument wins over the header"
    );
    assert_eq!(english.data()["targetGroup"]["label"], "Veterans");
}

/// Lists of objects read from the read model resolve field after field in place
/// (`graphql::object_list`); the database path resolves them with async-graphql's executor. Both
/// answer alike: aliases, a field selected twice (merged), fragment spreads and inline fragments
/// (on the type and on an interface it implements), `__typename`, arguments, nested lists, and a
/// field that still reads the database (`localizationCoverage`) inside a list.
#[tokio::test]
async fn lists_resolved_in_place_answer_as_the_executor_does() {
    let query = r#"query($code: String!) {
        plan(code: $code) {
            goals {
                __typename code
                children { code }
                children { title kids: children(includeWithdrawn: true) { code ...Item } }
                ... on Node { id }
                ... on PlanItem { number }
                indicators { code values(sex: F) { value sex } all: values { kind } }
            }
        }
        plans(first: 10) { nodes { code localizationCoverage { region { code } status } } }
        nothing: plan(code: "FX-NONE") { goals { code } }
    }
    fragment Item on PlanItem { kind targetGroups { code __typename } responsibilities { role organisation { code } } }"#;
    let variables = json!({ "code": NATIONAL });
    let app = TestApp::with_fixture().await;
    let from_memory = app.without_response_cache();
    let in_place = from_memory
        .anonymous()
        .graphql_request(query, variables.clone())
        .send()
        .await;
    let from_database = from_memory.reading_the_database();
    let by_executor = from_database
        .anonymous()
        .graphql_request(query, variables)
        .send()
        .await;

    let (in_place_text, in_place) = (in_place.text(), in_place.json());
    assert!(in_place["errors"].is_null(), "{in_place}");
    assert_eq!(in_place, by_executor.json());
    let goal = &in_place["data"]["plan"]["goals"][0];
    assert_eq!(goal["__typename"], "PlanItem");
    assert!(
        goal["children"][0]["code"].is_string() && goal["children"][0]["title"].is_string(),
        "{goal}"
    );
    assert!(goal["children"][0]["kids"].is_array(), "{goal}");
    assert!(goal["id"].is_string() && goal["number"] == "1", "{goal}");
    // Fields answer in the order the query selects them.
    let order = [
        "\"__typename\"",
        "\"code\"",
        "\"children\"",
        "\"id\"",
        "\"number\"",
        "\"indicators\"",
    ]
    .map(|key| in_place_text.find(key).unwrap_or(usize::MAX));
    assert!(order.is_sorted(), "{order:?} in {in_place_text}");
}
