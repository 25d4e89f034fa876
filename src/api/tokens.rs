//! Personal API tokens over the API.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::client_ip::ClientInfo;
use crate::auth::identity::{Credential, SignedIn};
use crate::domain::ids::ApiTokenId;
use crate::error::AppError;
use crate::services::api_tokens;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CreateBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    name: Option<String>,
}

/// `POST /api/v1/tokens`: email and password in, `{"token": …}` out (201).
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
    Ok(HttpResponse::Created().json(json!({ "token": token, "token_type": "Bearer" })))
}

/// `GET /api/v1/tokens`: my tokens (never the secrets).
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    let tokens = api_tokens::list(&state, identity.user.id).await?;
    let items: Vec<_> = tokens
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "prefix": t.token_prefix,
                "created_at": t.created_at.and_utc().to_rfc3339(),
                "last_used_at": t.last_used_at.map(|x| x.and_utc().to_rfc3339()),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "next_cursor": null })))
}

/// `DELETE /api/v1/tokens/current`: revokes the token making this call.
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

/// `DELETE /api/v1/tokens/{id}`: revokes one of my tokens.
#[tracing::instrument(skip_all)]
pub async fn revoke(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    api_tokens::revoke(&state, identity.user.id, ApiTokenId(path.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}
