//! Search text as data. How a query splits into terms, and where those terms occur in a text,
//! as plain segments (`hit` or not) that templates escape and wrap in `<mark>` themselves;
//! matching ignores case and Unicode width (NFKC), so `ＤＸ` finds `dx` and `ﾃﾞｼﾞﾀﾙ` finds
//! `デジタル`. And what "similar ideas" compare: features that work for Japanese, which has
//! no spaces, and for English.

use std::collections::HashSet;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// How many characters a snippet shows around the first hit.
pub const SNIPPET_CHARS: usize = 120;
/// A query's terms beyond this many are ignored (each term only narrows the results).
pub const MAX_TERMS: usize = 20;
/// Characters a snippet keeps before its first hit, when the text is long enough.
const LEAD_CHARS: usize = 30;

/// A piece of text, marked when it is part of a match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

impl Segment {
    fn new(text: impl Into<String>, hit: bool) -> Self {
        Self {
            text: text.into(),
            hit,
        }
    }
}

/// The plain text of segments (for API clients that do not highlight).
pub fn plain(segments: &[Segment]) -> String {
    segments.iter().map(|s| s.text.as_str()).collect()
}

fn fold(text: &str) -> Vec<char> {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// The terms of a query: separated by any Unicode space (including the ideographic space)
/// or control character (which no text contains, and which neither FTS5 nor PostgreSQL
/// accept: a NUL ends an FTS5 query early), each matched literally (quotes, `%`, `_`, `*`
/// and operators are just characters). Duplicates, and terms contained in another term,
/// are dropped: every term must match.
pub fn terms(query: &str) -> Vec<String> {
    let raw: Vec<&str> = query
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|t| !t.is_empty())
        .collect();
    let folded: Vec<String> = raw.iter().map(|t| fold(t).into_iter().collect()).collect();
    let mut out: Vec<String> = Vec::new();
    let mut kept: Vec<&str> = Vec::new();
    for (i, term) in raw.iter().enumerate() {
        let f = folded[i].as_str();
        if f.is_empty() || kept.contains(&f) {
            continue;
        }
        // Redundant when a longer (or equal, earlier) term contains it.
        let covered = folded.iter().enumerate().any(|(j, other)| {
            j != i
                && other.contains(f)
                && (other.chars().count() > f.chars().count() || (other == f && j < i))
        });
        if covered {
            continue;
        }
        kept.push(f);
        out.push((*term).to_owned());
        if out.len() == MAX_TERMS {
            break;
        }
    }
    out
}

/// Folded characters, each with the range of original characters it came from. A character
/// and the combining marks after it are folded together, so that `ﾊﾟ` becomes `パ`.
struct Folded {
    chars: Vec<char>,
    origin: Vec<(usize, usize)>,
}

fn fold_with_origin(original: &[char]) -> Folded {
    let mut chars = Vec::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len());
    let mut start = 0;
    while start < original.len() {
        let mut end = start + 1;
        while end < original.len() && starts_with_non_starter(original[end]) {
            end += 1;
        }
        let group: String = original[start..end].iter().collect();
        for c in fold(&group) {
            chars.push(c);
            origin.push((start, end));
        }
        start = end;
    }
    Folded { chars, origin }
}

fn starts_with_non_starter(c: char) -> bool {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf)
        .nfkd()
        .next()
        .is_some_and(|first| canonical_combining_class(first) != 0)
}

/// Ranges of original characters (start, end) where any term occurs, sorted and merged.
fn hit_ranges(original: &[char], terms: &[String]) -> Vec<(usize, usize)> {
    let folded = fold_with_origin(original);
    let mut ranges = Vec::new();
    for term in terms {
        let needle = fold(term);
        if needle.is_empty() || needle.len() > folded.chars.len() {
            continue;
        }
        let mut i = 0;
        while i + needle.len() <= folded.chars.len() {
            if folded.chars[i..i + needle.len()] == needle[..] {
                ranges.push((folded.origin[i].0, folded.origin[i + needle.len() - 1].1));
                i += needle.len();
            } else {
                i += 1;
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn segments(original: &[char], hits: &[(usize, usize)], from: usize, to: usize) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = from;
    for &(s, e) in hits {
        let (s, e) = (s.max(from), e.min(to));
        if s >= e {
            continue;
        }
        if s > at {
            out.push(Segment::new(
                original[at..s].iter().collect::<String>(),
                false,
            ));
        }
        out.push(Segment::new(
            original[s..e].iter().collect::<String>(),
            true,
        ));
        at = e;
    }
    if at < to {
        out.push(Segment::new(
            original[at..to].iter().collect::<String>(),
            false,
        ));
    }
    out
}

/// The whole text with every occurrence of the terms marked (for titles).
pub fn highlight(text: &str, terms: &[String]) -> Vec<Segment> {
    let original: Vec<char> = text.chars().collect();
    let hits = hit_ranges(&original, terms);
    segments(&original, &hits, 0, original.len())
}

/// Whether any term occurs in the text (by the same rules as the highlighting).
pub fn contains_any(text: &str, terms: &[String]) -> bool {
    let original: Vec<char> = text.chars().collect();
    !hit_ranges(&original, terms).is_empty()
}

/// About `width` characters of the text around the first occurrence of a term, with every
/// occurrence marked and `…` where the text was cut. Without any occurrence, the start of
/// the text.
pub fn snippet(text: &str, terms: &[String], width: usize) -> Vec<Segment> {
    let original: Vec<char> = text.chars().collect();
    let len = original.len();
    let hits = hit_ranges(&original, terms);
    let width = width.max(1);
    let (from, to) = match hits.first() {
        _ if len <= width => (0, len),
        None => (0, width),
        Some(&(first, _)) => {
            let from = first.saturating_sub(LEAD_CHARS.min(width / 2));
            let to = (from + width).min(len);
            (to.saturating_sub(width), to)
        }
    };
    let mut out = Vec::new();
    if from > 0 {
        out.push(Segment::new("…", false));
    }
    out.extend(segments(&original, &hits, from, to));
    if to < len {
        out.push(Segment::new("…", false));
    }
    // Neighbouring plain pieces read better as one.
    let mut merged: Vec<Segment> = Vec::with_capacity(out.len());
    for seg in out {
        match merged.last_mut() {
            Some(last) if !last.hit && !seg.hit => last.text.push_str(&seg.text),
            _ => merged.push(seg),
        }
    }
    merged
}

// ---------------------------------------------------------------------------------------
// Similar ideas: what two texts share, for Japanese (no spaces) and English alike.

/// Words too common in requests to say what an idea is about.
const STOPWORDS: &[&str] = &[
    "a", "about", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because", "been",
    "but", "by", "can", "could", "do", "does", "for", "from", "get", "has", "have", "how", "i",
    "if", "in", "into", "is", "it", "its", "let", "make", "made", "many", "may", "more", "most",
    "much", "must", "my", "need", "no", "not", "of", "on", "or", "our", "please", "should", "so",
    "some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "to", "too", "us", "very", "was", "we", "were", "what", "when", "which", "who", "why",
    "will", "with", "would", "you", "your",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Kanji and katakana: the characters that carry meaning in Japanese.
    Content,
    /// Hiragana: mostly particles and endings.
    Kana,
    /// Letters and digits of alphabetic scripts.
    Word,
    Other,
}

fn script(c: char) -> Script {
    match c {
        '\u{3005}'
        | '\u{3007}'
        | '\u{30A0}'..='\u{30FF}'
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}' => Script::Content,
        '\u{3040}'..='\u{309F}' => Script::Kana,
        c if c.is_alphanumeric() => Script::Word,
        _ => Script::Other,
    }
}

/// The text split into runs of one kind: Japanese (kanji, katakana and hiragana together),
/// words of alphabetic scripts, and everything else (dropped).
fn runs(chars: &[char]) -> Vec<(Script, &[char])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let kind = match script(chars[i]) {
            Script::Kana => Script::Content,
            other => other,
        };
        let same = |c: char| match script(c) {
            Script::Kana => kind == Script::Content,
            other => other == kind,
        };
        let mut j = i + 1;
        while j < chars.len() && same(chars[j]) {
            j += 1;
        }
        if kind != Script::Other {
            out.push((kind, &chars[i..j]));
        }
        i = j;
    }
    out
}

fn holds_content(chars: &[char]) -> bool {
    chars.iter().any(|&c| script(c) == Script::Content)
}

fn is_stopword(word: &[char]) -> bool {
    let word: String = word.iter().collect();
    STOPWORDS.contains(&word.as_str())
}

/// What a text is about, as a set of short features: in Japanese, character pairs that
/// hold a kanji or katakana (so shared endings like 「してほしい」 do not count); in English
/// and other spaced scripts, the letter triples inside each word that is not a stopword
/// (so "simpler" and "simplify" share some). Case and width are ignored.
pub fn features(text: &str) -> HashSet<String> {
    let chars = fold(text);
    let mut out = HashSet::new();
    for (kind, run) in runs(&chars) {
        match kind {
            Script::Content => {
                if run.len() == 1 && holds_content(run) {
                    out.insert(run[0].to_string());
                }
                for pair in run.windows(2).filter(|p| holds_content(p)) {
                    out.insert(pair.iter().collect());
                }
            }
            _ if is_stopword(run) => {}
            _ if run.len() <= 3 => {
                out.insert(run.iter().collect());
            }
            _ => {
                for triple in run.windows(3) {
                    out.insert(triple.iter().collect());
                }
            }
        }
    }
    out
}

/// Three-character pieces of a text that say what it is about, to ask a trigram index for
/// candidates: Japanese triples holding a kanji or katakana, triples inside words that are
/// not stopwords. At most `max`, spread evenly over the text.
pub fn index_grams(text: &str, max: usize) -> Vec<String> {
    let chars = fold(text);
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    for (kind, run) in runs(&chars) {
        if kind == Script::Word && is_stopword(run) {
            continue;
        }
        for triple in run
            .windows(3)
            .filter(|t| kind == Script::Word || holds_content(t))
        {
            let gram: String = triple.iter().collect();
            if seen.insert(gram.clone()) {
                all.push(gram);
            }
        }
    }
    if all.len() <= max {
        return all;
    }
    (0..max).map(|k| all[k * all.len() / max].clone()).collect()
}

/// How alike two feature sets are, 0 to 1: half the share of the smaller set found in the
/// larger (a short title inside a long draft counts), half the Dice coefficient (so that
/// size differences still cost something). Fewer than two shared features is no likeness.
pub fn likeness(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let common = a.intersection(b).count();
    if common < 2 {
        return 0.0;
    }
    let common = common as f64;
    let overlap = common / a.len().min(b.len()) as f64;
    let dice = 2.0 * common / (a.len() + b.len()) as f64;
    0.5 * overlap + 0.5 * dice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    fn marked(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| {
                if s.hit {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn terms_split_on_any_space_and_drop_redundant_ones() {
        assert_eq!(terms("  行政　デジタル  "), t(&["行政", "デジタル"]));
        assert_eq!(terms("行政 行政手続"), t(&["行政手続"]));
        assert_eq!(terms("Digital digital DIGITAL"), t(&["Digital"]));
        assert_eq!(
            terms("a_b _ 100% \"quoted\" *"),
            t(&["a_b", "100%", "\"quoted\"", "*"])
        );
        assert_eq!(terms("x\u{0}NEAR\u{1b}b"), t(&["x", "NEAR", "b"]));
        assert_eq!(terms(""), Vec::<String>::new());
        assert_eq!(terms("   "), Vec::<String>::new());
        let many: String = (0..50).map(|i| format!("w{i:02} ")).collect();
        assert_eq!(terms(&many).len(), MAX_TERMS);
    }

    #[test]
    fn japanese_hits_are_marked() {
        let s = highlight("行政のデジタル化を進める", &t(&["デジタル"]));
        assert_eq!(marked(&s), "行政の[デジタル]化を進める");
        assert_eq!(plain(&s), "行政のデジタル化を進める");
    }

    #[test]
    fn case_and_width_do_not_matter() {
        assert_eq!(
            marked(&highlight("Digital Services", &t(&["digital"]))),
            "[Digital] Services"
        );
        assert_eq!(
            marked(&highlight("ＤＸの推進", &t(&["dx"]))),
            "[ＤＸ]の推進"
        );
        assert_eq!(marked(&highlight("ﾃﾞｼﾞﾀﾙ化", &t(&["デジタル"]))), "[ﾃﾞｼﾞﾀﾙ]化");
        assert_eq!(
            marked(&highlight("パスポート", &t(&["ﾊﾟｽ"]))),
            "[パス]ポート"
        );
    }

    #[test]
    fn several_terms_and_overlaps_merge() {
        let s = highlight("abcabc xyz", &t(&["bca", "abc", "xyz"]));
        assert_eq!(marked(&s), "[abcabc] [xyz]");
    }

    #[test]
    fn special_characters_are_just_characters() {
        assert_eq!(
            marked(&highlight("rate 100% and 1000", &t(&["100%"]))),
            "rate [100%] and 1000"
        );
        assert_eq!(marked(&highlight("a_b ab", &t(&["a_b"]))), "[a_b] ab");
        assert_eq!(
            marked(&highlight(r#"say "hi" <b>"#, &t(&["\"hi\"", "<b>"]))),
            r#"say ["hi"] [<b>]"#
        );
    }

    #[test]
    fn snippets_keep_a_window_around_the_first_hit() {
        let text = format!("{}デジタル{}", "あ".repeat(300), "い".repeat(300));
        let s = snippet(&text, &t(&["デジタル"]), SNIPPET_CHARS);
        let p = plain(&s);
        assert!(p.starts_with('…') && p.ends_with('…'), "{p}");
        assert_eq!(p.chars().count(), SNIPPET_CHARS + 2);
        assert_eq!(s.iter().filter(|x| x.hit).count(), 1);
        assert_eq!(s[1].text, "デジタル");
        assert_eq!(s[0].text.chars().count(), 1 + LEAD_CHARS);
    }

    #[test]
    fn snippets_near_the_ends_do_not_waste_room() {
        let text = format!("デジタル{}", "い".repeat(300));
        let p = plain(&snippet(&text, &t(&["デジタル"]), 50));
        assert!(p.starts_with("デジタル") && p.ends_with('…'));
        let text = format!("{}デジタル", "い".repeat(300));
        let s = snippet(&text, &t(&["デジタル"]), 50);
        assert!(plain(&s).starts_with('…') && s.last().is_some_and(|x| x.hit));
        assert_eq!(plain(&s).chars().count(), 51);
    }

    #[test]
    fn without_a_hit_the_start_is_shown() {
        let short = snippet("短い文", &t(&["長い"]), SNIPPET_CHARS);
        assert_eq!(short, vec![Segment::new("短い文", false)]);
        let long = plain(&snippet(&"x".repeat(500), &t(&["y"]), 10));
        assert_eq!(long, format!("{}…", "x".repeat(10)));
        assert!(!contains_any("短い文", &t(&["長い"])));
        assert!(contains_any("短い文", &t(&["い文"])));
    }

    #[test]
    fn empty_inputs_are_harmless() {
        assert!(snippet("", &t(&["a"]), 10).is_empty());
        assert_eq!(marked(&highlight("abc", &[])), "abc");
        assert_eq!(marked(&highlight("abc", &t(&[""]))), "abc");
    }

    #[test]
    fn likeness_finds_japanese_without_spaces_and_ignores_shared_endings() {
        let draft = features("行政手続のデジタル化を進めてほしい");
        assert!(likeness(&draft, &features("行政のデジタル化を進める")) > 0.6);
        for unrelated in [
            "子育て支援の窓口を増やしてほしい",
            "公園の遊具を新しくしてほしい",
            "マイナンバーカードの手続を簡単にしてほしい",
        ] {
            assert!(likeness(&draft, &features(unrelated)) < 0.1, "{unrelated}");
        }
        assert!(features("してほしい").is_empty());
    }

    #[test]
    fn likeness_in_english_skips_stopwords_and_shares_word_parts() {
        let draft = features("Please make government services digital");
        assert!(
            likeness(
                &draft,
                &features("Make all government services digital by default")
            ) > 0.8
        );
        for unrelated in [
            "More parking spaces near the station",
            "Plant more trees in the central park",
            "Open data for public transport",
        ] {
            assert!(likeness(&draft, &features(unrelated)) < 0.1, "{unrelated}");
        }
        let tax = features("Online tax returns should be simpler");
        assert!(likeness(&tax, &features("Simplify filing TAX returns online")) > 0.6);
        assert!(features("the and of to").is_empty());
    }

    #[test]
    fn a_long_draft_still_finds_a_short_title() {
        let draft = features(
            "行政手続のデジタル化を進めてほしい。転居や子どもの出生のたびに役所の窓口に何度も行くのは大変です。\
             オンラインで一度だけ届け出れば済むようにしてください。",
        );
        assert!(likeness(&draft, &features("行政のデジタル化を進める")) > 0.5);
        assert!(likeness(&draft, &features("公園の遊具を新しくしてほしい")) < 0.1);
    }

    #[test]
    fn odd_text_has_no_features_and_no_likeness() {
        for odd in ["", "   ", "%%%", "\"\"\"", "* - AND OR NEAR(", "'\\_"] {
            let f = features(odd);
            assert!(f.len() <= 3, "{odd}: {f:?}");
            assert_eq!(likeness(&f, &features("行政のデジタル化を進める")), 0.0);
        }
        assert_eq!(
            likeness(&features("同じ"), &features("同じ")),
            0.0,
            "a single shared feature is chance"
        );
    }

    #[test]
    fn index_grams_are_literal_pieces_worth_asking_for() {
        assert_eq!(
            index_grams("行政のデジタル化をしてほしい", 100),
            [
                "行政の",
                "政のデ",
                "のデジ",
                "デジタ",
                "ジタル",
                "タル化",
                "ル化を",
                "化をし"
            ]
        );
        assert_eq!(
            index_grams("Make the SERVICES digital", 100),
            [
                "ser", "erv", "rvi", "vic", "ice", "ces", "dig", "igi", "git", "ita", "tal"
            ]
        );
        let many = index_grams("あいう漢字えお", 2);
        assert_eq!(many.len(), 2);
        assert!(index_grams("%_* \"' AND OR", 10).is_empty());
        let long: String = (0..200).map(|i| format!("word{i} ")).collect();
        let grams = index_grams(&long, 24);
        assert_eq!(grams.len(), 24);
        assert!(
            grams.last().is_some_and(|g| g != "wor"),
            "spread over the text: {grams:?}"
        );
    }
}
