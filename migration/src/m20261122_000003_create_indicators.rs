//! Indicators and their baseline, target and actual values.
//!
//! Every table has an immutable UUID key, creation and change timestamps and a `version` counter;
//! every foreign key and lookup code is indexed. A landed migration is never edited: add a new one.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_index, foreign_key, with_row_metadata};

/// Creates the tables listed in the module doc.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                with_row_metadata(Table::create().table("indicators"))
                    .col(uuid("plan_item_id"))
                    .col(string("code"))
                    .col(string("sort_key"))
                    .col(text_null("name_uk"))
                    .col(text_null("name_en"))
                    .col(string("unit"))
                    .col(string_len("direction", 32))
                    .col(string_null("sdg_indicator"))
                    .col(text_null("data_source"))
                    .col(text("search_text"))
                    .foreign_key(&mut foreign_key(
                        "indicators",
                        "plan_item_id",
                        "plan_items",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "indicators", &["plan_item_id", "code"], true).await?;
        create_index(manager, "indicators", &["sort_key"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("indicator_values"))
                    .col(uuid("indicator_id"))
                    .col(string_len("kind", 32))
                    .col(integer("period_start_year"))
                    .col(integer("period_end_year"))
                    .col(double("value"))
                    .col(string_len("sex", 32))
                    .col(uuid_null("region_id"))
                    .col(text_null("source"))
                    .col(uuid_null("reported_by_id"))
                    .foreign_key(&mut foreign_key(
                        "indicator_values",
                        "indicator_id",
                        "indicators",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "indicator_values",
                        "region_id",
                        "regions",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "indicator_values",
                        "reported_by_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "indicator_values", &["indicator_id"], false).await?;
        create_index(manager, "indicator_values", &["region_id"], false).await?;
        create_index(manager, "indicator_values", &["reported_by_id"], false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["indicator_values", "indicators"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
