//! Regions, organisations with their names, identifiers and successions, and legal acts.
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
                with_row_metadata(Table::create().table("regions"))
                    .col(string("code"))
                    .col(string_len("kind", 32))
                    .col(string("name_uk"))
                    .col(string("name_en"))
                    .col(string("name_romanized"))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "regions", &["code"], true).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("organisations"))
                    .col(string("code"))
                    .col(string_len("kind", 32))
                    .col(string_null("name_uk"))
                    .col(string_null("name_en"))
                    .col(uuid_null("region_id"))
                    .col(text("search_text"))
                    .foreign_key(&mut foreign_key(
                        "organisations",
                        "region_id",
                        "regions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "organisations", &["code"], true).await?;
        create_index(manager, "organisations", &["kind"], false).await?;
        create_index(manager, "organisations", &["region_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("organisation_names"))
                    .col(uuid("organisation_id"))
                    .col(string_null("name_uk"))
                    .col(string_null("name_en"))
                    .col(date_null("valid_from"))
                    .col(date_null("valid_until"))
                    .foreign_key(&mut foreign_key(
                        "organisation_names",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "organisation_names", &["organisation_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("organisation_identifiers"))
                    .col(uuid("organisation_id"))
                    .col(string("scheme"))
                    .col(string("identifier"))
                    .foreign_key(&mut foreign_key(
                        "organisation_identifiers",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "organisation_identifiers", &["identifier"], true).await?;
        create_index(manager, "organisation_identifiers", &["organisation_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("organisation_successions"))
                    .col(uuid("predecessor_id"))
                    .col(uuid("successor_id"))
                    .col(date_null("effective_on"))
                    .col(text_null("note"))
                    .foreign_key(&mut foreign_key(
                        "organisation_successions",
                        "predecessor_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "organisation_successions",
                        "successor_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "organisation_successions",
            &["predecessor_id", "successor_id"],
            true,
        )
        .await?;
        create_index(manager, "organisation_successions", &["successor_id"], false).await?;
        manager
            .create_table(
                with_row_metadata(Table::create().table("legal_acts"))
                    .col(uuid("issuer_id"))
                    .col(string_len("kind", 32))
                    .col(string("number"))
                    .col(date("adopted_on"))
                    .col(text_null("title_uk"))
                    .col(text_null("title_en"))
                    .col(text_null("url"))
                    .col(uuid_null("amends_id"))
                    .foreign_key(&mut foreign_key(
                        "legal_acts",
                        "issuer_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "legal_acts",
                        "amends_id",
                        "legal_acts",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "legal_acts",
            &["issuer_id", "kind", "number", "adopted_on"],
            true,
        )
        .await?;
        create_index(manager, "legal_acts", &["amends_id"], false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "legal_acts",
            "organisation_successions",
            "organisation_identifiers",
            "organisation_names",
            "organisations",
            "regions",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
