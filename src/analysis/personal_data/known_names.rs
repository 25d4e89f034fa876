//! The submitter's own names (from `Hints`) wherever they recur, in full or,
//! where a part plainly stands for the person, as surname or given name alone.

use super::finding::{Candidate, Kind};
use super::name_marks::{FAMILY_MARKS, HONORIFICS};
use super::recurrence::{NormalisedText, find_in_normalised};
use super::surnames::surname_prefix_len;
use super::text::{FoldedText, char_at, char_before, fold_char, is_kanji, kana_script_of};

/// Confidence of the submitter's full name from `Hints`.
const KNOWN_FULL_NAME_CONFIDENCE: f32 = 0.98;

/// Confidence of the submitter's surname or given name alone.
const KNOWN_NAME_PART_CONFIDENCE: f32 = 0.8;

/// Shortest part of a known name searched on its own, in chars.
const MIN_KNOWN_NAME_PART_CHARS: usize = 2;

/// The submitter's known names: full forms anywhere, parts where they stand alone.
pub(super) fn detect_known_names(
    folded: &FoldedText,
    known_names: &[String],
    out: &mut Vec<Candidate>,
) {
    let text = folded.text.as_str();
    let normalised = NormalisedText::new(text);
    let char_starts: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let to_bytes = |(start, end): (usize, usize)| (char_starts[start], char_starts[end]);
    for name in known_names {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        for span in find_in_normalised(&normalised, name) {
            let (start, end) = to_bytes(span);
            out.push(Candidate::new(
                Kind::PersonName,
                start,
                end,
                KNOWN_FULL_NAME_CONFIDENCE,
            ));
        }
        for part in name_parts(name) {
            let single_kanji = part.chars().count() == 1 && part.chars().all(is_kanji);
            if part.chars().count() < MIN_KNOWN_NAME_PART_CHARS && !single_kanji {
                continue;
            }
            for span in find_in_normalised(&normalised, &part) {
                let (start, end) = to_bytes(span);
                // A one-kanji surname (森, 関) only counts where it is plainly used as a name.
                let plainly_a_name = !single_kanji || {
                    let after = &text[end..];
                    HONORIFICS
                        .iter()
                        .chain(FAMILY_MARKS)
                        .any(|mark| after.starts_with(mark))
                        || ["として", "より", "です", "の意見"]
                            .iter()
                            .any(|word| after.starts_with(word))
                };
                if plainly_a_name && stands_alone(text, &part, start, end) {
                    out.push(Candidate::new(
                        Kind::PersonName,
                        start,
                        end,
                        KNOWN_NAME_PART_CONFIDENCE,
                    ));
                }
            }
        }
    }
}

/// Surname and given name of a known name: split at spaces, or after a listed surname.
fn name_parts(name: &str) -> Vec<String> {
    let folded: String = name.chars().map(fold_char).collect();
    let parts: Vec<String> = folded
        .split([' ', '・'])
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if parts.len() > 1 {
        return parts;
    }
    if folded.chars().all(is_kanji)
        && let Some(surname_len) = surname_prefix_len(&folded)
        && surname_len < folded.len()
    {
        return vec![
            folded[..surname_len].to_owned(),
            folded[surname_len..].to_owned(),
        ];
    }
    Vec::new()
}

/// Kanji that may follow a name part without making it a longer word (山田家, 山田様).
const NAME_PART_FOLLOWERS: &[char] = &['家', '様', '氏', '君', '殿', '宅', '宛', '夫', '妻'];

/// True when a name part is not glued to more of its script: 山田 in 山田町 is a
/// place, チャン in 健一ちゃん is an honorific.
fn stands_alone(text: &str, part: &str, start: usize, end: usize) -> bool {
    let (Some(first), Some(last)) = (char_at(text, start), char_before(text, end)) else {
        return false;
    };
    let (before, after) = (char_before(text, start), char_at(text, end));
    if is_kanji(first) || is_kanji(last) {
        let glued_before = is_kanji(first) && before.is_some_and(is_kanji);
        let glued_after = is_kanji(last)
            && after.is_some_and(|c| is_kanji(c) && !NAME_PART_FOLLOWERS.contains(&c));
        return !glued_before && !glued_after;
    }
    let Some(same_script) = kana_script_of(first) else {
        return true;
    };
    // Kana parts must keep their script (ヤマダ, not やまだ inside other words).
    let part_first = part.chars().next().map(fold_char);
    let keeps_script = part_first.is_some_and(same_script);
    let glued_before = before.is_some_and(|c| is_kanji(c) || same_script(c));
    let glued_after = after.is_some_and(same_script)
        && !HONORIFICS
            .iter()
            .any(|honorific| text[end..].starts_with(honorific));
    keeps_script && !glued_before && !glued_after
}
