//! The matrix for the links of a plan item (target groups, responsibilities, the national items
//! it implements) and of a project link to plan items: each link and its unlink.

use serde_json::{Value, json};

use super::{DONOR, REGIONAL_EDITOR, done_by, id_and_version, matrix_tests};

const ITEM: &str = "FX-RAP-UA-46/1.1.2";

/// A link mutation `name` of a plan item taking `input`, answering the item's links.
fn item_link(name: &str, input: &str) -> String {
    format!(
        "mutation($input: {input}!) {{ {name}(input: $input) {{ planItem {{ code version targetGroups {{ code }} implements {{ code }} responsibilities {{ role organisation {{ code }} }} }} }} }}"
    )
}

/// A link mutation `name` between a project link and a plan item.
fn project_link(name: &str) -> String {
    format!(
        "mutation($input: ProjectPlanItemInput!) {{ {name}(input: $input) {{ projectLink {{ planItems {{ code }} version }} }} }}"
    )
}

fn target_group() -> Value {
    json!({ "input": { "planItem": ITEM, "targetGroup": "veterans" } })
}

fn responsibility() -> Value {
    json!({ "input": { "planItem": ITEM, "organisation": "fx-ngo", "role": "BY_CONSENT" } })
}

fn implementation() -> Value {
    json!({ "input": { "planItem": ITEM, "implements": "FX-NAP-2021-2025/1.1.2" } })
}

/// Project P1 and national task 2.1.1, as the input of a project link mutation.
async fn project_and_item(app: &crate::common::TestApp) -> Value {
    let (project, _) = id_and_version(
        app,
        r#"{ projectLinks(filter: {iatiIdentifier: "XM-DAC-99-1-P1"}) { nodes { id version } } }"#,
        &["projectLinks", "nodes", "0"],
    )
    .await;
    json!({ "input": { "projectLink": project, "planItem": "FX-NAP-2021-2025/2.1.1" } })
}

matrix_tests! {
    link_target_group_enforces_the_caller_matrix: REGIONAL_EDITOR
        runs item_link("linkTargetGroup", "PlanItemTargetGroupInput"), as "linkTargetGroup",
        with |app| { target_group() }
        then |linked| {
            assert_eq!(
                linked["linkTargetGroup"]["planItem"]["targetGroups"],
                json!([{ "code": "veterans" }])
            );
        }

    unlink_target_group_enforces_the_caller_matrix: REGIONAL_EDITOR
        runs item_link("unlinkTargetGroup", "PlanItemTargetGroupInput"), as "unlinkTargetGroup",
        with |app| {
            let link = item_link("linkTargetGroup", "PlanItemTargetGroupInput");
            done_by(&app, &REGIONAL_EDITOR, &link, target_group()).await;
            target_group()
        }
        then |unlinked| {
            assert_eq!(unlinked["unlinkTargetGroup"]["planItem"]["targetGroups"], json!([]));
            assert_eq!(unlinked["unlinkTargetGroup"]["planItem"]["version"], 3);
        }

    add_responsibility_enforces_the_caller_matrix: REGIONAL_EDITOR
        runs item_link("addResponsibility", "ResponsibilityInput"), as "addResponsibility",
        with |app| { responsibility() }
        then |added| {
            assert_eq!(
                added["addResponsibility"]["planItem"]["responsibilities"],
                json!([{ "role": "BY_CONSENT", "organisation": { "code": "fx-ngo" } }])
            );
        }

    remove_responsibility_enforces_the_caller_matrix: REGIONAL_EDITOR
        runs item_link("removeResponsibility", "ResponsibilityInput"), as "removeResponsibility",
        with |app| {
            let add = item_link("addResponsibility", "ResponsibilityInput");
            done_by(&app, &REGIONAL_EDITOR, &add, responsibility()).await;
            responsibility()
        }
        then |removed| {
            assert_eq!(removed["removeResponsibility"]["planItem"]["responsibilities"], json!([]));
        }

    link_implementation_enforces_the_caller_matrix: REGIONAL_EDITOR
        runs item_link("linkImplementation", "ImplementationInput"), as "linkImplementation",
        with |app| { implementation() }
        then |implemented| {
            assert_eq!(
                implemented["linkImplementation"]["planItem"]["implements"],
                json!([{ "code": "FX-NAP-2021-2025/1.1.1" }, { "code": "FX-NAP-2021-2025/1.1.2" }])
            );
        }

    unlink_implementation_enforces_the_caller_matrix: REGIONAL_EDITOR
        runs item_link("unlinkImplementation", "ImplementationInput"), as "unlinkImplementation",
        with |app| {
            let link = item_link("linkImplementation", "ImplementationInput");
            done_by(&app, &REGIONAL_EDITOR, &link, implementation()).await;
            implementation()
        }
        then |dropped| {
            assert_eq!(
                dropped["unlinkImplementation"]["planItem"]["implements"],
                json!([{ "code": "FX-NAP-2021-2025/1.1.1" }])
            );
        }

    link_project_plan_item_enforces_the_caller_matrix: DONOR
        runs project_link("linkProjectPlanItem"), as "linkProjectPlanItem",
        with |app| { project_and_item(&app).await }
        then |linked| {
            assert_eq!(
                linked["linkProjectPlanItem"]["projectLink"]["planItems"],
                json!([{ "code": "FX-NAP-2021-2025/1.1.1" }, { "code": "FX-NAP-2021-2025/2.1.1" }])
            );
        }

    unlink_project_plan_item_enforces_the_caller_matrix: DONOR
        runs project_link("unlinkProjectPlanItem"), as "unlinkProjectPlanItem",
        with |app| {
            let input = project_and_item(&app).await;
            done_by(&app, &DONOR, &project_link("linkProjectPlanItem"), input.clone()).await;
            input
        }
        then |unlinked| {
            assert_eq!(
                unlinked["unlinkProjectPlanItem"]["projectLink"],
                json!({ "planItems": [{ "code": "FX-NAP-2021-2025/1.1.1" }], "version": 3 })
            );
        }
}
