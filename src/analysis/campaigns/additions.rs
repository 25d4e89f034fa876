//! What a copy adds to its template, as char ranges of the copy's original
//! text, so the application can highlight a personal sentence inside a form
//! letter.
//!
//! Both texts are compared in comparison form, so width, case, spacing and
//! punctuation changes are never reported. The comparison forms are diffed
//! char by char (Myers); chars of the copy that are inserted or replaced are
//! additions. Short runs of matching chars between two additions (a stray
//! の or です that happens to match) are absorbed into one addition, and an
//! addition of a few words or more extends over the punctuation that ends it
//! (「私は二児の母です。」 rather than 「私は二児の母です」).

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};

use super::normalise::normalise_with_offsets;

/// A half-open range of char offsets (not bytes) in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First char of the range.
    pub start: usize,
    /// One past the last char of the range.
    pub end: usize,
}

/// Matching runs shorter than this, between two additions, are treated as
/// part of the addition: two chars match by chance in any Japanese text
/// (particles, verb endings), three rarely do inside a personal sentence.
const MIN_KEPT_MATCH_CHARS: usize = 3;

/// Additions at least this long (in comparison-form chars) take in the
/// punctuation that follows them; shorter ones are edits of a word or a char,
/// whose neighbouring punctuation belongs to the template.
const MIN_PHRASE_CHARS: usize = 4;

/// Time after which the diff settles for a coarser result; a copy of a
/// letter diffs in well under a millisecond, so this only bounds odd inputs.
const DIFF_TIME_LIMIT: Duration = Duration::from_millis(200);

/// Returns the ranges of `copy` (char offsets into the original, un-normalised
/// text) that the copy adds to or changes in `template`, in order and disjoint.
pub fn additions(template: &str, copy: &str) -> Vec<Span> {
    let template = normalise_with_offsets(template);
    let copy_normal = normalise_with_offsets(copy);
    let deadline = Instant::now() + DIFF_TIME_LIMIT;
    let ops = capture_diff_slices_deadline(
        Algorithm::Myers,
        &template.chars,
        &copy_normal.chars,
        Some(deadline),
    );

    // Which chars of the copy's comparison form are added.
    let mut added = vec![false; copy_normal.chars.len()];
    for op in ops {
        let range = match op {
            DiffOp::Insert {
                new_index, new_len, ..
            }
            | DiffOp::Replace {
                new_index, new_len, ..
            } => new_index..new_index + new_len,
            DiffOp::Equal { .. } | DiffOp::Delete { .. } => continue,
        };
        for flag in added.get_mut(range).unwrap_or(&mut []) {
            *flag = true;
        }
    }
    absorb_short_matches(&mut added);

    // Runs of added chars, mapped back to the original text.
    let text_len = copy.chars().count();
    let mut spans: Vec<Span> = Vec::new();
    let mut i = 0;
    while i < added.len() {
        if !added[i] {
            i += 1;
            continue;
        }
        let first = i;
        while i < added.len() && added[i] {
            i += 1;
        }
        let sources = &copy_normal.sources;
        let (Some(start), Some(last)) = (sources.get(first), sources.get(i - 1)) else {
            continue;
        };
        let mut end = last.end;
        if i - first >= MIN_PHRASE_CHARS {
            // Take in the punctuation up to the next kept char or whitespace.
            let next_kept = sources.get(i).map_or(text_len, |s| s.start);
            end = extend_over_punctuation(copy, end, next_kept);
        }
        spans.push(Span {
            start: start.start,
            end,
        });
    }
    spans
}

/// Marks short matching runs between two additions as added too.
fn absorb_short_matches(added: &mut [bool]) {
    let mut i = 0;
    let mut seen_addition = false;
    while i < added.len() {
        if added[i] {
            seen_addition = true;
            i += 1;
            continue;
        }
        let run_start = i;
        while i < added.len() && !added[i] {
            i += 1;
        }
        let between_additions = seen_addition && i < added.len();
        if between_additions && i - run_start < MIN_KEPT_MATCH_CHARS {
            for flag in &mut added[run_start..i] {
                *flag = true;
            }
        }
    }
}

/// Moves `end` forward over chars that vanish in comparison form, stopping
/// at whitespace or at `limit`.
fn extend_over_punctuation(text: &str, end: usize, limit: usize) -> usize {
    let trailing = text
        .chars()
        .skip(end)
        .take(limit.saturating_sub(end))
        .take_while(|c| !c.is_whitespace())
        .count();
    end + trailing
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER: &str = "マイナンバーカードと健康保険証の一体化について、システム障害が相次ぐ中での拙速な移行に反対します。\
        現行の保険証を当面存続させてください。";

    fn marked(copy: &str, spans: &[Span]) -> Vec<String> {
        spans
            .iter()
            .map(|s| copy.chars().skip(s.start).take(s.end - s.start).collect())
            .collect()
    }

    #[test]
    fn personal_sentences_before_inside_and_after_are_found() {
        let copy = format!(
            "私は二児の母です。{}私の母も八十代で困っています。{}よろしくお願いします。",
            "マイナンバーカードと健康保険証の一体化について、システム障害が相次ぐ中での拙速な移行に反対します。",
            "現行の保険証を当面存続させてください。"
        );
        let spans = additions(LETTER, &copy);
        assert_eq!(
            marked(&copy, &spans),
            vec![
                "私は二児の母です。",
                "私の母も八十代で困っています。",
                "よろしくお願いします。"
            ]
        );
    }

    #[test]
    fn width_and_punctuation_changes_are_not_additions() {
        let copy = LETTER
            .replace("マイナンバーカード", "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ")
            .replace('、', " ")
            .replace('。', "．\n");
        assert!(additions(LETTER, &copy).is_empty());
        assert!(additions(LETTER, LETTER).is_empty());
    }

    #[test]
    fn a_changed_word_is_a_small_span_in_original_offsets() {
        let copy = LETTER.replacen("拙速な", "性急な", 1);
        let spans = additions(LETTER, &copy);
        assert_eq!(marked(&copy, &spans), vec!["性急"]);
        // Offsets are chars of the original text, width forms included.
        let wide = format!("ﾃｽﾄ　{}", LETTER.replacen("拙速な", "性急な", 1));
        let spans = additions(LETTER, &wide);
        assert_eq!(marked(&wide, &spans), vec!["ﾃｽﾄ", "性急"]);
    }

    #[test]
    fn an_unrelated_text_is_all_addition() {
        let copy = "全く別の意見です。";
        let spans = additions(LETTER, copy);
        let total: usize = spans.iter().map(|s| s.end - s.start).sum();
        assert!(total >= 6, "{spans:?}");
        assert!(additions("", "").is_empty());
    }
}
