//! Detection and redaction of personal data in Japanese and English opinions.
//!
//! [`detect`] finds e-mail addresses, personal URLs, phone numbers, postal
//! codes, street addresses, Individual Numbers (マイナンバー), card numbers,
//! dates of birth and personal names. Offsets are Unicode chars of the body,
//! end exclusive. [`redact`] builds the redacted copy from the accepted spans;
//! the original text is never changed.
//!
//! Detection works on a width-folded copy of the body (full-width digits and
//! letters, ideographic spaces and dash variants become ASCII) whose chars map
//! one to one onto the body, so every offset is valid for the original.
//!
//! When findings overlap, the one covering more chars wins; on equal length the
//! higher confidence wins, then the more specific kind (checksum-validated
//! numbers first, names last). Findings are returned sorted by start.

mod addresses;
mod contact;
mod dates;
mod finding;
mod hints;
mod known_names;
mod my_number;
mod name_marks;
mod names;
mod numbers;
mod recurrence;
mod redact;
mod romaji;
mod roman_names;
mod surnames;
mod text;

pub use self::finding::{Finding, Kind, LabelLanguage, UnknownKind};
pub use self::hints::Hints;
pub use self::my_number::{
    MY_NUMBER_DIGITS, is_luhn_valid, is_valid_my_number, my_number_check_digit,
};
pub use self::recurrence::find_recurrences;
pub use self::redact::{redact, redact_findings, redact_with_labels};
pub use self::surnames::is_common_surname;

use self::finding::Candidate;
use self::text::FoldedText;

/// Finds personal data in `text`; see the module documentation for offsets and overlaps.
pub fn detect(text: &str, hints: &Hints) -> Vec<Finding> {
    if text.is_empty() {
        return Vec::new();
    }
    let folded = FoldedText::new(text);
    let body = folded.text.as_str();
    let mut candidates: Vec<Candidate> = Vec::new();

    contact::detect_emails(body, &mut candidates);
    contact::detect_urls(body, &romanised_names(&hints.known_names), &mut candidates);
    let has_digits = body.bytes().any(|b| b.is_ascii_digit());
    if !body.is_ascii() {
        contact::detect_kanji_phones(body, &mut candidates);
    }
    if has_digits {
        contact::detect_phones(body, &mut candidates);
        numbers::detect_my_numbers(body, &mut candidates);
        numbers::detect_card_numbers(body, &mut candidates);
    }
    let before_addresses = candidates.len();
    if !body.is_ascii() || has_digits {
        addresses::detect_addresses(body, &mut candidates);
    }
    if has_digits {
        let addresses: Vec<(usize, usize)> = candidates[before_addresses..]
            .iter()
            .map(|c| (c.start, c.end))
            .collect();
        numbers::detect_postal_codes(body, &addresses, &mut candidates);
    }
    dates::detect_birth_dates(body, &mut candidates);
    names::detect_names(&folded, &hints.known_names, &mut candidates);

    let public = hints.public_keys();
    if !public.is_empty() {
        candidates.retain(|candidate| {
            !is_public(
                &public,
                &body[candidate.start..candidate.end],
                candidate.kind,
            )
        });
    }
    resolve_overlaps(&folded, candidates)
}

/// Lower-case romanised parts of the known names (やまだ → yamada, Taro → taro).
fn romanised_names(known_names: &[String]) -> Vec<String> {
    let mut romanised = Vec::new();
    for name in known_names {
        let folded: String = name.chars().map(text::fold_char).collect();
        for part in folded.split([' ', '・']).filter(|part| !part.is_empty()) {
            if part.is_ascii() {
                romanised.push(part.to_ascii_lowercase());
            } else if part
                .chars()
                .all(|c| text::is_hiragana(c) || text::is_katakana(c))
            {
                romanised.extend(romaji::romanise(part));
            }
        }
    }
    romanised
}

/// True when a candidate is one of the caller's public contacts.
fn is_public(public: &hints::PublicKeys, found: &str, kind: Kind) -> bool {
    match kind {
        Kind::Phone => public.is_public_phone(found),
        Kind::Address | Kind::Url => public.is_public_text(found, true),
        _ => public.is_public_text(found, false),
    }
}

/// Keeps the longest of overlapping candidates (then the most confident, then
/// the most specific kind) and converts them to char offsets, sorted by start.
fn resolve_overlaps(folded: &FoldedText, candidates: Vec<Candidate>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = candidates
        .into_iter()
        .map(|candidate| {
            let (start, end) = folded.char_range(candidate.start, candidate.end);
            Finding {
                kind: candidate.kind,
                start,
                end,
                confidence: candidate.confidence.clamp(0.0, 1.0),
            }
        })
        .filter(|finding| !finding.is_empty())
        .collect();
    findings.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.kind.specificity_rank().cmp(&b.kind.specificity_rank()))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for finding in findings {
        if !kept.iter().any(|other| other.overlaps(&finding)) {
            kept.push(finding);
        }
    }
    kept.sort_by_key(|finding| (finding.start, finding.end));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_and_texts(text: &str, hints: &Hints) -> Vec<(Kind, String)> {
        detect(text, hints)
            .iter()
            .map(|f| (f.kind, f.text(text)))
            .collect()
    }

    #[test]
    fn finds_every_kind_in_one_opinion() {
        let text = "私は山田太郎と申します。〒100-0001 東京都千代田区千代田1-1-1 に住んでいます。\
            電話は０９０－１２３４－５６７８、メールはtaro@example.jpです。\
            生年月日は1985年4月1日、マイナンバーは1234 5678 9018です。\
            カード 4111-1111-1111-1111。ブログ https://yamada.hatenablog.com/";
        let found = kinds_and_texts(text, &Hints::new());
        let expected = [
            (Kind::PersonName, "山田太郎"),
            (Kind::PostalCode, "100-0001"),
            (Kind::Address, "東京都千代田区千代田1-1-1"),
            (Kind::Phone, "０９０－１２３４－５６７８"),
            (Kind::Email, "taro@example.jp"),
            (Kind::BirthDate, "1985年4月1日"),
            (Kind::MyNumber, "1234 5678 9018"),
            (Kind::CardNumber, "4111-1111-1111-1111"),
            (Kind::Url, "https://yamada.hatenablog.com/"),
        ];
        let expected: Vec<(Kind, String)> = expected
            .iter()
            .map(|(k, t)| (*k, (*t).to_owned()))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn look_alikes_are_not_findings() {
        let text = "個人情報保護法第27条第3項及び第12条について、第3章の2.1（p.12）を参照。\
            2025年4月1日に施行され、予算は1,234,567円、2025年度から。受付番号123456789012。\
            東京都の施策、北海道における取組。詳細は https://www.digital.go.jp/policies をご覧ください。\
            お問い合わせ：03-4477-6775（デジタル庁）";
        let hints = Hints::new().with_public_contact("03-4477-6775");
        assert_eq!(kinds_and_texts(text, &hints), vec![]);
    }

    #[test]
    fn known_names_recur_with_width_and_space_variants() {
        let text = "山田　太郎です。以上、ヤマダ タロウ（山田太郎）";
        let hints = Hints::new()
            .with_name("山田 太郎")
            .with_name("やまだ たろう");
        let found = kinds_and_texts(text, &hints);
        assert_eq!(
            found,
            vec![
                (Kind::PersonName, "山田　太郎".to_owned()),
                (Kind::PersonName, "ヤマダ タロウ".to_owned()),
                (Kind::PersonName, "山田太郎".to_owned()),
            ]
        );
    }

    #[test]
    fn overlaps_keep_the_longest() {
        let text = "連絡先 https://example.com/profile?email=taro@example.com";
        let found = detect(text, &Hints::new());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::Url);
    }

    #[test]
    fn offsets_are_chars_and_sorted() {
        let text = "🙂🙂 taro@example.jp と 090-1234-5678";
        let found = detect(text, &Hints::new());
        assert_eq!(
            found.iter().map(|f| (f.start, f.end)).collect::<Vec<_>>(),
            vec![(3, 18), (21, 34)]
        );
        let json = serde_json::to_string(&found[0]).unwrap();
        assert!(json.contains("\"kind\":\"email\""), "{json}");
    }

    #[test]
    fn arbitrary_input_never_panics() {
        // Chars that sit on every detector's boundaries: digits of both widths, dashes,
        // kana, kanji numerals, markers, emoji (4-byte UTF-8) and combining marks.
        let alphabet: Vec<char> = "0123456789０９-‐ー－ 　\n@.:/()（）〒市区町丁目番地号様さんちゃん私は氏名：\
            山田佐藤東京都北海道一二三十ﾔﾏﾀﾞ゛ゃアイ・年月日生まれhttps://x.com/a_b@Mr. Ms.Tokyo-ku🙂\u{3099}"
            .chars()
            .collect();
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        let hints = Hints::new()
            .with_name("山田 太郎")
            .with_name("ﾔﾏﾀﾞ")
            .with_public_contact("03-1234-5678");
        for _ in 0..3_000 {
            let length = next(60);
            let text: String = (0..length)
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            let findings = detect(&text, &hints);
            let chars = text.chars().count();
            assert!(
                findings.iter().all(|f| f.start < f.end && f.end <= chars),
                "{text:?}"
            );
            assert!(
                findings.windows(2).all(|pair| pair[0].end <= pair[1].start),
                "{text:?}"
            );
            let spans: Vec<(usize, usize, Kind)> = (0..next(4))
                .map(|_| (next(70), next(70), Kind::Phone))
                .collect();
            let _ = redact(&text, &spans);
            let _ = find_recurrences(&text, "山田");
        }
    }

    #[test]
    fn redacted_copy_from_detect() {
        let text = "氏名：佐藤花子\n電話 03-1234-5678";
        let redacted = redact_findings(text, &detect(text, &Hints::new()));
        assert_eq!(redacted, "氏名：【氏名】\n電話 【電話番号】");
        assert!(detect("", &Hints::new()).is_empty());
    }
}
