//! The `regions` table: a first-level subdivision of Ukraine, keyed for users by its ISO 3166-2:UA code.

use crate::enums::RegionKind;
use sea_orm::entity::prelude::*;

/// One row of `regions`. A first-level subdivision of Ukraine, keyed for users by its ISO 3166-2:UA code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// ISO 3166-2:UA code, e.g. `UA-12`.
    pub code: String,
    /// Oblast, special-status city or autonomous republic.
    pub kind: RegionKind,
    /// Ukrainian name, e.g. `Дніпропетровська область`.
    pub name_uk: String,
    /// English name, e.g. `Dnipropetrovsk`.
    pub name_en: String,
    /// Official romanization, e.g. `Dnipropetrovska oblast`.
    pub name_romanized: String,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `regions` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
