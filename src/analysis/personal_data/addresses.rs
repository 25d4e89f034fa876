//! Street addresses: Japanese (prefecture or city … 丁目・番地・号, building, room)
//! and romanised or Western addresses in English text.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use super::finding::{Candidate, Kind};
use super::text::{char_at, chars_before, is_hiragana, is_kanji, is_kanji_numeral, is_katakana};

/// Confidence of a prefecture … block-number address.
const PREFECTURE_ADDRESS_CONFIDENCE: f32 = 0.95;
/// Confidence of a city/ward … block-number address without prefecture.
const CITY_ADDRESS_CONFIDENCE: f32 = 0.85;
/// Confidence of a labelled (住所：…) address that stops above block level.
const LABELLED_PARTIAL_ADDRESS_CONFIDENCE: f32 = 0.7;
/// Confidence of an address in romanised or Western form.
const ROMAN_ADDRESS_CONFIDENCE: f32 = 0.85;
/// Longest run of place-name chars between the anchor and the block number.
const MAX_ADDRESS_BODY_CHARS: usize = 30;
/// Longest city or ward name before 市/区 when no prefecture is given.
const MAX_CITY_NAME_CHARS: usize = 5;
/// Longest building name after the block number.
const MAX_BUILDING_CHARS: usize = 20;
/// Chars searched before an address for a 住所 label.
const ADDRESS_LABEL_CHARS: usize = 6;

/// The embedded prefecture list: `kanji<TAB>romaji` per line.
const PREFECTURES_TXT: &str = include_str!("prefectures.txt");

/// Prefecture names with suffix (東京都) and their romanisation (Tokyo).
pub(super) static PREFECTURES: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    PREFECTURES_TXT
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_once('\t'))
        .collect()
});

/// Prefecture names without their 都/府/県 suffix (東京, 大阪; 北海道 stays whole).
pub(super) static PREFECTURE_STEMS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    PREFECTURES
        .iter()
        .map(|(name, _)| name.strip_suffix(['都', '府', '県']).unwrap_or(name))
        .collect()
});

// The automaton and regexes below are built from constant input once and cannot fail.

static PREFECTURE_MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(PREFECTURES.iter().map(|(name, _)| *name))
        .unwrap()
});

static MUNICIPALITY_MARK: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(["市", "区", "郡"]).unwrap());

static ROMAN_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:(?:Room|Rm\.?|Apt\.?|Unit|\#)\ ?[0-9]{1,4}[A-Z]?,?\ )?
        (?:[A-Z][A-Za-z]+(?:\ [A-Z][A-Za-z]+)?\ (?:Bldg\.?|Building|Heights|Mansion|Tower|Residence|House|Court)(?:\ [0-9]{1,4})?,?\ )?
        (?-u:\b)[0-9]{1,4}(?:-[0-9]{1,4}){1,3},?\ [A-Z][a-z]+(?:-?[a-z]+)*(?:\ [0-9]{1,2}-chome)?
        (?:,?\ [A-Z][a-z]+-(?:ku|shi|cho|machi|gun|mura|son|city)(?-u:\b)|,?\ [A-Z][a-z]+\ (?:City|Ward|Town|Village)(?-u:\b))+
        (?:,?\ [A-Z][a-z]+(?:-(?:to|fu|ken|do)(?-u:\b)|\ Prefecture(?-u:\b))?)?
        ",
    )
    .unwrap()
});

/// Japanese order in Latin letters: "Tokyo Chiyoda-ku Kasumigaseki 1-2-3".
static ROMAN_ADDRESS_JAPANESE_ORDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?-u:\b)(?:[A-Z][a-z]+(?:-(?:to|fu|ken|do))?,?\ )?
        (?:[A-Z][a-z]+-(?:shi|ku|gun|cho|machi|mura|son),?\ )+
        [A-Z][a-z]+(?:-?[a-z]+)*,?\ [0-9]{1,4}(?:-[0-9]{1,4}){1,3}
        ",
    )
    .unwrap()
});

static WESTERN_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?-u:\b)[0-9]{1,5}\ (?:[A-Z][a-z]+\ ){1,3}
        (?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Court|Ct\.?|Way|Place|Pl\.?)
        (?:,?\ (?:Apt\.?|Suite|Unit|\#)\ ?[0-9]+[A-Z]?)?
        (?:,\ [A-Z][a-z]+(?:\ [A-Z][a-z]+)?)?
        ",
    )
    .unwrap()
});

/// Hiragana city names, which cannot be found by walking back over kanji.
const HIRAGANA_CITIES: &[&str] = &[
    "さいたま",
    "つくば",
    "つくばみらい",
    "ひたちなか",
    "いわき",
    "みどり",
    "かすみがうら",
    "たつの",
    "かほく",
    "えびの",
    "みやま",
    "うきは",
    "さくら",
    "いなべ",
    "あわら",
    "にかほ",
    "むつ",
    "つがる",
    "みよし",
    "あま",
];

/// Labels that may precede a city name in the same kanji run (現住所横浜市).
const LEADING_LABELS: &[&str] = &[
    "現住所",
    "住所",
    "所在地",
    "居住地",
    "自宅",
    "本籍",
    "実家",
    "在住",
];

/// Labels that announce an address, allowing one that stops above block level.
const ADDRESS_LABELS: &[&str] = &["住所", "所在地", "居住地", "送付先", "お届け先"];

/// Particles that end a place name (は, を …); place names rarely contain them.
const BODY_STOP_KANA: &[char] = &['は', 'を', 'に', 'で', 'へ'];
/// Particles that end a place name right after 都道府県市区町村郡 (東京都も, 横浜市と),
/// but occur inside town names elsewhere (おもろまち, ときわ台).
const SUFFIX_STOP_KANA: &[char] = &['と', 'も', 'や', 'よ', 'ね', 'の', 'が'];
/// Words that start the next item of a letter or form, never part of an address.
const BODY_STOP_WORDS: &[&str] = &[
    "電話",
    "TEL",
    "Tel",
    "FAX",
    "メール",
    "連絡",
    "携帯",
    "氏名",
    "名前",
    "生年月日",
    "〒",
];
/// Chars that end a prefecture or municipality name.
const DIVISION_SUFFIXES: &[char] = &['都', '道', '府', '県', '市', '区', '町', '村', '郡'];

/// Words that end a building name.
const BUILDING_SUFFIXES: &[&str] = &[
    "マンション",
    "ハイツ",
    "ビル",
    "荘",
    "コーポ",
    "レジデンス",
    "アパート",
    "タワー",
    "ハイム",
    "メゾン",
    "パレス",
    "コート",
    "ヒルズ",
    "棟",
    "号館",
    "寮",
    "住宅",
    "団地",
    "プラザ",
    "テラス",
    "ガーデン",
    "ハウス",
    "ヴィラ",
    "シティ",
    "キャッスル",
    "レジデンシャル",
    "フラット",
    "Building",
    "Bldg",
    "Heights",
    "Mansion",
    "Tower",
];

/// True when `text` starts with a prefecture or a short city/ward name (used for bare postal codes).
pub(super) fn starts_with_address_anchor(text: &str) -> bool {
    if PREFECTURES.iter().any(|(name, _)| text.starts_with(name)) {
        return true;
    }
    let run: String = text
        .chars()
        .take_while(|&c| is_kanji(c))
        .take(MAX_CITY_NAME_CHARS + 1)
        .collect();
    run.chars()
        .skip(1)
        .any(|c| c == '市' || c == '区' || c == '郡')
}

/// True for a romanised prefecture name, with or without -to/-fu/-ken or " Prefecture".
pub(super) fn is_romanised_prefecture(word: &str) -> bool {
    let stem = word
        .strip_suffix("-to")
        .or_else(|| word.strip_suffix("-fu"))
        .or_else(|| word.strip_suffix("-ken"))
        .or_else(|| word.strip_suffix("-do"))
        .unwrap_or(word);
    PREFECTURES.iter().any(|(_, roman)| *roman == stem)
}

/// Finds addresses.
pub(super) fn detect_addresses(text: &str, out: &mut Vec<Candidate>) {
    let first = out.len();
    for found in PREFECTURE_MATCHER.find_iter(text) {
        if covered(&out[first..], found.start()) {
            continue;
        }
        if let Some(end) = parse_address_tail(text, found.end(), false) {
            out.push(Candidate::new(
                Kind::Address,
                found.start(),
                end,
                PREFECTURE_ADDRESS_CONFIDENCE,
            ));
        } else if is_labelled(text, found.start())
            && let Some(end) = parse_labelled_partial(text, found.end())
        {
            out.push(Candidate::new(
                Kind::Address,
                found.start(),
                end,
                LABELLED_PARTIAL_ADDRESS_CONFIDENCE,
            ));
        }
    }
    for mark in MUNICIPALITY_MARK.find_iter(text) {
        if covered(&out[first..], mark.start()) {
            continue;
        }
        let Some(start) = city_name_start(text, mark.start()) else {
            continue;
        };
        if let Some(end) = parse_address_tail(text, mark.end(), true) {
            out.push(Candidate::new(
                Kind::Address,
                start,
                end,
                CITY_ADDRESS_CONFIDENCE,
            ));
        } else if is_labelled(text, start)
            && let Some(end) = parse_labelled_partial(text, mark.end())
        {
            out.push(Candidate::new(
                Kind::Address,
                start,
                end,
                LABELLED_PARTIAL_ADDRESS_CONFIDENCE,
            ));
        }
    }
    if text.is_ascii() || text.bytes().any(|b| b.is_ascii_uppercase()) {
        for regex in [
            &*ROMAN_ADDRESS,
            &*ROMAN_ADDRESS_JAPANESE_ORDER,
            &*WESTERN_ADDRESS,
        ] {
            for found in regex.find_iter(text) {
                // "…, Tokyo 100-8916" ends in a postal code, not a block number.
                let block = found.as_str().rsplit(' ').next().unwrap_or("");
                if block.len() == 8 && block.as_bytes()[3] == b'-' {
                    continue;
                }
                let end = found.start() + found.as_str().trim_end_matches([',', ' ']).len();
                out.push(Candidate::new(
                    Kind::Address,
                    found.start(),
                    end,
                    ROMAN_ADDRESS_CONFIDENCE,
                ));
            }
        }
    }
}

/// True when byte offset `index` lies inside an address already found.
fn covered(found: &[Candidate], index: usize) -> bool {
    found
        .iter()
        .any(|candidate| candidate.start <= index && index < candidate.end)
}

/// True when an address label closely precedes `start`.
fn is_labelled(text: &str, start: usize) -> bool {
    let before = chars_before(text, start, ADDRESS_LABEL_CHARS);
    ADDRESS_LABELS.iter().any(|label| before.contains(label))
}

/// Start of the city or ward name ending just before the 市/区/郡 at `mark`.
fn city_name_start(text: &str, mark: usize) -> Option<usize> {
    let before = &text[..mark];
    if let Some(city) = HIRAGANA_CITIES
        .iter()
        .filter(|city| before.ends_with(*city))
        .max_by_key(|city| city.len())
    {
        return Some(mark - city.len());
    }
    let mut start = mark;
    for (index, c) in before.char_indices().rev().take(MAX_CITY_NAME_CHARS) {
        // 都 ends a prefecture (東京都) or a word (大都市), except in 京都市.
        let ends_word = matches!(c, '市' | '区' | '郡' | '府' | '県')
            || (c == '都' && !before[..index].ends_with('京'));
        if !is_kanji(c) || ends_word {
            break;
        }
        start = index;
    }
    if start == mark {
        return None;
    }
    // A longer kanji run means the run is a word such as 大都市 or 地区, not a city name.
    if char_before_is_kanji(text, start) {
        return None;
    }
    let mut run = &text[start..mark];
    for label in LEADING_LABELS {
        if let Some(rest) = run.strip_prefix(label) {
            run = rest;
            start = mark - run.len();
        }
    }
    (!run.is_empty()).then_some(start)
}

/// True when the char before `index` is a kanji.
fn char_before_is_kanji(text: &str, index: usize) -> bool {
    text[..index].chars().next_back().is_some_and(is_kanji)
}

/// From the end of an anchor, walks over the place name to a block number and
/// returns the end of the address (block, building, room), if there is one.
fn parse_address_tail(text: &str, body_start: usize, municipality_seen: bool) -> Option<usize> {
    let mut pos = body_start;
    let mut municipality_seen = municipality_seen;
    let mut body_chars = 0;
    let mut previous = None;
    while body_chars <= MAX_ADDRESS_BODY_CHARS {
        let rest = &text[pos..];
        if municipality_seen && let Some(street_len) = parse_street(rest) {
            let street_end = pos + street_len;
            return Some(street_end + extend_building(&text[street_end..]));
        }
        // Rural addresses give a bare lot number after the 大字/字 name (大字古仁屋1234).
        if municipality_seen
            && text[body_start..pos].contains('字')
            && let Some(lot_len) = bare_lot_number_len(rest)
        {
            return Some(pos + lot_len);
        }
        let c = rest.chars().next()?;
        if !is_body_char(c, rest, previous)
            || BODY_STOP_WORDS.iter().any(|word| rest.starts_with(word))
        {
            return None;
        }
        if matches!(c, '市' | '区' | '町' | '村' | '郡') {
            municipality_seen = true;
        }
        pos += c.len_utf8();
        body_chars += 1;
        previous = Some(c);
    }
    None
}

/// A char that may appear inside a place name between the anchor and the block number.
fn is_body_char(c: char, rest: &str, previous: Option<char>) -> bool {
    let next = rest.chars().nth(1);
    match c {
        _ if is_kanji(c) || is_katakana(c) => true,
        'ケ' | 'ノ' | '・' => true,
        _ if is_hiragana(c) => {
            let after_division = previous.is_some_and(|p| DIVISION_SUFFIXES.contains(&p));
            !(BODY_STOP_KANA.contains(&c) || (SUFFIX_STOP_KANA.contains(&c) && after_division))
        }
        ' ' | '\n' => {
            previous.is_none_or(|p| p != ' ' && p != '\n')
                && next.is_some_and(|n| {
                    is_kanji(n) || is_katakana(n) || is_hiragana(n) || n.is_ascii_digit()
                })
                && !BODY_STOP_WORDS
                    .iter()
                    .any(|word| rest[1..].starts_with(word))
        }
        '0'..='9' => {
            let after_digits = rest.trim_start_matches(|d: char| d.is_ascii_digit());
            after_digits.starts_with('条')
                || after_digits.starts_with('線')
                || after_digits.starts_with("地割")
        }
        _ => false,
    }
}

/// Length of a bare lot number (digits not starting with 0, not followed by more figures or a unit).
fn bare_lot_number_len(s: &str) -> Option<usize> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let follows = s[digits..].chars().next();
    let ends = follows.is_none_or(|c| {
        !(c.is_ascii_alphanumeric() || is_kanji(c) || matches!(c, '-' | '.' | ',' | '/'))
    });
    ((1..=5).contains(&digits) && !s.starts_with('0') && ends).then_some(digits)
}

/// For a labelled address without block number: the end of the place name.
fn parse_labelled_partial(text: &str, body_start: usize) -> Option<usize> {
    let mut pos = body_start;
    let mut previous = None;
    let mut last_municipality_end = None;
    for _ in 0..MAX_ADDRESS_BODY_CHARS {
        let rest = &text[pos..];
        let Some(c) = rest.chars().next() else { break };
        if !is_body_char(c, rest, previous) || c == ' ' || c == '\n' {
            break;
        }
        pos += c.len_utf8();
        if matches!(c, '市' | '区' | '町' | '村' | '郡') {
            last_municipality_end = Some(pos);
        }
        previous = Some(c);
    }
    // Without block numbers, words after the last 市区町村 are more likely prose than a district.
    let end = if is_hiragana(previous.unwrap_or(' ')) {
        last_municipality_end?
    } else {
        pos
    };
    (end > body_start).then_some(end)
}

/// Parses a number at the start of `s`: ASCII digits or kanji numerals.
/// Returns the byte length and whether it was ASCII.
fn parse_number(s: &str) -> Option<(usize, bool)> {
    let ascii = s.bytes().take_while(u8::is_ascii_digit).count();
    if ascii > 0 {
        // Block and lot numbers never start with 0; 03-1234-5678 is a phone number.
        return (ascii <= 5 && !s.starts_with('0')).then_some((ascii, true));
    }
    let kanji: usize = s
        .chars()
        .take_while(|&c| is_kanji_numeral(c))
        .take(5)
        .map(char::len_utf8)
        .sum();
    (kanji > 0).then_some((kanji, false))
}

/// Parses a block/lot/house number part (三丁目4番5号, 2丁目5-10, 1-23-4, 1234番地の3)
/// at the start of `s`; returns its byte length.
fn parse_street(s: &str) -> Option<usize> {
    let mut pos = 0;
    let mut numbers = 0;
    let mut strong = false;
    let mut all_ascii = true;
    let mut end = 0;
    while let Some((number_len, is_ascii)) = parse_number(&s[pos..]) {
        let after_number = pos + number_len;
        let rest = &s[after_number..];
        numbers += 1;
        all_ascii &= is_ascii;
        let marker_len = if rest.starts_with("丁目") || rest.starts_with("番地") {
            6
        } else if rest.starts_with('番') {
            // 一番町, 二番館: 番 as part of a place or building name.
            if char_at(rest, 3).is_some_and(|c| is_kanji(c) && !is_kanji_numeral(c)) {
                return (end > 0 && (strong || numbers > 2)).then_some(end);
            }
            3
        } else if rest.starts_with('号') && !rest.starts_with("号室") && !rest.starts_with("号館")
        {
            strong = true;
            end = after_number + 3;
            break;
        } else {
            0
        };
        if marker_len > 0 {
            strong = true;
            pos = after_number + marker_len;
            end = pos;
            pos += connector_len(&s[pos..]);
            continue;
        }
        let connector = connector_len(rest);
        if connector > 0 && is_ascii {
            end = after_number;
            pos = after_number + connector;
            continue;
        }
        if is_ascii && numbers > 1 {
            end = after_number;
        }
        break;
    }
    let valid = strong || (numbers >= 2 && all_ascii && end > 0);
    (valid && end > 0).then_some(end)
}

/// Length of a separator between block numbers (-, の, a single space) when a number follows.
fn connector_len(s: &str) -> usize {
    let length = if s.starts_with('-') || s.starts_with(' ') {
        1
    } else if s.starts_with('の') {
        3
    } else {
        return 0;
    };
    let next = s[length..].chars().next();
    let kanji_allowed = length == 3 || s.starts_with(' ');
    if next.is_some_and(|c| c.is_ascii_digit() || (kanji_allowed && is_kanji_numeral(c))) {
        length
    } else {
        0
    }
}

/// Length of a building name and room number after the block number.
fn extend_building(s: &str) -> usize {
    let space = usize::from(s.starts_with(' '));
    let rest = &s[space..];
    if let Some(room) = room_len(rest) {
        return space + room;
    }
    let mut name_len = 0;
    for (name_chars, c) in rest.chars().enumerate() {
        let is_name_char = (name_chars > 0 && matches!(c, 'の' | 'ノ'))
            || is_katakana(c)
            || (is_kanji(c) && c != '在')
            || c.is_ascii_alphabetic()
            || matches!(c, '・' | '&' | '\'');
        if !is_name_char || name_chars >= MAX_BUILDING_CHARS {
            break;
        }
        name_len += c.len_utf8();
    }
    if name_len == 0 {
        return 0;
    }
    let name = &rest[..name_len];
    let after_name = &rest[name_len..];
    let gap = usize::from(after_name.starts_with(' '));
    if let Some(room) = room_len(&after_name[gap..]) {
        return space + name_len + gap + room;
    }
    if BUILDING_SUFFIXES
        .iter()
        .any(|suffix| name.ends_with(suffix))
    {
        space + name_len
    } else {
        0
    }
}

/// Length of a room or floor number (201号室, 5階, 5F, #201, 201).
fn room_len(s: &str) -> Option<usize> {
    let hash = usize::from(s.starts_with('#'));
    let digits = s[hash..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 5 {
        return None;
    }
    let after = &s[hash + digits..];
    let unit = ["号室", "号", "階", "F"]
        .iter()
        .find(|unit| after.starts_with(**unit))
        .map_or(0, |unit| unit.len());
    let follows = after[unit..].chars().next();
    // A bare number followed by a unit such as 年 or 人, or by more figures, is not a room.
    let ends_cleanly = follows.is_none_or(|c| {
        !(is_kanji(c) || c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ',' | '/'))
    });
    let bare_room_ok = digits >= 3 && !s[hash..].starts_with('0');
    (ends_cleanly && (unit > 0 || hash > 0 || bare_room_ok)).then_some(hash + digits + unit)
}

#[cfg(test)]
mod tests {
    use super::super::text::FoldedText;
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let folded = FoldedText::new(text);
        let mut out = Vec::new();
        detect_addresses(&folded.text, &mut out);
        out.iter()
            .map(|c| {
                let (start, end) = folded.char_range(c.start, c.end);
                text.chars().skip(start).take(end - start).collect()
            })
            .collect()
    }

    #[test]
    fn japanese_address_forms() {
        for address in [
            "東京都千代田区霞が関1-2-3",
            "東京都渋谷区神宮前三丁目4番5号 サンシャインマンション201号室",
            "大阪府大阪市北区梅田2丁目5-10",
            "北海道札幌市中央区北3条西4丁目1-1",
            "神奈川県 川崎市 中原区 小杉町 3-5-7",
            "京都府京都市左京区下鴨宮河町12番地",
            "埼玉県さいたま市浦和区高砂１－２－３",
            "福岡県福岡市博多区博多駅前二丁目１番１号　ABCビル５階",
            "長野県北安曇郡白馬村大字北城1234番地の5",
            "千葉県柏市若柴178-4 柏の葉キャンパス101",
            "東京都千代田区一番町1-2",
            "沖縄県那覇市おもろまち二丁目19番2号",
            "東京都港区 麻布十番 四丁目4番25号",
            "鹿児島県大島郡瀬戸内町大字古仁屋1234",
        ] {
            let text = format!("住まいは{address}です。");
            assert_eq!(found(&text), [address], "{address}");
        }
    }

    #[test]
    fn city_addresses_without_prefecture() {
        assert_eq!(
            found("私は横浜市港北区日吉本町1-23-4に住んでいます"),
            ["横浜市港北区日吉本町1-23-4"]
        );
        assert_eq!(
            found("現住所横浜市中区山下町10番地"),
            ["横浜市中区山下町10番地"]
        );
        assert_eq!(
            found("さいたま市大宮区桜木町1丁目7番5号"),
            ["さいたま市大宮区桜木町1丁目7番5号"]
        );
        assert_eq!(
            found("住所：京都市左京区下鴨宮河町三丁目9-23"),
            ["京都市左京区下鴨宮河町三丁目9-23"]
        );
        assert_eq!(
            found("沖縄県那覇市\nおもろまち6-20-2"),
            ["沖縄県那覇市\nおもろまち6-20-2"]
        );
        assert!(
            found("住所：東京都\n電話 03-1234-5678")
                .iter()
                .all(|a| !a.contains("03"))
        );
    }

    #[test]
    fn labelled_partial_address() {
        assert_eq!(found("住所：東京都練馬区です"), ["東京都練馬区"]);
    }

    #[test]
    fn romanised_and_western_addresses() {
        assert_eq!(
            found("I live at 1-2-3 Kasumigaseki, Chiyoda-ku, Tokyo 100-8916."),
            ["1-2-3 Kasumigaseki, Chiyoda-ku, Tokyo"]
        );
        assert_eq!(
            found("Send it to 221 Baker Street, London please"),
            ["221 Baker Street, London"]
        );
        assert_eq!(
            found("My address is Tokyo Chiyoda-ku Kasumigaseki 1-12-7."),
            ["Tokyo Chiyoda-ku Kasumigaseki 1-12-7"]
        );
    }

    #[test]
    fn place_names_in_policy_text_are_not_addresses() {
        assert!(found("東京都の施策について").is_empty());
        assert!(found("北海道における地域医療").is_empty());
        assert!(found("大都市圏の1-2の課題").is_empty());
        assert!(found("市区町村の窓口で第3章2-1を参照").is_empty());
        assert!(found("東京都千代田区において2025年に").is_empty());
        assert!(found("東京都も大阪府1-2の例").is_empty());
    }
}
