//! The client's IP address: the peer, or the `X-Forwarded-For` entry added by a trusted proxy.

use std::net::IpAddr;

use ipnet::IpNet;

/// Resolves the client address. `X-Forwarded-For` is read right to left, skipping trusted
/// proxies, and only when the direct peer is itself a trusted proxy, so clients cannot forge it.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let Some(header) = forwarded_for else {
        return Some(peer);
    };
    let mut candidate = peer;
    for entry in header.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) => {
                candidate = ip;
                if !is_trusted(&ip) {
                    return Some(ip);
                }
            }
            // A malformed hop ends the chain we can trust.
            Err(_) => return Some(candidate),
        }
    }
    Some(candidate)
}

/// The caller's address and browser, as used for rate limits and the session list.
#[derive(Clone, Debug)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: String,
    /// The browser's known-device token, from its cookie, if it sent one.
    pub device: Option<DeviceToken>,
}

/// The random token a browser keeps once it has signed in (the known-device cookie). A secret:
/// it never prints.
#[derive(Clone)]
pub struct DeviceToken(String);

/// Longest cookie value taken as a device token (ours are 43 characters).
const DEVICE_TOKEN_MAX: usize = 64;

impl DeviceToken {
    /// A cookie value as sent; anything too long or not URL-safe base64 is no token.
    pub fn parse(raw: &str) -> Option<DeviceToken> {
        let well_formed = !raw.is_empty()
            && raw.len() <= DEVICE_TOKEN_MAX
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| DeviceToken(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceToken([redacted])")
    }
}

impl ClientInfo {
    /// The key for per-address rate limits (all unknown addresses share one bucket).
    pub fn ip_key(&self) -> String {
        self.ip
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_tokens_are_short_url_safe_and_never_printed() {
        assert!(DeviceToken::parse("abcDEF-_123").is_some());
        assert!(DeviceToken::parse("").is_none());
        assert!(DeviceToken::parse("a b").is_none());
        assert!(DeviceToken::parse(&"a".repeat(65)).is_none());
        let token = DeviceToken::parse("secret").unwrap();
        assert!(!format!("{token:?}").contains("secret"));
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn untrusted_peer_header_is_ignored() {
        assert_eq!(
            client_ip(Some(ip("203.0.113.9")), Some("1.2.3.4"), &[]),
            Some(ip("203.0.113.9"))
        );
    }

    #[test]
    fn trusted_proxy_header_is_used_right_to_left() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(
                Some(ip("10.0.0.2")),
                Some("6.6.6.6, 198.51.100.7, 10.0.0.5"),
                &trusted
            ),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), None, &trusted),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), Some("garbage"), &trusted),
            Some(ip("10.0.0.2"))
        );
    }
}
