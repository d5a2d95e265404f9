//! The matrix for what the administrator keeps: target groups of the vocabulary and
//! organisations, each created, updated and withdrawn.

use serde_json::{Value, json};

use super::{ADMINISTRATOR, done_by, id_and_version, matrix_tests};
use crate::common::TestApp;

const CREATE_TARGET_GROUP: &str = "mutation($input: CreateTargetGroupInput!) { createTargetGroup(input: $input) { targetGroup { id code position version } } }";
const UPDATE_TARGET_GROUP: &str = "mutation($input: UpdateTargetGroupInput!) { updateTargetGroup(input: $input) { targetGroup { labels { en } version } } }";
const WITHDRAW_TARGET_GROUP: &str = "mutation($input: WithdrawTargetGroupInput!) { withdrawTargetGroup(input: $input) { targetGroup { status replacedBy { code } } } }";
const CREATE_ORGANISATION: &str = "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id code identifiers version } } }";
const UPDATE_ORGANISATION: &str = "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { names { uk } nameHistory { names { uk } validUntil } version } } }";
const WITHDRAW_ORGANISATION: &str = "mutation($input: WithdrawOrganisationInput!) { withdrawOrganisation(input: $input) { organisation { withdrawalReason successors { code } version } } }";

fn new_target_group() -> Value {
    json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": "women-veterans", "labelUk": "Жінки-ветеранки", "labelEn": "Women veterans" } })
}

fn new_organisation() -> Value {
    json!({ "input": { "code": "fx-coalition", "kind": "CIVIL_SOCIETY", "nameUk": "Коаліція", "identifiers": ["UA-EDR-12345678"], "region": "UA-46" } })
}

/// Creates the organisation; its id.
async fn created_organisation(app: &TestApp) -> Value {
    let created = done_by(app, &ADMINISTRATOR, CREATE_ORGANISATION, new_organisation()).await;
    created["createOrganisation"]["organisation"]["id"].clone()
}

fn organisation_update(id: &Value) -> Value {
    json!({ "input": { "id": id, "version": 1, "nameUk": "Регіональна коаліція" } })
}

matrix_tests! {
    create_target_group_enforces_the_caller_matrix: ADMINISTRATOR runs CREATE_TARGET_GROUP, as "createTargetGroup",
        with |app| { new_target_group() }
        then |created| {
            let group = &created["createTargetGroup"]["targetGroup"];
            assert_eq!(
                (group["code"].clone(), group["position"].clone()),
                (json!("women-veterans"), json!(20))
            );
        }

    update_target_group_enforces_the_caller_matrix: ADMINISTRATOR runs UPDATE_TARGET_GROUP, as "updateTargetGroup",
        with |app| {
            let created = done_by(&app, &ADMINISTRATOR, CREATE_TARGET_GROUP, new_target_group()).await;
            let id = &created["createTargetGroup"]["targetGroup"]["id"];
            json!({ "input": { "id": id, "version": 1, "labelEn": "Women veterans of the war" } })
        }
        then |updated| {
            assert_eq!(
                updated["updateTargetGroup"]["targetGroup"],
                json!({ "labels": { "en": "Women veterans of the war" }, "version": 2 })
            );
        }

    withdraw_target_group_enforces_the_caller_matrix: ADMINISTRATOR runs WITHDRAW_TARGET_GROUP, as "withdrawTargetGroup",
        with |app| {
            done_by(&app, &ADMINISTRATOR, CREATE_TARGET_GROUP, new_target_group()).await;
            let (veterans, version) = id_and_version(&app, r#"{ targetGroup(code: "veterans") { id version } }"#, &["targetGroup"]).await;
            json!({ "input": { "id": veterans, "version": version, "replacedBy": "women-veterans" } })
        }
        then |withdrawn| {
            assert_eq!(
                withdrawn["withdrawTargetGroup"]["targetGroup"],
                json!({ "status": "WITHDRAWN", "replacedBy": { "code": "women-veterans" } })
            );
        }

    create_organisation_enforces_the_caller_matrix: ADMINISTRATOR runs CREATE_ORGANISATION, as "createOrganisation",
        with |app| { new_organisation() }
        then |created| {
            assert_eq!(
                created["createOrganisation"]["organisation"]["identifiers"],
                json!(["UA-EDR-12345678"])
            );
        }

    update_organisation_enforces_the_caller_matrix: ADMINISTRATOR runs UPDATE_ORGANISATION, as "updateOrganisation",
        with |app| { organisation_update(&created_organisation(&app).await) }
        then |renamed| {
            let history = renamed["updateOrganisation"]["organisation"]["nameHistory"]
                .as_array()
                .unwrap()
                .clone();
            assert_eq!(history.len(), 2);
            assert_eq!(history[1]["names"]["uk"], "Регіональна коаліція");
            assert!(history[0]["validUntil"].is_string(), "the old name is closed");
        }

    withdraw_organisation_enforces_the_caller_matrix: ADMINISTRATOR runs WITHDRAW_ORGANISATION, as "withdrawOrganisation",
        with |app| {
            let organisation = created_organisation(&app).await;
            done_by(&app, &ADMINISTRATOR, UPDATE_ORGANISATION, organisation_update(&organisation)).await;
            json!({ "input": { "id": organisation, "version": 2, "reason": "Merged", "successor": "fx-ngo" } })
        }
        then |withdrawn| {
            assert_eq!(
                withdrawn["withdrawOrganisation"]["organisation"],
                json!({ "withdrawalReason": "Merged", "successors": [{ "code": "fx-ngo" }], "version": 3 })
            );
        }
}
