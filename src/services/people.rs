//! Suspensions and bans, and hiding everything a spam account posted.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::models::moderation::{self as rows, NewAction};
use crate::db::models::{comments, ideas, users};
use crate::db::{AnyConnection, now};
use crate::domain::fields::FieldErrors;
use crate::domain::identity::Identity;
use crate::domain::ids::UserId;
use crate::domain::moderation::{Visibility, parse_action_reason, parse_note};
use crate::domain::policy;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::context::ServiceContext;
use crate::services::moderation::Target;

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
#[tracing::instrument(skip_all)]
pub async fn suspend(
    ctx: &ServiceContext,
    identity: &Identity,
    target: UserId,
    until: Option<&str>,
    ban: bool,
    reason: &str,
    note: Option<&str>,
) -> Result<(), AppError> {
    let target = target.0;
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
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
            crate::services::consultations::parse_datetime("until", raw, ctx.settings.timezone)
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
    ctx.db
        .write(move |c| {
            let row = users::find(c, UserId(target))?.ok_or(AppError::NotFound)?;
            policy::can_suspend(&actor, user == row.id, row.role())?;
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

#[tracing::instrument(skip_all)]
pub async fn lift(
    ctx: &ServiceContext,
    identity: &Identity,
    target: UserId,
) -> Result<(), AppError> {
    let target = target.0;
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let user = identity.user.id.0;
    ctx.db
        .write(move |c| {
            let row = users::find(c, UserId(target))?.ok_or(AppError::NotFound)?;
            policy::can_suspend(&actor, user == row.id, row.role())?;
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
#[tracing::instrument(skip_all)]
pub async fn hide_everything(
    ctx: &ServiceContext,
    identity: &Identity,
    target: UserId,
    reason: &str,
) -> Result<usize, AppError> {
    let target = target.0;
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let reason = parse_action_reason(reason)?;
    let user = identity.user.id.0;
    ctx.db
        .write(move |c| {
            let row = users::find(c, UserId(target))?.ok_or(AppError::NotFound)?;
            policy::can_suspend(&actor, user == row.id, row.role())?;
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

/// How many of someone's ideas or comments are in each state.
#[derive(Serialize, Default)]
pub struct Counts {
    pub total: usize,
    pub visible: usize,
    pub pending: usize,
    pub hidden: usize,
    pub merged: usize,
}

impl Counts {
    fn add(&mut self, visibility: Visibility) {
        self.total += 1;
        match visibility {
            Visibility::Visible => self.visible += 1,
            Visibility::Pending => self.pending += 1,
            Visibility::Hidden => self.hidden += 1,
            Visibility::Merged => self.merged += 1,
        }
    }
}

/// An account as moderators see it: no email, no other personal data.
#[derive(Serialize)]
pub struct Person {
    pub id: i64,
    pub display_name: Option<String>,
    pub role: Role,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    pub suspended: bool,
    pub banned: bool,
    pub suspended_until: Option<NaiveDateTime>,
    pub suspension_reason: Option<String>,
    pub ideas: Counts,
    pub comments: Counts,
}

/// An account's standing and how much it posted, for moderators.
#[tracing::instrument(skip_all)]
pub async fn profile(
    ctx: &ServiceContext,
    identity: &Identity,
    id: i64,
) -> Result<Person, AppError> {
    policy::can_moderate(&identity.user.actor())?;
    ctx.db
        .read(move |c| {
            let row = users::find(c, UserId(id))?.ok_or(AppError::NotFound)?;
            let mut idea_counts = Counts::default();
            for idea in ideas::by_author(c, id)? {
                idea_counts.add(idea.visibility());
            }
            let mut comment_counts = Counts::default();
            for comment in comments::by_author(c, id)? {
                if comment.deleted_at.is_none() {
                    comment_counts.add(comment.visibility());
                }
            }
            let suspended = row.is_suspended();
            Ok(Person {
                id: row.id,
                display_name: row.display_name.clone(),
                role: row.role(),
                deleted: row.deleted_at.is_some(),
                created_at: row.created_at,
                suspended,
                banned: row.banned_at.is_some(),
                suspended_until: row.suspended_until.filter(|_| suspended),
                suspension_reason: row.suspension_reason.clone().filter(|_| suspended),
                ideas: idea_counts,
                comments: comment_counts,
            })
        })
        .await
}

/// Who wrote an idea or a comment, for moderators.
#[tracing::instrument(skip_all)]
pub async fn author_of(
    ctx: &ServiceContext,
    identity: &Identity,
    target: Target,
) -> Result<i64, AppError> {
    policy::can_moderate(&identity.user.actor())?;
    ctx.db
        .read(move |c| {
            let author = match target {
                Target::Idea(id) => ideas::find(c, id.0)?.map(|i| i.author_id),
                Target::Comment(id) => comments::find(c, id.0)?.map(|m| m.author_id),
            };
            author.ok_or(AppError::NotFound)
        })
        .await
}
