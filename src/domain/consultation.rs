//! Organisations and consultations: identifiers, lifecycle and the rules that follow from it.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::fields::FieldError;

pub const SLUG_MAX_CHARS: usize = 64;

/// A URL-safe identifier: lower-case ASCII letters, digits and single hyphens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim();
        let valid = !value.is_empty()
            && value.len() <= SLUG_MAX_CHARS
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-')
            && !value.contains("--");
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(field, "error-slug-invalid"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a consultation is in its life, as set by an admin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsultationStatus {
    /// Visible to staff only, whatever the dates.
    Draft,
    /// Published; takes part between its dates.
    Open,
    /// Read-only, set early by an admin or reached when the closing date passes.
    Closed,
}

impl ConsultationStatus {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "draft" => Some(Self::Draft),
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// What the public experiences right now, from the status and the dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Draft,
    /// Published but the opening date has not come.
    Upcoming,
    Open,
    Closed,
}

impl Phase {
    pub fn of(
        status: ConsultationStatus,
        opens_at: NaiveDateTime,
        closes_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Self {
        match status {
            ConsultationStatus::Draft => Self::Draft,
            ConsultationStatus::Closed => Self::Closed,
            ConsultationStatus::Open if now >= closes_at => Self::Closed,
            ConsultationStatus::Open if now < opens_at => Self::Upcoming,
            ConsultationStatus::Open => Self::Open,
        }
    }

    /// Only an open consultation takes new ideas, comments and votes.
    pub fn accepts_participation(self) -> bool {
        self == Self::Open
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Upcoming => "upcoming",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn phase_follows_status_and_dates() {
        let open = ConsultationStatus::Open;
        assert_eq!(Phase::of(open, t(1), t(3), t(0)), Phase::Upcoming);
        assert_eq!(Phase::of(open, t(1), t(3), t(2)), Phase::Open);
        assert_eq!(Phase::of(open, t(1), t(3), t(3)), Phase::Closed);
        assert_eq!(
            Phase::of(ConsultationStatus::Closed, t(1), t(3), t(2)),
            Phase::Closed
        );
        assert_eq!(
            Phase::of(ConsultationStatus::Draft, t(1), t(3), t(2)),
            Phase::Draft
        );
        assert!(Phase::Open.accepts_participation() && !Phase::Closed.accepts_participation());
    }

    #[test]
    fn slugs() {
        assert!(Slug::parse("slug", "digital-plan-2026").is_ok());
        for bad in [
            "",
            "Upper",
            "with space",
            "-x",
            "x-",
            "a--b",
            "日本",
            &"a".repeat(65),
        ] {
            assert!(Slug::parse("slug", bad).is_err(), "{bad}");
        }
    }
}
