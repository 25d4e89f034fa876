//! Moderation pages: the moderators' queue, merges, the log (with its CSV download), the
//! filter list, a comment's report page, the public transparency page of a consultation, and
//! the moderation part of an idea's page. The services authorise and validate every request;
//! these handlers only show forms, route, and show a refused form again with its errors.

pub mod comment_reports;
pub mod filters;
pub mod idea_panel;
pub mod log;
pub mod queue;
pub mod transparency;

use actix_web::web;
use serde::Deserialize;

use crate::domain::moderation::ReportReason;

/// The reasons a citizen can give when reporting, in the order the form shows them.
pub fn report_reasons() -> Vec<&'static str> {
    ReportReason::ALL.map(ReportReason::as_str).to_vec()
}

/// A report from the idea page or the comment report page. `comments_cursor` only chooses the
/// page of comments shown afterwards; the service checks the item itself.
#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub comments_cursor: String,
}

pub fn report_flash(hidden: bool) -> &'static str {
    if hidden {
        "flash-report-hidden"
    } else {
        "flash-report-received"
    }
}

/// Registers the moderation pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/comments/{id}/report")
            .route(web::get().to(comment_reports::report_comment_form))
            .route(web::post().to(comment_reports::report_comment)),
    )
    .service(web::resource("/moderation").route(web::get().to(queue::queue)))
    .service(web::resource("/moderation/log").route(web::get().to(log::log)))
    .service(web::resource("/moderation/log.csv").route(web::get().to(log::log_csv)))
    .service(
        web::resource("/moderation/filters")
            .route(web::get().to(filters::filters))
            .route(web::post().to(filters::add_filter)),
    )
    .service(
        web::resource("/moderation/filters/{id}/remove")
            .route(web::post().to(filters::remove_filter)),
    )
    .service(
        web::resource("/c/{slug}/transparency").route(web::get().to(transparency::transparency)),
    );
}

#[cfg(test)]
mod catalog_tests {
    use super::log::{LOG_ACTIONS, log_reasons};
    use super::*;
    use crate::domain::lang::Lang;
    use crate::domain::moderation::ACTION_REASONS;

    /// Keys the moderation pages build at run time (`"reason-" ~ r`…) exist in both languages.
    #[test]
    fn every_word_the_pages_build_exists_in_both_languages() {
        let mut keys: Vec<String> = Vec::new();
        for reason in log_reasons() {
            keys.push(format!("reason-{reason}"));
        }
        // Tombstones name the reason an item was hidden with.
        for reason in ACTION_REASONS.iter().chain(&["reported"]) {
            keys.push(format!("moderation-reason-{reason}"));
        }
        for reason in report_reasons() {
            keys.push(format!("report-reason-{reason}"));
        }
        for action in LOG_ACTIONS {
            keys.push(format!("action-{action}"));
        }
        for v in ["visible", "pending", "hidden", "merged"] {
            keys.push(format!("visibility-{v}"));
        }
        for kind in ["idea", "comment"] {
            keys.push(format!("queue-kind-{kind}"));
            keys.push(format!("queue-act-on-{kind}"));
        }
        for target in ["idea", "comment", "user", "tag", "report"] {
            keys.push(format!("log-target-{target}"));
        }
        let missing: Vec<String> = keys
            .iter()
            .flat_map(|k| Lang::ALL.map(|l| (l, k)))
            // Some messages take arguments and are not found without them.
            .filter(|(l, k)| {
                let args = [("title", "x".to_owned()), ("id", "1".to_owned())];
                crate::i18n::text_with(*l, k, &args) == **k
            })
            .map(|(l, k)| format!("{}:{k}", l.as_str()))
            .collect();
        assert!(missing.is_empty(), "missing messages: {missing:?}");
    }
}
