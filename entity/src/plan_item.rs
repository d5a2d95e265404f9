//! The `plan_items` table: a strategic goal, operational goal, task or activity of a plan.

use crate::enums::{PlanItemKind, PlanItemStatus};
use sea_orm::entity::prelude::*;

/// One row of `plan_items`. A strategic goal, operational goal, task or activity of a plan.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "plan_items")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The plan the item belongs to.
    pub plan_id: Uuid,
    /// Strategic goal, operational goal, task or activity.
    pub kind: PlanItemKind,
    /// Position in the plan, e.g. `3.1.12`.
    pub number: String,
    /// Canonical code: plan code, `/`, number, e.g. `UA-NAP-2021-2025/3.1.12`. Never reused.
    pub code: String,
    /// The number with zero-padded segments, so that `3.1.2` sorts before `3.1.12`.
    pub sort_key: String,
    /// The item one level up in the same plan; empty for strategic goals.
    pub parent_id: Option<Uuid>,
    /// Ukrainian title.
    #[sea_orm(column_type = "Text")]
    pub title_uk: Option<String>,
    /// English title.
    #[sea_orm(column_type = "Text")]
    pub title_en: Option<String>,
    /// Ukrainian description.
    #[sea_orm(column_type = "Text")]
    pub description_uk: Option<String>,
    /// English description.
    #[sea_orm(column_type = "Text")]
    pub description_en: Option<String>,
    /// Active or withdrawn.
    pub status: PlanItemStatus,
    /// Why the item was withdrawn.
    #[sea_orm(column_type = "Text")]
    pub withdrawal_reason: Option<String>,
    /// When the item was withdrawn.
    pub withdrawn_at: Option<DateTimeUtc>,
    /// First year of the item's time frame.
    pub start_year: Option<i32>,
    /// Last year of the item's time frame.
    pub end_year: Option<i32>,
    /// Lower-cased code and texts in both languages, maintained by the registry for case-insensitive search on both backends.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `plan_items` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `plan_id` refers to.
    #[sea_orm(
        belongs_to = "super::plan::Entity",
        from = "Column::PlanId",
        to = "super::plan::Column::Id"
    )]
    Plan,
    /// The row `parent_id` refers to.
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}
