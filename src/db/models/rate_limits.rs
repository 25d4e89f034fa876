//! The `rate_limit_counters` table: fixed-window hit counters shared by all instances.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::rate_limit_counters as rl;

/// Adds one hit to the window and returns the new count.
pub fn increment(
    conn: &mut AnyConnection,
    name: &str,
    key_hash: &str,
    window_start: i64,
) -> QueryResult<i32> {
    crate::per_backend!(conn, c => diesel::insert_into(rl::table)
        .values((
            rl::name.eq(name),
            rl::key_hash.eq(key_hash),
            rl::window_start.eq(window_start),
            rl::hits.eq(1),
        ))
        .on_conflict((rl::name, rl::key_hash, rl::window_start))
        .do_update()
        .set(rl::hits.eq(rl::hits + 1))
        .returning(rl::hits)
        .get_result(c))
}

/// Takes one hit back from the window (never below zero); `false` when there was none.
pub fn decrement(
    conn: &mut AnyConnection,
    name: &str,
    key_hash: &str,
    window_start: i64,
) -> QueryResult<bool> {
    let updated = diesel::update(
        rl::table
            .filter(rl::name.eq(name))
            .filter(rl::key_hash.eq(key_hash))
            .filter(rl::window_start.eq(window_start))
            .filter(rl::hits.gt(0)),
    )
    .set(rl::hits.eq(rl::hits - 1))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Clears the counters of one key (a successful login forgives earlier failures).
pub fn clear(conn: &mut AnyConnection, name: &str, key_hash: &str) -> QueryResult<usize> {
    diesel::delete(
        rl::table
            .filter(rl::name.eq(name))
            .filter(rl::key_hash.eq(key_hash)),
    )
    .execute(conn)
}

pub fn purge_before(conn: &mut AnyConnection, window_start: i64) -> QueryResult<usize> {
    diesel::delete(rl::table.filter(rl::window_start.lt(window_start))).execute(conn)
}
