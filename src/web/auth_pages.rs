//! Registration, email verification, login, logout and password recovery pages.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::client::ClientInfo;
use crate::error::AppError;
use crate::http::cookies::{removal_cookie, session_cookie, session_cookie_name};
use crate::http::identity::MaybeUser;
use crate::http::state::AppState;
use crate::services::accounts::{self, LinkOutcome, Registration};
use crate::services::sessions;
use crate::web::page::{PageContext, safe_next, see_other, see_other_with_flash};

/// A link token arrives as `?token=…`.
#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

#[derive(Deserialize, Default)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

fn ctx_with(pairs: &[(&str, &str)]) -> tera::Context {
    let mut ctx = tera::Context::new();
    for (k, v) in pairs {
        ctx.insert(k.to_string(), v);
    }
    ctx
}

#[tracing::instrument(skip_all)]
pub async fn register_form(
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    page.ok(&state, "auth/register.html", tera::Context::new())
}

#[tracing::instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    page: PageContext,
    client: ClientInfo,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let result = accounts::register(
        &state,
        Registration {
            email: &form.email,
            display_name: &form.display_name,
            password: &form.password,
        },
        page.lang,
        &client,
    )
    .await;
    match result {
        Ok(()) => Ok(see_other("/register/check-email")),
        Err(AppError::Validation(errors)) => {
            let ctx = ctx_with(&[("email", &form.email), ("display_name", &form.display_name)]);
            page.form_errors(&state, "auth/register.html", ctx, &errors)
        }
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn check_email(
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    page.ok(&state, "auth/check_email.html", tera::Context::new())
}

#[tracing::instrument(skip_all)]
pub async fn verify(
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    // Following the emailed link is the confirmation: the token proves the mailbox.
    let outcome = accounts::verify_email(&state, &query.token).await?;
    let (template, status) = match outcome {
        LinkOutcome::Done => ("auth/verified.html", StatusCode::OK),
        LinkOutcome::Invalid => ("auth/link_invalid.html", StatusCode::BAD_REQUEST),
    };
    page.render(
        &state,
        template,
        ctx_with(&[("link_kind", "verify")]),
        status,
    )
}

#[tracing::instrument(skip_all)]
pub async fn resend_form(
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    page.ok(&state, "auth/resend.html", tera::Context::new())
}

#[tracing::instrument(skip_all)]
pub async fn resend(
    state: web::Data<AppState>,
    page: PageContext,
    client: ClientInfo,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse, AppError> {
    match accounts::resend_verification(&state, &form.email, page.lang, &client).await {
        Ok(()) => Ok(see_other("/register/check-email")),
        Err(AppError::Validation(errors)) => page.form_errors(
            &state,
            "auth/resend.html",
            ctx_with(&[("email", &form.email)]),
            &errors,
        ),
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn login_form(
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    page.ok(&state, "auth/login.html", ctx_with(&[("next", &next)]))
}

#[tracing::instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    page: PageContext,
    client: ClientInfo,
    MaybeUser(current): MaybeUser,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let previous = current.as_ref().and_then(|i| i.session_id());
    match sessions::login(&state, &form.email, &form.password, &client, previous).await {
        Ok(signed_in) => {
            let user = signed_in.user;
            let mut response = see_other(&next);
            let _ = response.add_cookie(&session_cookie(&state.settings, signed_in.session_token));
            let _ = response.add_cookie(&crate::http::cookies::device_cookie(
                &state.settings,
                signed_in.device_token,
            ));
            if let Some(lang) = user.language() {
                let mut cookie = crate::http::cookies::base_cookie(
                    &state.settings,
                    crate::i18n::LANG_COOKIE,
                    lang.as_str().to_owned(),
                );
                cookie.set_max_age(actix_web::cookie::time::Duration::days(365));
                let _ = response.add_cookie(&cookie);
            }
            Ok(response)
        }
        Err(AppError::BadCredentials) => {
            let ctx = ctx_with(&[("email", &form.email), ("next", &next)]);
            let errors =
                crate::domain::fields::FieldErrors::single("password", "error-login-failed");
            page.form_errors(&state, "auth/login.html", ctx, &errors)
        }
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn logout(
    state: web::Data<AppState>,
    MaybeUser(current): MaybeUser,
) -> Result<HttpResponse, AppError> {
    if let Some(session) = current.as_ref().and_then(|i| i.session_id()) {
        sessions::logout(&state, session).await?;
    }
    let mut response = see_other_with_flash("/", "flash-logged-out");
    let _ = response.add_cookie(&removal_cookie(
        &state.settings,
        session_cookie_name(&state.settings),
    ));
    Ok(response)
}

#[tracing::instrument(skip_all)]
pub async fn forgot_form(
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    page.ok(&state, "auth/forgot.html", tera::Context::new())
}

#[tracing::instrument(skip_all)]
pub async fn forgot(
    state: web::Data<AppState>,
    page: PageContext,
    client: ClientInfo,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse, AppError> {
    match accounts::request_password_reset(&state, &form.email, page.lang, &client).await {
        Ok(()) => Ok(see_other("/password/forgot/sent")),
        Err(AppError::Validation(errors)) => page.form_errors(
            &state,
            "auth/forgot.html",
            ctx_with(&[("email", &form.email)]),
            &errors,
        ),
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn forgot_sent(
    state: web::Data<AppState>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    page.ok(&state, "auth/forgot_sent.html", tera::Context::new())
}

#[tracing::instrument(skip_all)]
pub async fn reset_form(
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    if !accounts::reset_link_is_usable(&state, &query.token).await? {
        return page.render(
            &state,
            "auth/link_invalid.html",
            ctx_with(&[("link_kind", "reset")]),
            StatusCode::BAD_REQUEST,
        );
    }
    page.ok(
        &state,
        "auth/reset.html",
        ctx_with(&[("token", &query.token)]),
    )
}

#[tracing::instrument(skip_all)]
pub async fn reset(
    state: web::Data<AppState>,
    page: PageContext,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    match accounts::reset_password(&state, &form.token, &form.password).await {
        Ok(LinkOutcome::Done) => {
            let mut response = see_other_with_flash("/login", "flash-password-reset");
            let _ = response.add_cookie(&removal_cookie(
                &state.settings,
                session_cookie_name(&state.settings),
            ));
            Ok(response)
        }
        Ok(LinkOutcome::Invalid) => page.render(
            &state,
            "auth/link_invalid.html",
            ctx_with(&[("link_kind", "reset")]),
            StatusCode::BAD_REQUEST,
        ),
        Err(AppError::Validation(errors)) => page.form_errors(
            &state,
            "auth/reset.html",
            ctx_with(&[("token", &form.token)]),
            &errors,
        ),
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn confirm_email_change(
    state: web::Data<AppState>,
    page: PageContext,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    match accounts::confirm_email_change(&state, &query.token).await? {
        LinkOutcome::Done => Ok(see_other_with_flash("/account", "flash-email-changed")),
        LinkOutcome::Invalid => page.render(
            &state,
            "auth/link_invalid.html",
            ctx_with(&[("link_kind", "email")]),
            StatusCode::BAD_REQUEST,
        ),
    }
}
