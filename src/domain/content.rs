//! Ideas, comments and votes as citizens submit them: parsed and bounded.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::fields::FieldError;

pub const IDEA_TITLE_MAX_CHARS: usize = 150;
pub const IDEA_BODY_MAX_CHARS: usize = 10_000;
pub const COMMENT_BODY_MAX_CHARS: usize = 5_000;
/// Authors may correct their own idea or comment for this long after posting.
pub const EDIT_WINDOW: Duration = Duration::minutes(30);

fn bounded(
    field: &'static str,
    raw: &str,
    max: usize,
    empty: &'static str,
    long: &'static str,
) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, empty));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, long));
    }
    // Control characters other than line breaks and tabs have no place in prose.
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(field, "error-text-invalid"));
    }
    Ok(value.replace("\r\n", "\n"))
}

/// An idea's title: 1 to 150 characters after trimming, on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdeaTitle(String);

impl IdeaTitle {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let value = bounded(
            field,
            raw,
            IDEA_TITLE_MAX_CHARS,
            "error-title-required",
            "error-title-too-long",
        )?;
        Ok(Self(value.split_whitespace().collect::<Vec<_>>().join(" ")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An idea's body in Markdown: 1 to 10,000 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdeaBody(String);

impl IdeaBody {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        bounded(
            field,
            raw,
            IDEA_BODY_MAX_CHARS,
            "error-body-required",
            "error-body-too-long",
        )
        .map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A comment in Markdown: 1 to 5,000 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        bounded(
            field,
            raw,
            COMMENT_BODY_MAX_CHARS,
            "error-comment-required",
            "error-comment-too-long",
        )
        .map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Support or opposition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VoteValue {
    Support,
    Oppose,
}

impl VoteValue {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "support" => Some(Self::Support),
            "oppose" => Some(Self::Oppose),
            _ => None,
        }
    }

    /// Stored as +1 / -1.
    pub fn as_i32(self) -> i32 {
        match self {
            Self::Support => 1,
            Self::Oppose => -1,
        }
    }

    pub fn from_i32(value: i32) -> Option<Self> {
        match value {
            1 => Some(Self::Support),
            -1 => Some(Self::Oppose),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Support => "support",
            Self::Oppose => "oppose",
        }
    }
}

/// The receipt number people quote when they ask about their idea: `IB-2026-000123`.
pub fn receipt_number(id: i64, created_at: NaiveDateTime) -> String {
    format!("IB-{}-{id:06}", created_at.format("%Y"))
}

/// Whether an author's edit window is still open.
pub fn within_edit_window(created_at: NaiveDateTime, now: NaiveDateTime) -> bool {
    now - created_at <= EDIT_WINDOW
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded_in_characters() {
        assert_eq!(
            IdeaTitle::parse("title", "  行政の\n デジタル化 ")
                .unwrap()
                .as_str(),
            "行政の デジタル化"
        );
        assert!(IdeaTitle::parse("title", "   ").is_err());
        assert!(IdeaTitle::parse("title", &"あ".repeat(150)).is_ok());
        assert_eq!(
            IdeaTitle::parse("title", &"あ".repeat(151))
                .unwrap_err()
                .code,
            "error-title-too-long"
        );
    }

    #[test]
    fn bodies_are_bounded() {
        assert!(IdeaBody::parse("body", &"x".repeat(10_000)).is_ok());
        assert!(IdeaBody::parse("body", &"x".repeat(10_001)).is_err());
        assert!(CommentBody::parse("body", &"x".repeat(5_001)).is_err());
        assert!(CommentBody::parse("body", "a\u{0000}b").is_err());
        assert_eq!(
            CommentBody::parse("body", "a\r\nb").unwrap().as_str(),
            "a\nb"
        );
    }

    #[test]
    fn receipts_are_zero_padded_by_year() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
            .unwrap()
            .and_hms_opt(3, 0, 0)
            .unwrap();
        assert_eq!(receipt_number(123, at), "IB-2026-000123");
        assert_eq!(receipt_number(1_234_567, at), "IB-2026-1234567");
    }

    #[test]
    fn edit_window_is_thirty_minutes() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert!(within_edit_window(t, t + Duration::minutes(30)));
        assert!(!within_edit_window(t, t + Duration::minutes(31)));
    }

    #[test]
    fn vote_values() {
        assert_eq!(VoteValue::parse("support"), Some(VoteValue::Support));
        assert_eq!(VoteValue::parse("like"), None);
        assert_eq!(VoteValue::from_i32(-1), Some(VoteValue::Oppose));
    }
}
