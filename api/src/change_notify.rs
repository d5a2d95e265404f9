//! The shared change notifier: "the registry's change sequence has advanced to N", for everything
//! in this process that follows changes as they happen (GraphQL subscriptions today).
//!
//! [`ChangeNotifier::subscribe`] gives a `watch` receiver of the latest sequence known. The
//! notifier learns of a change from three sources, whichever comes first:
//!
//! - a write made by this process ([`ChangeNotifier::advanced`], called after every mutation);
//! - on PostgreSQL, the `NOTIFY` every write sends on `domain::audit::CHANGES_CHANNEL` in its own
//!   transaction (so writes on *other* instances, and the command line, are seen at once); the
//!   listener holds one connection of the pool;
//! - a poll of the sequence every `poll_interval`, through the read path's shared
//!   [`ChangeSequence`] read: the fallback when a notification is lost (a listener reconnecting)
//!   and on SQLite for writes of other processes.
//!
//! The follower task starts with the first subscriber, reads only while someone listens, and
//! stops when the notifier is dropped. A receiver may skip values (it sees the latest), never
//! miss that the sequence advanced.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use sea_orm::{DatabaseConnection, DbBackend, sqlx::postgres::PgListener};
use tokio::sync::{Notify, watch};

use crate::{domain::audit::CHANGES_CHANNEL, read_cache::ChangeSequence};

/// How often the sequence is read when nothing announces a change (`NAP_CHANGE_POLL_SECONDS`).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Tells subscribers the registry's latest change sequence (see the module docs).
#[derive(Debug, Clone)]
pub struct ChangeNotifier {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: DatabaseConnection,
    sequence: ChangeSequence,
    poll_interval: Duration,
    latest: watch::Sender<i64>,
    /// Wakes the follower to read the sequence now.
    wake: Arc<Notify>,
    /// Stops the follower (notified when the notifier is dropped).
    stop: Arc<Notify>,
    started: AtomicBool,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

impl ChangeNotifier {
    /// A notifier following `db`'s change sequence, read through `sequence`, polled every
    /// `poll_interval` as a fallback.
    pub fn new(db: DatabaseConnection, sequence: ChangeSequence, poll_interval: Duration) -> Self {
        let (latest, _) = watch::channel(0);
        Self {
            inner: Arc::new(Inner {
                db,
                sequence,
                poll_interval,
                latest,
                wake: Arc::new(Notify::new()),
                stop: Arc::new(Notify::new()),
                started: AtomicBool::new(false),
            }),
        }
    }

    /// A receiver of the latest change sequence known; `changed()` resolves when it advances.
    /// Starts following the database on first use (must be called inside the Tokio runtime).
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        let receiver = self.inner.latest.subscribe();
        if !self.inner.started.swap(true, Ordering::SeqCst) {
            tokio::spawn(follow(
                Arc::downgrade(&self.inner),
                Arc::clone(&self.inner.wake),
                Arc::clone(&self.inner.stop),
                self.inner.poll_interval,
            ));
        }
        receiver
    }

    /// The latest change sequence known (0 before the first read).
    pub fn latest(&self) -> i64 {
        *self.inner.latest.borrow()
    }

    /// Says that this process has just committed a write: the sequence is read again at once.
    pub fn advanced(&self) {
        if self.inner.started.load(Ordering::SeqCst) {
            self.inner.wake.notify_one();
        }
    }

    /// Publishes `sequence` if it is later than the latest known.
    fn publish(inner: &Inner, sequence: i64) {
        inner.latest.send_if_modified(|latest| {
            let later = sequence > *latest;
            if later {
                *latest = sequence;
            }
            later
        });
    }
}

/// The follower task: reads the sequence whenever woken or the poll interval passes, publishes
/// the sequences announced on PostgreSQL, until the notifier is dropped.
async fn follow(
    inner: std::sync::Weak<Inner>,
    wake: Arc<Notify>,
    stop: Arc<Notify>,
    poll_interval: Duration,
) {
    let mut listener: Option<PgListener> = None;
    let mut read = true;
    loop {
        {
            // Held only while reading, so that dropping the notifier stops the follower.
            let Some(inner) = inner.upgrade() else { return };
            if listener.is_none() && inner.db.get_database_backend() == DbBackend::Postgres {
                listener = listen(&inner.db).await;
            }
            if read && inner.latest.receiver_count() > 0 {
                match inner.sequence.current().await {
                    Ok(sequence) => ChangeNotifier::publish(&inner, sequence),
                    Err(error) => tracing::warn!(?error, "cannot read the change sequence"),
                }
            }
        }
        read = true;
        tokio::select! {
            () = stop.notified() => return,
            () = wake.notified() => {},
            () = tokio::time::sleep(poll_interval) => {},
            notification = next_notification(listener.as_mut()) => match notification {
                Some(sequence) => {
                    let Some(inner) = inner.upgrade() else { return };
                    ChangeNotifier::publish(&inner, sequence);
                    // Announced with its number: no read needed.
                    read = false;
                }
                None => listener = None,
            },
        }
    }
}

/// A listener on the changes channel over its own connection of `db`'s pool (`None`, logged, if
/// it cannot be opened: polling still follows the changes).
async fn listen(db: &DatabaseConnection) -> Option<PgListener> {
    let pool = db.get_postgres_connection_pool();
    let opened = async {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANGES_CHANNEL).await?;
        Ok::<_, sea_orm::sqlx::Error>(listener)
    };
    match opened.await {
        Ok(listener) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "cannot listen for change notifications; polling instead");
            None
        }
    }
}

/// The sequence of the next notification (`None` when the listener failed); never resolves
/// without a listener.
async fn next_notification(listener: Option<&mut PgListener>) -> Option<i64> {
    let Some(listener) = listener else {
        return std::future::pending().await;
    };
    loop {
        match listener.recv().await {
            // A payload that is not a number is not ours: wait for the next.
            Ok(notification) => {
                if let Ok(sequence) = notification.payload().parse::<i64>() {
                    return Some(sequence);
                }
            }
            Err(error) => {
                tracing::warn!(%error, "change notification listener failed");
                return None;
            }
        }
    }
}
