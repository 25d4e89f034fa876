//! The `ideabox` command line: help, settings errors, accounts, demo data, migrations.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::fixtures::put_vote;
use crate::support::*;

/// A database for command-line runs (kept alive by the returned guards).
struct CliDb {
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
    url: String,
    outbox: String,
}

fn cli_db() -> CliDb {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = match postgres_admin_url() {
        Some(admin) => {
            let db = PgDatabase::create(&admin);
            (db.url.clone(), Some(db))
        }
        None => (
            format!("sqlite://{}", dir.path().join("cli.db").display()),
            None,
        ),
    };
    let outbox = dir.path().join("outbox").display().to_string();
    CliDb {
        _dir: dir,
        _pg: pg,
        url,
        outbox,
    }
}

fn ideabox(db: &CliDb, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ideabox"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("IDEABOX_DATABASE_URL", &db.url)
        .env("IDEABOX_OUTBOX_DIR", &db.outbox)
        .env("IDEABOX_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_subcommand_has_help() {
    let db = cli_db();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["demo", "--help"],
        vec!["user", "--help"],
        vec!["user", "create", "--help"],
        vec!["user", "set-role", "--help"],
    ] {
        let (code, out, _) = ideabox(&db, &args, None);
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("Usage"), "{args:?}: {out}");
    }
    let (_, out, _) = ideabox(&db, &["user", "create", "--help"], None);
    for flag in [
        "--email",
        "--name",
        "--role",
        "--verified",
        "--password-stdin",
    ] {
        assert!(out.contains(flag), "{flag}");
    }
}

#[test]
fn a_bad_setting_stops_with_one_line_naming_it() {
    let db = cli_db();
    let out = Command::new(env!("CARGO_BIN_EXE_ideabox"))
        .arg("migrate")
        .env("IDEABOX_DATABASE_URL", &db.url)
        .env("IDEABOX_SESSION_IDLE_MINUTES", "forever")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("IDEABOX_SESSION_IDLE_MINUTES"), "{err}");
}

#[test]
fn migrate_is_idempotent() {
    let db = cli_db();
    let (code, out, err) = ideabox(&db, &["migrate"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("migration(s) applied"));
    let (code, out, _) = ideabox(&db, &["migrate"], None);
    assert_eq!(code, 0);
    assert!(out.starts_with("0 migration"), "{out}");
}

#[tokio::test]
async fn user_create_and_set_role_from_the_command_line() {
    let db = cli_db();
    let (code, out, err) = ideabox(
        &db,
        &[
            "user",
            "create",
            "--email",
            "First.Admin@example.jp",
            "--name",
            "First admin",
            "--role",
            "admin",
            "--verified",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("first.admin@example.jp"));
    assert!(!out.contains(PASSWORD));

    let (code, out, _) = ideabox(
        &db,
        &[
            "user",
            "create",
            "--email",
            "gen@example.jp",
            "--name",
            "Generated",
        ],
        None,
    );
    assert_eq!(code, 0);
    let generated = out
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once): "))
        .expect("generated password")
        .to_owned();

    let (code, _, err) = ideabox(
        &db,
        &[
            "user",
            "create",
            "--email",
            "gen@example.jp",
            "--name",
            "Again",
            "--password-stdin",
        ],
        Some("another good passphrase\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("email"), "{err}");
    let (code, _, err) = ideabox(
        &db,
        &[
            "user",
            "create",
            "--email",
            "weak@example.jp",
            "--name",
            "W",
            "--password-stdin",
        ],
        Some("password1234\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("common"), "{err}");
    let (code, _, err) = ideabox(
        &db,
        &[
            "user",
            "create",
            "--email",
            "x@example.jp",
            "--name",
            "X",
            "--role",
            "king",
        ],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("role"), "{err}");

    let (code, out, err) = ideabox(
        &db,
        &[
            "user",
            "set-role",
            "--email",
            "gen@example.jp",
            "--role",
            "moderator",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("moderator"));
    let (code, _, err) = ideabox(
        &db,
        &[
            "user",
            "set-role",
            "--email",
            "nobody@example.jp",
            "--role",
            "moderator",
        ],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("nobody@example.jp"), "{err}");
    let (code, _, err) = ideabox(
        &db,
        &[
            "user",
            "set-role",
            "--email",
            "first.admin@example.jp",
            "--role",
            "citizen",
        ],
        None,
    );
    assert_ne!(code, 0, "last admin");
    assert!(err.to_lowercase().contains("administrator"), "{err}");

    // The accounts work in the running site.
    let app = spawn_app_with(TestOptions {
        database_url: Some(db.url.clone()),
        ..Default::default()
    })
    .await;
    let admin = app.browser();
    assert_eq!(
        admin
            .login("first.admin@example.jp", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(admin.get("/admin/users").await.status(), 200);
    let moderator = app.browser();
    assert_eq!(
        moderator.login("gen@example.jp", &generated).await.status(),
        303
    );
    let token = app.api().token_with("gen@example.jp", &generated).await;
    let (_, _, me) = app.api().get("/api/v1/me", Some(&token)).await;
    assert_eq!(me["role"], "moderator");
    assert_eq!(me["verified"], false);
}

#[tokio::test]
async fn demo_loads_once_and_prints_each_account_once() {
    let db = cli_db();
    let (code, out, err) = ideabox(&db, &["demo"], None);
    assert_eq!(code, 0, "{err}");
    for role in ["citizen", "moderator", "drafter", "admin"] {
        assert!(
            out.contains(&format!("{role}@demo.ideabox.example")),
            "{out}"
        );
    }
    assert_eq!(out.matches("password:").count(), 4);
    let (code, again, _) = ideabox(&db, &["demo"], None);
    assert_eq!(code, 0);
    assert_eq!(again.matches("password:").count(), 0, "{again}");
    assert!(again.contains("already present"));

    let app = spawn_app_with(TestOptions {
        database_url: Some(db.url.clone()),
        ..Default::default()
    })
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations"), 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM consultations"), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE role <> 'citizen' OR email LIKE 'citizen@%'"),
        4
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ideas WHERE channel = 'web'"),
        12,
        "a living discussion"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ideas WHERE channel IN ('post', 'email', 'fax')"),
        306,
        "letters, mails and faxes, and a campaign by post"
    );
    assert!(
        app.count("SELECT MAX(size) FROM campaigns") >= 290,
        "the form letter's copies are grouped, variants and additions included"
    );
    assert!(
        app.count("SELECT COUNT(*) FROM idea_submitters WHERE name = '郵便 花子'") == 1,
        "the sender is kept for staff"
    );
    let (_, _, listing) = app
        .api()
        .get(
            "/api/v1/consultations/digital-transformation-plan/ideas?limit=100",
            None,
        )
        .await;
    let (_, page) = app
        .browser()
        .page("/c/digital-transformation-plan/ideas")
        .await;
    let letter = app.count("SELECT id FROM ideas WHERE title = '紙の申請も残してください'");
    let (status, _, shown) = app
        .api()
        .get(&format!("/api/v1/ideas/{letter}"), None)
        .await;
    assert_eq!(status, 200, "the letter itself is public");
    assert_eq!(shown["channel"], "post");
    let (_, letter_page) = app.browser().page(&format!("/ideas/{letter}")).await;
    assert!(letter_page.contains("紙の申請も残してください"));
    for private in [
        "郵便 花子",
        "hanako.yubin@example.jp",
        "紙谷 次郎",
        "Alex Mailer",
    ] {
        assert!(
            !listing.to_string().contains(private),
            "{private} in the API"
        );
        assert!(!shown.to_string().contains(private), "{private} in the API");
        assert!(!page.contains(private), "{private} on the list");
        assert!(
            !letter_page.contains(private),
            "{private} on the letter's page"
        );
    }
    assert!(
        app.count("SELECT COUNT(*) FROM comments WHERE parent_id IS NOT NULL") > 0,
        "with replies"
    );
    assert!(
        app.count("SELECT COUNT(*) FROM votes WHERE value = -1") > 0,
        "and some opposition"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox"),
        0,
        "no mail to fictitious people"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM tags"), 3, "tags");
    assert!(app.count("SELECT COUNT(*) FROM idea_tags") >= 10);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM comments WHERE visibility = 'hidden'"),
        1,
        "one hidden item"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM reports WHERE resolved_at IS NULL"),
        1,
        "a report in the queue"
    );
    assert!(
        app.count("SELECT COUNT(*) FROM ideas WHERE title LIKE 'Publish every form%'") > 0,
        "English too"
    );
    let (_, home) = app.browser().page("/").await;
    assert!(
        home.contains("デジタル・ガバメント実行計画"),
        "the demo consultation is on the home page"
    );
    let body = app.count("SELECT COUNT(*) FROM consultations WHERE body LIKE '%デジタルファースト%' AND body LIKE '%ワンスオンリー%' AND body LIKE '%コネクテッド・ワンストップ%'");
    assert_eq!(body, 1, "the plan's three principles are its sections");
    let admin_line = out.lines().find(|l| l.starts_with("admin")).unwrap();
    let password = admin_line
        .split("password: ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let browser = app.browser();
    assert_eq!(
        browser
            .login("admin@demo.ideabox.example", password)
            .await
            .status(),
        303
    );
    assert_eq!(browser.get("/admin/users").await.status(), 200);
}

#[tokio::test]
async fn serve_logs_no_secrets_and_stops_gracefully_on_sigterm() {
    let db = cli_db();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log_path = db._dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_ideabox"))
        .arg("serve")
        .env("IDEABOX_DATABASE_URL", &db.url)
        .env("IDEABOX_OUTBOX_DIR", &db.outbox)
        .env("IDEABOX_BIND", format!("127.0.0.1:{port}"))
        .env("IDEABOX_LOG", "debug")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(up, "server did not come up");

    let api = Api {
        base: base.clone(),
        client: reqwest::Client::new(),
    };
    let (status, _, _) = api
        .post("/api/v1/users", &serde_json::json!({"email": "hygiene@example.jp", "display_name": "H", "password": PASSWORD}), None)
        .await;
    assert_eq!(status, 201);
    let token = api.token("hygiene@example.jp").await;
    api.get("/api/v1/me", Some(&token)).await;
    api.post(
        "/api/v1/tokens",
        &serde_json::json!({"email": "hygiene@example.jp", "password": "a wrong password"}),
        None,
    )
    .await;
    let browser = Browser::new(&base);
    assert_eq!(
        browser.login("hygiene@example.jp", PASSWORD).await.status(),
        303
    );
    let session = browser.cookie("ideabox_session").unwrap();
    browser.get("/account").await;
    browser
        .get("/verify?token=secret-looking-query-value")
        .await;

    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut exited = None;
    for _ in 0..200 {
        if let Some(code) = server.try_wait().unwrap() {
            exited = Some(code);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let code = exited.unwrap_or_else(|| {
        let _ = server.kill();
        panic!("server ignored SIGTERM")
    });
    assert!(code.success(), "clean exit: {code:?}");

    let logs = std::fs::read_to_string(&log_path).unwrap();
    assert!(logs.contains("stopped"), "{logs}");
    assert!(
        logs.contains("request_id") || logs.contains("id="),
        "request ids in log lines"
    );
    for secret in [
        PASSWORD,
        "a wrong password",
        &token,
        &session,
        "hygiene@example.jp",
        "secret-looking-query-value",
    ] {
        assert!(!logs.contains(secret), "log contains {secret:?}");
    }
    assert!(logs.contains("h***@example.jp"), "emails appear masked");
    // Only the development outbox line carries a link (and so its token).
    let verify_lines: Vec<&str> = logs.lines().filter(|l| l.contains("token=")).collect();
    assert!(
        verify_lines
            .iter()
            .all(|l| l.contains("mail written to the outbox folder")),
        "{verify_lines:?}"
    );
}

#[tokio::test]
async fn demo_builds_a_skewed_load_test_consultation_whose_counters_match_a_recount() {
    let db = cli_db();
    let tokens_file = tempfile::NamedTempFile::new().unwrap();
    let tokens_path = tokens_file.path().display().to_string();
    let sessions_file = tempfile::NamedTempFile::new().unwrap();
    let sessions_path = sessions_file.path().display().to_string();
    let args = [
        "demo",
        "--ideas",
        "120",
        "--users",
        "60",
        "--comments",
        "900",
        "--votes",
        "1500",
        "--api-tokens",
        &tokens_path,
        "--sessions",
        &sessions_path,
    ];
    let (code, out, err) = ideabox(&db, &args, None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("consultation load-test: created"), "{out}");
    let (code, again, _) = ideabox(&db, &args, None);
    assert_eq!(code, 0);
    assert!(
        again.contains("consultation load-test: already present"),
        "{again}"
    );

    let app = spawn_app_with(TestOptions {
        database_url: Some(db.url.clone()),
        ..Default::default()
    })
    .await;
    let in_load_test =
        "FROM ideas i JOIN consultations c ON c.id = i.consultation_id WHERE c.slug = 'load-test'";
    assert_eq!(app.count(&format!("SELECT COUNT(*) {in_load_test}")), 120);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM comments WHERE idea_id IN (SELECT i.id {in_load_test})"
        )),
        900
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM votes WHERE idea_id IN (SELECT i.id {in_load_test})"
        )),
        1500
    );
    let drift = app.count(&format!(
        "SELECT COUNT(*) {in_load_test} AND (i.comment_count <> (SELECT COUNT(*) FROM comments x WHERE x.idea_id = i.id) \
         OR i.support_count <> (SELECT COUNT(*) FROM votes v WHERE v.idea_id = i.id AND v.value = 1) \
         OR i.oppose_count <> (SELECT COUNT(*) FROM votes v WHERE v.idea_id = i.id AND v.value = -1))"
    ));
    assert_eq!(drift, 0, "stored counters equal a recount");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM votes v JOIN ideas i ON i.id = v.idea_id WHERE v.user_id = i.author_id"),
        0,
        "nobody votes on their own idea"
    );
    let busiest = app.count(&format!("SELECT MAX(i.comment_count) {in_load_test}"));
    assert!(
        busiest > 60,
        "activity is skewed towards a few ideas: {busiest}"
    );

    // The pages and the API serve it, newest and most-supported first.
    let (status, page) = app.browser().page("/c/load-test?sort=top").await;
    assert_eq!(status, 200);
    assert!(page.contains("行政サービス改善アイデア募集"));
    let list = app
        .browser()
        .get("/api/v1/consultations/load-test/ideas?sort=top")
        .await;
    assert_eq!(list.status(), 200);
    let body: serde_json::Value = list.json().await.unwrap();
    let top = body["items"][0]["support_count"].as_i64().unwrap();
    let max = app.count(&format!("SELECT MAX(i.support_count) {in_load_test}"));
    assert_eq!(top, max);
    // Each generated person can vote through the API with their token.
    let tokens = std::fs::read_to_string(&tokens_path).unwrap();
    assert_eq!(tokens.lines().count(), 60);
    let idea = app.count(&format!("SELECT MIN(i.id) {in_load_test}"));
    for token in tokens.lines().take(3) {
        let (status, _) = put_vote(&app, token, idea, "oppose").await;
        assert_eq!(status, 200);
    }
    // Each has a signed-in session too: its cookie opens their pages.
    let sessions = std::fs::read_to_string(&sessions_path).unwrap();
    assert_eq!(sessions.lines().count(), 60);
    let reader = app.browser();
    let session = sessions.lines().next().unwrap();
    let response = reader
        .get_with(
            "/c/load-test/ideas",
            &[("Cookie", &format!("ideabox_session={session}"))],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("action=\"/logout\"")
    );
    let (status, search) = app.browser().page("/search?q=%E3%83%9E%E3%82%A4%E3%83%8A%E3%83%B3%E3%83%90%E3%83%BC&consultation=load-test").await;
    assert_eq!(status, 200);
    assert!(search.contains("マイナンバー"));
}
