//! Width folding with a one-char-to-one-char mapping, so that offsets found
//! in the folded text are the char offsets of the original body.

/// The body with full-width ASCII, ideographic spaces and hyphen variants
/// folded to ASCII; every original char maps to exactly one folded char.
pub(super) struct FoldedText {
    /// Folded text that all detectors search.
    pub text: String,
    /// Byte offset of each char in `text`, plus a final entry for `text.len()`.
    char_starts: Vec<u32>,
}

impl FoldedText {
    /// Folds `body`.
    pub fn new(body: &str) -> FoldedText {
        let mut text = String::with_capacity(body.len());
        let mut char_starts = Vec::with_capacity(body.len() / 2 + 1);
        let mut previous_folded: Option<char> = None;
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            let next = chars.peek().map(|&n| fold_char(n));
            let folded = match c {
                // The long-vowel mark doubles as a dash between digits when typed
                // with a Japanese input method (０９０ー１２３４ー５６７８).
                'ー' | 'ｰ'
                    if previous_folded.is_some_and(|p| p.is_ascii_digit())
                        && next.is_some_and(|n| n.is_ascii_digit()) =>
                {
                    '-'
                }
                _ => fold_char(c),
            };
            char_starts.push(text.len() as u32);
            text.push(folded);
            previous_folded = Some(folded);
        }
        char_starts.push(text.len() as u32);
        FoldedText { text, char_starts }
    }

    /// Number of chars in the body.
    #[cfg(test)]
    pub fn char_len(&self) -> usize {
        self.char_starts.len() - 1
    }

    /// Char index of a byte offset in `text` (which must be a char boundary).
    pub fn char_index(&self, byte: usize) -> usize {
        match self.char_starts.binary_search(&(byte as u32)) {
            Ok(index) => index,
            Err(index) => index.saturating_sub(1),
        }
    }

    /// Char range of a byte range in `text`.
    pub fn char_range(&self, start: usize, end: usize) -> (usize, usize) {
        (self.char_index(start), self.char_index(end))
    }
}

/// Folds one char: full-width ASCII to ASCII, ideographic space to space,
/// dash and minus variants to `-`.
pub(super) fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        _ => c,
    }
}

/// Chars before byte offset `end`, at most `max_chars`, as a string slice.
pub(super) fn chars_before(text: &str, end: usize, max_chars: usize) -> &str {
    let start = text[..end]
        .char_indices()
        .rev()
        .take(max_chars)
        .last()
        .map_or(end, |(index, _)| index);
    &text[start..end]
}

/// Chars from byte offset `start`, at most `max_chars`, as a string slice.
pub(super) fn chars_after(text: &str, start: usize, max_chars: usize) -> &str {
    let end = text[start..]
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(index, _)| start + index);
    &text[start..end]
}

/// The char just before byte offset `index`.
pub(super) fn char_before(text: &str, index: usize) -> Option<char> {
    text[..index].chars().next_back()
}

/// The char starting at byte offset `index`.
pub(super) fn char_at(text: &str, index: usize) -> Option<char> {
    text[index..].chars().next()
}

/// CJK ideograph, including the iteration mark 々 and the small ヶ/〆 used in names.
pub(super) fn is_kanji(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '々' | '〆' | 'ヶ')
}

/// Hiragana letter.
pub(super) fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

/// Katakana letter or long-vowel mark (not the middle dot).
pub(super) fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{31F0}'..='\u{31FF}')
}

/// Japanese kanji numeral digit or unit used in addresses and dates.
pub(super) fn is_kanji_numeral(c: char) -> bool {
    matches!(
        c,
        '〇' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '千'
    )
}

/// True when the number run ending or starting at a match edge continues
/// (a digit, or a `-`/`.`/`,` joined to a digit), so the match is only part of a longer number.
pub(super) fn digit_run_continues_before(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('-' | '.' | ',' | '/') => before.next().is_some_and(|c| c.is_ascii_digit()),
        Some('+') => true,
        _ => false,
    }
}

/// See [`digit_run_continues_before`]; the same test after the match.
pub(super) fn digit_run_continues_after(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('-' | ',' | '/') => after.next().is_some_and(|c| c.is_ascii_digit()),
        Some('.') => after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// ASCII digits of a string, in order.
pub(super) fn ascii_digits(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// The test for "same kana script as `c`", or `None` when `c` is not kana.
pub(super) fn kana_script_of(c: char) -> Option<fn(char) -> bool> {
    if is_hiragana(c) {
        Some(is_hiragana)
    } else if is_katakana(c) {
        Some(is_katakana)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_char_count_and_offsets() {
        let body = "電話０９０ー１２３４ー５６７８　メール";
        let folded = FoldedText::new(body);
        assert_eq!(folded.text, "電話090-1234-5678 メール");
        assert_eq!(folded.char_len(), body.chars().count());
        let byte = folded.text.find("090").unwrap();
        assert_eq!(folded.char_index(byte), 2);
        assert_eq!(folded.char_index(folded.text.len()), folded.char_len());
    }

    #[test]
    fn long_vowel_mark_is_kept_in_words() {
        assert_eq!(FoldedText::new("メール").text, "メール");
        assert_eq!(FoldedText::new("03ー1234").text, "03-1234");
    }

    #[test]
    fn dash_variants_fold_to_hyphen() {
        for dash in ['‐', '‑', '‒', '–', '—', '―', '−', '－'] {
            assert_eq!(fold_char(dash), '-');
        }
        assert_eq!(fold_char('＠'), '@');
        assert_eq!(fold_char('あ'), 'あ');
    }

    #[test]
    fn context_slices_respect_char_boundaries() {
        let text = "生年月日は1985年";
        let index = text.find('1').unwrap();
        assert_eq!(chars_before(text, index, 3), "月日は");
        assert_eq!(chars_after(text, index, 4), "1985");
        assert_eq!(chars_before(text, index, 50), "生年月日は");
    }
}
