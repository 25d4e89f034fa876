//! Personal API tokens: created with email and password (or from the account page), shown
//! once, stored hashed, listed and revocable.

use chrono::Duration;

use crate::auth::tokens::{hash_token, random_token};
use crate::db::models::api_tokens::{self, ApiTokenRow, NewApiToken};
use crate::db::now;
use crate::domain::client::ClientInfo;
use crate::domain::fields::FieldError;
use crate::domain::identity::{Credential, Identity};
use crate::domain::ids::{ApiTokenId, UserId};
use crate::error::AppError;
use crate::rate_limit::{TOKEN_CREATE_PER_ACCOUNT, TOKEN_CREATE_PER_IP};
use crate::services::context::ServiceContext;
use crate::services::credentials;

/// Tokens start with this, so they are recognisable in logs and secret scanners.
pub const TOKEN_PREFIX: &str = "ibx_";
pub const TOKEN_NAME_MAX_CHARS: usize = 60;
/// Enough for any person's scripts; stops unbounded growth.
pub const MAX_TOKENS_PER_USER: i64 = 50;
const TOUCH_INTERVAL: Duration = Duration::seconds(60);

/// A token name as typed; empty becomes a dated default.
pub fn parse_name(raw: Option<&str>) -> Result<String, FieldError> {
    let name = raw
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if name.chars().count() > TOKEN_NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(FieldError::new("name", "error-token-name-invalid"));
    }
    Ok(if name.is_empty() {
        format!("token {}", now().format("%Y-%m-%d"))
    } else {
        name
    })
}

/// Issues a token for `user`; returns the secret, which is never shown again.
#[tracing::instrument(skip_all)]
pub async fn issue(ctx: &ServiceContext, user: UserId, name: String) -> Result<String, AppError> {
    ctx.limiter
        .hit(TOKEN_CREATE_PER_ACCOUNT, &user.to_string())
        .await?;
    let secret = format!("{TOKEN_PREFIX}{}", random_token()?);
    let hash = hash_token(&secret);
    let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 6).collect();
    ctx.db
        .write(move |c| {
            if api_tokens::count_for_user(c, user)? >= MAX_TOKENS_PER_USER {
                return Err(AppError::Conflict("error-too-many-tokens"));
            }
            api_tokens::insert(
                c,
                &NewApiToken {
                    user_id: user.0,
                    name: &name,
                    token_hash: &hash,
                    token_prefix: &prefix,
                    created_at: now(),
                },
            )?;
            Ok(())
        })
        .await?;
    tracing::info!(%user, "API token issued");
    Ok(secret)
}

/// `POST /api/v1/tokens`: email and password in, token out.
#[tracing::instrument(skip_all)]
pub async fn create_with_credentials(
    ctx: &ServiceContext,
    email: &str,
    password: &str,
    name: Option<&str>,
    client: &ClientInfo,
) -> Result<String, AppError> {
    ctx.limiter
        .hit(TOKEN_CREATE_PER_IP, &client.ip_key())
        .await?;
    let name = parse_name(name).map_err(|e| {
        AppError::Validation(crate::domain::fields::FieldErrors::single(e.field, e.code))
    })?;
    let user = credentials::check(ctx, email, password, client).await?;
    issue(ctx, user.id(), name).await
}

/// The identity behind a bearer token, if it is valid.
#[tracing::instrument(skip_all)]
pub async fn authenticate(ctx: &ServiceContext, token: &str) -> Result<Option<Identity>, AppError> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let hash = hash_token(token);
    let found = ctx
        .db
        .read(move |c| Ok(api_tokens::find_with_user(c, &hash)?))
        .await?;
    let Some((row, user)) = found else {
        return Ok(None);
    };
    let at = now();
    if row.last_used_at.is_none_or(|t| at - t > TOUCH_INTERVAL) {
        let id = ApiTokenId(row.id);
        if let Err(err) = ctx
            .db
            .write_bookkeeping(move |c| Ok(api_tokens::touch(c, id, at)?))
            .await
        {
            tracing::warn!(error = %err, "could not record token use");
        }
    }
    Ok(Some(Identity {
        user: user.current_user(),
        credential: Credential::ApiToken {
            id: ApiTokenId(row.id),
        },
    }))
}

#[tracing::instrument(skip_all)]
pub async fn list(ctx: &ServiceContext, user: UserId) -> Result<Vec<ApiTokenRow>, AppError> {
    ctx.db
        .read(move |c| Ok(api_tokens::list_for_user(c, user)?))
        .await
}

/// Revokes one of the user's own tokens (404 if it is not theirs).
#[tracing::instrument(skip_all)]
pub async fn revoke(ctx: &ServiceContext, user: UserId, token: ApiTokenId) -> Result<(), AppError> {
    let deleted = ctx
        .db
        .write(move |c| Ok(api_tokens::delete_owned(c, user, token)?))
        .await?;
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    tracing::info!(%user, token = %token, "API token revoked");
    Ok(())
}
