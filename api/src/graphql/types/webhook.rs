//! `Webhook` (an organisation's endpoint, its filters and delivery state) and `WebhookDelivery`
//! (one attempt of the delivery log). Secrets are never shown here: only when created or rotated.

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::webhook_delivery;

use super::organisation::Organisation;
use crate::{
    domain::{entity_type::EntityType, webhooks},
    graphql::{context::db, node_id},
};

/// An endpoint with its delivery state.
pub struct Webhook(pub webhooks::Webhook);

impl From<webhooks::Webhook> for Webhook {
    fn from(webhook: webhooks::Webhook) -> Self {
        Self(webhook)
    }
}

/// Whether an endpoint receives deliveries.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum WebhookStatus {
    /// Changes are delivered.
    Active,
    /// Its owner turned it off (`enabled: false`); changes wait for it.
    Paused,
    /// The registry turned it off after a change could not be delivered for the whole retry
    /// period; `disabledReason` says why. Changes wait for it: turn it on with `updateWebhook`.
    Disabled,
    /// Deleted; nothing more is delivered.
    Deleted,
}

/// An organisation's endpoint that receives the public change feed as it grows: one signed POST
/// per change (Standard Webhooks), in sequence order, retried until delivered.
#[Object]
impl Webhook {
    /// Global ID.
    async fn id(&self) -> ID {
        node_id::encode(EntityType::Webhook, self.0.endpoint.id)
    }

    /// Where changes are posted.
    async fn url(&self) -> &str {
        &self.0.endpoint.url
    }

    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.0.endpoint.description.as_deref()
    }

    /// The organisation that owns it.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Organisation::of(ctx, self.0.endpoint.organisation_id).await
    }

    /// Whether its owner wants deliveries (see `status` for whether it gets them).
    async fn enabled(&self) -> bool {
        self.0.endpoint.enabled
    }

    /// Whether it receives deliveries now.
    async fn status(&self) -> WebhookStatus {
        let endpoint = &self.0.endpoint;
        if endpoint.deleted_at.is_some() {
            WebhookStatus::Deleted
        } else if !endpoint.enabled {
            WebhookStatus::Paused
        } else if self.cursor_disabled_at().is_some() {
            WebhookStatus::Disabled
        } else {
            WebhookStatus::Active
        }
    }

    /// Why the registry disabled it, when it did.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.cursor.as_ref().and_then(|c| c.disabled_reason.as_deref())
    }

    /// When the registry disabled it, when it did.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.cursor_disabled_at()
    }

    /// Object types it receives changes of; empty for every type.
    async fn entity_types(&self) -> Vec<String> {
        webhooks::split(&self.0.endpoint.entity_types)
    }

    /// Codes of the plans it receives changes of (with their items and indicators); empty for all.
    async fn plans(&self) -> Vec<String> {
        webhooks::split(&self.0.endpoint.plan_codes)
    }

    /// Codes of the regions it receives changes of (with their plans); empty for all.
    async fn regions(&self) -> Vec<String> {
        webhooks::split(&self.0.endpoint.region_codes)
    }

    /// Codes of the organisations it receives changes of (with the plans and project links they
    /// own); empty for all.
    async fn organisations(&self) -> Vec<String> {
        webhooks::split(&self.0.endpoint.organisation_codes)
    }

    /// The `sequence` of the last change delivered (or passed over by the filters).
    async fn last_delivered_sequence(&self) -> Option<i64> {
        self.0.cursor.as_ref().map(|c| c.last_sequence)
    }

    /// Failed attempts at the next change so far.
    async fn failed_attempts(&self) -> i32 {
        self.0.cursor.as_ref().map_or(0, |c| c.failed_attempts)
    }

    /// When the next change is tried again, after a failed attempt.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.cursor.as_ref().and_then(|c| c.next_attempt_at)
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.endpoint.created_at
    }

    /// Its version: pass it to `updateWebhook`.
    async fn version(&self) -> i32 {
        self.0.endpoint.version
    }

    /// The delivery log: the most recent attempts, newest first.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many attempts (at most 100; default 20).")] first: Option<i32>,
    ) -> Result<Vec<WebhookDelivery>> {
        let limit = u64::try_from(first.unwrap_or(20).clamp(0, 100)).unwrap_or(20);
        Ok(webhooks::recent_deliveries(db(ctx)?, self.0.endpoint.id, limit)
            .await?
            .into_iter()
            .map(WebhookDelivery)
            .collect())
    }
}

impl Webhook {
    fn cursor_disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.cursor.as_ref().and_then(|c| c.disabled_at)
    }
}

/// A delivery log row.
pub struct WebhookDelivery(pub webhook_delivery::Model);

/// One attempt to deliver a change to an endpoint.
#[Object]
impl WebhookDelivery {
    /// The change's `sequence`.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }

    /// The `webhook-id` sent: the same on every attempt at one change.
    async fn message_id(&self) -> &str {
        &self.0.message_id
    }

    /// 1 for the first attempt at the change, then 2, 3, …
    async fn attempt(&self) -> i32 {
        self.0.attempt
    }

    /// Whether the endpoint took it (answered 2xx).
    async fn delivered(&self) -> bool {
        self.0.outcome == "DELIVERED"
    }

    /// The HTTP status the endpoint answered; null when it did not answer.
    async fn status_code(&self) -> Option<i32> {
        self.0.status_code
    }

    /// Milliseconds from sending to the answer (or the failure).
    async fn latency_ms(&self) -> i64 {
        self.0.latency_ms
    }

    /// What went wrong, for a failed attempt.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// When the attempt was made.
    async fn attempted_at(&self) -> DateTime<Utc> {
        self.0.attempted_at
    }
}
