//! The access revocation number: raised by every write that ends someone's access, so that
//! instances keeping sessions in memory learn of it on their next request. On PostgreSQL it
//! is the `access_revocations` row, read by every instance; on SQLite, where every process
//! opening the database runs on this machine, also a counter file beside the database
//! (`db::shared_counter`), which readers check without a database call.

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::AnyConnection;
use crate::db::schema::access_revocations as ar;
use crate::db::shared_counter;

/// The number as of now, from the database row.
pub fn current(conn: &mut AnyConnection) -> QueryResult<i64> {
    ar::table
        .find(1)
        .select(ar::generation)
        .first(conn)
        .optional()
        .map(|found| found.unwrap_or(0))
}

/// Raises the number, in the caller's transaction: its commit is the moment every instance
/// stops serving what it kept of the ended access. On SQLite the counter file is raised too,
/// by `db::transaction` right after that commit.
pub fn raise(conn: &mut AnyConnection) -> QueryResult<()> {
    diesel::update(ar::table.find(1))
        .set(ar::generation.eq(ar::generation + 1))
        .execute(conn)?;
    if let AnyConnection::Sqlite(_) = conn
        && let Some(file) = main_database_file(conn)?
    {
        let counter = shared_counter::for_database(std::path::Path::new(&file))
            .map_err(|err| diesel::result::Error::QueryBuilderError(Box::new(err)))?;
        shared_counter::raise_after_commit(counter);
    }
    Ok(())
}

#[derive(QueryableByName)]
struct DatabaseFile {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    file: String,
}

/// The file of the connection's main database (`None` for one held in memory, which no
/// other process can open).
fn main_database_file(conn: &mut AnyConnection) -> QueryResult<Option<String>> {
    let listed: Vec<DatabaseFile> = diesel::sql_query("PRAGMA database_list").load(conn)?;
    Ok(listed
        .into_iter()
        .find(|db| db.name == "main")
        .map(|db| db.file)
        .filter(|file| !file.is_empty()))
}
