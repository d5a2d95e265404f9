//! Writes beyond the permission matrix: validation errors name the field and change nothing,
//! stale versions conflict, concurrent writers with the same version have exactly one winner, and
//! the audit trail and the public change feed record what happened.

use nap_registry::domain::access::Scope;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::common::{TestApp, dump};

const CREATE_ITEM: &str =
    "mutation($input: CreatePlanItemInput!) { createPlanItem(input: $input) { planItem { code version } } }";
const UPDATE_ITEM: &str = "mutation($input: UpdatePlanItemInput!) { updatePlanItem(input: $input) { planItem { version titles { en } } } }";
const CREATE_LINK: &str =
    "mutation($input: CreateProjectLinkInput!) { createProjectLink(input: $input) { projectLink { id } } }";

async fn item_id(app: &TestApp, code: &str) -> (Value, i64) {
    let response = app
        .graphql(
            "query($code: String!) { planItem(code: $code) { id version } }",
            json!({ "code": code }),
        )
        .await;
    let item = &response.data()["planItem"];
    (item["id"].clone(), item["version"].as_i64().unwrap())
}

#[tokio::test]
async fn invalid_input_is_bad_user_input_naming_the_field_and_changes_nothing() {
    let app = TestApp::with_fixture().await;
    let editor = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let donor = app.token_for("fx-donor-a", &[Scope::ProjectsWrite]).await;
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let before = dump(&app.db).await;
    let item =
        |number: &str| json!({ "input": { "plan": "FX-RAP-UA-46", "number": number, "titleEn": "x" } });
    let link = |extra: Value| {
        let mut input = json!({ "titleEn": "x", "owner": "fx-donor-a" });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "input": input })
    };
    let cases: Vec<(&str, &str, &str, Value, &str)> = vec![
        (
            "malformed number",
            &editor,
            CREATE_ITEM,
            item("1..2"),
            "input.number",
        ),
        (
            "missing parent",
            &editor,
            CREATE_ITEM,
            item("3.1"),
            "input.number",
        ),
        ("used number", &editor, CREATE_ITEM, item("1.1.1"), "input.number"),
        (
            "too deep",
            &editor,
            CREATE_ITEM,
            item("1.1.1.1.1"),
            "input.number",
        ),
        (
            "unknown plan",
            &editor,
            CREATE_ITEM,
            json!({ "input": { "plan": "NOPE", "number": "1", "titleEn": "x" } }),
            "input.plan",
        ),
        (
            "period order",
            &editor,
            CREATE_ITEM,
            json!({ "input": { "plan": "FX-RAP-UA-46", "number": "1.1.9", "titleEn": "x", "startYear": 2027, "endYear": 2026 } }),
            "input.endYear",
        ),
        (
            "no title",
            &editor,
            CREATE_ITEM,
            json!({ "input": { "plan": "FX-RAP-UA-46", "number": "1.1.9" } }),
            "input.titleUk",
        ),
        (
            "currency",
            &donor,
            CREATE_LINK,
            link(json!({ "budget": { "amount": "10", "currency": "EURO" } })),
            "input.budget.currency",
        ),
        (
            "negative amount",
            &donor,
            CREATE_LINK,
            link(json!({ "budget": { "amount": "-10", "currency": "EUR" } })),
            "input.budget.amount",
        ),
        (
            "url",
            &donor,
            CREATE_LINK,
            link(json!({ "url": "ftp://example.org" })),
            "input.url",
        ),
        (
            "iati identifier",
            &donor,
            CREATE_LINK,
            link(json!({ "iatiIdentifier": "not an id" })),
            "input.iatiIdentifier",
        ),
        (
            "taken iati identifier",
            &donor,
            CREATE_LINK,
            link(json!({ "iatiIdentifier": "XM-DAC-99-1-P1" })),
            "input.iatiIdentifier",
        ),
        (
            "region",
            &donor,
            CREATE_LINK,
            link(json!({ "regions": ["UA-44"] })),
            "input.regions[0]",
        ),
        (
            "gender marker",
            &donor,
            CREATE_LINK,
            link(json!({ "genderMarker": 3 })),
            "input.genderMarker",
        ),
        (
            "dates",
            &donor,
            CREATE_LINK,
            link(json!({ "startDate": "2026-01-01", "endDate": "2025-01-01" })),
            "input.endDate",
        ),
        (
            "plan item",
            &donor,
            CREATE_LINK,
            link(json!({ "planItems": ["FX-NAP-2021-2025/9"] })),
            "input.planItems[0]",
        ),
    ];
    for (case, token, query, variables, field) in cases {
        let response = app.bearer(token).graphql(query, variables).await;
        assert_eq!(
            response.error_code(),
            "BAD_USER_INPUT",
            "{case}: {}",
            response.body
        );
        assert_eq!(
            response.body["errors"][0]["extensions"]["field"], field,
            "{case}: {}",
            response.body
        );
    }
    let organisation = app
        .bearer(&admin).graphql("mutation { createOrganisation(input: {code: \"x-org\", kind: OTHER, nameEn: \"X\", identifiers: [\"UA-EDR-123\"]}) { organisation { id } } }", json!({}))
        .await;
    assert_eq!(
        organisation.body["errors"][0]["extensions"]["field"],
        "input.identifiers[0]"
    );
    // A project link whose last child row fails leaves no partial rows behind.
    assert!(
        dump(&app.db).await == before,
        "a rejected write changed the database"
    );
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = TestApp::with_fixture().await;
    let editor = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let (id, version) = item_id(&app, "FX-RAP-UA-46/1.1.1").await;
    let first = app
        .bearer(&editor)
        .graphql(
            UPDATE_ITEM,
            json!({ "input": { "id": id, "version": version, "titleEn": "First" } }),
        )
        .await;
    assert_eq!(first.data()["updatePlanItem"]["planItem"]["version"], version + 1);
    let before = dump(&app.db).await;
    let stale = app
        .bearer(&editor)
        .graphql(
            UPDATE_ITEM,
            json!({ "input": { "id": id, "version": version, "titleEn": "Second" } }),
        )
        .await;
    assert_eq!(stale.error_code(), "CONFLICT");
    assert!(dump(&app.db).await == before);
}

#[tokio::test]
async fn concurrent_updates_with_the_same_version_have_exactly_one_winner() {
    let app = TestApp::with_fixture().await;
    let editor = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let (id, version) = item_id(&app, "FX-RAP-UA-46/1.1.1").await;
    let attempts = (0..8).map(|n| {
        let variables =
            json!({ "input": { "id": id, "version": version, "titleEn": format!("Writer {n}") } });
        let (app, editor) = (&app, &editor);
        async move { app.bearer(editor).graphql(UPDATE_ITEM, variables).await }
    });
    let results = futures_util::future::join_all(attempts).await;
    let winners: Vec<&Value> = results
        .iter()
        .filter(|r| r.body["errors"].is_null())
        .map(|r| &r.body["data"])
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        results.iter().map(|r| r.body.to_string()).collect::<Vec<_>>()
    );
    assert!(
        results
            .iter()
            .filter(|r| !r.body["errors"].is_null())
            .all(|r| r.error_code() == "CONFLICT")
    );
    let winner_title = winners[0]["updatePlanItem"]["planItem"]["titles"]["en"].clone();
    let stored = app
        .graphql(
            r#"{ planItem(code: "FX-RAP-UA-46/1.1.1") { version titles { en } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        stored.data()["planItem"],
        json!({ "version": version + 1, "titles": { "en": winner_title } })
    );
    let events = app
        .bearer(&editor)
        .graphql(
            "{ auditEvents(filter: {entityType: \"PlanItem\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        events.data()["auditEvents"]["totalCount"],
        1,
        "one audit event for the one acknowledged write"
    );
}

#[tokio::test]
async fn audit_events_are_visible_to_administrators_and_to_their_own_organisation() {
    let app = TestApp::with_fixture().await;
    let lviv = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let kharkiv = app.token_for("rma-ua-63", &[Scope::PlansWrite]).await;
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let (id, version) = item_id(&app, "FX-RAP-UA-46/1.1.1").await;
    app.bearer(&lviv)
        .graphql(
            UPDATE_ITEM,
            json!({ "input": { "id": id, "version": version, "titleEn": "Lviv" } }),
        )
        .await
        .data();
    let (id, version) = item_id(&app, "FX-RAP-UA-63/1").await;
    app.bearer(&kharkiv)
        .graphql(
            UPDATE_ITEM,
            json!({ "input": { "id": id, "version": version, "titleEn": "Kharkiv" } }),
        )
        .await
        .data();

    let q = "{ auditEvents { totalCount nodes { entityType entityCode action version actor organisation { code } before after } } }";
    let own = app.bearer(&lviv).graphql(q, json!({})).await;
    let nodes = own.data()["auditEvents"]["nodes"].as_array().unwrap().clone();
    assert!(
        nodes.iter().all(|n| n["organisation"]["code"] == "rma-ua-46"),
        "{nodes:?}"
    );
    let update = nodes.iter().find(|n| n["action"] == "UPDATE").unwrap();
    assert_eq!(update["entityCode"], "FX-RAP-UA-46/1.1.1");
    let before: Value = serde_json::from_str(update["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(update["after"].as_str().unwrap()).unwrap();
    assert_ne!(before["title_en"], "Lviv");
    assert_eq!(after["title_en"], "Lviv");
    // The reference data loads come first (one event per row): read the latest events.
    let latest = q.replace("auditEvents {", "auditEvents(last: 10) {");
    let all = app.bearer(&admin).graphql(&latest, json!({})).await;
    let organisations: Vec<&Value> = all.data()["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["organisation"]["code"])
        .collect();
    assert!(organisations.contains(&&json!("rma-ua-63")) && organisations.contains(&&json!("rma-ua-46")));
    let anonymous = app.graphql(q, json!({})).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn the_change_feed_lists_public_changes_in_order_for_incremental_sync() {
    let app = TestApp::with_fixture().await;
    let feed = "query($after: String) { changes(first: 100, after: $after) { nodes { sequence entityType entityCode action version } pageInfo { endCursor } } }";
    let head = app.graphql("{ changesHead { cursor } }", json!({})).await;
    let cursor = head.data()["changesHead"]["cursor"].clone();
    let start = app.graphql(feed, json!({ "after": cursor })).await;
    assert_eq!(start.data()["changes"]["nodes"], json!([]));

    let editor = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    app.bearer(&editor)
        .graphql(
            CREATE_ITEM,
            json!({ "input": { "plan": "FX-RAP-UA-46", "number": "1.1.3", "titleEn": "New" } }),
        )
        .await
        .data();
    let (id, version) = item_id(&app, "FX-RAP-UA-46/1.1.3").await;
    app.bearer(&editor)
        .graphql(
            UPDATE_ITEM,
            json!({ "input": { "id": id, "version": version, "titleEn": "Renamed" } }),
        )
        .await
        .data();

    let changes = app.graphql(feed, json!({ "after": cursor })).await;
    let nodes = changes.data()["changes"]["nodes"].as_array().unwrap().clone();
    // Token issues are not public; the two item changes are, in order.
    let items: Vec<(Value, Value)> = nodes
        .iter()
        .filter(|n| n["entityType"] == "PlanItem")
        .map(|n| (n["action"].clone(), n["version"].clone()))
        .collect();
    assert_eq!(items, [(json!("CREATE"), json!(1)), (json!("UPDATE"), json!(2))]);
    assert!(nodes.iter().all(|n| n["entityType"] != "ApiToken"));
    let sequences: Vec<i64> = nodes.iter().map(|n| n["sequence"].as_i64().unwrap()).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]));
    let last = changes.data()["changes"]["pageInfo"]["endCursor"].clone();
    let nothing_new = app.graphql(feed, json!({ "after": last })).await;
    assert_eq!(nothing_new.data()["changes"]["nodes"], json!([]));
}

#[tokio::test]
async fn jwks_publishes_the_key_that_signs_tokens() {
    let app = TestApp::seeded().await;
    let response = app.get("/.well-known/jwks.json").await;
    assert_eq!(response.status, 200);
    let body = response.json();
    let key = &body["keys"][0];
    assert_eq!(
        (key["kty"].clone(), key["crv"].clone(), key["alg"].clone()),
        (json!("OKP"), json!("Ed25519"), json!("EdDSA"))
    );
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            token.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(header["kid"], key["kid"]);
    assert_eq!(header["alg"], "EdDSA");
}

#[tokio::test]
async fn tokens_of_a_withdrawn_organisation_are_refused() {
    let app = TestApp::with_fixture().await;
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let ngo = app.token_for("fx-ngo", &[Scope::ProjectsWrite]).await;
    let (id, version) = {
        let r = app
            .graphql(
                r#"{ organisation(identifier: "fx-ngo") { id version } }"#,
                json!({}),
            )
            .await;
        (
            r.data()["organisation"]["id"].clone(),
            r.data()["organisation"]["version"].clone(),
        )
    };
    app.bearer(&admin).graphql("mutation($input: WithdrawOrganisationInput!) { withdrawOrganisation(input: $input) { organisation { id } } }",
        json!({ "input": { "id": id, "version": version, "reason": "Dissolved" } })).await.data();
    let refused = app
        .bearer(&ngo)
        .graphql(CREATE_LINK, json!({ "input": { "titleEn": "x" } }))
        .await;
    assert_eq!(refused.status, 401);
    let issue = app
        .bearer(&admin).graphql(r#"mutation { issueToken(input: {organisation: "fx-ngo", scopes: ["projects:write"], ttlDays: 5, label: "x"}) { token } }"#, json!({}))
        .await;
    assert_eq!(issue.error_code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_token_never_outlives_the_manager_token_that_issued_it() {
    let app = TestApp::with_fixture().await;
    let manager = app
        .token_for("rma-ua-46", &[Scope::TokensManage, Scope::PlansWrite])
        .await;
    let issued = app
        .bearer(&manager).graphql(r#"mutation { issueToken(input: {scopes: ["plans:write"], ttlDays: 365, label: "long"}) { apiToken { expiresAt } } }"#, json!({}))
        .await;
    let expires: chrono::DateTime<chrono::Utc> = issued.data()["issueToken"]["apiToken"]["expiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // The manager's own token (from the test helper) lives 30 days.
    assert!(
        expires < chrono::Utc::now() + chrono::Duration::days(31),
        "{expires}"
    );
    let wider = app
        .bearer(&manager).graphql(r#"mutation { issueToken(input: {scopes: ["registry:admin"], ttlDays: 5, label: "wider"}) { token } }"#, json!({}))
        .await;
    assert_eq!(wider.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_reporter_changes_only_the_actual_values_it_reported() {
    let app = TestApp::with_fixture().await;
    let reporter = app
        .token_for("ministry-of-social-policy", &[Scope::IndicatorsReport])
        .await;
    let editor = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let indicator = app
        .graphql(
            r#"{ planItem(code: "FX-NAP-2021-2025/1.1.1") { indicators { id } } }"#,
            json!({}),
        )
        .await
        .data()["planItem"]["indicators"][0]["id"]
        .clone();
    let value = |token: &str| {
        let (app, token, indicator) = (&app, token.to_owned(), indicator.clone());
        async move {
            app.bearer(&token).graphql("mutation($input: CreateIndicatorValueInput!) { createIndicatorValue(input: $input) { indicatorValue { id version } } }",
                json!({ "input": { "indicator": indicator, "kind": "ACTUAL", "periodStartYear": 2023, "periodEndYear": 2023, "value": 1.0, "sex": "T" } }))
                .await.data()["createIndicatorValue"]["indicatorValue"].clone()
        }
    };
    // A value recorded from the command line has no reporting organisation.
    let by_editor = value(&editor).await;
    let mut write = nap_registry::domain::audit::WriteTransaction::begin(
        &app.db,
        &nap_registry::domain::access::Actor::CommandLine,
    )
    .await
    .unwrap();
    let id = nap_registry::graphql::node_id::decode("id", by_editor["id"].as_str().unwrap())
        .unwrap()
        .1;
    let other = entity::indicator_value::Entity::find_by_id(id)
        .one(&write.txn)
        .await
        .unwrap()
        .unwrap();
    let mut other = sea_orm::IntoActiveModel::into_active_model(other);
    other.reported_by_id = sea_orm::ActiveValue::Set(Some(nap_registry::domain::ids::stable_id(
        "organisation",
        "fx-ngo",
    )));
    sea_orm::ActiveModelTrait::update(other, &write.txn)
        .await
        .unwrap();
    write
        .audit(nap_registry::domain::audit::Change::<()> {
            entity_type: "IndicatorValue",
            entity_id: id,
            entity_code: None,
            action: nap_registry::domain::audit::Action::Update,
            version: 1,
            before: None,
            after: None,
            public: false,
        })
        .await
        .unwrap();
    write.commit().await.unwrap();
    let refused = app
        .bearer(&reporter).graphql("mutation($input: UpdateIndicatorValueInput!) { updateIndicatorValue(input: $input) { indicatorValue { value } } }",
            json!({ "input": { "id": by_editor["id"], "version": 1, "value": 99.0 } }))
        .await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    let own = value(&reporter).await;
    let changed = app
        .bearer(&reporter).graphql("mutation($input: UpdateIndicatorValueInput!) { updateIndicatorValue(input: $input) { indicatorValue { value } } }",
            json!({ "input": { "id": own["id"], "version": 1, "value": 2.0 } }))
        .await;
    assert_eq!(
        changed.data()["updateIndicatorValue"]["indicatorValue"]["value"],
        2.0
    );
}

#[tokio::test]
async fn a_request_that_revokes_its_own_token_cannot_write_after_it() {
    let app = TestApp::with_fixture().await;
    let token = app
        .token_for("rma-ua-46", &[Scope::TokensManage, Scope::PlansWrite])
        .await;
    let claims = app.tokens.verify(&token).unwrap();
    let own_id = nap_registry::graphql::node_id::encode("ApiToken", claims.jti);
    let response = app
        .bearer(&token).graphql(r#"mutation($id: ID!) { revokeToken(input: {id: $id}) { apiToken { revokedAt } }
                 createPlanItem(input: {plan: "FX-RAP-UA-46", number: "1.1.7", titleEn: "after revocation"}) { planItem { code } } }"#,
            json!({ "id": own_id.0 }),
        )
        .await;
    assert!(
        response.body["data"]["revokeToken"]["apiToken"]["revokedAt"].is_string(),
        "{}",
        response.body
    );
    assert_eq!(response.body["data"]["createPlanItem"], json!(null));
    assert_eq!(response.error_code(), "UNAUTHENTICATED");
}

/// Many clients keep writing the same item, each re-reading its version after a conflict: every
/// acknowledged write is in the history exactly once, in version order, the audit trail matches it
/// one for one, and the item ends as the last acknowledged write left it.
#[tokio::test]
async fn many_writers_retrying_on_conflict_lose_no_acknowledged_write() {
    let app = TestApp::with_fixture().await;
    let editor = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let (id, start) = item_id(&app, "FX-RAP-UA-46/1.1.1").await;
    let writes_per_client = 3;
    let clients = (0..6).map(|client| {
        let (app, editor, id) = (&app, &editor, id.clone());
        async move {
            let mut acknowledged = Vec::new();
            while acknowledged.len() < writes_per_client {
                let (_, version) = item_id(app, "FX-RAP-UA-46/1.1.1").await;
                let title = format!("Client {client} write {}", acknowledged.len());
                let variables = json!({ "input": { "id": id, "version": version, "titleEn": title } });
                let answer = app.bearer(editor).graphql(UPDATE_ITEM, variables).await;
                if answer.body["errors"].is_null() {
                    let stored = answer.data()["updatePlanItem"]["planItem"]["version"]
                        .as_i64()
                        .unwrap();
                    assert_eq!(stored, version + 1);
                    acknowledged.push((stored, title));
                } else {
                    assert_eq!(answer.error_code(), "CONFLICT", "{}", answer.body);
                }
            }
            acknowledged
        }
    });
    let mut acknowledged: Vec<(i64, String)> = futures_util::future::join_all(clients)
        .await
        .into_iter()
        .flatten()
        .collect();
    acknowledged.sort();
    let total = i64::try_from(acknowledged.len()).unwrap();
    let versions: Vec<i64> = acknowledged.iter().map(|(version, _)| *version).collect();
    assert_eq!(
        versions,
        ((start + 1)..=(start + total)).collect::<Vec<_>>(),
        "one winner per version"
    );
    let stored = app
        .graphql(
            r#"{ planItem(code: "FX-RAP-UA-46/1.1.1") { version titles { en } } }"#,
            json!({}),
        )
        .await;
    let last = acknowledged.last().unwrap();
    assert_eq!(
        stored.data()["planItem"],
        json!({ "version": last.0, "titles": { "en": last.1 } })
    );
    let events = app
        .bearer(&editor)
        .graphql(
            "query($id: ID!) { auditEvents(filter: {entity: $id}, first: 100) { nodes { version after } } }",
            json!({ "id": id }),
        )
        .await;
    let mut audited: Vec<(i64, String)> = events.data()["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| {
            let after: Value = serde_json::from_str(event["after"].as_str().unwrap()).unwrap();
            (
                event["version"].as_i64().unwrap(),
                after["title_en"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    audited.sort();
    assert_eq!(
        audited, acknowledged,
        "the audit trail matches the acknowledged writes one for one"
    );
}

/// A withdrawn item keeps its relations as they were: linking to it is refused like any other
/// change of it, and changes nothing.
#[tokio::test]
async fn links_to_a_withdrawn_item_are_refused_and_change_nothing() {
    let app = TestApp::with_fixture().await;
    let editor = app.token_for("rma-ua-46", &[Scope::PlansWrite]).await;
    let created = app
        .bearer(&editor)
        .graphql(
            CREATE_ITEM,
            json!({ "input": { "plan": "FX-RAP-UA-46", "number": "1.1.9", "titleEn": "Soon withdrawn" } }),
        )
        .await;
    let code = created.data()["createPlanItem"]["planItem"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (id, version) = item_id(&app, &code).await;
    let withdrawn = app
        .bearer(&editor).graphql("mutation($input: WithdrawPlanItemInput!) { withdrawPlanItem(input: $input) { planItem { status } } }",
            json!({ "input": { "id": id, "version": version, "reason": "Test" } }),
        )
        .await;
    assert_eq!(
        withdrawn.data()["withdrawPlanItem"]["planItem"]["status"],
        "WITHDRAWN"
    );
    let before = dump(&app.db).await;
    let linked = app
        .bearer(&editor).graphql("mutation($input: PlanItemTargetGroupInput!) { linkTargetGroup(input: $input) { planItem { version } } }",
            json!({ "input": { "planItem": code, "targetGroup": "veterans" } }),
        )
        .await;
    assert_eq!(linked.error_code(), "BAD_USER_INPUT", "{}", linked.body);
    assert_eq!(linked.body["errors"][0]["extensions"]["field"], "input.planItem");
    assert!(dump(&app.db).await == before);
}
