//! Every mutation against the full matrix of callers: anonymous, a bad signature, `alg: none`, a
//! token signed with another key, expired, revoked, for another audience, without the scope, of
//! another organisation, and of the right organisation. Only the last succeeds; the refused ones
//! change nothing (the whole database is read back and compared), and every success writes
//! exactly one audit event.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use nap_registry::domain::access::Scope;
use serde_json::{Value, json};

use crate::common::{TestApp, dump, test_token_service, test_token_service_for};

/// Who owns what in the fixture.
const LVIV_ADMINISTRATION: &str = "rma-ua-46";
const KHARKIV_ADMINISTRATION: &str = "rma-ua-63";
const MINISTRY: &str = "ministry-of-social-policy";

/// The caller that should succeed, the scope it needs, and a caller of another organisation.
struct Caller {
    organisation: &'static str,
    scope: Scope,
    other_organisation: &'static str,
}

const REGIONAL_EDITOR: Caller = Caller {
    organisation: LVIV_ADMINISTRATION,
    scope: Scope::PlansWrite,
    other_organisation: KHARKIV_ADMINISTRATION,
};
const ADMINISTRATOR: Caller = Caller {
    organisation: MINISTRY,
    scope: Scope::Admin,
    other_organisation: "fx-ngo",
};
const DONOR: Caller = Caller {
    organisation: "fx-donor-a",
    scope: Scope::ProjectsWrite,
    other_organisation: "fx-donor-b",
};
const REPORTER: Caller = Caller {
    organisation: MINISTRY,
    scope: Scope::IndicatorsReport,
    other_organisation: "fx-ngo",
};
const MANAGER: Caller = Caller {
    organisation: LVIV_ADMINISTRATION,
    scope: Scope::TokensManage,
    other_organisation: KHARKIV_ADMINISTRATION,
};

fn tamper_signature(token: &str) -> String {
    let (rest, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[0] ^= 0xff;
    format!("{rest}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn unsigned(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    format!(
        "{}.{payload}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#)
    )
}

fn scopes_without(scope: Scope) -> Vec<Scope> {
    Scope::ALL
        .into_iter()
        .filter(|s| *s != scope && *s != Scope::Admin)
        .collect()
}

/// Runs `query` as every caller of the matrix; returns the right organisation's answer.
async fn matrix(app: &TestApp, name: &str, caller: &Caller, query: &str, variables: Value) -> Value {
    let right = app.token_for(caller.organisation, &[caller.scope]).await;
    let other_key = app
        .token_signed_by(&test_token_service(2), caller.organisation, &[caller.scope])
        .await;
    let other_audience = app
        .token_signed_by(
            &test_token_service_for(1, "another-api"),
            caller.organisation,
            &[caller.scope],
        )
        .await;
    let expired = app.expired_token_for(caller.organisation, &[caller.scope]).await;
    let revoked = app.revoked_token_for(caller.organisation, &[caller.scope]).await;
    let missing_scope = app
        .token_for(caller.organisation, &scopes_without(caller.scope))
        .await;
    let other_scope = if caller.scope == Scope::Admin {
        Scope::PlansWrite
    } else {
        caller.scope
    };
    let other_organisation = app.token_for(caller.other_organisation, &[other_scope]).await;

    let before = dump(&app.db).await;
    let anonymous = app.graphql(query, variables.clone()).await;
    assert_eq!(
        anonymous.error_code(),
        "UNAUTHENTICATED",
        "{name}: anonymous: {}",
        anonymous.body
    );
    for (case, token) in [
        ("bad signature", tamper_signature(&right)),
        ("alg none", unsigned(&right)),
        ("another key", other_key),
        ("expired", expired),
        ("revoked", revoked),
        ("wrong audience", other_audience),
    ] {
        let response = app.graphql_as(&token, query, variables.clone()).await;
        assert_eq!(response.status, 401, "{name}: {case}: {}", response.body);
        assert_eq!(response.error_code(), "UNAUTHENTICATED", "{name}: {case}");
    }
    for (case, token) in [
        ("missing scope", missing_scope),
        ("another organisation", other_organisation),
    ] {
        let response = app.graphql_as(&token, query, variables.clone()).await;
        assert_eq!(
            response.error_code(),
            "FORBIDDEN",
            "{name}: {case}: {}",
            response.body
        );
    }
    assert!(
        dump(&app.db).await == before,
        "{name}: a refused call changed the database"
    );

    let events_before = audit_count(app).await;
    let response = app.graphql_as(&right, query, variables).await;
    let data = response.data().clone();
    assert_eq!(
        audit_count(app).await,
        events_before + 1,
        "{name}: one audit event per acknowledged write"
    );
    data
}

async fn audit_count(app: &TestApp) -> usize {
    use sea_orm::{EntityTrait, PaginatorTrait};
    usize::try_from(entity::audit_event::Entity::find().count(&app.db).await.unwrap()).unwrap()
}

async fn id_and_version(app: &TestApp, query: &str, path: &[&str]) -> (Value, Value) {
    let response = app.graphql(query, json!({})).await;
    let mut node = response.data().clone();
    for key in path {
        node = match key.parse::<usize>() {
            Ok(index) => node[index].clone(),
            Err(_) => node[*key].clone(),
        };
    }
    (node["id"].clone(), node["version"].clone())
}

#[tokio::test]
async fn plan_and_plan_item_mutations_enforce_the_matrix() {
    let app = TestApp::with_fixture().await;
    let created = matrix(
        &app,
        "createPlan",
        &REGIONAL_EDITOR,
        "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { code level status owner { code } region { code } parentPlan { code } version } } }",
        json!({ "input": { "code": "UA-46-RAP-2026-2030", "level": "REGIONAL", "titleUk": "Регіональний план", "startYear": 2026, "endYear": 2030,
                           "parentPlan": "FX-NAP-2021-2025", "region": "UA-46", "owner": LVIV_ADMINISTRATION } }),
    )
    .await;
    assert_eq!(
        created["createPlan"]["plan"],
        json!({ "code": "UA-46-RAP-2026-2030", "level": "REGIONAL", "status": "DRAFT", "owner": { "code": LVIV_ADMINISTRATION },
                "region": { "code": "UA-46" }, "parentPlan": { "code": "FX-NAP-2021-2025" }, "version": 1 })
    );

    let (id, version) = id_and_version(
        &app,
        r#"{ plan(code: "FX-RAP-UA-46") { id version } }"#,
        &["plan"],
    )
    .await;
    let updated = matrix(
        &app,
        "updatePlan",
        &REGIONAL_EDITOR,
        "mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { plan { titles { en } status version } } }",
        json!({ "input": { "id": id, "version": version, "titleEn": "Lviv regional plan", "status": "ADOPTED" } }),
    )
    .await;
    assert_eq!(
        updated["updatePlan"]["plan"],
        json!({ "titles": { "en": "Lviv regional plan" }, "status": "ADOPTED", "version": 2 })
    );

    let item = matrix(
        &app,
        "createPlanItem",
        &REGIONAL_EDITOR,
        "mutation($input: CreatePlanItemInput!) { createPlanItem(input: $input) { planItem { code kind parent { code } version } } }",
        json!({ "input": { "plan": "FX-RAP-UA-46", "number": "1.1.3", "titleUk": "Нове завдання" } }),
    )
    .await;
    assert_eq!(
        item["createPlanItem"]["planItem"],
        json!({ "code": "FX-RAP-UA-46/1.1.3", "kind": "TASK", "parent": { "code": "FX-RAP-UA-46/1.1" }, "version": 1 })
    );

    let (id, version) = id_and_version(
        &app,
        r#"{ planItem(code: "FX-RAP-UA-46/1.1.3") { id version } }"#,
        &["planItem"],
    )
    .await;
    let updated = matrix(
        &app,
        "updatePlanItem",
        &REGIONAL_EDITOR,
        "mutation($input: UpdatePlanItemInput!) { updatePlanItem(input: $input) { planItem { titles { uk en } version } } }",
        json!({ "input": { "id": id, "version": version, "titleEn": "New task", "startYear": 2026, "endYear": 2027 } }),
    )
    .await;
    assert_eq!(
        updated["updatePlanItem"]["planItem"],
        json!({ "titles": { "uk": "Нове завдання", "en": "New task" }, "version": 2 })
    );

    let withdrawn = matrix(
        &app,
        "withdrawPlanItem",
        &REGIONAL_EDITOR,
        "mutation($input: WithdrawPlanItemInput!) { withdrawPlanItem(input: $input) { planItem { status withdrawalReason version } } }",
        json!({ "input": { "id": id, "version": 2, "reason": "Merged into 1.1.2" } }),
    )
    .await;
    assert_eq!(
        withdrawn["withdrawPlanItem"]["planItem"],
        json!({ "status": "WITHDRAWN", "withdrawalReason": "Merged into 1.1.2", "version": 3 })
    );

    let (id, version) = id_and_version(
        &app,
        r#"{ plan(code: "UA-46-RAP-2026-2030") { id version } }"#,
        &["plan"],
    )
    .await;
    let withdrawn = matrix(
        &app,
        "withdrawPlan",
        &REGIONAL_EDITOR,
        "mutation($input: WithdrawPlanInput!) { withdrawPlan(input: $input) { plan { withdrawalReason version } } }",
        json!({ "input": { "id": id, "version": version, "reason": "Created by mistake" } }),
    )
    .await;
    assert_eq!(
        withdrawn["withdrawPlan"]["plan"],
        json!({ "withdrawalReason": "Created by mistake", "version": 2 })
    );
}

#[tokio::test]
async fn link_mutations_enforce_the_matrix() {
    let app = TestApp::with_fixture().await;
    let q = |name: &str, input: &str| {
        format!(
            "mutation($input: {input}!) {{ {name}(input: $input) {{ planItem {{ code version targetGroups {{ code }} implements {{ code }} responsibilities {{ role organisation {{ code }} }} }} }} }}"
        )
    };
    let item = "FX-RAP-UA-46/1.1.2";
    let linked = matrix(
        &app,
        "linkTargetGroup",
        &REGIONAL_EDITOR,
        &q("linkTargetGroup", "PlanItemTargetGroupInput"),
        json!({ "input": { "planItem": item, "targetGroup": "veterans" } }),
    )
    .await;
    assert_eq!(
        linked["linkTargetGroup"]["planItem"]["targetGroups"],
        json!([{ "code": "veterans" }])
    );
    let unlinked = matrix(
        &app,
        "unlinkTargetGroup",
        &REGIONAL_EDITOR,
        &q("unlinkTargetGroup", "PlanItemTargetGroupInput"),
        json!({ "input": { "planItem": item, "targetGroup": "veterans" } }),
    )
    .await;
    assert_eq!(
        unlinked["unlinkTargetGroup"]["planItem"]["targetGroups"],
        json!([])
    );
    assert_eq!(unlinked["unlinkTargetGroup"]["planItem"]["version"], 3);

    let added = matrix(
        &app,
        "addResponsibility",
        &REGIONAL_EDITOR,
        &q("addResponsibility", "ResponsibilityInput"),
        json!({ "input": { "planItem": item, "organisation": "fx-ngo", "role": "BY_CONSENT" } }),
    )
    .await;
    assert_eq!(
        added["addResponsibility"]["planItem"]["responsibilities"],
        json!([{ "role": "BY_CONSENT", "organisation": { "code": "fx-ngo" } }])
    );
    let removed = matrix(
        &app,
        "removeResponsibility",
        &REGIONAL_EDITOR,
        &q("removeResponsibility", "ResponsibilityInput"),
        json!({ "input": { "planItem": item, "organisation": "fx-ngo", "role": "BY_CONSENT" } }),
    )
    .await;
    assert_eq!(
        removed["removeResponsibility"]["planItem"]["responsibilities"],
        json!([])
    );

    let implemented = matrix(
        &app,
        "linkImplementation",
        &REGIONAL_EDITOR,
        &q("linkImplementation", "ImplementationInput"),
        json!({ "input": { "planItem": item, "implements": "FX-NAP-2021-2025/1.1.2" } }),
    )
    .await;
    assert_eq!(
        implemented["linkImplementation"]["planItem"]["implements"],
        json!([{ "code": "FX-NAP-2021-2025/1.1.1" }, { "code": "FX-NAP-2021-2025/1.1.2" }])
    );
    let dropped = matrix(
        &app,
        "unlinkImplementation",
        &REGIONAL_EDITOR,
        &q("unlinkImplementation", "ImplementationInput"),
        json!({ "input": { "planItem": item, "implements": "FX-NAP-2021-2025/1.1.2" } }),
    )
    .await;
    assert_eq!(
        dropped["unlinkImplementation"]["planItem"]["implements"],
        json!([{ "code": "FX-NAP-2021-2025/1.1.1" }])
    );

    let (project, _) = id_and_version(
        &app,
        r#"{ projectLinks(filter: {iatiIdentifier: "XM-DAC-99-1-P1"}) { nodes { id version } } }"#,
        &["projectLinks", "nodes", "0"],
    )
    .await;
    let pq = |name: &str| {
        format!(
            "mutation($input: ProjectPlanItemInput!) {{ {name}(input: $input) {{ projectLink {{ planItems {{ code }} version }} }} }}"
        )
    };
    let linked = matrix(
        &app,
        "linkProjectPlanItem",
        &DONOR,
        &pq("linkProjectPlanItem"),
        json!({ "input": { "projectLink": project, "planItem": "FX-NAP-2021-2025/2.1.1" } }),
    )
    .await;
    assert_eq!(
        linked["linkProjectPlanItem"]["projectLink"]["planItems"],
        json!([{ "code": "FX-NAP-2021-2025/1.1.1" }, { "code": "FX-NAP-2021-2025/2.1.1" }])
    );
    let unlinked = matrix(
        &app,
        "unlinkProjectPlanItem",
        &DONOR,
        &pq("unlinkProjectPlanItem"),
        json!({ "input": { "projectLink": project, "planItem": "FX-NAP-2021-2025/2.1.1" } }),
    )
    .await;
    assert_eq!(
        unlinked["unlinkProjectPlanItem"]["projectLink"],
        json!({ "planItems": [{ "code": "FX-NAP-2021-2025/1.1.1" }], "version": 3 })
    );
}

#[tokio::test]
async fn indicator_and_value_mutations_enforce_the_matrix() {
    let app = TestApp::with_fixture().await;
    let created = matrix(
        &app,
        "createIndicator",
        &REGIONAL_EDITOR,
        "mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { id code unit sdgIndicator version } } }",
        json!({ "input": { "planItem": "FX-RAP-UA-46/1.1.1", "code": "I1", "nameEn": "Shelters audited", "unit": "shelters", "direction": "INCREASE", "sdgIndicator": "5.2.2" } }),
    )
    .await;
    let indicator = created["createIndicator"]["indicator"].clone();
    assert_eq!(indicator["unit"], "shelters");
    let updated = matrix(
        &app,
        "updateIndicator",
        &REGIONAL_EDITOR,
        "mutation($input: UpdateIndicatorInput!) { updateIndicator(input: $input) { indicator { unit sdgIndicator version } } }",
        json!({ "input": { "id": indicator["id"], "version": 1, "unit": "audits", "sdgIndicator": null } }),
    )
    .await;
    assert_eq!(
        updated["updateIndicator"]["indicator"],
        json!({ "unit": "audits", "sdgIndicator": null, "version": 2 })
    );
    let baseline = matrix(
        &app,
        "createIndicatorValue",
        &REGIONAL_EDITOR,
        "mutation($input: CreateIndicatorValueInput!) { createIndicatorValue(input: $input) { indicatorValue { id kind value sex version } } }",
        json!({ "input": { "indicator": indicator["id"], "kind": "BASELINE", "periodStartYear": 2025, "periodEndYear": 2025, "value": 3.0, "sex": "T" } }),
    )
    .await;
    assert_eq!(
        baseline["createIndicatorValue"]["indicatorValue"]["kind"],
        "BASELINE"
    );
    let withdrawn = matrix(
        &app,
        "withdrawIndicator",
        &REGIONAL_EDITOR,
        "mutation($input: WithdrawInput!) { withdrawIndicator(input: $input) { indicator { withdrawalReason version } } }",
        json!({ "input": { "id": indicator["id"], "version": 2, "reason": "Replaced" } }),
    )
    .await;
    assert_eq!(withdrawn["withdrawIndicator"]["indicator"]["version"], 3);

    // The organisation responsible for a national task reports its actual values.
    let (national, _) = id_and_version(
        &app,
        r#"{ planItem(code: "FX-NAP-2021-2025/1.1.1") { indicators { id version } } }"#,
        &["planItem", "indicators", "0"],
    )
    .await;
    let actual = matrix(
        &app,
        "createIndicatorValue (actual)",
        &REPORTER,
        "mutation($input: CreateIndicatorValueInput!) { createIndicatorValue(input: $input) { indicatorValue { id kind value sex version } } }",
        json!({ "input": { "indicator": national, "kind": "ACTUAL", "periodStartYear": 2024, "periodEndYear": 2024, "value": 17.5, "sex": "F", "region": "UA-46" } }),
    )
    .await;
    let value = actual["createIndicatorValue"]["indicatorValue"].clone();
    assert_eq!(
        (value["kind"].clone(), value["value"].clone()),
        (json!("ACTUAL"), json!(17.5))
    );
    let updated = matrix(
        &app,
        "updateIndicatorValue",
        &REPORTER,
        "mutation($input: UpdateIndicatorValueInput!) { updateIndicatorValue(input: $input) { indicatorValue { value version } } }",
        json!({ "input": { "id": value["id"], "version": 1, "value": 18.0 } }),
    )
    .await;
    assert_eq!(
        updated["updateIndicatorValue"]["indicatorValue"],
        json!({ "value": 18.0, "version": 2 })
    );
    let withdrawn = matrix(
        &app,
        "withdrawIndicatorValue",
        &REPORTER,
        "mutation($input: WithdrawInput!) { withdrawIndicatorValue(input: $input) { indicatorValue { withdrawalReason version } } }",
        json!({ "input": { "id": value["id"], "version": 2, "reason": "Reported twice" } }),
    )
    .await;
    assert_eq!(
        withdrawn["withdrawIndicatorValue"]["indicatorValue"],
        json!({ "withdrawalReason": "Reported twice", "version": 3 })
    );
}

#[tokio::test]
async fn vocabulary_and_organisation_mutations_enforce_the_matrix() {
    let app = TestApp::with_fixture().await;
    let created = matrix(
        &app,
        "createTargetGroup",
        &ADMINISTRATOR,
        "mutation($input: CreateTargetGroupInput!) { createTargetGroup(input: $input) { targetGroup { id code position version } } }",
        json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": "women-veterans", "labelUk": "Жінки-ветеранки", "labelEn": "Women veterans" } }),
    )
    .await;
    let group = created["createTargetGroup"]["targetGroup"].clone();
    assert_eq!(
        (group["code"].clone(), group["position"].clone()),
        (json!("women-veterans"), json!(20))
    );
    let updated = matrix(
        &app,
        "updateTargetGroup",
        &ADMINISTRATOR,
        "mutation($input: UpdateTargetGroupInput!) { updateTargetGroup(input: $input) { targetGroup { labels { en } version } } }",
        json!({ "input": { "id": group["id"], "version": 1, "labelEn": "Women veterans of the war" } }),
    )
    .await;
    assert_eq!(
        updated["updateTargetGroup"]["targetGroup"],
        json!({ "labels": { "en": "Women veterans of the war" }, "version": 2 })
    );
    let (veterans, version) = id_and_version(
        &app,
        r#"{ targetGroup(code: "veterans") { id version } }"#,
        &["targetGroup"],
    )
    .await;
    let withdrawn = matrix(
        &app,
        "withdrawTargetGroup",
        &ADMINISTRATOR,
        "mutation($input: WithdrawTargetGroupInput!) { withdrawTargetGroup(input: $input) { targetGroup { status replacedBy { code } } } }",
        json!({ "input": { "id": veterans, "version": version, "replacedBy": "women-veterans" } }),
    )
    .await;
    assert_eq!(
        withdrawn["withdrawTargetGroup"]["targetGroup"],
        json!({ "status": "WITHDRAWN", "replacedBy": { "code": "women-veterans" } })
    );

    let created = matrix(
        &app,
        "createOrganisation",
        &ADMINISTRATOR,
        "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id code identifiers version } } }",
        json!({ "input": { "code": "fx-coalition", "kind": "CIVIL_SOCIETY", "nameUk": "Коаліція", "identifiers": ["UA-EDR-12345678"], "region": "UA-46" } }),
    )
    .await;
    let organisation = created["createOrganisation"]["organisation"].clone();
    assert_eq!(organisation["identifiers"], json!(["UA-EDR-12345678"]));
    let renamed = matrix(
        &app,
        "updateOrganisation",
        &ADMINISTRATOR,
        "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { names { uk } nameHistory { names { uk } validUntil } version } } }",
        json!({ "input": { "id": organisation["id"], "version": 1, "nameUk": "Регіональна коаліція" } }),
    )
    .await;
    let history = renamed["updateOrganisation"]["organisation"]["nameHistory"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["names"]["uk"], "Регіональна коаліція");
    assert!(history[0]["validUntil"].is_string(), "the old name is closed");
    let withdrawn = matrix(
        &app,
        "withdrawOrganisation",
        &ADMINISTRATOR,
        "mutation($input: WithdrawOrganisationInput!) { withdrawOrganisation(input: $input) { organisation { withdrawalReason successors { code } version } } }",
        json!({ "input": { "id": organisation["id"], "version": 2, "reason": "Merged", "successor": "fx-ngo" } }),
    )
    .await;
    assert_eq!(
        withdrawn["withdrawOrganisation"]["organisation"],
        json!({ "withdrawalReason": "Merged", "successors": [{ "code": "fx-ngo" }], "version": 3 })
    );
}

#[tokio::test]
async fn project_link_and_token_mutations_enforce_the_matrix() {
    let app = TestApp::with_fixture().await;
    let created = matrix(
        &app,
        "createProjectLink",
        &DONOR,
        "mutation($input: CreateProjectLinkInput!) { createProjectLink(input: $input) { projectLink { id owner { code } budget { amount currency } planItems { code } regions { code } participants { role organisation { code } } version } } }",
        json!({ "input": { "titleEn": "Safe shelters", "iatiIdentifier": "XM-DAC-99-1-P9", "budget": { "amount": "99.5", "currency": "USD" },
                           "startDate": "2026-01-01", "endDate": "2027-12-31", "genderMarker": 2, "dacPurposes": ["15180"],
                           "participants": [{ "organisation": "fx-donor-a", "role": "FUNDING" }], "regions": ["UA-46"], "planItems": ["FX-NAP-2021-2025/1.1.1"],
                           "owner": "fx-donor-a" } }),
    )
    .await;
    let link = created["createProjectLink"]["projectLink"].clone();
    assert_eq!(link["budget"], json!({ "amount": "99.50", "currency": "USD" }));
    assert_eq!(link["owner"]["code"], "fx-donor-a");
    let updated = matrix(
        &app,
        "updateProjectLink",
        &DONOR,
        "mutation($input: UpdateProjectLinkInput!) { updateProjectLink(input: $input) { projectLink { budget { amount currency } regions { code } version } } }",
        json!({ "input": { "id": link["id"], "version": 1, "budget": { "amount": "120000", "currency": "UAH" }, "regions": ["UA-46", "UA-12"] } }),
    )
    .await;
    assert_eq!(
        updated["updateProjectLink"]["projectLink"],
        json!({ "budget": { "amount": "120000.00", "currency": "UAH" }, "regions": [{ "code": "UA-12" }, { "code": "UA-46" }], "version": 2 })
    );
    let withdrawn = matrix(
        &app,
        "withdrawProjectLink",
        &DONOR,
        "mutation($input: WithdrawProjectLinkInput!) { withdrawProjectLink(input: $input) { projectLink { withdrawalReason version } } }",
        json!({ "input": { "id": link["id"], "version": 2, "reason": "Cancelled" } }),
    )
    .await;
    assert_eq!(withdrawn["withdrawProjectLink"]["projectLink"]["version"], 3);

    let issued = matrix(
        &app,
        "issueToken",
        &MANAGER,
        "mutation($input: IssueTokenInput!) { issueToken(input: $input) { token apiToken { id scopes label organisation { code } revokedAt } } }",
        json!({ "input": { "organisation": LVIV_ADMINISTRATION, "scopes": ["tokens:manage"], "ttlDays": 30, "label": "second manager" } }),
    )
    .await;
    let payload = issued["issueToken"].clone();
    assert_eq!(payload["apiToken"]["organisation"]["code"], LVIV_ADMINISTRATION);
    let new_token = payload["token"].as_str().unwrap().to_owned();
    let works = app
        .graphql_as(&new_token, "{ auditEvents(first: 1) { totalCount } }", json!({}))
        .await;
    assert!(
        works.body["errors"].is_null(),
        "the issued token is accepted: {}",
        works.body
    );

    let revoked = matrix(
        &app,
        "revokeToken",
        &MANAGER,
        "mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { apiToken { revokedAt } } }",
        json!({ "input": { "id": payload["apiToken"]["id"] } }),
    )
    .await;
    assert!(revoked["revokeToken"]["apiToken"]["revokedAt"].is_string());
    let refused = app
        .graphql_as(&new_token, "{ auditEvents(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        refused.status, 401,
        "a revoked token is refused on its next request"
    );
}
