//! The webhook delivery settings (`NAP_WEBHOOK_*`): where deliveries may go, how long a delivery
//! may take and how much of an answer is read, how often the worker looks for work, and how
//! retries back off. Durations are written with a unit: `250ms`, `10s`, `5m`, `24h`.

use std::time::Duration;

use super::{ConfigError, Env, parse::whole_number, setting};

/// How webhooks are delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Host names or addresses deliveries may go to although they are not public
    /// (`NAP_WEBHOOK_ALLOWED_HOSTS`).
    pub allowed_hosts: Vec<String>,
    /// How often the worker looks for changes to deliver when nothing wakes it.
    pub poll_interval: Duration,
    /// The longest a delivery may take, connection included.
    pub timeout: Duration,
    /// The most bytes of an answer read.
    pub max_response_bytes: usize,
    /// The wait after the first failed attempt; it doubles after each further one.
    pub retry_initial_delay: Duration,
    /// The longest wait between attempts.
    pub retry_max_delay: Duration,
    /// How long a change is retried before the endpoint is disabled.
    pub retry_for: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allowed_hosts: Vec::new(),
            poll_interval: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
            max_response_bytes: 64 * 1024,
            retry_initial_delay: Duration::from_secs(5),
            retry_max_delay: Duration::from_secs(3600),
            retry_for: Duration::from_secs(24 * 3600),
        }
    }
}

/// Reads a duration with a unit (`ms`, `s`, `m`, `h`).
pub fn duration(value: &str) -> Result<Duration, String> {
    let value = value.trim();
    let split = value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{value}` is not a duration such as `500ms`, `10s`, `5m` or `24h`"))?;
    let millis = match unit {
        "ms" => Some(number),
        "s" => number.checked_mul(1000),
        "m" => number.checked_mul(60_000),
        "h" => number.checked_mul(3_600_000),
        _ => None,
    }
    .ok_or_else(|| format!("`{value}` is not a duration such as `500ms`, `10s`, `5m` or `24h`"))?;
    if millis == 0 {
        return Err(format!("`{value}` is no time at all"));
    }
    Ok(Duration::from_millis(millis))
}

/// `NAP_WEBHOOK_*`.
pub(super) fn webhook_settings(env: Env<'_>) -> Result<WebhookSettings, ConfigError> {
    let defaults = WebhookSettings::default();
    let time = |variable, default| -> Result<Duration, ConfigError> {
        Ok(setting(env, variable, duration)?.unwrap_or(default))
    };
    Ok(WebhookSettings {
        allowed_hosts: setting(
            env,
            "NAP_WEBHOOK_ALLOWED_HOSTS",
            super::parse::list(|h| Ok(h.to_owned())),
        )?
        .unwrap_or_default(),
        poll_interval: time("NAP_WEBHOOK_POLL_INTERVAL", defaults.poll_interval)?,
        timeout: time("NAP_WEBHOOK_TIMEOUT", defaults.timeout)?,
        max_response_bytes: setting(
            env,
            "NAP_WEBHOOK_MAX_RESPONSE_BYTES",
            whole_number(0..=16 * 1024 * 1024),
        )?
        .unwrap_or(defaults.max_response_bytes),
        retry_initial_delay: time("NAP_WEBHOOK_RETRY_INITIAL_DELAY", defaults.retry_initial_delay)?,
        retry_max_delay: time("NAP_WEBHOOK_RETRY_MAX_DELAY", defaults.retry_max_delay)?,
        retry_for: time("NAP_WEBHOOK_RETRY_FOR", defaults.retry_for)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(duration("24h").unwrap(), Duration::from_secs(86_400));
        for bad in ["10", "1d", "s", "0s", "-1s"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (variable, value) in [
            ("NAP_WEBHOOK_POLL_INTERVAL", "often"),
            ("NAP_WEBHOOK_TIMEOUT", "10"),
            ("NAP_WEBHOOK_MAX_RESPONSE_BYTES", "lots"),
            ("NAP_WEBHOOK_RETRY_FOR", "forever"),
        ] {
            let env = |name: &str| (name == variable).then(|| value.to_owned());
            let error = webhook_settings(&env).unwrap_err();
            assert_eq!(error.source_name, variable);
        }
        let env = |name: &str| {
            (name == "NAP_WEBHOOK_ALLOWED_HOSTS").then(|| "127.0.0.1, hooks.internal".to_owned())
        };
        assert_eq!(
            webhook_settings(&env).unwrap().allowed_hosts,
            ["127.0.0.1", "hooks.internal"]
        );
    }
}
