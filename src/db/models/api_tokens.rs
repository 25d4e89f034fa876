//! The `api_tokens` table: personal tokens for the JSON API.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::users::UserRow;
use crate::db::schema::{api_tokens, users};
use crate::domain::ids::{ApiTokenId, UserId};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = api_tokens)]
pub struct ApiTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub token_hash: String,
    pub token_prefix: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub token_prefix: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewApiToken<'_>) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table)
        .values(new)
        .returning(api_tokens::id)
        .get_result(conn)
}

pub fn find_with_user(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> QueryResult<Option<(ApiTokenRow, UserRow)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(users::deleted_at.is_null())
        .select((ApiTokenRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

pub fn touch(conn: &mut AnyConnection, id: ApiTokenId, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id.0))
        .set(api_tokens::last_used_at.eq(Some(now)))
        .execute(conn)
}

pub fn list_for_user(conn: &mut AnyConnection, user: UserId) -> QueryResult<Vec<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user.0))
        .order(api_tokens::id.desc())
        .select(ApiTokenRow::as_select())
        .load(conn)
}

pub fn count_for_user(conn: &mut AnyConnection, user: UserId) -> QueryResult<i64> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user.0))
        .count()
        .get_result(conn)
}

/// Revokes one of the user's tokens; the user id guards against revoking someone else's.
pub fn delete_owned(conn: &mut AnyConnection, user: UserId, id: ApiTokenId) -> QueryResult<usize> {
    diesel::delete(
        api_tokens::table
            .find(id.0)
            .filter(api_tokens::user_id.eq(user.0)),
    )
    .execute(conn)
}

pub fn delete_for_user(conn: &mut AnyConnection, user: UserId) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user.0))).execute(conn)
}
