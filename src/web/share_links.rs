//! What public pages give to the outside world: OpenGraph and Twitter-card meta, plain share
//! links (no third-party scripts), and small helpers for building URLs and XML.

use serde::Serialize;

use crate::http::state::AppState;

/// The meta tags of a shareable page (OpenGraph, Twitter card, canonical link).
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    pub title: String,
    pub description: String,
    /// Absolute URL of the page.
    pub url: String,
    /// `website` for consultations, `article` for ideas.
    pub og_type: &'static str,
}

/// Share links for one page, each a plain link to the service's own share dialog.
#[derive(Clone, Debug, Serialize)]
pub struct ShareLinks {
    pub x: String,
    pub facebook: String,
    pub line: String,
}

/// Meta and share links for the page at `path` (a local path such as `/c/plan`).
pub fn share(
    state: &AppState,
    path: &str,
    title: &str,
    description: &str,
    og_type: &'static str,
) -> (Meta, ShareLinks) {
    let url = state.settings.absolute(path);
    let u = encode_component(&url);
    let links = ShareLinks {
        x: format!(
            "https://x.com/intent/post?text={}&url={u}",
            encode_component(title)
        ),
        facebook: format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
        line: format!("https://social-plugins.line.me/lineit/share?url={u}"),
    };
    let meta = Meta {
        title: title.to_owned(),
        description: description.to_owned(),
        url,
        og_type,
    };
    (meta, links)
}

/// Percent-encodes everything but the unreserved characters of RFC 3986, so the result is
/// safe as one query parameter value anywhere (spaces become `%20`, never `+`).
pub fn encode_component(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() * 3);
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A local URL with the non-empty parameters as its query string.
pub fn with_query(path: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (key, value) in params {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            query.append_pair(key, v);
            any = true;
        }
    }
    if any {
        format!("{path}?{}", query.finish())
    } else {
        path.to_owned()
    }
}

/// Escapes text for XML element content and attribute values, and drops the characters XML
/// 1.0 cannot carry at all (most control characters).
pub fn xml_escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_fully_encoded() {
        assert_eq!(encode_component("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(
            encode_component("https://x.jp/c/plan?a=1#f"),
            "https%3A%2F%2Fx.jp%2Fc%2Fplan%3Fa%3D1%23f"
        );
        assert_eq!(encode_component("行政"), "%E8%A1%8C%E6%94%BF");
        assert_eq!(encode_component("AZaz09-_.~"), "AZaz09-_.~");
    }

    #[test]
    fn query_keeps_only_given_values() {
        assert_eq!(
            with_query(
                "/c/p/ideas",
                &[("sort", Some("top")), ("q", None), ("section", Some(" "))]
            ),
            "/c/p/ideas?sort=top"
        );
        assert_eq!(
            with_query("/c/p/ideas", &[("q", Some("a&b c"))]),
            "/c/p/ideas?q=a%26b+c"
        );
        assert_eq!(with_query("/x", &[]), "/x");
    }

    #[test]
    fn xml_is_escaped_and_cleaned() {
        assert_eq!(
            xml_escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(xml_escape("a\u{0}b\u{1b}c\nd"), "abc\nd");
        assert_eq!(xml_escape("行政"), "行政");
    }
}
