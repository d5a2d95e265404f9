//! `region_plan_states`: what is known about a region's localization of a national plan when no
//! regional plan is recorded. "No approved plan, per <source>, as of <date>" (`NO_PLAN`) is then
//! told apart from "nothing recorded" (no row), and a temporarily occupied territory is recorded
//! as `NOT_APPLICABLE` rather than shown as a region without a plan. Each row names its source.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_index, foreign_key, with_row_metadata};

/// Creates `region_plan_states`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                with_row_metadata(Table::create().table("region_plan_states"))
                    .col(uuid("plan_id"))
                    .col(uuid("region_id"))
                    .col(string_len("state", 32))
                    .col(text("source"))
                    .col(date_null("as_of"))
                    .foreign_key(&mut foreign_key(
                        "region_plan_states",
                        "plan_id",
                        "plans",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "region_plan_states",
                        "region_id",
                        "regions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "region_plan_states", &["plan_id", "region_id"], true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("region_plan_states").to_owned())
            .await
    }
}
