//! Batch grouping of a whole consultation from scratch.
//!
//! 1. Every submission is normalised; equal comparison forms are one
//!    *distinct text* (same [`TextKey`]).
//! 2. Distinct texts long enough to be campaign letters are ranked by
//!    [`template_priority`](super::template) (most sent, then shortest, then
//!    key) and get a MinHash signature and band keys.
//! 3. In rank order, each distinct text looks up the groups already present
//!    in its LSH buckets, keeps those whose signature makes containment
//!    plausible, and joins the group whose leader (template) it contains best
//!    under the near-copy rule; otherwise it leads a new group. Texts are
//!    only ever compared with a group's leader, so groups cannot drift by
//!    chaining copies of copies.
//! 4. Groups with at least [`MIN_CAMPAIGN_SUBMISSIONS`] submissions are
//!    campaigns.
//!
//! Only ranks, keys and counts decide the result, so it does not depend on
//! the order of the input (up to 64-bit key collisions).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::normalise::{TextKey, key_and_len, key_of_normal, normal_chars};
use super::signature::{BANDS, SIGNATURE_LEN, Signature, shingles_into};
use super::template::{representative, template_priority};
use super::verify::{
    MAX_COPY_LENGTH_FACTOR, MIN_CAMPAIGN_CHARS, NearCopy, Prepared, TemplateView, near_copy,
    near_copy_of, ordered_chain,
};

/// Fewest submissions that make a campaign: two people sending one letter.
pub const MIN_CAMPAIGN_SUBMISSIONS: usize = 2;

/// Signature check before the exact near-copy rule: estimated share of the
/// leader's shingles found in the candidate. On the benchmark data real
/// copies estimate at 0.64 or more (the estimate from 72 MinHash values has
/// a standard deviation near 0.05 in Jaccard), while opinions that merely
/// share a topic estimate near 0.4; only pairs above 0.5 are verified exactly.
const PREFILTER_MIN_CONTAINMENT: f64 = 0.5;

/// One shingle in this many (by hash) is kept in a text's sample, the
/// second check before the exact rule: the sample keeps text order, so the
/// ordered containment of a leader's sample in a candidate's estimates the
/// exact rule closely at a quarter of the cost and no re-normalisation.
const SAMPLE_MODULUS: u32 = 4;

/// Share of a leader's sampled shingles that a candidate must contain in
/// order before the exact rule runs. On the benchmark data real copies keep
/// 0.69 or more of them (an edit removes up to five shingles, so this share
/// falls faster than coverage), while 95 % of the pairs that passed the
/// signature check but fail the exact rule keep less than 0.55.
const SAMPLE_MIN_CONTAINMENT: f64 = 0.55;

/// Leaders with fewer sampled shingles than this skip the sample check: the
/// estimate is too noisy and the exact rule is cheap for such short texts.
const SAMPLE_MIN_LEN: usize = 16;

/// Most groups remembered per LSH bucket. Buckets of common phrasing can be
/// shared by hundreds of unrelated opinions; campaigns register first (their
/// letters rank first), so capping costs little recall and bounds the work.
const MAX_GROUPS_PER_BUCKET: usize = 64;

/// "None" in the dense index arrays.
const NONE: u32 = u32::MAX;

/// Where one submission ended up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextGroup<Id> {
    /// The submission's id, as given.
    pub id: Id,
    /// Identity of its comparison form; equal keys are the same distinct text.
    pub text_key: TextKey,
    /// Index into [`Grouping::campaigns`], if the submission is a campaign copy.
    pub campaign: Option<usize>,
}

/// One campaign: a template and the submissions that copy it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign<Id> {
    /// A submission whose text is the template, in its most common spelling.
    pub template_id: Id,
    /// Text key of the template; names the campaign across regroupings.
    pub template_key: TextKey,
    /// Number of submissions in the campaign (the template's included).
    pub size: usize,
    /// Number of distinct texts among them.
    pub distinct_texts: usize,
}

/// Work counters of one grouping run (for reports and tuning).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupingStats {
    /// Distinct comparison forms.
    pub distinct_texts: usize,
    /// Distinct texts long enough to take part in campaigns.
    pub eligible_texts: usize,
    /// (text, group) pairs found through shared band keys.
    pub candidate_pairs: usize,
    /// Pairs that passed the signature check and had their samples compared.
    pub sampled_pairs: usize,
    /// Pairs that passed the sample check and were verified exactly.
    pub verified_pairs: usize,
}

/// Result of grouping a consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grouping<Id> {
    /// One entry per input submission, in input order.
    pub texts: Vec<TextGroup<Id>>,
    /// Campaigns, largest first (ties by template key).
    pub campaigns: Vec<Campaign<Id>>,
    /// Work counters.
    pub stats: GroupingStats,
}

impl<Id> Grouping<Id> {
    /// Ids of the submissions in campaign `campaign`, in input order.
    pub fn members(&self, campaign: usize) -> impl Iterator<Item = &Id> {
        self.texts
            .iter()
            .filter(move |t| t.campaign == Some(campaign))
            .map(|t| &t.id)
    }
}

/// One distinct comparison form.
#[derive(Debug, Clone, Copy)]
struct DistinctText {
    key: TextKey,
    submissions: u32,
    /// Any submission with this form; all normalise to the same chars.
    first_text: u32,
    normal_len: u32,
}

/// A group being built: its leader and how many it holds.
#[derive(Debug, Clone, Copy)]
struct Group {
    leader_rank: u32,
    submissions: u32,
    distinct_texts: u32,
}

/// Shared LSH buckets per ranked text, in compressed-row form.
struct Buckets {
    offsets: Vec<u32>,
    bucket_ids: Vec<u32>,
    count: usize,
}

impl Buckets {
    fn of(&self, rank: usize) -> &[u32] {
        let from = self.offsets.get(rank).copied().unwrap_or(0) as usize;
        let to = self.offsets.get(rank + 1).copied().unwrap_or(0) as usize;
        self.bucket_ids.get(from..to).unwrap_or(&[])
    }
}

/// Groups a whole consultation: `texts` are `(submission id, text)` pairs.
pub fn group<Id: Clone + Ord>(texts: &[(Id, &str)]) -> Grouping<Id> {
    group_weighted(texts, &[])
}

/// Groups texts that each stand for `weights[i]` submissions (one entry per distinct text
/// read from a database that already counted its copies); an empty `weights` means one
/// each. Campaign sizes and template choice count submissions, as with `group`.
pub fn group_weighted<Id: Clone + Ord>(texts: &[(Id, &str)], weights: &[u32]) -> Grouping<Id> {
    let (distinct, distinct_of_text) = distinct_texts(texts, weights);
    let order = rank_eligible(&distinct);
    let ranked = Ranked {
        texts,
        distinct: &distinct,
        order: &order,
    };
    let (sketches, band_keys) = sketch(&ranked);
    let buckets = shared_buckets(band_keys, order.len());
    let formed = form_groups(&ranked, &sketches, &buckets);
    let (campaigns, campaign_of_group) =
        collect_campaigns(&ranked, &formed.groups, &distinct_of_text);

    let mut rank_of_distinct = vec![NONE; distinct.len()];
    for (rank, &d) in order.iter().enumerate() {
        rank_of_distinct[d as usize] = rank as u32;
    }
    let texts = texts
        .iter()
        .zip(&distinct_of_text)
        .map(|((id, _), &d)| {
            let campaign = formed
                .group_of_rank
                .get(rank_of_distinct[d as usize] as usize)
                .map(|&g| campaign_of_group[g as usize])
                .filter(|&c| c != NONE)
                .map(|c| c as usize);
            TextGroup {
                id: id.clone(),
                text_key: distinct[d as usize].key,
                campaign,
            }
        })
        .collect();
    Grouping {
        texts,
        campaigns,
        stats: GroupingStats {
            distinct_texts: distinct.len(),
            eligible_texts: order.len(),
            ..formed.stats
        },
    }
}

/// The eligible distinct texts in rank order, with their submissions.
///
/// Every index stored in the grouping's arrays comes from these slices'
/// own lengths, so indexing them cannot fail.
struct Ranked<'a, Id> {
    texts: &'a [(Id, &'a str)],
    distinct: &'a [DistinctText],
    order: &'a [u32],
}

impl<Id> Ranked<'_, Id> {
    fn len(&self) -> usize {
        self.order.len()
    }

    fn info(&self, rank: usize) -> DistinctText {
        self.distinct[self.order[rank] as usize]
    }

    /// One submission's text with this rank's comparison form.
    fn text(&self, rank: usize) -> &str {
        self.texts[self.info(rank).first_text as usize].1
    }
}

/// Compact per-rank summaries used to decide cheaply whether to compare.
struct Sketches {
    /// One byte of each MinHash value (the containment estimate).
    minhash: Vec<[u8; SIGNATURE_LEN]>,
    /// Distinct shingles per text.
    shingle_counts: Vec<u32>,
    /// Sampled shingles in text order (see [`SAMPLE_MODULUS`]), all texts
    /// one after another.
    samples: Vec<u16>,
    sample_offsets: Vec<u32>,
}

impl Sketches {
    fn sample(&self, rank: usize) -> &[u16] {
        let from = self.sample_offsets[rank] as usize;
        let to = self.sample_offsets[rank + 1] as usize;
        &self.samples[from..to]
    }
}

/// Computes the sketches and the band keys of every ranked text.
fn sketch<Id>(ranked: &Ranked<'_, Id>) -> (Sketches, Vec<u64>) {
    let ranks = ranked.len();
    let mut band_keys: Vec<u64> = Vec::with_capacity(ranks * BANDS);
    let mut sketches = Sketches {
        minhash: Vec::with_capacity(ranks),
        shingle_counts: Vec::with_capacity(ranks),
        samples: Vec::new(),
        sample_offsets: Vec::with_capacity(ranks + 1),
    };
    sketches.sample_offsets.push(0);
    let mut normal = Vec::new();
    let mut shingles = Vec::new();
    for rank in 0..ranks {
        normal_chars(ranked.text(rank), &mut normal);
        shingles_into(&normal, &mut shingles);
        let signature = Signature::from_shingles(&shingles);
        band_keys.extend_from_slice(&signature.band_keys());
        sketches.minhash.push(signature.values().map(|v| v as u8));
        sketches
            .samples
            .extend(shingles.iter().filter_map(|&h| sampled(h)));
        sketches.sample_offsets.push(sketches.samples.len() as u32);
        shingles.sort_unstable();
        shingles.dedup();
        sketches.shingle_counts.push(shingles.len() as u32);
    }
    (sketches, band_keys)
}

/// Groups formed in rank order.
struct Formed {
    groups: Vec<Group>,
    group_of_rank: Vec<u32>,
    stats: GroupingStats,
}

/// Step 3 of the module docs: each ranked text joins the best group whose
/// leader it contains, or leads a new one.
fn form_groups<Id>(ranked: &Ranked<'_, Id>, sketches: &Sketches, buckets: &Buckets) -> Formed {
    let mut formed = Formed {
        groups: Vec::new(),
        group_of_rank: Vec::with_capacity(ranked.len()),
        stats: GroupingStats::default(),
    };
    let mut registry = BucketRegistry {
        first: vec![NONE; buckets.count],
        more: FxHashMap::default(),
    };
    // Last rank that saw each group, to list a group once per text.
    let mut seen_by: Vec<u32> = Vec::new();
    // Leaders of groups with members, kept prepared for their next copies.
    let mut leaders: FxHashMap<u32, Prepared> = FxHashMap::default();
    let mut candidates: Vec<u32> = Vec::new();
    let mut sample_index: Vec<(u16, u32)> = Vec::new();
    let mut normal = Vec::new();
    let mut shingles = Vec::new();

    for rank in 0..ranked.len() {
        candidates.clear();
        for &bucket in buckets.of(rank) {
            for g in registry.groups(bucket) {
                if seen_by[g as usize] != rank as u32 {
                    seen_by[g as usize] = rank as u32;
                    candidates.push(g);
                }
            }
        }
        sample_index.clear();
        if !candidates.is_empty() {
            sample_index.extend(sketches.sample(rank).iter().copied().zip(0u32..));
            sample_index.sort_unstable();
        }
        let own = ranked.info(rank);
        let mut prepared: Option<Prepared> = None;
        let mut best: Option<(NearCopy, u32)> = None;
        for &g in &candidates {
            formed.stats.candidate_pairs += 1;
            let leader = formed.groups[g as usize].leader_rank as usize;
            let plausible = plausible_containment(
                &sketches.minhash[leader],
                &sketches.minhash[rank],
                sketches.shingle_counts[leader],
                sketches.shingle_counts[rank],
            );
            let too_long =
                own.normal_len > ranked.info(leader).normal_len * MAX_COPY_LENGTH_FACTOR as u32;
            if !plausible || too_long {
                continue;
            }
            formed.stats.sampled_pairs += 1;
            let leader_sample = sketches.sample(leader);
            if leader_sample.len() >= SAMPLE_MIN_LEN {
                let kept = ordered_chain(leader_sample, &sample_index).len();
                if (kept as f64) < SAMPLE_MIN_CONTAINMENT * leader_sample.len() as f64 {
                    continue;
                }
            }
            formed.stats.verified_pairs += 1;
            let candidate = prepared.get_or_insert_with(|| Prepared::new(ranked.text(rank)));
            let verdict = match leaders.get(&g) {
                Some(template) => near_copy(template, candidate),
                None => {
                    // A lone leader is compared rarely; its shingles are
                    // recomputed rather than kept for every text.
                    normal_chars(ranked.text(leader), &mut normal);
                    shingles_into(&normal, &mut shingles);
                    let template = TemplateView {
                        key: key_of_normal(&normal),
                        normal_len: normal.len(),
                        shingles: &shingles,
                    };
                    near_copy_of(template, candidate)
                }
            };
            if let Some(score) = verdict
                && best.is_none_or(|(b, bg)| better(score, g, b, bg))
            {
                best = Some((score, g));
            }
        }
        let group = match best {
            Some((_, g)) => {
                let joined = &mut formed.groups[g as usize];
                joined.submissions += own.submissions;
                joined.distinct_texts += 1;
                let leader = joined.leader_rank as usize;
                leaders
                    .entry(g)
                    .or_insert_with(|| Prepared::new(ranked.text(leader)));
                g
            }
            None => {
                formed.groups.push(Group {
                    leader_rank: rank as u32,
                    submissions: own.submissions,
                    distinct_texts: 1,
                });
                seen_by.push(NONE);
                (formed.groups.len() - 1) as u32
            }
        };
        formed.group_of_rank.push(group);
        for &bucket in buckets.of(rank) {
            registry.register(bucket, group);
        }
    }
    formed
}

/// Which groups are present in each shared bucket.
struct BucketRegistry {
    /// First group registered per bucket (most buckets only ever have one).
    first: Vec<u32>,
    /// Further groups of the few buckets shared by several.
    more: FxHashMap<u32, Vec<u32>>,
}

impl BucketRegistry {
    fn groups(&self, bucket: u32) -> impl Iterator<Item = u32> + '_ {
        let first = self.first.get(bucket as usize).copied().unwrap_or(NONE);
        let more = self.more.get(&bucket).map(Vec::as_slice).unwrap_or(&[]);
        std::iter::once(first)
            .chain(more.iter().copied())
            .filter(|&g| g != NONE)
    }

    fn register(&mut self, bucket: u32, group: u32) {
        let Some(first) = self.first.get_mut(bucket as usize) else {
            return;
        };
        if *first == NONE {
            *first = group;
        } else if *first != group {
            let more = self.more.entry(bucket).or_default();
            if more.len() < MAX_GROUPS_PER_BUCKET && !more.contains(&group) {
                more.push(group);
            }
        }
    }
}

/// Step 4: groups large enough become campaigns, largest first, each shown
/// by its leader's most common spelling. Also returns each group's campaign
/// index (or [`NONE`]).
fn collect_campaigns<Id: Clone + Ord>(
    ranked: &Ranked<'_, Id>,
    groups: &[Group],
    distinct_of_text: &[u32],
) -> (Vec<Campaign<Id>>, Vec<u32>) {
    let leader_key = |g: &Group| ranked.info(g.leader_rank as usize).key;
    let mut campaign_groups: Vec<usize> = (0..groups.len())
        .filter(|&g| groups[g].submissions as usize >= MIN_CAMPAIGN_SUBMISSIONS)
        .collect();
    campaign_groups.sort_by_key(|&g| {
        (
            std::cmp::Reverse(groups[g].submissions),
            leader_key(&groups[g]),
        )
    });
    let mut campaign_of_group = vec![NONE; groups.len()];
    let mut campaign_of_leader: FxHashMap<u32, usize> = FxHashMap::default();
    for (campaign, &g) in campaign_groups.iter().enumerate() {
        campaign_of_group[g] = campaign as u32;
        campaign_of_leader.insert(ranked.order[groups[g].leader_rank as usize], campaign);
    }
    let mut shown: Vec<Vec<(&Id, &str)>> = vec![Vec::new(); campaign_groups.len()];
    for ((id, text), d) in ranked.texts.iter().zip(distinct_of_text) {
        if let Some(&campaign) = campaign_of_leader.get(d) {
            shown[campaign].push((id, text));
        }
    }
    let campaigns = campaign_groups
        .iter()
        .zip(&shown)
        .filter_map(|(&g, spellings)| {
            let group = &groups[g];
            Some(Campaign {
                template_id: representative(spellings.iter().copied())?.clone(),
                template_key: leader_key(group),
                size: group.submissions as usize,
                distinct_texts: group.distinct_texts as usize,
            })
        })
        .collect();
    (campaigns, campaign_of_group)
}

/// Collapses submissions into distinct comparison forms.
fn distinct_texts<Id>(texts: &[(Id, &str)], weights: &[u32]) -> (Vec<DistinctText>, Vec<u32>) {
    let mut index_of_key: FxHashMap<TextKey, u32> = FxHashMap::default();
    let mut distinct: Vec<DistinctText> = Vec::new();
    let mut distinct_of_text = Vec::with_capacity(texts.len());
    for (position, (_, text)) in texts.iter().enumerate() {
        let (key, normal_len) = key_and_len(text);
        let d = *index_of_key.entry(key).or_insert_with(|| {
            distinct.push(DistinctText {
                key,
                submissions: 0,
                first_text: position as u32,
                normal_len: normal_len as u32,
            });
            (distinct.len() - 1) as u32
        });
        let weight = weights.get(position).copied().unwrap_or(1);
        distinct[d as usize].submissions += weight;
        distinct_of_text.push(d);
    }
    (distinct, distinct_of_text)
}

/// Distinct texts that can be campaign letters, in template-priority order.
fn rank_eligible(distinct: &[DistinctText]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..distinct.len() as u32)
        .filter(|&d| distinct[d as usize].normal_len as usize >= MIN_CAMPAIGN_CHARS)
        .collect();
    order.sort_by_key(|&d| {
        let t = distinct[d as usize];
        template_priority(t.submissions as usize, t.normal_len as usize, t.key)
    });
    order
}

/// Finds the band keys shared by at least two ranked texts.
///
/// Each key is packed with its rank into one `u64` (the key's low bits give
/// way to the rank) and the array is sorted in place; equal high bits are one
/// bucket. Truncating the key only adds rare spurious candidates, which the
/// exact rule rejects, and keeps memory at 8 bytes per band key.
fn shared_buckets(mut packed: Vec<u64>, ranks: usize) -> Buckets {
    let rank_bits = (u64::BITS - (ranks as u64).leading_zeros()).max(1);
    let rank_mask = (1u64 << rank_bits) - 1;
    for (i, value) in packed.iter_mut().enumerate() {
        *value = (*value & !rank_mask) | (i / BANDS) as u64;
    }
    packed.sort_unstable();
    let shared_runs = || {
        packed
            .chunk_by(move |a, b| a & !rank_mask == b & !rank_mask)
            .filter(|run| run.len() >= 2)
    };
    let mut offsets = vec![0u32; ranks + 1];
    for run in shared_runs() {
        for &value in run {
            offsets[(value & rank_mask) as usize + 1] += 1;
        }
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let mut fill = offsets.clone();
    let mut bucket_ids = vec![0u32; offsets.last().copied().unwrap_or(0) as usize];
    let mut count = 0;
    for (bucket, run) in shared_runs().enumerate() {
        for &value in run {
            let slot = &mut fill[(value & rank_mask) as usize];
            bucket_ids[*slot as usize] = bucket as u32;
            *slot += 1;
        }
        count = bucket + 1;
    }
    Buckets {
        offsets,
        bucket_ids,
        count,
    }
}

/// Whether the signatures make it plausible that the candidate contains the
/// leader: `|L ∩ C| = J / (1 + J) · (|L| + |C|)` for Jaccard similarity `J`.
fn plausible_containment(
    leader: &[u8; SIGNATURE_LEN],
    candidate: &[u8; SIGNATURE_LEN],
    leader_shingles: u32,
    candidate_shingles: u32,
) -> bool {
    let equal = leader.iter().zip(candidate).filter(|(a, b)| a == b).count();
    let jaccard = equal as f64 / SIGNATURE_LEN as f64;
    let shared = jaccard / (1.0 + jaccard) * f64::from(leader_shingles + candidate_shingles);
    shared >= PREFILTER_MIN_CONTAINMENT * f64::from(leader_shingles.max(1))
}

/// The sample value of a shingle hash, if the shingle is in the sample.
fn sampled(hash: u32) -> Option<u16> {
    // The low bits choose the sample, the high bits are the value kept.
    hash.is_multiple_of(SAMPLE_MODULUS)
        .then_some((hash >> 16) as u16)
}

/// Order of preference among templates a text contains: the one explaining
/// most of the text (so a copy joins the whole letter, not a short opinion
/// quoting part of it), then the better coverage, then the older group.
fn better(score: NearCopy, group: u32, best: NearCopy, best_group: u32) -> bool {
    (
        score.covered_chars,
        score.coverage,
        std::cmp::Reverse(group),
    ) > (
        best.covered_chars,
        best.coverage,
        std::cmp::Reverse(best_group),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER: &str = "デジタル社会の実現に向けた重点計画（案）について意見を申し上げます。\
        ガバメントクラウドへの移行は、特定の海外事業者への依存を強め、障害時の責任の所在も曖昧にします。\
        国内の事業者も参加できる調達方法に改め、移行費用の総額を公表してください。";
    const OTHER_LETTER: &str = "医療DX推進工程表（案）について意見を提出します。電子カルテの標準化を急ぐあまり、\
        小規模な診療所では導入費用と職員の負担が重くのしかかっています。十分な財政支援と移行期間の確保を求めます。";

    fn consultation() -> Vec<(u32, String)> {
        let mut texts = vec![
            (10, LETTER.to_string()),
            (11, LETTER.replace('、', "，")),
            (12, format!("私は二児の母です。{LETTER}")),
            (
                13,
                format!(
                    "{}よろしくお願いします。",
                    LETTER.replacen("公表", "開示", 1)
                ),
            ),
            (20, OTHER_LETTER.to_string()),
            (21, OTHER_LETTER.replace("DX", "ＤＸ")),
            (30, "反対です。".to_string()),
            (31, "反対です".to_string()),
            (32, "賛成です。".to_string()),
        ];
        // An opinion quoting one sentence of the letter, and one on its topic.
        texts.push((40, "ガバメントクラウドへの移行は、特定の海外事業者への依存を強め、障害時の責任の所在も曖昧にします。\
            とはいえ私は、クラウド化そのものには賛成で、費用が下がるなら早く進めてほしいと考えています。".to_string()));
        texts.push((41, "ガバメントクラウドの利用料が自治体の負担になると聞きました。町の予算で払えるのか、住民として心配です。".to_string()));
        texts
    }

    fn grouped(texts: &[(u32, String)]) -> Grouping<u32> {
        let input: Vec<(u32, &str)> = texts.iter().map(|(i, t)| (*i, t.as_str())).collect();
        group(&input)
    }

    fn campaign_of(grouping: &Grouping<u32>, id: u32) -> Option<usize> {
        grouping
            .texts
            .iter()
            .find(|t| t.id == id)
            .and_then(|t| t.campaign)
    }

    #[test]
    fn copies_group_short_texts_and_quotes_do_not() {
        let grouping = grouped(&consultation());
        assert_eq!(grouping.campaigns.len(), 2);
        let letter = campaign_of(&grouping, 10).expect("the letter is a campaign");
        for id in [11, 12, 13] {
            assert_eq!(campaign_of(&grouping, id), Some(letter), "copy {id}");
        }
        assert_eq!(campaign_of(&grouping, 20), campaign_of(&grouping, 21));
        assert_ne!(campaign_of(&grouping, 20), Some(letter));
        for id in [30, 31, 32, 40, 41] {
            assert_eq!(campaign_of(&grouping, id), None, "text {id}");
        }
        let campaign = &grouping.campaigns[letter];
        assert_eq!(campaign.size, 4);
        assert_eq!(campaign.distinct_texts, 3);
        assert_eq!(
            campaign.template_key,
            super::super::normalise::text_key(LETTER)
        );
        // The template is shown by its most common spelling (10 and 11 tie; 10's sorts first).
        assert!([10, 11].contains(&campaign.template_id));
        let members: Vec<u32> = grouping.members(letter).copied().collect();
        assert_eq!(members, vec![10, 11, 12, 13]);
    }

    #[test]
    fn identical_short_texts_share_a_key_but_form_no_campaign() {
        let grouping = grouped(&consultation());
        let key = |id: u32| {
            grouping
                .texts
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.text_key)
        };
        assert_eq!(key(30), key(31));
        assert_ne!(key(30), key(32));
        assert_eq!(campaign_of(&grouping, 30), None);
        assert_eq!(grouping.stats.distinct_texts, 8);
    }

    #[test]
    fn result_does_not_depend_on_input_order() {
        let texts = consultation();
        let forward = grouped(&texts);
        let mut reversed = texts.clone();
        reversed.reverse();
        let backward = grouped(&reversed);
        assert_eq!(forward.campaigns, backward.campaigns);
        for t in &forward.texts {
            assert_eq!(campaign_of(&backward, t.id), t.campaign, "text {}", t.id);
        }
    }

    #[test]
    fn distinct_texts_with_weights_group_like_their_copies() {
        let texts = consultation();
        let all: Vec<(u32, &str)> = texts.iter().map(|(id, t)| (*id, t.as_str())).collect();
        let full = group(&all);
        // One entry per comparison form, weighted by how many submissions have it.
        let mut seen: Vec<(TextKey, u32, usize)> = Vec::new();
        for (i, (_, text)) in all.iter().enumerate() {
            let key = crate::analysis::campaigns::text_key(text);
            match seen.iter_mut().find(|(k, _, _)| *k == key) {
                Some(entry) => entry.1 += 1,
                None => seen.push((key, 1, i)),
            }
        }
        let distinct: Vec<(u32, &str)> = seen.iter().map(|&(_, _, i)| all[i]).collect();
        let weights: Vec<u32> = seen.iter().map(|&(_, w, _)| w).collect();
        let weighted = group_weighted(&distinct, &weights);
        let summary = |g: &Grouping<u32>| -> Vec<(TextKey, usize, usize)> {
            g.campaigns
                .iter()
                .map(|c| (c.template_key, c.size, c.distinct_texts))
                .collect()
        };
        assert_eq!(summary(&weighted), summary(&full));
    }

    #[test]
    fn empty_input_gives_empty_grouping() {
        let grouping = group::<u32>(&[]);
        assert!(grouping.texts.is_empty() && grouping.campaigns.is_empty());
    }
}
