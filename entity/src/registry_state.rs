//! The `registry_state` table: one row holding the registry's change sequence. Every write
//! increments it first, inside its transaction, which also serializes writers.

use sea_orm::entity::prelude::*;

/// The one row of `registry_state`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "registry_state")]
pub struct Model {
    /// Fixed key of the single row.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The sequence number of the latest acknowledged write.
    pub change_sequence: i64,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Incremented on every change.
    pub version: i32,
}

/// `registry_state` has no relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
