//! The delivery worker's reads and writes. The audit events table is the outbox: every
//! acknowledged write has its event there, committed with it, numbered in commit order. Each
//! endpoint's cursor (`webhook_cursors`) holds the sequence of the last change it received, so a
//! crash between a commit and its delivery loses nothing: the change is delivered from the cursor
//! when a worker next runs (at least once: a change whose delivery was not recorded is sent again).
//!
//! Several instances may deliver from one database: a worker first claims an endpoint by taking
//! its lease (a compare-and-set on `lease_until`, after `SELECT … FOR UPDATE SKIP LOCKED` on
//! PostgreSQL so instances skip each other's rows instead of waiting), and every later write to
//! the cursor is fenced by the lease owner. One instance at a time delivers an endpoint's changes,
//! in sequence order.

use chrono::{DateTime, Duration, Utc};
use entity::{audit_event, webhook_cursor, webhook_delivery, webhook_endpoint, webhook_secret};
use sea_orm::{
    ColumnTrait, Condition, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait, UpdateMany,
    sea_query::{Expr, LockBehavior, LockType, Query},
};
use uuid::Uuid;

use crate::{
    domain::{audit, ids::new_id},
    error::ApiResult,
};

/// An endpoint a worker has claimed: its cursor, and the end of the feed when it was claimed.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The endpoint.
    pub endpoint: webhook_endpoint::Model,
    /// Its cursor as claimed.
    pub cursor: webhook_cursor::Model,
    /// The registry's change sequence at the claim: every change up to it is committed.
    pub head: i64,
}

fn lease_free(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(webhook_cursor::Column::LeaseUntil.is_null())
        .add(webhook_cursor::Column::LeaseUntil.lt(now))
}

/// Claims one endpoint that has changes to deliver and is due (enabled, not disabled, not waiting
/// for a retry, not leased by another worker), leasing it to `owner` for `lease`.
pub async fn claim(db: &DatabaseConnection, owner: Uuid, lease: Duration) -> ApiResult<Option<Claim>> {
    let now = Utc::now();
    let head = audit::current_sequence(db).await?;
    let txn = db.begin().await?;
    let active = Query::select()
        .column(webhook_endpoint::Column::Id)
        .from(webhook_endpoint::Entity)
        .and_where(webhook_endpoint::Column::Enabled.eq(true))
        .and_where(webhook_endpoint::Column::DeletedAt.is_null())
        .to_owned();
    let mut query = webhook_cursor::Entity::find()
        .filter(webhook_cursor::Column::LastSequence.lt(head))
        .filter(webhook_cursor::Column::DisabledAt.is_null())
        .filter(
            Condition::any()
                .add(webhook_cursor::Column::NextAttemptAt.is_null())
                .add(webhook_cursor::Column::NextAttemptAt.lte(now)),
        )
        .filter(lease_free(now))
        .filter(webhook_cursor::Column::Id.in_subquery(active))
        .order_by_asc(webhook_cursor::Column::UpdatedAt)
        .order_by_asc(webhook_cursor::Column::Id)
        .limit(1);
    if db.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some(cursor) = query.one(&txn).await? else {
        txn.commit().await?;
        return Ok(None);
    };
    let taken = webhook_cursor::Entity::update_many()
        .col_expr(webhook_cursor::Column::LeaseOwner, Expr::value(Some(owner)))
        .col_expr(webhook_cursor::Column::LeaseUntil, Expr::value(Some(now + lease)))
        .filter(webhook_cursor::Column::Id.eq(cursor.id))
        .filter(lease_free(now))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    if taken == 0 {
        return Ok(None);
    }
    let Some(endpoint) = webhook_endpoint::Entity::find_by_id(cursor.id).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(Claim {
        endpoint,
        cursor,
        head,
    }))
}

/// The public changes after `after`, up to `up_to`, oldest first (by sequence, then event), about
/// `limit` of them but always every event of each sequence included: one write (a plan import)
/// may record several events under one sequence number, and the cursor moves by whole sequences.
pub async fn pending_changes(
    db: &DatabaseConnection,
    after: i64,
    up_to: i64,
    limit: u64,
) -> ApiResult<Vec<audit_event::Model>> {
    let pending = || {
        audit_event::Entity::find()
            .filter(audit_event::Column::Public.eq(true))
            .filter(audit_event::Column::Sequence.gt(after))
            .order_by_asc(audit_event::Column::Sequence)
            .order_by_asc(audit_event::Column::Id)
    };
    let mut changes = pending()
        .filter(audit_event::Column::Sequence.lte(up_to))
        .limit(limit + 1)
        .all(db)
        .await?;
    if changes.len() as u64 > limit {
        // The batch may end inside a sequence: drop that sequence, or, when it is the only one
        // in the batch, read all of it.
        let last = changes.last().map_or(after, |c| c.sequence);
        let first = changes.first().map_or(after, |c| c.sequence);
        if first == last {
            changes = pending()
                .filter(audit_event::Column::Sequence.eq(last))
                .all(db)
                .await?;
        } else {
            changes.retain(|c| c.sequence < last);
        }
    }
    Ok(changes)
}

/// The stored secrets that sign an endpoint's deliveries now, newest first.
pub async fn signing_secrets(db: &DatabaseConnection, endpoint: Uuid) -> ApiResult<Vec<String>> {
    let now = Utc::now();
    Ok(webhook_secret::Entity::find()
        .filter(webhook_secret::Column::EndpointId.eq(endpoint))
        .filter(
            Condition::any()
                .add(webhook_secret::Column::ExpiresAt.is_null())
                .add(webhook_secret::Column::ExpiresAt.gt(now)),
        )
        .order_by_desc(webhook_secret::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.secret)
        .collect())
}

/// One delivery attempt, as the log records it.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The endpoint.
    pub endpoint: Uuid,
    /// The change.
    pub sequence: i64,
    /// The `webhook-id` sent.
    pub message_id: String,
    /// 1, 2, 3, … for this change.
    pub attempt: i32,
    /// The HTTP status answered, if any.
    pub status_code: Option<u16>,
    /// Whether it was delivered (a 2xx answer).
    pub delivered: bool,
    /// How long it took.
    pub latency_ms: i64,
    /// What went wrong.
    pub error: Option<String>,
    /// When it was made.
    pub at: DateTime<Utc>,
}

/// Adds `attempt` to the delivery log.
pub async fn log_attempt(db: &DatabaseConnection, attempt: Attempt) -> ApiResult<()> {
    let row = webhook_delivery::Model {
        id: new_id(),
        endpoint_id: attempt.endpoint,
        sequence: attempt.sequence,
        message_id: attempt.message_id,
        attempt: attempt.attempt,
        outcome: if attempt.delivered { "DELIVERED" } else { "FAILED" }.to_owned(),
        status_code: attempt.status_code.map(i32::from),
        latency_ms: attempt.latency_ms,
        error: attempt.error.map(|e| e.chars().take(1000).collect()),
        attempted_at: attempt.at,
        created_at: attempt.at,
        updated_at: attempt.at,
        version: 1,
    };
    webhook_delivery::Entity::insert(webhook_delivery::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Moves the cursor of endpoint `id` to `sequence` (delivered or skipped), clears its retry state
/// and renews the lease until `lease_until`. False when `owner` no longer holds the lease.
pub async fn advance(
    db: &DatabaseConnection,
    id: Uuid,
    owner: Uuid,
    sequence: i64,
    lease_until: DateTime<Utc>,
) -> ApiResult<bool> {
    let now = Utc::now();
    let done = without_retries(webhook_cursor::Entity::update_many())
        .col_expr(webhook_cursor::Column::LastSequence, Expr::value(sequence))
        .col_expr(webhook_cursor::Column::LeaseUntil, Expr::value(Some(lease_until)))
        .col_expr(webhook_cursor::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_cursor::Column::Id.eq(id))
        .filter(webhook_cursor::Column::LeaseOwner.eq(owner))
        .filter(webhook_cursor::Column::LastSequence.lt(sequence))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// What happens after a failed attempt: try again at `next_attempt_at`, or give up and disable
/// the endpoint with `disabled_reason`.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Failed attempts at the change so far.
    pub failed_attempts: i32,
    /// When the first of them was made.
    pub failing_since: DateTime<Utc>,
    /// When to try again.
    pub next_attempt_at: DateTime<Utc>,
    /// Why the endpoint is disabled, when the retries are exhausted.
    pub disabled_reason: Option<String>,
}

/// Records a failed attempt on endpoint `id`'s cursor and releases the lease.
pub async fn defer(db: &DatabaseConnection, id: Uuid, owner: Uuid, failure: Failure) -> ApiResult<()> {
    let now = Utc::now();
    let disabled_at = failure.disabled_reason.as_ref().map(|_| now);
    let update = webhook_cursor::Entity::update_many()
        .col_expr(
            webhook_cursor::Column::FailedAttempts,
            Expr::value(failure.failed_attempts),
        )
        .col_expr(
            webhook_cursor::Column::FailingSince,
            Expr::value(Some(failure.failing_since)),
        )
        .col_expr(
            webhook_cursor::Column::NextAttemptAt,
            Expr::value(Some(failure.next_attempt_at)),
        )
        .col_expr(webhook_cursor::Column::DisabledAt, Expr::value(disabled_at))
        .col_expr(
            webhook_cursor::Column::DisabledReason,
            Expr::value(failure.disabled_reason),
        );
    released(update, id, owner, now).exec(db).await?;
    Ok(())
}

/// Gives up `owner`'s lease on endpoint `id`.
pub async fn release(db: &DatabaseConnection, id: Uuid, owner: Uuid) -> ApiResult<()> {
    released(webhook_cursor::Entity::update_many(), id, owner, Utc::now())
        .exec(db)
        .await?;
    Ok(())
}

/// `update` clearing a cursor's retry state: no failed attempts, no retry waiting.
pub(super) fn without_retries(
    update: UpdateMany<webhook_cursor::Entity>,
) -> UpdateMany<webhook_cursor::Entity> {
    update
        .col_expr(webhook_cursor::Column::FailedAttempts, Expr::value(0))
        .col_expr(
            webhook_cursor::Column::FailingSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            webhook_cursor::Column::NextAttemptAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
}

/// `update` of endpoint `id`'s cursor, made at `now`, that gives up `owner`'s lease (and does
/// nothing when `owner` no longer holds it).
fn released(
    update: UpdateMany<webhook_cursor::Entity>,
    id: Uuid,
    owner: Uuid,
    now: DateTime<Utc>,
) -> UpdateMany<webhook_cursor::Entity> {
    update
        .col_expr(
            webhook_cursor::Column::LeaseOwner,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            webhook_cursor::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(webhook_cursor::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_cursor::Column::Id.eq(id))
        .filter(webhook_cursor::Column::LeaseOwner.eq(owner))
}
