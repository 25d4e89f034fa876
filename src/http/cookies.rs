//! The cookies IdeaBox sets: names (with the `__Host-` prefix under https) and the attributes
//! they all share.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};

use crate::config::Settings;

/// Short-lived cookie carrying a catalog key to show once after a redirect.
pub const FLASH_COOKIE: &str = "ideabox_flash";

pub fn session_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-ideabox_session"
    } else {
        "ideabox_session"
    }
}

pub fn csrf_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-ideabox_csrf"
    } else {
        "ideabox_csrf"
    }
}

pub fn device_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-ideabox_device"
    } else {
        "ideabox_device"
    }
}

/// The known-device cookie: set at every successful sign-in, kept as long as the server
/// remembers the browser.
pub fn device_cookie(settings: &Settings, token: String) -> Cookie<'static> {
    let mut cookie = base_cookie(settings, device_cookie_name(settings), token);
    cookie.set_max_age(CookieDuration::days(
        crate::services::credentials::KNOWN_DEVICE_DAYS,
    ));
    cookie
}

/// A cookie with the attributes every IdeaBox cookie shares.
pub fn base_cookie(settings: &Settings, name: &'static str, value: String) -> Cookie<'static> {
    let mut cookie = Cookie::new(name, value);
    cookie.set_path("/");
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(settings.secure_cookies());
    cookie
}

pub fn session_cookie(settings: &Settings, token: String) -> Cookie<'static> {
    let mut cookie = base_cookie(settings, session_cookie_name(settings), token);
    cookie.set_max_age(CookieDuration::hours(settings.session_max_hours));
    cookie
}

pub fn removal_cookie(settings: &Settings, name: &'static str) -> Cookie<'static> {
    let mut cookie = base_cookie(settings, name, String::new());
    cookie.make_removal();
    cookie
}
