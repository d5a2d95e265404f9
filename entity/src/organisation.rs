//! The `organisations` table: a body that owns plans, carries out plan items, funds or implements projects.

use crate::enums::OrganisationKind;
use sea_orm::entity::prelude::*;

/// One row of `organisations`. A body that owns plans, carries out plan items, funds or implements projects.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The registry's stable short key, e.g. `ministry-of-social-policy` or `rma-ua-12`.
    pub code: String,
    /// What kind of body this is.
    pub kind: OrganisationKind,
    /// Current Ukrainian name.
    pub name_uk: Option<String>,
    /// Current English name.
    pub name_en: Option<String>,
    /// The region a regional or local body serves.
    pub region_id: Option<Uuid>,
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

/// The rows of other tables that `organisations` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `region_id` refers to.
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id"
    )]
    Region,
}

impl ActiveModelBehavior for ActiveModel {}
