//! Who is making a request: a session cookie (pages) or a bearer token (API). The
//! `authenticate` middleware resolves it once per request; extractors read the result.

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, ResponseError, web};

use crate::config::Settings;
use crate::db::models::users::UserRow;
use crate::domain::ids::{ApiTokenId, SessionId, UserId};
use crate::domain::lang::Lang;
use crate::domain::policy::Actor;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::{api_tokens, sessions};
use crate::state::AppState;

/// The signed-in account, as loaded for this request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub verified: bool,
    pub language: Option<Lang>,
    /// Set while the account is suspended or banned: (until — `None` for a ban, reason).
    pub suspension: Option<(Option<chrono::NaiveDateTime>, String)>,
}

impl CurrentUser {
    pub fn from_row(row: &UserRow) -> Self {
        Self {
            id: row.id(),
            email: row.email.clone().unwrap_or_default(),
            display_name: row.display_name.clone().unwrap_or_default(),
            role: row.role(),
            verified: row.is_verified(),
            language: row.language(),
            suspension: row.is_suspended().then(|| {
                let until = if row.banned_at.is_some() {
                    None
                } else {
                    row.suspended_until
                };
                (until, row.suspension_reason.clone().unwrap_or_default())
            }),
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            role: self.role,
            verified: self.verified,
            suspended: self.suspension.is_some(),
        }
    }
}

/// How the request proved who it is.
#[derive(Clone, Debug)]
pub enum Credential {
    Session { id: SessionId, csrf_token: String },
    ApiToken { id: ApiTokenId },
}

/// A signed-in user and the credential used.
#[derive(Clone, Debug)]
pub struct Identity {
    pub user: CurrentUser,
    pub credential: Credential,
}

impl Identity {
    pub fn session_id(&self) -> Option<SessionId> {
        match self.credential {
            Credential::Session { id, .. } => Some(id),
            Credential::ApiToken { .. } => None,
        }
    }
}

/// What the middleware found, kept in the request extensions.
#[derive(Clone, Debug, Default)]
pub struct RequestAuth {
    pub identity: Option<Identity>,
    /// The browser sent a session cookie that no longer matches a live session.
    pub stale_cookie: bool,
}

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

fn bearer_token(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Middleware: resolves the session cookie or, under `/api/`, the bearer token.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let mut auth = RequestAuth::default();
    let is_api = req.path().starts_with("/api/");

    if let Some(token) = bearer_token(&req).filter(|_| is_api) {
        match api_tokens::authenticate(&state, &token).await {
            Ok(Some(identity)) => auth.identity = Some(identity),
            Ok(None) => {
                tracing::warn!("rejected an unknown or revoked API token");
                return Ok(req.into_response(AppError::Unauthorized.error_response()));
            }
            Err(err) => return Ok(req.into_response(err.error_response())),
        }
    } else if let Some(cookie) = req.cookie(session_cookie_name(&state.settings)) {
        match sessions::authenticate(&state, cookie.value()).await {
            Ok(Some(identity)) => auth.identity = Some(identity),
            Ok(None) => auth.stale_cookie = true,
            Err(err) => return Ok(req.into_response(err.error_response())),
        }
    }

    if let Some(identity) = &auth.identity {
        // Every later line of this request names the account (its id, never the email).
        tracing::Span::current().record("user", identity.user.id.0);
    }
    let stale = auth.stale_cookie;
    req.extensions_mut().insert(auth);
    let mut res = next.call(req).await?.map_into_boxed_body();
    let name = session_cookie_name(&state.settings);
    let sets_cookie = res.response().cookies().any(|c| c.name() == name);
    if stale && !sets_cookie {
        let _ = res
            .response_mut()
            .add_cookie(&removal_cookie(&state.settings, name));
    }
    Ok(res)
}

fn request_auth(req: &HttpRequest) -> RequestAuth {
    req.extensions()
        .get::<RequestAuth>()
        .cloned()
        .unwrap_or_default()
}

/// The identity if someone is signed in.
pub struct MaybeUser(pub Option<Identity>);

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(MaybeUser(request_auth(req).identity)))
    }
}

/// Requires a signed-in user (401 otherwise; pages turn that into a login redirect).
pub struct SignedIn(pub Identity);

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            request_auth(req)
                .identity
                .map(SignedIn)
                .ok_or(AppError::Unauthorized),
        )
    }
}
