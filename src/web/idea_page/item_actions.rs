//! Moderator actions on an idea or a comment, sent from the queue or the idea page: a refused
//! action shows the page it came from again, with the form open and its errors.

use crate::domain::identity::Identity;
use crate::domain::ids::{CommentId, IdeaId};
use crate::domain::policy::{self};
use crate::error::AppError;
use crate::http::identity::{SignedIn, Viewer};
use crate::http::state::AppState;
use crate::services::comments;
use crate::services::moderation::{self, QueueQuery, Target};
use crate::web::idea_page::{ActiveForm, render_idea};
use crate::web::moderation::queue::{ActiveAction, queue_page};
use crate::web::page::{PageContext, see_other_with_flash};
use crate::web::staff_forms::{back_to, field_error_page, form_name};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

/// An action form: `action` is hide, restore, approve, lock, unlock, pin, unpin or dismiss.
#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    return_to: String,
    #[serde(default)]
    form_name: String,
}

fn action_flash(action: &str) -> &'static str {
    match action {
        "hide" => "flash-moderation-hide",
        "restore" => "flash-moderation-restore",
        "approve" => "flash-moderation-approve",
        "lock" => "flash-moderation-lock",
        "unlock" => "flash-moderation-unlock",
        "pin" => "flash-moderation-pin",
        "unpin" => "flash-moderation-unpin",
        "dismiss" => "flash-moderation-dismiss",
        _ => "flash-moderation-done",
    }
}

/// The idea a page address shows (`/ideas/12`, `/ideas/12#comment-3`).
fn idea_of(path: &str) -> Option<i64> {
    let rest = path.strip_prefix("/ideas/")?;
    let end = rest.find(['?', '#', '/']).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Shows the page a refused form came from again, with the form open and its errors.
async fn show_again(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    back: &str,
    form: ActiveAction,
) -> Result<HttpResponse, AppError> {
    if back == "/moderation" || back.starts_with("/moderation?") {
        let query = back
            .split_once('?')
            .and_then(|(_, q)| serde_urlencoded::from_str::<QueueQuery>(q).ok())
            .unwrap_or_default();
        return queue_page(state, page, identity, query, Some(form)).await;
    }
    if let Some(idea) = idea_of(back) {
        let active = ActiveForm {
            name: form.name,
            body: form.note,
            errors: form.errors,
        };
        return render_idea(
            state,
            page,
            &Viewer::Person(identity.clone()),
            idea,
            false,
            None,
            Some(active),
        )
        .await;
    }
    field_error_page(state, page, &form.errors)
}

async fn act_on(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    target: Target,
    form: ActionForm,
) -> Result<HttpResponse, AppError> {
    let fallback = match target {
        Target::Idea(id) => format!("/ideas/{id}"),
        Target::Comment(_) => "/moderation".to_owned(),
    };
    let back = back_to(&form.return_to, &fallback);
    let action = form.action.trim();
    let note = Some(form.note.as_str());
    let result = if action == "dismiss" {
        moderation::dismiss_reports(state, identity, target, note).await
    } else {
        moderation::act(state, identity, target, action, &form.reason, note).await
    };
    match result {
        Ok(()) => Ok(see_other_with_flash(&back, action_flash(action))),
        Err(AppError::Validation(errors)) => {
            let active = ActiveAction {
                name: form_name(&form.form_name),
                note: form.note.clone(),
                reason: form.reason.trim().to_owned(),
                errors,
            };
            show_again(state, page, identity, &back, active).await
        }
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn moderate_idea(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let target = Target::Idea(IdeaId(path.into_inner()));
    act_on(&state, &page, &identity, target, form.into_inner()).await
}

#[tracing::instrument(skip_all)]
pub async fn moderate_comment(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let target = Target::Comment(CommentId(path.into_inner()));
    act_on(&state, &page, &identity, target, form.into_inner()).await
}

/// `/moderation/comments/{id}` (GET): the comment in its thread, for links from the log.
#[tracing::instrument(skip_all)]
pub async fn comment_location(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    policy::can_moderate(&identity.user.actor())?;
    let id = path.into_inner();
    let comment = comments::get(&state, Some(&identity), CommentId(id)).await?;
    Ok(crate::web::page::see_other(&format!(
        "/ideas/{}#comment-{id}",
        comment.idea_id
    )))
}

/// A merge: this idea goes into `into` (an idea number of the same consultation).
#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    return_to: String,
    #[serde(default)]
    form_name: String,
}

#[tracing::instrument(skip_all)]
pub async fn merge(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<MergeForm>,
) -> Result<HttpResponse, AppError> {
    let from = path.into_inner();
    let own_page = format!("/ideas/{from}");
    let back = back_to(&form.return_to, &own_page);
    let into = form.into.trim().parse::<i64>().ok().filter(|i| *i > 0);
    let result = match into {
        Some(into) => {
            moderation::merge(
                &state,
                &identity,
                IdeaId(from),
                IdeaId(into),
                Some(form.note.as_str()),
            )
            .await
        }
        None => {
            // Only moderators learn that the number was wrong.
            policy::can_moderate(&identity.user.actor())?;
            Err(AppError::validation("into", "error-merge-target"))
        }
    };
    match result {
        Ok(()) => {
            // The merged idea's page now redirects; go straight to the idea that remains.
            let location = match into {
                Some(into) if back == own_page => format!("/ideas/{into}"),
                _ => back,
            };
            Ok(see_other_with_flash(&location, "flash-merged"))
        }
        Err(AppError::Validation(errors)) => {
            let active = ActiveAction {
                name: form_name(&form.form_name),
                note: form.note.clone(),
                reason: String::new(),
                errors,
            };
            show_again(&state, &page, &identity, &back, active).await
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idea_pages_are_recognised() {
        assert_eq!(idea_of("/ideas/12"), Some(12));
        assert_eq!(idea_of("/ideas/12#comment-3"), Some(12));
        assert_eq!(idea_of("/ideas/12?comments_cursor=4"), Some(12));
        assert_eq!(idea_of("/moderation"), None);
    }
}
