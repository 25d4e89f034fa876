//! Suggesting which section of the draft an opinion is about.
//!
//! An explicit reference (「第3章」「第2章第1節」「3.2」「2.1について」「p.12」「12ページ」) wins;
//! without one, the sections whose text is most similar (TF-IDF cosine) are suggested.
//! The drafter confirms; nothing here is final.

use serde::{Deserialize, Serialize};

use super::terms::{TermMode, normalize_into};
use super::vectors::{Corpus, Pruning, sparse_dot};

/// Score of a reference naming the section exactly.
pub const EXPLICIT_SCORE: f32 = 1.0;
/// Score of a page reference: pages are coarser than numbers (a page can hold two sections).
const PAGE_SCORE: f32 = 0.95;
/// Score of the nearest enclosing section of a deeper reference (「2.1.3」 when the draft stops at 2.1).
const ENCLOSING_SCORE: f32 = 0.9;
/// Score of each candidate of an incomplete reference (「第3節」 with no chapter, a chapter split into sections).
const AMBIGUOUS_SCORE: f32 = 0.8;
/// Below this cosine a section's text has too little in common with the opinion to be suggested.
pub const SIMILAR_MIN_SCORE: f32 = 0.1;
/// Most suggestions returned.
pub const MAX_SUGGESTIONS: usize = 3;
/// Titles count this many times against the body: they name what the section is about.
const TITLE_REPEAT: usize = 2;

/// A section of the draft plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionRef {
    /// The app's key of the section.
    pub key: String,
    /// Its number as printed: "3", "2.1", or 「第3章」.
    pub number: String,
    /// Its title.
    pub title: String,
    /// Its text.
    pub body: String,
    /// First and last page of the section in the published draft, when known.
    pub pages: Option<(u32, u32)>,
}

/// Why a section is suggested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// The opinion names the section (by number or page).
    Explicit,
    /// The opinion's words resemble the section's.
    Similar,
}

/// One suggested section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionSuggestion {
    /// The section's key.
    pub key: String,
    /// Confidence in [0, 1]: fixed levels for explicit references, cosine for similarity.
    pub score: f32,
    /// Why.
    pub reason: Reason,
}

/// A reference found in an opinion.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Reference {
    /// Chapter, section, subsection numbers.
    Number(Vec<u32>),
    /// 「第N節」 without its chapter.
    SectionOnly(u32),
    /// A page number.
    Page(u32),
}

/// The sections of a draft, prepared for repeated suggestions.
#[derive(Clone, Debug)]
pub struct SectionIndex {
    sections: Vec<SectionRef>,
    numbers: Vec<Vec<u32>>,
    corpus: Corpus,
}

impl SectionIndex {
    /// Prepares `sections` (numbers parsed, texts vectorised).
    pub fn new(sections: &[SectionRef]) -> Self {
        let texts: Vec<String> = sections
            .iter()
            .map(|s| {
                let mut text = String::new();
                for _ in 0..TITLE_REPEAT {
                    text.push_str(&s.title);
                    text.push('\n');
                }
                text.push_str(&s.body);
                text
            })
            .collect();
        // A build whose callback never cancels always finishes.
        let corpus = Corpus::build(
            texts.iter().map(String::as_str),
            TermMode::Topics,
            Pruning::Keep,
            &mut |_| true,
        )
        .unwrap_or_default();
        Self {
            numbers: sections.iter().map(|s| section_number(&s.number)).collect(),
            sections: sections.to_vec(),
            corpus,
        }
    }

    /// Suggestions for `text`, best first: explicit references if any, else similar sections.
    pub fn suggest(&self, text: &str) -> Vec<SectionSuggestion> {
        let mut normalized = String::new();
        normalize_into(text, &mut normalized);
        let mut found: Vec<SectionSuggestion> = Vec::new();
        for reference in find_references(&normalized) {
            for (section, score) in self.resolve(&reference) {
                let key = &self.sections[section].key;
                match found.iter_mut().find(|s| &s.key == key) {
                    Some(existing) => existing.score = existing.score.max(score),
                    None => found.push(SectionSuggestion {
                        key: key.clone(),
                        score,
                        reason: Reason::Explicit,
                    }),
                }
            }
        }
        if found.is_empty() {
            let query = self.corpus.vectorize(text);
            for (section, key) in self.sections.iter().map(|s| &s.key).enumerate() {
                let score = sparse_dot((&query.0, &query.1), self.corpus.rows.row(section));
                if score >= SIMILAR_MIN_SCORE {
                    found.push(SectionSuggestion {
                        key: key.clone(),
                        score,
                        reason: Reason::Similar,
                    });
                }
            }
        }
        // Stable sort: among equal scores the first mentioned (or first in the draft) stays first.
        found.sort_by(|a, b| b.score.total_cmp(&a.score));
        found.truncate(MAX_SUGGESTIONS);
        found
    }

    /// Sections a reference points to, with scores.
    fn resolve(&self, reference: &Reference) -> Vec<(usize, f32)> {
        match reference {
            Reference::Number(wanted) => {
                if let Some(exact) = self.numbers.iter().position(|n| n == wanted) {
                    return vec![(exact, EXPLICIT_SCORE)];
                }
                for depth in (1..wanted.len()).rev() {
                    if let Some(enclosing) =
                        self.numbers.iter().position(|n| n[..] == wanted[..depth])
                    {
                        return vec![(enclosing, ENCLOSING_SCORE)];
                    }
                }
                self.candidates(|n| n.len() > wanted.len() && n.starts_with(wanted))
            }
            Reference::SectionOnly(section) => {
                let candidates = self.candidates(|n| n.len() >= 2 && n.last() == Some(section));
                if candidates.len() == 1 {
                    return vec![(candidates[0].0, ENCLOSING_SCORE)];
                }
                candidates
            }
            Reference::Page(page) => {
                let containing = |s: &SectionRef| {
                    s.pages
                        .filter(|&(first, last)| first <= *page && *page <= last)
                };
                let narrowest = self
                    .sections
                    .iter()
                    .filter_map(containing)
                    .map(|(f, l)| l - f)
                    .min();
                self.sections
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| {
                        containing(s).map(|(f, l)| l - f) == narrowest && narrowest.is_some()
                    })
                    .map(|(i, _)| (i, PAGE_SCORE))
                    .collect()
            }
        }
    }

    fn candidates(&self, matches: impl Fn(&[u32]) -> bool) -> Vec<(usize, f32)> {
        self.numbers
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty() && matches(n))
            .map(|(i, _)| (i, AMBIGUOUS_SCORE))
            .collect()
    }
}

/// Suggestions for one opinion (builds a [`SectionIndex`]; reuse one for many opinions).
pub fn suggest_section(text: &str, sections: &[SectionRef]) -> Vec<SectionSuggestion> {
    SectionIndex::new(sections).suggest(text)
}

/// The components of a printed section number: "2.1" → [2, 1], 「第3章」 → [3], 「第三章」 → [3].
fn section_number(printed: &str) -> Vec<u32> {
    let mut normalized = String::new();
    normalize_into(printed, &mut normalized);
    let chars: Vec<char> = normalized.chars().collect();
    let mut components = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some((value, next)) = number_at(&chars, i) {
            components.push(value);
            i = next;
        } else {
            i += 1;
        }
    }
    components
}

const KANJI_DIGITS: &[char] = &['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// An arabic or kanji number (up to 99 for kanji) starting at `i`: its value and the index after it.
fn number_at(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let mut j = i;
    let mut value: u32 = 0;
    while j < chars.len() && chars[j].is_ascii_digit() {
        value = value
            .saturating_mul(10)
            .saturating_add(chars[j].to_digit(10).unwrap_or(0));
        j += 1;
    }
    if j > i {
        return Some((value, j));
    }
    let digit = |c: char| KANJI_DIGITS.iter().position(|&k| k == c).map(|d| d as u32);
    let (mut tens, mut ones, mut seen) = (0u32, 0u32, false);
    while j < chars.len() {
        if chars[j] == '十' {
            tens = if seen { ones.max(1) } else { 1 };
            ones = 0;
        } else if let Some(d) = digit(chars[j]) {
            ones = d;
        } else {
            break;
        }
        seen = true;
        j += 1;
    }
    seen.then_some((tens * 10 + ones, j))
}

/// Characters after a dotted number that make it a quantity, not a section (「1.5倍」「2.1%」).
const QUANTITY_UNITS: &[char] = &[
    '倍', '%', '万', '億', '兆', '円', '年', '月', '日', '時', '分', '秒', '人', '件', '個', '回',
    '歳', '割', '点', 'k', 'm', 'g',
];

/// Explicit references in a normalised (NFKC, lower-case) text, in order of appearance.
fn find_references(text: &str) -> Vec<Reference> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let before = if i > 0 { chars[i - 1] } else { ' ' };
        let word_start = !before.is_ascii_alphanumeric();
        let parsed = if c == '第' {
            numbered_part(&chars, i)
        } else if c.is_ascii_digit() && word_start && before != '.' {
            bare_number(&chars, i)
        } else if c.is_ascii_alphabetic() && word_start {
            let page = (c == 'p').then(|| page_after_p(&chars, i)).flatten();
            page.map(|(p, next)| (Reference::Page(p), next))
                .or_else(|| english_reference(&chars, i))
        } else {
            None
        };
        match parsed {
            Some((reference, next)) => {
                found.push(reference);
                i = next;
            }
            None => i += 1,
        }
    }
    found
}

/// 「第N章」, optionally followed by 「第M節」 and 「第L項」, or a lone 「第M節」, starting at `i`.
fn numbered_part(chars: &[char], i: usize) -> Option<(Reference, usize)> {
    let (first, after) = number_at(chars, i + 1)?;
    match chars.get(after) {
        Some('章' | '部' | '編') => {
            let mut components = vec![first];
            let mut next = after + 1;
            for unit in ['節', '項'] {
                let mut j = next;
                while matches!(chars.get(j), Some(' ' | 'の' | '、')) {
                    j += 1;
                }
                let Some('第') = chars.get(j) else { break };
                let Some((value, end)) = number_at(chars, j + 1) else {
                    break;
                };
                if chars.get(end) != Some(&unit) {
                    break;
                }
                components.push(value);
                next = end + 1;
            }
            Some((Reference::Number(components), next))
        }
        Some('節') => Some((Reference::SectionOnly(first), after + 1)),
        _ => None,
    }
}

/// 「p.12」「p12」「pp. 12-13」 starting at the `p` at `i` (the first page counts).
fn page_after_p(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let mut j = i + 1;
    if chars.get(j) == Some(&'p') {
        j += 1;
    }
    if chars.get(j) == Some(&'.') {
        j += 1;
    }
    while chars.get(j) == Some(&' ') {
        j += 1;
    }
    if !chars.get(j).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let (page, next) = number_at(chars, j)?;
    if chars
        .get(next)
        .is_some_and(|c| c.is_alphabetic() && c.is_ascii())
    {
        return None; // "p2p", "p5js": not a page.
    }
    Some((page, next))
}

/// A dotted number 「2.1」, 「3章」, or a page 「12ページ」「12頁」 starting at `i`.
fn bare_number(chars: &[char], i: usize) -> Option<(Reference, usize)> {
    let mut components = Vec::new();
    let mut j = i;
    loop {
        let (value, next) = number_at(chars, j)?;
        components.push(value);
        j = next;
        if chars.get(j) == Some(&'.') && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
            j += 1;
        } else {
            break;
        }
    }
    let after = chars.get(j).copied();
    if components.len() == 1 {
        let page_word: [char; 3] = ['ペ', 'ー', 'ジ'];
        if after == Some('章') {
            return Some((Reference::Number(components), j + 1));
        }
        if after == Some('頁') {
            return Some((Reference::Page(components[0]), j + 1));
        }
        if chars.get(j..j + 3) == Some(&page_word[..]) {
            return Some((Reference::Page(components[0]), j + 3));
        }
        return None;
    }
    if after.is_some_and(|c| {
        QUANTITY_UNITS.contains(&c) || c == '.' || c.is_alphanumeric() && c.is_ascii()
    }) {
        return None;
    }
    Some((Reference::Number(components), j))
}

/// "chapter 3", "section 2.1", "page 12" starting at `i`.
fn english_reference(chars: &[char], i: usize) -> Option<(Reference, usize)> {
    let word_end = (i..chars.len())
        .find(|&j| !chars[j].is_ascii_alphabetic())
        .unwrap_or(chars.len());
    let word: String = chars[i..word_end].iter().collect();
    let kind = match word.as_str() {
        "chapter" | "section" | "sec" => 0,
        "page" => 1,
        _ => return None,
    };
    let mut j = word_end;
    if chars.get(j) == Some(&'.') {
        j += 1;
    }
    while chars.get(j) == Some(&' ') {
        j += 1;
    }
    if !chars.get(j).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let mut components = Vec::new();
    loop {
        let (value, next) = number_at(chars, j)?;
        components.push(value);
        j = next;
        if chars.get(j) == Some(&'.') && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
            j += 1;
        } else {
            break;
        }
    }
    if kind == 1 {
        return Some((Reference::Page(components[0]), j));
    }
    Some((Reference::Number(components), j))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(
        key: &str,
        number: &str,
        title: &str,
        body: &str,
        pages: Option<(u32, u32)>,
    ) -> SectionRef {
        SectionRef {
            key: key.into(),
            number: number.into(),
            title: title.into(),
            body: body.into(),
            pages,
        }
    }

    fn draft() -> Vec<SectionRef> {
        vec![
            section("c1", "1", "総論", "本計画の目的と位置付け。", Some((1, 10))),
            section(
                "s21",
                "2.1",
                "マイナンバーカードと健康保険証",
                "健康保険証の利用登録と資格確認。",
                Some((11, 14)),
            ),
            section(
                "s22",
                "2.2",
                "行政手続のオンライン化",
                "電子申請と添付書類の削減。",
                Some((15, 18)),
            ),
            section(
                "c3",
                "第3章",
                "ガバメントクラウド",
                "クラウド移行と運用経費の削減。",
                Some((19, 25)),
            ),
            section(
                "s33",
                "3.3",
                "クラウドの安全性",
                "クラウド事業者の監査。",
                Some((24, 25)),
            ),
        ]
    }

    fn keys(suggestions: &[SectionSuggestion]) -> Vec<&str> {
        suggestions.iter().map(|s| s.key.as_str()).collect()
    }

    #[test]
    fn finds_explicit_references() {
        assert_eq!(
            find_references("第3章について"),
            vec![Reference::Number(vec![3])]
        );
        assert_eq!(
            find_references("第2章第1節の記述"),
            vec![Reference::Number(vec![2, 1])]
        );
        assert_eq!(
            find_references("第二章 第二節"),
            vec![Reference::Number(vec![2, 2])]
        );
        assert_eq!(find_references("第3節"), vec![Reference::SectionOnly(3)]);
        assert_eq!(
            find_references("2.1について"),
            vec![Reference::Number(vec![2, 1])]
        );
        assert_eq!(
            find_references("p.12とpp. 15-16"),
            vec![Reference::Page(12), Reference::Page(15)]
        );
        assert_eq!(find_references("12ページ目"), vec![Reference::Page(12)]);
        assert_eq!(
            find_references("see section 3.3 and page 20"),
            vec![Reference::Number(vec![3, 3]), Reference::Page(20)]
        );
        assert!(find_references("費用が1.5倍、2.1%増、ver2.1、http2、3人").is_empty());
    }

    #[test]
    fn explicit_references_win() {
        let index = SectionIndex::new(&draft());
        assert_eq!(
            keys(&index.suggest("第３章のクラウド移行に賛成")),
            vec!["c3"]
        );
        assert_eq!(
            keys(&index.suggest("２．２について意見します")),
            vec!["s22"]
        );
        assert_eq!(keys(&index.suggest("2.1.4の書きぶり")), vec!["s21"]);
        assert_eq!(index.suggest("2.1.4の書きぶり")[0].score, ENCLOSING_SCORE);
        assert_eq!(keys(&index.suggest("P.24の監査")), vec!["s33"]);
        assert_eq!(keys(&index.suggest("p.12")), vec!["s21"]);
        assert_eq!(index.suggest("第3章")[0].reason, Reason::Explicit);
        // Chapter 2 has no section of its own: both of its sections are candidates.
        assert_eq!(keys(&index.suggest("第2章全体")), vec!["s21", "s22"]);
        assert_eq!(keys(&index.suggest("第3節")), vec!["s33"]);
    }

    #[test]
    fn similarity_suggests_when_nothing_is_named() {
        let index = SectionIndex::new(&draft());
        let suggestions = index.suggest("健康保険証の資格確認が不安です");
        assert_eq!(suggestions.first().map(|s| s.key.as_str()), Some("s21"));
        assert_eq!(suggestions[0].reason, Reason::Similar);
        assert!(index.suggest("今日は晴れ").is_empty());
        assert!(suggest_section("", &draft()).is_empty());
        assert!(suggest_section("第3章", &[]).is_empty());
    }

    #[test]
    fn section_numbers_parse_in_any_print() {
        assert_eq!(section_number("2.1"), vec![2, 1]);
        assert_eq!(section_number("第3章"), vec![3]);
        assert_eq!(section_number("第十二章"), vec![12]);
        assert_eq!(section_number("二十三"), vec![23]);
        assert!(section_number("").is_empty());
    }
}
