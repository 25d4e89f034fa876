//! The JSON API (`/api/v1`): the same services as the pages, errors as problem+json.

pub mod consultations;
pub mod doc;
pub mod drafting;
pub mod ideas;
pub mod json;
pub mod me;
pub mod moderation;
pub mod problems;
pub mod schema;
pub mod search;
pub mod submissions;
pub mod tokens;
pub mod users;

use actix_web::error::JsonPayloadError;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, web};

use crate::error::AppError;
use crate::http::page_cache::share_with_anonymous;

/// Largest JSON body accepted.
pub const JSON_BODY_LIMIT: usize = 256 * 1024;

/// Turns JSON extraction failures into clear 4xx problems.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_BODY_LIMIT)
        .error_handler(|err: JsonPayloadError, _req: &HttpRequest| {
            let app = match err {
                JsonPayloadError::Payload(ref e) if crate::http::body_deadline::is_timeout(e) => {
                    AppError::RequestTimeout
                }
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
                JsonPayloadError::ContentType => AppError::UnsupportedMediaType,
                _ => AppError::BadRequest("error-json-invalid"),
            };
            app.into()
        })
}

/// The API under `/api`, with its own middleware: bearer tokens (or the session cookie),
/// CSRF for cookie calls, errors as problem documents.
pub fn scope() -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<actix_web::body::BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    web::scope("/api")
        .wrap(from_fn(crate::http::csrf::verify_csrf_api))
        .wrap(from_fn(crate::http::identity::authenticate_api))
        .wrap(from_fn(problems::problem_errors))
        .configure(routes)
        .default_service(web::to(not_found))
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(submissions::routes(drafting::routes(moderation::routes(
        web::scope("/v1")
            .app_data(json_config())
            .service(web::resource("/users").route(web::post().to(users::register)))
            .service(
                web::resource("/tokens")
                    .route(web::post().to(tokens::create))
                    .route(web::get().to(tokens::list)),
            )
            .service(
                web::resource("/tokens/current").route(web::delete().to(tokens::revoke_current)),
            )
            .service(web::resource("/tokens/{id}").route(web::delete().to(tokens::revoke)))
            .service(web::resource("/me").route(web::get().to(me::me)))
            .service(web::resource("/openapi.json").route(web::get().to(doc::openapi_json)))
            .service(
                web::resource("/organisations")
                    .route(web::get().to(consultations::list_organisations))
                    .route(web::post().to(consultations::create_organisation)),
            )
            .service(
                web::resource("/consultations")
                    .wrap(from_fn(share_with_anonymous))
                    .route(web::get().to(consultations::list))
                    .route(web::post().to(consultations::create)),
            )
            .service(
                web::resource("/consultations/{slug}")
                    .wrap(from_fn(share_with_anonymous))
                    .route(web::get().to(consultations::get))
                    .route(web::patch().to(consultations::update)),
            )
            .service(
                web::resource("/consultations/{slug}/ideas")
                    .wrap(from_fn(share_with_anonymous))
                    .route(web::get().to(ideas::list))
                    .route(web::post().to(ideas::create)),
            )
            .service(
                web::resource("/consultations/{slug}/similar")
                    .wrap(from_fn(share_with_anonymous))
                    .route(web::get().to(ideas::similar)),
            )
            .service(
                web::resource("/search")
                    .wrap(from_fn(share_with_anonymous))
                    .route(web::get().to(search::search)),
            )
            .service(
                web::resource("/ideas/{id}")
                    .wrap(from_fn(share_with_anonymous))
                    .route(web::get().to(ideas::get))
                    .route(web::patch().to(ideas::update)),
            )
            .service(web::resource("/ideas/{id}/withdraw").route(web::post().to(ideas::withdraw)))
            .service(
                web::resource("/ideas/{id}/comments")
                    .wrap(from_fn(share_with_anonymous))
                    .route(web::get().to(ideas::list_comments))
                    .route(web::post().to(ideas::create_comment)),
            )
            .service(
                web::resource("/ideas/{id}/vote")
                    .route(web::put().to(ideas::vote))
                    .route(web::delete().to(ideas::unvote)),
            )
            .service(
                web::resource("/comments/{id}")
                    .route(web::patch().to(ideas::update_comment))
                    .route(web::delete().to(ideas::delete_comment)),
            ),
    ))));
}
