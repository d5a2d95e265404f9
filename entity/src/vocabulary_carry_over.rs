//! The `vocabulary_carry_overs` table: a target group an edition of the vocabulary carries over
//! unchanged from an earlier edition (same code, same address).

use sea_orm::entity::prelude::*;

/// One row of `vocabulary_carry_overs`. A target group an edition carries over from an earlier one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "vocabulary_carry_overs")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The edition that carries the group over.
    pub vocabulary_id: Uuid,
    /// The group, first published in an earlier edition.
    pub target_group_id: Uuid,
    /// Its order in this edition's list.
    pub position: i32,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `vocabulary_carry_overs` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `vocabulary_id` refers to.
    #[sea_orm(
        belongs_to = "super::vocabulary::Entity",
        from = "Column::VocabularyId",
        to = "super::vocabulary::Column::Id"
    )]
    Vocabulary,
    /// The row `target_group_id` refers to.
    #[sea_orm(
        belongs_to = "super::target_group::Entity",
        from = "Column::TargetGroupId",
        to = "super::target_group::Column::Id"
    )]
    TargetGroup,
}

impl ActiveModelBehavior for ActiveModel {}
