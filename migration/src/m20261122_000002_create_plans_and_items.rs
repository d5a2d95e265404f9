//! Plans, their legal acts, plan items with funding and responsibilities, target-group vocabularies and the links between items.
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
                with_row_metadata(Table::create().table("plans"))
                    .col(string("code"))
                    .col(string_len("level", 32))
                    .col(text_null("title_uk"))
                    .col(text_null("title_en"))
                    .col(integer("start_year"))
                    .col(integer("end_year"))
                    .col(string_len("status", 32))
                    .col(uuid_null("parent_plan_id"))
                    .col(uuid_null("supersedes_id"))
                    .col(uuid_null("region_id"))
                    .col(uuid("owner_organisation_id"))
                    .col(text_null("source_document"))
                    .foreign_key(&mut foreign_key(
                        "plans",
                        "parent_plan_id",
                        "plans",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "plans",
                        "supersedes_id",
                        "plans",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "plans",
                        "region_id",
                        "regions",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "plans",
                        "owner_organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "plans", &["code"], true).await?;
        create_index(manager, "plans", &["parent_plan_id"], false).await?;
        create_index(manager, "plans", &["supersedes_id"], false).await?;
        create_index(manager, "plans", &["region_id"], false).await?;
        create_index(manager, "plans", &["owner_organisation_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("plan_legal_acts"))
                    .col(uuid("plan_id"))
                    .col(uuid("legal_act_id"))
                    .col(string_len("role", 32))
                    .foreign_key(&mut foreign_key(
                        "plan_legal_acts",
                        "plan_id",
                        "plans",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "plan_legal_acts",
                        "legal_act_id",
                        "legal_acts",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "plan_legal_acts",
            &["plan_id", "legal_act_id", "role"],
            true,
        )
        .await?;
        create_index(manager, "plan_legal_acts", &["legal_act_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("plan_items"))
                    .col(uuid("plan_id"))
                    .col(string_len("kind", 32))
                    .col(string("number"))
                    .col(string("code"))
                    .col(string("sort_key"))
                    .col(uuid_null("parent_id"))
                    .col(text_null("title_uk"))
                    .col(text_null("title_en"))
                    .col(text_null("description_uk"))
                    .col(text_null("description_en"))
                    .col(string_len("status", 32))
                    .col(text_null("withdrawal_reason"))
                    .col(timestamp_with_time_zone_null("withdrawn_at"))
                    .col(integer_null("start_year"))
                    .col(integer_null("end_year"))
                    .col(text("search_text"))
                    .foreign_key(&mut foreign_key(
                        "plan_items",
                        "plan_id",
                        "plans",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "plan_items",
                        "parent_id",
                        "plan_items",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "plan_items", &["plan_id", "number"], true).await?;
        create_index(manager, "plan_items", &["code"], true).await?;
        create_index(manager, "plan_items", &["plan_id", "sort_key"], false).await?;
        create_index(manager, "plan_items", &["sort_key", "code"], false).await?;
        create_index(manager, "plan_items", &["parent_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("funding_lines"))
                    .col(uuid("plan_item_id"))
                    .col(string_len("source", 32))
                    .col(big_integer_null("estimated_amount_cents"))
                    .col(string_null("currency"))
                    .col(text_null("note"))
                    .foreign_key(&mut foreign_key(
                        "funding_lines",
                        "plan_item_id",
                        "plan_items",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "funding_lines", &["plan_item_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("responsibilities"))
                    .col(uuid("plan_item_id"))
                    .col(uuid("organisation_id"))
                    .col(string_len("role", 32))
                    .foreign_key(&mut foreign_key(
                        "responsibilities",
                        "plan_item_id",
                        "plan_items",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "responsibilities",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "responsibilities",
            &["plan_item_id", "organisation_id", "role"],
            true,
        )
        .await?;
        create_index(manager, "responsibilities", &["organisation_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("vocabularies"))
                    .col(string("code"))
                    .col(string("edition"))
                    .col(text_null("title_uk"))
                    .col(text_null("title_en"))
                    .col(string_len("status", 32))
                    .col(text_null("source_document"))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "vocabularies", &["code"], true).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("target_groups"))
                    .col(uuid("vocabulary_id"))
                    .col(string("code"))
                    .col(integer("position"))
                    .col(text_null("label_uk"))
                    .col(text_null("label_en"))
                    .col(text_null("description_uk"))
                    .col(text_null("description_en"))
                    .col(string_len("status", 32))
                    .col(uuid_null("replaced_by_id"))
                    .foreign_key(&mut foreign_key(
                        "target_groups",
                        "vocabulary_id",
                        "vocabularies",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "target_groups",
                        "replaced_by_id",
                        "target_groups",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "target_groups", &["code"], true).await?;
        create_index(manager, "target_groups", &["position", "code"], false).await?;
        create_index(manager, "target_groups", &["vocabulary_id"], false).await?;
        create_index(manager, "target_groups", &["replaced_by_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("plan_item_target_groups"))
                    .col(uuid("plan_item_id"))
                    .col(uuid("target_group_id"))
                    .foreign_key(&mut foreign_key(
                        "plan_item_target_groups",
                        "plan_item_id",
                        "plan_items",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "plan_item_target_groups",
                        "target_group_id",
                        "target_groups",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "plan_item_target_groups",
            &["plan_item_id", "target_group_id"],
            true,
        )
        .await?;
        create_index(manager, "plan_item_target_groups", &["target_group_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("plan_item_implementations"))
                    .col(uuid("implementing_item_id"))
                    .col(uuid("implemented_item_id"))
                    .foreign_key(&mut foreign_key(
                        "plan_item_implementations",
                        "implementing_item_id",
                        "plan_items",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "plan_item_implementations",
                        "implemented_item_id",
                        "plan_items",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "plan_item_implementations",
            &["implementing_item_id", "implemented_item_id"],
            true,
        )
        .await?;
        create_index(
            manager,
            "plan_item_implementations",
            &["implemented_item_id"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "plan_item_implementations",
            "plan_item_target_groups",
            "target_groups",
            "vocabularies",
            "responsibilities",
            "funding_lines",
            "plan_items",
            "plan_legal_acts",
            "plans",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
