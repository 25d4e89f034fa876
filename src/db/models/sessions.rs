//! The `sessions` table: server-side login sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::access_revocations;
use crate::db::models::users::UserRow;
use crate::db::schema::{sessions, users};
use crate::domain::ids::{SessionId, UserId};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub token_hash: String,
    pub csrf_token: String,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub user_id: i64,
    pub token_hash: &'a str,
    pub csrf_token: &'a str,
    pub user_agent: &'a str,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewSession<'_>) -> QueryResult<i64> {
    diesel::insert_into(sessions::table)
        .values(new)
        .returning(sessions::id)
        .get_result(conn)
}

/// A live session (not idle too long, not past its absolute expiry) with its account.
pub fn find_live(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> QueryResult<Option<(SessionRow, UserRow)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(idle_since))
        .filter(users::deleted_at.is_null())
        .select((SessionRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

pub fn touch(conn: &mut AnyConnection, id: SessionId, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id.0))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)
}

pub fn list_for_user(
    conn: &mut AnyConnection,
    user: UserId,
    idle_since: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::user_id.eq(user.0))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(idle_since))
        .order(sessions::last_seen_at.desc())
        .select(SessionRow::as_select())
        .load(conn)
}

pub fn delete(conn: &mut AnyConnection, id: SessionId) -> QueryResult<usize> {
    access_revocations::raise(conn)?;
    diesel::delete(sessions::table.find(id.0)).execute(conn)
}

/// Deletes one of the user's sessions; the user id guards against ending someone else's.
pub fn delete_owned(conn: &mut AnyConnection, user: UserId, id: SessionId) -> QueryResult<usize> {
    access_revocations::raise(conn)?;
    diesel::delete(
        sessions::table
            .find(id.0)
            .filter(sessions::user_id.eq(user.0)),
    )
    .execute(conn)
}

pub fn delete_for_user(conn: &mut AnyConnection, user: UserId) -> QueryResult<usize> {
    access_revocations::raise(conn)?;
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user.0))).execute(conn)
}

pub fn delete_for_user_except(
    conn: &mut AnyConnection,
    user: UserId,
    keep: SessionId,
) -> QueryResult<usize> {
    access_revocations::raise(conn)?;
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user.0))
            .filter(sessions::id.ne(keep.0)),
    )
    .execute(conn)
}

pub fn delete_stale(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(now)
                .or(sessions::last_seen_at.le(idle_since)),
        ),
    )
    .execute(conn)
}
