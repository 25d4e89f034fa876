//! The one-stop home page: every organisation's consultations in one place, filterable by
//! organisation, closed ones listed apart.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::consultation::Phase;
use crate::error::AppError;
use crate::http::identity::Viewer;
use crate::http::state::AppState;
use crate::services::consultations;
use crate::web::page::PageContext;

/// `?organisation=slug`; an unknown slug is refused by the service (400).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeQuery {
    organisation: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn home(
    state: web::Data<AppState>,
    page: PageContext,
    viewer: Viewer,
    query: web::Query<HomeQuery>,
) -> Result<HttpResponse, AppError> {
    let organisation = query
        .organisation
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned);
    let cards = consultations::list(&state, viewer.actor(), organisation.clone()).await?;
    let organisations = consultations::organisations(&state).await?;
    let (closed, current): (Vec<_>, Vec<_>) =
        cards.into_iter().partition(|c| c.phase == Phase::Closed);
    let mut ctx = tera::Context::new();
    ctx.insert("open_consultations", &current);
    ctx.insert("closed_consultations", &closed);
    ctx.insert("organisations", &organisations);
    ctx.insert("organisation", organisation.as_deref().unwrap_or(""));
    page.ok(&state, "home.html", ctx)
}
