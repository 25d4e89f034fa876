//! Choosing a campaign's template: which distinct text leads a campaign and
//! which submission shows it.

use std::cmp::Reverse;

use super::normalise::TextKey;

/// Sort key deciding which distinct text is the better template (smaller
/// is better): the one sent most often (organisers' letters are sent
/// verbatim by most people), then the shortest comparison form (the bare
/// letter rather than a copy with additions), then the smaller key so the
/// choice never depends on arrival order.
pub fn template_priority(
    submissions: usize,
    normal_len: usize,
    key: TextKey,
) -> (Reverse<usize>, usize, TextKey) {
    (Reverse(submissions), normal_len, key)
}

/// Picks the submission that shows a template among submissions sharing one
/// comparison form: the most common original spelling, ties broken by the
/// smaller string and then the smaller id, so the result is the same in any
/// input order.
pub(super) fn representative<'a, Id: Ord + 'a>(
    submissions: impl IntoIterator<Item = (&'a Id, &'a str)>,
) -> Option<&'a Id> {
    let mut forms: Vec<(&str, &Id)> = submissions
        .into_iter()
        .map(|(id, text)| (text, id))
        .collect();
    forms.sort_unstable();
    forms
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| (run.len(), run))
        // Most common spelling; on a tie the first run (smaller string) wins
        // because `max_by_key` keeps the last maximum, hence the reversed index.
        .enumerate()
        .max_by_key(|(index, (len, _))| (*len, Reverse(*index)))
        .and_then(|(_, (_, run))| run.first().map(|(_, id)| *id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_common_spelling_wins_then_smallest() {
        let subs = [
            (5, "Ａ案に反対"),
            (2, "A案に反対"),
            (9, "A案に反対"),
            (1, "Ａ案に反対 "),
        ];
        assert_eq!(representative(subs.iter().map(|(i, t)| (i, *t))), Some(&2));
        let tie = [(4, "b"), (3, "a")];
        assert_eq!(representative(tie.iter().map(|(i, t)| (i, *t))), Some(&3));
        let none: [(u32, &str); 0] = [];
        assert_eq!(representative(none.iter().map(|(i, t)| (i, *t))), None);
    }

    #[test]
    fn frequent_then_short_texts_lead() {
        assert!(template_priority(10, 300, 9) < template_priority(2, 100, 1));
        assert!(template_priority(2, 100, 9) < template_priority(2, 120, 1));
        assert!(template_priority(2, 100, 1) < template_priority(2, 100, 9));
    }
}
