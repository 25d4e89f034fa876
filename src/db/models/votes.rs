//! The `votes` table: one row per person and idea, +1 (support) or -1 (oppose).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::votes;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = votes)]
pub struct VoteRow {
    pub user_id: i64,
    pub idea_id: i64,
    pub value: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The caller's vote, locked on PostgreSQL until the transaction ends, so that concurrent
/// requests by the same person see each other's result.
pub fn find_for_update(
    conn: &mut AnyConnection,
    user: i64,
    idea: i64,
) -> QueryResult<Option<VoteRow>> {
    match conn {
        AnyConnection::Postgresql(c) => votes::table
            .find((user, idea))
            .select(VoteRow::as_select())
            .for_update()
            .first(c)
            .optional(),
        // SQLite write transactions already run one at a time (BEGIN IMMEDIATE).
        AnyConnection::Sqlite(c) => votes::table
            .find((user, idea))
            .select(VoteRow::as_select())
            .first(c)
            .optional(),
    }
}

/// Inserts the vote unless one exists; returns whether this call created it. The unique key
/// makes a second, parallel insert a no-op instead of a duplicate.
pub fn insert_if_absent(
    conn: &mut AnyConnection,
    user: i64,
    idea: i64,
    value: i32,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = crate::per_backend!(conn, c => diesel::insert_into(votes::table)
        .values((
            votes::user_id.eq(user),
            votes::idea_id.eq(idea),
            votes::value.eq(value),
            votes::created_at.eq(at),
            votes::updated_at.eq(at),
        ))
        .on_conflict((votes::user_id, votes::idea_id))
        .do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

pub fn set_value(
    conn: &mut AnyConnection,
    user: i64,
    idea: i64,
    value: i32,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(votes::table.find((user, idea)))
        .set((votes::value.eq(value), votes::updated_at.eq(at)))
        .execute(conn)
}

pub fn delete(conn: &mut AnyConnection, user: i64, idea: i64) -> QueryResult<usize> {
    diesel::delete(votes::table.find((user, idea))).execute(conn)
}

/// The viewer's votes on a set of ideas.
pub fn mine(conn: &mut AnyConnection, user: i64, ideas: &[i64]) -> QueryResult<Vec<(i64, i32)>> {
    votes::table
        .filter(votes::user_id.eq(user))
        .filter(votes::idea_id.eq_any(ideas))
        .select((votes::idea_id, votes::value))
        .load(conn)
}

/// Every vote on an idea (merging and recounting).
pub fn for_idea(conn: &mut AnyConnection, idea: i64) -> QueryResult<Vec<VoteRow>> {
    votes::table
        .filter(votes::idea_id.eq(idea))
        .select(VoteRow::as_select())
        .load(conn)
}

/// Copies one person's vote to another idea unless they already voted there (their vote on
/// the surviving idea stands); the original stays for the caller to delete. Returns whether
/// it was copied.
pub fn copy_unless_present(conn: &mut AnyConnection, vote: &VoteRow, to: i64) -> QueryResult<bool> {
    let inserted = crate::per_backend!(conn, c => diesel::insert_into(votes::table)
        .values((
            votes::user_id.eq(vote.user_id),
            votes::idea_id.eq(to),
            votes::value.eq(vote.value),
            votes::created_at.eq(vote.created_at),
            votes::updated_at.eq(vote.updated_at),
        ))
        .on_conflict((votes::user_id, votes::idea_id))
        .do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Deletes every vote on an idea (after a merge has copied them).
pub fn delete_for_idea(conn: &mut AnyConnection, idea: i64) -> QueryResult<usize> {
    diesel::delete(votes::table.filter(votes::idea_id.eq(idea))).execute(conn)
}
