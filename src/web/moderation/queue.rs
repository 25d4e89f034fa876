//! The moderators' queue: reported items, items waiting for approval and the newest ideas,
//! with an action form on each.

use crate::domain::fields::FieldErrors;
use crate::domain::identity::Identity;
use crate::domain::moderation::{ACTION_REASONS, ReportReason, Visibility};
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::consultations;
use crate::services::moderation::{self, QUEUE_PAGE, QueueItem, QueueQuery};
use crate::web::moderation::idea_panel::ItemState;
use crate::web::moderation::log::chosen;
use crate::web::moderation::report_reasons;
use crate::web::page::{PageContext, insert_errors};
use crate::web::share_links::with_query;
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::BTreeMap;

/// A reason given in open reports, with how many gave it.
#[derive(Serialize)]
struct ReasonCount {
    reason: String,
    count: usize,
}

/// A queue entry as the page shows it.
#[derive(Serialize)]
struct QueueEntry {
    /// Unique per section, so that ids of the forms never repeat on the page.
    form_name: String,
    kind: String,
    id: i64,
    idea_id: i64,
    link: String,
    consultation: String,
    title: String,
    excerpt: String,
    author: Option<String>,
    created_at: NaiveDateTime,
    visibility: Visibility,
    reporters: i64,
    reasons: Vec<ReasonCount>,
    notes: Vec<String>,
    /// For the action form.
    item: ItemState,
}

fn entry(section: &str, item: QueueItem) -> QueueEntry {
    let mut counts: BTreeMap<usize, ReasonCount> = BTreeMap::new();
    let mut notes = Vec::new();
    for (reason, note) in &item.reasons {
        // Reasons in the order of the report form; any other after them.
        let order = ReportReason::ALL
            .iter()
            .position(|r| r.as_str() == reason)
            .unwrap_or(ReportReason::ALL.len());
        let slot = counts.entry(order).or_insert_with(|| ReasonCount {
            reason: reason.clone(),
            count: 0,
        });
        slot.count += 1;
        if !note.trim().is_empty() {
            notes.push(note.clone());
        }
    }
    let is_idea = item.target_type == "idea";
    let link = if is_idea {
        format!("/ideas/{}", item.idea_id)
    } else {
        format!("/ideas/{}#comment-{}", item.idea_id, item.target_id)
    };
    QueueEntry {
        form_name: format!("{section}-{}-{}", item.target_type, item.target_id),
        item: ItemState {
            kind: if is_idea { "idea" } else { "comment" },
            id: item.target_id,
            hidden: item.visibility == Visibility::Hidden,
            pending: item.visibility == Visibility::Pending,
            locked: item.locked,
            pinned: item.pinned,
            reported: !item.reasons.is_empty(),
        },
        kind: item.target_type,
        id: item.target_id,
        idea_id: item.idea_id,
        link,
        consultation: item.consultation,
        title: item.title,
        excerpt: item.excerpt,
        author: item.author,
        created_at: item.created_at,
        visibility: item.visibility,
        reporters: item.reporters.max(item.reasons.len() as i64),
        reasons: counts.into_values().collect(),
        notes,
    }
}

/// A form of the queue shown again with its errors.
pub struct ActiveAction {
    pub name: String,
    pub note: String,
    pub reason: String,
    pub errors: FieldErrors,
}

fn queue_url(query: &QueueQuery, page: Option<i64>) -> String {
    let page = page.filter(|p| *p > 1).map(|p| p.to_string());
    with_query(
        "/moderation",
        &[
            ("consultation", chosen(&query.consultation)),
            ("reason", chosen(&query.reason)),
            ("hours", chosen(&query.hours)),
            ("page", page.as_deref()),
        ],
    )
}

pub async fn queue_page(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    query: QueueQuery,
    active: Option<ActiveAction>,
) -> Result<HttpResponse, AppError> {
    let queue = moderation::queue(state, identity, query.clone()).await?;
    let actor = identity.user.actor();
    let all = consultations::list(state, Some(actor), None).await?;
    let reported: Vec<QueueEntry> = queue
        .reported
        .into_iter()
        .map(|i| entry("reported", i))
        .collect();
    let pending: Vec<QueueEntry> = queue
        .pending
        .into_iter()
        .map(|i| entry("pending", i))
        .collect();
    let newest: Vec<QueueEntry> = queue
        .newest_ideas
        .into_iter()
        .map(|i| entry("newest", i))
        .collect();
    let more = queue.has_more || pending.len() as i64 >= QUEUE_PAGE;
    let selected = |v: &Option<String>| v.clone().unwrap_or_default().trim().to_owned();

    let mut ctx = tera::Context::new();
    ctx.insert("consultations", &all);
    ctx.insert("report_reasons", &report_reasons());
    ctx.insert("action_reasons", &ACTION_REASONS);
    ctx.insert("filter_consultation", &selected(&query.consultation));
    ctx.insert("filter_reason", &selected(&query.reason));
    ctx.insert("filter_hours", &selected(&query.hours));
    ctx.insert(
        "filtered",
        &[&query.consultation, &query.reason, &query.hours]
            .iter()
            .any(|v| v.as_deref().is_some_and(|s| !s.trim().is_empty())),
    );
    ctx.insert("reported", &reported);
    ctx.insert("pending", &pending);
    ctx.insert("newest", &newest);
    ctx.insert("page_number", &queue.page);
    ctx.insert(
        "prev_url",
        &(queue.page > 1).then(|| queue_url(&query, Some(queue.page - 1))),
    );
    ctx.insert(
        "next_url",
        &more.then(|| queue_url(&query, Some(queue.page + 1))),
    );
    ctx.insert("return_to", &queue_url(&query, Some(queue.page)));
    ctx.insert("value_body", "");
    ctx.insert("value_reason", "");
    let status = match active {
        Some(form) => {
            ctx.insert("active_form", &form.name);
            ctx.insert("error_prefix", &format!("{}-", form.name));
            ctx.insert("value_body", &form.note);
            ctx.insert("value_reason", &form.reason);
            insert_errors(&mut ctx, &form.errors);
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        }
        None => actix_web::http::StatusCode::OK,
    };
    page.render(state, "moderation/queue.html", ctx, status)
}

/// `/moderation`: reported items, items waiting for approval and the newest ideas, with an
/// action form on each (moderators and admins; the service refuses everyone else).
#[tracing::instrument(skip_all)]
pub async fn queue(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    queue_page(&state, &page, &identity, query.into_inner(), None).await
}
