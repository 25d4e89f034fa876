//! Account administration: finding users, changing roles, creating accounts from the CLI.

use crate::db::models::sessions as session_rows;
use crate::db::models::users::{self, NewUser, UserRow};
use crate::db::now;
use crate::domain::display_name::DisplayName;
use crate::domain::email::EmailAddress;
use crate::domain::fields::FieldErrors;
use crate::domain::ids::UserId;
use crate::domain::password::NewPassword;
use crate::domain::policy::{self, Actor};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::context::ServiceContext;

pub const USERS_PER_PAGE: i64 = 50;
pub const SEARCH_MAX_CHARS: usize = 100;

/// One page of users matching a search.
pub struct UserPage {
    pub users: Vec<UserRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

#[tracing::instrument(skip_all)]
pub async fn search(
    ctx: &ServiceContext,
    actor: &Actor,
    query: &str,
    page: i64,
) -> Result<UserPage, AppError> {
    policy::can_administer(actor)?;
    if query.chars().count() > SEARCH_MAX_CHARS {
        return Err(AppError::BadRequest("error-search-too-long"));
    }
    if !(1..=100_000).contains(&page) {
        return Err(AppError::BadRequest("error-page-invalid"));
    }
    let q = query.to_owned();
    let offset = (page - 1) * USERS_PER_PAGE;
    let (users, total) = ctx
        .db
        .read(move |c| Ok(users::search(c, &q, USERS_PER_PAGE, offset)?))
        .await?;
    Ok(UserPage {
        users,
        total,
        page,
        pages: ((total + USERS_PER_PAGE - 1) / USERS_PER_PAGE).max(1),
    })
}

/// Changes a role (admins only, never demoting the last admin) and ends the target's
/// sessions, so the change applies from their very next request. `actor` is `None` when
/// run from the server's command line, which is trusted.
pub fn set_role_sync(
    ctx: &ServiceContext,
    actor: Option<&Actor>,
    target: UserId,
    role: Role,
) -> Result<UserRow, AppError> {
    ctx.db.write_sync(|c| {
        let user = users::find(c, target)?.ok_or(AppError::NotFound)?;
        let admins = users::count_admins(c)?;
        let acting = actor.copied().unwrap_or(Actor {
            suspended: false,
            role: Role::Admin,
            verified: true,
        });
        policy::can_change_role(&acting, user.role(), role, admins)?;
        if user.role() != role {
            users::set_role(c, target, role, now())?;
            session_rows::delete_for_user(c, target)?;
        }
        Ok(user)
    })
}

#[tracing::instrument(skip_all)]
pub async fn set_role(
    ctx: &ServiceContext,
    actor: &Actor,
    target: UserId,
    role: Role,
) -> Result<(), AppError> {
    let st = ctx.clone();
    let actor = *actor;
    let before =
        crate::db::run_blocking(move || set_role_sync(&st, Some(&actor), target, role)).await?;
    tracing::info!(user = %target, from = %before.role(), to = %role, "role changed");
    Ok(())
}

/// Creates an account from the command line (optionally already verified).
#[tracing::instrument(skip_all)]
pub async fn create_user(
    ctx: &ServiceContext,
    email: &str,
    name: &str,
    role: Role,
    verified: bool,
    password: &str,
) -> Result<UserId, AppError> {
    let mut errors = FieldErrors::new();
    let email = errors.take(EmailAddress::parse("email", email));
    let name = errors.take(DisplayName::parse("name", name));
    let password = errors.take(NewPassword::parse("password", password, &[]));
    let (Some(email), Some(name), Some(password)) = (email, name, password) else {
        return Err(AppError::Validation(errors));
    };
    let hash = ctx.hasher.hash(password.expose()).await?;
    ctx.db
        .write(move |c| {
            if users::email_taken(c, email.as_str())? {
                return Err(AppError::validation("email", "error-email-taken"));
            }
            let at = now();
            Ok(UserId(users::insert(
                c,
                &NewUser {
                    email: email.as_str(),
                    display_name: name.as_str(),
                    password_hash: &hash,
                    role: role.as_str(),
                    language: None,
                    email_verified_at: verified.then_some(at),
                    created_at: at,
                    updated_at: at,
                },
            )?))
        })
        .await
}

#[tracing::instrument(skip_all)]
pub async fn find_by_email(ctx: &ServiceContext, email: &str) -> Result<Option<UserRow>, AppError> {
    let email = EmailAddress::parse("email", email)?;
    ctx.db
        .read(move |c| Ok(users::find_by_email(c, email.as_str())?))
        .await
}
