//! What an IATI import needs beyond the project link itself: `project_iati_records` keeps, per
//! imported link, the `last-updated-datetime` and a digest of the activity as last applied (so a
//! re-import of the same activity changes nothing), and `project_budgets` the budget per currency
//! (an IATI activity may budget in several currencies; the link's own budget holds one).

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_index, foreign_key, with_row_metadata};

/// Creates `project_iati_records` and `project_budgets`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                with_row_metadata(Table::create().table("project_iati_records"))
                    .col(uuid("project_link_id"))
                    .col(timestamp_with_time_zone_null("last_updated_at"))
                    .col(string_len("content_digest", 64))
                    .foreign_key(&mut foreign_key(
                        "project_iati_records",
                        "project_link_id",
                        "project_links",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "project_iati_records", &["project_link_id"], true).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("project_budgets"))
                    .col(uuid("project_link_id"))
                    .col(string_len("currency", 3))
                    .col(big_integer("amount_cents"))
                    .foreign_key(&mut foreign_key(
                        "project_budgets",
                        "project_link_id",
                        "project_links",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "project_budgets", &["project_link_id", "currency"], true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("project_budgets").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("project_iati_records").to_owned())
            .await
    }
}
