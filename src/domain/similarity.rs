//! Text similarity that works without word boundaries: character bigrams after Unicode
//! normalisation (NFKC, lower case), so 「行政のデジタル化」 and 「デジタル化された行政」 match
//! as well as "digital services" and "services, digital".

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

/// Lower-cased NFKC text without spaces and punctuation.
pub fn normalise(text: &str) -> Vec<char> {
    text.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The set of adjacent character pairs (a single character counts as its own gram).
pub fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars = normalise(text);
    if chars.len() == 1 {
        return HashSet::from([(chars[0], '\0')]);
    }
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Dice coefficient of two bigram sets, 0.0 to 1.0.
pub fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.intersection(b).count() as f64;
    2.0 * common / (a.len() + b.len()) as f64
}

/// How much `candidate` overlaps the `query`: the share of the query's bigrams it contains,
/// blended with Dice so that long candidates do not win by sheer size.
pub fn score(query: &HashSet<(char, char)>, candidate: &HashSet<(char, char)>) -> f64 {
    if query.is_empty() || candidate.is_empty() {
        return 0.0;
    }
    let containment = query.intersection(candidate).count() as f64 / query.len() as f64;
    0.5 * containment + 0.5 * dice(query, candidate)
}

/// The distinct trigrams of a text (after normalisation), most distinctive first is left to
/// the index; used to ask the full-text index for candidates.
pub fn trigrams(text: &str, max: usize) -> Vec<String> {
    let chars = normalise(text);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for w in chars.windows(3) {
        let gram: String = w.iter().collect();
        if seen.insert(gram.clone()) {
            out.push(gram);
            if out.len() == max {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_without_spaces_matches_on_shared_phrases() {
        let q = bigrams("行政のデジタル化を進める");
        let close = bigrams("デジタル化された行政サービス");
        let far = bigrams("子育て支援の窓口を増やす");
        assert!(score(&q, &close) > 0.3, "{}", score(&q, &close));
        assert!(score(&q, &far) < 0.1, "{}", score(&q, &far));
    }

    #[test]
    fn width_and_case_do_not_matter() {
        assert_eq!(normalise("ＡＢＣ　ｶﾀｶﾅ"), normalise("abc カタカナ"));
        assert!(score(&bigrams("Digital Services"), &bigrams("digital services!")) > 0.99);
    }

    #[test]
    fn trigrams_are_distinct() {
        assert_eq!(trigrams("aaaa", 10), vec!["aaa".to_owned()]);
        assert_eq!(
            trigrams("デジタル", 10),
            vec!["デジタ".to_owned(), "ジタル".to_owned()]
        );
    }
}
