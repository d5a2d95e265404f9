//! The `vocabularies` table: a published version of a code list, such as the NAP target groups of 2020.

use crate::enums::VocabularyStatus;
use sea_orm::entity::prelude::*;

/// One row of `vocabularies`. A published version of a code list, such as the NAP target groups of 2020.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "vocabularies")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stable code of this vocabulary version, e.g. `UA-NAP-TG-2020`.
    pub code: String,
    /// Edition label of this version of the list, e.g. `2020`.
    pub edition: String,
    /// Ukrainian title.
    #[sea_orm(column_type = "Text")]
    pub title_uk: Option<String>,
    /// English title.
    #[sea_orm(column_type = "Text")]
    pub title_en: Option<String>,
    /// Active, or withdrawn in favour of a newer version.
    pub status: VocabularyStatus,
    /// Where the list was published.
    #[sea_orm(column_type = "Text")]
    pub source_document: Option<String>,
    /// The edition this one follows (e.g. the 2020 list for the 2026 one); empty for a first edition.
    pub previous_edition_id: Option<Uuid>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `vocabularies` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
