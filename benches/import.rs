//! Mass submissions benchmark: a 200,000-row CSV imported over the API into the release
//! server, on SQLite and on PostgreSQL, then the consultation regrouped from scratch.
//!
//! ```text
//! cargo build --release
//! cargo bench --bench import                         # both databases, 200,000 rows
//! cargo bench --bench import -- --backend sqlite     # one database
//! cargo bench --bench import -- --rows 20000         # a smaller file
//! ```
//!
//! The file comes from the synthetic consultation generator (`dev::synthetic_campaigns`):
//! copies of about 50 form letters (verbatim, with personal additions, width, punctuation
//! and small edits), short one-line opinions and unique opinions, received by post, some
//! signed. The server is `target/release/ideabox serve` on loopback; its resident memory is
//! sampled from `/proc/PID/status` every 50 ms and its peak (`VmHWM`) read at the end.
//! Beside the import, a probe sends the site's own traffic at a steady pace (a signed-in idea
//! list every 100 ms, a vote that changes every 200 ms), 10 s with the server idle, through
//! the import, and 10 s idle after it, and prints the latencies of the three phases.
//! PostgreSQL is reached at `IDEABOX_BENCH_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), where a scratch database is made with
//! `psql` and dropped afterwards (kept for a look when `IDEABOX_BENCH_KEEP` is set).

use std::io::{BufRead, BufWriter, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ideabox::dev::synthetic_campaigns::{Config, generate};
use serde_json::{Value, json};

const ADMIN_EMAIL: &str = "bench-admin@example.org";
const ADMIN_PASSWORD: &str = "bench password 2026";
const SLUG: &str = "digital-transformation-plan";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let rows: usize = option("--rows").map_or(200_000, |r| r.parse().expect("--rows N"));
    let backends: Vec<String> = match option("--backend") {
        Some(one) => vec![one],
        None => vec!["sqlite".into(), "postgres".into()],
    };
    let binary = release_binary();
    let scratch = tempfile::tempdir().expect("scratch folder");
    let csv = scratch.path().join("submissions.csv");
    let started = Instant::now();
    write_csv(&csv, rows);
    let size = std::fs::metadata(&csv).unwrap().len();
    println!(
        "generated {rows} rows ({:.1} MB) in {:.1} s",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    for backend in backends {
        let run = run_backend(&binary, &backend, scratch.path(), &csv, rows);
        println!(
            "{backend}: import {:.1} s (upload {:.1} s), {} imported; peak RSS {:.0} MB \
             (sampled {:.0} MB); regroup {:.1} s: {} submissions, {} distinct texts, \
             {} campaigns, {} in campaigns",
            run.import_seconds,
            run.upload_seconds,
            run.imported,
            run.peak_rss_kb as f64 / 1024.0,
            run.sampled_rss_kb as f64 / 1024.0,
            run.regroup_seconds,
            run.ledger["submissions"],
            run.ledger["distinct_texts"],
            run.ledger["campaign_count"],
            run.ledger["in_campaigns"],
        );
        run.probed.print(&backend);
    }
}

struct Run {
    upload_seconds: f64,
    import_seconds: f64,
    imported: i64,
    peak_rss_kb: u64,
    sampled_rss_kb: u64,
    regroup_seconds: f64,
    probed: Probed,
    ledger: Value,
}

fn release_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let binary = target.join("release").join("ideabox");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build --release` first",
        binary.display()
    );
    binary
}

/// The synthetic consultation as an import CSV: every row by post, one in twenty signed.
fn write_csv(path: &Path, rows: usize) {
    let consultation = generate(Config {
        submissions: rows,
        seed: 2026,
    });
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "channel,received_at,submitter_name,submitter_email,title,body,section"
    )
    .unwrap();
    for (i, (text, _)) in consultation.iter().enumerate() {
        let day = 1 + i * 28 / rows.max(1);
        let (name, email) = if i % 20 == 0 {
            (format!("差出人 {i}"), format!("sender{i}@example.jp"))
        } else {
            (String::new(), String::new())
        };
        writeln!(
            out,
            "post,2026-11-{day:02}T{:02}:00:00+09:00,{name},{email},,\"{}\",",
            9 + i % 9,
            text.replace('"', "\"\"")
        )
        .unwrap();
    }
    out.flush().unwrap();
}

fn run_backend(binary: &Path, backend: &str, scratch: &Path, csv: &Path, rows: usize) -> Run {
    let (url, pg_db) = match backend {
        "sqlite" => {
            let file = scratch.join("bench.db");
            let _ = std::fs::remove_file(&file);
            (format!("sqlite://{}", file.display()), None)
        }
        "postgres" => {
            let admin = std::env::var("IDEABOX_BENCH_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("ideabox_bench_import_{}", std::process::id());
            psql(&admin, &format!("DROP DATABASE IF EXISTS {name}"));
            psql(
                &admin,
                &format!(
                    "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' \
                     LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ),
            );
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            (format!("{base}/{name}"), Some((admin.clone(), name)))
        }
        other => panic!("unknown backend {other}: sqlite or postgres"),
    };
    let port = free_port();
    let env = |cmd: &mut Command| {
        cmd.env("IDEABOX_DATABASE_URL", &url)
            .env("IDEABOX_BIND", format!("127.0.0.1:{port}"))
            .env("IDEABOX_BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("IDEABOX_OUTBOX_DIR", scratch.join("outbox"))
            .env("IDEABOX_LOG", "warn")
            // 200,000 letters of 150 to 600 characters come to about 207 MB, over the
            // default limit of 128 MB.
            .env("IDEABOX_IMPORT_MAX_MB", "512");
    };
    let mut create = Command::new(binary);
    env(&mut create);
    let mut child = create
        .args([
            "user",
            "create",
            "--email",
            ADMIN_EMAIL,
            "--name",
            "Bench admin",
            "--role",
            "admin",
            "--verified",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{ADMIN_PASSWORD}").unwrap();
    assert!(child.wait().unwrap().success(), "user create");
    let mut demo = Command::new(binary);
    env(&mut demo);
    assert!(
        demo.arg("demo")
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success(),
        "demo"
    );

    let mut serve = Command::new(binary);
    env(&mut serve);
    let server = Server(serve.arg("serve").stdout(Stdio::null()).spawn().unwrap());
    let pid = server.0.id();
    wait_until_up(port);
    let token = {
        let (status, body) = request(
            port,
            "POST",
            "/api/v1/tokens",
            None,
            Some((
                "application/json",
                json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
                    .to_string()
                    .into_bytes(),
            )),
        );
        assert_eq!(status, 201, "{body}");
        body["token"].as_str().unwrap().to_owned()
    };

    let sampling = Arc::new(AtomicBool::new(true));
    let sampled = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (sampling, sampled) = (sampling.clone(), sampled.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                if let Some(kb) = proc_status_kb(pid, "VmRSS:") {
                    sampled.fetch_max(kb, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };

    // The site's own traffic beside the import: a read and a vote at a steady pace, first
    // for a while with the server idle, then through the whole import.
    let probe = Probe::start(port, &token);
    std::thread::sleep(PROBE_IDLE);
    probe.mark_import_start();
    let started = Instant::now();
    let (status, accepted) = upload(port, &token, csv);
    let upload_seconds = started.elapsed().as_secs_f64();
    assert_eq!(status, 202, "{accepted}");
    let job = accepted["job"]["id"].as_i64().unwrap();
    let done = wait_for_job(port, &token, job, rows);
    let import_seconds = started.elapsed().as_secs_f64();
    assert_eq!(done["status"], "done", "{}", done["result"]);
    let imported = done["result"]["imported"].as_i64().unwrap_or(0);
    let peak_rss_kb = proc_status_kb(pid, "VmHWM:").unwrap_or(0);
    probe.mark_import_end();
    std::thread::sleep(PROBE_IDLE);
    let probed = probe.stop();
    sampling.store(false, Ordering::Relaxed);
    sampler.join().unwrap();

    let started = Instant::now();
    let (status, accepted) = request(
        port,
        "POST",
        &format!("/api/v1/consultations/{SLUG}/campaigns/regroup"),
        Some(&token),
        None,
    );
    assert_eq!(status, 202, "{accepted}");
    let regroup = wait_for_job(port, &token, accepted["job"]["id"].as_i64().unwrap(), 0);
    let regroup_seconds = started.elapsed().as_secs_f64();
    assert_eq!(regroup["status"], "done", "{regroup}");
    let (_, ledger) = request(
        port,
        "GET",
        &format!("/api/v1/consultations/{SLUG}/campaigns?limit=1"),
        Some(&token),
        None,
    );
    drop(server);
    if let Some((admin, name)) = pg_db.filter(|_| std::env::var_os("IDEABOX_BENCH_KEEP").is_none())
    {
        psql(
            &admin,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
    }
    Run {
        upload_seconds,
        import_seconds,
        imported,
        peak_rss_kb,
        sampled_rss_kb: sampled.load(Ordering::Relaxed),
        regroup_seconds,
        ledger,
        probed,
    }
}

/// How long the probe measures the idle server before the upload starts.
const PROBE_IDLE: Duration = Duration::from_secs(10);
/// The probe's pace: one read per tick, one vote every other tick (about 300 votes a
/// minute of import, well under the hourly vote limit of one account).
const PROBE_TICK: Duration = Duration::from_millis(100);

/// When a probe's request was sent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The idle server, before the upload (the demo's few hundred ideas).
    Before,
    Importing,
    /// The idle server after the import, with its 200,000 more submissions.
    After,
}

impl Phase {
    fn label(self) -> &'static str {
        match self {
            Phase::Before => "idle before",
            Phase::Importing => "during the import",
            Phase::After => "idle after",
        }
    }

    fn from_u8(n: u8) -> Phase {
        match n {
            0 => Phase::Before,
            1 => Phase::Importing,
            _ => Phase::After,
        }
    }
}

/// Latencies of the site's own requests, measured idle and while the import runs.
#[derive(Default)]
struct Probed {
    /// (kind, phase, milliseconds, status)
    samples: Vec<(&'static str, Phase, f64, u16)>,
}

impl Probed {
    fn print(&self, backend: &str) {
        for kind in ["idea list (API, signed in)", "vote PUT"] {
            for phase in [Phase::Before, Phase::Importing, Phase::After] {
                let mut ms: Vec<f64> = self
                    .samples
                    .iter()
                    .filter(|s| s.0 == kind && s.1 == phase)
                    .map(|s| s.2)
                    .collect();
                let failed = self
                    .samples
                    .iter()
                    .filter(|s| s.0 == kind && s.1 == phase && !(200..300).contains(&s.3))
                    .count();
                if ms.is_empty() {
                    continue;
                }
                ms.sort_by(f64::total_cmp);
                let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
                println!(
                    "{backend}: {kind} {}: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {failed} not 2xx",
                    phase.label(),
                    ms.len(),
                    at(0.5),
                    at(0.99),
                    ms[ms.len() - 1],
                );
            }
        }
    }
}

/// A thread sending the site's own requests at a steady pace.
struct Probe {
    running: Arc<AtomicBool>,
    phase: Arc<std::sync::atomic::AtomicU8>,
    thread: std::thread::JoinHandle<Probed>,
}

impl Probe {
    fn start(port: u16, token: &str) -> Probe {
        let (_, list) = request(
            port,
            "GET",
            &format!("/api/v1/consultations/{SLUG}/ideas?limit=20"),
            Some(token),
            None,
        );
        let ideas: Vec<i64> = list["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|i| i["id"].as_i64()).collect())
            .unwrap_or_default();
        assert!(!ideas.is_empty(), "the demo has ideas to vote on: {list}");
        let running = Arc::new(AtomicBool::new(true));
        let phase = Arc::new(std::sync::atomic::AtomicU8::new(0));
        let token = token.to_owned();
        let thread = {
            let (running, phase) = (running.clone(), phase.clone());
            std::thread::spawn(move || {
                let mut probed = Probed::default();
                let mut tick = 0_usize;
                while running.load(Ordering::Relaxed) {
                    let next = Instant::now() + PROBE_TICK;
                    let during = Phase::from_u8(phase.load(Ordering::Relaxed));
                    let at = Instant::now();
                    let (status, _) = request(
                        port,
                        "GET",
                        &format!("/api/v1/consultations/{SLUG}/ideas?sort=new&limit=20"),
                        Some(&token),
                        None,
                    );
                    probed.samples.push((
                        "idea list (API, signed in)",
                        during,
                        at.elapsed().as_secs_f64() * 1e3,
                        status,
                    ));
                    if tick.is_multiple_of(2) {
                        let idea = ideas[(tick / 2) % ideas.len()];
                        let value = if (tick / 2 / ideas.len()).is_multiple_of(2) {
                            "support"
                        } else {
                            "oppose"
                        };
                        let at = Instant::now();
                        let (status, _) = request(
                            port,
                            "PUT",
                            &format!("/api/v1/ideas/{idea}/vote"),
                            Some(&token),
                            Some((
                                "application/json",
                                json!({ "value": value }).to_string().into_bytes(),
                            )),
                        );
                        probed.samples.push((
                            "vote PUT",
                            during,
                            at.elapsed().as_secs_f64() * 1e3,
                            status,
                        ));
                    }
                    tick += 1;
                    std::thread::sleep(next.saturating_duration_since(Instant::now()));
                }
                probed
            })
        };
        Probe {
            running,
            phase,
            thread,
        }
    }

    fn mark_import_start(&self) {
        self.phase.store(1, Ordering::Relaxed);
    }

    fn mark_import_end(&self) {
        self.phase.store(2, Ordering::Relaxed);
    }

    fn stop(self) -> Probed {
        self.running.store(false, Ordering::Relaxed);
        self.thread.join().expect("probe thread")
    }
}

/// The server process, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn psql(url: &str, sql: &str) {
    let status = Command::new("psql")
        .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .status()
        .expect("psql runs");
    assert!(status.success(), "psql: {sql}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until_up(port: u16) {
    for _ in 0..600 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server did not start");
}

fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Follows a job, printing its progress every few seconds.
fn wait_for_job(port: u16, token: &str, id: i64, rows: usize) -> Value {
    let mut last_print = Instant::now();
    loop {
        let (status, job) = request(
            port,
            "GET",
            &format!("/api/v1/jobs/{id}"),
            Some(token),
            None,
        );
        assert_eq!(status, 200, "{job}");
        if job["status"] == "done" || job["status"] == "failed" {
            return job;
        }
        if rows > 0 && last_print.elapsed() > Duration::from_secs(5) {
            eprintln!(
                "  job {id}: {} {}/{}",
                job["status"], job["progress"]["done"], job["progress"]["total"]
            );
            last_print = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Streams the file as the body of the import call.
fn upload(port: u16, token: &str, csv: &Path) -> (u16, Value) {
    let size = std::fs::metadata(csv).unwrap().len();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /api/v1/consultations/{SLUG}/submissions/import HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Authorization: Bearer {token}\r\nContent-Type: text/csv\r\nContent-Length: {size}\r\n\
         Connection: close\r\n\r\n"
    )
    .unwrap();
    std::io::copy(&mut std::fs::File::open(csv).unwrap(), &mut stream).unwrap();
    read_answer(stream)
}

/// One HTTP/1.1 request with `Connection: close`; (status, JSON body or null).
fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> (u16, Value) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or(("application/json", Vec::new()));
    head.push_str(&format!(
        "Content-Type: {}\r\nContent-Length: {}\r\n\r\n",
        body.0,
        body.1.len()
    ));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body.1).unwrap();
    read_answer(stream)
}

fn read_answer(stream: TcpStream) -> (u16, Value) {
    let mut reader = std::io::BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut chunked = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut raw = Vec::new();
    reader.read_to_end(&mut raw).unwrap();
    if chunked {
        raw = dechunk(&raw);
    }
    (status, serde_json::from_slice(&raw).unwrap_or(Value::Null))
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..end]).unwrap_or("0").trim(), 16)
                .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
    out
}
