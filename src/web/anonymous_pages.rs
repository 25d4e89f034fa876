//! Rendered reading pages, shared between the readers who would see the same page.
//!
//! Most traffic is people without an account following a shared link to a list or an idea.
//! Their pages differ only by language and by the CSRF token in the page's forms, so the
//! page is rendered once with a placeholder for the token and served to every such reader
//! with their own token put in. Signed-in citizens in good standing share the same way the
//! pages that show nothing of their own (lists, the consultation, search, home): such a page
//! depends only on whether their email is verified, so each of these two groups shares one
//! render, with each person's session CSRF token put in. An idea's page shows a reader their
//! vote and controls for what they wrote: it is shared by the citizens who wrote nothing on
//! it (neither the idea nor a comment) and voted alike, found with one small query. Staff,
//! suspended people, the author and commenters of an idea, and the API for signed-in callers
//! are rendered per request.
//!
//! A page is kept until the next write this process commits, and never longer than a
//! second: other instances' writes (PostgreSQL deployments) and time-dependent text show up
//! within that second. The public API's reading calls are shared the same way (JSON has no
//! token).
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
use actix_web::web::{self, Bytes, BytesMut, Data};
use actix_web::{Error, HttpMessage, HttpResponse};

use crate::auth::identity::{Credential, RequestAuth, base_cookie, csrf_cookie_name};
use crate::auth::tokens::random_token;
use crate::domain::content::VoteValue;
use crate::domain::lang::Lang;
use crate::domain::role::Role;
use crate::state::AppState;
use crate::web::page::FLASH_COOKIE;

/// How long a page may be served after it was rendered.
pub const MAX_AGE: Duration = crate::db::CACHE_MAX_AGE;
/// Memory for cached pages (bodies), across all of them. Only the current second's pages
/// are ever served again (keys carry the write generation and the second), so this needs to
/// hold one second's worth of distinct pages: the rest is stale entries waiting for
/// eviction, which with 24 MB kept the server's memory above 100 MB under load.
const CAPACITY_BYTES: u64 = 8 * 1024 * 1024;
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

/// The routes a signed-in citizen shares with the other citizens of their group: HTML pages
/// that show nothing of the person but their group (no own votes, posts or drafts).
const SIGNED_IN_SHARED_ROUTES: [&str; 4] = ["/", "/c/{slug}", "/c/{slug}/ideas", "/search"];

/// An idea's page, shared by signed-in citizens who wrote nothing on it and voted alike.
const IDEA_PAGE_ROUTE: &str = "/ideas/{id}";

/// The page of comments an idea page shows (its other parameters do not matter here).
#[derive(serde::Deserialize)]
struct CommentsCursor {
    comments_cursor: Option<String>,
}

/// Who a shared page is for: everything a shared page may depend on about its reader.
#[derive(Clone, Copy, Hash, PartialEq, Eq, Debug)]
enum Audience {
    Anonymous,
    /// A signed-in citizen in good standing; the page's banners and invitations to take part
    /// differ with a verified email.
    Citizen {
        verified: bool,
    },
    /// Such a citizen on an idea's page where they wrote nothing shown (neither the idea nor
    /// a comment on that page of its comments): the page shows their vote.
    CitizenOnIdea {
        verified: bool,
        own_vote: Option<VoteValue>,
    },
}

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
    audience: Audience,
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

/// Whether a request is a plain GET of a reading page, with no message waiting for the
/// reader and no API token.
fn is_reading_request(req: &ServiceRequest) -> bool {
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
        && req.cookie(FLASH_COOKIE).is_none()
}

/// The audience whose shared page this request may be served, if any, and the CSRF token of
/// a signed-in reader (their session's).
async fn audience_of(req: &ServiceRequest, state: &AppState) -> Option<(Audience, Option<String>)> {
    let auth = req
        .extensions()
        .get::<RequestAuth>()
        .cloned()
        .unwrap_or_default();
    let Some(identity) = auth.identity else {
        return Some((Audience::Anonymous, None));
    };
    let Credential::Session { csrf_token, .. } = identity.credential else {
        return None;
    };
    let user = &identity.user;
    // The token goes into HTML unescaped; sessions always hold one of this shape.
    if user.role != Role::Citizen || user.suspension.is_some() || !is_token_shaped(&csrf_token) {
        return None;
    }
    let verified = user.verified;
    let pattern = req.match_pattern()?;
    if SIGNED_IN_SHARED_ROUTES.contains(&pattern.as_str()) {
        return Some((Audience::Citizen { verified }, Some(csrf_token)));
    }
    if pattern != IDEA_PAGE_ROUTE {
        return None;
    }
    let idea = req.path().strip_prefix("/ideas/")?.parse::<i64>().ok()?;
    let comments_after = web::Query::<CommentsCursor>::from_query(req.query_string())
        .ok()
        .and_then(|q| crate::services::comments::parse_cursor(q.comments_cursor.as_deref()).ok())?;
    // Unknown ideas, malformed cursors and read errors get their own page (with its error).
    let stake = crate::services::ideas::reader_stake(state, user.id.0, idea, comments_after)
        .await
        .ok()
        .flatten()?;
    (!stake.wrote_on_page).then_some((
        Audience::CitizenOnIdea {
            verified,
            own_vote: stake.own_vote,
        },
        Some(csrf_token),
    ))
}

/// The reader's own CSRF token, when their cookie holds a well-formed one (the value goes
/// into HTML unescaped, so anything else is replaced).
fn visitor_token(req: &actix_web::HttpRequest, state: &AppState) -> Option<String> {
    req.cookie(csrf_cookie_name(&state.settings))
        .map(|c| c.value().to_owned())
        .filter(|v| is_token_shaped(v))
}

fn is_token_shaped(v: &str) -> bool {
    (32..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Middleware: serves shared pages to anonymous readers, and keeps the ones it renders.
pub async fn serve_shared_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !is_reading_request(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // Read before anything of the page or its reader: a write committed meanwhile makes this
    // key stale at once.
    let path_and_query = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
    let write_generation = state.db.write_generation();
    let period = crate::db::fresh_cache::current_period_of(&path_and_query);
    let Some((audience, session_token)) = audience_of(&req, &state).await else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let reader = Reader { session_token };
    let user_language = req
        .extensions()
        .get::<RequestAuth>()
        .and_then(|a| a.identity.as_ref().and_then(|i| i.user.language));
    let cache = state.anonymous_pages.clone();
    let key = PageKey {
        path_and_query,
        lang: crate::i18n::request_lang(
            req.request(),
            user_language,
            state.settings.default_language,
        ),
        audience,
        write_generation,
        period,
    };
    let guard = match cache.pages.get_value_or_guard_async(&key).await {
        Ok(entry) => match entry.as_ref() {
            Entry::Shared(page) => {
                let response = assemble(page, req.request(), &state, &reader);
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
    // The reader's response keeps everything the handler set (cookies, extensions that the
    // error-page middleware reads); only its body gets the reader's token.
    let (head, body) = response.into_parts();
    let headers: HeaderMap = head
        .headers()
        .iter()
        .filter(|(name, _)| *name != header::SET_COOKIE && *name != header::CONTENT_LENGTH)
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let bytes = to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
    let page = CachedPage {
        status: head.status(),
        headers,
        size: bytes.len(),
        pieces: split_at_placeholder(&bytes, cache.placeholder.as_bytes()),
    };
    let (body, new_cookie) = personal_body(&page, &request, &state, &reader);
    let mut personal = head.set_body(BoxBody::new(body));
    if let Some(cookie) = new_cookie {
        let _ = personal.add_cookie(&cookie);
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

/// What a shared page needs to know of the one reader it is served to.
struct Reader {
    /// A signed-in reader's session CSRF token; anonymous readers use their cookie's.
    session_token: Option<String>,
}

/// A kept page for one reader.
fn assemble(
    page: &CachedPage,
    req: &actix_web::HttpRequest,
    state: &AppState,
    reader: &Reader,
) -> HttpResponse {
    let mut response = HttpResponse::build(page.status);
    for (name, value) in &page.headers {
        response.append_header((name.clone(), value.clone()));
    }
    let (body, new_cookie) = personal_body(page, req, state, reader);
    if let Some(cookie) = new_cookie {
        response.cookie(cookie);
    }
    response.body(body)
}

/// The page's body for one reader: the pieces joined by their own CSRF token, and the CSRF
/// cookie to set when they had none. A page without forms (JSON) is served as it is.
fn personal_body(
    page: &CachedPage,
    req: &actix_web::HttpRequest,
    state: &AppState,
    reader: &Reader,
) -> (Bytes, Option<Cookie<'static>>) {
    if let [whole] = page.pieces.as_slice() {
        return (whole.clone(), None);
    }
    let (token, new_cookie) = match reader
        .session_token
        .clone()
        .or_else(|| visitor_token(req, state))
    {
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
    let cookie =
        new_cookie.then(|| base_cookie(&state.settings, csrf_cookie_name(&state.settings), token));
    (body.freeze(), cookie)
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
