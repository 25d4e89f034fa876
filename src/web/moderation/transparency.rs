//! The public transparency page of a consultation: how many items were moderated, and why.

use crate::error::AppError;
use crate::http::identity::MaybeUser;
use crate::http::state::AppState;
use crate::services::moderation::{self};
use crate::web::page::PageContext;
use actix_web::{HttpResponse, web};
use serde::Serialize;

/// One line of the transparency table.
#[derive(Serialize)]
struct CountRow<'a> {
    action: &'a str,
    reason: &'a str,
    count: i64,
}

/// `/c/{slug}/transparency`: what the moderators did in a consultation, counted by action and
/// reason, and the public tombstones. No names, no notes, no hidden text: the service gives
/// none, and the page shows only what it gives.
#[tracing::instrument(skip_all)]
pub async fn transparency(
    state: web::Data<AppState>,
    page: PageContext,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = viewer.as_ref().map(|v| v.user.actor());
    let report = moderation::transparency(&state, actor, &path).await?;
    let counts: Vec<CountRow> = report
        .counts
        .iter()
        .map(|(action, reason, count)| CountRow {
            action,
            reason,
            count: *count,
        })
        .collect();
    let total: i64 = counts.iter().map(|c| c.count).sum();
    let mut ctx = tera::Context::new();
    ctx.insert("report", &report);
    ctx.insert("counts", &counts);
    ctx.insert("total", &total);
    page.ok(&state, "moderation/transparency.html", ctx)
}
