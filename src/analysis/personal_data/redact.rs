//! Building the redacted copy of a body from accepted spans.

use super::finding::{Finding, Kind, LabelLanguage};

/// Replaces each accepted span (char offsets, end exclusive) with its Japanese label.
///
/// Spans are clamped to the text and empty or inverted spans are ignored.
/// Overlapping spans merge into one region labelled with the kind of the longest
/// span among them; spans of the same kind that touch, or are separated only by
/// spaces, merge into one label. The input text is never modified.
pub fn redact(text: &str, accepted: &[(usize, usize, Kind)]) -> String {
    redact_with_labels(text, accepted, LabelLanguage::Japanese)
}

/// [`redact`] with labels in the chosen language.
pub fn redact_with_labels(
    text: &str,
    accepted: &[(usize, usize, Kind)],
    language: LabelLanguage,
) -> String {
    let chars: Vec<char> = text.chars().collect();
    let regions = merge_spans(&chars, accepted);
    let mut redacted = String::with_capacity(text.len());
    let mut position = 0;
    for region in regions {
        redacted.extend(&chars[position..region.start]);
        redacted.push_str(region.kind.label(language));
        position = region.end;
    }
    redacted.extend(&chars[position..]);
    redacted
}

/// [`redact`] over findings, e.g. the accepted subset of `detect`'s output.
pub fn redact_findings(text: &str, findings: &[Finding]) -> String {
    let spans: Vec<(usize, usize, Kind)> = findings.iter().map(Finding::span).collect();
    redact(text, &spans)
}

/// One region of the output that becomes a single label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Region {
    start: usize,
    end: usize,
    kind: Kind,
    /// Length of the longest original span in the region, which decides its kind.
    longest: usize,
}

/// Clamps, sorts and merges spans into disjoint regions in text order.
fn merge_spans(chars: &[char], accepted: &[(usize, usize, Kind)]) -> Vec<Region> {
    let length = chars.len();
    let mut spans: Vec<Region> = accepted
        .iter()
        .map(|&(start, end, kind)| (start.min(length), end.min(length), kind))
        .filter(|(start, end, _)| start < end)
        .map(|(start, end, kind)| Region {
            start,
            end,
            kind,
            longest: end - start,
        })
        .collect();
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut regions: Vec<Region> = Vec::with_capacity(spans.len());
    for span in spans {
        let Some(last) = regions.last_mut() else {
            regions.push(span);
            continue;
        };
        let overlaps = span.start < last.end;
        let only_spaces_between = span.start >= last.end
            && chars[last.end..span.start]
                .iter()
                .all(|c| matches!(c, ' ' | '\u{3000}'));
        if overlaps || (span.kind == last.kind && only_spaces_between) {
            if span.longest > last.longest {
                last.kind = span.kind;
                last.longest = span.longest;
            }
            last.end = last.end.max(span.end);
        } else {
            regions.push(span);
        }
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_spans_with_labels() {
        let text = "山田太郎です。電話03-1234-5678";
        let spans = [(0, 4, Kind::PersonName), (9, 21, Kind::Phone)];
        assert_eq!(redact(text, &spans), "【氏名】です。電話【電話番号】");
        assert_eq!(
            redact_with_labels(text, &spans, LabelLanguage::English),
            "[name]です。電話[phone]"
        );
        assert_eq!(text, "山田太郎です。電話03-1234-5678");
    }

    #[test]
    fn overlapping_spans_merge_under_the_longest_kind() {
        let text = "〒100-0001東京都千代田区1-1";
        let spans = [
            (9, 20, Kind::Address),
            (1, 12, Kind::PostalCode),
            (10, 13, Kind::PersonName),
        ];
        assert_eq!(redact(text, &spans), "〒【郵便番号】");
        let spans = [
            (1, 9, Kind::PostalCode),
            (9, 20, Kind::Address),
            (12, 14, Kind::PersonName),
        ];
        assert_eq!(redact(text, &spans), "〒【郵便番号】【住所】");
    }

    #[test]
    fn adjacent_same_kind_spans_merge() {
        let text = "山田 太郎様";
        assert_eq!(
            redact(text, &[(0, 2, Kind::PersonName), (3, 5, Kind::PersonName)]),
            "【氏名】様"
        );
        assert_eq!(
            redact("ab", &[(0, 1, Kind::Email), (1, 2, Kind::Email)]),
            "【メールアドレス】"
        );
        assert_eq!(
            redact("ab", &[(0, 1, Kind::Email), (1, 2, Kind::Url)]),
            "【メールアドレス】【URL】"
        );
    }

    #[test]
    fn out_of_range_and_inverted_spans_never_panic() {
        let text = "🙂あいう";
        assert_eq!(redact(text, &[(2, 100, Kind::PersonName)]), "🙂あ【氏名】");
        assert_eq!(
            redact(text, &[(3, 1, Kind::Phone), (50, 60, Kind::Phone)]),
            text
        );
        assert_eq!(redact("", &[(0, 5, Kind::Phone)]), "");
        assert_eq!(redact(text, &[(0, 1, Kind::Url)]), "【URL】あいう");
    }
}
