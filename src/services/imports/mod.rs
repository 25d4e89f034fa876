//! Bulk import of submissions: a CSV, an `.eml` message or an mbox, uploaded from the staff
//! page, the API or the command line, and imported by a background job.
//!
//! The upload is stored in the database in chunks (any instance can run the job, a restart
//! loses nothing), with its SHA-256: the same file imported again into the same consultation
//! adds nothing and answers with the first import's job. The job reads the file twice. The
//! first pass checks every record; a file with any bad record imports nothing and reports
//! every bad record with its line (or message) number, field and reason. The second pass
//! stores the records in order, in small transactions, each marked with the file and line:
//! a job resumed after a restart goes on after the last stored line. Memory stays at a few
//! chunks whatever the file's size.

mod formats;
mod stored;

use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use formats::{ImportFormat, RowError};
use stored::{StoredFile, TextEncoding, detect_encoding};

use crate::db::models::consultations as consultation_rows;
use crate::db::models::imports::{self, CHUNK_BYTES};
use crate::db::models::jobs::JobRow;
use crate::db::models::submitters;
use crate::db::now;
use crate::domain::identity::Identity;
use crate::domain::policy::{self, Actor};
use crate::domain::role::Role;
use crate::domain::submission::{Channel, Submission, SubmissionContext};
use crate::error::AppError;
use crate::services::consultations::load_visible;
use crate::services::context::ServiceContext;
use crate::services::jobs::{self, JobError, JobKind, Progress};
use crate::services::screening::Screen;
use crate::services::submissions::{self, ImportOrigin, Prepared};

/// Records stored per transaction. On SQLite a vote or post waits for the batch that holds
/// the writer: 100 rows are about 22 ms of work (measured: votes p99 34 ms during an import,
/// 58 ms with 250 rows), while fewer rows would pay a commit and a trigram-index flush too
/// often (see BENCHMARKS.md, "Mass submissions").
const BATCH: usize = 100;
/// Rows stored before the planner's statistics are first refreshed; then again each time the
/// rows stored have doubled, and at the end.
const FIRST_STATISTICS_AT: i64 = 5_000;
/// Bad records listed in full in a refused import's result (all are counted).
const ERRORS_LISTED: usize = 1_000;

/// What the job knows of its import.
#[derive(Serialize, Deserialize)]
struct ImportPayload {
    import_id: i64,
    /// The channel of records that name none.
    channel: String,
}

/// An accepted upload: the job that imports it, and whether this very file had already been
/// imported (then the earlier import's job, and nothing new is stored).
#[derive(Clone, Debug, Serialize)]
pub struct Uploaded {
    pub job_id: i64,
    pub import_id: i64,
    pub repeated: bool,
}

/// Stores an upload and queues its import (staff only). `body` is read as it arrives, never
/// held whole; more than `IDEABOX_IMPORT_MAX_MB` is refused with 413 and nothing kept.
#[tracing::instrument(skip_all)]
pub async fn upload<S, B, E>(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    format: ImportFormat,
    default_channel: Option<&str>,
    body: S,
) -> Result<Uploaded, AppError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let actor = identity.user.actor();
    policy::can_record_submissions(&actor)?;
    upload_by(
        ctx,
        actor,
        identity.user.id.0,
        slug,
        format,
        default_channel,
        body,
    )
    .await
}

/// Stores a file given to `ideabox import` and queues its import. Whoever can run the
/// command on the server's machine holds the database itself, so this acts as an
/// administrator; the import and its job are recorded as the command line's system
/// account, not as any staff member.
#[tracing::instrument(skip_all)]
pub async fn upload_from_command_line<S, B, E>(
    ctx: &ServiceContext,
    slug: &str,
    format: ImportFormat,
    default_channel: Option<&str>,
    body: S,
) -> Result<Uploaded, AppError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let user = ctx
        .db
        .write_bookkeeping(|c| Ok(submitters::command_line_account(c, now())?))
        .await?;
    let operator = Actor {
        role: Role::Admin,
        verified: true,
        suspended: false,
    };
    upload_by(ctx, operator, user, slug, format, default_channel, body).await
}

/// Stores an upload by `user`, who may record submissions as `actor`, and queues its import.
async fn upload_by<S, B, E>(
    ctx: &ServiceContext,
    actor: Actor,
    user: i64,
    slug: &str,
    format: ImportFormat,
    default_channel: Option<&str>,
    mut body: S,
) -> Result<Uploaded, AppError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let channel = match default_channel.map(str::trim).filter(|c| !c.is_empty()) {
        None => match format {
            ImportFormat::Csv => Channel::Post,
            ImportFormat::Eml | ImportFormat::Mbox => Channel::Email,
        },
        Some(raw) => {
            Channel::parse(raw).ok_or(AppError::validation("channel", "error-channel-invalid"))?
        }
    };
    let slug = slug.to_owned();
    let placeholder = format!("uploading-{}", uuid::Uuid::new_v4().simple());
    let consultation = ctx
        .db
        .write_bookkeeping(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            submissions::require_receiving(&consultation)?;
            let import = imports::begin(
                c,
                consultation.id,
                format.as_str(),
                &placeholder,
                user,
                now(),
            )?;
            Ok((consultation.id, import))
        })
        .await?;
    let (consultation_id, import) = consultation;
    match store_chunks(ctx, import, &mut body).await {
        Ok((digest, size)) => {
            finish_upload(ctx, consultation_id, import, digest, size, channel, user).await
        }
        Err(err) => {
            // Nothing of a refused or broken upload is kept.
            let _ = ctx
                .db
                .write_bookkeeping(move |c| Ok(imports::discard(c, import)?))
                .await;
            Err(err)
        }
    }
}

async fn store_chunks<S, B, E>(
    ctx: &ServiceContext,
    import: i64,
    body: &mut S,
) -> Result<(String, i64), AppError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let limit = ctx.settings.import_max_bytes;
    let mut digest = Sha256::new();
    let mut size: u64 = 0;
    let mut seq = 0_i32;
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK_BYTES);
    while let Some(piece) = body.next().await {
        let piece = piece.map_err(|e| {
            if e.to_string().contains("timed out") {
                AppError::RequestTimeout
            } else {
                AppError::BadRequest("error-400")
            }
        })?;
        let piece = piece.as_ref();
        size += piece.len() as u64;
        if size > limit {
            return Err(AppError::PayloadTooLarge);
        }
        digest.update(piece);
        let mut rest: &[u8] = piece;
        while !rest.is_empty() {
            let room = CHUNK_BYTES - buffer.len();
            let take = room.min(rest.len());
            buffer.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if buffer.len() == CHUNK_BYTES {
                let full = std::mem::replace(&mut buffer, Vec::with_capacity(CHUNK_BYTES));
                write_chunk(ctx, import, seq, full).await?;
                seq += 1;
            }
        }
    }
    if size == 0 {
        return Err(AppError::validation("file", "error-import-empty"));
    }
    if !buffer.is_empty() {
        write_chunk(ctx, import, seq, buffer).await?;
    }
    let digest: String = digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((digest, size as i64))
}

async fn write_chunk(
    ctx: &ServiceContext,
    import: i64,
    seq: i32,
    data: Vec<u8>,
) -> Result<(), AppError> {
    // The stored file is shown nowhere; only the import's result is.
    ctx.db
        .write_bookkeeping(move |c| Ok(imports::add_chunk(c, import, seq, &data).map(|_| ())?))
        .await
}

async fn finish_upload(
    ctx: &ServiceContext,
    consultation: i64,
    import: i64,
    digest: String,
    size: i64,
    channel: Channel,
    user: i64,
) -> Result<Uploaded, AppError> {
    let uploaded = ctx
        .db
        .write(move |c| {
            if let Some(earlier) = imports::find_by_digest(c, consultation, &digest)? {
                imports::discard(c, import)?;
                let job_id = earlier.job_id.ok_or(AppError::Conflict("error-409"))?;
                return Ok(Uploaded {
                    job_id,
                    import_id: earlier.id,
                    repeated: true,
                });
            }
            let payload = serde_json::to_value(ImportPayload {
                import_id: import,
                channel: channel.as_str().to_owned(),
            })
            .map_err(AppError::internal)?;
            let job_id = jobs::enqueue(
                c,
                JobKind::Import,
                Some(consultation),
                None,
                &payload,
                Some(user),
                chrono::Duration::zero(),
            )?;
            imports::complete(c, import, &digest, size, job_id)?;
            Ok(Uploaded {
                job_id,
                import_id: import,
                repeated: false,
            })
        })
        .await?;
    ctx.jobs.wake();
    tracing::info!(
        import = uploaded.import_id,
        job = uploaded.job_id,
        repeated = uploaded.repeated,
        size,
        "submissions uploaded"
    );
    Ok(uploaded)
}

/// A refused import's bad records, as the job's result shows them.
#[derive(Serialize)]
struct ErrorEntry {
    line: i64,
    field: String,
    code: &'static str,
    detail: String,
}

/// The job: checks every record, then stores them all (or none).
pub fn run(ctx: &ServiceContext, job: &JobRow, progress: &mut Progress) -> Result<Value, JobError> {
    let payload: ImportPayload =
        serde_json::from_str(&job.payload).map_err(|e| JobError::App(AppError::internal(e)))?;
    let import_id = payload.import_id;
    let default_channel = Channel::parse(&payload.channel).unwrap_or(Channel::Post);
    let (file, consultation, sections, screen, intake) = ctx.db.write_sync(|c| {
        let file = imports::find(c, import_id)?.ok_or(AppError::NotFound)?;
        let consultation = consultation_rows::find(c, file.consultation_id)?;
        let sections = submissions::section_keys(c, consultation.id)?;
        let screen = Screen::load(c, consultation.premoderation)?;
        let intake = submitters::intake_account(c, now())?;
        Ok((file, consultation, sections, screen, intake))
    })?;
    let format = ImportFormat::parse(&file.format).ok_or_else(|| {
        JobError::App(AppError::internal(anyhow::anyhow!("unknown import format")))
    })?;
    let reader = || StoredFile::new(ctx.db.clone(), import_id);
    let encoding = match format {
        ImportFormat::Csv => {
            detect_encoding(reader()).map_err(|e| JobError::App(AppError::internal(e)))?
        }
        // Mail says its own charsets, part by part.
        ImportFormat::Eml | ImportFormat::Mbox => TextEncoding::Utf8,
    };
    let recorded_by = file.created_by.unwrap_or(intake);
    let lang = ctx.settings.default_language;
    let context = |at| SubmissionContext {
        default_channel,
        sections: &sections,
        timezone: ctx.settings.timezone,
        now: at,
    };

    // First pass: every record is checked before anything is stored.
    let started = now();
    let mut errors: Vec<ErrorEntry> = Vec::new();
    let mut error_count = 0_usize;
    let mut total = 0_i64;
    formats::read_records(format, reader(), encoding, |record| {
        total += 1;
        let problems: Vec<RowError> = match record {
            Err(e) => vec![e],
            Ok((line, raw)) => match Submission::parse(&raw.borrowed(), &context(started)) {
                Ok(_) => Vec::new(),
                Err(fields) => fields
                    .iter()
                    .map(|f| RowError {
                        line,
                        field: f.field.to_owned(),
                        code: f.code,
                    })
                    .collect(),
            },
        };
        for p in problems {
            error_count += 1;
            if errors.len() < ERRORS_LISTED {
                errors.push(ErrorEntry {
                    detail: crate::i18n::text(lang, p.code),
                    line: p.line,
                    field: p.field,
                    code: p.code,
                });
            }
        }
        progress.report(0, total, false)
    })?;
    if error_count > 0 {
        return Err(JobError::Refused(json!({
            "imported": 0,
            "error_count": error_count,
            "errors": errors,
        })));
    }
    progress.report(0, total, true)?;

    // Second pass: store, in order, after whatever an earlier run of this job stored.
    let resume_after = ctx
        .db
        .read_sync(|c| Ok(imports::last_imported_line(c, import_id)?))?
        .unwrap_or(0);
    let mut writer = BatchWriter {
        ctx,
        consultation: consultation.id,
        intake,
        recorded_by,
        in_flight: None,
        written: 0,
    };
    let mut batch: Vec<Prepared> = Vec::with_capacity(BATCH);
    let mut skipped = 0_i64;
    let mut statistics_at = FIRST_STATISTICS_AT;
    let reading = formats::read_records(format, reader(), encoding, |record| {
        let Ok((line, raw)) = record else {
            return Ok(());
        };
        if line <= resume_after {
            skipped += 1;
            return Ok(());
        }
        // Checked in the first pass; received times default to the time of that pass.
        let Ok(submission) = Submission::parse(&raw.borrowed(), &context(started)) else {
            return Ok(());
        };
        let origin = ImportOrigin {
            import: import_id,
            line,
        };
        batch.push(submissions::prepare(&screen, submission, Some(origin)));
        if batch.len() >= BATCH {
            let written = writer.send(std::mem::take(&mut batch))?;
            if written >= statistics_at {
                refresh_statistics(ctx)?;
                statistics_at = written * 2;
            }
            progress.report(skipped + written, total, false)?;
        }
        Ok::<(), JobError>(())
    });
    // Whatever happened, the batch being written is waited for before the job answers.
    let written = match reading {
        Ok(()) => writer.send(batch).and_then(|_| writer.wait()),
        Err(err) => {
            let _ = writer.wait();
            Err(err)
        }
    }?;
    if written > 0 {
        refresh_statistics(ctx)?;
    }
    progress.report(skipped + written, total, true)?;
    let consultation_id = consultation.id;
    ctx.db
        .write_sync(|c| submissions::regroup_soon(c, consultation_id).map(|_| ()))?;
    ctx.jobs.wake();
    tracing::info!(import = import_id, imported = total, "submissions imported");
    Ok(json!({ "imported": total, "import_id": import_id }))
}

/// Stores an import's batches one after another through the same write queue as the site's
/// own writes (so that on SQLite an import takes turns with votes and posts instead of
/// holding the writer), while the job's thread prepares the next batch.
struct BatchWriter<'a> {
    ctx: &'a ServiceContext,
    consultation: i64,
    intake: i64,
    recorded_by: i64,
    /// The batch being written and its size.
    in_flight: Option<(tokio::task::JoinHandle<Result<(), AppError>>, i64)>,
    /// Rows stored so far by this run of the job.
    written: i64,
}

impl BatchWriter<'_> {
    /// Waits for the batch before, then hands `rows` to the writer; returns the rows stored.
    fn send(&mut self, rows: Vec<Prepared>) -> Result<i64, JobError> {
        let written = self.wait()?;
        if rows.is_empty() {
            return Ok(written);
        }
        let count = rows.len() as i64;
        let db = self.ctx.db.clone();
        let (consultation, intake, recorded_by) =
            (self.consultation, self.intake, self.recorded_by);
        let write = async move {
            db.write(move |c| {
                submissions::insert_prepared(c, consultation, intake, recorded_by, &rows)
                    .map(|_| ())
            })
            .await
        };
        self.in_flight = Some((tokio::runtime::Handle::current().spawn(write), count));
        Ok(written)
    }

    /// Waits for the batch being written; returns the rows stored.
    fn wait(&mut self) -> Result<i64, JobError> {
        if let Some((write, count)) = self.in_flight.take() {
            tokio::runtime::Handle::current()
                .block_on(write)
                .map_err(|e| JobError::App(AppError::internal(e)))??;
            self.written += count;
        }
        Ok(self.written)
    }
}

/// Refreshes the planner's statistics of the tables being filled, so that the site's own
/// queries stay planned for the table's real size while an import grows it.
fn refresh_statistics(ctx: &ServiceContext) -> Result<(), AppError> {
    ctx.db
        .write_bookkeeping_sync(|c| Ok(imports::refresh_statistics(c)?))
}

/// The receipts of an import's lines, in order (for the job's result).
pub async fn receipts(ctx: &ServiceContext, import: i64) -> Result<Vec<(i64, String)>, AppError> {
    ctx.db
        .read(move |c| Ok(imports::receipts(c, import)?))
        .await
}
