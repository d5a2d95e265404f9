//! Withdrawn data is not live data: withdrawn project links and plans (and the items of withdrawn
//! plans) are left out of every list, count, total and coverage figure unless the caller asks for
//! them; coverage tells adopted, draft and no plan apart; budgets are attributed as the schema says;
//! `includeLocalizations` reaches projects linked through implementing regional items. Every
//! withdrawal goes through the real mutation.

use nap_registry::domain::access::Scope;
use serde_json::{Value, json};

use crate::common::{
    TestApp,
    fixture::{KHARKIV, LVIV, NATIONAL},
    project_keys,
};

const DONOR_A: &str = "fx-donor-a";
const LVIV_ADMINISTRATION: &str = "rma-ua-46";

fn money(amount: &str, currency: &str) -> Value {
    json!({ "amount": amount, "currency": currency })
}

/// Runs `query` as `organisation` with `scope` and returns its data, failing on any error.
async fn as_org(app: &TestApp, organisation: &str, scope: Scope, query: &str, variables: Value) -> Value {
    let token = app.token_for(organisation, &[scope]).await;
    let response = app.bearer(&token).graphql(query, variables).await;
    assert!(response.body["errors"].is_null(), "{}", response.body);
    response.data().clone()
}

/// Withdraws the fixture's project `key` (P2: donor A, 500.00 EUR, items 1.1.1 and 1.1.2, UA-46
/// and UA-63, 2023-2025) through `withdrawProjectLink`.
async fn withdraw_project(app: &TestApp, key: &str) {
    let found = app
        .graphql(
            "query($iati: String) { projectLinks(filter: {iatiIdentifier: $iati}) { nodes { id version } } }",
            json!({ "iati": format!("XM-DAC-99-1-{key}") }),
        )
        .await;
    let link = found.data()["projectLinks"]["nodes"][0].clone();
    as_org(
        app,
        DONOR_A,
        Scope::ProjectsWrite,
        "mutation($input: WithdrawProjectLinkInput!) { withdrawProjectLink(input: $input) { projectLink { version } } }",
        json!({ "input": { "id": link["id"], "version": link["version"], "reason": "Entered twice" } }),
    )
    .await;
}

/// Withdraws Lviv's ADOPTED regional plan (UA-46) through `withdrawPlan`.
async fn withdraw_lviv_plan(app: &TestApp) {
    let found = app
        .graphql(
            &format!(r#"{{ plan(code: "{LVIV}") {{ id version }} }}"#),
            json!({}),
        )
        .await;
    let plan = found.data()["plan"].clone();
    as_org(
        app,
        LVIV_ADMINISTRATION,
        Scope::PlansWrite,
        "mutation($input: WithdrawPlanInput!) { withdrawPlan(input: $input) { plan { version } } }",
        json!({ "input": { "id": plan["id"], "version": plan["version"], "reason": "Repealed" } }),
    )
    .await;
}

#[tokio::test]
async fn project_links_leave_out_a_withdrawn_link_everywhere_unless_asked() {
    let app = TestApp::with_fixture().await;
    withdraw_project(&app, "P2").await;
    let query = format!(
        r#"query($with: Boolean!) {{
            all: projectLinks(filter: {{includeWithdrawn: $with}}) {{ totalCount nodes {{ iatiIdentifier }} }}
            active: projectLinks(filter: {{activeOn: "2024-06-01", includeWithdrawn: $with}}) {{ nodes {{ iatiIdentifier }} }}
            item: planItem(code: "{NATIONAL}/1.1.1") {{ projectLinks(includeWithdrawn: $with) {{ totalCount nodes {{ iatiIdentifier }} }} }}
            region: region(code: "UA-63") {{ projectLinks(includeWithdrawn: $with) {{ totalCount nodes {{ iatiIdentifier }} }} }}
            funder: organisation(identifier: "{DONOR_A}") {{ projectLinks(role: FUNDING, includeWithdrawn: $with) {{ totalCount nodes {{ iatiIdentifier }} }} }}
        }}"#
    );
    let live = app.graphql(&query, json!({ "with": false })).await;
    let data = live.data();
    assert_eq!(data["all"]["totalCount"], 2);
    assert_eq!(project_keys(&data["all"]), ["P1", "P3"]);
    assert_eq!(
        project_keys(&data["active"]),
        ["P3"],
        "activeOn leaves the withdrawn link out"
    );
    assert_eq!(project_keys(&data["item"]["projectLinks"]), ["P1"]);
    assert_eq!(data["region"]["projectLinks"]["totalCount"], 0);
    assert_eq!(project_keys(&data["funder"]["projectLinks"]), ["P1"]);

    let everything = app.graphql(&query, json!({ "with": true })).await;
    let data = everything.data();
    assert_eq!(project_keys(&data["all"]), ["P1", "P2", "P3"]);
    assert_eq!(project_keys(&data["active"]), ["P2", "P3"]);
    assert_eq!(project_keys(&data["item"]["projectLinks"]), ["P1", "P2"]);
    assert_eq!(project_keys(&data["region"]["projectLinks"]), ["P2"]);
    assert_eq!(project_keys(&data["funder"]["projectLinks"]), ["P1", "P2"]);
}

const SUMMARY: &str = "query($filter: ProjectLinkFilter) { projectLinkSummary(filter: $filter) {
    overall { linkCount budgets { amount currency } }
    byStrategicGoal { goal { code } totals { linkCount budgets { amount currency } } }
    byRegion { region { code } totals { linkCount budgets { amount currency } } }
    byFunder { funder { code } totals { linkCount budgets { amount currency } } } } }";

#[tokio::test]
async fn project_link_summary_leaves_out_a_withdrawn_link_unless_asked() {
    let app = TestApp::with_fixture().await;
    withdraw_project(&app, "P2").await;
    let response = app.graphql(SUMMARY, json!({})).await;
    let summary = &response.data()["projectLinkSummary"];
    assert_eq!(
        summary["overall"],
        json!({ "linkCount": 2, "budgets": [money("1250.50", "UAH")] })
    );
    assert_eq!(
        summary["byStrategicGoal"][0],
        json!({ "goal": { "code": format!("{NATIONAL}/1") }, "totals": { "linkCount": 2, "budgets": [money("1250.50", "UAH")] } })
    );
    assert_eq!(
        summary["byRegion"],
        json!([
            { "region": { "code": "UA-12" }, "totals": { "linkCount": 1, "budgets": [money("250.50", "UAH")] } },
            { "region": { "code": "UA-46" }, "totals": { "linkCount": 1, "budgets": [money("1000.00", "UAH")] } }
        ])
    );
    assert_eq!(
        summary["byFunder"][0],
        json!({ "funder": { "code": DONOR_A }, "totals": { "linkCount": 1, "budgets": [money("1000.00", "UAH")] } })
    );

    let asked = app
        .graphql(SUMMARY, json!({ "filter": { "includeWithdrawn": true } }))
        .await;
    assert_eq!(
        asked.data()["projectLinkSummary"]["overall"],
        json!({ "linkCount": 3, "budgets": [money("500.00", "EUR"), money("1250.50", "UAH")] })
    );
}

#[tokio::test]
async fn project_link_summary_counts_a_project_of_two_goals_under_both_but_once_overall_and_per_funder() {
    let app = TestApp::with_fixture().await;
    // P3 (donor B, 250.50 UAH) is linked to goal 1 and to task 2.1.1 of goal 2.
    let response = app
        .graphql(SUMMARY, json!({ "filter": { "funder": "fx-donor-b" } }))
        .await;
    let summary = &response.data()["projectLinkSummary"];
    let once = json!({ "linkCount": 1, "budgets": [money("250.50", "UAH")] });
    assert_eq!(summary["overall"], once);
    assert_eq!(summary["byFunder"][0]["totals"], once);
    assert_eq!(summary["byStrategicGoal"][0]["totals"], once);
    assert_eq!(summary["byStrategicGoal"][1]["totals"], once);
    // Over all projects, P2 (two items of goal 1, two regions) and P3 count once overall and per
    // funder, though the goal rows add up to more than the overall total.
    let all = app.graphql(SUMMARY, json!({})).await;
    let summary = &all.data()["projectLinkSummary"];
    assert_eq!(
        summary["overall"],
        json!({ "linkCount": 3, "budgets": [money("500.00", "EUR"), money("1250.50", "UAH")] })
    );
    let funder_links: u64 = summary["byFunder"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["totals"]["linkCount"].as_u64().unwrap())
        .sum();
    assert_eq!(funder_links, 3);
    let goal_links: u64 = summary["byStrategicGoal"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["totals"]["linkCount"].as_u64().unwrap())
        .sum();
    assert_eq!(goal_links, 4, "P3 counts under both of its goals");

    // The schema says how budgets are attributed.
    let described = app
        .graphql(
            r#"{ __type(name: "ProjectLinkSummary") { fields { name description } } }"#,
            json!({}),
        )
        .await;
    let fields = described.data()["__type"]["fields"].as_array().unwrap().clone();
    let description = |name: &str| {
        fields.iter().find(|f| f["name"] == name).unwrap()["description"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(description("byStrategicGoal").contains("whole budget under both"));
    assert!(description("overall").contains("counted once"));
    assert!(description("byFunder").contains("counts once per funder"));
}

#[tokio::test]
async fn a_withdrawn_regional_plan_counts_for_nothing_and_its_items_are_not_live() {
    let app = TestApp::with_fixture().await;
    withdraw_lviv_plan(&app).await;
    let response = app
        .graphql(
            &format!(
                r#"{{
                national: plan(code: "{NATIONAL}") {{ localizationCoverage {{ region {{ code }} hasPlan localizationStatus plan {{ code }} status implementedItemCount }} }}
                lviv: plan(code: "{LVIV}") {{ status withdrawalReason }}
                adopted: plans(filter: {{level: REGIONAL, status: ADOPTED}}) {{ nodes {{ code }} }}
                regional: plans(filter: {{level: REGIONAL}}) {{ nodes {{ code }} }}
                withdrawn: plans(filter: {{status: WITHDRAWN}}) {{ nodes {{ code }} }}
                everyRegional: plans(filter: {{level: REGIONAL, includeWithdrawn: true}}) {{ nodes {{ code }} }}
                item: planItem(code: "{LVIV}/1") {{ status withdrawalReason }}
                items: planItems(filter: {{plan: "{LVIV}"}}) {{ totalCount }}
                activeItems: planItems(filter: {{plan: "{LVIV}", status: ACTIVE}}) {{ totalCount }}
                withdrawnItems: planItems(filter: {{plan: "{LVIV}", status: WITHDRAWN}}) {{ totalCount }}
                allItems: planItems(filter: {{plan: "{LVIV}", includeWithdrawn: true}}) {{ totalCount }}
                task: planItem(code: "{NATIONAL}/1.1.1") {{ localizationCoverage {{ implementingRegions {{ code }} }} }}
            }}"#
            ),
            json!({}),
        )
        .await;
    let data = response.data();
    let coverage = data["national"]["localizationCoverage"].as_array().unwrap();
    let lviv = coverage.iter().find(|c| c["region"]["code"] == "UA-46").unwrap();
    assert_eq!(
        lviv,
        &json!({ "region": { "code": "UA-46" }, "hasPlan": false, "localizationStatus": "NONE", "plan": null, "status": null, "implementedItemCount": 0 })
    );
    assert_eq!(coverage.iter().filter(|c| c["hasPlan"] == true).count(), 0);
    assert_eq!(
        data["lviv"],
        json!({ "status": "WITHDRAWN", "withdrawalReason": "Repealed" })
    );
    assert_eq!(data["adopted"]["nodes"], json!([]));
    assert_eq!(data["regional"]["nodes"], json!([{ "code": KHARKIV }]));
    assert_eq!(data["withdrawn"]["nodes"], json!([{ "code": LVIV }]));
    assert_eq!(
        data["everyRegional"]["nodes"],
        json!([{ "code": LVIV }, { "code": KHARKIV }])
    );
    assert_eq!(
        data["item"],
        json!({ "status": "WITHDRAWN", "withdrawalReason": "Repealed" })
    );
    assert_eq!(data["items"]["totalCount"], 0);
    assert_eq!(data["activeItems"]["totalCount"], 0);
    assert_eq!(data["withdrawnItems"]["totalCount"], 4);
    assert_eq!(data["allItems"]["totalCount"], 4);
    assert_eq!(
        data["task"]["localizationCoverage"]["implementingRegions"],
        json!([])
    );
}

#[tokio::test]
async fn coverage_tells_an_adopted_plan_from_a_draft_and_none() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(
            &format!(
                r#"{{
                national: plan(code: "{NATIONAL}") {{ localizationCoverage {{ region {{ code }} hasPlan localizationStatus plan {{ code }} }} }}
                goal: planItem(code: "{NATIONAL}/2") {{ localizationCoverage {{ implementingRegions {{ code }} draftingRegions {{ code }} notImplementingRegions {{ code }} }} }}
            }}"#
            ),
            json!({}),
        )
        .await;
    let data = response.data();
    let coverage = data["national"]["localizationCoverage"].as_array().unwrap();
    let of = |code: &str| {
        let c = coverage.iter().find(|c| c["region"]["code"] == code).unwrap();
        (c["hasPlan"].clone(), c["localizationStatus"].clone())
    };
    assert_eq!(of("UA-46"), (json!(true), json!("ADOPTED")));
    assert_eq!(
        of("UA-63"),
        (json!(false), json!("DRAFT")),
        "a draft is not a plan"
    );
    assert_eq!(of("UA-12"), (json!(false), json!("NONE")));
    let goal = &data["goal"]["localizationCoverage"];
    assert_eq!(goal["implementingRegions"], json!([]));
    assert_eq!(goal["draftingRegions"], json!([{ "code": "UA-63" }]));
    assert_eq!(goal["notImplementingRegions"].as_array().unwrap().len(), 26);
}

#[tokio::test]
async fn update_plan_refuses_the_withdrawn_status_and_changes_nothing() {
    let app = TestApp::with_fixture().await;
    let found = app
        .graphql(
            &format!(r#"{{ plan(code: "{LVIV}") {{ id version }} }}"#),
            json!({}),
        )
        .await;
    let plan = found.data()["plan"].clone();
    let token = app.token_for(LVIV_ADMINISTRATION, &[Scope::PlansWrite]).await;
    let refused = app
        .bearer(&token)
        .graphql(
            "mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { plan { status } } }",
            json!({ "input": { "id": plan["id"], "version": plan["version"], "status": "WITHDRAWN" } }),
        )
        .await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert_eq!(refused.body["errors"][0]["extensions"]["field"], "input.status");
    let after = app
        .graphql(
            &format!(r#"{{ plan(code: "{LVIV}") {{ status version withdrawnAt }} }}"#),
            json!({}),
        )
        .await;
    assert_eq!(
        after.data()["plan"],
        json!({ "status": "ADOPTED", "version": plan["version"], "withdrawnAt": null })
    );
}

#[tokio::test]
async fn include_localizations_reaches_projects_linked_to_implementing_regional_items() {
    let app = TestApp::with_fixture().await;
    // Lviv's 1.1.2 implements national 1.1.1 (under goal 1).
    as_org(
        &app,
        DONOR_A,
        Scope::ProjectsWrite,
        "mutation($input: CreateProjectLinkInput!) { createProjectLink(input: $input) { projectLink { id } } }",
        json!({ "input": { "titleEn": "Lviv shelters", "iatiIdentifier": "XM-DAC-99-1-P4", "budget": { "amount": "40", "currency": "EUR" },
                           "participants": [{ "organisation": DONOR_A, "role": "FUNDING" }], "planItems": [format!("{LVIV}/1.1.2")] } }),
    )
    .await;
    let query =
        "query($filter: ProjectLinkFilter) { projectLinks(filter: $filter) { nodes { iatiIdentifier } } }";
    let under = |descendants: bool, localizations: bool, with: bool| {
        json!({ "filter": { "planItem": format!("{NATIONAL}/1"), "includeDescendants": descendants,
                            "includeLocalizations": localizations, "includeWithdrawn": with } })
    };
    let goal = app.graphql(query, under(true, false, false)).await;
    assert_eq!(project_keys(&goal.data()["projectLinks"]), ["P1", "P2", "P3"]);
    let everything = app.graphql(query, under(true, true, false)).await;
    assert_eq!(
        project_keys(&everything.data()["projectLinks"]),
        ["P1", "P2", "P3", "P4"]
    );
    let task = app
        .graphql(
            query,
            json!({ "filter": { "planItem": format!("{NATIONAL}/1.1.1"), "includeLocalizations": true } }),
        )
        .await;
    assert_eq!(project_keys(&task.data()["projectLinks"]), ["P1", "P2", "P4"]);

    let summary = app
        .graphql(
            SUMMARY,
            json!({ "filter": { "planItem": format!("{NATIONAL}/1"), "includeDescendants": true, "includeLocalizations": true } }),
        )
        .await;
    let summary = &summary.data()["projectLinkSummary"];
    assert_eq!(
        summary["overall"],
        json!({ "linkCount": 4, "budgets": [money("540.00", "EUR"), money("1250.50", "UAH")] })
    );
    let national_goal = summary["byStrategicGoal"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["goal"]["code"] == format!("{NATIONAL}/1"))
        .unwrap()
        .clone();
    assert_eq!(
        national_goal["totals"],
        json!({ "linkCount": 4, "budgets": [money("540.00", "EUR"), money("1250.50", "UAH")] })
    );

    // Once Lviv's plan is withdrawn its items no longer lead anywhere, unless asked.
    withdraw_lviv_plan(&app).await;
    let after = app.graphql(query, under(true, true, false)).await;
    assert_eq!(project_keys(&after.data()["projectLinks"]), ["P1", "P2", "P3"]);
    let asked = app.graphql(query, under(true, true, true)).await;
    assert_eq!(
        project_keys(&asked.data()["projectLinks"]),
        ["P1", "P2", "P3", "P4"]
    );
}

#[tokio::test]
async fn relations_leave_out_withdrawn_plans_and_the_items_under_them_unless_asked() {
    let app = TestApp::with_fixture().await;
    withdraw_lviv_plan(&app).await;
    let query = format!(
        r#"query($with: Boolean!) {{
            national: plan(code: "{NATIONAL}") {{ localizingPlans(includeWithdrawn: $with) {{ code }} }}
            lviv: plan(code: "{LVIV}") {{ goals(includeWithdrawn: $with) {{ code children(includeWithdrawn: $with) {{ code }} }} }}
            task: planItem(code: "{NATIONAL}/1.1.1") {{ localizations(includeWithdrawn: $with) {{ code }} }}
            regional: planItem(code: "{LVIV}/1.1.1") {{ implements(includeWithdrawn: $with) {{ code }} }}
            region: region(code: "UA-46") {{ plans(includeWithdrawn: $with) {{ code }} }}
            owner: organisation(identifier: "{LVIV_ADMINISTRATION}") {{ ownedPlans(includeWithdrawn: $with) {{ code }} }}
        }}"#
    );
    let live = app.graphql(&query, json!({ "with": false })).await;
    assert_eq!(
        live.data(),
        &json!({
            "national": { "localizingPlans": [{ "code": KHARKIV }] },
            "lviv": { "goals": [] },
            "task": { "localizations": [] },
            "regional": { "implements": [{ "code": format!("{NATIONAL}/1.1.1") }] },
            "region": { "plans": [] },
            "owner": { "ownedPlans": [] }
        })
    );
    let asked = app.graphql(&query, json!({ "with": true })).await;
    let data = asked.data();
    assert_eq!(
        data["national"]["localizingPlans"],
        json!([{ "code": LVIV }, { "code": KHARKIV }])
    );
    assert_eq!(
        data["lviv"]["goals"],
        json!([{ "code": format!("{LVIV}/1"), "children": [{ "code": format!("{LVIV}/1.1") }] }])
    );
    assert_eq!(
        data["task"]["localizations"],
        json!([{ "code": format!("{LVIV}/1.1.1") }, { "code": format!("{LVIV}/1.1.2") }])
    );
    assert_eq!(data["region"]["plans"], json!([{ "code": LVIV }]));
    assert_eq!(data["owner"]["ownedPlans"], json!([{ "code": LVIV }]));
}

#[tokio::test]
async fn root_lists_leave_out_withdrawn_indicators_values_organisations_and_target_groups_unless_asked() {
    use entity::{enums::VocabularyStatus, indicator, indicator_value, organisation, target_group};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

    let app = TestApp::with_fixture().await.without_response_cache();
    let now = chrono::Utc::now();
    indicator_value::Entity::update_many()
        .col_expr(indicator_value::Column::WithdrawnAt, Expr::value(now))
        .filter(indicator_value::Column::Kind.eq(entity::enums::IndicatorValueKind::Baseline))
        .exec(&app.db)
        .await
        .unwrap();
    organisation::Entity::update_many()
        .col_expr(organisation::Column::WithdrawnAt, Expr::value(now))
        .filter(organisation::Column::Code.eq("fx-ngo"))
        .exec(&app.db)
        .await
        .unwrap();
    target_group::Entity::update_many()
        .col_expr(
            target_group::Column::Status,
            Expr::value(VocabularyStatus::Withdrawn),
        )
        .filter(target_group::Column::Code.eq("veterans"))
        .exec(&app.db)
        .await
        .unwrap();
    let query = format!(
        r#"query($with: Boolean!) {{
            indicators(filter: {{plan: "{NATIONAL}", includeWithdrawn: $with}}) {{ nodes {{ code values(includeWithdrawn: $with) {{ kind }} }} }}
            organisations(filter: {{search: "fx", includeWithdrawn: $with}}) {{ nodes {{ code }} }}
            targetGroups(filter: {{includeWithdrawn: $with}}) {{ totalCount }}
            item: planItem(code: "{NATIONAL}/1.1.1") {{ targetGroups(includeWithdrawn: $with) {{ code }} }}
        }}"#
    );
    let live = app.graphql(&query, json!({ "with": false })).await;
    let data = live.data();
    assert_eq!(
        data["indicators"]["nodes"],
        json!([{ "code": "I1", "values": [{ "kind": "TARGET" }] }])
    );
    assert_eq!(
        data["organisations"]["nodes"],
        json!([{ "code": "fx-donor-a" }, { "code": "fx-donor-b" }])
    );
    assert_eq!(
        data["item"]["targetGroups"],
        json!([{ "code": "internally-displaced-persons" }])
    );
    let asked = app.graphql(&query, json!({ "with": true })).await;
    let all = asked.data();
    assert_eq!(
        all["indicators"]["nodes"][0]["values"],
        json!([{ "kind": "BASELINE" }, { "kind": "TARGET" }])
    );
    assert_eq!(all["organisations"]["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(
        all["targetGroups"]["totalCount"].as_u64().unwrap(),
        data["targetGroups"]["totalCount"].as_u64().unwrap() + 1
    );
    assert_eq!(all["item"]["targetGroups"].as_array().unwrap().len(), 2);

    // A withdrawn indicator is left out as well.
    indicator::Entity::update_many()
        .col_expr(indicator::Column::WithdrawnAt, Expr::value(now))
        .exec(&app.db)
        .await
        .unwrap();
    let none = app.graphql(&query, json!({ "with": false })).await;
    assert_eq!(none.data()["indicators"]["nodes"], json!([]));
}
