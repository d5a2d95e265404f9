//! Organisation renames carry the day the new name took effect (`nameEffectiveOn`), not the day of
//! the write: the name history, `nameOn(date:)` and the organisation's permanent address use it; a
//! day in the future, before the current name's start, or without a new name is refused on
//! `input.nameEffectiveOn` and changes nothing.

use chrono::Duration;
use nap_registry::domain::access::Scope;
use serde_json::{Value, json};

use crate::common::{TestApp, dump};

const CREATE: &str = "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id } } }";
const RENAME: &str =
    "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { version
    nameHistory { names { en } validFrom validUntil } } } }";
const NAME_ON: &str = r#"query($date: Date!) { organisation(identifier: "fx-ministry") { nameOn(date: $date) { names { en } validFrom } } }"#;

/// A new organisation `fx-ministry` (its first name starts today): the administrator's client and
/// the organisation's id.
async fn renamed_organisation(app: &TestApp) -> (crate::common::request::Client, Value) {
    let admin = app.as_org("ministry-of-social-policy", &[Scope::Admin]).await;
    let created = admin
        .graphql(
            CREATE,
            json!({ "input": { "code": "fx-ministry", "kind": "CENTRAL_AUTHORITY", "nameEn": "Ministry of Social Policy" } }),
        )
        .await;
    let id = created.data()["createOrganisation"]["organisation"]["id"].clone();
    (admin, id)
}

fn rename(id: &Value, version: i32, name: &str, effective_on: Option<&str>) -> Value {
    json!({ "input": { "id": id, "version": version, "nameEn": name, "nameEffectiveOn": effective_on } })
}

#[tokio::test]
async fn update_organisation_records_the_day_a_rename_took_effect() {
    let app = TestApp::with_fixture().await;
    let (admin, id) = renamed_organisation(&app).await;
    let today = nap_registry::domain::calendar::today();
    // Backdating before the current name (created today) is refused.
    let refused = admin
        .graphql(
            RENAME,
            rename(
                &id,
                1,
                "Ministry of Social Policy, Family and Unity",
                Some("2025-09-15"),
            ),
        )
        .await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"],
        "input.nameEffectiveOn"
    );
    // A rename recorded today that took effect today, then a second one.
    admin
        .graphql(
            RENAME,
            rename(&id, 1, "Ministry of Social Policy, Family and Unity", None),
        )
        .await
        .data();
    let second = admin
        .graphql(
            RENAME,
            rename(&id, 2, "Ministry of Unity", Some(&today.to_string())),
        )
        .await;
    let history = &second.data()["updateOrganisation"]["organisation"]["nameHistory"];
    assert_eq!(
        history,
        &json!([
            { "names": { "en": "Ministry of Social Policy" }, "validFrom": today.to_string(), "validUntil": today.to_string() },
            { "names": { "en": "Ministry of Social Policy, Family and Unity" }, "validFrom": today.to_string(), "validUntil": today.to_string() },
            { "names": { "en": "Ministry of Unity" }, "validFrom": today.to_string(), "validUntil": null },
        ])
    );
    let on_today = app.graphql(NAME_ON, json!({ "date": today.to_string() })).await;
    assert_eq!(
        on_today.data()["organisation"]["nameOn"]["names"]["en"],
        "Ministry of Unity",
        "on a rename's day the new name is given"
    );
}

#[tokio::test]
async fn update_organisation_backdates_a_rename_and_name_on_reads_it() {
    let app = TestApp::with_fixture().await;
    // The canonical ministry: its first name has no known start, so any past day may be given.
    let admin = app.as_org("ministry-of-social-policy", &[Scope::Admin]).await;
    let found = app
        .graphql(
            r#"{ organisation(identifier: "cabinet-of-ministers") { id version nameHistory { validFrom validUntil } } }"#,
            json!({}),
        )
        .await;
    let body = found.data()["organisation"].clone();
    assert_eq!(body["nameHistory"].as_array().unwrap().len(), 1);
    assert!(body["nameHistory"][0]["validFrom"].is_null());
    let version = i32::try_from(body["version"].as_i64().unwrap()).unwrap();
    let renamed = admin
        .graphql(
            "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { nameHistory { names { en } validFrom validUntil } } } }",
            rename(&body["id"], version, "Cabinet of Ministers (renamed)", Some("2024-03-01")),
        )
        .await;
    let history = renamed.data()["updateOrganisation"]["organisation"]["nameHistory"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(history[0]["validUntil"], "2024-03-01");
    assert_eq!(
        history[1],
        json!({ "names": { "en": "Cabinet of Ministers (renamed)" }, "validFrom": "2024-03-01", "validUntil": null })
    );
    let name_on = |date: &'static str| {
        let app = &app;
        async move {
            app.graphql(
                r#"query($date: Date!) { organisation(identifier: "cabinet-of-ministers") { nameOn(date: $date) { names { en } } } }"#,
                json!({ "date": date }),
            )
            .await
            .data()["organisation"]["nameOn"]["names"]["en"]
                .clone()
        }
    };
    assert_eq!(
        name_on("2024-02-29").await,
        json!("Cabinet of Ministers of Ukraine")
    );
    assert_eq!(
        name_on("2024-03-01").await,
        json!("Cabinet of Ministers (renamed)")
    );
    // The permanent address shows the history with the day the rename took effect.
    let page = app
        .anonymous()
        .get_accepting("/id/organisation/cabinet-of-ministers", "application/json")
        .await
        .json();
    let history = page["nap:nameHistory"].to_string();
    assert!(history.contains("2024-03-01 – …:"), "{page}");
    assert!(history.contains("Cabinet of Ministers (renamed)"), "{page}");
    assert!(history.contains("… – 2024-03-01:"), "{page}");
}

#[tokio::test]
async fn update_organisation_refuses_a_future_day_or_a_day_without_a_new_name_and_changes_nothing() {
    let app = TestApp::with_fixture().await;
    let (admin, id) = renamed_organisation(&app).await;
    let tomorrow = (nap_registry::domain::calendar::today() + Duration::days(1)).to_string();
    let before = dump(&app.db).await;
    for (input, why) in [
        (
            rename(&id, 1, "Future name", Some(&tomorrow)),
            "a day in the future",
        ),
        (
            json!({ "input": { "id": id, "version": 1, "nameEffectiveOn": "2020-01-01" } }),
            "a day without a new name",
        ),
    ] {
        let refused = admin.graphql(RENAME, input).await;
        assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{why}: {}", refused.body);
        assert_eq!(
            refused.body["errors"][0]["extensions"]["field"], "input.nameEffectiveOn",
            "{why}"
        );
    }
    assert!(
        dump(&app.db).await == before,
        "a refused rename changed the database"
    );
    let today = app
        .graphql(
            NAME_ON,
            json!({ "date": nap_registry::domain::calendar::today().to_string() }),
        )
        .await;
    assert_eq!(
        today.data()["organisation"]["nameOn"]["names"]["en"],
        "Ministry of Social Policy"
    );
    let earlier = app.graphql(NAME_ON, json!({ "date": "2019-12-31" })).await;
    assert_eq!(
        earlier.data()["organisation"]["nameOn"],
        Value::Null,
        "before the first known name there is none"
    );
}
