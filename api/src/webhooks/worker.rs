//! The delivery loop. A worker claims one due endpoint at a time (see
//! `crate::domain::webhooks::outbox`), posts it the changes after its cursor that pass its filters,
//! one message per change in sequence order, and moves the cursor after each sequence delivered
//! whole (a plan import records several events under one sequence number: after a failure inside
//! one, its earlier events are sent again, under the same `webhook-id`). A
//! failed attempt (no answer in time, an answer that is not 2xx, a refused address) stops the
//! endpoint's queue: the change is tried again after an exponential backoff with jitter, for
//! `retry_for` (24 hours by default); then the endpoint is disabled, with the reason, until its
//! owner turns it on again (delivery then resumes with that change).

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use rand_core::{OsRng, RngCore};
use sea_orm::DatabaseConnection;
use tokio::{sync::watch, task::JoinHandle};
use uuid::Uuid;

use super::{Hub, event, sender::Sender};
use crate::{
    domain::webhooks::{
        filters::Matcher,
        outbox::{self, Attempt, Claim, Failure},
        signing::signature_header,
    },
    error::ApiResult,
    linked_data::PublicUrl,
};

/// Changes read per claim.
const BATCH: u64 = 50;

/// Starts a worker delivering from `db`, writing addresses under `base`, until `stop` turns true
/// (or its sender is dropped). The current delivery finishes first. Besides its poll and the
/// hub's wake-up call it looks again whenever `changes` (the shared change notifier, which hears
/// of other instances' writes through PostgreSQL `NOTIFY`) says the sequence advanced.
pub fn spawn(
    db: DatabaseConnection,
    hub: Hub,
    base: PublicUrl,
    changes: Option<watch::Receiver<i64>>,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<JoinHandle<()>> {
    let worker = Worker {
        sender: Sender::new(hub.settings())?,
        db,
        hub,
        base,
        id: Uuid::new_v4(),
    };
    tracing::info!(worker = %worker.id, "webhook delivery started");
    Ok(tokio::spawn(worker.run(changes, stop)))
}

struct Worker {
    db: DatabaseConnection,
    hub: Hub,
    sender: Sender,
    base: PublicUrl,
    /// This worker's name on the leases it takes.
    id: Uuid,
}

impl Worker {
    async fn run(self, mut changes: Option<watch::Receiver<i64>>, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                break;
            }
            if let Err(error) = self.work(&stop).await {
                tracing::warn!(error = ?error, "webhook delivery failed; trying again at the next poll");
            }
            tokio::select! {
                changed = stop.changed() => if changed.is_err() { break },
                () = self.hub.woken() => {},
                () = advanced(&mut changes) => {},
                () = tokio::time::sleep(self.hub.settings().poll_interval) => {},
            }
        }
        tracing::info!(worker = %self.id, "webhook delivery stopped");
    }

    /// How long a claim holds: long enough for a delivery, renewed after each. A worker that dies
    /// holding one delays its endpoint by at most this.
    fn lease(&self) -> Duration {
        let timeout = self.hub.settings().timeout;
        Duration::from_std(timeout * 2 + StdDuration::from_secs(5)).unwrap_or(Duration::minutes(5))
    }

    /// Moves endpoint `endpoint`'s cursor to `position` and renews the lease; false when this
    /// worker has lost the lease.
    async fn advance(&self, endpoint: Uuid, position: i64) -> ApiResult<bool> {
        outbox::advance(&self.db, endpoint, self.id, position, Utc::now() + self.lease()).await
    }

    /// Delivers to every due endpoint, one claim at a time.
    async fn work(&self, stop: &watch::Receiver<bool>) -> ApiResult<()> {
        while !*stop.borrow() {
            let Some(claim) = outbox::claim(&self.db, self.id, self.lease()).await? else {
                return Ok(());
            };
            let endpoint = claim.endpoint.id;
            if let Err(error) = self.deliver(claim).await {
                let _ = outbox::release(&self.db, endpoint, self.id).await;
                return Err(error);
            }
        }
        Ok(())
    }

    /// Posts the claimed endpoint its pending changes, in order, until one fails.
    async fn deliver(&self, claim: Claim) -> ApiResult<()> {
        let Claim {
            endpoint,
            cursor,
            head,
        } = claim;
        let matcher = Matcher::of(&self.db, &endpoint).await?;
        let changes = outbox::pending_changes(&self.db, cursor.last_sequence, head, BATCH).await?;
        let complete = (changes.len() as u64) < BATCH;
        let secrets = outbox::signing_secrets(&self.db, endpoint.id).await?;
        let mut advanced = cursor.last_sequence;
        let mut position = cursor.last_sequence;
        let mut failed_attempts = cursor.failed_attempts;
        let mut failing_since = cursor.failing_since;
        let sequence_ends: Vec<bool> = changes
            .iter()
            .enumerate()
            .map(|(i, change)| {
                changes
                    .get(i + 1)
                    .is_none_or(|next| next.sequence != change.sequence)
            })
            .collect();
        for (change, ends_sequence) in changes.into_iter().zip(sequence_ends) {
            if !matcher.matches(&self.db, &change).await? {
                if ends_sequence {
                    position = change.sequence;
                }
                continue;
            }
            let message_id = event::message_id(&change);
            let body = event::body(&change, &self.base);
            let timestamp = Utc::now().timestamp();
            let headers = [
                ("webhook-id", message_id.clone()),
                ("webhook-timestamp", timestamp.to_string()),
                (
                    "webhook-signature",
                    signature_header(&secrets, &message_id, timestamp, &body)?,
                ),
            ];
            let at = Utc::now();
            let outcome = self.sender.post(&endpoint.url, &headers, body).await;
            let attempt = failed_attempts + 1;
            outbox::log_attempt(
                &self.db,
                Attempt {
                    endpoint: endpoint.id,
                    sequence: change.sequence,
                    message_id,
                    attempt,
                    status_code: outcome.status,
                    delivered: outcome.delivered(),
                    latency_ms: outcome.latency_ms,
                    error: outcome.error.clone(),
                    at,
                },
            )
            .await?;
            if outcome.delivered() {
                failed_attempts = 0;
                failing_since = None;
                if !ends_sequence {
                    continue;
                }
                position = change.sequence;
                if !self.advance(endpoint.id, position).await? {
                    tracing::warn!(endpoint = %endpoint.id, "lost the delivery lease; another instance continues");
                    return Ok(());
                }
                advanced = position;
                continue;
            }
            if position > advanced && !self.advance(endpoint.id, position).await? {
                return Ok(());
            }
            let since = failing_since.unwrap_or(at);
            let settings = self.hub.settings();
            let retry_for = Duration::from_std(settings.retry_for).unwrap_or(Duration::days(1));
            let now = Utc::now();
            let error = outcome.error.unwrap_or_else(|| "failed".to_owned());
            let disabled_reason = (now - since >= retry_for).then(|| {
                format!(
                    "change {} could not be delivered: {attempt} attempts since {}, the last one: {error}; \
                     fix the endpoint, then turn it on again (updateWebhook with enabled: true) to resume from that change",
                    change.sequence,
                    since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                )
            });
            if disabled_reason.is_some() {
                tracing::warn!(endpoint = %endpoint.id, "webhook endpoint disabled after failing for {:?}", settings.retry_for);
            }
            outbox::defer(
                &self.db,
                endpoint.id,
                self.id,
                Failure {
                    failed_attempts: attempt,
                    failing_since: since,
                    next_attempt_at: now
                        + backoff(attempt, settings.retry_initial_delay, settings.retry_max_delay),
                    disabled_reason,
                },
            )
            .await?;
            return Ok(());
        }
        let end = if complete { head.max(position) } else { position };
        if end > advanced
            && !outbox::advance(&self.db, endpoint.id, self.id, end, Utc::now() + self.lease()).await?
        {
            return Ok(());
        }
        outbox::release(&self.db, endpoint.id, self.id).await
    }
}

/// Resolves when the change sequence advances; never without a notifier (or once it is gone).
async fn advanced(changes: &mut Option<watch::Receiver<i64>>) {
    if let Some(receiver) = changes
        && receiver.changed().await.is_ok()
    {
        return;
    }
    *changes = None;
    std::future::pending::<()>().await;
}

/// The wait before attempt `failed + 1`: `initial` doubled per failure, at most `max`, then a
/// random part of it taken off (full jitter between half and all of it), so endpoints that failed
/// together do not all retry at once.
fn backoff(failed: i32, initial: StdDuration, max: StdDuration) -> Duration {
    let exponent = u32::try_from(failed.saturating_sub(1)).unwrap_or(0).min(30);
    let base = initial.saturating_mul(1_u32 << exponent).min(max);
    let jitter = f64::from(OsRng.next_u32()) / f64::from(u32::MAX);
    let wait = base.mul_f64(0.5 + jitter / 2.0);
    Duration::from_std(wait).unwrap_or(Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let initial = StdDuration::from_secs(5);
        let max = StdDuration::from_secs(3600);
        for (failed, full) in [(1, 5), (2, 10), (3, 20), (10, 2560), (11, 3600), (40, 3600)] {
            let wait = backoff(failed, initial, max).num_milliseconds();
            assert!(wait >= full * 500 && wait <= full * 1000, "{failed}: {wait}");
        }
    }
}
