//! Lets one change sequence number carry several audit events: a plan import is one transaction
//! and one step of the sequence, with one event per object it changes. The unique index on
//! `audit_events.sequence` becomes a plain one; the feed orders events by sequence, then key.

use sea_orm_migration::prelude::*;

use crate::common::create_index;

/// Replaces the unique index on `audit_events.sequence` with a non-unique one.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_audit_events_sequence")
                    .table("audit_events")
                    .to_owned(),
            )
            .await?;
        create_index(manager, "audit_events", &["sequence", "id"], false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_audit_events_sequence_id")
                    .table("audit_events")
                    .to_owned(),
            )
            .await?;
        create_index(manager, "audit_events", &["sequence"], true).await
    }
}
