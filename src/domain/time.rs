//! How times leave IdeaBox in machine-readable form: UTC, RFC 3339, whole seconds.

use chrono::NaiveDateTime;

/// A stored UTC time as RFC 3339 (`2026-12-03T13:42:17Z`).
pub fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
