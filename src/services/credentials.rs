//! Checking an email and password, with the same answer, timing and rate limits whether or
//! not the account exists. Used by login and by API token creation.

use crate::auth::tokens::hash_token;
use crate::db::models::known_devices;
use crate::db::models::users::{self, UserRow};
use crate::db::{AnyConnection, now};
use crate::domain::client::ClientInfo;
use crate::domain::email::{EmailAddress, mask_email};
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::rate_limit::{
    LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_DEVICE, LOGIN_FAILURES_PER_IP,
};
use crate::services::context::ServiceContext;

/// How long a browser stays known after its last successful sign-in.
pub const KNOWN_DEVICE_DAYS: i64 = 180;

/// Whose failure allowances a login attempt draws on.
enum Allowance {
    /// A browser that signed in to this account before: its own allowance only, so failures
    /// caused elsewhere do not keep the owner out.
    KnownDevice(i64),
    /// Anyone else: the account's and the address's, as everyone shares them.
    AccountAndAddress,
}

impl Allowance {
    async fn check(&self, ctx: &ServiceContext, email: &str, ip_key: &str) -> Result<(), AppError> {
        match self {
            Allowance::KnownDevice(id) => {
                ctx.limiter
                    .check(LOGIN_FAILURES_PER_DEVICE, &id.to_string())
                    .await
            }
            Allowance::AccountAndAddress => {
                ctx.limiter.check(LOGIN_FAILURES_PER_ACCOUNT, email).await?;
                ctx.limiter.check(LOGIN_FAILURES_PER_IP, ip_key).await
            }
        }
    }

    async fn record(
        &self,
        ctx: &ServiceContext,
        email: &str,
        ip_key: &str,
    ) -> Result<(), AppError> {
        match self {
            Allowance::KnownDevice(id) => {
                ctx.limiter
                    .record(LOGIN_FAILURES_PER_DEVICE, &id.to_string())
                    .await
            }
            Allowance::AccountAndAddress => {
                ctx.limiter
                    .record(LOGIN_FAILURES_PER_ACCOUNT, email)
                    .await?;
                ctx.limiter.record(LOGIN_FAILURES_PER_IP, ip_key).await
            }
        }
    }
}

/// The entry of this browser (by its token's hash) among the account's known devices.
fn known_device(
    c: &mut AnyConnection,
    device_hash: Option<&str>,
    owner: UserId,
) -> Result<Option<i64>, AppError> {
    let Some(hash) = device_hash else {
        return Ok(None);
    };
    let fresh_since = now() - chrono::Duration::days(KNOWN_DEVICE_DAYS);
    Ok(known_devices::find(c, hash, owner, fresh_since)?)
}

/// Returns the account when the password matches; `AppError::BadCredentials` otherwise.
/// The failure limits applied depend on the browser (`docs/security.md`, "Failed logins").
#[tracing::instrument(skip_all)]
pub async fn check(
    ctx: &ServiceContext,
    email_raw: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<UserRow, AppError> {
    // A malformed address is treated like an unknown one: same work, same answer.
    let email = EmailAddress::parse("email", email_raw)
        .map(EmailAddress::into_string)
        .unwrap_or_else(|_| email_raw.trim().to_lowercase());
    let ip_key = client.ip_key();
    let lookup = email.clone();
    let device_hash = client.device.as_ref().map(|d| hash_token(d.expose()));
    let (user, known_device) = ctx
        .db
        .read(move |c| {
            let user = users::find_by_email(c, &lookup)?;
            // Looked up for an unknown address too, so that the answer takes the same time.
            let owner = user.as_ref().map_or(UserId(0), UserRow::id);
            let known = known_device(c, device_hash.as_deref(), owner)?;
            Ok((user, known))
        })
        .await?;
    let allowance = known_device.map_or(Allowance::AccountAndAddress, Allowance::KnownDevice);
    allowance.check(ctx, &email, &ip_key).await?;

    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let verification = ctx.hasher.verify(password, stored).await?;

    let Some(user) = user.filter(|_| verification.matches) else {
        tracing::warn!(email = %mask_email(&email), "authentication failed");
        allowance.record(ctx, &email, &ip_key).await?;
        return Err(AppError::BadCredentials);
    };

    // Success forgives the failures of the allowance it drew on. A known browser leaves the
    // account's counter alone: the owner signing in must not hand an attacker fresh guesses.
    match allowance {
        Allowance::KnownDevice(id) => {
            ctx.limiter
                .clear(LOGIN_FAILURES_PER_DEVICE, &id.to_string())
                .await?
        }
        Allowance::AccountAndAddress => {
            ctx.limiter
                .clear(LOGIN_FAILURES_PER_ACCOUNT, &email)
                .await?
        }
    }
    if verification.needs_rehash {
        let hash = ctx.hasher.hash(password).await?;
        let id = user.id();
        ctx.db
            .write(move |c| Ok(users::set_password_hash(c, id, &hash, crate::db::now())?))
            .await?;
        tracing::info!(user = %id, "password hash upgraded to current parameters");
    }
    Ok(user)
}

/// Checks the signed-in user's current password (password and email changes, deletion),
/// counting failures like failed logins.
#[tracing::instrument(skip_all)]
pub async fn confirm_current_password(
    ctx: &ServiceContext,
    user: &UserRow,
    password: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let email = user.email.clone().unwrap_or_default();
    let ip_key = client.ip_key();
    let device_hash = client.device.as_ref().map(|d| hash_token(d.expose()));
    let owner = user.id();
    let known = ctx
        .db
        .read(move |c| known_device(c, device_hash.as_deref(), owner))
        .await?;
    let allowance = known.map_or(Allowance::AccountAndAddress, Allowance::KnownDevice);
    allowance.check(ctx, &email, &ip_key).await?;
    let verification = ctx
        .hasher
        .verify(password, user.password_hash.clone())
        .await?;
    if !verification.matches {
        tracing::warn!(user = %user.id(), "current password did not match");
        allowance.record(ctx, &email, &ip_key).await?;
        return Err(AppError::validation(
            "current_password",
            "error-current-password-wrong",
        ));
    }
    Ok(())
}
