//! The `legal_acts` table: a legal act that approves, amends or repeals a plan.

use crate::enums::LegalActKind;
use sea_orm::entity::prelude::*;

/// One row of `legal_acts`. A legal act that approves, amends or repeals a plan.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "legal_acts")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The body that issued the act.
    pub issuer_id: Uuid,
    /// Order, resolution, decree, ...
    pub kind: LegalActKind,
    /// The act's number as cited, e.g. `1544-r`.
    pub number: String,
    /// The act's date.
    pub adopted_on: Date,
    /// Ukrainian title.
    #[sea_orm(column_type = "Text")]
    pub title_uk: Option<String>,
    /// English title.
    #[sea_orm(column_type = "Text")]
    pub title_en: Option<String>,
    /// Where the official text is published.
    #[sea_orm(column_type = "Text")]
    pub url: Option<String>,
    /// The act this one amends.
    pub amends_id: Option<Uuid>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `legal_acts` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `issuer_id` refers to.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::IssuerId",
        to = "super::organisation::Column::Id"
    )]
    Issuer,
    /// The row `amends_id` refers to.
    #[sea_orm(belongs_to = "Entity", from = "Column::AmendsId", to = "Column::Id")]
    Amends,
}

impl ActiveModelBehavior for ActiveModel {}
