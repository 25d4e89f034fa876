//! The embedded list of common Japanese surnames and the tests built on it:
//! where a surname starts in a kanji run, and which words only look like names.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::addresses::PREFECTURE_STEMS;

/// Longest surname in the list, in chars.
pub(super) const MAX_SURNAME_CHARS: usize = 4;

/// Longest given name written in kanji after a surname, in chars.
pub(super) const MAX_GIVEN_NAME_CHARS: usize = 3;

/// The embedded surname list (see the file's header for its source).
const SURNAMES_TXT: &str = include_str!("surnames.txt");

pub(super) static SURNAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    SURNAMES_TXT
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

/// True when `word` is in the embedded list of common Japanese surnames.
pub fn is_common_surname(word: &str) -> bool {
    SURNAMES.contains(word)
}

/// Byte length of the surname at the start of `s`, longest first.
pub(super) fn surname_prefix_len(s: &str) -> Option<usize> {
    let boundaries: Vec<usize> = s
        .char_indices()
        .map(|(i, _)| i)
        .skip(1)
        .chain([s.len()])
        .collect();
    boundaries
        .iter()
        .take(MAX_SURNAME_CHARS)
        .rev()
        .copied()
        .find(|&end| SURNAMES.contains(&s[..end]))
}

/// Within `run` (kanji, at most one space), the byte offset where a listed
/// surname starts such that at most `MAX_GIVEN_NAME_CHARS` follow it.
pub(super) fn surname_start_in_run(run: &str, fixed_start: bool) -> Option<usize> {
    for (offset, _) in run.char_indices() {
        let rest = &run[offset..];
        if rest.starts_with(' ') {
            continue;
        }
        if let Some(surname_len) = surname_prefix_len(rest) {
            let given = rest[surname_len..].trim_start_matches(' ');
            let given_chars = given.chars().count();
            let space_inside_given = given.contains(' ');
            // A surname followed by a space must be the whole run before the space.
            let spacing_ok = !rest[..surname_len].contains(' ') && !space_inside_given;
            if given_chars <= MAX_GIVEN_NAME_CHARS && spacing_ok {
                return Some(offset);
            }
        }
        if fixed_start {
            return None;
        }
    }
    None
}

/// True when a candidate name is in fact a common noun or a place.
pub(super) fn is_not_a_name(name: &str, listed: bool) -> bool {
    let compact: String = name.chars().filter(|c| *c != ' ').collect();
    if NOT_NAMES.contains(&compact.as_str()) {
        return true;
    }
    let Some(last) = compact.chars().last() else {
        return true;
    };
    let surname_only = listed && surname_prefix_len(&compact) == Some(compact.len());
    if !surname_only && NON_NAME_ENDINGS.contains(last) {
        return true;
    }
    if !listed && UNLISTED_NON_NAME_ENDINGS.contains(last) {
        return true;
    }
    // 東京都民, 大阪出身: a prefecture that is not also a surname.
    PREFECTURE_STEMS
        .iter()
        .any(|stem| compact.starts_with(stem) && !SURNAMES.contains(stem))
}

/// Last chars that make a word a common noun rather than a name (利用者様, 市役所さん).
pub(super) const NON_NAME_ENDINGS: &str = "者員官師客様殿族民達業店局課部省庁社所会界層位身住務属体団党国県都府市区町村校院館園署屋工輩僚御供政協組軍庫家事機設送堂舗産研術品薬器材製販商電";

/// Further last chars rejected for unlisted names (運転手さん, 管理人さん).
const UNLISTED_NON_NAME_ENDINGS: &str = "手人士生主方中長";

/// Words before an honorific that are not names.
const NOT_NAMES: &[&str] = &[
    "皆", "神", "王", "殿", "奥", "客", "仏", "姫", "若", "旦那", "先方", "貴方", "相手", "同",
    "両", "彼", "某", "諸", "源", "平", "本人", "当人", "故人", "各位", "息子", "弟子", "双子",
    "王子", "皇子", "様子", "名無", "匿名", "皆々", "御中",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surname_list_is_large() {
        assert!(SURNAMES.len() >= 1000);
        assert!(is_common_surname("佐藤"));
        assert!(!is_common_surname("東京"));
    }

    #[test]
    fn surname_positions_in_runs() {
        assert_eq!(surname_prefix_len("佐々木健"), Some("佐々木".len()));
        assert_eq!(surname_start_in_run("山田太郎", true), Some(0));
        assert_eq!(
            surname_start_in_run("環境省山田", false),
            Some("環境省".len())
        );
        assert_eq!(surname_start_in_run("賛成", true), None);
    }

    #[test]
    fn common_nouns_are_not_names() {
        assert!(is_not_a_name("関係者", true));
        assert!(is_not_a_name("東京都民", true));
        assert!(is_not_a_name("皆", false));
        assert!(!is_not_a_name("石川", true));
        assert!(!is_not_a_name("山田太郎", true));
    }
}
