//! The HTML face of IdeaBox: handlers per resource, page context, error pages.

pub mod account;
pub mod admin_consultations;
pub mod admin_users;
pub mod anonymous_pages;
pub mod auth_pages;
pub mod body_deadline;
pub mod charts;
pub mod comments;
pub mod consultations;
pub mod drafting;
pub mod errors;
pub mod feeds;
pub mod health;
pub mod home;
pub mod ideas;
pub mod language;
pub mod moderation;
pub mod page;
pub mod people;
pub mod search;
pub mod sharing;
pub mod static_files;
pub mod tags;

use actix_web::web;

/// Registers every page route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(home::home)))
        .service(web::resource("/search").route(web::get().to(search::page)))
        .service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/assets/{path:.*}").route(web::get().to(static_files::asset)))
        .service(web::resource("/language").route(web::post().to(language::switch)))
        .service(
            web::resource("/register")
                .route(web::get().to(auth_pages::register_form))
                .route(web::post().to(auth_pages::register)),
        )
        .service(
            web::resource("/register/check-email").route(web::get().to(auth_pages::check_email)),
        )
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
        .service(
            web::resource("/password/forgot/sent").route(web::get().to(auth_pages::forgot_sent)),
        )
        .service(
            web::resource("/password/reset")
                .route(web::get().to(auth_pages::reset_form))
                .route(web::post().to(auth_pages::reset)),
        )
        .service(
            web::resource("/email/confirm").route(web::get().to(auth_pages::confirm_email_change)),
        )
        .service(web::resource("/account").route(web::get().to(account::show)))
        .service(web::resource("/account/name").route(web::post().to(account::change_name)))
        .service(web::resource("/account/password").route(web::post().to(account::change_password)))
        .service(web::resource("/account/email").route(web::post().to(account::change_email)))
        .service(
            web::resource("/account/verification")
                .route(web::post().to(account::resend_verification)),
        )
        .service(
            web::resource("/account/sessions/end-all")
                .route(web::post().to(account::end_all_sessions)),
        )
        .service(
            web::resource("/account/sessions/{id}/end").route(web::post().to(account::end_session)),
        )
        .service(web::resource("/account/tokens").route(web::post().to(account::create_token)))
        .service(
            web::resource("/account/tokens/{id}/revoke")
                .route(web::post().to(account::revoke_token)),
        )
        .service(web::resource("/account/data").route(web::get().to(account::download_data)))
        .service(web::resource("/account/delete").route(web::post().to(account::delete_account)))
        .service(web::resource("/admin/users").route(web::get().to(admin_users::list)))
        .service(
            web::resource("/admin/users/{id}/role").route(web::post().to(admin_users::set_role)),
        )
        // Consultations, ideas, votes and comments (HTML face of the same services as the API).
        .service(web::resource("/c/{slug}").route(web::get().to(consultations::show)))
        .service(web::resource("/c/{slug}/ideas").route(web::get().to(ideas::list)))
        .service(
            web::resource("/c/{slug}/ideas/new")
                .route(web::get().to(ideas::new_form))
                .route(web::post().to(ideas::create)),
        )
        .service(
            web::resource("/c/{slug}/feed.atom").route(web::get().to(feeds::consultation_feed)),
        )
        .service(web::resource("/ideas/{id}").route(web::get().to(ideas::show)))
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
        .service(web::resource("/ideas/{id}/comments").route(web::post().to(comments::create)))
        .service(web::resource("/comments/{id}/edit").route(web::post().to(comments::edit)))
        .service(web::resource("/comments/{id}/delete").route(web::post().to(comments::delete)))
        .service(
            web::resource("/admin/consultations").route(web::get().to(admin_consultations::list)),
        )
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
    moderation::routes(cfg);
    tags::routes(cfg);
    people::routes(cfg);
    drafting::routes(cfg);
}
