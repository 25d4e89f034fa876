//! Submissions received outside the site (by email, post, fax or at an event), as staff
//! record or import them: their channel, when they arrived, who sent them (private), and
//! their text.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use serde::Serialize;

use super::email::EmailAddress;
use super::fields::{FieldError, FieldErrors};

/// Longest body a received submission may have. Letters run longer than posts on the site
/// (whose limit is `IDEA_BODY_MAX_CHARS`), and the law asks that every opinion be taken in.
pub const SUBMISSION_BODY_MAX_CHARS: usize = 100_000;
/// Longest submitter name and organisation kept.
pub const SUBMITTER_NAME_MAX_CHARS: usize = 100;
pub const SUBMITTER_ORGANISATION_MAX_CHARS: usize = 200;
/// A title made from the body when a letter has none.
pub const DERIVED_TITLE_CHARS: usize = 40;

/// How a submission reached the ministry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Web,
    Email,
    Post,
    Fax,
    Event,
}

impl Channel {
    pub const ALL: [Channel; 5] = [Self::Web, Self::Email, Self::Post, Self::Fax, Self::Event];

    /// The channels staff record by hand or import (the site's own is `Web`).
    pub const RECEIVED: [Channel; 4] = [Self::Email, Self::Post, Self::Fax, Self::Event];

    pub fn parse(raw: &str) -> Option<Channel> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(raw))
    }

    /// A stored value; one IdeaBox did not write is treated as received outside the site,
    /// so that no author is ever shown for it.
    pub fn stored(raw: &str) -> Channel {
        Self::parse(raw).unwrap_or(Self::Post)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Email => "email",
            Self::Post => "post",
            Self::Fax => "fax",
            Self::Event => "event",
        }
    }

    /// Whether the submission came outside the site: it then shows by its channel, never
    /// by an author.
    pub fn is_received(self) -> bool {
        self != Self::Web
    }
}

fn optional_text(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
    too_long: &'static str,
) -> Result<Option<String>, FieldError> {
    let Some(value) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(FieldError::new(field, too_long));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(field, "error-text-invalid"));
    }
    Ok(Some(value.split_whitespace().collect::<Vec<_>>().join(" ")))
}

/// Who sent a submission, as far as they said: kept for staff, never published.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Submitter {
    pub name: Option<String>,
    pub email: Option<String>,
    pub organisation: Option<String>,
}

impl Submitter {
    /// Parses the optional fields; every problem is reported against its field.
    pub fn parse(
        name: Option<&str>,
        email: Option<&str>,
        organisation: Option<&str>,
    ) -> Result<Submitter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = optional_text(
            "submitter_name",
            name,
            SUBMITTER_NAME_MAX_CHARS,
            "error-submitter-name-too-long",
        )
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
        let organisation = optional_text(
            "organisation",
            organisation,
            SUBMITTER_ORGANISATION_MAX_CHARS,
            "error-organisation-too-long",
        )
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
        let email = match email.map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(raw) => EmailAddress::parse("submitter_email", raw)
                .map(|e| e.as_str().to_owned())
                .map_err(|e| errors.push(e))
                .ok(),
        };
        if errors.is_empty() {
            Ok(Submitter {
                name,
                email,
                organisation,
            })
        } else {
            Err(errors)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.organisation.is_none()
    }
}

/// The text of a received submission: 1 to `SUBMISSION_BODY_MAX_CHARS` characters, with
/// line breaks kept and other control characters refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmissionBody(String);

impl SubmissionBody {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new(field, "error-body-required"));
        }
        if value.chars().count() > SUBMISSION_BODY_MAX_CHARS {
            return Err(FieldError::new(field, "error-submission-body-too-long"));
        }
        if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldError::new(field, "error-text-invalid"));
        }
        Ok(Self(value.replace("\r\n", "\n").replace('\r', "\n")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A title for a letter that has none: its first line, cut at a word or sentence end
    /// near `DERIVED_TITLE_CHARS` characters.
    pub fn derived_title(&self) -> String {
        let first = self
            .0
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or_default();
        let sentence_end = first
            .char_indices()
            .find(|(_, c)| matches!(c, '。' | '！' | '？' | '.' | '!' | '?'))
            .map(|(i, c)| i + c.len_utf8());
        let sentence = sentence_end.map_or(first, |end| &first[..end]);
        if sentence.chars().count() <= DERIVED_TITLE_CHARS {
            return sentence.to_owned();
        }
        let cut: String = sentence.chars().take(DERIVED_TITLE_CHARS).collect();
        format!("{cut}…")
    }
}

/// When a submission arrived: RFC 3339 with an offset, or a local date and time (or a date)
/// in the site's time zone. A time in the future is refused.
pub fn parse_received_at(
    field: &'static str,
    raw: &str,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, FieldError> {
    let raw = raw.trim();
    let invalid = || FieldError::new(field, "error-received-at-invalid");
    let utc = if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        t.naive_utc()
    } else {
        let local = [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .or_else(|| {
            ["%Y-%m-%d", "%Y/%m/%d"]
                .iter()
                .find_map(|f| NaiveDate::parse_from_str(raw, f).ok())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .ok_or_else(invalid)?;
        tz.from_local_datetime(&local)
            .earliest()
            .ok_or_else(invalid)?
            .naive_utc()
    };
    // A letter cannot arrive after it was recorded (a minute's grace for clocks).
    if utc > now + chrono::Duration::minutes(1) {
        return Err(FieldError::new(field, "error-received-at-future"));
    }
    Ok(utc)
}

/// A submission as it arrives from a form, the API or an imported row: every field text.
#[derive(Clone, Debug, Default)]
pub struct RawSubmission<'a> {
    pub channel: Option<&'a str>,
    pub received_at: Option<&'a str>,
    pub title: Option<&'a str>,
    pub body: &'a str,
    pub section: Option<&'a str>,
    pub submitter_name: Option<&'a str>,
    pub submitter_email: Option<&'a str>,
    pub organisation: Option<&'a str>,
}

/// A submission ready to store.
#[derive(Clone, Debug)]
pub struct Submission {
    pub channel: Channel,
    pub received_at: NaiveDateTime,
    pub title: String,
    pub body: SubmissionBody,
    pub section: Option<String>,
    pub submitter: Submitter,
}

/// What parsing a submission needs to know besides its fields.
pub struct SubmissionContext<'a> {
    /// The channel when the submission names none.
    pub default_channel: Channel,
    /// The consultation's section keys.
    pub sections: &'a [String],
    pub timezone: chrono_tz::Tz,
    pub now: NaiveDateTime,
}

impl Submission {
    /// Parses every field, reporting each problem against its field.
    pub fn parse(
        raw: &RawSubmission<'_>,
        ctx: &SubmissionContext<'_>,
    ) -> Result<Submission, FieldErrors> {
        let mut errors = FieldErrors::new();
        let channel = match raw.channel.map(str::trim).filter(|c| !c.is_empty()) {
            None => Some(ctx.default_channel),
            Some(c) => errors
                .take(Channel::parse(c).ok_or(FieldError::new("channel", "error-channel-invalid"))),
        };
        let received_at = match raw.received_at.map(str::trim).filter(|r| !r.is_empty()) {
            None => Some(ctx.now),
            Some(r) => errors.take(parse_received_at("received_at", r, ctx.timezone, ctx.now)),
        };
        let body = errors.take(SubmissionBody::parse("body", raw.body));
        let title = match raw.title.map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => errors
                .take(super::content::IdeaTitle::parse("title", t).map(|t| t.as_str().to_owned())),
        };
        let section = match raw.section.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(key) if ctx.sections.iter().any(|s| s == key) => Some(key.to_owned()),
            Some(_) => {
                errors.push(FieldError::new("section", "error-section-unknown"));
                None
            }
        };
        let submitter =
            match Submitter::parse(raw.submitter_name, raw.submitter_email, raw.organisation) {
                Ok(s) => Some(s),
                Err(found) => {
                    for e in found {
                        errors.push(e);
                    }
                    None
                }
            };
        match (channel, received_at, body, submitter) {
            (Some(channel), Some(received_at), Some(body), Some(submitter))
                if errors.is_empty() =>
            {
                let title = title.unwrap_or_else(|| body.derived_title());
                Ok(Submission {
                    channel,
                    received_at,
                    title,
                    body,
                    section,
                    submitter,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 3)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap()
    }

    #[test]
    fn channels_parse_in_any_case_and_unknown_stored_ones_never_show_an_author() {
        assert_eq!(Channel::parse(" Post "), Some(Channel::Post));
        assert_eq!(Channel::parse("FAX"), Some(Channel::Fax));
        assert_eq!(Channel::parse("pigeon"), None);
        assert!(Channel::stored("pigeon").is_received());
        assert!(!Channel::Web.is_received());
    }

    #[test]
    fn received_times_read_rfc3339_local_times_and_dates_and_refuse_the_future() {
        let tz = chrono_tz::Asia::Tokyo;
        let at = |raw: &str| parse_received_at("received_at", raw, tz, now());
        assert_eq!(
            at("2026-11-30T10:00:00+09:00").unwrap().to_string(),
            "2026-11-30 01:00:00"
        );
        assert_eq!(
            at("2026-11-30T10:00").unwrap().to_string(),
            "2026-11-30 01:00:00"
        );
        assert_eq!(at("2026-11-30").unwrap().to_string(), "2026-11-29 15:00:00");
        assert_eq!(at("2026/11/30").unwrap().to_string(), "2026-11-29 15:00:00");
        assert_eq!(at("30 Nov").unwrap_err().code, "error-received-at-invalid");
        assert_eq!(
            at("2027-01-01").unwrap_err().code,
            "error-received-at-future"
        );
    }

    #[test]
    fn submitters_are_optional_bounded_and_checked_field_by_field() {
        assert!(Submitter::parse(None, Some(" "), None).unwrap().is_empty());
        let s = Submitter::parse(Some(" 山田  太郎 "), Some("Taro@Example.JP"), None).unwrap();
        assert_eq!(s.name.as_deref(), Some("山田 太郎"));
        assert_eq!(s.email.as_deref(), Some("taro@example.jp"));
        let errors =
            Submitter::parse(Some(&"名".repeat(101)), Some("not-an-email"), None).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["submitter_name", "submitter_email"]);
    }

    #[test]
    fn a_submission_reports_every_bad_field_and_fills_its_defaults() {
        let sections = vec!["1".to_owned(), "2".to_owned()];
        let ctx = SubmissionContext {
            default_channel: Channel::Post,
            sections: &sections,
            timezone: chrono_tz::Asia::Tokyo,
            now: now(),
        };
        let ok = Submission::parse(
            &RawSubmission {
                body: "紙の申請をなくしてください。",
                section: Some("2"),
                ..RawSubmission::default()
            },
            &ctx,
        )
        .unwrap();
        assert_eq!(ok.channel, Channel::Post);
        assert_eq!(ok.received_at, now());
        assert_eq!(ok.title, "紙の申請をなくしてください。");
        let errors = Submission::parse(
            &RawSubmission {
                channel: Some("pigeon"),
                received_at: Some("yesterday"),
                body: "",
                section: Some("9"),
                submitter_email: Some("x"),
                ..RawSubmission::default()
            },
            &ctx,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "channel",
                "received_at",
                "body",
                "section",
                "submitter_email"
            ]
        );
    }

    #[test]
    fn bodies_keep_line_breaks_and_letters_get_a_title_from_their_first_sentence() {
        assert_eq!(
            SubmissionBody::parse("body", "  ").unwrap_err().code,
            "error-body-required"
        );
        assert_eq!(
            SubmissionBody::parse("body", "a\u{0}b").unwrap_err().code,
            "error-text-invalid"
        );
        let body = SubmissionBody::parse(
            "body",
            "\r\n拝啓。マイナンバーカードについて意見を申し上げます。\r\n本文",
        )
        .unwrap();
        assert_eq!(body.as_str().lines().count(), 2);
        assert_eq!(body.derived_title(), "拝啓。");
        let long = SubmissionBody::parse("body", &"あ".repeat(60)).unwrap();
        assert_eq!(
            long.derived_title().chars().count(),
            DERIVED_TITLE_CHARS + 1
        );
    }
}
