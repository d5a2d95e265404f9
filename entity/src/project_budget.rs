//! The `project_budgets` table: a project's budget in one currency.

use sea_orm::entity::prelude::*;

/// One row of `project_budgets`: a project's total budget in one currency.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "project_budgets")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The project.
    pub project_link_id: Uuid,
    /// ISO 4217 code.
    pub currency: String,
    /// Total in hundredths of the currency unit.
    pub amount_cents: i64,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `project_budgets` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `project_link_id` refers to.
    #[sea_orm(
        belongs_to = "super::project_link::Entity",
        from = "Column::ProjectLinkId",
        to = "super::project_link::Column::Id"
    )]
    ProjectLink,
}

impl ActiveModelBehavior for ActiveModel {}
