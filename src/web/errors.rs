//! Error responses and security headers for every response: HTML error pages for people,
//! `application/problem+json` (RFC 9457) under `/api/`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::error::ErrorDetail;
use crate::i18n;
use crate::state::AppState;
use crate::telemetry::RequestId;
use crate::web::page::{PageContext, RenderedByHandler};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Middleware: adds the security headers to every response, error pages and files included.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.settings.secure_cookies());
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
    );
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(header::CACHE_CONTROL, "no-store");
    if https {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    headers.remove(header::SERVER);
    Ok(res)
}

/// Middleware: gives every 4xx/5xx a body in the right format, unless a handler already
/// rendered one (forms re-shown with their errors).
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res
            .response()
            .extensions()
            .get::<RenderedByHandler>()
            .is_some()
    {
        return Ok(res);
    }
    let detail = res.response().extensions().get::<ErrorDetail>().cloned();
    let (request, response) = res.into_parts();
    let rendered = if request.path().starts_with("/api/") {
        problem_json(&request, &response, detail)
    } else {
        html_error(&request, &response, detail)
    };
    Ok(ServiceResponse::new(request, rendered))
}

fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "error-400",
        401 => "error-401",
        403 => "error-403",
        404 => "error-404",
        405 => "error-405",
        408 => "error-408",
        409 => "error-409",
        413 => "error-413",
        415 => "error-415",
        422 => "error-422",
        429 => "error-429",
        503 => "error-503",
        _ if status.is_client_error() => "error-400",
        _ => "error-500",
    }
}

/// Copies the headers that must survive a re-rendered body (Retry-After, cookies, …).
fn rebuild(original: &HttpResponse, content_type: &'static str, body: String) -> HttpResponse {
    let mut fresh = HttpResponse::build(original.status());
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.append_header((name.clone(), value.clone()));
        }
    }
    fresh.insert_header((header::CONTENT_TYPE, content_type));
    fresh.body(body)
}

fn request_id(req: &HttpRequest) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default()
}

fn problem_json(
    req: &HttpRequest,
    response: &HttpResponse,
    detail: Option<ErrorDetail>,
) -> HttpResponse {
    let status = response.status();
    let lang = req
        .app_data::<web::Data<AppState>>()
        .map(|s| i18n::request_lang(req, None, s.settings.default_language))
        .unwrap_or(crate::domain::lang::Lang::En);
    let message = match detail
        .as_ref()
        .map_or_else(|| default_message(status), |d| d.message)
    {
        // "Page" reads oddly to a program.
        "error-404" => "error-404-api",
        other => other,
    };
    let mut body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": i18n::text(lang, message),
        "code": message,
        "request_id": request_id(req),
    });
    if let Some(detail) = detail.filter(|d| !d.fields.is_empty()) {
        body["errors"] = detail
            .fields
            .iter()
            .map(
                |e| json!({ "field": e.field, "code": e.code, "detail": i18n::text(lang, e.code) }),
            )
            .collect();
    }
    rebuild(response, "application/problem+json", body.to_string())
}

fn html_error(
    req: &HttpRequest,
    response: &HttpResponse,
    detail: Option<ErrorDetail>,
) -> HttpResponse {
    let status = response.status();
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return rebuild(response, "text/plain; charset=utf-8", status.to_string());
    };
    // A page that needs a login sends the reader to it and back.
    if status == StatusCode::UNAUTHORIZED && req.method() == Method::GET {
        let next = match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{q}", req.path()),
        };
        let location = format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        );
        return HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .finish();
    }
    let page = match PageContext::from_request_parts(req, state) {
        Ok(page) => page,
        Err(_) => return rebuild(response, "text/plain; charset=utf-8", status.to_string()),
    };
    let message = detail
        .as_ref()
        .map_or_else(|| default_message(status), |d| d.message);
    let mut ctx = tera::Context::new();
    ctx.insert("status", &status.as_u16());
    ctx.insert("message", message);
    ctx.insert("title_key", &format!("error-title-{}", title_group(status)));
    match page.render(state, "error.html", ctx, status) {
        Ok(rendered) => {
            let cookies: Vec<HeaderValue> = rendered
                .headers()
                .get_all(header::SET_COOKIE)
                .cloned()
                .collect();
            let body = match rendered.into_body().try_into_bytes() {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(_) => status.to_string(),
            };
            let mut page = rebuild(response, "text/html; charset=utf-8", body);
            for cookie in cookies {
                page.headers_mut().append(header::SET_COOKIE, cookie);
            }
            page
        }
        Err(err) => {
            tracing::error!(error = ?err, "error page failed to render");
            rebuild(response, "text/plain; charset=utf-8", status.to_string())
        }
    }
}

/// Error pages share a handful of headings.
fn title_group(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 | 403 => "denied",
        404 | 405 => "not-found",
        429 => "slow-down",
        s if s >= 500 => "server",
        _ => "request",
    }
}
