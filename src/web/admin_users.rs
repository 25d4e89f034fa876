//! `/admin/users`: find accounts and change their roles (admins only).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::users_admin;
use crate::web::page::{PageContext, see_other_with_flash};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

#[derive(Serialize)]
struct UserView {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    verified: bool,
    created_at: chrono::NaiveDateTime,
    /// Standing: suspended until a time, or banned (with the reason given).
    suspended: bool,
    banned: bool,
    suspended_until: Option<chrono::NaiveDateTime>,
    suspension_reason: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, AppError> {
    let result = users_admin::search(
        &state,
        &identity.user.actor(),
        &query.q,
        query.page.unwrap_or(1),
    )
    .await?;
    let users: Vec<UserView> = result
        .users
        .into_iter()
        .map(|u| UserView {
            suspended: u.is_suspended(),
            banned: u.banned_at.is_some() && u.is_suspended(),
            suspended_until: u.suspended_until.filter(|_| u.is_suspended()),
            suspension_reason: u.suspension_reason.clone().filter(|_| u.is_suspended()),
            id: u.id,
            verified: u.is_verified(),
            email: u.email.unwrap_or_default(),
            display_name: u.display_name.unwrap_or_default(),
            role: u.role,
            created_at: u.created_at,
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("users", &users);
    ctx.insert("q", &query.q);
    ctx.insert(
        "q_param",
        &url::form_urlencoded::byte_serialize(query.q.as_bytes()).collect::<String>(),
    );
    ctx.insert("total", &result.total);
    ctx.insert("page", &result.page);
    ctx.insert("pages", &result.pages);
    ctx.insert("roles", &Role::ALL.map(Role::as_str));
    // The suspension forms on each row (they post to the moderation pages).
    ctx.insert("action_reasons", &crate::domain::moderation::ACTION_REASONS);
    ctx.insert("timezone", state.settings.timezone.name());
    ctx.insert("me", &identity.user.id.0);
    page.ok(&state, "admin/users.html", ctx)
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

#[tracing::instrument(skip_all)]
pub async fn set_role(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let role = Role::parse(&form.role).ok_or(AppError::BadRequest("error-role-invalid"))?;
    users_admin::set_role(
        &state,
        &identity.user.actor(),
        UserId(path.into_inner()),
        role,
    )
    .await?;
    Ok(see_other_with_flash("/admin/users", "flash-role-changed"))
}
