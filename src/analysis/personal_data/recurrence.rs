//! Finding every recurrence of a known string (typically the submitter's name)
//! regardless of character width, kana script, letter case and spacing.

use super::text::fold_char;

/// Halfwidth katakana U+FF66..=U+FF9D in code-point order, as full-width katakana.
const HALFWIDTH_KATAKANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/// Hiragana that take a voicing mark (か→が, は→ば/ぱ).
const VOICEABLE: &str = "かきくけこさしすせそたちつてとはひふへほう";
/// Hiragana that take the semi-voicing mark (は→ぱ).
const SEMI_VOICEABLE: &str = "はひふへほ";

/// Text in comparable form, with the original char range of each normalised char.
pub(super) struct NormalisedText {
    /// Normalised chars (hiragana for all kana, ASCII lower case, no spaces).
    pub chars: Vec<char>,
    /// Original char index of each normalised char.
    pub starts: Vec<usize>,
    /// Original char index one past the end of each normalised char.
    pub ends: Vec<usize>,
    /// The original chars, for word-boundary checks.
    originals: Vec<char>,
}

impl NormalisedText {
    /// Normalises `text`.
    pub fn new(text: &str) -> NormalisedText {
        let originals: Vec<char> = text.chars().collect();
        let mut normalised = NormalisedText {
            chars: Vec::with_capacity(originals.len()),
            starts: Vec::with_capacity(originals.len()),
            ends: Vec::with_capacity(originals.len()),
            originals: Vec::new(),
        };
        for (index, &c) in originals.iter().enumerate() {
            let c = fold_char(c);
            if c.is_whitespace()
                || matches!(c, '・' | '･' | '.' | '·') && normalised.chars.last().is_some()
            {
                continue;
            }
            if let Some(mark) = voicing_mark(c)
                && let Some(last) = normalised.chars.last_mut()
                && let Some(voiced) = apply_voicing(*last, mark)
            {
                *last = voiced;
                if let Some(end) = normalised.ends.last_mut() {
                    *end = index + 1;
                }
                continue;
            }
            normalised.chars.push(normalise_char(c));
            normalised.starts.push(index);
            normalised.ends.push(index + 1);
        }
        normalised.originals = originals;
        normalised
    }
}

/// 1 for a voicing mark (゛), 2 for a semi-voicing mark (゜), as added to the code point.
fn voicing_mark(c: char) -> Option<u32> {
    match c {
        '\u{FF9E}' | '\u{3099}' | '\u{309B}' => Some(1),
        '\u{FF9F}' | '\u{309A}' | '\u{309C}' => Some(2),
        _ => None,
    }
}

/// Applies a voicing mark to a normalised hiragana.
fn apply_voicing(c: char, mark: u32) -> Option<char> {
    if c == 'う' && mark == 1 {
        return Some('ゔ');
    }
    let allowed = if mark == 1 { VOICEABLE } else { SEMI_VOICEABLE };
    if !allowed.contains(c) {
        return None;
    }
    char::from_u32(c as u32 + mark)
}

/// Maps one folded char to its comparison form.
fn normalise_char(c: char) -> char {
    let c = match c {
        '\u{FF66}'..='\u{FF9D}' => HALFWIDTH_KATAKANA
            .chars()
            .nth((c as u32 - 0xFF66) as usize)
            .unwrap_or(c),
        _ => c,
    };
    match c {
        // Katakana ァ..ヶ sit 0x60 above the matching hiragana.
        '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c.to_ascii_lowercase(),
    }
}

/// Every non-overlapping recurrence of `needle` in `text`, as char ranges of `text`.
///
/// Width (全角/半角), katakana versus hiragana, ASCII case, spaces and middle
/// dots are ignored, so 「山田 太郎」 finds 「山田太郎」, 「山田　太郎」 and
/// 「ﾔﾏﾀﾞﾀﾛｳ」 finds 「やまだたろう」. An alphanumeric needle only matches
/// whole words.
pub fn find_recurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    find_in_normalised(&NormalisedText::new(text), needle)
}

/// [`find_recurrences`] over a text normalised once for several needles.
pub(super) fn find_in_normalised(haystack: &NormalisedText, needle: &str) -> Vec<(usize, usize)> {
    let needle = NormalisedText::new(needle).chars;
    let mut found = Vec::new();
    if needle.is_empty() || needle.len() > haystack.chars.len() {
        return found;
    }
    let originals = &haystack.originals;
    let word_like = |c: char| c.is_ascii_alphanumeric();
    let mut index = 0;
    while index + needle.len() <= haystack.chars.len() {
        if haystack.chars[index..index + needle.len()] == needle[..] {
            let start = haystack.starts[index];
            let end = haystack.ends[index + needle.len() - 1];
            let starts_word =
                !word_like(needle[0]) || start == 0 || !word_like(originals[start - 1]);
            let ends_word = !word_like(needle[needle.len() - 1])
                || end >= originals.len()
                || !word_like(originals[end]);
            if starts_word && ends_word {
                found.push((start, end));
                index += needle.len();
                continue;
            }
        }
        index += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_space_and_script_variants() {
        let text = "山田太郎です。山田　太郎より。ﾔﾏﾀﾞ ﾀﾛｳ、やまだたろう";
        assert_eq!(find_recurrences(text, "山田 太郎"), vec![(0, 4), (7, 12)]);
        assert_eq!(
            find_recurrences(text, "ヤマダ タロウ"),
            vec![(15, 23), (24, 30)]
        );
    }

    #[test]
    fn ascii_needles_match_whole_words_case_insensitively() {
        let text = "TARO YAMADA wrote; Taro Yamadas is another; ｔａｒｏ ｙａｍａｄａ";
        assert_eq!(
            find_recurrences(text, "Taro Yamada"),
            vec![(0, 11), (44, 55)]
        );
    }

    #[test]
    fn offsets_count_chars_not_bytes() {
        let text = "🙂は佐藤さん";
        assert_eq!(find_recurrences(text, "佐藤"), vec![(2, 4)]);
        assert!(find_recurrences(text, "").is_empty());
        assert!(find_recurrences("", "佐藤").is_empty());
    }
}
