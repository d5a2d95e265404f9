//! The `plan_item_target_groups` table: which target groups a plan item serves.

use sea_orm::entity::prelude::*;

/// One row of `plan_item_target_groups`. Which target groups a plan item serves.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "plan_item_target_groups")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The item.
    pub plan_item_id: Uuid,
    /// The group.
    pub target_group_id: Uuid,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `plan_item_target_groups` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `plan_item_id` refers to.
    #[sea_orm(
        belongs_to = "super::plan_item::Entity",
        from = "Column::PlanItemId",
        to = "super::plan_item::Column::Id"
    )]
    PlanItem,
    /// The row `target_group_id` refers to.
    #[sea_orm(
        belongs_to = "super::target_group::Entity",
        from = "Column::TargetGroupId",
        to = "super::target_group::Column::Id"
    )]
    TargetGroup,
}

impl ActiveModelBehavior for ActiveModel {}
