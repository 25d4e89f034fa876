//! People, for moderators: an account's standing and what it posted (never its email), the
//! forms to suspend or ban it, lift that, and hide everything it posted in one action.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::identity::Identity;

use crate::domain::fields::FieldErrors;
use crate::domain::ids::{CommentId, IdeaId, UserId};
use crate::domain::moderation::ACTION_REASONS;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::moderation::Target;
use crate::services::people;
use crate::web::page::{PageContext, see_other, see_other_with_flash, see_other_with_flash_count};
use crate::web::staff_forms::back_to;

/// The suspension form's fields, as posted and as shown again.
#[derive(Deserialize, Serialize, Default)]
pub struct SuspensionForm {
    #[serde(default)]
    until: String,
    #[serde(default)]
    ban: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    return_to: String,
}

/// Whether the page offers the forms: moderators act on citizens, admins on anyone but
/// themselves (as `services::people` decides; it refuses anything else all the same).
fn actionable(identity: &Identity, person: &people::Person) -> bool {
    identity.user.id.0 != person.id
        && (identity.user.role == Role::Admin || person.role == Role::Citizen)
}

async fn person_page(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    id: i64,
    form: &SuspensionForm,
    errors: Option<(&str, &FieldErrors)>,
) -> Result<HttpResponse, AppError> {
    let person = people::profile(state, identity, id).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("actionable", &actionable(identity, &person));
    ctx.insert("person", &person);
    ctx.insert("form", form);
    ctx.insert("action_reasons", &ACTION_REASONS);
    ctx.insert("timezone", state.settings.timezone.name());
    ctx.insert("return_to", &format!("/moderation/users/{id}"));
    match errors {
        // `active` names the refused form: "" for the suspension, "hide" for hiding.
        Some((active, errors)) => {
            ctx.insert("active_form", active);
            let prefix = if active.is_empty() {
                String::new()
            } else {
                format!("{active}-")
            };
            ctx.insert("error_prefix", &prefix);
            page.form_errors(state, "moderation/user.html", ctx, errors)
        }
        None => page.ok(state, "moderation/user.html", ctx),
    }
}

/// `/moderation/users/{id}`: an account's standing and posts, and the forms to act on it.
#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    person_page(
        &state,
        &page,
        &identity,
        id,
        &SuspensionForm::default(),
        None,
    )
    .await
}

/// `/moderation/ideas/{id}/author` and `/moderation/comments/{id}/author`: the account that
/// wrote an item (from the queue and the idea page).
#[tracing::instrument(skip_all)]
pub async fn idea_author(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let author =
        people::author_of(&state, &identity, Target::Idea(IdeaId(path.into_inner()))).await?;
    Ok(see_other(&format!("/moderation/users/{author}")))
}

#[tracing::instrument(skip_all)]
pub async fn comment_author(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let author = people::author_of(
        &state,
        &identity,
        Target::Comment(CommentId(path.into_inner())),
    )
    .await?;
    Ok(see_other(&format!("/moderation/users/{author}")))
}

#[tracing::instrument(skip_all)]
pub async fn suspend(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<SuspensionForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let ban = form.ban == "on";
    let back = back_to(&form.return_to, &format!("/moderation/users/{id}"));
    let result = people::suspend(
        &state,
        &identity,
        UserId(id),
        Some(form.until.as_str()),
        ban,
        &form.reason,
        Some(form.note.as_str()),
    )
    .await;
    match result {
        Ok(()) => Ok(see_other_with_flash(
            &back,
            if ban {
                "flash-banned"
            } else {
                "flash-suspended"
            },
        )),
        Err(AppError::Validation(errors)) => {
            person_page(&state, &page, &identity, id, &form, Some(("", &errors))).await
        }
        Err(err) => Err(err),
    }
}

/// Lifting and hiding everything name only where to go back to (and, to hide, a reason).
#[derive(Deserialize)]
pub struct PersonActionForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    return_to: String,
}

#[tracing::instrument(skip_all)]
pub async fn lift(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<PersonActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    people::lift(&state, &identity, UserId(id)).await?;
    let back = back_to(&form.return_to, &format!("/moderation/users/{id}"));
    Ok(see_other_with_flash(&back, "flash-suspension-lifted"))
}

#[tracing::instrument(skip_all)]
pub async fn hide_everything(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<PersonActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    match people::hide_everything(&state, &identity, UserId(id), &form.reason).await {
        Ok(hidden) => {
            let back = back_to(&form.return_to, &format!("/moderation/users/{id}"));
            Ok(see_other_with_flash_count(
                &back,
                "flash-posts-hidden",
                hidden as i64,
            ))
        }
        Err(AppError::Validation(errors)) => {
            let shown = SuspensionForm::default();
            person_page(
                &state,
                &page,
                &identity,
                id,
                &shown,
                Some(("hide", &errors)),
            )
            .await
        }
        Err(err) => Err(err),
    }
}

/// Registers the people pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/moderation/users/{id}").route(web::get().to(show)))
        .service(web::resource("/moderation/users/{id}/suspend").route(web::post().to(suspend)))
        .service(web::resource("/moderation/users/{id}/lift").route(web::post().to(lift)))
        .service(
            web::resource("/moderation/users/{id}/hide-all").route(web::post().to(hide_everything)),
        )
        .service(web::resource("/moderation/ideas/{id}/author").route(web::get().to(idea_author)))
        .service(
            web::resource("/moderation/comments/{id}/author").route(web::get().to(comment_author)),
        );
}
