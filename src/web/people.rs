//! People, for moderators: an account's standing and what it posted (never its email), the
//! forms to suspend or ban it, lift that, and hide everything it posted in one action.
//!
//! No service describes an account to moderators yet, nor tells whose an idea or comment is;
//! until one does, `profile` and `author_of` below read the rows directly, and only after the
//! moderator check. Every change still goes through `services::people`.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::auth::identity::{Identity, SignedIn};
use crate::db::models::{comments, ideas, users};
use crate::domain::fields::FieldErrors;
use crate::domain::ids::UserId;
use crate::domain::moderation::{ACTION_REASONS, Visibility};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::moderation::{Target, require_moderator};
use crate::services::people;
use crate::state::AppState;
use crate::web::moderation::back_to;
use crate::web::page::{PageContext, see_other, see_other_with_flash, see_other_with_flash_count};

/// How many of someone's ideas or comments are in each state.
#[derive(Serialize, Default)]
struct Counts {
    total: usize,
    visible: usize,
    pending: usize,
    hidden: usize,
    merged: usize,
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
    id: i64,
    display_name: Option<String>,
    role: Role,
    deleted: bool,
    created_at: NaiveDateTime,
    suspended: bool,
    banned: bool,
    suspended_until: Option<NaiveDateTime>,
    suspension_reason: Option<String>,
    ideas: Counts,
    comments: Counts,
}

async fn profile(state: &AppState, identity: &Identity, id: i64) -> Result<Person, AppError> {
    require_moderator(&identity.user.actor())?;
    state
        .db
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

async fn author_of(state: &AppState, identity: &Identity, target: Target) -> Result<i64, AppError> {
    require_moderator(&identity.user.actor())?;
    state
        .db
        .read(move |c| {
            let author = match target {
                Target::Idea(id) => ideas::find(c, id)?.map(|i| i.author_id),
                Target::Comment(id) => comments::find(c, id)?.map(|m| m.author_id),
            };
            author.ok_or(AppError::NotFound)
        })
        .await
}

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
fn actionable(identity: &Identity, person: &Person) -> bool {
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
    let person = profile(state, identity, id).await?;
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
    let author = author_of(&state, &identity, Target::Idea(path.into_inner())).await?;
    Ok(see_other(&format!("/moderation/users/{author}")))
}

#[tracing::instrument(skip_all)]
pub async fn comment_author(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let author = author_of(&state, &identity, Target::Comment(path.into_inner())).await?;
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
        id,
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
    people::lift(&state, &identity, id).await?;
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
    match people::hide_everything(&state, &identity, id, &form.reason).await {
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
