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
    LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_DEVICE, LOGIN_FAILURES_PER_IP, Reservation,
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

/// The failures an attempt reserved before its password was checked: kept when the password
/// is wrong, given back when it is right. Reserving first means a burst of attempts sent at
/// once is evaluated at most as often as the limit allows.
struct Reserved(Vec<Reservation>);

impl Allowance {
    async fn reserve(
        &self,
        ctx: &ServiceContext,
        email: &str,
        ip_key: &str,
    ) -> Result<Reserved, AppError> {
        match self {
            Allowance::KnownDevice(id) => Ok(Reserved(vec![
                ctx.limiter
                    .take(LOGIN_FAILURES_PER_DEVICE, &id.to_string())
                    .await?,
            ])),
            Allowance::AccountAndAddress => {
                let account = ctx.limiter.take(LOGIN_FAILURES_PER_ACCOUNT, email).await?;
                match ctx.limiter.take(LOGIN_FAILURES_PER_IP, ip_key).await {
                    Ok(address) => Ok(Reserved(vec![account, address])),
                    Err(refused) => {
                        ctx.limiter.give_back(account).await?;
                        Err(refused)
                    }
                }
            }
        }
    }
}

impl Reserved {
    /// The attempt was not a failure (the password matched, or it could not be checked).
    async fn give_back(self, ctx: &ServiceContext) -> Result<(), AppError> {
        for reservation in self.0 {
            ctx.limiter.give_back(reservation).await?;
        }
        Ok(())
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
    let reserved = allowance.reserve(ctx, &email, &ip_key).await?;

    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let verification = match ctx.hasher.verify(password, stored).await {
        Ok(verification) => verification,
        Err(err) => {
            reserved.give_back(ctx).await?;
            return Err(err);
        }
    };

    let Some(user) = user.filter(|_| verification.matches) else {
        tracing::warn!(email = %mask_email(&email), "authentication failed");
        return Err(AppError::BadCredentials);
    };
    reserved.give_back(ctx).await?;

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
    let reserved = allowance.reserve(ctx, &email, &ip_key).await?;
    let verification = match ctx
        .hasher
        .verify(password, user.password_hash.clone())
        .await
    {
        Ok(verification) => verification,
        Err(err) => {
            reserved.give_back(ctx).await?;
            return Err(err);
        }
    };
    if !verification.matches {
        tracing::warn!(user = %user.id(), "current password did not match");
        return Err(AppError::validation(
            "current_password",
            "error-current-password-wrong",
        ));
    }
    reserved.give_back(ctx).await
}
