//! Row structs and their queries, one module per table.

pub mod access_revocations;
pub mod api_tokens;
pub mod campaigns;
pub mod comments;
pub mod consultations;
pub mod email_tokens;
pub mod ideas;
pub mod imports;
pub mod jobs;
pub mod known_devices;
pub mod moderation;
pub mod outbox;
pub mod rate_limits;
pub mod responses;
pub mod sessions;
pub mod submitters;
pub mod tags;
pub mod users;
pub mod votes;

/// Runs the same diesel expression on the concrete connection inside `AnyConnection`, for the
/// few query forms the multi-backend wrapper cannot express (upserts, row locking).
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgresql($c) => $body,
        }
    };
}
