//! Background jobs: long work (imports, regrouping campaigns, topics, detection) that runs
//! outside any request, survives restarts and runs once across instances.
//!
//! A job is a row (`jobs`). Each instance runs a worker that claims one due job at a time
//! with a lease, runs its handler on the blocking pool, and records the outcome. The handler
//! reports progress through `Progress`, which also renews the lease; a job whose instance
//! dies is claimed again once its lease runs out, and its handler resumes from what it
//! stored (handlers make every step idempotent). Handlers are registered by kind at start-up
//! (`Handlers`), so this module knows no job's content.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::watch;

use crate::db::models::jobs::{self, JobRow, NewJob};
use crate::db::{AnyConnection, now};
use crate::domain::identity::Identity;
use crate::domain::policy;
use crate::error::AppError;
use crate::services::context::ServiceContext;
pub use crate::services::job_queue::JobQueue;

/// How long a claimed job is reserved for its instance without news of it.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// Progress is written at most this often (each write renews the lease).
const PROGRESS_EVERY: Duration = Duration::from_millis(500);
/// How often an idle worker looks for due jobs (new jobs on this instance wake it at once).
const POLL: Duration = Duration::from_secs(2);
/// A job claimed this many times without finishing is given up (its handler keeps failing
/// or its instance keeps dying with it).
const MAX_ATTEMPTS: i32 = 5;
/// A transient failure (the database away) puts the job back for this long.
const RETRY_AFTER: chrono::Duration = chrono::Duration::seconds(10);

/// The kinds of work, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Bringing a file of submissions in.
    Import,
    /// Grouping a consultation's submissions into campaigns again.
    Regroup,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Import => "import",
            Self::Regroup => "regroup",
        }
    }

    fn parse(raw: &str) -> Option<JobKind> {
        [Self::Import, Self::Regroup]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// Why a handler stopped.
#[derive(Debug)]
pub enum JobError {
    /// The job cannot succeed (bad input): it ends as failed with this result.
    Refused(Value),
    /// The lease passed to another instance: this one stops without recording anything.
    LeaseLost,
    /// This instance is stopping: the job goes back to the queue at once, for this or
    /// another instance to resume, instead of waiting for its lease to run out.
    Interrupted,
    /// Something went wrong that may not next time (the database away).
    App(AppError),
}

impl From<AppError> for JobError {
    fn from(err: AppError) -> Self {
        JobError::App(err)
    }
}

impl From<diesel::result::Error> for JobError {
    fn from(err: diesel::result::Error) -> Self {
        JobError::App(err.into())
    }
}

/// A job's handler: runs on the blocking pool, returns the job's result.
pub type Handler = fn(&ServiceContext, &JobRow, &mut Progress) -> Result<Value, JobError>;

/// The handlers of each kind, registered at start-up.
#[derive(Clone, Default)]
pub struct Handlers(HashMap<&'static str, Handler>);

impl Handlers {
    pub fn with(mut self, kind: JobKind, handler: Handler) -> Self {
        self.0.insert(kind.as_str(), handler);
        self
    }
}

/// Where a running job stands, reported by its handler; renews the lease as it goes.
pub struct Progress {
    ctx: ServiceContext,
    job: i64,
    held_until: NaiveDateTime,
    last_write: Option<Instant>,
    stopped: watch::Receiver<bool>,
    pub done: i64,
    pub total: i64,
}

impl Progress {
    /// Records `done` of `total` (written at most every `PROGRESS_EVERY`, or at once with
    /// `force`); `LeaseLost` when another instance holds the job now.
    pub fn report(&mut self, done: i64, total: i64, force: bool) -> Result<(), JobError> {
        self.done = done;
        self.total = total;
        if *self.stopped.borrow() {
            return Err(JobError::Interrupted);
        }
        if !force
            && self
                .last_write
                .is_some_and(|t| t.elapsed() < PROGRESS_EVERY)
        {
            return Ok(());
        }
        let lease = now() + LEASE;
        let (job, held) = (self.job, self.held_until);
        let kept = self.ctx.db.write_bookkeeping_sync(|c| {
            Ok(jobs::report_progress(c, job, held, lease, done, total)?)
        })?;
        if !kept {
            return Err(JobError::LeaseLost);
        }
        self.held_until = lease;
        self.last_write = Some(Instant::now());
        Ok(())
    }
}

/// A job as the API and the pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct JobView {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub progress: JobProgress,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    /// The handler's result once done (or the refusal, once failed).
    pub result: Option<Value>,
    pub error: Option<String>,
    #[serde(skip)]
    pub consultation_id: Option<i64>,
    #[serde(skip)]
    pub created_by: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct JobProgress {
    pub done: i64,
    pub total: i64,
}

impl JobView {
    pub fn of(row: JobRow) -> JobView {
        JobView {
            id: row.id,
            kind: row.kind,
            // A claimed job whose lease ran out is still the queue's to run.
            status: row.status,
            progress: JobProgress {
                done: row.progress_done,
                total: row.progress_total,
            },
            created_at: row.created_at,
            finished_at: row.finished_at,
            result: row
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
            error: row.error,
            consultation_id: row.consultation_id,
            created_by: row.created_by,
        }
    }
}

/// Queues a job inside the caller's transaction. With a `dedupe_key`, a job of that key that
/// is still queued stands for this one. `delay` lets a burst of arrivals coalesce.
pub fn enqueue(
    conn: &mut AnyConnection,
    kind: JobKind,
    consultation: Option<i64>,
    dedupe_key: Option<&str>,
    payload: &Value,
    created_by: Option<i64>,
    delay: chrono::Duration,
) -> Result<i64, AppError> {
    let at = now();
    let payload = payload.to_string();
    Ok(jobs::enqueue(
        conn,
        &NewJob {
            kind: kind.as_str(),
            consultation_id: consultation,
            dedupe_key,
            payload: &payload,
            progress_total: 0,
            created_by,
            created_at: at,
            run_after: at + delay,
        },
    )?)
}

/// A job by id (the caller checks who may see it).
#[tracing::instrument(skip_all)]
pub async fn find(ctx: &ServiceContext, id: i64) -> Result<JobView, AppError> {
    ctx.db
        .read(move |c| {
            jobs::find(c, id)?
                .map(JobView::of)
                .ok_or(AppError::NotFound)
        })
        .await
}

/// Queues the regrouping of a consultation's campaigns after `delay`; while one is pending,
/// the same job is returned (one regrouping at a time per consultation).
pub fn queue_regroup(
    conn: &mut AnyConnection,
    consultation: i64,
    by: Option<i64>,
    delay: chrono::Duration,
) -> Result<i64, AppError> {
    enqueue(
        conn,
        JobKind::Regroup,
        Some(consultation),
        Some(&format!("regroup:{consultation}")),
        &serde_json::json!({}),
        by,
        delay,
    )
}

/// A job as the person asking may see it: staff see every job, anyone else only their own
/// (and, to them, every other job does not exist).
#[tracing::instrument(skip_all)]
pub async fn find_for(
    ctx: &ServiceContext,
    identity: &Identity,
    id: i64,
) -> Result<JobView, AppError> {
    let job = find(ctx, id).await?;
    let staff = policy::can_record_submissions(&identity.user.actor()).is_ok();
    if !staff && job.created_by != Some(identity.user.id.0) {
        return Err(AppError::NotFound);
    }
    Ok(job)
}

/// Runs due jobs until `stopped` says so: one at a time, each on the blocking pool.
pub async fn run_worker(
    ctx: ServiceContext,
    handlers: Handlers,
    queue: JobQueue,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        if *stopped.borrow() {
            break;
        }
        let ran = match claim(&ctx).await {
            Ok(Some(job)) => {
                run_one(&ctx, &handlers, job, stopped.clone()).await;
                true
            }
            Ok(None) => false,
            Err(err) => {
                tracing::warn!(error = %err, "could not claim a job");
                false
            }
        };
        if ran {
            continue;
        }
        tokio::select! {
            _ = queue.woken() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stopped.changed() => break,
        }
    }
}

async fn claim(ctx: &ServiceContext) -> Result<Option<JobRow>, AppError> {
    ctx.db
        .write_bookkeeping(|c| {
            let at = now();
            Ok(jobs::claim_next(c, at, at + LEASE)?)
        })
        .await
}

/// Runs one job here until it ends, and answers how it ended: claims it when nobody holds
/// it (so a job runs once even with a server on the same database), and otherwise waits for
/// the instance that holds it, taking over if that instance's lease runs out. For callers
/// that want a particular job done now: the command line and the demo data.
pub async fn run_here(
    ctx: &ServiceContext,
    handlers: &Handlers,
    id: i64,
    stopped: watch::Receiver<bool>,
) -> Result<JobView, AppError> {
    loop {
        let claimed = ctx
            .db
            .write_bookkeeping(move |c| {
                let at = now();
                Ok(jobs::claim_by_id(c, id, at, at + LEASE)?)
            })
            .await?;
        if let Some(job) = claimed {
            run_one(ctx, handlers, job, stopped.clone()).await;
        }
        let view = find(ctx, id).await?;
        if view.status == "done" || view.status == "failed" {
            return Ok(view);
        }
        if *stopped.borrow() {
            return Err(AppError::Unavailable(
                "stopped before the job ended".to_owned(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn run_one(
    ctx: &ServiceContext,
    handlers: &Handlers,
    job: JobRow,
    stopped: watch::Receiver<bool>,
) {
    let Some(handler) = JobKind::parse(&job.kind).and_then(|k| handlers.0.get(k.as_str()).copied())
    else {
        tracing::error!(job = job.id, kind = %job.kind, "no handler for this kind of job");
        end(
            ctx,
            &job,
            job.locked_until,
            "failed",
            None,
            Some("unknown kind of job"),
        )
        .await;
        return;
    };
    if job.attempts > MAX_ATTEMPTS {
        tracing::error!(job = job.id, attempts = job.attempts, "giving up on a job");
        end(
            ctx,
            &job,
            job.locked_until,
            "failed",
            None,
            Some("gave up after repeated attempts"),
        )
        .await;
        return;
    }
    let Some(held_until) = job.locked_until else {
        return;
    };
    let span = tracing::info_span!("job", job = job.id, kind = %job.kind);
    let task_ctx = ctx.clone();
    let outcome = crate::db::run_blocking(move || {
        let _entered = span.enter();
        let mut progress = Progress {
            ctx: task_ctx.clone(),
            job: job.id,
            held_until,
            last_write: None,
            stopped,
            done: job.progress_done,
            total: job.progress_total,
        };
        let result = handler(&task_ctx, &job, &mut progress);
        Ok((
            job,
            progress.held_until,
            progress.done,
            progress.total,
            result,
        ))
    })
    .await;
    let Ok((job, held, done, total, result)) = outcome else {
        tracing::error!("a job's task ended without an answer");
        return;
    };
    match result {
        Ok(value) => {
            let _ = record_final_progress(ctx, job.id, held, done, total).await;
            end(ctx, &job, Some(held), "done", Some(value.to_string()), None).await;
        }
        Err(JobError::Refused(value)) => {
            end(
                ctx,
                &job,
                Some(held),
                "failed",
                Some(value.to_string()),
                None,
            )
            .await;
        }
        Err(JobError::LeaseLost) => {
            tracing::warn!(job = job.id, "another instance took the job over");
        }
        Err(JobError::Interrupted) => {
            let id = job.id;
            let released = ctx
                .db
                .write_bookkeeping(move |c| Ok(jobs::release(c, id, held, now())?))
                .await;
            tracing::info!(job = id, released = ?released, "job put back in the queue on stopping");
        }
        Err(JobError::App(err @ AppError::Unavailable(_))) => {
            tracing::warn!(job = job.id, error = %err, "job interrupted; it will run again");
            let id = job.id;
            let again = now() + RETRY_AFTER;
            let _ = ctx
                .db
                .write_bookkeeping(move |c| {
                    use crate::db::schema::jobs as j;
                    use diesel::prelude::*;
                    diesel::update(j::table.find(id).filter(j::locked_until.eq(held)))
                        .set((j::status.eq("queued"), j::run_after.eq(again)))
                        .execute(c)?;
                    Ok(())
                })
                .await;
        }
        Err(JobError::App(err)) => {
            tracing::error!(job = job.id, error = ?err, "job failed");
            end(
                ctx,
                &job,
                Some(held),
                "failed",
                None,
                Some("the job failed; see the server log"),
            )
            .await;
        }
    }
}

async fn record_final_progress(
    ctx: &ServiceContext,
    id: i64,
    held: NaiveDateTime,
    done: i64,
    total: i64,
) -> Result<bool, AppError> {
    ctx.db
        .write_bookkeeping(move |c| Ok(jobs::report_progress(c, id, held, held, done, total)?))
        .await
}

async fn end(
    ctx: &ServiceContext,
    job: &JobRow,
    held: Option<NaiveDateTime>,
    status: &'static str,
    result: Option<String>,
    error: Option<&'static str>,
) {
    let Some(held) = held else {
        return;
    };
    let id = job.id;
    // The outcome is something readers see (a page shows the job): a seen write.
    let written = ctx
        .db
        .write(move |c| {
            Ok(jobs::finish(
                c,
                id,
                held,
                status,
                result.as_deref(),
                error,
                now(),
            )?)
        })
        .await;
    match written {
        Ok(true) => tracing::info!(job = id, status, "job ended"),
        Ok(false) => tracing::warn!(job = id, "the job's lease had passed to another instance"),
        Err(err) => tracing::error!(job = id, error = %err, "could not record a job's end"),
    }
}
