//! Moderation over the API: reports, actions, merges, tags, suspensions, the queue and log.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::schema::{Page, Problem, time};
use crate::domain::ids::{CommentId, IdeaId, UserId};
use crate::error::AppError;
use crate::http::identity::{MaybeUser, SignedIn};
use crate::http::state::AppState;
use crate::services::moderation::{self, LogQuery, QueueQuery, Target};
use crate::services::{people, tags};

/// A report: `reason` is spam, abusive, personal_info, off_topic or other.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    #[serde(default)]
    reason: String,
    note: Option<String>,
}

/// The result of a report.
#[derive(Serialize, ToSchema)]
pub struct Reported {
    /// True when enough different people reported the item that it is now hidden pending
    /// a moderator's review.
    pub hidden: bool,
}

async fn report(
    state: &AppState,
    identity: &crate::domain::identity::Identity,
    target: Target,
    body: ReportBody,
) -> Result<HttpResponse, AppError> {
    let outcome =
        moderation::report(state, identity, target, &body.reason, body.note.as_deref()).await?;
    Ok(HttpResponse::Created().json(Reported {
        hidden: outcome.hidden,
    }))
}

/// Reports an idea (verified accounts; once per person; not one's own).
#[utoipa::path(post, path = "/api/v1/ideas/{id}/reports", tag = "moderation", request_body = ReportBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Reported), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Already reported by this person", body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn report_idea(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<ReportBody>,
) -> Result<HttpResponse, AppError> {
    report(
        &state,
        &identity,
        Target::Idea(IdeaId(path.into_inner())),
        body.into_inner(),
    )
    .await
}

/// Reports a comment.
#[utoipa::path(post, path = "/api/v1/comments/{id}/reports", tag = "moderation", request_body = ReportBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Reported), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn report_comment(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<ReportBody>,
) -> Result<HttpResponse, AppError> {
    report(
        &state,
        &identity,
        Target::Comment(CommentId(path.into_inner())),
        body.into_inner(),
    )
    .await
}

/// A moderation action. Ideas: hide, restore, lock, unlock, pin, unpin, approve, dismiss;
/// comments: hide, restore, approve, dismiss (dismiss closes the open reports). `reason` is
/// spam, abusive, personal_info, off_topic, duplicate, illegal, resolved or other.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    note: Option<String>,
}

/// The state after an action.
#[derive(Serialize, ToSchema)]
pub struct Acted {
    pub action: String,
}

async fn act(
    state: &AppState,
    identity: &crate::domain::identity::Identity,
    target: Target,
    body: ActionBody,
) -> Result<HttpResponse, AppError> {
    if body.action.trim() == "dismiss" {
        moderation::dismiss_reports(state, identity, target, body.note.as_deref()).await?;
    } else {
        moderation::act(
            state,
            identity,
            target,
            &body.action,
            &body.reason,
            body.note.as_deref(),
        )
        .await?;
    }
    Ok(HttpResponse::Ok().json(Acted {
        action: body.action.trim().to_owned(),
    }))
}

/// Moderates an idea (moderators and admins; never their own).
#[utoipa::path(post, path = "/api/v1/ideas/{id}/moderation", tag = "moderation", request_body = ActionBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Acted), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Not applicable in the item's state", body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn moderate_idea(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<ActionBody>,
) -> Result<HttpResponse, AppError> {
    act(
        &state,
        &identity,
        Target::Idea(IdeaId(path.into_inner())),
        body.into_inner(),
    )
    .await
}

/// Moderates a comment.
#[utoipa::path(post, path = "/api/v1/comments/{id}/moderation", tag = "moderation", request_body = ActionBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Acted), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn moderate_comment(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<ActionBody>,
) -> Result<HttpResponse, AppError> {
    act(
        &state,
        &identity,
        Target::Comment(CommentId(path.into_inner())),
        body.into_inner(),
    )
    .await
}

/// Merges a duplicate into another idea of the same consultation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    into: i64,
    note: Option<String>,
}

/// Merges this idea into `into`: votes move without double counting, comments move, the old
/// address redirects, the author is emailed.
#[utoipa::path(post, path = "/api/v1/ideas/{id}/merge", tag = "moderation", request_body = MergeBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Acted), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn merge(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<MergeBody>,
) -> Result<HttpResponse, AppError> {
    moderation::merge(
        &state,
        &identity,
        IdeaId(path.into_inner()),
        IdeaId(body.into),
        body.note.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(Acted {
        action: "merge".to_owned(),
    }))
}

/// The moderation queue (moderators and admins).
#[utoipa::path(get, path = "/api/v1/moderation/queue", tag = "moderation", security(("bearer" = [])),
    params(("consultation" = Option<String>, Query), ("reason" = Option<String>, Query), ("hours" = Option<i64>, Query),
        ("page" = Option<i64>, Query)),
    responses((status = 200, description = "Reported items, items awaiting approval and the newest ideas"),
        (status = 400, body = Problem), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn queue(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let queue = moderation::queue(&state, &identity, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(queue))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogParams {
    consultation: Option<String>,
    action: Option<String>,
    reason: Option<String>,
    before: Option<String>,
    format: Option<String>,
}

/// A moderation log entry.
#[derive(Serialize, ToSchema)]
pub struct LogItem {
    pub id: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: i64,
    pub consultation: Option<String>,
    pub reason: String,
    pub note: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// The moderation log for staff, newest first; `format=csv` downloads it.
#[utoipa::path(get, path = "/api/v1/moderation/log", tag = "moderation", security(("bearer" = [])),
    params(("consultation" = Option<String>, Query), ("action" = Option<String>, Query), ("reason" = Option<String>, Query),
        ("before" = Option<i64>, Query, description = "next_cursor of the previous page"), ("format" = Option<String>, Query, description = "json (default) or csv")),
    responses((status = 200, body = Page<LogItem>), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn log(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    params: web::Query<LogParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.into_inner();
    let csv = match params.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(AppError::BadRequest("error-format-invalid")),
    };
    let query = LogQuery {
        consultation: params.consultation,
        action: params.action,
        reason: params.reason,
        before: params.before,
    };
    let limit = if csv { 100_000 } else { moderation::LOG_PAGE };
    let (entries, next) = moderation::log_entries(&state, &identity, query, limit).await?;
    if csv {
        return Ok(HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                CONTENT_DISPOSITION,
                "attachment; filename=\"ideabox-moderation-log.csv\"",
            ))
            .insert_header((CACHE_CONTROL, "no-store"))
            .body(moderation::log_csv(&entries)?));
    }
    let items: Vec<LogItem> = entries
        .into_iter()
        .map(|e| LogItem {
            id: e.id,
            actor: e.actor,
            action: e.action,
            target_type: e.target_type,
            target_id: e.target_id,
            consultation: e.consultation,
            reason: e.reason,
            note: e.note,
            created_at: time(e.created_at),
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, next.map(|n| n.to_string()))))
}

/// The public record of a consultation's moderation: counts and tombstones, no personal data.
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/transparency", tag = "moderation",
    params(("slug" = String, Path)),
    responses((status = 200, description = "Counts by action and reason, and hidden items with their public reason"),
        (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn transparency(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let report = moderation::transparency(&state, viewer.map(|v| v.user.actor()), &path).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// A tag (create: `slug`, `name_ja`, `name_en` required; `color` like #0031d8).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagBody {
    slug: Option<String>,
    name_ja: Option<String>,
    name_en: Option<String>,
    color: Option<String>,
    description: Option<String>,
}

impl From<TagBody> for tags::TagInput {
    fn from(b: TagBody) -> Self {
        tags::TagInput {
            slug: b.slug,
            name_ja: b.name_ja,
            name_en: b.name_en,
            color: b.color,
            description: b.description,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Tag {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub color: String,
    pub description: String,
    pub idea_count: i64,
}

impl From<tags::TagInfo> for Tag {
    fn from(t: tags::TagInfo) -> Self {
        Tag {
            slug: t.slug,
            name_ja: t.name_ja,
            name_en: t.name_en,
            color: t.color,
            description: t.description,
            idea_count: t.idea_count,
        }
    }
}

/// A consultation's tags with how many visible ideas carry each.
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/tags", tag = "tags", params(("slug" = String, Path)),
    responses((status = 200, body = Page<Tag>), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list_tags(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let list: Vec<Tag> = tags::list(&state, viewer.map(|v| v.user.actor()), &path)
        .await?
        .into_iter()
        .map(Tag::from)
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(list, None)))
}

/// Creates a tag (moderators and admins).
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/tags", tag = "tags", request_body = TagBody,
    params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = Tag), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_tag(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    body: web::Json<TagBody>,
) -> Result<HttpResponse, AppError> {
    let tag = tags::create(&state, &identity, &path, body.into_inner().into()).await?;
    Ok(HttpResponse::Created().json(Tag::from(tag)))
}

/// Renames or recolours a tag.
#[utoipa::path(patch, path = "/api/v1/consultations/{slug}/tags/{tag}", tag = "tags", request_body = TagBody,
    params(("slug" = String, Path), ("tag" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Changed"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn update_tag(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<(String, String)>,
    body: web::Json<TagBody>,
) -> Result<HttpResponse, AppError> {
    let (slug, tag) = path.into_inner();
    tags::update(&state, &identity, &slug, &tag, body.into_inner().into()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deletes a tag (ideas keep their other tags).
#[utoipa::path(delete, path = "/api/v1/consultations/{slug}/tags/{tag}", tag = "tags",
    params(("slug" = String, Path), ("tag" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn delete_tag(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, tag) = path.into_inner();
    tags::delete(&state, &identity, &slug, &tag).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagMergeBody {
    into: String,
}

/// Folds a tag into another: its ideas get the other tag, then it is deleted.
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/tags/{tag}/merge", tag = "tags", request_body = TagMergeBody,
    params(("slug" = String, Path), ("tag" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Merged"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn merge_tag(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<(String, String)>,
    body: web::Json<TagMergeBody>,
) -> Result<HttpResponse, AppError> {
    let (slug, tag) = path.into_inner();
    tags::merge(&state, &identity, &slug, &tag, &body.into).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaTagsBody {
    tags: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IdeaTags {
    pub tags: Vec<String>,
}

/// Sets an idea's tags (replacing the previous ones).
#[utoipa::path(put, path = "/api/v1/ideas/{id}/tags", tag = "tags", request_body = IdeaTagsBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = IdeaTags), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn set_idea_tags(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<IdeaTagsBody>,
) -> Result<HttpResponse, AppError> {
    let tags = tags::set_idea_tags(
        &state,
        &identity,
        IdeaId(path.into_inner()),
        body.into_inner().tags,
    )
    .await?;
    Ok(HttpResponse::Ok().json(IdeaTags { tags }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkBody {
    #[serde(default)]
    add: Vec<i64>,
    #[serde(default)]
    remove: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkResult {
    pub added: usize,
    pub removed: usize,
}

/// Adds the tag to many ideas and removes it from others in one action (up to 1,000 each).
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/tags/{tag}/ideas", tag = "tags", request_body = BulkBody,
    params(("slug" = String, Path), ("tag" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = BulkResult), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn bulk_tag(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<(String, String)>,
    body: web::Json<BulkBody>,
) -> Result<HttpResponse, AppError> {
    let (slug, tag) = path.into_inner();
    let body = body.into_inner();
    let (added, removed) =
        tags::bulk(&state, &identity, &slug, &tag, body.add, body.remove).await?;
    Ok(HttpResponse::Ok().json(BulkResult { added, removed }))
}

/// Suspends until a time (`until`, RFC 3339) or bans (`ban: true`), with a reason.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspensionBody {
    until: Option<String>,
    #[serde(default)]
    ban: bool,
    #[serde(default)]
    reason: String,
    note: Option<String>,
}

/// Suspends or bans an account: it can still read, but not take part.
#[utoipa::path(post, path = "/api/v1/users/{id}/suspension", tag = "moderation", request_body = SuspensionBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Acted), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn suspend(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<SuspensionBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    people::suspend(
        &state,
        &identity,
        UserId(path.into_inner()),
        body.until.as_deref(),
        body.ban,
        &body.reason,
        body.note.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(Acted {
        action: if body.ban { "ban" } else { "suspend" }.to_owned(),
    }))
}

/// Lifts a suspension or ban.
#[utoipa::path(delete, path = "/api/v1/users/{id}/suspension", tag = "moderation",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Lifted"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn lift(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    people::lift(&state, &identity, UserId(path.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HideAllBody {
    #[serde(default)]
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct HiddenCount {
    pub hidden: usize,
}

/// Hides everything an account posted (spam accounts), each item logged.
#[utoipa::path(post, path = "/api/v1/users/{id}/hide-all", tag = "moderation", request_body = HideAllBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = HiddenCount), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn hide_all(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<HideAllBody>,
) -> Result<HttpResponse, AppError> {
    let hidden =
        people::hide_everything(&state, &identity, UserId(path.into_inner()), &body.reason).await?;
    Ok(HttpResponse::Ok().json(HiddenCount { hidden }))
}

pub fn routes(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .service(web::resource("/ideas/{id}/reports").route(web::post().to(report_idea)))
        .service(web::resource("/comments/{id}/reports").route(web::post().to(report_comment)))
        .service(web::resource("/ideas/{id}/moderation").route(web::post().to(moderate_idea)))
        .service(web::resource("/comments/{id}/moderation").route(web::post().to(moderate_comment)))
        .service(web::resource("/ideas/{id}/merge").route(web::post().to(merge)))
        .service(web::resource("/ideas/{id}/tags").route(web::put().to(set_idea_tags)))
        .service(web::resource("/moderation/queue").route(web::get().to(queue)))
        .service(web::resource("/moderation/log").route(web::get().to(log)))
        .service(
            web::resource("/consultations/{slug}/transparency").route(web::get().to(transparency)),
        )
        .service(
            web::resource("/consultations/{slug}/tags")
                .route(web::get().to(list_tags))
                .route(web::post().to(create_tag)),
        )
        .service(
            web::resource("/consultations/{slug}/tags/{tag}")
                .route(web::patch().to(update_tag))
                .route(web::delete().to(delete_tag)),
        )
        .service(
            web::resource("/consultations/{slug}/tags/{tag}/merge")
                .route(web::post().to(merge_tag)),
        )
        .service(
            web::resource("/consultations/{slug}/tags/{tag}/ideas").route(web::post().to(bulk_tag)),
        )
        .service(
            web::resource("/users/{id}/suspension")
                .route(web::post().to(suspend))
                .route(web::delete().to(lift)),
        )
        .service(web::resource("/users/{id}/hide-all").route(web::post().to(hide_all)))
        .service(
            web::resource("/moderation/filters")
                .route(web::get().to(list_filters))
                .route(web::post().to(add_filter)),
        )
        .service(web::resource("/moderation/filters/{id}").route(web::delete().to(remove_filter)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterBody {
    #[serde(default)]
    pattern: String,
    #[serde(default)]
    is_regex: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Filter {
    pub id: i64,
    pub pattern: String,
    pub is_regex: bool,
}

/// The filter list (admins): contributions matching a word or pattern wait for approval.
#[utoipa::path(get, path = "/api/v1/moderation/filters", tag = "moderation", security(("bearer" = [])),
    responses((status = 200, body = Page<Filter>), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list_filters(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    let items: Vec<Filter> = moderation::filters(&state, &identity)
        .await?
        .into_iter()
        .map(|f| Filter {
            id: f.id,
            pattern: f.pattern,
            is_regex: f.is_regex,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, None)))
}

/// Adds a word (case-insensitive) or a regular expression to the filter list (admins).
#[utoipa::path(post, path = "/api/v1/moderation/filters", tag = "moderation", request_body = FilterBody,
    security(("bearer" = [])),
    responses((status = 201, description = "Added"), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn add_filter(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    body: web::Json<FilterBody>,
) -> Result<HttpResponse, AppError> {
    moderation::add_filter(&state, &identity, &body.pattern, body.is_regex).await?;
    Ok(HttpResponse::Created().finish())
}

/// Removes a filter (admins).
#[utoipa::path(delete, path = "/api/v1/moderation/filters/{id}", tag = "moderation", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn remove_filter(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    moderation::remove_filter(&state, &identity, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
