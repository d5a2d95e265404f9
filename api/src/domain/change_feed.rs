//! The public change feed: the public audit events in sequence order, read a page at a time
//! after a cursor and narrowed by a filter. The `changes` query and the `changes` subscription
//! both read it here, so they take the same cursors and filter.

use entity::audit_event;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select,
    sea_query::{Expr, LikeExpr},
};

use uuid::Uuid;

use super::pagination::{KeyKind, KeyValue, decode_cursor, encode_cursor};
use crate::error::{ApiError, ApiResult};

/// The cursor of the feed's position just after change `sequence`: what `after` takes.
pub fn change_cursor(sequence: i64) -> String {
    encode_cursor(&[KeyValue::Int(sequence)])
}

/// The feed's sort key: sequence, then key (one sequence number may carry several events: a plan
/// import records one per object under its one sequence number).
fn event_key(event: &audit_event::Model) -> Vec<KeyValue> {
    vec![KeyValue::Int(event.sequence), KeyValue::Uuid(event.id)]
}

/// The cursor of the feed's position just after `event`.
pub fn cursor_after(event: &audit_event::Model) -> String {
    encode_cursor(&event_key(event))
}

const EVENT_KEY_KINDS: [KeyKind; 2] = [KeyKind::Int, KeyKind::Uuid];

/// The cursor just after every event of `sequence`.
fn after_sequence(sequence: i64) -> String {
    encode_cursor(&[KeyValue::Int(sequence), KeyValue::Uuid(Uuid::max())])
}

/// `after` as a cursor of (sequence, key): a decimal sequence number or a cursor of a position
/// after a whole sequence number (`change_cursor`, `changesHead`) become "after all its events".
fn feed_after(after: Option<&String>) -> ApiResult<Option<String>> {
    let Some(after) = after.filter(|a| !a.is_empty()) else {
        return Ok(after.cloned());
    };
    if after.bytes().all(|b| b.is_ascii_digit()) {
        let sequence = after.parse::<i64>().map_err(|_| {
            ApiError::invalid(
                "after",
                format!("`{after}` is not a sequence number of this feed"),
            )
        })?;
        return Ok(Some(after_sequence(sequence)));
    }
    if let Ok(key) = decode_cursor("after", after, &[KeyKind::Int])
        && let [KeyValue::Int(sequence)] = key.as_slice()
    {
        return Ok(Some(after_sequence(*sequence)));
    }
    Ok(Some(after.clone()))
}

/// Narrows the public change feed (the `changes` query and subscription alike).
#[derive(Debug, Clone, Default)]
pub struct FeedFilter {
    /// Only changes to objects of one of these types (e.g. `PlanItem`); empty: every type.
    pub entity_types: Vec<String>,
    /// Only changes to objects whose code starts with this text (e.g. a plan code: the plan,
    /// its items and their indicators).
    pub code_prefix: Option<String>,
}

/// A page of the public change feed, oldest first, narrowed by `filter`. `after` is a cursor of
/// the feed or a change's `sequence` number in decimal (`0` for the start).
pub async fn list_changes(
    db: &impl ConnectionTrait,
    filter: &FeedFilter,
    page: &super::pagination::PageRequest,
) -> ApiResult<super::pagination::Page<audit_event::Model>> {
    let mut query = audit_event::Entity::find().filter(audit_event::Column::Public.eq(true));
    if !filter.entity_types.is_empty() {
        query = query.filter(audit_event::Column::EntityType.is_in(filter.entity_types.iter().cloned()));
    }
    if let Some(prefix) = &filter.code_prefix {
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query
            .filter(audit_event::Column::EntityCode.like(LikeExpr::new(format!("{escaped}%")).escape('\\')));
    }
    page_of_events(db, query, page).await
}

/// The page of events of `query` in feed order (sequence, then key) after `page.after`, which
/// may also be a sequence number (see [`feed_after`]).
pub(super) async fn page_of_events(
    db: &impl ConnectionTrait,
    query: Select<audit_event::Entity>,
    page: &super::pagination::PageRequest,
) -> ApiResult<super::pagination::Page<audit_event::Model>> {
    let mut page = page.clone();
    page.after = feed_after(page.after.as_ref())?;
    super::pagination::paginate(
        db,
        query,
        &[
            Expr::col(audit_event::Column::Sequence),
            Expr::col(audit_event::Column::Id),
        ],
        &EVENT_KEY_KINDS,
        event_key,
        &page,
    )
    .await
}
