//! `ideabox import`: files of submissions brought in from the server's own machine.
//!
//! Each file is stored and queued through the same service as an upload over the API, and
//! this process then runs the job itself (`jobs::run_here`). The job's lease makes that
//! safe beside a running server on the same database: whichever claims the job first runs
//! it, and the other follows its progress (a server's worker looks for due jobs every two
//! seconds, so the command line usually wins the claim; if it stops, the job goes back to
//! the queue and a server resumes it).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::Stream;
use serde_json::Value;
use tokio::sync::watch;

use crate::http::state::AppState;
use crate::services::imports::{self, ImportFormat};
use crate::services::jobs::{self, JobView};

/// Arguments of `ideabox import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// The consultation's slug.
    #[arg(long, value_name = "SLUG")]
    consultation: String,
    /// The channel of records that name none (email, post, fax, event, web); by default
    /// `post` for CSV and `email` for mail.
    #[arg(long)]
    channel: Option<String>,
    /// The files' format, when their names do not say it (.csv, .eml, .mbox); otherwise
    /// read from the name, then from the first bytes.
    #[arg(long, value_parser = parse_format)]
    format: Option<ImportFormat>,
    /// Write every imported line's receipt number to this CSV (file,line,receipt), so that
    /// staff can write the number on the paper letter.
    #[arg(long, value_name = "FILE")]
    receipts: Option<PathBuf>,
    /// CSV, .eml or mbox files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

fn parse_format(raw: &str) -> Result<ImportFormat, String> {
    ImportFormat::parse(&raw.to_ascii_lowercase()).ok_or_else(|| "expected csv, eml or mbox".into())
}

/// How one file ended.
enum Outcome {
    Imported {
        count: i64,
        receipts: Vec<(i64, String)>,
    },
    Refused,
}

/// Imports every file in turn; an error in one file does not stop the others. Fails (exit
/// status 1) when any file was refused or could not be imported.
pub async fn run(state: &AppState, args: ImportArgs) -> anyhow::Result<()> {
    let handlers = crate::services::job_handlers::all();
    let (stop, stopped) = watch::channel(false);
    // Ctrl-C puts the job back in the queue (resumable) instead of leaving its lease held.
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = stop.send(true);
        }
    });
    let mut receipts_out = match &args.receipts {
        Some(path) => {
            let mut file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(file, "file,line,receipt")?;
            Some(file)
        }
        None => None,
    };
    let mut failed = 0_usize;
    let mut imported_total = 0_i64;
    for path in &args.files {
        let shown = path.display().to_string();
        match import_one(state, &args, path, &handlers, stopped.clone()).await {
            Ok(Outcome::Imported { count, receipts }) => {
                imported_total += count;
                if let Some(out) = receipts_out.as_mut() {
                    for (line, receipt) in &receipts {
                        writeln!(out, "{},{line},{receipt}", csv_field(&shown))?;
                    }
                }
            }
            Ok(Outcome::Refused) => failed += 1,
            Err(err) => {
                failed += 1;
                eprintln!("{shown}: {err:#}");
            }
        }
    }
    if let (Some(out), Some(path)) = (receipts_out.as_mut(), &args.receipts) {
        out.flush()?;
        println!("receipts written to {}", path.display());
    }
    if args.files.len() > 1 {
        println!(
            "{} file(s): {} submissions imported, {failed} file(s) not imported",
            args.files.len(),
            imported_total
        );
    }
    if failed > 0 {
        anyhow::bail!("{failed} file(s) not imported");
    }
    Ok(())
}

async fn import_one(
    state: &AppState,
    args: &ImportArgs,
    path: &Path,
    handlers: &jobs::Handlers,
    stopped: watch::Receiver<bool>,
) -> anyhow::Result<Outcome> {
    let shown = path.display().to_string();
    let format = match args.format {
        Some(format) => format,
        None => detect_format(path)?,
    };
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {shown}"))?;
    let uploaded = imports::upload_from_command_line(
        state,
        &args.consultation,
        format,
        args.channel.as_deref(),
        file_chunks(file),
    )
    .await
    .map_err(super::describe)?;
    if uploaded.repeated {
        println!(
            "{shown}: already imported (job {}); nothing added",
            uploaded.job_id
        );
    }
    let job = follow(state, handlers, uploaded.job_id, &shown, stopped).await?;
    match job.status.as_str() {
        "done" => {
            let count = job
                .result
                .as_ref()
                .and_then(|r| r.get("imported"))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let receipts = imports::receipts(state, uploaded.import_id)
                .await
                .map_err(super::describe)?;
            if !uploaded.repeated {
                println!(
                    "{shown}: {count} submission(s) imported (job {})",
                    uploaded.job_id
                );
            }
            if args.receipts.is_none() {
                println!(
                    "{shown}: receipts in GET /api/v1/jobs/{} (or run again with --receipts FILE)",
                    uploaded.job_id
                );
            }
            Ok(Outcome::Imported { count, receipts })
        }
        _ => {
            report_refusal(&shown, &job);
            Ok(Outcome::Refused)
        }
    }
}

/// Prints every listed bad record as `FILE:LINE: FIELD: reason (code)`, to standard error.
fn report_refusal(shown: &str, job: &JobView) {
    let result = job.result.as_ref();
    let errors = result
        .and_then(|r| r.get("errors"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if errors.is_empty() {
        let why = job.error.as_deref().unwrap_or("the import failed");
        eprintln!("{shown}: not imported: {why}");
        return;
    }
    for e in &errors {
        eprintln!(
            "{shown}:{}: {}: {} ({})",
            e.get("line").and_then(Value::as_i64).unwrap_or(0),
            e.get("field").and_then(Value::as_str).unwrap_or(""),
            e.get("detail").and_then(Value::as_str).unwrap_or(""),
            e.get("code").and_then(Value::as_str).unwrap_or(""),
        );
    }
    let count = result
        .and_then(|r| r.get("error_count"))
        .and_then(Value::as_u64)
        .unwrap_or(errors.len() as u64);
    if count > errors.len() as u64 {
        eprintln!("{shown}: … and {} more", count - errors.len() as u64);
    }
    eprintln!("{shown}: {count} bad record(s); nothing imported");
}

/// Runs the job here (or waits for the instance that holds it), showing its progress.
async fn follow(
    state: &AppState,
    handlers: &jobs::Handlers,
    id: i64,
    shown: &str,
    stopped: watch::Receiver<bool>,
) -> anyhow::Result<JobView> {
    let mut bar = ProgressLine::new(shown, std::io::stdout().is_terminal());
    let runner = jobs::run_here(state, handlers, id, stopped);
    tokio::pin!(runner);
    let mut ticker = tokio::time::interval(Duration::from_millis(200));
    loop {
        tokio::select! {
            ended = &mut runner => {
                let job = ended.map_err(super::describe)?;
                bar.finish(&job);
                return Ok(job);
            }
            _ = ticker.tick() => {
                if let Ok(job) = jobs::find(state, id).await {
                    bar.show(&job);
                }
            }
        }
    }
}

/// A progress line: redrawn in place on a terminal, a plain line every few seconds
/// otherwise (logs, pipes).
struct ProgressLine {
    name: String,
    terminal: bool,
    last_plain: Option<Instant>,
    drawn: bool,
}

impl ProgressLine {
    fn new(name: &str, terminal: bool) -> Self {
        ProgressLine {
            name: name.to_owned(),
            terminal,
            last_plain: None,
            drawn: false,
        }
    }

    fn text(&self, job: &JobView) -> String {
        let (done, total) = (job.progress.done, job.progress.total);
        match job.status.as_str() {
            "queued" => format!("{}: waiting for a worker", self.name),
            // The first pass counts the records as it checks them: no end is known yet.
            "running" if done == 0 => format!("{}: checking {total} record(s)", self.name),
            _ => {
                let share = if total > 0 { done * 100 / total } else { 100 };
                let filled = (share as usize * 30 / 100).min(30);
                format!(
                    "{}: [{}{}] {done}/{total} {share:>3}%",
                    self.name,
                    "#".repeat(filled),
                    "-".repeat(30 - filled)
                )
            }
        }
    }

    fn show(&mut self, job: &JobView) {
        let text = self.text(job);
        let mut out = std::io::stdout().lock();
        if self.terminal {
            // \x1b[K clears what a longer previous line left.
            let _ = write!(out, "\r{text}\x1b[K");
            let _ = out.flush();
            self.drawn = true;
        } else if self
            .last_plain
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(5))
        {
            let _ = writeln!(out, "{text}");
            self.last_plain = Some(Instant::now());
        }
    }

    fn finish(&mut self, job: &JobView) {
        if self.terminal && self.drawn {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r{}\x1b[K\r\n", self.text(job));
            let _ = out.flush();
        }
    }
}

/// The format from the file's name, else from its first bytes.
fn detect_format(path: &Path) -> anyhow::Result<ImportFormat> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if let Some(format) = ImportFormat::of_file_name(name) {
        return Ok(format);
    }
    let mut head = [0_u8; 4096];
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let read = file.read(&mut head)?;
    Ok(ImportFormat::of_content(&head[..read]))
}

/// The file as a stream of pieces, each read on the blocking pool: never held whole.
fn file_chunks(file: std::fs::File) -> impl Stream<Item = Result<Vec<u8>, std::io::Error>> + Unpin {
    const PIECE: usize = 256 * 1024;
    Box::pin(futures_util::stream::unfold(
        Some(file),
        |file| async move {
            let mut file = file?;
            let read = tokio::task::spawn_blocking(move || {
                let mut piece = vec![0_u8; PIECE];
                let n = file.read(&mut piece)?;
                piece.truncate(n);
                Ok::<_, std::io::Error>((file, piece))
            })
            .await
            .map_err(std::io::Error::other);
            match read {
                Ok(Ok((_, piece))) if piece.is_empty() => None,
                Ok(Ok((file, piece))) => Some((Ok(piece), Some(file))),
                Ok(Err(err)) | Err(err) => Some((Err(err), None)),
            }
        },
    ))
}

/// A CSV field, quoted when it needs to be.
fn csv_field(raw: &str) -> String {
    if raw.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", raw.replace('"', "\"\""))
    } else {
        raw.to_owned()
    }
}
