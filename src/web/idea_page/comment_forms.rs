//! Comment forms on the idea page: post, reply (one level), the author's edit and delete.
//! Success answers 303 to the comment's anchor; a refused text shows the idea page again
//! with the error summary (422).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::ids::{CommentId, IdeaId};
use crate::error::AppError;
use crate::http::identity::{SignedIn, Viewer};
use crate::http::state::AppState;
use crate::services::comments::{self, COMMENTS_PER_PAGE};
use crate::services::ideas;
use crate::web::idea_page::{ActiveForm, render_idea};
use crate::web::page::{PageContext, see_other_with_flash};
use crate::web::share_links::with_query;

/// A new comment or reply. `comments_cursor` is the page of comments the form was on, so that
/// an error shows the same page again.
#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    comments_cursor: String,
}

fn optional_id(raw: &str) -> Result<Option<i64>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        v => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::BadRequest("error-400")),
    }
}

/// Where a comment can be seen: its anchor, on the page of comments that holds it when the
/// thread is longer than one page (pages start after a top-level comment id).
fn comment_location(idea_id: i64, comment_id: i64, top_level_id: i64, long_thread: bool) -> String {
    let path = format!("/ideas/{idea_id}");
    let cursor = (long_thread && top_level_id > 1).then(|| (top_level_id - 1).to_string());
    format!(
        "{}#comment-{comment_id}",
        with_query(&path, &[("comments_cursor", cursor.as_deref())])
    )
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, AppError> {
    let idea_id = path.into_inner();
    let parent = optional_id(&form.parent_id)?;
    match comments::post(
        &state,
        &identity,
        IdeaId(idea_id),
        &form.body,
        parent.map(CommentId),
    )
    .await
    {
        Ok(view) => {
            let idea = ideas::get(&state, Some(&identity), IdeaId(idea_id)).await?;
            let long = i64::from(idea.summary.comment_count) > COMMENTS_PER_PAGE;
            let location = comment_location(idea_id, view.id, parent.unwrap_or(view.id), long);
            Ok(see_other_with_flash(&location, "flash-comment-posted"))
        }
        Err(AppError::Validation(errors)) => {
            let name = match parent {
                Some(p) => format!("reply-{p}"),
                None => "comment".to_owned(),
            };
            let active = ActiveForm {
                name,
                body: form.body.clone(),
                errors,
            };
            render_idea(
                &state,
                &page,
                &Viewer::Person(identity.clone()),
                idea_id,
                false,
                Some(&form.comments_cursor),
                Some(active),
            )
            .await
        }
        Err(err) => Err(err),
    }
}

/// An edit or a deletion of one's own comment. `idea_id` only chooses the page shown
/// afterwards; the service checks the comment itself.
#[derive(Deserialize)]
pub struct CommentChangeForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    idea_id: String,
    #[serde(default)]
    comments_cursor: String,
}

#[tracing::instrument(skip_all)]
pub async fn edit(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<CommentChangeForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    match comments::edit(&state, &identity, CommentId(id), &form.body).await {
        Ok(view) => {
            let location = format!(
                "{}#comment-{id}",
                with_query(
                    &format!("/ideas/{}", view.idea_id),
                    &[("comments_cursor", Some(&form.comments_cursor))]
                )
            );
            Ok(see_other_with_flash(&location, "flash-comment-edited"))
        }
        Err(AppError::Validation(errors)) => {
            let idea_id = optional_id(&form.idea_id)?.ok_or(AppError::BadRequest("error-400"))?;
            let active = ActiveForm {
                name: format!("edit-{id}"),
                body: form.body.clone(),
                errors,
            };
            render_idea(
                &state,
                &page,
                &Viewer::Person(identity.clone()),
                idea_id,
                false,
                Some(&form.comments_cursor),
                Some(active),
            )
            .await
        }
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn delete(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<CommentChangeForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    comments::delete(&state, &identity, CommentId(id)).await?;
    let location = match optional_id(&form.idea_id)? {
        Some(idea) => format!(
            "{}#comment-{id}",
            with_query(
                &format!("/ideas/{idea}"),
                &[("comments_cursor", Some(&form.comments_cursor))]
            )
        ),
        None => "/".to_owned(),
    };
    Ok(see_other_with_flash(&location, "flash-comment-deleted"))
}

#[cfg(test)]
mod tests {
    use super::comment_location;

    #[test]
    fn new_comments_are_found_on_their_page() {
        assert_eq!(comment_location(3, 9, 9, false), "/ideas/3#comment-9");
        assert_eq!(
            comment_location(3, 90, 90, true),
            "/ideas/3?comments_cursor=89#comment-90"
        );
        assert_eq!(
            comment_location(3, 91, 40, true),
            "/ideas/3?comments_cursor=39#comment-91"
        );
        assert_eq!(comment_location(3, 2, 1, true), "/ideas/3#comment-2");
    }
}
