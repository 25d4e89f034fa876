//! Minority views: small topics that are not variants of a larger one, so they are not lost in the counts.

use serde::{Deserialize, Serialize};

use super::TopicMap;

/// Default size limit of a minority view: at most this share of all submissions and of all texts.
pub const DEFAULT_MINORITY_SHARE: f32 = 0.05;
/// A small topic this similar to a larger one is a nuance of it rather than a view of its own.
const DISTINCT_BELOW: f32 = 0.35;

/// A small but distinct topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MinorityView {
    /// Index of the topic in the map.
    pub topic: usize,
    /// Its label.
    pub label: String,
    /// Its primary texts.
    pub distinct_texts: usize,
    /// Its submissions.
    pub size_submissions: u64,
    /// The larger of its share of all submissions and its share of all texts.
    pub share: f32,
    /// The most similar larger topic, if any.
    pub closest_topic: Option<usize>,
    /// Centroid similarity to that topic (0 when none).
    pub closest_similarity: f32,
}

/// Topics holding at most `max_share` of the submissions and of the texts whose centroid is not close to any
/// larger topic's, most distinct first. Unassigned texts are in [`TopicMap::unassigned`].
pub fn minority_views(map: &TopicMap, max_share: f32) -> Vec<MinorityView> {
    let submissions = map.total_submissions.max(1) as f32;
    let texts = map.total_texts.max(1) as f32;
    let mut views: Vec<MinorityView> = Vec::new();
    for (index, topic) in map.topics.iter().enumerate() {
        // Small by both counts: a view many people wrote is not a minority even without a campaign.
        let share =
            (topic.size_submissions as f32 / submissions).max(topic.distinct_texts as f32 / texts);
        if share > max_share {
            continue;
        }
        let closest = map
            .topics
            .iter()
            .enumerate()
            .filter(|(other, t)| *other != index && t.size_submissions > topic.size_submissions)
            .map(|(other, _)| (other, map.topic_similarity(index, other)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let closest_similarity = closest.map_or(0.0, |(_, s)| s);
        if closest_similarity >= DISTINCT_BELOW {
            continue;
        }
        views.push(MinorityView {
            topic: index,
            label: topic.label.clone(),
            distinct_texts: topic.distinct_texts,
            size_submissions: topic.size_submissions,
            share,
            closest_topic: closest.map(|(o, _)| o),
            closest_similarity,
        });
    }
    views.sort_by(|a, b| {
        a.closest_similarity
            .total_cmp(&b.closest_similarity)
            .then(a.topic.cmp(&b.topic))
    });
    views
}
