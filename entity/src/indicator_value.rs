//! The `indicator_values` table: a baseline, target or actual value of an indicator for a period.

use crate::enums::{IndicatorValueKind, Sex};
use sea_orm::entity::prelude::*;

/// One row of `indicator_values`. A baseline, target or actual value of an indicator for a period.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicator_values")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The indicator.
    pub indicator_id: Uuid,
    /// Baseline, target or actual.
    pub kind: IndicatorValueKind,
    /// First year of the period (equal to the last for a single year).
    pub period_start_year: i32,
    /// Last year of the period.
    pub period_end_year: i32,
    /// The value, in the indicator's unit.
    pub value: f64,
    /// F, M or T (total).
    pub sex: Sex,
    /// The region the value is for; empty for the whole country.
    pub region_id: Option<Uuid>,
    /// Where this value comes from.
    #[sea_orm(column_type = "Text")]
    pub source: Option<String>,
    /// The organisation that reported it.
    pub reported_by_id: Option<Uuid>,
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

/// The rows of other tables that `indicator_values` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `indicator_id` refers to.
    #[sea_orm(
        belongs_to = "super::indicator::Entity",
        from = "Column::IndicatorId",
        to = "super::indicator::Column::Id"
    )]
    Indicator,
    /// The row `region_id` refers to.
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id"
    )]
    Region,
    /// The row `reported_by_id` refers to.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::ReportedById",
        to = "super::organisation::Column::Id"
    )]
    ReportedBy,
}

impl ActiveModelBehavior for ActiveModel {}
