//! Group commit for SQLite: write transactions that arrive while one is committing are run
//! together in the next transaction and made durable by one commit (one WAL sync) instead of
//! one each. Each keeps its own all-or-nothing effect through a savepoint, and nobody hears
//! "done" before the commit that holds their change has succeeded.
//!
//! One thread owns the writing: SQLite takes one writer at a time anyway, and a thread that
//! drains a queue batches naturally, without waiting on a timer.

use std::panic::{AssertUnwindSafe, catch_unwind};

use diesel::connection::{Connection, TransactionManager};
use tokio::sync::{mpsc, oneshot};

use crate::cache::WriteGeneration;
use crate::db::{AnyConnection, Pool, transaction};
use crate::error::AppError;

/// Most transactions committed together.
const BATCH_MAX: usize = 256;
/// Writes waiting beyond this make callers wait before queueing (back-pressure).
const QUEUE_DEPTH: usize = 4096;

/// How a batch ended, told to each of its jobs.
type Outcome<'a> = Result<(), &'a str>;
/// Run by the writer inside the batch transaction; returns what to do once the batch ended,
/// and whether the batch's transaction is still there for the jobs after it.
type Run = Box<dyn FnOnce(&mut AnyConnection) -> (Finish, Usable) + Send>;
/// A queued write, and whether it changes anything a reader is shown (see `Db::write_bookkeeping`).
struct Job {
    run: Run,
    seen: bool,
}
type Usable = bool;
type Finish = Box<dyn FnOnce(Outcome<'_>) + Send>;

/// The queue in front of the writer thread.
#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer thread on `pool` (the single writer connection). `writes` counts
    /// committed batches, before anyone in them is answered.
    pub fn start(pool: Pool, writes: WriteGeneration) -> anyhow::Result<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE_DEPTH);
        std::thread::Builder::new()
            .name("ideabox-writer".to_owned())
            .spawn(move || writer(pool, queue, writes))?;
        Ok(Self { jobs })
    }

    /// Runs `f` as its own transaction within the next batch; its result once that batch
    /// is durable. `seen`: the write changes what readers are shown, so a committed batch
    /// holding it makes cached pages stale.
    pub async fn write<T, F>(&self, f: F, seen: bool) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let (done, answer) = oneshot::channel();
        let span = tracing::Span::current();
        let run: Run = Box::new(move |conn| {
            let result = span.in_scope(|| in_savepoint(conn, f));
            let usable = !matches!(&result, Err(AppError::Unavailable(m)) if m == BROKEN);
            let finish: Finish = Box::new(move |outcome: Outcome<'_>| {
                let result = match (result, outcome) {
                    (Ok(value), Ok(())) => Ok(value),
                    (Ok(_), Err(reason)) => Err(AppError::Unavailable(reason.to_owned())),
                    (Err(err), _) => Err(err),
                };
                // The caller may have gone (client disconnected): nothing to tell.
                let _ = done.send(result);
            });
            (finish, usable)
        });
        self.jobs
            .send(Job { run, seen })
            .await
            .map_err(|_| AppError::Unavailable("the writer has stopped".to_owned()))?;
        // A job is dropped unrun only when its batch could not start or had already failed.
        answer.await.map_err(|_| {
            AppError::Unavailable("the write could not be run: storage unavailable".to_owned())
        })?
    }
}

/// One job's own transaction: a savepoint inside the batch, released on success and rolled
/// back on error or panic, so a failed job leaves no trace and the others are untouched.
fn in_savepoint<T, F>(conn: &mut AnyConnection, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError>,
{
    type Manager = <AnyConnection as Connection>::TransactionManager;
    Manager::begin_transaction(conn)?;
    let result = catch_unwind(AssertUnwindSafe(|| f(conn))).unwrap_or_else(|_| {
        Err(AppError::internal(anyhow::anyhow!(
            "a write transaction panicked"
        )))
    });
    match result {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(err) => {
            // A savepoint that cannot be rolled back means SQLite has ended the whole
            // transaction itself (full disk, I/O error): the batch cannot commit.
            Manager::rollback_transaction(conn)
                .map_err(|_| AppError::Unavailable(BROKEN.to_owned()))?;
            Err(err)
        }
    }
}

/// Why a batch stopped: its transaction was ended by the database itself.
const BROKEN: &str = "the write transaction was ended by the database";

fn writer(pool: Pool, mut queue: mpsc::Receiver<Job>, writes: WriteGeneration) {
    while let Some(first) = queue.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH_MAX {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&pool, batch, &writes);
    }
}

fn run_batch(pool: &Pool, batch: Vec<Job>, writes: &WriteGeneration) {
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(err) => {
            // Dropped unrun, each caller hears "unavailable"; nothing changed.
            tracing::warn!(error = %err, jobs = batch.len(), "no connection for a write batch");
            return;
        }
    };
    let mut finishers: Vec<Finish> = Vec::with_capacity(batch.len());
    let seen = batch.iter().any(|job| job.seen);
    let committed = transaction(&mut conn, |conn| {
        for job in batch {
            let (finish, usable) = (job.run)(conn);
            finishers.push(finish);
            if !usable {
                // Later jobs would run outside any transaction: they are dropped unrun.
                return Err(AppError::Unavailable(BROKEN.to_owned()));
            }
        }
        Ok(())
    });
    match committed {
        Ok(()) => {
            // Counted before anyone is answered: a reader who was told "done" never gets a
            // page cached from before the change.
            if seen {
                writes.advance(1);
            }
            for finish in finishers {
                finish(Ok(()));
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, jobs = finishers.len(), "a write batch failed to commit");
            let reason = err.to_string();
            for finish in finishers {
                finish(Err(&reason));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    use crate::db::{AnyConnection, Db};
    use crate::error::AppError;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn scratch_db(name: &str) -> Db {
        let db = crate::db::scratch_sqlite(&format!("gc-{name}"));
        db.write_sync(|c| {
            c.batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")?;
            Ok(())
        })
        .unwrap();
        db
    }

    fn rows(db: &Db) -> i64 {
        db.read_sync(|c| {
            Ok(diesel::sql_query("SELECT COUNT(*) AS n FROM t")
                .get_result::<Count>(c)?
                .n)
        })
        .unwrap()
    }

    fn insert(c: &mut AnyConnection, n: i64) -> Result<(), AppError> {
        diesel::sql_query("INSERT INTO t (n) VALUES (?)")
            .bind::<BigInt, _>(n)
            .execute(c)?;
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writes_commit_together_yet_fail_alone() {
        let db = scratch_db("alone");
        let before = db.generation().current();
        let writes = (0..200).map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(move |c| {
                    insert(c, i)?;
                    match i % 10 {
                        // Fails after writing: its row must not stay.
                        3 => Err(AppError::Conflict("error-409")),
                        // Panics after writing: the same, and the writer survives.
                        7 => panic!("a bug in one write"),
                        _ => Ok(i),
                    }
                })
                .await
            })
        });
        let results: Vec<_> = futures_util::future::join_all(writes)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let acknowledged = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(acknowledged, 160);
        assert!(matches!(results[3], Err(AppError::Conflict(_))));
        assert!(matches!(results[7], Err(AppError::Internal(_))));
        assert_eq!(rows(&db), 160, "every acknowledged write, and nothing else");
        let batches = db.generation().current() - before;
        assert!(
            (1..=200).contains(&batches),
            "writes are counted per committed batch: {batches}"
        );
        // The writer still works afterwards.
        db.write(|c| insert(c, 1000)).await.unwrap();
        assert_eq!(rows(&db), 161);
    }

    #[tokio::test]
    async fn a_write_is_visible_to_readers_once_it_is_answered() {
        let db = scratch_db("visible");
        for i in 0..20 {
            db.write(move |c| insert(c, i)).await.unwrap();
            assert_eq!(rows(&db), i + 1);
        }
    }
}
