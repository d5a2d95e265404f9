//! The audit trail and the public change feed. Every write runs in a `WriteTransaction`: it
//! first takes the next number of the registry's change sequence (which also makes concurrent
//! writers wait their turn, so numbers follow commit order without gaps), and records exactly one
//! audit event before it commits. A batch (`WriteTransaction::begin_batch`, a plan import) is one
//! transaction and one sequence number with one event per object it changes. A reference data load
//! (`BulkWrite`) records one event, with its own sequence number, per row it inserts or changes.
//! On PostgreSQL a commit also sends `NOTIFY` on [`CHANGES_CHANNEL`] with the new sequence, so that
//! every instance learns of it.

use chrono::{DateTime, Utc};
use entity::{audit_event, registry_state};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;
use uuid::Uuid;

use super::{access::Actor, ids::new_id};
use crate::error::{ApiError, ApiResult};

/// The key of the single `registry_state` row (the migration that creates it spells it out as
/// `migration::REGISTRY_STATE_ID`; a test keeps the two equal).
pub const REGISTRY_STATE_ID: Uuid = uuid::uuid!("00000000-0000-0000-0000-000000001325");

/// The PostgreSQL channel on which each write announces its change sequence (the payload, in
/// decimal), sent in the writing transaction so it is delivered exactly when the write commits.
pub const CHANGES_CHANNEL: &str = "nap_registry_changes";

/// Sends `NOTIFY` on [`CHANGES_CHANNEL`] with `sequence` through `txn` (PostgreSQL only; SQLite
/// has a single process, which learns of its own writes).
async fn announce(txn: &DatabaseTransaction, sequence: i64) -> ApiResult<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("NOTIFY {CHANGES_CHANNEL}, '{sequence}'"))
            .await?;
    }
    Ok(())
}

/// What a write did to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Created it.
    Create,
    /// Changed its fields.
    Update,
    /// Withdrew it (published objects are withdrawn, never deleted).
    Withdraw,
    /// Linked it to another object.
    Link,
    /// Removed a link to another object.
    Unlink,
    /// Issued a token.
    Issue,
    /// Revoked a token.
    Revoke,
}

impl Action {
    /// The stored and published name.
    pub fn as_wire(self) -> &'static str {
        match self {
            Self::Create => "CREATE",
            Self::Update => "UPDATE",
            Self::Withdraw => "WITHDRAW",
            Self::Link => "LINK",
            Self::Unlink => "UNLINK",
            Self::Issue => "ISSUE",
            Self::Revoke => "REVOKE",
        }
    }
}

/// One audited change.
pub struct Change<'a, T: Serialize> {
    /// The object's type: `EntityType::as_str` (writes set it from their row's `Audited` type).
    pub entity_type: &'static str,
    /// The object's key.
    pub entity_id: Uuid,
    /// Its human code, if it has one.
    pub entity_code: Option<String>,
    /// What happened.
    pub action: Action,
    /// Its version after the change.
    pub version: i32,
    /// The object before.
    pub before: Option<&'a T>,
    /// The object after.
    pub after: Option<&'a T>,
    /// Whether it belongs to the public change feed.
    pub public: bool,
}

/// A database transaction for one write, holding the next change sequence number.
pub struct WriteTransaction {
    /// The transaction; everything the write does goes through it.
    pub txn: DatabaseTransaction,
    /// Who writes.
    pub actor: Actor,
    /// The change sequence number of this write.
    pub sequence: i64,
    /// The time of the write, used for every timestamp it sets.
    pub now: DateTime<Utc>,
    audited: bool,
    batch: Option<Batch>,
}

/// The events of a batch write, one per object: a later change to an object already recorded
/// folds into its event (the first `before`, the last `after`; a creation stays a creation).
#[derive(Default)]
struct Batch {
    events: Vec<(Action, audit_event::ActiveModel)>,
    by_object: std::collections::HashMap<Uuid, usize>,
}

impl Batch {
    fn record(&mut self, action: Action, entity_id: Uuid, row: audit_event::ActiveModel) {
        let Some(&index) = self.by_object.get(&entity_id) else {
            self.by_object.insert(entity_id, self.events.len());
            self.events.push((action, row));
            return;
        };
        let (first, event) = &mut self.events[index];
        *first = match (*first, action) {
            (Action::Create, _) => Action::Create,
            (_, Action::Withdraw) => Action::Withdraw,
            (earlier, later) if earlier == later => earlier,
            _ => Action::Update,
        };
        event.action = Set(first.as_wire().to_owned());
        event.after = row.after;
        event.entity_version = row.entity_version;
    }
}

impl WriteTransaction {
    /// Opens the transaction and takes the next change sequence number.
    pub async fn begin(db: &DatabaseConnection, actor: &Actor) -> ApiResult<Self> {
        let txn = db.begin().await?;
        let now = Utc::now();
        set_sequence(
            &txn,
            Expr::col(registry_state::Column::ChangeSequence).add(1),
            Some(now),
        )
        .await?;
        // The token may have been revoked since the request was authenticated (even by an earlier
        // mutation of the same request): check it again inside the write.
        if let Some(token) = actor.token() {
            let record = entity::api_token::Entity::find_by_id(token).one(&txn).await?;
            if !record.is_some_and(|r| super::write::tokens::is_active(&r)) {
                return Err(ApiError::Unauthenticated);
            }
        }
        Ok(Self {
            sequence: locked_sequence(&txn).await?,
            txn,
            actor: actor.clone(),
            now,
            audited: false,
            batch: None,
        })
    }

    /// Opens a batch write: one transaction and one change sequence number for several objects,
    /// each with one audit event (see `commit_batch`).
    pub async fn begin_batch(db: &DatabaseConnection, actor: &Actor) -> ApiResult<Self> {
        let mut write = Self::begin(db, actor).await?;
        write.batch = Some(Batch::default());
        Ok(write)
    }

    /// Commits a batch write and returns how many objects it changed; a batch that changed
    /// nothing is rolled back, so the change sequence does not move.
    pub async fn commit_batch(mut self) -> ApiResult<usize> {
        let events = self.batch.take().map(|b| b.events).unwrap_or_default();
        if events.is_empty() {
            self.txn.rollback().await?;
            return Ok(0);
        }
        let count = events.len();
        insert_events(&self.txn, events.into_iter().map(|(_, row)| row).collect()).await?;
        announce(&self.txn, self.sequence).await?;
        self.txn.commit().await?;
        Ok(count)
    }

    /// Rolls the write back (a dry run): nothing it did is kept.
    pub async fn rollback(self) -> ApiResult<()> {
        Ok(self.txn.rollback().await?)
    }

    /// Records the write's audit event (exactly one per write). Writes record it through
    /// `create` and `save` (see `super::write::rows`), which fill it in from the row's type.
    pub async fn audit<T: Serialize>(&mut self, change: Change<'_, T>) -> ApiResult<()> {
        if let Some(batch) = &mut self.batch {
            let row = event_row(self.sequence, self.now, &self.actor, &change)?;
            batch.record(change.action, change.entity_id, row);
            return Ok(());
        }
        if self.audited {
            return Err(ApiError::Internal("a write recorded two audit events".to_owned()));
        }
        event_row(self.sequence, self.now, &self.actor, &change)?
            .insert(&self.txn)
            .await?;
        self.audited = true;
        Ok(())
    }

    /// Commits the write; a write without its audit event is refused and rolled back.
    pub async fn commit(self) -> ApiResult<()> {
        if !self.audited {
            return Err(ApiError::Internal("a write without an audit event".to_owned()));
        }
        announce(&self.txn, self.sequence).await?;
        Ok(self.txn.commit().await?)
    }
}

/// The audit row of `change`, numbered `sequence`.
fn event_row<T: Serialize>(
    sequence: i64,
    now: DateTime<Utc>,
    actor: &Actor,
    change: &Change<'_, T>,
) -> ApiResult<audit_event::ActiveModel> {
    let json = |value: Option<&T>| -> ApiResult<Option<String>> {
        value
            .map(|v| serde_json::to_string(v).map_err(|e| ApiError::Internal(e.to_string())))
            .transpose()
    };
    Ok(audit_event::ActiveModel {
        id: Set(new_id()),
        sequence: Set(sequence),
        occurred_at: Set(now),
        organisation_id: Set(actor.organisation()),
        token_id: Set(actor.token()),
        actor: Set(actor.audit_name()),
        entity_type: Set(change.entity_type.to_owned()),
        entity_id: Set(change.entity_id),
        entity_code: Set(change.entity_code.clone()),
        action: Set(change.action.as_wire().to_owned()),
        entity_version: Set(change.version),
        before: Set(json(change.before)?),
        after: Set(json(change.after)?),
        public: Set(change.public),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
}

/// Audit rows per insert statement (17 columns each: well under every backend's parameter limit).
const EVENTS_PER_STATEMENT: usize = 500;

/// A write of many rows at once by the command line (a reference data load): one transaction, and
/// one audit event per changed row, each with its own number of the change sequence, so the feed
/// names every row as it would had each been written through the API. The events are inserted in
/// batches at commit.
pub struct BulkWrite {
    /// The transaction; everything the write does goes through it.
    pub txn: DatabaseTransaction,
    /// The time of the write, used for every timestamp it sets.
    pub now: DateTime<Utc>,
    actor: Actor,
    last_sequence: i64,
    events: Vec<audit_event::ActiveModel>,
}

impl BulkWrite {
    /// Opens the transaction and takes the registry's write lock (without moving the sequence
    /// yet), so no other write is numbered until this one commits.
    pub async fn begin(db: &DatabaseConnection) -> ApiResult<Self> {
        let txn = db.begin().await?;
        set_sequence(&txn, Expr::col(registry_state::Column::ChangeSequence), None).await?;
        Ok(Self {
            last_sequence: locked_sequence(&txn).await?,
            txn,
            now: Utc::now(),
            actor: Actor::CommandLine,
            events: Vec::new(),
        })
    }

    /// Records one change, numbered after the ones recorded before it.
    pub fn record<T: Serialize>(&mut self, change: &Change<'_, T>) -> ApiResult<()> {
        let sequence = self.last_sequence + i64::try_from(self.events.len()).unwrap_or(i64::MAX) + 1;
        self.events
            .push(event_row(sequence, self.now, &self.actor, change)?);
        Ok(())
    }

    /// How many changes have been recorded.
    pub fn recorded(&self) -> usize {
        self.events.len()
    }

    /// Inserts the events, moves the change sequence past the last of them, and commits; returns
    /// how many events were recorded.
    pub async fn commit(self) -> ApiResult<usize> {
        let count = self.events.len();
        if count > 0 {
            let last = self.last_sequence + i64::try_from(count).unwrap_or(i64::MAX);
            insert_events(&self.txn, self.events).await?;
            set_sequence(&self.txn, Expr::val(last), Some(self.now)).await?;
            announce(&self.txn, last).await?;
        }
        self.txn.commit().await?;
        Ok(count)
    }
}

/// Sets the registry's change sequence to `sequence` (which may read the stored one), and its
/// change time to `changed_at` if given. Any update takes the registry's write lock.
async fn set_sequence(
    txn: &DatabaseTransaction,
    sequence: Expr,
    changed_at: Option<DateTime<Utc>>,
) -> ApiResult<()> {
    let mut update =
        registry_state::Entity::update_many().col_expr(registry_state::Column::ChangeSequence, sequence);
    if let Some(now) = changed_at {
        update = update.col_expr(registry_state::Column::UpdatedAt, Expr::val(now));
    }
    update
        .filter(registry_state::Column::Id.eq(REGISTRY_STATE_ID))
        .exec(txn)
        .await?;
    Ok(())
}

/// The change sequence as the write holding the registry's lock sees it.
async fn locked_sequence(txn: &DatabaseTransaction) -> ApiResult<i64> {
    let state = registry_state::Entity::find_by_id(REGISTRY_STATE_ID)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::Internal("registry_state row is missing: run the migrations".to_owned()))?;
    Ok(state.change_sequence)
}

/// Inserts `events`, `EVENTS_PER_STATEMENT` per statement.
async fn insert_events(
    txn: &DatabaseTransaction,
    mut events: Vec<audit_event::ActiveModel>,
) -> ApiResult<()> {
    while !events.is_empty() {
        let rest = events.split_off(events.len().min(EVENTS_PER_STATEMENT));
        audit_event::Entity::insert_many(events)
            .exec_without_returning(txn)
            .await?;
        events = rest;
    }
    Ok(())
}

/// Refuses a write based on a stale version.
pub fn check_version(expected: i32, stored: i32, what: &str) -> ApiResult<()> {
    if expected == stored {
        Ok(())
    } else {
        Err(ApiError::Conflict(format!(
            "{what} was changed by someone else (version {stored}, you sent {expected}); read it again and retry"
        )))
    }
}

/// The latest change sequence number: what a reader has seen when nothing changes after it.
pub async fn current_sequence(db: &impl ConnectionTrait) -> ApiResult<i64> {
    Ok(registry_state::Entity::find_by_id(REGISTRY_STATE_ID)
        .one(db)
        .await?
        .map_or(0, |s| s.change_sequence))
}

/// Narrows `auditEvents`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only events of objects of this type, e.g. `PlanItem`.
    pub entity_type: Option<String>,
    /// Only events of this object.
    pub entity_id: Option<Uuid>,
    /// Only events of this organisation (administrators only; others always see their own).
    pub organisation: Option<Uuid>,
}

/// A page of the audit events `viewer` may see: administrators all, other organisations their own.
pub async fn list_audit_events(
    db: &impl ConnectionTrait,
    viewer: &Actor,
    filter: &AuditFilter,
    page: &super::pagination::PageRequest,
) -> ApiResult<super::pagination::Page<audit_event::Model>> {
    let mut query = audit_event::Entity::find();
    if !viewer.has(super::access::Scope::Admin) {
        query = query.filter(audit_event::Column::OrganisationId.eq(viewer.organisation()));
    } else if let Some(organisation) = filter.organisation {
        query = query.filter(audit_event::Column::OrganisationId.eq(organisation));
    }
    if let Some(entity_type) = &filter.entity_type {
        query = query.filter(audit_event::Column::EntityType.eq(entity_type.as_str()));
    }
    if let Some(id) = filter.entity_id {
        query = query.filter(audit_event::Column::EntityId.eq(id));
    }
    page_of_events(db, query, page).await
}

use super::change_feed::page_of_events;
pub use super::change_feed::{FeedFilter, change_cursor, list_changes};

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: Action, id: Uuid, version: i32) -> audit_event::ActiveModel {
        let change = Change::<i32> {
            entity_type: "PlanItem",
            entity_id: id,
            entity_code: None,
            action,
            version,
            before: None,
            after: Some(&version),
            public: true,
        };
        event_row(7, Utc::now(), &Actor::CommandLine, &change).unwrap()
    }

    #[test]
    fn a_batch_records_one_event_per_object() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut batch = Batch::default();
        batch.record(Action::Create, a, event(Action::Create, a, 1));
        batch.record(Action::Link, a, event(Action::Link, a, 2));
        batch.record(Action::Link, b, event(Action::Link, b, 4));
        batch.record(Action::Unlink, b, event(Action::Unlink, b, 5));
        batch.record(Action::Withdraw, b, event(Action::Withdraw, b, 6));
        assert_eq!(batch.events.len(), 2);
        let (first, created) = &batch.events[0];
        assert_eq!(*first, Action::Create);
        assert_eq!(created.entity_version, Set(2));
        assert_eq!(created.after, Set(Some("2".to_owned())));
        assert_eq!(batch.events[1].0, Action::Withdraw);
        assert_eq!(batch.events[1].1.action, Set("WITHDRAW".to_owned()));
    }
    #[test]
    fn the_registry_state_key_is_the_one_the_migration_inserts() {
        assert_eq!(REGISTRY_STATE_ID.to_string(), migration::REGISTRY_STATE_ID);
    }
}
