//! What every HTML page needs: language, the signed-in user, the CSRF token, the flash
//! message, and a renderer that sets the right headers and cookies.

use std::collections::BTreeMap;
use std::future::{Ready, ready};

use actix_web::cookie::Cookie;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::domain::identity::{Credential, Identity, SharedViewer};

use crate::http::cookies::{base_cookie, csrf_cookie_name};

use crate::auth::tokens::random_token;
use crate::domain::fields::FieldErrors;
use crate::domain::lang::Lang;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::http::cookies::FLASH_COOKIE;
use crate::http::error_bodies::RenderedByHandler;
use crate::http::identity::{SharedRender, Viewer};
use crate::http::state::AppState;
use crate::telemetry::RequestId;

/// The signed-in person as templates of their own pages see them.
#[derive(Serialize)]
struct TemplatePerson<'a> {
    display_name: &'a str,
    role: Role,
    verified: bool,
    is_admin: bool,
    is_staff: bool,
    /// Suspended or banned: may read, may not take part.
    suspended: bool,
    /// The end of a suspension (absent for a ban), and the reason given.
    suspended_until: Option<chrono::NaiveDateTime>,
    suspension_reason: Option<&'a str>,
}

/// A signed-in citizen as templates of shared pages see them: the fields of
/// `TemplatePerson` that a whole group has in common, and nothing else (no name). A template
/// that prints a person's details fails to render on a shared page.
#[derive(Serialize)]
struct TemplateSharedViewer {
    role: Role,
    verified: bool,
    is_admin: bool,
    is_staff: bool,
    suspended: bool,
}

impl TemplateSharedViewer {
    fn of(viewer: &SharedViewer) -> Self {
        let actor = viewer.actor();
        Self {
            role: actor.role,
            verified: actor.verified,
            is_admin: false,
            is_staff: false,
            suspended: actor.suspended,
        }
    }
}

fn insert_person(ctx: &mut tera::Context, identity: &Identity) {
    let user = &identity.user;
    ctx.insert(
        "user",
        &TemplatePerson {
            display_name: &user.display_name,
            role: user.role,
            verified: user.verified,
            is_admin: user.role == Role::Admin,
            is_staff: user.role.is_staff(),
            suspended: user.suspension.is_some(),
            suspended_until: user.suspension.as_ref().and_then(|(until, _)| *until),
            suspension_reason: user.suspension.as_ref().map(|(_, reason)| reason.as_str()),
        },
    );
}

/// Per-request page state.
pub struct PageContext {
    pub lang: Lang,
    /// Who reads the page: on a shared page, an audience without personal details.
    pub viewer: Viewer,
    pub csrf_token: String,
    new_csrf_cookie: bool,
    pub current_path: String,
    pub flash: Option<String>,
    /// The number a flash message names (`{ $count }`), when it names one.
    pub flash_count: Option<i64>,
    had_flash_cookie: bool,
    pub request_id: String,
}

impl PageContext {
    /// Builds the context from the request (used by the extractor and the error pages).
    pub fn from_request_parts(req: &HttpRequest, state: &AppState) -> Result<Self, AppError> {
        let viewer = Viewer::of(req);
        let lang = crate::http::lang::of_request(req);
        let shared = req.extensions().get::<SharedRender>().cloned();
        let (csrf_token, new_csrf_cookie) = match viewer.person().map(|i| &i.credential) {
            // A page shared by several readers: each gets their own token put in later.
            _ if let Some(shared) = shared => (shared.placeholder.to_string(), false),
            Some(Credential::Session { csrf_token, .. }) => (csrf_token.clone(), false),
            _ => match req.cookie(csrf_cookie_name(&state.settings)) {
                Some(c) if c.value().len() >= 32 => (c.value().to_owned(), false),
                _ => (random_token()?, true),
            },
        };
        let flash_cookie = req.cookie(FLASH_COOKIE);
        // `flash-key` or `flash-key:count`.
        let (flash, flash_count) = match flash_cookie.as_ref().map(|c| c.value()) {
            Some(value) => match value.split_once(':') {
                Some((key, n)) => (Some(key), n.parse::<i64>().ok()),
                None => (Some(value), None),
            },
            None => (None, None),
        };
        let flash = flash
            .filter(|k| k.starts_with("flash-") && k.len() < 64)
            .map(str::to_owned);
        let current_path = match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{q}", req.path()),
        };
        let request_id = req
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        Ok(Self {
            lang,
            viewer,
            csrf_token,
            new_csrf_cookie,
            current_path,
            flash,
            flash_count,
            had_flash_cookie: flash_cookie.is_some(),
            request_id,
        })
    }

    /// The variables the base layout uses.
    pub fn base_context(&self, state: &AppState) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("lang", self.lang.as_str());
        ctx.insert("other_lang", self.lang.other().as_str());
        ctx.insert("csrf_token", &self.csrf_token);
        ctx.insert("current_path", &self.current_path);
        ctx.insert("request_id", &self.request_id);
        ctx.insert("site_origin", &state.settings.origin());
        // Forms test these; Tera refuses to compare undefined values.
        ctx.insert("active_form", "");
        // Pages with several forms prefix their field ids with the form's name.
        ctx.insert("error_prefix", "");
        insert_errors(&mut ctx, &FieldErrors::new());
        if let Some(flash) = &self.flash {
            ctx.insert("flash", flash);
            ctx.insert("flash_count", &self.flash_count.unwrap_or(0));
        }
        match &self.viewer {
            Viewer::Anonymous => {}
            Viewer::Shared(shared) => ctx.insert("user", &TemplateSharedViewer::of(shared)),
            Viewer::Person(identity) => insert_person(&mut ctx, identity),
        }
        ctx
    }

    /// Renders a page with `status`. Pages are personal (CSRF token, user), so never cached.
    pub fn render(
        &self,
        state: &AppState,
        template: &str,
        ctx: tera::Context,
        status: StatusCode,
    ) -> Result<HttpResponse, AppError> {
        let mut full = self.base_context(state);
        full.extend(ctx);
        let body = state
            .templates
            .render(template, &full)
            .map_err(AppError::Internal)?;
        let mut response = HttpResponse::build(status);
        response
            .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((CACHE_CONTROL, "no-store"));
        self.attach_cookies(state, &mut response);
        let mut response = response.body(body);
        if status.is_client_error() || status.is_server_error() {
            response.extensions_mut().insert(RenderedByHandler);
        }
        Ok(response)
    }

    /// A 200 page.
    pub fn ok(
        &self,
        state: &AppState,
        template: &str,
        ctx: tera::Context,
    ) -> Result<HttpResponse, AppError> {
        self.render(state, template, ctx, StatusCode::OK)
    }

    /// Re-renders a form with the user's input and the field errors (422).
    pub fn form_errors(
        &self,
        state: &AppState,
        template: &str,
        mut ctx: tera::Context,
        errors: &FieldErrors,
    ) -> Result<HttpResponse, AppError> {
        insert_errors(&mut ctx, errors);
        self.render(state, template, ctx, StatusCode::UNPROCESSABLE_ENTITY)
    }

    fn attach_cookies(&self, state: &AppState, response: &mut actix_web::HttpResponseBuilder) {
        if self.new_csrf_cookie {
            response.cookie(base_cookie(
                &state.settings,
                csrf_cookie_name(&state.settings),
                self.csrf_token.clone(),
            ));
        }
        if self.had_flash_cookie {
            let mut gone = Cookie::new(FLASH_COOKIE, "");
            gone.set_path("/");
            gone.make_removal();
            response.cookie(gone);
        }
    }
}

impl FromRequest for PageContext {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.app_data::<web::Data<AppState>>() {
            Some(state) => PageContext::from_request_parts(req, state),
            None => Err(AppError::internal(anyhow::anyhow!(
                "application state missing"
            ))),
        };
        ready(result)
    }
}

/// Puts field errors into a template context: `errors` (field → message key, first per
/// field) and `error_list` (in form order, for the summary at the top of the form).
pub fn insert_errors(ctx: &mut tera::Context, errors: &FieldErrors) {
    let mut by_field: BTreeMap<&str, &str> = BTreeMap::new();
    let mut list = Vec::new();
    for e in errors.iter() {
        if !by_field.contains_key(e.field) {
            by_field.insert(e.field, e.code);
            list.push(BTreeMap::from([("field", e.field), ("code", e.code)]));
        }
    }
    ctx.insert("errors", &by_field);
    ctx.insert("error_list", &list);
}

/// 303 See Other to a local path.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish()
}

/// 303 with a message shown once on the next page.
pub fn see_other_with_flash(location: &str, flash_key: &'static str) -> HttpResponse {
    let mut cookie = Cookie::new(FLASH_COOKIE, flash_key);
    cookie.set_path("/");
    cookie.set_http_only(true);
    cookie.set_max_age(actix_web::cookie::time::Duration::minutes(5));
    let mut response = see_other(location);
    let _ = response.add_cookie(&cookie);
    response
}

/// 303 with a message that names a number (`{ $count }`), such as how many ideas were tagged.
pub fn see_other_with_flash_count(
    location: &str,
    flash_key: &'static str,
    count: i64,
) -> HttpResponse {
    let mut cookie = Cookie::new(FLASH_COOKIE, format!("{flash_key}:{count}"));
    cookie.set_path("/");
    cookie.set_http_only(true);
    cookie.set_max_age(actix_web::cookie::time::Duration::minutes(5));
    let mut response = see_other(location);
    let _ = response.add_cookie(&cookie);
    response
}

/// Only same-site paths are followed after login (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.contains("://") =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_parameter_stays_on_site() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
