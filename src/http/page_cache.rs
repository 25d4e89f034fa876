//! Rendered reading answers, shared between the readers who would get the same one. A route
//! opts in where it is registered, saying who may share its answers (`Sharing`):
//!
//! - people without an account get pages that differ only by language and by the CSRF token
//!   in their forms, so the page is rendered once with a placeholder for the token and served
//!   to every such reader with their own token put in;
//! - signed-in citizens in good standing share the pages that show nothing of their own
//!   (lists, the consultation, search, home): such a page depends only on whether their email
//!   is verified, so each of these two groups shares one render, with each person's session
//!   CSRF token put in;
//! - an idea's page shows a reader their vote and controls for what they wrote: it is shared
//!   by the citizens who wrote nothing on it (neither the idea nor a comment on that page of
//!   its comments) and voted alike, found with one small query.
//!
//! While a shared answer renders, the handler sees the audience (`Viewer::Shared`, which has
//! no personal fields), never the person who caused the render. Staff, suspended people,
//! flash messages and signed-in API calls go straight through. Kept answers follow the
//! freshness rule of `cache`: until the next seen write on this instance, never longer than
//! `cache::FRESHNESS`. When an answer is missing, one request renders it and the others
//! asking for it wait for that render.

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::cookie::Cookie;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut, Data};
use actix_web::{Error, HttpMessage, HttpResponse};

use crate::auth::tokens::random_token;
use crate::cache::pages::{Entry, Lookup, PageStore, Weigh};
use crate::domain::identity::{Credential, SharedViewer};
use crate::domain::ids::IdeaId;
use crate::domain::role::Role;
use crate::http::cookies::{FLASH_COOKIE, base_cookie, csrf_cookie_name};
use crate::http::identity::{RequestAuth, SharedRender};
use crate::http::state::AppState;
use crate::services::comments;

/// Memory for kept answers (bodies), across all of them. Only the current second's answers
/// are ever served again (keys carry the write generation and the period), so this needs to
/// hold one second's worth of distinct pages: the rest is stale entries waiting for
/// eviction, which with 24 MB kept the server's memory above 100 MB under load.
const CAPACITY_BYTES: u64 = 8 * 1024 * 1024;
/// Answers larger than this are not kept (they are rare, and would crowd out the rest).
const LARGEST_PAGE: usize = 512 * 1024;

/// Who may share a route's answers, declared where the route is registered (with one of the
/// `share_with_*` middlewares).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sharing {
    /// Readers without an account (the public API's reading calls).
    Anonymous,
    /// Those, and signed-in citizens in good standing by verified state: pages that show
    /// nothing of the reader (lists, the consultation page, search, home).
    Citizens,
    /// Those, and on an idea's page the citizens who wrote nothing shown on it, by their vote.
    IdeaReaders,
}

/// Middleware for a route whose answers readers without an account share.
pub async fn share_with_anonymous(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    serve(Sharing::Anonymous, req, next).await
}

/// Middleware for a route whose answers citizens in good standing share too.
pub async fn share_with_citizens(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    serve(Sharing::Citizens, req, next).await
}

/// Middleware for an idea's page, shared by the citizens who wrote nothing shown on it.
pub async fn share_with_idea_readers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    serve(Sharing::IdeaReaders, req, next).await
}

/// Who a kept answer is for: everything a shared answer may depend on about its reader.
#[derive(Clone, Copy, Hash, PartialEq, Eq, Debug)]
enum Audience {
    Anonymous,
    /// Citizens in good standing; what they see differs with a verified email, and on an
    /// idea's page with their vote.
    Citizens(SharedViewer),
}

/// A rendered answer cut at each placeholder.
pub struct CachedPage {
    status: StatusCode,
    headers: HeaderMap,
    pieces: Vec<Bytes>,
    size: usize,
}

impl Weigh for CachedPage {
    fn weight(&self) -> usize {
        self.size
    }
}

/// The kept answers and the placeholder their forms carry, shared by all requests.
pub struct SharedPages {
    store: PageStore<Audience, CachedPage>,
    placeholder: Arc<str>,
}

impl SharedPages {
    pub fn new(state: &AppState) -> anyhow::Result<Self> {
        // Random per process, so no text a person writes can be mistaken for it.
        let placeholder: Arc<str> = format!("csrf-placeholder-{}", random_token()?).into();
        Ok(Self {
            store: PageStore::new(state.db.generation().clone(), CAPACITY_BYTES),
            placeholder,
        })
    }
}

/// The page of comments an idea page shows (its other parameters do not matter here).
#[derive(serde::Deserialize)]
struct CommentsCursor {
    comments_cursor: Option<String>,
}

/// Whether a request is a plain GET, with no message waiting for the reader and no API
/// token.
fn is_plain_read(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && !req.headers().contains_key(header::AUTHORIZATION)
        && req.cookie(FLASH_COOKIE).is_none()
}

/// The audience whose kept answer this request may be served, if any, and the CSRF token of
/// a signed-in reader (their session's).
async fn audience_of(
    sharing: Sharing,
    req: &ServiceRequest,
    state: &AppState,
) -> Option<(Audience, Option<String>)> {
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
    match sharing {
        Sharing::Anonymous => None,
        Sharing::Citizens => Some((
            Audience::Citizens(SharedViewer {
                verified,
                own_vote: None,
            }),
            Some(csrf_token),
        )),
        Sharing::IdeaReaders => {
            let idea = req.match_info().get("id")?.parse::<i64>().ok()?;
            let comments_after = web::Query::<CommentsCursor>::from_query(req.query_string())
                .ok()
                .and_then(|q| comments::parse_cursor(q.comments_cursor.as_deref()).ok())?;
            // Unknown ideas, malformed cursors and read errors get their own page (with
            // its error).
            let stake = comments::reader_stake(state, user.id, IdeaId(idea), comments_after)
                .await
                .ok()
                .flatten()?;
            (!stake.wrote_on_page).then_some((
                Audience::Citizens(SharedViewer {
                    verified,
                    own_vote: stake.own_vote,
                }),
                Some(csrf_token),
            ))
        }
    }
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

async fn serve(
    sharing: Sharing,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let (Some(state), Some(pages)) = (
        req.app_data::<Data<AppState>>().cloned(),
        req.app_data::<Data<SharedPages>>().cloned(),
    ) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !is_plain_read(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let path_and_query = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
    // The generation is read before anything of the page or its reader: a write committed
    // meanwhile makes this key stale at once.
    let lang = crate::http::lang::of_request(req.request());
    let provisional =
        pages
            .store
            .key_now(path_and_query.clone(), lang.as_str(), Audience::Anonymous);
    let Some((audience, session_token)) = audience_of(sharing, &req, &state).await else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = provisional.with_audience(audience);
    let reader = Reader { session_token };
    let guard = match pages.store.lookup(&key).await {
        Lookup::Found(entry) => match entry.as_ref() {
            Entry::Shared(page) => {
                let response = assemble(page, req.request(), &state, &reader);
                return Ok(req.into_response(response));
            }
            Entry::Personal => return Ok(next.call(req).await?.map_into_boxed_body()),
        },
        Lookup::Render(guard) => guard,
    };

    req.extensions_mut().insert(SharedRender {
        placeholder: pages.placeholder.clone(),
        viewer: match audience {
            Audience::Anonymous => None,
            Audience::Citizens(viewer) => Some(viewer),
        },
    });
    let response = next.call(req).await?.map_into_boxed_body();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let shareable = response.status() == StatusCode::OK
        && (content_type.starts_with("text/html") || content_type.starts_with("application/json"))
        && response.response().cookies().next().is_none();
    if !shareable && !content_type.starts_with("text/html") {
        // Files, feeds, redirects and API errors carry no form, hence no placeholder.
        guard.keep(Entry::Personal);
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
        pieces: split_at_placeholder(&bytes, pages.placeholder.as_bytes()),
    };
    let (body, new_cookie) = personal_body(&page, &request, &state, &reader);
    let mut personal = head.set_body(BoxBody::new(body));
    if let Some(cookie) = new_cookie {
        let _ = personal.add_cookie(&cookie);
    }
    guard.keep(if shareable && page.size <= LARGEST_PAGE {
        Entry::Shared(page)
    } else {
        Entry::Personal
    });
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

/// What a kept answer needs to know of the one reader it is served to.
struct Reader {
    /// A signed-in reader's session CSRF token; anonymous readers use their cookie's.
    session_token: Option<String>,
}

/// A kept answer for one reader.
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

/// The answer's body for one reader: the pieces joined by their own CSRF token, and the
/// CSRF cookie to set when they had none. An answer without forms (JSON) is served as it is.
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
