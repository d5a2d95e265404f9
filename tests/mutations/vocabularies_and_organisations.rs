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

const CREATE_EDITION: &str = "mutation($input: CreateVocabularyEditionInput!) { createVocabularyEdition(input: $input) { vocabulary { code version previousEdition { code } entries { position carriedOver targetGroup { code } } } } }";
const CARRY_OVER: &str = "mutation($input: CarryOverTargetGroupsInput!) { carryOverTargetGroups(input: $input) { vocabulary { code version entries { position carriedOver targetGroup { code } } } } }";
const REPLACE_TARGET_GROUP: &str = "mutation($input: ReplaceTargetGroupInput!) { replaceTargetGroup(input: $input) { replaced { code status replacedBy { code } } replacement { code replaces { code } } } }";

/// The input of a new, empty edition following `UA-NAP-TG-2020`.
fn new_edition(carry_over_all: bool) -> Value {
    json!({ "input": { "code": "UA-NAP-TG-2026", "edition": "2026", "titleEn": "Target groups 2026-2030",
        "previousEdition": "UA-NAP-TG-2020", "carryOverAll": carry_over_all } })
}

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

    create_vocabulary_edition_enforces_the_caller_matrix: ADMINISTRATOR runs CREATE_EDITION, as "createVocabularyEdition",
        with |app| { new_edition(true) }
        then |created| {
            let edition = &created["createVocabularyEdition"]["vocabulary"];
            assert_eq!(edition["version"], 1);
            assert_eq!(edition["previousEdition"]["code"], "UA-NAP-TG-2020");
            let entries = edition["entries"].as_array().unwrap();
            assert_eq!(entries.len(), 19, "every group of 2020 carried over");
            assert_eq!(
                entries[0],
                json!({ "position": 1, "carriedOver": true, "targetGroup": { "code": "internally-displaced-persons" } })
            );
        }

    carry_over_target_groups_enforces_the_caller_matrix: ADMINISTRATOR runs CARRY_OVER, as "carryOverTargetGroups",
        with |app| {
            done_by(&app, &ADMINISTRATOR, CREATE_EDITION, new_edition(false)).await;
            json!({ "input": { "vocabulary": "UA-NAP-TG-2026", "groups": ["volunteers", "veterans"] } })
        }
        then |carried| {
            assert_eq!(
                carried["carryOverTargetGroups"]["vocabulary"],
                json!({ "code": "UA-NAP-TG-2026", "version": 2, "entries": [
                    { "position": 1, "carriedOver": true, "targetGroup": { "code": "volunteers" } },
                    { "position": 2, "carriedOver": true, "targetGroup": { "code": "veterans" } },
                ] })
            );
        }

    replace_target_group_enforces_the_caller_matrix: ADMINISTRATOR runs REPLACE_TARGET_GROUP, as "replaceTargetGroup",
        with |app| {
            done_by(&app, &ADMINISTRATOR, CREATE_EDITION, new_edition(false)).await;
            let mut group = new_target_group();
            group["input"]["vocabulary"] = json!("UA-NAP-TG-2026");
            done_by(&app, &ADMINISTRATOR, CREATE_TARGET_GROUP, group).await;
            json!({ "input": { "vocabulary": "UA-NAP-TG-2026", "group": "veterans", "replacedBy": "women-veterans" } })
        }
        then |replaced| {
            assert_eq!(
                replaced["replaceTargetGroup"],
                json!({
                    "replaced": { "code": "veterans", "status": "ACTIVE", "replacedBy": { "code": "women-veterans" } },
                    "replacement": { "code": "women-veterans", "replaces": [{ "code": "veterans" }] },
                })
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
