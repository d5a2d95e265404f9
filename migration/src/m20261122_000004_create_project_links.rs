//! Donor and partner project links with participants, DAC purposes, regions and plan items.
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
                with_row_metadata(Table::create().table("project_links"))
                    .col(text_null("title_uk"))
                    .col(text_null("title_en"))
                    .col(string_null("iati_identifier"))
                    .col(big_integer_null("budget_amount_cents"))
                    .col(string_null("budget_currency"))
                    .col(date_null("start_date"))
                    .col(date_null("end_date"))
                    .col(text_null("url"))
                    .col(small_integer_null("gender_marker"))
                    .col(uuid("owner_organisation_id"))
                    .col(text("search_text"))
                    .foreign_key(&mut foreign_key(
                        "project_links",
                        "owner_organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "project_links", &["iati_identifier"], true).await?;
        create_index(manager, "project_links", &["owner_organisation_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("project_participants"))
                    .col(uuid("project_link_id"))
                    .col(uuid("organisation_id"))
                    .col(string_len("role", 32))
                    .foreign_key(&mut foreign_key(
                        "project_participants",
                        "project_link_id",
                        "project_links",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "project_participants",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "project_participants",
            &["project_link_id", "organisation_id", "role"],
            true,
        )
        .await?;
        create_index(manager, "project_participants", &["organisation_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("project_dac_purposes"))
                    .col(uuid("project_link_id"))
                    .col(string("code"))
                    .foreign_key(&mut foreign_key(
                        "project_dac_purposes",
                        "project_link_id",
                        "project_links",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "project_dac_purposes",
            &["project_link_id", "code"],
            true,
        )
        .await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("project_regions"))
                    .col(uuid("project_link_id"))
                    .col(uuid("region_id"))
                    .foreign_key(&mut foreign_key(
                        "project_regions",
                        "project_link_id",
                        "project_links",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "project_regions",
                        "region_id",
                        "regions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "project_regions",
            &["project_link_id", "region_id"],
            true,
        )
        .await?;
        create_index(manager, "project_regions", &["region_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("project_plan_items"))
                    .col(uuid("project_link_id"))
                    .col(uuid("plan_item_id"))
                    .foreign_key(&mut foreign_key(
                        "project_plan_items",
                        "project_link_id",
                        "project_links",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "project_plan_items",
                        "plan_item_id",
                        "plan_items",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "project_plan_items",
            &["project_link_id", "plan_item_id"],
            true,
        )
        .await?;
        create_index(manager, "project_plan_items", &["plan_item_id"], false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "project_plan_items",
            "project_regions",
            "project_dac_purposes",
            "project_participants",
            "project_links",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
