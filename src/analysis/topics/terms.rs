//! Dictionary-free term extraction for Japanese and English opinions.
//!
//! Text is NFKC-normalised and lower-cased, then cut where the character class
//! changes: kanji runs, katakana runs (with ー) and latin/digit words are terms;
//! hiragana (particles, verb endings) and punctuation separate them. Kanji runs
//! of three or more characters also yield their two-character windows so that
//! 「保険証廃止」 and 「保険証の廃止」 share features without a dictionary.

use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::fasthash::FxHashSet;

/// Longest kanji run kept as a term of its own; longer runs are several compounds written together.
pub const MAX_WHOLE_KANJI_CHARS: usize = 8;
/// Longest katakana or latin word kept; longer ones are URLs, identifiers or garbled text.
pub const MAX_WORD_CHARS: usize = 30;
/// Weight of a two-kanji window inside a longer run, relative to a whole term: it is evidence, not the word itself.
pub const SUB_COMPOUND_WEIGHT: f32 = 0.5;

/// What kind of unit a term is, which decides whether it may appear in a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermKind {
    /// A whole run of two or more kanji (「保険証」).
    Kanji,
    /// A whole katakana word (「マイナンバーカード」).
    Katakana,
    /// A latin or alphanumeric word, lower-cased (「api」「5g」).
    Latin,
    /// A two-kanji window inside a longer kanji run; a feature, never a label.
    SubCompound,
    /// A hiragana run (sentence comparison only); a feature, never a label.
    Kana,
}

impl TermKind {
    /// Whether this kind of term is a real word that can be shown in a label.
    pub fn is_whole(self) -> bool {
        !matches!(self, TermKind::SubCompound | TermKind::Kana)
    }
}

/// One term found in a normalised text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term<'a> {
    /// The term as normalised (kanji without okurigana, lower-cased latin).
    pub text: &'a str,
    /// Its kind.
    pub kind: TermKind,
    /// A trailing hiragana that belongs to the word (「紐付け」「手続き」), for display only.
    pub okurigana: Option<char>,
}

impl Term<'_> {
    /// The term as it should be displayed: with its okurigana when it had one.
    pub fn display(&self) -> String {
        let mut shown = self.text.to_owned();
        if let Some(kana) = self.okurigana {
            shown.push(kana);
        }
        shown
    }
}

/// Hiragana that end a noun written with kanji (「紐付け」「見直し」「手続き」「仕組み」).
const OKURIGANA: &[char] = &['き', 'け', 'し', 'み', 'り', 'え', 'ち', 'び'];
/// Particles that may follow a noun's okurigana; any other hiragana means the word is a verb form.
const PARTICLES: &[char] = &[
    'の', 'が', 'を', 'に', 'は', 'も', 'や', 'と', 'で', 'へ', 'か',
];

/// Kanji and katakana words that appear in opinions on any policy and so say nothing about the topic.
#[rustfmt::skip]
const JAPANESE_STOP_WORDS: &[&str] = &[
    "大切", "大事", "検討", "対応", "実施", "推進", "強化", "充実", "今後", "現在", "現状", "問題", "課題", "方針", "施策",
    "政策", "意見", "国民", "政府", "我々", "自分", "今回", "場合", "以上", "以下", "一方", "具体的", "積極的", "早急", "早期",
    "確実", "適切", "丁寧", "説明", "理解", "周知", "取組", "状況", "内容", "部分", "全体", "一部", "本案", "本計画", "計画案",
    "素案", "資料", "記載", "記述", "箇所", "項目", "以外", "可能", "可能性", "実現", "導入", "活用", "利用", "整備", "確保",
    "制度", "仕組", "体制", "環境", "観点", "視点", "目的", "効果", "結果", "影響", "反映", "配慮", "留意", "明確", "明記",
    "皆様", "担当", "関係", "関連", "各種", "様々", "非常", "大変", "本当", "絶対", "以前", "同様", "以降", "必須", "方向",
    "方向性", "一層", "引続", "考慮", "特段", "今一度", "何卒", "要請", "提案", "指摘", "意義", "メリット",
    "デメリット", "イメージ", "ケース", "レベル", "ポイント", "ページ",
];

/// Words of stance and evaluation. A topic is what an opinion is about, not its stance, so
/// grouping ignores them; comparing sentences keeps them, since 「延期に賛成」 and 「延期に反対」 differ.
#[rustfmt::skip]
const STANCE_WORDS: &[&str] = &[
    "賛成", "反対", "懸念", "要望", "要求", "希望", "期待", "不安", "心配", "不要", "便利", "不便", "面倒", "簡単", "困難",
    "拙速", "優先", "支持", "賛同", "再検討", "見直", "改善", "十分", "不十分", "必要", "重要", "慎重", "是非",
];

/// Kanji that only structure a document (「第3章第2節」 leaves 「章第」 between the digits).
const STRUCTURE_KANJI: &[char] = &[
    '第', '章', '節', '項', '条', '号', '頁', '部', '編', '款', '目',
];

/// English words without topical content: function words plus the vocabulary of any opinion.
#[rustfmt::skip]
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "cannot", "cant", "could", "did", "do", "does", "doesnt", "doing",
    "dont", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have",
    "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "im", "in", "into",
    "is", "isnt", "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not",
    "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over",
    "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under",
    "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "wont", "would", "you", "your", "yours", "must",
    "need", "needs", "please", "think", "believe", "feel", "like", "really", "strongly",
    "agree", "disagree", "support", "oppose", "concern", "concerned", "worried", "worry",
    "opinion", "proposal", "draft", "plan", "policy", "government", "important", "necessary",
    "people", "many", "much", "well", "make", "made", "let", "get", "use", "used", "way",
    "thing", "things", "lot", "even", "still", "yet", "however", "therefore", "etc", "us",
    "one", "ve", "ll", "re", "thank", "thanks", "chance", "comment", "comments", "explain",
    "affect", "better", "attention", "rushed", "rush", "work", "without", "improve", "clearly",
    "clear", "good", "bad", "hope", "want", "ask", "request",
];

/// Which terms to extract: grouping texts by topic, or comparing sentences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TermMode {
    /// Content words only: what the text is about.
    #[default]
    Topics,
    /// Content words plus stance words and longer hiragana runs (「してください」「できません」),
    /// which tell a request from an objection.
    Sentences,
}

/// Shortest hiragana run kept in [`TermMode::Sentences`]; shorter ones are particles.
const MIN_KANA_RUN_CHARS: usize = 3;

fn word_set(
    words: &'static [&'static str],
    cell: &'static OnceLock<FxHashSet<&'static str>>,
) -> &'static FxHashSet<&'static str> {
    cell.get_or_init(|| words.iter().copied().collect())
}

/// Whether `word` (kanji run or katakana word) is dropped in `mode`.
pub fn is_japanese_stop_word(word: &str, mode: TermMode) -> bool {
    static STOP: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    static STANCE: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    word_set(JAPANESE_STOP_WORDS, &STOP).contains(word)
        || (mode == TermMode::Topics && word_set(STANCE_WORDS, &STANCE).contains(word))
}

/// Whether `word` (lower-case latin) is an English stop word.
pub fn is_english_stop_word(word: &str) -> bool {
    static STOP: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    word_set(ENGLISH_STOP_WORDS, &STOP).contains(word)
}

/// Character classes that decide where terms start and end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CharClass {
    Kanji,
    Katakana,
    Hiragana,
    Latin,
    Separator,
}

fn class_of(c: char) -> CharClass {
    match c {
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '々'
        | '〆' => CharClass::Kanji,
        '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{30FD}'..='\u{30FE}' | '\u{31F0}'..='\u{31FF}' => {
            CharClass::Katakana
        }
        '\u{3041}'..='\u{309F}' => CharClass::Hiragana,
        c if c.is_alphanumeric() => CharClass::Latin,
        _ => CharClass::Separator,
    }
}

/// Apostrophes inside English words are dropped so that "don't" becomes "dont".
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’')
}

/// NFKC-normalises and lower-cases `text` into `out` (cleared first), so full- and half-width forms compare equal.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    // Most opinions are already in NFKC; the quick check spares them the full normalisation.
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        for c in text.chars() {
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
        return;
    }
    for c in text.nfkc() {
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
}

/// Reduces an English plural to its singular in the common regular cases ("cards" → "card", "policies" → "policy").
fn singular(word: &str) -> std::borrow::Cow<'_, str> {
    let chars = word.chars().count();
    if chars > 4 && word.ends_with("ies") {
        let mut stem = word[..word.len() - 3].to_owned();
        stem.push('y');
        return stem.into();
    }
    if chars > 4
        && ["sses", "shes", "ches", "xes"]
            .iter()
            .any(|end| word.ends_with(end))
    {
        return word[..word.len() - 2].into();
    }
    if chars > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return word[..word.len() - 1].into();
    }
    word.into()
}

/// Calls `emit` for every term of an already normalised text (see [`normalize_into`]) in `mode`, in text order.
pub fn for_each_term(normalized: &str, mode: TermMode, emit: &mut dyn FnMut(Term<'_>)) {
    let chars: Vec<(usize, char)> = normalized.char_indices().collect();
    let end_byte = normalized.len();
    let byte_at = |i: usize| chars.get(i).map_or(end_byte, |&(b, _)| b);
    let mut latin_word = String::new();
    let mut i = 0;
    while i < chars.len() {
        let class = class_of(chars[i].1);
        let start = i;
        while i < chars.len()
            && (class_of(chars[i].1) == class
                || (class == CharClass::Latin
                    && is_apostrophe(chars[i].1)
                    && chars
                        .get(i + 1)
                        .is_some_and(|&(_, c)| class_of(c) == CharClass::Latin)))
        {
            i += 1;
        }
        let run = &normalized[byte_at(start)..byte_at(i)];
        let run_chars = i - start;
        match class {
            CharClass::Kanji => {
                let okurigana = okurigana_after(&chars, i);
                emit_kanji_run(run, run_chars, okurigana, mode, emit);
            }
            CharClass::Katakana => {
                let word = run.trim_start_matches('ー');
                let letters = word.chars().count();
                if (2..=MAX_WORD_CHARS).contains(&letters) && !is_japanese_stop_word(word, mode) {
                    emit(Term {
                        text: word,
                        kind: TermKind::Katakana,
                        okurigana: None,
                    });
                }
            }
            CharClass::Latin => {
                latin_word.clear();
                latin_word.extend(run.chars().filter(|&c| !is_apostrophe(c)));
                emit_latin_word(&latin_word, emit);
            }
            CharClass::Hiragana
                if mode == TermMode::Sentences && run_chars >= MIN_KANA_RUN_CHARS =>
            {
                emit(Term {
                    text: run,
                    kind: TermKind::Kana,
                    okurigana: None,
                });
            }
            CharClass::Hiragana | CharClass::Separator => {}
        }
    }
}

/// The okurigana following a kanji run that ends at char index `end`, if the kana ends a noun.
fn okurigana_after(chars: &[(usize, char)], end: usize) -> Option<char> {
    let &(_, kana) = chars.get(end)?;
    if !OKURIGANA.contains(&kana) {
        return None;
    }
    match chars.get(end + 1) {
        None => Some(kana),
        Some(&(_, next)) => match class_of(next) {
            CharClass::Hiragana if PARTICLES.contains(&next) => Some(kana),
            CharClass::Hiragana | CharClass::Kanji => None,
            _ => Some(kana),
        },
    }
}

fn emit_kanji_run(
    run: &str,
    run_chars: usize,
    okurigana: Option<char>,
    mode: TermMode,
    emit: &mut dyn FnMut(Term<'_>),
) {
    if run_chars < 2 || run.chars().all(|c| STRUCTURE_KANJI.contains(&c)) {
        return;
    }
    if run_chars <= MAX_WHOLE_KANJI_CHARS && !is_japanese_stop_word(run, mode) {
        emit(Term {
            text: run,
            kind: TermKind::Kanji,
            okurigana,
        });
    }
    if run_chars >= 3 {
        let offsets: Vec<usize> = run
            .char_indices()
            .map(|(b, _)| b)
            .chain([run.len()])
            .collect();
        for window in offsets.windows(3) {
            let pair = &run[window[0]..window[2]];
            if !is_japanese_stop_word(pair, mode) {
                emit(Term {
                    text: pair,
                    kind: TermKind::SubCompound,
                    okurigana: None,
                });
            }
        }
    }
}

fn emit_latin_word(word: &str, emit: &mut dyn FnMut(Term<'_>)) {
    let letters = word.chars().count();
    if !(2..=MAX_WORD_CHARS).contains(&letters) || word.chars().all(|c| c.is_numeric()) {
        return;
    }
    if is_english_stop_word(word) {
        return;
    }
    let stem = singular(word);
    if !is_english_stop_word(&stem) {
        emit(Term {
            text: &stem,
            kind: TermKind::Latin,
            okurigana: None,
        });
    }
}

/// The whole terms of `text` (no sub-compounds), normalised and displayed with okurigana, in text order.
pub fn extract_terms(text: &str) -> Vec<String> {
    let mut normalized = String::new();
    normalize_into(text, &mut normalized);
    let mut found = Vec::new();
    for_each_term(&normalized, TermMode::Topics, &mut |term| {
        if term.kind.is_whole() {
            found.push(term.display());
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_terms(text: &str) -> Vec<(String, TermKind)> {
        let mut normalized = String::new();
        normalize_into(text, &mut normalized);
        let mut found = Vec::new();
        for_each_term(&normalized, TermMode::Topics, &mut |t| {
            found.push((t.display(), t.kind))
        });
        found
    }

    #[test]
    fn japanese_terms_are_runs_of_one_script() {
        let terms = extract_terms("マイナンバーカードと健康保険証の紐付けに懸念があります。");
        assert_eq!(terms, vec!["マイナンバーカード", "健康保険証", "紐付け"]);
    }

    #[test]
    fn okurigana_is_kept_only_before_particles_or_punctuation() {
        assert_eq!(extract_terms("手続きが煩雑"), vec!["手続き", "煩雑"]);
        assert_eq!(
            extract_terms("口座引落しの手数料"),
            vec!["口座引落し", "手数料"]
        );
        // 「紐付けて」 is a verb form: the kana is not part of the noun.
        assert_eq!(extract_terms("紐付けて"), vec!["紐付"]);
    }

    #[test]
    fn stop_words_and_single_kanji_are_dropped() {
        assert!(extract_terms("必要な対応を検討することが重要だと思います。").is_empty());
        assert!(extract_terms("国が市に").is_empty());
        assert!(extract_terms("第3章第2節、資料12ページ").is_empty());
    }

    #[test]
    fn long_kanji_runs_yield_two_character_windows() {
        let terms = all_terms("健康保険証");
        assert_eq!(terms[0], ("健康保険証".to_owned(), TermKind::Kanji));
        let windows: Vec<&str> = terms
            .iter()
            .filter(|(_, k)| *k == TermKind::SubCompound)
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(windows, vec!["健康", "康保", "保険", "険証"]);
    }

    #[test]
    fn sentence_mode_keeps_stance_and_kana() {
        let mut found = Vec::new();
        for_each_term(
            "延期に賛成してください",
            TermMode::Sentences,
            &mut |t| found.push((t.text.to_owned(), t.kind)),
        );
        assert!(found.contains(&("賛成".to_owned(), TermKind::Kanji)));
        assert!(found.contains(&("してください".to_owned(), TermKind::Kana)));
        assert_eq!(extract_terms("延期に賛成してください"), vec!["延期"]);
    }

    #[test]
    fn runs_longer_than_the_limit_give_only_windows() {
        let terms = all_terms("地方公共団体情報標準化");
        assert!(terms.iter().all(|(_, k)| *k == TermKind::SubCompound));
    }

    #[test]
    fn english_words_lose_stop_words_and_plurals() {
        let terms = extract_terms(
            "I don't think the new cards and policies are safe for elderly users in classes.",
        );
        assert_eq!(
            terms,
            vec!["new", "card", "safe", "elderly", "user", "class"]
        );
    }

    #[test]
    fn mixed_scripts_split_at_class_changes() {
        assert_eq!(
            extract_terms("API連携とGIGAスクール構想"),
            vec!["api", "連携", "giga", "スクール", "構想"]
        );
    }

    #[test]
    fn full_and_half_width_forms_are_the_same_term() {
        assert_eq!(extract_terms("ＡＰＩ"), extract_terms("API"));
        assert_eq!(extract_terms("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ"), vec!["マイナンバーカード"]);
        assert_eq!(extract_terms("５Ｇ"), vec!["5g"]);
    }

    #[test]
    fn numbers_and_empty_texts_give_no_terms() {
        assert!(extract_terms("").is_empty());
        assert!(extract_terms("123 4.5 。、！").is_empty());
        assert!(extract_terms("ーーー").is_empty());
    }
}
