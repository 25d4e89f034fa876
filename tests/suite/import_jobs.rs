//! Import jobs end to end: `ideabox import` over the real binary (beside a running server on
//! the same database), an import interrupted by a restart, two instances sharing the jobs
//! of one database, and an oversized upload refused before anything is kept.

use std::process::Command;
use std::time::{Duration, Instant};

use std::io::{Read, Write};

use serde_json::Value;

use crate::submissions::upload;
use crate::support::fixtures::open_consultation;
use crate::support::{TestApp, TestOptions, backend_name, spawn_app, spawn_app_with};

/// A CSV of `rows` distinct opinions (`tag` keeps files of one test apart).
fn opinions_csv(rows: usize, tag: &str) -> String {
    let mut csv = String::from("channel,received_at,submitter_name,body\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "post,2026-11-30T09:00:00+09:00,差出人 {i},{tag} 第{i}号の意見です。窓口の手続を見直してください。\n"
        ));
    }
    csv
}

/// Runs `ideabox ARGS` against the app's database; (exit status, stdout, stderr).
fn ideabox(app: &TestApp, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ideabox"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("IDEABOX_DATABASE_URL", &app.database_url)
        .env(
            "IDEABOX_OUTBOX_DIR",
            app.temp_dir().join("cli-outbox").display().to_string(),
        )
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the command line on a blocking thread, so the in-process server keeps serving.
async fn ideabox_async(app: &TestApp, args: &[&str]) -> (i32, String, String) {
    let url = app.database_url.clone();
    let outbox = app.temp_dir().join("cli-outbox");
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_ideabox"))
            .args(&args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("IDEABOX_DATABASE_URL", &url)
            .env("IDEABOX_OUTBOX_DIR", outbox.display().to_string())
            .output()
            .expect("the binary runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

/// Follows a job over the API until it ends (imports of thousands of rows take a while in
/// a debug build).
async fn job_when_ended(app: &TestApp, token: &str, id: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let (status, _, job) = app
            .api()
            .get(&format!("/api/v1/jobs/{id}"), Some(token))
            .await;
        assert_eq!(status, 200, "{job}");
        if job["status"] == "done" || job["status"] == "failed" {
            return job;
        }
        assert!(Instant::now() < deadline, "job {id} did not end: {job}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn queue_import(app: &TestApp, token: &str, slug: &str, csv: String) -> i64 {
    let (status, _, accepted) = upload(app, token, slug, "text/csv", csv.into_bytes()).await;
    assert_eq!(status, 202, "{accepted}");
    accepted["job"]["id"].as_i64().expect("job id")
}

fn import_of_job(app: &TestApp, job: i64) -> i64 {
    app.count(&format!("SELECT id FROM import_files WHERE job_id = {job}"))
}

#[tokio::test]
async fn the_command_line_imports_beside_a_running_server_once_and_writes_every_receipt() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let dir = app.temp_dir();
    let letters = dir.join("letters.csv");
    std::fs::write(&letters, opinions_csv(40, "郵送")).unwrap();
    let receipts = dir.join("receipts.csv");
    let (code, out, err) = ideabox_async(
        &app,
        &[
            "import",
            "--consultation",
            &c.slug,
            "--receipts",
            receipts.to_str().unwrap(),
            letters.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("40 submission(s) imported"), "{out}");
    assert!(out.contains("receipts written to"), "{out}");

    let imported = "SELECT COUNT(*) FROM ideas WHERE import_id IS NOT NULL";
    assert_eq!(app.count(imported), 40);
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT import_line) FROM ideas WHERE import_id IS NOT NULL"),
        40
    );
    // The job is recorded as the command line's, not as any person's.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM jobs JOIN users ON users.id = jobs.created_by \
             WHERE jobs.kind = 'import' AND users.system_name = 'command-line' \
             AND users.email IS NULL AND jobs.status = 'done' AND jobs.attempts = 1"
        ),
        1
    );

    let written = std::fs::read_to_string(&receipts).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "file,line,receipt");
    assert_eq!(lines.len(), 41, "{written}");
    for (k, row) in lines[1..].iter().enumerate() {
        let fields: Vec<&str> = row.rsplitn(3, ',').collect();
        let (receipt, line) = (fields[0], fields[1].parse::<i64>().unwrap());
        assert_eq!(line, k as i64 + 2, "data starts on line 2");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM ideas WHERE import_line = {line} AND receipt = '{receipt}'"
            )),
            1,
            "{row}"
        );
    }

    // The same file again adds nothing and still gives the receipts.
    let (code, out, err) = ideabox_async(
        &app,
        &[
            "import",
            "--consultation",
            &c.slug,
            "--receipts",
            receipts.to_str().unwrap(),
            letters.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("already imported"), "{out}");
    assert_eq!(app.count(imported), 40);
    assert_eq!(std::fs::read_to_string(&receipts).unwrap(), written);
}

#[tokio::test]
async fn the_command_line_lists_a_bad_date_and_an_empty_body_by_line_and_imports_nothing() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let bad = app.temp_dir().join("bad.csv");
    std::fs::write(
        &bad,
        "channel,received_at,body\n\
         post,2026-11-30,良い行です。\n\
         post,2026-13-45,日付が違います。\n\
         post,2026-11-30,\n\
         email,,これも良い行です。\n",
    )
    .unwrap();
    // No extension: the format comes from the content.
    let mail = app.temp_dir().join("message");
    std::fs::write(
        &mail,
        "From: sender@example.jp\r\nSubject: =?UTF-8?B?5oSP6KaL?=\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\nメールでの意見です。\r\n",
    )
    .unwrap();
    let (code, out, err) = ideabox(
        &app,
        &[
            "import",
            "--consultation",
            &c.slug,
            bad.to_str().unwrap(),
            mail.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{out}\n{err}");
    let shown = bad.display().to_string();
    assert!(
        err.contains(&format!("{shown}:3: received_at: ")),
        "the bad date, by line and field: {err}"
    );
    assert!(
        err.contains(&format!("{shown}:4: body: ")),
        "the empty body, by line and field: {err}"
    );
    assert!(err.contains("2 bad record(s); nothing imported"), "{err}");
    assert!(!err.contains(&format!("{shown}:2:")), "{err}");
    assert!(!err.contains(&format!("{shown}:5:")), "{err}");
    // The other file is imported all the same, as mail.
    assert!(out.contains("1 submission(s) imported"), "{out}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ideas WHERE import_id IS NOT NULL"),
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ideas WHERE import_id IS NOT NULL AND channel = 'email'"),
        1
    );
}

#[tokio::test]
async fn the_command_line_names_an_unknown_consultation_a_missing_file_and_a_bad_channel() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let file = app.temp_dir().join("one.csv");
    std::fs::write(&file, "body\n意見です。\n").unwrap();
    let path = file.to_str().unwrap();

    let (code, _, err) = ideabox(&app, &["import", "--consultation", "no-such-plan", path]);
    assert_eq!(code, 1);
    assert!(
        err.contains(path) && err.to_lowercase().contains("not found"),
        "{err}"
    );

    let missing = app.temp_dir().join("missing.csv");
    let (code, _, err) = ideabox(
        &app,
        &[
            "import",
            "--consultation",
            &c.slug,
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot read") && err.contains("missing.csv"),
        "{err}"
    );

    let (code, _, err) = ideabox(
        &app,
        &[
            "import",
            "--consultation",
            &c.slug,
            "--channel",
            "pigeon",
            path,
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("channel"), "{err}");

    let (code, _, err) = ideabox(&app, &["import", "--consultation", &c.slug]);
    assert_eq!(code, 2, "clap's usage error: {err}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM import_files"),
        0,
        "nothing stored by any refusal"
    );
}

/// Every line of `import` is stored exactly once, each with a receipt of its own.
fn assert_every_line_stored_once(app: &crate::support::TestApp, import: i64, rows: usize) {
    let of_import = |what: &str| {
        app.count(&format!(
            "SELECT COUNT({what}) FROM ideas WHERE import_id = {import}"
        ))
    };
    assert_eq!(of_import("*"), rows as i64, "every line once");
    assert_eq!(
        of_import("DISTINCT import_line"),
        rows as i64,
        "no line twice"
    );
    assert_eq!(
        of_import("DISTINCT receipt"),
        rows as i64,
        "a receipt per line"
    );
}

#[tokio::test]
async fn an_import_stopped_by_a_restart_finishes_once_on_the_next_instance() {
    const ROWS: usize = 12_000;
    let first = spawn_app().await;
    let c = open_consultation(&first).await;
    let job = queue_import(&first, &c.admin, &c.slug, opinions_csv(ROWS, "再起動")).await;
    let import = import_of_job(&first, job);
    let stored = format!("SELECT COUNT(*) FROM ideas WHERE import_id = {import}");

    // Stop the instance once the job has stored part of the file.
    let deadline = Instant::now() + Duration::from_secs(120);
    while first.count(&stored) == 0 {
        assert!(
            Instant::now() < deadline,
            "the import never started storing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.stop().await;
    // The stopping worker puts the job back in the queue at its next step.
    let deadline = Instant::now() + Duration::from_secs(30);
    while first.count(&format!(
        "SELECT COUNT(*) FROM jobs WHERE id = {job} AND status = 'running'"
    )) == 1
    {
        assert!(Instant::now() < deadline, "the job was not put back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let at_stop = first.count(&stored);
    assert!(
        at_stop > 0 && at_stop < ROWS as i64,
        "the restart falls in the middle of the job: {at_stop} of {ROWS} stored"
    );
    assert_eq!(
        first.count(&format!(
            "SELECT COUNT(*) FROM jobs WHERE id = {job} AND status = 'queued' AND locked_until IS NULL"
        )),
        1
    );

    let second = spawn_app_with(TestOptions {
        database_url: Some(first.database_url.clone()),
        ..Default::default()
    })
    .await;
    let ended = job_when_ended(&second, &c.admin, job).await;
    assert_eq!(ended["status"], "done", "{ended}");
    assert_eq!(ended["result"]["imported"], ROWS as i64);
    assert_eq!(
        ended["result"]["receipts"].as_array().unwrap().len(),
        ROWS,
        "one receipt per line"
    );
    assert_every_line_stored_once(&second, import, ROWS);
    assert_eq!(
        second.count(&format!("SELECT attempts FROM jobs WHERE id = {job}")),
        1,
        "an orderly stop is not counted as a failed attempt"
    );
}

#[tokio::test]
async fn two_instances_run_the_jobs_of_one_database_each_once() {
    const FILES: usize = 6;
    const ROWS: usize = 1_500;
    let one = spawn_app().await;
    let c = open_consultation(&one).await;
    let two = spawn_app_with(TestOptions {
        database_url: Some(one.database_url.clone()),
        ..Default::default()
    })
    .await;
    // Queued all at once, so that each instance's worker has work waiting from the start.
    let files: Vec<String> = (0..FILES)
        .map(|k| opinions_csv(ROWS, &format!("file{k}")))
        .collect();
    let jobs: Vec<i64> =
        futures_util::future::join_all(files.into_iter().enumerate().map(|(k, csv)| {
            let app = if k % 2 == 0 { &one } else { &two };
            queue_import(app, &c.admin, &c.slug, csv)
        }))
        .await;
    for job in &jobs {
        let ended = job_when_ended(&two, &c.admin, *job).await;
        assert_eq!(ended["status"], "done", "{ended}");
        assert_eq!(ended["result"]["imported"], ROWS as i64);
    }
    if backend_name() == "postgres" {
        // A worker runs one job at a time, so two jobs whose runs overlap ran in two
        // instances. (SQLite serialises writers across processes, so there the instances
        // take turns and only the once-only properties below apply.)
        assert!(
            one.count(
                "SELECT COUNT(*) FROM jobs a JOIN jobs b ON a.id < b.id \
                 WHERE a.kind = 'import' AND b.kind = 'import' \
                 AND a.started_at < b.finished_at AND b.started_at < a.finished_at"
            ) > 0,
            "both instances ran jobs at once"
        );
    }
    assert_eq!(
        one.count("SELECT COUNT(*) FROM jobs WHERE kind = 'import' AND attempts <> 1"),
        0,
        "each job claimed once"
    );
    assert_eq!(
        one.count("SELECT COUNT(*) FROM ideas WHERE import_id IS NOT NULL"),
        (FILES * ROWS) as i64
    );
    assert_eq!(
        one.count("SELECT COUNT(DISTINCT receipt) FROM ideas"),
        one.count("SELECT COUNT(*) FROM ideas"),
        "no receipt given twice"
    );
    assert_eq!(
        one.count(
            "SELECT COUNT(*) FROM (SELECT import_id, import_line FROM ideas \
             WHERE import_id IS NOT NULL GROUP BY import_id, import_line HAVING COUNT(*) > 1) d"
        ),
        0
    );
}

#[tokio::test]
async fn a_200_mb_upload_is_refused_with_413_and_nothing_is_kept() {
    const SIZE: usize = 200 * 1024 * 1024;
    let app = spawn_app().await; // the default limit: IDEABOX_IMPORT_MAX_MB=128
    let c = open_consultation(&app).await;
    let head = format!(
        "POST /api/v1/consultations/{}/submissions/import HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\
         Authorization: Bearer {}\r\nContent-Type: text/csv\r\nContent-Length: {SIZE}\r\n\
         Connection: close\r\n\r\n",
        c.slug, app.port, c.admin
    );
    let port = app.port;
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(300)))
            .unwrap();
        let mut reader = stream.try_clone().unwrap();
        // The answer is read while the body is still being sent.
        let answer = std::thread::spawn(move || {
            let mut answer = Vec::new();
            let _ = reader.read_to_end(&mut answer);
            answer
        });
        // The body goes a megabyte at a time from one buffer, never held whole; the server
        // may close the connection before all of it was sent.
        let _ = (|| {
            stream.write_all(head.as_bytes())?;
            let mut piece = b"body\n".to_vec();
            piece.resize(1024 * 1024, b'a');
            for _ in 0..SIZE / piece.len() {
                stream.write_all(&piece)?;
                piece.fill(b'a');
            }
            Ok::<_, std::io::Error>(())
        })();
        answer.join().unwrap()
    })
    .await
    .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{}",
        answer.lines().next().unwrap_or("(no answer)")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM import_chunks"), 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM import_files"), 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs"), 0);
}

#[tokio::test]
async fn an_import_whose_server_was_killed_is_taken_over_once_its_lease_runs_out() {
    const ROWS: usize = 12_000;
    // The database and consultation come from an in-process instance, stopped before the
    // real server starts, so that only the server's worker can claim the job.
    let setup = spawn_app().await;
    let c = open_consultation(&setup).await;
    setup.stop().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_ideabox"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("IDEABOX_DATABASE_URL", &setup.database_url)
        .env("IDEABOX_BIND", format!("127.0.0.1:{port}"))
        .env("IDEABOX_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env(
            "IDEABOX_OUTBOX_DIR",
            setup.temp_dir().join("served-outbox").display().to_string(),
        )
        .env("IDEABOX_LOG", "warn")
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let accepted: Value = client
        .post(format!(
            "{base}/api/v1/consultations/{}/submissions/import",
            c.slug
        ))
        .bearer_auth(&c.admin)
        .header("content-type", "text/csv")
        .body(opinions_csv(ROWS, "強制終了"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let job = accepted["job"]["id"].as_i64().expect("job id");
    let import = import_of_job(&setup, job);
    let stored = format!("SELECT COUNT(*) FROM ideas WHERE import_id = {import}");
    let deadline = Instant::now() + Duration::from_secs(120);
    while setup.count(&stored) == 0 {
        assert!(
            Instant::now() < deadline,
            "the import never started storing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().unwrap(); // SIGKILL: no orderly stop, the lease stays held
    server.wait().unwrap();
    let at_kill = setup.count(&stored);
    assert!(at_kill > 0 && at_kill < ROWS as i64, "{at_kill} of {ROWS}");
    assert_eq!(
        setup.count(&format!(
            "SELECT COUNT(*) FROM jobs WHERE id = {job} AND status = 'running'"
        )),
        1,
        "the dead server still holds the job"
    );

    let next = spawn_app_with(TestOptions {
        database_url: Some(setup.database_url.clone()),
        ..Default::default()
    })
    .await;
    let ended = job_when_ended(&next, &c.admin, job).await;
    assert_eq!(ended["status"], "done", "{ended}");
    assert_every_line_stored_once(&next, import, ROWS);
    assert_eq!(
        next.count(&format!("SELECT attempts FROM jobs WHERE id = {job}")),
        2,
        "claimed again once, after the lease ran out"
    );
}
