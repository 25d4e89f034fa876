//! A deadline for request bodies: actix cuts a request head that does not arrive within its
//! client request timeout, but not a body, so a client could trickle a body below the size
//! limit for as long as it liked, holding a connection and its memory. The body must now have
//! arrived by `IDEABOX_BODY_TIMEOUT_SECS` after the request began; past that, reading it fails
//! with a timeout, which the body extractors answer with 408 (the connection is then closed,
//! as its body was not read to the end).

use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use futures_util::Stream;
use tokio::time::{Instant, Sleep, sleep_until};

use crate::http::state::AppState;

/// Uploads of submission files (`…/submissions/import`, up to `IDEABOX_IMPORT_MAX_MB`) take
/// longer to arrive than any form or JSON body, and get `IDEABOX_IMPORT_TIMEOUT_SECS`.
fn is_import_upload(path: &str) -> bool {
    path.starts_with("/api/v1/consultations/") && path.ends_with("/submissions/import")
}

/// Middleware: gives the body of every request that may carry one its deadline.
pub async fn limit_body_time(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let carries_body = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if let (true, Some(state)) = (carries_body, req.app_data::<Data<AppState>>()) {
        let allowed = if is_import_upload(req.path()) {
            state.settings.import_timeout
        } else {
            state.settings.body_timeout
        };
        let deadline = Instant::now() + allowed;
        let body = DeadlineBody {
            inner: req.take_payload(),
            deadline: Box::pin(sleep_until(deadline)),
        };
        req.set_payload(Payload::from(
            Box::pin(body) as Pin<Box<dyn Stream<Item = _>>>
        ));
    }
    next.call(req).await
}

/// A request body that fails with a timeout once its deadline has passed.
struct DeadlineBody {
    inner: Payload,
    deadline: Pin<Box<Sleep>>,
}

impl Stream for DeadlineBody {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(timed_out()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

fn timed_out() -> PayloadError {
    PayloadError::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "the request body did not arrive in time",
    ))
}

/// Whether a body extractor failed because the body missed its deadline.
pub fn is_timeout(err: &PayloadError) -> bool {
    matches!(err, PayloadError::Io(e) if e.kind() == std::io::ErrorKind::TimedOut)
}
