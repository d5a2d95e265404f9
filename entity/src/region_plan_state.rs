//! The `region_plan_states` table: what is known about a region's localization of a national plan
//! when no regional plan is recorded (no approved plan, or not applicable), with its source.

use crate::enums::RegionPlanState;
use sea_orm::entity::prelude::*;

/// One row of `region_plan_states`: a region's known state relative to a national plan.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "region_plan_states")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The national plan.
    pub plan_id: Uuid,
    /// The region.
    pub region_id: Uuid,
    /// No approved plan, or not applicable.
    pub state: RegionPlanState,
    /// The document or statement the state is taken from.
    #[sea_orm(column_type = "Text")]
    pub source: String,
    /// The date the source states it for; empty where the source gives none.
    pub as_of: Option<Date>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `region_plan_states` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `plan_id` refers to.
    #[sea_orm(
        belongs_to = "super::plan::Entity",
        from = "Column::PlanId",
        to = "super::plan::Column::Id"
    )]
    Plan,
    /// The row `region_id` refers to.
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id"
    )]
    Region,
}

impl ActiveModelBehavior for ActiveModel {}
