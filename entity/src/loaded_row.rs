//! The `loaded_rows` table: for each row the reference data loader wrote, a digest of the shipped
//! content it last applied and the version it left the row at. A later load updates a row only
//! while it is still exactly as loaded, so an edit made through the API is never undone.

use sea_orm::entity::prelude::*;

/// One row of `loaded_rows`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "loaded_rows")]
pub struct Model {
    /// Key of the loaded row (reference data keys are name-based UUIDs, unique across tables).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// When the row was first loaded.
    pub created_at: DateTimeUtc,
    /// When a load last wrote the row.
    pub updated_at: DateTimeUtc,
    /// Incremented on every change of this record.
    pub version: i32,
    /// Table of the loaded row, e.g. `target_groups`.
    pub table_name: String,
    /// SHA-256 (hex) of the shipped content last applied, timestamps and version left out.
    pub digest: String,
    /// The row's `version` when the load last wrote it.
    pub loaded_version: i32,
}

/// `loaded_rows` points to no rows through relations declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
