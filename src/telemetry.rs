//! Logging: subscriber set-up, request IDs and one log line per request.
//!
//! The per-request line names the matched route pattern (`/reset/{token}`), never the raw
//! path or query, so tokens and search terms stay out of the logs.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;

use crate::config::LogFormat;

/// The ID of the current request, shown on error pages and in every log line.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Installs the global subscriber (once, in `main`).
pub fn init(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only on a terminal: escape codes make log files and collectors unreadable.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi);
    let result = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
    if let Err(err) = result {
        eprintln!("logging already initialised: {err}");
    }
}

fn new_request_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_owned()
}

/// Middleware: assigns a request ID, runs the request inside a span carrying it, and logs the
/// outcome with the route pattern, status and duration.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = new_request_id();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let span = tracing::info_span!("request", id = %request_id, method = %req.method(), user = tracing::field::Empty);
    let started = Instant::now();
    // The request must not be cloned before routing (actix needs sole ownership to route).
    let mut res = match next.call(req).instrument(span.clone()).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(err) => {
            span.in_scope(|| tracing::error!(error = %err, "request failed before a response"));
            return Err(err);
        }
    };
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(%route, status, elapsed_ms, "request failed");
        } else {
            tracing::info!(%route, status, elapsed_ms, "request");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}
