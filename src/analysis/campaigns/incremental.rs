//! Incremental assignment: where does a newly arrived submission go?
//!
//! The database wiring is documented on [`assign`].

use super::grouping::MIN_CAMPAIGN_SUBMISSIONS;
use super::template::template_priority;
use super::verify::{MIN_TEMPLATE_COVERAGE, NearCopy, Prepared, near_copy};

/// Most standalone candidates worth passing to [`assign`], the ones sharing
/// the most band keys first. Copies share several band keys with their
/// letter; beyond a few dozen candidates the rest share one key by chance.
pub const MAX_TEXT_CANDIDATES: usize = 64;

/// A campaign the new text may join, found through shared band keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CampaignCandidate<'a, C> {
    /// The application's campaign id.
    pub campaign: C,
    /// The campaign's template text.
    pub template: &'a str,
    /// Submissions of the template's distinct text so far.
    pub template_submissions: usize,
}

/// A stored distinct text that is in no campaign yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextCandidate<'a, T> {
    /// The application's id for this distinct text (any of its submissions).
    pub text: T,
    /// Its text.
    pub body: &'a str,
    /// How many submissions have this distinct text so far.
    pub submissions: usize,
}

/// Which text becomes the template of a new campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource<T> {
    /// The newly arrived text.
    NewText,
    /// A stored standalone text.
    Existing(T),
}

/// Where the new submission goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignment<C, T> {
    /// Too short to take part in campaigns; it counts only by its text key.
    TooShort,
    /// It joins an existing campaign.
    Join {
        /// The campaign.
        campaign: C,
        /// The new text represents the campaign better than its template
        /// (sent more often, or the same letter with fewer additions), so it
        /// should become the template, as a batch run would choose.
        becomes_template: bool,
    },
    /// It starts a campaign with these standalone texts (all their
    /// submissions join, twins of the new text included).
    NewCampaign {
        /// The new campaign's template.
        template: TemplateSource<T>,
        /// Standalone texts that join, besides the new one.
        members: Vec<T>,
    },
    /// It is in no campaign (yet).
    Standalone,
}

/// One text of the local grouping: the new one or a standalone candidate.
struct Unit<'a, T> {
    text: Option<&'a TextCandidate<'a, T>>,
    prepared: Prepared,
    submissions: usize,
}

/// The leader of a local group.
enum Leader {
    Campaign(usize),
    Unit(usize),
}

/// Whether a text joins a campaign with this template: it contains the
/// template, or the template contains it and it is nearly as long (the
/// template is then the same letter with a few additions).
fn joins_campaign(template: &Prepared, text: &Prepared) -> Option<NearCopy> {
    near_copy(template, text).or_else(|| {
        let nearly_as_long =
            text.normal_len() as f64 >= MIN_TEMPLATE_COVERAGE * template.normal_len() as f64;
        near_copy(text, template).filter(|_| nearly_as_long)
    })
}

/// Decides where the submission `text` goes, given the campaigns and the
/// standalone texts found through its band keys.
///
/// # Wiring with a database
///
/// The application keeps one row per band key of every stored distinct text:
/// `(consultation_id, band_key, text_id)` (see [`super::band_keys`]). When a
/// submission arrives:
///
/// 1. Compute [`super::text_key`]. If a stored text has the same key and is
///    in a campaign, the new submission joins that campaign (it is the same
///    distinct text) and nothing else is needed.
/// 2. Compute [`super::band_keys`]. An empty list means the text is too short
///    for campaigns: store it and stop.
/// 3. Find candidates by exact key lookup, with the new text's band keys in
///    `IN (...)`: the campaigns of matching texts,
///    `SELECT DISTINCT t.campaign_id FROM campaign_bands b JOIN texts t
///    ON t.id = b.text_id WHERE b.consultation_id = ? AND b.band_key IN (...)
///    AND t.campaign_id IS NOT NULL` (pass each with its template's text as a
///    [`CampaignCandidate`]), and the standalone texts,
///    `SELECT b.text_id, COUNT(*) AS shared FROM ... AND t.campaign_id IS NULL
///    GROUP BY b.text_id ORDER BY shared DESC LIMIT ?` with at most
///    [`MAX_TEXT_CANDIDATES`] (pass them as [`TextCandidate`]s). A standalone
///    stored text with the *same* key is passed as a `TextCandidate` too (it
///    is the new text's twin).
/// 4. Call [`assign`] and apply its [`Assignment`]; then store the new text's
///    band keys.
///
/// The result follows the batch rule of [`super::group`] restricted to the
/// candidates: the candidates are taken in template-priority order and each
/// joins the group whose template it contains best. An existing campaign is
/// also joined by a text that its template contains and that is nearly as
/// long (the template being a copy with additions, chosen when the campaign
/// was created from its first copies); such a text, or one sent more often,
/// [`becomes_template`](Assignment::Join), so templates converge on the one
/// a batch run picks. When an exact duplicate of a campaign member arrives
/// (step 1), the application makes that distinct text the template once it
/// outranks the template by [`template_priority`].
/// Batch and incremental grouping then agree up to copies that arrived
/// before their campaign's best template; an occasional batch regrouping
/// settles those.
pub fn assign<C: Clone + Ord, T: Clone + Ord>(
    text: &str,
    campaigns: &[CampaignCandidate<'_, C>],
    texts: &[TextCandidate<'_, T>],
) -> Assignment<C, T> {
    let new = Prepared::new(text);
    if !new.is_eligible() {
        return Assignment::TooShort;
    }
    // The new text's twins are the same distinct text: they add to its count.
    let mut own_submissions = 1;
    let mut twins = Vec::new();
    let mut units: Vec<Unit<'_, T>> = Vec::new();
    for candidate in texts {
        let prepared = Prepared::new(candidate.body);
        if prepared.key() == new.key() {
            own_submissions += candidate.submissions;
            twins.push(candidate.text.clone());
        } else if near_copy(&prepared, &new).is_some() || near_copy(&new, &prepared).is_some() {
            units.push(Unit {
                text: Some(candidate),
                prepared,
                submissions: candidate.submissions,
            });
        }
    }
    units.push(Unit {
        text: None,
        prepared: new,
        submissions: own_submissions,
    });
    units.sort_by_key(|u| {
        let order = template_priority(u.submissions, u.prepared.normal_len(), u.prepared.key());
        (order, u.text.map(|t| t.text.clone()))
    });

    // Existing campaigns come first, smallest id first on ties.
    let mut templates: Vec<(&CampaignCandidate<'_, C>, Prepared)> = campaigns
        .iter()
        .map(|c| (c, Prepared::new(c.template)))
        .collect();
    templates.sort_by(|a, b| a.0.campaign.cmp(&b.0.campaign));
    let mut leaders: Vec<Leader> = (0..templates.len()).map(Leader::Campaign).collect();
    let mut group_of_unit: Vec<usize> = Vec::with_capacity(units.len());
    for (u, unit) in units.iter().enumerate() {
        let mut best: Option<(NearCopy, usize)> = None;
        for (g, leader) in leaders.iter().enumerate() {
            let verdict = match leader {
                Leader::Campaign(c) => templates
                    .get(*c)
                    .and_then(|(_, t)| joins_campaign(t, &unit.prepared)),
                Leader::Unit(l) => units
                    .get(*l)
                    .and_then(|l| near_copy(&l.prepared, &unit.prepared)),
            };
            if let Some(score) = verdict
                && best.is_none_or(|(b, _)| {
                    (score.covered_chars, score.coverage) > (b.covered_chars, b.coverage)
                })
            {
                best = Some((score, g));
            }
        }
        group_of_unit.push(match best {
            Some((_, g)) => g,
            None => {
                leaders.push(Leader::Unit(u));
                leaders.len() - 1
            }
        });
    }

    let Some(new_unit) = units.iter().position(|u| u.text.is_none()) else {
        return Assignment::Standalone;
    };
    let group = group_of_unit[new_unit];
    match leaders.get(group) {
        Some(Leader::Campaign(c)) => match (templates.get(*c), units.get(new_unit)) {
            (Some((candidate, template)), Some(unit)) => {
                let own = template_priority(
                    unit.submissions,
                    unit.prepared.normal_len(),
                    unit.prepared.key(),
                );
                let current = template_priority(
                    candidate.template_submissions,
                    template.normal_len(),
                    template.key(),
                );
                Assignment::Join {
                    campaign: candidate.campaign.clone(),
                    becomes_template: own < current,
                }
            }
            _ => Assignment::Standalone,
        },
        Some(Leader::Unit(leader)) => {
            let in_group: Vec<usize> = (0..units.len())
                .filter(|&u| group_of_unit[u] == group)
                .collect();
            let submissions: usize = in_group.iter().map(|&u| units[u].submissions).sum();
            if submissions < MIN_CAMPAIGN_SUBMISSIONS {
                return Assignment::Standalone;
            }
            let template = match units.get(*leader).and_then(|u| u.text) {
                Some(t) => TemplateSource::Existing(t.text.clone()),
                None => match twins.iter().min() {
                    Some(twin) => TemplateSource::Existing(twin.clone()),
                    None => TemplateSource::NewText,
                },
            };
            let mut members: Vec<T> = in_group
                .iter()
                .filter_map(|&u| units[u].text.map(|t| t.text.clone()))
                .chain(twins)
                .collect();
            members.sort();
            members.dedup();
            Assignment::NewCampaign { template, members }
        }
        None => Assignment::Standalone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER: &str = "行政手続のオンライン化推進計画（案）について意見を申し上げます。\
        電子申請を原則とする方針は、パソコンやスマートフォンを使えない高齢者や障害のある方を取り残すおそれがあります。\
        窓口での対面手続と紙の申請書を今後も維持し、誰もが選べる仕組みとしてください。";

    fn copy_with(prefix: &str) -> String {
        format!("{prefix}{LETTER}")
    }

    #[test]
    fn a_copy_joins_the_campaign_it_contains() {
        let campaigns = [
            CampaignCandidate {
                campaign: 7,
                template: LETTER,
                template_submissions: 3,
            },
            CampaignCandidate {
                campaign: 3,
                template_submissions: 1,
                template: "まったく別の話題として、教育のデジタル化では一人一台端末の更新費用を誰が負担するのかが明らかではなく、財政の厳しい町村では対応できません。",
            },
        ];
        let texts: [TextCandidate<'_, u32>; 0] = [];
        let copy = copy_with("私は二児の母です。");
        assert_eq!(
            assign(&copy, &campaigns, &texts),
            Assignment::Join {
                campaign: 7,
                becomes_template: false
            }
        );
    }

    #[test]
    fn short_and_unrelated_texts_stay_out() {
        let campaigns = [CampaignCandidate {
            campaign: 1,
            template: LETTER,
            template_submissions: 1,
        }];
        let none: [TextCandidate<'_, u32>; 0] = [];
        assert_eq!(
            assign("反対です。", &campaigns, &none),
            Assignment::TooShort
        );
        let other = "マイナ保険証の利用登録を窓口で勧められましたが、暗証番号を忘れてしまい手続ができませんでした。高齢の父も同じで困っています。";
        assert_eq!(assign(other, &campaigns, &none), Assignment::Standalone);
    }

    #[test]
    fn a_second_copy_forms_a_campaign_with_the_standalone_letter() {
        let texts = [TextCandidate {
            text: 10u32,
            body: LETTER,
            submissions: 1,
        }];
        let copy = copy_with("埼玉県在住の会社員です。");
        let campaigns: [CampaignCandidate<'_, u32>; 0] = [];
        assert_eq!(
            assign(&copy, &campaigns, &texts),
            Assignment::NewCampaign {
                template: TemplateSource::Existing(10),
                members: vec![10]
            }
        );
        // The shorter bare letter arriving after a copy becomes the template.
        let copy_stored = copy.clone();
        let texts = [TextCandidate {
            text: 11u32,
            body: copy_stored.as_str(),
            submissions: 1,
        }];
        assert_eq!(
            assign(LETTER, &campaigns, &texts),
            Assignment::NewCampaign {
                template: TemplateSource::NewText,
                members: vec![11]
            }
        );
    }

    #[test]
    fn the_bare_letter_replaces_a_template_that_has_additions() {
        let with_additions = format!("{LETTER}私の母も同じ意見です。");
        let campaigns = [CampaignCandidate {
            campaign: 2,
            template: with_additions.as_str(),
            template_submissions: 1,
        }];
        let none: [TextCandidate<'_, u32>; 0] = [];
        let edited = LETTER.replacen("維持し", "残し", 1);
        assert_eq!(
            assign(&edited, &campaigns, &none),
            Assignment::Join {
                campaign: 2,
                becomes_template: true
            }
        );
        // A fragment of the template is not nearly as long: it stays out.
        let fragment: String = LETTER.chars().take(90).collect();
        assert_eq!(assign(&fragment, &campaigns, &none), Assignment::Standalone);
    }

    #[test]
    fn an_exact_twin_of_a_standalone_text_makes_a_campaign() {
        let texts = [TextCandidate {
            text: 4u32,
            body: LETTER,
            submissions: 1,
        }];
        let campaigns: [CampaignCandidate<'_, u32>; 0] = [];
        let wide = LETTER.replace('。', "．");
        assert_eq!(
            assign(&wide, &campaigns, &texts),
            Assignment::NewCampaign {
                template: TemplateSource::Existing(4),
                members: vec![4]
            }
        );
    }
}
