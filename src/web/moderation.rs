//! Moderation pages: reports from the idea page, the moderators' queue with an action form per
//! item, actions and merges, the log (with its CSV download), the filter list, and the public
//! transparency page of a consultation. The services authorise and validate every request;
//! these handlers only show forms, route, and show a refused form again with its errors.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::auth::identity::{Identity, MaybeUser, SignedIn};
use crate::domain::fields::FieldErrors;
use crate::domain::moderation::{self as rules, ACTION_REASONS, ReportReason, Visibility};
use crate::domain::policy::{self, Actor};
use crate::error::AppError;
use crate::services::comments::CommentView;
use crate::services::ideas::IdeaDetail;
use crate::services::moderation::{self, LogQuery, QUEUE_PAGE, QueueItem, QueueQuery, Target};
use crate::services::{comments, consultations, ideas, tags};
use crate::state::AppState;
use crate::web::ideas::{ActiveForm, render_idea};
use crate::web::page::{PageContext, insert_errors, safe_next, see_other_with_flash};
use crate::web::sharing::with_query;

/// The reasons a citizen can give when reporting, in the order the form shows them.
pub fn report_reasons() -> Vec<&'static str> {
    ReportReason::ALL.map(ReportReason::as_str).to_vec()
}

/// Every action the log records, for its filter (an unknown one is refused with a 400).
pub const LOG_ACTIONS: [&str; 22] = [
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
];

/// Reasons the log records besides those a moderator chooses: automatic hiding after reports,
/// and tag curation.
pub const SYSTEM_REASONS: [&str; 2] = ["reported", "curation"];

fn log_reasons() -> Vec<&'static str> {
    ACTION_REASONS
        .iter()
        .chain(SYSTEM_REASONS.iter())
        .copied()
        .collect()
}

/// Where a form sends the moderator back: the page it came from (the queue with its filters,
/// an idea page, a tag or account page), and never anywhere else.
pub fn back_to(raw: &str, fallback: &str) -> String {
    const PAGES: [&str; 4] = ["/moderation", "/ideas/", "/c/", "/admin/users"];
    let path = safe_next(Some(raw.trim()));
    let plain = path.chars().all(|c| c.is_ascii_graphic()) && path.len() <= 1_000;
    if plain && PAGES.iter().any(|p| path.starts_with(p)) {
        path
    } else {
        fallback.to_owned()
    }
}

/// A form's name, used to reopen it with its errors; only a plain token is accepted.
fn form_name(raw: &str) -> String {
    let raw = raw.trim();
    if !raw.is_empty()
        && raw.len() <= 60
        && raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        raw.to_owned()
    } else {
        String::new()
    }
}

/// A refused form that cannot be shown again in place: an error page naming the first
/// problem, with status 422.
pub fn field_error_page(
    state: &AppState,
    page: &PageContext,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let message = errors.iter().next().map_or("error-422", |e| e.code);
    let mut ctx = tera::Context::new();
    ctx.insert("status", &422);
    ctx.insert("message", message);
    ctx.insert("title_key", "error-title-request");
    page.render(
        state,
        "error.html",
        ctx,
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// A tag of the consultation as the idea page's tag form shows it.
#[derive(Serialize)]
struct TagChoice {
    slug: String,
    name_ja: String,
    name_en: String,
    checked: bool,
}

/// The moderation state of the idea, as the action forms need it.
#[derive(Serialize)]
struct ItemState {
    kind: &'static str,
    id: i64,
    hidden: bool,
    pending: bool,
    locked: bool,
    pinned: bool,
    reported: bool,
}

/// What the idea page needs for reports, moderator controls and tag editing. Whether a form
/// shows is decided with the same policy the services apply; the services still decide.
pub async fn insert_idea_page(
    state: &AppState,
    ctx: &mut tera::Context,
    viewer: Option<&Identity>,
    detail: &IdeaDetail,
) -> Result<(), AppError> {
    let actor: Option<Actor> = viewer.map(|v| v.user.actor());
    let participates = actor.as_ref().is_some_and(policy::can_participate);
    let moderates = actor.as_ref().is_some_and(|a| rules::can_moderate(a.role));
    let shown = !detail.tombstone && detail.visibility == Visibility::Visible;
    ctx.insert("report_reasons", &report_reasons());
    ctx.insert("action_reasons", &ACTION_REASONS);
    ctx.insert("can_report", &(participates && shown && !detail.is_mine));
    ctx.insert("can_report_comments", &(participates && !detail.tombstone));
    ctx.insert("can_moderate", &moderates);
    ctx.insert("value_reason", "");
    ctx.insert(
        "moderated_idea",
        &ItemState {
            kind: "idea",
            id: detail.summary.id,
            hidden: detail.visibility == Visibility::Hidden,
            pending: detail.visibility == Visibility::Pending,
            locked: detail.summary.locked,
            pinned: detail.summary.pinned,
            reported: false,
        },
    );
    let mut choices = Vec::new();
    if moderates && !detail.is_mine {
        let current: Vec<&str> = detail
            .summary
            .tags
            .iter()
            .map(|t| t.slug.as_str())
            .collect();
        for tag in tags::list(state, actor, &detail.summary.consultation).await? {
            choices.push(TagChoice {
                checked: current.contains(&tag.slug.as_str()),
                slug: tag.slug,
                name_ja: tag.name_ja,
                name_en: tag.name_en,
            });
        }
    }
    ctx.insert("tag_choices", &choices);
    Ok(())
}

// ---- Reports -------------------------------------------------------------------------------

/// A report from the idea page or the comment report page. `comments_cursor` only chooses the
/// page of comments shown afterwards; the service checks the item itself.
#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    comments_cursor: String,
}

fn report_flash(hidden: bool) -> &'static str {
    if hidden {
        "flash-report-hidden"
    } else {
        "flash-report-received"
    }
}

#[tracing::instrument(skip_all)]
pub async fn report_idea(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let note = Some(form.note.as_str());
    match moderation::report(&state, &identity, Target::Idea(id), &form.reason, note).await {
        Ok(outcome) => Ok(see_other_with_flash(
            &format!("/ideas/{id}"),
            report_flash(outcome.hidden),
        )),
        Err(AppError::Validation(errors)) => {
            let active = ActiveForm {
                name: "report-idea".to_owned(),
                body: form.note.clone(),
                errors,
            };
            render_idea(
                &state,
                &page,
                Some(&identity),
                id,
                false,
                None,
                Some(active),
            )
            .await
        }
        Err(err) => Err(err),
    }
}

/// Query of the comment report page: the page of comments to go back to.
#[derive(Deserialize)]
pub struct ReportPageQuery {
    #[serde(default)]
    comments_cursor: String,
}

/// A page of comments to go back to: a comment id, or none for the first page.
fn comments_cursor(raw: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(Some)
        .ok_or(AppError::BadRequest("error-cursor-invalid"))
}

/// Where the idea page shows a comment, on the page of comments the reader came from.
fn comment_on_idea_page(idea: i64, comment: i64, cursor: Option<i64>) -> String {
    let cursor = cursor.map(|c| c.to_string());
    format!(
        "{}#comment-{comment}",
        with_query(
            &format!("/ideas/{idea}"),
            &[("comments_cursor", cursor.as_deref())]
        )
    )
}

/// Refuses the report page for a comment the reader could not report (the idea page offers
/// no link to it): by the service's rule, 404 when the comment is deleted, hidden or awaiting
/// approval, 403 for one's own comment or without the right to take part.
fn check_reportable(identity: &Identity, comment: &CommentView) -> Result<(), AppError> {
    moderation::check_reportable(
        &identity.user.actor(),
        !(comment.deleted || comment.hidden || comment.pending),
        comment.is_mine,
    )
}

/// The report form of a comment as it was sent, shown again with its errors.
struct SentReport {
    reason: String,
    note: String,
    errors: FieldErrors,
}

/// The comment report page: the comment quoted as the idea page shows it, and the form.
async fn render_comment_report(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    comment: &CommentView,
    cursor: Option<i64>,
    sent: Option<SentReport>,
) -> Result<HttpResponse, AppError> {
    let idea = ideas::get(state, Some(identity), comment.idea_id).await?;
    let form_name = format!("report-comment-{}", comment.id);
    let mut ctx = tera::Context::new();
    ctx.insert("idea", &idea);
    ctx.insert("comment", comment);
    ctx.insert(
        "back_url",
        &comment_on_idea_page(idea.summary.id, comment.id, cursor),
    );
    ctx.insert(
        "comments_cursor",
        &cursor.map(|c| c.to_string()).unwrap_or_default(),
    );
    ctx.insert("report_reasons", &report_reasons());
    ctx.insert("value_reason", "");
    ctx.insert("value_body", "");
    let status = match sent {
        Some(sent) => {
            ctx.insert("active_form", &form_name);
            ctx.insert("error_prefix", &format!("{form_name}-"));
            ctx.insert("value_reason", &sent.reason);
            ctx.insert("value_body", &sent.note);
            insert_errors(&mut ctx, &sent.errors);
            if sent.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
        None => StatusCode::OK,
    };
    page.render(state, "moderation/report_comment.html", ctx, status)
}

/// `GET /comments/{id}/report`: the page the idea page's report link leads to.
#[tracing::instrument(skip_all)]
pub async fn report_comment_form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    query: web::Query<ReportPageQuery>,
) -> Result<HttpResponse, AppError> {
    let cursor = comments_cursor(&query.comments_cursor)?;
    let comment = comments::get(&state, Some(&identity), path.into_inner()).await?;
    check_reportable(&identity, &comment)?;
    render_comment_report(&state, &page, &identity, &comment, cursor, None).await
}

#[tracing::instrument(skip_all)]
pub async fn report_comment(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    // The comment's own idea decides where the reader goes back to; a malformed cursor only
    // loses the page of comments they were on.
    let comment = comments::get(&state, Some(&identity), id).await?;
    let cursor = comments_cursor(&form.comments_cursor).unwrap_or(None);
    let note = Some(form.note.as_str());
    match moderation::report(&state, &identity, Target::Comment(id), &form.reason, note).await {
        Ok(outcome) => Ok(see_other_with_flash(
            &comment_on_idea_page(comment.idea_id, id, cursor),
            report_flash(outcome.hidden),
        )),
        Err(AppError::Validation(errors)) => {
            check_reportable(&identity, &comment)?;
            let sent = SentReport {
                reason: form.reason.trim().to_owned(),
                note: form.note.clone(),
                errors,
            };
            render_comment_report(&state, &page, &identity, &comment, cursor, Some(sent)).await
        }
        Err(err) => Err(err),
    }
}

// ---- The queue -----------------------------------------------------------------------------

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

async fn queue_page(
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

// ---- Actions -------------------------------------------------------------------------------

/// An action form: `action` is hide, restore, approve, lock, unlock, pin, unpin or dismiss.
#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    return_to: String,
    #[serde(default)]
    form_name: String,
}

fn action_flash(action: &str) -> &'static str {
    match action {
        "hide" => "flash-moderation-hide",
        "restore" => "flash-moderation-restore",
        "approve" => "flash-moderation-approve",
        "lock" => "flash-moderation-lock",
        "unlock" => "flash-moderation-unlock",
        "pin" => "flash-moderation-pin",
        "unpin" => "flash-moderation-unpin",
        "dismiss" => "flash-moderation-dismiss",
        _ => "flash-moderation-done",
    }
}

/// The idea a page address shows (`/ideas/12`, `/ideas/12#comment-3`).
fn idea_of(path: &str) -> Option<i64> {
    let rest = path.strip_prefix("/ideas/")?;
    let end = rest.find(['?', '#', '/']).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Shows the page a refused form came from again, with the form open and its errors.
async fn show_again(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    back: &str,
    form: ActiveAction,
) -> Result<HttpResponse, AppError> {
    if back == "/moderation" || back.starts_with("/moderation?") {
        let query = back
            .split_once('?')
            .and_then(|(_, q)| serde_urlencoded::from_str::<QueueQuery>(q).ok())
            .unwrap_or_default();
        return queue_page(state, page, identity, query, Some(form)).await;
    }
    if let Some(idea) = idea_of(back) {
        let active = ActiveForm {
            name: form.name,
            body: form.note,
            errors: form.errors,
        };
        return render_idea(state, page, Some(identity), idea, false, None, Some(active)).await;
    }
    field_error_page(state, page, &form.errors)
}

async fn act_on(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    target: Target,
    form: ActionForm,
) -> Result<HttpResponse, AppError> {
    let fallback = match target {
        Target::Idea(id) => format!("/ideas/{id}"),
        Target::Comment(_) => "/moderation".to_owned(),
    };
    let back = back_to(&form.return_to, &fallback);
    let action = form.action.trim();
    let note = Some(form.note.as_str());
    let result = if action == "dismiss" {
        moderation::dismiss_reports(state, identity, target, note).await
    } else {
        moderation::act(state, identity, target, action, &form.reason, note).await
    };
    match result {
        Ok(()) => Ok(see_other_with_flash(&back, action_flash(action))),
        Err(AppError::Validation(errors)) => {
            let active = ActiveAction {
                name: form_name(&form.form_name),
                note: form.note.clone(),
                reason: form.reason.trim().to_owned(),
                errors,
            };
            show_again(state, page, identity, &back, active).await
        }
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn moderate_idea(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let target = Target::Idea(path.into_inner());
    act_on(&state, &page, &identity, target, form.into_inner()).await
}

#[tracing::instrument(skip_all)]
pub async fn moderate_comment(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let target = Target::Comment(path.into_inner());
    act_on(&state, &page, &identity, target, form.into_inner()).await
}

/// `/moderation/comments/{id}` (GET): the comment in its thread, for links from the log.
#[tracing::instrument(skip_all)]
pub async fn comment_location(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    moderation::require_moderator(&identity.user.actor())?;
    let id = path.into_inner();
    let comment = comments::get(&state, Some(&identity), id).await?;
    Ok(crate::web::page::see_other(&format!(
        "/ideas/{}#comment-{id}",
        comment.idea_id
    )))
}

/// A merge: this idea goes into `into` (an idea number of the same consultation).
#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    return_to: String,
    #[serde(default)]
    form_name: String,
}

#[tracing::instrument(skip_all)]
pub async fn merge(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<MergeForm>,
) -> Result<HttpResponse, AppError> {
    let from = path.into_inner();
    let own_page = format!("/ideas/{from}");
    let back = back_to(&form.return_to, &own_page);
    let into = form.into.trim().parse::<i64>().ok().filter(|i| *i > 0);
    let result = match into {
        Some(into) => {
            moderation::merge(&state, &identity, from, into, Some(form.note.as_str())).await
        }
        None => {
            // Only moderators learn that the number was wrong.
            moderation::require_moderator(&identity.user.actor())?;
            Err(AppError::validation("into", "error-merge-target"))
        }
    };
    match result {
        Ok(()) => {
            // The merged idea's page now redirects; go straight to the idea that remains.
            let location = match into {
                Some(into) if back == own_page => format!("/ideas/{into}"),
                _ => back,
            };
            Ok(see_other_with_flash(&location, "flash-merged"))
        }
        Err(AppError::Validation(errors)) => {
            let active = ActiveAction {
                name: form_name(&form.form_name),
                note: form.note.clone(),
                reason: String::new(),
                errors,
            };
            show_again(&state, &page, &identity, &back, active).await
        }
        Err(err) => Err(err),
    }
}

// ---- The log -------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LogPageQuery {
    consultation: Option<String>,
    action: Option<String>,
    reason: Option<String>,
    before: Option<String>,
}

fn chosen(v: &Option<String>) -> Option<&str> {
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
    let moderates = rules::can_moderate(actor.role);
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

// ---- Filters -------------------------------------------------------------------------------

#[derive(Deserialize, Default, Serialize)]
pub struct FilterForm {
    #[serde(default)]
    pattern: String,
    #[serde(default)]
    is_regex: String,
}

async fn filters_page(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    form: &FilterForm,
    errors: Option<&FieldErrors>,
) -> Result<HttpResponse, AppError> {
    let list = moderation::filters(state, identity).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("filters", &list);
    ctx.insert("form", form);
    match errors {
        Some(errors) => page.form_errors(state, "moderation/filters.html", ctx, errors),
        None => page.ok(state, "moderation/filters.html", ctx),
    }
}

/// `/moderation/filters`: the words and patterns that hold contributions for review (admins).
#[tracing::instrument(skip_all)]
pub async fn filters(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    filters_page(&state, &page, &identity, &FilterForm::default(), None).await
}

#[tracing::instrument(skip_all)]
pub async fn add_filter(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    form: web::Form<FilterForm>,
) -> Result<HttpResponse, AppError> {
    let is_regex = form.is_regex == "on";
    match moderation::add_filter(&state, &identity, &form.pattern, is_regex).await {
        Ok(()) => Ok(see_other_with_flash(
            "/moderation/filters",
            "flash-filter-added",
        )),
        Err(AppError::Validation(errors)) => {
            filters_page(&state, &page, &identity, &form, Some(&errors)).await
        }
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn remove_filter(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    moderation::remove_filter(&state, &identity, path.into_inner()).await?;
    Ok(see_other_with_flash(
        "/moderation/filters",
        "flash-filter-removed",
    ))
}

// ---- Transparency --------------------------------------------------------------------------

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

/// Registers the moderation pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/ideas/{id}/report").route(web::post().to(report_idea)))
        .service(
            web::resource("/comments/{id}/report")
                .route(web::get().to(report_comment_form))
                .route(web::post().to(report_comment)),
        )
        .service(web::resource("/moderation").route(web::get().to(queue)))
        .service(web::resource("/moderation/ideas/{id}").route(web::post().to(moderate_idea)))
        .service(web::resource("/moderation/ideas/{id}/merge").route(web::post().to(merge)))
        .service(
            web::resource("/moderation/comments/{id}")
                .route(web::get().to(comment_location))
                .route(web::post().to(moderate_comment)),
        )
        .service(web::resource("/moderation/log").route(web::get().to(log)))
        .service(web::resource("/moderation/log.csv").route(web::get().to(log_csv)))
        .service(
            web::resource("/moderation/filters")
                .route(web::get().to(filters))
                .route(web::post().to(add_filter)),
        )
        .service(
            web::resource("/moderation/filters/{id}/remove").route(web::post().to(remove_filter)),
        )
        .service(web::resource("/c/{slug}/transparency").route(web::get().to(transparency)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_send_people_back_only_to_known_pages() {
        assert_eq!(
            back_to("/moderation?reason=spam&page=2", "/x"),
            "/moderation?reason=spam&page=2"
        );
        assert_eq!(back_to("/ideas/3#comment-4", "/x"), "/ideas/3#comment-4");
        assert_eq!(back_to("https://evil.example/", "/x"), "/x");
        assert_eq!(back_to("//evil.example", "/x"), "/x");
        assert_eq!(back_to("/account", "/x"), "/x");
        assert_eq!(back_to("/ideas/1\r\nSet-Cookie: a=b", "/x"), "/x");
    }

    #[test]
    fn form_names_are_plain_tokens() {
        assert_eq!(form_name("reported-idea-3"), "reported-idea-3");
        assert_eq!(form_name("x\"><script>"), "");
        assert_eq!(form_name(""), "");
    }

    #[test]
    fn idea_pages_are_recognised() {
        assert_eq!(idea_of("/ideas/12"), Some(12));
        assert_eq!(idea_of("/ideas/12#comment-3"), Some(12));
        assert_eq!(idea_of("/ideas/12?comments_cursor=4"), Some(12));
        assert_eq!(idea_of("/moderation"), None);
    }

    #[test]
    fn the_log_filter_knows_every_reason_an_action_can_give() {
        for reason in ACTION_REASONS {
            assert!(log_reasons().contains(&reason));
        }
    }
}

#[cfg(test)]
mod catalog_tests {
    use super::*;
    use crate::domain::lang::Lang;

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
