//! The `access_revocations` row: a number raised by every write that ends someone's access,
//! so that instances keeping sessions in memory learn of it on their next request.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::access_revocations as ar;

/// The number as of now.
pub fn current(conn: &mut AnyConnection) -> QueryResult<i64> {
    ar::table
        .find(1)
        .select(ar::generation)
        .first(conn)
        .optional()
        .map(|found| found.unwrap_or(0))
}

/// Raises the number, in the caller's transaction: its commit is the moment every instance
/// stops serving what it kept of the ended access.
pub fn raise(conn: &mut AnyConnection) -> QueryResult<()> {
    diesel::update(ar::table.find(1))
        .set(ar::generation.eq(ar::generation + 1))
        .execute(conn)
        .map(|_| ())
}
