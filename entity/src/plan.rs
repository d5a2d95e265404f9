//! The `plans` table: a national, regional, departmental or local action plan for UNSCR 1325.

use crate::enums::{PlanLevel, PlanStatus};
use sea_orm::entity::prelude::*;

/// One row of `plans`. A national, regional, departmental or local action plan for UNSCR 1325.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stable code, e.g. `UA-NAP-2021-2025`.
    pub code: String,
    /// National, regional, departmental or local.
    pub level: PlanLevel,
    /// Ukrainian title; empty where the official wording is not known.
    #[sea_orm(column_type = "Text")]
    pub title_uk: Option<String>,
    /// English title; empty where the official wording is not known.
    #[sea_orm(column_type = "Text")]
    pub title_en: Option<String>,
    /// First year of the plan's period.
    pub start_year: i32,
    /// Last year of the plan's period.
    pub end_year: i32,
    /// Where the plan stands in its legal life.
    pub status: PlanStatus,
    /// The national plan a regional, departmental or local plan localizes.
    pub parent_plan_id: Option<Uuid>,
    /// The plan this one replaces.
    pub supersedes_id: Option<Uuid>,
    /// The region of a regional plan.
    pub region_id: Option<Uuid>,
    /// The organisation that maintains the plan in the registry.
    pub owner_organisation_id: Uuid,
    /// The document the registry's record of this plan is taken from.
    #[sea_orm(column_type = "Text")]
    pub source_document: Option<String>,
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

/// The rows of other tables that `plans` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `parent_plan_id` refers to.
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentPlanId", to = "Column::Id")]
    ParentPlan,
    /// The row `supersedes_id` refers to.
    #[sea_orm(belongs_to = "Entity", from = "Column::SupersedesId", to = "Column::Id")]
    Supersedes,
    /// The row `region_id` refers to.
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id"
    )]
    Region,
    /// The row `owner_organisation_id` refers to.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OwnerOrganisationId",
        to = "super::organisation::Column::Id"
    )]
    OwnerOrganisation,
}

impl ActiveModelBehavior for ActiveModel {}
