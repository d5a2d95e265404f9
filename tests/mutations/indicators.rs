//! The matrix for indicators (the plan's editor) and their values (the editor's baselines, the
//! responsible organisation's reported actual values).

use serde_json::{Value, json};

use super::{REGIONAL_EDITOR, REPORTER, done_by, id_and_version, matrix_tests};
use crate::common::TestApp;

const CREATE_INDICATOR: &str = "mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { id code unit sdgIndicator version } } }";
const UPDATE_INDICATOR: &str = "mutation($input: UpdateIndicatorInput!) { updateIndicator(input: $input) { indicator { unit sdgIndicator version } } }";
const WITHDRAW_INDICATOR: &str = "mutation($input: WithdrawInput!) { withdrawIndicator(input: $input) { indicator { withdrawalReason version } } }";
const CREATE_VALUE: &str = "mutation($input: CreateIndicatorValueInput!) { createIndicatorValue(input: $input) { indicatorValue { id kind value sex version } } }";
const UPDATE_VALUE: &str = "mutation($input: UpdateIndicatorValueInput!) { updateIndicatorValue(input: $input) { indicatorValue { value version } } }";
const WITHDRAW_VALUE: &str = "mutation($input: WithdrawInput!) { withdrawIndicatorValue(input: $input) { indicatorValue { withdrawalReason version } } }";

fn new_indicator() -> Value {
    json!({ "input": { "planItem": "FX-RAP-UA-46/1.1.1", "code": "I1", "nameEn": "Shelters audited", "unit": "shelters", "direction": "INCREASE", "sdgIndicator": "5.2.2" } })
}

fn indicator_update(id: &Value) -> Value {
    json!({ "input": { "id": id, "version": 1, "unit": "audits", "sdgIndicator": null } })
}

/// Creates indicator I1 of a Lviv task; its id.
async fn created_indicator(app: &TestApp) -> Value {
    let created = done_by(app, &REGIONAL_EDITOR, CREATE_INDICATOR, new_indicator()).await;
    created["createIndicator"]["indicator"]["id"].clone()
}

/// An actual value of the national task's indicator, reported for Lviv.
async fn actual_value(app: &TestApp) -> Value {
    let (national, _) = id_and_version(
        app,
        r#"{ planItem(code: "FX-NAP-2021-2025/1.1.1") { indicators { id version } } }"#,
        &["planItem", "indicators", "0"],
    )
    .await;
    json!({ "input": { "indicator": national, "kind": "ACTUAL", "periodStartYear": 2024, "periodEndYear": 2024, "value": 17.5, "sex": "F", "region": "UA-46" } })
}

/// Reports the actual value; its id.
async fn reported_value(app: &TestApp) -> Value {
    let input = actual_value(app).await;
    let created = done_by(app, &REPORTER, CREATE_VALUE, input).await;
    created["createIndicatorValue"]["indicatorValue"]["id"].clone()
}

fn value_update(id: &Value) -> Value {
    json!({ "input": { "id": id, "version": 1, "value": 18.0 } })
}

matrix_tests! {
    create_indicator_enforces_the_caller_matrix: REGIONAL_EDITOR runs CREATE_INDICATOR, as "createIndicator",
        with |app| { new_indicator() }
        then |created| {
            assert_eq!(created["createIndicator"]["indicator"]["unit"], "shelters");
        }

    update_indicator_enforces_the_caller_matrix: REGIONAL_EDITOR runs UPDATE_INDICATOR, as "updateIndicator",
        with |app| { indicator_update(&created_indicator(&app).await) }
        then |updated| {
            assert_eq!(
                updated["updateIndicator"]["indicator"],
                json!({ "unit": "audits", "sdgIndicator": null, "version": 2 })
            );
        }

    withdraw_indicator_enforces_the_caller_matrix: REGIONAL_EDITOR runs WITHDRAW_INDICATOR, as "withdrawIndicator",
        with |app| {
            let indicator = created_indicator(&app).await;
            done_by(&app, &REGIONAL_EDITOR, UPDATE_INDICATOR, indicator_update(&indicator)).await;
            json!({ "input": { "id": indicator, "version": 2, "reason": "Replaced" } })
        }
        then |withdrawn| {
            assert_eq!(withdrawn["withdrawIndicator"]["indicator"]["version"], 3);
        }

    create_indicator_value_baseline_enforces_the_caller_matrix: REGIONAL_EDITOR runs CREATE_VALUE, as "createIndicatorValue",
        with |app| {
            let indicator = created_indicator(&app).await;
            json!({ "input": { "indicator": indicator, "kind": "BASELINE", "periodStartYear": 2025, "periodEndYear": 2025, "value": 3.0, "sex": "T" } })
        }
        then |baseline| {
            assert_eq!(baseline["createIndicatorValue"]["indicatorValue"]["kind"], "BASELINE");
        }

    /// The organisation responsible for a national task reports its actual values.
    create_indicator_value_actual_enforces_the_caller_matrix: REPORTER runs CREATE_VALUE, as "createIndicatorValue (actual)",
        with |app| { actual_value(&app).await }
        then |actual| {
            let value = &actual["createIndicatorValue"]["indicatorValue"];
            assert_eq!(
                (value["kind"].clone(), value["value"].clone()),
                (json!("ACTUAL"), json!(17.5))
            );
        }

    update_indicator_value_enforces_the_caller_matrix: REPORTER runs UPDATE_VALUE, as "updateIndicatorValue",
        with |app| { value_update(&reported_value(&app).await) }
        then |updated| {
            assert_eq!(
                updated["updateIndicatorValue"]["indicatorValue"],
                json!({ "value": 18.0, "version": 2 })
            );
        }

    withdraw_indicator_value_enforces_the_caller_matrix: REPORTER runs WITHDRAW_VALUE, as "withdrawIndicatorValue",
        with |app| {
            let value = reported_value(&app).await;
            done_by(&app, &REPORTER, UPDATE_VALUE, value_update(&value)).await;
            json!({ "input": { "id": value, "version": 2, "reason": "Reported twice" } })
        }
        then |withdrawn| {
            assert_eq!(
                withdrawn["withdrawIndicatorValue"]["indicatorValue"],
                json!({ "withdrawalReason": "Reported twice", "version": 3 })
            );
        }
}
