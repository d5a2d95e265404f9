//! Webhook delivery: the background worker that posts the public change feed to the endpoints
//! organisations register (see `crate::domain::webhooks` for the endpoints, filters, signing and
//! the outbox). `serve` starts one worker per instance and stops it on shutdown; it polls every
//! `NAP_WEBHOOK_POLL_INTERVAL` and is woken at once, in process, after every committed write
//! (`Hub::wake`).
//!
//! `event` builds the delivered message, `sender` posts it safely, `worker` runs the loop.

pub mod event;
pub mod sender;
pub mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

use crate::{config::WebhookSettings, domain::webhooks::address::AddressPolicy};

pub use worker::spawn;

/// What the API and the delivery worker of one instance share: the settings, the address policy
/// endpoints are checked against, and the wake-up call a commit makes.
#[derive(Clone)]
pub struct Hub(Arc<HubInner>);

struct HubInner {
    settings: WebhookSettings,
    policy: AddressPolicy,
    wakeup: Notify,
}

impl Hub {
    /// A hub with `settings`.
    pub fn new(settings: WebhookSettings) -> Self {
        Self(Arc::new(HubInner {
            policy: AddressPolicy::allowing(&settings.allowed_hosts),
            settings,
            wakeup: Notify::new(),
        }))
    }

    /// The delivery settings.
    pub fn settings(&self) -> &WebhookSettings {
        &self.0.settings
    }

    /// Where endpoints may point.
    pub fn policy(&self) -> &AddressPolicy {
        &self.0.policy
    }

    /// Tells the worker a write has committed (kept until it next waits, if it is busy).
    pub fn wake(&self) {
        self.0.wakeup.notify_one();
    }

    /// Resolves when a write has committed since the last call.
    pub async fn woken(&self) {
        self.0.wakeup.notified().await;
    }
}

impl Default for Hub {
    fn default() -> Self {
        Self::new(WebhookSettings::default())
    }
}
