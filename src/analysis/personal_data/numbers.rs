//! Postal codes, Individual Numbers (マイナンバー) and payment card numbers.

use std::sync::LazyLock;

use regex::Regex;

use super::addresses::starts_with_address_anchor;
use super::finding::{Candidate, Kind};
use super::my_number::{is_luhn_valid, is_valid_my_number};
use super::text::{
    ascii_digits, chars_after, chars_before, digit_run_continues_after, digit_run_continues_before,
};

/// Confidence of a postal code after 〒 or a postal-code keyword.
const POSTAL_MARKED_CONFIDENCE: f32 = 0.97;
/// Confidence of a bare ddd-dddd right before or after an address.
const POSTAL_IN_ADDRESS_CONFIDENCE: f32 = 0.85;
/// Chars searched between a bare postal code and the address it belongs to.
const POSTAL_ADDRESS_GAP_CHARS: usize = 3;
/// Chars searched before a bare postal code for an address label.
const POSTAL_LABEL_CHARS: usize = 8;
/// Confidence of a valid 12-digit number announced as an Individual Number.
const MY_NUMBER_WITH_CONTEXT_CONFIDENCE: f32 = 0.97;
/// Confidence of a valid 12-digit number without keyword (one random number in 11 passes).
const MY_NUMBER_BARE_CONFIDENCE: f32 = 0.8;
/// Chars searched before a number for a keyword.
const NUMBER_CONTEXT_CHARS: usize = 20;
/// Confidence of a Luhn-valid card number announced as a card.
const CARD_WITH_CONTEXT_CONFIDENCE: f32 = 0.95;
/// Confidence of a Luhn-valid 15/16-digit number without keyword.
const CARD_BARE_CONFIDENCE: f32 = 0.85;

// Regex literals below are compiled once; they are constant and known to be valid.

static POSTAL_MARKED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:〒|郵便番号|郵便|[Pp]ostal [Cc]ode|[Pp]ost [Cc]ode|ZIP|[Zz]ip(?: [Cc]ode)?)\ ?[:]?\ ?([0-9]{3} ?- ?[0-9]{4}|[0-9]{7})",
    )
    .unwrap()
});

static POSTAL_BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9]{3}-[0-9]{4}|[0-9]{7}").unwrap());

static MY_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]{4}-[0-9]{4}-[0-9]{4}|[0-9]{4} [0-9]{4} [0-9]{4}|[0-9]{12}").unwrap()
});

static CARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{4}|[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}|[0-9]{4}[ \-][0-9]{6}[ \-][0-9]{5}|[0-9]{15,16}").unwrap()
});

/// Words announcing an Individual Number.
const MY_NUMBER_KEYWORDS: &[&str] = &[
    "マイナンバー",
    "個人番号",
    "My Number",
    "my number",
    "MyNumber",
    "Individual Number",
    "individual number",
];
/// Words announcing a payment card.
const CARD_KEYWORDS: &[&str] = &[
    "カード",
    "card",
    "Card",
    "CARD",
    "クレカ",
    "VISA",
    "Visa",
    "Master",
    "JCB",
    "AMEX",
];
/// Labels that put a bare ddd-dddd in an address context.
const ADDRESS_LABELS: &[&str] = &["住所", "所在地", "居住地", "送付先", "Address", "address"];

/// Finds postal codes; a bare ddd-dddd needs an address next to it (`addresses`: byte spans).
pub(super) fn detect_postal_codes(
    text: &str,
    addresses: &[(usize, usize)],
    out: &mut Vec<Candidate>,
) {
    let mut marked_spans = Vec::new();
    for captures in POSTAL_MARKED.captures_iter(text) {
        let Some(code) = captures.get(1) else {
            continue;
        };
        if digit_run_continues_after(text, code.end()) {
            continue;
        }
        marked_spans.push(code.start());
        out.push(Candidate::new(
            Kind::PostalCode,
            code.start(),
            code.end(),
            POSTAL_MARKED_CONFIDENCE,
        ));
    }
    for code in POSTAL_BARE.find_iter(text) {
        if marked_spans.contains(&code.start())
            || digit_run_continues_before(text, code.start())
            || digit_run_continues_after(text, code.end())
        {
            continue;
        }
        let after = chars_after(text, code.end(), POSTAL_ADDRESS_GAP_CHARS);
        let gap = after.len() - after.trim_start_matches([' ', ',', '\n']).len();
        let address_follows = addresses
            .iter()
            .any(|&(start, _)| start == code.end() + gap)
            || starts_with_address_anchor(&text[code.end() + gap..]);
        let labelled = {
            let before = chars_before(text, code.start(), POSTAL_LABEL_CHARS);
            ADDRESS_LABELS.iter().any(|label| before.contains(label))
        };
        let follows_address = address_ends_before(text, code.start())
            || addresses.iter().any(|&(_, end)| {
                end <= code.start() && text[end..code.start()].trim_matches([' ', ',']).is_empty()
            });
        // Seven bare digits are a postal code only right before an address.
        let hyphenated = code.as_str().contains('-');
        if address_follows || (hyphenated && (labelled || follows_address)) {
            out.push(Candidate::new(
                Kind::PostalCode,
                code.start(),
                code.end(),
                POSTAL_IN_ADDRESS_CONFIDENCE,
            ));
        }
    }
}

/// True when a romanised address ends right before a bare postal code
/// ("…, Chiyoda-ku, Tokyo 100-0013").
fn address_ends_before(text: &str, start: usize) -> bool {
    let before = chars_before(text, start, 24);
    let trimmed = before.trim_end();
    trimmed.len() < before.len()
        && trimmed
            .rsplit([',', ' '])
            .next()
            .is_some_and(|word| super::addresses::is_romanised_prefecture(word) || word == "Japan")
}

/// Finds 12-digit numbers passing the Individual Number check digit.
pub(super) fn detect_my_numbers(text: &str, out: &mut Vec<Candidate>) {
    for found in MY_NUMBER.find_iter(text) {
        if group_continues_before(text, found.start()) || group_continues_after(text, found.end()) {
            continue;
        }
        if !is_valid_my_number(&ascii_digits(found.as_str())) {
            continue;
        }
        let context = chars_before(text, found.start(), NUMBER_CONTEXT_CHARS);
        let confidence = if MY_NUMBER_KEYWORDS
            .iter()
            .any(|keyword| context.contains(keyword))
        {
            MY_NUMBER_WITH_CONTEXT_CONFIDENCE
        } else {
            MY_NUMBER_BARE_CONFIDENCE
        };
        out.push(Candidate::new(
            Kind::MyNumber,
            found.start(),
            found.end(),
            confidence,
        ));
    }
}

/// Finds 15- and 16-digit payment card numbers passing the Luhn check.
pub(super) fn detect_card_numbers(text: &str, out: &mut Vec<Candidate>) {
    for found in CARD.find_iter(text) {
        if group_continues_before(text, found.start()) || group_continues_after(text, found.end()) {
            continue;
        }
        let digits = ascii_digits(found.as_str());
        let plausible_issuer = match digits.len() {
            15 => matches!(digits[..2], [3, 4] | [3, 7]),
            16 => (2..=6).contains(&digits[0]),
            _ => false,
        };
        if !plausible_issuer || !is_luhn_valid(&digits) {
            continue;
        }
        let context = chars_before(text, found.start(), NUMBER_CONTEXT_CHARS);
        let confidence = if CARD_KEYWORDS
            .iter()
            .any(|keyword| context.contains(keyword))
        {
            CARD_WITH_CONTEXT_CONFIDENCE
        } else {
            CARD_BARE_CONFIDENCE
        };
        out.push(Candidate::new(
            Kind::CardNumber,
            found.start(),
            found.end(),
            confidence,
        ));
    }
}

/// True when a grouped number continues before `start` (a digit, or a separator then a digit).
fn group_continues_before(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some(' ' | '-') => before.next().is_some_and(|c| c.is_ascii_digit()),
        _ => digit_run_continues_before(text, start),
    }
}

/// True when a grouped number continues after `end`.
fn group_continues_after(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some(' ' | '-') => after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => digit_run_continues_after(text, end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(detector: fn(&str, &mut Vec<Candidate>), text: &str) -> Vec<String> {
        let mut out = Vec::new();
        detector(text, &mut out);
        out.iter()
            .map(|c| text[c.start..c.end].to_owned())
            .collect()
    }

    fn postal(text: &str) -> Vec<String> {
        let folded = super::super::text::FoldedText::new(text);
        let mut out = Vec::new();
        detect_postal_codes(&folded.text, &[], &mut out);
        out.iter()
            .map(|c| folded.text[c.start..c.end].to_owned())
            .collect()
    }

    #[test]
    fn postal_code_forms() {
        assert_eq!(postal("〒100-0001 東京都千代田区"), ["100-0001"]);
        assert_eq!(postal("〒 100 - 0001"), ["100 - 0001"]);
        assert_eq!(postal("郵便番号：1000001"), ["1000001"]);
        assert_eq!(postal("150-0001 東京都渋谷区神宮前"), ["150-0001"]);
        assert_eq!(postal("住所 150-0001 渋谷区"), ["150-0001"]);
        assert_eq!(postal("Chiyoda-ku, Tokyo 100-8916"), ["100-8916"]);
        assert_eq!(postal("9104520 新潟市中央区万代"), ["9104520"]);
        assert!(postal("住所 9104520 です").is_empty());
        assert!(postal("電話 03-123-4567 と 123-4567件").is_empty());
    }

    #[test]
    fn my_number_requires_check_digit() {
        assert_eq!(
            found(detect_my_numbers, "個人番号 1234 5678 9018"),
            ["1234 5678 9018"]
        );
        assert_eq!(
            found(detect_my_numbers, "番号123456789018です"),
            ["123456789018"]
        );
        assert_eq!(
            found(detect_my_numbers, "1234-5678-9018"),
            ["1234-5678-9018"]
        );
        assert!(found(detect_my_numbers, "マイナンバー 123456789012").is_empty());
        assert!(found(detect_my_numbers, "1234567890180").is_empty());
        assert!(found(detect_my_numbers, "4111 1111 1111 1111").is_empty());
    }

    #[test]
    fn card_numbers_require_luhn() {
        assert_eq!(
            found(detect_card_numbers, "カード 4111 1111 1111 1111"),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(
            found(detect_card_numbers, "5555-5555-5555-4444"),
            ["5555-5555-5555-4444"]
        );
        assert_eq!(
            found(detect_card_numbers, "3782 822463 10005"),
            ["3782 822463 10005"]
        );
        assert!(found(detect_card_numbers, "4111 1111 1111 1112").is_empty());
    }
}
