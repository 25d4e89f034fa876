//! Topics of a consultation's opinions, computed in-process without any model or dictionary.
//!
//! [`compute_topics`] groups distinct opinion texts (a campaign is one [`Document`] whose
//! `weight` is its number of submissions) into topics with labels, sizes, representatives
//! and members; a text may belong to several topics. [`match_topics`] recognises topics of an
//! earlier computation so that drafters' names survive, and [`Options::pinned`] /
//! [`Options::excluded`] carry drafters' moves, merges and splits into the next computation.
//! [`summarise`] writes extractive summaries citing their sources, [`minority_views`] lists
//! small distinct topics, and [`suggest_section`] proposes the draft section an opinion is about.
//!
//! How drafter decisions are expressed for a recomputation:
//! - rename: store the topic's [`TopicFingerprint`] with the name; after recomputing, give each new
//!   topic the name of the old topic [`match_topics`] pairs it with (a keyed topic keeps its key).
//! - move a text into a topic, merge, split: give the target topic a key (the app's own topic id)
//!   and pin the texts the drafter placed there to that key; all texts pinned to one key end up as
//!   primary members of the one topic that carries it.
//! - remove a text from a topic: exclude it from that topic's key; it never joins it again.

mod clustering;
mod fasthash;
mod labels;
mod matching;
mod minority;
mod representatives;
mod rng;
mod sections;
mod summary;
pub mod terms;
mod vectors;

use serde::{Deserialize, Serialize};

use self::clustering::{ClusterSettings, Constraints};
use self::fasthash::FxHashMap;
use self::representatives::Candidate;
use self::terms::TermMode;
use self::vectors::{Corpus, Pruning};

pub use self::clustering::{
    MAX_SECONDARY_TOPICS, MERGE_SIMILARITY, SECONDARY_MIN_STRENGTH, UNASSIGNED_BELOW,
};
pub use self::labels::{LABEL_SEPARATOR, LABEL_TERMS, label_from_terms};
pub use self::matching::{MATCH_MIN_SCORE, TopicFingerprint, fingerprint_similarity, match_topics};
pub use self::minority::{DEFAULT_MINORITY_SHARE, MinorityView, minority_views};
pub use self::sections::{Reason, SectionIndex, SectionRef, SectionSuggestion, suggest_section};
pub use self::summary::{Summary, SummarySentence, split_sentences, summarise};

/// Distinctive terms kept per topic (the label uses the first [`LABEL_TERMS`]).
pub const TOPIC_TERMS: usize = 5;
/// Representative opinions per topic.
pub const REPRESENTATIVES: usize = 3;
/// Centroid terms kept in a fingerprint: enough to recognise a topic, small enough to store.
pub const FINGERPRINT_TERMS: usize = 30;
/// Default minimum number of distinct texts for an automatic topic; smaller groups join others.
pub const DEFAULT_MIN_TOPIC_SIZE: usize = 3;
/// Default share of the primary strength a secondary topic must reach. A text that spends one
/// sentence in six on another topic scores about a quarter as high there; on the synthetic
/// consultation three in four memberships at this level are the text's real second theme.
pub const DEFAULT_SECONDARY_THRESHOLD: f32 = 0.25;
/// Automatic mode over-clusters to about √n clusters, capped here, before merging similar ones
/// and splitting loose ones: small distinct topics get their own seed instead of being swallowed.
const MAX_INITIAL_TOPICS: usize = 40;

/// One distinct opinion text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Document<'a> {
    /// The app's id of the text (a receipt number or a distinct-text id); unique within a call.
    pub id: u64,
    /// The text.
    pub text: &'a str,
    /// Number of submissions this text stands for (a campaign's copies); 1 for a single opinion.
    pub weight: u32,
}

/// A drafter's placement of a text with respect to a keyed topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    /// The text.
    pub doc_id: u64,
    /// The key of the topic (the app's own stable topic id).
    pub key: String,
}

/// How to compute topics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// Number of clusters to seed, keyed topics included, with no merging or splitting (fewer
    /// topics result only when texts are too alike or clusters fall under `min_topic_size`);
    /// `None` chooses the number from the data.
    pub target_topics: Option<usize>,
    /// Seed of the random choices; the same seed and input give the same topics.
    pub seed: u64,
    /// Unkeyed topics with fewer distinct texts are dissolved: their texts join the nearest
    /// other topic or stay unassigned. The largest topic is always kept.
    pub min_topic_size: usize,
    /// A text is also a secondary member of a topic whose strength reaches this share of its
    /// primary strength (and [`SECONDARY_MIN_STRENGTH`]).
    pub secondary_threshold: f32,
    /// Texts the drafter placed: each ends up a primary member of the topic carrying its key.
    /// A text pinned twice keeps its last pin.
    pub pinned: Vec<Pin>,
    /// Texts the drafter removed from a keyed topic: they never join it again (pins win over this).
    pub excluded: Vec<Pin>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            target_topics: None,
            seed: 0x1dea_b0c5,
            min_topic_size: DEFAULT_MIN_TOPIC_SIZE,
            secondary_threshold: DEFAULT_SECONDARY_THRESHOLD,
            pinned: Vec::new(),
            excluded: Vec::new(),
        }
    }
}

/// A text's membership of a topic.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The text.
    pub doc_id: u64,
    /// Cosine similarity to the topic's centroid, in [0, 1].
    pub strength: f32,
    /// Whether this is the text's primary topic (each text has at most one).
    pub primary: bool,
}

/// One topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// The drafter's key when the topic holds pinned texts.
    pub key: Option<String>,
    /// Display label from the first terms (「マイナンバーカード・保険証・紐付け」).
    pub label: String,
    /// Distinctive terms, best first.
    pub terms: Vec<String>,
    /// Primary and secondary members, strongest first.
    pub members: Vec<Member>,
    /// Submissions of the primary members (weights summed). Secondary members are not counted
    /// here, so the sizes of all topics plus the unassigned add up to the consultation's total.
    pub size_submissions: u64,
    /// Number of primary members.
    pub distinct_texts: usize,
    /// Submissions of the secondary members.
    pub secondary_submissions: u64,
    /// Number of secondary members.
    pub secondary_texts: usize,
    /// Up to three representative texts: central, heavier preferred slightly, no near-twins.
    pub representatives: Vec<u64>,
    /// What to store to recognise this topic later (see [`match_topics`]).
    pub fingerprint: TopicFingerprint,
}

impl Topic {
    /// Ids of the primary members, strongest first.
    pub fn primary_members(&self) -> impl Iterator<Item = u64> + '_ {
        self.members.iter().filter(|m| m.primary).map(|m| m.doc_id)
    }
}

/// All topics of a consultation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TopicMap {
    /// Topics, largest first (by submissions, then by distinct texts).
    pub topics: Vec<Topic>,
    /// Texts in no topic: without any usable term, or unrelated to every topic. Show them as "other".
    pub unassigned: Vec<u64>,
    /// Submissions of all input texts.
    pub total_submissions: u64,
    /// Number of input texts.
    pub total_texts: usize,
    /// Cosine similarity between topic centroids, row-major `topics × topics`.
    pub similarity: Vec<f32>,
}

impl TopicMap {
    /// Cosine similarity of the centroids of topics `a` and `b` (0 when out of range).
    pub fn topic_similarity(&self, a: usize, b: usize) -> f32 {
        let n = self.topics.len();
        if a < n && b < n {
            self.similarity[a * n + b]
        } else {
            0.0
        }
    }

    /// Each assigned text's primary topic index, ascending by text id.
    pub fn primary_assignments(&self) -> Vec<(u64, usize)> {
        let mut pairs: Vec<(u64, usize)> = self
            .topics
            .iter()
            .enumerate()
            .flat_map(|(i, t)| t.primary_members().map(move |id| (id, i)))
            .collect();
        pairs.sort_unstable();
        pairs
    }

    /// The index of the topic carrying `key`.
    pub fn topic_with_key(&self, key: &str) -> Option<usize> {
        self.topics
            .iter()
            .position(|t| t.key.as_deref() == Some(key))
    }

    /// The fingerprints to store for the next recomputation, in topic order.
    pub fn fingerprints(&self) -> Vec<TopicFingerprint> {
        self.topics.iter().map(|t| t.fingerprint.clone()).collect()
    }
}

/// The computation was stopped by the progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("topic computation cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// Number of clusters seeded in automatic mode for `texts` usable texts.
fn initial_topics(texts: usize) -> usize {
    ((texts as f64).sqrt().round() as usize)
        .clamp(2, MAX_INITIAL_TOPICS)
        .min(texts.max(1))
}

/// Groups `docs` into topics. `progress(done, total)` is called regularly; returning false cancels.
///
/// Deterministic for a given input set and `options.seed`: texts are processed in id order.
/// Topics are formed over distinct texts (a campaign counts once), so a large campaign cannot
/// swallow other opinions; weights decide sizes, order and representatives.
pub fn compute_topics(
    docs: &[Document<'_>],
    options: &Options,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<TopicMap, Cancelled> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_key(|&i| docs[i].id);
    let sorted: Vec<&Document<'_>> = order.iter().map(|&i| &docs[i]).collect();
    let unit = sorted.len().max(1);
    let total = 4 * unit;

    let corpus = Corpus::build(
        sorted.iter().map(|d| d.text),
        TermMode::Topics,
        Pruning::RareAndCommon,
        &mut |done| progress(done, total),
    )
    .ok_or(Cancelled)?;
    let active = (0..corpus.rows.len())
        .filter(|&r| !corpus.rows.row_is_empty(r))
        .count();

    let (keys, constraints) = constraints_for(&sorted, options);
    let (free, adjust) = match options.target_topics {
        Some(target) => (target.saturating_sub(keys.len()).max(1), false),
        None => (initial_topics(active), true),
    };
    let settings = ClusterSettings {
        free_clusters: free,
        adjust,
        min_size: options.min_topic_size,
        secondary_ratio: options.secondary_threshold,
        seed: options.seed,
    };
    let clustering = clustering::cluster(
        &corpus.rows,
        corpus.dimension(),
        &constraints,
        &settings,
        &mut |d, t| progress(unit + (2 * unit * d) / t.max(1), total),
    )
    .ok_or(Cancelled)?;
    if !progress(3 * unit, total) {
        return Err(Cancelled);
    }
    let map = describe(&sorted, &corpus, &clustering, &keys, active);
    progress(total, total);
    Ok(map)
}

/// The drafter's keys (sorted) and the per-row constraints they imply.
fn constraints_for(sorted: &[&Document<'_>], options: &Options) -> (Vec<String>, Constraints) {
    let row_of: FxHashMap<u64, usize> = sorted
        .iter()
        .enumerate()
        .map(|(row, d)| (d.id, row))
        .collect();
    let mut pin_of_row: Vec<Option<&str>> = vec![None; sorted.len()];
    for pin in &options.pinned {
        if let Some(&row) = row_of.get(&pin.doc_id) {
            pin_of_row[row] = Some(pin.key.as_str());
        }
    }
    let mut keys: Vec<String> = pin_of_row.iter().flatten().map(|k| k.to_string()).collect();
    keys.sort_unstable();
    keys.dedup();
    let key_index = |key: &str| {
        keys.binary_search_by(|k| k.as_str().cmp(key))
            .ok()
            .map(|i| i as u32)
    };
    let pinned: Vec<Option<u32>> = pin_of_row.iter().map(|k| k.and_then(key_index)).collect();
    let mut excluded: Vec<Vec<u32>> = vec![Vec::new(); sorted.len()];
    for pin in &options.excluded {
        if let (Some(&row), Some(cluster)) = (row_of.get(&pin.doc_id), key_index(&pin.key))
            && pinned[row] != Some(cluster)
            && !excluded[row].contains(&cluster)
        {
            excluded[row].push(cluster);
        }
    }
    let constraints = Constraints {
        keys: keys.len(),
        pinned,
        excluded,
    };
    (keys, constraints)
}

/// Builds the public topic map from the clustering.
fn describe(
    sorted: &[&Document<'_>],
    corpus: &Corpus,
    clustering: &clustering::Clustering,
    keys: &[String],
    active: usize,
) -> TopicMap {
    let clusters = clustering.clusters;
    let mut primaries: Vec<Vec<Candidate>> = vec![Vec::new(); clusters];
    let mut secondaries: Vec<Vec<(usize, f32)>> = vec![Vec::new(); clusters];
    let mut unassigned: Vec<u64> = Vec::new();
    for (row, doc) in sorted.iter().enumerate() {
        match clustering.primary[row] {
            Some(m) => primaries[m.cluster as usize].push(Candidate {
                row,
                strength: m.strength,
                weight: doc.weight,
            }),
            None => unassigned.push(doc.id),
        }
        for m in &clustering.secondary[row] {
            secondaries[m.cluster as usize].push((row, m.strength));
        }
    }
    let mut counts: Vec<u32> = Vec::new();
    let mut built: Vec<(Topic, usize)> = Vec::new();
    for cluster in 0..clusters {
        if primaries[cluster].is_empty() {
            continue;
        }
        let rows: Vec<usize> = primaries[cluster].iter().map(|c| c.row).collect();
        let term_ids = labels::distinctive_terms(corpus, &rows, active, &mut counts, TOPIC_TERMS);
        let centroid = &clustering.centroids[cluster];
        let mut heaviest: Vec<(u32, f32)> = centroid
            .iter()
            .enumerate()
            .filter(|&(_, &w)| w > 0.0)
            .map(|(t, &w)| (t as u32, w))
            .collect();
        heaviest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        heaviest.truncate(FINGERPRINT_TERMS);
        let mut terms: Vec<String> = term_ids.iter().map(|&t| corpus.display(t)).collect();
        if terms.is_empty() {
            // No whole word qualifies (tiny or odd topic): fall back to the heaviest features.
            terms = heaviest
                .iter()
                .take(TOPIC_TERMS)
                .map(|&(t, _)| corpus.display(t))
                .collect();
        }
        let mut members: Vec<Member> = primaries[cluster]
            .iter()
            .map(|c| Member {
                doc_id: sorted[c.row].id,
                strength: c.strength,
                primary: true,
            })
            .chain(secondaries[cluster].iter().map(|&(row, strength)| Member {
                doc_id: sorted[row].id,
                strength,
                primary: false,
            }))
            .collect();
        members.sort_by(|a, b| {
            b.strength
                .total_cmp(&a.strength)
                .then(a.doc_id.cmp(&b.doc_id))
        });
        let mut member_ids: Vec<u64> = primaries[cluster]
            .iter()
            .map(|c| sorted[c.row].id)
            .collect();
        member_ids.sort_unstable();
        let key = keys.get(cluster).cloned();
        let representatives =
            representatives::representatives(&primaries[cluster], &corpus.rows, REPRESENTATIVES)
                .into_iter()
                .map(|row| sorted[row].id)
                .collect();
        let topic = Topic {
            key: key.clone(),
            label: label_from_terms(&terms),
            terms,
            size_submissions: primaries[cluster].iter().map(|c| u64::from(c.weight)).sum(),
            distinct_texts: primaries[cluster].len(),
            secondary_submissions: secondaries[cluster]
                .iter()
                .map(|&(r, _)| u64::from(sorted[r].weight))
                .sum(),
            secondary_texts: secondaries[cluster].len(),
            members,
            representatives,
            fingerprint: TopicFingerprint {
                key,
                terms: heaviest
                    .iter()
                    .map(|&(t, w)| (corpus.terms[t as usize].to_string(), w))
                    .collect(),
                members: member_ids,
            },
        };
        built.push((topic, cluster));
    }
    built.sort_by(|(a, _), (b, _)| {
        b.size_submissions
            .cmp(&a.size_submissions)
            .then(b.distinct_texts.cmp(&a.distinct_texts))
            .then(
                a.fingerprint
                    .members
                    .first()
                    .cmp(&b.fingerprint.members.first()),
            )
    });
    let n = built.len();
    let mut similarity = vec![0.0f32; n * n];
    for (i, (_, a)) in built.iter().enumerate() {
        for (j, (_, b)) in built.iter().enumerate() {
            let (ca, cb) = (&clustering.centroids[*a], &clustering.centroids[*b]);
            similarity[i * n + j] = ca
                .iter()
                .zip(cb)
                .map(|(x, y)| x * y)
                .sum::<f32>()
                .clamp(0.0, 1.0);
        }
    }
    unassigned.sort_unstable();
    TopicMap {
        topics: built.into_iter().map(|(t, _)| t).collect(),
        unassigned,
        total_submissions: sorted.iter().map(|d| u64::from(d.weight)).sum(),
        total_texts: sorted.len(),
        similarity,
    }
}

#[cfg(test)]
mod tests;
