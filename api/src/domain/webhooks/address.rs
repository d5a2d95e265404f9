//! Where webhooks may be sent. An endpoint's URL is `https://` or `http://`, names a host, and
//! carries no credentials; the addresses its host resolves to must be public: loopback, private,
//! link-local, unspecified, multicast and other special-purpose ranges are refused unless the
//! operator names the host (or the address) in `NAP_WEBHOOK_ALLOWED_HOSTS`. The checks run when an
//! endpoint is registered and again, on the resolved addresses, before every delivery.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::error::{ApiError, ApiResult};

/// The hosts and addresses the operator allows beyond the public internet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    allowed: Vec<String>,
}

impl AddressPolicy {
    /// A policy allowing `hosts` (host names or addresses, compared case-insensitively).
    pub fn allowing(hosts: &[String]) -> Self {
        Self {
            allowed: hosts
                .iter()
                .map(|host| {
                    host.trim()
                        .trim_start_matches('[')
                        .trim_end_matches(']')
                        .to_ascii_lowercase()
                })
                .filter(|host| !host.is_empty())
                .collect(),
        }
    }

    /// Whether the operator named `host` (as written in the URL).
    pub fn allows_host(&self, host: &str) -> bool {
        self.allowed.iter().any(|allowed| allowed == host)
    }

    /// Whether `address` may be delivered to for `host`.
    pub fn allows(&self, host: &str, address: IpAddr) -> bool {
        self.allows_host(host) || self.allowed.iter().any(|a| a == &address.to_string()) || is_public(address)
    }

    /// The resolved `addresses` of `host` to connect to, or why there are none: every address of
    /// a host must be allowed, so a name that resolves to one private address among public ones
    /// is refused rather than tried.
    pub fn check_resolved(&self, host: &str, addresses: &[SocketAddr]) -> Result<Vec<SocketAddr>, String> {
        if addresses.is_empty() {
            return Err(format!("`{host}` resolves to no address"));
        }
        if let Some(refused) = addresses.iter().find(|a| !self.allows(host, a.ip())) {
            return Err(format!(
                "`{host}` resolves to {}, a loopback, private or other non-public address; \
                 the operator can allow it with NAP_WEBHOOK_ALLOWED_HOSTS",
                refused.ip()
            ));
        }
        Ok(addresses.to_vec())
    }
}

/// The parts of an endpoint URL a delivery needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `https` (true) or `http`.
    pub https: bool,
    /// The host, lower case, without brackets for an IPv6 address.
    pub host: String,
    /// The port (443 or 80 unless given).
    pub port: u16,
    /// `host[:port]` as written, for the `Host` header.
    pub authority: String,
    /// The path and query (`/` at least).
    pub path_and_query: String,
}

/// Parses an endpoint URL, or a validation error naming `field`.
pub fn parse_url(field: &str, url: &str) -> ApiResult<Target> {
    let bad = |message: &str| ApiError::invalid(field, message.to_owned());
    let url = url.trim();
    if url.len() > 2000 {
        return Err(bad("a URL of at most 2000 characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("a URL has no spaces or control characters"));
    }
    let lower = url.to_ascii_lowercase();
    let (https, rest) = if lower.starts_with("https://") {
        (true, &url[8..])
    } else if lower.starts_with("http://") {
        (false, &url[7..])
    } else {
        return Err(bad("an `https://` (or `http://`) URL"));
    };
    if rest.contains('#') {
        return Err(bad("a URL without a fragment (`#…`)"));
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if authority.contains('@') {
        return Err(bad(
            "a URL without credentials (`user:password@`): authenticate with the signature",
        ));
    }
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let close = inner
            .find(']')
            .ok_or_else(|| bad("an IPv6 address is closed with `]`"))?;
        let host = &inner[..close];
        if host.parse::<Ipv6Addr>().is_err() {
            return Err(bad("`[…]` holds an IPv6 address"));
        }
        (host, &inner[close + 1..])
    } else {
        match authority.find(':') {
            Some(colon) => (&authority[..colon], &authority[colon..]),
            None => (authority, ""),
        }
    };
    let port = match port {
        "" => {
            if https {
                443
            } else {
                80
            }
        }
        port => port
            .strip_prefix(':')
            .and_then(|p| p.parse::<u16>().ok())
            .filter(|p| *p > 0)
            .ok_or_else(|| bad("a port is a number from 1 to 65535"))?,
    };
    let host = host.to_ascii_lowercase();
    let is_name = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if host.parse::<IpAddr>().is_err() && !is_name {
        return Err(bad("a URL naming a host (a domain name or an address)"));
    }
    let path_and_query = if path.is_empty() {
        "/".to_owned()
    } else if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_owned()
    };
    Ok(Target {
        https,
        host,
        port,
        authority: authority.to_owned(),
        path_and_query,
    })
}

/// Checks an endpoint URL as it is registered: its form, and the addresses its host names or
/// resolves to. A host that does not resolve (yet) is accepted; every delivery checks again.
pub async fn check_url(field: &str, url: &str, policy: &AddressPolicy) -> ApiResult<Target> {
    let target = parse_url(field, url)?;
    if policy.allows_host(&target.host) {
        return Ok(target);
    }
    let refused = || {
        ApiError::invalid(
            field,
            format!(
                "`{}` is a loopback, private or other non-public address: webhooks are delivered to public addresses only",
                target.host
            ),
        )
    };
    if let Ok(address) = target.host.parse::<IpAddr>() {
        return if policy.allows(&target.host, address) {
            Ok(target)
        } else {
            Err(refused())
        };
    }
    if target.host == "localhost" || target.host.ends_with(".localhost") {
        return Err(refused());
    }
    if let Ok(addresses) = tokio::net::lookup_host((target.host.as_str(), target.port)).await {
        let addresses: Vec<SocketAddr> = addresses.collect();
        if !addresses.is_empty() && policy.check_resolved(&target.host, &addresses).is_err() {
            return Err(refused());
        }
    }
    Ok(target)
}

/// Whether `address` is a public unicast address.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(a: Ipv4Addr) -> bool {
    let [first, second, third, _] = a.octets();
    !(a.is_unspecified()
        || a.is_loopback()
        || a.is_private()
        || a.is_link_local()
        || a.is_multicast()
        || a.is_broadcast()
        || a.is_documentation()
        || first == 0
        || (first == 100 && (64..128).contains(&second)) // shared address space (carrier NAT)
        || (first == 192 && second == 0 && third == 0) // IETF protocol assignments
        || (first == 198 && (18..20).contains(&second)) // benchmarking
        || first >= 240) // reserved
}

fn is_public_v6(a: Ipv6Addr) -> bool {
    let first = a.segments()[0];
    !(a.is_unspecified()
        || a.is_loopback()
        || a.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (first == 0x2001 && a.segments()[1] == 0x0db8) // documentation
        || (first == 0x0064 && a.segments()[1] == 0xff9b) // NAT64 (embeds an IPv4 address)
        || a.to_ipv4().is_some_and(|v4| !is_public_v4(v4)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_purpose_addresses_are_not_public() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "100.64.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(refused.parse().unwrap()), "{refused}");
        }
        for allowed in ["1.1.1.1", "93.184.216.34", "2606:4700:4700::1111"] {
            assert!(is_public(allowed.parse().unwrap()), "{allowed}");
        }
    }

    #[test]
    fn urls_are_parsed_and_refused_with_the_field() {
        let target = parse_url("url", "https://Hooks.Example.org:8443/in?x=1").unwrap();
        assert_eq!(
            (
                target.https,
                target.host.as_str(),
                target.port,
                target.path_and_query.as_str()
            ),
            (true, "hooks.example.org", 8443, "/in?x=1")
        );
        let target = parse_url("url", "http://[::1]:9000").unwrap();
        assert_eq!(
            (target.host.as_str(), target.port, target.path_and_query.as_str()),
            ("::1", 9000, "/")
        );
        for bad in [
            "ftp://example.org/",
            "https://user:pw@example.org/",
            "https:///path",
            "https://example.org:0/",
            "https://example.org:99999/",
            "https://exa mple.org/",
            "https://example.org/#x",
            "example.org",
        ] {
            let error = parse_url("input.url", bad).unwrap_err();
            assert_eq!(error.code(), crate::error::ErrorCode::BadUserInput, "{bad}");
            assert!(error.message().starts_with("input.url:"), "{bad}");
        }
    }

    #[test]
    fn the_operator_allows_named_hosts_and_addresses() {
        let policy = AddressPolicy::allowing(&["127.0.0.1".to_owned(), "Receiver.Internal".to_owned()]);
        assert!(policy.allows("127.0.0.1", "127.0.0.1".parse().unwrap()));
        assert!(policy.allows("receiver.internal", "10.0.0.5".parse().unwrap()));
        assert!(!policy.allows("other.internal", "10.0.0.5".parse().unwrap()));
        let resolved: Vec<SocketAddr> = vec!["1.1.1.1:443".parse().unwrap(), "10.0.0.1:443".parse().unwrap()];
        assert!(
            AddressPolicy::default()
                .check_resolved("mixed.example", &resolved)
                .is_err()
        );
    }
}
