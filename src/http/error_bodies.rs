//! Bodies for error answers: every 4xx and 5xx gets one in the face's format (an HTML page,
//! or `application/problem+json` under `/api/`), unless a handler rendered its own (a form
//! shown again with its errors).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse};

use crate::error::ErrorDetail;
use crate::telemetry::RequestId;

/// Marks a 4xx response whose body a handler rendered itself (a form with field errors), so
/// the error-body middleware leaves it alone.
#[derive(Clone, Copy, Debug)]
pub struct RenderedByHandler;

/// Renders the body of one face's error answers.
pub type RenderError = fn(&HttpRequest, &HttpResponse, Option<ErrorDetail>) -> HttpResponse;

/// Middleware body: gives every 4xx/5xx a body rendered by `render`, unless a handler already
/// rendered one.
pub async fn with_error_bodies(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    render: RenderError,
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
    let rendered = render(&request, &response, detail);
    Ok(ServiceResponse::new(request, rendered))
}

/// The message-catalog key that explains a status when the error named none.
pub fn default_message(status: StatusCode) -> &'static str {
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
pub fn rebuild(original: &HttpResponse, content_type: &'static str, body: String) -> HttpResponse {
    let mut fresh = HttpResponse::build(original.status());
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.append_header((name.clone(), value.clone()));
        }
    }
    fresh.insert_header((header::CONTENT_TYPE, content_type));
    fresh.body(body)
}

/// The request's id, shown on error pages and in problem documents.
pub fn request_id(req: &HttpRequest) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default()
}
