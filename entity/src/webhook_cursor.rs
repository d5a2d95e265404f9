//! The `webhook_cursors` table: one row per endpoint (same key) with its place in the change
//! feed, the retry state of the change it is trying to deliver, the lease of the instance
//! delivering it, and why the registry disabled it.

use sea_orm::entity::prelude::*;

/// One row of `webhook_cursors`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_cursors")]
pub struct Model {
    /// The endpoint's key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The sequence of the last change delivered (or skipped by the filters).
    pub last_sequence: i64,
    /// Failed attempts at the next change.
    pub failed_attempts: i32,
    /// When the next change may be tried again; empty when it may be tried now.
    pub next_attempt_at: Option<DateTimeUtc>,
    /// When the first failed attempt at the next change was made.
    pub failing_since: Option<DateTimeUtc>,
    /// When the registry disabled the endpoint (retries exhausted).
    pub disabled_at: Option<DateTimeUtc>,
    /// Why the registry disabled it.
    #[sea_orm(column_type = "Text", nullable)]
    pub disabled_reason: Option<String>,
    /// The delivering instance holding the lease.
    pub lease_owner: Option<Uuid>,
    /// Until when the lease holds.
    pub lease_until: Option<DateTimeUtc>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `webhook_cursors` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The endpoint.
    #[sea_orm(
        belongs_to = "super::webhook_endpoint::Entity",
        from = "Column::Id",
        to = "super::webhook_endpoint::Column::Id"
    )]
    Endpoint,
}

impl ActiveModelBehavior for ActiveModel {}
