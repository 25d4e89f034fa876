//! Ideas, comments and votes over the API.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::api::json;
use crate::auth::identity::{MaybeUser, SignedIn};
use crate::domain::content::VoteValue;
use crate::error::AppError;
use crate::services::ideas::{self, IdeaInput, ListQuery};
use crate::services::{comments, votes};
use crate::state::AppState;
use crate::web::page::PageContext;

#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let parsed = ideas::parse_list(&query)?;
    let page = ideas::list(&state, viewer.as_ref(), &path, parsed).await?;
    let items: Vec<_> = page.items.iter().map(json::idea_summary).collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "next_cursor": page.next_cursor })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdeaBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    section: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    body: web::Json<IdeaBody>,
) -> Result<HttpResponse, AppError> {
    let input = IdeaInput {
        title: &body.title,
        body: &body.body,
        section: body.section.as_deref(),
    };
    let detail = ideas::post(&state, &identity, &path, input, page.lang).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/ideas/{}", detail.summary.id)))
        .json(json::idea_detail(&detail)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentsQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn get(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<i64>,
    query: web::Query<CommentsQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let detail = ideas::get(&state, viewer.as_ref(), id).await?;
    let page = comments::page(
        &state,
        viewer.as_ref(),
        id,
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    let mut body = json::idea_detail(&detail);
    body["comments"] = json!(page.items.iter().map(json::comment).collect::<Vec<_>>());
    body["comments_next_cursor"] = json!(page.next_cursor);
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdeaPatch {
    title: Option<String>,
    body: Option<String>,
    section: Option<String>,
}

/// Fields left out keep their current value.
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    patch: web::Json<IdeaPatch>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let current = ideas::get(&state, Some(&identity), id).await?;
    let title = patch.title.clone().unwrap_or(current.summary.title.clone());
    let body = patch.body.clone().unwrap_or(current.body.clone());
    let section = patch.section.clone().or(current.summary.section.clone());
    let input = IdeaInput {
        title: &title,
        body: &body,
        section: section.as_deref(),
    };
    let detail = ideas::edit(&state, &identity, id, input).await?;
    Ok(HttpResponse::Ok().json(json::idea_detail(&detail)))
}

#[tracing::instrument(skip_all)]
pub async fn withdraw(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let detail = ideas::withdraw(&state, &identity, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json::idea_detail(&detail)))
}

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
        path.into_inner(),
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    let items: Vec<_> = page.items.iter().map(json::comment).collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "next_cursor": page.next_cursor })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    #[serde(default)]
    body: String,
    parent_id: Option<i64>,
}

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
        path.into_inner(),
        &body.body,
        body.parent_id,
    )
    .await?;
    Ok(HttpResponse::Created().json(json::comment(&view)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentPatch {
    #[serde(default)]
    body: String,
}

#[tracing::instrument(skip_all)]
pub async fn update_comment(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<CommentPatch>,
) -> Result<HttpResponse, AppError> {
    let view = comments::edit(&state, &identity, path.into_inner(), &body.body).await?;
    Ok(HttpResponse::Ok().json(json::comment(&view)))
}

#[tracing::instrument(skip_all)]
pub async fn delete_comment(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    comments::delete(&state, &identity, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteBody {
    #[serde(default)]
    value: String,
}

#[tracing::instrument(skip_all)]
pub async fn vote(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<VoteBody>,
) -> Result<HttpResponse, AppError> {
    let value =
        VoteValue::parse(&body.value).ok_or(AppError::validation("value", "error-vote-invalid"))?;
    let outcome = votes::set(&state, &identity, path.into_inner(), value).await?;
    Ok(HttpResponse::Ok().json(outcome))
}

#[tracing::instrument(skip_all)]
pub async fn unvote(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let outcome = votes::clear(&state, &identity, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(outcome))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimilarQuery {
    #[serde(default)]
    text: String,
}

/// `GET /api/v1/consultations/{slug}/similar?text=…`: up to five ideas like the draft.
#[tracing::instrument(skip_all)]
pub async fn similar(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
    query: web::Query<SimilarQuery>,
) -> Result<HttpResponse, AppError> {
    let found =
        crate::services::search::similar(&state, viewer.as_ref(), &path, &query.text).await?;
    let items: Vec<_> = found
        .iter()
        .map(|s| {
            let mut v = json::idea_summary(&s.idea);
            v["score"] = json!(s.score);
            v
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "next_cursor": null })))
}
