//! The `project_iati_records` table: how an imported project link's IATI activity was last applied.

use sea_orm::entity::prelude::*;

/// One row of `project_iati_records`: the IATI activity a project link was last imported from.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "project_iati_records")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The project link (one record per link).
    pub project_link_id: Uuid,
    /// The activity's `last-updated-datetime` as last applied; empty when the file gave none.
    pub last_updated_at: Option<DateTimeUtc>,
    /// SHA-256 (hex) of what the activity said, as last applied.
    pub content_digest: String,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `project_iati_records` points to.
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
