//! The `webhook_deliveries` table: the delivery log, one row per attempt to post a change to an
//! endpoint, with its outcome, HTTP status, latency and error.

use sea_orm::entity::prelude::*;

/// One row of `webhook_deliveries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The endpoint.
    pub endpoint_id: Uuid,
    /// The change's sequence number.
    pub sequence: i64,
    /// The `webhook-id` sent (the same for every attempt at one change).
    pub message_id: String,
    /// 1 for the first attempt at this change, then 2, 3, …
    pub attempt: i32,
    /// `DELIVERED` (a 2xx answer) or `FAILED`.
    pub outcome: String,
    /// The HTTP status answered, if any.
    pub status_code: Option<i32>,
    /// Milliseconds from sending to the answer (or the failure).
    pub latency_ms: i64,
    /// What went wrong, for a failed attempt.
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    /// When the attempt was made.
    pub attempted_at: DateTimeUtc,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `webhook_deliveries` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The endpoint.
    #[sea_orm(
        belongs_to = "super::webhook_endpoint::Entity",
        from = "Column::EndpointId",
        to = "super::webhook_endpoint::Column::Id"
    )]
    Endpoint,
}

impl ActiveModelBehavior for ActiveModel {}
