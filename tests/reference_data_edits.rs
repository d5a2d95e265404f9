//! A reference data load never undoes an edit made through the API: it tells "the shipped data
//! changed" (update the row) from "someone edited this row" (leave it, and report it), and every
//! row it inserts or changes gets its own audit event and change feed entry. Registries loaded
//! before the loader kept its records are upgraded without losing an edit.

use migration::{Migrator, MigratorTrait};
use nap_registry::{
    domain::access::Scope,
    reference_data::{self, canonical::canonical_dataset},
};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::common::{TestApp, feed_after, steps_down_through};

const TARGET_GROUP: &str = "query($code: String!) { targetGroup(code: $code) { id status version } }";
const WITHDRAW_GROUP: &str = "mutation($input: WithdrawTargetGroupInput!) { withdrawTargetGroup(input: $input) { targetGroup { status version } } }";
const HEAD: &str = "{ changesHead { sequence cursor } }";

/// Withdraws the `veterans` target group as an administrator; returns its state.
async fn withdraw_veterans(app: &TestApp) -> Value {
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let group = app
        .graphql(TARGET_GROUP, json!({ "code": "veterans" }))
        .await
        .data()["targetGroup"]
        .clone();
    app.bearer(&admin)
        .graphql(
            WITHDRAW_GROUP,
            json!({ "input": { "id": group["id"], "version": group["version"] } }),
        )
        .await
        .data()["withdrawTargetGroup"]["targetGroup"]
        .clone()
}

async fn audit_event_count(app: &TestApp) -> u64 {
    entity::audit_event::Entity::find().count(&app.db).await.unwrap()
}

#[tokio::test]
async fn seed_after_an_administrator_withdrew_a_target_group_leaves_it_withdrawn_and_reports_it() {
    let app = TestApp::seeded().await;
    let withdrawn = withdraw_veterans(&app).await;
    assert_eq!(withdrawn, json!({ "status": "WITHDRAWN", "version": 2 }));
    let events = audit_event_count(&app).await;

    let report = reference_data::load_canonical(&app.db).await.unwrap();
    assert!(report.changed_nothing(), "the load changed rows:\n{report}");
    assert_eq!(report.kept.len(), 1, "{report}");
    assert_eq!(
        (report.kept[0].table, report.kept[0].label.as_str()),
        ("target_groups", "veterans")
    );
    let groups = report.tables.iter().find(|t| t.table == "target_groups").unwrap();
    assert_eq!((groups.updated, groups.kept), (0, 1));
    let summary = report.to_string();
    assert!(
        summary.contains("target_groups veterans") && summary.contains("changed through the API"),
        "{summary}"
    );
    let after = app.graphql(TARGET_GROUP, json!({ "code": "veterans" })).await;
    assert_eq!(after.data()["targetGroup"]["status"], "WITHDRAWN");
    assert_eq!(after.data()["targetGroup"]["version"], 2);
    assert_eq!(
        audit_event_count(&app).await,
        events,
        "a load that changes nothing leaves no trace"
    );
}

#[tokio::test]
async fn seed_applies_a_shipped_change_with_its_own_event_but_keeps_an_edited_row() {
    let app = TestApp::seeded().await;
    withdraw_veterans(&app).await;
    let head = app.graphql(HEAD, json!({})).await.data()["changesHead"].clone();

    let mut shipped = canonical_dataset().unwrap();
    let region = shipped.regions.iter_mut().find(|r| r.code == "UA-12").unwrap();
    region.name_en = "Dnipropetrovsk (renamed in the files)".to_owned();
    let group = shipped
        .target_groups
        .iter_mut()
        .find(|g| g.code == "veterans")
        .unwrap();
    group.label_en = Some("Veterans (relabelled in the files)".to_owned());
    let report = shipped.load(&app.db).await.unwrap();

    let regions = report.tables.iter().find(|t| t.table == "regions").unwrap();
    assert_eq!((regions.updated, regions.unchanged, regions.kept), (1, 26, 0));
    assert_eq!(report.kept.len(), 1, "{report}");
    assert_eq!(report.kept[0].label, "veterans");
    assert_eq!(report.events, 1);
    let region = app
        .graphql(
            "{ region(code: \"UA-12\") { nameEn: name(lang: EN) } }",
            json!({}),
        )
        .await;
    assert_eq!(
        region.data()["region"]["nameEn"],
        "Dnipropetrovsk (renamed in the files)"
    );
    let group = app.graphql(TARGET_GROUP, json!({ "code": "veterans" })).await;
    assert_eq!(group.data()["targetGroup"]["status"], "WITHDRAWN");
    assert_eq!(group.data()["targetGroup"]["version"], 2);

    let changes = feed_after(&app, head["cursor"].clone()).await;
    let seen: Vec<(Value, Value, Value, Value)> = changes
        .iter()
        .map(|c| {
            (
                c["entityType"].clone(),
                c["entityCode"].clone(),
                c["action"].clone(),
                c["version"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [(json!("Region"), json!("UA-12"), json!("UPDATE"), json!(2))]
    );
    assert_eq!(
        changes[0]["sequence"].as_i64().unwrap(),
        head["sequence"].as_i64().unwrap() + 1
    );

    // The next load of the same files finds the region as it left it.
    let again = shipped.load(&app.db).await.unwrap();
    assert!(again.changed_nothing(), "{again}");
}

#[tokio::test]
async fn seed_leaves_out_a_row_removed_through_the_api_and_reports_it() {
    let app = TestApp::seeded().await;
    let name = canonical_dataset().unwrap().organisation_names[0].clone();
    entity::organisation_name::Entity::delete_by_id(name.id)
        .exec(&app.db)
        .await
        .unwrap();
    let report = reference_data::load_canonical(&app.db).await.unwrap();
    assert!(report.changed_nothing(), "{report}");
    assert_eq!(report.kept.len(), 1, "{report}");
    assert_eq!(
        report.kept[0].reason,
        "removed through the API since it was loaded"
    );
    assert!(
        entity::organisation_name::Entity::find_by_id(name.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn each_row_a_load_inserts_has_its_own_audit_event_and_sequence_number() {
    let app = TestApp::migrated().await;
    let report = reference_data::load_canonical(&app.db).await.unwrap();
    let inserted: usize = report.tables.iter().map(|t| t.inserted).sum();
    assert_eq!(report.events, inserted);
    let events = entity::audit_event::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(events.len(), inserted);
    let mut sequences: Vec<i64> = events.iter().map(|e| e.sequence).collect();
    sequences.sort_unstable();
    let expected: Vec<i64> = (1..=i64::try_from(inserted).unwrap()).collect();
    assert_eq!(sequences, expected, "one sequence number per row, without gaps");
    let head = app.graphql(HEAD, json!({})).await;
    assert_eq!(
        head.data()["changesHead"]["sequence"],
        json!(i64::try_from(inserted).unwrap())
    );
    let veterans = events
        .iter()
        .find(|e| e.entity_type == "TargetGroup" && e.entity_code.as_deref() == Some("veterans"))
        .unwrap();
    assert_eq!(
        (veterans.action.as_str(), veterans.actor.as_str()),
        ("CREATE", "cli")
    );
    assert!(veterans.public);
    // A name of an organisation is recorded as a LINK of the organisation.
    assert!(
        events
            .iter()
            .any(|e| e.entity_type == "Organisation" && e.action == "LINK")
    );
}

#[tokio::test]
async fn a_registry_loaded_before_the_loader_kept_records_is_upgraded_without_losing_an_edit() {
    let app = TestApp::seeded().await;
    // Rebuild the state of a registry loaded by the old loader: no `loaded_rows`, no feed entries
    // for the loaded rows (one private aggregate event instead), and none of the tables added
    // after `loaded_rows` (`region_plan_states`: its shipped rows arrive with the first load; and
    // every later table).
    Migrator::down(
        &app.db,
        Some(steps_down_through("m20261201_000001_create_loaded_rows")),
    )
    .await
    .unwrap();
    app.db
        .execute_unprepared("DELETE FROM audit_events")
        .await
        .unwrap();
    let withdrawn = withdraw_veterans(&app).await;
    assert_eq!(withdrawn["version"], 2);
    Migrator::up(&app.db, None).await.unwrap();

    // The feed now names every object once more: the migration added the missing ones.
    let changes = feed_after(&app, json!("0")).await;
    let veterans: Vec<&Value> = changes.iter().filter(|c| c["entityCode"] == "veterans").collect();
    assert_eq!(veterans.len(), 1, "{veterans:?}");
    assert_eq!(veterans[0]["action"], "WITHDRAW");
    let regions = changes.iter().filter(|c| c["entityType"] == "Region").count();
    assert_eq!(regions, 27);
    let sequences: Vec<i64> = changes.iter().map(|c| c["sequence"].as_i64().unwrap()).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]));

    // The first load afterwards adopts the rows that are as shipped and keeps the edited one.
    let events = audit_event_count(&app).await;
    let report = reference_data::load_canonical(&app.db).await.unwrap();
    let changed: Vec<(&str, usize, usize)> = report
        .tables
        .iter()
        .filter(|t| t.inserted + t.updated > 0)
        .map(|t| (t.table, t.inserted, t.updated))
        .collect();
    assert_eq!(changed, [("region_plan_states", 3, 0)], "{report}");
    assert_eq!(report.kept.len(), 1, "{report}");
    assert_eq!(report.kept[0].label, "veterans");
    assert_eq!(audit_event_count(&app).await, events + 3);
    let rows: usize = report.tables.iter().map(|t| t.unchanged + t.inserted).sum();
    let records = entity::loaded_row::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(records, u64::try_from(rows).unwrap());
    let group = app.graphql(TARGET_GROUP, json!({ "code": "veterans" })).await;
    assert_eq!(group.data()["targetGroup"]["status"], "WITHDRAWN");

    // A shipped change then reaches the adopted rows.
    let mut shipped = canonical_dataset().unwrap();
    shipped.regions[0].name_en = "Renamed in the files".to_owned();
    let report = shipped.load(&app.db).await.unwrap();
    let regions = report.tables.iter().find(|t| t.table == "regions").unwrap();
    assert_eq!(regions.updated, 1, "{report}");
}

#[tokio::test]
async fn synthetic_load_records_one_event_per_row() {
    let app = TestApp::migrated().await;
    let report = reference_data::load_synthetic(&app.db, reference_data::SyntheticSize::SMALL)
        .await
        .unwrap();
    let inserted: usize = report.tables.iter().map(|t| t.inserted).sum();
    assert_eq!(report.events, inserted);
    assert_eq!(audit_event_count(&app).await, u64::try_from(inserted).unwrap());
}

/// A shipped change that moves a row to another owner (an identifier from one organisation to
/// another) is recorded on the new owner only; the read model still drops the row from the old
/// one, whose own row the loader leaves alone here (it was edited through the API).
#[tokio::test]
async fn an_identifier_moved_to_another_organisation_by_the_files_leaves_the_first_in_every_read() {
    const TWO: &str = r#"{ un: organisation(identifier: "un-women-ukraine") { code identifiers }
        ministry: organisation(identifier: "ministry-of-social-policy") { code identifiers } }"#;
    let app = TestApp::seeded().await.without_response_cache();
    let database = app.database_reader();
    let before = app.graphql(TWO, json!({})).await;
    assert_eq!(before.data()["un"]["identifiers"], json!(["XM-DAC-41146"]));
    let un = app
        .graphql(
            r#"{ organisation(identifier: "un-women-ukraine") { id version } }"#,
            json!({}),
        )
        .await
        .data()["organisation"]
        .clone();
    app.as_org("ministry-of-social-policy", &[Scope::Admin])
        .await
        .graphql(
            "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { version } } }",
            json!({ "input": { "id": un["id"], "version": un["version"], "nameEn": "UN Women (edited)" } }),
        )
        .await
        .data();
    // The read model catches up with the edit before the load.
    app.graphql(TWO, json!({})).await.data();

    let mut shipped = canonical_dataset().unwrap();
    let ministry = shipped
        .organisations
        .iter()
        .find(|o| o.code == "ministry-of-social-policy")
        .unwrap()
        .id;
    let identifier = shipped
        .organisation_identifiers
        .iter_mut()
        .find(|i| i.identifier == "XM-DAC-41146")
        .unwrap();
    identifier.organisation_id = ministry;
    shipped.load(&app.db).await.unwrap();

    let from_memory = app.graphql(TWO, json!({})).await;
    let from_database = database.graphql(TWO, json!({})).await;
    assert_eq!(from_memory.data(), from_database.data());
    assert_eq!(from_memory.data()["un"]["identifiers"], json!([]));
    assert!(
        from_memory.data()["ministry"]["identifiers"]
            .as_array()
            .unwrap()
            .contains(&json!("XM-DAC-41146")),
        "{}",
        from_memory.body
    );
}
