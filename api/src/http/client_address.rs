//! Which address an anonymous request is counted against. Without trusted proxies that is the TCP
//! peer. When the peer is one of the configured trusted proxies (`NAP_TRUSTED_PROXIES`), the
//! address is read from `X-Forwarded-For`, right to left, skipping the trusted hops: the first
//! address a trusted proxy did not add itself. A client cannot choose its own address by sending
//! the header, because entries left of the first untrusted hop are never read.

use std::net::IpAddr;

use axum::http::HeaderMap;

use crate::config::address_range::{AddressRange, canonical};

/// The address a request is counted against, given its TCP `peer`, its headers and the trusted
/// proxy ranges.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[AddressRange]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted_proxies.iter().any(|range| range.contains(address));
    let peer = canonical(peer);
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut nearest = peer;
    for hop in hops.iter().rev() {
        let Ok(address) = hop.parse::<IpAddr>().map(canonical) else {
            // A malformed entry ends the chain: what lies beyond it cannot be trusted.
            return nearest;
        };
        if !is_trusted(address) {
            return address;
        }
        nearest = address;
    }
    nearest
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn ranges(texts: &[&str]) -> Vec<AddressRange> {
        texts.iter().map(|t| t.parse().unwrap()).collect()
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn reads_forwarded_for_only_from_trusted_proxies() {
        let trusted = ranges(&["10.0.0.0/8"]);
        let headers = forwarded("203.0.113.9");
        assert_eq!(
            client_address(ip("198.51.100.1"), &headers, &trusted),
            ip("198.51.100.1"),
            "an untrusted peer's header is ignored"
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(
                ip("10.0.0.2"),
                &forwarded("1.2.3.4, 203.0.113.9, 10.0.0.5"),
                &trusted
            ),
            ip("203.0.113.9"),
            "the spoofable left part is never read"
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &forwarded("garbage, 10.0.0.5"), &trusted),
            ip("10.0.0.5")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &[]),
            ip("10.0.0.2"),
            "no trusted proxies: the header is ignored"
        );
    }
}
