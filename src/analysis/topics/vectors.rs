//! TF-IDF vectors over the engine's own terms, stored as sparse rows.

use super::fasthash::FxHashMap;
use super::terms::{self, SUB_COMPOUND_WEIGHT, TermMode};

/// Below this many texts every term is kept: in a tiny corpus a term seen once still tells texts apart.
const PRUNE_FROM_TEXTS: usize = 20;
/// A term must occur in at least this many texts of a larger corpus to link any two of them.
const MIN_DOCUMENT_FREQUENCY: u32 = 2;
/// Terms in more than this share of the texts describe the whole consultation, not a topic.
const MAX_DOCUMENT_SHARE: f64 = 0.5;
/// How often the extraction loop reports progress (in texts).
const PROGRESS_EVERY: usize = 512;

/// Which terms a corpus drops before weighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pruning {
    /// Drop terms of one text and terms of more than half the texts (for grouping texts).
    RareAndCommon,
    /// Drop only terms of one text (for sentences of one topic, whose common terms are the point).
    Rare,
    /// Keep every term (small reference texts such as the sections of a draft).
    Keep,
}

/// Rows of a sparse matrix; each row's indices are strictly increasing.
#[derive(Clone, Debug)]
pub struct SparseRows {
    offsets: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl Default for SparseRows {
    fn default() -> Self {
        Self::new()
    }
}

impl SparseRows {
    /// An empty matrix.
    pub fn new() -> Self {
        Self {
            offsets: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Appends a row given as (index, value) pairs sorted by index.
    pub fn push_row(&mut self, entries: impl IntoIterator<Item = (u32, f32)>) {
        for (index, value) in entries {
            self.indices.push(index);
            self.values.push(value);
        }
        self.offsets.push(self.indices.len());
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The indices and values of row `row`.
    pub fn row(&self, row: usize) -> (&[u32], &[f32]) {
        let range = self.offsets[row]..self.offsets[row + 1];
        (&self.indices[range.clone()], &self.values[range])
    }

    /// Whether row `row` has no entry.
    pub fn row_is_empty(&self, row: usize) -> bool {
        self.offsets[row] == self.offsets[row + 1]
    }
}

/// Dot product of two sparse rows with sorted indices.
pub fn sparse_dot(a: (&[u32], &[f32]), b: (&[u32], &[f32])) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
    while i < a.0.len() && j < b.0.len() {
        match a.0[i].cmp(&b.0[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a.1[i] * b.1[j];
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Scales `values` to unit length (left as is when all zero).
pub fn normalize(values: &mut [f32]) {
    let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        values.iter_mut().for_each(|v| *v /= norm);
    }
}

/// The vectors of a corpus and what is known about each term.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Term text by term id.
    pub terms: Vec<Box<str>>,
    /// Term id by term text.
    index: FxHashMap<Box<str>, u32>,
    /// Which terms were extracted.
    mode: TermMode,
    /// Number of texts containing the term in any form.
    pub document_frequency: Vec<u32>,
    /// Number of texts containing the term as a whole word (not only inside a longer kanji run).
    pub whole_frequency: Vec<u32>,
    /// Okurigana to show after the term, when most of its whole occurrences carry one.
    pub okurigana: Vec<Option<char>>,
    /// Inverse document frequency by term id.
    pub idf: Vec<f32>,
    /// One L2-normalised TF-IDF row per text, in input order.
    pub rows: SparseRows,
    /// The whole-word term ids of each text (values unused), for labels.
    pub whole_terms: SparseRows,
}

/// A term as counted in one text before the vocabulary is pruned.
#[derive(Clone, Copy)]
struct RawCount {
    term: u32,
    frequency: f32,
    whole: bool,
}

impl Corpus {
    /// Builds vectors of the `mode` terms of `texts` with `pruning`; `tick(done)` is called regularly and stops the work by returning false.
    pub fn build<'a>(
        texts: impl ExactSizeIterator<Item = &'a str>,
        mode: TermMode,
        pruning: Pruning,
        tick: &mut dyn FnMut(usize) -> bool,
    ) -> Option<Corpus> {
        let count = texts.len();
        let mut interner: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut raw_terms: Vec<Box<str>> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        let mut whole_df: Vec<u32> = Vec::new();
        let mut whole_occurrences: Vec<u32> = Vec::new();
        let mut okurigana_hits: FxHashMap<(u32, char), u32> = FxHashMap::default();
        let mut raw_offsets = vec![0usize];
        let mut raw_counts: Vec<RawCount> = Vec::new();
        let mut normalized = String::new();
        let mut found: Vec<RawCount> = Vec::new();

        for (done, text) in texts.enumerate() {
            if done % PROGRESS_EVERY == 0 && !tick(done) {
                return None;
            }
            terms::normalize_into(text, &mut normalized);
            found.clear();
            terms::for_each_term(&normalized, mode, &mut |term| {
                let id = match interner.get(term.text) {
                    Some(&id) => id,
                    None => {
                        let id = raw_terms.len() as u32;
                        raw_terms.push(term.text.into());
                        interner.insert(term.text.into(), id);
                        df.push(0);
                        whole_df.push(0);
                        whole_occurrences.push(0);
                        id
                    }
                };
                let whole = term.kind.is_whole();
                if whole {
                    whole_occurrences[id as usize] += 1;
                    if let Some(kana) = term.okurigana {
                        *okurigana_hits.entry((id, kana)).or_insert(0) += 1;
                    }
                }
                let frequency = if whole { 1.0 } else { SUB_COMPOUND_WEIGHT };
                found.push(RawCount {
                    term: id,
                    frequency,
                    whole,
                });
            });
            found.sort_unstable_by_key(|c| c.term);
            let mut merged: Option<RawCount> = None;
            for &count in &found {
                match merged.as_mut() {
                    Some(m) if m.term == count.term => {
                        m.frequency += count.frequency;
                        m.whole |= count.whole;
                    }
                    _ => {
                        if let Some(m) = merged.replace(count) {
                            raw_counts.push(m);
                        }
                    }
                }
            }
            if let Some(m) = merged {
                raw_counts.push(m);
            }
            for c in &raw_counts[*raw_offsets.last().unwrap_or(&0)..] {
                df[c.term as usize] += 1;
                if c.whole {
                    whole_df[c.term as usize] += 1;
                }
            }
            raw_offsets.push(raw_counts.len());
        }
        drop(interner);

        let prune = count >= PRUNE_FROM_TEXTS && pruning != Pruning::Keep;
        let max_df = if pruning == Pruning::RareAndCommon {
            (count as f64 * MAX_DOCUMENT_SHARE).floor() as u32
        } else {
            u32::MAX
        };
        let keep = |raw: usize| !prune || (df[raw] >= MIN_DOCUMENT_FREQUENCY && df[raw] <= max_df);
        let mut new_id = vec![u32::MAX; raw_terms.len()];
        let mut corpus = Corpus {
            mode,
            ..Corpus::default()
        };
        for (raw, text) in raw_terms.into_iter().enumerate() {
            if !keep(raw) {
                continue;
            }
            let id = corpus.terms.len() as u32;
            new_id[raw] = id;
            corpus.index.insert(text.clone(), id);
            corpus.terms.push(text);
            corpus.document_frequency.push(df[raw]);
            corpus.whole_frequency.push(whole_df[raw]);
            corpus.idf.push(inverse_document_frequency(count, df[raw]));
            corpus.okurigana.push(None);
        }
        // Show a term with its okurigana when more than half of its whole occurrences carry the same one.
        let mut hits: Vec<((u32, char), u32)> = okurigana_hits.into_iter().collect();
        hits.sort_unstable();
        for ((raw, kana), n) in hits {
            let id = new_id[raw as usize];
            if id != u32::MAX && n * 2 > whole_occurrences[raw as usize] {
                corpus.okurigana[id as usize] = Some(kana);
            }
        }

        let mut row: Vec<(u32, f32)> = Vec::new();
        for text in 0..count {
            row.clear();
            for c in &raw_counts[raw_offsets[text]..raw_offsets[text + 1]] {
                let id = new_id[c.term as usize];
                if id != u32::MAX {
                    row.push((id, (1.0 + c.frequency).ln() * corpus.idf[id as usize]));
                }
            }
            // Pruning keeps raw order, so new ids are still increasing along the row.
            let mut values: Vec<f32> = row.iter().map(|&(_, v)| v).collect();
            normalize(&mut values);
            corpus
                .rows
                .push_row(row.iter().map(|&(id, _)| id).zip(values));
            corpus.whole_terms.push_row(
                raw_counts[raw_offsets[text]..raw_offsets[text + 1]]
                    .iter()
                    .filter(|c| c.whole)
                    .filter_map(|c| {
                        let id = new_id[c.term as usize];
                        (id != u32::MAX).then_some((id, 0.0))
                    }),
            );
        }
        Some(corpus)
    }

    /// Number of terms kept.
    pub fn dimension(&self) -> usize {
        self.terms.len()
    }

    /// The term as displayed (with okurigana when usual).
    pub fn display(&self, term: u32) -> String {
        let mut shown = self.terms[term as usize].to_string();
        if let Some(kana) = self.okurigana[term as usize] {
            shown.push(kana);
        }
        shown
    }

    /// The term id of `text`, if it is in the vocabulary.
    pub fn term_id(&self, text: &str) -> Option<u32> {
        self.index.get(text).copied()
    }

    /// The L2-normalised TF-IDF vector of a new text over this corpus's vocabulary (unknown terms ignored).
    pub fn vectorize(&self, text: &str) -> (Vec<u32>, Vec<f32>) {
        let mut normalized = String::new();
        terms::normalize_into(text, &mut normalized);
        let mut found: Vec<(u32, f32)> = Vec::new();
        terms::for_each_term(&normalized, self.mode, &mut |term| {
            if let Some(id) = self.term_id(term.text) {
                let frequency = if term.kind.is_whole() {
                    1.0
                } else {
                    SUB_COMPOUND_WEIGHT
                };
                found.push((id, frequency));
            }
        });
        found.sort_unstable_by_key(|&(id, _)| id);
        let mut indices: Vec<u32> = Vec::new();
        let mut frequencies: Vec<f32> = Vec::new();
        for (id, frequency) in found {
            if indices.last() == Some(&id) {
                if let Some(last) = frequencies.last_mut() {
                    *last += frequency;
                }
            } else {
                indices.push(id);
                frequencies.push(frequency);
            }
        }
        let mut values: Vec<f32> = indices
            .iter()
            .zip(&frequencies)
            .map(|(&id, &f)| (1.0 + f).ln() * self.idf[id as usize])
            .collect();
        normalize(&mut values);
        (indices, values)
    }
}

/// Smoothed IDF: never zero, so a term in every text still counts a little.
fn inverse_document_frequency(texts: usize, df: u32) -> f32 {
    (((1 + texts) as f64 / (1 + df) as f64).ln() + 1.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(texts: &[&str]) -> Corpus {
        Corpus::build(
            texts.iter().copied(),
            TermMode::Topics,
            Pruning::RareAndCommon,
            &mut |_| true,
        )
        .unwrap_or_else(|| panic!("not cancelled"))
    }

    #[test]
    fn rows_are_unit_length_and_sorted() {
        let corpus = build(&[
            "健康保険証の廃止に反対",
            "保険証とマイナンバーカード",
            "オンライン申請",
        ]);
        for r in 0..corpus.rows.len() {
            let (idx, val) = corpus.rows.row(r);
            assert!(idx.windows(2).all(|w| w[0] < w[1]));
            let norm: f32 = val.iter().map(|v| v * v).sum();
            assert!((norm - 1.0).abs() < 1e-5);
        }
        assert!(sparse_dot(corpus.rows.row(0), corpus.rows.row(1)) > 0.0);
        assert_eq!(sparse_dot(corpus.rows.row(0), corpus.rows.row(2)), 0.0);
    }

    #[test]
    fn okurigana_is_shown_when_usual() {
        let corpus = build(&["紐付けの誤り", "紐付けが不安", "紐付する"]);
        let id = corpus.term_id("紐付").unwrap_or(u32::MAX);
        assert_eq!(corpus.display(id), "紐付け");
    }

    #[test]
    fn cancelling_stops_the_build() {
        let texts = ["a b"; 3];
        assert!(
            Corpus::build(
                texts.iter().copied(),
                TermMode::Topics,
                Pruning::RareAndCommon,
                &mut |_| false
            )
            .is_none()
        );
    }

    #[test]
    fn new_texts_are_vectorized_over_the_vocabulary() {
        let corpus = build(&["クラウド移行の費用", "標準化の期限"]);
        let (idx, val) = corpus.vectorize("クラウドの費用が心配");
        assert_eq!(idx.len(), 2);
        let near = sparse_dot((&idx, &val), corpus.rows.row(0));
        assert!(near > 0.6 && near > sparse_dot((&idx, &val), corpus.rows.row(1)));
        assert!(corpus.vectorize("").0.is_empty());
    }
}
