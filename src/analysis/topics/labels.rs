//! Topic labels: the terms that most distinguish a topic's texts from the rest.

use super::vectors::Corpus;
#[cfg(test)]
use super::{terms::TermMode, vectors::Pruning};

/// A label term must be written as a word of its own in at least this many texts.
const LABEL_MIN_WHOLE_TEXTS: u32 = 2;
/// ... and in at least this share of the texts containing it, so that two-kanji windows cut from
/// longer compounds (「康保」 from 「健康保険証」) never show up as labels.
const LABEL_MIN_WHOLE_SHARE: f32 = 0.3;
/// A term must be in at least this many of a topic's texts to describe it (fewer for tinier topics).
const LABEL_MIN_TOPIC_TEXTS: u32 = 2;
/// Terms in the label itself; the rest of [`Topic::terms`](super::Topic::terms) stays for display and matching.
pub const LABEL_TERMS: usize = 3;
/// Separator between Japanese label terms.
pub const LABEL_SEPARATOR: &str = "・";

/// Up to `max_terms` distinctive whole-word term ids of the texts `members` (rows of `corpus`), best first.
///
/// A term scores p·ln(p/q), with p its share of the topic's texts and q its share of all texts
/// (`all_texts`): frequent inside, rare outside. Terms contained in a better one (or containing it)
/// are skipped so that a label does not say the same word twice.
pub fn distinctive_terms(
    corpus: &Corpus,
    members: &[usize],
    all_texts: usize,
    counts: &mut Vec<u32>,
    max_terms: usize,
) -> Vec<u32> {
    counts.clear();
    counts.resize(corpus.dimension(), 0);
    let mut touched: Vec<u32> = Vec::new();
    for &row in members {
        for &term in corpus.whole_terms.row(row).0 {
            if counts[term as usize] == 0 {
                touched.push(term);
            }
            counts[term as usize] += 1;
        }
    }
    let topic_texts = members.len().max(1) as f32;
    let min_in_topic = LABEL_MIN_TOPIC_TEXTS.min(members.len() as u32).max(1);
    let min_whole = if all_texts < 20 {
        1
    } else {
        LABEL_MIN_WHOLE_TEXTS
    };
    let mut scored: Vec<(f32, u32)> = touched
        .iter()
        .filter_map(|&term| {
            let t = term as usize;
            let whole = corpus.whole_frequency[t];
            let eligible = counts[t] >= min_in_topic
                && whole >= min_whole
                && whole as f32 >= LABEL_MIN_WHOLE_SHARE * corpus.document_frequency[t] as f32;
            if !eligible {
                return None;
            }
            let inside = counts[t] as f32 / topic_texts;
            let overall = whole as f32 / all_texts.max(1) as f32;
            // A topic that is the whole corpus still needs a label: fall back to plain frequency.
            let score = if inside > overall {
                inside * (inside / overall).ln()
            } else {
                inside * 1e-3
            };
            Some((score, term))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<u32> = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    for (_, term) in scored {
        if chosen.len() == max_terms {
            break;
        }
        let text = corpus.terms[term as usize].as_ref();
        if shown
            .iter()
            .any(|s| s.contains(text) || text.contains(s.as_str()))
        {
            continue;
        }
        shown.push(text.to_owned());
        chosen.push(term);
    }
    chosen
}

/// The label made of the first [`LABEL_TERMS`] terms: joined with 「・」, or with ", " when all are latin.
pub fn label_from_terms(terms: &[String]) -> String {
    let head = &terms[..terms.len().min(LABEL_TERMS)];
    if head.iter().all(|t| t.is_ascii()) {
        head.join(", ")
    } else {
        head.join(LABEL_SEPARATOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_join_japanese_with_a_middle_dot() {
        let terms: Vec<String> = ["マイナンバーカード", "保険証", "紐付け", "窓口"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            label_from_terms(&terms),
            "マイナンバーカード・保険証・紐付け"
        );
        let english: Vec<String> = ["card", "insurance"].map(String::from).to_vec();
        assert_eq!(label_from_terms(&english), "card, insurance");
        assert_eq!(label_from_terms(&[]), "");
    }

    #[test]
    fn distinctive_terms_prefer_words_of_the_topic() {
        let texts = [
            "健康保険証の廃止に反対",
            "健康保険証とマイナンバーカード",
            "マイナンバーカードの健康保険証",
            "クラウド移行の費用",
            "クラウド移行の期限",
            "クラウドの費用",
        ];
        let corpus = Corpus::build(
            texts.iter().copied(),
            TermMode::Topics,
            Pruning::RareAndCommon,
            &mut |_| true,
        )
        .unwrap_or_else(|| panic!("built"));
        let mut counts = Vec::new();
        let terms = distinctive_terms(&corpus, &[0, 1, 2], texts.len(), &mut counts, 5);
        let shown: Vec<String> = terms.iter().map(|&t| corpus.display(t)).collect();
        assert_eq!(shown.first().map(String::as_str), Some("健康保険証"));
        assert!(shown.contains(&"マイナンバーカード".to_owned()));
        assert!(!shown.iter().any(|s| s == "保険" || s == "康保"));
    }
}
