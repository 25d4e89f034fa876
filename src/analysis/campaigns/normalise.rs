//! Comparison form of a text and its exact-identity key.
//!
//! The comparison form is Unicode NFKC (which folds full-width Latin and
//! digits, half-width katakana and compatibility characters), lower-cased,
//! with every character removed that is not a letter or a digit: whitespace,
//! ASCII and Japanese punctuation (、。「」『』・…), symbols and emoji.
//! The prolonged sound mark ー and the iteration mark 々 are letters and stay.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

use super::hash::CharHasher;

/// 64-bit identity of a text's comparison form; equal keys mean the same distinct text.
///
/// Persist it as a signed 64-bit integer with `key as i64` (a bit cast; read it
/// back with `value as u64`).
pub type TextKey = u64;

/// Seed of the text-key hash; changing it changes every stored text key.
const TEXT_KEY_SEED: u64 = 0x1dea_b0c5_7e47_0001;

/// Returns the comparison form of `text`.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for_each_normal_char(text, |c, _| out.push(c));
    out
}

/// Returns the identity key of `text` (the hash of its comparison form).
pub fn text_key(text: &str) -> TextKey {
    let mut hasher = CharHasher::new(TEXT_KEY_SEED);
    for_each_normal_char(text, |c, _| hasher.push(c));
    hasher.finish()
}

/// Identity key and comparison-form length (in chars) of `text`.
pub(super) fn key_and_len(text: &str) -> (TextKey, usize) {
    let mut hasher = CharHasher::new(TEXT_KEY_SEED);
    let mut len = 0;
    for_each_normal_char(text, |c, _| {
        hasher.push(c);
        len += 1;
    });
    (hasher.finish(), len)
}

/// Identity key of an already normalised char sequence.
pub(super) fn key_of_normal(chars: &[char]) -> TextKey {
    let mut hasher = CharHasher::new(TEXT_KEY_SEED);
    chars.iter().for_each(|&c| hasher.push(c));
    hasher.finish()
}

/// A comparison form that remembers where each of its chars came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormalText {
    /// The comparison form, one entry per char.
    pub chars: Vec<char>,
    /// For each entry of `chars`, the range of char offsets in the original
    /// text that produced it (several entries can share one range).
    pub sources: Vec<Range<usize>>,
}

/// Returns the comparison form of `text` together with original char offsets.
pub fn normalise_with_offsets(text: &str) -> NormalText {
    let mut normal = NormalText::default();
    for_each_normal_char(text, |c, source| {
        normal.chars.push(c);
        normal.sources.push(source);
    });
    normal
}

/// Returns the comparison form as a vector of chars.
pub(super) fn normal_chars(text: &str, out: &mut Vec<char>) {
    out.clear();
    for_each_normal_char(text, |c, _| out.push(c));
}

/// What to do with a char that needs no normalisation tables.
enum Fast {
    Keep(char),
    Drop,
    Slow,
}

/// Classifies chars that are common in Japanese and English text without
/// running NFKC, which is the costly part of normalisation.
#[inline]
fn fast_path(c: char) -> Fast {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Fast::Keep(c.to_ascii_lowercase())
        } else {
            Fast::Drop
        };
    }
    match c {
        // Hiragana, katakana, ー and CJK ideographs have no compatibility
        // decomposition; alone they are already in NFKC.
        '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{30FC}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' => Fast::Keep(c),
        // Ideographic space, 、。〃, brackets 〈〉《》「」『』【】〔〕 and the like, ・.
        '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' | '\u{30FB}' => Fast::Drop,
        _ => Fast::Slow,
    }
}

/// True if `c` attaches to the previous char during normalisation: combining
/// marks, half-width (semi-)voiced sound marks and Hangul medial/final jamo.
#[inline]
fn continues_cluster(c: char) -> bool {
    // Latin, kana and CJK ideographs (the bulk of IdeaBox's text) never
    // attach; only the kana sound marks U+3099/U+309A in that span do.
    match c as u32 {
        0..0x300 | 0x3040..0x3099 | 0x309B..0x3100 | 0x3400..0xA000 => return false,
        _ => {}
    }
    canonical_combining_class(c) != 0
        || matches!(c, '\u{FF9E}' | '\u{FF9F}' | '\u{1160}'..='\u{11FF}')
}

/// Calls `emit` with every char of the comparison form and the original char
/// range it came from.
///
/// NFKC is applied per cluster (a char and the marks that attach to it), so
/// every output char can be traced back to the original text; for the
/// scripts IdeaBox sees this equals NFKC of the whole text.
pub(super) fn for_each_normal_char(text: &str, mut emit: impl FnMut(char, Range<usize>)) {
    let mut chars = text.chars().peekable();
    let mut index = 0usize;
    let mut cluster: Vec<char> = Vec::new();
    while let Some(c) = chars.next() {
        let start = index;
        index += 1;
        let attached = chars.peek().is_some_and(|&next| continues_cluster(next));
        if !attached {
            match fast_path(c) {
                Fast::Keep(kept) => {
                    emit(kept, start..index);
                    continue;
                }
                Fast::Drop => continue,
                Fast::Slow => {}
            }
        }
        cluster.clear();
        cluster.push(c);
        while let Some(&next) = chars.peek() {
            if !continues_cluster(next) {
                break;
            }
            cluster.push(next);
            chars.next();
            index += 1;
        }
        for folded in cluster.iter().copied().nfkc() {
            for lower in folded.to_lowercase() {
                if lower.is_alphanumeric() {
                    emit(lower, start..index);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_space_and_punctuation() {
        assert_eq!(normalise("反対です。"), "反対です");
        assert_eq!(normalise("「反対 です」！"), "反対です");
        assert_eq!(normalise("ＡＢＣ１２３ abc"), "abc123abc");
        assert_eq!(normalise("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ"), "マイナンバーカード");
        assert_eq!(normalise("ﾊﾟｽﾎﾟｰﾄ・ガイド"), "パスポートガイド");
        assert_eq!(
            normalise("行政手続の\nオンライン化、　推進。"),
            "行政手続のオンライン化推進"
        );
        assert_eq!(normalise("『本案』について…※注意〜"), "本案について注意");
        assert_eq!(normalise("人々の声"), "人々の声");
        assert_eq!(normalise("① ㈱"), "1株");
        assert_eq!(normalise("Hello, World!"), "helloworld");
        assert_eq!(normalise("か\u{3099}"), "が");
        assert_eq!(normalise(""), "");
    }

    #[test]
    fn key_ignores_width_and_punctuation_only() {
        assert_eq!(text_key("反対です。"), text_key("反対です"));
        assert_eq!(text_key("ﾏｲﾅﾝﾊﾞｰ 反対！"), text_key("マイナンバー、反対"));
        assert_ne!(text_key("反対です"), text_key("賛成です"));
        assert_eq!(text_key("abc"), key_of_normal(&['a', 'b', 'c']));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let normal = normalise_with_offsets("ｶﾞ、Ａ b");
        assert_eq!(normal.chars, vec!['ガ', 'a', 'b']);
        assert_eq!(normal.sources, vec![0..2, 3..4, 5..6]);
    }

    #[test]
    fn fast_path_agrees_with_full_nfkc() {
        let sample =
            "マイナンバーカードの取得は任意であるべきです。行政手続のオンライン化ABCxyz019ー々";
        for c in sample.chars() {
            let slow: String = std::iter::once(c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .filter(|c| c.is_alphanumeric())
                .collect();
            let mut fast = String::new();
            for_each_normal_char(&c.to_string(), |c, _| fast.push(c));
            assert_eq!(fast, slow, "char {c:?}");
        }
    }
}
