//! Errors of the JSON API as `application/problem+json` (RFC 9457), in the request's
//! language, with the catalog code and the request id.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse};
use serde_json::json;

use crate::error::ErrorDetail;
use crate::http::error_bodies::{default_message, rebuild, request_id, with_error_bodies};
use crate::i18n;

/// Middleware: problem documents for the API.
pub async fn problem_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    with_error_bodies(req, next, problem_json).await
}

fn problem_json(
    req: &HttpRequest,
    response: &HttpResponse,
    detail: Option<ErrorDetail>,
) -> HttpResponse {
    let status = response.status();
    let lang = crate::http::lang::of_request(req);
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
