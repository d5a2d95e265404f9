//! The audit trail (`AuditEvent`) and the public change feed (`Change`).

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::audit_event;

use super::organisation::Organisation;
use crate::graphql::node_id;

/// An audit event row.
#[derive(Clone)]
pub struct AuditEvent(pub audit_event::Model);

/// One acknowledged write: who made it, to what, and the object before and after.
#[Object]
impl AuditEvent {
    /// Position in the registry's change sequence.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }

    /// When the write happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// The organisation that made it; null for the operator's command line.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Organisation::of(ctx, self.0.organisation_id).await
    }

    /// The token used, as `token:<jti>`, or `cli`.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// Type of the changed object, e.g. `PlanItem`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// Global ID of the changed object.
    async fn entity_id(&self) -> ID {
        node_id::encode(&self.0.entity_type, self.0.entity_id)
    }

    /// The changed object's code, when it has one.
    async fn entity_code(&self) -> Option<&str> {
        self.0.entity_code.as_deref()
    }

    /// CREATE, UPDATE, WITHDRAW, LINK, UNLINK, ISSUE or REVOKE.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The object's version after the write.
    async fn version(&self) -> i32 {
        self.0.entity_version
    }

    /// The object before the write, as JSON text; null for a creation.
    async fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }

    /// The object after the write, as JSON text.
    async fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }
}

/// A public change row.
#[derive(Clone)]
pub struct Change(pub audit_event::Model);

/// A change to the registry's canonical structure, for incremental sync.
#[Object]
impl Change {
    /// Position in the change sequence. One write records its changes under one sequence number
    /// (a plan import: one change per object it touched), so passing a `sequence` as `after`
    /// resumes after every change of that write; to resume exactly after this change, pass its
    /// `cursor`.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }

    /// The feed's position just after this change (the same as its edge's `cursor` in the
    /// `changes` query): pass it as `after` to resume exactly here, by query or subscription.
    async fn cursor(&self) -> String {
        crate::domain::change_feed::cursor_after(&self.0)
    }

    /// Type of the changed object, e.g. `PlanItem`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// Global ID of the changed object; fetch it with `node(id:)`. A change to a part of an object
    /// (an organisation's name or identifier, an item's responsibility, target group, funding or
    /// `implements` link, a project's participants, purposes, regions or items) names the object.
    async fn entity_id(&self) -> ID {
        node_id::encode(&self.0.entity_type, self.0.entity_id)
    }

    /// The changed object's code, when it has one; it resolves with the lookup of its type:
    /// `plan(code:)`, `planItem(code:)`, `indicator(code:)` (`<item code>/<indicator code>`),
    /// `targetGroup(code:)`, `organisation(identifier:)` (registry code), `region(code:)`,
    /// `projectLinks(filter: { iatiIdentifier })` for a project link's IATI identifier. Legal
    /// acts and indicator values have none: use `entityId`.
    async fn entity_code(&self) -> Option<&str> {
        self.0.entity_code.as_deref()
    }

    /// CREATE, UPDATE, WITHDRAW, LINK or UNLINK.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The object's version after the change.
    async fn version(&self) -> i32 {
        self.0.entity_version
    }

    /// When it changed.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}

/// Narrows the public change feed, in the `changes` query and subscription alike; leave a field
/// out to keep every change.
#[derive(InputObject, Default)]
pub struct ChangeFilter {
    /// Only changes to objects of one of these types, as `Change.entityType` names them (e.g.
    /// `["Plan", "PlanItem"]`).
    pub entity_types: Option<Vec<String>>,
    /// Only changes to objects whose code starts with this text: a plan code gives the plan, its
    /// items and their indicators (`UA-NAP-2021-2025`); an item code the item, the items under it
    /// and their indicators (`UA-NAP-2021-2025/3.1`).
    pub code_prefix: Option<String>,
}

impl From<ChangeFilter> for crate::domain::audit::FeedFilter {
    fn from(filter: ChangeFilter) -> Self {
        Self {
            entity_types: filter.entity_types.unwrap_or_default(),
            code_prefix: filter.code_prefix,
        }
    }
}

/// The current end of the change feed.
pub struct ChangesHead {
    /// The registry's latest change sequence number.
    pub sequence: i64,
}

/// The current end of the `changes` feed.
#[Object]
impl ChangesHead {
    /// The sequence number of the latest write (public or not); every change in the feed has a
    /// sequence at most this.
    async fn sequence(&self) -> i64 {
        self.sequence
    }

    /// Pass as `changes(after:)` to receive only the changes made after this point.
    async fn cursor(&self) -> String {
        crate::domain::audit::change_cursor(self.sequence)
    }
}

super::common::connection_type!(AuditEventConnection, AuditEventEdge, AuditEvent, "audit events");
super::common::connection_type!(ChangeConnection, ChangeEdge, Change, "changes");
