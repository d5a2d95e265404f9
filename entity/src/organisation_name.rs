//! The `organisation_names` table: one name an organisation has had, so renamed bodies stay traceable.

use sea_orm::entity::prelude::*;

/// One row of `organisation_names`. One name an organisation has had, so renamed bodies stay traceable.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organisation_names")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Whose name this is.
    pub organisation_id: Uuid,
    /// Ukrainian name in that period.
    pub name_uk: Option<String>,
    /// English name in that period.
    pub name_en: Option<String>,
    /// First day the name was used, when known.
    pub valid_from: Option<Date>,
    /// Last day the name was used; empty for the current name.
    pub valid_until: Option<Date>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `organisation_names` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `organisation_id` refers to.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl ActiveModelBehavior for ActiveModel {}
