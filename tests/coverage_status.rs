//! Re-alignment status: `recordPlanAct` and `recordRegionPlanState` (who may, what they change),
//! the statuses they lead to on `plan.localizationCoverage`, and the coverage page, the coverage
//! export and GraphQL giving the same status for every region; the landing page.

use std::collections::BTreeMap;

use chrono::Duration;
use nap_registry::domain::access::Scope;
use serde_json::{Value, json};

use crate::common::{
    TestApp,
    fixture::{KHARKIV, LVIV, NATIONAL},
};

/// `GET path` as an anonymous client: the response's head and its body.
async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (axum::http::Response<()>, Vec<u8>) {
    let answer = app.anonymous().get(path).headers(headers).send().await;
    let mut head = axum::http::Response::new(());
    *head.status_mut() = axum::http::StatusCode::from_u16(answer.status).expect("a status");
    *head.headers_mut() = answer.headers;
    (head, answer.body.to_vec())
}

const RECORD_ACT: &str = r#"mutation($input: RecordPlanActInput!) { recordPlanAct(input: $input) { plan { code status version legalActs { role act { number adoptedOn } } } } }"#;
const RECORD_STATE: &str = r#"mutation($input: RecordRegionPlanStateInput!) { recordRegionPlanState(input: $input) { plan { code version } } }"#;
const COVERAGE: &str = r#"query($code: String!) { plan(code: $code) { localizationCoverage { region { code } coverageStatus realignmentDueOn
    reapprovedSince reapprovedOn nationalChangeAct { number } recordedState { state source asOf } communityPlanCount } } }"#;

fn act(plan: &str, role: &str, number: &str, date: &str) -> Value {
    json!({ "input": { "plan": plan, "role": role, "act": { "kind": "DECISION", "number": number, "adoptedOn": date } } })
}

fn day(offset: i64) -> String {
    (nap_registry::domain::calendar::today() + Duration::days(offset)).to_string()
}

/// Region code to its coverage entry, from GraphQL.
async fn coverage(app: &TestApp, plan: &str) -> BTreeMap<String, Value> {
    let response = app.graphql(COVERAGE, json!({ "code": plan })).await;
    response.data()["plan"]["localizationCoverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["region"]["code"].as_str().unwrap().to_owned(), c.clone()))
        .collect()
}

/// Region code to status, read from the rows (`<tr data-region=… data-status=…>`) or tiles of a page.
fn page_statuses(html: &str, marker: &str) -> Vec<(String, String)> {
    html.split(marker)
        .skip(1)
        .map(|rest| {
            let attribute = |name: &str| {
                let start = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                rest[start..start + rest[start..].find('"').unwrap()].to_owned()
            };
            (attribute("data-region"), attribute("data-status"))
        })
        .collect()
}

#[tokio::test]
async fn record_plan_act_is_gated_like_update_plan() {
    let app = TestApp::with_fixture().await;
    let input = act(LVIV, "AMENDS", "12/3", "2022-01-10");
    let anonymous = app.graphql(RECORD_ACT, input.clone()).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    let lviv = app.token_for("rma-ua-46", &[Scope::ProjectsWrite]).await;
    assert_eq!(
        app.bearer(&lviv)
            .graphql(RECORD_ACT, input.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let other = app.token_for("rma-ua-12", &[Scope::PlansWrite]).await;
    assert_eq!(
        app.bearer(&other)
            .graphql(RECORD_ACT, input.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let national = act(NATIONAL, "AMENDS", "N-2", "2022-01-10");
    let owner = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    assert_eq!(
        app.bearer(&owner)
            .graphql(RECORD_ACT, national)
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let head = app.graphql("{ changesHead { cursor } }", json!({})).await;
    let cursor = head.data()["changesHead"]["cursor"].clone();
    let recorded = app.bearer(&owner).graphql(RECORD_ACT, input.clone()).await;
    let plan = &recorded.data()["recordPlanAct"]["plan"];
    assert_eq!(plan["version"], 2);
    assert_eq!(plan["status"], "AMENDED");
    assert!(
        plan["legalActs"]
            .as_array()
            .unwrap()
            .contains(&json!({ "role": "AMENDS", "act": { "number": "12/3", "adoptedOn": "2022-01-10" } }))
    );
    // The same act in the same role again is refused, and changes nothing.
    let again = app.bearer(&owner).graphql(RECORD_ACT, input).await;
    assert_eq!(again.error_code(), "BAD_USER_INPUT");
    assert_eq!(again.body["errors"][0]["extensions"]["field"], "input.act");
    let events = app
        .graphql(
            r#"query($after: String) { changes(after: $after) { nodes { entityCode action version } } }"#,
            json!({ "after": cursor }),
        )
        .await;
    assert_eq!(
        events.data()["changes"]["nodes"],
        json!([{ "entityCode": LVIV, "action": "LINK", "version": 2 }]),
        "one audit event for the recorded act, none for the refused one"
    );
}

#[tokio::test]
async fn record_plan_act_refuses_bad_input_naming_the_field() {
    let app = TestApp::with_fixture().await;
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let cases = [
        (act("NO-SUCH-PLAN", "APPROVES", "1", "2021-01-01"), "input.plan"),
        (act(LVIV, "APPROVES", "  ", "2021-01-01"), "input.act.number"),
        (act(LVIV, "APPROVES", "1", &day(1)), "input.act.adoptedOn"),
        (
            json!({ "input": { "plan": LVIV, "role": "APPROVES", "act": { "kind": "ORDER", "number": "1", "adoptedOn": "2021-01-01", "url": "not a url" } } }),
            "input.act.url",
        ),
        (
            json!({ "input": { "plan": LVIV, "role": "APPROVES", "act": { "kind": "ORDER", "number": "1", "adoptedOn": "2021-01-01", "issuer": "nobody" } } }),
            "input.act.issuer",
        ),
    ];
    for (input, field) in cases {
        let response = app.bearer(&admin).graphql(RECORD_ACT, input).await;
        assert_eq!(response.error_code(), "BAD_USER_INPUT", "{field}");
        assert_eq!(response.body["errors"][0]["extensions"]["field"], field);
    }
    let lviv = coverage(&app, NATIONAL).await;
    assert_eq!(lviv["UA-46"]["coverageStatus"], "OVERDUE", "nothing changed");
}

#[tokio::test]
async fn coverage_status_follows_national_changes_and_regional_re_approvals() {
    let app = TestApp::with_fixture().await;
    let before = coverage(&app, NATIONAL).await;
    // Lviv's plan was approved on the day of the national act, not after it: overdue since
    // 2021-06-01 (2021-03-01 + 3 months).
    assert_eq!(before["UA-46"]["coverageStatus"], "OVERDUE");
    assert_eq!(before["UA-46"]["realignmentDueOn"], "2021-06-01");
    assert_eq!(before["UA-46"]["reapprovedSince"], false);
    assert_eq!(before["UA-46"]["nationalChangeAct"]["number"], "FX-1");
    assert_eq!(before["UA-63"]["coverageStatus"], "DRAFT");
    assert_eq!(before["UA-12"]["coverageStatus"], "UNKNOWN");
    assert_eq!(before["UA-12"]["recordedState"], Value::Null);

    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let amended = app
        .bearer(&admin)
        .graphql(RECORD_ACT, act(NATIONAL, "AMENDS", "N-2", &day(-1)))
        .await;
    amended.data();
    let due = (nap_registry::domain::calendar::today() - Duration::days(1))
        .checked_add_months(chrono::Months::new(3))
        .unwrap()
        .to_string();
    let after_national = coverage(&app, NATIONAL).await;
    assert_eq!(after_national["UA-46"]["coverageStatus"], "REALIGNMENT_DUE");
    assert_eq!(after_national["UA-46"]["realignmentDueOn"], due.as_str());
    assert_eq!(after_national["UA-46"]["nationalChangeAct"]["number"], "N-2");

    let lviv = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    app.bearer(&lviv)
        .graphql(RECORD_ACT, act(LVIV, "AMENDS", "L-2", &day(0)))
        .await
        .data();
    let realigned = coverage(&app, NATIONAL).await;
    assert_eq!(realigned["UA-46"]["coverageStatus"], "ALIGNED");
    assert_eq!(realigned["UA-46"]["reapprovedOn"], day(0).as_str());

    let kharkiv = app.token_for("rma-ua-63", &[Scope::PlansWrite]).await;
    let approved = app
        .bearer(&kharkiv)
        .graphql(RECORD_ACT, act(KHARKIV, "APPROVES", "K-1", &day(0)))
        .await;
    assert_eq!(approved.data()["recordPlanAct"]["plan"]["status"], "ADOPTED");
    assert_eq!(
        coverage(&app, NATIONAL).await["UA-63"]["coverageStatus"],
        "ALIGNED"
    );
}

#[tokio::test]
async fn a_repealed_plan_counts_for_nothing_and_a_withdrawn_plan_takes_no_region_state() {
    let app = TestApp::with_fixture().await;
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let lviv = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    app.bearer(&lviv)
        .graphql(RECORD_ACT, act(LVIV, "REPEALS", "L-R", &day(0)))
        .await
        .data();
    let repealed = coverage(&app, NATIONAL).await;
    assert_eq!(repealed["UA-46"]["coverageStatus"], "UNKNOWN");
    app.bearer(&admin)
        .graphql(
            RECORD_STATE,
            json!({ "input": { "plan": NATIONAL, "region": "UA-46", "state": "NO_PLAN", "source": "the repeal" } }),
        )
        .await
        .data();
    assert_eq!(
        coverage(&app, NATIONAL).await["UA-46"]["coverageStatus"],
        "NO_PLAN"
    );

    app.bearer(&admin)
        .graphql(RECORD_ACT, act(NATIONAL, "REPEALS", "N-R", &day(0)))
        .await
        .data();
    let national_repealed = coverage(&app, NATIONAL).await;
    assert_eq!(
        national_repealed["UA-63"]["coverageStatus"], "UNKNOWN",
        "no region localizes a repealed plan"
    );

    let plan = app
        .graphql(
            &format!(r#"{{ plan(code: "{NATIONAL}") {{ id version }} }}"#),
            Value::Null,
        )
        .await;
    let plan = &plan.data()["plan"];
    app.bearer(&admin)
        .graphql(
            "mutation($input: WithdrawPlanInput!) { withdrawPlan(input: $input) { plan { version } } }",
            json!({ "input": { "id": plan["id"], "version": plan["version"], "reason": "entered by mistake" } }),
        )
        .await
        .data();
    let refused = app
        .bearer(&admin)
        .graphql(
            RECORD_STATE,
            json!({ "input": { "plan": NATIONAL, "region": "UA-12", "state": "NO_PLAN", "source": "x" } }),
        )
        .await;
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"], "input.plan",
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn record_region_plan_state_is_for_administrators_and_needs_a_source() {
    let app = TestApp::with_fixture().await;
    let input = |state: Value, source: Value| json!({ "input": { "plan": NATIONAL, "region": "UA-12", "state": state, "source": source, "asOf": "2024-05-01" } });
    let anonymous = app
        .graphql(RECORD_STATE, input(json!("NO_PLAN"), json!("a report")))
        .await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    let region = app.token_for("rma-ua-12", &[Scope::PlansWrite]).await;
    let refused = app
        .bearer(&region)
        .graphql(RECORD_STATE, input(json!("NO_PLAN"), json!("a report")))
        .await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let no_source = app
        .bearer(&admin)
        .graphql(RECORD_STATE, input(json!("NO_PLAN"), Value::Null))
        .await;
    assert_eq!(no_source.body["errors"][0]["extensions"]["field"], "input.source");
    let regional = app
        .bearer(&admin)
        .graphql(
            RECORD_STATE,
            json!({ "input": { "plan": LVIV, "region": "UA-12", "state": "NO_PLAN", "source": "x" } }),
        )
        .await;
    assert_eq!(regional.body["errors"][0]["extensions"]["field"], "input.plan");
    let bad_region = app
        .bearer(&admin)
        .graphql(
            RECORD_STATE,
            json!({ "input": { "plan": NATIONAL, "region": "UA-44", "state": "NO_PLAN", "source": "x" } }),
        )
        .await;
    assert_eq!(
        bad_region.body["errors"][0]["extensions"]["field"],
        "input.region"
    );
    assert_eq!(
        coverage(&app, NATIONAL).await["UA-12"]["coverageStatus"],
        "UNKNOWN"
    );

    let recorded = app
        .bearer(&admin)
        .graphql(RECORD_STATE, input(json!("NO_PLAN"), json!("A regional report")))
        .await;
    assert_eq!(recorded.data()["recordRegionPlanState"]["plan"]["version"], 2);
    let known = coverage(&app, NATIONAL).await;
    assert_eq!(known["UA-12"]["coverageStatus"], "NO_PLAN");
    assert_eq!(
        known["UA-12"]["recordedState"],
        json!({ "state": "NO_PLAN", "source": "A regional report", "asOf": "2024-05-01" })
    );
    let same = app
        .bearer(&admin)
        .graphql(RECORD_STATE, input(json!("NO_PLAN"), json!("A regional report")))
        .await;
    assert_eq!(same.body["errors"][0]["extensions"]["field"], "input.state");
    let cleared = app
        .bearer(&admin)
        .graphql(RECORD_STATE, input(Value::Null, Value::Null))
        .await;
    assert_eq!(cleared.data()["recordRegionPlanState"]["plan"]["version"], 3);
    assert_eq!(
        coverage(&app, NATIONAL).await["UA-12"]["coverageStatus"],
        "UNKNOWN"
    );
}

#[tokio::test]
async fn the_shipped_data_records_dnipropetrovsk_without_a_plan_and_crimea_and_sevastopol_not_applicable() {
    let app = TestApp::seeded().await;
    let known = coverage(&app, "UA-NAP-2021-2025").await;
    assert_eq!(known["UA-12"]["coverageStatus"], "NO_PLAN");
    assert!(
        known["UA-12"]["recordedState"]["source"]
            .as_str()
            .unwrap()
            .contains("Dnipropetrovsk region")
    );
    assert_eq!(
        known["UA-12"]["recordedState"]["asOf"],
        Value::Null,
        "the source gives no date"
    );
    for code in ["UA-40", "UA-43"] {
        assert_eq!(known[code]["coverageStatus"], "NOT_APPLICABLE", "{code}");
        assert_eq!(known[code]["realignmentDueOn"], Value::Null, "{code}");
    }
    assert_eq!(known["UA-46"]["coverageStatus"], "UNKNOWN");
    assert_eq!(
        known["UA-46"]["realignmentDueOn"], "2023-03-16",
        "1150-r of 2022-12-16 + 3 months"
    );
    let unknown = known
        .values()
        .filter(|c| c["coverageStatus"] == "UNKNOWN")
        .count();
    assert_eq!(unknown, 24);
}

#[tokio::test]
async fn the_coverage_page_the_export_and_graphql_agree_on_every_region() {
    let app = TestApp::with_fixture().await;
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    app.bearer(&admin).graphql(RECORD_STATE,
        json!({ "input": { "plan": NATIONAL, "region": "UA-43", "state": "NOT_APPLICABLE", "source": "occupied" } }),
    )
    .await
    .data();
    let api: BTreeMap<String, String> = coverage(&app, NATIONAL)
        .await
        .into_iter()
        .map(|(code, c)| (code, c["coverageStatus"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(api.len(), 27);

    let (response, body) = get(&app, &format!("/coverage/{NATIONAL}"), &[]).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["etag"].to_str().unwrap().contains("coverage"));
    let html = String::from_utf8(body).unwrap();
    for marker in ["<tr ", "<g class=\"tile\" "] {
        let rows = page_statuses(&html, marker);
        assert_eq!(rows.len(), 27, "{marker}");
        let page: BTreeMap<String, String> = rows.into_iter().collect();
        assert_eq!(page, api, "{marker}");
    }
    // Counts per status in the legend.
    for (status, count) in [
        ("OVERDUE", 1),
        ("DRAFT", 1),
        ("NOT_APPLICABLE", 1),
        ("UNKNOWN", 24),
    ] {
        let item = format!("<li data-status=\"{status}\">");
        let at = html.find(&item).unwrap();
        assert!(
            html[at..].contains(&format!("<strong class=\"count\">{count}</strong>")),
            "{status}"
        );
        assert_eq!(api.values().filter(|s| *s == status).count(), count);
    }

    let (_, csv) = get(&app, &format!("/export/coverage.csv?plan={NATIONAL}"), &[]).await;
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let export: BTreeMap<String, String> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[column("region_code")].to_owned(),
                r[column("coverage_status")].to_owned(),
            )
        })
        .collect();
    assert_eq!(export, api);
}

#[tokio::test]
async fn the_coverage_table_sorts_without_scripts_and_refuses_unknown_columns() {
    let app = TestApp::with_fixture().await;
    let (_, body) = get(&app, &format!("/coverage/{NATIONAL}?sort=status"), &[]).await;
    let html = String::from_utf8(body).unwrap();
    let order: Vec<String> = page_statuses(&html, "<tr ")
        .into_iter()
        .map(|(_, status)| status)
        .collect();
    assert_eq!(order[..2], ["OVERDUE".to_owned(), "DRAFT".to_owned()]);
    assert!(html.contains("aria-sort=\"ascending\"><a href=\"?sort=status\">"));
    let (_, body) = get(&app, &format!("/coverage/{NATIONAL}?sort=items"), &[]).await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(page_statuses(&html, "<tr ")[0].0, "UA-46", "2 items implemented");

    let (bad, body) = get(&app, &format!("/coverage/{NATIONAL}?sort=colour"), &[]).await;
    assert_eq!(bad.status(), 400);
    assert!(String::from_utf8(body).unwrap().contains("colour"));
    let (missing, _) = get(&app, "/coverage/NO-SUCH-PLAN", &[]).await;
    assert_eq!(missing.status(), 404);
    let (regional, _) = get(&app, &format!("/coverage/{LVIV}"), &[]).await;
    assert_eq!(regional.status(), 404, "coverage is a national plan's");
    let (etag, _) = get(&app, &format!("/coverage/{NATIONAL}"), &[]).await;
    let tag = etag.headers()["etag"].to_str().unwrap().to_owned();
    let (cached, _) = get(&app, &format!("/coverage/{NATIONAL}"), &[("if-none-match", &tag)]).await;
    assert_eq!(cached.status(), 304);
}

#[tokio::test]
async fn the_landing_page_lists_the_plans_with_their_coverage_for_people_and_machines() {
    let app = TestApp::seeded().await;
    let (page, body) = get(&app, "/", &[("accept", "text/html")]).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["vary"], "Accept");
    let html = String::from_utf8(body).unwrap();
    for expected in [
        "<html lang=\"uk\">",
        "lang=\"en\"",
        "href=\"/graphiql\"",
        "/coverage/UA-NAP-2021-2025",
        "/coverage/UA-NAP-2026-2030",
        "/vocabulary/UA-NAP-TG-2020",
        "href=\"/export/coverage.csv\"",
        "href=\"/README.md\"",
        "<code>NO_PLAN</code> 1",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    let (index, body) = get(&app, "/", &[("accept", "application/json")]).await;
    assert_eq!(index.status(), 200);
    let index: Value = serde_json::from_slice(&body).unwrap();
    assert!(index["graphql"].as_str().unwrap().ends_with("/graphql"));
    assert_eq!(index["plans"][0]["code"], "UA-NAP-2021-2025");
    assert_eq!(index["plans"][0]["counts"]["NOT_APPLICABLE"], 2);
    let (readme, body) = get(&app, "/README.md", &[]).await;
    assert_eq!(readme.status(), 200);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .starts_with("# NAP 1325 Registry")
    );
}
