//! Personal API tokens over the API.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::schema::{Page, Problem, TokenCreated, TokenInfo, time};

use crate::domain::client::ClientInfo;
use crate::domain::identity::Credential;
use crate::domain::ids::ApiTokenId;
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::api_tokens;

/// Credentials for a new token, and an optional name for it.
#[derive(Deserialize, ToSchema)]
pub struct CreateBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    name: Option<String>,
}

/// Email and password in, a personal API token out (shown once; stored hashed).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = CreateBody,
    responses((status = 201, body = TokenCreated), (status = 401, description = "Wrong email or password", body = Problem),
        (status = 429, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: web::Json<CreateBody>,
) -> Result<HttpResponse, AppError> {
    let token = api_tokens::create_with_credentials(
        &state,
        &body.email,
        &body.password,
        body.name.as_deref(),
        &client,
    )
    .await?;
    Ok(HttpResponse::Created().json(TokenCreated {
        token,
        token_type: "Bearer".to_owned(),
    }))
}

/// The caller's tokens (never the secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Page<TokenInfo>), (status = 401, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    let tokens = api_tokens::list(&state, identity.user.id).await?;
    let items: Vec<TokenInfo> = tokens
        .iter()
        .map(|t| TokenInfo {
            id: t.id,
            name: t.name.clone(),
            prefix: t.token_prefix.clone(),
            created_at: time(t.created_at),
            last_used_at: t.last_used_at.map(time),
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, None)))
}

/// Revokes the token making this call.
#[utoipa::path(delete, path = "/api/v1/tokens/current", tag = "accounts", security(("bearer" = [])),
    responses((status = 204, description = "Revoked"), (status = 400, description = "Not called with a token", body = Problem),
        (status = 401, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn revoke_current(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    let Credential::ApiToken { id } = identity.credential else {
        return Err(AppError::BadRequest("error-not-token-auth"));
    };
    api_tokens::revoke(&state, identity.user.id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Revoked"), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn revoke(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    api_tokens::revoke(&state, identity.user.id, ApiTokenId(path.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}
