//! Rendered pages for anonymous readers, shared between them.
//!
//! Most traffic is people without an account following a shared link to a list or an idea.
//! Their pages differ only by language and by the CSRF token in the page's forms, so the
//! page is rendered once with a placeholder for the token and served to every such reader
//! with their own token put in. A page is kept until the next write this process commits, and
//! never longer than a second: other instances' writes (PostgreSQL deployments) and
//! time-dependent text show up within that second. The public API's reading calls are shared
//! the same way (JSON has no token).
//!
//! When a page is missing, one request renders it and the others asking for the same page
//! wait for that render instead of all rendering it at once.

use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::cookie::Cookie;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut, Data};
use actix_web::{Error, HttpMessage, HttpResponse};

use crate::auth::identity::{base_cookie, csrf_cookie_name, session_cookie_name};
use crate::auth::tokens::random_token;
use crate::domain::lang::Lang;
use crate::state::AppState;
use crate::web::page::FLASH_COOKIE;

/// How long a page may be served after it was rendered.
pub const MAX_AGE: Duration = crate::db::CACHE_MAX_AGE;
/// Memory for cached pages (bodies), across all of them.
const CAPACITY_BYTES: u64 = 24 * 1024 * 1024;
/// Pages larger than this are not kept (they are rare, and would crowd out the rest).
const LARGEST_PAGE: usize = 512 * 1024;
/// The routes whose anonymous pages are shared: public reading pages only, none with a side
/// effect.
const SHARED_ROUTES: [&str; 12] = [
    "/",
    "/c/{slug}",
    "/c/{slug}/ideas",
    "/ideas/{id}",
    "/search",
    "/api/v1/consultations",
    "/api/v1/consultations/{slug}",
    "/api/v1/consultations/{slug}/ideas",
    "/api/v1/consultations/{slug}/similar",
    "/api/v1/search",
    "/api/v1/ideas/{id}",
    "/api/v1/ideas/{id}/comments",
];

/// Marks a request whose page is rendered with the placeholder instead of a CSRF token.
#[derive(Clone)]
pub struct SharedRender {
    pub placeholder: Arc<str>,
}

/// A page as of one write generation and one period: a key that is found is fresh.
#[derive(Clone, Hash, PartialEq, Eq)]
struct PageKey {
    path_and_query: String,
    lang: Lang,
    write_generation: u64,
    period: u64,
}

/// What the first request for a key found out.
enum Entry {
    Shared(CachedPage),
    /// This answer is not shared (a personal page, an error, a redirect, a file): every
    /// reader gets their own.
    Personal,
}

/// A rendered page cut at each placeholder.
struct CachedPage {
    status: StatusCode,
    headers: HeaderMap,
    pieces: Vec<Bytes>,
    size: usize,
}

#[derive(Clone)]
struct BodyWeight;

impl quick_cache::Weighter<PageKey, Arc<Entry>> for BodyWeight {
    fn weight(&self, key: &PageKey, entry: &Arc<Entry>) -> u64 {
        let body = match entry.as_ref() {
            Entry::Shared(page) => page.size,
            Entry::Personal => 0,
        };
        (body + key.path_and_query.len()).max(1) as u64
    }
}

/// The shared store of rendered anonymous pages.
#[derive(Clone)]
pub struct AnonymousPages {
    pages: Arc<quick_cache::sync::Cache<PageKey, Arc<Entry>, BodyWeight>>,
    placeholder: Arc<str>,
}

impl AnonymousPages {
    pub fn new() -> anyhow::Result<Self> {
        // Random per process, so no text a person writes can be mistaken for it.
        let placeholder: Arc<str> = format!("csrf-placeholder-{}", random_token()?).into();
        Ok(Self {
            pages: Arc::new(quick_cache::sync::Cache::with_weighter(
                512,
                CAPACITY_BYTES,
                BodyWeight,
            )),
            placeholder,
        })
    }
}

/// Whether a request may be served a shared page: a plain GET of a reading page by someone
/// not signed in and with no message waiting for them.
fn is_candidate(req: &ServiceRequest, state: &AppState) -> bool {
    if req.method() != Method::GET {
        return false;
    }
    let path = req.path();
    let api = path.strip_prefix("/api/v1").unwrap_or(path);
    let reading = path == "/"
        || api == "/search"
        || api.starts_with("/c/")
        || api.starts_with("/ideas/")
        || api.starts_with("/consultations");
    reading
        && !req.headers().contains_key(header::AUTHORIZATION)
        && req.cookie(session_cookie_name(&state.settings)).is_none()
        && req.cookie(FLASH_COOKIE).is_none()
}

/// The reader's own CSRF token, when their cookie holds a well-formed one (the value goes
/// into HTML unescaped, so anything else is replaced).
fn visitor_token(req: &actix_web::HttpRequest, state: &AppState) -> Option<String> {
    req.cookie(csrf_cookie_name(&state.settings))
        .map(|c| c.value().to_owned())
        .filter(|v| {
            (32..=128).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Middleware: serves shared pages to anonymous readers, and keeps the ones it renders.
pub async fn serve_shared_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !is_candidate(&req, &state) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let cache = state.anonymous_pages.clone();
    let key = PageKey {
        path_and_query: req
            .uri()
            .path_and_query()
            .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned()),
        lang: crate::i18n::request_lang(req.request(), None, state.settings.default_language),
        // Read before rendering: a write committed meanwhile makes this key stale at once.
        write_generation: state.db.write_generation(),
        period: crate::db::fresh_cache::current_period(),
    };
    let guard = match cache.pages.get_value_or_guard_async(&key).await {
        Ok(entry) => match entry.as_ref() {
            Entry::Shared(page) => {
                let response = assemble(page, req.request(), &state);
                return Ok(req.into_response(response));
            }
            Entry::Personal => return Ok(next.call(req).await?.map_into_boxed_body()),
        },
        Err(guard) => guard,
    };

    req.extensions_mut().insert(SharedRender {
        placeholder: cache.placeholder.clone(),
    });
    let response = next.call(req).await?.map_into_boxed_body();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let shareable = response.status() == StatusCode::OK
        && (content_type.starts_with("text/html") || content_type.starts_with("application/json"))
        && response
            .request()
            .match_pattern()
            .is_some_and(|p| SHARED_ROUTES.contains(&p.as_str()))
        && response.response().cookies().next().is_none();
    if !shareable && !content_type.starts_with("text/html") {
        // Files, feeds, redirects and API errors carry no form, hence no placeholder.
        let _ = guard.insert(Arc::new(Entry::Personal));
        return Ok(response);
    }
    let (request, response) = response.into_parts();
    let cookies: Vec<Cookie<'static>> = response.cookies().map(|c| c.into_owned()).collect();
    let status = response.status();
    let headers: HeaderMap = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != header::SET_COOKIE && *name != header::CONTENT_LENGTH)
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let bytes = to_bytes(response.into_body())
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
    let page = CachedPage {
        status,
        headers,
        size: bytes.len(),
        pieces: split_at_placeholder(&bytes, cache.placeholder.as_bytes()),
    };
    let mut personal = assemble(&page, &request, &state);
    for cookie in &cookies {
        let _ = personal.add_cookie(cookie);
    }
    let entry = if shareable && page.size <= LARGEST_PAGE {
        Entry::Shared(page)
    } else {
        Entry::Personal
    };
    let _ = guard.insert(Arc::new(entry));
    Ok(ServiceResponse::new(request, personal))
}

/// Cuts a body at every occurrence of the placeholder.
fn split_at_placeholder(body: &Bytes, placeholder: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let finder = memchr::memmem::Finder::new(placeholder);
    for at in finder.find_iter(body) {
        pieces.push(body.slice(start..at));
        start = at + placeholder.len();
    }
    pieces.push(body.slice(start..));
    pieces
}

/// The page for one reader: the pieces joined by their own CSRF token (and their CSRF cookie
/// when they had none). A page without forms (JSON) is served as it is.
fn assemble(page: &CachedPage, req: &actix_web::HttpRequest, state: &AppState) -> HttpResponse {
    let mut response = HttpResponse::build(page.status);
    for (name, value) in &page.headers {
        response.append_header((name.clone(), value.clone()));
    }
    if let [whole] = page.pieces.as_slice() {
        return response.body(whole.clone());
    }
    let (token, new_cookie) = match visitor_token(req, state) {
        Some(token) => (token, false),
        None => match random_token() {
            Ok(token) => (token, true),
            // No randomness is no reason to fail a reading page: its forms just fail CSRF.
            Err(_) => (String::new(), false),
        },
    };
    let mut body = BytesMut::with_capacity(page.size + token.len() * page.pieces.len());
    for (i, piece) in page.pieces.iter().enumerate() {
        if i > 0 {
            body.extend_from_slice(token.as_bytes());
        }
        body.extend_from_slice(piece);
    }
    if new_cookie {
        response.cookie(base_cookie(
            &state.settings,
            csrf_cookie_name(&state.settings),
            token,
        ));
    }
    response.body(body.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_cut_at_every_placeholder_and_joins_back() {
        let body = Bytes::from_static(b"<form>PH</form><form>PH</form>end");
        let pieces = split_at_placeholder(&body, b"PH");
        assert_eq!(pieces.len(), 3);
        let joined: Vec<u8> = pieces.join(&b"token"[..]);
        assert_eq!(joined, b"<form>token</form><form>token</form>end");
        assert_eq!(
            split_at_placeholder(&Bytes::from_static(b"plain"), b"PH").len(),
            1
        );
    }
}
