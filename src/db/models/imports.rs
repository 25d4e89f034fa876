//! The `import_files` and `import_chunks` tables: uploaded files of submissions, kept in the
//! database in chunks so that whichever instance claims the import can read them, and a
//! restart loses nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{ideas, import_chunks, import_files};

/// How large each stored piece of an upload is.
pub const CHUNK_BYTES: usize = 1024 * 1024;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = import_files)]
pub struct ImportFileRow {
    pub id: i64,
    pub consultation_id: i64,
    pub format: String,
    pub sha256: String,
    pub size: i64,
    pub job_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Starts a stored upload; its digest is set once the whole file has arrived.
pub fn begin(
    conn: &mut AnyConnection,
    consultation: i64,
    format: &str,
    placeholder_digest: &str,
    created_by: i64,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(import_files::table)
        .values((
            import_files::consultation_id.eq(consultation),
            import_files::format.eq(format),
            import_files::sha256.eq(placeholder_digest),
            import_files::size.eq(0_i64),
            import_files::created_by.eq(created_by),
            import_files::created_at.eq(at),
        ))
        .returning(import_files::id)
        .get_result(conn)
}

pub fn add_chunk(
    conn: &mut AnyConnection,
    import: i64,
    seq: i32,
    data: &[u8],
) -> QueryResult<usize> {
    diesel::insert_into(import_chunks::table)
        .values((
            import_chunks::import_id.eq(import),
            import_chunks::seq.eq(seq),
            import_chunks::data.eq(data),
        ))
        .execute(conn)
}

/// The import of the same file into the same consultation, if there was one.
pub fn find_by_digest(
    conn: &mut AnyConnection,
    consultation: i64,
    digest: &str,
) -> QueryResult<Option<ImportFileRow>> {
    import_files::table
        .filter(import_files::consultation_id.eq(consultation))
        .filter(import_files::sha256.eq(digest))
        .select(ImportFileRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<ImportFileRow>> {
    import_files::table
        .find(id)
        .select(ImportFileRow::as_select())
        .first(conn)
        .optional()
}

/// Completes an upload: its digest, size and the job that imports it.
pub fn complete(
    conn: &mut AnyConnection,
    id: i64,
    digest: &str,
    size: i64,
    job: i64,
) -> QueryResult<usize> {
    diesel::update(import_files::table.find(id))
        .set((
            import_files::sha256.eq(digest),
            import_files::size.eq(size),
            import_files::job_id.eq(job),
        ))
        .execute(conn)
}

/// Forgets an upload that did not complete (or duplicated an earlier one).
pub fn discard(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(import_chunks::table.filter(import_chunks::import_id.eq(id))).execute(conn)?;
    diesel::delete(import_files::table.find(id)).execute(conn)
}

/// One stored piece of an upload (`None` past its end).
pub fn chunk(conn: &mut AnyConnection, import: i64, seq: i32) -> QueryResult<Option<Vec<u8>>> {
    import_chunks::table
        .find((import, seq))
        .select(import_chunks::data)
        .first(conn)
        .optional()
}

/// The highest line (or message) of an import already stored: a resumed import goes on
/// after it.
/// Brings the query planner's statistics of the tables an import fills up to date. On
/// PostgreSQL a table that grew from a few hundred rows to 200,000 in a minute is still
/// planned by its old statistics until autovacuum comes round, and a list of 20 ideas reads
/// every row (measured: 580 ms, 0.3 ms after `ANALYZE`). SQLite keeps no such statistics
/// unless asked to, and plans from its indexes alone.
pub fn refresh_statistics(conn: &mut AnyConnection) -> QueryResult<()> {
    match conn {
        AnyConnection::Postgresql(c) => {
            diesel::sql_query("ANALYZE ideas, idea_texts, idea_submitters").execute(c)?;
            Ok(())
        }
        AnyConnection::Sqlite(_) => Ok(()),
    }
}

pub fn last_imported_line(conn: &mut AnyConnection, import: i64) -> QueryResult<Option<i64>> {
    ideas::table
        .filter(ideas::import_id.eq(import))
        .select(diesel::dsl::max(ideas::import_line))
        .first(conn)
}

/// Each imported line (or message) with its receipt, in order.
pub fn receipts(conn: &mut AnyConnection, import: i64) -> QueryResult<Vec<(i64, String)>> {
    ideas::table
        .filter(ideas::import_id.eq(import))
        .select((ideas::import_line.assume_not_null(), ideas::receipt))
        .order(ideas::import_line.asc())
        .load(conn)
}
