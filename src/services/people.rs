//! Suspensions and bans, and hiding everything a spam account posted.

use chrono::NaiveDateTime;

use crate::auth::identity::Identity;
use crate::db::models::moderation::{self as rows, NewAction};
use crate::db::models::{comments, ideas, users};
use crate::db::{AnyConnection, now};
use crate::domain::fields::FieldErrors;
use crate::domain::ids::UserId;
use crate::domain::moderation::{Visibility, parse_action_reason, parse_note};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::moderation::require_moderator;
use crate::state::AppState;

/// Moderators suspend citizens; admins suspend anyone but themselves.
fn may_suspend(actor_role: Role, actor: i64, target: &users::UserRow) -> Result<(), AppError> {
    if actor == target.id {
        return Err(AppError::Forbidden("error-moderate-own"));
    }
    if actor_role != Role::Admin && target.role() != Role::Citizen {
        return Err(AppError::Forbidden("error-403"));
    }
    Ok(())
}

fn log_user(
    conn: &mut AnyConnection,
    actor: i64,
    action: &str,
    target: i64,
    reason: &str,
    note: &str,
) -> Result<(), AppError> {
    rows::log_action(
        conn,
        &NewAction {
            actor_id: Some(actor),
            action,
            target_type: "user",
            target_id: target,
            consultation_id: None,
            reason,
            note,
            created_at: now(),
        },
    )?;
    Ok(())
}

/// Suspends until a time (RFC 3339 or local `YYYY-MM-DDTHH:MM`) or bans. The person can
/// still read and sees why they cannot take part.
pub async fn suspend(
    state: &AppState,
    identity: &Identity,
    target: i64,
    until: Option<&str>,
    ban: bool,
    reason: &str,
    note: Option<&str>,
) -> Result<(), AppError> {
    let actor = identity.user.actor();
    require_moderator(&actor)?;
    let mut errors = FieldErrors::new();
    let reason = errors.take(parse_action_reason(reason));
    let note = errors.take(parse_note(note));
    let until: Option<NaiveDateTime> = match (ban, until.map(str::trim).filter(|u| !u.is_empty())) {
        (true, _) => None,
        (false, None) => {
            errors.push(crate::domain::fields::FieldError::new(
                "until",
                "error-required",
            ));
            None
        }
        (false, Some(raw)) => errors.take(
            crate::services::consultations::parse_datetime("until", raw, state.settings.timezone)
                .and_then(|t| {
                    if t > now() {
                        Ok(t)
                    } else {
                        Err(crate::domain::fields::FieldError::new(
                            "until",
                            "error-until-past",
                        ))
                    }
                }),
        ),
    };
    let (Some(reason), Some(note)) = (reason, note) else {
        return Err(AppError::Validation(errors));
    };
    errors.into_result()?;
    let user = identity.user.id.0;
    state
        .db
        .write(move |c| {
            let row = users::find(c, UserId(target))?.ok_or(AppError::NotFound)?;
            may_suspend(actor.role, user, &row)?;
            users::set_suspension(c, row.id(), until, ban.then(now), Some(reason), now())?;
            log_user(
                c,
                user,
                if ban { "ban" } else { "suspend" },
                target,
                reason,
                &note,
            )
        })
        .await?;
    tracing::info!(user = target, ban, "account suspended");
    Ok(())
}

pub async fn lift(state: &AppState, identity: &Identity, target: i64) -> Result<(), AppError> {
    let actor = identity.user.actor();
    require_moderator(&actor)?;
    let user = identity.user.id.0;
    state
        .db
        .write(move |c| {
            let row = users::find(c, UserId(target))?.ok_or(AppError::NotFound)?;
            may_suspend(actor.role, user, &row)?;
            if row.suspended_until.is_none() && row.banned_at.is_none() {
                return Err(AppError::Conflict("error-not-suspended"));
            }
            users::set_suspension(c, row.id(), None, None, None, now())?;
            log_user(c, user, "lift_suspension", target, "resolved", "")
        })
        .await
}

/// Hides every visible or pending idea and comment of an account, each logged with the
/// reason (a spam account cleaned up in one action). Returns how many items were hidden.
pub async fn hide_everything(
    state: &AppState,
    identity: &Identity,
    target: i64,
    reason: &str,
) -> Result<usize, AppError> {
    let actor = identity.user.actor();
    require_moderator(&actor)?;
    let reason = parse_action_reason(reason)?;
    let user = identity.user.id.0;
    state
        .db
        .write(move |c| {
            let row = users::find(c, UserId(target))?.ok_or(AppError::NotFound)?;
            may_suspend(actor.role, user, &row)?;
            let at = now();
            let mut hidden = 0;
            for idea in ideas::by_author(c, target)? {
                if matches!(idea.visibility(), Visibility::Visible | Visibility::Pending) {
                    rows::set_idea_visibility(c, idea.id, "hidden", Some(reason), at)?;
                    rows::resolve_reports(c, "idea", idea.id, "actioned", at)?;
                    rows::log_action(
                        c,
                        &NewAction {
                            actor_id: Some(user),
                            action: "hide",
                            target_type: "idea",
                            target_id: idea.id,
                            consultation_id: Some(idea.consultation_id),
                            reason,
                            note: "",
                            created_at: at,
                        },
                    )?;
                    hidden += 1;
                }
            }
            for comment in comments::by_author(c, target)? {
                if comment.deleted_at.is_none()
                    && matches!(
                        comment.visibility(),
                        Visibility::Visible | Visibility::Pending
                    )
                {
                    let was_visible = comment.visibility() == Visibility::Visible;
                    rows::set_comment_visibility(c, comment.id, "hidden", Some(reason), at)?;
                    if was_visible {
                        ideas::add_comments(c, comment.idea_id, -1)?;
                        if let Some(parent) = comment.parent_id {
                            comments::add_replies(c, parent, -1)?;
                        }
                    }
                    rows::resolve_reports(c, "comment", comment.id, "actioned", at)?;
                    let consultation = ideas::find(c, comment.idea_id)?.map(|i| i.consultation_id);
                    rows::log_action(
                        c,
                        &NewAction {
                            actor_id: Some(user),
                            action: "hide",
                            target_type: "comment",
                            target_id: comment.id,
                            consultation_id: consultation,
                            reason,
                            note: "",
                            created_at: at,
                        },
                    )?;
                    hidden += 1;
                }
            }
            log_user(
                c,
                user,
                "hide_all_posts",
                target,
                reason,
                &format!("{hidden} items"),
            )?;
            Ok(hidden)
        })
        .await
}
