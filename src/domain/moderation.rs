//! Moderation vocabulary and rules: visibility, reasons, actions, what tombstones show,
//! suspensions, and the content checks that hold an item for review.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::fields::FieldError;

/// Whether an idea or comment shows to the public.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Visible,
    /// Held for approval (pre-moderation or a filter match); only its author and staff see it.
    Pending,
    /// Hidden by moderators (or by reports pending review): a public tombstone remains.
    Hidden,
    /// Merged into another idea, whose page it now redirects to.
    Merged,
}

impl Visibility {
    pub const ALL: [Visibility; 4] = [Self::Visible, Self::Pending, Self::Hidden, Self::Merged];

    pub fn parse(raw: &str) -> Option<Visibility> {
        Self::ALL.into_iter().find(|v| v.as_str() == raw)
    }

    /// A stored value: one IdeaBox did not write shows to nobody (as SQL filters on
    /// `visibility = 'visible'` treat it), never to everyone.
    pub fn stored(raw: &str) -> Visibility {
        Self::parse(raw).unwrap_or(Self::Hidden)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visible => "visible",
            Self::Pending => "pending",
            Self::Hidden => "hidden",
            Self::Merged => "merged",
        }
    }
}

/// Why a citizen reports an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Abusive,
    PersonalInfo,
    OffTopic,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 5] = [
        Self::Spam,
        Self::Abusive,
        Self::PersonalInfo,
        Self::OffTopic,
        Self::Other,
    ];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "spam",
            Self::Abusive => "abusive",
            Self::PersonalInfo => "personal_info",
            Self::OffTopic => "off_topic",
            Self::Other => "other",
        }
    }
}

/// The fixed list of reasons a moderation action gives (shown publicly on tombstones).
pub const ACTION_REASONS: [&str; 8] = [
    "spam",
    "abusive",
    "personal_info",
    "off_topic",
    "duplicate",
    "illegal",
    "resolved",
    "other",
];

/// A moderation reason from the fixed list.
pub fn parse_action_reason(raw: &str) -> Result<&'static str, FieldError> {
    ACTION_REASONS
        .into_iter()
        .find(|r| *r == raw.trim())
        .ok_or(FieldError::new("reason", "error-reason-invalid"))
}

/// Longest note a report or action may carry.
pub const NOTE_MAX_CHARS: usize = 1_000;

pub fn parse_note(raw: Option<&str>) -> Result<String, FieldError> {
    let note = raw.unwrap_or("").trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(FieldError::new("note", "error-note-too-long"));
    }
    if note
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new("note", "error-text-invalid"));
    }
    Ok(note.to_owned())
}

/// What a moderator can do to an idea or a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemAction {
    Hide,
    Restore,
    Lock,
    Unlock,
    Pin,
    Unpin,
    Approve,
}

impl ItemAction {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "hide" => Some(Self::Hide),
            "restore" => Some(Self::Restore),
            "lock" => Some(Self::Lock),
            "unlock" => Some(Self::Unlock),
            "pin" => Some(Self::Pin),
            "unpin" => Some(Self::Unpin),
            "approve" => Some(Self::Approve),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hide => "hide",
            Self::Restore => "restore",
            Self::Lock => "lock",
            Self::Unlock => "unlock",
            Self::Pin => "pin",
            Self::Unpin => "unpin",
            Self::Approve => "approve",
        }
    }

    /// Comments can only be hidden, restored or approved.
    pub fn applies_to_comments(self) -> bool {
        matches!(self, Self::Hide | Self::Restore | Self::Approve)
    }
}

/// An account's standing: suspended until a time, banned, or free to take part.
pub fn is_suspended(
    suspended_until: Option<NaiveDateTime>,
    banned_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> bool {
    banned_at.is_some() || suspended_until.is_some_and(|until| until > now)
}

/// New accounts cannot post links for their first day: the commonest spam pattern.
pub const NEW_ACCOUNT_LINK_BAN: chrono::Duration = chrono::Duration::hours(24);

/// Whether text contains a link (a URL, `www.` address or Markdown link).
pub fn contains_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("http://")
        || lower.contains("https://")
        || lower.contains("www.")
        || lower.contains("](")
}

/// A configured filter: a word (matched case-insensitively anywhere) or a regular expression.
#[derive(Clone, Debug)]
pub enum FilterPattern {
    Word(String),
    Regex(regex::Regex),
}

impl FilterPattern {
    pub fn parse(pattern: &str, is_regex: bool) -> Result<Self, FieldError> {
        let pattern = pattern.trim();
        if pattern.is_empty() || pattern.chars().count() > 200 {
            return Err(FieldError::new("pattern", "error-pattern-invalid"));
        }
        if is_regex {
            regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map(Self::Regex)
                .map_err(|_| FieldError::new("pattern", "error-pattern-invalid"))
        } else {
            Ok(Self::Word(pattern.to_lowercase()))
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        match self {
            Self::Word(word) => text.to_lowercase().contains(word),
            Self::Regex(re) => re.is_match(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_round_trips_and_an_unknown_stored_value_shows_to_nobody() {
        for v in Visibility::ALL {
            assert_eq!(Visibility::parse(v.as_str()), Some(v));
        }
        assert_eq!(Visibility::parse("Visible"), None);
        assert_eq!(Visibility::stored("archived"), Visibility::Hidden);
        assert_eq!(Visibility::stored(""), Visibility::Hidden);
    }

    #[test]
    fn suspensions_expire_and_bans_do_not() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert!(is_suspended(Some(t + chrono::Duration::hours(1)), None, t));
        assert!(!is_suspended(Some(t - chrono::Duration::hours(1)), None, t));
        assert!(is_suspended(None, Some(t), t));
        assert!(!is_suspended(None, None, t));
    }

    #[test]
    fn links_are_spotted() {
        assert!(contains_link("see https://spam.example"));
        assert!(contains_link("WWW.spam.example"));
        assert!(contains_link("[cheap](spam)"));
        assert!(!contains_link("行政のデジタル化"));
    }

    #[test]
    fn filters_match_words_and_patterns() {
        let word = FilterPattern::parse("Casino", false).unwrap();
        assert!(word.matches("online casino bonus"));
        let re = FilterPattern::parse(r"\d{3}-\d{4}-\d{4}", true).unwrap();
        assert!(re.matches("call 090-1234-5678"));
        assert!(FilterPattern::parse("(unclosed", true).is_err());
        assert!(FilterPattern::parse("  ", false).is_err());
    }

    #[test]
    fn reasons_come_from_fixed_lists() {
        assert_eq!(
            ReportReason::parse("personal_info"),
            Some(ReportReason::PersonalInfo)
        );
        assert_eq!(ReportReason::parse("boring"), None);
        assert_eq!(parse_action_reason("duplicate"), Ok("duplicate"));
        assert!(parse_action_reason("because").is_err());
        assert!(parse_note(Some(&"x".repeat(1001))).is_err());
    }
}

/// How a viewer sees an idea or comment, given its visibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The content itself.
    Full,
    /// A public tombstone: "hidden by the moderators: <reason>", no content.
    Tombstone,
    /// Not there at all (404): pending items for anyone but their author and moderators.
    Absent,
    /// Merged: the page redirects to the surviving idea.
    Redirect,
}

pub fn view_of(visibility: Visibility, is_author: bool, is_moderator: bool) -> View {
    match visibility {
        Visibility::Visible => View::Full,
        Visibility::Pending if is_author || is_moderator => View::Full,
        Visibility::Pending => View::Absent,
        Visibility::Hidden if is_moderator => View::Full,
        Visibility::Hidden => View::Tombstone,
        Visibility::Merged => View::Redirect,
    }
}

#[cfg(test)]
mod view_tests {
    use super::*;

    #[test]
    fn hidden_items_leave_a_tombstone_and_pending_ones_are_private() {
        assert_eq!(view_of(Visibility::Hidden, false, false), View::Tombstone);
        assert_eq!(
            view_of(Visibility::Hidden, true, false),
            View::Tombstone,
            "authors see the tombstone too"
        );
        assert_eq!(view_of(Visibility::Hidden, false, true), View::Full);
        assert_eq!(view_of(Visibility::Pending, false, false), View::Absent);
        assert_eq!(view_of(Visibility::Pending, true, false), View::Full);
        assert_eq!(view_of(Visibility::Merged, false, true), View::Redirect);
    }
}
