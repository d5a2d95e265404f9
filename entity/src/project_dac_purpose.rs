//! The `project_dac_purposes` table: an OECD DAC purpose code of a project, e.g. `15170`.

use sea_orm::entity::prelude::*;

/// One row of `project_dac_purposes`. An OECD DAC purpose code of a project, e.g. `15170`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "project_dac_purposes")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The project.
    pub project_link_id: Uuid,
    /// Five-digit DAC purpose code.
    pub code: String,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `project_dac_purposes` points to.
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
