//! Rate limiting: a fixed one-minute window per organisation token, and per client address for
//! anonymous traffic. Over the limit, a request is answered 429 with `Retry-After`. The table of
//! windows is pruned (at most once a window) as it grows, so memory stays bounded by the number of
//! recent clients.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use uuid::Uuid;

/// Length of a window.
const WINDOW: Duration = Duration::from_secs(60);
/// Windows kept before expired ones are pruned.
const PRUNE_ABOVE: usize = 10_000;

/// Who a request is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Client {
    /// An organisation's token, by `jti`.
    Token(Uuid),
    /// An anonymous client, by address.
    Address(IpAddr),
    /// An anonymous client whose address is unknown (all such share one window).
    Unknown,
}

/// Requests per minute, by kind of client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Per token.
    pub per_token: u32,
    /// Per anonymous address.
    pub per_address: u32,
}

impl From<&crate::config::HttpSettings> for Limits {
    fn from(settings: &crate::config::HttpSettings) -> Self {
        Self {
            per_token: settings.rate_per_token,
            per_address: settings.rate_per_address,
        }
    }
}

/// Counts requests per client and window.
#[derive(Debug)]
pub struct RateLimiter {
    limits: Limits,
    windows: Mutex<Windows>,
}

/// Each client's window start and count, and when expired windows were last pruned.
#[derive(Debug, Default)]
struct Windows {
    by_client: HashMap<Client, (Instant, u32)>,
    pruned_at: Option<Instant>,
}

impl RateLimiter {
    /// A limiter with `limits`.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            windows: Mutex::new(Windows::default()),
        }
    }

    /// Counts a request of `client` at `now`: `Ok` when allowed, else how long until it may retry.
    pub fn check(&self, client: Client, now: Instant) -> Result<(), Duration> {
        let limit = match client {
            Client::Token(_) => self.limits.per_token,
            Client::Address(_) | Client::Unknown => self.limits.per_address,
        };
        // A poisoned lock only means another request panicked mid-count: keep counting.
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // At most once a window: with many clients active, pruning on every request would walk
        // the whole table each time.
        let due = windows
            .pruned_at
            .is_none_or(|pruned| now.duration_since(pruned) >= WINDOW);
        if windows.by_client.len() > PRUNE_ABOVE && due {
            windows
                .by_client
                .retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            windows.pruned_at = Some(now);
        }
        let (start, count) = windows.by_client.entry(client).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= limit {
            return Err(WINDOW.saturating_sub(now.duration_since(*start)));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_client_and_window() {
        let limiter = RateLimiter::new(Limits {
            per_token: 3,
            per_address: 2,
        });
        let start = Instant::now();
        let address = Client::Address(IpAddr::from([127, 0, 0, 1]));
        assert!(limiter.check(address, start).is_ok());
        assert!(limiter.check(address, start).is_ok());
        let retry = limiter
            .check(address, start + Duration::from_secs(15))
            .unwrap_err();
        assert_eq!(retry, Duration::from_secs(45));
        let token = Client::Token(Uuid::from_u128(1));
        for _ in 0..3 {
            assert!(
                limiter.check(token, start).is_ok(),
                "tokens have their own window"
            );
        }
        assert!(limiter.check(token, start).is_err());
        assert!(
            limiter.check(address, start + WINDOW).is_ok(),
            "a new window starts afresh"
        );
    }
}
