//! Organisations and consultations over the API.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::schema::{Consultation, ConsultationItem, Organisation, Page, Problem};
use crate::error::AppError;
use crate::http::identity::{MaybeUser, SignedIn};
use crate::http::state::AppState;
use crate::services::consultations::{self, ConsultationInput, OrganisationInput};

/// Every organisation (ministry or agency).
#[utoipa::path(get, path = "/api/v1/organisations", tag = "consultations",
    responses((status = 200, body = Page<Organisation>)))]
#[tracing::instrument(skip_all)]
pub async fn list_organisations(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let items: Vec<Organisation> = consultations::organisations(&state)
        .await?
        .iter()
        .map(Organisation::from)
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, None)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationBody {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name_ja: String,
    #[serde(default)]
    name_en: String,
}

/// Creates an organisation (admins).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "consultations", request_body = OrganisationBody,
    security(("bearer" = [])),
    responses((status = 201, body = Organisation), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, description = "Invalid fields", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_organisation(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    body: web::Json<OrganisationBody>,
) -> Result<HttpResponse, AppError> {
    let org = consultations::create_organisation(
        &state,
        &identity.user.actor(),
        OrganisationInput {
            slug: &body.slug,
            name_ja: &body.name_ja,
            name_en: &body.name_en,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(Organisation::from(&org)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    organisation: Option<String>,
}

/// Consultations the caller may see: open first, then upcoming, then closed.
#[utoipa::path(get, path = "/api/v1/consultations", tag = "consultations",
    params(("organisation" = Option<String>, Query, description = "Only this organisation's (slug)")),
    responses((status = 200, body = Page<ConsultationItem>), (status = 400, description = "Unknown organisation", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let organisation = query.organisation.clone().filter(|o| !o.is_empty());
    let cards = consultations::list(&state, viewer.map(|v| v.user.actor()), organisation).await?;
    let items: Vec<ConsultationItem> = cards.iter().map(ConsultationItem::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, None)))
}

/// Create and update bodies share their fields; on create `slug`, `organisation`, `title`,
/// `body`, `opens_at` and `closes_at` are required, and `status` defaults to `draft`. Times
/// are RFC 3339, or `YYYY-MM-DDTHH:MM` in the site's time zone.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationBody {
    slug: Option<String>,
    organisation: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    body: Option<String>,
    opens_at: Option<String>,
    closes_at: Option<String>,
    status: Option<String>,
    /// Hold new ideas and comments for a moderator's approval.
    premoderation: Option<bool>,
}

impl From<ConsultationBody> for ConsultationInput {
    fn from(b: ConsultationBody) -> Self {
        ConsultationInput {
            slug: b.slug,
            organisation: b.organisation,
            title: b.title,
            summary: b.summary,
            body: b.body,
            opens_at: b.opens_at,
            closes_at: b.closes_at,
            status: b.status,
            premoderation: b.premoderation,
        }
    }
}

/// Creates a consultation (admins); its plan's headings become its sections.
#[utoipa::path(post, path = "/api/v1/consultations", tag = "consultations", request_body = ConsultationBody,
    security(("bearer" = [])),
    responses((status = 201, body = Consultation), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, description = "Invalid fields", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    body: web::Json<ConsultationBody>,
) -> Result<HttpResponse, AppError> {
    let actor = identity.user.actor();
    let slug = consultations::create(&state, &actor, body.into_inner().into()).await?;
    let view = consultations::get(&state, Some(actor), &slug).await?;
    Ok(HttpResponse::Created().json(Consultation::from(&view)))
}

/// One consultation with its plan and sections (drafts: staff only, 404 for others).
#[utoipa::path(get, path = "/api/v1/consultations/{slug}", tag = "consultations",
    params(("slug" = String, Path)),
    responses((status = 200, body = Consultation), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn get(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let view = consultations::get(&state, viewer.map(|v| v.user.actor()), &path).await?;
    Ok(HttpResponse::Ok().json(Consultation::from(&view)))
}

/// Changes a consultation (admins), including `status` to open or close it early.
#[utoipa::path(patch, path = "/api/v1/consultations/{slug}", tag = "consultations", request_body = ConsultationBody,
    params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Consultation), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "Invalid fields", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    body: web::Json<ConsultationBody>,
) -> Result<HttpResponse, AppError> {
    let actor = identity.user.actor();
    consultations::update(&state, &actor, &path, body.into_inner().into()).await?;
    let view = consultations::get(&state, Some(actor), &path).await?;
    Ok(HttpResponse::Ok().json(Consultation::from(&view)))
}
