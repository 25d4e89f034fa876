//! The `known_devices` table: browsers that signed in to an account successfully, by the
//! SHA-256 of the random token in their cookie. One browser token may be known for several
//! accounts (a shared computer), each as its own row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::known_devices;
use crate::domain::ids::UserId;

/// The row id of the browser's entry for this account, if the browser signed in to it
/// since `fresh_since`.
pub fn find(
    conn: &mut AnyConnection,
    token_hash: &str,
    user: UserId,
    fresh_since: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    known_devices::table
        .filter(known_devices::token_hash.eq(token_hash))
        .filter(known_devices::user_id.eq(user.0))
        .filter(known_devices::last_seen_at.gt(fresh_since))
        .select(known_devices::id)
        .first(conn)
        .optional()
}

/// Records a successful sign-in from this browser: a new entry, or a fresher one.
pub fn remember(
    conn: &mut AnyConnection,
    token_hash: &str,
    user: UserId,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    crate::per_backend!(conn, c => diesel::insert_into(known_devices::table)
        .values((
            known_devices::user_id.eq(user.0),
            known_devices::token_hash.eq(token_hash),
            known_devices::created_at.eq(at),
            known_devices::last_seen_at.eq(at),
        ))
        .on_conflict((known_devices::token_hash, known_devices::user_id))
        .do_update()
        .set(known_devices::last_seen_at.eq(at))
        .execute(c))
}

/// Forgets every browser of an account (password reset or change, deletion).
pub fn delete_for_user(conn: &mut AnyConnection, user: UserId) -> QueryResult<usize> {
    diesel::delete(known_devices::table.filter(known_devices::user_id.eq(user.0))).execute(conn)
}

/// Deletes entries not used since `before` (housekeeping).
pub fn purge_before(conn: &mut AnyConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(known_devices::table.filter(known_devices::last_seen_at.lt(before)))
        .execute(conn)
}
