//! Editions of the target-group vocabulary: a 2026 edition following the 2020 one carries groups
//! over (same code and address), adds, renames (a new group replacing the old) and replaces groups; `vocabularies` lists the
//! editions; a group knows its editions and what replaced it; the edition's codelist and the
//! group's permanent address agree. Bad inputs are refused naming the field and change nothing.

use nap_registry::domain::access::Scope;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, dump};

const CREATE_EDITION: &str = "mutation($input: CreateVocabularyEditionInput!) { createVocabularyEdition(input: $input) { vocabulary { code } } }";
const CARRY_OVER: &str = "mutation($input: CarryOverTargetGroupsInput!) { carryOverTargetGroups(input: $input) { vocabulary { version } } }";
const CREATE_GROUP: &str = "mutation($input: CreateTargetGroupInput!) { createTargetGroup(input: $input) { targetGroup { code position } } }";
const REPLACE: &str =
    "mutation($input: ReplaceTargetGroupInput!) { replaceTargetGroup(input: $input) { replaced { code } } }";
const NEW: &str = "UA-NAP-TG-2026";

async fn admin(app: &TestApp) -> Client {
    app.as_org("ministry-of-social-policy", &[Scope::Admin]).await
}

/// The 2026 edition: carries over `internally-displaced-persons` and `volunteers`, adds
/// `women-veterans`, renames `veterans` to `veterans-and-their-families` (a new group that replaces
/// it), and replaces `families-of-combatants-missing-and-deceased` by that group too.
async fn edition_2026(app: &TestApp) {
    let admin = admin(app).await;
    let steps: [(&str, Value); 6] = [
        (
            CREATE_EDITION,
            json!({ "input": { "code": NEW, "edition": "2026", "titleEn": "Target groups of the NAP 2026-2030",
                "titleUk": "Цільові групи НПД 2026-2030", "previousEdition": "UA-NAP-TG-2020" } }),
        ),
        (
            CARRY_OVER,
            json!({ "input": { "vocabulary": NEW, "groups": ["internally-displaced-persons", "volunteers"] } }),
        ),
        (
            CREATE_GROUP,
            json!({ "input": { "vocabulary": NEW, "code": "women-veterans", "labelEn": "Women veterans" } }),
        ),
        (
            CREATE_GROUP,
            json!({ "input": { "vocabulary": NEW, "code": "veterans-and-their-families", "labelEn": "Veterans and their families" } }),
        ),
        (
            REPLACE,
            json!({ "input": { "vocabulary": NEW, "group": "veterans", "replacedBy": "veterans-and-their-families" } }),
        ),
        (
            REPLACE,
            json!({ "input": { "vocabulary": NEW, "group": "families-of-combatants-missing-and-deceased",
                "replacedBy": "veterans-and-their-families" } }),
        ),
    ];
    for (query, variables) in steps {
        admin.graphql(query, variables).await.data();
    }
}

#[tokio::test]
async fn vocabularies_lists_editions_with_their_groups_carried_over_added_and_renamed() {
    let app = TestApp::with_fixture().await;
    edition_2026(&app).await;
    let listed = app
        .graphql(
            "{ vocabularies { code edition previousEdition { code } entries { position carriedOver targetGroup { code } } } }",
            json!({}),
        )
        .await;
    let editions = listed.data()["vocabularies"].as_array().unwrap().clone();
    assert_eq!(editions.len(), 2);
    assert_eq!(editions[0]["code"], "UA-NAP-TG-2020");
    assert_eq!(
        editions[0]["entries"].as_array().unwrap().len(),
        19,
        "the 2020 list is unchanged"
    );
    assert_eq!(editions[1]["previousEdition"]["code"], "UA-NAP-TG-2020");
    assert_eq!(
        editions[1]["entries"],
        json!([
            { "position": 1, "carriedOver": true, "targetGroup": { "code": "internally-displaced-persons" } },
            { "position": 2, "carriedOver": true, "targetGroup": { "code": "volunteers" } },
            { "position": 3, "carriedOver": false, "targetGroup": { "code": "women-veterans" } },
            { "position": 4, "carriedOver": false, "targetGroup": { "code": "veterans-and-their-families" } },
        ])
    );
    // The filter of `targetGroups` and the edition's codelist hold the same groups.
    let filtered = app
        .graphql(
            "query($v: String!) { targetGroups(filter: { vocabulary: $v }) { nodes { code } } }",
            json!({ "v": NEW }),
        )
        .await;
    let mut codes: Vec<String> = filtered.data()["targetGroups"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    let codelist = app
        .anonymous()
        .get_accepting(format!("/vocabulary/{NEW}"), "application/json")
        .await
        .json();
    let mut listed: Vec<String> = codelist["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        listed,
        [
            "internally-displaced-persons",
            "volunteers",
            "women-veterans",
            "veterans-and-their-families"
        ]
    );
    listed.sort();
    assert_eq!(codes, listed);
}

#[tokio::test]
async fn a_target_group_knows_its_editions_and_what_replaced_it() {
    let app = TestApp::with_fixture().await;
    edition_2026(&app).await;
    let groups = app
        .graphql(
            r#"{ carried: targetGroup(code: "volunteers") { status editions { code } replacedBy { code } }
                 renamed: targetGroup(code: "veterans") { status editions { code } replacedBy { code } }
                 merged: targetGroup(code: "families-of-combatants-missing-and-deceased") { replacedBy { code } }
                 successor: targetGroup(code: "veterans-and-their-families") { vocabulary { code } editions { code } replaces { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        groups.data(),
        &json!({
            "carried": { "status": "ACTIVE", "editions": [{ "code": "UA-NAP-TG-2020" }, { "code": NEW }], "replacedBy": null },
            "renamed": { "status": "ACTIVE", "editions": [{ "code": "UA-NAP-TG-2020" }], "replacedBy": { "code": "veterans-and-their-families" } },
            "merged": { "replacedBy": { "code": "veterans-and-their-families" } },
            "successor": { "vocabulary": { "code": NEW }, "editions": [{ "code": NEW }],
                "replaces": [{ "code": "families-of-combatants-missing-and-deceased" }, { "code": "veterans" }] },
        })
    );
    // The old group's permanent address lists its editions and points at its replacement.
    let page = app
        .anonymous()
        .get_accepting("/id/target-group/veterans", "application/ld+json")
        .await
        .json();
    assert!(
        page["dct:isReplacedBy"]["@id"]
            .as_str()
            .unwrap()
            .ends_with("/id/target-group/veterans-and-their-families")
    );
    let carried = app
        .anonymous()
        .get_accepting("/id/target-group/volunteers", "application/ld+json")
        .await
        .json();
    assert_eq!(carried["nap:editions"].as_array().unwrap().len(), 2, "{carried}");
}

#[tokio::test]
async fn edition_mutations_refuse_bad_input_naming_the_field_and_change_nothing() {
    let app = TestApp::with_fixture().await;
    edition_2026(&app).await;
    let admin = admin(&app).await;
    let before = dump(&app.db).await;
    let cases: [(&str, Value, &str); 9] = [
        (
            CREATE_EDITION,
            json!({ "input": { "code": NEW, "edition": "2026", "titleEn": "Again" } }),
            "input.code",
        ),
        (
            CREATE_EDITION,
            json!({ "input": { "code": "UA-NAP-TG-2031", "edition": "2031", "titleEn": "No base", "carryOverAll": true } }),
            "input.carryOverAll",
        ),
        (
            CREATE_EDITION,
            json!({ "input": { "code": "UA-NAP-TG-2031", "edition": "2031", "titleEn": "Unknown base", "previousEdition": "UA-NAP-TG-1999" } }),
            "input.previousEdition",
        ),
        (
            CARRY_OVER,
            json!({ "input": { "vocabulary": NEW, "groups": ["carers-of-dependants", "volunteers"] } }),
            "input.groups[1]",
        ),
        (
            CARRY_OVER,
            json!({ "input": { "vocabulary": NEW, "groups": ["veterans"] } }),
            "input.groups[0]",
        ),
        (
            REPLACE,
            json!({ "input": { "vocabulary": NEW, "group": "volunteers", "replacedBy": "women-veterans" } }),
            "input.group",
        ),
        (
            REPLACE,
            json!({ "input": { "vocabulary": NEW, "group": "carers-of-dependants", "replacedBy": "persons-in-combat-areas" } }),
            "input.replacedBy",
        ),
        (
            REPLACE,
            json!({ "input": { "vocabulary": NEW, "group": "veterans", "replacedBy": "women-veterans" } }),
            "input.group",
        ),
        // Back the other way would make a cycle: the replacement is itself replaced.
        (
            REPLACE,
            json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "group": "veterans-and-their-families", "replacedBy": "veterans" } }),
            "input.replacedBy",
        ),
    ];
    for (query, variables, field) in cases {
        let refused = admin.graphql(query, variables.clone()).await;
        assert_eq!(
            refused.error_code(),
            "BAD_USER_INPUT",
            "{variables}: {}",
            refused.body
        );
        assert_eq!(
            refused.body["errors"][0]["extensions"]["field"], field,
            "{variables}: {}",
            refused.body
        );
    }
    assert!(
        dump(&app.db).await == before,
        "a refused edition change changed the database"
    );
}
