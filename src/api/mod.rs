//! The JSON API (`/api/v1`): the same services as the pages, errors as problem+json.

pub mod me;
pub mod tokens;
pub mod users;

use actix_web::error::JsonPayloadError;
use actix_web::{HttpRequest, web};

use crate::error::AppError;

/// Largest JSON body accepted.
pub const JSON_BODY_LIMIT: usize = 256 * 1024;

/// Turns JSON extraction failures into clear 4xx problems.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_BODY_LIMIT)
        .error_handler(|err: JsonPayloadError, _req: &HttpRequest| {
            let app = match err {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
                JsonPayloadError::ContentType => AppError::BadRequest("error-415"),
                _ => AppError::BadRequest("error-json-invalid"),
            };
            app.into()
        })
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
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
            .service(web::resource("/me").route(web::get().to(me::me))),
    );
}
