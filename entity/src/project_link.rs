//! The `project_links` table: a donor or partner project linked to plan items.

use sea_orm::entity::prelude::*;

/// One row of `project_links`. A donor or partner project linked to plan items.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "project_links")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Ukrainian title.
    #[sea_orm(column_type = "Text")]
    pub title_uk: Option<String>,
    /// English title.
    #[sea_orm(column_type = "Text")]
    pub title_en: Option<String>,
    /// IATI activity identifier; unique when present.
    pub iati_identifier: Option<String>,
    /// Budget in hundredths of the currency unit.
    pub budget_amount_cents: Option<i64>,
    /// ISO 4217 code of the budget.
    pub budget_currency: Option<String>,
    /// Planned or actual start.
    pub start_date: Option<Date>,
    /// Planned or actual end.
    pub end_date: Option<Date>,
    /// The project's public page.
    #[sea_orm(column_type = "Text")]
    pub url: Option<String>,
    /// OECD gender-equality policy marker: 0, 1 or 2.
    pub gender_marker: Option<i16>,
    /// The organisation that maintains this link.
    pub owner_organisation_id: Uuid,
    /// Lower-cased code and texts in both languages, maintained by the registry for case-insensitive search on both backends.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    /// When the row was withdrawn; empty while it is in force.
    pub withdrawn_at: Option<DateTimeUtc>,
    /// Why it was withdrawn.
    #[sea_orm(column_type = "Text")]
    pub withdrawal_reason: Option<String>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `project_links` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `owner_organisation_id` refers to.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OwnerOrganisationId",
        to = "super::organisation::Column::Id"
    )]
    OwnerOrganisation,
}

impl ActiveModelBehavior for ActiveModel {}
