//! How lists of ideas are ordered and paged: sorts, opaque cursors, page sizes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// The orders an idea list can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    New,
    Top,
    Trending,
    Discussed,
    Controversial,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::New,
        Sort::Top,
        Sort::Trending,
        Sort::Discussed,
        Sort::Controversial,
    ];

    /// Unknown values are an error, never a silent default.
    pub fn parse(raw: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::New => "new",
            Sort::Top => "top",
            Sort::Trending => "trending",
            Sort::Discussed => "discussed",
            Sort::Controversial => "controversial",
        }
    }
}

/// Where the previous page ended: the sort key and id of its last item.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "k")]
    pub key: f64,
    #[serde(rename = "i")]
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&self).unwrap_or_default())
    }

    pub fn decode(raw: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
        let cursor: Cursor = serde_json::from_slice(&bytes).ok()?;
        (cursor.key.is_finite() && cursor.id > 0).then_some(cursor)
    }
}

/// A page size within 1..=100.
pub fn parse_limit(raw: Option<&str>) -> Option<i64> {
    match raw {
        None | Some("") => Some(DEFAULT_LIMIT),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            key: 0.1 + 0.2,
            id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("not-base64!"), None);
        assert_eq!(
            Cursor::decode(&URL_SAFE_NO_PAD.encode(b"{\"k\":1,\"i\":-1}")),
            None
        );
    }

    #[test]
    fn sorts_and_limits() {
        assert_eq!(Sort::parse("top"), Some(Sort::Top));
        assert_eq!(Sort::parse("best"), None);
        assert_eq!(parse_limit(None), Some(20));
        assert_eq!(parse_limit(Some("100")), Some(100));
        assert_eq!(parse_limit(Some("0")), None);
        assert_eq!(parse_limit(Some("101")), None);
        assert_eq!(parse_limit(Some("x")), None);
    }
}
