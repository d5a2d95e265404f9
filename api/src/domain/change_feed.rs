//! The public change feed: the public audit events in sequence order, read a page at a time
//! after a cursor and narrowed by a filter. The `changes` query and the `changes` subscription
//! both read it here, so they take the same cursors and filter.

use entity::audit_event;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, LikeExpr},
};

use crate::error::{ApiError, ApiResult};

/// The cursor of the feed's position just after change `sequence`: what `after` takes.
pub fn change_cursor(sequence: i64) -> String {
    super::pagination::encode_cursor(&[super::pagination::KeyValue::Int(sequence)])
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
    let mut page = page.clone();
    if let Some(after) = &page.after
        && !after.is_empty()
        && after.bytes().all(|b| b.is_ascii_digit())
    {
        let sequence = after.parse::<i64>().map_err(|_| {
            ApiError::invalid(
                "after",
                format!("`{after}` is not a sequence number of this feed"),
            )
        })?;
        page.after = Some(change_cursor(sequence));
    }
    let page = &page;
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
    super::pagination::paginate(
        db,
        query,
        &[Expr::col(audit_event::Column::Sequence)],
        &[super::pagination::KeyKind::Int],
        |e| vec![super::pagination::KeyValue::Int(e.sequence)],
        page,
    )
    .await
}
