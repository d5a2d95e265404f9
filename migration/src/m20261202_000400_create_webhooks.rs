//! Webhooks: `webhook_endpoints` (an organisation's receiver address and its filters),
//! `webhook_secrets` (the signing secrets of an endpoint; a rotated-out secret keeps signing until
//! its `expires_at`), `webhook_cursors` (per endpoint: the last change delivered, the retry state
//! of the next one, the delivery lease that lets one instance at a time deliver, and why the
//! endpoint was disabled) and `webhook_deliveries` (one row per delivery attempt). The audit
//! events table is the outbox: a cursor points into its sequence, so an acknowledged write is
//! never lost.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_index, foreign_key, with_row_metadata};

/// Creates the webhook tables.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                with_row_metadata(Table::create().table("webhook_endpoints"))
                    .col(uuid("organisation_id"))
                    .col(text("url"))
                    .col(text_null("description"))
                    .col(boolean("enabled"))
                    .col(text("entity_types"))
                    .col(text("plan_codes"))
                    .col(text("region_codes"))
                    .col(text("organisation_codes"))
                    .col(timestamp_with_time_zone_null("deleted_at"))
                    .foreign_key(&mut foreign_key(
                        "webhook_endpoints",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "webhook_endpoints", &["organisation_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("webhook_secrets"))
                    .col(uuid("endpoint_id"))
                    .col(text("secret"))
                    .col(timestamp_with_time_zone_null("expires_at"))
                    .foreign_key(&mut foreign_key(
                        "webhook_secrets",
                        "endpoint_id",
                        "webhook_endpoints",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "webhook_secrets", &["endpoint_id"], false).await?;
        manager
            .create_table(
                // `id` is the endpoint's id: one cursor per endpoint.
                with_row_metadata(Table::create().table("webhook_cursors"))
                    .col(big_integer("last_sequence"))
                    .col(integer("failed_attempts").default(0))
                    .col(timestamp_with_time_zone_null("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("failing_since"))
                    .col(timestamp_with_time_zone_null("disabled_at"))
                    .col(text_null("disabled_reason"))
                    .col(uuid_null("lease_owner"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .foreign_key(&mut foreign_key(
                        "webhook_cursors",
                        "id",
                        "webhook_endpoints",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("webhook_deliveries"))
                    .col(uuid("endpoint_id"))
                    .col(big_integer("sequence"))
                    .col(string_len("message_id", 64))
                    .col(integer("attempt"))
                    .col(string_len("outcome", 16))
                    .col(integer_null("status_code"))
                    .col(big_integer("latency_ms"))
                    .col(text_null("error"))
                    .col(timestamp_with_time_zone("attempted_at"))
                    .foreign_key(&mut foreign_key(
                        "webhook_deliveries",
                        "endpoint_id",
                        "webhook_endpoints",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "webhook_deliveries",
            &["endpoint_id", "attempted_at"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "webhook_deliveries",
            "webhook_cursors",
            "webhook_secrets",
            "webhook_endpoints",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
