//! What staff forms share: where a form sends the moderator back, and a page for a refused
//! form that cannot be shown again in place.

use crate::domain::fields::FieldErrors;
use crate::error::AppError;
use crate::http::state::AppState;
use crate::web::page::{PageContext, safe_next};
use actix_web::HttpResponse;

/// Where a form sends the moderator back: the page it came from (the queue with its filters,
/// an idea page, a tag or account page), and never anywhere else.
pub fn back_to(raw: &str, fallback: &str) -> String {
    const PAGES: [&str; 4] = ["/moderation", "/ideas/", "/c/", "/admin/users"];
    let path = safe_next(Some(raw.trim()));
    let plain = path.chars().all(|c| c.is_ascii_graphic()) && path.len() <= 1_000;
    if plain && PAGES.iter().any(|p| path.starts_with(p)) {
        path
    } else {
        fallback.to_owned()
    }
}

/// A form's name, used to reopen it with its errors; only a plain token is accepted.
pub fn form_name(raw: &str) -> String {
    let raw = raw.trim();
    if !raw.is_empty()
        && raw.len() <= 60
        && raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        raw.to_owned()
    } else {
        String::new()
    }
}

/// A refused form that cannot be shown again in place: an error page naming the first
/// problem, with status 422.
pub fn field_error_page(
    state: &AppState,
    page: &PageContext,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let message = errors.iter().next().map_or("error-422", |e| e.code);
    let mut ctx = tera::Context::new();
    ctx.insert("status", &422);
    ctx.insert("message", message);
    ctx.insert("title_key", "error-title-request");
    page.render(
        state,
        "error.html",
        ctx,
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_send_people_back_only_to_known_pages() {
        assert_eq!(
            back_to("/moderation?reason=spam&page=2", "/x"),
            "/moderation?reason=spam&page=2"
        );
        assert_eq!(back_to("/ideas/3#comment-4", "/x"), "/ideas/3#comment-4");
        assert_eq!(back_to("https://evil.example/", "/x"), "/x");
        assert_eq!(back_to("//evil.example", "/x"), "/x");
        assert_eq!(back_to("/account", "/x"), "/x");
        assert_eq!(back_to("/ideas/1\r\nSet-Cookie: a=b", "/x"), "/x");
    }

    #[test]
    fn form_names_are_plain_tokens() {
        assert_eq!(form_name("reported-idea-3"), "reported-idea-3");
        assert_eq!(form_name("x\"><script>"), "");
        assert_eq!(form_name(""), "");
    }
}
