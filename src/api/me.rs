//! `GET /api/v1/me`: who the caller is.

use actix_web::HttpResponse;
use serde_json::json;

use crate::auth::identity::SignedIn;
use crate::error::AppError;

#[tracing::instrument(skip_all)]
pub async fn me(SignedIn(identity): SignedIn) -> Result<HttpResponse, AppError> {
    let user = identity.user;
    Ok(HttpResponse::Ok().json(json!({
        "id": user.id,
        "display_name": user.display_name,
        "role": user.role,
        "verified": user.verified,
        "language": user.language,
    })))
}
