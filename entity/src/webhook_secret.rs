//! The `webhook_secrets` table: the secrets an endpoint's deliveries are signed with. After a
//! rotation the old secret keeps signing (a second signature) until `expires_at`.

use sea_orm::entity::prelude::*;

/// One row of `webhook_secrets`. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_secrets")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The endpoint it signs for.
    pub endpoint_id: Uuid,
    /// The secret: standard base64 of its bytes (the part after `whsec_`).
    #[sea_orm(column_type = "Text")]
    #[serde(skip)]
    pub secret: String,
    /// When it stops signing; empty for the current secret.
    pub expires_at: Option<DateTimeUtc>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("webhook_secret::Model")
            .field("id", &self.id)
            .field("endpoint_id", &self.endpoint_id)
            .field("secret", &"***")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The rows of other tables that `webhook_secrets` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `endpoint_id` refers to.
    #[sea_orm(
        belongs_to = "super::webhook_endpoint::Entity",
        from = "Column::EndpointId",
        to = "super::webhook_endpoint::Column::Id"
    )]
    Endpoint,
}

impl ActiveModelBehavior for ActiveModel {}
