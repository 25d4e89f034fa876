//! CSRF protection for cookie-authenticated state changes: a per-session token (hidden form
//! field `csrf_token` or header `X-CSRF-Token`) plus a same-origin check on `Origin` /
//! `Sec-Fetch-Site`. Before login, the token is a random value double-submitted from a cookie.
//! Bearer-token API calls carry no ambient authority and need neither.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{CONTENT_TYPE, HeaderMap, ORIGIN};
use actix_web::middleware::Next;
use actix_web::web::{BytesMut, Data};
use actix_web::{Error, HttpMessage, ResponseError};
use futures_util::StreamExt;

use crate::domain::identity::Credential;

use crate::http::cookies::csrf_cookie_name;

use crate::auth::tokens::secrets_equal;
use crate::error::AppError;
use crate::http::identity::RequestAuth;
use crate::http::state::AppState;

pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The largest form body accepted anywhere (idea bodies of 10,000 characters fit easily).
pub const FORM_BODY_LIMIT: usize = 256 * 1024;

/// Browsers send `Origin` on every cross-origin POST and `Sec-Fetch-Site` on all requests;
/// when present they must say "same origin". Clients sending neither are not browsers, and the
/// token alone protects them.
pub fn same_origin(headers: &HeaderMap, origin: &str) -> bool {
    if let Some(value) = headers.get(ORIGIN) {
        return value.to_str().is_ok_and(|v| v == origin);
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    true
}

fn forbidden(req: ServiceRequest, reason: &str) -> ServiceResponse<BoxBody> {
    tracing::warn!(reason, "CSRF check refused a request");
    req.into_response(AppError::Forbidden("error-csrf").error_response())
}

/// Middleware of the HTML site: refuses unsafe requests that fail the CSRF rules, before any
/// handler runs. Before sign-in the token is double-submitted from its cookie.
pub async fn verify_csrf_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    verify_csrf(req, next, false).await
}

/// Middleware of the API: the same rules for calls a session cookie authorises; calls with
/// a bearer token, or with no credential at all, carry no ambient authority to abuse.
pub async fn verify_csrf_api(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    verify_csrf(req, next, true).await
}

async fn verify_csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    is_api: bool,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let auth = req
        .extensions()
        .get::<RequestAuth>()
        .cloned()
        .unwrap_or_default();
    let expected = match auth.identity.as_ref().map(|i| &i.credential) {
        Some(Credential::ApiToken { .. }) => None,
        Some(Credential::Session { csrf_token, .. }) => Some(csrf_token.clone()),
        // An API call without a session has no ambient authority to abuse.
        None if is_api => None,
        None => match req.cookie(csrf_cookie_name(&state.settings)) {
            Some(cookie) if !cookie.value().is_empty() => Some(cookie.value().to_owned()),
            _ => return Ok(forbidden(req, "no CSRF cookie")),
        },
    };
    let Some(expected) = expected else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };

    if !same_origin(req.headers(), &state.settings.origin()) {
        return Ok(forbidden(req, "cross-origin request"));
    }

    let mut provided = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if provided.is_none() && is_form {
        // Read the form to find the token, then hand the same bytes on to the handler.
        let mut payload = req.take_payload();
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(err) => {
                    let refusal = if crate::http::body_deadline::is_timeout(&err) {
                        AppError::RequestTimeout
                    } else {
                        AppError::BadRequest("error-400")
                    };
                    return Ok(req.into_response(refusal.error_response()));
                }
            };
            if body.len() + chunk.len() > FORM_BODY_LIMIT {
                return Ok(req.into_response(AppError::PayloadTooLarge.error_response()));
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        provided = url::form_urlencoded::parse(&body)
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned());
        req.set_payload(actix_web::dev::Payload::from(body));
    }

    match provided {
        Some(token) if secrets_equal(&token, &expected) => {
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        Some(_) => Ok(forbidden(req, "wrong CSRF token")),
        None => Ok(forbidden(req, "missing CSRF token")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(
                actix_web::http::header::HeaderName::from_static(k),
                HeaderValue::from_static(v),
            );
        }
        map
    }

    #[test]
    fn origin_rules() {
        let site = "http://127.0.0.1:8080";
        assert!(same_origin(
            &headers(&[("origin", "http://127.0.0.1:8080")]),
            site
        ));
        assert!(!same_origin(
            &headers(&[("origin", "https://evil.example")]),
            site
        ));
        assert!(!same_origin(&headers(&[("origin", "null")]), site));
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            site
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            site
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            site
        ));
        assert!(same_origin(&headers(&[]), site));
    }
}
