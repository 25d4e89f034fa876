//! Moderation: reports, hiding and restoring, locks, pins, merges, dismissals, the queue,
//! the log and the public transparency page. Every action names a reason and is logged.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::models::comments::{self, CommentRow};
use crate::db::models::consultations;
use crate::db::models::ideas::{self, IdeaRow};
use crate::db::models::moderation::{self as rows, LogFilter, NewAction, NewReport};
use crate::db::models::votes;
use crate::db::{AnyConnection, now};
use crate::domain::content::VoteValue;
use crate::domain::fields::FieldErrors;
use crate::domain::identity::Identity;
use crate::domain::ids::{CommentId, IdeaId};
use crate::domain::moderation::{
    self, ItemAction, ReportReason, Visibility, parse_action_reason, parse_note,
};
use crate::domain::policy::{self, Actor};
use crate::domain::spreadsheet::neutralise_formula;
use crate::domain::tally::Tally;
use crate::email::compose::MailKind;
use crate::email::outbox;
use crate::error::AppError;
use crate::rate_limit::REPORTS_PER_ACCOUNT;
use crate::services::consultations::{load_visible, visible_to};
use crate::services::context::ServiceContext;

/// What a moderation request points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Idea(IdeaId),
    Comment(CommentId),
}

impl Target {
    pub fn kind(self) -> &'static str {
        match self {
            Self::Idea(_) => "idea",
            Self::Comment(_) => "comment",
        }
    }

    /// The row id, for the log and the queries.
    pub fn id(self) -> i64 {
        match self {
            Self::Idea(id) => id.0,
            Self::Comment(id) => id.0,
        }
    }
}

/// The facts about a target that moderation decisions need.
struct TargetInfo {
    author_id: i64,
    consultation_id: i64,
    visibility: Visibility,
    idea: IdeaRow,
    comment: Option<CommentRow>,
}

fn load_target(conn: &mut AnyConnection, target: Target) -> Result<TargetInfo, AppError> {
    match target {
        Target::Idea(IdeaId(id)) => {
            let idea = ideas::find(conn, id)?.ok_or(AppError::NotFound)?;
            Ok(TargetInfo {
                author_id: idea.author_id,
                consultation_id: idea.consultation_id,
                visibility: idea.visibility(),
                idea,
                comment: None,
            })
        }
        Target::Comment(CommentId(id)) => {
            let comment = comments::find(conn, id)?.ok_or(AppError::NotFound)?;
            if comment.deleted_at.is_some() {
                return Err(AppError::NotFound);
            }
            let idea = ideas::find(conn, comment.idea_id)?.ok_or(AppError::NotFound)?;
            Ok(TargetInfo {
                author_id: comment.author_id,
                consultation_id: idea.consultation_id,
                visibility: comment.visibility(),
                idea,
                comment: Some(comment),
            })
        }
    }
}

/// Changes a target's visibility and keeps the comment counters equal to a recount: only
/// visible, undeleted comments count.
fn set_visibility(
    conn: &mut AnyConnection,
    info: &TargetInfo,
    to: Visibility,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    match &info.comment {
        None => {
            rows::set_idea_visibility(conn, info.idea.id, to.as_str(), reason, at)?;
        }
        Some(comment) => {
            rows::set_comment_visibility(conn, comment.id, to.as_str(), reason, at)?;
            let was = info.visibility == Visibility::Visible;
            let is = to == Visibility::Visible;
            let delta = i32::from(is) - i32::from(was);
            if delta != 0 {
                ideas::add_comments(conn, comment.idea_id, delta)?;
                if let Some(parent) = comment.parent_id {
                    comments::add_replies(conn, parent, delta)?;
                }
            }
        }
    }
    Ok(())
}

fn log(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    action: &str,
    target: (&str, i64),
    consultation: Option<i64>,
    reason: &str,
    note: &str,
) -> Result<(), AppError> {
    rows::log_action(
        conn,
        &NewAction {
            actor_id: actor,
            action,
            target_type: target.0,
            target_id: target.1,
            consultation_id: consultation,
            reason,
            note,
            created_at: now(),
        },
    )?;
    Ok(())
}

/// The result of a report.
#[derive(Clone, Debug, Serialize)]
pub struct ReportOutcome {
    /// Reported by enough different people, the item is now hidden pending review.
    pub hidden: bool,
}

/// A citizen reports an idea or comment: once per person, never their own.
#[tracing::instrument(skip_all)]
pub async fn report(
    ctx: &ServiceContext,
    identity: &Identity,
    target: Target,
    reason: &str,
    note: Option<&str>,
) -> Result<ReportOutcome, AppError> {
    let mut errors = FieldErrors::new();
    let reason = errors.take(ReportReason::parse(reason).ok_or(
        crate::domain::fields::FieldError::new("reason", "error-reason-invalid"),
    ));
    let note = errors.take(parse_note(note));
    let (Some(reason), Some(note)) = (reason, note) else {
        return Err(AppError::Validation(errors));
    };
    let actor = identity.user.actor();
    policy::can_take_part(&actor)?;
    ctx.limiter
        .hit(REPORTS_PER_ACCOUNT, &identity.user.id.to_string())
        .await?;
    let user = identity.user.id.0;
    let threshold = ctx.settings.report_hide_threshold;
    let outcome = ctx
        .db
        .write(move |c| {
            let info = load_target(c, target)?;
            let consultation = consultations::find(c, info.consultation_id)?;
            policy::can_report(
                &actor,
                visible_to(&consultation, Some(&actor)) && info.visibility == Visibility::Visible,
                info.author_id == user,
            )?;
            let fresh = rows::insert_report(
                c,
                &NewReport {
                    target_type: target.kind(),
                    target_id: target.id(),
                    consultation_id: info.consultation_id,
                    reporter_id: user,
                    reason: reason.as_str(),
                    note: &note,
                    created_at: now(),
                },
            )?;
            if !fresh {
                return Err(AppError::Conflict("error-already-reported"));
            }
            let reporters = rows::open_reporters(c, target.kind(), target.id())?;
            if reporters >= threshold {
                set_visibility(c, &info, Visibility::Hidden, Some("reported"), now())?;
                log(
                    c,
                    None,
                    "auto_hide",
                    (target.kind(), target.id()),
                    Some(info.consultation_id),
                    "reported",
                    "",
                )?;
                return Ok(ReportOutcome { hidden: true });
            }
            Ok(ReportOutcome { hidden: false })
        })
        .await?;
    tracing::info!(
        target = target.kind(),
        id = target.id(),
        hidden = outcome.hidden,
        "report received"
    );
    Ok(outcome)
}

/// A moderator's action on an idea (hide, restore, lock, unlock, pin, unpin, approve) or a
/// comment (hide, restore, approve).
#[tracing::instrument(skip_all)]
pub async fn act(
    ctx: &ServiceContext,
    identity: &Identity,
    target: Target,
    action: &str,
    reason: &str,
    note: Option<&str>,
) -> Result<(), AppError> {
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let mut errors = FieldErrors::new();
    let action = errors.take(
        ItemAction::parse(action)
            .filter(|a| matches!(target, Target::Idea(_)) || a.applies_to_comments())
            .ok_or(crate::domain::fields::FieldError::new(
                "action",
                "error-action-invalid",
            )),
    );
    let reason = errors.take(parse_action_reason(reason));
    let note = errors.take(parse_note(note));
    let (Some(action), Some(reason), Some(note)) = (action, reason, note) else {
        return Err(AppError::Validation(errors));
    };
    let user = identity.user.id.0;
    ctx.db
        .write(move |c| {
            let info = load_target(c, target)?;
            policy::can_moderate_item(&actor, user == info.author_id)?;
            let at = now();
            let visibility = info.visibility;
            match action {
                ItemAction::Hide => {
                    if visibility == Visibility::Merged {
                        return Err(AppError::Conflict("error-409"));
                    }
                    set_visibility(c, &info, Visibility::Hidden, Some(reason), at)?;
                    rows::resolve_reports(c, target.kind(), target.id(), "actioned", at)?;
                }
                ItemAction::Restore | ItemAction::Approve => {
                    let expected = if action == ItemAction::Approve {
                        Visibility::Pending
                    } else {
                        Visibility::Hidden
                    };
                    if visibility != expected {
                        return Err(AppError::Conflict("error-409"));
                    }
                    set_visibility(c, &info, Visibility::Visible, None, at)?;
                    rows::resolve_reports(c, target.kind(), target.id(), "dismissed", at)?;
                }
                ItemAction::Lock | ItemAction::Unlock => {
                    rows::set_idea_locked(
                        c,
                        info.idea.id,
                        (action == ItemAction::Lock).then_some(at),
                    )?;
                }
                ItemAction::Pin | ItemAction::Unpin => {
                    rows::set_idea_pinned(
                        c,
                        info.idea.id,
                        (action == ItemAction::Pin).then_some(at),
                    )?;
                }
            }
            log(
                c,
                Some(user),
                action.as_str(),
                (target.kind(), target.id()),
                Some(info.consultation_id),
                reason,
                &note,
            )
        })
        .await?;
    tracing::info!(
        action = action.as_str(),
        target = target.kind(),
        id = target.id(),
        "moderation action"
    );
    Ok(())
}

/// Closes the open reports on an item without acting on it; an item hidden automatically by
/// those reports comes back.
#[tracing::instrument(skip_all)]
pub async fn dismiss_reports(
    ctx: &ServiceContext,
    identity: &Identity,
    target: Target,
    note: Option<&str>,
) -> Result<(), AppError> {
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let note = parse_note(note)?;
    let user = identity.user.id.0;
    ctx.db
        .write(move |c| {
            let info = load_target(c, target)?;
            policy::can_moderate_item(&actor, user == info.author_id)?;
            let at = now();
            let closed = rows::resolve_reports(c, target.kind(), target.id(), "dismissed", at)?;
            if closed == 0 {
                return Err(AppError::Conflict("error-no-open-reports"));
            }
            let auto_hidden = match &info.comment {
                Some(comment) => comment.hidden_reason.as_deref() == Some("reported"),
                None => info.idea.hidden_reason.as_deref() == Some("reported"),
            };
            if info.visibility == Visibility::Hidden && auto_hidden {
                set_visibility(c, &info, Visibility::Visible, None, at)?;
            }
            log(
                c,
                Some(user),
                "dismiss",
                (target.kind(), target.id()),
                Some(info.consultation_id),
                "resolved",
                &note,
            )
        })
        .await
}

/// Recomputes an idea's vote counters and sort scores from its votes.
fn recount_votes(conn: &mut AnyConnection, idea: i64) -> Result<(), AppError> {
    let tally = Tally::of_votes(
        votes::for_idea(conn, idea)?
            .iter()
            .filter_map(|v| VoteValue::from_i32(v.value).map(|value| (value, v.updated_at))),
    );
    let current = ideas::find(conn, idea)?.ok_or(AppError::NotFound)?;
    ideas::add_votes(
        conn,
        idea,
        tally.support - current.support_count,
        tally.oppose - current.oppose_count,
    )?;
    ideas::set_scores(conn, idea, tally.trend, tally.controversy())?;
    Ok(())
}

#[derive(Serialize)]
struct MergedMail<'a> {
    display_name: &'a str,
    title: &'a str,
    receipt: &'a str,
    link: String,
}

/// Merges a duplicate idea into another of the same consultation: votes move without
/// double counting (where a person voted on both, the vote on the surviving idea stands),
/// comments move with a note, the old page redirects, and the author is told.
#[tracing::instrument(skip_all)]
pub async fn merge(
    ctx: &ServiceContext,
    identity: &Identity,
    from: IdeaId,
    into: IdeaId,
    note: Option<&str>,
) -> Result<(), AppError> {
    let into = into.0;
    let from = from.0;
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let note = parse_note(note)?;
    if from == into {
        return Err(AppError::validation("into", "error-merge-self"));
    }
    let user = identity.user.id.0;
    let st = ctx.clone();
    ctx.db
        .write(move |c| {
            // From here until the commit no vote on either idea is written: the votes in
            // flight have committed and are seen below, and later ones find the source merged.
            ideas::lock_for_merge(c, from, into)?;
            let source = ideas::find(c, from)?.ok_or(AppError::NotFound)?;
            let target =
                ideas::find(c, into)?.ok_or(AppError::validation("into", "error-merge-target"))?;
            policy::can_moderate_item(&actor, user == source.author_id)?;
            if source.consultation_id != target.consultation_id
                || target.visibility() != Visibility::Visible
            {
                return Err(AppError::validation("into", "error-merge-target"));
            }
            if source.visibility() == Visibility::Merged {
                return Err(AppError::Conflict("error-already-merged"));
            }
            let at = now();
            // A person who voted on both keeps their vote on the target; the target's author
            // does not vote on their own idea. Copying with "ignore if present" cannot collide
            // with a vote on the target, whatever happened before the locks were taken.
            for vote in votes::for_idea(c, from)? {
                if vote.user_id != target.author_id {
                    votes::copy_unless_present(c, &vote, into)?;
                }
            }
            votes::delete_for_idea(c, from)?;
            let moved = comments::move_all(c, from, into)?;
            ideas::add_comments(c, from, -source.comment_count)?;
            ideas::add_comments(c, into, source.comment_count)?;
            recount_votes(c, from)?;
            recount_votes(c, into)?;
            ideas::mark_merged(c, from, into, at)?;
            log(
                c,
                Some(user),
                "merge",
                ("idea", from),
                Some(source.consultation_id),
                "duplicate",
                &note,
            )?;
            if let Some(author) =
                crate::db::models::users::find(c, crate::domain::ids::UserId(source.author_id))?
                && let Some(email) = author.email.as_deref()
            {
                let mail = st.mail.compose(
                    author.language().unwrap_or(st.settings.default_language),
                    MailKind::IdeaMerged,
                    &MergedMail {
                        display_name: author.display_name.as_deref().unwrap_or(""),
                        title: &source.title,
                        receipt: &source.receipt,
                        link: st.settings.absolute(&format!("/ideas/{into}")),
                    },
                )?;
                outbox::enqueue(c, Some(author.id()), email, &mail)?;
            }
            tracing::info!(from, into, moved_comments = moved, "ideas merged");
            Ok(())
        })
        .await?;
    ctx.mail.wake();
    Ok(())
}

/// One entry of the moderation queue.
#[derive(Clone, Debug, Serialize)]
pub struct QueueItem {
    /// `idea` or `comment`.
    pub target_type: String,
    pub target_id: i64,
    pub idea_id: i64,
    pub consultation: String,
    pub title: String,
    pub excerpt: String,
    pub author: Option<String>,
    pub visibility: Visibility,
    pub created_at: NaiveDateTime,
    /// Open reports: how many people, and each reason with its note.
    pub reporters: i64,
    pub reasons: Vec<(String, String)>,
    pub locked: bool,
    pub pinned: bool,
}

/// The queue: reported items (most reported first), items waiting for approval, and the
/// newest ideas and comments.
#[derive(Clone, Debug, Serialize)]
pub struct Queue {
    pub reported: Vec<QueueItem>,
    pub pending: Vec<QueueItem>,
    pub newest_ideas: Vec<QueueItem>,
    pub page: i64,
    pub has_more: bool,
}

/// Filters of the queue, as received.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    pub consultation: Option<String>,
    pub reason: Option<String>,
    /// Only reports from the last this many hours.
    pub hours: Option<String>,
    pub page: Option<String>,
}

pub const QUEUE_PAGE: i64 = 25;

fn queue_item(
    conn: &mut AnyConnection,
    target_type: &str,
    id: i64,
) -> Result<Option<QueueItem>, AppError> {
    let target = if target_type == "idea" {
        Target::Idea(IdeaId(id))
    } else {
        Target::Comment(CommentId(id))
    };
    let Ok(info) = load_target(conn, target) else {
        return Ok(None);
    };
    let consultation = consultations::find(conn, info.consultation_id)?;
    let author = crate::db::models::users::find(conn, crate::domain::ids::UserId(info.author_id))?
        .and_then(|u| u.display_name);
    let (text, created_at) = match &info.comment {
        Some(comment) => (comment.body.clone(), comment.created_at),
        None => (info.idea.body.clone(), info.idea.created_at),
    };
    Ok(Some(QueueItem {
        target_type: target_type.to_owned(),
        target_id: id,
        idea_id: info.idea.id,
        consultation: consultation.slug,
        title: info.idea.title.clone(),
        excerpt: crate::domain::markdown::plain_text(&text, 300),
        author,
        visibility: info.visibility,
        created_at,
        reporters: 0,
        reasons: rows::report_reasons(conn, target_type, id)?,
        locked: info.idea.locked_at.is_some(),
        pinned: info.idea.pinned_at.is_some(),
    }))
}

#[tracing::instrument(skip_all)]
pub async fn queue(
    ctx: &ServiceContext,
    identity: &Identity,
    query: QueueQuery,
) -> Result<Queue, AppError> {
    policy::can_moderate(&identity.user.actor())?;
    let reason = query.reason.clone().filter(|r| !r.is_empty());
    if reason
        .as_deref()
        .is_some_and(|r| ReportReason::parse(r).is_none())
    {
        return Err(AppError::BadRequest("error-reason-invalid"));
    }
    let hours = match query.hours.as_deref().filter(|h| !h.is_empty()) {
        None => None,
        Some(h) => Some(
            h.parse::<i64>()
                .ok()
                .filter(|h| (1..=24 * 365).contains(h))
                .ok_or(AppError::BadRequest("error-query-invalid"))?,
        ),
    };
    let page = match query.page.as_deref().filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .ok_or(AppError::BadRequest("error-page-invalid"))?,
    };
    let slug = query.consultation.clone().filter(|s| !s.is_empty());
    ctx.db
        .read(move |c| {
            let consultation_id = match &slug {
                None => None,
                Some(s) => Some(
                    consultations::find_by_slug(c, s)?
                        .ok_or(AppError::BadRequest("error-unknown-consultation"))?
                        .id,
                ),
            };
            let since = hours.map(|h| now() - chrono::Duration::hours(h));
            let offset = (page - 1) * QUEUE_PAGE;
            let reported_rows = rows::reported_items(
                c,
                consultation_id,
                reason.as_deref(),
                since,
                QUEUE_PAGE + 1,
                offset,
            )?;
            let has_more = reported_rows.len() as i64 > QUEUE_PAGE;
            let mut reported = Vec::new();
            for row in reported_rows.into_iter().take(QUEUE_PAGE as usize) {
                if let Some(mut item) = queue_item(c, &row.target_type, row.target_id)? {
                    item.reporters = row.reporters;
                    reported.push(item);
                }
            }
            let mut pending = Vec::new();
            for (kind, id, _, _) in rows::pending_items(c, consultation_id, QUEUE_PAGE, offset)? {
                if let Some(item) = queue_item(c, &kind, id)? {
                    pending.push(item);
                }
            }
            let mut newest_ideas = Vec::new();
            for id in ideas::newest_ids(c, consultation_id, 10)? {
                if let Some(item) = queue_item(c, "idea", id)? {
                    newest_ideas.push(item);
                }
            }
            Ok(Queue {
                reported,
                pending,
                newest_ideas,
                page,
                has_more,
            })
        })
        .await
}

/// One line of the moderation log (staff view: includes the moderator's name).
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub id: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: i64,
    pub consultation: Option<String>,
    pub reason: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    pub consultation: Option<String>,
    pub action: Option<String>,
    pub reason: Option<String>,
    pub before: Option<String>,
}

pub const LOG_PAGE: i64 = 100;

/// The staff view of the log, newest first.
#[tracing::instrument(skip_all)]
pub async fn log_entries(
    ctx: &ServiceContext,
    identity: &Identity,
    query: LogQuery,
    limit: i64,
) -> Result<(Vec<LogEntry>, Option<i64>), AppError> {
    let actor = identity.user.actor();
    if !actor.role.is_staff() {
        return Err(AppError::Forbidden("error-403"));
    }
    let before = match query.before.as_deref().filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(
            b.parse::<i64>()
                .ok()
                .filter(|b| *b > 0)
                .ok_or(AppError::BadRequest("error-cursor-invalid"))?,
        ),
    };
    ctx.db
        .read(move |c| {
            let consultation_id = match query.consultation.as_deref().filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(
                    consultations::find_by_slug(c, s)?
                        .ok_or(AppError::BadRequest("error-unknown-consultation"))?
                        .id,
                ),
            };
            let filter = LogFilter {
                consultation_id,
                action: query.action.clone().filter(|a| !a.is_empty()),
                reason: query.reason.clone().filter(|r| !r.is_empty()),
                before_id: before,
            };
            let rows = rows::log(c, &filter, limit + 1)?;
            let more = rows.len() as i64 > limit;
            let mut slugs = std::collections::HashMap::new();
            let mut entries = Vec::new();
            for (row, actor) in rows.into_iter().take(limit as usize) {
                let consultation = match row.consultation_id {
                    None => None,
                    Some(id) => {
                        if let std::collections::hash_map::Entry::Vacant(e) = slugs.entry(id) {
                            e.insert(consultations::find(c, id)?.slug);
                        }
                        slugs.get(&id).cloned()
                    }
                };
                entries.push(LogEntry {
                    id: row.id,
                    actor,
                    action: row.action,
                    target_type: row.target_type,
                    target_id: row.target_id,
                    consultation,
                    reason: row.reason,
                    note: row.note,
                    created_at: row.created_at,
                });
            }
            let next = if more {
                entries.last().map(|e| e.id)
            } else {
                None
            };
            Ok((entries, next))
        })
        .await
}

/// The public transparency page of a consultation: counts by action and reason, and the
/// tombstones. No names, no notes, no hidden text.
#[derive(Clone, Debug, Serialize)]
pub struct Transparency {
    pub consultation: String,
    pub title: String,
    pub counts: Vec<(String, String, i64)>,
    pub hidden_ideas: Vec<Tombstone>,
    pub hidden_comments: Vec<Tombstone>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Tombstone {
    pub target_id: i64,
    /// The idea's receipt number, or the idea a comment belongs to.
    pub reference: String,
    pub reason: String,
    pub hidden_at: NaiveDateTime,
}

#[tracing::instrument(skip_all)]
pub async fn transparency(
    ctx: &ServiceContext,
    viewer: Option<Actor>,
    slug: &str,
) -> Result<Transparency, AppError> {
    let slug = slug.to_owned();
    ctx.db
        .read(move |c| {
            let consultation = load_visible(c, &slug, viewer.as_ref())?;
            let counts = rows::action_counts(c, consultation.id)?;
            let hidden_ideas = rows::hidden_ideas(c, consultation.id)?
                .into_iter()
                .map(|(id, receipt, reason, at)| Tombstone {
                    target_id: id,
                    reference: receipt,
                    reason: reason.unwrap_or_else(|| "other".to_owned()),
                    hidden_at: at,
                })
                .collect();
            let hidden_comments = rows::hidden_comments(c, consultation.id)?
                .into_iter()
                .map(|(id, idea, reason, at)| Tombstone {
                    target_id: id,
                    reference: format!("/ideas/{idea}#comment-{id}"),
                    reason: reason.unwrap_or_else(|| "other".to_owned()),
                    hidden_at: at,
                })
                .collect();
            Ok(Transparency {
                consultation: consultation.slug,
                title: consultation.title,
                counts,
                hidden_ideas,
                hidden_comments,
            })
        })
        .await
}

/// The log as CSV (staff), cells neutralised against spreadsheet formulas.
pub fn log_csv(entries: &[LogEntry]) -> Result<String, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "id",
            "time_utc",
            "actor",
            "action",
            "target_type",
            "target_id",
            "consultation",
            "reason",
            "note",
        ])
        .map_err(AppError::internal)?;
    for e in entries {
        let record = [
            e.id.to_string(),
            crate::domain::time::rfc3339(e.created_at),
            e.actor.clone().unwrap_or_else(|| "system".to_owned()),
            e.action.clone(),
            e.target_type.clone(),
            e.target_id.to_string(),
            e.consultation.clone().unwrap_or_default(),
            e.reason.clone(),
            e.note.clone(),
        ];
        writer
            .write_record(
                record
                    .iter()
                    .map(|cell| neutralise_formula(cell).into_owned()),
            )
            .map_err(AppError::internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// A configured filter pattern.
#[derive(Clone, Debug, Serialize)]
pub struct FilterInfo {
    pub id: i64,
    pub pattern: String,
    pub is_regex: bool,
}

/// The word and pattern list that holds matching contributions for review (admins).
#[tracing::instrument(skip_all)]
pub async fn filters(
    ctx: &ServiceContext,
    identity: &Identity,
) -> Result<Vec<FilterInfo>, AppError> {
    policy::can_administer(&identity.user.actor())?;
    ctx.db
        .read(|c| {
            Ok(rows::filters(c)?
                .into_iter()
                .map(|f| FilterInfo {
                    id: f.id,
                    pattern: f.pattern,
                    is_regex: f.is_regex,
                })
                .collect())
        })
        .await
}

#[tracing::instrument(skip_all)]
pub async fn add_filter(
    ctx: &ServiceContext,
    identity: &Identity,
    pattern: &str,
    is_regex: bool,
) -> Result<(), AppError> {
    policy::can_administer(&identity.user.actor())?;
    moderation::FilterPattern::parse(pattern, is_regex)?;
    let pattern = pattern.trim().to_owned();
    let user = identity.user.id.0;
    ctx.db
        .write(move |c| {
            rows::add_filter(c, &pattern, is_regex, now())?;
            log(
                c,
                Some(user),
                "filter_add",
                ("report", 0),
                None,
                "other",
                &pattern,
            )
        })
        .await
}

#[tracing::instrument(skip_all)]
pub async fn remove_filter(
    ctx: &ServiceContext,
    identity: &Identity,
    id: i64,
) -> Result<(), AppError> {
    policy::can_administer(&identity.user.actor())?;
    let user = identity.user.id.0;
    ctx.db
        .write(move |c| {
            if rows::delete_filter(c, id)? == 0 {
                return Err(AppError::NotFound);
            }
            log(
                c,
                Some(user),
                "filter_remove",
                ("report", id),
                None,
                "other",
                "",
            )
        })
        .await
}
