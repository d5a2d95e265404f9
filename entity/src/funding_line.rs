//! The `funding_lines` table: a source of financing of a plan item with its estimated amount.

use crate::enums::FundingSource;
use sea_orm::entity::prelude::*;

/// One row of `funding_lines`. A source of financing of a plan item with its estimated amount.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "funding_lines")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The item financed.
    pub plan_item_id: Uuid,
    /// State budget, local budget, international assistance or other.
    pub source: FundingSource,
    /// Estimated amount in hundredths of the currency unit; empty when not estimated.
    pub estimated_amount_cents: Option<i64>,
    /// ISO 4217 code of the amount, e.g. `UAH`.
    pub currency: Option<String>,
    /// As the plan states it, e.g. `within budget allocations`.
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `funding_lines` points to.
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
