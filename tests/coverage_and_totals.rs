//! Localization coverage and the donor dashboard's totals, against the fixture's hand-checked figures.

use serde_json::json;

use crate::common::{TestApp, fixture::NATIONAL};

#[tokio::test]
async fn plan_coverage_lists_every_region_with_its_plan_status_act_and_implemented_count() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(
            r#"{ plan(code: "FX-NAP-2021-2025") { localizationCoverage { region { code } hasPlan plan { code } status
                    approvalAct { number } implementedItemCount } } }"#,
            json!({}),
        )
        .await;
    let coverage = response.data()["plan"]["localizationCoverage"]
        .as_array()
        .unwrap();
    assert_eq!(coverage.len(), 27);
    let of = |code: &str| {
        coverage
            .iter()
            .find(|c| c["region"]["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(
        of("UA-46"),
        json!({ "region": { "code": "UA-46" }, "hasPlan": true, "plan": { "code": "FX-RAP-UA-46" }, "status": "ADOPTED",
                "approvalAct": { "number": "FX-LV" }, "implementedItemCount": 2 })
    );
    assert_eq!(
        of("UA-63"),
        json!({ "region": { "code": "UA-63" }, "hasPlan": false, "plan": { "code": "FX-RAP-UA-63" }, "status": "DRAFT",
                "approvalAct": null, "implementedItemCount": 1 })
    );
    assert_eq!(
        of("UA-12"),
        json!({ "region": { "code": "UA-12" }, "hasPlan": false, "plan": null, "status": null, "approvalAct": null, "implementedItemCount": 0 })
    );
    // A draft plan is not a plan the region has.
    assert_eq!(coverage.iter().filter(|c| c["hasPlan"] == true).count(), 1);
    // Coverage is a national plan's question: a regional plan has none.
    let regional = app
        .graphql(
            r#"{ plan(code: "FX-RAP-UA-46") { localizationCoverage { hasPlan } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(regional.data()["plan"]["localizationCoverage"], json!([]));
}

#[tokio::test]
async fn item_coverage_splits_regions_into_implementing_and_not() {
    let app = TestApp::with_fixture().await;
    let q = r#"query($code: String!) { planItem(code: $code) { localizationCoverage { implementingRegions { code } notImplementingRegions { code } } } }"#;
    let task = app
        .graphql(q, json!({ "code": format!("{NATIONAL}/1.1.1") }))
        .await;
    let coverage = &task.data()["planItem"]["localizationCoverage"];
    assert_eq!(coverage["implementingRegions"], json!([{ "code": "UA-46" }]));
    let others = coverage["notImplementingRegions"].as_array().unwrap();
    assert_eq!(others.len(), 26);
    assert!(others.iter().any(|r| r["code"] == "UA-12") && others.iter().any(|r| r["code"] == "UA-63"));
    let goal = app.graphql(q, json!({ "code": format!("{NATIONAL}/2") })).await;
    // Only Kharkiv's draft implements goal 2: a draft does not count as implementing it.
    assert_eq!(
        goal.data()["planItem"]["localizationCoverage"]["implementingRegions"],
        json!([])
    );
}

#[tokio::test]
async fn project_link_summary_groups_by_goal_region_and_funder_without_mixing_currencies() {
    let app = TestApp::with_fixture().await;
    let totals = "totals { linkCount budgets { amount currency } }";
    let query = format!(
        "{{ projectLinkSummary {{ overall {{ linkCount budgets {{ amount currency }} }}
            byStrategicGoal {{ goal {{ code }} {totals} }} byRegion {{ region {{ code }} {totals} }} byFunder {{ funder {{ code }} {totals} }} }} }}"
    );
    let response = app.graphql(&query, json!({})).await;
    let summary = &response.data()["projectLinkSummary"];
    let money = |amount: &str, currency: &str| json!({ "amount": amount, "currency": currency });
    assert_eq!(
        summary["overall"],
        json!({ "linkCount": 3, "budgets": [money("500.00", "EUR"), money("1250.50", "UAH")] })
    );
    assert_eq!(
        summary["byStrategicGoal"],
        json!([
            { "goal": { "code": format!("{NATIONAL}/1") }, "totals": { "linkCount": 3, "budgets": [money("500.00", "EUR"), money("1250.50", "UAH")] } },
            { "goal": { "code": format!("{NATIONAL}/2") }, "totals": { "linkCount": 1, "budgets": [money("250.50", "UAH")] } }
        ])
    );
    assert_eq!(
        summary["byRegion"],
        json!([
            { "region": { "code": "UA-12" }, "totals": { "linkCount": 1, "budgets": [money("250.50", "UAH")] } },
            { "region": { "code": "UA-46" }, "totals": { "linkCount": 2, "budgets": [money("500.00", "EUR"), money("1000.00", "UAH")] } },
            { "region": { "code": "UA-63" }, "totals": { "linkCount": 1, "budgets": [money("500.00", "EUR")] } }
        ])
    );
    assert_eq!(
        summary["byFunder"],
        json!([
            { "funder": { "code": "fx-donor-a" }, "totals": { "linkCount": 2, "budgets": [money("500.00", "EUR"), money("1000.00", "UAH")] } },
            { "funder": { "code": "fx-donor-b" }, "totals": { "linkCount": 1, "budgets": [money("250.50", "UAH")] } }
        ])
    );
    let filtered = app
        .graphql(r#"{ projectLinkSummary(filter: {funder: "fx-donor-b"}) { overall { linkCount } byStrategicGoal { goal { code } } } }"#, json!({}))
        .await;
    assert_eq!(
        filtered.data()["projectLinkSummary"],
        json!({ "overall": { "linkCount": 1 }, "byStrategicGoal": [{ "goal": { "code": format!("{NATIONAL}/1") } }, { "goal": { "code": format!("{NATIONAL}/2") } }] })
    );
}
