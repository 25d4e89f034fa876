//! Ideas, comments and votes over the API.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::schema::{Comment, Idea, IdeaFull, Page, Problem, SimilarIdea, Vote};
use crate::domain::content::VoteValue;
use crate::domain::ids::{CommentId, IdeaId};
use crate::error::AppError;
use crate::http::identity::{MaybeUser, SignedIn};
use crate::http::lang::RequestLang;
use crate::http::state::AppState;
use crate::services::ideas::{self, IdeaInput, ListQuery};
use crate::services::{comments, votes};

/// A consultation's ideas, one page at a time (keyset pagination: every page costs the same).
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/ideas", tag = "ideas",
    params(("slug" = String, Path),
        ("sort" = Option<String>, Query, description = "new (default), top, trending, discussed or controversial"),
        ("section" = Option<String>, Query, description = "A section key, e.g. s2"),
        ("tag" = Option<String>, Query, description = "A tag slug"),
        ("status" = Option<String>, Query, description = "An official response status"),
        ("q" = Option<String>, Query, description = "Text the idea contains"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 20")),
    responses((status = 200, body = Page<Idea>), (status = 400, description = "Unknown sort, filter or cursor", body = Problem),
        (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let parsed = ideas::parse_list(&query)?;
    let page = ideas::list(&state, viewer.as_ref(), &path, parsed).await?;
    let items: Vec<Idea> = page.items.iter().map(Idea::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, page.next_cursor)))
}

/// A new idea: title 1–150 characters, Markdown body 1–10,000, optional section key.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    section: Option<String>,
}

/// Posts an idea (verified accounts, open consultations); the answer carries its receipt
/// number, also emailed to the author.
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/ideas", tag = "ideas", request_body = IdeaBody,
    params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = IdeaFull), (status = 401, body = Problem),
        (status = 403, description = "Not verified, or the consultation is not open", body = Problem),
        (status = 404, body = Problem), (status = 422, description = "Invalid fields", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    RequestLang(lang): RequestLang,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    body: web::Json<IdeaBody>,
) -> Result<HttpResponse, AppError> {
    let input = IdeaInput {
        title: &body.title,
        body: &body.body,
        section: body.section.as_deref(),
    };
    let detail = ideas::post(&state, &identity, &path, input, lang).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/ideas/{}", detail.summary.id)))
        .json(IdeaFull::from(&detail)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentsQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

/// One idea with counts, the caller's vote and the first page of comments as a tree.
#[utoipa::path(get, path = "/api/v1/ideas/{id}", tag = "ideas",
    params(("id" = i64, Path), ("cursor" = Option<String>, Query, description = "Comments page"),
        ("limit" = Option<i64>, Query, description = "Comments per page, 1 to 100, default 50")),
    responses((status = 200, body = IdeaFull), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn get(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<i64>,
    query: web::Query<CommentsQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let detail = match ideas::get(&state, viewer.as_ref(), IdeaId(id)).await {
        // A merged idea's API address moves like its page does.
        Err(AppError::MovedIdea(into)) => {
            return Ok(HttpResponse::MovedPermanently()
                .insert_header(("Location", format!("/api/v1/ideas/{into}")))
                .finish());
        }
        other => other?,
    };
    let page = comments::page(
        &state,
        viewer.as_ref(),
        IdeaId(id),
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    let mut body = IdeaFull::from(&detail);
    body.comments = Some(page.items.iter().map(Comment::from).collect());
    body.comments_next_cursor = Some(page.next_cursor);
    Ok(HttpResponse::Ok().json(body))
}

/// Changed fields of an idea; those left out stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaPatch {
    title: Option<String>,
    body: Option<String>,
    section: Option<String>,
}

/// The author corrects their idea within 30 minutes of posting; earlier text is kept.
#[utoipa::path(patch, path = "/api/v1/ideas/{id}", tag = "ideas", request_body = IdeaPatch,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = IdeaFull), (status = 403, description = "Not the author, or the window closed", body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    patch: web::Json<IdeaPatch>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let current = ideas::get(&state, Some(&identity), IdeaId(id)).await?;
    let title = patch.title.clone().unwrap_or(current.summary.title.clone());
    let body = patch.body.clone().unwrap_or(current.body.clone());
    let section = patch.section.clone().or(current.summary.section.clone());
    let input = IdeaInput {
        title: &title,
        body: &body,
        section: section.as_deref(),
    };
    let detail = ideas::edit(&state, &identity, IdeaId(id), input).await?;
    Ok(HttpResponse::Ok().json(IdeaFull::from(&detail)))
}

/// The author withdraws their idea: it stays readable, marked withdrawn, and takes no votes.
#[utoipa::path(post, path = "/api/v1/ideas/{id}/withdraw", tag = "ideas", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = IdeaFull), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Already withdrawn", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let detail = ideas::withdraw(&state, &identity, IdeaId(path.into_inner())).await?;
    Ok(HttpResponse::Ok().json(IdeaFull::from(&detail)))
}

/// An idea's comments: top-level comments in posting order, each with its replies.
#[utoipa::path(get, path = "/api/v1/ideas/{id}/comments", tag = "comments",
    params(("id" = i64, Path), ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query, description = "1 to 100, default 50")),
    responses((status = 200, body = Page<Comment>), (status = 400, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list_comments(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<i64>,
    query: web::Query<CommentsQuery>,
) -> Result<HttpResponse, AppError> {
    let page = comments::page(
        &state,
        viewer.as_ref(),
        IdeaId(path.into_inner()),
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    let items: Vec<Comment> = page.items.iter().map(Comment::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, page.next_cursor)))
}

/// A comment (Markdown, 1–5,000 characters), or a reply to a top-level comment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    #[serde(default)]
    body: String,
    parent_id: Option<i64>,
}

/// Comments on an idea, or replies to a comment (one level of replies).
#[utoipa::path(post, path = "/api/v1/ideas/{id}/comments", tag = "comments", request_body = CommentBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Comment), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_comment(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<CommentBody>,
) -> Result<HttpResponse, AppError> {
    let view = comments::post(
        &state,
        &identity,
        IdeaId(path.into_inner()),
        &body.body,
        body.parent_id.map(CommentId),
    )
    .await?;
    Ok(HttpResponse::Created().json(Comment::from(&view)))
}

/// A comment's corrected text.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentPatch {
    #[serde(default)]
    body: String,
}

/// The author corrects their comment within 30 minutes.
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "comments", request_body = CommentPatch,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Comment), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn update_comment(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<CommentPatch>,
) -> Result<HttpResponse, AppError> {
    let view = comments::edit(&state, &identity, CommentId(path.into_inner()), &body.body).await?;
    Ok(HttpResponse::Ok().json(Comment::from(&view)))
}

/// The author deletes their comment; a placeholder keeps the thread's shape.
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "comments", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn delete_comment(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    comments::delete(&state, &identity, CommentId(path.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `{"value": "support"}` or `{"value": "oppose"}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteBody {
    #[serde(default)]
    value: String,
}

/// Supports or opposes an idea (one vote per person; repeating it changes nothing). A vote on
/// an idea that was merged counts for the idea it was merged into; `idea_id` in the answer
/// names the idea that holds the vote.
#[utoipa::path(put, path = "/api/v1/ideas/{id}/vote", tag = "votes", request_body = VoteBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vote), (status = 401, body = Problem),
        (status = 403, description = "Own idea, withdrawn idea, not verified or not open", body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn vote(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<VoteBody>,
) -> Result<HttpResponse, AppError> {
    let value =
        VoteValue::parse(&body.value).ok_or(AppError::validation("value", "error-vote-invalid"))?;
    let outcome = votes::set(&state, &identity, IdeaId(path.into_inner()), value).await?;
    Ok(HttpResponse::Ok().json(Vote::from(&outcome)))
}

/// Withdraws the caller's vote (on a merged idea: from the idea it was merged into).
#[utoipa::path(delete, path = "/api/v1/ideas/{id}/vote", tag = "votes", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vote), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn unvote(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let outcome = votes::clear(&state, &identity, IdeaId(path.into_inner())).await?;
    Ok(HttpResponse::Ok().json(Vote::from(&outcome)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimilarQuery {
    #[serde(default)]
    text: String,
}

/// Up to five ideas of the consultation most like a draft (Japanese and English alike).
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/similar", tag = "ideas",
    params(("slug" = String, Path), ("text" = String, Query, description = "The draft's title and body")),
    responses((status = 200, body = Page<SimilarIdea>), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn similar(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
    query: web::Query<SimilarQuery>,
) -> Result<HttpResponse, AppError> {
    let found =
        crate::services::search::similar(&state, viewer.as_ref(), &path, &query.text).await?;
    let items: Vec<SimilarIdea> = found
        .iter()
        .map(|s| SimilarIdea {
            idea: Idea::from(&s.idea),
            score: s.score,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, None)))
}
