//! The registry's current change sequence, read from the database for every cached read but
//! shared between concurrent requests.
//!
//! Every write bumps `registry_state.change_sequence` in its own transaction, so a read that
//! learns the sequence *after* it arrived sees every write acknowledged before it arrived, on
//! whichever instance that write ran. Reading it once per request would cost one statement per
//! request; instead, requests that arrive while no read is under way start one, and every request
//! that arrived before a read *started* takes that read's answer. A request never takes the answer
//! of a read that started before it arrived, so it can never miss a write acknowledged before it
//! arrived. Under load one statement serves a whole wave of requests; a lone request costs one.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use crate::{
    domain::audit::current_sequence,
    error::{ApiError, ApiResult},
};

/// Longest one read of the sequence may take before it counts as failed.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The answer of one read: which read it was, and the sequence (`None` if the read failed).
#[derive(Debug, Clone, Copy)]
struct Published {
    read: u64,
    sequence: Option<i64>,
}

/// Shares reads of the change sequence between concurrent requests (see the module docs).
#[derive(Debug, Clone)]
pub struct ChangeSequence {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: DatabaseConnection,
    /// Number of reads started so far; read `n` is the `n`-th.
    started: AtomicU64,
    /// Whether a read is under way.
    reading: AtomicBool,
    published: watch::Sender<Published>,
}

impl ChangeSequence {
    /// Reads the sequence of `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        let (published, _) = watch::channel(Published {
            read: 0,
            sequence: None,
        });
        Self {
            inner: Arc::new(Inner {
                db,
                started: AtomicU64::new(0),
                reading: AtomicBool::new(false),
                published,
            }),
        }
    }

    /// The change sequence as of a moment after this call began.
    pub async fn current(&self) -> ApiResult<i64> {
        let inner = &self.inner;
        // Reads numbered above this one start after now.
        let arrived_after = inner.started.load(Ordering::SeqCst);
        let mut answers = inner.published.subscribe();
        loop {
            let latest = *answers.borrow_and_update();
            if latest.read > arrived_after {
                return latest
                    .sequence
                    .ok_or_else(|| ApiError::Internal("the change sequence could not be read".to_owned()));
            }
            if !inner.reading.swap(true, Ordering::SeqCst) {
                // This request starts a read. It runs as its own task so that a request that
                // goes away cannot leave the others waiting.
                let inner = Arc::clone(inner);
                tokio::spawn(async move {
                    let mut read = Read {
                        number: inner.started.fetch_add(1, Ordering::SeqCst) + 1,
                        sequence: None,
                        inner,
                    };
                    // Bounded, so that a connection that never answers cannot hold up every later
                    // request once the database is back.
                    read.sequence = match tokio::time::timeout(READ_TIMEOUT, current_sequence(&read.inner.db))
                        .await
                    {
                        Ok(Ok(sequence)) => Some(sequence),
                        Ok(Err(error)) => {
                            tracing::error!(?error, "cannot read the change sequence");
                            None
                        }
                        Err(_) => {
                            tracing::error!(?READ_TIMEOUT, "the change sequence read did not finish in time");
                            None
                        }
                    };
                    // Dropping `read` publishes it, also if this task panics or is aborted.
                });
            }
            if answers.changed().await.is_err() {
                return Err(ApiError::Internal(
                    "the change sequence reader stopped".to_owned(),
                ));
            }
        }
    }
}

/// One read of the sequence. When dropped (finished, failed, panicked or aborted) it frees the
/// reading slot and publishes what it found, so no waiter is ever left without an answer.
struct Read {
    inner: Arc<Inner>,
    number: u64,
    sequence: Option<i64>,
}

impl Drop for Read {
    fn drop(&mut self) {
        // Free the slot before publishing, so that a waiter woken by this answer (and needing a
        // later read) can start the next one.
        self.inner.reading.store(false, Ordering::SeqCst);
        let (read, sequence) = (self.number, self.sequence);
        self.inner.published.send_modify(|published| {
            if read > published.read {
                *published = Published { read, sequence };
            }
        });
    }
}
