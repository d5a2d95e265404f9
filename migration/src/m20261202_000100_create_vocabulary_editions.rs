//! Editions of the target-group vocabulary. A vocabulary row is one edition (e.g. `UA-NAP-TG-2020`
//! for the 2021-2025 plan); `previous_edition_id` names the edition it follows, and
//! `vocabulary_carry_overs` lists the groups an edition carries over unchanged from earlier ones
//! (same code, same address), beside the groups first published in it (`target_groups.vocabulary_id`).
//! Existing groups stay in the edition they were published in, which is their first edition.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_index, foreign_key, with_row_metadata};

/// Adds `vocabularies.previous_edition_id` and creates `vocabulary_carry_overs`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key: SQLite cannot add one to an existing table; the domain checks it.
        manager
            .alter_table(
                Table::alter()
                    .table("vocabularies")
                    .add_column(uuid_null("previous_edition_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("vocabulary_carry_overs"))
                    .col(uuid("vocabulary_id"))
                    .col(uuid("target_group_id"))
                    .col(integer("position"))
                    .foreign_key(&mut foreign_key(
                        "vocabulary_carry_overs",
                        "vocabulary_id",
                        "vocabularies",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "vocabulary_carry_overs",
                        "target_group_id",
                        "target_groups",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "vocabulary_carry_overs",
            &["vocabulary_id", "target_group_id"],
            true,
        )
        .await?;
        create_index(manager, "vocabulary_carry_overs", &["target_group_id"], false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("vocabulary_carry_overs").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("vocabularies")
                    .drop_column("previous_edition_id")
                    .to_owned(),
            )
            .await
    }
}
