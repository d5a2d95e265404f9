//! The `plan_item_implementations` table: a regional, departmental or local item implementing a national item.

use sea_orm::entity::prelude::*;

/// One row of `plan_item_implementations`. A regional, departmental or local item implementing a national item.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "plan_item_implementations")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The localizing item.
    pub implementing_item_id: Uuid,
    /// The national item it implements.
    pub implemented_item_id: Uuid,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `plan_item_implementations` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `implementing_item_id` refers to.
    #[sea_orm(
        belongs_to = "super::plan_item::Entity",
        from = "Column::ImplementingItemId",
        to = "super::plan_item::Column::Id"
    )]
    ImplementingItem,
    /// The row `implemented_item_id` refers to.
    #[sea_orm(
        belongs_to = "super::plan_item::Entity",
        from = "Column::ImplementedItemId",
        to = "super::plan_item::Column::Id"
    )]
    ImplementedItem,
}

impl ActiveModelBehavior for ActiveModel {}
