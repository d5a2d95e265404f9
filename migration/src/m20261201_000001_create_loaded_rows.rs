//! What the reference data loader last wrote, per row (`loaded_rows`), so that a later load can
//! tell "the shipped data changed" from "someone edited this row through the API"; and the change
//! feed made complete for registries loaded before this migration.
//!
//! Before this migration a load left one private aggregate audit event, so the rows it created
//! were missing from the public feed. `up` adds one public CREATE event (at the object's current
//! version, numbered after every existing event) for each object that has no public event yet, so
//! that replaying the feed from the start reaches every object. It also corrects the code the feed
//! gave indicators (their sort key, e.g. `…/0001/I1`) to the indicator's canonical code
//! (`<item code>/<indicator code>`). The digests of `loaded_rows` are filled by the next load,
//! which compares the stored rows with the shipped files (this crate cannot see them): see
//! `api/src/reference_data/dataset.rs`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_index, with_row_metadata};

/// Creates `loaded_rows` and completes the change feed.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The objects of the feed: table, GraphQL type, and the SQL giving the code the feed shows.
const FEED_OBJECTS: [(&str, &str, &str); 9] = [
    ("regions", "Region", "t.code"),
    ("organisations", "Organisation", "t.code"),
    ("legal_acts", "LegalAct", "NULL"),
    ("plans", "Plan", "t.code"),
    ("target_groups", "TargetGroup", "t.code"),
    ("plan_items", "PlanItem", "t.code"),
    (
        "indicators",
        "Indicator",
        "(SELECT i.code || '/' || t.code FROM plan_items i WHERE i.id = t.plan_item_id)",
    ),
    ("indicator_values", "IndicatorValue", "NULL"),
    ("project_links", "ProjectLink", "t.iati_identifier"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                with_row_metadata(Table::create().table("loaded_rows"))
                    .col(string("table_name"))
                    .col(string("digest"))
                    .col(integer("loaded_version"))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "loaded_rows", &["table_name"], false).await?;

        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE audit_events SET entity_code = \
             (SELECT i.code || '/' || t.code FROM indicators t JOIN plan_items i ON i.id = t.plan_item_id \
              WHERE t.id = audit_events.entity_id) \
             WHERE entity_type = 'Indicator' AND EXISTS (SELECT 1 FROM indicators t WHERE t.id = audit_events.entity_id)",
        )
        .await?;
        for (table, entity_type, code) in FEED_OBJECTS {
            // The event's key is the object's own (unique among events made here: one per object).
            db.execute_unprepared(&format!(
                "INSERT INTO audit_events (id, sequence, occurred_at, organisation_id, token_id, actor, \
                 entity_type, entity_id, entity_code, action, entity_version, before, after, public, \
                 created_at, updated_at, version) \
                 SELECT t.id, \
                   (SELECT change_sequence FROM registry_state) + ROW_NUMBER() OVER (ORDER BY t.created_at, t.id), \
                   t.created_at, NULL, NULL, 'cli', '{entity_type}', t.id, {code}, 'CREATE', t.version, \
                   NULL, NULL, TRUE, t.created_at, t.created_at, 1 \
                 FROM {table} t \
                 WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_id = t.id AND a.public)"
            ))
            .await?;
            db.execute_unprepared(
                "UPDATE registry_state SET change_sequence = \
                 (SELECT COALESCE(MAX(sequence), 0) FROM audit_events) \
                 WHERE change_sequence < (SELECT COALESCE(MAX(sequence), 0) FROM audit_events)",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("loaded_rows").to_owned())
            .await
    }
}
