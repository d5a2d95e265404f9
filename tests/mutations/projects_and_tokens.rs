//! The matrix for a donor's project links (create, update, withdraw) and an organisation's API
//! tokens (issue, revoke), with the issued token used afterwards.

use serde_json::{Value, json};

use super::{DONOR, LVIV_ADMINISTRATION, MANAGER, done_by, matrix, matrix_tests};
use crate::common::TestApp;

const CREATE_PROJECT_LINK: &str = "mutation($input: CreateProjectLinkInput!) { createProjectLink(input: $input) { projectLink { id owner { code } budget { amount currency } planItems { code } regions { code } participants { role organisation { code } } version } } }";
const UPDATE_PROJECT_LINK: &str = "mutation($input: UpdateProjectLinkInput!) { updateProjectLink(input: $input) { projectLink { budget { amount currency } regions { code } version } } }";
const WITHDRAW_PROJECT_LINK: &str = "mutation($input: WithdrawProjectLinkInput!) { withdrawProjectLink(input: $input) { projectLink { withdrawalReason version } } }";
const ISSUE_TOKEN: &str = "mutation($input: IssueTokenInput!) { issueToken(input: $input) { token apiToken { id scopes label organisation { code } revokedAt } } }";
const REVOKE_TOKEN: &str =
    "mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { apiToken { revokedAt } } }";
const READ_AUDIT: &str = "{ auditEvents(first: 1) { totalCount } }";

fn new_project_link() -> Value {
    json!({ "input": { "titleEn": "Safe shelters", "iatiIdentifier": "XM-DAC-99-1-P9", "budget": { "amount": "99.5", "currency": "USD" },
                       "startDate": "2026-01-01", "endDate": "2027-12-31", "genderMarker": 2, "dacPurposes": ["15180"],
                       "participants": [{ "organisation": "fx-donor-a", "role": "FUNDING" }], "regions": ["UA-46"], "planItems": ["FX-NAP-2021-2025/1.1.1"],
                       "owner": "fx-donor-a" } })
}

/// Creates the project link; its id.
async fn created_project_link(app: &TestApp) -> Value {
    let created = done_by(app, &DONOR, CREATE_PROJECT_LINK, new_project_link()).await;
    created["createProjectLink"]["projectLink"]["id"].clone()
}

fn project_link_update(id: &Value) -> Value {
    json!({ "input": { "id": id, "version": 1, "budget": { "amount": "120000", "currency": "UAH" }, "regions": ["UA-46", "UA-12"] } })
}

fn new_token() -> Value {
    json!({ "input": { "organisation": LVIV_ADMINISTRATION, "scopes": ["tokens:manage"], "ttlDays": 30, "label": "second manager" } })
}

matrix_tests! {
    create_project_link_enforces_the_caller_matrix: DONOR runs CREATE_PROJECT_LINK, as "createProjectLink",
        with |app| { new_project_link() }
        then |created| {
            let link = &created["createProjectLink"]["projectLink"];
            assert_eq!(link["budget"], json!({ "amount": "99.50", "currency": "USD" }));
            assert_eq!(link["owner"]["code"], "fx-donor-a");
        }

    update_project_link_enforces_the_caller_matrix: DONOR runs UPDATE_PROJECT_LINK, as "updateProjectLink",
        with |app| { project_link_update(&created_project_link(&app).await) }
        then |updated| {
            assert_eq!(
                updated["updateProjectLink"]["projectLink"],
                json!({ "budget": { "amount": "120000.00", "currency": "UAH" }, "regions": [{ "code": "UA-12" }, { "code": "UA-46" }], "version": 2 })
            );
        }

    withdraw_project_link_enforces_the_caller_matrix: DONOR runs WITHDRAW_PROJECT_LINK, as "withdrawProjectLink",
        with |app| {
            let link = created_project_link(&app).await;
            done_by(&app, &DONOR, UPDATE_PROJECT_LINK, project_link_update(&link)).await;
            json!({ "input": { "id": link, "version": 2, "reason": "Cancelled" } })
        }
        then |withdrawn| {
            assert_eq!(withdrawn["withdrawProjectLink"]["projectLink"]["version"], 3);
        }

    issue_token_enforces_the_caller_matrix: MANAGER runs ISSUE_TOKEN, as "issueToken",
        with |app| { new_token() }
        then |issued| {
            let payload = &issued["issueToken"];
            assert_eq!(payload["apiToken"]["organisation"]["code"], LVIV_ADMINISTRATION);
            let works = app
                .bearer(payload["token"].as_str().unwrap())
                .graphql(READ_AUDIT, json!({}))
                .await;
            assert!(
                works.body["errors"].is_null(),
                "the issued token is accepted: {}",
                works.body
            );
        }
}

/// Written out, since the revoked token is used after the matrix: refused on its next request.
#[tokio::test]
async fn revoke_token_enforces_the_caller_matrix() {
    let app = TestApp::with_fixture().await;
    let issued = done_by(&app, &MANAGER, ISSUE_TOKEN, new_token()).await;
    let holder = app.bearer(issued["issueToken"]["token"].as_str().unwrap());
    holder.graphql(READ_AUDIT, json!({})).await.data();
    let input = json!({ "input": { "id": issued["issueToken"]["apiToken"]["id"] } });
    let revoked = matrix(&app, "revokeToken", &MANAGER, REVOKE_TOKEN, input).await;
    assert!(revoked["revokeToken"]["apiToken"]["revokedAt"].is_string());
    let refused = holder.graphql(READ_AUDIT, json!({})).await;
    assert_eq!(
        refused.status, 401,
        "a revoked token is refused on its next request"
    );
}
