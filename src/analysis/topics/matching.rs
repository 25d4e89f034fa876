//! Matching topics across recomputations, so that drafters' names and decisions follow their topics.

use serde::{Deserialize, Serialize};

use super::TopicMap;

/// Below this score an old and a new topic are not the same topic.
pub const MATCH_MIN_SCORE: f32 = 0.3;
/// Share of the score given by member overlap; the rest comes from term overlap, which still
/// works when most texts are new (a consultation that grew) or when members are not stored.
const MEMBER_SHARE: f32 = 0.7;

/// What the app stores about a topic to recognise it in a later computation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicFingerprint {
    /// The drafter's key of the topic, when it carries one (see [`Options::pinned`](super::Options::pinned)).
    pub key: Option<String>,
    /// The heaviest centroid terms with their weights, heaviest first.
    pub terms: Vec<(String, f32)>,
    /// Ids of the primary members, ascending.
    pub members: Vec<u64>,
}

/// Similarity of two fingerprints in [0, 1]: Dice overlap of members blended with cosine of terms.
pub fn fingerprint_similarity(a: &TopicFingerprint, b: &TopicFingerprint) -> f32 {
    let terms = term_cosine(&a.terms, &b.terms);
    if a.members.is_empty() || b.members.is_empty() {
        return terms;
    }
    let shared = sorted_intersection(&a.members, &b.members);
    let dice = 2.0 * shared as f32 / (a.members.len() + b.members.len()) as f32;
    MEMBER_SHARE * dice + (1.0 - MEMBER_SHARE) * terms
}

fn sorted_intersection(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

fn term_cosine(a: &[(String, f32)], b: &[(String, f32)]) -> f32 {
    let norm = |v: &[(String, f32)]| v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    let dot: f32 = a
        .iter()
        .filter_map(|(term, wa)| {
            b.iter()
                .find(|(other, _)| other == term)
                .map(|(_, wb)| wa * wb)
        })
        .sum();
    (dot / (na * nb)).clamp(0.0, 1.0)
}

/// For each topic of `new`, the index in `old` of the same topic, if any.
///
/// Topics carrying the same key match first; the rest are paired greedily, best score first,
/// one to one, when the score reaches [`MATCH_MIN_SCORE`]. A topic that was split matches the
/// part that kept most of it; a merged topic matches the larger of its former parts.
pub fn match_topics(old: &[TopicFingerprint], new: &TopicMap) -> Vec<Option<usize>> {
    let fresh: Vec<&TopicFingerprint> = new.topics.iter().map(|t| &t.fingerprint).collect();
    let mut matched: Vec<Option<usize>> = vec![None; fresh.len()];
    let mut taken = vec![false; old.len()];
    for (n, f) in fresh.iter().enumerate() {
        if let Some(key) = &f.key
            && let Some(o) = old.iter().position(|of| of.key.as_ref() == Some(key))
            && !taken[o]
        {
            matched[n] = Some(o);
            taken[o] = true;
        }
    }
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for (n, f) in fresh.iter().enumerate() {
        if matched[n].is_some() {
            continue;
        }
        for (o, of) in old.iter().enumerate() {
            // Keys are the drafter's identities: a keyed topic is never mistaken for another key.
            if taken[o] || (of.key.is_some() && f.key.is_some()) {
                continue;
            }
            let score = fingerprint_similarity(of, f);
            if score >= MATCH_MIN_SCORE {
                pairs.push((score, n, o));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, n, o) in pairs {
        if matched[n].is_none() && !taken[o] {
            matched[n] = Some(o);
            taken[o] = true;
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(key: Option<&str>, terms: &[&str], members: &[u64]) -> TopicFingerprint {
        TopicFingerprint {
            key: key.map(String::from),
            terms: terms.iter().map(|t| (t.to_string(), 1.0)).collect(),
            members: members.to_vec(),
        }
    }

    #[test]
    fn similarity_blends_members_and_terms() {
        let a = fingerprint(None, &["保険証", "廃止"], &[1, 2, 3, 4]);
        let b = fingerprint(None, &["保険証", "廃止"], &[1, 2, 3, 4]);
        assert!((fingerprint_similarity(&a, &b) - 1.0).abs() < 1e-6);
        let c = fingerprint(None, &["クラウド"], &[9]);
        assert_eq!(fingerprint_similarity(&a, &c), 0.0);
        let d = fingerprint(None, &["保険証", "廃止"], &[]);
        assert!((fingerprint_similarity(&a, &d) - 1.0).abs() < 1e-6);
    }
}
