//! Checking an email and password, with the same answer, timing and rate limits whether or
//! not the account exists. Used by login and by API token creation.

use crate::auth::client_ip::ClientInfo;
use crate::db::models::users::{self, UserRow};
use crate::domain::email::{EmailAddress, mask_email};
use crate::error::AppError;
use crate::rate_limit::{LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_IP};
use crate::state::AppState;

/// Returns the account when the password matches; `AppError::BadCredentials` otherwise.
pub async fn check(
    state: &AppState,
    email_raw: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<UserRow, AppError> {
    // A malformed address is treated like an unknown one: same work, same answer.
    let email = EmailAddress::parse("email", email_raw)
        .map(EmailAddress::into_string)
        .unwrap_or_else(|_| email_raw.trim().to_lowercase());
    let ip_key = client.ip_key();
    state
        .limiter
        .check(LOGIN_FAILURES_PER_ACCOUNT, &email)
        .await?;
    state.limiter.check(LOGIN_FAILURES_PER_IP, &ip_key).await?;

    let lookup = email.clone();
    let user = state
        .db
        .read(move |c| Ok(users::find_by_email(c, &lookup)?))
        .await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let verification = state.hasher.verify(password, stored).await?;

    let Some(user) = user.filter(|_| verification.matches) else {
        tracing::warn!(email = %mask_email(&email), "authentication failed");
        state
            .limiter
            .record(LOGIN_FAILURES_PER_ACCOUNT, &email)
            .await?;
        state.limiter.record(LOGIN_FAILURES_PER_IP, &ip_key).await?;
        return Err(AppError::BadCredentials);
    };

    state
        .limiter
        .clear(LOGIN_FAILURES_PER_ACCOUNT, &email)
        .await?;
    if verification.needs_rehash {
        let hash = state.hasher.hash(password).await?;
        let id = user.id();
        state
            .db
            .write(move |c| Ok(users::set_password_hash(c, id, &hash, crate::db::now())?))
            .await?;
        tracing::info!(user = %id, "password hash upgraded to current parameters");
    }
    Ok(user)
}

/// Checks the signed-in user's current password (password and email changes, deletion),
/// counting failures like failed logins.
pub async fn confirm_current_password(
    state: &AppState,
    user: &UserRow,
    password: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let email = user.email.clone().unwrap_or_default();
    state
        .limiter
        .check(LOGIN_FAILURES_PER_ACCOUNT, &email)
        .await?;
    let verification = state
        .hasher
        .verify(password, user.password_hash.clone())
        .await?;
    if !verification.matches {
        tracing::warn!(user = %user.id(), "current password did not match");
        state
            .limiter
            .record(LOGIN_FAILURES_PER_ACCOUNT, &email)
            .await?;
        state
            .limiter
            .record(LOGIN_FAILURES_PER_IP, &client.ip_key())
            .await?;
        return Err(AppError::validation(
            "current_password",
            "error-current-password-wrong",
        ));
    }
    Ok(())
}
