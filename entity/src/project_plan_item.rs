//! The `project_plan_items` table: a plan item a project contributes to.

use sea_orm::entity::prelude::*;

/// One row of `project_plan_items`. A plan item a project contributes to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "project_plan_items")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The project.
    pub project_link_id: Uuid,
    /// The item.
    pub plan_item_id: Uuid,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `project_plan_items` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `project_link_id` refers to.
    #[sea_orm(
        belongs_to = "super::project_link::Entity",
        from = "Column::ProjectLinkId",
        to = "super::project_link::Column::Id"
    )]
    ProjectLink,
    /// The row `plan_item_id` refers to.
    #[sea_orm(
        belongs_to = "super::plan_item::Entity",
        from = "Column::PlanItemId",
        to = "super::plan_item::Column::Id"
    )]
    PlanItem,
}

impl ActiveModelBehavior for ActiveModel {}
