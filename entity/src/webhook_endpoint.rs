//! The `webhook_endpoints` table: an organisation's receiver of change notifications, with its
//! filters. Endpoints are deleted by marking them (`deleted_at`), so their delivery log stays.

use sea_orm::entity::prelude::*;

/// One row of `webhook_endpoints`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The organisation that owns the endpoint.
    pub organisation_id: Uuid,
    /// Where deliveries are posted (`https://` or `http://`).
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// What the endpoint is for, in the owner's words.
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    /// Whether the owner wants deliveries (an endpoint the registry disabled has its reason in
    /// `webhook_cursors`).
    pub enabled: bool,
    /// Space-separated object types delivered; empty for every type.
    #[sea_orm(column_type = "Text")]
    pub entity_types: String,
    /// Space-separated plan codes whose changes (and their items') are delivered; empty for all.
    #[sea_orm(column_type = "Text")]
    pub plan_codes: String,
    /// Space-separated region codes; empty for all.
    #[sea_orm(column_type = "Text")]
    pub region_codes: String,
    /// Space-separated organisation codes; empty for all.
    #[sea_orm(column_type = "Text")]
    pub organisation_codes: String,
    /// When the owner deleted it; deleted endpoints receive nothing and are not listed.
    pub deleted_at: Option<DateTimeUtc>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `webhook_endpoints` points to.
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
