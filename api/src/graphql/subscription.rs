//! The subscription root: `changes`, the public change feed followed live. It replays the feed
//! from a cursor with the same domain query as the `changes` query (`domain::audit::list_changes`,
//! same cursors, same filter), then waits on the shared change notifier and reads what is new
//! each time the change sequence advances, on whichever instance the write ran.
//! Served over WebSocket only (`http::subscriptions`), which puts the notifier in the context.

use std::collections::VecDeque;

use async_graphql::{Context, Result, Subscription};
use entity::audit_event;
use futures_util::{Stream, stream};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use super::{
    context::db,
    types::audit::{Change, ChangeFilter},
};
use crate::{
    change_notify::ChangeNotifier,
    domain::{
        audit::{self, FeedFilter},
        pagination::PageRequest,
    },
    error::ApiError,
};

/// Changes read from the database at a time while catching up.
const PAGE: i32 = 100;

/// The subscription root of the schema.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Live feeds, over WebSocket (graphql-transport-ws on `/graphql`): see the README's "Following
/// changes live".
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// The public change feed, live: first every change after `after` (a replay, in pages, oldest
    /// first), then each new change as it is committed, on any instance of the registry, in
    /// sequence order. The items are those of the `changes` query, with the same cursors and the
    /// same filter; keep the `cursor` of the last change you processed and pass it as `after`
    /// when you reconnect to miss nothing and get nothing twice. Anonymous clients may subscribe: the feed is public.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Start after this point: a cursor of the feed (`changesHead.cursor`, an edge's `cursor`) a change's `cursor`, or the `sequence` of the last write you processed in full, in decimal (`\"0\"` replays the whole feed). Leave out to receive only changes made from now on."
        )]
        after: Option<String>,
        #[graphql(desc = "Which changes to send; leave out for every change.")] filter: Option<ChangeFilter>,
    ) -> Result<impl Stream<Item = Result<Change>> + use<>> {
        let db = db(ctx)?.clone();
        let notifier = ctx
            .data::<ChangeNotifier>()
            .map_err(|_| ApiError::Internal("subscriptions are served over WebSocket only".to_owned()))?
            .clone();
        let filter: FeedFilter = filter.unwrap_or_default().into();
        // Subscribed before the start is read, so that no change after it is missed.
        let mut changes = notifier.subscribe();
        changes.borrow_and_update();
        let after = match after {
            Some(after) => after,
            None => audit::current_sequence(&db).await?.to_string(),
        };
        // The first page is read now, so that a bad cursor fails the subscription at once.
        let first = read(&db, &filter, &after).await?;
        let mut follow = Follow {
            db,
            filter,
            after,
            changes,
            pending: VecDeque::new(),
            failed: false,
        };
        follow.take(first);
        Ok(stream::unfold(follow, Follow::next))
    }
}

/// Where one subscription is in the feed.
struct Follow {
    db: DatabaseConnection,
    filter: FeedFilter,
    /// The cursor after the last change read.
    after: String,
    changes: watch::Receiver<i64>,
    /// Read but not yet sent.
    pending: VecDeque<(String, audit_event::Model)>,
    /// A read failed: the error was sent and the stream ends.
    failed: bool,
}

impl Follow {
    fn take(&mut self, rows: Vec<(String, audit_event::Model)>) {
        if let Some((cursor, _)) = rows.last() {
            self.after.clone_from(cursor);
        }
        self.pending.extend(rows);
    }

    /// The next change: a pending one, else the next page, else the first one after the
    /// sequence advances. Ends when the notifier goes away or after a failed read.
    async fn next(mut self) -> Option<(Result<Change>, Self)> {
        loop {
            if self.failed {
                return None;
            }
            if let Some((_, row)) = self.pending.pop_front() {
                return Some((Ok(Change(row)), self));
            }
            // Marked seen before the read: an advance during it wakes the wait below.
            self.changes.borrow_and_update();
            match read(&self.db, &self.filter, &self.after).await {
                Ok(rows) if rows.is_empty() => {
                    if self.changes.changed().await.is_err() {
                        return None;
                    }
                }
                Ok(rows) => self.take(rows),
                Err(error) => {
                    self.failed = true;
                    return Some((Err(error.into()), self));
                }
            }
        }
    }
}

/// The next page of the feed after `after`, each change with its cursor.
async fn read(
    db: &DatabaseConnection,
    filter: &FeedFilter,
    after: &str,
) -> crate::error::ApiResult<Vec<(String, audit_event::Model)>> {
    let page = PageRequest {
        first: Some(PAGE),
        after: Some(after.to_owned()),
        last: None,
        before: None,
    };
    Ok(audit::list_changes(db, filter, &page).await?.rows)
}
