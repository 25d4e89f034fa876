//! `GET /api/v1/me`: who the caller is.

use actix_web::HttpResponse;

use crate::api::schema::{Me, Problem};

use crate::error::AppError;
use crate::http::identity::SignedIn;

/// Who the caller is.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn me(SignedIn(identity): SignedIn) -> Result<HttpResponse, AppError> {
    let user = identity.user;
    Ok(HttpResponse::Ok().json(Me {
        id: user.id.0,
        display_name: user.display_name,
        role: user.role.as_str().to_owned(),
        verified: user.verified,
        language: user.language.map(|l| l.as_str().to_owned()),
    }))
}
