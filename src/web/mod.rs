//! The HTML face of IdeaBox: handlers per resource, page context, error pages.

pub mod account;
pub mod admin_consultations;
pub mod admin_users;
pub mod auth_pages;
pub mod campaigns;
pub mod charts;
pub mod consultation_header;
pub mod consultations;
pub mod drafting;
pub mod errors;
pub mod feeds;
pub mod health;
pub mod home;
pub mod idea_page;
pub mod ideas;
pub mod intake;
pub mod language;
pub mod moderation;
pub mod page;
pub mod people;
pub mod search;
pub mod share_links;
pub mod staff_forms;
pub mod static_files;
pub mod tags;

use actix_web::middleware::from_fn;
use actix_web::web;

/// The HTML site, with its own middleware: the session cookie, CSRF, error pages in the
/// reader's language.
pub fn scope() -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<actix_web::body::BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    web::scope("")
        .wrap(from_fn(crate::http::csrf::verify_csrf_pages))
        .wrap(from_fn(crate::http::identity::authenticate_pages))
        .wrap(from_fn(errors::error_pages))
        .configure(routes)
        .default_service(web::to(not_found))
}

async fn not_found() -> Result<actix_web::HttpResponse, crate::error::AppError> {
    Err(crate::error::AppError::NotFound)
}

/// Registers every page route. Reading pages that several readers may share say so here
/// (`crate::http::page_cache::share_with_*`).
fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/")
            .wrap(from_fn(crate::http::page_cache::share_with_citizens))
            .route(web::get().to(home::home)),
    )
    .service(
        web::resource("/search")
            .wrap(from_fn(crate::http::page_cache::share_with_citizens))
            .route(web::get().to(search::page)),
    )
    .service(web::resource("/healthz").route(web::get().to(health::healthz)))
    .service(web::resource("/assets/{path:.*}").route(web::get().to(static_files::asset)))
    .service(web::resource("/language").route(web::post().to(language::switch)))
    .service(
        web::resource("/register")
            .route(web::get().to(auth_pages::register_form))
            .route(web::post().to(auth_pages::register)),
    )
    .service(web::resource("/register/check-email").route(web::get().to(auth_pages::check_email)))
    .service(web::resource("/verify").route(web::get().to(auth_pages::verify)))
    .service(
        web::resource("/verify/resend")
            .route(web::get().to(auth_pages::resend_form))
            .route(web::post().to(auth_pages::resend)),
    )
    .service(
        web::resource("/login")
            .route(web::get().to(auth_pages::login_form))
            .route(web::post().to(auth_pages::login)),
    )
    .service(web::resource("/logout").route(web::post().to(auth_pages::logout)))
    .service(
        web::resource("/password/forgot")
            .route(web::get().to(auth_pages::forgot_form))
            .route(web::post().to(auth_pages::forgot)),
    )
    .service(web::resource("/password/forgot/sent").route(web::get().to(auth_pages::forgot_sent)))
    .service(
        web::resource("/password/reset")
            .route(web::get().to(auth_pages::reset_form))
            .route(web::post().to(auth_pages::reset)),
    )
    .service(web::resource("/email/confirm").route(web::get().to(auth_pages::confirm_email_change)))
    .service(web::resource("/account").route(web::get().to(account::show)))
    .service(web::resource("/account/name").route(web::post().to(account::change_name)))
    .service(web::resource("/account/password").route(web::post().to(account::change_password)))
    .service(web::resource("/account/email").route(web::post().to(account::change_email)))
    .service(
        web::resource("/account/verification").route(web::post().to(account::resend_verification)),
    )
    .service(
        web::resource("/account/sessions/end-all").route(web::post().to(account::end_all_sessions)),
    )
    .service(
        web::resource("/account/sessions/{id}/end").route(web::post().to(account::end_session)),
    )
    .service(web::resource("/account/tokens").route(web::post().to(account::create_token)))
    .service(
        web::resource("/account/tokens/{id}/revoke").route(web::post().to(account::revoke_token)),
    )
    .service(web::resource("/account/data").route(web::get().to(account::download_data)))
    .service(web::resource("/account/delete").route(web::post().to(account::delete_account)))
    .service(web::resource("/admin/users").route(web::get().to(admin_users::list)))
    .service(web::resource("/admin/users/{id}/role").route(web::post().to(admin_users::set_role)))
    // Consultations, ideas, votes and comments (HTML face of the same services as the API).
    .service(
        web::resource("/c/{slug}")
            .wrap(from_fn(crate::http::page_cache::share_with_citizens))
            .route(web::get().to(consultations::show)),
    )
    .service(
        web::resource("/c/{slug}/ideas")
            .wrap(from_fn(crate::http::page_cache::share_with_citizens))
            .route(web::get().to(ideas::list)),
    )
    .service(
        web::resource("/c/{slug}/ideas/new")
            .route(web::get().to(ideas::new_form))
            .route(web::post().to(ideas::create)),
    )
    .service(web::resource("/c/{slug}/feed.atom").route(web::get().to(feeds::consultation_feed)))
    .service(
        web::resource("/ideas/{id}")
            .wrap(from_fn(crate::http::page_cache::share_with_idea_readers))
            .route(web::get().to(idea_page::show)),
    )
    .service(web::resource("/ideas/{id}/vote").route(web::post().to(ideas::vote)))
    .service(
        web::resource("/ideas/{id}/edit")
            .route(web::get().to(ideas::edit_form))
            .route(web::post().to(ideas::edit)),
    )
    .service(
        web::resource("/ideas/{id}/withdraw")
            .route(web::get().to(ideas::withdraw_form))
            .route(web::post().to(ideas::withdraw)),
    )
    .service(web::resource("/admin/consultations").route(web::get().to(admin_consultations::list)))
    .service(
        web::resource("/admin/consultations/new")
            .route(web::get().to(admin_consultations::new_form))
            .route(web::post().to(admin_consultations::create)),
    )
    .service(
        web::resource("/admin/consultations/{slug}/edit")
            .route(web::get().to(admin_consultations::edit_form))
            .route(web::post().to(admin_consultations::edit)),
    )
    .service(
        web::resource("/admin/organisations")
            .route(web::get().to(admin_consultations::organisations))
            .route(web::post().to(admin_consultations::create_organisation)),
    );
    idea_page::routes(cfg);
    moderation::routes(cfg);
    tags::routes(cfg);
    people::routes(cfg);
    drafting::routes(cfg);
    intake::routes(cfg);
    campaigns::routes(cfg);
}
