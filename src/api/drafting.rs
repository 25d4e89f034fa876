//! The drafting committee over the API: official responses, the disposition table, the
//! report, exports and open data.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::schema::{Problem, Response};
use crate::domain::ids::{IdeaId, ResponseId};
use crate::error::AppError;
use crate::http::identity::{MaybeUser, SignedIn};
use crate::http::lang::RequestLang;
use crate::http::state::AppState;
use crate::services::export::{self, ExportQuery};
use crate::services::responses::{self, Group, ResponseInput, RowInput};
use crate::services::summary_report;

/// An answer: `status` is received, under_review, adopted, partly_adopted, not_adopted,
/// already_in_plan or out_of_scope; `section` names the plan section it changed;
/// `publish: true` publishes at once (authors and supporters are emailed).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseBody {
    #[serde(default)]
    status: String,
    #[serde(default)]
    body: String,
    section: Option<String>,
    #[serde(default)]
    publish: bool,
}

impl From<ResponseBody> for ResponseInput {
    fn from(b: ResponseBody) -> Self {
        ResponseInput {
            status: b.status,
            body: b.body,
            section: b.section,
            publish: b.publish,
        }
    }
}

/// Answers one idea (drafters and admins).
#[utoipa::path(put, path = "/api/v1/ideas/{id}/response", tag = "drafting", request_body = ResponseBody,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Response), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn respond_to_idea(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<ResponseBody>,
) -> Result<HttpResponse, AppError> {
    let view = responses::respond_to_idea(
        &state,
        &identity,
        IdeaId(path.into_inner()),
        body.into_inner().into(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(Response::from(&view)))
}

/// A group answer: exactly one of `tag`, `section` or `ideas` says which ideas it answers.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupResponseBody {
    tag: Option<String>,
    /// The group: every visible idea pointing at this section.
    group_section: Option<String>,
    ideas: Option<Vec<i64>>,
    /// The group: every visible submission of this campaign.
    campaign: Option<i64>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    body: String,
    /// The plan section the answer changed.
    section: Option<String>,
    #[serde(default)]
    publish: bool,
}

/// Answers a group of ideas at once; the answer shows on each of them.
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/responses", tag = "drafting", request_body = GroupResponseBody,
    params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = Response), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn respond_to_group(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    body: web::Json<GroupResponseBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let group = match (body.tag, body.group_section, body.ideas, body.campaign) {
        (Some(tag), None, None, None) => Group::Tag(tag),
        (None, Some(section), None, None) => Group::Section(section),
        (None, None, Some(ids), None) => Group::Selection(ids),
        (None, None, None, Some(campaign)) => Group::Campaign(campaign),
        _ => return Err(AppError::validation("group", "error-group-invalid")),
    };
    let input = ResponseInput {
        status: body.status,
        body: body.body,
        section: body.section,
        publish: body.publish,
    };
    let view = responses::respond(&state, &identity, &path, group, input).await?;
    Ok(HttpResponse::Created().json(Response::from(&view)))
}

#[derive(Serialize, ToSchema)]
pub struct Published {
    pub published: usize,
}

/// Publishes every draft answer of a consultation.
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/responses/publish", tag = "drafting",
    params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Published), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn publish_all(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let published = responses::publish_all(&state, &identity, &path).await?;
    Ok(HttpResponse::Ok().json(Published { published }))
}

/// Publishes one answer.
#[utoipa::path(post, path = "/api/v1/responses/{id}/publish", tag = "drafting", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Published), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn publish_one(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    responses::publish_one(&state, &identity, ResponseId(path.into_inner())).await?;
    Ok(HttpResponse::Ok().json(Published { published: 1 }))
}

#[derive(Serialize, ToSchema)]
pub struct DraftResponse {
    #[serde(flatten)]
    pub response: Response,
    pub idea_ids: Vec<i64>,
}

/// Answers written but not yet published.
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/responses/drafts", tag = "drafting",
    params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = crate::api::schema::Page<DraftResponse>), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn drafts(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let items: Vec<DraftResponse> = responses::drafts(&state, &identity, &path)
        .await?
        .into_iter()
        .map(|(view, idea_ids)| DraftResponse {
            response: Response::from(&view),
            idea_ids,
        })
        .collect();
    Ok(HttpResponse::Ok().json(crate::api::schema::Page::new(items, None)))
}

/// The disposition table: rows with their summary, the government's view and the ideas
/// they answer. Drafters see it always (with ideas no row covers yet); others once published.
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/disposition", tag = "drafting", params(("slug" = String, Path)),
    responses((status = 200, description = "The table"), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn get_disposition(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let table = responses::disposition(&state, viewer.map(|v| v.user.actor()), &path).await?;
    Ok(HttpResponse::Ok().json(table))
}

/// The whole table at once; `published` publishes it (or withdraws it with false).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispositionBody {
    rows: Vec<RowInput>,
    published: Option<bool>,
}

/// Saves the disposition table (drafters and admins).
#[utoipa::path(put, path = "/api/v1/consultations/{slug}/disposition", tag = "drafting", request_body = DispositionBody,
    params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The saved table"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn put_disposition(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    body: web::Json<DispositionBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let table =
        responses::save_disposition(&state, &identity, &path, body.rows, body.published).await?;
    Ok(HttpResponse::Ok().json(table))
}

/// The report's figures: drafters while the consultation runs, everyone after it closes.
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/report", tag = "drafting", params(("slug" = String, Path)),
    responses((status = 200, description = "Totals (participants, ideas, comments, supports, opposes), daily activity, breakdowns, rankings, the disposition table"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn get_report(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let report = summary_report::report(&state, viewer.map(|v| v.user.actor()), &path).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(report))
}

fn download(
    plan: &export::Plan,
    rx: tokio::sync::mpsc::Receiver<Result<actix_web::web::Bytes, std::io::Error>>,
) -> HttpResponse {
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, plan.format.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", plan.filename()),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(body)
}

/// Everything people said, for drafters and admins: CSV (UTF-8 with BOM), XLSX or JSON.
/// Authors are pseudonyms valid within this file only; times are days; nothing personal.
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/export", tag = "drafting",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "csv (default), xlsx or json"),
        ("section" = Option<String>, Query), ("tag" = Option<String>, Query),
        ("status" = Option<String>, Query, description = "A response status, or none"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"), ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD"),
        ("include_hidden" = Option<bool>, Query)),
    security(("bearer" = [])),
    responses((status = 200, description = "The file"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn export_file(
    state: web::Data<AppState>,
    RequestLang(lang): RequestLang,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let plan = export::plan(
        &state,
        Some(&identity),
        &path,
        query.into_inner(),
        lang,
        false,
    )
    .await?;
    tracing::info!(format = plan.format.extension(), "export started");
    let rx = export::stream(state.db.clone(), plan.clone());
    Ok(download(&plan, rx))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDataQuery {
    format: Option<String>,
}

/// The anonymised public dataset of a closed consultation (CSV or JSON).
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/open-data", tag = "drafting",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "csv (default) or json")),
    responses((status = 200, description = "The file"), (status = 400, body = Problem), (status = 403, description = "Not closed yet", body = Problem),
        (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn open_data(
    state: web::Data<AppState>,
    RequestLang(lang): RequestLang,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
    query: web::Query<OpenDataQuery>,
) -> Result<HttpResponse, AppError> {
    let query = ExportQuery {
        format: query.into_inner().format,
        ..Default::default()
    };
    let plan = export::plan(&state, viewer.as_ref(), &path, query, lang, true).await?;
    let rx = export::stream(state.db.clone(), plan.clone());
    Ok(download(&plan, rx))
}

pub fn routes(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .service(web::resource("/ideas/{id}/response").route(web::put().to(respond_to_idea)))
        .service(
            web::resource("/consultations/{slug}/responses")
                .route(web::post().to(respond_to_group)),
        )
        .service(
            web::resource("/consultations/{slug}/responses/publish")
                .route(web::post().to(publish_all)),
        )
        .service(
            web::resource("/consultations/{slug}/responses/drafts").route(web::get().to(drafts)),
        )
        .service(web::resource("/responses/{id}/publish").route(web::post().to(publish_one)))
        .service(
            web::resource("/consultations/{slug}/disposition")
                .route(web::get().to(get_disposition))
                .route(web::put().to(put_disposition)),
        )
        .service(web::resource("/consultations/{slug}/report").route(web::get().to(get_report)))
        .service(web::resource("/consultations/{slug}/export").route(web::get().to(export_file)))
        .service(web::resource("/consultations/{slug}/open-data").route(web::get().to(open_data)))
}
