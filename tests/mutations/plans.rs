//! The matrix for plans and plan items: create, update and withdraw each.

use serde_json::json;

use super::{LVIV_ADMINISTRATION, REGIONAL_EDITOR, done_by, id_and_version, matrix_tests};

const CREATE_PLAN: &str = "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { code level status owner { code } region { code } parentPlan { code } version } } }";
const UPDATE_PLAN: &str = "mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { plan { titles { en } status version } } }";
const WITHDRAW_PLAN: &str = "mutation($input: WithdrawPlanInput!) { withdrawPlan(input: $input) { plan { withdrawalReason version } } }";
const CREATE_PLAN_ITEM: &str = "mutation($input: CreatePlanItemInput!) { createPlanItem(input: $input) { planItem { code kind parent { code } version } } }";
const UPDATE_PLAN_ITEM: &str = "mutation($input: UpdatePlanItemInput!) { updatePlanItem(input: $input) { planItem { titles { uk en } version } } }";
const WITHDRAW_PLAN_ITEM: &str = "mutation($input: WithdrawPlanItemInput!) { withdrawPlanItem(input: $input) { planItem { status withdrawalReason version } } }";

fn new_plan() -> serde_json::Value {
    json!({ "input": { "code": "UA-46-RAP-2026-2030", "level": "REGIONAL", "titleUk": "Регіональний план", "startYear": 2026, "endYear": 2030,
                       "parentPlan": "FX-NAP-2021-2025", "region": "UA-46", "owner": LVIV_ADMINISTRATION } })
}

/// Creates plan item 1.1.3 of the Lviv plan; its id and version.
async fn new_plan_item(app: &crate::common::TestApp) -> (serde_json::Value, serde_json::Value) {
    let input = json!({ "input": { "plan": "FX-RAP-UA-46", "number": "1.1.3", "titleUk": "Нове завдання" } });
    done_by(app, &REGIONAL_EDITOR, CREATE_PLAN_ITEM, input).await;
    id_and_version(
        app,
        r#"{ planItem(code: "FX-RAP-UA-46/1.1.3") { id version } }"#,
        &["planItem"],
    )
    .await
}

fn plan_item_update(id: &serde_json::Value, version: &serde_json::Value) -> serde_json::Value {
    json!({ "input": { "id": id, "version": version, "titleEn": "New task", "startYear": 2026, "endYear": 2027 } })
}

matrix_tests! {
    create_plan_enforces_the_caller_matrix: REGIONAL_EDITOR runs CREATE_PLAN, as "createPlan",
        with |app| { new_plan() }
        then |created| {
            assert_eq!(
                created["createPlan"]["plan"],
                json!({ "code": "UA-46-RAP-2026-2030", "level": "REGIONAL", "status": "DRAFT", "owner": { "code": LVIV_ADMINISTRATION },
                        "region": { "code": "UA-46" }, "parentPlan": { "code": "FX-NAP-2021-2025" }, "version": 1 })
            );
        }

    update_plan_enforces_the_caller_matrix: REGIONAL_EDITOR runs UPDATE_PLAN, as "updatePlan",
        with |app| {
            let (id, version) = id_and_version(&app, r#"{ plan(code: "FX-RAP-UA-46") { id version } }"#, &["plan"]).await;
            json!({ "input": { "id": id, "version": version, "titleEn": "Lviv regional plan", "status": "ADOPTED" } })
        }
        then |updated| {
            assert_eq!(
                updated["updatePlan"]["plan"],
                json!({ "titles": { "en": "Lviv regional plan" }, "status": "ADOPTED", "version": 2 })
            );
        }

    withdraw_plan_enforces_the_caller_matrix: REGIONAL_EDITOR runs WITHDRAW_PLAN, as "withdrawPlan",
        with |app| {
            done_by(&app, &REGIONAL_EDITOR, CREATE_PLAN, new_plan()).await;
            let (id, version) = id_and_version(&app, r#"{ plan(code: "UA-46-RAP-2026-2030") { id version } }"#, &["plan"]).await;
            json!({ "input": { "id": id, "version": version, "reason": "Created by mistake" } })
        }
        then |withdrawn| {
            assert_eq!(
                withdrawn["withdrawPlan"]["plan"],
                json!({ "withdrawalReason": "Created by mistake", "version": 2 })
            );
        }

    create_plan_item_enforces_the_caller_matrix: REGIONAL_EDITOR runs CREATE_PLAN_ITEM, as "createPlanItem",
        with |app| { json!({ "input": { "plan": "FX-RAP-UA-46", "number": "1.1.3", "titleUk": "Нове завдання" } }) }
        then |item| {
            assert_eq!(
                item["createPlanItem"]["planItem"],
                json!({ "code": "FX-RAP-UA-46/1.1.3", "kind": "TASK", "parent": { "code": "FX-RAP-UA-46/1.1" }, "version": 1 })
            );
        }

    update_plan_item_enforces_the_caller_matrix: REGIONAL_EDITOR runs UPDATE_PLAN_ITEM, as "updatePlanItem",
        with |app| {
            let (id, version) = new_plan_item(&app).await;
            plan_item_update(&id, &version)
        }
        then |updated| {
            assert_eq!(
                updated["updatePlanItem"]["planItem"],
                json!({ "titles": { "uk": "Нове завдання", "en": "New task" }, "version": 2 })
            );
        }

    withdraw_plan_item_enforces_the_caller_matrix: REGIONAL_EDITOR runs WITHDRAW_PLAN_ITEM, as "withdrawPlanItem",
        with |app| {
            let (id, version) = new_plan_item(&app).await;
            done_by(&app, &REGIONAL_EDITOR, UPDATE_PLAN_ITEM, plan_item_update(&id, &version)).await;
            json!({ "input": { "id": id, "version": 2, "reason": "Merged into 1.1.2" } })
        }
        then |withdrawn| {
            assert_eq!(
                withdrawn["withdrawPlanItem"]["planItem"],
                json!({ "status": "WITHDRAWN", "withdrawalReason": "Merged into 1.1.2", "version": 3 })
            );
        }
}
