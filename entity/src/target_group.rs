//! The `target_groups` table: a group of people a plan item serves, from a versioned vocabulary.

use crate::enums::VocabularyStatus;
use sea_orm::entity::prelude::*;

/// One row of `target_groups`. A group of people a plan item serves, from a versioned vocabulary.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "target_groups")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The vocabulary version the group was published in.
    pub vocabulary_id: Uuid,
    /// Stable code, unique across vocabularies, e.g. `internally-displaced-persons`.
    pub code: String,
    /// Order in the published list.
    pub position: i32,
    /// Ukrainian label.
    #[sea_orm(column_type = "Text")]
    pub label_uk: Option<String>,
    /// English label.
    #[sea_orm(column_type = "Text")]
    pub label_en: Option<String>,
    /// Ukrainian description (the full wording where the label is shortened).
    #[sea_orm(column_type = "Text")]
    pub description_uk: Option<String>,
    /// English description.
    #[sea_orm(column_type = "Text")]
    pub description_en: Option<String>,
    /// Active or withdrawn.
    pub status: VocabularyStatus,
    /// The group that replaces a withdrawn or renamed one.
    pub replaced_by_id: Option<Uuid>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `target_groups` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `vocabulary_id` refers to.
    #[sea_orm(
        belongs_to = "super::vocabulary::Entity",
        from = "Column::VocabularyId",
        to = "super::vocabulary::Column::Id"
    )]
    Vocabulary,
    /// The row `replaced_by_id` refers to.
    #[sea_orm(belongs_to = "Entity", from = "Column::ReplacedById", to = "Column::Id")]
    ReplacedBy,
}

impl ActiveModelBehavior for ActiveModel {}
