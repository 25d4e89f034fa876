//! Hepburn romanisation of kana names, so that a submitter known as 「やまだ たろう」
//! is also recognised in `taro-yamada.jp` or `yamada_taro`.

/// Romanisation of each hiragana, in code-point order from U+3041 (ぁ) to U+3094 (ゔ).
const HIRAGANA_ROMAJI: [&str; 84] = [
    "a", "a", "i", "i", "u", "u", "e", "e", "o", "o", // ぁあぃいぅうぇえぉお
    "ka", "ga", "ki", "gi", "ku", "gu", "ke", "ge", "ko",
    "go", // かがきぎくぐけげこご
    "sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so",
    "zo", // さざしじすずせぜそぞ
    "ta", "da", "chi", "ji", "", "tsu", "zu", "te", "de", "to",
    "do", // ただちぢっつづてでとど
    "na", "ni", "nu", "ne", "no", // なにぬねの
    "ha", "ba", "pa", "hi", "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo",
    "po", // は…ぽ
    "ma", "mi", "mu", "me", "mo", // まみむめも
    "ya", "ya", "yu", "yu", "yo", "yo", // ゃやゅゆょよ
    "ra", "ri", "ru", "re", "ro", // らりるれろ
    "wa", "wa", "i", "e", "o", "n", "vu", // ゎわゐゑをんゔ
];

/// Index of っ (small tsu) in [`HIRAGANA_ROMAJI`].
const SMALL_TSU: usize = 0x3063 - 0x3041;

/// Romanises kana (hiragana or katakana); other chars are dropped. Returns the
/// spelling with long vowels written out (satou, ooshiro) and, when different,
/// the common spelling without them (sato, oshiro).
pub(super) fn romanise(kana: &str) -> Vec<String> {
    let mut romaji = String::new();
    let mut double_next = false;
    for c in kana.chars() {
        let c = match c {
            '\u{30A1}'..='\u{30F4}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        };
        if c == 'ー' {
            if let Some(vowel) = romaji.chars().last().filter(|v| "aiueo".contains(*v)) {
                romaji.push(vowel);
            }
            continue;
        }
        let Some(index) = (c as usize)
            .checked_sub(0x3041)
            .filter(|i| *i < HIRAGANA_ROMAJI.len())
        else {
            continue;
        };
        if index == SMALL_TSU {
            double_next = true;
            continue;
        }
        let syllable = HIRAGANA_ROMAJI[index];
        let is_small_y = matches!(c, 'ゃ' | 'ゅ' | 'ょ');
        if is_small_y && romaji.ends_with('i') && romaji.len() >= 2 {
            romaji.pop();
            // しゃ → sha, ちゃ → cha, じゃ → ja; きゃ → kya.
            if !(romaji.ends_with("sh") || romaji.ends_with("ch") || romaji.ends_with('j')) {
                romaji.push('y');
            }
            romaji.push_str(&syllable[1..]);
            continue;
        }
        if double_next {
            double_next = false;
            if syllable.starts_with("ch") {
                romaji.push('t');
            } else if let Some(first) = syllable.chars().next().filter(|f| !"aiueon".contains(*f)) {
                romaji.push(first);
            }
        }
        romaji.push_str(syllable);
    }
    let short = romaji
        .replace("ou", "o")
        .replace("uu", "u")
        .replace("oo", "o");
    if short == romaji {
        vec![romaji]
    } else {
        vec![romaji, short]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hepburn_spellings() {
        assert_eq!(romanise("やまだ"), ["yamada"]);
        assert_eq!(romanise("さとう"), ["satou", "sato"]);
        assert_eq!(romanise("じゅんいち"), ["junichi"]);
        assert_eq!(romanise("はっとり"), ["hattori"]);
        assert_eq!(romanise("しょうた"), ["shouta", "shota"]);
        assert_eq!(romanise("キョウコ"), ["kyouko", "kyoko"]);
        assert_eq!(romanise("おおしろ"), ["ooshiro", "oshiro"]);
        assert_eq!(romanise("まっちゃ"), ["matcha"]);
        assert_eq!(romanise("ふじい"), ["fujii"]);
    }
}
