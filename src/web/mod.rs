//! The HTML face of IdeaBox: handlers per resource, page context, error pages.

pub mod account;
pub mod admin_users;
pub mod auth_pages;
pub mod errors;
pub mod health;
pub mod home;
pub mod language;
pub mod page;
pub mod static_files;

use actix_web::web;

/// Registers every page route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home))
        .route("/healthz", web::get().to(health::healthz))
        .route("/assets/{path:.*}", web::get().to(static_files::asset))
        .route("/language", web::post().to(language::switch))
        .service(
            web::resource("/register")
                .route(web::get().to(auth_pages::register_form))
                .route(web::post().to(auth_pages::register)),
        )
        .route("/register/check-email", web::get().to(auth_pages::check_email))
        .route("/verify", web::get().to(auth_pages::verify))
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
        .route("/logout", web::post().to(auth_pages::logout))
        .service(
            web::resource("/password/forgot")
                .route(web::get().to(auth_pages::forgot_form))
                .route(web::post().to(auth_pages::forgot)),
        )
        .route("/password/forgot/sent", web::get().to(auth_pages::forgot_sent))
        .service(
            web::resource("/password/reset")
                .route(web::get().to(auth_pages::reset_form))
                .route(web::post().to(auth_pages::reset)),
        )
        .route("/email/confirm", web::get().to(auth_pages::confirm_email_change))
        .route("/account", web::get().to(account::show))
        .route("/account/name", web::post().to(account::change_name))
        .route("/account/password", web::post().to(account::change_password))
        .route("/account/email", web::post().to(account::change_email))
        .route("/account/verification", web::post().to(account::resend_verification))
        .route("/account/sessions/end-all", web::post().to(account::end_all_sessions))
        .route("/account/sessions/{id}/end", web::post().to(account::end_session))
        .route("/account/tokens", web::post().to(account::create_token))
        .route("/account/tokens/{id}/revoke", web::post().to(account::revoke_token))
        .route("/account/data", web::get().to(account::download_data))
        .route("/account/delete", web::post().to(account::delete_account))
        .route("/admin/users", web::get().to(admin_users::list))
        .route("/admin/users/{id}/role", web::post().to(admin_users::set_role));
}
