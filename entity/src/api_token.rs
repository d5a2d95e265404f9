//! The `api_tokens` table: one row per issued token. The token string itself is never stored;
//! the row's key is the token's `jti` claim.

use sea_orm::entity::prelude::*;

/// One row of `api_tokens`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    /// The token's `jti` claim.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The organisation the token acts for.
    pub organisation_id: Uuid,
    /// Granted scopes, as space-separated wire strings.
    #[sea_orm(column_type = "Text")]
    pub scopes: String,
    /// What the token is for, in the issuer's words.
    pub label: String,
    /// Who issued it: `cli`, or `token:<jti>` of the issuing token.
    pub created_by: String,
    /// When it stops being accepted.
    pub expires_at: DateTimeUtc,
    /// When it was revoked; empty while valid.
    pub revoked_at: Option<DateTimeUtc>,
    /// When it was last accepted (updated at most once a minute).
    pub last_used_at: Option<DateTimeUtc>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change.
    pub version: i32,
}

/// The rows of other tables that `api_tokens` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The organisation.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl ActiveModelBehavior for ActiveModel {}
