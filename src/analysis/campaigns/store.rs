//! An in-memory implementation of the incremental wiring described on
//! [`super::assign`]: the same lookups the application makes in its
//! database, kept in hash maps. Used by tests and benchmarks, and a reference
//! for the application's own queries.

use rustc_hash::FxHashMap;

use super::incremental::{
    Assignment, CampaignCandidate, MAX_TEXT_CANDIDATES, TemplateSource, TextCandidate, assign,
};
use super::normalise::{TextKey, normalise, text_key};
use super::template::template_priority;
use super::verify::band_keys;

/// One stored distinct text.
#[derive(Debug, Clone)]
struct StoredText<Id> {
    body: String,
    normal_len: usize,
    key: TextKey,
    submissions: Vec<Id>,
    campaign: Option<usize>,
}

/// What [`MemoryStore::candidates`] found for a text.
#[derive(Debug, Clone)]
pub struct Candidates<'a> {
    /// Campaigns sharing band keys with the text.
    pub campaigns: Vec<CampaignCandidate<'a, usize>>,
    /// Standalone texts sharing band keys with the text.
    pub texts: Vec<TextCandidate<'a, usize>>,
}

/// Submissions grouped incrementally, one at a time.
#[derive(Debug, Clone)]
pub struct MemoryStore<Id> {
    texts: Vec<StoredText<Id>>,
    by_key: FxHashMap<TextKey, usize>,
    /// Band key → stored distinct texts (the `campaign_bands` table).
    bands: FxHashMap<u64, Vec<u32>>,
    /// Template text of each campaign.
    templates: Vec<usize>,
}

impl<Id> Default for MemoryStore<Id> {
    fn default() -> Self {
        Self {
            texts: Vec::new(),
            by_key: FxHashMap::default(),
            bands: FxHashMap::default(),
            templates: Vec::new(),
        }
    }
}

impl<Id: Clone> MemoryStore<Id> {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one submission and returns its campaign number, if any.
    pub fn add(&mut self, id: Id, text: &str) -> Option<usize> {
        let key = text_key(text);
        let stored = self.by_key.get(&key).copied();
        let d = match stored {
            Some(d) => {
                let twin = &mut self.texts[d];
                twin.submissions.push(id);
                if let Some(campaign) = twin.campaign {
                    // One more exact copy may make this text the better template.
                    if self.rank(d)
                        < self
                            .templates
                            .get(campaign)
                            .map_or(self.rank(d), |&t| self.rank(t))
                    {
                        self.templates[campaign] = d;
                    }
                    return Some(campaign);
                }
                d
            }
            None => {
                self.texts.push(StoredText {
                    body: text.to_string(),
                    normal_len: normalise(text).chars().count(),
                    key,
                    submissions: vec![id],
                    campaign: None,
                });
                self.by_key.insert(key, self.texts.len() - 1);
                self.texts.len() - 1
            }
        };
        let keys = band_keys(text);
        if keys.is_empty() {
            return None;
        }
        let assignment = self.assign_stored(d, text, &keys);
        if stored.is_none() {
            for band_key in keys {
                self.bands.entry(band_key).or_default().push(d as u32);
            }
        }
        match assignment {
            Assignment::Join {
                campaign,
                becomes_template,
            } => {
                self.texts[d].campaign = Some(campaign);
                if becomes_template {
                    self.templates[campaign] = d;
                }
            }
            Assignment::NewCampaign { template, members } => {
                let campaign = self.templates.len();
                self.templates.push(match template {
                    TemplateSource::NewText => d,
                    TemplateSource::Existing(t) => t,
                });
                for m in members.into_iter().chain([d]) {
                    self.texts[m].campaign = Some(campaign);
                }
            }
            Assignment::TooShort | Assignment::Standalone => {}
        }
        self.texts[d].campaign
    }

    /// The candidates a new submission `text` would be compared with (for
    /// measuring [`assign`] on its own).
    pub fn candidates(&self, text: &str) -> Candidates<'_> {
        let d = self
            .by_key
            .get(&text_key(text))
            .copied()
            .unwrap_or(usize::MAX);
        self.find_candidates(d, &band_keys(text))
    }

    /// Finds the candidates of stored text `d` and asks [`assign`].
    fn assign_stored(&self, d: usize, text: &str, keys: &[u64]) -> Assignment<usize, usize> {
        let found = self.find_candidates(d, keys);
        match assign(text, &found.campaigns, &found.texts) {
            // The twin is the stored text itself: it is already `d`.
            Assignment::NewCampaign { template, members } => Assignment::NewCampaign {
                template: match template {
                    TemplateSource::Existing(t) if t == d => TemplateSource::NewText,
                    other => other,
                },
                members: members.into_iter().filter(|&m| m != d).collect(),
            },
            other => other,
        }
    }

    /// Campaigns and standalone texts sharing band keys with stored text `d`
    /// (or with a text not stored yet, for `d` out of range).
    fn find_candidates(&self, d: usize, keys: &[u64]) -> Candidates<'_> {
        let mut shared: FxHashMap<u32, usize> = FxHashMap::default();
        for band_key in keys {
            for &other in self.bands.get(band_key).map(Vec::as_slice).unwrap_or(&[]) {
                *shared.entry(other).or_default() += 1;
            }
        }
        let mut found: Vec<(u32, usize)> = shared.into_iter().collect();
        found.sort_unstable_by_key(|&(other, count)| (std::cmp::Reverse(count), other));
        let mut campaigns: Vec<usize> = Vec::new();
        let mut standalone: Vec<usize> = Vec::new();
        for (other, _) in found {
            let other = other as usize;
            match self.texts[other].campaign {
                Some(c) => campaigns.push(c),
                None if other != d && standalone.len() < MAX_TEXT_CANDIDATES => {
                    standalone.push(other)
                }
                None => {}
            }
        }
        campaigns.sort_unstable();
        campaigns.dedup();
        // The stored twin of a resubmitted text is passed like any standalone text.
        let twin_count = self.texts.get(d).map_or(0, |t| t.submissions.len() - 1);
        let campaign_candidates: Vec<CampaignCandidate<'_, usize>> = campaigns
            .iter()
            .map(|&c| {
                let template = &self.texts[self.templates[c]];
                CampaignCandidate {
                    campaign: c,
                    template: template.body.as_str(),
                    template_submissions: template.submissions.len(),
                }
            })
            .collect();
        let mut text_candidates: Vec<TextCandidate<'_, usize>> = standalone
            .iter()
            .map(|&t| TextCandidate {
                text: t,
                body: self.texts[t].body.as_str(),
                submissions: self.texts[t].submissions.len(),
            })
            .collect();
        if let Some(twin) = self.texts.get(d).filter(|_| twin_count > 0) {
            text_candidates.push(TextCandidate {
                text: d,
                body: twin.body.as_str(),
                submissions: twin_count,
            });
        }
        Candidates {
            campaigns: campaign_candidates,
            texts: text_candidates,
        }
    }

    /// Campaign number of every stored submission.
    pub fn assignments(&self) -> Vec<(Id, Option<usize>)> {
        self.texts
            .iter()
            .flat_map(|t| t.submissions.iter().map(|id| (id.clone(), t.campaign)))
            .collect()
    }

    /// Template priority of stored text `d` (smaller is a better template).
    fn rank(&self, d: usize) -> (std::cmp::Reverse<usize>, usize, TextKey) {
        let text = &self.texts[d];
        template_priority(text.submissions.len(), text.normal_len, text.key)
    }

    /// Template text of campaign `campaign`.
    pub fn template(&self, campaign: usize) -> Option<&str> {
        let text = self.templates.get(campaign)?;
        self.texts.get(*text).map(|t| t.body.as_str())
    }

    /// Number of campaigns created so far.
    pub fn campaign_count(&self) -> usize {
        self.templates.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::grouping::group;
    use super::*;

    const LETTER: &str = "個人情報保護法の改正案について意見を申し上げます。医療情報の二次利用を本人の同意なく認める仕組みは、\
        情報の漏えいや目的外利用への不安を大きくします。同意の撤回ができる仕組みと、第三者による監督を明記してください。";
    const SIBLING: &str = "個人情報保護法の改正案について意見を申し上げます。学習データの利活用を保護者の同意なく進める仕組みは、\
        子どもの将来に不利益をもたらすおそれがあります。同意の撤回ができる仕組みと、第三者による監督を明記してください。";

    fn texts() -> Vec<String> {
        vec![
            format!("私は看護師です。{LETTER}"),
            LETTER.replacen("不安", "懸念", 1),
            format!("{LETTER}以上です。"),
            LETTER.to_string(),
            LETTER.replace('。', "．"),
            SIBLING.to_string(),
            format!("{SIBLING}よろしくお願いします。"),
            "反対です。".to_string(),
            "反対です。".to_string(),
            "医療情報の二次利用を本人の同意なく認める仕組みは、情報の漏えいや目的外利用への不安を大きくします。\
             ただし研究の進展のためには、匿名化を条件に利用を認めてもよいと私は考えています。"
                .to_string(),
        ]
    }

    /// Pairs of positions that share a campaign.
    fn pairs(campaigns: &[Option<usize>]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in 0..campaigns.len() {
            for j in i + 1..campaigns.len() {
                if campaigns[i].is_some() && campaigns[i] == campaigns[j] {
                    out.push((i, j));
                }
            }
        }
        out
    }

    #[test]
    fn incremental_and_batch_grouping_agree_in_any_arrival_order() {
        let texts = texts();
        let input: Vec<(usize, &str)> = texts.iter().map(String::as_str).enumerate().collect();
        let batch: Vec<Option<usize>> = group(&input).texts.iter().map(|t| t.campaign).collect();
        let expected = pairs(&batch);
        assert!(!expected.is_empty());
        let mut orders: Vec<Vec<usize>> = vec![(0..texts.len()).collect()];
        orders.push((0..texts.len()).rev().collect());
        orders.push(vec![5, 0, 9, 2, 7, 1, 6, 3, 8, 4]);
        for order in orders {
            let mut store = MemoryStore::new();
            for &i in &order {
                store.add(i, &texts[i]);
            }
            let mut incremental = vec![None; texts.len()];
            for (id, campaign) in store.assignments() {
                incremental[id] = campaign;
            }
            assert_eq!(pairs(&incremental), expected, "order {order:?}");
        }
    }

    #[test]
    fn a_resubmitted_text_follows_its_twin() {
        let mut store = MemoryStore::new();
        assert_eq!(store.add(1, LETTER), None);
        let campaign = store.add(2, &LETTER.replace('、', " "));
        assert!(campaign.is_some());
        assert_eq!(store.add(3, LETTER), campaign);
        assert_eq!(store.add(4, "反対です。"), None);
        assert_eq!(store.add(5, "反対です"), None);
        assert_eq!(store.campaign_count(), 1);
    }
}
