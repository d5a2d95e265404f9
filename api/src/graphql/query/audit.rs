//! `auditEvents` (for organisations with a token), the public `changes` feed and its head.

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, InputObject, Object, Result};

use crate::{
    domain::audit::{self, AuditFilter},
    graphql::{
        context::{actor, db},
        node_id,
        types::{
            audit::{AuditEvent, AuditEventConnection, Change, ChangeConnection, ChangeFilter, ChangesHead},
            common::{connection, page_request},
        },
    },
};

/// Narrows `auditEvents`.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// Only events of objects of this type, e.g. `PlanItem`.
    pub entity_type: Option<String>,
    /// Only events of the object with this global ID.
    pub entity: Option<ID>,
    /// Only events of the organisation with this global ID (administrators only).
    pub organisation: Option<ID>,
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit trail, oldest first: every acknowledged write with who made it and the object
    /// before and after. Administrators see every event; other organisations see their own.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events to return; leave out for all you may see.")] filter: Option<
            AuditEventFilter,
        >,
        #[graphql(desc = "Return the first n events (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return events after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n events (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return events before this cursor.")] before: Option<String>,
    ) -> Result<AuditEventConnection> {
        let viewer = actor(ctx)?;
        let f = filter.unwrap_or_default();
        let filter = AuditFilter {
            entity_type: f.entity_type,
            entity_id: f
                .entity
                .map(|id| node_id::decode("filter.entity", &id).map(|(_, key)| key))
                .transpose()?,
            organisation: f
                .organisation
                .map(|id| node_id::decode_as("filter.organisation", &id, EntityType::Organisation))
                .transpose()?,
        };
        let page = audit::list_audit_events(
            db(ctx)?,
            viewer,
            &filter,
            &page_request(first, after, last, before),
        )
        .await?;
        Ok(connection(page, AuditEvent))
    }

    /// The public feed of changes to the registry's objects, oldest first, from the very first
    /// load: every object that exists is named by at least one change (reference data loads
    /// included), so replaying the feed from the start and fetching each `entityId` with
    /// `node(id:)` (or each `entityCode` with its lookup) rebuilds the registry. Keep the
    /// `endCursor` of the last page (or the `sequence` of the last change) and pass it as `after`
    /// to receive only what changed since; `changesHead` gives the current end without paging.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n changes (at most 100; default 20).")] first: Option<i32>,
        #[graphql(
            desc = "Return changes after this point: a cursor of this feed (`endCursor`, an edge's `cursor`, `changesHead.cursor`) or the `sequence` of the last change you processed, in decimal (`\"0\"` for the start). Leave out to start from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Which changes to return; leave out for every change.")] filter: Option<
            ChangeFilter,
        >,
    ) -> Result<ChangeConnection> {
        let filter = filter.unwrap_or_default().into();
        let page = audit::list_changes(db(ctx)?, &filter, &page_request(first, after, None, None)).await?;
        Ok(connection(page, Change))
    }

    /// The current end of the `changes` feed, read without paging through it: pass its `cursor`
    /// as `changes(after:)` to receive only what changes from now on.
    async fn changes_head(&self, ctx: &Context<'_>) -> Result<ChangesHead> {
        let sequence = audit::current_sequence(db(ctx)?).await?;
        Ok(ChangesHead { sequence })
    }
}
