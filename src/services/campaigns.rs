//! The campaign ledger: copies of the same letter counted honestly. Every submission stays a
//! submission with its own receipt; a regrouping job (queued whenever submissions arrive,
//! and on demand) groups a consultation's distinct texts with `analysis::campaigns`,
//! applies the moderators' decisions again, and stores which campaign each submission is
//! in. Staff read the counts side by side (submissions, distinct texts, campaigns, the share
//! in campaigns), each campaign's letter once with its size and arrivals, and what each copy
//! added to it; moderators take a submission out of a campaign or join two.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::Value;

use crate::analysis::campaigns::{self as engine, Span};
use crate::db::models::campaigns::{self as rows, CampaignRow, FoundCampaign};
use crate::db::models::consultations::ConsultationRow;
use crate::db::models::ideas as idea_rows;
use crate::db::models::jobs::JobRow;
use crate::db::models::moderation::{self as log_rows, NewAction};
use crate::db::{AnyConnection, now};
use crate::domain::identity::Identity;
use crate::domain::ids::IdeaId;
use crate::domain::lang::Lang;
use crate::domain::policy;
use crate::error::AppError;
use crate::i18n;
use crate::services::consultations::load_visible;
use crate::services::context::ServiceContext;
use crate::services::jobs::{self, JobError, Progress};

/// Ideas given a text key per transaction when older rows lack one.
const KEY_BATCH: i64 = 2_000;
/// Campaigns per page of the ledger.
pub const CAMPAIGNS_PER_PAGE: i64 = 50;
/// Most campaigns one page of the API gives.
pub const MAX_CAMPAIGNS_PER_PAGE: i64 = 200;
/// Distinct texts of one campaign shown per page.
pub const COPIES_PER_PAGE: i64 = 50;

/// The four counts and the rule they follow, as reports, tables and exports state them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Ledger {
    pub submissions: i64,
    pub distinct_texts: i64,
    pub campaign_count: i64,
    pub in_campaigns: i64,
    /// Submissions in campaigns, as a share of all (0 to 1).
    pub campaign_share: f64,
    /// The counting rule in the reader's language, with the counts.
    pub counting_rule: String,
}

impl Ledger {
    /// The counting rule in another language.
    pub fn rule_in(&self, lang: Lang) -> String {
        counting_rule(
            lang,
            self.submissions,
            self.in_campaigns,
            self.campaign_count,
            self.distinct_texts,
        )
    }
}

/// How a regrouping ended.
#[derive(Serialize)]
struct Regrouped {
    submissions: i64,
    distinct_texts: usize,
    campaigns: usize,
    in_campaigns: i64,
}

/// The job: groups a consultation again from scratch and stores the result.
pub fn regroup(
    ctx: &ServiceContext,
    job: &JobRow,
    progress: &mut Progress,
) -> Result<Value, JobError> {
    let consultation = job.consultation_id.ok_or_else(|| {
        JobError::App(AppError::internal(anyhow::anyhow!(
            "regroup without a consultation"
        )))
    })?;
    fill_text_keys(ctx, consultation, progress)?;
    let (distinct, bodies, memberships, decisions) = ctx.db.read_sync(|c| {
        let distinct = rows::distinct_texts(c, consultation)?;
        let ids: Vec<i64> = distinct.iter().map(|d| d.representative).collect();
        let bodies: HashMap<i64, String> = rows::bodies(c, &ids)?.into_iter().collect();
        let memberships = rows::memberships(c, consultation)?;
        let decisions = rows::decisions(c, consultation)?;
        Ok((distinct, bodies, memberships, decisions))
    })?;
    let total = memberships.len() as i64;
    progress.report(0, total, true)?;

    // Group the distinct texts, each weighted by its submissions.
    let texts: Vec<(i64, &str)> = distinct
        .iter()
        .map(|d| {
            (
                d.text_key,
                bodies.get(&d.representative).map_or("", String::as_str),
            )
        })
        .collect();
    let weights: Vec<u32> = distinct
        .iter()
        .map(|d| u32::try_from(d.submissions).unwrap_or(u32::MAX))
        .collect();
    let grouping = engine::group_weighted(&texts, &weights);
    progress.report(total / 2, total, false)?;

    // Each submission's campaign (an index into `grouping.campaigns`), then the decisions.
    let campaign_of_key: HashMap<i64, usize> = grouping
        .texts
        .iter()
        .filter_map(|t| t.campaign.map(|c| (t.id, c)))
        .collect();
    let mut assignment: HashMap<i64, Option<usize>> = memberships
        .iter()
        .map(|(id, key, _, _)| (*id, campaign_of_key.get(key).copied()))
        .collect();
    let key_of: HashMap<i64, i64> = memberships
        .iter()
        .map(|(id, key, _, _)| (*id, *key))
        .collect();
    apply_decisions(
        &mut assignment,
        &key_of,
        &decisions,
        grouping.campaigns.len(),
    );

    // Campaigns as found, with sizes recounted after the decisions (a campaign left with one
    // submission is none).
    let received: HashMap<i64, NaiveDateTime> = memberships
        .iter()
        .map(|(id, _, at, _)| (*id, *at))
        .collect();
    let mut members: Vec<Vec<i64>> = vec![Vec::new(); grouping.campaigns.len()];
    for (id, campaign) in &assignment {
        if let Some(c) = campaign {
            members[*c].push(*id);
        }
    }
    let found: Vec<(usize, FoundCampaign)> = grouping
        .campaigns
        .iter()
        .enumerate()
        .filter(|(i, _)| members[*i].len() >= engine::MIN_CAMPAIGN_SUBMISSIONS)
        .map(|(i, c)| {
            let times = members[i].iter().filter_map(|id| received.get(id));
            let first = times.clone().min().copied().unwrap_or_else(now);
            let last = times.max().copied().unwrap_or(first);
            let distinct_keys: std::collections::HashSet<i64> = members[i]
                .iter()
                .filter_map(|id| key_of.get(id))
                .copied()
                .collect();
            (
                i,
                FoundCampaign {
                    template_idea_id: distinct
                        .iter()
                        .find(|d| d.text_key == c.template_id)
                        .map_or(0, |d| d.representative),
                    template_key: c.template_key as i64,
                    size: members[i].len() as i64,
                    distinct_texts: distinct_keys.len() as i64,
                    first_at: first,
                    last_at: last,
                },
            )
        })
        .collect();
    let current: HashMap<i64, Option<i64>> = memberships
        .iter()
        .map(|(id, _, _, campaign)| (*id, *campaign))
        .collect();
    let in_campaigns: i64 = found.iter().map(|(_, f)| f.size).sum();
    let campaign_count = found.len();
    let distinct_count = distinct.len();
    // One transaction, through the site's write queue: readers see the old grouping or the
    // new one, never half of each.
    let db = ctx.db.clone();
    tokio::runtime::Handle::current().block_on(db.write(move |c| {
        let at = now();
        let mut id_of_index: HashMap<usize, i64> = HashMap::new();
        for (index, campaign) in &found {
            id_of_index.insert(*index, rows::upsert(c, consultation, campaign, at)?);
        }
        let mut moves: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
        for (idea, campaign) in &assignment {
            let target = campaign.and_then(|i| id_of_index.get(&i).copied());
            if current.get(idea).copied().flatten() != target {
                moves.entry(target).or_default().push(*idea);
            }
        }
        for (target, ideas) in &moves {
            rows::assign(c, ideas, *target)?;
        }
        let kept: Vec<i64> = id_of_index.values().copied().collect();
        rows::delete_except(c, consultation, &kept)?;
        Ok(())
    }))?;
    progress.report(total, total, true)?;
    tracing::info!(
        consultation,
        campaigns = campaign_count,
        in_campaigns,
        "regrouped"
    );
    Ok(serde_json::to_value(Regrouped {
        submissions: total,
        distinct_texts: distinct_count,
        campaigns: campaign_count,
        in_campaigns,
    })
    .unwrap_or(Value::Null))
}

/// Gives older rows (and generated data) their text key, a batch at a time.
fn fill_text_keys(
    ctx: &ServiceContext,
    consultation: i64,
    progress: &mut Progress,
) -> Result<(), JobError> {
    loop {
        let batch = ctx
            .db
            .read_sync(|c| Ok(rows::without_key(c, consultation, KEY_BATCH)?))?;
        if batch.is_empty() {
            return Ok(());
        }
        let keyed: Vec<(i64, i64)> = batch
            .iter()
            .map(|(id, body)| (*id, engine::text_key(body) as i64))
            .collect();
        ctx.db.write_bookkeeping_sync(|c| {
            for (id, key) in &keyed {
                rows::set_text_key(c, *id, *key)?;
            }
            Ok(())
        })?;
        progress.report(0, 0, false)?;
    }
}

/// Applies moderators' decisions in the order they were made: a join puts both ideas'
/// campaigns (or texts) into one; a detachment takes one submission out of any campaign.
fn apply_decisions(
    assignment: &mut HashMap<i64, Option<usize>>,
    key_of: &HashMap<i64, i64>,
    decisions: &[rows::DecisionRow],
    found: usize,
) {
    let mut next_index = found;
    for d in decisions {
        match (d.kind.as_str(), d.other_idea_id) {
            ("join", Some(other)) => {
                let (Some(a), Some(b)) = (
                    assignment.get(&d.idea_id).copied(),
                    assignment.get(&other).copied(),
                ) else {
                    continue;
                };
                // Ideas in no campaign bring their whole distinct text with them.
                let target = a.or(b).unwrap_or_else(|| {
                    next_index += 1;
                    next_index - 1
                });
                let texts: Vec<i64> = [d.idea_id, other]
                    .iter()
                    .filter_map(|i| key_of.get(i).copied())
                    .collect();
                for (idea, campaign) in assignment.iter_mut() {
                    let in_joined = (campaign.is_some() && (*campaign == a || *campaign == b))
                        || key_of.get(idea).is_some_and(|k| texts.contains(k));
                    if in_joined {
                        *campaign = Some(target);
                    }
                }
            }
            ("detach", _) => {
                if let Some(campaign) = assignment.get_mut(&d.idea_id) {
                    *campaign = None;
                }
            }
            _ => {}
        }
    }
}

/// Queues a regrouping of the consultation now (staff, on demand).
#[tracing::instrument(skip_all)]
pub async fn regroup_now(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
) -> Result<i64, AppError> {
    let actor = identity.user.actor();
    policy::can_record_submissions(&actor)?;
    let slug = slug.to_owned();
    let user = identity.user.id.0;
    let job = ctx
        .db
        .write(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            jobs::queue_regroup(c, consultation.id, Some(user), chrono::Duration::zero())
        })
        .await?;
    ctx.jobs.wake();
    Ok(job)
}

/// The counting rule, with the counts, in one language.
pub fn counting_rule(
    lang: Lang,
    submissions: i64,
    in_campaigns: i64,
    campaigns: i64,
    distinct: i64,
) -> String {
    i18n::text_with(
        lang,
        "counting-rule",
        &[
            ("submissions", group_digits(submissions)),
            ("in_campaigns", group_digits(in_campaigns)),
            ("campaigns", group_digits(campaigns)),
            ("distinct", group_digits(distinct)),
        ],
    )
}

/// `207850` as `207,850`.
pub fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The ledger's counts inside a caller's read.
pub fn ledger_in(
    conn: &mut AnyConnection,
    consultation: &ConsultationRow,
    lang: Lang,
) -> Result<Ledger, AppError> {
    let (submissions, distinct_texts, in_campaigns) = rows::totals(conn, consultation.id)?;
    let campaign_count = rows::count(conn, consultation.id)?;
    Ok(Ledger {
        submissions,
        distinct_texts,
        campaign_count,
        in_campaigns,
        campaign_share: if submissions > 0 {
            in_campaigns as f64 / submissions as f64
        } else {
            0.0
        },
        counting_rule: counting_rule(
            lang,
            submissions,
            in_campaigns,
            campaign_count,
            distinct_texts,
        ),
    })
}

/// The four counts of a consultation and their rule (staff).
#[tracing::instrument(skip_all)]
pub async fn counts(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    lang: Lang,
) -> Result<Ledger, AppError> {
    let actor = identity.user.actor();
    policy::can_record_submissions(&actor)?;
    let slug = slug.to_owned();
    ctx.db
        .read(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            ledger_in(c, &consultation, lang)
        })
        .await
}

/// A campaign as lists show it: its letter once, size and arrivals.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignItem {
    pub id: i64,
    pub size: i64,
    pub distinct_texts: i64,
    pub template: String,
    pub template_receipt: String,
    /// The submission the letter is shown from (joins name its campaign through it).
    pub template_idea_id: i64,
    pub first_at: NaiveDateTime,
    pub last_at: NaiveDateTime,
}

/// One page of a consultation's campaigns, largest first.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignPage {
    pub ledger: Ledger,
    pub items: Vec<CampaignItem>,
    pub next_cursor: Option<String>,
}

fn parse_cursor(raw: Option<&str>) -> Result<Option<(i64, i64)>, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let (size, id) = raw
        .split_once('.')
        .and_then(|(s, i)| Some((s.parse::<i64>().ok()?, i.parse::<i64>().ok()?)))
        .filter(|(s, i)| *s >= 0 && *i > 0)
        .ok_or(AppError::BadRequest("error-cursor-invalid"))?;
    Ok(Some((size, id)))
}

fn item(conn: &mut AnyConnection, row: CampaignRow) -> Result<CampaignItem, AppError> {
    let template = idea_rows::find(conn, row.template_idea_id)?;
    Ok(CampaignItem {
        id: row.id,
        size: row.size,
        distinct_texts: row.distinct_texts,
        template: template
            .as_ref()
            .map(|t| t.body.clone())
            .unwrap_or_default(),
        template_receipt: template.map(|t| t.receipt).unwrap_or_default(),
        template_idea_id: row.template_idea_id,
        first_at: row.first_at,
        last_at: row.last_at,
    })
}

/// The ledger and one page of campaigns (staff).
#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    cursor: Option<&str>,
    limit: Option<&str>,
    lang: Lang,
) -> Result<CampaignPage, AppError> {
    let actor = identity.user.actor();
    policy::can_record_submissions(&actor)?;
    let after = parse_cursor(cursor)?;
    let limit = match limit.map(str::trim).filter(|l| !l.is_empty()) {
        None => CAMPAIGNS_PER_PAGE,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_CAMPAIGNS_PER_PAGE).contains(n))
            .ok_or(AppError::BadRequest("error-limit-invalid"))?,
    };
    let slug = slug.to_owned();
    ctx.db
        .read(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            let ledger = ledger_in(c, &consultation, lang)?;
            let found = rows::page(c, consultation.id, after, limit + 1)?;
            let more = found.len() as i64 > limit;
            let mut items = Vec::new();
            for row in found.into_iter().take(limit as usize) {
                items.push(item(c, row)?);
            }
            let next_cursor = more
                .then(|| items.last().map(|i| format!("{}.{}", i.size, i.id)))
                .flatten();
            Ok(CampaignPage {
                ledger,
                items,
                next_cursor,
            })
        })
        .await
}

/// A distinct text of a campaign: how many sent it, one of its receipts, and what it adds
/// to the letter.
#[derive(Clone, Debug, Serialize)]
pub struct CopyText {
    pub submissions: i64,
    pub receipt: String,
    pub idea_id: i64,
    /// The text cut where it differs from the letter (`added` pieces are the copy's own).
    pub pieces: Vec<Piece>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Piece {
    pub text: String,
    pub added: bool,
}

/// Arrivals per day (or hour, for a campaign that arrived within two days).
#[derive(Clone, Debug, Serialize)]
pub struct Arrival {
    pub label: String,
    pub count: i64,
}

/// A campaign's page: the letter, its counts, arrivals, and its distinct texts with their
/// additions.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignDetail {
    pub item: CampaignItem,
    pub consultation_slug: String,
    pub arrivals: Vec<Arrival>,
    pub hourly: bool,
    pub copies: Vec<CopyText>,
    pub page: i64,
    pub more: bool,
}

fn pieces(text: &str, spans: &[Span]) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for span in spans {
        let (start, end) = (span.start.min(chars.len()), span.end.min(chars.len()));
        if start > at {
            out.push(Piece {
                text: chars[at..start].iter().collect(),
                added: false,
            });
        }
        if end > start {
            out.push(Piece {
                text: chars[start..end].iter().collect(),
                added: true,
            });
        }
        at = at.max(end);
    }
    if at < chars.len() {
        out.push(Piece {
            text: chars[at..].iter().collect(),
            added: false,
        });
    }
    out
}

fn arrivals(times: &[NaiveDateTime], tz: chrono_tz::Tz) -> (Vec<Arrival>, bool) {
    use chrono::TimeZone;
    let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) else {
        return (Vec::new(), false);
    };
    let hourly = *last - *first <= chrono::Duration::hours(48);
    let mut counts: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for t in times {
        let local = tz.from_utc_datetime(t);
        let label = if hourly {
            local.format("%m-%d %H:00").to_string()
        } else {
            local.format("%Y-%m-%d").to_string()
        };
        *counts.entry(label).or_default() += 1;
    }
    (
        counts
            .into_iter()
            .map(|(label, count)| Arrival { label, count })
            .collect(),
        hourly,
    )
}

/// One campaign (staff), with a page of its distinct texts.
#[tracing::instrument(skip_all)]
pub async fn detail(
    ctx: &ServiceContext,
    identity: &Identity,
    id: i64,
    page: i64,
) -> Result<CampaignDetail, AppError> {
    let actor = identity.user.actor();
    policy::can_record_submissions(&actor)?;
    if !(1..=100_000).contains(&page) {
        return Err(AppError::BadRequest("error-page-invalid"));
    }
    let tz = ctx.settings.timezone;
    ctx.db
        .read(move |c| {
            let row = rows::find(c, id)?.ok_or(AppError::NotFound)?;
            let consultation = crate::db::models::consultations::find(c, row.consultation_id)?;
            if !crate::services::consultations::visible_to(&consultation, Some(&actor)) {
                return Err(AppError::NotFound);
            }
            let item = item(c, row)?;
            let times = rows::arrivals(c, id)?;
            let (arrivals, hourly) = arrivals(&times, tz);
            let texts = rows::texts_of(c, id, COPIES_PER_PAGE + 1, (page - 1) * COPIES_PER_PAGE)?;
            let more = texts.len() as i64 > COPIES_PER_PAGE;
            let mut copies = Vec::new();
            for (_, submissions, idea) in texts.into_iter().take(COPIES_PER_PAGE as usize) {
                let Some(copy) = idea_rows::find(c, idea)? else {
                    continue;
                };
                let spans = engine::additions(&item.template, &copy.body);
                copies.push(CopyText {
                    submissions,
                    receipt: copy.receipt.clone(),
                    idea_id: copy.id,
                    pieces: pieces(&copy.body, &spans),
                });
            }
            Ok(CampaignDetail {
                item,
                consultation_slug: consultation.slug,
                arrivals,
                hourly,
                copies,
                page,
                more,
            })
        })
        .await
}

/// A moderator's decision on a campaign.
pub enum Decision {
    /// Take this submission out of its campaign.
    Detach(IdeaId),
    /// Put the campaigns of these two submissions (or their texts) together.
    Join(IdeaId, IdeaId),
}

/// The submission a moderator names (by receipt number or id) to join with `idea`, in the
/// same consultation.
#[tracing::instrument(skip_all)]
pub async fn find_submission(
    ctx: &ServiceContext,
    identity: &Identity,
    idea: IdeaId,
    named: &str,
) -> Result<IdeaId, AppError> {
    policy::can_moderate(&identity.user.actor())?;
    let named = named.trim().to_owned();
    if named.is_empty() || named.chars().count() > 64 {
        return Err(AppError::validation("with", "error-campaign-join-invalid"));
    }
    ctx.db
        .read(move |c| {
            let row = idea_rows::find(c, idea.0)?.ok_or(AppError::NotFound)?;
            let other = match named.parse::<i64>() {
                Ok(id) => idea_rows::find(c, id)?,
                Err(_) => idea_rows::find_by_receipt(c, row.consultation_id, &named)?,
            };
            match other {
                Some(other) if other.consultation_id == row.consultation_id => Ok(IdeaId(other.id)),
                _ => Err(AppError::validation("with", "error-campaign-join-invalid")),
            }
        })
        .await
}

/// Records a decision, logs it, and regroups at once; the decision holds for every later
/// regrouping (moderators only).
#[tracing::instrument(skip_all)]
pub async fn decide(
    ctx: &ServiceContext,
    identity: &Identity,
    decision: Decision,
    note: &str,
) -> Result<i64, AppError> {
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let note = crate::domain::moderation::parse_note(Some(note)).map_err(AppError::from)?;
    let user = identity.user.id.0;
    let job = ctx
        .db
        .write(move |c| {
            let (idea, other, kind) = match decision {
                Decision::Detach(i) => (i.0, None, "detach"),
                Decision::Join(a, b) => (a.0, Some(b.0), "join"),
            };
            let row = idea_rows::find(c, idea)?.ok_or(AppError::NotFound)?;
            if let Some(other) = other {
                let other_row = idea_rows::find(c, other)?.ok_or(AppError::NotFound)?;
                if other_row.consultation_id != row.consultation_id || other == idea {
                    return Err(AppError::validation("other", "error-campaign-join-invalid"));
                }
            } else if row.campaign_id.is_none() {
                return Err(AppError::Conflict("error-campaign-not-member"));
            }
            let at = now();
            rows::add_decision(
                c,
                &rows::NewDecision {
                    consultation_id: row.consultation_id,
                    kind,
                    idea_id: idea,
                    other_idea_id: other,
                    actor_id: user,
                    note: &note,
                    created_at: at,
                },
            )?;
            log_rows::log_action(
                c,
                &NewAction {
                    actor_id: Some(user),
                    action: if kind == "join" {
                        "campaign_join"
                    } else {
                        "campaign_detach"
                    },
                    target_type: "idea",
                    target_id: idea,
                    consultation_id: Some(row.consultation_id),
                    reason: "curation",
                    note: &note,
                    created_at: at,
                },
            )?;
            jobs::queue_regroup(c, row.consultation_id, Some(user), chrono::Duration::zero())
        })
        .await?;
    ctx.jobs.wake();
    Ok(job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_written_with_thousands_separators() {
        assert_eq!(group_digits(207_850), "207,850");
        assert_eq!(group_digits(79), "79");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(0), "0");
    }

    #[test]
    fn additions_cut_a_copy_into_its_own_and_the_letters_pieces() {
        let got = pieces("私は母です。本文。", &[Span { start: 0, end: 6 }]);
        assert_eq!(got.len(), 2);
        assert!(got[0].added && got[0].text == "私は母です。");
        assert!(!got[1].added && got[1].text == "本文。");
    }

    fn decision(kind: &str, idea: i64, other: Option<i64>) -> rows::DecisionRow {
        rows::DecisionRow {
            id: 0,
            consultation_id: 1,
            kind: kind.to_owned(),
            idea_id: idea,
            other_idea_id: other,
            actor_id: None,
            note: String::new(),
            created_at: now(),
        }
    }

    #[test]
    fn decisions_join_campaigns_and_detach_single_submissions_in_order() {
        // Ideas 1-2 in campaign 0, 3-4 in campaign 1, 5 in none (text 50).
        let mut assignment: HashMap<i64, Option<usize>> = [
            (1, Some(0)),
            (2, Some(0)),
            (3, Some(1)),
            (4, Some(1)),
            (5, None),
        ]
        .into();
        let key_of: HashMap<i64, i64> = [(1, 10), (2, 10), (3, 30), (4, 31), (5, 50)].into();
        apply_decisions(
            &mut assignment,
            &key_of,
            &[
                decision("join", 1, Some(3)),
                decision("detach", 4, None),
                decision("join", 2, Some(5)),
            ],
            2,
        );
        assert_eq!(assignment[&3], assignment[&1], "joined");
        assert_eq!(assignment[&4], None, "detached after the join");
        assert_eq!(
            assignment[&5], assignment[&1],
            "a standalone text joins a campaign"
        );
    }
}
