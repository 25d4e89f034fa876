//! Organisations and consultations over the API.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::api::json;
use crate::auth::identity::{MaybeUser, SignedIn};
use crate::error::AppError;
use crate::services::consultations::{self, ConsultationInput, OrganisationInput};
use crate::state::AppState;

#[tracing::instrument(skip_all)]
pub async fn list_organisations(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let items: Vec<_> = consultations::organisations(&state)
        .await?
        .iter()
        .map(json::organisation)
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "next_cursor": null })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationBody {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name_ja: String,
    #[serde(default)]
    name_en: String,
}

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
    Ok(HttpResponse::Created().json(json::organisation(&org)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    organisation: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let organisation = query.organisation.clone().filter(|o| !o.is_empty());
    let cards = consultations::list(&state, viewer.map(|v| v.user.actor()), organisation).await?;
    let items: Vec<_> = cards.iter().map(json::consultation_card).collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "next_cursor": null })))
}

/// Create and update bodies share their fields; on create the required ones are checked.
#[derive(Deserialize)]
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
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    body: web::Json<ConsultationBody>,
) -> Result<HttpResponse, AppError> {
    let actor = identity.user.actor();
    let slug = consultations::create(&state, &actor, body.into_inner().into()).await?;
    let view = consultations::get(&state, Some(actor), &slug).await?;
    Ok(HttpResponse::Created().json(json::consultation(&view)))
}

#[tracing::instrument(skip_all)]
pub async fn get(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let view = consultations::get(&state, viewer.map(|v| v.user.actor()), &path).await?;
    Ok(HttpResponse::Ok().json(json::consultation(&view)))
}

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
    Ok(HttpResponse::Ok().json(json::consultation(&view)))
}
