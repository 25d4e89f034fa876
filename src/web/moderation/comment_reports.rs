//! The report page of a comment: the comment quoted as the idea page shows it, and the form.

use crate::domain::fields::FieldErrors;
use crate::domain::identity::Identity;
use crate::domain::ids::{CommentId, IdeaId};
use crate::domain::policy::{self};
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::comments::CommentView;
use crate::services::moderation::{self, Target};
use crate::services::{comments, ideas};
use crate::web::moderation::{ReportForm, report_flash, report_reasons};
use crate::web::page::{PageContext, insert_errors, see_other_with_flash};
use crate::web::share_links::with_query;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

/// Query of the comment report page: the page of comments to go back to.
#[derive(Deserialize)]
pub struct ReportPageQuery {
    #[serde(default)]
    comments_cursor: String,
}

/// A page of comments to go back to: a comment id, or none for the first page.
fn comments_cursor(raw: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(Some)
        .ok_or(AppError::BadRequest("error-cursor-invalid"))
}

/// Where the idea page shows a comment, on the page of comments the reader came from.
fn comment_on_idea_page(idea: i64, comment: i64, cursor: Option<i64>) -> String {
    let cursor = cursor.map(|c| c.to_string());
    format!(
        "{}#comment-{comment}",
        with_query(
            &format!("/ideas/{idea}"),
            &[("comments_cursor", cursor.as_deref())]
        )
    )
}

/// Refuses the report page for a comment the reader could not report (the idea page offers
/// no link to it): by the service's rule, 404 when the comment is deleted, hidden or awaiting
/// approval, 403 for one's own comment or without the right to take part.
fn check_reportable(identity: &Identity, comment: &CommentView) -> Result<(), AppError> {
    Ok(policy::can_report(
        &identity.user.actor(),
        !(comment.deleted || comment.hidden || comment.pending),
        comment.is_mine,
    )?)
}

/// The report form of a comment as it was sent, shown again with its errors.
struct SentReport {
    reason: String,
    note: String,
    errors: FieldErrors,
}

/// The comment report page: the comment quoted as the idea page shows it, and the form.
async fn render_comment_report(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    comment: &CommentView,
    cursor: Option<i64>,
    sent: Option<SentReport>,
) -> Result<HttpResponse, AppError> {
    let idea = ideas::get(state, Some(identity), IdeaId(comment.idea_id)).await?;
    let form_name = format!("report-comment-{}", comment.id);
    let mut ctx = tera::Context::new();
    ctx.insert("idea", &idea);
    ctx.insert("comment", comment);
    ctx.insert(
        "back_url",
        &comment_on_idea_page(idea.summary.id, comment.id, cursor),
    );
    ctx.insert(
        "comments_cursor",
        &cursor.map(|c| c.to_string()).unwrap_or_default(),
    );
    ctx.insert("report_reasons", &report_reasons());
    ctx.insert("value_reason", "");
    ctx.insert("value_body", "");
    let status = match sent {
        Some(sent) => {
            ctx.insert("active_form", &form_name);
            ctx.insert("error_prefix", &format!("{form_name}-"));
            ctx.insert("value_reason", &sent.reason);
            ctx.insert("value_body", &sent.note);
            insert_errors(&mut ctx, &sent.errors);
            if sent.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
        None => StatusCode::OK,
    };
    page.render(state, "moderation/report_comment.html", ctx, status)
}

/// `GET /comments/{id}/report`: the page the idea page's report link leads to.
#[tracing::instrument(skip_all)]
pub async fn report_comment_form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    query: web::Query<ReportPageQuery>,
) -> Result<HttpResponse, AppError> {
    let cursor = comments_cursor(&query.comments_cursor)?;
    let comment = comments::get(&state, Some(&identity), CommentId(path.into_inner())).await?;
    check_reportable(&identity, &comment)?;
    render_comment_report(&state, &page, &identity, &comment, cursor, None).await
}

#[tracing::instrument(skip_all)]
pub async fn report_comment(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    // The comment's own idea decides where the reader goes back to; a malformed cursor only
    // loses the page of comments they were on.
    let comment = comments::get(&state, Some(&identity), CommentId(id)).await?;
    let cursor = comments_cursor(&form.comments_cursor).unwrap_or(None);
    let note = Some(form.note.as_str());
    match moderation::report(
        &state,
        &identity,
        Target::Comment(CommentId(id)),
        &form.reason,
        note,
    )
    .await
    {
        Ok(outcome) => Ok(see_other_with_flash(
            &comment_on_idea_page(comment.idea_id, id, cursor),
            report_flash(outcome.hidden),
        )),
        Err(AppError::Validation(errors)) => {
            check_reportable(&identity, &comment)?;
            let sent = SentReport {
                reason: form.reason.trim().to_owned(),
                note: form.note.clone(),
                errors,
            };
            render_comment_report(&state, &page, &identity, &comment, cursor, Some(sent)).await
        }
        Err(err) => Err(err),
    }
}
