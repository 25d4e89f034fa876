//! The `idea_submitters` table: who sent a submission received outside the site, as far as
//! they said. Private: read only by staff pages, never by a public page, a feed, an API
//! answer to the public or an export.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{idea_submitters, users};

#[derive(Insertable, Queryable, Selectable, Clone, Debug, Default, PartialEq, Eq)]
#[diesel(table_name = idea_submitters, treat_none_as_default_value = false)]
pub struct SubmitterRow {
    pub idea_id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub organisation: Option<String>,
    pub recorded_by: Option<i64>,
}

/// Rows per `INSERT`, far below either database's bound-parameter limit.
const ROWS_PER_INSERT: usize = 1_000;

/// Stores who sent each of many submissions, many rows per statement.
pub fn insert_many(conn: &mut AnyConnection, rows: &[SubmitterRow]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        crate::per_backend!(conn, c => diesel::insert_into(idea_submitters::table).values(chunk).execute(c))?;
    }
    Ok(())
}

pub fn find(conn: &mut AnyConnection, idea: i64) -> QueryResult<Option<SubmitterRow>> {
    idea_submitters::table
        .find(idea)
        .select(SubmitterRow::as_select())
        .first(conn)
        .optional()
}

/// The account that submissions received outside the site belong to: it has no email, no
/// password and no name, so nobody can sign in as it and no page shows it as an author.
/// Made on first use; two callers at once find the same one.
pub fn intake_account(conn: &mut AnyConnection, at: chrono::NaiveDateTime) -> QueryResult<i64> {
    system_account(conn, "intake", at)
}

/// The account that imports started from the command line are recorded as: whoever runs
/// `ideabox import` on the server's machine acts with the operator's authority, and the
/// record says so instead of naming a staff member who did not act. It cannot sign in.
pub fn command_line_account(
    conn: &mut AnyConnection,
    at: chrono::NaiveDateTime,
) -> QueryResult<i64> {
    system_account(conn, COMMAND_LINE, at)
}

/// The `system_name` of the command-line account.
pub const COMMAND_LINE: &str = "command-line";

/// A system account by name, made on first use; two callers at once find the same one.
fn system_account(
    conn: &mut AnyConnection,
    name: &'static str,
    at: chrono::NaiveDateTime,
) -> QueryResult<i64> {
    let existing = users::table
        .filter(users::system_name.eq(name))
        .select(users::id)
        .first::<i64>(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    // In a savepoint: on PostgreSQL a unique violation would otherwise end the caller's
    // transaction.
    let inserted = conn.transaction(|c| {
        diesel::insert_into(users::table)
            .values((
                users::role.eq("citizen"),
                users::created_at.eq(at),
                users::updated_at.eq(at),
                users::system_name.eq(name),
            ))
            .returning(users::id)
            .get_result::<i64>(c)
    });
    match inserted {
        Ok(id) => Ok(id),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => users::table
            .filter(users::system_name.eq(name))
            .select(users::id)
            .first::<i64>(conn),
        Err(err) => Err(err),
    }
}
