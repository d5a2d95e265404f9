//! The `organisation_identifiers` table: an org-id identifier of an organisation, e.g. `UA-EDR-12345678` or `XM-DAC-41146`.

use sea_orm::entity::prelude::*;

/// One row of `organisation_identifiers`. An org-id identifier of an organisation, e.g. `UA-EDR-12345678` or `XM-DAC-41146`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organisation_identifiers")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The organisation identified.
    pub organisation_id: Uuid,
    /// The registration agency prefix, e.g. `UA-EDR` or `XM-DAC`.
    pub scheme: String,
    /// The whole identifier, scheme included; unique across the registry.
    pub identifier: String,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `organisation_identifiers` points to.
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
