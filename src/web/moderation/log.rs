//! The moderation log, with its filters and CSV download.

use crate::domain::moderation::ACTION_REASONS;
use crate::domain::policy::{self};
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::consultations;
use crate::services::moderation::{self, LogQuery};
use crate::web::page::PageContext;
use crate::web::share_links::with_query;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

/// Every action the log records, for its filter (an unknown one is refused with a 400).
pub const LOG_ACTIONS: [&str; 24] = [
    "hide",
    "restore",
    "approve",
    "lock",
    "unlock",
    "pin",
    "unpin",
    "dismiss",
    "merge",
    "auto_hide",
    "suspend",
    "ban",
    "lift_suspension",
    "hide_all_posts",
    "tag_create",
    "tag_update",
    "tag_delete",
    "tag_merge",
    "tag_set",
    "tag_bulk",
    "filter_add",
    "filter_remove",
    "campaign_join",
    "campaign_detach",
];

/// Reasons the log records besides those a moderator chooses: automatic hiding after reports,
/// and tag curation.
pub const SYSTEM_REASONS: [&str; 2] = ["reported", "curation"];

pub fn log_reasons() -> Vec<&'static str> {
    ACTION_REASONS
        .iter()
        .chain(SYSTEM_REASONS.iter())
        .copied()
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LogPageQuery {
    consultation: Option<String>,
    action: Option<String>,
    reason: Option<String>,
    before: Option<String>,
}

pub fn chosen(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl LogPageQuery {
    /// Refuses filters the log does not know (400), as every list does.
    fn checked(&self) -> Result<LogQuery, AppError> {
        if chosen(&self.action).is_some_and(|a| !LOG_ACTIONS.contains(&a))
            || chosen(&self.reason).is_some_and(|r| !log_reasons().contains(&r))
        {
            return Err(AppError::BadRequest("error-query-invalid"));
        }
        Ok(LogQuery {
            consultation: chosen(&self.consultation).map(str::to_owned),
            action: chosen(&self.action).map(str::to_owned),
            reason: chosen(&self.reason).map(str::to_owned),
            before: chosen(&self.before).map(str::to_owned),
        })
    }

    fn url(&self, base: &str, before: Option<&str>) -> String {
        with_query(
            base,
            &[
                ("consultation", chosen(&self.consultation)),
                ("action", chosen(&self.action)),
                ("reason", chosen(&self.reason)),
                ("before", before),
            ],
        )
    }
}

/// A log line with its target's link.
#[derive(Serialize)]
struct LogRow {
    #[serde(flatten)]
    entry: moderation::LogEntry,
    link: Option<String>,
}

/// `/moderation/log`: every moderation action, newest first (staff).
#[tracing::instrument(skip_all)]
pub async fn log(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    query: web::Query<LogPageQuery>,
) -> Result<HttpResponse, AppError> {
    let filters = query.checked()?;
    let (entries, next) =
        moderation::log_entries(&state, &identity, filters, moderation::LOG_PAGE).await?;
    let actor = identity.user.actor();
    let all = consultations::list(&state, Some(actor), None).await?;
    let moderates = policy::can_moderate(&actor).is_ok();
    let rows: Vec<LogRow> = entries
        .into_iter()
        .map(|entry| {
            let link = match entry.target_type.as_str() {
                "idea" => Some(format!("/ideas/{}", entry.target_id)),
                "comment" if moderates => Some(format!("/moderation/comments/{}", entry.target_id)),
                "user" if moderates => Some(format!("/moderation/users/{}", entry.target_id)),
                _ => None,
            };
            LogRow { entry, link }
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("entries", &rows);
    ctx.insert("consultations", &all);
    ctx.insert("actions", &LOG_ACTIONS);
    ctx.insert("reasons", &log_reasons());
    ctx.insert(
        "filter_consultation",
        chosen(&query.consultation).unwrap_or(""),
    );
    ctx.insert("filter_action", chosen(&query.action).unwrap_or(""));
    ctx.insert("filter_reason", chosen(&query.reason).unwrap_or(""));
    ctx.insert("is_later_page", &chosen(&query.before).is_some());
    ctx.insert("first_url", &query.url("/moderation/log", None));
    ctx.insert(
        "older_url",
        &next.map(|n| query.url("/moderation/log", Some(&n.to_string()))),
    );
    ctx.insert("csv_url", &query.url("/moderation/log.csv", None));
    page.ok(&state, "moderation/log.html", ctx)
}

/// Most lines a CSV download holds.
const CSV_MAX_ROWS: i64 = 100_000;

/// `/moderation/log.csv`: the log with the same filters, as a download (staff).
#[tracing::instrument(skip_all)]
pub async fn log_csv(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    query: web::Query<LogPageQuery>,
) -> Result<HttpResponse, AppError> {
    let filters = query.checked()?;
    let (entries, _) = moderation::log_entries(&state, &identity, filters, CSV_MAX_ROWS).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            "attachment; filename=\"ideabox-moderation-log.csv\"",
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(moderation::log_csv(&entries)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_filter_knows_every_reason_an_action_can_give() {
        for reason in ACTION_REASONS {
            assert!(log_reasons().contains(&reason));
        }
    }
}
