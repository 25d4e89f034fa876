//! Comments on ideas: one level of replies, an author's edit window, deletion that leaves a
//! placeholder, and pages that cost the same however long the thread.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::models::comments::{self, CommentRow, NewComment};
use crate::db::models::ideas;
use crate::db::{AnyConnection, now};
use crate::domain::content::{self, CommentBody, VoteValue};
use crate::domain::identity::Identity;
use crate::domain::ids::{CommentId, IdeaId, UserId};
use crate::domain::markdown;
use crate::domain::moderation::{self, View, Visibility};
use crate::domain::policy::{self, Actor};
use crate::error::AppError;
use crate::rate_limit::COMMENTS_PER_ACCOUNT;
use crate::services::consultations::phase_of;
use crate::services::context::ServiceContext;
use crate::services::ideas::{AuthorView, load_idea};
use crate::services::screening;

pub const COMMENTS_PER_PAGE: i64 = 50;
pub const MAX_COMMENTS_PER_PAGE: i64 = 100;
/// Replies shown under each comment of a page.
pub const REPLIES_PER_COMMENT: usize = 100;

/// A comment as shown; deleted ones keep their place with no text and no author.
#[derive(Clone, Debug, Serialize)]
pub struct CommentView {
    pub id: i64,
    pub idea_id: i64,
    pub parent_id: Option<i64>,
    pub author: Option<AuthorView>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub deleted: bool,
    pub edited: bool,
    pub created_at: NaiveDateTime,
    pub reply_count: i32,
    pub is_mine: bool,
    /// Until when the viewer may still edit it (their own comments only).
    pub editable_until: Option<NaiveDateTime>,
    pub replies: Vec<CommentView>,
    /// Hidden by the moderators: a tombstone with the public reason, no text, no author.
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    /// Waiting for approval (seen only by its author and the moderators).
    pub pending: bool,
    /// Set when the comment came from an idea merged into this one.
    pub moved_from_idea_id: Option<i64>,
}

/// A page of top-level comments with their replies.
#[derive(Clone, Debug, Serialize)]
pub struct CommentPage {
    pub items: Vec<CommentView>,
    pub next_cursor: Option<String>,
}

/// The viewer's view of a comment; `None` when they may not see it at all.
fn view(
    row: CommentRow,
    author: Option<String>,
    viewer: Option<i64>,
    is_moderator: bool,
    open: bool,
    at: NaiveDateTime,
) -> Option<CommentView> {
    let shown = moderation::view_of(
        row.visibility(),
        viewer == Some(row.author_id),
        is_moderator,
    );
    if shown == View::Absent {
        return None;
    }
    let hidden = row.visibility() == Visibility::Hidden;
    let pending = row.visibility() == Visibility::Pending;
    let tombstone = shown == View::Tombstone;
    let deleted = row.deleted_at.is_some() || tombstone;
    let is_mine = !deleted && viewer == Some(row.author_id);
    let editable = is_mine && open && !hidden && content::within_edit_window(row.created_at, at);
    Some(CommentView {
        hidden,
        hidden_reason: if hidden {
            row.hidden_reason.clone()
        } else {
            None
        },
        pending,
        moved_from_idea_id: row.moved_from_idea_id,
        id: row.id,
        idea_id: row.idea_id,
        parent_id: row.parent_id,
        author: (!deleted).then_some(AuthorView {
            display_name: author,
        }),
        body: (!deleted).then_some(row.body),
        body_html: (!deleted).then_some(row.body_html),
        deleted,
        edited: row.edited_at.is_some(),
        created_at: row.created_at,
        reply_count: row.reply_count,
        is_mine,
        editable_until: editable.then(|| row.created_at + content::EDIT_WINDOW),
        replies: Vec::new(),
    })
}

/// A page of comments starts after the comment id in its cursor; none or empty: the first.
pub fn parse_cursor(cursor: Option<&str>) -> Result<Option<i64>, AppError> {
    match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or(AppError::BadRequest("error-cursor-invalid")),
    }
}

/// Whether any of these comments (id and parent of each) shows on the page of top-level
/// comments after `after` up to `end` (to the last when `None`): a reply shows with its
/// parent.
pub fn any_on_page(comments: &[(i64, Option<i64>)], after: Option<i64>, end: Option<i64>) -> bool {
    comments.iter().any(|&(id, parent)| {
        let thread = parent.unwrap_or(id);
        thread > after.unwrap_or(0) && end.is_none_or(|end| thread <= end)
    })
}

/// What of an idea's page belongs to one reader: their vote, and whether they wrote the idea
/// or a comment shown on that page of its comments (the page then shows them controls for
/// their own writing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReaderStake {
    pub own_vote: Option<VoteValue>,
    pub wrote_on_page: bool,
}

/// The reader's stake in the page of an idea's comments after `comments_after`; `None` when
/// there is no such idea.
#[tracing::instrument(skip_all)]
pub async fn reader_stake(
    ctx: &ServiceContext,
    user: UserId,
    idea: IdeaId,
    comments_after: Option<i64>,
) -> Result<Option<ReaderStake>, AppError> {
    let user = user.0;
    let idea = idea.0;
    use crate::db::schema::ideas as idea_rows;
    use diesel::prelude::*;
    ctx.db
        .read_point(move |c| {
            let Some(author) = idea_rows::table
                .find(idea)
                .select(idea_rows::author_id)
                .first::<i64>(c)
                .optional()?
            else {
                return Ok(None);
            };
            let wrote_on_page = author == user || wrote_on_page(c, idea, user, comments_after)?;
            let own_vote = crate::services::ideas::my_votes(c, Some(user), &[idea])?.remove(&idea);
            Ok(Some(ReaderStake {
                own_vote,
                wrote_on_page,
            }))
        })
        .await
}

/// Whether the person wrote any comment shown on this page of an idea's comments (the
/// page's default length).
pub fn wrote_on_page(
    conn: &mut AnyConnection,
    idea: i64,
    author: i64,
    after: Option<i64>,
) -> Result<bool, AppError> {
    let own = comments::by_author_on_idea(conn, idea, author)?;
    if own.is_empty() {
        return Ok(false);
    }
    let end = comments::page_end(conn, idea, after, COMMENTS_PER_PAGE)?;
    Ok(any_on_page(&own, after, end))
}

/// Top-level comments after `cursor` (a comment id), with up to 100 replies each.
#[tracing::instrument(skip_all)]
pub async fn page(
    ctx: &ServiceContext,
    viewer: Option<&Identity>,
    idea_id: IdeaId,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> Result<CommentPage, AppError> {
    let after = parse_cursor(cursor)?;
    let limit = match limit.map(str::trim).filter(|l| !l.is_empty()) {
        None => COMMENTS_PER_PAGE,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_COMMENTS_PER_PAGE).contains(n))
            .ok_or(AppError::BadRequest("error-limit-invalid"))?,
    };
    let actor = viewer.map(|v| v.user.actor());
    let viewer_id = viewer.map(|v| v.user.id.0);
    ctx.db
        .read(move |c| page_in(c, actor, viewer_id, idea_id, after, limit))
        .await
}

/// `page` on a connection already at hand, with its cursor and length parsed.
pub fn page_in(
    c: &mut AnyConnection,
    actor: Option<Actor>,
    viewer_id: Option<i64>,
    idea_id: IdeaId,
    after: Option<i64>,
    limit: i64,
) -> Result<CommentPage, AppError> {
    let idea_id = idea_id.0;
    let (idea, _, consultation) = load_idea(c, idea_id, actor.as_ref())?;
    let is_moderator = actor.is_some_and(|a| policy::can_moderate(&a).is_ok());
    match moderation::view_of(
        idea.visibility(),
        viewer_id == Some(idea.author_id),
        is_moderator,
    ) {
        View::Absent => return Err(AppError::NotFound),
        View::Redirect => {
            return Err(AppError::MovedIdea(idea.merged_into_id.unwrap_or(idea.id)));
        }
        // A hidden idea's discussion goes with it.
        View::Tombstone => {
            return Ok(CommentPage {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        View::Full => {}
    }
    let at = now();
    let open = phase_of(&consultation, at).accepts_participation() && idea.locked_at.is_none();
    load_page(c, idea_id, after, limit, viewer_id, is_moderator, open, at)
}

#[allow(clippy::too_many_arguments)]
fn load_page(
    conn: &mut AnyConnection,
    idea_id: i64,
    after: Option<i64>,
    limit: i64,
    viewer: Option<i64>,
    is_moderator: bool,
    open: bool,
    at: NaiveDateTime,
) -> Result<CommentPage, AppError> {
    let rows = comments::top_level_page(conn, idea_id, after, limit + 1)?;
    let has_more = rows.len() as i64 > limit;
    let last_id = rows[..rows.len().min(limit as usize)]
        .last()
        .map(|(r, _)| r.id);
    let mut items: Vec<CommentView> = rows
        .into_iter()
        .take(limit as usize)
        .filter_map(|(row, author)| view(row, author, viewer, is_moderator, open, at))
        .collect();
    // Every comment of the page, counted replies or not: a deleted last reply still keeps its
    // placeholder.
    let parents: Vec<(i64, i32)> = items.iter().map(|c| (c.id, c.reply_count)).collect();
    if !parents.is_empty() {
        for (row, author) in comments::replies_of(conn, &parents, REPLIES_PER_COMMENT)? {
            let Some(reply) = view(row, author, viewer, is_moderator, open, at) else {
                continue;
            };
            if let Some(parent) = items.iter_mut().find(|p| Some(p.id) == reply.parent_id) {
                parent.replies.push(reply);
            }
        }
    }
    // The cursor is the last row read, even when the viewer may not see that row.
    let next_cursor = if has_more {
        last_id.map(|id| id.to_string())
    } else {
        None
    };
    Ok(CommentPage { items, next_cursor })
}

/// Posts a comment, or a reply to a top-level comment of the same idea.
#[tracing::instrument(skip_all)]
pub async fn post(
    ctx: &ServiceContext,
    identity: &Identity,
    idea_id: IdeaId,
    body: &str,
    parent_id: Option<CommentId>,
) -> Result<CommentView, AppError> {
    let parent_id = parent_id.map(|id| id.0);
    let idea_id = idea_id.0;
    let parsed = CommentBody::parse("body", body)?;
    let actor = identity.user.actor();
    let user_id = identity.user.id.0;
    if policy::can_take_part(&actor).is_ok() {
        ctx.limiter
            .hit(COMMENTS_PER_ACCOUNT, &user_id.to_string())
            .await?;
    }
    let view = ctx
        .db
        .write(move |c| {
            let (idea, _, consultation) = load_idea(c, idea_id, Some(&actor))?;
            let at = now();
            policy::can_comment(Some(&actor), phase_of(&consultation, at), &idea.state())?;
            screening::refuse_links_from_new_accounts(
                c,
                crate::domain::ids::UserId(user_id),
                parsed.as_str(),
                "body",
            )?;
            let visibility =
                screening::visibility_for(c, consultation.premoderation, parsed.as_str())?;
            let counted = visibility == Visibility::Visible;
            if let Some(parent) = parent_id {
                let parent = comments::find(c, parent)?
                    .ok_or(AppError::validation("parent_id", "error-parent-invalid"))?;
                // One level of replies: a reply to a reply is refused, as is a reply elsewhere.
                if parent.idea_id != idea_id
                    || parent.parent_id.is_some()
                    || parent.deleted_at.is_some()
                {
                    return Err(AppError::validation("parent_id", "error-parent-invalid"));
                }
                if counted {
                    comments::add_replies(c, parent.id, 1)?;
                }
            }
            let html = markdown::render_user(parsed.as_str());
            let id = comments::insert(
                c,
                &NewComment {
                    idea_id,
                    parent_id,
                    author_id: user_id,
                    body: parsed.as_str(),
                    body_html: &html,
                    created_at: at,
                    updated_at: at,
                    visibility: visibility.as_str(),
                },
            )?;
            if counted {
                ideas::add_comments(c, idea_id, 1)?;
            }
            let (row, author) = comments::find_with_author(c, id)?.ok_or(AppError::NotFound)?;
            view(row, author, Some(user_id), false, true, at).ok_or(AppError::NotFound)
        })
        .await?;
    tracing::info!(comment = view.id, idea = idea_id, "comment posted");
    Ok(view)
}

fn load_comment(
    conn: &mut AnyConnection,
    id: i64,
    actor: &Actor,
) -> Result<
    (
        CommentRow,
        crate::db::models::consultations::ConsultationRow,
    ),
    AppError,
> {
    let row = comments::find(conn, id)?.ok_or(AppError::NotFound)?;
    let (_, _, consultation) = load_idea(conn, row.idea_id, Some(actor))?;
    Ok((row, consultation))
}

/// The author corrects their comment within the edit window.
#[tracing::instrument(skip_all)]
pub async fn edit(
    ctx: &ServiceContext,
    identity: &Identity,
    id: CommentId,
    body: &str,
) -> Result<CommentView, AppError> {
    let id = id.0;
    let parsed = CommentBody::parse("body", body)?;
    let actor = identity.user.actor();
    let user_id = identity.user.id.0;
    ctx.db
        .write(move |c| {
            let (row, consultation) = load_comment(c, id, &actor)?;
            if row.deleted_at.is_some() || row.visibility() == Visibility::Hidden {
                return Err(AppError::NotFound);
            }
            let at = now();
            policy::can_edit(
                row.author_id == user_id,
                content::within_edit_window(row.created_at, at),
                phase_of(&consultation, at),
                false,
            )?;
            let html = markdown::render_user(parsed.as_str());
            comments::update_body(c, id, parsed.as_str(), &html, at)?;
            let (row, author) = comments::find_with_author(c, id)?.ok_or(AppError::NotFound)?;
            view(row, author, Some(user_id), false, true, at).ok_or(AppError::NotFound)
        })
        .await
}

/// One comment as the viewer may see it (404 when they may not).
#[tracing::instrument(skip_all)]
pub async fn get(
    ctx: &ServiceContext,
    viewer: Option<&Identity>,
    id: CommentId,
) -> Result<CommentView, AppError> {
    let id = id.0;
    let actor = viewer.map(|v| v.user.actor());
    let viewer_id = viewer.map(|v| v.user.id.0);
    ctx.db
        .read(move |c| {
            let (row, author) = comments::find_with_author(c, id)?.ok_or(AppError::NotFound)?;
            let (idea, _, consultation) = load_idea(c, row.idea_id, actor.as_ref())?;
            let is_moderator = actor.is_some_and(|a| policy::can_moderate(&a).is_ok());
            if moderation::view_of(
                idea.visibility(),
                viewer_id == Some(idea.author_id),
                is_moderator,
            ) != View::Full
            {
                return Err(AppError::NotFound);
            }
            let at = now();
            let open =
                phase_of(&consultation, at).accepts_participation() && idea.locked_at.is_none();
            view(row, author, viewer_id, is_moderator, open, at).ok_or(AppError::NotFound)
        })
        .await
}

/// The author deletes their comment: the text goes, a placeholder keeps the thread's shape.
/// Returns the idea it belonged to.
#[tracing::instrument(skip_all)]
pub async fn delete(
    ctx: &ServiceContext,
    identity: &Identity,
    id: CommentId,
) -> Result<i64, AppError> {
    let id = id.0;
    let actor = identity.user.actor();
    let user_id = identity.user.id.0;
    ctx.db
        .write(move |c| {
            let (row, _) = load_comment(c, id, &actor)?;
            if row.deleted_at.is_some() {
                return Err(AppError::NotFound);
            }
            if row.author_id != user_id {
                return Err(AppError::Forbidden("error-not-author"));
            }
            comments::soft_delete(c, id, now())?;
            // Only visible comments are counted, so only they uncount.
            if row.visibility() == Visibility::Visible {
                ideas::add_comments(c, row.idea_id, -1)?;
                if let Some(parent) = row.parent_id {
                    comments::add_replies(c, parent, -1)?;
                }
            }
            Ok(row.idea_id)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::any_on_page;

    #[test]
    fn a_comment_shows_on_the_page_of_its_thread() {
        // Top-level 10 and 20, a reply 25 to 10, on the page after 5 that ends with 20.
        let mine = [(25, Some(10))];
        assert!(any_on_page(&mine, Some(5), Some(20)));
        assert!(
            !any_on_page(&mine, Some(10), Some(40)),
            "its thread is on an earlier page"
        );
        assert!(!any_on_page(&[(30, None)], None, Some(20)), "a later page");
        assert!(
            any_on_page(&[(30, None)], Some(20), None),
            "the last page runs to the end"
        );
        assert!(
            any_on_page(&[(20, None)], None, Some(20)),
            "the page's last thread"
        );
        assert!(!any_on_page(&[], None, None));
    }
}
