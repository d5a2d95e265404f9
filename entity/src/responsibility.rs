//! The `responsibilities` table: an organisation's role in carrying out a plan item.

use crate::enums::ResponsibilityRole;
use sea_orm::entity::prelude::*;

/// One row of `responsibilities`. An organisation's role in carrying out a plan item.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "responsibilities")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The item.
    pub plan_item_id: Uuid,
    /// The organisation.
    pub organisation_id: Uuid,
    /// Responsible, co-executor, by consent or coordinator.
    pub role: ResponsibilityRole,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `responsibilities` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `plan_item_id` refers to.
    #[sea_orm(
        belongs_to = "super::plan_item::Entity",
        from = "Column::PlanItemId",
        to = "super::plan_item::Column::Id"
    )]
    PlanItem,
    /// The row `organisation_id` refers to.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl ActiveModelBehavior for ActiveModel {}
