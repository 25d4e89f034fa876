//! The account page: profile, password, email, sessions, API tokens, data download, deletion.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::client::ClientInfo;
use crate::domain::fields::FieldErrors;
use crate::domain::identity::Identity;
use crate::domain::ids::{ApiTokenId, SessionId};
use crate::error::AppError;
use crate::http::cookies::{removal_cookie, session_cookie, session_cookie_name};
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::{accounts, api_tokens, sessions};
use crate::web::page::{PageContext, insert_errors, see_other_with_flash};

#[derive(Serialize)]
struct SessionView {
    id: i64,
    user_agent: String,
    created_at: chrono::NaiveDateTime,
    last_seen_at: chrono::NaiveDateTime,
    current: bool,
}

#[derive(Serialize)]
struct TokenView {
    id: i64,
    name: String,
    prefix: String,
    created_at: chrono::NaiveDateTime,
    last_used_at: Option<chrono::NaiveDateTime>,
}

/// Everything the account page shows about the user.
async fn account_context(state: &AppState, identity: &Identity) -> Result<tera::Context, AppError> {
    let user = &identity.user;
    let current = identity.session_id();
    let sessions: Vec<SessionView> = sessions::list(state, user.id)
        .await?
        .into_iter()
        .map(|s| SessionView {
            id: s.id,
            user_agent: s.user_agent,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            current: Some(SessionId(s.id)) == current,
        })
        .collect();
    let tokens: Vec<TokenView> = api_tokens::list(state, user.id)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            prefix: t.token_prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("email", &user.email);
    ctx.insert("display_name", &user.display_name);
    ctx.insert("role", &user.role);
    ctx.insert("verified", &user.verified);
    ctx.insert("sessions", &sessions);
    ctx.insert("tokens", &tokens);
    Ok(ctx)
}

#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    let ctx = account_context(&state, &identity).await?;
    page.ok(&state, "account/index.html", ctx)
}

/// Re-shows the account page with one form's errors (422).
async fn with_errors(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    form: &str,
    errors: &FieldErrors,
    values: &[(&str, &str)],
) -> Result<HttpResponse, AppError> {
    let mut ctx = account_context(state, identity).await?;
    ctx.insert("active_form", form);
    ctx.insert("error_prefix", &format!("{form}-"));
    for (k, v) in values {
        ctx.insert(format!("value_{k}"), v);
    }
    insert_errors(&mut ctx, errors);
    page.render(
        state,
        "account/index.html",
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    display_name: String,
}

#[tracing::instrument(skip_all)]
pub async fn change_name(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    form: web::Form<NameForm>,
) -> Result<HttpResponse, AppError> {
    match accounts::change_display_name(&state, &identity, &form.display_name).await {
        Ok(()) => Ok(see_other_with_flash("/account", "flash-name-changed")),
        Err(AppError::Validation(errors)) => {
            with_errors(
                &state,
                &page,
                &identity,
                "name",
                &errors,
                &[("display_name", &form.display_name)],
            )
            .await
        }
        Err(err) => Err(err),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: web::Data<AppState>,
    page: PageContext,
    client: ClientInfo,
    SignedIn(identity): SignedIn,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    match accounts::change_password(
        &state,
        &identity,
        &form.current_password,
        &form.new_password,
        &client,
    )
    .await
    {
        Ok(token) => {
            let mut response = see_other_with_flash("/account", "flash-password-changed");
            let _ = response.add_cookie(&session_cookie(&state.settings, token));
            Ok(response)
        }
        Err(AppError::Validation(errors)) => {
            with_errors(&state, &page, &identity, "password", &errors, &[]).await
        }
        Err(err) => Err(err),
    }
}

#[derive(Deserialize)]
pub struct EmailChangeForm {
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    current_password: String,
}

#[tracing::instrument(skip_all)]
pub async fn change_email(
    state: web::Data<AppState>,
    page: PageContext,
    client: ClientInfo,
    SignedIn(identity): SignedIn,
    form: web::Form<EmailChangeForm>,
) -> Result<HttpResponse, AppError> {
    match accounts::request_email_change(
        &state,
        &identity,
        &form.new_email,
        &form.current_password,
        page.lang,
        &client,
    )
    .await
    {
        Ok(()) => Ok(see_other_with_flash("/account", "flash-email-change-sent")),
        Err(AppError::Validation(errors)) => {
            with_errors(
                &state,
                &page,
                &identity,
                "email",
                &errors,
                &[("new_email", &form.new_email)],
            )
            .await
        }
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn resend_verification(
    state: web::Data<AppState>,
    page: PageContext,
    client: ClientInfo,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    accounts::resend_verification(&state, &identity.user.email, page.lang, &client).await?;
    Ok(see_other_with_flash("/account", "flash-verification-sent"))
}

#[tracing::instrument(skip_all)]
pub async fn end_session(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let target = SessionId(path.into_inner());
    sessions::end_one(&state, identity.user.id, target).await?;
    if identity.session_id() == Some(target) {
        let mut response = see_other_with_flash("/login", "flash-logged-out");
        let _ = response.add_cookie(&removal_cookie(
            &state.settings,
            session_cookie_name(&state.settings),
        ));
        return Ok(response);
    }
    Ok(see_other_with_flash("/account", "flash-session-ended"))
}

#[tracing::instrument(skip_all)]
pub async fn end_all_sessions(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    sessions::end_all(&state, identity.user.id).await?;
    let mut response = see_other_with_flash("/login", "flash-signed-out-everywhere");
    let _ = response.add_cookie(&removal_cookie(
        &state.settings,
        session_cookie_name(&state.settings),
    ));
    Ok(response)
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn create_token(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let name = match api_tokens::parse_name(form.name.as_deref()) {
        Ok(name) => name,
        Err(e) => {
            let errors = FieldErrors::single(e.field, e.code);
            return with_errors(&state, &page, &identity, "token", &errors, &[]).await;
        }
    };
    let secret = api_tokens::issue(&state, identity.user.id, name).await?;
    // Shown once, on this response only: it cannot travel through a redirect.
    let mut ctx = account_context(&state, &identity).await?;
    ctx.insert("new_token", &secret);
    page.ok(&state, "account/index.html", ctx)
}

#[tracing::instrument(skip_all)]
pub async fn revoke_token(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    api_tokens::revoke(&state, identity.user.id, ApiTokenId(path.into_inner())).await?;
    Ok(see_other_with_flash("/account", "flash-token-revoked"))
}

#[tracing::instrument(skip_all)]
pub async fn download_data(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    let data = accounts::export_my_data(&state, &identity).await?;
    let body = serde_json::to_string_pretty(&data).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/json; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            "attachment; filename=\"ideabox-my-data.json\"",
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(body))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    current_password: String,
}

#[tracing::instrument(skip_all)]
pub async fn delete_account(
    state: web::Data<AppState>,
    page: PageContext,
    client: ClientInfo,
    SignedIn(identity): SignedIn,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    match accounts::delete_account(&state, &identity, &form.current_password, &client).await {
        Ok(()) => {
            let mut response = see_other_with_flash("/", "flash-account-deleted");
            let _ = response.add_cookie(&removal_cookie(
                &state.settings,
                session_cookie_name(&state.settings),
            ));
            Ok(response)
        }
        Err(AppError::Validation(errors)) => {
            with_errors(&state, &page, &identity, "delete", &errors, &[]).await
        }
        Err(err) => Err(err),
    }
}
