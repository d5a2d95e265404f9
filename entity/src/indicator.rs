//! The `indicators` table: a measure of progress of a goal or task.

use crate::enums::IndicatorDirection;
use sea_orm::entity::prelude::*;

/// One row of `indicators`. A measure of progress of a goal or task.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The item measured.
    pub plan_item_id: Uuid,
    /// Code within the item, e.g. `I1`.
    pub code: String,
    /// The item's plan code and sort key, then this code: lists of indicators follow the plan's numbering.
    pub sort_key: String,
    /// Ukrainian name.
    #[sea_orm(column_type = "Text")]
    pub name_uk: Option<String>,
    /// English name.
    #[sea_orm(column_type = "Text")]
    pub name_en: Option<String>,
    /// Unit of measure, e.g. `percent` or `persons`.
    pub unit: String,
    /// Whether higher, lower or steady is better.
    pub direction: IndicatorDirection,
    /// Related SDG indicator, e.g. `5.5.1`.
    pub sdg_indicator: Option<String>,
    /// Where the values come from.
    #[sea_orm(column_type = "Text")]
    pub data_source: Option<String>,
    /// Lower-cased code and texts in both languages, maintained by the registry for case-insensitive search on both backends.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    /// When the row was withdrawn; empty while it is in force.
    pub withdrawn_at: Option<DateTimeUtc>,
    /// Why it was withdrawn.
    #[sea_orm(column_type = "Text")]
    pub withdrawal_reason: Option<String>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `indicators` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `plan_item_id` refers to.
    #[sea_orm(
        belongs_to = "super::plan_item::Entity",
        from = "Column::PlanItemId",
        to = "super::plan_item::Column::Id"
    )]
    PlanItem,
}

impl ActiveModelBehavior for ActiveModel {}
