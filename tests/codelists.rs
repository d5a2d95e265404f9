//! Codes the registry stores from IATI's codelists: refused when not on them (naming the field,
//! changing nothing), and returned with their labels.

use nap_registry::domain::access::Scope;
use serde_json::json;

use crate::common::{TestApp, dump};

const CREATE: &str = "mutation($input: CreateProjectLinkInput!) { createProjectLink(input: $input) { projectLink { dacSectors { code label withdrawn } genderMarkerSignificance { code label } participants { roleCode { code label } } } } }";

fn input(dac: &[&str]) -> serde_json::Value {
    json!({ "input": { "titleEn": "Safe shelters", "dacPurposes": dac, "genderMarker": 1,
                       "participants": [{ "organisation": "fx-donor-a", "role": "FUNDING" }],
                       "planItems": ["FX-NAP-2021-2025/1.1.1"] } })
}

#[tokio::test]
async fn create_project_link_with_a_dac_code_not_on_the_sector_codelist_is_bad_user_input() {
    let app = TestApp::with_fixture().await;
    let token = app.token_for("fx-donor-a", &[Scope::ProjectsWrite]).await;
    let before = dump(&app.db).await;
    // 15171 has the right shape but is no DAC purpose code; 15120 is one IATI has withdrawn.
    for (codes, field) in [
        (vec!["15170", "15171"], "input.dacPurposes[1]"),
        (vec!["15120"], "input.dacPurposes[0]"),
    ] {
        let answer = app.bearer(&token).graphql(CREATE, input(&codes)).await;
        assert_eq!(
            answer.error_code(),
            "BAD_USER_INPUT",
            "{codes:?}: {}",
            answer.body
        );
        assert_eq!(answer.body["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(dump(&app.db).await, before, "a refused write changes nothing");
}

#[tokio::test]
async fn project_link_codes_come_back_with_their_iati_labels() {
    let app = TestApp::with_fixture().await;
    let token = app.token_for("fx-donor-a", &[Scope::ProjectsWrite]).await;
    let answer = app
        .bearer(&token)
        .graphql(CREATE, input(&["15180", "15220"]))
        .await;
    assert_eq!(
        answer.data()["createProjectLink"]["projectLink"],
        json!({
            "dacSectors": [
                { "code": "15180", "label": "Ending violence against women and girls", "withdrawn": false },
                { "code": "15220", "label": "Civilian peace-building, conflict prevention and resolution", "withdrawn": false }
            ],
            "genderMarkerSignificance": { "code": "1", "label": "significant objective" },
            "participants": [{ "roleCode": { "code": "1", "label": "Funding" } }]
        })
    );
}
