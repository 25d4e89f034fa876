//! The one-stop home page: every organisation's consultations in one place.

use actix_web::{HttpResponse, web};

use crate::auth::identity::MaybeUser;
use crate::domain::consultation::Phase;
use crate::error::AppError;
use crate::services::consultations;
use crate::state::AppState;
use crate::web::page::PageContext;

#[tracing::instrument(skip_all)]
pub async fn home(
    state: web::Data<AppState>,
    page: PageContext,
    MaybeUser(viewer): MaybeUser,
) -> Result<HttpResponse, AppError> {
    let cards = consultations::list(&state, viewer.map(|v| v.user.actor()), None).await?;
    let (closed, current): (Vec<_>, Vec<_>) =
        cards.into_iter().partition(|c| c.phase == Phase::Closed);
    let mut ctx = tera::Context::new();
    ctx.insert("open_consultations", &current);
    ctx.insert("closed_consultations", &closed);
    page.ok(&state, "home.html", ctx)
}
