//! Who is making a request: a session cookie (pages) or a bearer token (API). The
//! `authenticate` middleware resolves it once per request; extractors read the result.

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, ResponseError, web};

use crate::domain::identity::{Identity, SharedViewer};
use crate::domain::policy::Actor;
use crate::error::AppError;
use crate::http::cookies::{removal_cookie, session_cookie_name};
use crate::http::state::AppState;
use crate::services::{api_tokens, sessions};

/// What the middleware found, kept in the request extensions.
#[derive(Clone, Debug, Default)]
pub struct RequestAuth {
    pub identity: Option<Identity>,
    /// The browser sent a session cookie that no longer matches a live session.
    pub stale_cookie: bool,
}

fn bearer_token(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Middleware of the HTML site: resolves the session cookie.
pub async fn authenticate_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    authenticate(req, next, false).await
}

/// Middleware of the API: resolves a bearer token, or else the session cookie.
pub async fn authenticate_api(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    authenticate(req, next, true).await
}

async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    bearer: bool,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let mut auth = RequestAuth::default();

    if let Some(token) = bearer_token(&req).filter(|_| bearer) {
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

/// Set by the page cache while it renders an answer that several readers will share: the
/// placeholder where each reader's CSRF token goes, and the audience's viewer (`None` for
/// readers without an account). While it is set, the extractors that give a person's
/// identity refuse, so nothing of the one reader who happens to cause the render can reach
/// the others.
#[derive(Clone)]
pub struct SharedRender {
    pub placeholder: Arc<str>,
    pub viewer: Option<SharedViewer>,
}

/// The identity of the request, refused while a signed-in audience's shared answer renders.
fn personal_identity(req: &HttpRequest) -> Result<Option<Identity>, AppError> {
    let extensions = req.extensions();
    if extensions
        .get::<SharedRender>()
        .is_some_and(|shared| shared.viewer.is_some())
    {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a route shared by signed-in readers asked for the reader's identity; use Viewer"
        )));
    }
    Ok(extensions
        .get::<RequestAuth>()
        .and_then(|auth| auth.identity.clone()))
}

/// The identity if someone is signed in.
pub struct MaybeUser(pub Option<Identity>);

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(personal_identity(req).map(MaybeUser))
    }
}

/// Requires a signed-in user (401 otherwise; pages turn that into a login redirect).
pub struct SignedIn(pub Identity);

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            personal_identity(req)
                .and_then(|identity| identity.map(SignedIn).ok_or(AppError::Unauthorized)),
        )
    }
}

/// Who reads a page, as far as the page may know: nobody signed in, a citizen of a group
/// that shares the page (no personal details), or a person whose page is their own.
#[derive(Clone, Debug)]
pub enum Viewer {
    Anonymous,
    Shared(SharedViewer),
    Person(Identity),
}

impl Viewer {
    /// Who reads the request, for the handlers of shared routes.
    pub fn of(req: &HttpRequest) -> Viewer {
        let extensions = req.extensions();
        if let Some(shared) = extensions.get::<SharedRender>() {
            return shared.viewer.map_or(Viewer::Anonymous, Viewer::Shared);
        }
        match extensions
            .get::<RequestAuth>()
            .and_then(|a| a.identity.clone())
        {
            Some(identity) => Viewer::Person(identity),
            None => Viewer::Anonymous,
        }
    }

    /// What the reader may do and see.
    pub fn actor(&self) -> Option<Actor> {
        match self {
            Viewer::Anonymous => None,
            Viewer::Shared(shared) => Some(shared.actor()),
            Viewer::Person(identity) => Some(identity.user.actor()),
        }
    }

    /// The reader's identity, when the page is theirs alone.
    pub fn person(&self) -> Option<&Identity> {
        match self {
            Viewer::Person(identity) => Some(identity),
            _ => None,
        }
    }
}

impl FromRequest for Viewer {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Viewer::of(req)))
    }
}
