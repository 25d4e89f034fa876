//! The `email_outbox` table: mail is written here in the same transaction as the change that
//! causes it, then sent by the outbox worker.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use crate::db::AnyConnection;
use crate::db::schema::email_outbox;
use crate::domain::ids::UserId;

#[derive(Insertable)]
#[diesel(table_name = email_outbox)]
pub struct NewOutboxMail<'a> {
    pub user_id: Option<i64>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A message claimed for sending.
#[derive(QueryableByName, Clone, Debug)]
#[diesel(table_name = email_outbox)]
pub struct ClaimedMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i32,
}

pub fn enqueue(conn: &mut AnyConnection, mail: &NewOutboxMail<'_>) -> QueryResult<usize> {
    diesel::insert_into(email_outbox::table)
        .values(mail)
        .execute(conn)
}

/// Claims up to `limit` due messages for `lease_until`; on PostgreSQL, rows another instance is
/// claiming at the same moment are skipped, so each message goes to exactly one sender.
pub fn claim_due(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<ClaimedMail>> {
    const RETURNING: &str = "RETURNING id, recipient, subject, body_text, body_html, attempts";
    match conn {
        AnyConnection::Postgresql(c) => diesel::sql_query(format!(
            "UPDATE email_outbox SET locked_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM email_outbox \
                 WHERE failed_at IS NULL AND next_attempt_at <= $2 \
                   AND (locked_until IS NULL OR locked_until < $2) \
                 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) {RETURNING}"
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c),
        // SQLite has one writer at a time (BEGIN IMMEDIATE), so a plain claim is exclusive.
        AnyConnection::Sqlite(c) => diesel::sql_query(format!(
            "UPDATE email_outbox SET locked_until = ?, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM email_outbox \
                 WHERE failed_at IS NULL AND next_attempt_at <= ? \
                   AND (locked_until IS NULL OR locked_until < ?) \
                 ORDER BY id LIMIT ?) {RETURNING}"
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c),
    }
}

/// Sent mail is deleted: the outbox keeps no copy of addresses it no longer needs.
pub fn delete(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(email_outbox::table.find(id)).execute(conn)
}

pub fn reschedule(
    conn: &mut AnyConnection,
    id: i64,
    next_attempt_at: NaiveDateTime,
    error: &str,
) -> QueryResult<usize> {
    diesel::update(email_outbox::table.find(id))
        .set((
            email_outbox::next_attempt_at.eq(next_attempt_at),
            email_outbox::locked_until.eq(None::<NaiveDateTime>),
            email_outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)
}

pub fn mark_failed(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
    error: &str,
) -> QueryResult<usize> {
    diesel::update(email_outbox::table.find(id))
        .set((
            email_outbox::failed_at.eq(Some(now)),
            email_outbox::locked_until.eq(None::<NaiveDateTime>),
            email_outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)
}

pub fn delete_for_user(conn: &mut AnyConnection, user: UserId) -> QueryResult<usize> {
    diesel::delete(email_outbox::table.filter(email_outbox::user_id.eq(user.0))).execute(conn)
}

/// Messages still waiting (for health reporting and tests).
pub fn pending_count(conn: &mut AnyConnection) -> QueryResult<i64> {
    email_outbox::table
        .filter(email_outbox::failed_at.is_null())
        .count()
        .get_result(conn)
}

/// Drops queued mail to addresses matching a LIKE pattern (the demo's fictitious people).
pub fn delete_for_demo(conn: &mut AnyConnection, pattern: &str) -> QueryResult<usize> {
    diesel::delete(email_outbox::table.filter(email_outbox::recipient.like(pattern))).execute(conn)
}
