//! The `jobs` table: background work (imports, regrouping, topics, detection) claimed with a
//! lease by one instance at a time. A job whose lease runs out (its instance died) is
//! claimed again and resumes from its recorded progress.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::DatabaseErrorKind;
use diesel::sql_types::Timestamp;

use crate::db::AnyConnection;
use crate::db::schema::jobs;

/// A job as stored.
#[derive(Queryable, QueryableByName, Selectable, Clone, Debug)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub consultation_id: Option<i64>,
    pub status: String,
    pub dedupe_key: Option<String>,
    pub progress_done: i64,
    pub progress_total: i64,
    pub payload: String,
    pub result: Option<String>,
    pub error: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub run_after: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub locked_until: Option<NaiveDateTime>,
    pub attempts: i32,
}

#[derive(Insertable)]
#[diesel(table_name = jobs)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub consultation_id: Option<i64>,
    pub dedupe_key: Option<&'a str>,
    pub payload: &'a str,
    pub progress_total: i64,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub run_after: NaiveDateTime,
}

/// Inserts a job; with a `dedupe_key`, a job of that key still queued is returned instead
/// (and a new one only made once it has started).
pub fn enqueue(conn: &mut AnyConnection, job: &NewJob<'_>) -> QueryResult<i64> {
    let Some(key) = job.dedupe_key else {
        return insert(conn, job);
    };
    for _ in 0..3 {
        if let Some(id) = queued_with_key(conn, key)? {
            return Ok(id);
        }
        // Two transactions may queue the same key at once (PostgreSQL): the unique index
        // refuses the second insert, whose savepoint rolls back, and it finds the first job.
        match conn.transaction(|c| insert(c, job)) {
            Err(diesel::result::Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
            other => return other,
        }
    }
    queued_with_key(conn, key)?.ok_or(diesel::result::Error::NotFound)
}

fn insert(conn: &mut AnyConnection, job: &NewJob<'_>) -> QueryResult<i64> {
    diesel::insert_into(jobs::table)
        .values(job)
        .returning(jobs::id)
        .get_result(conn)
}

fn queued_with_key(conn: &mut AnyConnection, key: &str) -> QueryResult<Option<i64>> {
    jobs::table
        .filter(jobs::dedupe_key.eq(key))
        .filter(jobs::status.eq("queued"))
        .select(jobs::id)
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<JobRow>> {
    jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}

/// Claims the oldest job that is due (queued and past `run_after`, or running with a lease
/// that ran out) until `lease_until`. On PostgreSQL, a job another instance is claiming at
/// the same moment is skipped, so each job runs in one instance at a time.
pub fn claim_next(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<Option<JobRow>> {
    const SET: &str = "SET status = 'running', locked_until = {lease}, attempts = attempts + 1, \
                       started_at = COALESCE(started_at, {now})";
    const DUE: &str = "(status = 'queued' AND run_after <= {now}) \
                       OR (status = 'running' AND locked_until < {now})";
    let rows: Vec<JobRow> = match conn {
        AnyConnection::Postgresql(c) => diesel::sql_query(format!(
            "UPDATE jobs {} WHERE id = (SELECT id FROM jobs WHERE {} \
             ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *",
            SET.replace("{lease}", "$1").replace("{now}", "$2"),
            DUE.replace("{now}", "$2"),
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .load(c)?,
        // SQLite has one writer at a time (BEGIN IMMEDIATE), so a plain claim is exclusive.
        AnyConnection::Sqlite(c) => diesel::sql_query(format!(
            "UPDATE jobs {} WHERE id = (SELECT id FROM jobs WHERE {} ORDER BY id LIMIT 1) \
             RETURNING *",
            SET.replace("{lease}", "?1").replace("{now}", "?2"),
            DUE.replace("{now}", "?2"),
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .load(c)?,
    };
    Ok(rows.into_iter().next())
}

/// Claims one job by id until `lease_until`, if nobody holds it: queued (even before its
/// `run_after`: someone asked for it now) or running with a lease that ran out. `None` when
/// another instance holds it or it has ended.
pub fn claim_by_id(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<Option<JobRow>> {
    let due = jobs::status
        .eq("queued")
        .or(jobs::status.eq("running").and(jobs::locked_until.lt(now)));
    // One conditional UPDATE: of two instances trying at once, one matches the row.
    let updated = diesel::update(jobs::table.find(id).filter(due))
        .set((
            jobs::status.eq("running"),
            jobs::locked_until.eq(lease_until),
            jobs::attempts.eq(jobs::attempts + 1),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Ok(None);
    }
    diesel::update(jobs::table.find(id).filter(jobs::started_at.is_null()))
        .set(jobs::started_at.eq(now))
        .execute(conn)?;
    find(conn, id)
}

/// The job's row while this instance still holds it: running, under the lease it was given
/// (an instance that took the job over set a lease of its own).
#[diesel::dsl::auto_type]
fn held_by_this_instance(id: i64, held_until: NaiveDateTime) -> _ {
    let running: &'static str = "running";
    jobs::table
        .find(id)
        .filter(jobs::status.eq(running))
        .filter(jobs::locked_until.eq(held_until))
}

/// Puts a job this instance holds back in the queue at once (an orderly stop), without
/// counting the interrupted run as an attempt; `false` when the lease had already passed.
pub fn release(
    conn: &mut AnyConnection,
    id: i64,
    held_until: NaiveDateTime,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(held_by_this_instance(id, held_until))
        .set((
            jobs::status.eq("queued"),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::run_after.eq(at),
            jobs::attempts.eq(jobs::attempts - 1),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Records progress and extends the lease, if this instance still holds the job (`false`:
/// the lease ran out and another instance took the job over).
pub fn report_progress(
    conn: &mut AnyConnection,
    id: i64,
    held_until: NaiveDateTime,
    lease_until: NaiveDateTime,
    done: i64,
    total: i64,
) -> QueryResult<bool> {
    let updated = diesel::update(held_by_this_instance(id, held_until))
        .set((
            jobs::locked_until.eq(lease_until),
            jobs::progress_done.eq(done),
            jobs::progress_total.eq(total),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Ends a job with its result (`done`) or its error (`failed`); `false` when this instance no
/// longer holds it.
pub fn finish(
    conn: &mut AnyConnection,
    id: i64,
    held_until: NaiveDateTime,
    status: &str,
    result: Option<&str>,
    error: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(held_by_this_instance(id, held_until))
        .set((
            jobs::status.eq(status),
            jobs::result.eq(result),
            jobs::error.eq(error),
            jobs::finished_at.eq(at),
            jobs::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// How many jobs wait or run (for operations and tests).
pub fn pending_count(conn: &mut AnyConnection) -> QueryResult<i64> {
    jobs::table
        .filter(jobs::status.eq_any(["queued", "running"]))
        .count()
        .get_result(conn)
}

/// The newest jobs of a kind for a consultation, newest first (staff pages).
pub fn recent(
    conn: &mut AnyConnection,
    consultation: i64,
    kind: &str,
    limit: i64,
) -> QueryResult<Vec<JobRow>> {
    jobs::table
        .filter(jobs::consultation_id.eq(consultation))
        .filter(jobs::kind.eq(kind))
        .select(JobRow::as_select())
        .order(jobs::id.desc())
        .limit(limit)
        .load(conn)
}
