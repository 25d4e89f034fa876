//! Support and opposition: one vote per person and idea, counters kept in the same
//! transaction, safe under parallel identical requests and under a merge of the idea: a vote
//! on a merged idea counts for the idea it was merged into.

use serde::Serialize;

use crate::db::models::consultations::ConsultationRow;
use crate::db::models::{ideas, votes};
use crate::db::{AnyConnection, now};
use crate::domain::content::VoteValue;
use crate::domain::identity::Identity;
use crate::domain::ids::IdeaId;
use crate::domain::policy::{self, Actor};
use crate::domain::tally::Tally;
use crate::error::AppError;
use crate::rate_limit::{self, VOTES_PER_ACCOUNT};
use crate::services::consultations::phase_of;
use crate::services::context::ServiceContext;
use crate::services::ideas::load_idea;

/// The idea's counts after a vote, and the caller's vote.
#[derive(Clone, Debug, Serialize)]
pub struct VoteOutcome {
    pub idea_id: i64,
    pub support_count: i32,
    pub oppose_count: i32,
    pub my_vote: Option<VoteValue>,
}

/// Most merges a vote follows from the idea it names. Each merge went into an idea that was
/// visible then, so chains are short and never circular; this only bounds the loop.
const MERGES_FOLLOWED: usize = 8;

/// Runs a vote's write on `idea_id`. Where that write found the idea merged (and so changed
/// nothing and released its lock), runs it again on the idea it went into: the vote counts
/// where the merged idea's votes went, however the vote and the merge interleaved.
async fn following_merges<T, W, Fut>(idea_id: i64, mut write: W) -> Result<T, AppError>
where
    W: FnMut(i64) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut idea = idea_id;
    for _ in 0..MERGES_FOLLOWED {
        match write(idea).await {
            Err(AppError::MovedIdea(into)) => idea = into,
            other => return other,
        }
    }
    Err(AppError::MovedIdea(idea))
}

/// Takes the idea's lock against merges, then reads it: what the vote sees stays true until
/// it commits.
fn load_held(
    c: &mut AnyConnection,
    idea_id: i64,
    actor: &Actor,
) -> Result<(ideas::IdeaRow, ConsultationRow), AppError> {
    if !ideas::hold_against_merge(c, idea_id)? {
        return Err(AppError::NotFound);
    }
    let (idea, _, consultation) = load_idea(c, idea_id, Some(actor))?;
    Ok((idea, consultation))
}

/// Moves the counters by the change from `before` to `after` and refreshes the sort scores.
fn apply(
    conn: &mut AnyConnection,
    idea: i64,
    before: Option<(VoteValue, chrono::NaiveDateTime)>,
    after: Option<VoteValue>,
) -> Result<(i32, i32), AppError> {
    let (support, oppose) = Tally::change(before.map(|(v, _)| v), after);
    if support == 0 && oppose == 0 {
        let row = ideas::find(conn, idea)?.ok_or(AppError::NotFound)?;
        return Ok((row.support_count, row.oppose_count));
    }
    // The counters move in the database, so that parallel votes add up; the trend follows.
    let (s, o, trend) = ideas::add_votes(conn, idea, support, oppose)?;
    let mut tally = Tally {
        support: s,
        oppose: o,
        trend,
    };
    if let Some((VoteValue::Support, cast_at)) = before {
        tally = tally.without_support_trend(cast_at);
    }
    if after == Some(VoteValue::Support) {
        tally = tally.with_support_trend(now());
    }
    ideas::set_scores(conn, idea, tally.trend, tally.controversy())?;
    Ok((s, o))
}

/// Supports or opposes an idea; repeating the same vote changes nothing.
#[tracing::instrument(skip_all)]
pub async fn set(
    ctx: &ServiceContext,
    identity: &Identity,
    idea_id: IdeaId,
    value: VoteValue,
) -> Result<VoteOutcome, AppError> {
    let idea_id = idea_id.0;
    let actor = identity.user.actor();
    let user = identity.user.id.0;
    following_merges(idea_id, |idea_id| {
        ctx.db.write(move |c| {
            rate_limit::count_in(c, VOTES_PER_ACCOUNT, &user.to_string())?;
            let (idea, consultation) = load_held(c, idea_id, &actor)?;
            let at = now();
            policy::can_vote(
                Some(&actor),
                phase_of(&consultation, at),
                &idea.state(),
                idea.author_id == user,
                idea.is_withdrawn(),
            )?;
            let before = if votes::insert_if_absent(c, user, idea_id, value.as_i32(), at)? {
                None
            } else {
                let existing = votes::find_for_update(c, user, idea_id)?
                    .ok_or(AppError::Conflict("error-409"))?;
                let old = VoteValue::from_i32(existing.value);
                if old == Some(value) {
                    let (s, o) = apply(c, idea_id, None, None)?;
                    return Ok(VoteOutcome {
                        idea_id,
                        support_count: s,
                        oppose_count: o,
                        my_vote: Some(value),
                    });
                }
                votes::set_value(c, user, idea_id, value.as_i32(), at)?;
                old.map(|v| (v, existing.updated_at))
            };
            let (s, o) = apply(c, idea_id, before, Some(value))?;
            Ok(VoteOutcome {
                idea_id,
                support_count: s,
                oppose_count: o,
                my_vote: Some(value),
            })
        })
    })
    .await
}

/// Withdraws the caller's vote (allowed while the consultation is open, also on withdrawn ideas).
#[tracing::instrument(skip_all)]
pub async fn clear(
    ctx: &ServiceContext,
    identity: &Identity,
    idea_id: IdeaId,
) -> Result<VoteOutcome, AppError> {
    let idea_id = idea_id.0;
    let actor = identity.user.actor();
    let user = identity.user.id.0;
    following_merges(idea_id, |idea_id| {
        ctx.db.write(move |c| {
            let (idea, consultation) = load_held(c, idea_id, &actor)?;
            policy::can_clear_vote(Some(&actor), phase_of(&consultation, now()), &idea.state())?;
            let before = votes::find_for_update(c, user, idea_id)?;
            let (s, o) = match before {
                None => apply(c, idea_id, None, None)?,
                Some(row) => {
                    votes::delete(c, user, idea_id)?;
                    apply(
                        c,
                        idea_id,
                        VoteValue::from_i32(row.value).map(|v| (v, row.updated_at)),
                        None,
                    )?
                }
            };
            Ok(VoteOutcome {
                idea_id,
                support_count: s,
                oppose_count: o,
                my_vote: None,
            })
        })
    })
    .await
}
