//! Accounts: registration, email verification, password reset and change, profile changes,
//! data download and deletion.
//!
//! Registration, reset and resend answer identically whether or not an address is known; the
//! difference only shows in what arrives in that mailbox.

use chrono::Duration;
use serde::Serialize;
use serde_json::json;

use crate::auth::tokens::{hash_token, random_token};
use crate::db::models::email_tokens::{self, NewEmailToken, TokenPurpose};
use crate::db::models::users::{self, NewUser, UserRow};
use crate::db::models::{
    api_tokens, known_devices, outbox as outbox_rows, sessions as session_rows,
};
use crate::db::{AnyConnection, now};
use crate::domain::client::ClientInfo;
use crate::domain::display_name::DisplayName;
use crate::domain::email::{EmailAddress, mask_email};
use crate::domain::fields::FieldErrors;
use crate::domain::identity::Identity;
use crate::domain::ids::UserId;
use crate::domain::lang::Lang;
use crate::domain::password::NewPassword;
use crate::domain::role::Role;
use crate::email::compose::MailKind;
use crate::email::outbox;
use crate::error::AppError;
use crate::rate_limit::{
    EMAIL_CHANGE_PER_ACCOUNT, LOGIN_FAILURES_PER_ACCOUNT, REGISTER_PER_IP, RESEND_PER_EMAIL,
    RESEND_PER_IP, RESET_PER_EMAIL, RESET_PER_IP,
};
use crate::services::context::ServiceContext;
use crate::services::{credentials, sessions};

/// Verification links stay valid for two days: people read mail late.
pub const VERIFY_TTL_HOURS: i64 = 48;
/// Reset links are short-lived, as the issue of a reset is itself a risk.
pub const RESET_TTL_HOURS: i64 = 1;
pub const EMAIL_CHANGE_TTL_HOURS: i64 = 24;

/// The registration form as submitted.
pub struct Registration<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
}

#[derive(Serialize)]
struct LinkMail<'a> {
    display_name: &'a str,
    link: String,
    hours: i64,
}

#[derive(Serialize)]
struct NoticeMail<'a> {
    display_name: &'a str,
    link: String,
}

/// Creates a single-use token (hashed at rest) and returns the secret for the link.
fn new_email_token(
    conn: &mut AnyConnection,
    user: UserId,
    purpose: TokenPurpose,
    ttl_hours: i64,
    new_email: Option<&str>,
) -> Result<String, AppError> {
    let token = random_token()?;
    let at = now();
    email_tokens::void_outstanding(conn, user, purpose, at)?;
    email_tokens::insert(
        conn,
        &NewEmailToken {
            user_id: user.0,
            purpose: purpose.as_str(),
            token_hash: &hash_token(&token),
            new_email,
            created_at: at,
            expires_at: at + Duration::hours(ttl_hours),
        },
    )?;
    Ok(token)
}

/// For an address that gets no mail, does the same kind of work as for one that does (render
/// a message, commit a write), so that response times do not reveal which addresses exist.
/// The write counts such misses, which also shows probing in the rate-limit table.
fn balance_miss(
    conn: &mut AnyConnection,
    ctx: &ServiceContext,
    email: &str,
    lang: Lang,
) -> Result<(), AppError> {
    let _ = ctx.mail.compose(
        lang,
        MailKind::PasswordReset,
        &LinkMail {
            display_name: "",
            link: link(ctx, "/password/reset", "x"),
            hours: RESET_TTL_HOURS,
        },
    )?;
    let window = chrono::Utc::now().timestamp() / 3600 * 3600;
    crate::db::models::rate_limits::increment(
        conn,
        "lookup-miss",
        &crate::auth::tokens::hash_key("lookup-miss", email),
        window,
    )?;
    Ok(())
}

fn link(ctx: &ServiceContext, path: &str, token: &str) -> String {
    ctx.settings.absolute(&format!("{path}?token={token}"))
}

fn user_lang(user: &UserRow, fallback: Lang) -> Lang {
    user.language().unwrap_or(fallback)
}

/// Parses the registration form, reporting every problem at once.
pub fn parse_registration(
    form: &Registration<'_>,
) -> Result<(EmailAddress, DisplayName, NewPassword), FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = errors.take(EmailAddress::parse("email", form.email));
    let name = errors.take(DisplayName::parse("display_name", form.display_name));
    let context = [form.email.trim(), form.display_name.trim()];
    let password = errors.take(NewPassword::parse("password", form.password, &context));
    match (email, name, password) {
        (Some(e), Some(n), Some(p)) if errors.is_empty() => Ok((e, n, p)),
        _ => Err(errors),
    }
}

/// Registers an account and mails a verification link. For an address already registered,
/// mails its owner instead; the caller sees the same outcome either way.
#[tracing::instrument(skip_all)]
pub async fn register(
    ctx: &ServiceContext,
    form: Registration<'_>,
    lang: Lang,
    client: &ClientInfo,
) -> Result<(), AppError> {
    ctx.limiter.hit(REGISTER_PER_IP, &client.ip_key()).await?;
    let (email, name, password) = parse_registration(&form)?;
    // Hash before looking anything up, so both paths cost the same.
    let hash = ctx.hasher.hash(password.expose()).await?;

    let st = ctx.clone();
    let created = ctx
        .db
        .write(move |c| {
            if let Some(existing) = users::find_by_email(c, email.as_str())? {
                let mail = st.mail.compose(
                    user_lang(&existing, lang),
                    MailKind::AlreadyRegistered,
                    &NoticeMail {
                        display_name: existing.display_name.as_deref().unwrap_or(""),
                        link: st.settings.absolute("/password/forgot"),
                    },
                )?;
                outbox::enqueue(c, Some(existing.id()), email.as_str(), &mail)?;
                return Ok(None);
            }
            let at = now();
            let id = UserId(users::insert(
                c,
                &NewUser {
                    email: email.as_str(),
                    display_name: name.as_str(),
                    password_hash: &hash,
                    role: Role::Citizen.as_str(),
                    language: Some(lang.as_str()),
                    email_verified_at: None,
                    created_at: at,
                    updated_at: at,
                },
            )?);
            let token = new_email_token(c, id, TokenPurpose::Verify, VERIFY_TTL_HOURS, None)?;
            let mail = st.mail.compose(
                lang,
                MailKind::VerifyEmail,
                &LinkMail {
                    display_name: name.as_str(),
                    link: link(&st, "/verify", &token),
                    hours: VERIFY_TTL_HOURS,
                },
            )?;
            outbox::enqueue(c, Some(id), email.as_str(), &mail)?;
            Ok(Some(id))
        })
        .await;
    match created {
        Ok(Some(id)) => tracing::info!(user = %id, "account registered"),
        Ok(None) => tracing::info!("registration for an existing address; owner notified"),
        // Two registrations raced for one address: the first won, which is the same outcome.
        Err(AppError::Internal(err)) if is_unique_violation(&err) => {}
        Err(err) => return Err(err),
    }
    ctx.mail.wake();
    Ok(())
}

fn is_unique_violation(err: &anyhow::Error) -> bool {
    matches!(
        err.downcast_ref::<diesel::result::Error>(),
        Some(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

/// What following an emailed link achieved.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkOutcome {
    Done,
    /// Unknown, used or expired: the page offers to send a new one.
    Invalid,
}

/// Confirms an address from the verification link (single use).
#[tracing::instrument(skip_all)]
pub async fn verify_email(ctx: &ServiceContext, token: &str) -> Result<LinkOutcome, AppError> {
    let hash = hash_token(token);
    ctx.db
        .write(move |c| {
            let at = now();
            let Some(row) = email_tokens::find_usable(c, &hash, TokenPurpose::Verify, at)? else {
                return Ok(LinkOutcome::Invalid);
            };
            if email_tokens::consume(c, row.id, at)? == 0 {
                return Ok(LinkOutcome::Invalid);
            }
            users::mark_verified(c, UserId(row.user_id), at)?;
            tracing::info!(user = row.user_id, "email verified");
            Ok(LinkOutcome::Done)
        })
        .await
}

/// Sends a fresh verification link if the address belongs to an unverified account.
#[tracing::instrument(skip_all)]
pub async fn resend_verification(
    ctx: &ServiceContext,
    email_raw: &str,
    lang: Lang,
    client: &ClientInfo,
) -> Result<(), AppError> {
    ctx.limiter.hit(RESEND_PER_IP, &client.ip_key()).await?;
    let email = EmailAddress::parse("email", email_raw)?;
    ctx.limiter.hit(RESEND_PER_EMAIL, email.as_str()).await?;
    let st = ctx.clone();
    ctx.db
        .write(move |c| {
            let Some(user) = users::find_by_email(c, email.as_str())?.filter(|u| !u.is_verified())
            else {
                return balance_miss(c, &st, email.as_str(), lang);
            };
            let token =
                new_email_token(c, user.id(), TokenPurpose::Verify, VERIFY_TTL_HOURS, None)?;
            let mail = st.mail.compose(
                user_lang(&user, lang),
                MailKind::VerifyEmail,
                &LinkMail {
                    display_name: user.display_name.as_deref().unwrap_or(""),
                    link: link(&st, "/verify", &token),
                    hours: VERIFY_TTL_HOURS,
                },
            )?;
            outbox::enqueue(c, Some(user.id()), email.as_str(), &mail)
        })
        .await?;
    ctx.mail.wake();
    Ok(())
}

/// Mails a reset link (valid one hour) if the address is registered.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(
    ctx: &ServiceContext,
    email_raw: &str,
    lang: Lang,
    client: &ClientInfo,
) -> Result<(), AppError> {
    ctx.limiter.hit(RESET_PER_IP, &client.ip_key()).await?;
    let email = EmailAddress::parse("email", email_raw)?;
    ctx.limiter.hit(RESET_PER_EMAIL, email.as_str()).await?;
    let st = ctx.clone();
    let masked = email.masked();
    ctx.db
        .write(move |c| {
            let Some(user) = users::find_by_email(c, email.as_str())? else {
                return balance_miss(c, &st, email.as_str(), lang);
            };
            let token = new_email_token(c, user.id(), TokenPurpose::Reset, RESET_TTL_HOURS, None)?;
            let mail = st.mail.compose(
                user_lang(&user, lang),
                MailKind::PasswordReset,
                &LinkMail {
                    display_name: user.display_name.as_deref().unwrap_or(""),
                    link: link(&st, "/password/reset", &token),
                    hours: RESET_TTL_HOURS,
                },
            )?;
            outbox::enqueue(c, Some(user.id()), email.as_str(), &mail)
        })
        .await?;
    tracing::info!(email = %masked, "password reset requested");
    ctx.mail.wake();
    Ok(())
}

/// Whether a reset link can still be used (to show the form or the "expired" page).
#[tracing::instrument(skip_all)]
pub async fn reset_link_is_usable(ctx: &ServiceContext, token: &str) -> Result<bool, AppError> {
    let hash = hash_token(token);
    ctx.db
        .read(move |c| {
            Ok(email_tokens::find_usable(c, &hash, TokenPurpose::Reset, now())?.is_some())
        })
        .await
}

/// Sets a new password from a reset link. Ends every session, confirms the address (the link
/// proved the mailbox), forgives earlier failed logins, and notifies the owner.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    ctx: &ServiceContext,
    token: &str,
    password_raw: &str,
) -> Result<LinkOutcome, AppError> {
    let hash = hash_token(token);
    let lookup = hash.clone();
    let Some(user) = ctx
        .db
        .read(move |c| {
            let Some(row) = email_tokens::find_usable(c, &lookup, TokenPurpose::Reset, now())?
            else {
                return Ok(None);
            };
            Ok(users::find(c, UserId(row.user_id))?)
        })
        .await?
    else {
        return Ok(LinkOutcome::Invalid);
    };
    let email = user.email.clone().unwrap_or_default();
    let name = user.display_name.clone().unwrap_or_default();
    let password = NewPassword::parse("password", password_raw, &[&email, &name])?;
    let new_hash = ctx.hasher.hash(password.expose()).await?;
    let st = ctx.clone();
    let user_id = user.id();
    let user_email = user.email.clone();
    let outcome = ctx
        .db
        .write(move |c| {
            let at = now();
            let Some(row) = email_tokens::find_usable(c, &hash, TokenPurpose::Reset, at)? else {
                return Ok(LinkOutcome::Invalid);
            };
            if email_tokens::consume(c, row.id, at)? == 0 {
                return Ok(LinkOutcome::Invalid);
            }
            let id = UserId(row.user_id);
            users::set_password_hash(c, id, &new_hash, at)?;
            users::mark_verified(c, id, at)?;
            session_rows::delete_for_user(c, id)?;
            known_devices::delete_for_user(c, id)?;
            let mail = st.mail.compose(
                user_lang(&user, st.settings.default_language),
                MailKind::PasswordChanged,
                &NoticeMail {
                    display_name: &name,
                    link: st.settings.absolute("/password/forgot"),
                },
            )?;
            outbox::enqueue(c, Some(id), &email, &mail)?;
            Ok(LinkOutcome::Done)
        })
        .await?;
    if outcome == LinkOutcome::Done {
        tracing::info!(user = %user_id, "password reset");
        if let Some(email) = user_email.as_deref() {
            ctx.limiter.clear(LOGIN_FAILURES_PER_ACCOUNT, email).await?;
        }
        ctx.mail.wake();
    }
    Ok(outcome)
}

async fn load_user(ctx: &ServiceContext, id: UserId) -> Result<UserRow, AppError> {
    ctx.db
        .read(move |c| users::find(c, id)?.ok_or(AppError::Unauthorized))
        .await
}

/// Changes the password after checking the current one. Every session ends; the caller gets
/// a fresh one (the returned cookie value) so this browser stays signed in.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    ctx: &ServiceContext,
    identity: &Identity,
    current: &str,
    new_raw: &str,
    client: &ClientInfo,
) -> Result<String, AppError> {
    let user = load_user(ctx, identity.user.id).await?;
    let email = user.email.clone().unwrap_or_default();
    let name = user.display_name.clone().unwrap_or_default();
    let parsed = NewPassword::parse("new_password", new_raw, &[&email, &name]);
    credentials::confirm_current_password(ctx, &user, current, client).await?;
    let password = parsed?;
    let new_hash = ctx.hasher.hash(password.expose()).await?;
    let st = ctx.clone();
    let id = user.id();
    let user_agent = client.user_agent.clone();
    let token = ctx
        .db
        .write(move |c| {
            let at = now();
            users::set_password_hash(c, id, &new_hash, at)?;
            session_rows::delete_for_user(c, id)?;
            known_devices::delete_for_user(c, id)?;
            let token = sessions::start(c, &st, id, &user_agent)?;
            let mail = st.mail.compose(
                user_lang(&user, st.settings.default_language),
                MailKind::PasswordChanged,
                &NoticeMail {
                    display_name: &name,
                    link: st.settings.absolute("/password/forgot"),
                },
            )?;
            outbox::enqueue(c, Some(id), &email, &mail)?;
            Ok(token)
        })
        .await?;
    tracing::info!(user = %id, "password changed; other sessions ended");
    ctx.mail.wake();
    Ok(token)
}

#[tracing::instrument(skip_all)]
pub async fn change_display_name(
    ctx: &ServiceContext,
    identity: &Identity,
    raw: &str,
) -> Result<(), AppError> {
    let name = DisplayName::parse("display_name", raw)?;
    let id = identity.user.id;
    ctx.db
        .write(move |c| Ok(users::set_display_name(c, id, name.as_str(), now()).map(|_| ())?))
        .await
}

/// Starts an email change: the new address gets a confirmation link; nothing changes until
/// it is followed. If the address is taken, its owner is told instead (no enumeration).
#[tracing::instrument(skip_all)]
pub async fn request_email_change(
    ctx: &ServiceContext,
    identity: &Identity,
    new_raw: &str,
    current_password: &str,
    lang: Lang,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let user = load_user(ctx, identity.user.id).await?;
    let parsed = EmailAddress::parse("new_email", new_raw);
    credentials::confirm_current_password(ctx, &user, current_password, client).await?;
    let new_email = parsed?;
    if user.email.as_deref() == Some(new_email.as_str()) {
        return Err(AppError::validation("new_email", "error-email-unchanged"));
    }
    ctx.limiter
        .hit(EMAIL_CHANGE_PER_ACCOUNT, &user.id.to_string())
        .await?;
    let st = ctx.clone();
    ctx.db
        .write(move |c| {
            let name = user.display_name.clone().unwrap_or_default();
            if users::email_taken(c, new_email.as_str())? {
                let mail = st.mail.compose(
                    lang,
                    MailKind::EmailChangeTaken,
                    &NoticeMail {
                        display_name: "",
                        link: st.settings.absolute("/password/forgot"),
                    },
                )?;
                return outbox::enqueue(c, None, new_email.as_str(), &mail);
            }
            let token = new_email_token(
                c,
                user.id(),
                TokenPurpose::ChangeEmail,
                EMAIL_CHANGE_TTL_HOURS,
                Some(new_email.as_str()),
            )?;
            let mail = st.mail.compose(
                lang,
                MailKind::ConfirmEmailChange,
                &LinkMail {
                    display_name: &name,
                    link: link(&st, "/email/confirm", &token),
                    hours: EMAIL_CHANGE_TTL_HOURS,
                },
            )?;
            outbox::enqueue(c, Some(user.id()), new_email.as_str(), &mail)
        })
        .await?;
    tracing::info!(user = %identity.user.id, "email change requested");
    ctx.mail.wake();
    Ok(())
}

/// Completes an email change from the link sent to the new address.
#[tracing::instrument(skip_all)]
pub async fn confirm_email_change(
    ctx: &ServiceContext,
    token: &str,
) -> Result<LinkOutcome, AppError> {
    let hash = hash_token(token);
    let st = ctx.clone();
    let outcome = ctx
        .db
        .write(move |c| {
            let at = now();
            let Some(row) = email_tokens::find_usable(c, &hash, TokenPurpose::ChangeEmail, at)? else {
                return Ok(LinkOutcome::Invalid);
            };
            let Some(new_email) = row.new_email.clone() else { return Ok(LinkOutcome::Invalid) };
            let Some(user) = users::find(c, UserId(row.user_id))? else { return Ok(LinkOutcome::Invalid) };
            // The address may have been registered by someone else since the link was sent.
            if users::email_taken(c, &new_email)? || email_tokens::consume(c, row.id, at)? == 0 {
                return Ok(LinkOutcome::Invalid);
            }
            users::set_email(c, user.id(), &new_email, at)?;
            if let Some(old) = user.email.as_deref() {
                let mail = st.mail.compose(
                    user_lang(&user, st.settings.default_language),
                    MailKind::EmailChangedNotice,
                    &NoticeMail {
                        display_name: user.display_name.as_deref().unwrap_or(""),
                        link: st.settings.absolute("/password/forgot"),
                    },
                )?;
                outbox::enqueue(c, Some(user.id()), old, &mail)?;
                tracing::info!(user = %user.id(), from = %mask_email(old), to = %mask_email(&new_email), "email changed");
            }
            Ok(LinkOutcome::Done)
        })
        .await?;
    ctx.mail.wake();
    Ok(outcome)
}

/// Remembers the language a signed-in user chose.
#[tracing::instrument(skip_all)]
pub async fn set_language(ctx: &ServiceContext, user: UserId, lang: Lang) -> Result<(), AppError> {
    ctx.db
        .write(move |c| Ok(users::set_language(c, user, lang, now()).map(|_| ())?))
        .await
}

/// "Download my data": everything IdeaBox holds about the account, as JSON.
#[tracing::instrument(skip_all)]
pub async fn export_my_data(
    ctx: &ServiceContext,
    identity: &Identity,
) -> Result<serde_json::Value, AppError> {
    let id = identity.user.id;
    let at = now();
    let idle = at - Duration::minutes(ctx.settings.session_idle_minutes);
    let (user, sessions, tokens) = ctx
        .db
        .read(move |c| {
            let user = users::find(c, id)?.ok_or(AppError::Unauthorized)?;
            let sessions = session_rows::list_for_user(c, id, idle, at)?;
            let tokens = api_tokens::list_for_user(c, id)?;
            Ok((user, sessions, tokens))
        })
        .await?;
    Ok(json!({
        "exported_at": at.and_utc().to_rfc3339(),
        "account": {
            "id": user.id,
            "email": user.email,
            "email_verified_at": user.email_verified_at.map(|t| t.and_utc().to_rfc3339()),
            "display_name": user.display_name,
            "role": user.role,
            "language": user.language,
            "created_at": user.created_at.and_utc().to_rfc3339(),
            "updated_at": user.updated_at.and_utc().to_rfc3339(),
        },
        "sessions": sessions.iter().map(|s| json!({
            "created_at": s.created_at.and_utc().to_rfc3339(),
            "last_seen_at": s.last_seen_at.and_utc().to_rfc3339(),
            "expires_at": s.expires_at.and_utc().to_rfc3339(),
            "user_agent": s.user_agent,
        })).collect::<Vec<_>>(),
        "api_tokens": tokens.iter().map(|t| json!({
            "name": t.name,
            "prefix": t.token_prefix,
            "created_at": t.created_at.and_utc().to_rfc3339(),
            "last_used_at": t.last_used_at.map(|x| x.and_utc().to_rfc3339()),
        })).collect::<Vec<_>>(),
        "ideas": [],
        "comments": [],
        "votes": [],
    }))
}

/// Deletes the account after checking the password: personal data is erased, sessions, tokens
/// and pending mail go, and contributions remain as "deleted participant".
#[tracing::instrument(skip_all)]
pub async fn delete_account(
    ctx: &ServiceContext,
    identity: &Identity,
    password: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let user = load_user(ctx, identity.user.id).await?;
    credentials::confirm_current_password(ctx, &user, password, client).await?;
    let id = user.id();
    ctx.db
        .write(move |c| {
            if user.role() == Role::Admin && users::count_admins(c)? <= 1 {
                return Err(AppError::Conflict("error-last-admin"));
            }
            session_rows::delete_for_user(c, id)?;
            known_devices::delete_for_user(c, id)?;
            api_tokens::delete_for_user(c, id)?;
            email_tokens::delete_for_user(c, id)?;
            outbox_rows::delete_for_user(c, id)?;
            users::erase(c, id, now())?;
            Ok(())
        })
        .await?;
    tracing::info!(user = %id, "account deleted");
    Ok(())
}
