//! Organisation-scoped API tokens, the audit trail with its public change sequence, and the
//! withdrawal columns of the entities that are withdrawn rather than deleted.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_index, foreign_key, with_row_metadata};

/// The key of the one row of `registry_state`.
pub const REGISTRY_STATE_ID: &str = "00000000-0000-0000-0000-000000001325";

/// Creates `api_tokens`, `audit_events` and `registry_state`, and adds withdrawal columns.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables that gain `withdrawn_at` and `withdrawal_reason`.
const WITHDRAWABLE: [&str; 5] = [
    "plans",
    "indicators",
    "indicator_values",
    "organisations",
    "project_links",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                with_row_metadata(Table::create().table("api_tokens"))
                    .col(uuid("organisation_id"))
                    .col(text("scopes"))
                    .col(string("label"))
                    .col(string("created_by"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .foreign_key(&mut foreign_key(
                        "api_tokens",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "api_tokens", &["organisation_id"], false).await?;

        manager
            .create_table(
                with_row_metadata(Table::create().table("audit_events"))
                    .col(big_integer("sequence"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(uuid_null("organisation_id"))
                    .col(uuid_null("token_id"))
                    .col(string("actor"))
                    .col(string_len("entity_type", 64))
                    .col(uuid("entity_id"))
                    .col(string_null("entity_code"))
                    .col(string_len("action", 32))
                    .col(integer("entity_version"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .col(boolean("public"))
                    .foreign_key(&mut foreign_key(
                        "audit_events",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "audit_events", &["sequence"], true).await?;
        create_index(manager, "audit_events", &["organisation_id"], false).await?;
        create_index(manager, "audit_events", &["entity_id"], false).await?;
        create_index(manager, "audit_events", &["token_id"], false).await?;

        manager
            .create_table(
                with_row_metadata(Table::create().table("registry_state"))
                    .col(big_integer("change_sequence").default(0))
                    .to_owned(),
            )
            .await?;
        let now = "2026-11-22T00:00:00Z";
        let id = if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            format!("'{REGISTRY_STATE_ID}'")
        } else {
            format!("x'{}'", REGISTRY_STATE_ID.replace('-', ""))
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO registry_state (id, created_at, updated_at, version, change_sequence) VALUES ({id}, '{now}', '{now}', 1, 0)"
            ))
            .await?;

        for table in WITHDRAWABLE {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(timestamp_with_time_zone_null("withdrawn_at"))
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(text_null("withdrawal_reason"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in WITHDRAWABLE {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("withdrawal_reason")
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(Table::alter().table(table).drop_column("withdrawn_at").to_owned())
                .await?;
        }
        for table in ["registry_state", "audit_events", "api_tokens"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
