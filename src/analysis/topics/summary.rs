//! Extractive summaries: real sentences from the opinions, each citing the texts it stands for.
//!
//! Nothing is generated. Sentences are scored by closeness to the group's centroid and chosen
//! one by one with maximal marginal relevance (central, but unlike those already chosen). A
//! sentence cites every text that has a sentence close to it. Texts that no chosen sentence
//! covers get their own "minority" sentences, chosen the same way among them, so that a view
//! held by few is not lost behind the majority.

use serde::{Deserialize, Serialize};

use super::Document;
use super::terms::TermMode;
use super::vectors::{Corpus, Pruning};

/// Sentences shorter than this (in characters) are greetings or fragments, not views.
const MIN_SENTENCE_CHARS: usize = 6;
/// Balance of centrality against novelty in the selection (1 = centrality only).
const RELEVANCE_WEIGHT: f32 = 0.7;
/// A text is cited by a chosen sentence when one of its own sentences is at least this similar:
/// at this cosine two sentences share most of their distinctive terms, i.e. say the same thing.
pub const CITE_SIMILARITY: f32 = 0.5;
/// Sentences at least this similar to one already chosen add nothing.
const REDUNDANT_SIMILARITY: f32 = 0.8;
/// Most minority sentences listed per summary.
const MAX_MINORITY_SENTENCES: usize = 3;

/// One sentence of a summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummarySentence {
    /// The sentence exactly as written in its source text (surrounding white space trimmed).
    pub text: String,
    /// The text it was copied from.
    pub source: u64,
    /// Texts that contain this sentence or one very similar to it, ascending (the source included).
    pub cites: Vec<u64>,
    /// Submissions of the cited texts.
    pub covers_weight: u64,
}

/// An extractive summary of a group of texts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The main sentences, most central first.
    pub sentences: Vec<SummarySentence>,
    /// Sentences of texts that no main sentence covers, most central among them first.
    pub minority: Vec<SummarySentence>,
    /// Submissions cited by at least one main sentence.
    pub covered_weight: u64,
    /// Texts cited by at least one main sentence.
    pub covered_texts: usize,
    /// Submissions of the whole group.
    pub total_weight: u64,
    /// Texts of the whole group.
    pub total_texts: usize,
}

impl Summary {
    /// Share of the group's submissions that the main sentences cover, in [0, 1].
    pub fn covered_share(&self) -> f32 {
        if self.total_weight == 0 {
            0.0
        } else {
            self.covered_weight as f32 / self.total_weight as f32
        }
    }
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '｡')
}

fn closes_quote(c: char) -> bool {
    matches!(c, '」' | '』' | '）' | ')' | '"' | '”' | '’' | '】')
}

/// Splits `text` into sentences on 。！？!? (with closing brackets that follow), line breaks, and
/// a full stop followed by white space. Each sentence is a trimmed slice of `text`, delimiter kept.
pub fn split_sentences(text: &str) -> Vec<&str> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let mut end = None;
        if c == '\n' || c == '\r' {
            end = Some(i);
        } else if ends_sentence(c)
            || (c == '.' && chars.peek().is_some_and(|&(_, n)| n.is_whitespace()))
        {
            let mut stop = i + c.len_utf8();
            while let Some(&(j, n)) = chars.peek() {
                if ends_sentence(n) || closes_quote(n) {
                    stop = j + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            end = Some(stop);
        }
        if let Some(stop) = end {
            let sentence = text[start..stop].trim();
            if !sentence.is_empty() {
                sentences.push(sentence);
            }
            start = if c == '\n' || c == '\r' {
                i + c.len_utf8()
            } else {
                stop
            };
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        sentences.push(rest);
    }
    sentences
}

/// A sentence candidate (its index is its row in the sentence corpus).
struct Sentence<'a> {
    /// The sentence as written.
    text: &'a str,
    /// Index of its document in id order.
    doc: usize,
}

/// The sentences of a group with their vectors.
struct Sentences<'a> {
    /// Documents in id order.
    docs: Vec<&'a Document<'a>>,
    /// All usable sentences, in document order.
    list: Vec<Sentence<'a>>,
    /// Sentence vectors.
    corpus: Corpus,
    /// Number of sentences of each document.
    per_doc: Vec<usize>,
}

/// Summarises `docs` in at most `max_sentences` main sentences (plus minority sentences).
pub fn summarise(docs: &[Document<'_>], max_sentences: usize) -> Summary {
    let mut sorted: Vec<&Document<'_>> = docs.iter().collect();
    sorted.sort_by_key(|d| d.id);
    let mut summary = Summary {
        total_weight: sorted.iter().map(|d| u64::from(d.weight)).sum(),
        total_texts: sorted.len(),
        ..Summary::default()
    };
    let list: Vec<Sentence<'_>> = sorted
        .iter()
        .enumerate()
        .flat_map(|(doc, d)| {
            split_sentences(d.text)
                .into_iter()
                .map(move |text| Sentence { text, doc })
        })
        .filter(|s| s.text.chars().count() >= MIN_SENTENCE_CHARS)
        .collect();
    if list.is_empty() || max_sentences == 0 {
        return summary;
    }
    // A build whose callback never cancels always finishes.
    let corpus = Corpus::build(
        list.iter().map(|s| s.text),
        TermMode::Sentences,
        Pruning::Rare,
        &mut |_| true,
    )
    .unwrap_or_default();
    let mut per_doc = vec![0usize; sorted.len()];
    for s in &list {
        per_doc[s.doc] += 1;
    }
    let group = Sentences {
        docs: sorted,
        list,
        corpus,
        per_doc,
    };

    let everyone: Vec<usize> = (0..group.list.len()).collect();
    let main = group.select(&everyone, max_sentences, &[]);
    let mut covered = vec![false; group.docs.len()];
    for &chosen in &main {
        let cited = group.cited_docs(chosen, None);
        for &doc in &cited {
            covered[doc] = true;
        }
        summary
            .sentences
            .push(group.summary_sentence(chosen, &cited));
    }
    summary.covered_texts = covered.iter().filter(|&&c| c).count();
    summary.covered_weight = covered
        .iter()
        .zip(&group.docs)
        .filter(|(c, _)| **c)
        .map(|(_, d)| u64::from(d.weight))
        .sum();

    let left: Vec<usize> = (0..group.list.len())
        .filter(|&s| !covered[group.list[s].doc])
        .collect();
    let minority = group.select(&left, MAX_MINORITY_SENTENCES.min(max_sentences), &main);
    for &chosen in &minority {
        let cited = group.cited_docs(chosen, Some(&covered));
        summary
            .minority
            .push(group.summary_sentence(chosen, &cited));
    }
    summary
}

impl Sentences<'_> {
    fn summary_sentence(&self, sentence: usize, cited: &[usize]) -> SummarySentence {
        let mut cites: Vec<u64> = cited.iter().map(|&d| self.docs[d].id).collect();
        cites.sort_unstable();
        SummarySentence {
            text: self.list[sentence].text.to_owned(),
            source: self.docs[self.list[sentence].doc].id,
            cites,
            covers_weight: cited.iter().map(|&d| u64::from(self.docs[d].weight)).sum(),
        }
    }

    /// Similarity of every sentence of `pool` to sentence `to`.
    fn similarities_to(&self, to: usize, pool: &[usize], dense: &mut [f32]) -> Vec<f32> {
        let (idx, val) = self.corpus.rows.row(to);
        for (&t, &v) in idx.iter().zip(val) {
            dense[t as usize] = v;
        }
        let similarities = pool
            .iter()
            .map(|&s| {
                let (si, sv) = self.corpus.rows.row(s);
                si.iter()
                    .zip(sv)
                    .map(|(&t, &v)| dense[t as usize] * v)
                    .sum()
            })
            .collect();
        for &t in idx {
            dense[t as usize] = 0.0;
        }
        similarities
    }

    /// Chooses up to `count` sentences among `candidates` by maximal marginal relevance, also
    /// staying away from `already` (sentences chosen before).
    fn select(&self, candidates: &[usize], count: usize, already: &[usize]) -> Vec<usize> {
        if candidates.is_empty() || count == 0 {
            return Vec::new();
        }
        // Each text pulls the centroid by √weight, shared among its sentences: a campaign counts
        // more than one opinion, but not thousands of times more.
        let mut dense = vec![0.0f32; self.corpus.dimension()];
        for &s in candidates {
            let doc = self.list[s].doc;
            let pull = (self.docs[doc].weight.max(1) as f32).sqrt() / self.per_doc[doc] as f32;
            let (idx, val) = self.corpus.rows.row(s);
            for (&t, &v) in idx.iter().zip(val) {
                dense[t as usize] += pull * v;
            }
        }
        super::vectors::normalize(&mut dense);
        let mut ranked: Vec<(usize, f32)> = candidates
            .iter()
            .map(|&s| {
                let (idx, val) = self.corpus.rows.row(s);
                (
                    s,
                    idx.iter()
                        .zip(val)
                        .map(|(&t, &v)| dense[t as usize] * v)
                        .sum::<f32>(),
                )
            })
            .filter(|&(_, centrality)| centrality > 0.0)
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        dense.fill(0.0);
        let pool: Vec<usize> = ranked.iter().map(|&(s, _)| s).collect();

        // Similarity of each pooled sentence to the closest sentence chosen so far.
        let mut closest = vec![0.0f32; pool.len()];
        let note = |chosen: usize, closest: &mut [f32], dense: &mut [f32]| {
            for (c, s) in closest
                .iter_mut()
                .zip(self.similarities_to(chosen, &pool, dense))
            {
                *c = c.max(s);
            }
        };
        for &earlier in already {
            note(earlier, &mut closest, &mut dense);
        }
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < count {
            let mut best: Option<(usize, f32)> = None;
            for (slot, &(s, relevance)) in ranked.iter().enumerate() {
                if closest[slot] >= REDUNDANT_SIMILARITY || chosen.contains(&s) {
                    continue;
                }
                let score = RELEVANCE_WEIGHT * relevance - (1.0 - RELEVANCE_WEIGHT) * closest[slot];
                if best.is_none_or(|(_, b)| score > b) {
                    best = Some((s, score));
                }
            }
            let Some((s, _)) = best else { break };
            chosen.push(s);
            note(s, &mut closest, &mut dense);
        }
        chosen
    }

    /// Documents having a sentence at least [`CITE_SIMILARITY`] close to sentence `chosen` (its own
    /// document always), skipping documents marked in `skip`.
    fn cited_docs(&self, chosen: usize, skip: Option<&[bool]>) -> Vec<usize> {
        let everyone: Vec<usize> = (0..self.list.len()).collect();
        let mut dense = vec![0.0f32; self.corpus.dimension()];
        let similarities = self.similarities_to(chosen, &everyone, &mut dense);
        let mut cited = vec![false; self.docs.len()];
        cited[self.list[chosen].doc] = true;
        for (sentence, similarity) in self.list.iter().zip(similarities) {
            if similarity >= CITE_SIMILARITY && !skip.is_some_and(|skip| skip[sentence.doc]) {
                cited[sentence.doc] = true;
            }
        }
        (0..self.docs.len()).filter(|&d| cited[d]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: u64, text: &str, weight: u32) -> Document<'_> {
        Document { id, text, weight }
    }

    #[test]
    fn sentences_split_on_japanese_and_english_stops() {
        let parts = split_sentences(
            "保険証の廃止に反対です。「延期すべき」！ 窓口が混む\n Second line. And more? yes",
        );
        assert_eq!(
            parts,
            vec![
                "保険証の廃止に反対です。",
                "「延期すべき」！",
                "窓口が混む",
                "Second line.",
                "And more?",
                "yes"
            ]
        );
        assert!(split_sentences("").is_empty());
        assert_eq!(split_sentences("v1.2 is out"), vec!["v1.2 is out"]);
    }

    #[test]
    fn summary_sentences_are_verbatim_and_cite_real_texts() {
        let docs = [
            doc(
                10,
                "健康保険証の廃止は延期すべきです。窓口での混乱が心配です。",
                1,
            ),
            doc(11, "健康保険証の廃止は延期してください。", 300),
            doc(12, "健康保険証の廃止を延期すべきだ。高齢者が困ります。", 1),
            doc(13, "暗証番号の管理が高齢者には難しいと感じます。", 1),
        ];
        let summary = summarise(&docs, 2);
        assert!(!summary.sentences.is_empty());
        for s in summary.sentences.iter().chain(&summary.minority) {
            let source = docs
                .iter()
                .find(|d| d.id == s.source)
                .unwrap_or_else(|| panic!("source exists"));
            assert!(
                source.text.contains(&s.text),
                "{} is copied from its source",
                s.text
            );
            assert!(s.cites.contains(&s.source));
            assert!(s.cites.iter().all(|c| docs.iter().any(|d| d.id == *c)));
        }
        let first = &summary.sentences[0];
        assert!(first.text.contains("廃止"));
        assert!(first.cites.len() >= 2);
        assert!(summary.covered_weight >= 301);
        assert!(summary.covered_share() <= 1.0);
        assert_eq!(summary.total_weight, 303);
    }

    #[test]
    fn uncovered_texts_get_minority_sentences() {
        let docs = [
            doc(1, "クラウド移行の費用が高すぎる。", 1),
            doc(2, "クラウド移行の費用が高い。", 1),
            doc(3, "クラウド移行の費用を国が負担すべきだ。", 1),
            doc(4, "職員研修の時間を確保してほしい。", 1),
        ];
        let summary = summarise(&docs, 1);
        assert_eq!(summary.sentences.len(), 1);
        assert!(summary.sentences[0].text.contains("クラウド"));
        assert!(
            summary
                .minority
                .iter()
                .any(|s| s.source == 4 && s.cites == vec![4])
        );
    }

    #[test]
    fn empty_groups_give_empty_summaries() {
        assert_eq!(summarise(&[], 3).sentences.len(), 0);
        let blank = [doc(1, "", 1), doc(2, "。。", 1)];
        let summary = summarise(&blank, 3);
        assert!(summary.sentences.is_empty());
        assert_eq!(summary.total_texts, 2);
        assert_eq!(summary.covered_share(), 0.0);
    }
}
