//! The near-copy rule: does a candidate text contain a campaign's template?
//!
//! A copy is "optional personal sentences + the template (with a few chars
//! changed) + optional personal sentences". The rule therefore measures how
//! much of the *template* is found in the candidate (containment), not how
//! similar the two texts are overall: personal additions lower Jaccard
//! similarity but do not lower containment, while a text that only quotes a
//! sentence or two of the letter contains little of it.
//!
//! Containment is measured as *coverage*: the share of the template's chars
//! that lie inside at least one shingle also found in the candidate. A single
//! changed char then costs about one char of coverage rather than a whole
//! shingle's worth, so coverage is close to `1 - edit rate` for real copies.
//!
//! Only shingles found in the same order count (the longest chain of shared
//! shingles in increasing position in both texts), so opinions that use the
//! same phrases in another order cover little, and a copy whose sentences
//! were shuffled loses the moved part of its coverage.
//!
//! Short texts (fewer than [`MIN_CAMPAIGN_CHARS`] chars in comparison form)
//! never take part: 「反対です。」 written by thousands of people independently
//! is one distinct text (one [`super::TextKey`]) but not a campaign, and two
//! short texts such as 反対です / 賛成です are never near copies.

use super::normalise::{TextKey, key_of_normal, normal_chars};
use super::signature::{SHINGLE_CHARS, Signature, shingles_into};

/// Minimum length, in chars of comparison form, of a text that can be a
/// template or a copy. Form letters are far longer (150+ chars); below about
/// 50 chars (two short sentences) independent writers produce the same
/// wording by chance, so such texts are counted only by their text key.
pub const MIN_CAMPAIGN_CHARS: usize = 50;

/// Minimum share of the template's chars found, in order, in a copy. On the
/// benchmark data real copies (1-3 % of chars changed, personal sentences
/// added) score 0.90 or more, nearly all above 0.94; unique opinions that
/// quote a sentence or two of a letter or of each other score up to about
/// 0.85 when they also share sentence patterns, and mostly below 0.6.
/// 0.85 keeps a margin on the copies' side, which also tolerates one dropped
/// sentence in a letter of ten.
pub const MIN_TEMPLATE_COVERAGE: f64 = 0.85;

/// A copy may be at most this many times as long as its template. Beyond
/// that the text is an opinion of its own that quotes the letter in full
/// (for example a long brief with the letter appended) and is not counted as
/// one more copy of the campaign.
pub const MAX_COPY_LENGTH_FACTOR: usize = 4;

/// A text prepared for comparison: its key, length and shingles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    key: TextKey,
    normal_len: usize,
    /// Shingle hashes in text order (the template side of a comparison).
    shingles: Vec<u32>,
    /// `(hash, position)` of every shingle, sorted (the candidate side).
    shingle_index: Vec<(u32, u32)>,
    /// Number of distinct shingle hashes.
    distinct_shingles: usize,
}

/// How well a candidate contains a template.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearCopy {
    /// Template chars found in the candidate.
    pub covered_chars: usize,
    /// `covered_chars` divided by the template's length, in 0..=1.
    pub coverage: f64,
}

impl Prepared {
    /// Normalises and shingles `text`.
    pub fn new(text: &str) -> Self {
        let mut normal = Vec::new();
        normal_chars(text, &mut normal);
        Self::from_normal(&normal)
    }

    /// Prepares an already normalised char sequence.
    pub(super) fn from_normal(normal: &[char]) -> Self {
        let mut shingles = Vec::with_capacity(normal.len());
        shingles_into(normal, &mut shingles);
        let mut shingle_index: Vec<(u32, u32)> = shingles
            .iter()
            .zip(0u32..)
            .map(|(&hash, position)| (hash, position))
            .collect();
        shingle_index.sort_unstable();
        let distinct_shingles = shingle_index.chunk_by(|a, b| a.0 == b.0).count();
        Self {
            key: key_of_normal(normal),
            normal_len: normal.len(),
            shingles,
            shingle_index,
            distinct_shingles,
        }
    }

    /// Identity key of the text (same as [`super::text_key`]).
    pub fn key(&self) -> TextKey {
        self.key
    }

    /// Length of the comparison form in chars.
    pub fn normal_len(&self) -> usize {
        self.normal_len
    }

    /// True if the text is long enough to be a template or a copy.
    pub fn is_eligible(&self) -> bool {
        self.normal_len >= MIN_CAMPAIGN_CHARS
    }

    /// Number of distinct shingles.
    pub fn distinct_shingles(&self) -> usize {
        self.distinct_shingles
    }

    /// MinHash signature of the text.
    pub fn signature(&self) -> Signature {
        Signature::from_shingles(&self.shingles)
    }
}

/// The template side of a comparison: only its shingles in text order are needed.
#[derive(Debug, Clone, Copy)]
pub(super) struct TemplateView<'a> {
    pub(super) key: TextKey,
    pub(super) normal_len: usize,
    pub(super) shingles: &'a [u32],
}

impl Prepared {
    /// This text as the template side of a comparison.
    pub(super) fn as_template(&self) -> TemplateView<'_> {
        TemplateView {
            key: self.key,
            normal_len: self.normal_len,
            shingles: &self.shingles,
        }
    }
}

/// Measures how much of `template` the `candidate` contains, and returns it
/// if the candidate is a near copy of the template under the rule above.
pub fn near_copy(template: &Prepared, candidate: &Prepared) -> Option<NearCopy> {
    near_copy_of(template.as_template(), candidate)
}

/// [`near_copy`] with the template given by its shingles only.
pub(super) fn near_copy_of(template: TemplateView<'_>, candidate: &Prepared) -> Option<NearCopy> {
    if template.normal_len < MIN_CAMPAIGN_CHARS || !candidate.is_eligible() {
        return None;
    }
    if template.key == candidate.key {
        return Some(NearCopy {
            covered_chars: template.normal_len,
            coverage: 1.0,
        });
    }
    if candidate.normal_len > template.normal_len * MAX_COPY_LENGTH_FACTOR {
        return None;
    }
    let measured = measure_of(template, candidate);
    (measured.coverage >= MIN_TEMPLATE_COVERAGE).then_some(measured)
}

/// True if `candidate` is a near copy of `template` (see the module docs).
pub fn is_near_copy(template: &str, candidate: &str) -> bool {
    near_copy(&Prepared::new(template), &Prepared::new(candidate)).is_some()
}

/// Measures how much of `template` the `candidate` contains, without applying
/// any threshold (for diagnostics and tuning).
pub fn measure(template: &Prepared, candidate: &Prepared) -> NearCopy {
    measure_of(template.as_template(), candidate)
}

fn measure_of(template: TemplateView<'_>, candidate: &Prepared) -> NearCopy {
    let covered_chars = covered_chars(template, candidate);
    NearCopy {
        covered_chars,
        coverage: covered_chars as f64 / template.normal_len.max(1) as f64,
    }
}

/// Number of template chars covered by shingles that the candidate has *in
/// the same order*.
///
/// Matching shingles are chained by a longest increasing subsequence of
/// their candidate positions, so a text that merely uses the same phrases in
/// another order (as opinions on one topic do) covers little of a template,
/// while a copy with sentences added anywhere keeps the whole chain.
fn covered_chars(template: TemplateView<'_>, candidate: &Prepared) -> usize {
    let chain = ordered_chain(template.shingles, &candidate.shingle_index);
    // Union of the chained shingles' char ranges, counted in one pass.
    let mut covered = 0;
    let mut reach = 0;
    for start in chain {
        let start = start as usize;
        let end = (start + SHINGLE_CHARS).min(template.normal_len);
        let from = start.max(reach);
        if end > from {
            covered += end - from;
            reach = end;
        }
    }
    covered
}

/// Positions in `template` of the longest chain of its elements found in the
/// candidate in increasing candidate order, ascending. `index` holds the
/// candidate's `(element, position)` pairs sorted.
pub(super) fn ordered_chain<T: Ord + Copy>(template: &[T], index: &[(T, u32)]) -> Vec<u32> {
    // Patience sorting: `tail_pos[l]` is the smallest candidate position that
    // ends a chain of length l + 1, and `tail_node[l]` that chain's last node.
    let mut nodes: Vec<ChainNode> = Vec::new();
    let mut tail_pos: Vec<u32> = Vec::new();
    let mut tail_node: Vec<u32> = Vec::new();
    for (template_pos, &element) in (0u32..).zip(template) {
        let from = index.partition_point(|&(e, _)| e < element);
        let rest = index.get(from..).unwrap_or(&[]);
        let run = rest.iter().take_while(|&&(e, _)| e == element).count();
        // Visit an element's candidate positions from last to first so at
        // most one of them extends any chain.
        for &(_, candidate_pos) in rest.iter().take(run).rev() {
            let length = tail_pos.partition_point(|&p| p < candidate_pos);
            let previous = match length.checked_sub(1) {
                Some(l) => tail_node.get(l).copied().unwrap_or(NO_NODE),
                None => NO_NODE,
            };
            let node = nodes.len() as u32;
            nodes.push(ChainNode {
                template_pos,
                previous,
            });
            if length == tail_pos.len() {
                tail_pos.push(candidate_pos);
                tail_node.push(node);
            } else if let (Some(p), Some(n)) = (tail_pos.get_mut(length), tail_node.get_mut(length))
            {
                *p = candidate_pos;
                *n = node;
            }
        }
    }
    let mut chain = Vec::with_capacity(tail_node.len());
    let mut node = tail_node.last().copied().unwrap_or(NO_NODE);
    while let Some(n) = nodes.get(node as usize) {
        chain.push(n.template_pos);
        node = n.previous;
    }
    chain.reverse();
    chain
}

/// Marker for "no previous node" in a chain.
const NO_NODE: u32 = u32::MAX;

/// One matched shingle in the chain search.
#[derive(Debug, Clone, Copy)]
struct ChainNode {
    template_pos: u32,
    previous: u32,
}

/// Band keys to store for `text`; empty if the text is too short to join a campaign.
///
/// # Persisted form
///
/// Exactly [`BANDS`] plain `u64` values for a text that can join a campaign
/// (none for a shorter one). Store one row per value:
/// `(consultation_id, band_key, text_id)` with `band_key` as a signed 64-bit
/// integer (`key as i64`, read back with `value as u64`), indexed on
/// `(consultation_id, band_key)`. The band number is mixed into each key, so
/// no band column is needed. Two texts are candidates for each other when
/// they share at least one key. The values depend only on the text's
/// comparison form and this module's constants; they change only together
/// with [`SIGNATURE_VERSION`], and then the stored rows must be recomputed.
pub fn band_keys(text: &str) -> Vec<u64> {
    let prepared = Prepared::new(text);
    if prepared.is_eligible() {
        prepared.signature().band_keys().to_vec()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_keys_are_stable_and_width_insensitive() {
        let text = "行政手続のオンライン化は、高齢者や障害のある方が取り残されないよう、窓口での対面手続も維持したうえで進めてください。";
        let wide = text.replace('、', "，").replace('。', "．");
        assert_eq!(band_keys(text), band_keys(&wide));
        assert_eq!(band_keys(text).len(), super::super::BANDS);
        assert!(band_keys("反対です。").is_empty());
    }

    const LETTER: &str = "デジタル庁が示した重点計画（案）について意見を申し上げます。\
        マイナンバーカードと健康保険証の一体化は、システム障害や誤った紐付けが相次ぐ中で拙速に進められています。\
        特に高齢者や障害のある方にとって、暗証番号の管理や更新手続は大きな負担です。\
        現行の健康保険証を当面存続させ、国民の理解が得られるまで丁寧に説明することを強く求めます。";

    fn score(template: &str, candidate: &str) -> Option<f64> {
        near_copy(&Prepared::new(template), &Prepared::new(candidate)).map(|n| n.coverage)
    }

    #[test]
    fn copies_with_additions_width_and_edits_are_near_copies() {
        let added = format!(
            "私は二児の母です。埼玉県在住の会社員です。{LETTER}どうかよろしくお願いします。"
        );
        assert!(is_near_copy(LETTER, &added));
        let wide = LETTER
            .replace("マイナンバー", "ﾏｲﾅﾝﾊﾞｰ")
            .replace('。', "．\n");
        assert_eq!(score(LETTER, &wide), Some(1.0));
        let edited = LETTER
            .replacen("拙速", "性急", 1)
            .replacen("大きな", "大変な", 1);
        let coverage = score(LETTER, &edited).unwrap_or(0.0);
        assert!(coverage > 0.95, "{coverage}");
        let inside = LETTER.replacen("。", "。私の母も八十代で困っています。", 2);
        assert!(is_near_copy(LETTER, &inside));
    }

    #[test]
    fn quoting_a_sentence_or_sharing_the_topic_is_not_a_copy() {
        let quote = "マイナンバーカードと健康保険証の一体化は、システム障害や誤った紐付けが相次ぐ中で拙速に進められています。\
            ただ私自身は、カードの利便性には期待しており、コンビニで証明書が取れるのは助かっています。\
            制度そのものに反対するのではなく、トラブルの原因を調べて公表してほしいと考えています。";
        assert!(!is_near_copy(LETTER, quote));
        let topic = "マイナ保険証の利用登録を窓口で勧められましたが、暗証番号を忘れてしまい手続ができませんでした。\
            高齢の父も同じで、紙の保険証がなくなると通院のたびに家族が付き添う必要があります。";
        assert!(!is_near_copy(LETTER, topic));
        // Containment is directional: a fragment of the letter does not contain it.
        let fragment: String = LETTER.chars().take(80).collect();
        assert!(!is_near_copy(LETTER, &fragment));
    }

    #[test]
    fn the_same_sentences_in_another_order_cover_only_the_ordered_part() {
        let sentences: Vec<&str> = LETTER.split_inclusive('。').collect();
        let reversed: String = sentences.iter().rev().copied().collect();
        let coverage = score(LETTER, &reversed);
        assert_eq!(coverage, None);
        let in_order = sentences.concat();
        assert_eq!(score(LETTER, &in_order), Some(1.0));
    }

    #[test]
    fn short_texts_never_near_match_even_when_identical() {
        assert!(!is_near_copy("反対です。", "反対です"));
        assert!(!is_near_copy("反対です。", "賛成です。"));
        assert!(!is_near_copy("反対します", "断固反対します！"));
        let short = Prepared::new("マイナ保険証に反対します。");
        assert!(!short.is_eligible());
    }

    #[test]
    fn a_long_text_quoting_the_whole_letter_is_its_own_opinion() {
        let essay = format!("{}{LETTER}", "私見を詳しく述べます。".repeat(60));
        assert!(!is_near_copy(LETTER, &essay));
    }
}
