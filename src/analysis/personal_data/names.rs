//! Personal names in Japanese text: a surname before an honorific (様・さん・氏 …)
//! or a workplace title, names after self-introductions (私は…, …と申します) and
//! labels (氏名：, 署名), names beside family words, ages and readings, and
//! signature lines. Romanised names and the submitter's own names are found by
//! the sibling modules `roman_names` and `known_names`.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use super::finding::{Candidate, Kind};
use super::known_names::detect_known_names;
use super::name_marks::{FAMILY_MARKS, HONORIFICS};
use super::roman_names::{detect_roman_names, roman_name_len};
use super::surnames::{
    MAX_SURNAME_CHARS, NON_NAME_ENDINGS, SURNAMES, is_not_a_name, surname_prefix_len,
    surname_start_in_run,
};
use super::text::{
    FoldedText, char_at, char_before, is_hiragana, is_kanji, is_katakana, kana_script_of,
};

/// Confidence of a name after a form label (氏名：, Name:).
const LABELLED_NAME_CONFIDENCE: f32 = 0.9;
/// Confidence of a known surname in a self-introduction or before an honorific.
const SURNAME_NAME_CONFIDENCE: f32 = 0.85;
/// Confidence of an unlisted kanji name before an honorific or と申します.
const UNLISTED_NAME_CONFIDENCE: f32 = 0.5;
/// Shortest and longest unlisted kanji name accepted before an honorific.
const UNLISTED_NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=4;
/// Longest kanji run examined before an honorific (name plus a job title).
const MAX_RUN_CHARS: usize = 10;
/// Longest name after a label, in chars.
const MAX_LABELLED_NAME_CHARS: usize = 14;
/// Confidence of a name next to a family word, an age or a reading.
const CONTEXT_NAME_CONFIDENCE: f32 = 0.8;
/// Confidence of a line that holds only a name (a signature).
const SIGNATURE_CONFIDENCE: f32 = 0.75;
/// Longest kana given name after a kanji surname, in chars.
const MAX_KANA_GIVEN_CHARS: usize = 5;
/// Longest kanji given name before ちゃん/くん, in chars.
const MAX_CHILD_NAME_CHARS: usize = 3;
/// Longest signature line, in chars.
const MAX_SIGNATURE_CHARS: usize = 12;
/// Longest romanised signature line, in chars.
const MAX_ROMAN_SIGNATURE_CHARS: usize = 32;

// The automaton and regexes below are built from constant input once and cannot fail.

/// Workplace titles that follow a surname (青木課長). Public offices (大臣, 知事,
/// 市長, 首相) are left out on purpose: officials named in policy text are not
/// the personal data of a submitter.
const WORKPLACE_TITLES: &[&str] = &[
    "課長",
    "部長",
    "係長",
    "社長",
    "店長",
    "院長",
    "校長",
    "園長",
    "主任",
    "所長",
    "室長",
    "班長",
    "次長",
    "専務",
    "常務",
    "会長",
    "理事長",
    "教授",
    "准教授",
    "医師",
    "看護師",
    "師長",
    "弁護士",
    "税理士",
    "司法書士",
    "先輩",
    "監督",
];

static NAME_MARKS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(HONORIFICS.iter().chain(WORKPLACE_TITLES))
        .unwrap()
});

/// Family words before a relative's name (母 山田花子, 父の山田一郎).
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:義?[父母]|妻|夫|息子|娘|祖[父母]|[兄姉弟妹]|長[男女]|次[男女]|三[男女]|孫|[叔伯][父母])(?:の|・| )").unwrap()
});

/// An age in parentheses after a name: 山田花子（85歳）.
static AGE_AFTER_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r" ?\([0-9]{1,3} ?歳\)").unwrap());

/// A kana reading in parentheses after a name: 山田太郎（やまだ たろう）.
static READING_AFTER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\((?P<reading>[ぁ-ゖァ-ヺー]{1,8} [ぁ-ゖァ-ヺー]{1,8})\)").unwrap()
});

static FAMILY_MARK_MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(FAMILY_MARKS)
        .unwrap()
});

static SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"以上[、,] ?").unwrap());

/// Kana sequences that end a kana name (です, と申します, さん …).
const KANA_STOPS: &[&str] = &[
    "です",
    "でし",
    "と申",
    "とい",
    "と言",
    "さん",
    "さま",
    "ちゃん",
    "くん",
    "より",
    "から",
    "まで",
    "として",
];

static SELF_INTRODUCTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"私(?:は|、|,|の名前は|の氏名は) ?").unwrap());

/// "My name is …", after which even an unlisted surname is a name.
static EXPLICIT_NAME_INTRODUCTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:私の名前は|私の氏名は|名前は|氏名は) ?").unwrap());

/// Longest unlisted kanji name accepted after "my name is" or before a reading.
const MAX_EXPLICIT_NAME_CHARS: usize = 8;

static INTRODUCED_BY_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:と申します|と申し|といいます|と言います|と名乗|という者|と言う者)").unwrap()
});

static NAME_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:氏名|お名前|名前|署名|記名|記入者|提出者|申請者|投稿者|意見提出者|代表者|連絡者|差出人|送信者|応募者|ふりがな|フリガナ|名)
        (?: \ ?[(](?:自署|ふりがな|フリガナ|漢字|カナ)[)] )?
        (?P<sep> \ ?:\ ? | \ ?\n | \)\ ? | 】\ ? | \ ?は\ ? | \ )
        ",
    )
    .unwrap()
});

/// Job titles between a name and an honorific (田中課長様); stripped from the name.
const JOB_TITLES: &[&str] = &[
    "理事長",
    "委員長",
    "副社長",
    "准教授",
    "司法書士",
    "課長",
    "部長",
    "係長",
    "社長",
    "会長",
    "院長",
    "校長",
    "店長",
    "所長",
    "局長",
    "室長",
    "班長",
    "理事",
    "主任",
    "教授",
    "医師",
    "弁護士",
    "税理士",
    "議員",
    "委員",
    "代表",
    "専務",
    "常務",
    "次長",
    "先輩",
    "監督",
    "選手",
    "博士",
    "看護師",
];

/// Kanji words before ちゃん/くん that are family words or animals, not names.
const NOT_CHILD_NAMES: &[&str] = &[
    "赤", "坊", "姉", "兄", "弟", "妹", "孫", "婆", "爺", "猫", "犬", "お姉", "お兄", "嬢",
];

/// Kana words before ちゃん/くん that are family words or animals, not names.
const NOT_KANA_NAMES: &[&str] = &[
    "ばあ",
    "じい",
    "ねえ",
    "にい",
    "かあ",
    "とう",
    "おば",
    "おじ",
    "ワン",
    "ネコ",
    "にゃん",
    "ニャン",
    "わん",
    "ねこ",
    "あか",
    "ぼう",
    "おねえ",
    "おにい",
    "おばあ",
    "おじい",
    "おかあ",
    "おとう",
    "みな",
    "パパ",
    "ママ",
];

/// Words of form headings that are not names when they stand on a line.
const LABEL_WORDS: &[&str] = &[
    "氏名",
    "住所",
    "電話",
    "電話番号",
    "年齢",
    "職業",
    "性別",
    "所属",
    "備考",
    "件名",
    "意見",
    "理由",
    "以上",
    "敬具",
];

/// Values of a name field that say there is no name.
const NOT_LABELLED_NAMES: &[&str] = &[
    "なし",
    "無し",
    "不明",
    "匿名",
    "省略",
    "未記入",
    "非公開",
    "任意",
    "必須",
    "記入",
    "欄",
];

/// Finds personal names.
pub(super) fn detect_names(folded: &FoldedText, known_names: &[String], out: &mut Vec<Candidate>) {
    let text = folded.text.as_str();
    let has_japanese = !text.is_ascii();
    if has_japanese {
        detect_honorific_names(text, out);
        detect_self_introductions(text, out);
        detect_labelled_names(text, out);
        detect_names_in_context(text, out);
    }
    detect_signature_lines(text, out);
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        detect_roman_names(text, out);
    }
    if !known_names.is_empty() {
        detect_known_names(folded, known_names, out);
    }
}

/// Removes candidates found twice (私は山田と申します matches two patterns), keeping the most confident.
#[cfg(test)]
fn dedup_candidates(candidates: &mut Vec<Candidate>) {
    candidates.sort_by(|a, b| {
        (a.start, a.end, a.kind)
            .cmp(&(b.start, b.end, b.kind))
            .then(b.confidence.total_cmp(&a.confidence))
    });
    candidates.dedup_by(|later, earlier| {
        later.start == earlier.start && later.end == earlier.end && later.kind == earlier.kind
    });
}

/// The kanji run (with at most one inner space) ending at `end`; returns its start.
fn kanji_run_before(text: &str, end: usize) -> usize {
    let mut start = end;
    let mut chars = 0;
    let mut spaces = 0;
    for (index, c) in text[..end].char_indices().rev() {
        if is_kanji(c) {
            start = index;
        } else if c == ' '
            && spaces == 0
            && start < end
            && char_before(text, index).is_some_and(is_kanji)
        {
            spaces += 1;
        } else {
            break;
        }
        chars += 1;
        if chars >= MAX_RUN_CHARS {
            break;
        }
    }
    start
}

/// Names before 様・さん・氏・君・ちゃん・先生・殿 and workplace titles (課長).
fn detect_honorific_names(text: &str, out: &mut Vec<Candidate>) {
    for mark in NAME_MARKS.find_iter(text) {
        // 様式, 氏名, 君主, 殿下, 課長補佐: the mark begins a longer word.
        if char_at(text, mark.end()).is_some_and(is_kanji) {
            continue;
        }
        let is_title = mark.pattern().as_usize() >= HONORIFICS.len();
        let is_child_mark = matches!(&text[mark.start()..mark.end()], "ちゃん" | "くん");
        let mut end = mark.start();
        if char_before(text, end) == Some(' ') {
            end -= 1;
        }
        let run_start = kanji_run_before(text, end);
        let mut name_end = end;
        if !is_title
            && let Some(title) = JOB_TITLES
                .iter()
                .find(|title| text[run_start..end].ends_with(*title))
        {
            name_end = end - title.len();
            if char_before(text, name_end) == Some(' ') {
                name_end -= 1;
            }
        }
        if name_end <= run_start {
            if let Some(start) = kana_given_name_before(text, name_end) {
                out.push(Candidate::new(
                    Kind::PersonName,
                    start,
                    name_end,
                    SURNAME_NAME_CONFIDENCE,
                ));
            } else if is_child_mark {
                push_kana_child_name(text, mark.start(), out);
            }
            continue;
        }
        let run = &text[run_start..name_end];
        let chars = run.chars().count();
        let unlisted_ok = UNLISTED_NAME_CHARS.contains(&chars)
            && !run.contains(' ')
            && !is_not_a_name(run, false);
        let surname_offset = surname_start_in_run(run, false);
        if is_title {
            // A title needs a listed surname: 企画課長 or 情報政策課長 are offices.
            if let Some(offset) = surname_offset
                && !is_not_a_name(&run[offset..], true)
            {
                out.push(Candidate::new(
                    Kind::PersonName,
                    run_start + offset,
                    name_end,
                    SURNAME_NAME_CONFIDENCE,
                ));
            }
            continue;
        }
        match surname_offset {
            // 勅使河原: a short run whose listed surname (河原) starts inside it is
            // more likely one unlisted name than a word glued to a surname.
            Some(offset) if offset > 0 && unlisted_ok && !separates_title(&run[..offset]) => {
                out.push(Candidate::new(
                    Kind::PersonName,
                    run_start,
                    name_end,
                    UNLISTED_NAME_CONFIDENCE,
                ));
            }
            Some(offset) if !is_not_a_name(&run[offset..], true) => {
                out.push(Candidate::new(
                    Kind::PersonName,
                    run_start + offset,
                    name_end,
                    SURNAME_NAME_CONFIDENCE,
                ));
            }
            // ちゃん and くん follow given names, which are not in the surname list.
            _ if is_child_mark
                && (1..=MAX_CHILD_NAME_CHARS).contains(&chars)
                && !NOT_CHILD_NAMES.contains(&run) =>
            {
                out.push(Candidate::new(
                    Kind::PersonName,
                    run_start,
                    name_end,
                    UNLISTED_NAME_CONFIDENCE,
                ));
            }
            None if unlisted_ok => {
                out.push(Candidate::new(
                    Kind::PersonName,
                    run_start,
                    name_end,
                    UNLISTED_NAME_CONFIDENCE,
                ));
            }
            _ => {}
        }
    }
}

/// Names recognised by what surrounds them: a family word before (母 山田花子),
/// a family mark after (山田家, 佐藤ご夫妻), an age (山田花子（85歳）) or a kana reading.
fn detect_names_in_context(text: &str, out: &mut Vec<Candidate>) {
    for relative in RELATIVE.find_iter(text) {
        // 祖父母 or 父母の: the family word must stand alone.
        if char_before(text, relative.start()).is_some_and(is_kanji) {
            continue;
        }
        let start = relative.end();
        let end = kanji_run_after(text, start);
        let run = &text[start..end];
        let ends = ends_introduced_name(&text[end..]) || text[end..].starts_with(['の', 'と', '(']);
        if end > start
            && ends
            && surname_start_in_run(run, true) == Some(0)
            && !is_not_a_name(run, true)
        {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                end,
                CONTEXT_NAME_CONFIDENCE,
            ));
        }
    }
    for mark in FAMILY_MARK_MATCHER.find_iter(text) {
        if char_at(text, mark.end()).is_some_and(is_kanji) {
            continue;
        }
        let start = kanji_run_before(text, mark.start());
        let run = &text[start..mark.start()];
        // Only a bare listed surname: 専門家, 政治家 and 農家 are words.
        if !run.is_empty()
            && surname_prefix_len(run) == Some(run.len())
            && !is_not_a_name(run, true)
        {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                mark.start(),
                CONTEXT_NAME_CONFIDENCE,
            ));
        }
    }
    for age in AGE_AFTER_NAME.find_iter(text) {
        let start = kanji_run_before(text, age.start());
        let run = &text[start..age.start()];
        if run.is_empty() {
            continue;
        }
        let listed = surname_start_in_run(run, true) == Some(0);
        if (listed || is_unlisted_full_name(run)) && !is_not_a_name(run, listed) {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                age.start(),
                CONTEXT_NAME_CONFIDENCE,
            ));
        }
    }
    for captures in READING_AFTER_NAME.captures_iter(text) {
        let (Some(whole), Some(reading)) = (captures.get(0), captures.name("reading")) else {
            continue;
        };
        // A reading in parentheses vouches for the kanji before it, listed or not.
        let kanji_start = kanji_run_before(text, whole.start());
        let kanji_chars = text[kanji_start..whole.start()]
            .chars()
            .filter(|c| *c != ' ')
            .count();
        let unlisted_start = ((2..=MAX_EXPLICIT_NAME_CHARS).contains(&kanji_chars)
            && !is_not_a_name(&text[kanji_start..whole.start()], false))
        .then_some(kanji_start);
        if let Some(start) = name_start_before(text, whole.start()).or(unlisted_start) {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                whole.start(),
                CONTEXT_NAME_CONFIDENCE,
            ));
            out.push(Candidate::new(
                Kind::PersonName,
                reading.start(),
                reading.end(),
                CONTEXT_NAME_CONFIDENCE,
            ));
        }
    }
}

/// Start of a katakana name with a middle dot (ジョン・スミス) ending at `end`.
fn katakana_dotted_name_before(text: &str, end: usize) -> Option<usize> {
    let mut start = end;
    for (index, c) in text[..end].char_indices().rev() {
        if !(is_katakana(c) || c == '・') {
            break;
        }
        start = index;
    }
    is_katakana_dotted_name(&text[start..end]).then_some(start)
}

/// Byte length of a katakana name with a middle dot at the start of `s`.
fn katakana_dotted_name_len(s: &str) -> Option<usize> {
    let length: usize = s
        .chars()
        .take_while(|&c| is_katakana(c) || c == '・')
        .map(char::len_utf8)
        .sum();
    is_katakana_dotted_name(&s[..length]).then_some(length)
}

/// True for two or three katakana words joined by middle dots, as foreign names are written.
fn is_katakana_dotted_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('・').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|part| part.chars().count() >= 2 && part.chars().all(is_katakana))
}

/// Start of a name ending at `end`: kanji (with a space), kanji with a kana given name, or dotted katakana.
fn name_start_before(text: &str, end: usize) -> Option<usize> {
    if let Some(start) =
        kana_given_name_before(text, end).or_else(|| katakana_dotted_name_before(text, end))
    {
        return Some(start);
    }
    let start = kanji_run_before(text, end);
    let run = &text[start..end];
    let listed = surname_start_in_run(run, true) == Some(0);
    (!run.is_empty() && (listed || is_unlisted_full_name(run)) && !is_not_a_name(run, listed))
        .then_some(start)
}

/// Start of a kanji surname followed by a kana given name (藤田 さくら) that ends at `end`.
fn kana_given_name_before(text: &str, end: usize) -> Option<usize> {
    // Katakana after a surname is usually a company or product (小林システム様).
    char_before(text, end).filter(|c| is_hiragana(*c))?;
    let same_script: fn(char) -> bool = is_hiragana;
    let mut kana_start = end;
    let mut count = 0;
    for (index, c) in text[..end].char_indices().rev() {
        if !same_script(c) {
            break;
        }
        kana_start = index;
        count += 1;
        if count > MAX_KANA_GIVEN_CHARS {
            return None;
        }
    }
    if count < 2 {
        return None;
    }
    let mut surname_end = kana_start;
    if char_before(text, surname_end) == Some(' ') {
        surname_end -= 1;
    }
    let run_start = kanji_run_before(text, surname_end);
    let run = &text[run_start..surname_end];
    // The surname must end the kanji run: 担当さくら or 市役所の… are not names.
    let offset = run
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| SURNAMES.contains(&run[i..]))?;
    let company = run[..offset].ends_with("会社") || run[..offset].ends_with('社');
    (!company && !is_not_a_name(&run[offset..], true)).then_some(run_start + offset)
}

/// End of a kana given name right after a kanji surname at `pos` (柴田 ひかり, 山下みどり).
fn kana_given_name_after(text: &str, pos: usize) -> Option<usize> {
    let start = pos + usize::from(text[pos..].starts_with(' '));
    let rest = &text[start..];
    let first = rest.chars().next()?;
    let same_script = kana_script_of(first)?;
    if matches!(
        first,
        'を' | 'が' | 'に' | 'で' | 'と' | 'も' | 'へ' | 'の' | 'は' | 'や'
    ) {
        return None;
    }
    let mut ends = Vec::new();
    for (offset, c) in rest.char_indices() {
        if !same_script(c)
            || KANA_STOPS
                .iter()
                .any(|stop| rest[offset..].starts_with(stop))
        {
            break;
        }
        ends.push(start + offset + c.len_utf8());
        if ends.len() > MAX_KANA_GIVEN_CHARS + 1 {
            return None;
        }
    }
    let terminated = |end: usize| {
        let after = &text[end..];
        after.is_empty()
            || KANA_STOPS.iter().any(|stop| after.starts_with(stop))
            || HONORIFICS.iter().any(|honorific| after.starts_with(honorific))
            || after.starts_with(|c: char| !is_kanji(c) && kana_script_of(c).is_none())
            // 山田ひかりの意見: the particle の ends the name.
            || (after.starts_with('の') && char_at(after, 3).is_none_or(|c| !is_hiragana(c)))
    };
    // The longest kana run that ends cleanly, at least two and at most MAX_KANA_GIVEN_CHARS long.
    ends.iter()
        .enumerate()
        .rev()
        .find(|&(index, &end)| (1..MAX_KANA_GIVEN_CHARS).contains(&index) && terminated(end))
        .map(|(_, &end)| end)
}

/// True when the kanji before a surname are a separate word (環境省 山田, 担当者佐藤).
fn separates_title(prefix: &str) -> bool {
    prefix.ends_with(' ')
        || prefix
            .chars()
            .last()
            .is_some_and(|c| NON_NAME_ENDINGS.contains(c))
        || JOB_TITLES.iter().any(|title| prefix.ends_with(title))
}

/// A kana given name before ちゃん/くん (ゆいちゃん), except family words and pets.
fn push_kana_child_name(text: &str, end: usize, out: &mut Vec<Candidate>) {
    const PARTICLES: &[char] = &['の', 'は', 'が', 'と', 'に', 'を', 'も', 'へ', 'で'];
    const MAX_KANA_NAME_CHARS: usize = 5;
    let script_of = |c: char| {
        if is_hiragana(c) {
            1
        } else if is_katakana(c) {
            2
        } else {
            0
        }
    };
    let Some(script) = char_before(text, end).map(script_of).filter(|s| *s != 0) else {
        return;
    };
    let mut start = end;
    let mut chars = 0;
    for (index, c) in text[..end].char_indices().rev() {
        if script_of(c) != script || chars > MAX_KANA_NAME_CHARS + 1 {
            break;
        }
        start = index;
        chars += 1;
    }
    // 娘のゆいちゃん: a particle after a kanji word is not part of the name.
    if script == 1
        && text[start..end].starts_with(PARTICLES)
        && (chars > MAX_KANA_NAME_CHARS || char_before(text, start).is_some_and(is_kanji))
    {
        start += 3;
        chars -= 1;
    }
    let word = &text[start..end];
    let family_or_pet = word.starts_with('お') || NOT_KANA_NAMES.iter().any(|w| word.ends_with(w));
    if !(2..=MAX_KANA_NAME_CHARS).contains(&chars) || family_or_pet {
        return;
    }
    out.push(Candidate::new(
        Kind::PersonName,
        start,
        end,
        UNLISTED_NAME_CONFIDENCE,
    ));
}

/// Where a name ends: the kanji run after a self-introduction must be followed by one of these.
fn ends_introduced_name(rest: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "です",
        "と申",
        "とい",
        "と言",
        "でござ",
        "、",
        "。",
        ",",
        ".",
        " ",
        "\n",
        "は",
        "が",
        "も",
        "(",
        "!",
        "より",
        "から",
    ];
    rest.is_empty() || ENDINGS.iter().any(|ending| rest.starts_with(ending))
}

/// Names after 私は / 私、 and before と申します.
fn detect_self_introductions(text: &str, out: &mut Vec<Candidate>) {
    let introductions = SELF_INTRODUCTION.find_iter(text).map(|m| (m.end(), false));
    let sign_offs = SIGN_OFF.find_iter(text).map(|m| (m.end(), true));
    for (start, is_sign_off) in introductions.chain(sign_offs) {
        if let Some(length) = katakana_dotted_name_len(&text[start..])
            && (ends_introduced_name(&text[start + length..])
                || text[start + length..].starts_with('の'))
        {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                start + length,
                CONTEXT_NAME_CONFIDENCE,
            ));
            continue;
        }
        let run_end = kanji_run_after(text, start);
        if run_end == start {
            continue;
        }
        let run = &text[start..run_end];
        let is_bare_surname = surname_prefix_len(run) == Some(run.len());
        let end = if is_bare_surname {
            kana_given_name_after(text, run_end).unwrap_or(run_end)
        } else {
            run_end
        };
        let rest = &text[end..];
        // 以上、山田の意見です / 以上、山田より
        let ends = ends_introduced_name(rest)
            || (is_sign_off && (rest.starts_with('の') || rest.starts_with("より")));
        if ends && surname_start_in_run(run, true) == Some(0) && !is_not_a_name(run, true) {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                end,
                SURNAME_NAME_CONFIDENCE,
            ));
        }
    }
    for intro in EXPLICIT_NAME_INTRODUCTION.find_iter(text) {
        let start = intro.end();
        let end = kanji_run_after(text, start);
        let run = &text[start..end];
        let chars = run.chars().filter(|c| *c != ' ').count();
        let listed = surname_start_in_run(run, true) == Some(0);
        let rest = &text[end..];
        let ends = rest.starts_with("です")
            || rest.starts_with("と申")
            || rest.starts_with(['。', '、', '\n']);
        if !listed
            && ends
            && (2..=MAX_EXPLICIT_NAME_CHARS).contains(&chars)
            && !is_not_a_name(run, false)
        {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                end,
                UNLISTED_NAME_CONFIDENCE,
            ));
        }
    }
    // 山田です。 opening a letter or a line.
    let line_starts =
        std::iter::once(0).chain(text.match_indices(['\n', '。']).map(|(i, c)| i + c.len()));
    for line_start in line_starts {
        let start = line_start
            + (text[line_start..].len() - text[line_start..].trim_start_matches(' ').len());
        let end = kanji_run_after(text, start);
        let rest = &text[end..];
        let ends = rest.starts_with("です。")
            || rest.starts_with("です、")
            || rest.starts_with("でございます");
        let run = &text[start..end];
        if end > start
            && ends
            && surname_start_in_run(run, true) == Some(0)
            && !is_not_a_name(run, true)
        {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                end,
                SURNAME_NAME_CONFIDENCE,
            ));
        }
    }
    for verb in INTRODUCED_BY_VERB.find_iter(text) {
        let end = verb.start();
        if let Some(start) = katakana_dotted_name_before(text, end) {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                end,
                CONTEXT_NAME_CONFIDENCE,
            ));
            continue;
        }
        let start = kanji_run_before(text, end);
        if start == end {
            continue;
        }
        let run = &text[start..end];
        if let Some(offset) = surname_start_in_run(run, false) {
            if !is_not_a_name(&run[offset..], true) {
                out.push(Candidate::new(
                    Kind::PersonName,
                    start + offset,
                    end,
                    SURNAME_NAME_CONFIDENCE,
                ));
            }
        } else if is_unlisted_full_name(run) && !is_not_a_name(run, false) {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                end,
                UNLISTED_NAME_CONFIDENCE,
            ));
        }
    }
}

/// True for an unlisted name before と申します: 2–4 kanji, or two parts of 1–4 kanji
/// separated by a space (月見里 由美子).
fn is_unlisted_full_name(run: &str) -> bool {
    match run.split_once(' ') {
        Some((surname, given)) => {
            (1..=MAX_SURNAME_CHARS).contains(&surname.chars().count())
                && (1..=MAX_SURNAME_CHARS).contains(&given.chars().count())
        }
        None => UNLISTED_NAME_CHARS.contains(&run.chars().count()),
    }
}

/// End of the kanji run (with at most one inner space) starting at `start`.
pub(super) fn kanji_run_after(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut spaces = 0;
    for (offset, c) in text[start..].char_indices() {
        let index = start + offset;
        if is_kanji(c) {
            end = index + c.len_utf8();
        } else if c == ' '
            && spaces == 0
            && end > start
            && char_at(text, index + 1).is_some_and(is_kanji)
        {
            spaces += 1;
        } else {
            break;
        }
        if text[start..end].chars().count() >= MAX_RUN_CHARS {
            break;
        }
    }
    end
}

/// Names after 氏名： / 署名 / 名前は and similar labels.
fn detect_labelled_names(text: &str, out: &mut Vec<Candidate>) {
    for captures in NAME_LABEL.captures_iter(text) {
        let (Some(whole), Some(separator)) = (captures.get(0), captures.name("sep")) else {
            continue;
        };
        let label = &text[whole.start()..separator.start()];
        // 名 alone is a label only in forms such as "名：".
        let separator_text = separator.as_str().trim();
        if label.starts_with('名') && label.chars().count() == 1 && separator_text != ":" {
            continue;
        }
        if char_before(text, whole.start()).is_some_and(is_kanji)
            && !matches!(separator_text, ":" | ")" | "】")
        {
            continue;
        }
        let start = whole.end();
        let strong =
            matches!(separator_text, ":" | ")" | "】") || separator.as_str().contains('\n');
        let Some(end) = name_token_end(text, start, strong) else {
            continue;
        };
        let token = &text[start..end];
        let has_surname = surname_start_in_run(token, true) == Some(0);
        let two_part = token.contains(' ') || token.contains('・');
        let accepted = strong || has_surname || (two_part && !token.chars().any(is_kanji));
        if !accepted || NOT_LABELLED_NAMES.contains(&token) || is_not_a_name(token, has_surname) {
            continue;
        }
        out.push(Candidate::new(
            Kind::PersonName,
            start,
            end,
            LABELLED_NAME_CONFIDENCE,
        ));
    }
}

/// End of a name token at `start`: kanji/kana name with at most one space, or romanised words.
fn name_token_end(text: &str, start: usize, after_strong_label: bool) -> Option<usize> {
    let rest = &text[start..];
    let first = rest.chars().next()?;
    if first.is_ascii_uppercase() {
        return Some(start + roman_name_len(rest)?);
    }
    if !(is_kanji(first) || is_katakana(first) || is_hiragana(first)) {
        return None;
    }
    // 署名 を集める: after a weak label a particle means prose; after 氏名： it starts a name (もちづき).
    if !after_strong_label
        && matches!(
            first,
            'を' | 'が' | 'に' | 'で' | 'と' | 'も' | 'へ' | 'の' | 'は'
        )
    {
        return None;
    }
    let starts_with_kanji = is_kanji(first);
    let mut end = start;
    let mut spaces = 0;
    let mut chars = 0;
    let mut after_space = false;
    for (offset, c) in rest.char_indices() {
        let index = start + offset;
        let tail = &text[index..];
        if KANA_STOPS.iter().any(|stop| tail.starts_with(stop)) {
            break;
        }
        let name_char = is_kanji(c)
            || is_katakana(c)
            || matches!(c, '・')
            || (is_hiragana(c) && (!starts_with_kanji || after_space));
        if name_char {
            end = index + c.len_utf8();
        } else if c == ' ' && spaces == 0 && end > start {
            let next = char_at(text, index + 1);
            if !next.is_some_and(|n| is_kanji(n) || is_katakana(n) || is_hiragana(n)) {
                break;
            }
            spaces += 1;
            after_space = true;
        } else {
            break;
        }
        chars += 1;
        if chars >= MAX_LABELLED_NAME_CHARS {
            break;
        }
    }
    // 山下みどり: a kana given name right after a kanji surname.
    if starts_with_kanji && spaces == 0 && char_at(text, end).is_some_and(is_hiragana) {
        end = kana_given_name_after(text, end).unwrap_or(end);
    }
    let token = &text[start..end];
    // One char is a name only when it is a listed surname after a clear label (名前：林).
    let long_enough =
        token.chars().count() >= 2 || (after_strong_label && SURNAMES.contains(token));
    long_enough.then_some(end)
}

/// Lines (or final sentences) that hold nothing but a name, as in a signature.
fn detect_signature_lines(text: &str, out: &mut Vec<Candidate>) {
    let last_line_start = text.trim_end().rfind('\n').map_or(0, |index| index + 1);
    let mut segment_start = 0;
    for (index, c) in text.char_indices().chain([(text.len(), '\n')]) {
        if c != '\n' && c != '。' {
            continue;
        }
        let segment = &text[segment_start..index];
        // "— Taro Yamada": a dash before a signature.
        let trimmed = segment.trim_matches(' ').trim_start_matches(['-', ' ']);
        // 山田太郎拝, 山田太郎より: a sign-off word after the signature.
        let trimmed = ["拝", "より", "敬具"]
            .iter()
            .find_map(|word| trimmed.strip_suffix(word))
            .unwrap_or(trimmed)
            .trim_end();
        let start = segment_start + (segment.len() - segment.trim_start_matches([' ', '-']).len());
        segment_start = index + c.len_utf8();
        let limit = if trimmed.is_ascii() {
            MAX_ROMAN_SIGNATURE_CHARS
        } else {
            MAX_SIGNATURE_CHARS
        };
        if trimmed.is_empty() || trimmed.chars().count() > limit {
            continue;
        }
        let is_last_line = start >= last_line_start;
        if let Some(length) = signature_name_len(trimmed, is_last_line)
            && length == trimmed.len()
        {
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                start + length,
                SIGNATURE_CONFIDENCE,
            ));
        }
    }
}

/// Length of `line` when it is a name: a listed surname with a kanji or kana
/// given name, or (on the last line) two or three romanised words.
fn signature_name_len(line: &str, is_last_line: bool) -> Option<usize> {
    let first = line.chars().next()?;
    if first.is_ascii_uppercase() {
        let length = roman_name_len(line)?;
        return (is_last_line && line[..length].contains(' ')).then_some(length);
    }
    if let Some(length) = katakana_dotted_name_len(line) {
        return Some(length);
    }
    let run_end = kanji_run_after(line, 0);
    if run_end == 0 {
        return None;
    }
    let run = &line[..run_end];
    if surname_start_in_run(run, true) != Some(0) || is_not_a_name(run, true) {
        // Two kanji words split by a space, alone on a line, are a name (勅使河原 花子),
        // unless they are form headings (氏名 住所).
        let two_part = run.contains(' ') && is_unlisted_full_name(run) && run_end == line.len();
        let heading = run.split(' ').any(|part| {
            NOT_LABELLED_NAMES.contains(&part)
                || LABEL_WORDS.contains(&part)
                || is_not_a_name(part, false)
        });
        return (two_part && !heading && !is_not_a_name(run, false)).then_some(run_end);
    }
    if surname_prefix_len(run) == Some(run.len()) {
        // A surname alone on a line is too weak; it needs a given name.
        return kana_given_name_after(line, run_end);
    }
    Some(run_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found_with(text: &str, known: &[&str]) -> Vec<String> {
        let folded = FoldedText::new(text);
        let mut out = Vec::new();
        let known: Vec<String> = known.iter().map(|s| (*s).to_owned()).collect();
        detect_names(&folded, &known, &mut out);
        dedup_candidates(&mut out);
        out.iter()
            .map(|c| folded.text[c.start..c.end].to_owned())
            .collect()
    }

    fn found(text: &str) -> Vec<String> {
        found_with(text, &[])
    }

    #[test]
    fn honorific_names() {
        assert_eq!(found("担当の佐藤様にお世話になりました"), ["佐藤"]);
        assert_eq!(found("山田太郎さんと話した"), ["山田太郎"]);
        assert_eq!(found("鈴木 一郎 様"), ["鈴木 一郎"]);
        assert_eq!(found("田中課長様へ"), ["田中"]);
        assert_eq!(found("勅使河原さんが来た"), ["勅使河原"]);
        assert_eq!(found("娘のゆいちゃんが"), ["ゆい"]);
    }

    #[test]
    fn honorific_look_alikes() {
        assert!(found("国民の皆様へ。お客様各位").is_empty());
        assert!(found("利用者様、関係者様、市役所さん").is_empty());
        assert!(found("申請様式と氏名欄").is_empty());
        assert!(found("運転手さん、赤ちゃん、おばあちゃん").is_empty());
        assert!(found("神様にお願い").is_empty());
    }

    #[test]
    fn self_introductions() {
        assert_eq!(found("私は山田花子と申します。"), ["山田花子"]);
        assert_eq!(found("私、高橋です"), ["高橋"]);
        assert_eq!(found("横浜市在住の小鳥遊と申します"), ["小鳥遊"]);
        assert!(found("私は賛成です").is_empty());
        assert!(found("私は東京都民です").is_empty());
        assert!(found("私は中山間地域に住む").is_empty());
    }

    #[test]
    fn labelled_names() {
        assert_eq!(found("氏名：山田 太郎\n"), ["山田 太郎"]);
        assert_eq!(found("署名 佐々木 健"), ["佐々木 健"]);
        assert_eq!(found("（署名）ジョン・スミス"), ["ジョン・スミス"]);
        assert_eq!(found("ふりがな：やまだ たろう"), ["やまだ たろう"]);
        assert_eq!(found("名前は松本です"), ["松本"]);
        assert!(found("署名活動に参加").is_empty());
        assert!(found("氏名：匿名").is_empty());
        assert!(found("担当者は丁寧に対応").is_empty());
    }

    #[test]
    fn names_in_context() {
        assert_eq!(found("母 渡辺真由美（85歳）の代理です"), ["渡辺真由美"]);
        assert_eq!(found("父の山田一郎は反対です"), ["山田一郎"]);
        assert_eq!(found("大塚家では全員が取得した"), ["大塚"]);
        assert_eq!(found("田中ご夫妻からも"), ["田中"]);
        assert_eq!(
            found("佐藤純一（さとう じゅんいち）と申します"),
            ["佐藤純一", "さとう じゅんいち"]
        );
        assert_eq!(found("担当の青木課長から"), ["青木"]);
        assert_eq!(found("私は柴田 ひかりと申します"), ["柴田 ひかり"]);
        assert_eq!(found("記入者：山下みどり\n"), ["山下みどり"]);
        assert_eq!(found("ふりがな：なかの けんいち\n"), ["なかの けんいち"]);
        assert_eq!(found("以上です。　勅使河原　花子"), ["勅使河原 花子"]);
        assert!(found("専門家や政治家、農家の意見").is_empty());
        assert!(found("企画課長と情報政策課長").is_empty());
        assert!(found("株式会社小林システム様、鈴木商事様").is_empty());
        assert!(found("祖父母の家").is_empty());
        assert_eq!(found("私はデビッド・ミラーです。"), ["デビッド・ミラー"]);
        assert_eq!(
            found("横浜市在住のジョン・スミスと申します"),
            ["ジョン・スミス"]
        );
        assert_eq!(
            found("以上です。\nグエン・ヴァン・アン"),
            ["グエン・ヴァン・アン"]
        );
        assert_eq!(
            found("西村 ひかり（にしむら ひかり）と申します"),
            ["西村 ひかり", "にしむら ひかり"]
        );
        assert_eq!(
            found("ふりがな：もちづき いちろう\n"),
            ["もちづき いちろう"]
        );
        assert_eq!(found("名前：林\n"), ["林"]);
        assert_eq!(found("以上\n中島ひかり拝"), ["中島ひかり"]);
        assert_eq!(found("私の名前は五百旗頭奈々です。"), ["五百旗頭奈々"]);
        assert_eq!(found("井上亮です。意見を提出します。"), ["井上亮"]);
        assert!(found("賛成です。中立です。").is_empty());
        assert_eq!(
            found("五百旗頭奈々（いおきべ なな）"),
            ["五百旗頭奈々", "いおきべ なな"]
        );
        assert!(found("提出者　佐々木\n").iter().all(|n| n == "佐々木"));
    }

    #[test]
    fn known_names_recur() {
        // Before overlap resolution: the parts inside 「山田　太郎」 are dropped later by `detect`.
        let text = "私は山田太郎です。以上、山田　太郎。山田より。山田町の件。";
        assert_eq!(
            found_with(text, &["山田 太郎"]),
            ["山田太郎", "山田", "山田 太郎", "太郎", "山田"]
        );
    }
}
