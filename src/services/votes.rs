//! Support and opposition: one vote per person and idea, counters kept in the same
//! transaction, safe under parallel identical requests.

use serde::Serialize;

use crate::auth::identity::Identity;
use crate::db::models::{ideas, votes};
use crate::db::{AnyConnection, now};
use crate::domain::content::{self, VoteValue};
use crate::domain::policy::{self, VoteDenied};
use crate::error::AppError;
use crate::rate_limit::VOTES_PER_ACCOUNT;
use crate::services::consultations::{participation_error, phase_of};
use crate::services::ideas::{load_idea, require_open_idea};
use crate::state::AppState;

/// The idea's counts after a vote, and the caller's vote.
#[derive(Clone, Debug, Serialize)]
pub struct VoteOutcome {
    pub idea_id: i64,
    pub support_count: i32,
    pub oppose_count: i32,
    pub my_vote: Option<VoteValue>,
}

fn vote_error(denied: VoteDenied) -> AppError {
    match denied {
        VoteDenied::Participation(p) => participation_error(p),
        VoteDenied::OwnIdea => AppError::Forbidden("error-vote-own-idea"),
        VoteDenied::Withdrawn => AppError::Forbidden("error-idea-withdrawn"),
    }
}

/// Moves the counters by the change from `before` to `after` and refreshes the sort scores.
fn apply(
    conn: &mut AnyConnection,
    idea: i64,
    before: Option<(VoteValue, chrono::NaiveDateTime)>,
    after: Option<VoteValue>,
) -> Result<(i32, i32), AppError> {
    let count = |v: Option<VoteValue>, which: VoteValue| i32::from(v == Some(which));
    let old = before.map(|(v, _)| v);
    let support = count(after, VoteValue::Support) - count(old, VoteValue::Support);
    let oppose = count(after, VoteValue::Oppose) - count(old, VoteValue::Oppose);
    if support == 0 && oppose == 0 {
        let row = ideas::find(conn, idea)?.ok_or(AppError::NotFound)?;
        return Ok((row.support_count, row.oppose_count));
    }
    let (s, o, mut trend) = ideas::add_votes(conn, idea, support, oppose)?;
    if let Some((VoteValue::Support, cast_at)) = before {
        trend = content::log2_sub(trend, content::trend_weight(cast_at));
    }
    if after == Some(VoteValue::Support) {
        trend = content::log2_add(trend, content::trend_weight(now()));
    }
    ideas::set_scores(conn, idea, trend, content::controversy(s, o))?;
    Ok((s, o))
}

/// Supports or opposes an idea; repeating the same vote changes nothing.
pub async fn set(
    state: &AppState,
    identity: &Identity,
    idea_id: i64,
    value: VoteValue,
) -> Result<VoteOutcome, AppError> {
    let actor = identity.user.actor();
    let user = identity.user.id.0;
    state
        .limiter
        .hit_local(VOTES_PER_ACCOUNT, &user.to_string())?;
    state
        .db
        .write(move |c| {
            let (idea, _, consultation) = load_idea(c, idea_id, Some(&actor))?;
            require_open_idea(&idea)?;
            let at = now();
            policy::can_vote(
                Some(&actor),
                phase_of(&consultation, at),
                idea.author_id == user,
                idea.is_withdrawn(),
            )
            .map_err(vote_error)?;
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
        .await
}

/// Withdraws the caller's vote (allowed while the consultation is open, also on withdrawn ideas).
pub async fn clear(
    state: &AppState,
    identity: &Identity,
    idea_id: i64,
) -> Result<VoteOutcome, AppError> {
    let actor = identity.user.actor();
    let user = identity.user.id.0;
    state
        .db
        .write(move |c| {
            let (idea, _, consultation) = load_idea(c, idea_id, Some(&actor))?;
            require_open_idea(&idea)?;
            policy::can_contribute(Some(&actor), phase_of(&consultation, now()))
                .map_err(participation_error)?;
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
        .await
}
