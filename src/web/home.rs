//! The one-stop home page: every organisation's consultations in one place.

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::consultations;
use crate::state::AppState;
use crate::web::page::PageContext;

#[tracing::instrument(skip_all)]
pub async fn home(state: web::Data<AppState>, page: PageContext) -> Result<HttpResponse, AppError> {
    let (open, closed) = consultations::home_listing(&state, page.lang).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("open_consultations", &open);
    ctx.insert("closed_consultations", &closed);
    page.ok(&state, "home.html", ctx)
}
