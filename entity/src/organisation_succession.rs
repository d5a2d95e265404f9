//! The `organisation_successions` table: a predecessor/successor link between organisations (merger, split, reorganisation).

use sea_orm::entity::prelude::*;

/// One row of `organisation_successions`. A predecessor/successor link between organisations (merger, split, reorganisation).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organisation_successions")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The body that ceased or was reorganised.
    pub predecessor_id: Uuid,
    /// The body that took over its functions.
    pub successor_id: Uuid,
    /// When the succession took effect, when known.
    pub effective_on: Option<Date>,
    /// What happened, in a sentence.
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `organisation_successions` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `predecessor_id` refers to.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::PredecessorId",
        to = "super::organisation::Column::Id"
    )]
    Predecessor,
    /// The row `successor_id` refers to.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::SuccessorId",
        to = "super::organisation::Column::Id"
    )]
    Successor,
}

impl ActiveModelBehavior for ActiveModel {}
