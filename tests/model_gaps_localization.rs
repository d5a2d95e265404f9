//! The localization chain national -> regional -> community: a local (community) plan's items
//! implement items of its region's regional plan (and national items); wrong levels and other
//! regions are refused with `BAD_USER_INPUT` on `input.implements` and change nothing; coverage
//! counts the community plans the chain reaches, in GraphQL, the coverage export and the item pages.

use nap_registry::domain::access::Scope;
use serde_json::{Value, json};

use crate::common::{
    TestApp, dump,
    fixture::{KHARKIV, LVIV, NATIONAL},
};

const COMMUNITY: &str = "FX-LAP-UA-46-ZHOVKVA";
const CREATE_ORGANISATION: &str = "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { code } } }";
const CREATE_PLAN: &str =
    "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { code } } }";
const CREATE_ITEM: &str =
    "mutation($input: CreatePlanItemInput!) { createPlanItem(input: $input) { planItem { code } } }";
const LINK: &str = "mutation($input: ImplementationInput!) { linkImplementation(input: $input) { planItem { code version implements { code } } } }";
const COVERAGE: &str = r#"query($code: String!) { plan(code: $code) { localizationCoverage { region { code }
    communityPlanCount communityImplementingPlanCount communityImplementedItemCount } } }"#;

fn link(item: &str, implements: &str) -> Value {
    json!({ "input": { "planItem": item, "implements": implements } })
}

/// A community of Lviv region with `plans:write`, its local plan `COMMUNITY` (localizing the
/// national plan) with items 1 and 2, and the community's token.
async fn community_plan(app: &TestApp) -> String {
    let admin = app.as_org("ministry-of-social-policy", &[Scope::Admin]).await;
    admin
        .graphql(
            CREATE_ORGANISATION,
            json!({ "input": { "code": "zhovkva-community", "kind": "LOCAL_SELF_GOVERNMENT", "nameEn": "Zhovkva community", "region": "UA-46" } }),
        )
        .await
        .data();
    let token = app.token_for("zhovkva-community", &[Scope::PlansWrite]).await;
    let community = app.bearer(&token);
    community
        .graphql(
            CREATE_PLAN,
            json!({ "input": { "code": COMMUNITY, "level": "LOCAL", "titleEn": "Zhovkva community plan", "startYear": 2021,
                "endYear": 2025, "status": "ADOPTED", "parentPlan": NATIONAL, "region": "UA-46" } }),
        )
        .await
        .data();
    for number in ["1", "2"] {
        community
            .graphql(
                CREATE_ITEM,
                json!({ "input": { "plan": COMMUNITY, "number": number, "titleEn": format!("Community item {number}") } }),
            )
            .await
            .data();
    }
    token
}

/// Region code to its coverage entry.
async fn coverage_of(app: &TestApp, region: &str) -> Value {
    let response = app.graphql(COVERAGE, json!({ "code": NATIONAL })).await;
    response.data()["plan"]["localizationCoverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["region"]["code"] == region)
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn link_implementation_lets_a_community_item_implement_its_regions_items() {
    let app = TestApp::with_fixture().await;
    let token = community_plan(&app).await;
    let community = app.bearer(&token);
    let linked = community
        .graphql(LINK, link(&format!("{COMMUNITY}/1"), &format!("{LVIV}/1.1.1")))
        .await;
    assert_eq!(
        linked.data()["linkImplementation"]["planItem"],
        json!({ "code": format!("{COMMUNITY}/1"), "version": 2, "implements": [{ "code": format!("{LVIV}/1.1.1") }] })
    );
    // A community item may still implement a national item directly.
    community
        .graphql(
            LINK,
            link(&format!("{COMMUNITY}/2"), &format!("{NATIONAL}/2.1.1")),
        )
        .await
        .data();
    // The regional item knows the community item that localizes it.
    let regional = app
        .graphql(
            "query($code: String!) { planItem(code: $code) { localizations { code } implements { code } } }",
            json!({ "code": format!("{LVIV}/1.1.1") }),
        )
        .await;
    assert_eq!(
        regional.data()["planItem"],
        json!({ "localizations": [{ "code": format!("{COMMUNITY}/1") }], "implements": [{ "code": format!("{NATIONAL}/1.1.1") }] })
    );
    // So does its permanent address.
    let page = app
        .anonymous()
        .get_accepting(format!("/id/item/{LVIV}/1.1.1"), "application/ld+json")
        .await
        .json();
    let localized_by: Vec<&str> = page["nap:localizedBy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["@id"].as_str().unwrap())
        .collect();
    assert_eq!(localized_by.len(), 1, "{page}");
    assert!(
        localized_by[0].ends_with(&format!("/id/item/{COMMUNITY}/1")),
        "{page}"
    );
}

#[tokio::test]
async fn link_implementation_refuses_wrong_levels_and_other_regions_and_changes_nothing() {
    let app = TestApp::with_fixture().await;
    let token = community_plan(&app).await;
    let community = app.bearer(&token);
    let lviv = app.as_org("rma-ua-46", &[Scope::PlansWrite]).await;
    let before = dump(&app.db).await;
    for (client, item, target, why) in [
        (
            &community,
            format!("{COMMUNITY}/1"),
            format!("{KHARKIV}/1"),
            "another region's regional item",
        ),
        (
            &community,
            format!("{COMMUNITY}/1"),
            format!("{COMMUNITY}/2"),
            "an item of a local plan",
        ),
        (
            &community,
            format!("{COMMUNITY}/1"),
            format!("{COMMUNITY}/1"),
            "itself",
        ),
        (
            &lviv,
            format!("{LVIV}/1"),
            format!("{COMMUNITY}/1"),
            "a regional item implementing a community item",
        ),
        (
            &lviv,
            format!("{LVIV}/1"),
            format!("{KHARKIV}/1"),
            "a regional item implementing another regional item",
        ),
    ] {
        let refused = client.graphql(LINK, link(&item, &target)).await;
        assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{why}: {}", refused.body);
        assert_eq!(
            refused.body["errors"][0]["extensions"]["field"], "input.implements",
            "{why}"
        );
    }
    assert!(
        dump(&app.db).await == before,
        "a refused link changed the database"
    );
}

#[tokio::test]
async fn coverage_counts_community_plans_through_the_regional_plan() {
    let app = TestApp::with_fixture().await;
    let token = community_plan(&app).await;
    let community = app.bearer(&token);
    assert_eq!(
        coverage_of(&app, "UA-46").await,
        json!({ "region": { "code": "UA-46" }, "communityPlanCount": 1, "communityImplementingPlanCount": 0,
            "communityImplementedItemCount": 0 })
    );
    // Through Lviv's 1.1.1 (which implements national 1.1.1), and directly national 2.1.1.
    community
        .graphql(LINK, link(&format!("{COMMUNITY}/1"), &format!("{LVIV}/1.1.1")))
        .await
        .data();
    community
        .graphql(
            LINK,
            link(&format!("{COMMUNITY}/2"), &format!("{NATIONAL}/2.1.1")),
        )
        .await
        .data();
    assert_eq!(
        coverage_of(&app, "UA-46").await,
        json!({ "region": { "code": "UA-46" }, "communityPlanCount": 1, "communityImplementingPlanCount": 1,
            "communityImplementedItemCount": 2 })
    );
    assert_eq!(
        coverage_of(&app, "UA-63").await["communityImplementingPlanCount"],
        0
    );
    // The coverage export gives the same figures.
    let bytes = app
        .get(format!(
            "/export/coverage.csv?plan={NATIONAL}&region=UA-46&lang=en"
        ))
        .await
        .body;
    let mut reader = csv::Reader::from_reader(bytes.as_ref());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| row[header.iter().position(|h| h == name).unwrap()].to_owned();
    // And the coverage page's row for the region.
    let page = app
        .anonymous()
        .get_accepting(format!("/coverage/{NATIONAL}"), "text/html")
        .await
        .text();
    let row_start = page.find("<tr data-region=\"UA-46\"").unwrap();
    let row_html = &page[row_start..row_start + page[row_start..].find("</tr>").unwrap()];
    assert!(
        row_html.contains("<td class=\"num\">1<br><small><span lang=\"uk\">виконують пункти</span> / <span lang=\"en\">implementing</span> 1</small></td>"),
        "{row_html}"
    );
    assert_eq!(cell("community_plans"), "1");
    assert_eq!(cell("community_plans_implementing"), "1");
    assert_eq!(cell("community_items_implemented"), "2");
}
