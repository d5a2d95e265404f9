//! The migrations apply, roll back completely and apply again on both backends.

use migration::{Migrator, MigratorTrait, SchemaManager};

use crate::common::{TestDatabase, steps_down_through};

const TABLES: [&str; 34] = [
    "regions",
    "organisations",
    "organisation_names",
    "organisation_identifiers",
    "organisation_successions",
    "legal_acts",
    "plans",
    "plan_legal_acts",
    "plan_items",
    "funding_lines",
    "responsibilities",
    "vocabularies",
    "target_groups",
    "plan_item_target_groups",
    "plan_item_implementations",
    "indicators",
    "indicator_values",
    "project_links",
    "project_participants",
    "project_dac_purposes",
    "project_regions",
    "project_plan_items",
    "api_tokens",
    "audit_events",
    "registry_state",
    "loaded_rows",
    "region_plan_states",
    "vocabulary_carry_overs",
    "webhook_endpoints",
    "webhook_secrets",
    "webhook_cursors",
    "webhook_deliveries",
    "project_iati_records",
    "project_budgets",
];

async fn existing_tables(manager: &SchemaManager<'_>) -> Vec<&'static str> {
    let mut found = Vec::new();
    for table in TABLES {
        if manager.has_table(table).await.expect("inspect the schema") {
            found.push(table);
        }
    }
    found
}

#[tokio::test]
async fn migrate_up_down_up_leaves_a_complete_schema() {
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    let manager = SchemaManager::new(&db);

    Migrator::up(&db, None).await.expect("first up");
    assert_eq!(existing_tables(&manager).await, TABLES.to_vec());
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .expect("status")
            .is_empty()
    );

    Migrator::down(&db, None).await.expect("down");
    assert_eq!(existing_tables(&manager).await, Vec::<&str>::new());
    assert_eq!(
        Migrator::get_applied_migrations(&db).await.expect("status").len(),
        0
    );

    Migrator::up(&db, None).await.expect("second up");
    assert_eq!(existing_tables(&manager).await, TABLES.to_vec());
    nap_registry::reference_data::load_canonical(&db)
        .await
        .expect("the re-created schema accepts the reference data");
}

#[tokio::test]
async fn migrate_down_one_step_removes_only_the_last_migration() {
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    let manager = SchemaManager::new(&db);
    Migrator::up(&db, None).await.expect("up");
    Migrator::down(&db, Some(1)).await.expect("down one");
    let remaining = existing_tables(&manager).await;
    assert!(remaining.contains(&"region_plan_states") && remaining.contains(&"audit_events"));
    assert!(!remaining.contains(&"webhook_endpoints") && !remaining.contains(&"webhook_deliveries"));
    let through_region_states = steps_down_through("m20261201_000200_create_region_plan_states");
    Migrator::down(&db, Some(through_region_states - 1))
        .await
        .expect("down to the loaded rows");
    let remaining = existing_tables(&manager).await;
    assert!(remaining.contains(&"loaded_rows") && remaining.contains(&"plans"));
    assert!(!remaining.contains(&"region_plan_states"));
    Migrator::down(&db, Some(1)).await.expect("down another");
    let remaining = existing_tables(&manager).await;
    assert!(remaining.contains(&"audit_events") && remaining.contains(&"api_tokens"));
    assert!(!remaining.contains(&"loaded_rows"));
    Migrator::down(&db, Some(1)).await.expect("down another");
    let remaining = existing_tables(&manager).await;
    assert!(remaining.contains(&"plan_items") && remaining.contains(&"project_links"));
    assert!(!remaining.contains(&"api_tokens") && !remaining.contains(&"audit_events"));
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.expect("status").len(),
        steps_down_through("m20261122_000005_create_tokens_audit_and_withdrawals") as usize
    );
}

#[tokio::test]
async fn unique_constraints_hold_on_the_backend() {
    use sea_orm::ConnectionTrait;
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    Migrator::up(&db, None).await.expect("up");
    nap_registry::reference_data::load_canonical(&db)
        .await
        .expect("seed");
    // A second region with an existing ISO code is refused by the database itself.
    let now = "2026-01-01T00:00:00Z";
    let id = if database.is_postgres() {
        "'00000000-0000-0000-0000-000000000001'"
    } else {
        "x'00000000000000000000000000000001'"
    };
    let sql = format!(
        "INSERT INTO regions (id, created_at, updated_at, version, code, kind, name_uk, name_en, name_romanized) \
         VALUES ({id}, '{now}', '{now}', 1, 'UA-12', 'OBLAST', 'x', 'x', 'x')"
    );
    let error = db
        .execute_unprepared(&sql)
        .await
        .expect_err("duplicate region code accepted");
    assert!(error.to_string().to_lowercase().contains("unique"), "{error}");
}
