//! The `project_participants` table: an organisation taking part in a project, with its IATI role.

use crate::enums::ParticipantRole;
use sea_orm::entity::prelude::*;

/// One row of `project_participants`. An organisation taking part in a project, with its IATI role.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "project_participants")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The project.
    pub project_link_id: Uuid,
    /// The participant.
    pub organisation_id: Uuid,
    /// Funding, accountable, extending or implementing.
    pub role: ParticipantRole,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `project_participants` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `project_link_id` refers to.
    #[sea_orm(
        belongs_to = "super::project_link::Entity",
        from = "Column::ProjectLinkId",
        to = "super::project_link::Column::Id"
    )]
    ProjectLink,
    /// The row `organisation_id` refers to.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl ActiveModelBehavior for ActiveModel {}
