//! Romanised personal names in English text: after titles (Ms. Sato),
//! introductions (My name is …), labels and sign-offs (Regards, …), and before
//! Japanese honorific suffixes (Tanaka-san).

use std::sync::LazyLock;

use regex::Regex;

use super::finding::{Candidate, Kind};

// Regex literals below are compiled once; they are constant and known to be valid.

/// Confidence of a romanised name after a title, introduction or sign-off.
const ROMAN_NAME_CONFIDENCE: f32 = 0.85;

static ROMAN_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.? (?P<name>[A-Z][a-zA-Z'\-]+(?: [A-Z][a-zA-Z'\-]+)?)").unwrap()
});

static ROMAN_INTRODUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
          (?-u:\b)[Mm]y\ (?:full\ )?name\ is\ (?P<name>[A-Z][a-zA-Z'\-]+(?:\ [A-Z][a-zA-Z'\-]+){0,2})
        | (?-u:\b)(?:I\ am|I'm|This\ is)\ (?P<pair>[A-Z][a-zA-Z'\-]+\ [A-Z][a-zA-Z'\-]+)
        ",
    )
    .unwrap()
});

static ROMAN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?-u:\b)(?:Name|Full\ name|Signed|Signature|Submitted\ by|Sincerely|Regards|Best\ regards|Kind\ regards
            |Yours\ sincerely|Yours\ faithfully|Respectfully|Best\ wishes|Thank\ you)
        \ ?[:,]?\ ?\n?\ ?
        (?P<name>[A-Z][a-zA-Z'\-]+(?:\ [A-Z][a-zA-Z'\-]+){0,2})
        ",
    )
    .unwrap()
});

static ROMAN_HONORIFIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?P<name>[A-Z][a-z]+)-(?:san|sama|sensei|kun|chan)(?-u:\b)").unwrap()
});

/// Romanised words that end a name when they follow it ("Taro Yamada Email: …").
const ROMAN_NAME_STOPS: &[&str] = &[
    "Email", "E-mail", "Mail", "Phone", "Tel", "Address", "Date", "Born", "Birth", "Age", "From",
    "To", "Subject", "Opinion", "Comment", "I", "The", "A", "An", "My", "We", "Our", "And",
    "Japan", "Tokyo", "Thank", "Thanks",
];

/// Romanised words that cannot start a name ("Regards, The team"; "I am Japanese").
const ROMAN_NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "Our",
    "My",
    "We",
    "I",
    "It",
    "This",
    "That",
    "Japanese",
    "Japan",
    "Not",
    "Very",
    "Also",
    "Writing",
    "Concerned",
    "Against",
    "In",
    "For",
    "From",
    "Please",
    "Thank",
    "Thanks",
    "Resident",
    "Citizen",
    "Team",
    "Office",
    "Ministry",
    "Digital",
    "Agency",
    "Government",
    "Best",
    "Kind",
    "Yours",
    "Sincerely",
    "Regards",
    "Dear",
    "Public",
    "Comment",
    "Opinion",
    "Article",
    "Section",
    "Chapter",
];

/// Length of up to three capitalised words at the start of `s`, without trailing stop words.
pub(super) fn roman_name_len(s: &str) -> Option<usize> {
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    while words.len() < 3 {
        let word_len = s[offset..]
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && matches!(c, '\'' | '-'))))
            .map_or(s.len() - offset, |(i, _)| i);
        let word = &s[offset..offset + word_len];
        if word.is_empty()
            || !word.starts_with(|c: char| c.is_ascii_uppercase())
            || ROMAN_NAME_STOPS.contains(&word)
        {
            break;
        }
        words.push((offset, offset + word_len));
        offset += word_len;
        if !s[offset..].starts_with(' ') {
            break;
        }
        offset += 1;
    }
    let first = words.first()?;
    if ROMAN_NOT_NAMES.contains(&&s[first.0..first.1]) {
        return None;
    }
    words.last().map(|&(_, end)| end)
}

/// Romanised names: titles, introductions, sign-offs and -san suffixes.
pub(super) fn detect_roman_names(text: &str, out: &mut Vec<Candidate>) {
    for regex in [
        &*ROMAN_TITLE,
        &*ROMAN_INTRODUCTION,
        &*ROMAN_LABEL,
        &*ROMAN_HONORIFIC,
    ] {
        for captures in regex.captures_iter(text) {
            let Some(name) = captures.name("name").or(captures.name("pair")) else {
                continue;
            };
            let Some(length) = roman_name_len(name.as_str()) else {
                continue;
            };
            out.push(Candidate::new(
                Kind::PersonName,
                name.start(),
                name.start() + length,
                ROMAN_NAME_CONFIDENCE,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        detect_roman_names(text, &mut out);
        out.iter()
            .map(|c| text[c.start..c.end].to_owned())
            .collect()
    }

    #[test]
    fn romanised_names() {
        assert_eq!(found("Dear Ms. Sato, thank you"), ["Sato"]);
        assert_eq!(found("My name is Taro Yamada and I"), ["Taro Yamada"]);
        assert_eq!(found("Best regards,\nEmily Clark"), ["Emily Clark"]);
        assert_eq!(found("Name: Hanako Suzuki Email: x"), ["Hanako Suzuki"]);
        assert_eq!(found("Tanaka-san said"), ["Tanaka"]);
        assert_eq!(found("This is IGARASHI Miho. I read"), ["IGARASHI Miho"]);
    }

    #[test]
    fn romanised_look_alikes() {
        assert!(found("I am Japanese and I am Very concerned").is_empty());
        assert!(found("Regards, The Citizens").is_empty());
        assert!(found("Iwaki-shi, Fukushima").is_empty());
        assert_eq!(
            roman_name_len("Taro Yamada Email"),
            Some("Taro Yamada".len())
        );
    }
}
