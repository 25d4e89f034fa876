//! Kinds of personal data, their redaction labels, and the `Finding` type.

use serde::{Deserialize, Serialize};

/// A kind of personal datum; the snake_case name is the stable storage value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An e-mail address.
    Email,
    /// A URL pointing at a person (profile, personal blog, path or query naming a user).
    Url,
    /// A telephone or fax number.
    Phone,
    /// A Japanese postal code (〒123-4567).
    PostalCode,
    /// A street address down to block, lot or room.
    Address,
    /// A 12-digit Individual Number (マイナンバー) passing the check digit.
    MyNumber,
    /// A payment card number passing the Luhn check.
    CardNumber,
    /// A date of birth.
    BirthDate,
    /// A personal name.
    PersonName,
}

/// Label language used in a redacted copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LabelLanguage {
    /// 【氏名】-style labels (the default for the published copy).
    #[default]
    Japanese,
    /// `[name]`-style labels.
    English,
}

impl Kind {
    /// Every kind, in a fixed order (also the order used for reporting).
    pub const ALL: [Kind; 9] = [
        Kind::Email,
        Kind::Url,
        Kind::Phone,
        Kind::PostalCode,
        Kind::Address,
        Kind::MyNumber,
        Kind::CardNumber,
        Kind::BirthDate,
        Kind::PersonName,
    ];

    /// The stable snake_case name used for storage and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Url => "url",
            Kind::Phone => "phone",
            Kind::PostalCode => "postal_code",
            Kind::Address => "address",
            Kind::MyNumber => "my_number",
            Kind::CardNumber => "card_number",
            Kind::BirthDate => "birth_date",
            Kind::PersonName => "person_name",
        }
    }

    /// Parses a stable name produced by [`Kind::name`].
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The Japanese redaction label, e.g. 【氏名】.
    pub fn label_ja(self) -> &'static str {
        match self {
            Kind::Email => "【メールアドレス】",
            Kind::Url => "【URL】",
            Kind::Phone => "【電話番号】",
            Kind::PostalCode => "【郵便番号】",
            Kind::Address => "【住所】",
            Kind::MyNumber => "【個人番号】",
            Kind::CardNumber => "【カード番号】",
            Kind::BirthDate => "【生年月日】",
            Kind::PersonName => "【氏名】",
        }
    }

    /// The English redaction label, e.g. `[name]`.
    pub fn label_en(self) -> &'static str {
        match self {
            Kind::Email => "[email]",
            Kind::Url => "[URL]",
            Kind::Phone => "[phone]",
            Kind::PostalCode => "[postal code]",
            Kind::Address => "[address]",
            Kind::MyNumber => "[My Number]",
            Kind::CardNumber => "[card number]",
            Kind::BirthDate => "[date of birth]",
            Kind::PersonName => "[name]",
        }
    }

    /// The label in the given language.
    pub fn label(self, language: LabelLanguage) -> &'static str {
        match language {
            LabelLanguage::Japanese => self.label_ja(),
            LabelLanguage::English => self.label_en(),
        }
    }

    /// Tie-break rank when two overlapping findings have the same length: lower wins.
    ///
    /// Checksum-validated and structurally strict kinds come first because a
    /// match is strong evidence; names and URLs are the most heuristic.
    pub(super) fn specificity_rank(self) -> u8 {
        match self {
            Kind::MyNumber => 0,
            Kind::CardNumber => 1,
            Kind::Email => 2,
            Kind::Phone => 3,
            Kind::PostalCode => 4,
            Kind::BirthDate => 5,
            Kind::Address => 6,
            Kind::Url => 7,
            Kind::PersonName => 8,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::from_name(s).ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// Error returned when parsing a kind name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKind(
    /// The name that matched no kind.
    pub String,
);

impl std::fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown personal data kind: {}", self.0)
    }
}

impl std::error::Error for UnknownKind {}

/// One detected personal datum: `start..end` in Unicode chars of the body, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// First char index (inclusive).
    pub start: usize,
    /// Char index one past the last char (exclusive).
    pub end: usize,
    /// How sure the detector is, from 0 to 1.
    pub confidence: f32,
}

impl Finding {
    /// Number of chars covered.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no char.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the two findings share at least one char.
    pub fn overlaps(&self, other: &Finding) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The covered text of `body` (the text passed to `detect`).
    pub fn text(&self, body: &str) -> String {
        body.chars().skip(self.start).take(self.len()).collect()
    }

    /// The `(start, end, kind)` triple accepted by `redact`.
    pub fn span(&self) -> (usize, usize, Kind) {
        (self.start, self.end, self.kind)
    }
}

/// A detector's raw result, in byte offsets of the folded text, before
/// overlap resolution and conversion to char offsets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Candidate {
    /// What was found.
    pub kind: Kind,
    /// Byte offset of the first char in the folded text.
    pub start: usize,
    /// Byte offset one past the last char in the folded text.
    pub end: usize,
    /// How sure the detector is, from 0 to 1.
    pub confidence: f32,
}

impl Candidate {
    /// A candidate of `kind` covering `start..end` (bytes).
    pub fn new(kind: Kind, start: usize, end: usize, confidence: f32) -> Candidate {
        Candidate {
            kind,
            start,
            end,
            confidence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(kind.name().parse::<Kind>().unwrap(), kind);
        }
        assert!("nope".parse::<Kind>().is_err());
    }

    #[test]
    fn labels_in_both_languages() {
        assert_eq!(Kind::PersonName.label_ja(), "【氏名】");
        assert_eq!(
            Kind::MyNumber.label(LabelLanguage::Japanese),
            "【個人番号】"
        );
        assert_eq!(Kind::Phone.label(LabelLanguage::English), "[phone]");
    }

    #[test]
    fn finding_text_uses_char_offsets() {
        let body = "電話は03-1234-5678です";
        let finding = Finding {
            kind: Kind::Phone,
            start: 3,
            end: 15,
            confidence: 0.9,
        };
        assert_eq!(finding.text(body), "03-1234-5678");
        assert_eq!(finding.len(), 12);
    }
}
