//! Error pages for people: every 4xx and 5xx of the HTML site gets a page in the reader's
//! language with the request id; a 401 on a GET page sends the reader to sign in and back.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse, web};

use crate::error::ErrorDetail;
use crate::http::error_bodies::{default_message, rebuild, with_error_bodies};
use crate::http::state::AppState;
use crate::web::page::PageContext;

/// Middleware: error pages for the HTML site.
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    with_error_bodies(req, next, html_error).await
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
