//! Moderator decisions that survive regrouping.
//!
//! The application stores each decision by submission id and re-applies
//! all of them after every batch grouping with [`apply_decisions`] (or calls
//! [`group_with_decisions`]). Decisions are applied in a fixed order, so the
//! result does not depend on when they were made:
//!
//! 1. *Joins*: each pair's campaigns become one campaign (a standalone
//!    submission joins the other's campaign; two standalone submissions make
//!    a campaign of their own).
//! 2. *Detachments*: each detached submission is in no campaign, even if a
//!    join named it. Only that submission is detached; an exact duplicate of
//!    it stays where the rule put it unless it is detached too.
//! 3. Campaigns left with fewer than [`MIN_CAMPAIGN_SUBMISSIONS`] submissions
//!    dissolve.
//!
//! A merged campaign keeps the template of its largest part. Ids that are no
//! longer in the grouping are ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::grouping::{Campaign, Grouping, MIN_CAMPAIGN_SUBMISSIONS, group};
use super::normalise::TextKey;

/// Moderator decisions, by submission id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions<Id> {
    /// Submissions taken out of their campaign.
    pub detached: Vec<Id>,
    /// Pairs of submissions put into one campaign.
    pub joined: Vec<(Id, Id)>,
}

impl<Id> Default for Decisions<Id> {
    fn default() -> Self {
        Self {
            detached: Vec::new(),
            joined: Vec::new(),
        }
    }
}

/// Groups `texts` (see [`group`]) and applies the moderators' decisions.
pub fn group_with_decisions<Id: Clone + Ord>(
    texts: &[(Id, &str)],
    decisions: &Decisions<Id>,
) -> Grouping<Id> {
    apply_decisions(group(texts), decisions)
}

/// Applies moderator decisions to a grouping (see the module docs).
pub fn apply_decisions<Id: Clone + Ord>(
    mut grouping: Grouping<Id>,
    decisions: &Decisions<Id>,
) -> Grouping<Id> {
    let position: BTreeMap<&Id, usize> = grouping
        .texts
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.id, i))
        .collect();

    // Labels: existing campaigns first, then one per standalone text joined.
    let mut label: Vec<Option<usize>> = grouping.texts.iter().map(|t| t.campaign).collect();
    let mut parent: Vec<usize> = (0..grouping.campaigns.len()).collect();
    for (a, b) in &decisions.joined {
        let (Some(&a), Some(&b)) = (position.get(a), position.get(b)) else {
            continue;
        };
        let mut label_of = |text: usize, parent: &mut Vec<usize>| match label[text] {
            Some(l) => l,
            None => {
                parent.push(parent.len());
                label[text] = Some(parent.len() - 1);
                parent.len() - 1
            }
        };
        let la = label_of(a, &mut parent);
        let lb = label_of(b, &mut parent);
        let (ra, rb) = (root(&mut parent, la), root(&mut parent, lb));
        // The smaller label (an original campaign, larger first) stays the root.
        parent[ra.max(rb)] = ra.min(rb);
    }
    for id in &decisions.detached {
        if let Some(&i) = position.get(id) {
            label[i] = None;
        }
    }

    // Members of each surviving label.
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, l) in label.iter().enumerate() {
        if let Some(l) = l {
            members.entry(root(&mut parent, *l)).or_default().push(i);
        }
    }
    let old = std::mem::take(&mut grouping.campaigns);
    let mut rebuilt: Vec<(usize, Campaign<Id>)> = Vec::new();
    for (root_label, texts) in members {
        if texts.len() < MIN_CAMPAIGN_SUBMISSIONS {
            continue;
        }
        let ids: BTreeMap<&Id, TextKey> = texts
            .iter()
            .map(|&i| (&grouping.texts[i].id, grouping.texts[i].text_key))
            .collect();
        // Template: that of the largest original part still present, else
        // the most common distinct text among the members.
        let kept = old
            .iter()
            .enumerate()
            .filter(|(c, campaign)| {
                let c = *c;
                root(&mut parent, c) == root_label && ids.contains_key(&campaign.template_id)
            })
            .map(|(_, campaign)| campaign)
            .min_by_key(|c| (std::cmp::Reverse(c.size), c.template_key));
        let Some((template_id, template_key)) = kept
            .map(|c| (c.template_id.clone(), c.template_key))
            .or_else(|| most_common(&ids))
        else {
            continue;
        };
        let mut keys: Vec<TextKey> = ids.values().copied().collect();
        keys.sort_unstable();
        keys.dedup();
        rebuilt.push((
            root_label,
            Campaign {
                template_id,
                template_key,
                size: texts.len(),
                distinct_texts: keys.len(),
            },
        ));
    }
    rebuilt.sort_by(|a, b| {
        (std::cmp::Reverse(a.1.size), a.1.template_key)
            .cmp(&(std::cmp::Reverse(b.1.size), b.1.template_key))
    });
    let index_of_label: BTreeMap<usize, usize> = rebuilt
        .iter()
        .enumerate()
        .map(|(index, (l, _))| (*l, index))
        .collect();
    for (text, l) in grouping.texts.iter_mut().zip(&label) {
        text.campaign = l.and_then(|l| index_of_label.get(&root(&mut parent, l)).copied());
    }
    grouping.campaigns = rebuilt.into_iter().map(|(_, c)| c).collect();
    grouping
}

/// Root of a label in the union-find forest, halving paths on the way.
fn root(parent: &mut [usize], mut label: usize) -> usize {
    while let Some(&up) = parent.get(label) {
        if up == label {
            break;
        }
        let grand = parent.get(up).copied().unwrap_or(up);
        parent[label] = grand;
        label = up;
    }
    label
}

/// The most common text key among members (smaller key on ties) and the
/// smallest id that has it; `None` only for no members.
fn most_common<Id: Clone + Ord>(ids: &BTreeMap<&Id, TextKey>) -> Option<(Id, TextKey)> {
    let mut counts: BTreeMap<TextKey, (usize, &Id)> = BTreeMap::new();
    for (&id, &key) in ids {
        // Ids come in ascending order, so the first id seen per key is the smallest.
        counts.entry(key).or_insert((0, id)).0 += 1;
    }
    counts
        .iter()
        .max_by_key(|(key, (count, _))| (*count, std::cmp::Reverse(**key)))
        .map(|(&key, &(_, id))| (id.clone(), key))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER_A: &str = "地方自治体のシステム標準化について意見を申し上げます。移行期限が短すぎるため、\
        多くの自治体で十分な検証ができないまま本番稼働を迎えるおそれがあります。期限の延長を求めます。";
    const LETTER_B: &str = "教育のデジタル化について意見を申し上げます。一人一台端末の更新費用を国が負担しなければ、\
        財政の厳しい自治体では端末の更新が遅れ、地域による教育格差が広がります。国による支援を求めます。";

    fn sample() -> Vec<(u32, String)> {
        vec![
            (1, LETTER_A.to_string()),
            (2, LETTER_A.to_string()),
            (3, format!("私は教員です。{LETTER_A}")),
            (4, LETTER_B.to_string()),
            (5, LETTER_B.replace('。', "．")),
            (6, "反対です。".to_string()),
            (7, "マイナ保険証の利用登録を窓口で勧められましたが、暗証番号を忘れてしまい手続ができませんでした。高齢の父も同じで困っています。".to_string()),
        ]
    }

    fn campaign_of(grouping: &Grouping<u32>, id: u32) -> Option<usize> {
        grouping
            .texts
            .iter()
            .find(|t| t.id == id)
            .and_then(|t| t.campaign)
    }

    #[test]
    fn no_decisions_change_nothing() {
        let data = sample();
        let texts: Vec<(u32, &str)> = data.iter().map(|(i, t)| (*i, t.as_str())).collect();
        let plain = group(&texts);
        assert_eq!(group_with_decisions(&texts, &Decisions::default()), plain);
        assert_eq!(plain.campaigns.len(), 2);
    }

    #[test]
    fn detached_and_joined_texts_survive_regrouping() {
        let data = sample();
        let texts: Vec<(u32, &str)> = data.iter().map(|(i, t)| (*i, t.as_str())).collect();
        let decisions = Decisions {
            detached: vec![3],
            joined: vec![(1, 4), (7, 2)],
        };
        let grouping = group_with_decisions(&texts, &decisions);
        assert_eq!(campaign_of(&grouping, 3), None);
        let merged = campaign_of(&grouping, 1);
        assert!(merged.is_some());
        for id in [2, 4, 5, 7] {
            assert_eq!(campaign_of(&grouping, id), merged, "id {id}");
        }
        assert_eq!(grouping.campaigns.len(), 1);
        let campaign = &grouping.campaigns[0];
        assert_eq!(campaign.size, 5);
        assert_eq!(campaign.distinct_texts, 3);
        // The larger part (letter A, two copies left) keeps its template.
        assert_eq!(campaign.template_key, key_of(LETTER_A));
        // Input order does not matter.
        let mut reversed = texts.clone();
        reversed.reverse();
        let again = group_with_decisions(&reversed, &decisions);
        assert_eq!(again.campaigns, grouping.campaigns);
    }

    #[test]
    fn detaching_below_the_minimum_dissolves_and_two_standalone_texts_can_be_joined() {
        let data = sample();
        let texts: Vec<(u32, &str)> = data.iter().map(|(i, t)| (*i, t.as_str())).collect();
        let decisions = Decisions {
            detached: vec![4],
            joined: vec![(6, 7), (99, 1)],
        };
        let grouping = group_with_decisions(&texts, &decisions);
        assert_eq!(
            campaign_of(&grouping, 5),
            None,
            "letter B is left with one copy"
        );
        let joined = campaign_of(&grouping, 6);
        assert!(joined.is_some());
        assert_eq!(campaign_of(&grouping, 7), joined);
    }

    fn key_of(text: &str) -> TextKey {
        super::super::normalise::text_key(text)
    }
}
