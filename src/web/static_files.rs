//! Embedded static files under content-hashed names, cached for a year.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::http::state::AppState;

pub async fn asset(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let file = state.assets.get(&path).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, file.content_type))
        .insert_header((CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(file.bytes.to_vec()))
}
