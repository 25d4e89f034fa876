//! Representative opinions of a topic: central texts, heavier ones slightly preferred, no near-twins.

use super::vectors::{SparseRows, sparse_dot};

/// How much a text's weight (submissions it stands for) lifts its claim to represent a topic:
/// the score is strength × (1 + bonus × ln weight), so a 5,000-copy campaign gains about a quarter,
/// enough to win among equally central texts but not over a clearly more central one.
const WEIGHT_BONUS: f32 = 0.03;
/// Representatives more similar than this to one already chosen say the same thing; skip them.
const DUPLICATE_SIMILARITY: f32 = 0.9;

/// A candidate member: row in the corpus, cosine to the centroid, and weight.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    /// Row of the text in the corpus.
    pub row: usize,
    /// Cosine to the topic centroid.
    pub strength: f32,
    /// Submissions the text stands for.
    pub weight: u32,
}

/// Up to `count` representative rows among `candidates` (primary members), best first.
pub fn representatives(candidates: &[Candidate], rows: &SparseRows, count: usize) -> Vec<usize> {
    let score = |c: &Candidate| c.strength * (1.0 + WEIGHT_BONUS * (c.weight.max(1) as f32).ln());
    let mut ranked: Vec<&Candidate> = candidates.iter().collect();
    ranked.sort_by(|a, b| score(b).total_cmp(&score(a)).then(a.row.cmp(&b.row)));
    let mut chosen: Vec<usize> = Vec::new();
    let mut skipped: Vec<usize> = Vec::new();
    for candidate in ranked {
        if chosen.len() == count {
            break;
        }
        let twin = chosen
            .iter()
            .any(|&r| sparse_dot(rows.row(r), rows.row(candidate.row)) > DUPLICATE_SIMILARITY);
        if twin {
            skipped.push(candidate.row);
        } else {
            chosen.push(candidate.row);
        }
    }
    // A topic of near-twins is still represented by as many texts as it has.
    chosen.extend(skipped.into_iter().take(count.saturating_sub(chosen.len())));
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_central_then_heavier_and_skips_twins() {
        let mut rows = SparseRows::new();
        rows.push_row([(0, 1.0)]);
        rows.push_row([(0, 1.0)]);
        rows.push_row([(1, 1.0)]);
        let candidates = [
            Candidate {
                row: 0,
                strength: 0.8,
                weight: 1,
            },
            Candidate {
                row: 1,
                strength: 0.8,
                weight: 100,
            },
            Candidate {
                row: 2,
                strength: 0.5,
                weight: 1,
            },
        ];
        assert_eq!(representatives(&candidates, &rows, 2), vec![1, 2]);
        assert_eq!(representatives(&candidates, &rows, 3), vec![1, 2, 0]);
        assert!(representatives(&[], &rows, 3).is_empty());
    }
}
