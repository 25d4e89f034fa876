//! The one error type that reaches HTTP. Its response carries an `ErrorDetail` extension that
//! the error-page middleware turns into an HTML page or `application/problem+json`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::domain::fields::FieldErrors;
use crate::domain::policy::Denied;

/// Everything a request can fail with, mapped to one status each.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("authentication required")]
    Unauthorized,
    /// Wrong email or password (deliberately not saying which).
    #[error("bad credentials")]
    BadCredentials,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    /// A merged idea: its page moved to the idea it was merged into (301).
    #[error("moved to idea {0}")]
    MovedIdea(i64),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("request body too large")]
    PayloadTooLarge,
    /// The request's body did not arrive in time.
    #[error("request body too slow")]
    RequestTimeout,
    #[error("unsupported content type")]
    UnsupportedMediaType,
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(anyhow::Error),
}

/// What the error renderer needs to know about a failed request.
#[derive(Clone, Debug)]
pub struct ErrorDetail {
    /// Message-catalog key explaining the problem to the user.
    pub message: &'static str,
    pub fields: FieldErrors,
}

impl AppError {
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }

    pub fn validation(field: &'static str, code: &'static str) -> Self {
        Self::Validation(FieldErrors::single(field, code))
    }

    /// The catalog key of the user-facing explanation.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::BadRequest(key) | Self::Forbidden(key) | Self::Conflict(key) => key,
            Self::Unauthorized => "error-401",
            Self::BadCredentials => "error-login-failed",
            Self::NotFound => "error-404",
            Self::MovedIdea(_) => "error-moved",
            Self::Validation(_) => "error-422",
            Self::PayloadTooLarge => "error-413",
            Self::RequestTimeout => "error-408",
            Self::UnsupportedMediaType => "error-415",
            Self::RateLimited { .. } => "error-429",
            Self::Unavailable(_) => "error-503",
            Self::Internal(_) => "error-500",
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::BadCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MovedIdea(_) => StatusCode::MOVED_PERMANENTLY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(err) => tracing::error!(error = ?err, "internal error"),
            Self::Unavailable(reason) => tracing::warn!(%reason, "storage unavailable"),
            Self::Forbidden(reason) => tracing::warn!(reason, "request denied"),
            Self::Unauthorized => tracing::info!("request needs authentication"),
            _ => {}
        }
        let mut builder = HttpResponse::build(self.status_code());
        match self {
            Self::RateLimited { retry_after_secs } => {
                builder.insert_header(("Retry-After", retry_after_secs.to_string()));
            }
            Self::Unavailable(_) => {
                builder.insert_header(("Retry-After", "5"));
            }
            Self::MovedIdea(id) => {
                builder.insert_header(("Location", format!("/ideas/{id}")));
            }
            _ => {}
        }
        let mut response = builder.finish();
        let fields = match self {
            Self::Validation(fields) => fields.clone(),
            _ => FieldErrors::new(),
        };
        response.extensions_mut().insert(ErrorDetail {
            message: self.message_key(),
            fields,
        });
        response
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            Error::DatabaseError(kind, info) if is_storage_failure(info.message()) => {
                Self::Unavailable(format!("{kind:?}: {}", info.message()))
            }
            // PostgreSQL refuses text holding a NUL character, wherever it came from (a
            // login name, a search, a form field): the input is wrong, not the server.
            Error::DatabaseError(_, info) if is_unstorable_text(info.message()) => {
                Self::BadRequest("error-400")
            }
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

/// The message by which PostgreSQL refuses a text value it cannot hold (`0x00`).
fn is_unstorable_text(message: &str) -> bool {
    message.contains("invalid byte sequence for encoding")
}

/// Messages by which SQLite and PostgreSQL report that storage, not the query, failed.
fn is_storage_failure(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "database is locked",
        "readonly database",
        "read-only",
        "disk is full",
        "database or disk is full",
        "disk i/o error",
        "unable to open database",
        "server closed the connection",
        "terminating connection",
        "connection refused",
        "no connection to the server",
        "could not write",
        "no space left",
        "the database system is",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(format!("no database connection: {err}"))
    }
}

impl From<diesel::r2d2::Error> for AppError {
    fn from(err: diesel::r2d2::Error) -> Self {
        Self::Unavailable(format!("database connection: {err}"))
    }
}

/// The one place a refusal of the policy becomes an HTTP answer.
impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::SignedOut => Self::Unauthorized,
            Denied::Unverified => Self::Forbidden("error-verify-first"),
            Denied::Suspended => Self::Forbidden("error-suspended"),
            Denied::NotStaff
            | Denied::NotModerator
            | Denied::NotDrafter
            | Denied::NotAdmin
            | Denied::NotCitizen => Self::Forbidden("error-403"),
            Denied::NotOpen => Self::Forbidden("error-consultation-closed"),
            // Not shown to this person: the same answer as for something that does not exist.
            Denied::Invisible => Self::NotFound,
            Denied::Hidden => Self::Forbidden("error-idea-hidden"),
            Denied::Locked => Self::Forbidden("error-idea-locked"),
            Denied::Merged { into } => Self::MovedIdea(into),
            Denied::Withdrawn => Self::Forbidden("error-idea-withdrawn"),
            Denied::OwnIdea => Self::Forbidden("error-vote-own-idea"),
            Denied::OwnReport => Self::Forbidden("error-report-own"),
            Denied::OwnContent => Self::Forbidden("error-moderate-own"),
            Denied::NotAuthor => Self::Forbidden("error-not-author"),
            Denied::WindowClosed => Self::Forbidden("error-edit-window-closed"),
            Denied::LastAdmin => Self::Conflict("error-last-admin"),
        }
    }
}

impl From<crate::domain::fields::FieldError> for AppError {
    fn from(error: crate::domain::fields::FieldError) -> Self {
        Self::Validation(FieldErrors::single(error.field, error.code))
    }
}

impl From<FieldErrors> for AppError {
    fn from(fields: FieldErrors) -> Self {
        Self::Validation(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_failures_are_unavailable_not_bugs() {
        assert!(is_storage_failure("attempt to write a readonly database"));
        assert!(is_storage_failure("database or disk is full"));
        assert!(!is_storage_failure("UNIQUE constraint failed: users.email"));
    }
}
